"""Pages and endpoints run a bounded number of queries whatever the team size."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bagalau.demo.management.commands.generate import synthetic_iins
from bagalau.org.models import Appointment, Position, Servant, Unit

pytestmark = pytest.mark.django_db


def grow(world, count):
    """Add `count` servants, each in a position of a new unit under LEAD (bulk)."""
    lead = world.body.units.get(code="LEAD")
    units = Unit.objects.bulk_create(
        [
            Unit(body=world.body, parent=lead, code=f"G{i}", name_kk=f"Бөлім {i}")
            for i in range(count // 50 + 1)
        ]
    )
    units = list(Unit.objects.filter(body=world.body, code__startswith="G").order_by("id"))
    positions = Position.objects.bulk_create(
        [
            Position(
                body=world.body,
                unit=units[i // 50],
                code=f"GP{i}",
                title_kk="Маман",
                category="D-4",
                is_head=i % 50 == 0,
            )
            for i in range(count)
        ]
    )
    positions = list(Position.objects.filter(body=world.body, code__startswith="GP").order_by("id"))
    last = Servant.objects.order_by("-pk").values_list("pk", flat=True).first()
    Servant.objects.bulk_create(
        [
            Servant(body=world.body, iin=iin, last_name_kk=f"Т{i:05d}", first_name_kk="А")
            for i, iin in enumerate(synthetic_iins(262_800_000, count))
        ]
    )
    servants = list(Servant.objects.filter(pk__gt=last).order_by("id"))
    Appointment.objects.bulk_create(
        [
            Appointment(servant=s, position=p, start_date=date(2020, 1, 1))
            for s, p in zip(servants, positions, strict=True)
        ]
    )
    del units


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    [
        "/bodies/{body}/staff/",
        "/bodies/{body}/staff/?q=Тег",
        "/bodies/{body}/positions/",
        "/bodies/{body}/",
        "/api/v1/bodies/{body}/servants",
        "/api/v1/bodies/{body}/positions",
        "/api/v1/bodies/{body}/appointments",
        "/api/v1/bodies/{body}/units",
    ],
)
def test_page_one_costs_the_same_for_10_and_many_servants(world, url):
    # The acceptance check: listing 10,000 servants' page 1 runs the same queries as 10.
    client = world.client("hrofficer")
    url = url.format(body=world.body.pk)
    small = count_queries(client, url)
    grow(world, 2000)
    large = count_queries(client, url)
    assert large == small, (small, large)


def test_the_staff_list_with_10000_servants_runs_the_queries_of_10(
    world, django_assert_max_num_queries
):
    client = world.client("hrofficer")
    small = count_queries(client, f"/bodies/{world.body.pk}/staff/")
    grow(world, 10000)
    with django_assert_max_num_queries(small):
        response = client.get(f"/bodies/{world.body.pk}/staff/")
    assert response.context["page"].paginator.count == 10000 + world.body.servants.count() - 10000


def test_a_servant_page_is_bounded(world, django_assert_max_num_queries):
    grow(world, 300)
    client = world.client("hrofficer")
    # 26: the top menu's one query (what the user can use, issue 13) is part of every page.
    with django_assert_max_num_queries(26):
        client.get(f"/bodies/servants/{world.servant.pk}/")
