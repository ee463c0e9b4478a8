"""One browser test of a quarter (issue 3 item 11): the evaluator fills a unit's sheets
and the servant acknowledges.

HR drafts Q1 2026, the authorized person approves it, the head of unit A fills both
sheets of the unit on one page with the keyboard while the live score follows, and the
servant acknowledges the result. Each step through the pages, as the users click.

Browser, flags and database handling come from bagalau/core/tests/test_browser.py: it
drives Debian's /usr/bin/chromium (skips without it) against pytest-django's live
server, so the test is transactional and the `catalog` fixture reloads the session
data the previous flush removed. Fixture order matters: `page` pulls in `catalog`
before `world`, and `body2023` adopts a national version, so it comes after `page`.

Time: the live server is a thread of this process, so time_machine's travel reaches
both sides; tick=True keeps the clock moving for the browser's timeouts and cookies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import time_machine
from django.urls import reverse
from django.utils import translation

from bagalau.core.tests import test_browser as core_browser
from bagalau.core.tests.personas import World
from bagalau.evaluations.models import Result, Schedule, ScheduleStatus, Task, TaskState

pytestmark = core_browser.pytestmark

sync_api = core_browser.sync_api

# The project's browser fixtures, re-used as they are (module-scoped Chromium, the
# de-DE context that falls back to Kazakh, the catalog reload after a flush).
browser = core_browser.browser
catalog = core_browser.catalog
page = core_browser.page

# A screenshot to look at by eye (the brief's fixed path, not a secret: S108 is moot).
SHOTS = Path("/tmp/shots")  # noqa: S108
CODES = ["quality", "deadlines", "initiative", "discipline"]
SCORES = {
    "servant": ["4", "4.5", "3.75", "5"],  # 17.25 / 4 = 4.3125 → 4.31
    "colleague": ["3", "3", "3", "2.5"],  # 11.5 / 4 = 2.875 → 2.88 (half-up)
}


def kk(message: str, **params: Any) -> str:
    with translation.override("kk"):
        text = translation.gettext(message)
    return text % params if params else text


def log_out(page: Any) -> None:
    with page.expect_navigation():
        page.click(f'header.top form[action="{reverse("logout")}"] button[type=submit]')
    sync_api.expect(page.locator("#login-form")).to_be_visible()


def expect_success(page: Any, text: str) -> None:
    sync_api.expect(page.locator("ul.messages li.success")).to_have_text(text)


@time_machine.travel("2026-04-06 10:00 +05:00", tick=True)
def test_evaluator_fills_the_units_sheets_and_the_servant_acknowledges(
    page: Any, body2023: World, live_server: Any
) -> None:
    expect = sync_api.expect
    w = body2023
    base = live_server.url

    # HR drafts Q1 2026 from the body's Evaluations tab.
    core_browser.log_in(page, base, "hrofficer")
    schedules_url = reverse("evaluations:schedules", args=[w.body.pk])
    # Home is the user's dashboard (or the body itself): open the body, then its tab.
    page.goto(base + reverse("org:body", args=[w.body.pk]))
    page.click(f'nav.sub a[href="{schedules_url}"]')
    expect(page).to_have_url(base + schedules_url)
    page.fill("#id_year", "2026")
    page.select_option("#id_quarter", "1")
    with page.expect_navigation():
        page.click("form.toolbar:has(#id_year) button[type=submit]")
    schedule = Schedule.objects.get(body=w.body, year=2026, quarter=1)
    schedule_url = reverse("evaluations:schedule", args=[schedule.pk])
    expect(page).to_have_url(base + schedule_url)
    expect_success(page, kk("The schedule is drafted. The authorized person approves it."))
    expect(page.locator("#approve")).to_have_count(0)  # HR drafts, never approves
    log_out(page)

    # The authorized person approves it.
    core_browser.log_in(page, base, "authorized")
    page.goto(base + schedules_url)
    page.click(f'#schedules a[href="{schedule_url}"]')
    with page.expect_navigation():
        page.click("#approve")
    count = Task.objects.filter(schedule=schedule).count()
    expect_success(page, kk("The schedule is approved: %(count)s sheets created.", count=count))
    expect(page.locator("#schedule-status")).to_have_text(kk("approved"))
    schedule.refresh_from_db()
    assert schedule.status == ScheduleStatus.APPROVED
    log_out(page)

    # The head of unit A fills the unit's sheets on one page, with the keyboard only.
    core_browser.log_in(page, base, "heada")
    page.click(f'header.top a[href="{reverse("evaluations:my_sheets")}"]')
    bulk_url = reverse("evaluations:bulk", args=[schedule.pk])
    page.click(f'a.button[href="{bulk_url}"]')
    expect(page).to_have_url(base + bulk_url)
    tasks = {
        t.servant_id: t
        for t in Task.objects.filter(schedule=schedule, evaluator=w.head_a, kind="differentiation")
    }
    assert set(tasks) == {w.servant.pk, w.colleague_a.pk}
    expect(page.locator("#bulk-table tbody tr")).to_have_count(2)
    for who, servant in (("servant", w.servant), ("colleague", w.colleague_a)):
        task = tasks[servant.pk]
        row = page.locator(f'#bulk-table tbody tr[data-task="{task.pk}"]')
        inputs = row.locator("input.score")
        expect(inputs).to_have_count(len(CODES))
        for i, code in enumerate(CODES):
            expect(inputs.nth(i)).to_have_attribute("name", f"t{task.pk}-score_{code}")
        inputs.first.click()
        for i, value in enumerate(SCORES[who]):
            expect(inputs.nth(i)).to_be_focused()
            page.keyboard.type(value)
            if i < len(CODES) - 1:
                expect(row.locator("[data-score]")).to_have_text("")  # incomplete: no score
                page.keyboard.press("Tab")
        for i, value in enumerate(SCORES[who]):
            expect(inputs.nth(i)).to_have_value(value)
    servant_row = page.locator(f'#bulk-table tbody tr[data-task="{tasks[w.servant.pk].pk}"]')
    colleague_row = page.locator(f'#bulk-table tbody tr[data-task="{tasks[w.colleague_a.pk].pk}"]')
    expect(servant_row.locator("[data-score]")).to_have_text("4.31")
    expect(colleague_row.locator("[data-score]")).to_have_text("2.88")

    # The page at a phone's width, with the values typed, for a look at the layout.
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "bulk_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_navigation():
        page.click("#submit-all")
    expect_success(
        page, kk("Saved: %(saved)s drafts, %(submitted)s submitted.", saved=0, submitted=2)
    )
    expect(page.locator("#bulk-table input.score")).to_have_count(0)  # submitted: read-only
    expect(servant_row.locator("[data-score]")).to_have_text("4.31")
    log_out(page)

    # The servant sees 4.31 and acknowledges it.
    core_browser.log_in(page, base, "servant")
    page.click(f'header.top a[href="{reverse("evaluations:my_results")}"]')
    results = page.locator("#my-results tbody tr")
    expect(results).to_have_count(1)
    expect(results.first.locator("strong")).to_have_text("4.31")
    with page.expect_navigation():
        results.first.locator("button.acknowledge").click()
    expect_success(page, kk("You have acknowledged the result."))
    expect(results.first).to_contain_text(f"{kk('acknowledged')} 2026-04-06")
    expect(page.locator("button.acknowledge")).to_have_count(0)

    result = Result.objects.get(task=tasks[w.servant.pk])
    assert (str(result.score), result.band) == ("4.31", "effective")
    assert result.acknowledged_at is not None
    assert result.acknowledged_at.date().isoformat() == "2026-04-06"
    assert Task.objects.get(pk=tasks[w.servant.pk].pk).state == TaskState.ACQUAINTED
    colleague = Result.objects.get(task=tasks[w.colleague_a.pk])
    assert (str(colleague.score), colleague.acknowledged_at) == ("2.88", None)
