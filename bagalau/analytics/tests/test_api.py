"""/api/v1/reports/analytics: the page's figures as JSON, with the same confidentiality."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

Q4 = "?year=2025&quarter=4"
MAX_QUERIES = 30


def _url(fig, query: str = Q4) -> str:
    return f"/api/v1/reports/analytics/bodies/{fig.w.body.pk}{query}"


def _get(fig, who: str, url: str | None = None):
    if who not in fig.clients:
        fig.clients[who] = fig.w.client(who)
    client = fig.clients[who]
    return client.get(url or _url(fig), HTTP_ACCEPT_LANGUAGE="kk")


def test_the_head_of_hr_reads_every_figure(fig, django_assert_max_num_queries):
    _get(fig, "hrhead", "/api/v1/reports/analytics/national")  # signs in (a 404)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = _get(fig, "hrhead")
    assert response.status_code == 200
    data = response.json()
    assert data["period"] == {"year": 2025, "quarter": 4, "label": data["period"]["label"]}
    assert data["bands"]["total"]["cells"] == [3, 2, 1, 1]
    assert data["bands"]["total"]["total"] == 7
    assert [p["mean"] for p in data["average"]["points"]] == [None, "1.80", "2.67", "3.34"]
    assert len(data["lists"]["bonus"]) == 3
    assert data["lists"]["unsatisfactory"][0]["first"]["quarter"] == 3
    assert data["decisions"]["commission"] == {"decided": 3, "up": 1, "down": 1, "kept": 1}


def test_a_unit_head_gets_aggregates_without_lists(fig):
    data = _get(fig, "heada").json()
    assert data["scope"] == "units"
    assert data["lists"] is None and data["late"] is None
    assert data["bands"]["total"] == {"label": data["bands"]["total"]["label"], "unit_id": None,
                                      "cells": [None, None, None, None], "total": 5}  # fmt: skip


def test_an_hr_officer_gets_the_process_figures_only(fig):
    data = _get(fig, "hrofficer").json()
    assert data["bands"] is None and data["average"] is None and data["lists"] is None
    assert data["decisions"] is None
    assert data["missing"]["total"] == 11 and len(data["late"]["rows"]) == 3


def test_a_superuser_gets_the_body_total_and_the_national_figures(fig):
    data = _get(fig, "admin").json()
    assert data["scope"] == "total" and data["bands"]["rows"] == []
    national = _get(fig, "admin", f"/api/v1/reports/analytics/national{Q4}").json()
    row = next(r for r in national["rows"] if r["body_id"] == fig.w.body.pk)
    assert row["cells"] == [3, None, None, None] and row["mean"] == "3.34"
    assert _get(fig, "hrhead", "/api/v1/reports/analytics/national").status_code == 404


@pytest.mark.parametrize(("who", "status"), [("servant", 403), ("otherhr", 404)])
def test_others_are_refused(fig, who, status):
    assert _get(fig, who).status_code == status


def test_unknown_bodies_are_404_and_anonymous_401(fig):
    assert _get(fig, "hrhead", "/api/v1/reports/analytics/bodies/999999").status_code == 404
    assert fig.w.client("anonymous").get(_url(fig)).status_code == 401


@pytest.mark.parametrize("query", ["?year=abc", "?year=1900", "?year=2025&quarter=5"])
def test_bad_input_is_a_400(fig, query):
    response = _get(fig, "hrhead", _url(fig, query))
    assert response.status_code == 400
    assert response.json()["code"]


def test_the_endpoints_carry_the_reports_tag(fig):
    schema = fig.w.client("hrhead").get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/reports/analytics/bodies/{body_id}",
        "/api/v1/reports/analytics/national",
    ):
        assert schema["paths"][path]["get"]["tags"] == ["reports"]


def test_the_endpoint_runs_a_bounded_number_of_queries_at_2000_servants(
    fig, django_assert_max_num_queries
):
    from .test_pages import _grow

    _get(fig, "hrhead")
    _grow(fig, 2000)
    with django_assert_max_num_queries(MAX_QUERIES):
        data = _get(fig, "hrhead").json()
    assert data["bands"]["total"]["total"] == 2007  # the 7 of the fixture and 2,000 grown
    assert len(data["lists"]["unsatisfactory"]) == 2001  # a4 and every grown servant
