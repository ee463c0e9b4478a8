"""Full-year scenarios of one body, 2026, on the 2023 and on the 2025 model (issue 3 item 11).

Each test walks a year step by step with the clock set by time_machine ("today" in Almaty,
+05:00): HR drafts each quarter's schedule, the authorized person approves it, the head of
unit scores, the servant acknowledges; the org changes of the year (a mid-year appointment,
an annual leave over a deadline, a dismissal in Q3) go through the org services and reach
the open tasks through the on-commit refresh. Every year mean and band is computed by hand
in a comment next to its assertion.

Paragraphs cited (seed 002, the 2023 model; methodology.md §4a for 2025):
  p4  heads of units on KPIs, other servants by differentiation;
  p5  quarterly, no later than the 10th of the month after the quarter; year = mean of quarters;
  p6  under three months in the position → not evaluated; absent at evaluation time →
      differentiation without participation on the usual dates, KPIs within 5 working days
      after the return;
  p7  dismissed before the evaluation ends → evaluated without participation;
  p8  bands 4.00-5.00 / 3.00-3.99 / 2.00-2.99 / 0.00-1.99, two decimals half-up before banding;
  p11 HR builds the schedule, the authorized person approves it;
  p12 acquaintance within 2 working days (Kazakhstan's holidays skipped, methodology.md §6);
  p16 results are confidential;
  p30-33 the head of the unit scores four parameters 0-5;
  §4a (2025) quarterly by the 20th, heads included; the year grade is the automatic mean of
      the quarters, formed no later than 30 January.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.evaluations import access, periodic, services
from bagalau.evaluations.models import (
    EvaluatorSource,
    Participation,
    Result,
    ScheduleStatus,
    Task,
    TaskState,
)
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.org import services as org_services
from bagalau.org.models import Appointment, EndReason

pytestmark = pytest.mark.django_db

D = Decimal
PARAMETERS = ("quality", "deadlines", "initiative", "discipline")  # 002 p33


def at(moment: str):
    """Travel to a moment of 2026-2027 in Almaty time: the engine's 'today'."""
    return time_machine.travel(f"{moment} +05:00", tick=False)


def sheet(*scores: str) -> SheetInput:
    """The four parameters of 002 p33, in order: quality, deadlines, initiative, discipline."""
    return SheetInput(dict(zip(PARAMETERS, scores, strict=True)))


def open_quarter(w, quarter: int, drafted: str, approved: str, year: int = 2026):
    """002 p11: HR drafts the quarter's schedule, the authorized person approves it."""
    with at(drafted):
        schedule = services.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=year, quarter=quarter
        )
    with at(approved):
        services.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.APPROVED
    assert schedule.approved_by == w.users["authorized"]
    return schedule


def task_of(schedule, servant, kind: str = "differentiation") -> Task:
    return Task.objects.get(schedule=schedule, servant=servant, kind=kind)


def submit(w, who: str, task: Task, scores: SheetInput, when: str) -> Task:
    with at(when):
        return transition(actor=w.users[who], task_id=task.pk, action="submit", sheet=scores)


def acknowledge(w, who: str, task: Task, when: str) -> None:
    with at(when):
        transition(actor=w.users[who], task_id=task.pk, action="acknowledge")


def newcomer_in_unit_a(w, django_capture_on_commit_callbacks):
    """A servant appointed in unit A on Monday 16 February 2026 (mid-Q1)."""
    from bagalau.core.tests.factories import ServantFactory, UserFactory

    unit_a = Appointment.objects.get(servant=w.head_a).position.unit
    user = UserFactory(username="newcomer", first_name="Newcomer")
    newcomer = ServantFactory(body=w.body, user=user, email="newcomer@example.kz")
    w.users["newcomer"] = user
    with at("2026-02-16 09:00"), django_capture_on_commit_callbacks(execute=True):
        position = org_services.position_save(
            actor=w.users["hrofficer"], body=w.body, unit=unit_a, category="D-4",
            code="A-NEW", title_kk="Бас маман", is_head=False,
        )  # fmt: skip
        org_services.appointment_create(
            actor=w.users["hrofficer"], servant=newcomer, position=position,
            start_date=date(2026, 2, 16),
        )  # fmt: skip
    return newcomer


