"""Periods and deadlines (rules/deadlines.py): the dates worked out by hand on the calendar."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules.deadlines import (
    MSG_QUARTER,
    MSG_RULE,
    day_of_next_month,
    due_date,
    period_bounds,
)


def weekdays(day: date, n: int) -> date:
    """A stand-in calendar: Monday to Friday work, no holidays (methodology.md §6)."""
    step, left = (1 if n >= 0 else -1), abs(n)
    while left:
        day += timedelta(days=step)
        if day.weekday() < 5:
            left -= 1
    return day


def no_calendar(day: date, n: int) -> date:
    raise AssertionError("a calendar-date rule must not count working days")


@pytest.mark.parametrize(
    ("year", "quarter", "start", "end"),
    [
        (2026, 1, date(2026, 1, 1), date(2026, 3, 31)),
        (2026, 2, date(2026, 4, 1), date(2026, 6, 30)),
        (2026, 3, date(2026, 7, 1), date(2026, 9, 30)),
        (2026, 4, date(2026, 10, 1), date(2026, 12, 31)),
        (2026, 0, date(2026, 1, 1), date(2026, 12, 31)),
        (2028, 1, date(2028, 1, 1), date(2028, 3, 31)),
    ],
)
def test_a_quarter_or_the_year_has_its_calendar_bounds(year, quarter, start, end):
    # 002 p5: quarterly evaluation; 001 p17: the year (quarter 0).
    assert period_bounds(year, quarter) == (start, end)


@pytest.mark.parametrize("quarter", [5, -1, 12])
def test_another_quarter_is_refused_on_the_quarter_field(quarter):
    # 002 p5: four quarters a year.
    with pytest.raises(DomainError) as err:
        period_bounds(2026, quarter)
    assert (err.value.code, err.value.field, err.value.params) == ("quarter", "quarter", {})
    assert err.value.message is MSG_QUARTER


@pytest.mark.parametrize(
    ("period_end", "day", "expected"),
    [
        (date(2026, 3, 31), 10, date(2026, 4, 10)),  # 002 p5: the 10th after Q1
        (date(2026, 6, 30), 10, date(2026, 7, 10)),
        (date(2026, 9, 30), 20, date(2026, 10, 20)),  # 2025 model: the 20th
        (date(2026, 12, 31), 20, date(2027, 1, 20)),  # after Q4: January of the next year
        (date(2026, 12, 31), 1, date(2027, 1, 1)),
        (date(2026, 1, 31), 31, date(2026, 2, 28)),  # February 2026 has 28 days
        (date(2028, 1, 31), 31, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2028, 1, 31), 30, date(2028, 2, 29)),
        (date(2026, 3, 31), 31, date(2026, 4, 30)),  # April has 30 days
        (date(2026, 3, 31), 30, date(2026, 4, 30)),
        (date(2026, 6, 30), 31, date(2026, 7, 31)),
        (date(2026, 11, 30), 31, date(2026, 12, 31)),  # December is still the same year
    ],
)
def test_the_nth_of_the_month_after_the_period(period_end, day, expected):
    # 002 p5, p27, p31: "no later than the Nth day of the month following the period".
    assert day_of_next_month(period_end, day) == expected
    assert (
        due_date("day_next_month", day, period_end=period_end, add_working_days=no_calendar)
        == expected
    )


def test_a_day_before_the_first_is_no_date():
    with pytest.raises(ValueError):
        day_of_next_month(date(2026, 3, 31), 0)


@pytest.mark.parametrize(
    ("amount", "expected"),
    [(130, date(2027, 1, 30)), (1231, date(2027, 12, 31)), (301, date(2027, 3, 1))],
)
def test_a_date_of_the_next_year(amount, expected):
    # 2025 model §4a: the year's final grade by 30 January of the next year (MMDD = 130).
    assert (
        due_date("date_next_year", amount, period_end=date(2026, 12, 31), add_working_days=None)
        == expected
    )


def test_working_days_after_the_event():
    # 002 p12; methodology.md §6: N working days after the event, the event day not counted.
    # Friday 10 April 2026 + 5 working days: Mon 13, Tue 14, Wed 15, Thu 16, Fri 17.
    assert due_date(
        "wd_after", 5, period_end=date(2026, 3, 31), event=date(2026, 4, 10),
        add_working_days=weekdays,
    ) == date(2026, 4, 17)  # fmt: skip
    # Without an event, from the period's end: Tuesday 31 March 2026 + 2 → Thursday 2 April.
    assert due_date("wd_after", 2, period_end=date(2026, 3, 31), add_working_days=weekdays) == date(
        2026, 4, 2
    )


def test_working_days_before_the_event():
    # 002 p12; methodology.md §6: Monday 13 April 2026 − 2 working days: Fri 10, Thu 9.
    assert due_date(
        "wd_before", 2, period_end=date(2026, 3, 31), event=date(2026, 4, 13),
        add_working_days=weekdays,
    ) == date(2026, 4, 9)  # fmt: skip
    # From the period's end: Tuesday 31 March 2026 − 1 → Monday 30 March.
    assert due_date(
        "wd_before", 1, period_end=date(2026, 3, 31), add_working_days=weekdays
    ) == date(2026, 3, 30)


def test_an_unknown_rule_is_refused_on_the_rule_field():
    with pytest.raises(DomainError) as err:
        due_date("wd_around", 3, period_end=date(2026, 3, 31), add_working_days=weekdays)
    assert (err.value.code, err.value.field, err.value.params) == ("deadline_rule", "rule", {})
    assert err.value.message is MSG_RULE
