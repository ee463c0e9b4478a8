"""The year page and the HR edit view."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bagalau.core.models import AuditEvent
from bagalau.org.models import StateBody
from bagalau.workdays.models import CalendarDay

pytestmark = pytest.mark.django_db


def test_the_year_page_needs_a_login(client: Client) -> None:
    response = client.get(reverse("workdays:year"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_the_year_page_marks_days_off(seeded_2026: int, client: Client, plain_user: Any) -> None:
    client.force_login(plain_user)
    response = client.get(reverse("workdays:year"), {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="off"') >= 13
    assert "Наурыз мейрамы" in html
    assert 'name="action"' not in html  # no edit form for a plain user


def test_the_year_page_shows_a_transfer(client: Client, plain_user: Any) -> None:
    from bagalau.workdays.services import seed_from_holidays

    seed_from_holidays([2024])
    client.force_login(plain_user)
    html = client.get(reverse("workdays:year"), {"year": 2024}).content.decode()
    assert 'class="transfer"' in html


def test_an_unknown_body_is_404(client: Client, plain_user: Any) -> None:
    client.force_login(plain_user)
    assert client.get(reverse("workdays:year"), {"body": 999999}).status_code == 404


def test_anonymous_edit_goes_to_login(client: Client) -> None:
    response = client.post(reverse("workdays:day_edit"), {"date": "2026-03-27", "action": "set"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_refuses_a_non_hr_user(client: Client, plain_user: Any, body: StateBody) -> None:
    client.force_login(plain_user)
    data = {"date": "2026-03-27", "status": "off", "action": "set", "body": body.pk}
    assert client.post(reverse("workdays:day_edit"), data).status_code == 404  # not of the body
    del data["body"]
    assert client.post(reverse("workdays:day_edit"), data).status_code == 403
    assert not CalendarDay.objects.filter(source="manual").exists()


def test_hr_of_another_body_gets_404(client: Client, outsider: Any, body: StateBody) -> None:
    # A body's calendar answers only to its members (issue 11 item 6).
    client.force_login(outsider)
    data = {"date": "2026-03-27", "status": "off", "action": "set", "body": body.pk}
    assert client.post(reverse("workdays:day_edit"), data).status_code == 404


def test_hr_cannot_edit_the_national_calendar(client: Client, hr_officer: Any) -> None:
    client.force_login(hr_officer)
    data = {"date": "2026-03-27", "status": "off", "action": "set"}
    assert client.post(reverse("workdays:day_edit"), data).status_code == 403


def test_the_edit_view_is_post_only(client: Client, hr_officer: Any) -> None:
    client.force_login(hr_officer)
    assert client.get(reverse("workdays:day_edit")).status_code == 405


def test_hr_sets_and_clears_a_body_day(
    seeded_2026: int, client: Client, hr_officer: Any, body: StateBody
) -> None:
    client.force_login(hr_officer)
    data = {
        "date": "2026-03-27",
        "status": "off",
        "action": "set",
        "body": body.pk,
        "name_en": "Local",
    }
    response = client.post(reverse("workdays:day_edit"), data)
    assert response.status_code == 302
    row = CalendarDay.objects.get(date=date(2026, 3, 27), body=body)
    assert (row.is_working, row.source, row.name_en) == (False, "manual", "Local")
    assert AuditEvent.objects.filter(action="calendar.day_set", actor=hr_officer).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Local" in page and 'name="action"' in page
    client.post(reverse("workdays:day_edit"), {**data, "action": "clear"})
    assert not CalendarDay.objects.filter(body=body).exists()


def test_a_superuser_edits_the_national_calendar(
    seeded_2026: int, client: Client, superuser: Any
) -> None:
    client.force_login(superuser)
    data = {"date": "2026-03-23", "status": "working", "action": "set"}
    assert client.post(reverse("workdays:day_edit"), data).status_code == 302
    row = CalendarDay.objects.get(date=date(2026, 3, 23), body=None)
    assert row.is_working and row.source == "manual"


def test_an_invalid_form_is_reported(client: Client, superuser: Any) -> None:
    client.force_login(superuser)
    response = client.post(
        reverse("workdays:day_edit"), {"date": "2026-02-30", "action": "set"}, follow=True
    )
    assert response.status_code == 200
    assert not CalendarDay.objects.filter(source="manual").exists()
    assert list(response.context["messages"])
