#!/usr/bin/env python
"""Benchmark: closing Q1 2026 on the generated national data, on SQLite and PostgreSQL.

Per engine: a fresh database, `migrate`, `seed_calendar`, `generate --bodies 300 --servants
100000`, then a child process with Django set up that times, step by step:

1. accounts   one user account per servant (so results can be announced), one UPDATE;
2. approve    a Q1 2026 schedule per body, created in bulk as approved, and
              `services.build_tasks` for each (what `schedule_approve` does after its
              permission check: `schedule_create`/`schedule_approve` need an HR officer
              and an authorized person of each body, which the generated data has not);
3. fill       every differentiation sheet scored 0-5 (two decimals, random), the sheet
              score computed by `rules.scoring.sheet_score`, and the tasks marked
              submitted: batched UPDATEs (executemany) of lines and tasks, as thousands
              of evaluators would, but without the per-sheet workflow (so no results);
4. close      `evaluations.bulk.quarter_close` for every schedule: results, bands,
              acquaintance due dates, the "result ready" notifications, one audit record;
5. year       `services.year_results_form` for every body (the year result from Q1) and
              its after-commit "result ready" notices (queued in bulk per body);
6. SQL        one hand-written SELECT computing the same quarter scores and bands and the
              year averages and bands (GROUP BY over the sheet lines, joined with the
              bands), fetched fully on the same database; read-only, while steps 4-5 write.

The results step (close + year) is compared with the SQL aggregate as a ratio.
Usage:  python bench/quarter_close.py [--bodies 300] [--servants 100000] [--engines sqlite,postgres]
PostgreSQL is used when 127.0.0.1:5432 answers (database `bagalau_bench_close`, recreated).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_NAME = os.environ.get("BENCH_PG_NAME", "bench_results")
PG_BENCH = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
MARK = "QUARTER_CLOSE_FIGURES "
SEED = 2026
FILL_CHUNK = 5000  # tasks per round of UPDATEs (bounded memory)
YEAR_SPLIT: dict[str, float] = {}
APPROVE: dict[str, float] = {}

# The quarter scores (weighted mean of the lines, two decimals), their bands, and the year
# averages (mean of the quarters) with their bands: what steps 4 and 5 store.
SQL = """
WITH q AS (
    SELECT t.id AS task_id, t.servant_id, t.version_id,
           ROUND(SUM(l.score * l.weight) / SUM(l.weight), 2) AS score
    FROM evaluations_task t
    JOIN evaluations_schedule s ON s.id = t.schedule_id
    JOIN evaluations_sheetline l ON l.task_id = t.id
    WHERE s.year = 2026 AND s.quarter = 1 AND t.state = 'submitted'
    GROUP BY t.id, t.servant_id, t.version_id
), y AS (
    SELECT servant_id, MAX(version_id) AS version_id, ROUND(AVG(score), 2) AS score
    FROM q GROUP BY servant_id
)
SELECT 'q', q.task_id, q.score, b.code
FROM q LEFT JOIN methodology_band b
  ON b.version_id = q.version_id AND b.scale = 'score' AND q.score BETWEEN b.lower AND b.upper
UNION ALL
SELECT 'y', y.servant_id, y.score, b.code
FROM y LEFT JOIN methodology_band b
  ON b.version_id = y.version_id AND b.scale = 'score' AND y.score BETWEEN b.lower AND b.upper
