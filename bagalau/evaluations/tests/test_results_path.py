"""One result path, set-based (issue 12 item 2): the bulk page, approval notices, results."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bagalau.core.models import AuditEvent, User
from bagalau.demo.management.commands.generate import synthetic_iins
from bagalau.evaluations import notices, services
from bagalau.evaluations.models import Result, Schedule, ScheduleStatus, Task, TaskState
from bagalau.evaluations.services import SheetInput, SheetItem
from bagalau.notifications.models import Notification
from bagalau.org.models import Appointment, Position, Servant, Unit

pytestmark = pytest.mark.django_db
CODES = ["quality", "deadlines", "initiative", "discipline"]


def team(w, size: int, quarter: int, *, evaluators: int = 1) -> Schedule:
    """`size` servants with accounts in a new unit, an approved schedule of `quarter`, their
    differentiation sheets evaluated by the head of unit A (or by `evaluators` users)."""
    code = f"T{quarter}"
    unit = Unit.objects.create(body=w.body, parent=None, code=code, name_kk=code)
    positions = Position.objects.bulk_create(
        [
            Position(body=w.body, unit=unit, code=f"{code}-{i}", title_kk="Маман", category="D-4")
            for i in range(size)
        ]
    )
    users = User.objects.bulk_create(
        [User(username=f"{code}u{i}", email=f"{code}u{i}@example.kz") for i in range(size)]
    )
    iins = synthetic_iins((300 + quarter) * 29200, size)
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
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=quarter
    )
    Schedule.objects.filter(pk=schedule.pk).update(status=ScheduleStatus.APPROVED)
    schedule.refresh_from_db()
    services.build_tasks(schedule, [s.pk for s in servants])
    tasks = list(Task.objects.filter(schedule=schedule, kind="differentiation").order_by("pk"))
    assert len(tasks) == size
    for i, task in enumerate(tasks):
        task.evaluator_user = w.users["heada"] if evaluators == 1 else users[(i + 1) % size]
    Task.objects.bulk_update(tasks, ["evaluator_user"])
    return schedule


def bulk_post(w, schedule, scores=("4", "4.5", "3", "5")) -> dict[str, object]:
    data: dict[str, object] = {"submit": "1"}
    for task in Task.objects.filter(schedule=schedule, kind="differentiation"):
        data[f"t{task.pk}-revision"] = task.revision
        for code, value in zip(CODES, scores, strict=True):
            data[f"t{task.pk}-score_{code}"] = value
    return data


@time_machine.travel("2026-07-06 10:00 +05:00")
def test_the_bulk_post_runs_the_same_queries_for_3_and_30_rows(
    body2023, django_capture_on_commit_callbacks
):
    # Issue 12 item 2: a unit is submitted in one transaction, a constant number of queries.
    w = body2023
    small, large = team(w, 3, 2), team(w, 30, 3)
    head = w.client("heada")
    counts = []
    for schedule in (small, large):
        data = bulk_post(w, schedule)
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=True),  # the notices count too
        ):
            response = head.post(reverse("evaluations:bulk", args=[schedule.pk]), data)
        assert response.status_code == 302
        counts.append(len(ctx.captured_queries))
        tasks = Task.objects.filter(schedule=schedule, kind="differentiation")
        assert set(tasks.values_list("state", flat=True)) == {TaskState.SUBMITTED}
        assert Result.objects.filter(task__schedule=schedule).count() == tasks.count()
    assert counts[0] == counts[1], counts
    # Each result with its band and acquaintance deadline (002 p8, p12), announced.
    result = Result.objects.filter(task__schedule=large).first()
    assert result is not None
    assert (result.score, result.band) == (Decimal("4.13"), "effective")
    assert result.acquaintance_due == date(2026, 7, 8)  # Monday → Wednesday
    assert Notification.objects.filter(kind="evaluation.result_ready").count() == 2 * 33
    # One audit row per sheet, without the scores (002 p21).
    events = AuditEvent.objects.filter(action="task.submit", object_type="evaluations.task")
    assert events.count() == 33
    assert all("score" not in e.data for e in events)


@time_machine.travel("2026-07-06 10:00 +05:00")
def test_tasks_transition_reports_each_row_and_writes_only_the_good_ones(body2023):
    w = body2023
    schedule = team(w, 4, 2)
    head = w.users["heada"]
    a, b, c, d = Task.objects.filter(schedule=schedule, kind="differentiation").order_by("pk")
    full = SheetInput(dict(zip(CODES, ["4", "4", "4", "4"], strict=True)))
    outcome = services.tasks_transition(
        actor=head,
        items=[
            SheetItem(a.pk, "submit", a.revision, full),
            SheetItem(b.pk, "submit", None, full),  # no revision: 400
            SheetItem(c.pk, "submit", c.revision + 5, full),  # stale: 409
            SheetItem(d.pk, "submit", d.revision, SheetInput({"quality": "9"})),  # bad input
            SheetItem(10**9, "submit", 0, full),  # nobody's: 404
        ],
    )
    assert isinstance(outcome[a.pk], Task) and outcome[a.pk].state == TaskState.SUBMITTED
    assert [outcome[t.pk].code for t in (b, c, d)] == [  # type: ignore[union-attr]
        "revision_required",
        "stale",
        "invalid",
    ]
    assert outcome[10**9].code == "not_found"  # type: ignore[union-attr]
    states = dict(Task.objects.filter(schedule=schedule).values_list("pk", "state"))
    assert [states[t.pk] for t in (a, b, c, d)] == [TaskState.SUBMITTED] + [TaskState.PENDING] * 3
    assert Result.objects.filter(task__schedule=schedule).count() == 1
    # A colleague who is not the evaluator: 403 before anything else (rules.workflow).
    other = services.tasks_transition(
        actor=w.users["servant"], items=[SheetItem(b.pk, "submit", b.revision, full)]
    )
    assert isinstance(other[b.pk], Exception)


def test_approval_notices_run_the_same_queries_for_3_and_20_evaluators(body2023):
    # Issue 12 item 2: schedule approval sends its evaluator notices in bulk (one insert
    # per batch: on SQLite Django's bulk insert batch holds about 50 notification rows).
    w = body2023
    with time_machine.travel("2026-04-01 10:00 +05:00"):
        small, large = team(w, 3, 2, evaluators=3), team(w, 20, 3, evaluators=20)
    counts = []
    for schedule, evaluators in ((small, 3), (large, 20)):
        with CaptureQueriesContext(connection) as ctx:
            queued = notices.schedule_approved(schedule.pk)
        counts.append(len(ctx.captured_queries))
        assert queued >= evaluators  # in-app (and e-mail where there is an address)
    assert counts[0] == counts[1], counts
    assert notices.schedule_approved(large.pk) == 0  # deduplicated: never sent twice


@time_machine.travel("2026-07-06 10:00 +05:00")
def test_year_results_and_quarter_results_share_the_result_path(body2023):
    w = body2023
    schedule = team(w, 3, 2)
    w.client("heada").post(reverse("evaluations:bulk", args=[schedule.pk]), bulk_post(w, schedule))
    formed = services.year_results_form(actor=w.users["hrofficer"], body_id=w.body.pk, year=2026)
    assert formed == 3
    year = Result.objects.filter(year=2026, quarter=0)
    assert {(r.score, r.band, tuple(r.quarters)) for r in year} == {
        (Decimal("4.13"), "effective", (2,))
    }
    assert all(r.acquaintance_due == date(2026, 7, 8) for r in year)
    # A second run changes nothing and announces nothing new.
    before = Notification.objects.count()
    assert services.year_results_form(actor=None, body_id=w.body.pk, year=2026) == 0
    assert Notification.objects.count() == before


def test_a_decided_change_moves_the_score_keeps_the_original_and_recomputes_the_year(body2023):
    # 002 p42: the calibration's final score becomes the result's current score; the
    # original stays; the band and the year mean (002 p5) follow; acquainted again.
    from bagalau.evaluations import results
    from bagalau.evaluations.models import ResultChange

    w = body2023
    schedule = team(w, 3, 2)
    w.client("heada").post(reverse("evaluations:bulk", args=[schedule.pk]), bulk_post(w, schedule))
    services.year_results_form(actor=w.users["hrofficer"], body_id=w.body.pk, year=2026)
    quarter = Result.objects.filter(year=2026, quarter=2).order_by("pk").first()
    year = Result.objects.get(servant=quarter.servant, year=2026, quarter=0)
    quarter.acknowledged_at = year.acknowledged_at = quarter.formed_at
    quarter.save()
    year.save()
    decided = results.decide(
        actor=w.users["authorized"], body_id=w.body.pk,
        decisions=[results.Decision(quarter.pk, Decimal("2.5"), "calibration", "majority 3-1",
                                    date(2026, 7, 20))],
    )  # fmt: skip
    assert [r.pk for r in decided] == [quarter.pk]
    quarter.refresh_from_db()
    year.refresh_from_db()
    assert (quarter.original_score, quarter.score) == (Decimal("4.13"), Decimal("2.50"))
    assert quarter.band != "effective" and quarter.acknowledged_at is None
    assert quarter.acquaintance_due == date(2026, 7, 22)  # 2 working days (002 p12)
    assert (year.score, year.band, year.acknowledged_at) == (quarter.score, quarter.band, None)
    change = ResultChange.objects.get(result=quarter)
    assert (change.source, change.reason, change.decided_by) == (
        "calibration", "majority 3-1", w.users["authorized"],
    )  # fmt: skip
    assert ResultChange.objects.get(result=year).source == "recomputed"


def test_a_panel_source_gives_its_members_the_cases_on_their_agenda(body2023, monkeypatch):
    # 002 p21: calibration participants (and the 2018 commission's members) know the cases
    # on their agenda while they serve: the one access rule asks the registered panels.
    from bagalau.core.errors import NotFound
    from bagalau.evaluations import access

    w = body2023
    schedule = team(w, 3, 2)
    task = Task.objects.filter(schedule=schedule).order_by("pk").first()
    colleague = w.users["colleague"]
    with pytest.raises(NotFound):
        access.access_task(colleague, task.pk)
    monkeypatch.setattr(access, "_PANEL_SOURCES", {})
    access.register_panel_source(
        "test", lambda user, ids: {task.pk} & set(ids) if user == colleague else set()
    )
    found, roles = access.access_task(colleague, task.pk)
    assert roles == {"panel"} and access.sheet_readable(found, roles)
    assert set(access.access_tasks(colleague, [task.pk])) == {task.pk}
    with pytest.raises(NotFound):
        access.access_task(w.users["servantb"], task.pk)
