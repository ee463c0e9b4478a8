"""Issue 15 acceptance on the demo, in a browser: in the 2023 body's open 360 campaign four
respondents answer on their 390 px phones, HR closes the campaign on its page, and the
evaluated person reads the report — scores per competency, the self-assessment beside them,
comments without author — with no way to tell who said what (002 p34-37).

Browser, flags and database handling: bagalau/core/tests/test_browser.py.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.urls import reverse

from bagalau.core.tests import test_browser as core_browser
from bagalau.core.tests.test_browser_menus import log_in
from bagalau.surveys.models import Answered, Campaign, Invitation, Relation, Subject

pytestmark = core_browser.pytestmark
sync_api = core_browser.sync_api
browser = core_browser.browser
catalog = core_browser.catalog
PHONE = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def _waiting_subject(campaign: Campaign) -> tuple[Subject, list[Invitation]]:
    """A person of the open campaign with at least four colleagues yet to answer."""
    done = set(
        Answered.objects.filter(campaign=campaign).values_list("subject_id", "respondent_id")
    )
    best: tuple[Subject, list[Invitation]] | None = None
    for subject in Subject.objects.filter(campaign=campaign).select_related("servant__user"):
        if subject.servant.user is None:
            continue
        waiting = [
            i
            for i in subject.invitations.exclude(relation=Relation.SELF).select_related(
                "respondent__user"
            )
            if (subject.pk, i.respondent_id) not in done and i.respondent.user is not None
        ]
        if len(waiting) >= 4 and (best is None or len(waiting) > len(best[1])):
            best = (subject, waiting)
    assert best is not None, "the demo's open campaign has no person with four respondents waiting"
    return best


def test_four_respondents_answer_on_phones_and_the_person_reads_the_report(
    browser: Any, live_server: Any, catalog: None
) -> None:
    call_command("demo", stdout=StringIO())
    campaign = Campaign.objects.get(year=2026, state="open")
    subject, waiting = _waiting_subject(campaign)
    expect = sync_api.expect
    base = live_server.url
    for n, invitation in enumerate(waiting[:4]):
        context = browser.new_context(locale="de-DE", viewport=PHONE)
        context.set_default_timeout(core_browser.TIMEOUT_MS)
        page = context.new_page()
        try:
            log_in(context, base, invitation.respondent.user.username)
            page.goto(base + reverse("surveys:inbox"))
            link = page.locator(f'a[href="{reverse("surveys:survey", args=[invitation.pk])}"]')
            expect(link.first).to_be_visible()
            link.first.click()
            expect(page.locator("#survey-form")).to_be_visible()
            _fits(page)
            groups = page.locator("#survey-form .item")
            for g in range(groups.count()):
                groups.nth(g).locator(f'input[type=radio][value="{2 + (n + g) % 4}"]').check()
            page.fill("#survey-form textarea >> nth=0", f"Пікір {n + 1}: бірлесіп жұмыс істеу")
            with page.expect_navigation():
                page.click("#survey-form button[type=submit]")
            assert Answered.objects.filter(
                subject=subject, respondent=invitation.respondent
            ).exists()
        finally:
            context.close()
    # HR closes the campaign on its page (002 p5: before the 10th of January).
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    context.set_default_timeout(core_browser.TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(context, base, "hr")
        page.goto(base + reverse("surveys:campaign", args=[campaign.pk]))
        _fits(page)
        with page.expect_navigation():
            page.click("button[name=action][value=close]")
        assert Campaign.objects.get(pk=campaign.pk).state == "closed"
    finally:
        context.close()
    # The person reads the report on the phone: no respondent's name anywhere on it.
    context = browser.new_context(locale="de-DE", viewport=PHONE)
    context.set_default_timeout(core_browser.TIMEOUT_MS)
    page = context.new_page()
    try:
        log_in(context, base, subject.servant.user.username)
        page.goto(base + reverse("surveys:report", args=[subject.pk]))
        expect(page.locator("#report")).to_be_visible()
        _fits(page)
        text = page.locator("main").inner_text()
        assert "Пікір 1" in text and "Пікір 4" in text  # the comments, without author
        for invitation in Invitation.objects.filter(subject=subject).select_related("respondent"):
            if invitation.respondent_id == subject.servant_id:
                continue
            r = invitation.respondent
            for name in {r.full_name, r.last_name_kk, r.user.username if r.user else ""} - {""}:
                assert name not in text, name
    finally:
        context.close()
