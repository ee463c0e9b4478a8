"""One browser test of a methodology version (issue 13 item 2), through the screens only.

The demo's HR officer of the 2023-model body drafts a new version from the body's current
one, has a band table with a gap refused, fixes it, compares the draft with the version it
is made from, publishes it from 1 April 2026, and drafts the Q3 2026 schedule, which runs
under the new version (the demo, built on 6 April 2026, already has Q2 drafted).

Browser, flags and database handling come from bagalau/core/tests/test_browser.py (Debian's
/usr/bin/chromium, skipped without it; the live server makes the test transactional, so
the `catalog` fixture reloads the session data). The demo is built with its management
command, and the demo password read from its output, so the test does not depend on
where the demo's code lives.
"""

from __future__ import annotations

from io import StringIO
from typing import Any

import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from bagalau.core.tests import test_browser as core_browser
from bagalau.evaluations.models import Schedule
from bagalau.methodology import rules
from bagalau.methodology.models import MethodologyVersion, Scale
from bagalau.org.models import Role, RoleAssignment

pytestmark = core_browser.pytestmark

sync_api = core_browser.sync_api
browser = core_browser.browser
catalog = core_browser.catalog


def kk(message: Any, **params: Any) -> str:
    with translation.override("kk"):
        text = translation.gettext(message) if isinstance(message, str) else str(message)
    return text % params if params else text


def kk_state(value: str) -> str:
    with translation.override("kk"):
        return translation.pgettext("methodology version", value)


def demo_password() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    line = next(x for x in out.getvalue().splitlines() if x.startswith("Password"))
    return line.rsplit(":", 1)[1].strip()


@time_machine.travel("2026-04-06 10:00 +05:00", tick=True)
def test_hr_drafts_compares_and_publishes_a_version_used_by_a_new_schedule(
    browser: Any, live_server: Any, catalog: None
) -> None:
    expect = sync_api.expect
    base = live_server.url
    password = demo_password()
    hr = RoleAssignment.objects.select_related("body").get(
        user__username="hr", role=Role.HR_OFFICER
    )
    body = hr.body
    current = MethodologyVersion.objects.get(body=body)
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(core_browser.TIMEOUT_MS)
    page = context.new_page()

    page.goto(base + reverse("login"))
    page.fill("#id_username", "hr")
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")

    # The body's Methodology tab: draft a new version from the current one.
    page.goto(base + reverse("org:body", args=[body.pk]))
    versions_url = reverse("methodology:body_versions", args=[body.pk])
    page.click(f'nav.sub a[href="{versions_url}"]')
    expect(page.locator("#versions")).to_contain_text(current.name_kk)
    page.select_option("#id_template", str(current.pk))
    page.fill("#id_effective_from", "2026-04-01")
    page.fill("#id_name_kk", "Бағалау әдістемесі (2026)")
    page.fill("#id_name_ru", "Методика оценки (2026)")
    with page.expect_navigation():
        page.click("#draft-submit")
    draft = MethodologyVersion.objects.get(body=body, effective_from="2026-04-01")
    draft_url = reverse("methodology:version", args=[draft.pk])
    expect(page).to_have_url(base + draft_url)
    expect(page.locator("#version-state")).to_have_text(kk_state("draft"))

    # The bands: a gap is refused next to the fields, naming the rows; then fixed.
    bands_url = reverse("methodology:version_table", args=[draft.pk, "bands"])
    page.click(f'a[href="{bands_url}"]')
    codes = [b.code for b in draft.bands.all()]
    effective, proper = codes.index("effective"), codes.index("proper")
    page.fill(f"#id_bands-{proper}-upper", "3.40")
    with page.expect_navigation():
        page.click("#save")
    gap = kk(
        rules.MSG_GAP_BETWEEN,
        scale=kk(Scale.SCORE.label), start="3.41", end="3.99", a=proper + 1, b=effective + 1,
    )  # fmt: skip
    expect(page.locator("ul.errorlist.nonform")).to_have_text(gap)
    expect(page.locator(f"#id_bands-{proper}-upper + [role=alert] ul.errorlist")).to_have_text(gap)
    assert str(draft.bands.get(code="proper").upper) == "3.99"  # nothing saved
    page.fill(f"#id_bands-{proper}-upper", "3.49")
    page.fill(f"#id_bands-{effective}-lower", "3.50")
    with page.expect_navigation():
        page.click("#save")
    expect(page).to_have_url(base + draft_url)
    expect(page.locator("ul.messages li.success")).to_have_text(kk("Saved."))

    # Compare with the version it is made from: the changed bounds are highlighted.
    page.click("#compare")
    expect(page.locator("#compare-with")).to_have_value(str(current.pk))
    expect(page.locator("mark", has_text="3.50")).to_have_count(1)
    expect(page.locator("del", has_text="4.00")).to_have_count(1)
    assert "acquaintance" not in page.locator("main").inner_text()

    # Publish it from 1 April 2026.
    page.goto(base + draft_url)
    expect(page.locator("#id_effective_from")).to_have_value("2026-04-01")
    with page.expect_navigation():
        page.click("#publish")
    expect(page.locator("ul.messages li.success")).to_have_text(
        kk(
            ("The version is published: it is in force from %(date)s."),
            date="2026-04-01",
        )
    )
    expect(page.locator("#version-state")).to_have_text(kk_state("published"))
    current.refresh_from_db()
    assert current.repealed_on is not None and current.repealed_on.isoformat() == "2026-04-01"

    # The Q3 2026 schedule runs under the new version.
    schedules_url = reverse("evaluations:schedules", args=[body.pk])
    page.click(f'nav.sub a[href="{schedules_url}"]')
    page.fill("#id_year", "2026")
    page.select_option("#id_quarter", "3")
    with page.expect_navigation():
        page.click("form.toolbar:has(#id_year) button[type=submit]")
    schedule = Schedule.objects.get(body=body, year=2026, quarter=3)
    assert schedule.version_id == draft.pk
    expect(page.locator("main")).to_contain_text("Бағалау әдістемесі (2026)")
    context.close()
