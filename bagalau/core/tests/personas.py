"""Test personas of one body and an outsider body (pytest plugin, see conftest.py).

body: root unit LEAD (first head, D-1)
      ├── unit A (head D-3 head_of_unit, staff D-4 ×2)
      ├── unit B (head D-3, staff D-5)
      └── unit HR (head D-3: head of HR; staff D-4: HR officer)
other_body: unit X with its own HR officer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from bagalau.org.models import Role, RoleAssignment, Servant, StateBody

from .factories import (
    AppointmentFactory,
    BodyFactory,
    PositionFactory,
    ServantFactory,
    UnitFactory,
    UserFactory,
)

PASSWORD = "demo-pass-123"


def load_base_data() -> None:
    """The law's catalog, the national versions and the 2024-2027 calendar (idempotent)."""
    from bagalau.methodology import services as methodology_services
    from bagalau.workdays import services as workdays_services

    methodology_services.catalog_load()
    methodology_services.templates_load()
    workdays_services.seed_from_holidays(range(2024, 2028))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Load the base data once for the session."""
    with django_db_blocker.unblock():
        load_base_data()


def _flushes(item: Any) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ())))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """A transactional test (live_server, transaction=True) flushes every table when it
    ends, the base data with them. Run alone that happens last (pytest-django orders those
    tests last), but with `make test`'s workers (pytest-xdist) other modules may follow on
    the same worker: load the base data again once the flush is done."""
    yield
    if nextitem is None or not _flushes(item) or _flushes(nextitem):
        return  # the next one flushes too, and builds what it needs as when run alone
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        load_base_data()


@dataclass
class World:
    body: StateBody
    other_body: StateBody
    first_head: Servant
    head_a: Servant
    servant: Servant
    colleague_a: Servant
    head_b: Servant
    servant_b: Servant
    hr_head: Servant
    hr_officer: Servant
    other_hr: Servant
    users: dict[str, Any]

    def client(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return client


def _person(
    body: StateBody, position: Any, username: str, start: date = date(2020, 1, 1)
) -> Servant:
    user = UserFactory(username=username, first_name=username.title())
    servant = ServantFactory(body=body, user=user, email=f"{username}@example.kz")
    AppointmentFactory(servant=servant, position=position, start_date=start)
    return servant


@pytest.fixture
def world(db: Any) -> World:
    body = BodyFactory(name_kk="Сынақ органы", name_ru="Тестовый орган", name_en="Test body")
    lead = UnitFactory(body=body, code="LEAD", name_kk="Басшылық")
    unit_a = UnitFactory(body=body, code="A", parent=lead, name_kk="А бөлімі")
    unit_b = UnitFactory(body=body, code="B", parent=lead, name_kk="Б бөлімі")
    unit_hr = UnitFactory(body=body, code="HR", parent=lead, name_kk="Кадр бөлімі")
    body.hr_unit = unit_hr
    body.save()

    def post(unit: Any, category: str, head: bool = False) -> Any:
        return PositionFactory(unit=unit, body=body, category=category, is_head=head)

    first_head = _person(body, post(lead, "D-1", True), "firsthead")
    head_a = _person(body, post(unit_a, "D-3", True), "heada")
    servant = _person(body, post(unit_a, "D-4"), "servant")
    colleague_a = _person(body, post(unit_a, "D-4"), "colleague")
    head_b = _person(body, post(unit_b, "D-3", True), "headb")
    servant_b = _person(body, post(unit_b, "D-5"), "servantb")
    hr_head = _person(body, post(unit_hr, "D-3", True), "hrhead")
    hr_officer = _person(body, post(unit_hr, "D-4"), "hrofficer")

    other = BodyFactory(name_kk="Басқа орган", name_en="Other body")
    unit_x = UnitFactory(body=other, code="X", name_kk="Х бөлімі")
    other_hr = _person(other, PositionFactory(unit=unit_x, body=other, category="D-4"), "otherhr")

    RoleAssignment.objects.create(body=body, user=hr_head.user, role=Role.HR_HEAD)
    RoleAssignment.objects.create(body=body, user=hr_officer.user, role=Role.HR_OFFICER)
    RoleAssignment.objects.create(body=other, user=other_hr.user, role=Role.HR_OFFICER)
    authorized = UserFactory(username="authorized")
    RoleAssignment.objects.create(body=body, user=authorized, role=Role.AUTHORIZED_PERSON)
    users = {
        s.user.username: s.user
        for s in (
            first_head,
            head_a,
            servant,
            colleague_a,
            head_b,
            servant_b,
            hr_head,
            hr_officer,
            other_hr,
        )
    }
    users["authorized"] = authorized
    superuser = UserFactory(username="admin", is_superuser=True, is_staff=True)
    users["admin"] = superuser
    return World(
        body, other, first_head, head_a, servant, colleague_a, head_b, servant_b,
        hr_head, hr_officer, other_hr, users,
    )  # fmt: skip
