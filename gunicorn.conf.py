"""gunicorn settings for Bagalau: `gunicorn -c gunicorn.conf.py` (see docs/deploy.md).

Every value comes from the environment, with defaults for one machine:

  GUNICORN_BIND              127.0.0.1:8000 (nginx in front; a unix socket: unix:/run/bagalau.sock)
  GUNICORN_WORKERS           2 × cores + 1, at most 12 (each worker holds a database connection)
  GUNICORN_THREADS           1 (above 1, gunicorn uses its threaded worker)
  GUNICORN_TIMEOUT           30 s: a worker silent that long is killed and replaced
  GUNICORN_GRACEFUL_TIMEOUT  30 s to finish requests on restart or stop
  GUNICORN_KEEPALIVE         5 s
  GUNICORN_MAX_REQUESTS      1000 requests, then a worker is replaced (with JITTER, 100, so
  GUNICORN_MAX_REQUESTS_JITTER   they do not all restart at once)
  GUNICORN_FORWARDED_ALLOW_IPS   127.0.0.1: the proxies whose X-Forwarded-* headers count
  GUNICORN_ACCESS_LOG        unset: no gunicorn access log (Django's `bagalau.request` log has
                             every request with its duration); "-" writes it to stdout as JSON
  GUNICORN_LOG_LEVEL         info

Before the workers start, the master refuses to run a DEBUG=0 server without collected
static files, and runs `manage.py check --deploy` (errors stop it, warnings are printed).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SystemExit(f"{name} must be an integer, got {raw!r}") from exc


wsgi_app = "bagalau.wsgi:application"
chdir = str(BASE_DIR)
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = _int("GUNICORN_WORKERS", min(2 * (os.cpu_count() or 1) + 1, 12))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "bagalau"
# Workers' temporary heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# gunicorn's own lines (start, worker boot, timeouts) and its access log as JSON lines,
# like the application's (bagalau.core.logging.JsonFormatter).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "bagalau.core.logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["stdout"], "propagate": False},
        "gunicorn.access": {
            "level": "INFO" if accesslog else "CRITICAL",
            "handlers": ["stdout"],
            "propagate": False,
        },
    },
    "root": {"level": "WARNING", "handlers": ["stdout"]},
}


def production() -> bool:
    return os.environ.get("DEBUG", "1").strip().lower() in {"0", "false", "no", "off"}


def on_starting(server: object) -> None:
    """Start-up checks, in the master, before any worker forks."""
    if production():
        var_dir = Path(os.environ.get("BAGALAU_VAR_DIR", BASE_DIR / "var"))
        if not (var_dir / "static" / "staticfiles.json").exists():
            raise SystemExit(
                "DEBUG=0 needs the collected static files: run "
                "`python manage.py collectstatic --noinput` first."
            )
    result = subprocess.run(  # noqa: S603 (our own manage.py, no shell)
        [sys.executable, str(BASE_DIR / "manage.py"), "check", "--deploy"],
        cwd=BASE_DIR,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit("`manage.py check --deploy` failed: the settings above must be fixed.")
