"""A body's calendar answers only to its members; the national one stays public (issue 11 item 6)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from bagalau.api.models import ApiToken
from bagalau.core.tests.factories import ServantFactory, UserFactory
from bagalau.org.models import StateBody
from bagalau.workdays.services import set_day

pytestmark = pytest.mark.django_db

DAYS = "/api/v1/calendar/days"
DEADLINE = "/api/v1/calendar/deadline"
PAGE = "/calendar/"


@pytest.fixture
def body_day_off(seeded_2026: int, body: StateBody, superuser: Any) -> StateBody:
    set_day(actor=superuser, day=date(2026, 3, 26), is_working=False, body=body, name_en="Ours")
    return body


@pytest.fixture
def member(body: StateBody) -> Any:
    """A servant of the body with no role: a member all the same."""
    return ServantFactory(body=body, user=UserFactory(username="member")).user


def _queries(body: StateBody) -> list[tuple[str, dict[str, Any]]]:
    return [
        (DAYS, {"year": 2026, "body": body.pk}),
        (DEADLINE, {"start": "2026-03-20", "working_days": 3, "body": body.pk}),
    ]


def test_the_national_calendar_needs_no_login(seeded_2026: int, client: Client) -> None:
    assert client.get(DAYS, {"year": 2026}).status_code == 200
    response = client.get(DEADLINE, {"start": "2026-03-20", "working_days": 3})
    assert response.json() == {"deadline": "2026-03-30"}


@pytest.mark.parametrize("who", ["anonymous", "outsider", "plain_user"])
def test_a_body_calendar_is_404_to_those_not_of_the_body(
    body_day_off: StateBody, client: Client, who: str, request: Any
) -> None:
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for url, query in _queries(body_day_off):
        response = client.get(url, query)
        unknown = client.get(url, {**query, "body": 999999})
        # Exactly as an unknown id: a stranger cannot even tell that the body exists.
        assert (response.status_code, response.json()) == (404, unknown.json())
        assert response.json()["field"] == "body"
    if who != "anonymous":
        assert client.get(PAGE, {"body": body_day_off.pk}).status_code == 404
    else:
        assert client.get(PAGE, {"body": body_day_off.pk}).status_code == 302  # to log in


@pytest.mark.parametrize("who", ["hr_officer", "member", "superuser"])
def test_members_read_the_body_calendar(
    body_day_off: StateBody, client: Client, who: str, request: Any
) -> None:
    client.force_login(request.getfixturevalue(who))
    days = client.get(DAYS, {"year": 2026, "body": body_day_off.pk}).json()
    ours = next(d for d in days["days"] if d["date"] == "2026-03-26")
    assert (ours["is_working"], ours["body"]) == (False, body_day_off.pk)
    deadline = client.get(
        DEADLINE, {"start": "2026-03-20", "working_days": 3, "body": body_day_off.pk}
    )
    assert deadline.json() == {"deadline": "2026-03-31"}
    page = client.get(PAGE, {"body": body_day_off.pk, "year": 2026})
    assert page.status_code == 200 and "Ours" in page.content.decode()


def test_a_member_reads_it_with_an_api_token(
    body_day_off: StateBody, client: Client, hr_officer: Any, outsider: Any
) -> None:
    _row, key = ApiToken.issue(hr_officer, "calendar")
    query = {"year": 2026, "body": body_day_off.pk}
    assert client.get(DAYS, query, headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get(DAYS, query, headers={"X-API-Key": key}).status_code == 200
    _row, other_key = ApiToken.issue(outsider, "calendar")
    assert (
        client.get(DAYS, query, headers={"Authorization": f"Bearer {other_key}"}).status_code == 404
    )
    # A wrong token is no one: the national calendar still answers, the body's does not.
    bad = {"Authorization": "Bearer bgl_nonsense"}
    assert client.get(DAYS, {"year": 2026}, headers=bad).status_code == 200
    assert client.get(DAYS, query, headers=bad).status_code == 404


def test_the_edit_form_is_404_to_another_bodys_hr_and_403_to_a_member(
    body: StateBody, client: Client, outsider: Any, member: Any
) -> None:
    data = {"date": "2026-03-27", "status": "off", "action": "set", "body": body.pk}
    client.force_login(outsider)
    assert client.post("/calendar/day/", data).status_code == 404
    client.force_login(member)
    assert client.post("/calendar/day/", data).status_code == 403
