"""Who may know a result (002 p16, p21): a pure rule, the one every reader asks.

002 p21 names exactly four: the evaluated person, the evaluator, the head of the HR service
(персоналды басқару қызметінің басшысы) and the participants of a calibration session; the
2018 model's commission members stand where the calibration participants do (001 p29-39).
Members of a panel know only the cases on their agenda, while they serve: the caller passes
PANEL only for such a case. HR officers who are not the head run the process (schedules,
progress by status, reminders, refusal acts, reassignment) and never see a score, a
parameter value, a comment or a band; nor does a superuser. The circle is law, not a
methodology setting: no version can widen it.
"""

from __future__ import annotations

from collections.abc import Collection

from .workflow import (
    ACQUAINTED,
    AGREED,
    EVALUATED,
    EVALUATOR,
    FOR_COMMISSION,
    HR,
    PLANNING,
    REVIEWER,
    SUBMITTED,
)

__all__ = [
    "EVALUATED", "EVALUATOR", "HR", "HR_HEAD", "PANEL", "PLANNING", "REVIEWER",
    "may_read_actuals", "may_read_result", "may_read_sheet",
]  # fmt: skip

# HR (an HR officer or the head of HR) runs the process; only the head knows results.
HR_HEAD = "hr_head"  # the head of HR: knows the results (002 p21)
PANEL = "panel"  # a calibration participant or commission member, for a case on their agenda

# Those who know a person's result whatever its state (002 p21). Under the 2018 model the
# superior who agrees the KPI sheet (001 p19-21) signs it, so reads it: REVIEWER is given
# only on such a sheet.
CONTENT_ROLES = frozenset({EVALUATOR, HR_HEAD, PANEL, REVIEWER})
# States in which the evaluated person reads their sheet: once it is submitted, not the
# evaluator's draft (issue 11 item 1).
SHOWN_TO_EVALUATED = frozenset({SUBMITTED, ACQUAINTED, AGREED, FOR_COMMISSION})


def may_read_sheet(roles: Collection[str], state: str) -> bool:
    """The sheet's scores, parameter values and comments."""
    if CONTENT_ROLES & set(roles):
        return True
    return EVALUATED in roles and state in SHOWN_TO_EVALUATED


def may_read_actuals(roles: Collection[str]) -> bool:
    """A KPI sheet's planned and actual values: HR and strategic planning pre-compute them
    (002 p23), so they read them — never the scores, the count achieved or the band."""
    return bool({HR, PLANNING} & set(roles)) or bool(CONTENT_ROLES & set(roles))


def may_read_result(roles: Collection[str]) -> bool:
    """A formed result (score, band): it exists only once a sheet was submitted."""
    return bool((CONTENT_ROLES | {EVALUATED}) & set(roles))
