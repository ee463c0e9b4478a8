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


# --- Edges (issue 18 item 2), each expected value worked out by hand --------------------


@pytest.mark.parametrize(
    ("raw", "code", "params"),
    [
        ("abc", "value_format", {"field": "KPI 1"}),
        ("0" * 13 + "1234.5678", "value_format", {"field": "KPI 1"}),  # 22 characters
        ("-1", "value_negative", {"field": "KPI 1"}),
        ("0.00001", "value_size", {"field": "KPI 1", "digits": 14, "decimals": 4}),
        ("1" * 15, "value_size", {"field": "KPI 1", "digits": 14, "decimals": 4}),
        (10**14, "value_size", {"field": "KPI 1", "digits": 14, "decimals": 4}),
        (D("1E+14"), "value_size", {"field": "KPI 1", "digits": 14, "decimals": 4}),
        (float("inf"), "value_format", {"field": "KPI 1"}),
        (D("NaN"), "value_format", {"field": "KPI 1"}),
        (object(), "value_format", {"field": "KPI 1"}),
    ],
)
def test_every_refusal_names_its_code_field_and_params(raw, code, params):
    # 002 p28: the planned and actual values are numbers the percent is computed from.
    with pytest.raises(DomainError) as err:
        kpi.parse_value(raw, field="actual_kpi1", label="KPI 1")
    assert (err.value.code, err.value.field, err.value.params) == (code, "actual_kpi1", params)
    messages = {
        "value_format": kpi.MSG_VALUE_FORMAT,
        "value_negative": kpi.MSG_VALUE_NEGATIVE,
        "value_size": kpi.MSG_VALUE_SIZE,
    }
    assert err.value.message is messages[code]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0" * 12 + "1234.5678", D("1234.5678")),  # 21 characters: the longest text
        ("0.0001", D("0.0001")),  # four decimals
        ("9" * 14, D("9" * 14)),  # fourteen digits
        (10**14 - 1, D(10**14 - 1)),
        ("1\u00a0250", D(1250)),  # a no-break space between thousands
        ("1 250,75", D("1250.75")),
        (D("100"), D(100)),
        ("-0", D(0)),
    ],
)
def test_the_largest_and_finest_values_are_accepted(raw, value):
    assert kpi.parse_value(raw, field="actual_kpi1", label="KPI 1") == value


def test_percent_achieved_is_rounded_half_up():
    # 002 p28, the module's decision: 0.01 / 200 × 100 = 0.005 % → 0.01 (half-even: 0.00).
    assert kpi.percent_achieved(D(200), D("0.01"), True) == D("0.01")


def test_percent_achieved_against_a_plan_of_one():
    # 002 p28: actual / planned × 100: a plan of 1 and an actual of 2 is 200 %.
    assert kpi.percent_achieved(D(1), D(2), True) == D("200.00")
    assert kpi.percent_achieved(D(2), D(1), False) == D("200.00")
    assert kpi.percent_achieved(D(1), D(2), False) == D("50.00")
    # Decision (module docstring): a zero plan not reached is 0 % (only a negative actual).
    assert kpi.percent_achieved(D(0), D(-5), True) == D(0)
    assert kpi.percent_achieved(D(-5), D(0), False) == D(0)


def test_allowed_scores_at_the_rows_edges():
    # 002 Appendix 3: each row's edges belong to it; below the table the lowest row.
    assert kpi.allowed_scores(D("89.99"), TABLE) == (D(2), D(3))
    assert kpi.allowed_scores(D("90"), TABLE) == (D(3), D(4))
    assert kpi.allowed_scores(D("1000"), TABLE) == (D(4), D(5))
    assert kpi.allowed_scores(D("1000.01"), TABLE) == (D(4), D(5))
    assert kpi.allowed_scores(D("0"), TABLE) == (D(0), D(1))
    assert kpi.allowed_scores(D("-1"), TABLE) == (D(0), D(1))
    partial = [TABLE[1], TABLE[2]]  # 70-99.99 only
    assert kpi.allowed_scores(D("50"), partial) == (D(2), D(3))  # below: the lowest row
    assert kpi.allowed_scores(D("150"), partial) == (D(3), D(4))  # above: the top row


def test_check_score_accepts_the_edges_and_names_what_it_refuses():
    # 002 p28: 60 % allows 1 to 2.
    kpi.check_score(D(1), D("60.00"), TABLE, field="score_kpi3", label="KPI 3")
    kpi.check_score(D(2), D("60.00"), TABLE, field="score_kpi3", label="KPI 3")
    with pytest.raises(DomainError) as err:
        kpi.check_score(D("2.01"), D("60.00"), TABLE, field="score_kpi3", label="KPI 3")
    assert (err.value.code, err.value.field, err.value.params) == (
        "score_not_allowed", "score_kpi3",
        {"field": "KPI 3", "percent": D("60.00"), "low": D(1), "high": D(2)},
    )  # fmt: skip
    with pytest.raises(DomainError) as err:
        kpi.check_score(D("0.99"), D("60.00"), TABLE, field="score_kpi3", label="KPI 3")
    assert err.value.code == "score_not_allowed"
    gap = [TABLE[0], TABLE[4]]
    with pytest.raises(DomainError) as err:
        kpi.check_score(D(2), D("75"), gap, field="score_kpi2", label="KPI 2")
    assert (err.value.code, err.value.field, err.value.params) == (
        "score_no_row", "score_kpi2", {"field": "KPI 2", "percent": D("75")},
    )  # fmt: skip
    assert err.value.message is kpi.MSG_SCORE_NO_ROW


def test_the_count_achieved_counts_only_true():
    # 001 p18: five achieved → five; none achieved → zero.
    assert kpi.count_achieved([True] * 5) == 5
    assert kpi.count_achieved([False, False]) == 0
    assert kpi.count_achieved([None]) is None


def test_overlapping_rows_give_the_first_row_holding_the_percent():
    # 002 Appendix 3 as HR typed it: rows that overlap; the row starting lowest that holds
    # the percent wins, even at the top row's upper edge.
    wide = kpi.ScoreRow(D(0), D(100), D(1), D(2))
    top = kpi.ScoreRow(D(50), D(100), D(3), D(4))
    assert kpi.allowed_scores(D(100), [top, wide]) == (D(1), D(2))
    assert kpi.allowed_scores(D("100.01"), [top, wide]) == (D(3), D(4))
