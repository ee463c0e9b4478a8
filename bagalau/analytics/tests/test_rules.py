"""The pure rules of the analytics: who sees which section, withholding, runs, bands."""

from __future__ import annotations

from decimal import Decimal

from bagalau.analytics import rules
from bagalau.analytics.rules import BandRow


def test_it_gives_the_head_of_hr_every_section_of_the_whole_body():
    # 002 p21: the head of HR knows the results, persons included.
    a = rules.audience(hr_head=True, hr=True, heads_unit=True, superuser=False)
    assert a == rules.Audience(rules.SECTIONS, rules.WHOLE_BODY, withhold_small=False)


def test_it_gives_a_unit_head_aggregates_of_own_units_small_cells_withheld():
    # 002 p16, p21: no person's result can be read from an aggregate.
    a = rules.audience(hr_head=False, hr=False, heads_unit=True, superuser=False)
    assert a is not None and a.scope == rules.OWN_UNITS and a.withhold_small
    assert not a.shows(rules.LISTS) and not a.shows(rules.LATE)
    # An HR officer who also heads a unit runs the whole body's process as HR does.
    both = rules.audience(hr_head=False, hr=True, heads_unit=True, superuser=False)
    assert both is not None and both.shows(rules.LATE) and both.process_whole_body
    assert both.scope == rules.OWN_UNITS and not both.shows(rules.LISTS)


def test_it_gives_an_hr_officer_the_process_figures_only():
    # 002 p21: HR officers who are not the head see no score or band.
    a = rules.audience(hr_head=False, hr=True, heads_unit=False, superuser=False)
    assert a is not None and a.sections == (rules.MISSING, rules.LATE)


def test_it_gives_a_superuser_the_body_as_one_figure_and_nobody_else_anything():
    # 002 p21 names no platform operator: aggregates per body, never a unit or a person.
    a = rules.audience(hr_head=False, hr=False, heads_unit=False, superuser=True)
    assert (
        a is not None and a.scope == rules.BODY_TOTAL and a.sections == (rules.BANDS, rules.AVERAGE)
    )
    assert rules.audience(hr_head=False, hr=False, heads_unit=False, superuser=False) is None


def test_it_withholds_cells_of_fewer_than_three_persons():
    # 002 p16, p21
    assert [rules.withhold(n, small=True) for n in (0, 1, 2, 3, 10)] == [None, None, None, 3, 10]
    assert rules.withhold(1, small=False) == 1


def test_it_finds_a_unit_and_every_unit_below_it():
    parents = {1: None, 2: 1, 3: 2, 4: 1, 5: 3}
    assert rules.subtree(2, parents) == {2, 3, 5}
    assert rules.subtree(1, parents) == {1, 2, 3, 4, 5}


def test_it_finds_consecutive_periods_across_a_year_end():
    q4_2024, q1_2025 = rules.quarter_index(2024, 4), rules.quarter_index(2025, 1)
    assert q1_2025 == q4_2024 + 1
    assert rules.consecutive_runs([q4_2024, q1_2025, q1_2025 + 2]) == [(q4_2024, q1_2025)]
    assert rules.consecutive_runs([2021, 2023]) == []
    assert rules.consecutive_runs([2021, 2022, 2023]) == [(2021, 2023)]
    assert rules.last_quarters(2025, 2, 3) == [(2024, 4), (2025, 1), (2025, 2)]


def test_it_reads_the_top_and_lowest_bands_from_the_version_not_by_name():
    # 002 p8 (0-5 scale) and 001 p18 (the KPIs achieved): whatever the names.
    bands = [BandRow("x", Decimal("3")), BandRow("top", Decimal("4")), BandRow("low", Decimal(0))]
    assert rules.top_band(bands).code == "top"
    assert rules.lowest_band(bands).code == "low"
    assert rules.top_band([]) is None


def test_it_tells_a_decision_up_down_or_kept():
    # 002 p42: "up or down"; 001 p37-38: revised or approved.
    assert rules.direction(Decimal("3.00"), Decimal("3.50")) == rules.UP
    assert rules.direction(Decimal("3.00"), Decimal("2.00")) == rules.DOWN
    assert rules.direction(Decimal("3.00"), None) == rules.KEPT


def test_it_rounds_a_mean_half_up_to_two_decimals():
    # 002 p8: two decimals, half-up.
    assert rules.mean(Decimal("10.01"), 2) == Decimal("5.01")  # 5.005 → 5.01
    assert rules.mean(None, 0) is None


# --- Edges (issue 18 item 2), each expected value worked out by hand --------------------


