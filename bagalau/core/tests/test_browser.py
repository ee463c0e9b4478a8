"""One browser test: Playwright drives Debian's Chromium against the live server.

The HR officer logs in (Kazakh by default), opens the staff list, filters it through
htmx and switches to Russian, which stays remembered. A servant who opens a
colleague's record gets the 404 page.

Never downloads a browser: it drives /usr/bin/chromium and skips without it.

Database: pytest-django's `live_server` always makes the test transactional, so the
tables are flushed after each test, the session-loaded catalog and calendar included.
Each test therefore reloads them first (idempotent, ~0.1 s), and pytest-django runs
transactional tests after all the `db` tests, so no later test misses them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from .personas import PASSWORD, World

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.access(CHROMIUM, os.X_OK),
        reason="Debian's chromium is not installed at /usr/bin/chromium (make chromium)",
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Playwright's sync API keeps an event loop alive in this thread; the ORM calls the
    # fixtures make meanwhile are synchronous and safe, so lift Django's async guard.
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_api.sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture
def catalog(transactional_db: Any) -> None:
    """Reload what the session's django_db_setup loaded: an earlier flush removed it."""
    from bagalau.methodology import services as methodology_services
    from bagalau.methodology.models import MethodologyVersion
    from bagalau.workdays import services as workdays_services

    if not MethodologyVersion.objects.filter(body__isnull=True).exists():
        methodology_services.catalog_load()
        methodology_services.templates_load()
        workdays_services.seed_from_holidays(range(2024, 2028))


@pytest.fixture
def page(browser: Any, live_server: Any, catalog: None, world: World) -> Iterator[Any]:
    # The browser asks for a language Bagalau doesn't offer, so the default (Kazakh)
    # applies: Django's LocaleMiddleware would honour an Accept-Language of ru or en.
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


def html_lang(page: Any) -> str:
    return page.locator("html").get_attribute("lang") or ""


def log_in(page: Any, base_url: str, username: str) -> None:
    page.goto(base_url + reverse("login"))
    assert html_lang(page) == "kk"
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("#login-form button[type=submit]")


def test_hr_officer_browses_staff_in_kazakh_and_switches_to_russian(
    page: Any, live_server: Any, world: World
) -> None:
    expect = sync_api.expect
    body = world.body
    # A surname no other persona shares, so the filtered list is known exactly.
    world.servant.last_name_kk = "Жұмабекова"
    world.servant.last_name_ru = "Жумабекова"
    world.servant.save()
    with translation.override("kk"):
        names_kk = {s.pk: s.full_name for s in body.servants.all()}
    with translation.override("ru"):
        servant_ru = world.servant.full_name

    log_in(page, live_server.url, "hrofficer")
    # The dashboard lists the user's bodies; open this one.
    expect(page.locator("#dashboard")).to_be_visible()
    body_url = reverse("org:body", args=[body.pk])
    page.click(f'main a[href="{body_url}"]')
    expect(page).to_have_url(live_server.url + body_url)
    assert html_lang(page) == "kk"

    staff_url = reverse("org:staff", args=[body.pk])
    page.click(f'nav.sub a[href="{staff_url}"]')
    table = page.locator("#staff-table")
    expect(table).to_be_visible()
    assert html_lang(page) == "kk"
    for name in names_kk.values():
        expect(table).to_contain_text(name)

    rows = page.locator("#staff-rows tbody tr")
    expect(rows).to_have_count(len(names_kk))
    page.fill("#staff-search", "Жұмабекова")
    # htmx swaps #staff-rows after its 300 ms debounce: wait on the DOM, never sleep.
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(names_kk[world.servant.pk])
    expect(page.locator("#staff-search")).to_have_value("Жұмабекова")
    expect(page).to_have_url(re.compile(r"[?&]q="))

    with page.expect_navigation():
        page.select_option("#language-select", "ru")
    assert html_lang(page) == "ru"
    # The switch returns to the staff list, now in Russian.
    expect(page).to_have_url(re.compile(re.escape(live_server.url + staff_url)))
    expect(page.locator("#staff-table")).to_contain_text(servant_ru)

    page.goto(live_server.url + reverse("org:positions", args=[body.pk]))
    assert html_lang(page) == "ru"
    page.goto(live_server.url + body_url)
    assert html_lang(page) == "ru"
    world.hr_officer.user.refresh_from_db()
    assert world.hr_officer.user.language == "ru"


def test_servant_opening_a_colleagues_record_gets_404(
    page: Any, live_server: Any, world: World
) -> None:
    log_in(page, live_server.url, "servant")
    own = page.goto(live_server.url + reverse("org:servant", args=[world.servant.pk]))
    assert own is not None and own.status == 200
    response = page.goto(live_server.url + reverse("org:servant", args=[world.colleague_a.pk]))
    assert response is not None and response.status == 404
    assert html_lang(page) == "kk"
    with translation.override("kk"):
        assert page.locator("main h1").inner_text() == translation.gettext("Not found")
        assert world.colleague_a.full_name not in page.content()


def test_keyboard_alone_signs_in_and_skips_to_the_main_content(
    page: Any, live_server: Any, world: World
) -> None:
    """Sign-in by keyboard (the username field has the focus, Tab, Enter); on the page it
    opens, the first Tab shows the skip link and Enter moves the focus into main."""
    expect = sync_api.expect
    page.goto(live_server.url + reverse("login"))
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("hrofficer")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#dashboard")).to_be_visible()

    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0  # out of sight until focused
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    with translation.override("kk"):
        expect(skip).to_have_text(translation.gettext("Skip to main content"))
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab stop is inside main, past the header and its menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
