"""The KPI rules (rules/kpi.py), each with its source."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules import kpi

D = Decimal
TABLE = [  # the shipped default of 002 Appendix 3 (to be confirmed by HR)
    kpi.ScoreRow(D("100"), D("1000"), D("4"), D("5")),
    kpi.ScoreRow(D("90"), D("99.99"), D("3"), D("4")),
    kpi.ScoreRow(D("70"), D("89.99"), D("2"), D("3")),
    kpi.ScoreRow(D("50"), D("69.99"), D("1"), D("2")),
    kpi.ScoreRow(D("0"), D("49.99"), D("0"), D("1")),
]


def test_only_a_full_achievement_counts():  # 001 p18
    assert kpi.achieved(D(100), D(100), True)
    assert not kpi.achieved(D(100), D("99.99"), True)
    # Lower is better (e.g. days to answer an appeal): at most the plan.
    assert kpi.achieved(D(10), D(8), False)
    assert not kpi.achieved(D(10), D("10.5"), False)


def test_percent_achieved_in_the_kpis_direction():  # 002 p28
    assert kpi.percent_achieved(D(200), D(150), True) == D("75.00")
    assert kpi.percent_achieved(D(3), D(2), True) == D("66.67")  # half-up
    assert kpi.percent_achieved(D(10), D(20), False) == D("50.00")
    # Decision (module docstring): a zero denominator is 100 % when achieved, else 0 %.
    assert kpi.percent_achieved(D(0), D(5), True) == D(100)
    assert kpi.percent_achieved(D(0), D(0), False) == D(100)
    assert kpi.percent_achieved(D(5), D(0), False) == D(100)


def test_allowed_scores_by_percent():  # 002 p28, Appendix 3
    assert kpi.allowed_scores(D("100.00"), TABLE) == (D(4), D(5))
    assert kpi.allowed_scores(D("99.99"), TABLE) == (D(3), D(4))
    assert kpi.allowed_scores(D("5000"), TABLE) == (D(4), D(5))  # over-achievement: top row
    assert kpi.allowed_scores(D("60"), []) is None
    gap = [TABLE[0], TABLE[4]]
    assert kpi.allowed_scores(D("75"), gap) is None  # HR left a gap


def test_a_score_outside_the_allowed_range_names_the_percent_and_range():  # 002 p28
    kpi.check_score(D(2), D("60.00"), TABLE, field="score_kpi3", label="KPI 3")
    with pytest.raises(DomainError) as err:
        kpi.check_score(D(4), D("60.00"), TABLE, field="score_kpi3", label="KPI 3")
    assert err.value.field == "score_kpi3" and err.value.code == "score_not_allowed"
    text = err.value.text()
    assert "60.00" in text and "1" in text and "2" in text
    with pytest.raises(DomainError) as err:
        kpi.check_score(D(2), D("75"), [TABLE[0]], field="score_kpi1", label="KPI 1")
    assert err.value.code == "score_not_allowed"


def test_the_2018_sheet_score_is_the_count_achieved():  # 001 p18
    assert kpi.count_achieved([True, True, True, True, False]) == 4
    assert kpi.count_achieved([True, None]) is None
    assert kpi.count_achieved([]) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", D(12)),
        ("97,5", D("97.5")),
        (" 1 250 ", D(1250)),
        (7, D(7)),
        (2.5, D("2.5")),
        ("", None),
        (None, None),
    ],
)
def test_values_parse(raw, value):
    assert kpi.parse_value(raw, field="actual_kpi1", label="KPI 1") == value


@pytest.mark.parametrize(
    "raw", ["1e9", "NaN", "inf", True, "٥", "1" * 15, "0.00001", "-1", [1], "1\x00"]
)
def test_bad_values_are_refused_naming_the_field(raw):
    with pytest.raises(DomainError) as err:
        kpi.parse_value(raw, field="actual_kpi1", label="KPI 1")
    assert err.value.field == "actual_kpi1"


@given(
    st.decimals(min_value=0, max_value=10**6, places=2),
    st.decimals(min_value=0, max_value=10**6, places=2),
)
def test_achieved_means_at_least_one_hundred_percent(planned, actual):  # 001 p18, 002 p28
    for higher in (True, False):
        if kpi.achieved(planned, actual, higher):
            assert kpi.percent_achieved(planned, actual, higher) >= 100