"""


# --- the parent: databases and processes ---------------------------------------------------


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

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
        conn.execute(f"CREATE DATABASE {PG_NAME}")


def engine_run(engine: str, bodies: int, servants: int) -> dict[str, Any] | None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bagalau.settings"}
    if engine == "sqlite":
        env["BAGALAU_VAR_DIR"] = tempfile.mkdtemp(prefix="bagalau-bench-close-")
        env.pop("DATABASE_URL", None)
    elif engine == "postgres":
        if not postgres_answers():
            print("postgres: 127.0.0.1:5432 does not answer, skipped", flush=True)
            return None
        recreate_pg()
        env["DATABASE_URL"] = PG_BENCH
    else:
        raise SystemExit(f"unknown engine {engine}")
    migrate = run(env, "migrate", "-v0")
    run(env, "seed_calendar", "--from", "2025", "--to", "2027")
    generate = run(
        env, "generate", "--bodies", str(bodies), "--servants", str(servants), "--no-progress"
    )
    print(f"{engine}: migrate {migrate:.1f} s, generate {generate:.1f} s", flush=True)
    child = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "--child"],
        cwd=ROOT,
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    sys.stderr.write(child.stderr)
    if child.returncode:
        sys.stdout.write(child.stdout)
        raise SystemExit(f"{engine}: the child failed ({child.returncode})")
    figures: dict[str, Any] = {}
    for line in child.stdout.splitlines():
        if line.startswith(MARK):
            figures = json.loads(line[len(MARK) :])
        else:
            print(f"{engine}: {line}", flush=True)
    return {"engine": engine, "migrate": migrate, "generate": generate, **figures}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bodies", type=int, default=300)
    parser.add_argument("--servants", type=int, default=100000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        flush=True,
    )
    rows = [engine_run(e, args.bodies, args.servants) for e in args.engines.split(",")]
    print("\nengine | approve | fill | close | year | results step | floor | ratio")
    for r in rows:
        if r is None:
            continue
        print(
            f"{r['engine']} {r['vendor_version']} | {r['approve']:.1f} s | {r['fill']:.1f} s | "
            f"{r['close']:.1f} s | {r['year']:.1f} s | {r['results_step']:.1f} s | "
            f"{r['floor']:.2f} s | {r['ratio']:.2f}x | approve 200: {r['approve_body200_s']:.3f} s"
        )


# --- the child: Django set up on the benchmark database -----------------------------------


def child() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bagalau.settings")
    import django

    django.setup()
    figures: dict[str, Any] = {}

    def timed(name: str, fn: Any) -> Any:
        started = time.perf_counter()
        out = fn()
        figures[name] = time.perf_counter() - started
        shown = f"{len(out)} rows" if isinstance(out, list) else out
        print(f"{name}: {figures[name]:.2f} s ({shown})", flush=True)
        return out

    from django.db import connection

    _load("start")
    figures["vendor_version"] = _vendor_version(connection)
    timed("accounts", _accounts)
    schedules = timed("approve", _approve)
    timed("fill", lambda: _fill(schedules))
    timed("floor", _floor)
    closed = timed("close", lambda: _close(schedules))
    timed("year", _year)
    rows = timed("sql", _sql)  # prints the row count
    figures.update({f"approve_{k}": v for k, v in APPROVE.items()})
    figures["results_step"] = figures["close"] + figures["year"]
    figures["ratio"] = figures["results_step"] / figures["floor"]
    figures["results"] = closed["results"]
    figures["notifications"] = closed["notifications"]
    _check(rows)
    print(
        f"results step: engine {figures['results_step']:.1f} s (close {figures['close']:.1f} s "
        f"+ year {figures['year']:.1f} s), write-equivalent SQL floor {figures['floor']:.2f} s, "
        f"ratio {figures['ratio']:.0f}x",
        flush=True,
    )
    figures["load"] = _load("end")
    print(MARK + json.dumps(figures), flush=True)


def _load(when: str) -> str:
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at {when}: {load}", flush=True)
    return load


def _vendor_version(connection: Any) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + str(cursor.fetchone()[0]).split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + str(cursor.fetchone()[0])


def _accounts() -> str:
    """A user account per servant (username = IIN, no usable password), linked in one UPDATE."""
    from django.db import transaction
    from django.db.models import OuterRef, Subquery

    from bagalau.core.models import User
    from bagalau.org.models import Servant

    with transaction.atomic():
        users = [
            User(username=iin, email=f"{iin}@example.kz", password="!", language=lang)  # noqa: S106
            for iin, lang in Servant.objects.filter(user__isnull=True).values_list(
                "iin", "language"
            )
        ]
        User.objects.bulk_create(users, batch_size=2000)
        linked = Servant.objects.filter(user__isnull=True).update(
            user_id=Subquery(User.objects.filter(username=OuterRef("iin")).values("pk")[:1])
        )
    return f"{len(users)} accounts, {linked} linked"


def _approve() -> list[int]:
    """Per body: an HR officer drafts Q1 2026 (`schedule_create`), the authorized person
    approves it (`schedule_approve`: tasks, lines, evaluator notices after commit).

    The generated bodies have no HR officer or authorized person: one user of each role is
    added per body first (not timed). Each approval is timed; the body nearest 200
    servants and the slowest are printed.
    """
    from django.db.models import Count

    from bagalau.core.errors import DomainError
    from bagalau.core.models import User
    from bagalau.evaluations import services
    from bagalau.evaluations.models import Schedule
    from bagalau.org.models import Role, RoleAssignment, StateBody

    bodies = list(StateBody.objects.annotate(n=Count("servants")).order_by("pk"))
    hr = User.objects.bulk_create(
        [User(username=f"bench-hr-{b.pk}", password="!") for b in bodies]  # noqa: S106
    )
    ap = User.objects.bulk_create(
        [User(username=f"bench-ap-{b.pk}", password="!") for b in bodies]  # noqa: S106
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(body=b, user=u, role=Role.HR_OFFICER) for b, u in zip(bodies, hr, strict=True)]
        + [RoleAssignment(body=b, user=u, role=Role.AUTHORIZED_PERSON) for b, u in zip(bodies, ap, strict=True)]
    )  # fmt: skip
    times: list[tuple[float, int, int]] = []
    for body, hr_user, ap_user in zip(bodies, hr, ap, strict=True):
        try:
            schedule = services.schedule_create(actor=hr_user, body=body, year=2026, quarter=1)
        except DomainError:  # the body's version has no quarter evaluation: nothing to approve
            continue
        started = time.perf_counter()
        tasks = services.schedule_approve(actor=ap_user, schedule_id=schedule.pk)
        times.append((time.perf_counter() - started, body.n, tasks))
    # The first approval pays the process's warm-up (imports, caches): not the body's figure.
    near = min(times[1:] or times, key=lambda t: abs(t[1] - 200))
    slowest = max(times)
    APPROVE.update(
        body200_s=near[0], body200_servants=near[1], slowest_s=slowest[0],
        slowest_servants=slowest[1], tasks=sum(t[2] for t in times),
    )  # fmt: skip
    print(
        f"approve: {len(times)} schedules, {APPROVE['tasks']} tasks; the body of "
        f"{near[1]} servants in {near[0]:.3f} s, the slowest ({slowest[1]} servants) "
        f"{slowest[0]:.2f} s",
        flush=True,
    )
    return list(Schedule.objects.filter(year=2026, quarter=1).values_list("pk", flat=True))


def _fill(schedule_ids: list[int]) -> str:
    """Score every differentiation sheet 0-5 (two decimals) and mark it submitted, in bulk.

    Batched UPDATEs through the ORM's connection (`executemany`, values prepared by the
    model fields). `QuerySet.bulk_update` was measured first: on 1,464 sheets (5,856
    lines) it took 3.5-4.6 s, nearly all of it in building its CASE WHEN expressions in
    Python (about 0.6 ms a row), i.e. about 5 minutes per engine at 100,000 sheets.
    """
    import random
    from datetime import datetime, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction

    from bagalau.evaluations.models import SheetLine, Task, TaskState
    from bagalau.evaluations.rules import scoring

    rng = random.Random(SEED)  # noqa: S311 - synthetic scores
    days = [datetime(2026, 4, d, 10, 0, tzinfo=ZoneInfo("Asia/Almaty")) for d in (1, 2, 3, 6, 7)]
    line_score = SheetLine._meta.get_field("score")
    task_score = Task._meta.get_field("score")
    submitted = Task._meta.get_field("submitted_at")
    update_line = f"UPDATE {SheetLine._meta.db_table} SET score = %s WHERE id = %s"
    update_task = (
        f"UPDATE {Task._meta.db_table} SET state = %s, score = %s, submitted_at = %s WHERE id = %s"
    )
    task_ids = list(
        Task.objects.filter(schedule_id__in=schedule_ids, kind="differentiation")
        .exclude(state=TaskState.EXCLUDED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    lines_done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for i in range(0, len(task_ids), FILL_CHUNK):
            chunk = task_ids[i : i + FILL_CHUNK]
            by_task: dict[int, list[tuple[Decimal, Decimal]]] = {}
            lines = []
            for pk, task_id, weight in SheetLine.objects.filter(task_id__in=chunk).values_list(
                "pk", "task_id", "weight"
            ):
                score = Decimal(rng.randrange(0, 501)) / 100
                lines.append((line_score.get_db_prep_save(score, connection), pk))
                by_task.setdefault(task_id, []).append((score, weight))
            cursor.executemany(update_line, lines)
            tasks = []
            for task_id, scored in by_task.items():
                score = scoring.sheet_score([s for s, _w in scored], [w for _s, w in scored])
                at = rng.choice(days) + timedelta(minutes=rng.randrange(420))
                tasks.append(
                    (
                        TaskState.SUBMITTED.value,
                        task_score.get_db_prep_save(score, connection),
                        submitted.get_db_prep_save(at, connection),
                        task_id,
                    )
                )
            cursor.executemany(update_task, tasks)
            lines_done += len(lines)
    return f"{len(task_ids)} sheets, {lines_done} lines"


def _close(schedule_ids: list[int]) -> dict[str, int]:
    from bagalau.evaluations import bulk

    total: dict[str, int] = {}
    for schedule_id in schedule_ids:
        for key, value in bulk.quarter_close(actor=None, schedule_id=schedule_id).items():
            total[key] = total.get(key, 0) + value
    return total


def _year() -> str:
    """`services.year_results_form` per body; its notices run after each body's commit."""
    from bagalau.evaluations import services
    from bagalau.org.models import StateBody

    body_ids = list(StateBody.objects.order_by("pk").values_list("pk", flat=True))
    formed = sum(
        services.year_results_form(actor=None, body_id=body_id, year=2026) for body_id in body_ids
    )
    return f"{formed} year results formed and announced"


