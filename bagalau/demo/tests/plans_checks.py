"""Issue 14 acceptance on the demo: a head's plan drafted, returned, corrected, approved,
monitored and evaluated — for a quarter in the 2023 body and for the year in the 2018 body —
through the pages only (the forms a user clicks), each page showing its due date.

The demo is built as of 1 December 2026; the clock then moves on by hours, as users work.
"""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from bagalau.demo.tests.shared import signed_in
from bagalau.evaluations.models import Result, Schedule, Task, TaskState
from bagalau.plans.models import PlanState, WorkPlan
from bagalau.plans.rules import CHECKLIST

pytestmark = pytest.mark.django_db
DAY = "2026-12-01"


client = signed_in


def at(hour: str) -> Any:
    return time_machine.travel(f"{DAY} {hour} +05:00", tick=False)


def post(who: str, url: str, data: dict[str, Any]) -> Any:
    response = client(who).post(url, data)
    body = response.content.decode()
    errors = [line for line in body.splitlines() if "errorlist" in line or "messages" in line]
    assert response.status_code == 302, (who, url, errors[:5])
    return response


def kpi_form(
    plan: WorkPlan, count: int, action: str = "submit", planned: str = "100"
) -> dict[str, Any]:
    data: dict[str, Any] = {"action": action, "revision": plan.revision, "rows": count}
    for i in range(1, count + 1):
        data |= {
            f"kpi-{i}-name": f"Көрсеткіш {i}", f"kpi-{i}-source": "strategic_plan",
            f"kpi-{i}-source_detail": "", f"kpi-{i}-unit": "%", f"kpi-{i}-planned": planned,
            f"kpi-{i}-higher_is_better": "1", f"kpi-{i}-deadline": "2026-12-20",
            f"kpi-{i}-key_result": f"Нәтиже {i}",
        }  # fmt: skip
    return data


def review(plan: WorkPlan, action: str, reason: str = "") -> dict[str, Any]:
    ticks = {f"check_{code}": "1" for code, _label in CHECKLIST} if action != "return" else {}
    return {"action": action, "revision": plan.revision, "reason": reason, **ticks}


def fresh(plan: WorkPlan) -> WorkPlan:
    plan.refresh_from_db()
    return plan


def test_a_2023_heads_plan_and_quarter_through_the_pages(demo):
    plan = WorkPlan.objects.get(
        body__name_kk__endswith="(демо)", year=2026, state=PlanState.DRAFT, kind="kpi_quarterly"
    )
    url = reverse("plans:plan", args=[plan.pk])
    with at("10:00"):
        page = client("firsthead").get(url)
        assert page.status_code == 200 and plan.due_date.isoformat() in page.content.decode()
        post("firsthead", url, kpi_form(plan, 3))  # drafted and submitted (002 p23)
        post("planner", url, review(fresh(plan), "return", "2-НМИ өлшенбейді"))
    assert fresh(plan).state == PlanState.RETURNED
    with at("11:00"):
        post("firsthead", url, kpi_form(plan, 3, planned="95"))  # corrected
        post("planner", url, review(fresh(plan), "agree"))
        post("hr", url, review(fresh(plan), "approve"))
    assert fresh(plan).state == PlanState.APPROVED
    with at("12:00"):  # 001 p16: the quarterly review with recommendations
        post("firsthead", url, {"action": "monitor", "revision": fresh(plan).revision,
                                "quarter": "3", "progress_1": "Орындалуда",
                                "recommendations": "Есептерді уақтылы тапсыру"})  # fmt: skip
    assert plan.monitoring.filter(quarter=3).exists()
    # The Q3 KPI sheet took the approved KPIs; HR enters and sends the values (002 p23).
    q3 = Schedule.objects.get(body=plan.body, year=2026, quarter=3)
    task = Task.objects.get(schedule=q3, servant=plan.servant, kind="kpi_quarterly")
    assert task.lines.count() == 3 and task.state == TaskState.ACTUALS_DUE
    sheet = reverse("evaluations:sheet", args=[task.pk])
    with at("14:00"):
        assert task.due_date.isoformat() in client("hr").get(sheet).content.decode()
        values = {f"actual_kpi{i}": "95" for i in (1, 2, 3)}
        post("hr", sheet, {"action": "send_actuals", "revision": task.revision, **values})
    task.refresh_from_db()
    assert task.state == TaskState.PENDING
    # The first head scores on the KPI sheets page (002 p28: 100 % of 95 allows 4-5).
    with at("15:00"):
        data = {"page": "1", "submit": "1", f"t{task.pk}-revision": task.revision}
        data |= {f"t{task.pk}-score_kpi{i}": "4.5" for i in (1, 2, 3)}
        post("firsthead", reverse("evaluations:kpi_bulk", args=[q3.pk]), data)
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED
    assert Result.objects.get(task=task).band == "effective"


