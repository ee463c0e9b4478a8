#!/usr/bin/env python
"""Benchmark: national-scale synthetic data (`manage.py generate`) on SQLite and PostgreSQL.

Each engine gets a fresh database; the script migrates it, times `generate` and prints the
figures. Usage:  python bench/generate.py [--bodies 300] [--servants 100000] [--engines sqlite,postgres]
PostgreSQL is used when 127.0.0.1:5432 answers (database `bagalau_bench`, recreated).
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/bagalau_bench"


def run(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603
    return time.perf_counter() - started


def postgres_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
        return True
    except OSError:
        return False


def recreate_pg() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS bagalau_bench")
        conn.execute("CREATE DATABASE bagalau_bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=300)
    parser.add_argument("--servants", type=int, default=100000)
    parser.add_argument("--engines", default="sqlite,postgres")
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for engine in args.engines.split(","):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bagalau.settings"}
        if engine == "sqlite":
            tmp = tempfile.mkdtemp(prefix="bagalau-bench-")
            env["BAGALAU_VAR_DIR"] = tmp
            env.pop("DATABASE_URL", None)
        elif engine == "postgres":
            if not postgres_answers():
                print("postgres: 127.0.0.1:5432 does not answer, skipped")
                continue
            recreate_pg()
            env["DATABASE_URL"] = PG_BENCH
        else:
            raise SystemExit(f"unknown engine {engine}")
        migrate = run(env, "migrate", "-v0")
        seconds = run(
            env,
            "generate",
            "--bodies",
            str(args.bodies),
            "--servants",
            str(args.servants),
            "--no-progress",
        )
        rate = args.servants / seconds
        print(
            f"{engine}: migrate {migrate:.1f} s; generate {args.bodies} bodies / {args.servants} servants "
            f"in {seconds:.1f} s ({rate:,.0f} servants/s, including process start and catalog load)"
        )


if __name__ == "__main__":
    main()
