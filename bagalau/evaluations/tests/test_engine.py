"""The engine through its services: schedule, tasks, sheets, results, acquaintance."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.evaluations import services
from bagalau.evaluations.models import Participation, Result, Task, TaskState
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition

pytestmark = pytest.mark.django_db
FULL = {"quality": "4", "deadlines": "4.5", "initiative": "3.75", "discipline": "5"}


def approve_q1(w):
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


def task_of(schedule, servant, kind="differentiation"):
    return Task.objects.get(schedule=schedule, servant=servant, kind=kind)


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_approval_creates_a_task_per_servant_and_kind(body2023):
    w = body2023
    schedule = approve_q1(w)
    tasks = {(t.servant_id, t.kind) for t in Task.objects.filter(schedule=schedule)}
    # 002 p4: heads on KPIs, everyone else by differentiation (360 is yearly).
    assert (w.servant.pk, "differentiation") in tasks
    assert (w.head_a.pk, "kpi_quarterly") in tasks
    assert (w.head_a.pk, "differentiation") not in tasks
    task = task_of(schedule, w.servant)
    assert task.evaluator == w.head_a  # 002 p30: the head of the unit
    assert task.due_date == date(2026, 4, 10)  # 002 p5
    assert task.participation == Participation.EVALUATED
    assert task.lines.count() == 4  # 002 p33


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_only_hr_drafts_and_only_the_authorized_person_approves(body2023):
    w = body2023
    with pytest.raises(PermissionDenied):
        services.schedule_create(actor=w.users["servant"], body=w.body, year=2026, quarter=1)
    schedule = services.schedule_create(
        actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
    )
    with pytest.raises(PermissionDenied):
        services.schedule_approve(actor=w.users["hrofficer"], schedule_id=schedule.pk)
    with pytest.raises(NotFound):
        services.schedule_approve(actor=w.users["otherhr"], schedule_id=schedule.pk)
    with pytest.raises(DomainError):
        services.schedule_create(actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1)


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_the_evaluator_scores_the_servant_acknowledges(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    head = w.users["heada"]
    draft = transition(
        actor=head, task_id=task.pk, action="save_draft", sheet=SheetInput({"quality": "4"})
    )
    assert draft.state == TaskState.DRAFT and draft.score is None
    with pytest.raises(DomainError) as err:
        transition(actor=head, task_id=task.pk, action="submit", sheet=SheetInput({}))
    assert err.value.code == "incomplete"
    assert {e.field for e in err.value.errors} == {
        "score_deadlines",
        "score_initiative",
        "score_discipline",
    }
    done = transition(actor=head, task_id=task.pk, action="submit", sheet=SheetInput(FULL))
    # (4 + 4.5 + 3.75 + 5) / 4 = 4.3125 → 4.31, "effectively" (002 p8).
    assert done.score == Decimal("4.31") and not done.late
    result = Result.objects.get(task=task)
    assert (result.band, result.original_score) == ("effective", Decimal("4.31"))
    assert result.acquaintance_due == date(2026, 4, 8)  # 002 p12: two working days
    with pytest.raises(NotFound):  # a colleague cannot even see it (002 p16)
        transition(actor=w.users["colleague"], task_id=task.pk, action="acknowledge")
    with pytest.raises(PermissionDenied):  # the evaluator sees it but cannot acknowledge
        transition(actor=head, task_id=task.pk, action="acknowledge")
    transition(actor=w.users["servant"], task_id=task.pk, action="acknowledge")
    result.refresh_from_db()
    assert result.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="task.submit", actor=head).exists()


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_outsiders_get_404_on_a_sheet(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    for who in ("colleague", "headb", "otherhr", "authorized"):
        with pytest.raises(NotFound):
            transition(actor=w.users[who], task_id=task.pk, action="save_draft")


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_stale_tab_gets_a_conflict_and_nothing_is_lost(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    head = w.users["heada"]
    opened = task.revision
    transition(
        actor=head,
        task_id=task.pk,
        action="save_draft",
        revision=opened,
        sheet=SheetInput({"quality": "4"}),
    )
    with pytest.raises(Conflict) as err:
        transition(
            actor=head,
            task_id=task.pk,
            action="save_draft",
            revision=opened,
            sheet=SheetInput({"quality": "2"}),
        )
    assert err.value.code == "stale"
    assert task.lines.get(code="quality").score == Decimal("4.00")


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_second_submission_is_a_conflict(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    head = w.users["heada"]
    transition(actor=head, task_id=task.pk, action="submit", sheet=SheetInput(FULL))
    with pytest.raises(Conflict):
        transition(actor=head, task_id=task.pk, action="submit", sheet=SheetInput(FULL))


def test_a_late_submission_is_marked_late(body2023):
    w = body2023
    with time_machine.travel("2026-04-03 10:00 +05:00"):
        task = task_of(approve_q1(w), w.servant)
    with time_machine.travel("2026-04-13 10:00 +05:00"):
        done = transition(
            actor=w.users["heada"], task_id=task.pk, action="submit", sheet=SheetInput(FULL)
        )
    assert done.late


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_refusal_needs_an_act_with_three_signers_and_the_result_stands(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    transition(actor=w.users["heada"], task_id=task.pk, action="submit", sheet=SheetInput(FULL))
    hr = w.users["hrofficer"]
    with pytest.raises(DomainError) as err:
        transition(
            actor=hr,
            task_id=task.pk,
            action="record_refusal",
            act={"date": "2026-04-08", "signers": ["A"]},
        )
    assert err.value.field == "signers"
    transition(
        actor=hr, task_id=task.pk, action="record_refusal",
        act={"date": "2026-04-08", "signers": ["Бөлім басшысы", "Қызметші 1", "Қызметші 2"]},
    )  # fmt: skip
    result = Result.objects.get(task=task)
    assert result.refused_at is not None and result.score == Decimal("4.31")  # 004: it stands


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_hr_reopens_with_a_reason_and_the_change_is_kept(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    head, hr = w.users["heada"], w.users["hrofficer"]
    transition(actor=head, task_id=task.pk, action="submit", sheet=SheetInput(FULL))
    with pytest.raises(DomainError):
        transition(actor=hr, task_id=task.pk, action="reopen")
    transition(actor=hr, task_id=task.pk, action="reopen", reason="Қате енгізілді")
    transition(
        actor=head, task_id=task.pk, action="submit", sheet=SheetInput({**FULL, "quality": "3"})
    )
    result = Result.objects.get(task=task)
    assert result.original_score == Decimal("4.31")
    assert result.score == Decimal("4.06")  # (3 + 4.5 + 3.75 + 5) / 4 = 4.0625
    assert result.changes.get().score_to == Decimal("4.06")


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_an_absence_entered_after_approval_updates_the_task(
    body2023, django_capture_on_commit_callbacks
):
    from bagalau.org import services as org_services

    w = body2023
    schedule = approve_q1(w)
    # 002 p6: absent at evaluation time → differentiation without participation.
    with django_capture_on_commit_callbacks(execute=True):
        org_services.absence_save(
            actor=None,
            servant=w.servant,
            kind="annual_leave",
            start_date=date(2026, 4, 6),
            end_date=date(2026, 4, 24),
        )
    task = task_of(schedule, w.servant)
    assert task.participation == Participation.WITHOUT_PARTICIPATION
    kpi = task_of(schedule, w.head_a, "kpi_quarterly")
    with django_capture_on_commit_callbacks(execute=True):
        org_services.absence_save(
            actor=None,
            servant=w.head_a,
            kind="sick_leave",
            start_date=date(2026, 4, 1),
            end_date=date(2026, 4, 15),
        )
    kpi.refresh_from_db()
    assert kpi.participation == Participation.DEFERRED  # KPIs: within 5 working days after return
    assert kpi.due_date == date(2026, 4, 23)


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_hr_reassigns_the_evaluator_with_a_reason(body2023):
    w = body2023
    task = task_of(approve_q1(w), w.servant)
    with pytest.raises(DomainError):
        services.task_reassign(
            actor=w.users["hrofficer"], task_id=task.pk, evaluator=w.head_b, reason=""
        )
    services.task_reassign(
        actor=w.users["hrofficer"], task_id=task.pk, evaluator=w.head_b, reason="Іссапар"
    )
    task.refresh_from_db()
    assert task.evaluator == w.head_b
    assert AuditEvent.objects.get(action="task.reassigned").data["reason"] == "Іссапар"


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_a_kpi_sheet_without_lines_cannot_be_submitted(body2023):
    # Heads' KPI sheets get their lines from the approved work plan: without one the sheet
    # waits for HR's actual values (002 p23), and HR cannot send the values of nothing.
    w = body2023
    schedule = approve_q1(w)
    kpi = task_of(schedule, w.head_a, "kpi_quarterly")
    assert kpi.state == TaskState.ACTUALS_DUE
    with pytest.raises(DomainError) as err:
        transition(actor=w.users["firsthead"], task_id=kpi.pk, action="submit")
    assert err.value.code == "invalid_state"
    with pytest.raises(DomainError) as err:
        transition(actor=w.users["hrofficer"], task_id=kpi.pk, action="send_actuals")
    assert err.value.code == "no_lines"
    kpi.refresh_from_db()
    assert kpi.state == TaskState.ACTUALS_DUE and not Result.objects.filter(task=kpi).exists()


@time_machine.travel("2026-04-03 10:00 +05:00")
def test_the_sheet_score_keeps_the_versions_decimals(body2023):
    # 002 p8 leaves the decimals kept to the version: with one, (4 + 4.5 + 3.5 + 5) / 4 =
    # 4.25 is kept as 4.3 (half-up), not 4.25.
    from bagalau.methodology.models import MethodologyVersion

    w = body2023
    MethodologyVersion.objects.filter(body=w.body).update(score_decimals=1)
    task = task_of(approve_q1(w), w.servant)
    sheet = SheetInput({"quality": "4", "deadlines": "4.5", "initiative": "3.5", "discipline": "5"})
    done = transition(actor=w.users["heada"], task_id=task.pk, action="submit", sheet=sheet)
    assert done.score == Decimal("4.3")
    assert Result.objects.get(task=task).score == Decimal("4.3")


@time_machine.travel("2026-07-06 10:00 +05:00")
def test_the_year_mean_keeps_the_versions_decimals(body2023):
    # 002 p5: the year result is the mean of the quarters: (4.00 + 3.50) / 2 = 3.75, kept
    # with the version's one decimal as 3.8 (002 p8, half-up).
    from bagalau.methodology.models import MethodologyVersion

    w = body2023
    version = MethodologyVersion.objects.get(body=w.body)
    MethodologyVersion.objects.filter(pk=version.pk).update(score_decimals=1)
    for quarter, score in ((1, Decimal("4.00")), (2, Decimal("3.50"))):
        Result.objects.create(
            body=w.body, servant=w.servant, version=version, kind="differentiation", year=2026,
            quarter=quarter, original_score=score, score=score, band="proper",
        )  # fmt: skip
    assert services.year_results_form(actor=None, body_id=w.body.pk, year=2026) == 1
    year = Result.objects.get(servant=w.servant, year=2026, quarter=0)
    assert (year.score, year.quarters) == (Decimal("3.8"), [1, 2])
