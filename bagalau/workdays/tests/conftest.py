"""Fixtures of the calendar tests: a seeded 2026, two bodies, HR and outsiders."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from bagalau.org.models import Role, RoleAssignment, StateBody
from bagalau.workdays.services import seed_from_holidays


@pytest.fixture
def seeded_2026(db: Any) -> int:
    return seed_from_holidays([2026])


@pytest.fixture
def body(db: Any) -> StateBody:
    return StateBody.objects.create(name_kk="Сынақ министрлігі", bin="000000000001")


@pytest.fixture
def other_body(db: Any) -> StateBody:
    return StateBody.objects.create(name_kk="Басқа агенттік", bin="000000000002")


def _user(username: str, **extra: Any) -> Any:
    return get_user_model().objects.create_user(username=username, password="pw-12345!", **extra)


@pytest.fixture
def hr_officer(body: StateBody) -> Any:
    user = _user("hr")
    RoleAssignment.objects.create(body=body, user=user, role=Role.HR_OFFICER)
    return user


@pytest.fixture
def outsider(other_body: StateBody) -> Any:
    user = _user("outsider")
    RoleAssignment.objects.create(body=other_body, user=user, role=Role.HR_HEAD)
    return user


@pytest.fixture
def plain_user(db: Any) -> Any:
    return _user("plain")


@pytest.fixture
def superuser(db: Any) -> Any:
    return get_user_model().objects.create_superuser(username="root", password="pw-12345!")
