from __future__ import annotations

from datetime import date

import pytest

from bagalau.reports import rules


def test_it_ends_a_period_on_its_last_day():
    assert rules.period_end(2022) == date(2022, 12, 31)
    assert rules.period_end(2023, 1) == date(2023, 3, 31)
    assert rules.period_end(2023, 2) == date(2023, 6, 30)
    assert rules.period_end(2023, 3) == date(2023, 9, 30)
    assert rules.period_end(2023, 4) == date(2023, 12, 31)
    with pytest.raises(ValueError):
        rules.period_end(2023, 5)


def test_it_keeps_a_year_three_years_counted_from_the_day_after():
    # 001 p8; 002 p15: the year 2022 ends 31.12.2022; three years from 01.01.2023 run to
    # 31.12.2025 inclusive; the record expires on 01.01.2026.
    assert rules.kept_until(date(2022, 12, 31)) == date(2025, 12, 31)
    assert rules.expires_on(date(2022, 12, 31)) == date(2026, 1, 1)
    assert not rules.is_expired(date(2022, 12, 31), date(2025, 12, 31))
    assert rules.is_expired(date(2022, 12, 31), date(2026, 1, 1))


def test_it_counts_a_quarter_from_its_own_end():
    # 002 p15 (quarterly evaluations, 002 p5): Q1 2023 ends 31.03.2023, kept to 31.03.2026.
    assert rules.period_expires_on(2023, 1) == date(2026, 4, 1)
    assert not rules.period_expired(2023, 1, date(2026, 3, 31))
    assert rules.period_expired(2023, 1, date(2026, 4, 1))
    # Q4 is the year's end: kept to 31.12.2026.
    assert rules.period_expires_on(2023, 4) == rules.period_expires_on(2023, 0)


def test_it_sorts_the_fixture_years_on_1_december_2026():
    # 001 p8: on 01.12.2026 the records of 2021 and 2022 have expired, those of 2023 not.
    today = date(2026, 12, 1)
    assert rules.period_expired(2021, 0, today)
    assert rules.period_expired(2022, 0, today)
    assert not rules.period_expired(2023, 0, today)
    assert rules.period_expired(2023, 3, today)  # 30.09.2023 + 3 years: expired 01.10.2026


def test_it_handles_29_february():
    # 002 p15: three years after 28.02.2024 is 28.02.2027, the last day kept (the term
    # counted from 29.02.2024 ends on the same date three years after the end, as for any
    # other end); three years after 29.02.2024 there is no 29th: the term ends on the 28th.
    assert rules.kept_until(date(2024, 2, 28)) == date(2027, 2, 28)
    assert rules.expires_on(date(2024, 2, 28)) == date(2027, 3, 1)
    assert rules.kept_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert rules.expires_on(date(2024, 2, 29)) == date(2027, 3, 1)
    assert rules.kept_until(date(2023, 2, 28)) == date(2026, 2, 28)
    assert rules.expires_on(date(2025, 2, 28)) == date(2028, 2, 29)


def test_a_quarter_outside_0_to_4_is_refused():
    for quarter in (-1, 5):
        with pytest.raises(ValueError, match=f"^quarter {quarter} is not 0-4$"):
            rules.period_end(2023, quarter)
    with pytest.raises(ValueError, match="^quarter 5 is not 0-4$"):
        rules.period_expires_on(2023, 5)


def test_the_year_is_the_default_period():
    # 001 p8: the year's records (quarter 0) are kept three years after 31 December.
    assert rules.period_expires_on(2023) == date(2027, 1, 1)
    assert rules.period_end(2024, 1) == date(2024, 3, 31)
    # 002 p15: Q2 2024 ends 30.06.2024; kept to 30.06.2027, expired from 01.07.2027.
    assert rules.kept_until(rules.period_end(2024, 2)) == date(2027, 6, 30)
    assert not rules.period_expired(2024, 2, date(2027, 6, 30))
    assert rules.period_expired(2024, 2, date(2027, 7, 1))
    assert rules.is_expired(date(2024, 6, 30), date(2027, 7, 2))
