"""`make smoke`: start the production server once and check it answers as production should.

gunicorn (gunicorn.conf.py) with DEBUG=0 on a free port, on PostgreSQL when it answers on
127.0.0.1:5432 (a throwaway database `bagalau_smoke`, recreated and dropped), else on SQLite
in a temporary directory (SMOKE_ENGINE=sqlite forces SQLite). Checks: /healthz, the login
page and its CSRF cookie, a hashed static file served by WhiteNoise with far-future
caching, the OpenAPI schema, sign-in and the dashboard, a 404 that stays a 404, and JSON
request logs. Exits non-zero on any unexpected answer, printing the server's log.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve_prod import (  # noqa: E402
    ROOT,
    drop_postgres_database,
    ensure_postgres_database,
    gunicorn_command,
    manage,
    production_env,
)

PG_SMOKE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bagalau_smoke"
)
USERNAME = "smoke"
PASSWORD = "smoke-" + secrets.token_urlsafe(12)

CREATE_USER = f"""
from bagalau.core.models import User
from bagalau.org.models import Role, RoleAssignment, StateBody
user = User.objects.create_user({USERNAME!r}, password={PASSWORD!r}, first_name="Smoke")
body = StateBody.objects.create(name_kk="Түтін органы", name_en="Smoke body", bin="120140000017")
RoleAssignment.objects.create(body=body, user=user, role=Role.HR_OFFICER)
"""


class Failed(Exception):
    pass


def postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect()
        )

    def request(self, path: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (our own server)
        try:
            response = self.opener.open(req, timeout=20)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            return response.status, dict(response.headers.items()), response.read()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.cookies if c.name == name), None)


def expect(condition: bool, what: str) -> None:
    if not condition:
        raise Failed(what)
    print(f"  ok  {what}", flush=True)


def wait_healthy(browser: Browser, server: subprocess.Popen[bytes], seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise Failed(f"gunicorn exited with {server.returncode} before answering")
        try:
            status, _, _ = browser.request("/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise Failed(f"/healthz did not answer within {seconds:.0f} s")


def checks(browser: Browser, log_path: Path) -> None:
    status, headers, body = browser.request("/healthz")
    expect(
        status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}, "/healthz 200 ok"
    )

    status, headers, body = browser.request("/accounts/login/")
    expect(status == 200, "login page 200")
    expect(browser.cookie("csrftoken") is not None, "login page sets the CSRF cookie")
    page = body.decode()
    css = re.search(r'href="(/static/bagalau/app\.[0-9a-f]{12}\.css)"', page)
    expect(css is not None, "the page links the hashed stylesheet")
    assert css is not None
    status, headers, body = browser.request(css.group(1))
    cache = headers.get("Cache-Control", "")
    expect(status == 200 and len(body) > 0, f"static file {css.group(1)} 200")
    expect("immutable" in cache and "max-age=315360000" in cache, f"far-future caching ({cache})")

    status, headers, body = browser.request("/api/v1/openapi.json")
    expect(status == 200 and "paths" in json.loads(body), "/api/v1/openapi.json 200")

    status, headers, _ = browser.request("/")
    expect(status == 302 and "/accounts/login/" in headers.get("Location", ""), "/ asks to sign in")
    token = browser.cookie("csrftoken") or ""
    status, headers, _ = browser.request(
        "/accounts/login/",
        {"username": USERNAME, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    expect(status == 302 and headers.get("Location") == "/", "sign-in redirects to the dashboard")
    status, headers, body = browser.request("/")
    expect(status == 200 and "Түтін органы" in body.decode(), "dashboard 200 with the user's body")

    status, _, _ = browser.request("/bodies/999999999/")
    expect(status == 404, "a stranger's body is a 404, not a 500")

    time.sleep(0.5)  # let the workers flush their log lines
    lines = [line for line in log_path.read_text().splitlines() if line.startswith("{")]
    records = [json.loads(line) for line in lines]
    dashboard = [
        r
        for r in records
        if r.get("logger") == "bagalau.request" and r.get("path") == "/" and r.get("status") == 200
    ]
    expect(
        bool(dashboard) and "duration_ms" in dashboard[0] and dashboard[0].get("user_id"),
        "JSON request log line for the dashboard (status, duration, user)",
    )


def main() -> int:
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix="bagalau-smoke-"))
    # SMOKE_ENGINE=sqlite forces SQLite even when PostgreSQL answers.
    on_postgres = os.environ.get("SMOKE_ENGINE", "") != "sqlite" and postgres_answers()
    database_url = PG_SMOKE_URL if on_postgres else f"sqlite:///{tmp / 'smoke.sqlite3'}"
    print(
        f"== smoke test of the production server on {'PostgreSQL' if on_postgres else 'SQLite'} =="
    )
    env = production_env(tmp / "var", database_url)
    env.update(
        {
            "DEBUG": "0",
            "BAGALAU_HTTPS": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "BAGALAU_VAR_DIR": str(tmp / "var"),
            "LOG_LEVEL": "INFO",
            "GUNICORN_WORKERS": "2",
        }
    )
    port = free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["BAGALAU_SITE_URL"] = f"http://127.0.0.1:{port}"
    log_path = tmp / "server.log"
    server: subprocess.Popen[bytes] | None = None
    try:
        if on_postgres:
            ensure_postgres_database(database_url, recreate=True)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "shell", "-v", "0", "-c", CREATE_USER)
        with log_path.open("wb") as log:
            server = subprocess.Popen(  # noqa: S603
                gunicorn_command(), cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        browser = Browser(f"http://127.0.0.1:{port}")
        wait_healthy(browser, server)
        checks(browser, log_path)
    except (Failed, subprocess.CalledProcessError, OSError, ValueError) as error:
        print(f"FAILED: {error}", file=sys.stderr)
        if log_path.exists():
            print("--- server log ---\n" + log_path.read_text()[-6000:], file=sys.stderr)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if on_postgres:
            try:
                drop_postgres_database(database_url)
            except Exception as error:  # noqa: BLE001 (cleanup must not hide the result)
                print(f"could not drop the smoke database: {error}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"== production smoke test passed in {time.monotonic() - started:.1f} s ==")
    return 0


if __name__ == "__main__":
    sys.exit(main())
