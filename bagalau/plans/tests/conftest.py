from __future__ import annotations

from datetime import date

import pytest

from bagalau.evaluations.tests.conftest import body2023
from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import MethodologyVersion

__all__ = ["body2018", "body2023"]


@pytest.fixture
def body2018(world):
    """The world's body on its own 2018-model version (5 KPIs, 001 p14)."""
    template = MethodologyVersion.objects.get(body__isnull=True, model="2018")
    methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2022, 12, 28)
    )
    return world
