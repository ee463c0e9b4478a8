"""/api/v1/work-plans: the plan's workflow as JSON, the same rules as the services (issue 14).

The world (core/tests/personas.py): head A draws up the servant's plan and the first head
approves it under the 2018 model (001 p9-10). Paragraphs: 001 p9-16 (the 2018 plan),
002 p23-26 (the 2023 plan).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bagalau.demo.management.commands.generate import synthetic_iins
from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import Task
from bagalau.org.models import Servant
from bagalau.plans.models import PlanKpi, PlanRevision, PlanState, WorkPlan
from bagalau.plans.tests.test_plan_scenarios import SMART, kpis

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/work-plans"
NUL = "\x00"
GROWN = "Қызметші"  # the surname prefix of the bulk-created servants


def at(moment: str):
    return time_machine.travel(f"{moment} +05:00", tick=False)


def send(client, method: str, url: str, data=None):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def kpi_json(n: int, year: int = 2026) -> list[dict]:
    return [
        {
            "name": k.name,
            "source": k.source,
            "source_detail": k.source_detail,
            "unit": k.unit,
            "planned": k.planned if i % 2 else 100,
            "higher_is_better": k.higher_is_better,
            "deadline": k.deadline,
            "key_result": k.key_result,
        }  # fmt: skip
        for i, k in enumerate(kpis(n, year=year))
    ]


def open_via_api(w, year: int = 2026):
    with at(f"{year}-01-05 09:00"):
        response = send(
            w.client("hrofficer"), "post", f"{PLANS}/open", {"body": w.body.pk, "year": year}
        )
    assert response.status_code == 200, response.content
    return response.json()


def servant_plan(w) -> WorkPlan:
    return WorkPlan.objects.get(servant=w.servant, year=2026)


def detail(w, who: str, plan_id: int):
    response = w.client(who).get(f"{PLANS}/{plan_id}")
    assert response.status_code == 200, response.content
    return response.json()


def save(w, who: str, plan_id: int, items: list[dict], revision: int | None = None):
    if revision is None:
        revision = WorkPlan.objects.get(pk=plan_id).revision
    return send(
        w.client(who), "put", f"{PLANS}/{plan_id}/kpis", {"revision": revision, "kpis": items}
    )


def act(w, who: str, plan_id: int, action: str, **extra):
    data = {"action": action, "revision": WorkPlan.objects.get(pk=plan_id).revision, **extra}
    return send(w.client(who), "post", f"{PLANS}/{plan_id}/transitions", data)


# --- the 2018 flow ---------------------------------------------------------------------------------


def test_the_2018_flow_through_the_api(body2018):
    w = body2018
    # 001 p9: every servant of the body gets a plan; HR opens them.
    assert open_via_api(w) == {"created": 8, "not_required": 0, "existing": 0}
    assert (
        send(
            w.client("heada"), "post", f"{PLANS}/open", {"body": w.body.pk, "year": 2026}
        ).status_code
        == 403
    )
    plan = servant_plan(w)
    seen = detail(w, "heada", plan.pk)
    assert seen["state"] == "draft" and seen["actions"] == ["save", "submit"]
    assert seen["drafter_id"] == w.head_a.pk and seen["approver_id"] == w.first_head.pk
    assert seen["kpis"] == [] and seen["revisions"] == [] and seen["current_revision"] is None
    with at("2026-01-12 10:00"):
        saved = save(w, "heada", plan.pk, kpi_json(5), revision=seen["revision"])
        assert saved.status_code == 200, saved.content
        body = saved.json()
        assert body["current_revision"] == 1 and len(body["kpis"]) == 5
        assert (
            body["kpis"][0]["planned"] == "100.0000" and body["kpis"][0]["deadline"] == "2026-12-01"
        )
        # A stale revision (the one read before the save) is refused.
        stale = save(w, "heada", plan.pk, kpi_json(5), revision=seen["revision"])
        assert stale.status_code == 409
        submitted = act(w, "heada", plan.pk, "submit")
        assert submitted.status_code == 200 and submitted.json()["state"] == "in_review"
        assert submitted.json()["actions"] == []  # the drafter waits for the approver
    assert detail(w, "firsthead", plan.pk)["actions"] == ["approve", "return"]
    with at("2026-01-13 10:00"):
        # 001 p12-13: a return needs a reason.
        refused = act(w, "firsthead", plan.pk, "return", reason="  ")
        assert refused.status_code == 400 and refused.json()["code"] == "reason_required"
        returned = act(
            w, "firsthead", plan.pk, "return", reason="НМИ 3 өлшенбейді",
            checklist={**SMART, "measurable": False},
        )  # fmt: skip
        assert returned.status_code == 200 and returned.json()["state"] == "returned"
        assert returned.json()["correction_due"] == "2026-01-15"
    with at("2026-01-14 10:00"):
        changed = kpi_json(5)
        changed[2] = {**changed[2], "unit": "бірлік", "planned": "12"}
        assert save(w, "heada", plan.pk, changed).status_code == 200
        assert act(w, "heada", plan.pk, "submit").status_code == 200
    with at("2026-01-15 10:00"):
        # 001 p12-13: approval needs every SMART item ticked.
        unticked = act(w, "firsthead", plan.pk, "approve", checklist={**SMART, "strategic": False})
        assert unticked.status_code == 400 and unticked.json()["field"] == "checklist"
        approved = act(w, "firsthead", plan.pk, "approve", checklist=SMART)
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["state"] == "approved" and body["approved_revision"] == 2
    assert body["actions"] == []  # the approver's work is done; the drafter may amend
    assert detail(w, "heada", plan.pk)["actions"] == ["amend", "monitor"]
    # Every version kept with its author; every decision with who, when and the checklist.
    assert [(r["number"], r["author"]) for r in body["revisions"]] == [(1, "Heada"), (2, "Heada")]
    assert body["revisions"][0]["kpis"][2]["unit"] == "%"
    assert body["revisions"][1]["kpis"][2]["unit"] == "бірлік"
    assert [(r["step"], r["action"], r["actor"]) for r in body["reviews"]] == [
        ("approver", "return", "Firsthead"), ("approver", "approve", "Firsthead"),
    ]  # fmt: skip
    assert body["reviews"][0]["reason"] == "НМИ 3 өлшенбейді"
    assert body["reviews"][0]["checklist"]["measurable"] is False
    assert body["reviews"][1]["checklist"] == SMART
    # The servant reads the approved plan but has no action on it.
    mine = detail(w, "servant", plan.pk)
    assert mine["approved_revision"] == 2 and mine["actions"] == []


def test_a_planned_value_of_json_1e999_is_a_400(body2018):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    data = json.dumps({"revision": plan.revision, "kpis": kpi_json(5)})
    data = data.replace('"planned": 100', '"planned": 1e999', 1)
    assert "1e999" in data
    with at("2026-01-12 10:00"):
        url = f"{PLANS}/{plan.pk}/kpis"
        response = w.client("heada").put(url, data, content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "kpi-1-planned"


def test_a_four_kpi_plan_is_refused_with_a_400_naming_kpis(body2018):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    with at("2026-01-12 10:00"):
        assert save(w, "heada", plan.pk, kpi_json(4)).status_code == 200
        response = act(w, "heada", plan.pk, "submit")
    # 001 p14: exactly five.
    assert response.status_code == 400
    assert response.json()["code"] == "kpi_count" and response.json()["field"] == "kpis"
    assert WorkPlan.objects.get(pk=plan.pk).state == PlanState.DRAFT


@time_machine.travel("2026-04-06 10:00 +05:00")
def test_the_quarterly_monitoring_is_recorded(body2018):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan.pk, kpi_json(5))
        act(w, "heada", plan.pk, "submit")
        act(w, "firsthead", plan.pk, "approve", checklist=SMART)
    url = f"{PLANS}/{plan.pk}/monitoring"
    data = {
        "quarter": 1,
        "progress": {"1": "Жоспар бойынша", "9": "жоқ"},
        "recommendations": "Жалғастыру",
    }
    early = send(
        w.client("heada"),
        "post",
        url,
        {**data, "quarter": 2, "revision": WorkPlan.objects.get(pk=plan.pk).revision},
    )
    assert early.status_code == 400 and early.json()["field"] == "quarter"  # Q2 not over yet
    done = send(
        w.client("heada"),
        "post",
        url,
        {**data, "revision": WorkPlan.objects.get(pk=plan.pk).revision},
    )
    assert done.status_code == 200, done.content
    [row] = done.json()["monitoring"]
    # 001 p16: the KPIs of the approved plan only.
    assert (
        row["quarter"] == 1
        and row["progress"] == {"1": "Жоспар бойынша"}
        and row["author"] == "Heada"
    )
    other = send(w.client("servant"), "post", url, {**data, "revision": done.json()["revision"]})
    assert other.status_code == 403


# --- the list --------------------------------------------------------------------------------------


def test_the_list_is_paginated_and_filtered(body2018):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan.pk, kpi_json(5))
        act(w, "heada", plan.pk, "submit")
    hr = w.client("hrofficer")
    first = hr.get(PLANS, {"body": w.body.pk, "year": 2026, "page_size": 3}).json()
    assert first["count"] == 8 and first["pages"] == 3 and len(first["items"]) == 3
    third = hr.get(PLANS, {"body": w.body.pk, "year": 2026, "page_size": 3, "page": 3}).json()
    assert len(third["items"]) == 2
    ids = {
        i["id"]
        for page in (1, 2, 3)
        for i in hr.get(PLANS, {"body": w.body.pk, "page_size": 3, "page": page}).json()["items"]
    }
    assert len(ids) == 8
    [row] = hr.get(PLANS, {"body": w.body.pk, "year": 2026, "state": "in_review"}).json()["items"]
    assert row["id"] == plan.pk and row["kpis"] == 5 and row["drafter_id"] == w.head_a.pk
    assert row["servant"] == w.servant.full_name and row["drafter"] == w.head_a.full_name
    assert row["due_date"] == "2026-01-19" and row["kind"] == "kpi_annual"
    assert hr.get(PLANS, {"body": w.body.pk, "year": 2025}).json()["count"] == 0
    assert hr.get(PLANS, {"body": w.body.pk, "state": "approved"}).json()["count"] == 0
    # Head A sees the plans he draws up (his unit's) and his own; the servant only his own.
    head = w.client("heada").get(PLANS, {"body": w.body.pk}).json()
    assert {i["servant_id"] for i in head["items"]} == {w.servant.pk, w.colleague_a.pk, w.head_a.pk}
    own = w.client("servant").get(PLANS, {"body": w.body.pk}).json()
    assert [i["servant_id"] for i in own["items"]] == [w.servant.pk]
    # A body the caller has no tie to does not exist for him.
    assert w.client("otherhr").get(PLANS, {"body": w.body.pk}).status_code == 404
    assert hr.get(PLANS, {"body": w.other_body.pk}).status_code == 404
    assert hr.get(PLANS, {"body": 10**30}).status_code == 400
    assert hr.get(PLANS, {"body": w.body.pk, "state": "lost"}).json()["field"] == "state"
    assert hr.get(PLANS).json()["field"] == "body"


def _bulk_plans(w, count: int) -> None:
    """`count` 2027 plans of new servants, each with a current revision of 5 KPIs (bulk)."""
    version = WorkPlan.objects.values_list("version_id", flat=True).first()
    last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
    Servant.objects.bulk_create(
        Servant(body=w.body, iin=iin, last_name_kk=f"{GROWN}{i:04d}", first_name_kk="А")
        for i, iin in enumerate(synthetic_iins(272_000_000 + count, count))
    )
    servant_ids = list(Servant.objects.filter(pk__gt=last).values_list("pk", flat=True))
    WorkPlan.objects.bulk_create(
        WorkPlan(
            body=w.body,
            servant_id=sid,
            version_id=version,
            kind="kpi_annual",
            year=2027,
            state=PlanState.DRAFT,
            drafter=w.head_a,
            drafter_user=w.users["heada"],
            approver=w.first_head,
            approver_user=w.users["firsthead"],
            due_date=date(2026, 1, 19),
        )  # fmt: skip
        for sid in servant_ids
    )
    plans = list(WorkPlan.objects.filter(servant_id__in=servant_ids))
    PlanRevision.objects.bulk_create(PlanRevision(plan=p, number=1) for p in plans)
    revisions = {r.plan_id: r for r in PlanRevision.objects.filter(plan__in=plans)}
    PlanKpi.objects.bulk_create(
        PlanKpi(
            revision=r,
            order=i,
            name=f"НМИ {i}",
            source="strategic_plan",
            unit="%",
            planned=100,
            deadline=date(2027, 12, 1),
            key_result="Нәтиже",
        )  # fmt: skip
        for r in revisions.values()
        for i in range(1, 6)
    )
    for p in plans:
        p.current_revision = revisions[p.pk]
    WorkPlan.objects.bulk_update(plans, ["current_revision"])


@pytest.mark.parametrize("who", ["hrofficer", "heada"])
def test_the_list_takes_the_same_queries_for_10_and_500_plans(body2018, who):
    w = body2018
    open_via_api(w)
    client = w.client(who)
    counts = []
    for total in (10, 500):
        PlanKpi.objects.filter(revision__plan__servant__last_name_kk__startswith=GROWN).delete()
        grown = WorkPlan.objects.filter(servant__last_name_kk__startswith=GROWN)
        grown.update(current_revision=None)
        PlanRevision.objects.filter(plan__in=grown).delete()
        grown.delete()
        _bulk_plans(w, total)
        client.get(PLANS, {"body": w.body.pk})  # warm the session and the caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(PLANS, {"body": w.body.pk, "year": 2027, "page_size": 500})
        assert response.status_code == 200
        rows = response.json()["items"]
        assert len(rows) == total and all(r["kpis"] == 5 for r in rows)
        assert all(r["servant"].startswith(GROWN) for r in rows)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- outsiders -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["colleague", "otherhr", "admin", "headb", "authorized"])
def test_outsiders_get_404_on_the_plan_and_its_writes(body2018, who):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    client = w.client(who)
    with at("2026-01-12 10:00"):
        assert client.get(f"{PLANS}/{plan.pk}").status_code == 404
        assert save(w, who, plan.pk, kpi_json(5)).status_code == 404
        assert act(w, who, plan.pk, "submit").status_code == 404
        response = send(
            client, "post", f"{PLANS}/{plan.pk}/monitoring",
            {"revision": plan.revision, "quarter": 1, "recommendations": "x"},
        )  # fmt: skip
        assert response.status_code == 404
    assert WorkPlan.objects.get(pk=plan.pk).revision == plan.revision
    assert client.get(f"{PLANS}/{10**30}").status_code == 404


def test_the_servant_reads_the_plan_but_cannot_write_it(body2018):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    assert detail(w, "servant", plan.pk)["actions"] == []
    with at("2026-01-12 10:00"):
        assert save(w, "servant", plan.pk, kpi_json(5)).status_code == 403


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "НМИ" + NUL}, "kpis.0.name"),
        ({"name": "x" * 501}, "kpis.0.name"),
        ({"name": 5}, "kpis.0.name"),
        ({"planned": "1e999"}, "kpi-1-planned"),
        ({"planned": 1e308 * 10}, "kpi-1-planned"),
        ({"planned": 10**30}, "kpi-1-planned"),
        ({"planned": True}, "kpi-1-planned"),
        ({"planned": [1]}, "kpi-1-planned"),
        ({"planned": "٥"}, "kpi-1-planned"),
        ({"source": "wish"}, "kpis.0.source"),
        ({"deadline": "2026-02-30"}, "kpis.0.deadline"),
        ({"deadline": "2027-01-10"}, "kpi-1-deadline"),
        ({"higher_is_better": "maybe"}, "kpis.0.higher_is_better"),
        ({"key_result": ""}, "kpi-1-key_result"),
    ],
)
def test_bad_kpis_are_a_400_naming_the_field_and_nothing_is_saved(body2018, change, field):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    items = kpi_json(5)
    items[0] = {**items[0], **change}
    with at("2026-01-12 10:00"):
        response = save(w, "heada", plan.pk, items)
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field
    assert not PlanRevision.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("monitoring", {"revision": 0, "quarter": 10**30, "recommendations": "x"}, "quarter"),
        ("monitoring", {"revision": 0, "quarter": "1st", "recommendations": "x"}, "quarter"),
        (
            "monitoring",
            {"revision": 0, "quarter": 1, "recommendations": "x", "progress": {"1": 5}},
            "progress.1",
        ),
        (
            "monitoring",
            {"revision": 0, "quarter": 1, "recommendations": "x", "progress": {"1234": "a"}},
            "progress.1234",
        ),
        (
            "monitoring",
            {"revision": 0, "quarter": 1, "recommendations": "x" * 4001},
            "recommendations",
        ),
        ("monitoring", {"revision": 0, "quarter": 1, "recommendations": NUL}, "recommendations"),
        (
            "transitions",
            {"revision": 0, "action": "approve", "checklist": {"specific": "very"}},
            "checklist.specific",
        ),
        ("transitions", {"revision": 0, "action": "save"}, "action"),
        ("transitions", {"revision": 0, "action": "monitor"}, "action"),
        ("transitions", {"revision": 10**30, "action": "submit"}, "revision"),
        ("transitions", {"revision": 0, "action": "return", "reason": ["a"]}, "reason"),
        ("transitions", {"revision": 0, "action": "return", "reason": "a" + NUL}, "reason"),
        ("kpis", {"revision": "one", "kpis": []}, "revision"),
        ("kpis", {"revision": 0, "kpis": "all"}, "kpis"),
        ("kpis", {"revision": 0, "kpis": kpi_json(21)}, "kpis"),
    ],
)
def test_bad_writes_are_a_400_naming_the_field(body2018, url, data, field):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    method = "put" if url == "kpis" else "post"
    with at("2026-01-12 10:00"):
        response = send(w.client("heada"), method, f"{PLANS}/{plan.pk}/{url}", data)
    assert response.status_code == 400, response.content
    assert response.json()["field"].startswith(field)
    assert WorkPlan.objects.get(pk=plan.pk).revision == plan.revision


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"body": 1, "year": 10**30}, "year"),
        ({"body": 10**30, "year": 2026}, "body"),
        ({"year": 2026}, "body"),
    ],
)
def test_bad_opening_is_a_400(body2018, data, field):
    response = send(body2018.client("hrofficer"), "post", f"{PLANS}/open", data)
    assert response.status_code == 400 and response.json()["field"] == field


def test_opening_in_another_body_is_a_404(body2018):
    w = body2018
    response = send(w.client("otherhr"), "post", f"{PLANS}/open", {"body": w.body.pk, "year": 2026})
    assert response.status_code == 404
    assert not WorkPlan.objects.exists()


# --- KPI sheets through /api/v1/evaluations --------------------------------------------------------

TASKS = "/api/v1/evaluations/tasks"


def approve_via_api(w, servant, drafter: str, approver: str, n: int = 5) -> WorkPlan:
    plan = WorkPlan.objects.get(servant=servant, year=2026)
    items = kpi_json(n)
    items[-1] = {**items[-1], "higher_is_better": False}
    with at("2026-01-12 10:00"):
        assert save(w, drafter, plan.pk, items).status_code == 200
        assert act(w, drafter, plan.pk, "submit").status_code == 200
        response = act(w, approver, plan.pk, "approve", checklist=SMART)
    assert response.status_code == 200, response.content
    return plan


def task_act(w, who: str, task_id: int, action: str, **data):
    revision = Task.objects.values_list("revision", flat=True).get(pk=task_id)
    return send(
        w.client(who), "post", f"{TASKS}/{task_id}/{action}", {"revision": revision, **data}
    )


def test_the_2018_year_end_kpi_sheet_through_the_api(body2018):
    w = body2018
    open_via_api(w)
    approve_via_api(w, w.servant, "heada", "firsthead")
    with at("2026-12-10 10:00"):
        schedule = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=0
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    task = Task.objects.get(schedule=schedule, servant=w.servant, kind="kpi_annual")
    url = f"{TASKS}/{task.pk}"
    # 002 p23: HR reads the planned and actual values, never a score (002 p21).
    hr_view = w.client("hrofficer").get(url).json()
    assert hr_view["readable"] is False and hr_view["actuals_readable"] is True
    assert [(line["code"], line["planned"], line["unit"]) for line in hr_view["lines"]] == [
        (f"kpi{i}", "100.0000", "%") for i in range(1, 6)
    ]
    actuals = {"kpi1": "100", "kpi2": 120, "kpi3": "100", "kpi4": "99", "kpi5": "80"}
    with at("2026-12-21 10:00"):
        # 001 p18: marking KPI 4 achieved against its values needs a reason.
        refused = send(w.client("heada"), "post", f"{url}/submit",
                       {"revision": task.revision, "actuals": actuals, "achieved": {"kpi4": True}})  # fmt: skip
        assert refused.status_code == 400 and refused.json()["field"] == "reason_kpi4"
        bad = send(w.client("heada"), "put", f"{url}/sheet",
                   {"revision": task.revision, "actuals": {"kpi1": "1e999"}})  # fmt: skip
        assert bad.status_code == 400 and bad.json()["field"] == "actual_kpi1"
        wrong = send(w.client("heada"), "put", f"{url}/sheet",
                     {"revision": task.revision, "achieved": {"kpi1": "perhaps"}})  # fmt: skip
        assert wrong.status_code == 400 and wrong.json()["field"] == "achieved.kpi1"
        done = send(w.client("heada"), "post", f"{url}/submit",
                    {"revision": task.revision, "actuals": actuals, "achieved": {"kpi4": True},
                     "reasons": {"kpi4": "Хат № 45: мерзімінде орындалды"}})  # fmt: skip
    assert done.status_code == 200, done.content
    sheet = done.json()
    assert sheet["state"] == "submitted" and Decimal(sheet["score"]) == 5
    line4 = sheet["lines"][3]
    assert Decimal(line4["actual"]) == 99
    assert Decimal(line4["percent"]) == 99 and line4["achieved"] is True
    assert line4["override_reason"].startswith("Хат № 45")
    # HR: the values and percent, not the score, the achieved marks or their reasons.
    hr_view = w.client("hrofficer").get(url).json()
    assert hr_view["score"] is None and hr_view["readable"] is False
    assert (
        Decimal(hr_view["lines"][3]["actual"]) == 99
        and Decimal(hr_view["lines"][3]["percent"]) == 99
    )
    assert all(line["score"] is None and line["achieved"] is None for line in hr_view["lines"])
    assert all(line["override_reason"] == "" and line["comment"] == "" for line in hr_view["lines"])
    # A colleague has no sheet to see.
    assert w.client("colleague").get(url).status_code == 404
    with at("2026-12-22 10:00"):
        # 001 p19-21: the superior agrees; values belong to save_actuals and send_actuals only.
        extra = task_act(w, "firsthead", task.pk, "agree", actuals={"kpi1": "5"})
        assert extra.status_code == 400 and extra.json()["field"] == "actuals"
        assert task_act(w, "hrofficer", task.pk, "agree").status_code == 403
        agreed = task_act(w, "firsthead", task.pk, "agree")
        assert agreed.status_code == 200 and agreed.json()["state"] == "agreed"
        # 001 p24: HR passes it to the commission.
        passed = task_act(w, "hrofficer", task.pk, "to_commission")
    assert passed.status_code == 200 and passed.json()["state"] == "for_commission"
    assert passed.json()["lines"][0]["achieved"] is None  # HR's answer: no content


def test_a_2023_quarter_gets_hr_values_through_the_api(body2023):
    w = body2023
    open_via_api(w)
    # 002 p23: the first head sets head A's KPIs, HR agrees as the last step.
    approve_via_api(w, w.head_a, "firsthead", "hrofficer", n=3)
    with at("2026-04-01 10:00"):
        q1 = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=1
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=q1.pk)
    task = Task.objects.get(schedule=q1, servant=w.head_a, kind="kpi_quarterly")
    with at("2026-04-02 10:00"):
        bad = task_act(w, "hrofficer", task.pk, "save_actuals", planned={"kpi1": True})
        assert bad.status_code == 400 and bad.json()["field"] == "planned_kpi1"
        saved = task_act(w, "hrofficer", task.pk, "save_actuals",
                         planned={"kpi1": "25"}, actuals={"kpi1": "25", "kpi2": 95})  # fmt: skip
        assert saved.status_code == 200, saved.content
        assert saved.json()["state"] == "actuals_due"
        assert Decimal(saved.json()["lines"][0]["percent"]) == 100
        incomplete = task_act(w, "hrofficer", task.pk, "send_actuals")
        assert incomplete.status_code == 400 and incomplete.json()["field"] == "actual_kpi3"
        # The evaluated head knows the sheet exists but does not enter its values.
        assert (
            task_act(w, "heada", task.pk, "send_actuals", actuals={"kpi3": "60"}).status_code == 403
        )
        sent = task_act(w, "hrofficer", task.pk, "send_actuals", actuals={"kpi3": "60"})
    assert sent.status_code == 200 and sent.json()["state"] == "pending"
    # KPI 3 is "lower is better": 60 against a ceiling of 100.
    assert [Decimal(line["percent"]) for line in sent.json()["lines"]] == [
        100,
        95,
        Decimal("166.67"),
    ]
    # The evaluator reads the values and scores them; the evaluated head waits (002 p21).
    mine = w.client("firsthead").get(f"{TASKS}/{task.pk}").json()
    assert mine["readable"] is True and Decimal(mine["lines"][2]["actual"]) == 60
    assert w.client("heada").get(f"{TASKS}/{task.pk}").json()["lines"] == []


def test_the_plan_takes_the_same_queries_whatever_its_history(body2018):
    w = body2018
    open_via_api(w)
    plan = servant_plan(w)
    client = w.client("firsthead")
    counts = []
    with at("2026-01-12 10:00"):
        save(w, "heada", plan.pk, kpi_json(5))
        act(w, "heada", plan.pk, "submit")
        client.get(f"{PLANS}/{plan.pk}")
        for reason in ("Бірінші", "Екінші"):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"{PLANS}/{plan.pk}").status_code == 200
            counts.append(len(queries))
            act(w, "firsthead", plan.pk, "return", reason=reason)
            changed = kpi_json(5)
            changed[0] = {**changed[0], "name": reason}
            save(w, "heada", plan.pk, changed)
            act(w, "heada", plan.pk, "submit")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"{PLANS}/{plan.pk}").json()
    counts.append(len(queries))
    assert len(body["revisions"]) == 3 and len(body["reviews"]) == 2
    assert counts[0] == counts[1] == counts[2], counts


def test_the_routes_are_tagged_work_plans():
    from bagalau.api.api import api

    paths = api.get_openapi_schema()["paths"]
    routes = {p: ops for p, ops in paths.items() if p.startswith(PLANS)}
    assert set(routes) == {
        PLANS, f"{PLANS}/open", f"{PLANS}/{{plan_id}}", f"{PLANS}/{{plan_id}}/kpis",
        f"{PLANS}/{{plan_id}}/transitions", f"{PLANS}/{{plan_id}}/monitoring",
    }  # fmt: skip
    assert all(op["tags"] == ["work-plans"] for ops in routes.values() for op in ops.values())
