"""Unit tests of the pure working-day arithmetic (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from bagalau.core.errors import DomainError
from bagalau.workdays import rules
from bagalau.workdays.rules import (
    Calendar,
    add_working_days,
    day_of_month_after_period,
    is_working_day,
    next_working_day_on_or_after,
    previous_working_day_on_or_before,
    quarter_bounds,
    quarter_of,
    working_days_between,
)
from bagalau.workdays.services import holiday_rows

# The national calendar 2024-2027 as the `holidays` package gives it (no database needed).
KZ = Calendar.from_overrides(
    (day, values["is_working"]) for day, values in holiday_rows(range(2024, 2028)).items()
)
PLAIN = rules.WEEKDAYS_ONLY


def test_it_counts_monday_to_friday_by_default() -> None:
    # methodology.md §6: working days are Monday-Friday minus holidays
    assert is_working_day(date(2026, 4, 6), PLAIN)  # Monday
    assert is_working_day(date(2026, 4, 10), PLAIN)  # Friday
    assert not is_working_day(date(2026, 4, 11), PLAIN)  # Saturday
    assert not is_working_day(date(2026, 4, 12), PLAIN)  # Sunday


def test_it_knows_nauryz_and_transfers() -> None:
    # methodology.md §6: public holidays and transferred days off
    assert not is_working_day(date(2026, 3, 23), KZ)  # Nauryz
    assert not is_working_day(date(2026, 3, 25), KZ)  # Nauryz, observed
    # methodology.md §6: "a Saturday can become a working day": 4 May 2024 for 8 May
    assert is_working_day(date(2024, 5, 4), KZ)
    assert not is_working_day(date(2024, 5, 8), KZ)


def test_it_adds_working_days_over_nauryz() -> None:
    # methodology.md §6 and the issue: 20 March 2026 + 3 working days → 30 March (Nauryz)
    assert add_working_days(date(2026, 3, 20), 3, KZ) == date(2026, 3, 30)


def test_it_does_not_count_the_start_day() -> None:
    # 002 p12: "within 2 working days after the evaluation ends": end Monday → Wednesday
    assert add_working_days(date(2026, 4, 13), 2, KZ) == date(2026, 4, 15)
    # the start on a day off: the first working day after it is day 1
    assert add_working_days(date(2026, 4, 11), 1, KZ) == date(2026, 4, 13)


def test_it_counts_backwards() -> None:
    # 002 p23: "no later than 5 working days before" the last day (Friday 10 April 2026)
    assert add_working_days(date(2026, 4, 10), -5, KZ) == date(2026, 4, 3)
    # backwards over Nauryz: 26 March 2026 - 1 → 20 March
    assert add_working_days(date(2026, 3, 26), -1, KZ) == date(2026, 3, 20)


def test_it_returns_the_start_for_zero() -> None:
    assert add_working_days(date(2026, 3, 22), 0, KZ) == date(2026, 3, 22)


def test_it_rejects_too_many_working_days() -> None:
    with pytest.raises(DomainError) as error:
        add_working_days(date(2026, 1, 1), 2001, KZ)
    assert error.value.field == "working_days"
    with pytest.raises(DomainError):
        add_working_days(date(2026, 1, 1), -2001, KZ)
    assert add_working_days(date(2026, 1, 1), 2000, KZ) > date(2033, 1, 1)


def test_it_stops_on_a_calendar_without_working_days() -> None:
    days = frozenset(date.fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(800))
    broken = Calendar(days_off=days)
    with pytest.raises(DomainError) as error:
        add_working_days(date(2026, 1, 1), 1, broken)
    assert error.value.code == "no_working_days"


def test_it_reports_dates_out_of_range() -> None:
    with pytest.raises(DomainError) as error:
        add_working_days(date(9999, 12, 30), 5, PLAIN)
    assert error.value.field == "start"


def test_it_rejects_a_date_both_off_and_working() -> None:
    with pytest.raises(DomainError):
        Calendar(
            days_off=frozenset({date(2026, 5, 2)}), working_weekends=frozenset({date(2026, 5, 2)})
        )


def test_it_counts_between_dates() -> None:
    # methodology.md §6: 2026 has the days in (a, b], negative backwards
    assert working_days_between(date(2026, 3, 20), date(2026, 3, 30), KZ) == 3
    assert working_days_between(date(2026, 3, 30), date(2026, 3, 20), KZ) == -3
    assert working_days_between(date(2026, 3, 20), date(2026, 3, 20), KZ) == 0
    assert working_days_between(date(2025, 12, 31), date(2026, 12, 31), PLAIN) == 261


def test_it_finds_the_nearest_working_day() -> None:
    assert next_working_day_on_or_after(date(2026, 3, 21), KZ) == date(2026, 3, 26)
    assert next_working_day_on_or_after(date(2026, 3, 26), KZ) == date(2026, 3, 26)
    assert previous_working_day_on_or_before(date(2026, 3, 25), KZ) == date(2026, 3, 20)


def test_it_builds_canonical_calendars() -> None:
    cal = Calendar.from_overrides(
        [
            (date(2026, 3, 21), False),  # a Saturday holiday: already off
            (date(2026, 3, 23), False),  # a Monday off
            (date(2024, 5, 4), True),  # a Saturday worked
            (date(2026, 4, 1), True),  # a Wednesday worked: already working
        ]
    )
    assert cal == Calendar(
        days_off=frozenset({date(2026, 3, 23)}), working_weekends=frozenset({date(2024, 5, 4)})
    )


def test_it_gives_the_day_of_the_month_after_the_quarter() -> None:
    # 002 p5: no later than the 10th day of the month after the quarter
    assert day_of_month_after_period(date(2026, 3, 31), 10) == date(2026, 4, 10)
    assert day_of_month_after_period(date(2026, 12, 31), 10) == date(2027, 1, 10)
    # clamped to the month's end
    assert day_of_month_after_period(date(2026, 1, 31), 31) == date(2026, 2, 28)
    assert day_of_month_after_period(date(2028, 1, 31), 30) == date(2028, 2, 29)
    with pytest.raises(DomainError) as error:
        day_of_month_after_period(date(2026, 3, 31), 0)
    assert error.value.field == "day"


def test_it_knows_quarters() -> None:
    # 002 p5: evaluations are quarterly
    assert quarter_bounds(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))
    assert quarter_bounds(2026, 2) == (date(2026, 4, 1), date(2026, 6, 30))
    assert quarter_bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert [quarter_of(date(2026, m, 1)) for m in range(1, 13)] == [1] * 3 + [2] * 3 + [3] * 3 + [
        4
    ] * 3
    with pytest.raises(DomainError) as error:
        quarter_bounds(2026, 5)
    assert error.value.field == "quarter"
