"""The evaluator fills the KPI sheets on one page (issue 14 item 4; 002 p28; 001 p17-19)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import Result, Task, TaskState
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition

from .test_plan_scenarios import (
    SMART,
    act,
    approved_plan_2018,
    at,
    kpis,
    open_plans,
    plan_of,
    quarter_kpi_sheets,
    save,
    year_schedule,
)

pytestmark = pytest.mark.django_db


def quarter_with_values(w):
    tasks = quarter_kpi_sheets(w, [w.head_a, w.head_b, w.hr_head])
    with at("2026-04-02 10:00"):
        for task in tasks:
            transition(actor=w.users["hrofficer"], task_id=task.pk, action="send_actuals",
                       sheet=SheetInput(actuals={"kpi1": "100", "kpi2": "95", "kpi3": "60"}))  # fmt: skip
    return tasks[0].schedule, [Task.objects.get(pk=t.pk) for t in tasks]


def test_the_first_head_scores_the_heads_kpis_on_one_page(body2023):
    w = body2023
    q1, tasks = quarter_with_values(w)
    url = reverse("evaluations:kpi_bulk", args=[q1.pk])
    client = w.client("firsthead")
    with at("2026-04-06 10:00"):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(url)
        assert page.status_code == 200
        assert len(ctx.captured_queries) < 30
        html = page.content.decode()
        assert html.count('class="card kpi-sheet"') == 3
        assert "3.00–4.00" in html and "1.00–2.00" in html  # the allowed ranges (002 p28)
        data = {"page": "1", "submit": "1"}
        for task in tasks:
            data[f"t{task.pk}-revision"] = str(task.revision)
            data |= {
                f"t{task.pk}-score_kpi1": "5",
                f"t{task.pk}-score_kpi2": "4",
                f"t{task.pk}-score_kpi3": "2",
            }
        data[f"t{tasks[0].pk}-score_kpi3"] = "4"  # 60 % allows 1-2: refused, typed value kept
        response = client.post(url, data)
    assert response.status_code == 200
    assert 'value="4"' in response.content.decode()
    states = dict(Task.objects.filter(pk__in=[t.pk for t in tasks]).values_list("pk", "state"))
    assert states[tasks[0].pk] == TaskState.PENDING
    assert states[tasks[1].pk] == states[tasks[2].pk] == TaskState.SUBMITTED
    assert str(Result.objects.get(task=tasks[1]).score) == "3.67"  # (5 + 4 + 2) / 3


def test_others_get_404(body2023):
    w = body2023
    q1, _tasks = quarter_with_values(w)
    url = reverse("evaluations:kpi_bulk", args=[q1.pk])
    for who in ("heada", "hrofficer", "colleague", "otherhr", "admin"):
        assert w.client(who).get(url).status_code == 404, who


def test_the_2018_year_end_sheets_on_one_page(body2018):
    w = body2018
    open_plans(w)
    approved_plan_2018(w, w.servant, "heada", "firsthead")
    approved_plan_2018(w, w.colleague_a, "heada", "firsthead")
    schedule = year_schedule(w)
    tasks = list(
        Task.objects.filter(
            schedule=schedule, kind="kpi_annual", evaluator_user=w.users["heada"]
        ).order_by("pk")
    )
    assert len(tasks) == 2
    url = reverse("evaluations:kpi_bulk", args=[schedule.pk])
    data = {"page": "1", "submit": "1"}
    for task in tasks:
        data[f"t{task.pk}-revision"] = str(task.revision)
        for i in range(1, 6):
            data[f"t{task.pk}-actual_kpi{i}"] = "100" if i != 4 else "99"
    with at("2026-12-21 10:00"):
        response = w.client("heada").post(url, data)
    assert response.status_code == 302
    for task in tasks:
        task.refresh_from_db()
        # KPI 5 is "lower is better" (100 against a ceiling of 100): achieved; KPI 4 is not.
        assert task.state == TaskState.SUBMITTED and task.score == 4


def test_the_dashboards_show_each_actors_kpi_work(body2023):
    from bagalau.org.models import Role, RoleAssignment

    w = body2023
    RoleAssignment.objects.create(
        body=w.body, user=w.users["colleague"], role=Role.STRATEGIC_PLANNING
    )
    open_plans(w)
    plan = plan_of(w, w.head_a)
    with at("2026-01-12 10:00"):
        save(w, "firsthead", plan, kpis(3))
        act(w, "firsthead", plan, "submit")
        act(w, "colleague", plan, "agree", checklist=SMART)
        act(w, "hrofficer", plan, "approve", checklist=SMART)
        q1 = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
    with at("2026-03-20 10:00"):
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=q1.pk)
    task = Task.objects.get(schedule=q1, servant=w.head_a, kind="kpi_quarterly")
    with at("2026-04-06 10:00"):  # after the values were due (3 April): overdue
        for who in ("hrofficer", "colleague"):
            html = w.client(who).get("/").content.decode()
            assert (
                'id="kpi-process"' in html and reverse("evaluations:sheet", args=[task.pk]) in html
            ), who
            assert "overdue" in html or "мерзімі өткен" in html
        assert 'id="kpi-process"' not in w.client("heada").get("/").content.decode()


def test_the_superior_finds_the_2018_sheets_to_agree(body2018):
    w = body2018
    open_plans(w)
    approved_plan_2018(w, w.servant, "heada", "firsthead")
    schedule = year_schedule(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="kpi_annual")
    with at("2026-12-21 10:00"):
        transition(actor=w.users["heada"], task_id=task.pk, action="submit",
                   sheet=SheetInput(actuals={f"kpi{i}": "100" for i in range(1, 6)}))  # fmt: skip
        html = w.client("firsthead").get("/").content.decode()
    assert 'id="to-agree"' in html and reverse("evaluations:sheet", args=[task.pk]) in html
    assert 'id="to-agree"' not in w.client("heada").get("/").content.decode()


def test_the_sheet_history_shows_every_transition_with_actor_and_time(body2018):
    w = body2018
    open_plans(w)
    approved_plan_2018(w, w.servant, "heada", "firsthead")
    schedule = year_schedule(w)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="kpi_annual")
    actuals = SheetInput(actuals={f"kpi{i}": "100" for i in range(1, 6)})
    with at("2026-12-21 10:00"):
        transition(actor=w.users["heada"], task_id=task.pk, action="submit", sheet=actuals)
    with at("2026-12-22 11:30"):
        transition(actor=w.users["firsthead"], task_id=task.pk, action="return", reason="Акт жоқ")
    with at("2026-12-23 09:15"):
        transition(actor=w.users["heada"], task_id=task.pk, action="submit", sheet=actuals)
        html = w.client("heada").get(reverse("evaluations:sheet", args=[task.pk])).content.decode()
    history = html[html.index('id="sheet-history"') :]
    assert "2026-12-22 11:30" in history and "Акт жоқ" in history
    assert w.first_head.full_name in history or w.users["firsthead"].get_full_name() in history
    assert history.count("<tr>") == 1 + 3  # the header and the three transitions


def grow_with_plans(w, schedule, count: int) -> None:
    """`count` more servants in unit A with approved 5-KPI plans, then their year sheets."""
    from datetime import date

    from bagalau.demo.management.commands.generate import synthetic_iins
    from bagalau.org.models import Appointment, Position, Servant
    from bagalau.plans.models import PlanKpi, PlanRevision, WorkPlan

    unit = w.head_a.appointments.get().position.unit
    start = Position.objects.count()
    Position.objects.bulk_create(
        Position(body=w.body, unit=unit, code=f"KP{start + i}", title_kk="Маман", category="E-5")
        for i in range(count)
    )
    positions = list(
        Position.objects.filter(body=w.body, code__startswith="KP").order_by("-id")[:count]
    )
    last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
    Servant.objects.bulk_create(
        Servant(body=w.body, iin=iin, last_name_kk=f"Қызметші{i:04d}", first_name_kk="А")
        for i, iin in enumerate(synthetic_iins(281_000_000 + start, count))
    )
    ids = list(Servant.objects.filter(pk__gt=last).order_by("id").values_list("pk", flat=True))
    Appointment.objects.bulk_create(
        Appointment(servant_id=s, position=p, start_date=date(2020, 1, 1))
        for s, p in zip(ids, positions, strict=True)
    )
    plans = WorkPlan.objects.bulk_create(
        WorkPlan(
            body=w.body,
            servant_id=s,
            version=schedule.version,
            kind="kpi_annual",
            year=2026,
            state="approved",
            drafter=w.head_a,
            drafter_user=w.users["heada"],
        )  # fmt: skip
        for s in ids
    )
    plans = list(WorkPlan.objects.filter(servant_id__in=ids))
    PlanRevision.objects.bulk_create(PlanRevision(plan=p, number=1) for p in plans)
    revisions = {r.plan_id: r for r in PlanRevision.objects.filter(plan__in=plans)}
    PlanKpi.objects.bulk_create(
        PlanKpi(
            revision=revisions[p.pk],
            order=i,
            name=f"НМИ {i}",
            source="strategic_plan",
            unit="%",
            planned=100,
            deadline=date(2026, 12, 1),
            key_result="Нәтиже",
        )  # fmt: skip
        for p in plans
        for i in range(1, 6)
    )
    for p in plans:
        p.approved_revision = p.current_revision = revisions[p.pk]
    WorkPlan.objects.bulk_update(plans, ["approved_revision", "current_revision"], batch_size=500)
    evaluations.build_tasks(schedule, ids)


def test_the_kpi_sheets_page_costs_the_same_at_10_and_500_sheets(body2018):
    w = body2018
    with at("2026-12-10 10:00"):
        schedule = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=0
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    url = reverse("evaluations:kpi_bulk", args=[schedule.pk])
    counts, sizes = [], []
    for total in (10, 500):
        have = Task.objects.filter(
            schedule=schedule, kind="kpi_annual", evaluator_user=w.users["heada"]
        ).count()
        grow_with_plans(w, schedule, total - have)
        with at("2026-12-21 10:00"), CaptureQueriesContext(connection) as ctx:
            response = w.client("heada").get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
        sizes.append(len(response.content))
    assert counts[0] == counts[1], counts
    assert sizes[1] < 150_000  # a page of sheets (KPI_PAGE_SIZE), not all 500
