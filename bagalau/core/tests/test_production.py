"""Production serving: the health endpoint, structured logs, DEBUG=0 settings, gunicorn config.

The server itself is started and checked end to end by `tools/smoke_prod.py` (`make smoke`).
"""

import json
import logging
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client

from bagalau.core import health
from bagalau.core.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[3]


# --- /healthz ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_healthz_answers_whatever_host_the_load_balancer_sends():
    # Load balancers ask by address: ALLOWED_HOSTS must not turn the check into a 400.
    response = Client().get("/healthz", HTTP_HOST="10.20.30.40:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("connection to server at 10.0.0.9 refused: secret details")


def test_healthz_is_503_when_the_database_fails(monkeypatch, caplog):
    monkeypatch.setattr(health, "connection", _BrokenConnection())
    with caplog.at_level(logging.ERROR, logger="bagalau.health"):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}
    body = response.content.decode()
    assert "Traceback" not in body and "10.0.0.9" not in body
    # The reason is in the log for the operator, not in the answer.
    assert any("does not answer" in r.getMessage() and r.exc_info for r in caplog.records)


# --- structured logs ----------------------------------------------------------------------------


def _record(**kwargs):
    record = logging.LogRecord(
        name=kwargs.pop("name", "bagalau.test"),
        level=kwargs.pop("level", logging.INFO),
        pathname=__file__,
        lineno=1,
        msg=kwargs.pop("msg", "hello %s"),
        args=kwargs.pop("args", ("world",)),
        exc_info=kwargs.pop("exc_info", None),
    )
    for key, value in kwargs.items():
        setattr(record, key, value)
    return record


def test_json_formatter_writes_one_object_a_line_with_the_extras():
    line = JsonFormatter().format(_record(path="/bodies/1/", status=200, duration_ms=12.5))
    assert "\n" not in line
    data = json.loads(line)
    assert data["level"] == "INFO"
    assert data["logger"] == "bagalau.test"
    assert data["message"] == "hello world"
    assert data["time"].endswith("+00:00")
    assert (data["path"], data["status"], data["duration_ms"]) == ("/bodies/1/", 200, 12.5)
    assert "args" not in data and "lineno" not in data


def test_json_formatter_keeps_the_traceback_in_the_line_and_any_value_serialisable():
    try:
        raise ValueError("Қате")
    except ValueError:
        exc_info = sys.exc_info()
    line = JsonFormatter().format(_record(exc_info=exc_info, level=logging.ERROR, when=object()))
    data = json.loads(line)
    assert "ValueError: Қате" in data["exc"]
    assert data["when"].startswith("<object")
    assert "Қате" in line  # Kazakh stays readable, not \u-escaped


def test_json_formatter_reads_gunicorn_access_atoms():
    atoms = {"h": "10.0.0.1", "m": "GET", "U": "/", "q": "", "s": "200", "D": "15400", "r": "GET /"}
    record = _record(name="gunicorn.access", msg="%(r)s %(s)s", args=())
    record.args = atoms
    data = json.loads(JsonFormatter().format(record))
    assert data["message"] == "GET / 200"
    assert data["status"] == 200
    assert data["duration_ms"] == 15.4
    assert data["remote"] == "10.0.0.1"
    assert "query" not in data


@pytest.mark.django_db
def test_each_request_is_logged_with_path_status_and_duration(caplog, world):
    with caplog.at_level(logging.INFO, logger="bagalau.request"):
        world.client("servant").get("/")
        Client().get("/healthz")
    requests = [r for r in caplog.records if r.name == "bagalau.request"]
    assert [(r.path, r.status) for r in requests] == [("/", 200)]  # healthz: not logged
    assert requests[0].duration_ms >= 0
    assert requests[0].user_id == world.users["servant"].pk


# --- DEBUG=0 settings ---------------------------------------------------------------------------


