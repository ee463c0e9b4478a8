from datetime import date

import pytest

from bagalau.methodology import services as methodology_services
from bagalau.methodology.models import MethodologyVersion


@pytest.fixture
def body2023(world):
    """The world's body on its own 2023-model version (from the national template)."""
    template = MethodologyVersion.objects.get(body__isnull=True, model="2023")
    methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2023, 4, 24)
    )
    return world


@pytest.fixture
def body2025(world):
    template = MethodologyVersion.objects.get(body__isnull=True, model="2025")
    methodology_services.version_adopt(
        actor=None, body=world.body, template=template, effective_from=date(2025, 7, 1)
    )
    return world
