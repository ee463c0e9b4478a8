"""Work plans and KPI sheets, step by step with the clock set (issue 14 item 8).

The world (core/tests/personas.py): the first head leads the body; heads of units A, B and
HR report to him; the servant and a colleague work in unit A under head A.

Paragraphs cited: 001 p9-24 (2018 model: the plan, its approval, the year-end KPI sheet),
002 p23-28 (2023 model: heads' KPIs, HR's actual values, the table of allowed scores).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import Result, SheetLine, Task, TaskState
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.org import services as org_services
from bagalau.plans import services
from bagalau.plans.models import PlanReview, PlanState, WorkPlan
from bagalau.plans.services import KpiInput

pytestmark = pytest.mark.django_db
D = Decimal
SMART = {"specific": True, "measurable": True, "achievable": True, "time_bound": True,
         "strategic": True}  # fmt: skip


def at(moment: str):
    return time_machine.travel(f"{moment} +05:00", tick=False)


def kpis(n: int, *, year: int = 2026, lower_last: bool = False) -> list[KpiInput]:
    """n KPIs of Appendix 1: planned 100 (the last one 'lower is better' when asked)."""
    return [
        KpiInput(
            name=f"Көрсеткіш {i}",
            source="strategic_plan",
            source_detail="Стратегиялық жоспар 2024-2028",
            unit="%",
            planned="100",
            higher_is_better=not (lower_last and i == n),
            deadline=f"{year}-12-01",
            key_result=f"Нәтиже {i}",
        )  # fmt: skip
        for i in range(1, n + 1)
    ]


def plan_of(w, servant, year: int = 2026) -> WorkPlan:
    return WorkPlan.objects.get(servant=servant, year=year)


def save(w, who: str, plan: WorkPlan, items: list[KpiInput]) -> WorkPlan:
    plan.refresh_from_db()
    return services.plan_save(
        actor=w.users[who], plan_id=plan.pk, revision=plan.revision, kpis=items
    )


def act(w, who: str, plan: WorkPlan, action: str, **kwargs) -> WorkPlan:
    plan.refresh_from_db()
    return services.plan_transition(
        actor=w.users[who], plan_id=plan.pk, action=action, revision=plan.revision, **kwargs
    )


def open_plans(w, when: str = "2026-01-05 09:00", year: int = 2026):
    with at(when):
        return services.plans_open(actor=w.users["hrofficer"], body=w.body, year=year)


# --- 2018 model (seed 001) ---------------------------------------------------------------------


def test_a_plan_returned_twice_then_approved_by_the_superior(body2018):
    w = body2018
    opened = open_plans(w)
    # 001 p9: every servant gets a plan (the 2018 model evaluates everyone on KPIs).
    assert opened.created == 8 and opened.not_required == 0
    plan = plan_of(w, w.servant)
    # 001 p9-10: the direct supervisor (head A) draws it up, the superior approves it.
    assert plan.drafter == w.head_a and plan.approver == w.first_head
    # 001 p9: within 10 working days after the period starts. January 2026: 1-2 and 7 are
    # days off; the working days after 1 January are 5, 6, 8, 9, 12, 13, 14, 15, 16, 19.
    assert plan.due_date == date(2026, 1, 19)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan, kpis(5))
        act(w, "heada", plan, "submit")
    plan.refresh_from_db()
    assert plan.state == PlanState.IN_REVIEW and not plan.late
    # 001 p12-13: the superior returns it (a reason is required), due back in 2 working days.
    with at("2026-01-13 10:00"):
        with pytest.raises(DomainError) as err:
            act(w, "firsthead", plan, "return", reason="  ")
        assert err.value.code == "reason_required"
        act(
            w,
            "firsthead",
            plan,
            "return",
            reason="НМИ 3 өлшенбейді",
            checklist={**SMART, "measurable": False},
        )
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED
    assert plan.correction_due == date(2026, 1, 15)  # Wed 13 + 2 working days
    with at("2026-01-14 10:00"):
        changed = kpis(5)
        changed[2] = KpiInput(**{**changed[2].__dict__, "unit": "бірлік", "planned": "12"})
        save(w, "heada", plan, changed)
        act(w, "heada", plan, "submit")
    with at("2026-01-15 10:00"):
        act(w, "firsthead", plan, "return", reason="Мерзімдер нақты емес")
    with at("2026-01-20 10:00"):  # corrected after the 2 working days (due 19 January)
        again = [KpiInput(**{**k.__dict__, "deadline": "2026-11-30"}) for k in changed]
        save(w, "heada", plan, again)
        act(w, "heada", plan, "submit")
        plan.refresh_from_db()
        assert plan.late
        # 001 p12-13: approval needs every SMART item ticked.
        with pytest.raises(DomainError) as err:
            act(w, "firsthead", plan, "approve", checklist={**SMART, "strategic": False})
        assert err.value.code == "checklist"
        act(w, "firsthead", plan, "approve", checklist=SMART)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    assert plan.approved_revision == plan.current_revision
    assert plan.approved_revision.number == 3
    # Every version kept, with who wrote it; every decision with who and when.
    assert [r.number for r in plan.revisions.all()] == [1, 2, 3]
    assert [(r.action, r.actor.username) for r in PlanReview.objects.filter(plan=plan)] == [
        ("return", "firsthead"),
        ("return", "firsthead"),
        ("approve", "firsthead"),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="plans.workplan", object_id=str(plan.pk))
        .order_by("pk").values_list("action", flat=True)
    )  # fmt: skip
    assert actions == [
        "plan.saved", "plan.submit", "plan.return", "plan.saved", "plan.submit", "plan.return",
        "plan.saved", "plan.submit", "plan.approve",
    ]  # fmt: skip


def test_the_first_head_approves_the_plan_he_draws_up_and_the_authorized_person_his_own(body2018):
    w = body2018
    open_plans(w)
    head_plan = plan_of(w, w.head_a)
    # 001 p11: the direct supervisor is the first head, so the first head approves.
    assert head_plan.drafter == w.first_head and head_plan.approver == w.first_head
    own = plan_of(w, w.first_head)
    # The first head draws up his own plan; it goes to the authorized person.
    assert own.drafter == w.first_head and own.approver_user == w.users["authorized"]
    with at("2026-01-12 10:00"):
        save(w, "firsthead", head_plan, kpis(5))
        act(w, "firsthead", head_plan, "submit")
        act(w, "firsthead", head_plan, "approve", checklist=SMART)
        save(w, "firsthead", own, kpis(5))
        act(w, "firsthead", own, "submit")
        with pytest.raises(PermissionDenied):
            act(w, "firsthead", own, "approve", checklist=SMART)
        act(w, "authorized", own, "approve", checklist=SMART)
    head_plan.refresh_from_db()
    own.refresh_from_db()
    assert head_plan.state == own.state == PlanState.APPROVED
    assert own.approved_by == w.users["authorized"]


def test_a_four_kpi_plan_is_refused_under_a_five_kpi_version(body2018):
    w = body2018
    open_plans(w)
    plan = plan_of(w, w.servant)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan, kpis(4))
        with pytest.raises(DomainError) as err:
            act(w, "heada", plan, "submit")
    # 001 p14: exactly five; the message says the allowed count.
    assert err.value.code == "kpi_count" and err.value.field == "kpis"
    assert "5" in err.value.text() and "4" in err.value.text()
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_bad_kpi_fields_are_named_and_nothing_is_saved(body2018):
    w = body2018
    open_plans(w)
    plan = plan_of(w, w.servant)
    bad = kpis(5)
    bad[0] = KpiInput(**{**bad[0].__dict__, "planned": "1e9"})
    bad[1] = KpiInput(**{**bad[1].__dict__, "deadline": "2027-02-01", "name": ""})
    bad[2] = KpiInput(**{**bad[2].__dict__, "source": "wish", "planned": "9" * 30})
    with at("2026-01-12 10:00"), pytest.raises(DomainError) as err:
        save(w, "heada", plan, bad)
    fields = {e.field for e in err.value.errors}
    assert fields == {
        "kpi-1-planned",
        "kpi-2-name",
        "kpi-2-deadline",
        "kpi-3-source",
        "kpi-3-planned",
    }
    assert plan.revisions.count() == 0


def test_a_change_after_approval_needs_a_reason_and_approval_again(body2018):
    w = body2018
    open_plans(w)
    plan = plan_of(w, w.servant)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan, kpis(5))
        act(w, "heada", plan, "submit")
        act(w, "firsthead", plan, "approve", checklist=SMART)
    with at("2026-06-01 10:00"):
        with pytest.raises(DomainError) as err:
            act(w, "heada", plan, "amend", reason="")
        assert err.value.code == "reason_required"
        # 002 p26 (and the plan kept by HR, 001 p15): the reason of changed functions.
        act(w, "heada", plan, "amend", reason="Бөлімнің функциялары өзгерді (бұйрық № 12)")
        plan.refresh_from_db()
        assert plan.state == PlanState.DRAFT
        with pytest.raises(DomainError) as err:
            act(w, "heada", plan, "submit")
        assert err.value.code == "no_change"
        changed = kpis(5)
        changed[4] = KpiInput(**{**changed[4].__dict__, "name": "Жаңа көрсеткіш"})
        save(w, "heada", plan, changed)
        act(w, "heada", plan, "submit")
        act(w, "firsthead", plan, "approve", checklist=SMART)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_revision.number == 2
    assert plan.approved_revision.reason.startswith("Бөлімнің функциялары")


def test_the_servant_and_the_chain_see_the_plan_others_get_404(body2018):
    w = body2018
    open_plans(w)
    plan = plan_of(w, w.servant)
    for who in ("servant", "heada", "firsthead", "hrofficer", "hrhead"):
        seen, _roles = services.access_plan(w.users[who], plan.pk)
        assert seen.pk == plan.pk
    for who in ("colleague", "headb", "servantb", "otherhr", "admin", "authorized"):
        with pytest.raises(NotFound):
            services.access_plan(w.users[who], plan.pk)
    # The servant reads the plan but cannot write it.
    with at("2026-01-12 10:00"), pytest.raises(PermissionDenied):
        save(w, "servant", plan, kpis(5))


def test_a_stale_save_is_refused(body2018):
    w = body2018
    open_plans(w)
    plan = plan_of(w, w.servant)
    read = plan.revision
    with at("2026-01-12 10:00"):
        save(w, "heada", plan, kpis(5))
        with pytest.raises(Conflict):
            services.plan_save(
                actor=w.users["heada"],
                plan_id=plan.pk,
                revision=read,
                kpis=kpis(5, lower_last=True),
            )


def quarter_kpi_sheets(w, heads=None) -> list[Task]:
    """The heads' approved plans of 3 KPIs (002 p23-24) and their Q1 KPI sheets."""
    open_plans(w)
    with at("2026-01-12 10:00"):
        for head in heads or [w.head_a]:
            plan = plan_of(w, head)
            save(w, "firsthead", plan, kpis(3))
            act(w, "firsthead", plan, "submit")
            act(w, "hrofficer", plan, "approve", checklist=SMART)
    with at("2026-04-01 10:00"):
        q1 = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=q1.pk)
    return list(
        Task.objects.filter(
            schedule=q1, servant__in=heads or [w.head_a], kind="kpi_quarterly"
        ).order_by("pk")
    )


