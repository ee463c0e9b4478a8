"""A respondent answers the 360 survey on a 390 px phone, in Kazakh (issue 15).

Browser, flags and database handling: bagalau/core/tests/test_browser.py.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bagalau.core.tests import test_browser as core_browser
from bagalau.surveys import services
from bagalau.surveys.models import Answered, Campaign, Invitation, Subject

from .conftest import answer_all

pytestmark = core_browser.pytestmark
sync_api = core_browser.sync_api
browser = core_browser.browser
catalog = core_browser.catalog


def test_a_colleague_answers_on_a_phone(
    browser: Any, live_server: Any, catalog: None, campaign, body2023
):
    world = body2023
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    context.set_default_timeout(core_browser.TIMEOUT_MS)
    page = context.new_page()
    expect = sync_api.expect
    try:
        core_browser.log_in(page, live_server.url, "colleague")
        page.goto(live_server.url + reverse("surveys:inbox"))
        subject = Subject.objects.get(campaign=campaign, servant=world.servant)
        invitation = Invitation.objects.get(subject=subject, respondent=world.colleague_a)
        link = page.locator(f'#pending a[href="{reverse("surveys:survey", args=[invitation.pk])}"]')
        expect(link).to_be_visible()
        link.click()
        expect(page.locator("#survey-form")).to_be_visible()
        # Nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        groups = page.locator("#survey-form .item")
        for n in range(groups.count()):
            groups.nth(n).locator('input[type=radio][value="4"]').check()
        page.fill("#survey-form textarea >> nth=0", "Жақсы әріптес")
        with page.expect_navigation():
            page.click("#survey-form button[type=submit]")
        expect(page.locator("#pending")).to_be_visible()
        assert Answered.objects.filter(subject=subject, respondent=world.colleague_a).exists()
        # The others answer; HR closes; the servant reads the report on the phone.
        answer_all(world, Subject.objects.get(pk=subject.pk), {})
        fresh = Campaign.objects.get(pk=campaign.pk)
        services.campaign_transition(
            actor=world.users["hrofficer"], campaign_id=fresh.pk, action="close",
            revision=fresh.revision,
        )  # fmt: skip
        page.context.clear_cookies()
        core_browser.log_in(page, live_server.url, "servant")
        page.goto(live_server.url + reverse("surveys:report", args=[subject.pk]))
        expect(page.locator("#report")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.context.clear_cookies()
        core_browser.log_in(page, live_server.url, "hrofficer")
        page.goto(live_server.url + reverse("surveys:campaign", args=[campaign.pk]))
        expect(page.locator("#subjects")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
