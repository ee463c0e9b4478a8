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