def year_result(servant) -> Result:
    return Result.objects.get(servant=servant, kind="differentiation", year=2026, quarter=0)


def assert_confidential(w, result: Result, allowed: tuple[str, ...], denied: tuple[str, ...]):
    """002 p16, p21: a result is known only to the evaluated person, the evaluator and HR."""
    for who in allowed:
        seen, _roles = access.access_result(w.users[who], result.pk)
        assert seen.pk == result.pk
    for who in denied:
        with pytest.raises(NotFound):
            access.access_result(w.users[who], result.pk)


# =============================================================================================
# The 2023 model (seed 002)
# =============================================================================================


def test_full_year_2026_on_the_2023_model(body2023, django_capture_on_commit_callbacks):
    w = body2023
    newcomer = newcomer_in_unit_a(w, django_capture_on_commit_callbacks)

    # --- Q1 2026 (1 January - 31 March), due Friday 10 April (002 p5) -----------------------
    # 002 p11: only the authorized person approves the schedule HR drafted.
    with at("2026-04-01 10:00"):
        q1 = services.schedule_create(actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1)
        with pytest.raises(PermissionDenied):
            services.schedule_approve(actor=w.users["hrofficer"], schedule_id=q1.pk)
    with at("2026-04-02 10:00"):
        services.schedule_approve(actor=w.users["authorized"], schedule_id=q1.pk)

    # 002 p4: the head of unit A is evaluated on KPIs (no differentiation sheet); staff by
    # differentiation, scored by the head of the unit (002 p30) on four parameters (p33).
    assert task_of(q1, w.head_a, "kpi_quarterly").participation == Participation.EVALUATED
    assert not Task.objects.filter(schedule=q1, servant=w.head_a, kind="differentiation").exists()
    for person in (w.servant, w.colleague_a):
        task = task_of(q1, person)
        assert (task.evaluator, task.due_date) == (w.head_a, date(2026, 4, 10))
        assert sorted(task.lines.values_list("code", flat=True)) == sorted(PARAMETERS)
    # 002 p6: the newcomer served 16 February - 31 March, under three months → not evaluated.
    new_q1 = task_of(q1, newcomer)
    assert (new_q1.state, new_q1.participation, new_q1.reason) == (
        TaskState.EXCLUDED,
        Participation.NOT_EVALUATED,
        "under_min_months",
    )

    # Head A scores on Wednesday 8 April; acquaintance within 2 working days (002 p12):
    # Thursday 9, Friday 10 April.
    # servant:   (4 + 4.5 + 3.75 + 5) / 4 = 17.25 / 4 = 4.3125 → 4.31 "effective"
    # colleague: (3 + 3 + 3.5 + 3) / 4 = 12.5 / 4 = 3.125 → 3.13 (half-up) "proper"
    s_q1 = submit(
        w, "heada", task_of(q1, w.servant), sheet("4", "4.5", "3.75", "5"), "2026-04-08 11:00"
    )
    c_q1 = submit(
        w, "heada", task_of(q1, w.colleague_a), sheet("3", "3", "3.5", "3"), "2026-04-08 11:30"
    )
    assert (s_q1.score, s_q1.late) == (D("4.31"), False)
    assert c_q1.score == D("3.13")
    r = Result.objects.get(task=s_q1)
    assert (r.band, r.acquaintance_due) == ("effective", date(2026, 4, 10))
    assert Result.objects.get(task=c_q1).band == "proper"
    acknowledge(w, "servant", s_q1, "2026-04-09 09:00")
    acknowledge(w, "colleague", c_q1, "2026-04-09 09:30")
    assert task_of(q1, w.servant).state == TaskState.ACQUAINTED

    # --- Leaves recorded in June, before the Q2 schedule ------------------------------------
    with at("2026-06-15 10:00"), django_capture_on_commit_callbacks(execute=True):
        # The servant's annual leave 1-24 July covers the Q2 deadline (10 July).
        org_services.absence_save(
            actor=w.users["hrofficer"], servant=w.servant, kind="annual_leave",
            start_date=date(2026, 7, 1), end_date=date(2026, 7, 24),
        )  # fmt: skip
        # Head of unit B on leave Monday 6 - Thursday 16 July, also over the deadline.
        org_services.absence_save(
            actor=w.users["hrofficer"], servant=w.head_b, kind="annual_leave",
            start_date=date(2026, 7, 6), end_date=date(2026, 7, 16),
        )  # fmt: skip

    # --- Q2 2026 (1 April - 30 June), due Friday 10 July ------------------------------------
    q2 = open_quarter(w, 2, "2026-07-01 10:00", "2026-07-02 10:00")
    s_q2, c_q2, n_q2 = (task_of(q2, p) for p in (w.servant, w.colleague_a, newcomer))
    # 002 p6: absent on the evaluation date → differentiation runs without the servant,
    # on the usual date (no deferral).
    assert (s_q2.participation, s_q2.reason, s_q2.due_date) == (
        Participation.WITHOUT_PARTICIPATION,
        "absent",
        date(2026, 7, 10),
    )
    assert s_q2.returns_on is None
    # The newcomer has now served 1 April - 30 June, three full months → evaluated.
    assert (n_q2.participation, n_q2.state) == (Participation.EVALUATED, TaskState.PENDING)
    # 002 p6: the KPI evaluation of an absent head is deferred to the 5th working day after the
    # return: back Friday 17 July; 20, 21, 22, 23, 24 July → Friday 24 July.
    kpi_b = task_of(q2, w.head_b, "kpi_quarterly")
    assert (kpi_b.participation, kpi_b.reason) == (Participation.DEFERRED, "absent")
    assert (kpi_b.returns_on, kpi_b.due_date) == (date(2026, 7, 17), date(2026, 7, 24))
    assert task_of(q2, w.head_a, "kpi_quarterly").due_date == date(2026, 7, 10)

    # Head A scores all three on Friday 3 July. Acquaintance (002 p12): Monday 6 July is
    # Capital Day, so 2 working days after Friday 3 July are Tuesday 7 and Wednesday 8 July
    # (without the holiday it would be Tuesday 7 July).
    # servant (without participation): (3 + 3.5 + 4 + 3.5) / 4 = 14 / 4 = 3.50 "proper"
    # colleague: (2.5 + 3 + 2 + 3) / 4 = 10.5 / 4 = 2.625 → 2.63 "satisfactory"
    # newcomer:  (5 + 4 + 4 + 4) / 4 = 17 / 4 = 4.25 "effective"
    s_q2 = submit(w, "heada", s_q2, sheet("3", "3.5", "4", "3.5"), "2026-07-03 10:00")
    c_q2 = submit(w, "heada", c_q2, sheet("2.5", "3", "2", "3"), "2026-07-03 10:10")
    n_q2 = submit(w, "heada", n_q2, sheet("5", "4", "4", "4"), "2026-07-03 10:20")
    assert (s_q2.score, c_q2.score, n_q2.score) == (D("3.50"), D("2.63"), D("4.25"))
    for task, band in ((s_q2, "proper"), (c_q2, "satisfactory"), (n_q2, "effective")):
        result = Result.objects.get(task=task)
        assert (result.band, result.acquaintance_due) == (band, date(2026, 7, 8))
        assert not task.late
    acknowledge(w, "colleague", c_q2, "2026-07-07 09:00")
    acknowledge(w, "newcomer", n_q2, "2026-07-07 09:10")
    acknowledge(w, "servant", s_q2, "2026-07-27 09:00")  # back from leave on Monday 27 July

    # --- Dismissal of colleague A on Wednesday 30 September (Q3) ----------------------------
    with at("2026-09-30 16:00"), django_capture_on_commit_callbacks(execute=True):
        org_services.appointment_end(
            actor=w.users["hrofficer"],
            appointment=Appointment.objects.get(servant=w.colleague_a),
            end_date=date(2026, 9, 30),
            reason=EndReason.DISMISSAL,
        )
    # The refresh leaves acquainted sheets alone.
    assert task_of(q2, w.colleague_a).participation == Participation.EVALUATED

    # --- Q3 2026 (1 July - 30 September), due Saturday 10 October ---------------------------
    q3 = open_quarter(w, 3, "2026-10-01 10:00", "2026-10-02 10:00")
    s_q3, c_q3, n_q3 = (task_of(q3, p) for p in (w.servant, w.colleague_a, newcomer))
    assert s_q3.participation == Participation.EVALUATED  # back from leave since 27 July
    # 002 p7: dismissed before the evaluation ends → evaluated without participation, by the
    # head of the unit he left, on the usual date.
    assert (c_q3.participation, c_q3.reason, c_q3.evaluator, c_q3.due_date) == (
        Participation.WITHOUT_PARTICIPATION,
        "dismissed",
        w.head_a,
        date(2026, 10, 10),
    )
    # servant:   (4 + 4 + 4 + 4) / 4 = 4.00 "effective"
    # colleague: (3 + 3 + 3 + 3) / 4 = 3.00 "proper"
    s_q3 = submit(w, "heada", s_q3, sheet("4", "4", "4", "4"), "2026-10-07 10:00")
    c_q3 = submit(w, "heada", c_q3, sheet("3", "3", "3", "3"), "2026-10-07 10:10")
    assert (s_q3.score, c_q3.score) == (D("4.00"), D("3.00"))
    # A late evaluator: the newcomer's sheet is still open after Saturday 10 October.
    with at("2026-10-11 01:00"):
        assert periodic.flag_overdue(timezone.now()) >= 1
    n_q3.refresh_from_db()
    assert n_q3.overdue and n_q3.state == TaskState.PENDING
    # Submitted on Monday 12 October: accepted, marked late.
    # newcomer: (4 + 3.5 + 3.75 + 3.71) / 4 = 14.96 / 4 = 3.74 "proper"
    n_q3 = submit(w, "heada", n_q3, sheet("4", "3.5", "3.75", "3.71"), "2026-10-12 10:00")
    assert (n_q3.score, n_q3.late, n_q3.overdue) == (D("3.74"), True, False)
    assert Result.objects.get(task=n_q3).acquaintance_due == date(2026, 10, 14)
    acknowledge(w, "servant", s_q3, "2026-10-08 09:00")
    acknowledge(w, "newcomer", n_q3, "2026-10-13 09:00")

    # --- Q4 2026 (1 October - 31 December), due Sunday 10 January 2027 ----------------------
    q4 = open_quarter(w, 4, "2027-01-05 10:00", "2027-01-05 15:00")
    # The dismissed colleague held no position in Q4: no task at all.
    assert not Task.objects.filter(schedule=q4, servant=w.colleague_a).exists()
    # servant:  (3.75 + 4 + 3.5 + 4) / 4 = 15.25 / 4 = 3.8125 → 3.81 "proper"
    # newcomer: (4 + 4 + 4 + 4) / 4 = 4.00 "effective"
    s_q4 = submit(
        w, "heada", task_of(q4, w.servant), sheet("3.75", "4", "3.5", "4"), "2027-01-06 10:00"
    )
    n_q4 = submit(w, "heada", task_of(q4, newcomer), sheet("4", "4", "4", "4"), "2027-01-06 10:10")
    assert (s_q4.score, n_q4.score) == (D("3.81"), D("4.00"))
    # 002 p12 across a holiday: after Wednesday 6 January, Thursday 7 January is Orthodox
    # Christmas → Friday 8 (1st), Monday 11 January (2nd).
    assert Result.objects.get(task=s_q4).acquaintance_due == date(2027, 1, 11)
    acknowledge(w, "servant", s_q4, "2027-01-08 09:00")
    acknowledge(w, "newcomer", n_q4, "2027-01-08 09:10")

    # --- The year 2026 (002 p5: the mean of the quarterly grades; p8: bands) ----------------
    with at("2027-01-15 10:00"):
        # The 2023 model has no automatic year grade: the tick forms nothing, HR does.
        assert periodic.form_automatic_year_results(timezone.now()) == 0
        with pytest.raises(PermissionDenied):
            services.year_results_form(actor=w.users["heada"], body_id=w.body.pk, year=2026)
        formed = services.year_results_form(
            actor=w.users["hrofficer"], body_id=w.body.pk, year=2026
        )
    assert formed == 3  # servant, colleague, newcomer (no one else was scored)

    # servant: (4.31 + 3.50 + 4.00 + 3.81) / 4 = 15.62 / 4 = 3.905 → 3.91 (half-up) "proper".
    # Q2, scored without participation, counts like any other quarter.
    # colleague: (3.13 + 2.63 + 3.00) / 3 = 8.76 / 3 = 2.92 "satisfactory" (no Q4: dismissed).
    # newcomer: (4.25 + 3.74 + 4.00) / 3 = 11.99 / 3 = 3.9966… → 4.00 "effective" (rounded
    # half-up to two decimals before banding; unrounded it would fall short of 4.00).
    expected = {
        w.servant: (D("3.91"), [1, 2, 3, 4], "proper"),
        w.colleague_a: (D("2.92"), [1, 2, 3], "satisfactory"),
        newcomer: (D("4.00"), [2, 3, 4], "effective"),
    }
    for person, (score, quarters, band) in expected.items():
        result = year_result(person)
        assert (result.score, result.original_score) == (score, score)
        assert (result.quarters, result.band, result.task_id) == (quarters, band, None)
    assert not Result.objects.filter(servant=w.servant_b, quarter=0).exists()

    # 002 p16: only the evaluated person and HR see the year result; a colleague, another
    # unit's head, the authorized person and another body's HR get "not found".
    assert_confidential(
        w, year_result(w.servant), allowed=("servant", "hrhead"),
        denied=("colleague", "newcomer", "headb", "authorized", "otherhr"),
    )  # fmt: skip
    # A quarter's result is also seen by its evaluator (the head of the unit).
    assert_confidential(
        w, Result.objects.get(task=s_q2), allowed=("servant", "heada", "hrhead"),
        denied=("colleague", "headb", "otherhr"),
    )  # fmt: skip
    with at("2027-01-18 09:00"):
        acknowledged = services.result_acknowledge(
            actor=w.users["servant"], result_id=year_result(w.servant).pk
        )
    assert acknowledged.acknowledged_at is not None


