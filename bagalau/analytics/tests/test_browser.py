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
