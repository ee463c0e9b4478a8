#!/usr/bin/env python
"""Benchmark: the production server under load, on PostgreSQL (issue 12 item 5).

1. A fresh PostgreSQL database (`bench_results_web`, or BENCH_WEB_DB), `migrate`,
   `seed_calendar`, `generate --bodies B --servants S`, `demo --date 2026-03-20`; then, in a Django process,
   one account per generated servant (all with one password hash, computed once), a Q1
   2026 schedule per body approved through `services.schedule_approve`, and the logins
   of the evaluators with the most sheets and of servants with a result.
2. The production server: gunicorn with gunicorn.conf.py, DEBUG=0 (as `make serve-prod`).
3. Users log in through the login form (CSRF token, session cookie) and request their
   pages in turn: dashboard, the bulk page, my results, a sheet (GET), the API sheet
   (GET), and a submission (the sheet form POST with its revision) of a pending sheet.
4. Loads, each bounded in time: the sheet GET at one connection (median), a closed loop
   at 10 and at 50 connections (requests/s, p50, p95, p99, errors), and 100 users each
   waiting 1 s between requests (p95, errors). The load average is printed with each.

Usage: python bench/web_load.py [--bodies 300] [--servants 100000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
DB = os.environ.get("BENCH_WEB_DB", "bench_results_web")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
BASE = "http://127.0.0.1:8765"
PASSWORD = "bench-" + "load-2026"  # noqa: S105 - a synthetic benchmark database
MARK = "WEB_LOAD_USERS "


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def env() -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": URL, "DEBUG": "0", "BAGALAU_HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECRET_KEY": secrets.token_urlsafe(50),
        "BAGALAU_SITE_URL": BASE,
        "GUNICORN_BIND": BASE.removeprefix("http://"), "DJANGO_SETTINGS_MODULE": "bagalau.settings",
    }  # fmt: skip


def manage(e: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=e, check=True)  # noqa: S603


def prepare(bodies: int, servants: int, e: dict[str, str]) -> dict[str, Any]:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    started = time.perf_counter()
    manage(e, "migrate", "-v0")
    manage(e, "seed_calendar", "--from", "2025", "--to", "2027")
    manage(e, "generate", "--bodies", str(bodies), "--servants", str(servants), "--no-progress")
    # The demo as of 20 March 2026: its Q1 2026 schedule is a draft, so the approval below
    # leaves its bodies alone, as before the demo had a history.
    manage(e, "demo", "--date", "2026-03-20")
    manage(e, "collectstatic", "--noinput", "-v0")
    child = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--child"],
        cwd=ROOT, env=e, check=True, capture_output=True, text=True,
    )  # fmt: skip
    sys.stderr.write(child.stderr)
    users: dict[str, Any] = {}
    for line in child.stdout.splitlines():
        if line.startswith(MARK):
            users = json.loads(line[len(MARK) :])
        else:
            print(line, flush=True)
    print(f"prepared in {time.perf_counter() - started:.0f} s", flush=True)
    return users


def child() -> None:
    """Accounts, approval through the services, and the users to log in."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count, OuterRef, Subquery

    from bagalau.core.errors import DomainError
    from bagalau.core.models import User
    from bagalau.evaluations import services
    from bagalau.evaluations.models import Schedule, Task, TaskState
    from bagalau.org.models import Role, RoleAssignment, Servant, StateBody

    hashed = make_password(PASSWORD)
    users = [
        User(username=iin, email=f"{iin}@example.kz", password=hashed, language=lang)
        for iin, lang in Servant.objects.filter(user__isnull=True).values_list("iin", "language")
    ]
    User.objects.bulk_create(users, batch_size=2000)
    Servant.objects.filter(user__isnull=True).update(
        user_id=Subquery(User.objects.filter(username=OuterRef("iin")).values("pk")[:1])
    )
    started = time.perf_counter()
    for body in StateBody.objects.exclude(schedules__year=2026, schedules__quarter=1):
        hr, _ = User.objects.get_or_create(username=f"bench-hr-{body.pk}")
        ap, _ = User.objects.get_or_create(username=f"bench-ap-{body.pk}")
        RoleAssignment.objects.get_or_create(body=body, user=hr, role=Role.HR_OFFICER)
        RoleAssignment.objects.get_or_create(body=body, user=ap, role=Role.AUTHORIZED_PERSON)
        try:
            schedule = services.schedule_create(actor=hr, body=body, year=2026, quarter=1)
        except DomainError as exc:  # a body without a version for Q1: skipped
            print(f"body {body.pk}: {exc.text()}", flush=True)
            continue
        services.schedule_approve(actor=ap, schedule_id=schedule.pk)
    print(f"approval of every body: {time.perf_counter() - started:.1f} s", flush=True)
    User.objects.filter(username__startswith="bench-").update(password=hashed)
    evaluators = list(
        Task.objects.filter(
            kind="differentiation", state=TaskState.PENDING, evaluator_user__isnull=False,
            schedule__year=2026, schedule__quarter=1,
        ).values("evaluator_user__username", "schedule_id").annotate(n=Count("id")).order_by("-n")[:100]
    )  # fmt: skip
    rows = []
    for row in evaluators:
        tasks = list(
            Task.objects.filter(
                evaluator_user__username=row["evaluator_user__username"],
                schedule_id=row["schedule_id"], kind="differentiation", state=TaskState.PENDING,
            ).values_list("pk", flat=True)
        )  # fmt: skip
        rows.append({"username": row["evaluator_user__username"], "schedule": row["schedule_id"],
                     "tasks": tasks})  # fmt: skip
    servants = list(
        Servant.objects.filter(user__isnull=False, body__in=Schedule.objects.values("body"))
        .order_by("pk")
        .values_list("user__username", flat=True)[:100]
    )
    print(MARK + json.dumps({"evaluators": rows, "servants": servants}), flush=True)


