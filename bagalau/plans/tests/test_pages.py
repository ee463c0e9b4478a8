"""The work plan pages and the KPI sheet page, by clicking (issue 14).

Personas: core/tests/personas.py. Paragraphs: 001 p9-24 (2018: the plan, its approval, the
year-end KPI sheet), 002 p23-28 (2023: heads' KPIs, HR's actual values, allowed scores).
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bagalau.evaluations import services as evaluations
from bagalau.evaluations.models import SheetLine, Task, TaskState
from bagalau.plans.models import PlanState, WorkPlan
from bagalau.plans.tests.test_plan_scenarios import (
    SMART,
    act,
    kpis,
    open_plans,
    quarter_kpi_sheets,
    save,
)

pytestmark = pytest.mark.django_db


def at(moment: str):
    return time_machine.travel(f"{moment} +05:00", tick=False)


def plan_url(plan: WorkPlan) -> str:
    return reverse("plans:plan", args=[plan.pk])


def form_data(plan: WorkPlan, n: int, **overrides: str) -> dict[str, str]:
    """The KPI form as the drafter posts it: n rows of Appendix 1."""
    plan.refresh_from_db()
    data = {"revision": str(plan.revision), "rows": str(n), "action": "save"}
    for i in range(1, n + 1):
        data.update({
            f"kpi-{i}-name": f"Көрсеткіш {i}", f"kpi-{i}-source": "strategic_plan",
            f"kpi-{i}-source_detail": "Стратегиялық жоспар", f"kpi-{i}-unit": "%",
            f"kpi-{i}-planned": "100", f"kpi-{i}-higher_is_better": "1",
            f"kpi-{i}-deadline": f"{plan.year}-12-01", f"kpi-{i}-key_result": f"Нәтиже {i}",
        })  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def plans2018(body2018):
    open_plans(body2018)
    return body2018


def test_the_list_and_the_plan_page_answer_their_people_and_404_to_outsiders(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    listing = reverse("plans:list", args=[w.body.pk])
    with at("2026-01-08 10:00"):
        for who in ("hrofficer", "heada", "servant", "firsthead"):
            page = w.client(who).get(listing)
            assert page.status_code == 200, who
            assert w.servant.full_name in page.content.decode(), who
            assert w.client(who).get(plan_url(plan)).status_code == 200, who
        # The colleague is of the body (their own plan is listed) but not of this plan.
        colleague = w.client("colleague").get(listing)
        assert colleague.status_code == 200
        assert [p.servant_id for p in colleague.context["plans"]] == [w.colleague_a.pk]
        for who in ("colleague", "otherhr", "admin"):
            assert w.client(who).get(plan_url(plan)).status_code == 404, who
        for who in ("otherhr", "admin"):
            assert w.client(who).get(listing).status_code == 404, who
        assert w.client("anonymous").get(listing).status_code == 302


def test_hr_opens_the_plans_of_a_year_and_sees_the_counts(body2018):
    w = body2018
    listing = reverse("plans:list", args=[w.body.pk])
    with at("2026-01-05 09:00"):
        page = w.client("hrofficer").get(listing)
        assert 'id="open-plans"' in page.content.decode()
        assert 'id="open-plans"' not in w.client("heada").get(listing).content.decode()
        bad = w.client("hrofficer").post(listing, {"year": "20x6"})
        assert bad.status_code == 200 and bad.context["open_errors"]["year"]
        done = w.client("hrofficer").post(listing, {"year": "2026"}, follow=True)
        assert done.status_code == 200
        text = done.content.decode()
        assert "2026" in text and "8" in text
        assert WorkPlan.objects.filter(body=w.body, year=2026).count() == 8
        # A head of unit cannot open plans: 403, nothing opened for 2027.
        assert w.client("heada").post(listing, {"year": "2027"}).status_code == 403
        assert not WorkPlan.objects.filter(year=2027).exists()


def test_a_bad_planned_value_is_named_next_to_its_field_and_the_typed_text_kept(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    head = w.client("heada")
    with at("2026-01-08 10:00"):
        page = head.get(plan_url(plan))
        assert 'id="kpi-form"' in page.content.decode()
        assert len(page.context["rows"]) == 5  # 001 p14: exactly five
        # The servant reads the plan but has no form.
        assert 'id="kpi-form"' not in w.client("servant").get(plan_url(plan)).content.decode()
        response = head.post(plan_url(plan), form_data(plan, 5, **{"kpi-2-planned": "сто"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="err-kpi-2-planned"' in html
    assert 'name="kpi-2-planned" value="сто"' in html
    assert response.context["rows"][1].errors["planned"]
    assert plan.revisions.count() == 0


def test_rows_are_added_up_to_the_versions_maximum(body2023):
    w = body2023
    open_plans(w)
    plan = WorkPlan.objects.get(servant=w.head_a, year=2026)
    first = w.client("firsthead")
    with at("2026-01-08 10:00"):
        page = first.get(plan_url(plan))
        # 002 p24: from 3 to 5.
        assert len(page.context["rows"]) == 3 and page.context["can_add"]
        assert page.context["count_text"] == "from 3 to 5 KPIs" or "3" in page.context["count_text"]
        more = first.post(plan_url(plan), form_data(plan, 4, action="add_row"))
        assert more.status_code == 200 and len(more.context["rows"]) == 5
        assert not more.context["can_add"]
        assert more.context["rows"][3].values["name"] == "Көрсеткіш 4"


def test_submit_return_save_submit_approve_through_the_pages(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    head, superior = w.client("heada"), w.client("firsthead")
    url = plan_url(plan)
    with at("2026-01-12 10:00"):
        # Four KPIs where five are required: saved, but the submission is refused.
        short = head.post(url, form_data(plan, 4, action="submit"))
        assert short.status_code == 200 and short.context["errors"]["kpis"]
        plan.refresh_from_db()
        assert plan.state == PlanState.DRAFT and plan.current_revision.number == 1
        assert head.post(url, form_data(plan, 5, action="submit")).status_code == 302
        plan.refresh_from_db()
        assert plan.state == PlanState.IN_REVIEW
        page = superior.get(url)
        assert 'id="plan-review"' in page.content.decode()
        assert set(page.context["actions"]) == {"approve", "return"}
        # A return needs a reason: the error is shown, nothing changes.
        plan.refresh_from_db()
        empty = superior.post(url, {"action": "return", "revision": plan.revision, "reason": " "})
        assert empty.status_code == 200 and 'id="err-reason"' in empty.content.decode()
        returned = superior.post(
            url, {"action": "return", "revision": plan.revision, "reason": "НМИ 3 өлшенбейді"}
        )
        assert returned.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.RETURNED and plan.correction_due == date(2026, 1, 14)
    with at("2026-01-13 10:00"):
        page = head.get(url)
        assert "2026-01-14" in page.content.decode()
        assert head.post(url, form_data(plan, 5, **{"kpi-3-unit": "бірлік"})).status_code == 302
        plan.refresh_from_db()
        assert plan.current_revision.number == 3
        submitted = head.post(
            url, {**form_data(plan, 5, **{"kpi-3-unit": "бірлік"}), "action": "submit"}
        )
        assert submitted.status_code == 302
        plan.refresh_from_db()
        # Approval needs every SMART item ticked.
        partial = superior.post(url, {"action": "approve", "revision": plan.revision,
                                      "check_specific": "1"})  # fmt: skip
        assert partial.status_code == 200 and 'id="err-checklist"' in partial.content.decode()
        ticks = {f"check_{code}": "1" for code in SMART}
        approved = superior.post(url, {"action": "approve", "revision": plan.revision, **ticks})
        assert approved.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_revision.number == 3
    page = w.client("servant").get(url)
    html = page.content.decode()
    # The history: every version and decision, the change of version 3 highlighted.
    assert html.count("history-item") == 5  # 3 versions, the return, the approval
    versions = [e for e in page.context["history"] if e["kind"] == "revision"]
    assert [e["revision"].number for e in versions] == [3, 2, 1]
    assert versions[0]["kpis"][2]["changed"] == {"unit"}


def test_a_stale_save_keeps_the_typed_values(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    head = w.client("heada")
    with at("2026-01-12 10:00"):
        old = form_data(plan, 5)
        save(w, "heada", plan, kpis(5))  # someone else (another tab) saved meanwhile
        response = head.post(plan_url(plan), {**old, "kpi-1-name": "Менің нұсқам"})
    assert response.status_code == 200
    assert 'id="plan-stale"' in response.content.decode()
    assert response.context["rows"][0].values["name"] == "Менің нұсқам"


def test_amend_and_monitoring_through_the_page(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan, kpis(5))
        act(w, "heada", plan, "submit")
        act(w, "firsthead", plan, "approve", checklist=SMART)
    head, url = w.client("heada"), plan_url(plan)
    with at("2026-04-06 10:00"):
        plan.refresh_from_db()
        bad = head.post(url, {"action": "monitor", "revision": plan.revision, "quarter": "9",
                              "recommendations": "x"})  # fmt: skip
        assert bad.status_code == 200 and 'id="err-quarter"' in bad.content.decode()
        ok = head.post(url, {"action": "monitor", "revision": plan.revision, "quarter": "1",
                             "progress_1": "Жоспар бойынша", "recommendations": "Жалғастыру"})  # fmt: skip
        assert ok.status_code == 302
        seen = w.client("servant").get(url).content.decode()
        assert "Жалғастыру" in seen and "Жоспар бойынша" in seen
        plan.refresh_from_db()
        no_reason = head.post(url, {"action": "amend", "revision": plan.revision, "reason": ""})
        assert (
            no_reason.status_code == 200 and 'id="err-amend-reason"' in no_reason.content.decode()
        )
        amended = head.post(url, {"action": "amend", "revision": plan.revision,
                                  "reason": "Бөлімнің функциялары өзгерді"})  # fmt: skip
        assert amended.status_code == 302
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_bad_input_never_500s(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    head, url = w.client("heada"), plan_url(plan)
    with at("2026-01-12 10:00"):
        for data in (
            {"action": "nonsense", "revision": "1"},
            {"action": "save", "revision": "x" * 50, "rows": "99999999"},
            {"action": "save", "rows": "-1"},
            {"action": "monitor", "quarter": "1"},
            {"action": "approve"},
            {},
        ):
            assert head.post(url, data).status_code in (200, 403), data
        listing = w.client("hrofficer").get(
            reverse("plans:list", args=[w.body.pk]) + "?year=abc&state=zzz&page=-4"
        )
        assert listing.status_code == 200
        assert plan_url(plan) in listing.content.decode()  # junk filters fall back: all plans


def test_the_list_costs_the_same_for_10_and_500_plans(plans2018):
    w = plans2018
    template = WorkPlan.objects.get(servant=w.servant, year=2026)
    listing = reverse("plans:list", args=[w.body.pk]) + "?year=2025"

    def grow(count: int) -> None:
        from bagalau.core.tests.factories import ServantFactory

        have = WorkPlan.objects.filter(year=2025).count()
        people = [ServantFactory.build(body=w.body) for _ in range(count - have)]
        from bagalau.org.models import Servant

        last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
        Servant.objects.bulk_create(people)
        ids = Servant.objects.filter(pk__gt=last).values_list("pk", flat=True)
        WorkPlan.objects.bulk_create(
            WorkPlan(body=w.body, servant_id=sid, version=template.version, kind=template.kind,
                     year=2025, state=PlanState.DRAFT, drafter=w.head_a,
                     drafter_user=w.users["heada"], due_date=date(2025, 1, 17))
            for sid in ids
        )  # fmt: skip

    def cost(count: int) -> int:
        grow(count)
        client = w.client("hrofficer")
        client.get(listing)
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(listing)
        assert page.status_code == 200
        assert len(page.context["plans"]) == min(count, 50)
        return len(ctx.captured_queries)

    assert cost(10) == cost(500)


# --- the KPI sheets on the sheet page ------------------------------------------------------------


def quarter_kpi_sheet(w) -> Task:
    """Head A's approved plan of 3 KPIs (002 p23-24) and the Q1 KPI sheet built from it."""
    return quarter_kpi_sheets(w)[0]


