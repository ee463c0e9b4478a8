"""When an evaluation is due (002 p5; 2025 model §4a) and its period's bounds."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

MSG_QUARTER = _("The quarter must be 1, 2, 3 or 4 (0 for the whole year).")
MSG_RULE = _("Unknown deadline rule.")


def period_bounds(year: int, quarter: int) -> tuple[date, date]:
    """A quarter (1-4) or, with 0, the calendar year."""
    if quarter == 0:
        return date(year, 1, 1), date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise DomainError(MSG_QUARTER, code="quarter", field="quarter")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - timedelta(days=1)
    return start, end


def day_of_next_month(period_end: date, day: int) -> date:
    """ "No later than the Nth day of the month after the period" (002 p5): a calendar date.

    A day the month has not (the 31st of February) is its last day.
    """
    year, month = (
        (period_end.year + 1, 1)
        if period_end.month == 12
        else (period_end.year, period_end.month + 1)
    )
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_date(
    rule: str,
    amount: int,
    *,
    period_end: date,
    event: date | None = None,
    add_working_days: Callable[[date, int], date],
) -> date:
    """A deadline of the version's table as a date.

    day_next_month: the Nth of the month after the period (002 p5, p27, p31).
    date_next_year: MMDD of the next year (2025 model: 30 January → 130).
    wd_after / wd_before: N working days after / before the event (002 p12; methodology §6).
    """
    if rule == "day_next_month":
        return day_of_next_month(period_end, amount)
    if rule == "date_next_year":
        return date(period_end.year + 1, amount // 100, amount % 100)
    base = event or period_end
    if rule == "wd_after":
        return add_working_days(base, amount)
    if rule == "wd_before":
        return add_working_days(base, -amount)
    raise DomainError(MSG_RULE, code="deadline_rule", field="rule")
