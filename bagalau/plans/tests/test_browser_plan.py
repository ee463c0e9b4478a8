"""A work plan from draft to approval in the browser (issue 14 item 8; 001 p9-13).

HR opens the year's plans from the plans page; head A (the direct supervisor, 001 p9) finds
the servant's plan on the dashboard, fills its five KPIs (001 p14) and submits it; the
first head (the superior, 001 p10) returns it with a reason (001 p12-13); head A corrects a
KPI and submits again; the first head ticks the SMART checklist and approves; the servant
reads the approved plan and its history. Every step by clicking, in Kazakh.

Browser, flags and database handling: bagalau/core/tests/test_browser.py.
"""

from __future__ import annotations

from typing import Any

import time_machine
from django.urls import reverse
from django.utils import translation

from bagalau.core.tests import test_browser as core_browser
from bagalau.core.tests.personas import World
from bagalau.plans.models import PlanState, WorkPlan

pytestmark = core_browser.pytestmark
sync_api = core_browser.sync_api
browser = core_browser.browser
catalog = core_browser.catalog
page = core_browser.page

KPIS = [
    ("Сессия шешімдерінің жобалары мерзімінде", "%", "100"),
    ("Өтініштер заң мерзімінде қаралды", "%", "100"),
    ("Құқықтық сараптамадан өткен жобалар", "бірлік", "24"),
    ("Депутаттарға оқыту іс-шаралары", "бірлік", "6"),
    ("Жарияланған материалдар", "бірлік", "40"),
]


def log_out(page: Any) -> None:
    with page.expect_navigation():
        page.click(f'header.top form[action="{reverse("logout")}"] button[type=submit]')


def click_and_wait(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_a_plan_from_draft_to_approval(page: Any, live_server: Any, world: World) -> None:
    from datetime import date

    from bagalau.methodology import services as methodology_services
    from bagalau.methodology.models import MethodologyVersion

    expect = sync_api.expect
    template = MethodologyVersion.objects.get(body__isnull=True, model="2018")
    methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2022, 12, 28)
    )
    base = live_server.url
    with time_machine.travel("2026-01-12 10:00 +05:00", tick=True):
        # HR opens the year's plans (001 p9: within 10 working days after the year starts).
        core_browser.log_in(page, base, "hrofficer")
        page.goto(base + reverse("plans:list", args=[world.body.pk]))
        page.fill("#open-year", "2026")
        click_and_wait(page, "#open-plans button[type=submit]")
        plan = WorkPlan.objects.get(servant=world.servant, year=2026)
        assert plan.state == PlanState.DRAFT
        log_out(page)

        # Head A draws it up: five KPIs, then submits (001 p9-10, p14).
        core_browser.log_in(page, base, "heada")
        plan_url = reverse("plans:plan", args=[plan.pk])
        expect(page.locator(f'#plans-to-draw a[href="{plan_url}"]')).to_be_visible()
        click_and_wait(page, f'#plans-to-draw a[href="{plan_url}"]')
        for i, (name, unit, planned) in enumerate(KPIS, 1):
            page.fill(f'[name="kpi-{i}-name"]', name)
            page.select_option(f'[name="kpi-{i}-source"]', "strategic_plan")
            page.fill(f'[name="kpi-{i}-unit"]', unit)
            page.fill(f'[name="kpi-{i}-planned"]', planned)
            page.fill(f'[name="kpi-{i}-deadline"]', "2026-12-01")
            page.fill(f'[name="kpi-{i}-key_result"]', f"Нәтиже {i}")
        click_and_wait(page, '#kpi-form button[value="submit"]')
        plan.refresh_from_db()
        assert plan.state == PlanState.IN_REVIEW
        log_out(page)

        # The first head (the superior) returns it with a reason (001 p12-13).
        core_browser.log_in(page, base, "firsthead")
        click_and_wait(page, f'#plans-to-review a[href="{plan_url}"]')
        page.fill("#review-reason", "3-НМИ өлшенбейді")
        click_and_wait(page, '#plan-review button[value="return"]')
        plan.refresh_from_db()
        assert plan.state == PlanState.RETURNED
        log_out(page)

        # Head A corrects the third KPI and submits again.
        core_browser.log_in(page, base, "heada")
        click_and_wait(page, f'#plans-to-draw a[href="{plan_url}"]')
        expect(page.locator("#plan-history")).to_contain_text("3-НМИ өлшенбейді")
        page.fill('[name="kpi-3-planned"]', "30")
        click_and_wait(page, '#kpi-form button[value="submit"]')
        log_out(page)

        # The first head ticks the SMART checklist and approves.
        core_browser.log_in(page, base, "firsthead")
        click_and_wait(page, f'#plans-to-review a[href="{plan_url}"]')
        for box in page.locator('#plan-review input[type="checkbox"]').all():
            box.check()
        click_and_wait(page, '#plan-review button[value="approve"]')
        plan.refresh_from_db()
        assert plan.state == PlanState.APPROVED
        assert plan.approved_revision is not None and plan.approved_revision.number == 2
        log_out(page)

        # The servant reads the approved plan and its history.
        core_browser.log_in(page, base, "servant")
        page.goto(base + plan_url)
        with translation.override("kk"):
            approved = str(PlanState.APPROVED.label)
        expect(page.locator("#plan-state")).to_contain_text(approved)
        expect(page.locator("#plan-kpis")).to_contain_text(KPIS[0][0])
        expect(page.locator("#plan-history")).to_contain_text("3-НМИ өлшенбейді")
        assert page.locator("#kpi-form").count() == 0
