"""The public catalog endpoint (methodology.md §5; 001 App 3-4; 002/000/004/003 App 4)."""

import json
from pathlib import Path

import pytest
from django.test import Client

from bagalau.methodology.models import Category, Indicator, IndicatorSet
from bagalau.methodology.services import catalog_load

pytestmark = pytest.mark.django_db
DATA = json.loads((Path(__file__).resolve().parents[1] / "data" / "indicators.json").read_text())
COMPETENCY_CODES = {
    "management", "cooperation", "decision_making", "customer_orientation", "customer_informing",
    "operativeness", "self_development", "integrity", "stress_resistance", "responsibility",
    "initiative",
}  # fmt: skip


def _reachable(seed_set):
    """A (category, head_of_unit) whose group is the set's group, or None."""
    groups = {c.code: (c.head_group, c.staff_group) for c in Category.objects.all()}
    for code in seed_set["categories"]:
        head_group, staff_group = groups[code]
        if head_group == seed_set["group"]:
            return code, True
        if staff_group == seed_set["group"]:
            return code, False
    return None


def test_the_example_of_the_issue():
    # 002 App 4: D-3 heading a unit is group 2; the codes are those of the issue.
    body = Client().get("/api/v1/catalog/indicators?category=D-3&head_of_unit=true").json()
    assert body["category"] == "D-3"
    assert body["group"] == 2
    assert body["source"] == "002"
    assert {c["code"] for c in body["competencies"]} == COMPETENCY_CODES
    first = body["competencies"][0]
    assert set(first) == {"code", "name", "customer", "effective", "ineffective", "errata"}
    assert set(first["name"]) == {"kk", "ru", "en"}


def test_d1_decision_making_has_five_effective_indicators():
    # 002 App 4, "ШЕШІМ ҚАБЫЛДАУ", D-1: five effective indicators.
    body = Client().get("/api/v1/catalog/indicators?category=D-1").json()
    decision = next(c for c in body["competencies"] if c["code"] == "decision_making")
    assert body["group"] == 1
    assert len(decision["effective"]) == 5
    assert decision["name"]["kk"].lower() == "шешім қабылдау"


@pytest.mark.parametrize(
    "seed_set", DATA["sets"], ids=lambda s: f"{s['seed']}-g{s['group']}-{s['competency']}"
)
def test_every_row_of_every_seed_comes_back_whole(seed_set):
    # 000, 002, 003, 004 App 4: every competency × group row, every indicator, in order.
    reachable = _reachable(seed_set)
    assert reachable is not None, "no category of the row reaches its group"
    code, head = reachable
    response = Client().get(
        "/api/v1/catalog/indicators",
        {"category": code, "head_of_unit": str(head).lower(), "source": seed_set["seed"]},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["group"], body["source"]) == (seed_set["group"], seed_set["seed"])
    competency = next(c for c in body["competencies"] if c["code"] == seed_set["competency"])
    assert competency["effective"] == seed_set["effective"]
    assert competency["ineffective"] == seed_set["ineffective"]


@pytest.mark.parametrize(
    ("spelling", "code"), [("С-0-4", "C-O-4"), ("C-0-4", "C-O-4"), ("V-2", "B-2"), ("д-3", "D-3")]
)
def test_the_seed_spellings_are_accepted(spelling, code):
    # methodology.md §5: OCR'd codes (Cyrillic look-alikes, zero for O, V for B).
    response = Client().get("/api/v1/catalog/indicators", {"category": spelling})
    assert response.status_code == 200
    assert response.json()["category"] == code


@pytest.mark.parametrize("value", ["Z-9", "D-99", "хх", "D-"])
def test_an_unknown_category_is_a_400_naming_the_field(value):
    response = Client().get("/api/v1/catalog/indicators", {"category": value})
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "category"
    assert body["code"] == "category_unknown"


def test_a_missing_category_is_a_400_naming_the_field():
    response = Client().get("/api/v1/catalog/indicators")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "category"


def test_the_message_is_translated(settings):
    response = Client().get(
        "/api/v1/catalog/indicators", {"category": "Z-9"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    assert "Z-9" in response.json()["message"]


def test_the_endpoint_runs_a_bounded_number_of_queries(django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        Client().get("/api/v1/catalog/indicators?category=D-3&head_of_unit=true")


def test_the_loader_is_idempotent():
    before = (IndicatorSet.objects.count(), Indicator.objects.count(), Category.objects.count())
    catalog_load()
    assert (
        IndicatorSet.objects.count(),
        Indicator.objects.count(),
        Category.objects.count(),
    ) == before
    assert before[0] == len(DATA["sets"])


def test_categories_endpoint_lists_the_national_list():
    body = Client().get("/api/v1/catalog/categories").json()
    codes = {c["code"] for c in body}
    assert {"B-1", "C-O-4", "D-3", "E-G-2"} <= codes
