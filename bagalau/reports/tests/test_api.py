"""/api/v1/reports: the service record and the exports, with the pages' access rule."""

from __future__ import annotations

import pytest

from .conftest import change, result, schedule

pytestmark = pytest.mark.django_db
API = "/api/v1/reports"


@pytest.fixture
def record(world):
    r = result(world, world.servant, 2025, 1, score="4.25")
    change(r, "3.75", "calibration")
    return r


@pytest.mark.parametrize(
    ("who", "status"),
    [("servant", 200), ("hrhead", 200), ("heada", 200), ("hrofficer", 403), ("colleague", 404),
     ("otherhr", 404), ("admin", 403)],
)  # fmt: skip
def test_the_service_record(world, record, who, status):
    response = world.client(who).get(f"{API}/servants/{world.servant.pk}/service-record")
    assert response.status_code == status
    if status == 200:
        data = response.json()
        assert [r["result_id"] for r in data["results"]] == [record.pk]
        assert data["results"][0]["changes"][0]["score_to"] == "3.75"
        assert data["results"][0]["changes"][0]["source"] == "calibration"


def test_the_service_record_of_an_unknown_servant_is_404(world):
    assert world.client("hrhead").get(f"{API}/servants/999999/service-record").status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [("hrhead", 200), ("hrofficer", 403), ("servant", 403), ("admin", 403), ("otherhr", 404)],
)
def test_the_results_export(world, record, who, status):
    response = world.client(who).get(f"{API}/bodies/{world.body.pk}/results.xlsx?year=2025")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert b"".join(response.streaming_content)[:2] == b"PK"


def test_bad_filters_are_400_naming_the_field(world, record):
    url = f"{API}/bodies/{world.body.pk}/results.xlsx?year=2025&quarter=7"
    response = world.client("hrhead").get(url)
    assert response.status_code == 400
    assert response.json()["field"] == "quarter"


@pytest.mark.parametrize(
    ("who", "status"),
    [("hrhead", 200), ("hrofficer", 200), ("authorized", 403), ("servant", 403),
     ("otherhr", 404)],
)  # fmt: skip
def test_the_schedule_export(world, record, who, status):
    s = schedule(world.body, 2025, 1)
    response = world.client(who).get(f"{API}/schedules/{s.pk}/schedule.xlsx")
    assert response.status_code == status


def test_the_endpoints_carry_the_reports_tag(world):
    schema = world.client("hrhead").get("/api/v1/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith(API) and "analytics" not in p]
    assert len(paths) == 3
    for p in paths:
        assert schema["paths"][p]["get"]["tags"] == ["reports"]
