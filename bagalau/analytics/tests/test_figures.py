"""The figures of the fixture body (conftest.py), counted by hand, and who sees which.

The expected numbers are written here from the fixture's table, not computed by the code.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from bagalau.analytics import selectors
from bagalau.analytics.selectors import Period
from bagalau.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db

Q4 = Period(2025, 4)


def _figures(fig, who: str, period: Period = Q4, chosen: bool = True) -> dict:
    viewer = selectors.access_analytics(fig.w.users[who], fig.w.body.pk)
    with translation.override("kk"):
        return selectors.figures(viewer, period, chosen=chosen)


def _bands(data: dict) -> dict[str, list]:
    bands = data["bands"]
    rows = {r["label"]: [*r["cells"], r["total"]] for r in bands["rows"]}
    rows["All"] = [*bands["total"]["cells"], bands["total"]["total"]]
    return rows


def _name(servant) -> str:
    with translation.override("kk"):
        return servant.full_name


def test_it_counts_bands_per_unit_for_the_head_of_hr(fig):
    data = _figures(fig, "hrhead")
    assert [c["code"] for c in data["bands"]["columns"]] == [
        "effective", "proper", "satisfactory", "unsatisfactory",
    ]  # fmt: skip
    # Q4 2025: A = servant 4.50, colleague 4.00, a3 3.50, a4 1.50; A1 = a1x 3.20;
    # B = servantb 2.50, headb 4.20.
    assert _bands(data) == {
        "А бөлімі": [2, 1, 0, 1, 4],
        "А1 секторы": [0, 1, 0, 0, 1],
        "Б бөлімі": [1, 0, 1, 0, 2],
        "All": [3, 2, 1, 1, 7],
    }
    assert data["bands"]["withheld"] is False


def test_it_averages_the_quarters_of_the_chosen_year(fig):
    points = _figures(fig, "hrhead")["average"]["points"]
    assert [(p["quarter"], p["mean"], p["persons"]) for p in points] == [
        (1, None, 0),
        (2, Decimal("1.80"), 1),
        (3, Decimal("2.67"), 6),  # 16.00 / 6 = 2.666… → 2.67
        (4, Decimal("3.34"), 7),  # 23.40 / 7 = 3.342… → 3.34
    ]


def test_it_shows_the_last_eight_quarters_when_no_year_is_chosen(fig):
    period = selectors.default_period(fig.w.body.pk)
    assert period == Q4
    points = _figures(fig, "hrhead", period, chosen=False)["average"]["points"]
    assert [(p["year"], p["quarter"]) for p in points] == [
        (2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2), (2025, 3), (2025, 4),
    ]  # fmt: skip
    assert points[-1]["mean"] == Decimal("3.34")


def test_it_says_why_sheets_were_not_done(fig):
    missing = _figures(fig, "hrhead")["missing"]
    counts = {r["key"]: r["count"] for r in missing["rows"]}
    assert counts == {
        "deferred:absent": 1,  # hrhead, away (002 p6)
        "not_evaluated:under_min_months": 1,  # hrofficer
        "overdue:not_started": 1,  # heada's sheet, pending past 2026-01-10
        "overdue:unfinished": 1,  # firsthead's sheet, a draft past its due date
        "late": 1,  # colleague's sheet, submitted late
    }
    assert missing["total"] == 11  # 7 results + 4 other sheets of Q4


def test_it_counts_late_and_overdue_sheets_per_evaluator(fig):
    rows = {r["name"]: (r["late"], r["overdue"]) for r in _figures(fig, "hrhead")["late"]["rows"]}
    assert rows == {
        _name(fig.w.head_a): (1, 0),
        _name(fig.w.first_head): (0, 1),
        "authorized": (0, 1),  # the authorized person, a user without a servant record
    }


def test_it_lists_bonus_candidates_runs_of_unsatisfactory_results_and_training_needs(fig):
    lists = _figures(fig, "hrhead")["lists"]
    # The top band of the 2023 version ("effective", 4.00-5.00), read from the version.
    assert {r["name"] for r in lists["bonus"]} == {
        _name(fig.w.servant),
        _name(fig.w.colleague_a),
        _name(fig.w.head_b),
    }
    # a4: unsatisfactory in Q3 and Q4 2025; servantb only once (Q2), so not listed.
    assert [(r["name"], r["first"], r["last"]) for r in lists["unsatisfactory"]] == [
        (_name(fig.servants["a4"]), Period(2025, 3), Period(2025, 4))
    ]
    assert [(t["code"], t["people"]) for t in lists["training"]["competency"]] == [
        ("integrity", 2), ("initiative", 1),
    ]  # fmt: skip
    assert lists["training"]["survey"] == []


def test_it_counts_calibration_and_commission_outcomes(fig):
    decisions = _figures(fig, "hrhead")["decisions"]
    assert decisions["calibration"] == {
        "applications": 3, "declined": 1, "sessions": 2, "up": 1, "down": 0, "kept": 1,
    }  # fmt: skip
    assert decisions["commission"] == {"decided": 3, "up": 1, "down": 1, "kept": 1}


def test_a_unit_head_sees_aggregates_of_the_unit_and_below_with_small_cells_withheld(fig):
    data = _figures(fig, "heada")
    assert data["sections"] == ["bands", "average", "missing", "decisions"]
    assert "lists" not in data and "late" not in data
    # Only A and its sub-unit A1; every band cell counts fewer than three persons.
    assert _bands(data) == {
        "А бөлімі": [None, None, None, None, 4],
        "А1 секторы": [None, None, None, None, None],
        "All": [None, None, None, None, 5],
    }
    points = {p["quarter"]: (p["mean"], p["persons"]) for p in data["average"]["points"]}
    assert points == {
        1: (None, None), 2: (None, None),
        3: (Decimal("2.80"), 5),  # 4.00 + 3.00 + 3.00 + 1.00 + 3.00 = 14.00 / 5
        4: (Decimal("3.34"), 5),  # 4.50 + 4.00 + 3.50 + 1.50 + 3.20 = 16.70 / 5
    }  # fmt: skip
    assert data["missing"]["total"] == 6  # the five results' sheets and heada's own
    assert data["decisions"]["calibration"]["applications"] is None  # two cases only


def test_the_head_of_b_sees_only_b(fig):
    data = _figures(fig, "headb")
    assert _bands(data) == {
        "Б бөлімі": [None, None, None, None, None], "All": [None, None, None, None, None],
    }  # fmt: skip


def test_an_hr_officer_sees_the_process_figures_only(fig):
    data = _figures(fig, "hrofficer")
    assert data["sections"] == ["missing", "late"]
    assert {"bands", "average", "lists", "decisions"}.isdisjoint(data)
    assert data["missing"]["total"] == 11


def test_a_superuser_sees_the_body_as_one_figure(fig):
    data = _figures(fig, "admin")
    assert data["sections"] == ["bands", "average"]
    assert data["bands"]["rows"] == []
    assert _bands(data) == {"All": [3, None, None, None, 7]}
    points = {p["quarter"]: (p["mean"], p["persons"]) for p in data["average"]["points"]}
    assert points[4] == (Decimal("3.34"), 7) and points[2] == (None, None)


@pytest.mark.parametrize("who", ["servant", "authorized"])
def test_members_with_no_figure_to_see_are_refused(fig, who):
    with pytest.raises(PermissionDenied):
        selectors.access_analytics(fig.w.users[who], fig.w.body.pk)


def test_strangers_are_not_told_the_body_exists(fig):
    with pytest.raises(NotFound):
        selectors.access_analytics(fig.w.users["otherhr"], fig.w.body.pk)


def test_a_year_result_counts_in_the_unit_of_its_last_sheet_of_the_year(fig):
    from bagalau.evaluations.models import Result

    for name, score, band in (("servant", "4.25", "effective"), ("a1x", "3.10", "proper")):
        Result.objects.create(
            body=fig.w.body, servant=fig.servants[name], version=fig.version,
            kind="differentiation", year=2025, quarter=0, original_score=Decimal(score),
            score=Decimal(score), band=band, quarters=[3, 4],
        )  # fmt: skip
    data = _figures(fig, "hrhead", Period(2025, 0))
    assert _bands(data) == {
        "А бөлімі": [1, 0, 0, 0, 1],
        "А1 секторы": [0, 1, 0, 0, 1],
        "All": [1, 1, 0, 0, 2],
    }
    assert [r["name"] for r in data["lists"]["bonus"]] == [_name(fig.w.servant)]