def test_each_audience_in_full():
    # 002 p16, p21: the sections, scope and withholding of each viewer.
    head = rules.audience(hr_head=False, hr=False, heads_unit=True, superuser=True)
    assert head == rules.Audience(
        (rules.BANDS, rules.AVERAGE, rules.MISSING, rules.DECISIONS), rules.OWN_UNITS,
        withhold_small=True, process_whole_body=False,
    )  # fmt: skip
    both = rules.audience(hr_head=False, hr=True, heads_unit=True, superuser=False)
    assert both == rules.Audience(
        (rules.BANDS, rules.AVERAGE, rules.MISSING, rules.LATE, rules.DECISIONS),
        rules.OWN_UNITS, withhold_small=True, process_whole_body=True,
    )  # fmt: skip
    hr = rules.audience(hr_head=False, hr=True, heads_unit=False, superuser=True)
    assert hr == rules.Audience((rules.MISSING, rules.LATE), rules.WHOLE_BODY, False, False)
    su = rules.audience(hr_head=False, hr=False, heads_unit=False, superuser=True)
    assert su == rules.Audience((rules.BANDS, rules.AVERAGE), rules.BODY_TOTAL, True, False)
    assert rules.audience(hr_head=True, hr=False, heads_unit=False, superuser=False) == (
        rules.Audience(rules.SECTIONS, rules.WHOLE_BODY, False, False)
    )


def test_an_audience_shows_only_its_sections():
    a = rules.Audience((rules.MISSING,))
    assert a.shows(rules.MISSING) and not a.shows(rules.BANDS)
    assert (a.scope, a.withhold_small, a.process_whole_body) == (rules.WHOLE_BODY, False, False)


def test_withholding_keeps_nothing_and_large_cells():
    # 002 p16, p21: three persons or more are shown.
    assert rules.MIN_GROUP == 3
    assert rules.withhold(None, small=True) is None
    assert rules.withhold(None, small=False) is None
    assert rules.withhold(2, small=False) == 2
    assert rules.withhold(0, small=False) == 0


def test_a_subtree_of_a_leaf_or_an_unknown_unit_is_itself_and_loops_end():
    parents = {1: None, 2: 1, 3: 2}
    assert rules.subtree(3, parents) == {3}
    assert rules.subtree(9, parents) == {9}
    assert rules.subtree(1, {1: 2, 2: 1}) == {1, 2}  # a loop in the data ends


def test_quarters_in_one_sequence():
    # Q1 2025 = 2025 × 4 + 0 = 8100; Q4 2024 = 8099.
    assert rules.quarter_index(2025, 1) == 8100
    assert rules.quarter_index(2024, 4) == 8099
    assert rules.quarter_of(8100) == (2025, 1)
    assert rules.quarter_of(8103) == (2025, 4)
    assert rules.quarter_of(8099) == (2024, 4)


def test_the_last_eight_quarters_by_default():
    assert rules.last_quarters(2025, 2) == [
        (2023, 3), (2023, 4), (2024, 1), (2024, 2), (2024, 3), (2024, 4), (2025, 1), (2025, 2),
    ]  # fmt: skip
    assert rules.last_quarters(2025, 1, 1) == [(2025, 1)]


def test_runs_of_consecutive_periods():
    # 001 p44 / 002 p8: "two years (quarters) in a row"; the minimum is the caller's.
    assert rules.consecutive_runs([]) == []
    assert rules.consecutive_runs([5]) == []
    assert rules.consecutive_runs([5], minimum=1) == [(5, 5)]
    assert rules.consecutive_runs([7, 5, 6, 6]) == [(5, 7)]  # unsorted, repeated
    assert rules.consecutive_runs([1, 2, 4, 5, 6, 9]) == [(1, 2), (4, 6)]
    assert rules.consecutive_runs([1, 2, 4, 5, 6, 9], minimum=3) == [(4, 6)]
    assert rules.consecutive_runs([1, 2, 3, 5, 6], minimum=3) == [(1, 3)]
    assert rules.consecutive_runs([1, 3, 5]) == []


def test_the_lowest_band_of_none_is_none():
    assert rules.lowest_band([]) is None
    one = BandRow("only", Decimal(2))
    assert rules.top_band([one]) is one and rules.lowest_band([one]) is one


def test_a_decision_without_a_score_before_or_with_the_same_score_keeps_it():
    # 002 p42; 001 p37-38.
    assert rules.direction(None, Decimal("3.00")) == rules.KEPT
    assert rules.direction(None, None) == rules.KEPT
    assert rules.direction(Decimal("3.00"), Decimal("3.0")) == rules.KEPT
    assert (rules.UP, rules.DOWN, rules.KEPT) == ("up", "down", "kept")


def test_means_of_any_count():
    # 002 p8: two decimals, half-up: 2 / 3 = 0.666… → 0.67; 10 / 4 = 2.5 → 2.50.
    assert rules.mean(Decimal(2), 3) == Decimal("0.67")
    assert str(rules.mean(Decimal(10), 4)) == "2.50"
    assert rules.mean(Decimal("4.5"), 1) == Decimal("4.50")
    assert rules.mean(Decimal(5), 0) is None
    assert rules.mean(None, 3) is None
    assert rules.mean(Decimal("1.005"), 1) == Decimal("1.01")  # half-up, not half-even


def test_a_loop_met_early_does_not_hide_the_other_branches():
    # Unit 1 has sub-units 2 and 5; 5 points back to 1 (bad data): 2 is still found.
    assert rules.subtree(1, {2: 1, 5: 1, 1: 5}) == {1, 2, 5}
