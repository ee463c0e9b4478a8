"""The public calendar API: /api/v1/calendar/."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from bagalau.org.models import StateBody
from bagalau.workdays.services import set_day

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/deadline"


def test_it_counts_over_nauryz_without_login(seeded_2026: int, client: Client) -> None:
    # methodology.md §6 and the issue: 2026-03-20 + 3 working days → 2026-03-30
    response = client.get(URL, {"start": "2026-03-20", "working_days": 3})
    assert response.status_code == 200
    assert response.json() == {"deadline": "2026-03-30"}


def test_it_counts_backwards(seeded_2026: int, client: Client) -> None:
    # methodology.md §6: "at least 7 working days before X" counts backwards
    response = client.get(URL, {"start": "2026-03-30", "working_days": -3})
    assert response.json() == {"deadline": "2026-03-20"}
    response = client.get(URL, {"start": "2026-04-10", "working_days": -7})
    assert response.json() == {"deadline": "2026-04-01"}


def test_it_uses_the_body_calendar(
    seeded_2026: int, client: Client, body: StateBody, superuser: Any, hr_officer: Any
) -> None:
    set_day(actor=superuser, day=date(2026, 3, 26), is_working=False, body=body)
    client.force_login(hr_officer)  # a body's calendar answers only to its members
    response = client.get(URL, {"start": "2026-03-20", "working_days": 3, "body": body.pk})
    assert response.json() == {"deadline": "2026-03-31"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-13-01", "working_days": 3}, "start"),
        ({"start": "yesterday", "working_days": 3}, "start"),
        ({"start": "2026-03-20", "working_days": "three"}, "working_days"),
        ({"working_days": 3}, "start"),
        ({"start": "2026-03-20", "working_days": 3, "body": "x"}, "body"),
    ],
)
def test_bad_values_give_400_naming_the_field(
    client: Client, query: dict[str, Any], field: str
) -> None:
    response = client.get(URL, query)
    assert response.status_code == 400
    payload = response.json()
    fields = [payload.get("field")] + [error["field"] for error in payload.get("errors", [])]
    assert field in fields


def test_too_many_working_days_give_400(client: Client) -> None:
    response = client.get(URL, {"start": "2026-03-20", "working_days": 5000})
    assert response.status_code == 400
    assert response.json()["field"] == "working_days"


def test_a_date_at_the_end_of_time_gives_400(client: Client) -> None:
    response = client.get(URL, {"start": "9999-12-31", "working_days": 10})
    assert response.status_code == 400
    assert response.json()["field"] == "start"


def test_an_unknown_body_gives_404(client: Client, db: Any) -> None:
    response = client.get(URL, {"start": "2026-03-20", "working_days": 3, "body": 999999})
    assert response.status_code == 404
    assert response.json()["field"] == "body"


def test_it_lists_the_days_of_a_year(seeded_2026: int, client: Client) -> None:
    response = client.get("/api/v1/calendar/days", {"year": 2026})
    assert response.status_code == 200
    payload = response.json()
    assert payload["year"] == 2026
    nauryz = next(d for d in payload["days"] if d["date"] == "2026-03-23")
    assert nauryz["is_working"] is False
    assert nauryz["name_en"] == "Nowruz Holiday"
    assert client.get("/api/v1/calendar/days", {"year": 99999}).status_code == 400
    assert client.get("/api/v1/calendar/days", {"year": 2026, "body": 999999}).status_code == 404
