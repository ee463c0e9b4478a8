"""`make serve-prod`: the production server (gunicorn, DEBUG=0) on this machine, on PostgreSQL.

Creates the database if missing, generates a SECRET_KEY into var/secret_key once, migrates,
collects the static files, then replaces itself with gunicorn (gunicorn.conf.py). Plain
http on localhost, so BAGALAU_HTTPS=0; a real install runs behind nginx with TLS
(docs/deploy.md). Every variable already in the environment wins.

  DATABASE_URL   default postgres://postgres@127.0.0.1:5432/bagalau
  GUNICORN_BIND  default 127.0.0.1:8000
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bagalau"


def ensure_postgres_database(url: str, *, recreate: bool = False) -> None:
    """Create the database of a postgres:// URL if it does not exist (drop it first if asked)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"DATABASE_URL has no database name: {url}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        if recreate:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}", flush=True)


def drop_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(parts.path.lstrip("/"))
            )
        )


def secret_key(var_dir: Path) -> str:
    """The key in var_dir/secret_key, generated (mode 0600) the first time."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


def production_env(var_dir: Path, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DEBUG", "0")
    env.setdefault("BAGALAU_HTTPS", "0")  # plain http on localhost only
    env.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("BAGALAU_VAR_DIR", str(var_dir))
    env["DATABASE_URL"] = database_url
    bind = env.get("GUNICORN_BIND", "127.0.0.1:8000")
    if not bind.startswith("unix:"):
        env.setdefault("BAGALAU_SITE_URL", f"http://{bind}")  # links in e-mailed notices
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = secret_key(var_dir)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def gunicorn_command() -> list[str]:
    return [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]


def main() -> None:
    var_dir = Path(os.environ.get("BAGALAU_VAR_DIR", ROOT / "var"))
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if database_url.startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(database_url)
    env = production_env(var_dir, database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v0")
    bind = env.get("GUNICORN_BIND", "127.0.0.1:8000")
    print(f"Serving http://{bind}/ with gunicorn, DEBUG=0 (Ctrl-C stops)", flush=True)
    os.chdir(ROOT)
    os.execve(sys.executable, gunicorn_command(), env)  # noqa: S606


if __name__ == "__main__":
    main()
