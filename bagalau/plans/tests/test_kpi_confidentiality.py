"""A KPI sheet's scores and result are known only to the four of 002 p21 (issue 14).

HR officers and the strategic planning officer pre-compute the values (002 p23): they read
the planned and actual values and the percent, never a score or a band. Everyone else —
colleagues, other heads, another body's HR, the authorized person, a superuser — gets 404.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from bagalau.evaluations.models import Result
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition
from bagalau.org.models import Role, RoleAssignment

from .test_plan_scenarios import at, quarter_kpi_sheets

pytestmark = pytest.mark.django_db
SCORE = "4.35"
KNOW = ("firsthead", "heada", "hrhead")  # the evaluator, the evaluated head, the head of HR
PROCESS = ("hrofficer", "colleague")  # HR and strategic planning: the values, no score
OTHERS = ("servant", "headb", "otherhr", "authorized", "admin")


def test_only_the_four_of_002_p21_know_a_kpi_score(body2023):
    w = body2023
    task = quarter_kpi_sheets(w)[0]
    RoleAssignment.objects.create(
        body=w.body, user=w.users["colleague"], role=Role.STRATEGIC_PLANNING
    )
    with at("2026-04-02 10:00"):
        transition(actor=w.users["colleague"], task_id=task.pk, action="send_actuals",
                   sheet=SheetInput(actuals={"kpi1": "123.5", "kpi2": "100", "kpi3": "100"}))  # fmt: skip
    with at("2026-04-06 10:00"):
        transition(actor=w.users["firsthead"], task_id=task.pk, action="submit",
                   sheet=SheetInput({"kpi1": SCORE, "kpi2": SCORE, "kpi3": SCORE}))  # fmt: skip
    result = Result.objects.get(task=task)
    assert str(result.score) == SCORE
    with at("2026-04-06 12:00"):
        for who in (*KNOW, *PROCESS, *OTHERS):
            client = w.client(who)
            page = client.get(reverse("evaluations:sheet", args=[task.pk]))
            api = client.get(f"/api/v1/evaluations/tasks/{task.pk}")
            one = client.get(f"/api/v1/evaluations/results/{result.pk}")
            if who in KNOW:
                assert page.status_code == api.status_code == one.status_code == 200, who
                assert SCORE in page.content.decode() and api.json()["score"] == SCORE, who
            elif who in PROCESS:
                assert page.status_code == api.status_code == 200, who
                assert SCORE not in page.content.decode(), who
                assert "123.5" in page.content.decode(), who  # the values they entered
                body = api.json()
                assert body["score"] is None and SCORE not in json.dumps(body), who
                assert one.status_code == (403 if who == "hrofficer" else 404), who
            else:
                assert page.status_code == api.status_code == one.status_code == 404, who
            home = client.get("/")
            if who not in KNOW:
                assert SCORE not in home.content.decode(), who
