"""Жұмыс күндері: working-day arithmetic on the Kazakh calendar (methodology.md §6).

Pure: values in, values out; no ORM, no `now()`. A working day is Monday-Friday, minus the
calendar's days off (holidays, transferred days off), plus its working weekends (a Saturday
made a working day by transfer). "Within N working days after X" ends on the N-th working
day after X, X itself not counted.
"""

from __future__ import annotations

import calendar as stdlib_calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

MAX_WORKING_DAYS = 2000
# The longest run of days off we accept before calling the calendar broken.
MAX_DAYS_OFF_IN_A_ROW = 366

MSG_TOO_MANY_DAYS = _("The number of working days must be between -%(max)s and %(max)s.")
MSG_NO_WORKING_DAYS = _(
    "The calendar has no working day for more than a year around %(day)s: check its days off."
)
MSG_OUT_OF_RANGE = _("The date is outside the range the calendar can count.")
MSG_DAY_OF_MONTH = _("The day of the month must be between 1 and 31.")
MSG_QUARTER = _("The quarter must be 1, 2, 3 or 4.")
MSG_YEAR = _("The year must be between 1 and 9999.")
MSG_OVERLAP = _("A date cannot be both a day off and a working weekend: %(days)s.")

_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    """Exceptions to the Monday-Friday week: weekdays off and weekends worked.

    A weekend date in `days_off` or a weekday in `working_weekends` changes nothing; the
    two sets must not share a date.
    """

    days_off: frozenset[date] = frozenset()
    working_weekends: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        both = self.days_off & self.working_weekends
        if both:
            days = ", ".join(d.isoformat() for d in sorted(both))
            raise DomainError(MSG_OVERLAP, code="calendar_overlap", params={"days": days})

    @classmethod
    def from_overrides(cls, overrides: Iterable[tuple[date, bool]]) -> Calendar:
        """Build from (date, is_working) pairs, already resolved (a body row wins).

        Only real differences from Monday-Friday are kept, so equal calendars compare equal.
        A date given twice keeps its last value.
        """
        resolved: dict[date, bool] = {}
        for day, is_working in overrides:
            resolved[day] = is_working
        days_off = frozenset(d for d, w in resolved.items() if not w and _is_weekday(d))
        weekends = frozenset(d for d, w in resolved.items() if w and not _is_weekday(d))
        return cls(days_off=days_off, working_weekends=weekends)


WEEKDAYS_ONLY = Calendar()


def _is_weekday(day: date) -> bool:
    return day.weekday() < 5


def is_working_day(day: date, cal: Calendar) -> bool:
    """True on Monday-Friday unless a day off, and on a transferred working weekend."""
    if day in cal.days_off:
        return False
    if day in cal.working_weekends:
        return True
    return _is_weekday(day)


def _step(day: date, delta: timedelta) -> date:
    try:
        return day + delta
    except OverflowError:
        raise DomainError(MSG_OUT_OF_RANGE, code="date_out_of_range", field="start") from None


def _scan(start: date, delta: timedelta, cal: Calendar, *, include_start: bool) -> date:
    """The first working day from `start` in the direction of `delta`."""
    day = start if include_start else _step(start, delta)
    run = 0
    while not is_working_day(day, cal):
        run += 1
        if run > MAX_DAYS_OFF_IN_A_ROW:
            raise DomainError(
                MSG_NO_WORKING_DAYS, code="no_working_days", params={"day": start.isoformat()}
            )
        day = _step(day, delta)
    return day


def add_working_days(start: date, n: int, cal: Calendar) -> date:
    """The n-th working day after `start` (n > 0) or before it (n < 0); start not counted.

    n == 0 returns `start` itself, working day or not. |n| is at most MAX_WORKING_DAYS
    (field "working_days").
    """
    if abs(n) > MAX_WORKING_DAYS:
        raise DomainError(
            MSG_TOO_MANY_DAYS,
            code="too_many_working_days",
            field="working_days",
            params={"max": MAX_WORKING_DAYS},
        )
    delta = _ONE_DAY if n > 0 else -_ONE_DAY
    day = start
    for _i in range(abs(n)):
        day = _scan(day, delta, cal, include_start=False)
    return day


def next_working_day_on_or_after(day: date, cal: Calendar) -> date:
    """`day` if it is a working day, else the first working day after it."""
    return _scan(day, _ONE_DAY, cal, include_start=True)


def previous_working_day_on_or_before(day: date, cal: Calendar) -> date:
    """`day` if it is a working day, else the last working day before it."""
    return _scan(day, -_ONE_DAY, cal, include_start=True)


def _weekdays_through(ordinal: int) -> int:
    """Monday-Fridays among ordinals 1..ordinal (ordinal 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal, 7)
    return weeks * 5 + min(rest, 5)


def _count_forward(a: date, b: date, cal: Calendar) -> int:
    """Working days d with a < d <= b (a <= b)."""
    count = _weekdays_through(b.toordinal()) - _weekdays_through(a.toordinal())
    count -= sum(1 for d in cal.days_off if a < d <= b and _is_weekday(d))
    count += sum(1 for d in cal.working_weekends if a < d <= b and not _is_weekday(d))
    return count


def working_days_between(a: date, b: date, cal: Calendar) -> int:
    """Signed count of working days passed going from `a` to `b`, `a` not counted, `b` counted.

    b >= a: working days in (a, b]. b < a: minus the working days in [b, a). So it is the
    inverse of add_working_days: working_days_between(s, add_working_days(s, n)) == n.
    """
    if b >= a:
        return _count_forward(a, b, cal)
    # [b, a) == (b - 1, a - 1]
    return -_count_forward(_step(b, -_ONE_DAY), _step(a, -_ONE_DAY), cal)


# --- calendar-date rules ---------------------------------------------------------------


def day_of_month_after_period(period_end: date, day: int) -> date:
    """The `day`-th of the month after the one `period_end` falls in, clamped to its end.

    "No later than the 10th of the month after the quarter": 2026-03-31, 10 → 2026-04-10.
    """
    if not 1 <= day <= 31:
        raise DomainError(MSG_DAY_OF_MONTH, code="day_of_month", field="day")
    year, month = period_end.year, period_end.month + 1
    if month == 13:
        year, month = year + 1, 1
    if year > 9999:
        raise DomainError(MSG_OUT_OF_RANGE, code="date_out_of_range", field="period_end")
    last = stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(day, last))


def quarter_bounds(year: int, q: int) -> tuple[date, date]:
    """First and last day of quarter `q` (1-4) of `year`."""
    if not 1 <= q <= 4:
        raise DomainError(MSG_QUARTER, code="quarter", field="quarter")
    if not 1 <= year <= 9999:
        raise DomainError(MSG_YEAR, code="year", field="year")
    first_month = 3 * (q - 1) + 1
    last_month = first_month + 2
    last = stdlib_calendar.monthrange(year, last_month)[1]
    return date(year, first_month, 1), date(year, last_month, last)


def quarter_of(day: date) -> int:
    """The quarter (1-4) `day` falls in."""
    return (day.month - 1) // 3 + 1
