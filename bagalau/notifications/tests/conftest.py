"""Fixtures of the notification tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from bagalau.notifications import periodic

ALMATY = ZoneInfo("Asia/Almaty")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=ALMATY)  # a Monday


@pytest.fixture
def frozen() -> Iterator[time_machine.Coordinates]:
    """Time stands still at T0 until the test moves it (frozen.move_to / shift)."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def hooks(monkeypatch: pytest.MonkeyPatch) -> dict[str, periodic.Hook]:
    """An empty hook registry for the test (other apps' hooks stay out of the counts)."""
    registry: dict[str, periodic.Hook] = {}
    monkeypatch.setattr(periodic, "_HOOKS", registry)
    return registry
