"""Settings, all read from the environment (see .env.example). Bad values fail loudly."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BAGALAU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "bagalau.core",
    "bagalau.workdays",
    "bagalau.org",
    "bagalau.methodology",
    "bagalau.evaluations",
    "bagalau.plans",
    "bagalau.calibration",
    "bagalau.surveys",
    "bagalau.commission",
    "bagalau.notifications",
    "bagalau.documents",
    "bagalau.reports",
    "bagalau.analytics",
    "bagalau.api",
    "bagalau.core.axes_config.AxesConfig",  # django-axes, under a translated name
    # Last: the demo and synthetic data stand on top of every other app.
    "bagalau.demo",
]

MIDDLEWARE = [
    # First: one structured log line per request (duration of the whole stack), then the
    # health endpoint for load balancers (no host check, no HTTPS redirect, no session).
    "bagalau.core.middleware.RequestLogMiddleware",
    "bagalau.core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "bagalau.core.middleware.UserLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bagalau.core.middleware.CleanTextMiddleware",
    "bagalau.core.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

if not DEBUG:
    # Production: WhiteNoise serves the collected, hashed static files (see STORAGES).
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "bagalau.urls"
WSGI_APPLICATION = "bagalau.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bagalau" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "bagalau.core.context_processors.navigation",
            ],
        },
    },
]

# Forms render through TEMPLATES, so bagalau/templates/django/forms/ overrides Django's
# own templates: the error list is announced (role="alert") and keeps the id its field's
# aria-describedby names.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'bagalau.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A persistent connection is checked before a request reuses it: after a database
        # restart the first request reconnects instead of failing (bagalau/core/unavailable.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Connections at national scale (docs/deploy.md). DATABASE_POOL=1: psycopg's pool in each
    # process (for threaded workers; it replaces persistent connections, so CONN_MAX_AGE=0).
    # DATABASE_PGBOUNCER=1: behind PgBouncer in transaction mode, where a server-side
    # cursor cannot outlive its transaction.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_POOL", False):
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        _options["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN_SIZE", 1),
            "max_size": env_int("DATABASE_POOL_MAX_SIZE", 4),
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
        }
    if env_bool("DATABASE_PGBOUNCER", False):
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in lockout (django-axes): after BAGALAU_SIGNIN_FAILURES failed sign-ins for one
# username, or from one address, sign-in is refused for BAGALAU_SIGNIN_COOLOFF_MINUTES after
# the last counted failure. Covers every authenticate() call: the login page, the admin.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
BAGALAU_SIGNIN_FAILURES = env_int("BAGALAU_SIGNIN_FAILURES", 10)
BAGALAU_SIGNIN_COOLOFF_MINUTES = env_int("BAGALAU_SIGNIN_COOLOFF_MINUTES", 15)
AXES_FAILURE_LIMIT = BAGALAU_SIGNIN_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=BAGALAU_SIGNIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
# Attempts during a lockout do not extend it: the time the message gives holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "bagalau.core.signin.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_VERBOSE = False
# Behind a reverse proxy, the number of proxies that append to X-Forwarded-For; 0 = none.
BAGALAU_PROXY_COUNT = env_int("BAGALAU_PROXY_COUNT", 0)
if BAGALAU_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = BAGALAU_PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
# Password reset requests: at most this many per account and per address in a cool-off window.
BAGALAU_RESET_PER_ACCOUNT = env_int("BAGALAU_RESET_PER_ACCOUNT", 3)
BAGALAU_RESET_PER_ADDRESS = env_int("BAGALAU_RESET_PER_ADDRESS", 20)
# API tokens: lifetime offered by default (the form offers 30/90/365 days), and how many
# unknown or revoked tokens one address may send in a cool-off window before a 429.
BAGALAU_TOKEN_DAYS = env_int("BAGALAU_TOKEN_DAYS", 90)
BAGALAU_TOKEN_FAILURES_PER_ADDRESS = env_int("BAGALAU_TOKEN_FAILURES_PER_ADDRESS", 10)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Kazakh is the default language; Russian and English are complete.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# Legal dates are computed in the country's time zone (single zone UTC+5 since March 2024).
TIME_ZONE = "Asia/Almaty"
LANGUAGE_COOKIE_NAME = "bagalau_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# With DEBUG=0 static files are hashed and compressed by `collectstatic` (names change with
# the content, so WhiteNoise sends them with a far-future Cache-Control); run collectstatic
# on every deploy (`make serve-prod` does). With DEBUG=1, runserver serves them as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# KPI evidence files (issue 14 item 5): outside the web root, served only through the
# access-checked view; the type is checked by content, the size bounded.
EVIDENCE_ROOT = Path(os.environ.get("BAGALAU_EVIDENCE_DIR", VAR_DIR / "evidence"))
EVIDENCE_MAX_BYTES = int(os.environ.get("BAGALAU_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_PER_LINE = 10
MEDIA_URL = "media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bagalau@localhost")
# A relay that accepts the connection and then says nothing must not hold a tick worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
# The outbox (bagalau/notifications/services.py): a failed e-mail is tried again after these
# delays, in seconds (the last one repeats up to 5 attempts); a row a worker claimed and did
# not finish (the worker died) goes back to the queue after BAGALAU_NOTIFY_STUCK_SECONDS.
try:
    BAGALAU_NOTIFY_BACKOFF_SECONDS = [
        int(x) for x in env_list("BAGALAU_NOTIFY_BACKOFF_SECONDS", ["60", "300", "1800"])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(
        "BAGALAU_NOTIFY_BACKOFF_SECONDS must be seconds separated by commas (60,300,1800)"
    ) from exc
if not BAGALAU_NOTIFY_BACKOFF_SECONDS or min(BAGALAU_NOTIFY_BACKOFF_SECONDS) < 0:
    raise ImproperlyConfigured("BAGALAU_NOTIFY_BACKOFF_SECONDS must be delays of 0 s or more")
BAGALAU_NOTIFY_STUCK_SECONDS = env_int("BAGALAU_NOTIFY_STUCK_SECONDS", 600)

# The address users open, for the links in e-mailed notices ("https://bagalau.example.kz").
# Required with DEBUG=0: a notice whose link has no host is useless in a mail client.
BAGALAU_SITE_URL = os.environ.get("BAGALAU_SITE_URL", "" if not DEBUG else "http://127.0.0.1:8000")
BAGALAU_SITE_URL = BAGALAU_SITE_URL.rstrip("/")
if BAGALAU_SITE_URL and not BAGALAU_SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"BAGALAU_SITE_URL must start with http:// or https://, got {BAGALAU_SITE_URL!r}"
    )
if not DEBUG and not BAGALAU_SITE_URL:
    raise ImproperlyConfigured("BAGALAU_SITE_URL must be set when DEBUG is off")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# BAGALAU_HTTPS=0 turns off the HTTPS-only settings below for a DEBUG=0 server on plain
# http (`make serve-prod` on localhost, the CI smoke test); `check --deploy` then warns.
# Never in a real install: behind nginx with TLS, leave it on.
BAGALAU_HTTPS = env_bool("BAGALAU_HTTPS", True)
if not DEBUG and BAGALAU_HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PAGE_SIZE = env_int("PAGE_SIZE", 50)

# Excel import limits (bagalau.org.excel). The export of a ministry of 20,000 servants (22,000
# positions, 40,000 appointments, 50,000 absences) is 3.9 MB, unzipping to 67 MB.
BAGALAU_IMPORT_MAX_BYTES = env_int("BAGALAU_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
BAGALAU_IMPORT_MAX_UNPACKED_BYTES = env_int("BAGALAU_IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
BAGALAU_IMPORT_MAX_ROWS = env_int("BAGALAU_IMPORT_MAX_ROWS", 50_000)  # data rows per sheet
BAGALAU_IMPORT_MAX_ERRORS = env_int("BAGALAU_IMPORT_MAX_ERRORS", 100)  # bad cells listed
for _name in (
    "BAGALAU_IMPORT_MAX_BYTES",
    "BAGALAU_IMPORT_MAX_UNPACKED_BYTES",
    "BAGALAU_IMPORT_MAX_ROWS",
    "BAGALAU_IMPORT_MAX_ERRORS",
):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be a positive integer")

# Logs go to stdout (systemd's journal, or any shipper reading it). LOG_FORMAT=json (the
# default with DEBUG=0) writes one JSON object a line (bagalau.core.logging.JsonFormatter);
# text (the default with DEBUG=1) is for people. LOG_REQUESTS=1 (default with DEBUG=0)
# logs every request on `bagalau.request` with path, status and duration.
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO" if not DEBUG else "WARNING").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "bagalau.core.logging.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "bagalau.request": {
            "level": "INFO" if env_bool("LOG_REQUESTS", not DEBUG) else "WARNING",
        },
    },
}
