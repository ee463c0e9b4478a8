"""Every test of the official forms that reads the built demo, on one build of it.

Building the demo replays more than a year of evaluations (about 25 s on SQLite, longer on
PostgreSQL), once per module that asks for it (bagalau/demo/tests/shared.py). The notices'
language check of Kazakh readers (notifications/tests/language_checks.py) reads this build
too. The forms' checks live beside their apps in `tests/*_checks.py` (not collected alone) and all take the
module-scoped `demo` fixture: this module collects them under one build, the day they were
written for. A test keeps its name, prefixed with its source (`test_commission__…`).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from bagalau.demo.tests.shared import built

DAY = "2026-12-01"
SOURCES = (
    "bagalau.documents.tests.forms_checks",
    "bagalau.documents.tests.links_checks",
    "bagalau.documents.tests.access_checks",
    "bagalau.evaluations.tests.printed_checks",
    "bagalau.methodology.tests.printed_checks",
    "bagalau.commission.tests.printed_checks",
    "bagalau.calibration.tests.printed_checks",
    "bagalau.surveys.tests.printed_checks",
    "bagalau.notifications.tests.language_checks",
)

pytestmark = pytest.mark.django_db


def _collect() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in SOURCES:
        module = importlib.import_module(name)
        assert getattr(module, "DAY", DAY) == DAY, f"{name} reads the demo of another day"
        source = name.rsplit(".", 1)[1] if ".documents." in name else name.split(".")[1]
        for attr, value in vars(module).items():
            if attr.startswith("test_") and callable(value):
                found[f"test_{source}__{attr[5:]}"] = value
    return found


globals().update(_collect())


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY):
        yield DAY
