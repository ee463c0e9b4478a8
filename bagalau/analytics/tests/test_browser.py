"""The analytics page on a 390 px phone: nothing wider than the screen, the charts drawn.

Drives Debian's Chromium (skips without it), as bagalau/core/tests/test_browser.py does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from bagalau.core.tests.test_browser import (  # noqa: F401 - fixtures
    CHROMIUM,
    TIMEOUT_MS,
    browser,
    catalog,
    log_in,
    sync_api,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="no /usr/bin/chromium"),
]


@pytest.fixture
def today() -> None:
    """The real day: a frozen clock would expire the browser's session cookie."""


@pytest.fixture
def phone(browser: Any, live_server: Any, catalog: None, fig: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("who", ["hrhead", "heada"])
def test_the_page_fits_a_390_px_phone(phone: Any, live_server: Any, fig: Any, who: str) -> None:
    log_in(phone, live_server.url, who)
    phone.goto(live_server.url + reverse("analytics:body", args=[fig.w.body.pk]) + "?year=2025")
    sync_api.expect(phone.locator("#bands-table")).to_be_attached()
    charts = phone.locator("svg.chart")
    assert charts.count() >= 3
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] <= 390 and box["height"] > 0
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    # Nothing scrolls sideways inside the page, and every cell of a table shown as cards
    # carries its column's name (the checks of core/tests/test_browser_menus.py).
    facts = phone.evaluate(PHONE_FACTS)
    assert facts == {"scrollers": [], "unlabelled": []}


PHONE_FACTS = """() => {
  const scrollers = [...document.querySelectorAll("main *")].filter(e => {
    if (e.scrollWidth <= e.clientWidth + 1) return false;
    const x = getComputedStyle(e).overflowX;
    return x === "auto" || x === "scroll";
  }).map(e => e.tagName + "." + e.className);
  const unlabelled = [];
  for (const table of document.querySelectorAll("main table")) {
    const head = table.querySelector("thead");
    if (!head || head.getBoundingClientRect().height > 0) continue;
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, i) => {
        if (i === 0 || cell.hasAttribute("data-label") || cell.colSpan > 1) return;
        if (/[\\p{L}\\p{N}]/u.test(cell.textContent)) unlabelled.push(table.id + " " + (i + 1));
      });
    }
  }
  return {scrollers, unlabelled: [...new Set(unlabelled)]};
}"""