# --- 2018: the year-end KPI sheet -----------------------------------------------------------------


def approved_plan_2018(w, servant, drafter: str, approver: str) -> WorkPlan:
    plan = plan_of(w, servant)
    with at("2026-01-12 10:00"):
        save(w, drafter, plan, kpis(5, lower_last=True))
        act(w, drafter, plan, "submit")
        act(w, approver, plan, "approve", checklist=SMART)
    return plan


def year_schedule(w, year: int = 2026):
    with at(f"{year}-12-10 10:00"):
        schedule = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=year, quarter=0
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return schedule


def test_a_2018_year_end_sheet_four_of_five_effective_returned_and_corrected_late(body2018):
    w = body2018
    open_plans(w)
    approved_plan_2018(w, w.servant, "heada", "firsthead")
    schedule = year_schedule(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="kpi_annual")
    # The lines are the approved plan's KPIs; the superior signs after the evaluator.
    assert task.evaluator == w.head_a and task.reviewer_user == w.users["firsthead"]
    lines = list(SheetLine.objects.filter(task=task))
    assert [(line.code, line.planned) for line in lines] == [
        (f"kpi{i}", D("100.0000")) for i in range(1, 6)
    ]
    # KPI 1-3: actual 100 of 100 (achieved); KPI 4: 99 of 100 — not fully achieved, so not
    # achieved (001 p18); KPI 5 (lower is better): 80 against a ceiling of 100, achieved.
    actuals = {"kpi1": "100", "kpi2": "120", "kpi3": "100", "kpi4": "99", "kpi5": "80"}
    with at("2026-12-21 10:00"):
        # Overriding what the values say needs a reason.
        with pytest.raises(DomainError) as err:
            transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                       sheet=SheetInput(actuals=actuals, achieved={"kpi4": "1"}))  # fmt: skip
        assert err.value.field == "reason_kpi4"
        transition(
            actor=w.users["heada"],
            task_id=task.pk,
            action="submit",
            sheet=SheetInput(actuals=actuals),
        )
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED and task.score == D(4)
    assert not Result.objects.filter(task=task).exists()  # formed once the superior agrees
    # The evaluated person reads the submitted sheet; a colleague does not exist for it.
    with pytest.raises(NotFound):
        evaluations.access.access_task(w.users["colleague"], task.pk)
    # 001 p22: the superior returns it for thin evidence; 001 p23: back within 2 working days.
    with at("2026-12-22 10:00"):
        with pytest.raises(PermissionDenied):
            transition(actor=w.users["hrofficer"], task_id=task.pk, action="agree")
        transition(actor=w.users["firsthead"], task_id=task.pk, action="return",
                   reason="4-НМИ бойынша растайтын құжат жоқ")  # fmt: skip
    task.refresh_from_db()
    assert task.state == TaskState.RETURNED and task.correction_due == date(2026, 12, 24)
    with at("2026-12-28 10:00"):  # after the correction's due date: marked late
        transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                   sheet=SheetInput(actuals=actuals, comments={"kpi4": "Хат № 45 тіркелді"}))  # fmt: skip
        task.refresh_from_db()
        assert task.late
        transition(actor=w.users["firsthead"], task_id=task.pk, action="agree")
    task.refresh_from_db()
    assert task.state == TaskState.AGREED
    result = Result.objects.get(task=task)
    # 001 p18: 4 of 5 → тиімді; provisional until the commission decides (001 p37-39).
    assert result.score == D(4) and result.band == "effective" and result.provisional
    assert result.acquaintance_due is None
    # 001 p24: HR passes it to the commission within 2 working days.
    assert task.commission_due == date(2026, 12, 30)
    with at("2026-12-29 10:00"):
        transition(actor=w.users["hrofficer"], task_id=task.pk, action="to_commission")
    task.refresh_from_db()
    assert task.state == TaskState.FOR_COMMISSION


