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
    UNDER_MIN_MONTHS_SINCE_RETURN = "under_min_months_since_return"  # 001 p4
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


# Absences after which the three months start again (001 p4: "әлеуметтік демалыстан
# шыққаннан немесе оқуды аяқтағаннан кейін"); the org Absence kinds of the same names.
RETURN_KINDS = frozenset({"social_leave", "studies"})


@dataclass(frozen=True)
class Params:
    """The version and kind parameters the rule needs."""

    min_months: int = 3  # 001 p4; 002 p6
    probation_excludes: bool = True  # 001 p4 (002 p6 names no probation exclusion)
    # 001 p4: the months count from the return from social leave or the end of studies too,
    # not only from the appointment (002 p6 counts from the appointment only).
    months_from_return: bool = False
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


def count_start(stint: Stint, absences: Sequence[Away], period_end: date) -> date:
    """The day the months in the position start counting under 001 p4.

    The later of the appointment and the day after the last social leave or studies that
    began by the end of the period. A leave still running at the period's end gives a day
    after the period: not three months in it.
    """
    returns = [
        a.end + timedelta(days=1)
        for a in absences
        if a.kind in RETURN_KINDS and a.start <= period_end and a.end >= stint.start
    ]
    return max([stint.start, *returns])


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
      with `months_from_return`, counted from the return from social leave or the end of
      studies when that is later than the appointment (001 p4);
    - on probation on the evaluation date, or when the evaluation comes after the period
      still on probation on its last day in the position → not evaluated (001 p4);
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
    if params.months_from_return and not served_at_least(
        count_start(stint, absences, period_end), last, params.min_months
    ):
        # From the appointment, or from a return before the period, this is the check above
        # again (it starts no later than `first`): only a return within the period fails it.
        return Eligibility(Status.NOT_EVALUATED, Reason.UNDER_MIN_MONTHS_SINCE_RETURN)
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
            if other.start <= back <= other.end:  # so it ends after `end`: back > end
                end = other.end
                back = add_working_days(end, 1)
                changed = True
    return back
