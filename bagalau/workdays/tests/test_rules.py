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


# --- Pinned by mutation testing (issue 18 item 2) ----------------------------------------

# methodology.md §6: "a Saturday can become a working day, a Friday a day off". In 2024
# Saturday 4 May was worked for Wednesday 8 May (written out here, not read from a package).
MAY_2024 = Calendar(
    days_off=frozenset({date(2024, 5, 8)}), working_weekends=frozenset({date(2024, 5, 4)})
)


def test_a_working_saturday_counts_at_the_end_of_a_count_not_at_its_start() -> None:
    # methodology.md §6: (a, b], a not counted: Fri 3 → Sat 4 is one day, Sat 4 → Mon 6 one.
    assert working_days_between(date(2024, 5, 3), date(2024, 5, 4), MAY_2024) == 1
    assert working_days_between(date(2024, 5, 4), date(2024, 5, 6), MAY_2024) == 1
    assert working_days_between(date(2024, 5, 4), date(2024, 5, 4), MAY_2024) == 0
    # backwards, [b, a): Mon 6 → Sat 4 passes Sat 4 only; Sat 4 → Fri 3 passes Fri 3.
    assert working_days_between(date(2024, 5, 6), date(2024, 5, 4), MAY_2024) == -1
    assert working_days_between(date(2024, 5, 4), date(2024, 5, 3), MAY_2024) == -1
    assert working_days_between(date(2024, 5, 5), date(2024, 5, 3), MAY_2024) == -2


def test_a_weekday_off_counts_at_neither_end() -> None:
    # methodology.md §6: Wednesday 8 May 2024 is a day off by transfer.
    assert working_days_between(date(2024, 5, 7), date(2024, 5, 8), MAY_2024) == 0
    assert working_days_between(date(2024, 5, 8), date(2024, 5, 9), MAY_2024) == 1
    assert working_days_between(date(2024, 5, 9), date(2024, 5, 8), MAY_2024) == 0
    assert working_days_between(date(2024, 5, 8), date(2024, 5, 7), MAY_2024) == -1
    # The week of 4-10 May 2024: Sat 4, Mon 6, Tue 7, Thu 9, Fri 10.
    assert working_days_between(date(2024, 5, 3), date(2024, 5, 10), MAY_2024) == 5
    assert working_days_between(date(2024, 5, 10), date(2024, 5, 3), MAY_2024) == -5


def test_it_steps_onto_and_off_a_working_saturday() -> None:
    # methodology.md §6: "within N working days after X", X not counted.
    assert add_working_days(date(2024, 5, 3), 1, MAY_2024) == date(2024, 5, 4)
    assert add_working_days(date(2024, 5, 4), 1, MAY_2024) == date(2024, 5, 6)
    assert add_working_days(date(2024, 5, 6), -1, MAY_2024) == date(2024, 5, 4)
    assert add_working_days(date(2024, 5, 4), -1, MAY_2024) == date(2024, 5, 3)
    assert add_working_days(date(2024, 5, 7), 1, MAY_2024) == date(2024, 5, 9)
    assert add_working_days(date(2024, 5, 9), -1, MAY_2024) == date(2024, 5, 7)
    assert next_working_day_on_or_after(date(2024, 5, 4), MAY_2024) == date(2024, 5, 4)
    assert next_working_day_on_or_after(date(2024, 5, 5), MAY_2024) == date(2024, 5, 6)
    assert previous_working_day_on_or_before(date(2024, 5, 5), MAY_2024) == date(2024, 5, 4)
    assert previous_working_day_on_or_before(date(2024, 5, 8), MAY_2024) == date(2024, 5, 7)
    assert is_working_day(date(2024, 5, 4), MAY_2024)
    assert not is_working_day(date(2024, 5, 5), MAY_2024)
    assert not is_working_day(date(2024, 5, 8), MAY_2024)


def test_a_count_over_whole_weeks_has_five_days_a_week() -> None:
    # methodology.md §6: Monday-Friday, the start not counted. 1 January 0001 is a Monday.
    monday = date(2026, 4, 6)
    for offset, expected in enumerate([0, 1, 2, 3, 4, 4, 4, 5, 6]):
        day = date.fromordinal(monday.toordinal() + offset)
        assert working_days_between(monday, day, PLAIN) == expected, day
    assert working_days_between(date(1, 1, 1), date(1, 1, 7), PLAIN) == 4
    assert working_days_between(date(1, 1, 6), date(1, 1, 8), PLAIN) == 1
    assert working_days_between(date(1, 1, 7), date(1, 1, 6), PLAIN) == 0
    assert working_days_between(date(1, 1, 8), date(1, 1, 5), PLAIN) == -1


def test_a_calendar_given_a_date_twice_keeps_the_last_value() -> None:
    cal = Calendar.from_overrides(
        [(date(2026, 3, 23), True), (date(2026, 3, 23), False), (date(2024, 5, 4), False)]
    )
    assert cal == Calendar(days_off=frozenset({date(2026, 3, 23)}))
    cal = Calendar.from_overrides([(date(2024, 5, 4), False), (date(2024, 5, 4), True)])
    assert cal == Calendar(working_weekends=frozenset({date(2024, 5, 4)}))


def test_a_date_both_off_and_worked_is_named() -> None:
    with pytest.raises(DomainError) as error:
        Calendar(
            days_off=frozenset({date(2026, 5, 2), date(2026, 5, 9), date(2026, 5, 12)}),
            working_weekends=frozenset({date(2026, 5, 9), date(2026, 5, 2)}),
        )
    assert error.value.message is rules.MSG_OVERLAP
    assert (error.value.code, error.value.field, error.value.params) == (
        "calendar_overlap",
        None,
        {"days": "2026-05-02, 2026-05-09"},
    )