# =============================================================================================
# The 2025 model (methodology.md §4a)
# =============================================================================================


def test_full_year_2026_on_the_2025_model(body2025, django_capture_on_commit_callbacks):
    w = body2025
    newcomer = newcomer_in_unit_a(w, django_capture_on_commit_callbacks)

    # --- Q1 2026, due Monday 20 April (§4a: by the 20th) -------------------------------------
    q1 = open_quarter(w, 1, "2026-04-01 10:00", "2026-04-02 10:00")
    # §4a: KPIs dropped; every servant, heads included, by differentiation, quarterly.
    assert not Task.objects.filter(schedule=q1).exclude(kind="differentiation").exists()
    for head in (w.head_a, w.head_b, w.hr_head):
        task = task_of(q1, head)
        # The head of a unit is evaluated by the first head of the body (the head of the unit
        # above), on the same four parameters.
        assert (task.evaluator, task.evaluator_source) == (w.first_head, EvaluatorSource.STRUCTURE)
        assert (task.due_date, task.lines.count()) == (date(2026, 4, 20), 4)
    assert task_of(q1, w.first_head).evaluator is None  # nobody above the first head
    assert task_of(q1, w.servant).evaluator == w.head_a
    # 002 p6 (kept by default): the newcomer of 16 February is not evaluated in Q1.
    assert (task_of(q1, newcomer).state, task_of(q1, newcomer).reason) == (
        TaskState.EXCLUDED,
        "under_min_months",
    )

    # servant:   (5 + 4.5 + 4 + 4.5) / 4 = 18 / 4 = 4.50 "effective"
    # colleague: (2 + 2.5 + 2 + 2) / 4 = 8.5 / 4 = 2.125 → 2.13 "satisfactory"
    s_q1 = submit(
        w, "heada", task_of(q1, w.servant), sheet("5", "4.5", "4", "4.5"), "2026-04-15 10:00"
    )
    c_q1 = submit(
        w, "heada", task_of(q1, w.colleague_a), sheet("2", "2.5", "2", "2"), "2026-04-15 10:10"
    )
    assert (s_q1.score, c_q1.score) == (D("4.50"), D("2.13"))
    assert Result.objects.get(task=s_q1).acquaintance_due == date(2026, 4, 17)
    # A late evaluator crossing a holiday: the first head scores head A on Thursday 30 April,
    # after the 20 April deadline → late. Acquaintance: Friday 1 May is the People's Unity
    # Day, so 2 working days after 30 April are Monday 4 and Tuesday 5 May.
    # head A: (4 + 4 + 4 + 3) / 4 = 15 / 4 = 3.75 "proper"
    h_q1 = submit(
        w, "firsthead", task_of(q1, w.head_a), sheet("4", "4", "4", "3"), "2026-04-30 10:00"
    )
    assert (h_q1.score, h_q1.late) == (D("3.75"), True)
    h_r1 = Result.objects.get(task=h_q1)
    assert (h_r1.band, h_r1.acquaintance_due) == ("proper", date(2026, 5, 5))
    acknowledge(w, "servant", s_q1, "2026-04-16 09:00")
    acknowledge(w, "colleague", c_q1, "2026-04-16 09:10")
    acknowledge(w, "heada", h_q1, "2026-05-04 09:00")

    # --- Q2 2026, due Monday 20 July -------------------------------------------------------
    q2 = open_quarter(w, 2, "2026-07-01 10:00", "2026-07-02 10:00")
    assert task_of(q2, w.servant).participation == Participation.EVALUATED
    # Leaves entered after approval (on Tuesday 7 July) reach the open tasks (refresh).
    with at("2026-07-07 10:00"), django_capture_on_commit_callbacks(execute=True):
        org_services.absence_save(
            actor=w.users["hrofficer"], servant=w.servant, kind="annual_leave",
            start_date=date(2026, 7, 13), end_date=date(2026, 7, 31),
        )  # fmt: skip
        org_services.absence_save(
            actor=w.users["hrofficer"], servant=w.head_b, kind="annual_leave",
            start_date=date(2026, 7, 13), end_date=date(2026, 7, 24),
        )  # fmt: skip
    s_q2 = task_of(q2, w.servant)
    # 002 p6 (differentiation): without participation, on the usual date — and in the 2025
    # model the same holds for an absent head (no KPIs, nothing is deferred).
    assert (s_q2.participation, s_q2.reason, s_q2.due_date) == (
        Participation.WITHOUT_PARTICIPATION,
        "absent",
        date(2026, 7, 20),
    )
    b_q2 = task_of(q2, w.head_b)
    assert (b_q2.participation, b_q2.due_date) == (
        Participation.WITHOUT_PARTICIPATION,
        date(2026, 7, 20),
    )
    # servant (without participation): (4 + 4 + 3.5 + 4) / 4 = 15.5 / 4 = 3.875 → 3.88 "proper"
    # colleague: (3 + 3 + 3 + 3.5) / 4 = 12.5 / 4 = 3.125 → 3.13 "proper"
    # newcomer:  (3.5 + 3.5 + 3.5 + 3.5) / 4 = 3.50 "proper"
    # head A:    (4 + 4 + 4 + 4) / 4 = 4.00 "effective" (by the first head)
    s_q2 = submit(w, "heada", s_q2, sheet("4", "4", "3.5", "4"), "2026-07-15 10:00")
    c_q2 = submit(
        w, "heada", task_of(q2, w.colleague_a), sheet("3", "3", "3", "3.5"), "2026-07-15 10:10"
    )
    n_q2 = submit(
        w, "heada", task_of(q2, newcomer), sheet("3.5", "3.5", "3.5", "3.5"), "2026-07-15 10:20"
    )
    h_q2 = submit(
        w, "firsthead", task_of(q2, w.head_a), sheet("4", "4", "4", "4"), "2026-07-16 10:00"
    )
    assert [t.score for t in (s_q2, c_q2, n_q2, h_q2)] == [
        D("3.88"),
        D("3.13"),
        D("3.50"),
        D("4.00"),
    ]
    assert not any(t.late for t in (s_q2, c_q2, n_q2, h_q2))
    assert Result.objects.get(task=s_q2).band == "proper"
    assert Result.objects.get(task=h_q2).band == "effective"
    acknowledge(w, "servant", s_q2, "2026-08-03 09:00")  # back from leave
    acknowledge(w, "colleague", c_q2, "2026-07-16 09:00")
    acknowledge(w, "newcomer", n_q2, "2026-07-16 09:10")
    acknowledge(w, "heada", h_q2, "2026-07-17 09:00")

    # --- Q3 2026, due Tuesday 20 October; colleague A dismissed on 30 September ------------
    q3 = open_quarter(w, 3, "2026-10-01 10:00", "2026-10-01 15:00")
    assert task_of(q3, w.colleague_a).participation == Participation.EVALUATED
    # HR enters the dismissal of 30 September only on Friday 2 October: the open task follows.
    with at("2026-10-02 10:00"), django_capture_on_commit_callbacks(execute=True):
        org_services.appointment_end(
            actor=w.users["hrofficer"],
            appointment=Appointment.objects.get(servant=w.colleague_a),
            end_date=date(2026, 9, 30),
            reason=EndReason.DISMISSAL,
        )
    c_q3 = task_of(q3, w.colleague_a)
    # 002 p7: dismissed before the evaluation ends → without participation, usual date.
    assert (c_q3.participation, c_q3.reason, c_q3.due_date, c_q3.evaluator) == (
        Participation.WITHOUT_PARTICIPATION,
        "dismissed",
        date(2026, 10, 20),
        w.head_a,
    )
    # servant:   (4 + 4.25 + 4 + 4) / 4 = 16.25 / 4 = 4.0625 → 4.06 "effective"
    # colleague: (1.5 + 2 + 2 + 1.5) / 4 = 7 / 4 = 1.75 "unsatisfactory"
    # newcomer:  (4 + 4 + 4 + 4.5) / 4 = 16.5 / 4 = 4.125 → 4.13 "effective"
    # head A:    (3.5 + 4 + 4 + 4) / 4 = 15.5 / 4 = 3.875 → 3.88 "proper"
    s_q3 = submit(
        w, "heada", task_of(q3, w.servant), sheet("4", "4.25", "4", "4"), "2026-10-14 10:00"
    )
    c_q3 = submit(w, "heada", c_q3, sheet("1.5", "2", "2", "1.5"), "2026-10-14 10:10")
    n_q3 = submit(
        w, "heada", task_of(q3, newcomer), sheet("4", "4", "4", "4.5"), "2026-10-14 10:20"
    )
    h_q3 = submit(
        w, "firsthead", task_of(q3, w.head_a), sheet("3.5", "4", "4", "4"), "2026-10-15 10:00"
    )
    assert [t.score for t in (s_q3, c_q3, n_q3, h_q3)] == [
        D("4.06"),
        D("1.75"),
        D("4.13"),
        D("3.88"),
    ]
    assert Result.objects.get(task=c_q3).band == "unsatisfactory"
    for task, who in ((s_q3, "servant"), (n_q3, "newcomer"), (h_q3, "heada")):
        acknowledge(w, who, task, "2026-10-16 09:00")

    # --- Q4 2026, due Wednesday 20 January 2027 --------------------------------------------
    q4 = open_quarter(w, 4, "2027-01-05 10:00", "2027-01-05 15:00")
    assert not Task.objects.filter(schedule=q4, servant=w.colleague_a).exists()
    assert task_of(q4, w.servant).due_date == date(2027, 1, 20)
    # servant: (4.5 + 4 + 4 + 4.5) / 4 = 17 / 4 = 4.25 "effective"
    # head A:  (4 + 4.5 + 4 + 4) / 4 = 16.5 / 4 = 4.125 → 4.13 "effective"
    s_q4 = submit(
        w, "heada", task_of(q4, w.servant), sheet("4.5", "4", "4", "4.5"), "2027-01-12 10:00"
    )
    h_q4 = submit(
        w, "firsthead", task_of(q4, w.head_a), sheet("4", "4.5", "4", "4"), "2027-01-12 10:10"
    )
    assert (s_q4.score, h_q4.score) == (D("4.25"), D("4.13"))
    acknowledge(w, "servant", s_q4, "2027-01-13 09:00")
    acknowledge(w, "heada", h_q4, "2027-01-13 09:10")

    # --- The automatic year grade (§4a: the mean of the quarters, by 30 January) -----------
    with at("2027-01-15 03:00"):
        assert periodic.form_automatic_year_results(timezone.now()) == 4
    # servant: (4.50 + 3.88 + 4.06 + 4.25) / 4 = 16.69 / 4 = 4.1725 → 4.17 "effective"
    # head A:  (3.75 + 4.00 + 3.88 + 4.13) / 4 = 15.76 / 4 = 3.94 "proper"
    # colleague: (2.13 + 3.13 + 1.75) / 3 = 7.01 / 3 = 2.3366… → 2.34 "satisfactory"
    # newcomer, Q4 not yet scored: (3.50 + 4.13) / 2 = 7.63 / 2 = 3.815 → 3.82 "proper"
    expected = {
        w.servant: (D("4.17"), [1, 2, 3, 4], "effective"),
        w.head_a: (D("3.94"), [1, 2, 3, 4], "proper"),
        w.colleague_a: (D("2.34"), [1, 2, 3], "satisfactory"),
        newcomer: (D("3.82"), [2, 3], "proper"),
    }
    for person, (score, quarters, band) in expected.items():
        result = year_result(person)
        assert (result.score, result.quarters, result.band) == (score, quarters, band)

    # The newcomer's Q4 comes on Tuesday 19 January (on time); the tick of 20 January
    # refreshes the unacknowledged year grade:
    # (3.50 + 4.13 + 4.50) / 3 = 12.13 / 3 = 4.0433… → 4.04 "effective"
    n_q4 = submit(
        w, "heada", task_of(q4, newcomer), sheet("4.5", "4.5", "4.5", "4.5"), "2027-01-19 10:00"
    )
    assert n_q4.score == D("4.50") and not n_q4.late
    with at("2027-01-20 03:00"):
        assert periodic.form_automatic_year_results(timezone.now()) == 1
    new_year = year_result(newcomer)
    assert (new_year.score, new_year.quarters, new_year.band) == (D("4.04"), [2, 3, 4], "effective")
    assert new_year.original_score == D("3.82")
    assert new_year.changes.get().score_to == D("4.04")

    # After 30 January the year grade is formed and no longer refreshed: HR reopens the
    # servant's Q4 on 1 February and the head lowers it to (3 + 4 + 4 + 4.5) / 4 = 3.875 → 3.88;
    # the quarter changes, the year grade of 4.17 stays.
    with at("2027-02-01 10:00"):
        transition(
            actor=w.users["hrofficer"], task_id=s_q4.pk, action="reopen", reason="Қате енгізілді"
        )
    s_q4 = submit(w, "heada", s_q4, sheet("3", "4", "4", "4.5"), "2027-02-01 11:00")
    assert Result.objects.get(task=s_q4).score == D("3.88")
    with at("2027-02-01 12:00"):
        assert periodic.form_automatic_year_results(timezone.now()) == 0
    assert (year_result(w.servant).score, year_result(w.servant).band) == (D("4.17"), "effective")

    # 002 p16 (kept by §4a): confidentiality of the year grade and of a head's quarter.
    assert_confidential(
        w, year_result(w.servant), allowed=("servant", "hrhead"),
        denied=("colleague", "newcomer", "headb", "authorized", "otherhr"),
    )  # fmt: skip
    assert_confidential(
        w, Result.objects.get(task=h_q2), allowed=("heada", "firsthead", "hrhead"),
        denied=("servant", "colleague", "headb", "otherhr"),
    )  # fmt: skip
    with at("2027-02-02 09:00"):
        services.result_acknowledge(actor=w.users["heada"], result_id=year_result(w.head_a).pk)
    assert year_result(w.head_a).acquainted


