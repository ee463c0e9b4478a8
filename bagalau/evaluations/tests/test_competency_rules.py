"""The 2018 competency sheet's pure rules (001 p25-27; 002 Appendix 3)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules import competency as rules


@pytest.mark.parametrize("total", range(1, 11))
def test_three_quarters_observed_meets_expectations_at_every_count(total):
    # 001 p27: "meets expectations" when at least 3/4 of the indicators were observed.
    for observed in range(total + 1):
        expected = Fraction(observed, total) >= Fraction(3, 4)
        assert rules.meets(observed, total) is expected, (observed, total)


def test_the_boundaries_in_exact_arithmetic():
    # 001 p27: 3 of 4 meets, 5 of 7 (0.714) does not, 6 of 8 meets, 7 of 10 does not.
    assert rules.meets(3, 4) and rules.meets(6, 8) and rules.meets(8, 10)
    assert not rules.meets(5, 7) and not rules.meets(7, 10) and not rules.meets(2, 3)
    assert rules.meets(1, 1) and not rules.meets(0, 1)


@given(st.integers(1, 10).flatmap(lambda t: st.tuples(st.integers(0, t), st.just(t))))
def test_meets_is_never_a_float_comparison(pair):
    observed, total = pair  # 001 p27
    assert rules.meets(observed, total) == (4 * observed >= 3 * total)


def test_meets_refuses_impossible_counts():
    with pytest.raises(ValueError):
        rules.meets(0, 0)
    with pytest.raises(ValueError):
        rules.meets(5, 4)


def test_outcome_lists_the_indicators_not_observed():
    # 002 Appendix 3: the form's last column lists the indicators not observed.
    result = rules.outcome([True, False, True, True])
    assert (result.observed, result.total, result.meets) == (3, 4, True)
    assert result.not_observed == (1,)
    unfinished = rules.outcome([True, None, False])
    assert unfinished.complete is False and unfinished.meets is None
    assert unfinished.not_observed == (2,)


def test_met_count_only_once_every_competency_is_marked():
    done = [rules.outcome([True] * 4), rules.outcome([True, False, False, True])]
    assert rules.met_count(done) == 1
    assert rules.met_count([*done, rules.outcome([None])]) is None


def test_at_most_ten_indicators_per_competency():
    # 001 p26: at most 10 behaviour indicators per competency.
    rules.check_indicator_count(10, field="indicators", label="x")
    with pytest.raises(DomainError) as err:
        rules.check_indicator_count(11, field="indicators", label="x")
    assert err.value.code == "too_many_indicators" and err.value.field == "indicators"


def test_customer_competencies_only_where_public_services_are_provided():
    # 002 Appendix 3 note: without public services the two customer competencies are left out.
    assert rules.applies(customer=True, provides_public_services=True)
    assert not rules.applies(customer=True, provides_public_services=False)
    assert rules.applies(customer=False, provides_public_services=False)


@pytest.mark.parametrize("raw", ["maybe", "2", "1e9", "\x00"])
def test_a_mark_is_observed_not_observed_or_empty(raw):
    assert rules.parse_mark("1", field="f", label="l") is True
    assert rules.parse_mark("0", field="f", label="l") is False
    assert rules.parse_mark("", field="f", label="l") is None
    with pytest.raises(DomainError) as err:
        rules.parse_mark(raw, field="mark_x-1", label="l")
    assert err.value.field == "mark_x-1"


# --- Edges (issue 18 item 2) ------------------------------------------------------------


@pytest.mark.parametrize(("observed", "total"), [(-1, 4), (1, -4), (0, -1), (5, 4), (1, 0)])
def test_meets_refuses_every_impossible_count(observed, total):
    # 001 p27: x of y observed, 0 ≤ x ≤ y, y ≥ 1.
    with pytest.raises(ValueError, match="^observed must be between 0 and a positive total$"):
        rules.meets(observed, total)


def test_meets_at_the_edges_of_the_counts():
    # 001 p27: 0 of 10 does not meet, 10 of 10 does; 3/4 of 4 exactly meets.
    assert rules.meets(10, 10) and not rules.meets(0, 10) and rules.meets(3, 4)


def test_an_outcome_is_complete_only_with_every_mark():
    # 002 Appendix 3: "x of y observed" once every indicator is marked.
    assert rules.outcome([]) == rules.Outcome(0, 0, False, None, ())
    assert rules.outcome([None, None]) == rules.Outcome(0, 2, False, None, ())
    assert rules.outcome([False, True, False, True]) == rules.Outcome(2, 4, True, False, (0, 2))
    assert rules.outcome([True, True, True, False]) == rules.Outcome(3, 4, True, True, (3,))


def test_met_count_counts_the_competencies_that_meet():
    # 001 p27: two of three competencies meet expectations.
    done = [
        rules.outcome([True, True, True, True]),
        rules.outcome([True, True, True, False]),
        rules.outcome([False, False, True, True]),
    ]
    assert rules.met_count(done) == 2
    assert rules.met_count([]) is None
    assert rules.met_count([rules.outcome([False])]) == 0


def test_the_eleventh_indicator_names_the_limit_and_the_count():
    # 001 p26: at most 10 behaviour indicators per competency.
    rules.check_indicator_count(0, field="indicators", label="Leadership")
    with pytest.raises(DomainError) as err:
        rules.check_indicator_count(11, field="indicators", label="Leadership")
    assert (err.value.code, err.value.field, err.value.params) == (
        "too_many_indicators", "indicators", {"field": "Leadership", "max": 10, "count": 11},
    )  # fmt: skip
    assert err.value.message is rules.MSG_TOO_MANY


@pytest.mark.parametrize(
    ("raw", "mark"),
    [
        ("1", True), ("true", True), ("yes", True), ("observed", True), (" Observed ", True),
        (1, True), (True, True),
        ("0", False), ("false", False), ("no", False), ("not_observed", False), ("NO", False),
        (0, False), (False, False),
        ("", None), ("  ", None), ("none", None), ("None", None), (None, None),
    ],
)  # fmt: skip
def test_every_mark_spelling(raw, mark):
    # 001 p27: observed or not observed; empty while not marked yet.
    assert rules.parse_mark(raw, field="mark_x-1", label="Indicator 1") is mark


def test_an_unknown_mark_names_its_field():
    with pytest.raises(DomainError) as err:
        rules.parse_mark("maybe", field="mark_x-1", label="Indicator 1")
    assert (err.value.code, err.value.field, err.value.params) == (
        "invalid", "mark_x-1", {"field": "Indicator 1"},
    )  # fmt: skip
    assert err.value.message is rules.MSG_MARK


def test_a_non_customer_competency_applies_everywhere():
    # 002 Appendix 3 note: only the two customer competencies depend on public services.
    assert rules.applies(customer=False, provides_public_services=True)