def _floor() -> str:
    """The same writes by hand-written SQL, in one transaction rolled back afterwards.

    Quarter results (score, band by a join, acquaintance due date by a join to the
    submission days' deadlines computed on the calendar), their two notifications per
    result (INSERT … SELECT with the text concatenated), then the year results (AVG per
    servant, band) and their notifications. What the engine does, minus the rules.
    """
    from datetime import date

    from django.db import connection, transaction
    from django.utils import timezone

    from bagalau.workdays import rules as workday_rules
    from bagalau.workdays import services as workday_services

    pg = connection.vendor == "postgresql"
    calendar = workday_services.calendar_for(None, date(2026, 3, 1), date(2027, 1, 31))
    days = [date(2026, 4, d) for d in range(1, 31)]
    dues = [(d, workday_rules.add_working_days(d, 2, calendar)) for d in days]
    today = timezone.localdate()
    year_due = workday_rules.add_working_days(today, 2, calendar)
    now = timezone.now()
    stamp = now if pg else now.replace(tzinfo=None).isoformat(sep=" ")
    local_day = (
        "CAST(t.submitted_at AT TIME ZONE 'Asia/Almaty' AS date)"
        if pg
        else "date(t.submitted_at, '+5 hours')"
    )
    empty_list, empty_dict = ("'[]'::jsonb", "'{}'::jsonb") if pg else ("'[]'", "'{}'")
    year_quarters = "'[1]'::jsonb" if pg else "'[1]'"
    notify = """
        INSERT INTO notifications_notification (recipient_id, body_id, kind, channel, language,
            subject, text, url, created_at, due_at, status, claimed_by, claimed_at, sent_at,
            attempts, last_error, read_at, object_type, object_id, dedupe_key)
        SELECT u.id, r.body_id, 'evaluation.result_ready', %s, u.language,
            'Your evaluation result: ' || %s,
            'Your evaluation result for ' || %s || ' is ready. Please acknowledge it by '
                || COALESCE(CAST(r.acquaintance_due AS TEXT), '-') || '.',
            '/evaluations/results/', %s, %s, 'pending', '', NULL, NULL, 0, '', NULL,
            'evaluations.result', CAST(r.id AS TEXT),
            'floor:' || CAST(r.id AS TEXT) || ':' || %s
        FROM evaluations_result r JOIN org_servant s ON s.id = r.servant_id
        JOIN core_user u ON u.id = s.user_id
        WHERE r.year = 2026 AND r.quarter = %s AND u.is_active {email}
    """
    with connection.cursor() as cursor:
        with transaction.atomic():
            cursor.execute("CREATE TEMP TABLE bench_due (day date PRIMARY KEY, due date)")
            cursor.executemany("INSERT INTO bench_due VALUES (%s, %s)", dues)
            cursor.execute(
                f"""
                INSERT INTO evaluations_result (body_id, servant_id, version_id, kind, year,
                    quarter, task_id, original_score, score, band, quarters, formed_at,
                    acquaintance_due, acknowledged_at, refused_at, refusal_act)
                SELECT t.body_id, t.servant_id, t.version_id, t.kind, s.year, s.quarter, t.id,
                    t.score, t.score, COALESCE(b.code, ''), {empty_list}, %s, d.due, NULL, NULL,
                    {empty_dict}
                FROM evaluations_task t JOIN evaluations_schedule s ON s.id = t.schedule_id
                JOIN bench_due d ON d.day = {local_day}
                LEFT JOIN methodology_band b ON b.version_id = t.version_id
                    AND b.scale = 'score' AND t.score BETWEEN b.lower AND b.upper
                WHERE s.year = 2026 AND s.quarter = 1 AND t.state = 'submitted'
                    AND t.score IS NOT NULL
                """,  # noqa: S608 - fixed SQL
                [stamp],
            )
            quarter_rows = cursor.rowcount
            for channel, email in (("email", "AND u.email <> ''"), ("in_app", "")):
                cursor.execute(
                    notify.format(email=email),
                    [channel, "Q1 2026", "Q1 2026", stamp, stamp, channel, 1],
                )
            cursor.execute(
                f"""
                INSERT INTO evaluations_result (body_id, servant_id, version_id, kind, year,
                    quarter, task_id, original_score, score, band, quarters, formed_at,
                    acquaintance_due, acknowledged_at, refused_at, refusal_act)
                SELECT y.body_id, y.servant_id, y.version_id, y.kind, 2026, 0, NULL, y.score,
                    y.score, COALESCE(b.code, ''), {year_quarters}, %s, %s, NULL, NULL,
                    {empty_dict}
                FROM (SELECT body_id, servant_id, kind, MAX(version_id) AS version_id,
                             ROUND(AVG(score), 2) AS score
                      FROM evaluations_result WHERE year = 2026 AND quarter > 0
                      GROUP BY body_id, servant_id, kind) y
                LEFT JOIN methodology_band b ON b.version_id = y.version_id
                    AND b.scale = 'score' AND y.score BETWEEN b.lower AND b.upper
                WHERE TRUE
                """,  # noqa: S608 - fixed SQL
                [stamp, year_due],
            )
            year_rows = cursor.rowcount
            for channel, email in (("email", "AND u.email <> ''"), ("in_app", "")):
                cursor.execute(
                    notify.format(email=email),
                    [channel, "2026", "2026", stamp, stamp, channel, 0],
                )
            cursor.execute("SELECT COUNT(*) FROM notifications_notification")
            notes = cursor.fetchone()[0]
            transaction.set_rollback(True)
        cursor.execute("DROP TABLE IF EXISTS bench_due")
    return f"{quarter_rows} quarter + {year_rows} year results, {notes} notifications (rolled back)"


def _sql() -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SQL)
        return list(cursor.fetchall())


def _check(rows: list[tuple[Any, ...]]) -> None:
    """The engine's results and the SQL aggregate agree (count and bands per period)."""
    from collections import Counter

    from bagalau.evaluations.models import Result

    sql = Counter((kind, code or "") for kind, _id, _score, code in rows)
    engine = Counter(
        ("y" if quarter == 0 else "q", band)
        for quarter, band in Result.objects.filter(year=2026).values_list("quarter", "band")
    )
    same = "agree" if sql == engine else "DIFFER"
    print(f"check: engine and SQL results {same}: engine {dict(engine)}, SQL {dict(sql)}")


if __name__ == "__main__":
    main()
