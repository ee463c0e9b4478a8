"""Closing a quarter in bulk (issue 3 item 12): bulk.quarter_close."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bagalau.core.errors import Conflict, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent, User
from bagalau.demo.management.commands.generate import synthetic_iins
from bagalau.evaluations import bulk, services
from bagalau.evaluations.models import Result, Schedule, ScheduleStatus, SheetLine, Task, TaskState
from bagalau.evaluations.rules import scoring
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.notifications.models import Notification
from bagalau.org.models import Appointment, Position, Servant, Unit

pytestmark = pytest.mark.django_db
ALMATY = ZoneInfo("Asia/Almaty")
MONDAY = datetime(2026, 4, 6, 10, 0, tzinfo=ALMATY)
FRIDAY = datetime(2026, 4, 10, 16, 0, tzinfo=ALMATY)
FULL = {"quality": "4", "deadlines": "4.5", "initiative": "3.75", "discipline": "5"}


def approve_q1(w):
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


def submit_in_bulk(tasks, scores, submitted_at):
    """What a bulk import or the benchmark does: lines and tasks written without results."""
    lines = list(SheetLine.objects.filter(task__in=tasks).order_by("task_id", "order"))
    by_task = {}
    for line in lines:
        line.score = Decimal(scores[line.code] if isinstance(scores, dict) else scores)
        by_task.setdefault(line.task_id, []).append(line)
    SheetLine.objects.bulk_update(lines, ["score"], batch_size=500)
    for task in tasks:
        own = by_task[task.pk]
        task.score = scoring.sheet_score([x.score for x in own], [x.weight for x in own])
        task.state, task.submitted_at = TaskState.SUBMITTED, submitted_at
    Task.objects.bulk_update(tasks, ["state", "score", "submitted_at"], batch_size=500)


def diff_task(schedule, servant):
    return Task.objects.get(schedule=schedule, servant=servant, kind="differentiation")


def result_ready(user):
    return Notification.objects.filter(recipient=user, kind="evaluation.result_ready")


@time_machine.travel("2026-04-13 10:00 +05:00")
def test_closing_forms_the_missing_results_with_bands_and_due_dates(body2023):
    w = body2023
    schedule = approve_q1(w)
    submit_in_bulk([diff_task(schedule, w.servant)], FULL, MONDAY)
    # (2 + 2 + 2 + 1.99) / 4 = 1.9975 → 2.00: "satisfactorily" after rounding (002 p8).
    low = {"quality": "2", "deadlines": "2", "initiative": "2", "discipline": "1.99"}
    submit_in_bulk([diff_task(schedule, w.colleague_a)], low, FRIDAY)

    counts = bulk.quarter_close(actor=w.users["hrofficer"], schedule_id=schedule.pk)

    assert counts == {"results": 2, "notifications": 4, "skipped": 0, "without_user": 0}
    mine = Result.objects.get(servant=w.servant, year=2026, quarter=1)
    assert (mine.score, mine.original_score, mine.band) == (
        Decimal("4.31"),
        Decimal("4.31"),
        "effective",
    )
    assert mine.task == diff_task(schedule, w.servant) and mine.version_id == schedule.version_id
    # 002 p12: acquaintance within two working days of the submission, not of the close.
    assert mine.acquaintance_due == date(2026, 4, 8)  # Monday → Wednesday
    theirs = Result.objects.get(servant=w.colleague_a, year=2026, quarter=1)
    assert (theirs.score, theirs.band) == (Decimal("2.00"), "satisfactory")
    assert theirs.acquaintance_due == date(2026, 4, 14)  # Friday → Tuesday, over the weekend
    # Sheets not submitted get nothing.
    assert not Result.objects.filter(servant=w.servant_b).exists()
    event = AuditEvent.objects.get(action="schedule.closed")
    assert event.actor == w.users["hrofficer"] and event.data["results"] == 2


@time_machine.travel("2026-04-13 10:00 +05:00")
def test_one_notification_per_result_and_channel_like_the_single_path(body2023):
    w = body2023
    schedule = approve_q1(w)
    User.objects.filter(pk=w.colleague_a.user_id).update(email="")
    Servant.objects.filter(pk=w.servant_b.pk).update(user=None)
    tasks = [diff_task(schedule, s) for s in (w.servant, w.colleague_a, w.servant_b)]
    submit_in_bulk(tasks, FULL, MONDAY)

    counts = bulk.quarter_close(actor=None, schedule_id=schedule.pk)

    assert counts == {"results": 3, "notifications": 3, "skipped": 0, "without_user": 1}
    result = Result.objects.get(servant=w.servant, quarter=1)
    rows = result_ready(w.users["servant"])
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "in_app"]
    row = rows.get(channel="in_app")
    assert row.dedupe_key == f"result-ready:{result.pk}:2026-04-08:in_app"  # notices.result_ready
    assert (row.object_type, row.object_id) == ("evaluations.result", str(result.pk))
    assert row.url == reverse("evaluations:my_results")
    assert list(result_ready(w.users["colleague"]).values_list("channel", flat=True)) == [
        "in_app"
    ]  # no email address, no email row
    assert AuditEvent.objects.get(action="schedule.closed").actor is None  # the system


@time_machine.travel("2026-04-13 10:00 +05:00")
def test_a_second_close_creates_and_queues_nothing(body2023):
    w = body2023
    schedule = approve_q1(w)
    submit_in_bulk([diff_task(schedule, w.servant)], FULL, MONDAY)
    bulk.quarter_close(actor=w.users["hrofficer"], schedule_id=schedule.pk)
    before = (Result.objects.count(), Notification.objects.count())

    again = bulk.quarter_close(actor=w.users["hrofficer"], schedule_id=schedule.pk)

    assert again == {"results": 0, "notifications": 0, "skipped": 0, "without_user": 0}
    assert (Result.objects.count(), Notification.objects.count()) == before


def test_results_formed_by_the_sheet_workflow_stay_as_they_are(
    body2023, django_capture_on_commit_callbacks
):
    w = body2023
    with time_machine.travel("2026-04-03 10:00 +05:00"):
        schedule = approve_q1(w)
    with (
        time_machine.travel("2026-04-06 10:00 +05:00"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        transition(
            actor=w.users["heada"],
            task_id=diff_task(schedule, w.servant).pk,
            action="submit",
            sheet=SheetInput(FULL),
        )
    formed = Result.objects.get(servant=w.servant, quarter=1)
    assert result_ready(w.users["servant"]).count() == 2
    with time_machine.travel("2026-04-20 10:00 +05:00"):
        submit_in_bulk([diff_task(schedule, w.colleague_a)], "3.5", FRIDAY)
        counts = bulk.quarter_close(actor=w.users["hrhead"], schedule_id=schedule.pk)

    assert counts["results"] == 1 and counts["notifications"] == 2
    kept = Result.objects.get(pk=formed.pk)
    assert (kept.score, kept.acquaintance_due, kept.formed_at) == (
        formed.score,
        formed.acquaintance_due,
        formed.formed_at,
    )
    assert result_ready(w.users["servant"]).count() == 2  # never announced twice
    assert Result.objects.get(servant=w.colleague_a, quarter=1).band == "proper"


@time_machine.travel("2026-04-13 10:00 +05:00")
def test_a_result_of_the_period_not_linked_to_the_sheet_is_not_overwritten(body2023):
    w = body2023
    schedule = approve_q1(w)
    task = diff_task(schedule, w.servant)
    submit_in_bulk([task], FULL, MONDAY)
    Result.objects.create(
        body=w.body, servant=w.servant, version_id=task.version_id, kind=task.kind, year=2026,
        quarter=1, original_score=Decimal("3.00"), score=Decimal("3.00"), band="proper",
    )  # fmt: skip

    counts = bulk.quarter_close(actor=None, schedule_id=schedule.pk)

    assert counts == {"results": 0, "notifications": 0, "skipped": 1, "without_user": 0}
    assert Result.objects.get(servant=w.servant, quarter=1).score == Decimal("3.00")


@time_machine.travel("2026-04-13 10:00 +05:00")
def test_only_hr_closes_outsiders_get_404(body2023):
    w = body2023
    schedule = approve_q1(w)
    submit_in_bulk([diff_task(schedule, w.servant)], FULL, MONDAY)
    # Members of the body who are not HR, and a superuser (no evaluation role): 403.
    for who in ("servant", "heada", "authorized", "admin"):
        with pytest.raises(PermissionDenied):
            bulk.quarter_close(actor=w.users[who], schedule_id=schedule.pk)
    # Another body's HR cannot even see the schedule (access.access_schedule): 404.
    with pytest.raises(NotFound):
        bulk.quarter_close(actor=w.users["otherhr"], schedule_id=schedule.pk)
    with pytest.raises(NotFound):
        bulk.quarter_close(actor=None, schedule_id=schedule.pk + 1000)
    assert not Result.objects.exists()
    assert bulk.quarter_close(actor=w.users["hrofficer"], schedule_id=schedule.pk)["results"] == 1


@time_machine.travel("2026-04-13 10:00 +05:00")
def test_a_draft_schedule_cannot_be_closed(body2023):
    w = body2023
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    with pytest.raises(Conflict):
        bulk.quarter_close(actor=w.users["hrofficer"], schedule_id=schedule.pk)


def staffed_schedule(w, size: int, code: str) -> Schedule:
    """A unit of `size` servants with accounts in the world's body, an approved Q2 (or Q3)."""
    unit = Unit.objects.create(body=w.body, parent=None, code=code, name_kk=code)
    positions = Position.objects.bulk_create(
        [
            Position(body=w.body, unit=unit, code=f"{code}-{i}", title_kk="Маман", category="D-4")
            for i in range(size)
        ]
    )
    users = User.objects.bulk_create(
        [User(username=f"{code}{i}", email=f"{code}{i}@example.kz") for i in range(size)]
    )
    iins = synthetic_iins((100 if code == "S" else 200) * 29200, size)
    servants = Servant.objects.bulk_create(
        [
            Servant(body=w.body, iin=iin, last_name_kk=f"T{i}", first_name_kk="A", user=user)
            for i, (iin, user) in enumerate(zip(iins, users, strict=True))
        ]
    )
    Appointment.objects.bulk_create(
        [
            Appointment(servant=s, position=p, start_date=date(2020, 1, 1))
            for s, p in zip(servants, positions, strict=True)
        ]
    )
    quarter = 2 if code == "S" else 3
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=quarter
    )
    Schedule.objects.filter(pk=schedule.pk).update(status=ScheduleStatus.APPROVED)
    schedule.refresh_from_db()
    services.build_tasks(schedule, [s.pk for s in servants])
    tasks = list(Task.objects.filter(schedule=schedule, kind="differentiation"))
    assert len(tasks) == size
    submit_in_bulk(tasks, "4", MONDAY)
    return schedule


@time_machine.travel("2026-10-13 10:00 +05:00")
def test_the_number_of_queries_does_not_grow_with_the_schedule(body2023):
    w = body2023
    small, large = staffed_schedule(w, 10, "S"), staffed_schedule(w, 300, "L")
    hr = w.users["hrofficer"]
    with CaptureQueriesContext(connection) as few:
        assert bulk.quarter_close(actor=hr, schedule_id=small.pk)["results"] == 10
    with CaptureQueriesContext(connection) as many:
        assert bulk.quarter_close(actor=hr, schedule_id=large.pk)["notifications"] == 600

    def reads(ctx):
        return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith("INSERT")]

    assert len(reads(few)) == len(reads(many))
    if connection.features.max_query_params is None:  # PostgreSQL: one batch of each
        assert len(few) == len(many)
    else:  # SQLite caps the parameters of a statement: only the INSERT batches grow
        inserts = len(many) - len(reads(many))
        assert inserts <= 3 + 300 // 50 + 600 // 45
