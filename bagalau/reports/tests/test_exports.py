"""Exports to Excel: who may export, what the workbook holds, bounded queries, streaming."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from bagalau.core.tests.factories import AppointmentFactory, PositionFactory, ServantFactory
from bagalau.org.models import Unit

from .conftest import change, result, schedule

pytestmark = pytest.mark.django_db


def workbook(response):
    data = b"".join(response.streaming_content)
    import io

    return load_workbook(io.BytesIO(data), read_only=True).active


def results_url(w, **params):
    from urllib.parse import urlencode

    return reverse("reports:results_export", args=[w.body.pk]) + "?" + urlencode(params)


@pytest.fixture
def period(world):
    w = world
    for q in (1, 2, 3, 4):
        result(w, w.servant, 2025, q, score=f"{q}.50" if q < 4 else "4.00")
    year = result(w, w.servant, 2025, 0, task=False, score="3.00", band="proper")
    change(year, "3.25", "calibration")
    result(w, w.servant_b, 2025, 1, evaluator=w.head_b, score="2.00")
    return year


def test_the_head_of_hr_exports_the_results_of_a_year(world, period):
    response = world.client("hrhead").get(results_url(world, year=2025))
    assert response.status_code == 200
    assert world.body.bin in response["Content-Disposition"]
    assert "2025" in response["Content-Disposition"]
    rows = list(workbook(response).iter_rows(values_only=True))
    assert len(rows) == 3  # the header and one line per servant and kind
    line = next(r for r in rows[1:] if r[5] == 1.5)
    assert line[5:10] == (1.5, 2.5, 3.5, 4.0, 3.25)
    assert line[1] == "А бөлімі" and line[3] == "D-4"
    assert "3.00 → 3.25" in line[12]


def test_it_filters_by_quarter_unit_kind_and_band(world, period):
    client = world.client("hrhead")
    response = client.get(results_url(world, year=2025, quarter=1))
    assert "2025-Q1" in response["Content-Disposition"]
    assert len(list(workbook(response).iter_rows())) == 3
    unit_b = Unit.objects.get(body=world.body, code="B")
    rows = list(workbook(client.get(results_url(world, year=2025, unit=unit_b.pk))).iter_rows(
        values_only=True))  # fmt: skip
    assert len(rows) == 2 and rows[1][5] == 2.0
    rows = list(workbook(client.get(results_url(world, year=2025, band="proper"))).iter_rows())
    assert len(rows) == 2
    rows = list(workbook(client.get(results_url(world, year=2025, kind="kpi_annual"))).iter_rows())
    assert len(rows) == 1


def test_bad_filters_answer_400_naming_the_field(world, period):
    response = world.client("hrhead").get(results_url(world, year="abc", quarter="9", unit="x"))
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"year", "quarter", "unit"}
    labels = {str(form.fields[f].label) for f in ("year", "quarter", "unit")}
    assert {line.split(":")[0] for line in form.error_lines()} == labels
    assert world.client("hrhead").get(results_url(world)).status_code == 400  # year required


@pytest.mark.parametrize(
    ("who", "status"),
    [("hrofficer", 403), ("admin", 403), ("authorized", 403), ("servant", 403), ("otherhr", 404)],
)
def test_only_the_head_of_hr_exports_scores(world, period, who, status):
    assert world.client(who).get(results_url(world, year=2025)).status_code == status


def test_the_exports_page_offers_results_to_the_head_only(world, period):
    url = reverse("reports:exports", args=[world.body.pk])
    assert world.client("hrhead").get(url).context["form"] is not None
    response = world.client("hrofficer").get(url)
    assert response.status_code == 200 and response.context["form"] is None
    assert world.client("servant").get(url).status_code == 403
    assert world.client("otherhr").get(url).status_code == 404


def test_the_schedule_export_has_no_scores(world, period):
    s = schedule(world.body, 2025, 1)
    url = reverse("reports:schedule_export", args=[s.pk])
    for who in ("hrofficer", "hrhead"):
        response = world.client(who).get(url)
        assert response.status_code == 200
        rows = list(workbook(response).iter_rows(values_only=True))
        assert len(rows) == 3  # header, the servant's and servant B's sheet
        assert all("4.00" not in str(c) and "1.5" not in str(c) for r in rows for c in r)
        assert any(world.head_a.last_name_kk in str(r[3]) for r in rows[1:])
    assert world.client("authorized").get(url).status_code == 403
    assert world.client("servant").get(url).status_code == 403
    assert world.client("otherhr").get(url).status_code == 404


def _staff(world, count):
    unit = Unit.objects.get(body=world.body, code="A")
    for _i in range(count):
        s = ServantFactory(body=world.body)
        AppointmentFactory(servant=s, position=PositionFactory(unit=unit, body=world.body))
        r = result(world, s, 2025, 1)
        change(r, "3.00")
        result(world, s, 2025, 0, task=False)


def test_the_exports_run_the_same_queries_for_2_and_20_servants(world, django_assert_num_queries):
    client = world.client("hrhead")
    s = schedule(world.body, 2025, 1)
    _staff(world, 2)
    client.get(results_url(world, year=2025))
    with CaptureQueriesContext(connection) as two:
        b"".join(client.get(results_url(world, year=2025)).streaming_content)
    with CaptureQueriesContext(connection) as two_schedule:
        b"".join(client.get(reverse("reports:schedule_export", args=[s.pk])).streaming_content)
    _staff(world, 18)
    with django_assert_num_queries(len(two.captured_queries)):
        b"".join(client.get(results_url(world, year=2025)).streaming_content)
    with django_assert_num_queries(len(two_schedule.captured_queries)):
        b"".join(client.get(reverse("reports:schedule_export", args=[s.pk])).streaming_content)


def test_the_views_stream_from_the_query_iterator(world, period):
    """The rows come from values().iterator(chunk_size=…), never a list of the whole set."""
    calls = []
    real = QuerySet.iterator

    def spy(self, chunk_size=None):
        calls.append((self.model.__name__, chunk_size, self._iterable_class.__name__))
        return real(self, chunk_size=chunk_size)

    with mock.patch.object(QuerySet, "iterator", spy):
        assert world.client("hrhead").get(results_url(world, year=2025)).status_code == 200
        s = schedule(world.body, 2025, 1)
        world.client("hrofficer").get(reverse("reports:schedule_export", args=[s.pk]))
    assert ("Result", 2000, "ValuesIterable") in calls
    assert ("Task", 2000, "ValuesIterable") in calls
