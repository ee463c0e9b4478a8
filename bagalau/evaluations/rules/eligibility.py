"""Who is evaluated for a period, and how (001 p4; 002 p6-7, p23).

One pure function: `eligibility(...)`. It knows nothing of the database: the caller
passes the servant's appointment in the evaluated position, absences, the period, the
evaluation date and the parameters of the methodology version and evaluation kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bagalau.org.rules import add_months


class Status(StrEnum):
    EVALUATED = "evaluated"
    NOT_EVALUATED = "not_evaluated"
    DEFERRED = "deferred"
    WITHOUT_PARTICIPATION = "without_participation"


class Reason(StrEnum):
    NONE = ""
    NOT_IN_POSITION = "not_in_position"
    UNDER_MIN_MONTHS = "under_min_months"  # 001 p4; 002 p6
    PROBATION = "probation"  # 001 p4
    ABSENT = "absent"  # 001 p4; 002 p6
    DISMISSED = "dismissed"  # 002 p7


@dataclass(frozen=True)
class Stint:
    """The servant's time in the evaluated position (one appointment)."""

    start: date
    end: date | None = None
    probation_end: date | None = None
    dismissed: bool = False  # ended by dismissal (not by a transfer)


@dataclass(frozen=True)
class Away:
    start: date
    end: date
    kind: str = ""


@dataclass(frozen=True)
class Params:
    """The version and kind parameters the rule needs."""

    min_months: int = 3  # 001 p4; 002 p6
    probation_excludes: bool = True  # 001 p4
    defer_when_absent: bool = (
        False  # True: 2018 kinds and 2023 KPIs; False: differentiation, 360 (002 p6)
    )
    deferral_working_days: int = 5  # 001 p4; 002 p6


@dataclass(frozen=True)
class Eligibility:
    status: Status
    reason: Reason = Reason.NONE
    due: date | None = None  # for DEFERRED: the last day to evaluate after the return
    returns_on: date | None = None  # for DEFERRED: the first day back at work


def months_in_position(stint: Stint, period_start: date, period_end: date) -> tuple[date, date]:
    """The part of the period spent in the position: (first day, last day)."""
    first = max(stint.start, period_start)
    last = min(stint.end, period_end) if stint.end is not None else period_end
    return first, last


def served_at_least(first: date, last: date, months: int) -> bool:
    """Whether [first, last] covers at least `months` calendar months.

    1 January to 31 March is exactly three months; 2 January to 31 March is not.
    """
    return add_months(first, months) <= last + timedelta(days=1)


def eligibility(
    *,
    stint: Stint | None,
    absences: Sequence[Away],
    period_start: date,
    period_end: date,
    evaluation_date: date,
    params: Params,
    add_working_days: Callable[[date, int], date],
) -> Eligibility:
    """Say whether and how a servant is evaluated for a period.

    - not in the position during the period → not evaluated;
    - under `min_months` in the position within the period → not evaluated (001 p4, 002 p6);
    - on probation on the evaluation date → not evaluated (001 p4);
    - dismissed before the evaluation ends → evaluated without participation (002 p7);
    - absent on the evaluation date: deferred to the `deferral_working_days`-th working day
      after the day of return (that day not counted, methodology.md §6) when the kind defers (001 p4; 002 p6 for KPIs), otherwise evaluated without
      participation on the usual dates (002 p6: differentiation and 360);
    - otherwise evaluated.
    `evaluation_date` is the day the evaluation is carried out (usually its deadline).
    """
    if (
        stint is None
        or stint.start > period_end
        or (stint.end is not None and stint.end < period_start)
    ):
        return Eligibility(Status.NOT_EVALUATED, Reason.NOT_IN_POSITION)
    first, last = months_in_position(stint, period_start, period_end)
    if not served_at_least(first, last, params.min_months):
        return Eligibility(Status.NOT_EVALUATED, Reason.UNDER_MIN_MONTHS)
    if (
        params.probation_excludes
        and stint.probation_end is not None
        and stint.probation_end >= min(evaluation_date, last)
    ):
        return Eligibility(Status.NOT_EVALUATED, Reason.PROBATION)
    if stint.end is not None and stint.end < evaluation_date and stint.dismissed:
        return Eligibility(Status.WITHOUT_PARTICIPATION, Reason.DISMISSED)
        # Moved to another position: evaluated in this one for the part served, as usual.
    away = next((a for a in absences if a.start <= evaluation_date <= a.end), None)
    if away is not None:
        if not params.defer_when_absent:
            return Eligibility(Status.WITHOUT_PARTICIPATION, Reason.ABSENT)
        back = _first_day_back(away, absences, add_working_days)
        return Eligibility(
            Status.DEFERRED,
            Reason.ABSENT,
            due=add_working_days(back, params.deferral_working_days),
            returns_on=back,
        )
    return Eligibility(Status.EVALUATED)


def _first_day_back(
    away: Away, absences: Sequence[Away], add_working_days: Callable[[date, int], date]
) -> date:
    """The first working day back at work (002 p6: "жұмысқа шыққаннан кейін").

    A leave ending on a Friday brings the servant back on Monday; back-to-back absences
    (leave, then sick leave from the next working day) are followed to the last one.
    """
    end = away.end
    back = add_working_days(end, 1)
    changed = True
    while changed:
        changed = False
        for other in absences:
            if other.start <= back <= other.end and other.end > end:
                end = other.end
                back = add_working_days(end, 1)
                changed = True
    return back