def test_hr_enters_and_sends_the_quarters_values_without_seeing_a_score(body2023):
    w = body2023
    task = quarter_kpi_sheet(w)
    url = reverse("evaluations:sheet", args=[task.pk])
    hr = w.client("hrofficer")
    with at("2026-04-02 10:00"):
        page = hr.get(url)
        html = page.content.decode()
        assert page.status_code == 200
        assert 'name="actual_kpi1"' in html and 'name="planned_kpi1"' in html
        assert 'name="score_' not in html and 'value="save_actuals"' in html
        assert "2026-04-03" in html  # the values are due 5 working days before the 10th
        # A bad value is named next to its field, the typed text kept.
        bad = hr.post(url, {"action": "save_actuals", "revision": task.revision,
                            "actual_kpi1": "көп", "planned_kpi1": "25"})  # fmt: skip
        assert bad.status_code == 200 and 'id="err-actual_kpi1"' in bad.content.decode()
        assert 'value="көп"' in bad.content.decode()
        saved = hr.post(url, {"action": "save_actuals", "revision": task.revision,
                              "planned_kpi1": "25", "actual_kpi1": "25", "actual_kpi2": "95"})  # fmt: skip
        assert saved.status_code == 302
        task.refresh_from_db()
        # Sending with a value missing names the field.
        missing = hr.post(url, {"action": "send_actuals", "revision": task.revision})
        assert missing.status_code == 200 and 'id="err-actual_kpi3"' in missing.content.decode()
        sent = hr.post(url, {"action": "send_actuals", "revision": task.revision,
                             "actual_kpi3": "60"})  # fmt: skip
        assert sent.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.PENDING
    assert [str(p) for p in SheetLine.objects.filter(task=task).values_list("percent", flat=True)] == [
        "100.00", "95.00", "60.00"
    ]  # fmt: skip
    with at("2026-04-06 10:00"):
        after = hr.get(url).content.decode()
        assert "60.00 %" in after and 'name="score_' not in after
        # The evaluator scores, seeing the allowed range and the table's status.
        head = w.client("firsthead").get(url)
        text = head.content.decode()
        assert 'name="score_kpi3"' in text and 'id="kpi-table-notice"' in text
        assert head.context["cells"][2]["allowed"] is not None
        assert 'class="small muted allowed"' in text


