"""The service record (қызметтік тізім, 004; 001 p41): who reads which row (002 p21)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.evaluations import access
from bagalau.reports import selectors

from .conftest import change, many_results, result

pytestmark = pytest.mark.django_db


def url(servant_id: int) -> str:
    return reverse("reports:service_record", args=[servant_id])


def shown(response) -> set[int]:
    return {row.result.pk for row in response.context["record"].rows}


@pytest.fixture
def records(world):
    w = world
    own = result(w, w.servant, 2025, 1, evaluator=w.head_a)
    change(own, "3.00", "calibration")
    other = result(w, w.servant, 2025, 2, evaluator=w.first_head)
    year = result(w, w.servant, 2025, 0, task=False, band="effective")
    year.refusal_act = {"date": "2026-01-20", "signers": ["a", "b", "c"]}
    year.refused_at = year.formed_at
    year.acknowledged_at = None
    year.save()
    return own, other, year


def test_it_shows_the_servant_every_result(world, records):
    response = world.client("servant").get(url(world.servant.pk))
    assert response.status_code == 200
    assert shown(response) == {r.pk for r in records}
    assert response.context["record"].whole


def test_it_shows_the_head_of_hr_every_result(world, records):
    response = world.client("hrhead").get(url(world.servant.pk))
    assert response.status_code == 200
    assert shown(response) == {r.pk for r in records}


def test_it_shows_an_evaluator_only_what_they_evaluated(world, records):
    own, other, year = records
    response = world.client("heada").get(url(world.servant.pk))
    assert response.status_code == 200
    # The year result averages quarters head A evaluated (one of them): he knows it (002 p21).
    assert shown(response) == {own.pk, year.pk}
    assert not response.context["record"].whole
    response = world.client("firsthead").get(url(world.servant.pk))
    assert shown(response) == {other.pk, year.pk}


@pytest.mark.parametrize("who", ["hrhead", "heada", "firsthead", "servant", "hrofficer",
                                 "colleague", "otherhr", "admin", "authorized"])  # fmt: skip
def test_it_is_the_one_rule_of_access_result(world, records, who):
    """Every row shown is one access_result lets the user read, and every such row is shown."""
    user = world.users[who]
    allowed = set()
    for r in records:
        try:
            access.access_result(user, r.pk)
        except (NotFound, PermissionDenied):
            continue
        allowed.add(r.pk)
    try:
        record = selectors.service_record(user, world.servant.pk)
    except (NotFound, PermissionDenied):
        assert allowed == set()
        return
    assert {row.result.pk for row in record.rows} == allowed


def test_it_forbids_hr_officers_and_hides_from_strangers(world, records):
    assert world.client("hrofficer").get(url(world.servant.pk)).status_code == 403
    assert world.client("authorized").get(url(world.servant.pk)).status_code == 403
    assert world.client("admin").get(url(world.servant.pk)).status_code == 403  # no scores
    assert world.client("colleague").get(url(world.servant.pk)).status_code == 404
    assert world.client("otherhr").get(url(world.servant.pk)).status_code == 404
    assert world.client("hrhead").get(url(999999)).status_code == 404
    assert world.client("anonymous").get(url(world.servant.pk)).status_code == 302


def test_it_shows_acquaintance_refusal_and_changes(world, records):
    with translation.override("ru"):
        response = world.client("servant").get(url(world.servant.pk), HTTP_ACCEPT_LANGUAGE="ru")
    html = response.content.decode()
    assert "4.00 → 3.00" in html
    assert "2026-01-20" in html
    rows = {row.result.pk: row for row in response.context["record"].rows}
    own = records[0]
    assert [c.source for c in rows[own.pk].changes] == ["calibration"]


def test_it_marks_a_provisional_2018_result(world):
    r = result(world, world.servant, 2025, 0, kind="kpi_annual", band="effective")
    r.provisional = True
    r.save()
    response = world.client("servant").get(url(world.servant.pk))
    assert 'class="small muted provisional"' in response.content.decode()


@pytest.mark.parametrize("who", ["servant", "hrhead", "heada"])
def test_it_runs_the_same_queries_for_2_and_20_results(world, django_assert_num_queries, who):
    many_results(world, world.servant, 2)
    client = world.client(who)
    client.get(url(world.servant.pk))  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert client.get(url(world.servant.pk)).status_code == 200
    many_results_from = 2
    for i in range(many_results_from, 20):
        r = result(world, world.servant, 2021 + i // 4, i % 4 + 1)
        change(r, "3.50")
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get(url(world.servant.pk))
    assert len(response.context["record"].rows) == 20


def test_it_is_linked_from_my_results(world, records):
    response = world.client("servant").get(reverse("evaluations:my_results"))
    assert url(world.servant.pk) in response.content.decode()


def test_it_is_linked_from_the_servant_page_for_the_head_of_hr(world):
    response = world.client("hrhead").get(reverse("org:servant", args=[world.servant.pk]))
    assert url(world.servant.pk) in response.content.decode()
    response = world.client("hrofficer").get(reverse("org:servant", args=[world.servant.pk]))
    assert url(world.servant.pk) not in response.content.decode()


def test_a_result_of_a_host_body_follows_that_body_s_roles(world, records):
    """A seconded servant's result formed by the host body: its head of HR knows it, the home
    body's does not (the result's body, as access_result reads it)."""
    from bagalau.org.models import Role, RoleAssignment

    hosted = result(world, world.servant, 2024, 1)
    hosted.body = world.other_body
    hosted.save(update_fields=["body"])
    RoleAssignment.objects.create(body=world.other_body, user=world.users["otherhr"],
                                  role=Role.HR_HEAD)  # fmt: skip
    response = world.client("hrhead").get(url(world.servant.pk))
    assert hosted.pk not in shown(response) and not response.context["record"].whole
    response = world.client("otherhr").get(url(world.servant.pk))
    assert response.status_code == 200 and shown(response) == {hosted.pk}
    assert world.client("servant").get(url(world.servant.pk)).context["record"].whole
    for who in ("hrhead", "otherhr", "servant"):
        user = world.users[who]
        allowed = set()
        for r in [*records, hosted]:
            try:
                access.access_result(user, r.pk)
            except (NotFound, PermissionDenied):
                continue
            allowed.add(r.pk)
        assert {
            row.result.pk for row in selectors.service_record(user, world.servant.pk).rows
        } == allowed
