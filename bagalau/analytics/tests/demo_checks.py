"""The analytics of the built demo (day 2026-12-01): real figures, not an empty page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from bagalau.core.models import User
from bagalau.demo.tests.shared import at
from bagalau.org.models import RoleAssignment

pytestmark = pytest.mark.django_db

DAY = "2026-12-01"


def _api(username: str, query: str = "") -> dict[str, Any]:
    user = User.objects.get(username=username)
    body_id = RoleAssignment.objects.filter(user=user, role="hr_head").values_list(
        "body_id", flat=True
    )[0]
    client = Client()
    client.force_login(user)
    with at(DAY):
        page = client.get(f"/bodies/{body_id}/analytics/{query}", HTTP_ACCEPT_LANGUAGE="kk")
        assert page.status_code == 200
        response = client.get(f"/api/v1/reports/analytics/bodies/{body_id}{query}")
    assert response.status_code == 200
    return {"page": page.content.decode(), **response.json()}


def test_the_2023_head_of_hr_sees_bands_and_averages(demo):
    data = _api("hrhead")
    assert data["bands"]["total"]["total"] > 0
    assert any(n for n in data["bands"]["total"]["cells"])
    assert any(p["mean"] is not None for p in data["average"]["points"])
    assert data["page"].count("<svg") >= 5


def test_the_2018_head_of_hr_sees_the_commission_outcomes(demo):
    data = _api("hr2018")
    commission = data["decisions"]["commission"]
    assert commission["decided"] > 0
    assert commission["up"] + commission["down"] + commission["kept"] == commission["decided"]
    assert 'id="commission-table"' in data["page"]


def test_the_2023_head_of_hr_sees_the_training_topics_of_the_closed_360(demo):
    training = _api("hrhead", "?year=2025")["lists"]["training"]
    assert training["survey"] and any(t["people"] > 0 for t in training["survey"])