def _production_settings(*, expect_ok: bool = True, **extra_env):
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60,
        "BAGALAU_SITE_URL": "https://bagalau.example.kz",
        "DJANGO_SETTINGS_MODULE": "bagalau.settings",
        **extra_env,
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'middleware': s.MIDDLEWARE, "
        "'static': s.STORAGES['staticfiles']['BACKEND'], 'log': s.LOG_FORMAT, "
        "'formatter': s.LOGGING['handlers']['console']['formatter'], "
        "'redirect': getattr(s, 'SECURE_SSL_REDIRECT', False), "
        "'secure_cookie': s.SESSION_COOKIE_SECURE}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if not expect_ok:
        assert result.returncode != 0
        return {"stderr": result.stderr}
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_serve_hashed_static_files_and_log_json():
    prod = _production_settings()
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in prod["middleware"]
    security = prod["middleware"].index("django.middleware.security.SecurityMiddleware")
    assert prod["middleware"][security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"
    assert prod["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert prod["log"] == prod["formatter"] == "json"
    assert prod["redirect"] is True and prod["secure_cookie"] is True


def test_plain_http_switch_is_explicit():
    local = _production_settings(BAGALAU_HTTPS="0")
    assert local["redirect"] is False and local["secure_cookie"] is False


def test_production_needs_the_site_address_for_links_in_mail():
    assert (
        "BAGALAU_SITE_URL must be set"
        in _production_settings(expect_ok=False, BAGALAU_SITE_URL="")["stderr"]
    )
    assert (
        "must start with http"
        in _production_settings(expect_ok=False, BAGALAU_SITE_URL="bagalau.example.kz")["stderr"]
    )


def test_development_logs_stay_readable(settings):
    # The test run imports the settings with DEBUG unset, that is development.
    assert settings.LOG_FORMAT == "text"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE


# --- gunicorn.conf.py ---------------------------------------------------------------------------


def _gunicorn_conf(monkeypatch, **env):
    for name in [n for n in os.environ if n.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_defaults_scale_with_the_cores_and_are_capped(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    conf = _gunicorn_conf(monkeypatch)
    assert conf["workers"] == 5
    assert (conf["timeout"], conf["graceful_timeout"]) == (30, 30)
    assert conf["max_requests"] == 1000 and conf["max_requests_jitter"] == 100
    assert conf["wsgi_app"] == "bagalau.wsgi:application"
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert _gunicorn_conf(monkeypatch)["workers"] == 12


def test_gunicorn_reads_the_environment(monkeypatch):
    conf = _gunicorn_conf(
        monkeypatch, GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="60", GUNICORN_BIND="0.0.0.0:9000"
    )
    assert (conf["workers"], conf["timeout"], conf["bind"]) == (3, 60, ["0.0.0.0:9000"])
    with pytest.raises(SystemExit, match="GUNICORN_WORKERS must be an integer"):
        _gunicorn_conf(monkeypatch, GUNICORN_WORKERS="many")


def test_gunicorn_refuses_to_start_production_without_collected_static_files(monkeypatch, tmp_path):
    conf = _gunicorn_conf(monkeypatch)
    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.setenv("BAGALAU_VAR_DIR", str(tmp_path))
    with pytest.raises(SystemExit, match="collectstatic"):
        conf["on_starting"](None)


def _database_settings(**env):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.DATABASES['default']; print(json.dumps({'max_age': d['CONN_MAX_AGE'], "
        "'pool': d['OPTIONS'].get('pool'), "
        "'no_ssc': d.get('DISABLE_SERVER_SIDE_CURSORS', False)}))"
    )
    full = {
        **os.environ,
        "DATABASE_URL": "postgres://bagalau@db.example.kz:5432/bagalau",
        "DJANGO_SETTINGS_MODULE": "bagalau.settings",
        **env,
    }
    result = subprocess.run(  # noqa: S603 (settings only: nothing connects)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_keeps_persistent_connections_by_default():
    assert _database_settings() == {"max_age": 60, "pool": None, "no_ssc": False}


def test_psycopg_pool_and_pgbouncer_switches():
    pooled = _database_settings(DATABASE_POOL="1", DATABASE_POOL_MAX_SIZE="8")
    # Django refuses a pool with persistent connections: the pool replaces them.
    assert pooled["max_age"] == 0
    assert pooled["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}
    assert _database_settings(DATABASE_PGBOUNCER="1")["no_ssc"] is True
