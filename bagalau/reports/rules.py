"""Pure rules of the reports: how long evaluation records are kept (001 p8, 002 p15).

«Бағалау құжаттары ... үш жыл бойы сақталады»: the documents of an evaluation are kept three
years after the evaluation ends. The evaluation's period ends on the last day of its quarter
(a quarter result, a quarterly sheet) or of its year (a year result, an annual sheet, a 360
campaign); the three years are counted from the day after, so the last day a record is kept is
the same calendar day three years after the period's end, and it expires the day after that.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date, timedelta

KEEP_YEARS = 3  # 001 p8; 002 p15


def period_end(year: int, quarter: int = 0) -> date:
    """The last day of a quarter (1-4) or, for quarter 0, of the year."""
    if not 0 <= quarter <= 4:
        raise ValueError(f"quarter {quarter} is not 0-4")
    month = 12 if quarter == 0 else quarter * 3
    return date(year, month, monthrange(year, month)[1])


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one: the term ends on 28 February
        return day.replace(year=day.year + years, day=28)


def kept_until(end: date) -> date:
    """The last day the record of a period ending on `end` is kept.

    The term starts the day after the end and lasts three years: it ends on the same date
    three years later (on 28 February where that date is a 29 February).
    """
    return _add_years(end, KEEP_YEARS)


def expires_on(end: date) -> date:
    """The first day the record is no longer kept: the day after `kept_until`."""
    return kept_until(end) + timedelta(days=1)


def is_expired(end: date, today: date) -> bool:
    return today >= expires_on(end)


def period_expires_on(year: int, quarter: int = 0) -> date:
    return expires_on(period_end(year, quarter))


def period_expired(year: int, quarter: int, today: date) -> bool:
    return is_expired(period_end(year, quarter), today)