# --- 2023 model (seed 002): heads' quarterly KPIs -------------------------------------------------


def test_a_mid_year_appointee_gets_a_plan_only_with_three_months_left(
    body2023, django_capture_on_commit_callbacks
):
    from bagalau.core.tests.factories import ServantFactory, UserFactory

    w = body2023
    opened = open_plans(w)
    # 002 p4, p23: only heads of units have KPIs: heads A, B and HR, and the first head.
    assert opened.created == 4
    unit_b = w.head_b.appointments.get().position.unit

    def appoint(username: str, day: date):
        user = UserFactory(username=username)
        person = ServantFactory(body=w.body, user=user)
        with at(f"{day.isoformat()} 09:00"), django_capture_on_commit_callbacks(execute=True):
            unit = org_services.unit_save(actor=w.users["hrofficer"], body=w.body, parent=unit_b,
                                          code=f"U{username}", name_kk="Сектор")  # fmt: skip
            position = org_services.position_save(
                actor=w.users["hrofficer"], body=w.body, unit=unit, category="D-3",
                code=f"P-{username}", title_kk="Сектор меңгерушісі", is_head=True,
            )  # fmt: skip
            org_services.appointment_create(actor=w.users["hrofficer"], servant=person, position=position,
                                            start_date=day)  # fmt: skip
        return person

    june = appoint("june", date(2026, 6, 15))
    october = appoint("october", date(2026, 10, 15))
    # 002 p23: within 10 working days after the appointment (15 June: 16-19, 22-26, 29 June).
    plan = plan_of(w, june)
    assert plan.state == PlanState.DRAFT and plan.due_date == date(2026, 6, 29)
    assert plan.drafter == w.head_b
    # 002 p23: less than three months from 15 October to 31 December — no KPIs.
    late = plan_of(w, october)
    assert late.state == PlanState.NOT_REQUIRED and late.reason == "under_min_months_left"


