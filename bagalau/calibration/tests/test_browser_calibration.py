"""A calibration session on 390 px phones (issue 16 item 3; 002 p13, p39, p42), in Kazakh.

The servant applies from "My results"; the authorized person appoints the session with
three participants; each participant gives a position on a phone; HR records the session
and applies the decision; the servant reads the new result. Every step by clicking.

Browser, flags and database handling: bagalau/core/tests/test_browser.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from bagalau.calibration.models import CalibrationCase, CaseState
from bagalau.calibration.tests.conftest import Setup
from bagalau.core.tests import test_browser as core_browser
from bagalau.evaluations.models import Result
from bagalau.evaluations.tests.conftest import body2023

pytestmark = core_browser.pytestmark
sync_api = core_browser.sync_api
browser = core_browser.browser
catalog = core_browser.catalog
PHONE = {"width": 390, "height": 844}
ALMATY = ZoneInfo("Asia/Almaty")
__all__ = ["body2023"]


def click_and_wait(page: Any, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def phone(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    context.set_default_timeout(core_browser.TIMEOUT_MS)
    tab = context.new_page()
    core_browser.log_in(tab, base, username)
    return tab


def fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_a_calibration_session_on_phones(
    browser: Any, live_server: Any, catalog: None, body2023: Any
) -> None:
    expect = sync_api.expect
    s = Setup(body2023)
    base = live_server.url
    users = {u.pk: u.username for u in s.participants}
    s.applicant.set_password("demo-pass-123")
    s.applicant.save()
    with time_machine.travel(datetime(2026, 7, 9, 10, tzinfo=ALMATY), tick=True):
        tab = phone(browser, base, s.applicant.username)
        tab.goto(base + reverse("evaluations:my_results"))
        click_and_wait(
            tab, f'a.calibration-link[href="{reverse("calibration:apply", args=[s.result.pk])}"]'
        )
        expect(tab.locator("#apply-due")).to_contain_text("2026-07-09")  # 002 p13
        assert fits(tab)
        tab.fill("#id_text", "Тоқсандағы қосымша жұмыс ескерілмеді.")
        click_and_wait(tab, "#apply-submit")
        case = CalibrationCase.objects.get(result=s.result)
        tab.context.close()

        tab = phone(browser, base, "authorized")
        click_and_wait(
            tab, f'#calibration-to-decide a[href="{reverse("calibration:case", args=[case.pk])}"]'
        )
        tab.fill("#id_session_date", "2026-07-15")
        for pk in users:
            tab.check(f'input[name="participants"][value="{pk}"]')
        assert fits(tab)
        click_and_wait(tab, "#case-accept")
        expect(tab.locator("#case-participants li")).to_have_count(3)
        tab.context.close()

    with time_machine.travel(datetime(2026, 7, 15, 10, tzinfo=ALMATY), tick=True):
        for n, username in enumerate(users.values()):
            tab = phone(browser, base, username)
            click_and_wait(tab, "#calibration-to-vote a")
            if n < 2:
                tab.check('input[name="position"][value="change"]')
                tab.fill("#id_score", "3")
                tab.fill("#id_arguments", "Екі тапсырманың мерзімі бұзылды.")
            assert fits(tab)
            click_and_wait(tab, "#case-vote-submit")
            expect(tab.locator("#my-position")).to_be_visible()
            tab.context.close()
        tab = phone(browser, base, "hrofficer")
        click_and_wait(tab, "#calibration-to-run a")
        click_and_wait(tab, "#case-hold")
        click_and_wait(tab, "#case-decide")
        # HR officers see no score (002 p21): neither the final one nor the protocol.
        expect(tab.locator("#case-final")).to_have_count(0)
        expect(tab.locator("#case-protocol-link")).to_have_count(0)
        tab.context.close()
        # The servant reads the decided score (2 of 3 moved it down, 002 p42).
        tab = phone(browser, base, s.applicant.username)
        click_and_wait(tab, "#calibration-mine a")
        expect(tab.locator("#case-final")).to_have_text("3.00")
        assert fits(tab)
        tab.context.close()
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED
    assert Result.objects.get(pk=s.result.pk).score == 3
