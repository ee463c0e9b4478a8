"""reminder_days: which reminders fall due today (pure, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bagalau.core.errors import DomainError
from bagalau.notifications.rules import MSG_BAD_OFFSET, reminder_days
from bagalau.workdays.rules import Calendar
from bagalau.workdays.rules import add_working_days as calendar_add

# 2026-03-09 (Monday) is a day off in this test calendar (a holiday after 8 March).
CAL = Calendar.from_overrides([(date(2026, 3, 9), False)])


def add(day: date, n: int) -> date:
    return calendar_add(day, n, CAL)


def weekdays_only(day: date, n: int) -> date:
    step = timedelta(days=1 if n > 0 else -1)
    for _i in range(abs(n)):
        day += step
        while day.weekday() >= 5:
            day += step
    return day


# issue 3 item 7; methodology.md §6: counting backwards, the due day not counted.
def test_it_reminds_three_and_one_working_days_before():
    due = date(2026, 3, 6)  # Friday
    assert reminder_days(due, date(2026, 3, 3), (3, 1), weekdays_only) == [3]  # Tuesday
    assert reminder_days(due, date(2026, 3, 5), (3, 1), weekdays_only) == [1]  # Thursday
    assert reminder_days(due, date(2026, 3, 4), (3, 1), weekdays_only) == []
    assert reminder_days(due, due, (3, 1), weekdays_only) == []


# issue 3 item 7; methodology.md §6: the weekend between is not counted.
def test_it_skips_the_weekend_counting_backwards():
    due = date(2026, 3, 3)  # Tuesday: 1 before = Monday, 3 before = previous Thursday
    assert reminder_days(due, date(2026, 2, 26), (3, 1), weekdays_only) == [3]
    assert reminder_days(due, date(2026, 3, 2), (3, 1), weekdays_only) == [1]
    assert reminder_days(due, date(2026, 2, 28), (3, 1), weekdays_only) == []  # Saturday


# issue 3 item 7; methodology.md §6: a holiday is not a working day either.
def test_it_follows_the_body_calendar_over_a_holiday():
    due = date(2026, 3, 11)  # Wednesday; Monday 9 March is off
    assert reminder_days(due, date(2026, 3, 10), (3, 1), add) == [1]
    assert reminder_days(due, date(2026, 3, 5), (3, 1), add) == [3]
    assert reminder_days(due, date(2026, 3, 6), (3, 1), add) == []  # Tue 10, Fri 6, Thu 5


# issue 3 item 7: offsets are configurable; the same day counts once.
def test_it_takes_any_offsets_in_their_order():
    due = date(2026, 3, 6)
    assert reminder_days(due, date(2026, 3, 5), (1, 1, 5), weekdays_only) == [1]
    assert reminder_days(due, date(2026, 2, 27), (5, 1), weekdays_only) == [5]
    assert reminder_days(due, date(2026, 3, 5), (), weekdays_only) == []


def test_it_refuses_an_offset_that_is_not_before_the_deadline():
    with pytest.raises(DomainError) as info:
        reminder_days(date(2026, 3, 6), date(2026, 3, 6), (0,), weekdays_only)
    assert info.value.code == "reminder_offset"


# issue 3 item 7: an offset is a positive number of working days; 1 is the smallest.
def test_it_refuses_zero_and_negative_offsets_naming_the_field():
    for offsets in ((0,), (-1,), (1, 0)):
        with pytest.raises(DomainError) as info:
            reminder_days(date(2026, 3, 6), date(2026, 3, 5), offsets, weekdays_only)
        assert info.value.message is MSG_BAD_OFFSET
        assert (info.value.code, info.value.field, info.value.params) == (
            "reminder_offset",
            "offsets",
            {},
        )


# issue 3 item 7; methodology.md §6: 1 working day before Monday 9 March is Friday 6 March.
def test_it_counts_backwards_from_the_deadline_over_a_weekend():
    due = date(2026, 3, 9)
    assert reminder_days(due, date(2026, 3, 6), (1, 2), weekdays_only) == [1]
    assert reminder_days(due, date(2026, 3, 5), (1, 2), weekdays_only) == [2]
    assert reminder_days(due, date(2026, 3, 10), (1, 2), weekdays_only) == []
