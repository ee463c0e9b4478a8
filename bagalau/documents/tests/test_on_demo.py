"""Every test that reads the demo as built on 1 December 2026, on one build of it.

Building the demo replays more than a year of evaluations (about 15 s on SQLite, longer on
PostgreSQL), once per module that asks for it (bagalau/demo/tests/shared.py): one build
serves the official forms' checks, the Kazakh readers' notice language
(notifications/tests/language_checks.py) and the demo's own acceptance checks of that day
(calibration, analytics, plans, 360, commission). The checks live beside their apps in
`tests/*_checks.py` (not collected alone) and all take the module-scoped `demo` fixture;
each test runs in its own savepoint, so what one changes is gone for the next. A test keeps
its name, prefixed with its source (`test_commission__…`, `test_demo_plans__…`).
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
    "bagalau.calibration.tests.demo_checks",
    "bagalau.analytics.tests.demo_checks",
    "bagalau.demo.tests.plans_checks",
    "bagalau.demo.tests.surveys_checks",
    "bagalau.demo.tests.commission_checks",
)

pytestmark = pytest.mark.django_db


def _collect() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name in SOURCES:
        module = importlib.import_module(name)
        assert getattr(module, "DAY", DAY) == DAY, f"{name} reads the demo of another day"
        app, short = name.split(".")[1], name.rsplit(".", 1)[1]
        source = short if app == "documents" else app
        if short not in ("printed_checks", "language_checks") and app != "documents":
            source = f"{app}_{short.removesuffix('_checks')}"
        for attr, value in vars(module).items():
            if attr.startswith("test_") and callable(value):
                key = f"test_{source}__{attr[5:]}"
                assert key not in found, f"two checks are named {key}"
                found[key] = value
    return found


globals().update(_collect())


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[str]:
    from django.test.utils import override_settings

    # The calibration checks upload protocols: the files go to a directory of this run.
    evidence = override_settings(EVIDENCE_ROOT=tmp_path_factory.mktemp("evidence"))
    with evidence, built(django_db_blocker, DAY):
        yield DAY