def approved_2018_sheet(w) -> Task:
    open_plans(w)
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    with at("2026-01-12 10:00"):
        save(w, "heada", plan, kpis(5, lower_last=True))
        act(w, "heada", plan, "submit")
        act(w, "firsthead", plan, "approve", checklist=SMART)
    with at("2026-12-10 10:00"):
        schedule = evaluations.schedule_create(
            actor=w.users["hrofficer"], body=w.body, year=2026, quarter=0
        )
        evaluations.schedule_approve(actor=w.users["authorized"], schedule_id=schedule.pk)
    return Task.objects.get(schedule=schedule, servant=w.servant, kind="kpi_annual")


def test_the_2018_kpi_sheet_filled_agreed_and_passed_on_through_the_page(body2018):
    w = body2018
    task = approved_2018_sheet(w)
    url = reverse("evaluations:sheet", args=[task.pk])
    actuals = {"actual_kpi1": "100", "actual_kpi2": "120", "actual_kpi3": "100",
               "actual_kpi4": "99", "actual_kpi5": "80"}  # fmt: skip
    with at("2026-12-21 10:00"):  # (a client logs in at the clock's time: sessions expire)
        head = w.client("heada")
        page = head.get(url).content.decode()
        assert 'name="achieved_kpi1"' in page and 'name="actual_kpi1"' in page
        # Marking KPI 4 achieved against its values needs a reason (001 p18).
        override = head.post(url, {"action": "submit", "revision": task.revision, **actuals,
                                   "achieved_kpi4": "1"})  # fmt: skip
        assert override.status_code == 200 and 'id="err-reason_kpi4"' in override.content.decode()
        done = head.post(url, {"action": "submit", "revision": task.revision, **actuals})
        assert done.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.SUBMITTED and str(task.score) == "4.00"
    with at("2026-12-22 10:00"):
        superior = w.client("firsthead")
        page = superior.get(url)
        assert page.context["achieved_count"] == 4
        assert 'id="sheet-review"' in page.content.decode()
        agreed = superior.post(url, {"action": "agree", "revision": task.revision})
        assert agreed.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.AGREED
    with at("2026-12-23 10:00"):
        mine = w.client("servant").get(url).content.decode()
        assert 'id="result-provisional"' in mine
        hr_page = w.client("hrofficer").get(url).content.decode()
        assert 'id="to-commission"' in hr_page and "2026-12-24" in hr_page
        passed = w.client("hrofficer").post(
            url, {"action": "to_commission", "revision": task.revision}
        )
        assert passed.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.FOR_COMMISSION