def _off_weekdays(first: date, last: date) -> frozenset[date]:
    days = (date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
    return frozenset(d for d in days if d.weekday() < 5)


def test_it_accepts_366_days_off_in_a_row_and_refuses_367() -> None:
    # Monday 5 January 2026 to Tuesday 5 January 2027 is 366 days; Wednesday 6 January 2027
    # the first working day after them.
    year_off = Calendar(days_off=_off_weekdays(date(2026, 1, 5), date(2027, 1, 5)))
    assert add_working_days(date(2026, 1, 4), 1, year_off) == date(2027, 1, 6)
    longer = Calendar(days_off=_off_weekdays(date(2026, 1, 5), date(2027, 1, 6)))
    with pytest.raises(DomainError) as error:
        add_working_days(date(2026, 1, 4), 1, longer)
    assert error.value.message is rules.MSG_NO_WORKING_DAYS
    assert (error.value.code, error.value.field, error.value.params) == (
        "no_working_days",
        None,
        {"day": "2026-01-04"},
    )
    with pytest.raises(DomainError) as error:
        next_working_day_on_or_after(date(2026, 1, 3), longer)
    assert error.value.params == {"day": "2026-01-03"}


def test_the_most_working_days_is_2000_either_way() -> None:
    with pytest.raises(DomainError) as error:
        add_working_days(date(2026, 1, 1), -2001, PLAIN)
    assert error.value.message is rules.MSG_TOO_MANY_DAYS
    assert (error.value.code, error.value.field, error.value.params) == (
        "too_many_working_days",
        "working_days",
        {"max": 2000},
    )
    # 2000 working days are 400 weeks: 2800 days before Friday 2 January 2026.
    assert add_working_days(date(2026, 1, 2), -2000, PLAIN) == date(2018, 5, 4)


def test_it_reports_dates_out_of_range_at_both_ends() -> None:
    for start, n in ((date(9999, 12, 31), 1), (date(1, 1, 1), -1)):
        with pytest.raises(DomainError) as error:
            add_working_days(start, n, PLAIN)
        assert error.value.message is rules.MSG_OUT_OF_RANGE
        assert (error.value.code, error.value.field) == ("date_out_of_range", "start")
    # Friday 31 December 9999 is itself the last working day.
    assert previous_working_day_on_or_before(date(9999, 12, 31), PLAIN) == date(9999, 12, 31)


def test_day_1_and_day_31_are_the_bounds_of_a_day_of_the_month() -> None:
    # 002 p5: "no later than the 10th day of the month after the quarter".
    assert day_of_month_after_period(date(2026, 3, 31), 1) == date(2026, 4, 1)
    assert day_of_month_after_period(date(2026, 6, 30), 31) == date(2026, 7, 31)
    assert day_of_month_after_period(date(2026, 3, 31), 31) == date(2026, 4, 30)
    assert day_of_month_after_period(date(2026, 11, 30), 31) == date(2026, 12, 31)
    for day in (0, 32):
        with pytest.raises(DomainError) as error:
            day_of_month_after_period(date(2026, 3, 31), day)
        assert error.value.message is rules.MSG_DAY_OF_MONTH
        assert (error.value.code, error.value.field, error.value.params) == (
            "day_of_month",
            "day",
            {},
        )


def test_the_month_after_the_last_one_the_calendar_holds_is_refused() -> None:
    assert day_of_month_after_period(date(9999, 11, 30), 10) == date(9999, 12, 10)
    with pytest.raises(DomainError) as error:
        day_of_month_after_period(date(9999, 12, 31), 10)
    assert error.value.message is rules.MSG_OUT_OF_RANGE
    assert (error.value.code, error.value.field) == ("date_out_of_range", "period_end")


def test_quarters_and_years_have_their_bounds() -> None:
    # 002 p5: quarterly evaluations.
    assert quarter_bounds(2026, 3) == (date(2026, 7, 1), date(2026, 9, 30))
    assert quarter_bounds(2024, 1) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_bounds(1, 1) == (date(1, 1, 1), date(1, 3, 31))
    assert quarter_bounds(9999, 4) == (date(9999, 10, 1), date(9999, 12, 31))
    for q in (0, 5):
        with pytest.raises(DomainError) as error:
            quarter_bounds(2026, q)
        assert error.value.message is rules.MSG_QUARTER
        assert (error.value.code, error.value.field) == ("quarter", "quarter")
    for year in (0, 10000):
        with pytest.raises(DomainError) as error:
            quarter_bounds(year, 1)
        assert error.value.message is rules.MSG_YEAR
        assert (error.value.code, error.value.field) == ("year", "year")
    assert [quarter_of(date(2026, m, d)) for m, d in ((3, 31), (4, 1), (12, 31))] == [1, 2, 4]


def test_a_count_from_a_day_to_itself_is_zero_even_on_the_first_day() -> None:
    # methodology.md §6: (a, a] holds no day; 1 January 0001 has no day before it.
    assert working_days_between(date(1, 1, 1), date(1, 1, 1), PLAIN) == 0
    assert working_days_between(date(1, 1, 1), date(1, 1, 2), PLAIN) == 1


def test_a_weekend_day_off_and_a_weekday_worked_change_nothing() -> None:
    # The Calendar docstring: such dates are no exception to Monday-Friday.
    cal = Calendar(
        days_off=frozenset({date(2026, 4, 11)}), working_weekends=frozenset({date(2026, 4, 8)})
    )
    assert working_days_between(date(2026, 4, 5), date(2026, 4, 12), cal) == 5
    assert working_days_between(date(2026, 4, 12), date(2026, 4, 5), cal) == -5
    assert add_working_days(date(2026, 4, 10), 1, cal) == date(2026, 4, 13)
