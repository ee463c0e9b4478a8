"""The bodies a user can open: two indexed subqueries, computed once per page."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bagalau.org import selectors
from bagalau.org.models import Role, RoleAssignment, StateBody

pytestmark = pytest.mark.django_db


def nav_queries(ctx):
    """The SQL of `bodies_for_user`: bodies chosen by the user's roles or servant records."""
    table = StateBody._meta.db_table
    roles = RoleAssignment._meta.db_table
    return [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT")
        and f'FROM "{table}"' in q["sql"]
        and roles in q["sql"]
    ]


@pytest.mark.parametrize("who", ["hrhead", "servant", "authorized"])
def test_the_dashboard_computes_the_bodies_once(world, who):
    client = world.client(who)
    with (
        mock.patch.object(selectors, "bodies_for_user", wraps=selectors.bodies_for_user) as spy,
        CaptureQueriesContext(connection) as ctx,
    ):
        response = client.get("/")
    assert response.status_code == 200
    # The dashboard's list and the top menu share one computation and one query.
    assert spy.call_count == 1
    assert len(nav_queries(ctx)) == 1
    assert world.body.name_kk in response.content.decode()


def test_a_body_page_computes_the_bodies_once(world):
    client = world.client("hrhead")
    with (
        mock.patch.object(selectors, "bodies_for_user", wraps=selectors.bodies_for_user) as spy,
        CaptureQueriesContext(connection) as ctx,
    ):
        response = client.get(f"/bodies/{world.body.pk}/")
    assert response.status_code == 200
    assert spy.call_count == 1
    assert len(nav_queries(ctx)) == 1


def test_bodies_come_from_roles_and_service_without_duplicates(world):
    hr_head = world.users["hrhead"]
    # A role in the other body too, and two roles in the own body: each body listed once.
    RoleAssignment.objects.create(body=world.other_body, user=hr_head, role=Role.HR_OFFICER)
    RoleAssignment.objects.create(body=world.body, user=hr_head, role=Role.HR_OFFICER)
    bodies = list(selectors.bodies_for_user(hr_head))
    assert sorted(b.pk for b in bodies) == sorted([world.body.pk, world.other_body.pk])
    # A servant without roles: the body they serve in; a stranger to both bodies: none.
    assert [b.pk for b in selectors.bodies_for_user(world.users["servant"])] == [world.body.pk]
    assert list(selectors.bodies_for_user(world.users["otherhr"])) == [world.other_body]
    assert set(selectors.bodies_for_user(world.users["admin"])) == set(StateBody.objects.all())


def test_the_query_uses_subqueries_not_joins(world):
    sql = str(selectors.bodies_for_user(world.users["hrhead"]).query).upper()
    assert "JOIN" not in sql
    assert "DISTINCT" not in sql
    assert sql.count(" IN (SELECT") == 2