def test_a_2023_quarter_with_hr_actuals_a_refused_score_and_the_results(body2023):
    from bagalau.org.models import Role, RoleAssignment

    w = body2023
    RoleAssignment.objects.create(
        body=w.body, user=w.users["colleague"], role=Role.STRATEGIC_PLANNING
    )
    open_plans(w)
    plan = plan_of(w, w.head_a)
    # 002 p23: the evaluator sets the KPIs, agreed by strategic planning and HR.
    assert plan.drafter == w.first_head
    with at("2026-01-12 10:00"):
        save(w, "firsthead", plan, kpis(3))
        act(w, "firsthead", plan, "submit")
        plan.refresh_from_db()
        assert plan.steps == ["strategic_planning", "hr"]
        with pytest.raises(PermissionDenied):
            act(w, "hrofficer", plan, "approve", checklist=SMART)
        act(w, "colleague", plan, "agree", checklist=SMART)
        act(w, "hrofficer", plan, "approve", checklist=SMART)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    # 002 p23: HR puts it into the system within 5 working days after approval.
    assert plan.entry_due == date(2026, 1, 19)
    with at("2026-04-01 10:00"):
        q1 = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=q1.pk)
    task = Task.objects.get(schedule=q1, servant=w.head_a, kind="kpi_quarterly")
    assert task.state == TaskState.ACTUALS_DUE
    # Due by 10 April (002 p5); HR's values no later than 5 working days before (002 p23).
    assert task.due_date == date(2026, 4, 10) and task.actuals_due == date(2026, 4, 3)
    with at("2026-04-02 10:00"):
        # The evaluator cannot score before HR sends the values.
        with pytest.raises(Conflict):
            transition(actor=w.users["firsthead"], task_id=task.pk, action="save_draft",
                       sheet=SheetInput({"kpi1": "5"}))  # fmt: skip
        # HR (with strategic planning) enters the quarter's planned and actual values.
        transition(actor=w.users["hrofficer"], task_id=task.pk, action="save_actuals",
                   sheet=SheetInput(planned={"kpi1": "25"}, actuals={"kpi1": "25", "kpi2": "95"}))  # fmt: skip
        with pytest.raises(DomainError) as err:
            transition(actor=w.users["colleague"], task_id=task.pk, action="send_actuals")
        assert err.value.code == "incomplete" and err.value.field == "actual_kpi3"
        transition(actor=w.users["colleague"], task_id=task.pk, action="send_actuals",
                   sheet=SheetInput(actuals={"kpi3": "60"}))  # fmt: skip
    task.refresh_from_db()
    assert task.state == TaskState.PENDING
    percents = list(SheetLine.objects.filter(task=task).values_list("percent", flat=True))
    assert percents == [D("100.00"), D("95.00"), D("60.00")]
    # HR officers run the process but never see a score (002 p21).
    assert not evaluations.access.sheet_readable(task, {"hr"})
    with at("2026-04-08 10:00"):
        # 002 p28, Appendix 3 (the default table): 60 % allows 1-2; 4 is refused with the range.
        with pytest.raises(DomainError) as err:
            transition(actor=w.users["firsthead"], task_id=task.pk, action="submit",
                       sheet=SheetInput({"kpi1": "5", "kpi2": "4", "kpi3": "4"}))  # fmt: skip
        assert err.value.field == "score_kpi3" and err.value.code == "invalid"
        assert "60.00" in err.value.errors[0].message and "1.00" in err.value.errors[0].message
        transition(actor=w.users["firsthead"], task_id=task.pk, action="submit",
                   sheet=SheetInput({"kpi1": "5", "kpi2": "4", "kpi3": "2"}))  # fmt: skip
    result = Result.objects.get(task=task)
    # (5 + 4 + 2) / 3 = 3.666… → 3.67, "properly" (002 p8).
    assert result.score == D("3.67") and result.band == "proper" and not result.provisional
    # The year: the mean of the quarters with results (002 p5).
    with at("2027-01-15 10:00"):
        evaluations.year_results_form(
            actor=w.users["hrofficer"], body_id=w.body.pk, year=2026, kind="kpi_quarterly"
        )
    year = Result.objects.get(servant=w.head_a, kind="kpi_quarterly", year=2026, quarter=0)
    assert year.score == D("3.67") and year.quarters == [1]