# --- the menu and the dashboard ------------------------------------------------------------------


def test_the_menu_leads_hr_drafters_and_servants_to_the_bodys_plans(plans2018):
    w = plans2018
    listing = reverse("plans:list", args=[w.body.pk])
    with at("2026-01-08 10:00"):
        for who in ("hrofficer", "heada", "servant", "firsthead"):
            page = w.client(who).get("/")
            html = page.content.decode()
            top = html[html.index('<header class="top">') : html.index("</header>")]
            assert f'href="{listing}"' in top, who
        # Other body's HR: their own body's plans, none opened there.
        other = w.client("otherhr").get("/").content.decode()
        assert listing not in other
        admin = w.client("admin").get("/").content.decode()
        assert listing not in admin


def test_the_dashboard_lists_plans_to_draw_up_and_to_review(plans2018):
    w = plans2018
    plan = WorkPlan.objects.get(servant=w.servant, year=2026)
    with at("2026-01-08 10:00"):
        home = w.client("heada").get("/")
        assert plan in home.context["plans_to_draw"]
        assert (
            'id="plans-to-draw"' in home.content.decode() and "2026-01-19" in home.content.decode()
        )
        save(w, "heada", plan, kpis(5))
        act(w, "heada", plan, "submit")
        superior = w.client("firsthead").get("/")
        assert plan in superior.context["plans_to_review"]
        assert plan_url(plan) in superior.content.decode()
        # Not the servant's to review; the servant sees their own plan and where it is.
        own = w.client("servant").get("/")
        assert own.context["plans_to_review"] == [] and own.context["my_plans"] == [plan]
        assert 'id="my-plans"' in own.content.decode()