def test_kpi_deferral_counts_from_the_first_working_day_back(
    body2023, django_capture_on_commit_callbacks
):
    """002 p6: KPIs "жұмысқа шыққаннан кейін бес жұмыс күні ішінде" — within five working
    days after going back to work; methodology.md §6: the day of return itself not counted.

    Head B's leave of Monday 6 - Friday 17 July 2026 covers the Q2 deadline (10 July). He is
    back at work on Monday 20 July; the 5 working days after it are 21, 22, 23, 24, 27 July.
    (The scenario above, with a leave ending on Thursday 16 July, is back on Friday 17 July
    and due Friday 24 July: the rule must give the same answer whatever weekday the leave
    ends on.)
    """
    w = body2023
    with at("2026-06-15 10:00"), django_capture_on_commit_callbacks(execute=True):
        org_services.absence_save(
            actor=w.users["hrofficer"], servant=w.head_b, kind="annual_leave",
            start_date=date(2026, 7, 6), end_date=date(2026, 7, 17),
        )  # fmt: skip
    q2 = open_quarter(w, 2, "2026-07-01 10:00", "2026-07-02 10:00")
    kpi_b = task_of(q2, w.head_b, "kpi_quarterly")
    assert kpi_b.participation == Participation.DEFERRED
    assert kpi_b.returns_on == date(2026, 7, 20)  # "back at work on": Monday, not Saturday 18
    assert kpi_b.due_date == date(2026, 7, 27)