def test_a_head_away_at_evaluation_time_is_evaluated_on_the_same_sheet_after_return(body2023):
    """002 p6: absent at evaluation time → the KPI evaluation within 5 working days after the
    return, on the same sheet with its own due date."""
    w = body2023
    open_plans(w)
    plan = plan_of(w, w.head_a)
    with at("2026-01-12 10:00"):
        save(w, "firsthead", plan, kpis(3))
        act(w, "firsthead", plan, "submit")
        act(w, "hrofficer", plan, "approve", checklist=SMART)
        # Annual leave Monday 6 - Friday 17 April, over the 10 April due date (002 p5).
        org_services.absence_save(
            actor=w.users["hrofficer"], servant=w.head_a, kind="annual_leave",
            start_date=date(2026, 4, 6), end_date=date(2026, 4, 17),
        )  # fmt: skip
    with at("2026-04-01 10:00"):
        q1 = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=q1.pk)
    task = Task.objects.get(schedule=q1, servant=w.head_a, kind="kpi_quarterly")
    # Back on Monday 20 April; the 5th working day after it is Monday 27 April.
    assert task.participation == "deferred" and task.due_date == date(2026, 4, 27)
    assert task.lines.count() == 3 and task.state == TaskState.ACTUALS_DUE
    with at("2026-04-21 10:00"):
        transition(actor=w.users["hrofficer"], task_id=task.pk, action="send_actuals",
                   sheet=SheetInput(actuals={"kpi1": "100", "kpi2": "100", "kpi3": "100"}))  # fmt: skip
        transition(actor=w.users["firsthead"], task_id=task.pk, action="submit",
                   sheet=SheetInput({"kpi1": "5", "kpi2": "5", "kpi3": "4"}))  # fmt: skip
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED and not task.late