class Session:
    """One logged-in user: a requests session (keep-alive) with its CSRF token."""

    def __init__(self, username: str) -> None:
        self.http = requests.Session()
        page = self.http.get(f"{BASE}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, "no CSRF token on the login page"
        done = self.http.post(
            f"{BASE}/accounts/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            headers={"Referer": f"{BASE}/accounts/login/"}, allow_redirects=False, timeout=30,
        )  # fmt: skip
        if done.status_code != 302:  # say why: the form's error, or the lockout page
            said = re.findall(r'class="[^"]*(?:error|alert)[^"]*"[^>]*>\s*([^<]+)', done.text)
            raise SystemExit(f"login of {username}: {done.status_code} {said[:3]}")

    def get(self, path: str) -> int:
        return self.http.get(BASE + path, timeout=30, allow_redirects=False).status_code

    def submit(self, task_id: int) -> int:
        page = self.http.get(f"{BASE}/evaluations/sheets/{task_id}/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        revision = re.search(r'name="revision" value="(\d+)"', page.text)
        codes = set(re.findall(r'name="score_([a-z_]+)"', page.text))
        if not (token and revision and codes):
            return 599
        data = {"csrfmiddlewaretoken": token[1], "action": "submit", "revision": revision[1]}
        data |= {f"score_{c}": "4" for c in codes}
        response = self.http.post(
            f"{BASE}/evaluations/sheets/{task_id}/", data=data, allow_redirects=False,
            headers={"Referer": f"{BASE}/evaluations/sheets/{task_id}/"}, timeout=30,
        )  # fmt: skip
        return 200 if response.status_code == 302 else response.status_code


class User_:
    def __init__(self, kind: str, session: Session, info: dict[str, Any] | None) -> None:
        self.kind, self.session, self.info, self.step = kind, session, info, 0

    def next(self) -> tuple[str, int]:
        self.step += 1
        if self.kind == "servant":
            label, path = (("dashboard", "/"), ("my results", "/evaluations/results/"))[
                self.step % 2
            ]
            return label, self.session.get(path)
        info = self.info or {}
        tasks: list[int] = info["tasks"]
        pages = [
            "/", f"/evaluations/schedules/{info['schedule']}/sheets/",
            f"/evaluations/sheets/{tasks[-1]}/", f"/api/v1/evaluations/tasks/{tasks[-1]}",
        ]  # fmt: skip
        choice = self.step % 5
        if choice == 4:
            if len(tasks) > 1:
                return "submit", self.session.submit(tasks.pop(0))
            choice = 2
        label = ("dashboard", "bulk page", "sheet", "api sheet")[choice]
        return label, self.session.get(pages[choice])


def run_load(users: list[User_], seconds: float, think: float) -> dict[str, Any]:
    times: list[float] = []
    errors = [0]
    by_label: dict[str, list[float]] = {}
    failed: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def loop(user: User_) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                label, status = user.next()
            except Exception:  # noqa: BLE001 - counted
                label, status = "exception", 599
            took = time.perf_counter() - started
            with lock:
                times.append(took)
                by_label.setdefault(label, []).append(took)
                if status >= 400:
                    errors[0] += 1
                    failed[f"{label} {status}"] = failed.get(f"{label} {status}", 0) + 1
            if think:
                time.sleep(think)

    threads = [threading.Thread(target=loop, args=(u,)) for u in users]
    begun = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begun
    times.sort()

    def pct(p: float) -> float:
        return 1000 * times[min(len(times) - 1, int(p * len(times)))] if times else 0.0

    return {
        "requests": len(times), "rps": len(times) / elapsed, "p50_ms": pct(0.5),
        "p95_ms": pct(0.95), "p99_ms": pct(0.99), "errors": errors[0], "load": load(),
        "failed": failed,
        "median_ms": {k: round(1000 * statistics.median(v), 1) for k, v in by_label.items()},
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=300)
    parser.add_argument("--servants", type=int, default=100000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    e = env()
    print(f"load average at start: {load()}", flush=True)
    info = prepare(args.bodies, args.servants, e)
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")],
        cwd=ROOT, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                if requests.get(f"{BASE}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        evaluators = [
            User_("evaluator", Session(r["username"]), r)
            for r in info["evaluators"][:50]
            if r["tasks"]
        ]  # 50 + 50 users: each login costs a PBKDF2 check, seconds on a loaded machine
        servants = [User_("servant", Session(u), None) for u in info["servants"][:50]]
        print(f"logged in: {len(evaluators)} evaluators, {len(servants)} servants", flush=True)
        mixed = [u for pair in zip(evaluators, servants, strict=False) for u in pair]
        one = evaluators[0]
        sheet = f"/evaluations/sheets/{one.info['tasks'][-1]}/"  # type: ignore[index]
        for _ in range(20):
            one.session.get(sheet)
        samples = []
        for _ in range(200):
            started = time.perf_counter()
            assert one.session.get(sheet) == 200
            samples.append(1000 * (time.perf_counter() - started))
        figures: dict[str, Any] = {
            "sheet_get_median_ms": statistics.median(samples),
            "sheet_get_p95_ms": sorted(samples)[189],
            "load_sheet": load(),
        }
        print(f"sheet GET at one connection: median {figures['sheet_get_median_ms']:.1f} ms, "
              f"p95 {figures['sheet_get_p95_ms']:.1f} ms (load {figures['load_sheet']})", flush=True)  # fmt: skip
        for n in (10, 50):
            figures[f"closed_{n}"] = run_load(mixed[:n], args.seconds, 0)
            print(f"closed loop {n} connections: {figures[f'closed_{n}']}", flush=True)
        figures["think_100"] = run_load(mixed[:100], max(args.seconds, 30), 1.0)
        print(f"100 users, 1 s think time: {figures['think_100']}", flush=True)
        print("FIGURES " + json.dumps(figures), flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)


if __name__ == "__main__":
    main()