def test_a_2018_heads_plan_and_year_through_the_pages(demo):
    plan = WorkPlan.objects.get(
        body__name_kk__endswith="(демо)", year=2026, state=PlanState.DRAFT, kind="kpi_annual"
    )
    url = reverse("plans:plan", args=[plan.pk])
    # 001 p11: the head's direct supervisor is the first head: he draws up and approves.
    assert plan.drafter_user.username == plan.approver_user.username == "firsthead2018"
    with at("10:00"):
        post("firsthead2018", url, kpi_form(plan, 5))
        post("firsthead2018", url, review(fresh(plan), "return", "Мерзімдер нақты емес"))
        post("firsthead2018", url, kpi_form(fresh(plan), 5, planned="90"))
        post("firsthead2018", url, review(fresh(plan), "approve"))
        post("firsthead2018", url, {"action": "monitor", "revision": fresh(plan).revision,
                                    "quarter": "3", "progress_1": "Орындалуда",
                                    "recommendations": "Құжаттарды жинаңыз"})  # fmt: skip
    assert fresh(plan).state == PlanState.APPROVED
    # The year's schedule, drafted by HR, approved by the authorized person (001 p29).
    schedule = Schedule.objects.get(body=plan.body, year=2026, quarter=0)
    with at("11:00"):
        post("authorized2018", reverse("evaluations:schedule_approve", args=[schedule.pk]), {})
    task = Task.objects.get(schedule=schedule, servant=plan.servant, kind="kpi_annual")
    assert task.lines.count() == 5 and task.evaluator_user.username == "firsthead2018"
    with at("12:00"):
        data = {"page": "1", "submit": "1", f"t{task.pk}-revision": task.revision}
        data |= {f"t{task.pk}-actual_kpi{i}": "90" if i < 5 else "80" for i in range(1, 6)}
        post("firsthead2018", reverse("evaluations:kpi_bulk", args=[schedule.pk]), data)
        task.refresh_from_db()
        assert task.state == TaskState.SUBMITTED and task.score == 4  # 4 of 5 (001 p18)
        sheet = reverse("evaluations:sheet", args=[task.pk])
        post("firsthead2018", sheet, {"action": "agree", "revision": task.revision})  # 001 p20
    task.refresh_from_db()
    result = Result.objects.get(task=task)
    assert result.band == "effective" and result.provisional
    with at("13:00"):
        assert task.commission_due.isoformat() in client("hr2018").get(sheet).content.decode()
        post("hr2018", sheet, {"action": "to_commission", "revision": task.revision})
    task.refresh_from_db()
    assert task.state == TaskState.FOR_COMMISSION


def test_the_2018_supervisor_fills_a_competency_sheet_through_its_page(demo):
    # Issue 15 acceptance: head2018 opens servant2018's competency sheet of last year from
    # "My sheets", marks the indicators and signs; the page shows "x of y observed" and
    # meets or does not meet expectations for each competency (001 p25-27).
    task = Task.objects.get(kind="competency", servant__user__username="servant2018",
                            schedule__year=2025)  # fmt: skip
    assert task.state == TaskState.PENDING and task.evaluator_user.username == "head2018"
    with at("11:00"):
        sheets = client("head2018").get(reverse("evaluations:my_sheets")).content.decode()
        url = reverse("evaluations:sheet", args=[task.pk])
        assert url in sheets
        page = client("head2018").get(url).content.decode()
        assert 'id="competency-sheet"' in page
        lines = list(task.lines.prefetch_related("marks").order_by("order"))
        data: dict[str, Any] = {"action": "submit", "revision": task.revision}
        for i, line in enumerate(lines):
            for mark in line.marks.all():
                # the first competency: nothing observed; the others: all but the first
                observed = i > 0 and (mark.order > 1 or line.marks.count() == 1)
                data[f"mark_{line.code}-{mark.order}"] = "1" if observed else "0"
        post("head2018", url, data)
        page = client("head2018").get(url).content.decode()
    first = lines[0]
    total = first.marks.count()
    assert f'id="outcome-{first.code}"' in page and f"{total} ішінен 0 байқалды" in page
    assert "күтілген нәтижеге сәйкес емес" in page and 'id="met-count"' in page
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED and task.commission_due is not None
    # The servant reads the signed sheet (001 p25; 002 p21).
    assert f'id="outcome-{first.code}"' in client("servant2018").get(url).content.decode()
