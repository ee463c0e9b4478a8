"""The rules of individual work plans: pure functions, no ORM, no I/O (001 p9-16; 002 p23-26).

The plan's workflow is a transition table on the one runner (evaluations.rules.workflow):

    draft ─save→ draft ─submit→ in_review ─agree (a review step)→ in_review
      ↑                 │   └──────approve (the last step)──→ approved ─monitor→ approved
      │     returned ←return (reason)┘                           │
      └──────────────────amend (reason: 002 p26)─────────────────┘

Who reviews (review_steps): under the 2018 model the superior approves, or the first head
where the first head drew it up (001 p10-11), and the authorized person the first head's own
plan; under the 2023 model the plan is set by the evaluator with the agreement of the
strategic planning unit (where the body has one) and of HR (002 p23).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules.eligibility import served_at_least
from bagalau.evaluations.rules.workflow import HR, SAME, Machine, Transition

DRAFT, IN_REVIEW, RETURNED, APPROVED, NOT_REQUIRED = (
    "draft", "in_review", "returned", "approved", "not_required",
)  # fmt: skip
# Roles on a plan: who draws it up, the holder of the current review step (REVIEWER) or of
# the last one (APPROVER), HR (keeps the plan: 001 p15), the evaluated servant.
DRAFTER, REVIEWER, APPROVER, EVALUATED, PLANNING = (
    "drafter", "reviewer", "approver", "evaluated", "strategic_planning",
)  # fmt: skip
# The approver named on the plan reads it whatever its step (the servant's chain).
CHAIN = "chain"
# Review steps: who holds each.
STEP_APPROVER, STEP_PLANNING, STEP_HR = "approver", "strategic_planning", "hr"

MSG_STATE = _("This work plan is “%(state)s”: it cannot be changed that way now.")
MSG_ROLE = _("You cannot do this on this work plan.")

PLAN_TRANSITIONS: dict[str, Transition] = {
    "save": Transition(frozenset({DRAFT, RETURNED}), SAME, frozenset({DRAFTER})),
    "submit": Transition(frozenset({DRAFT, RETURNED}), IN_REVIEW, frozenset({DRAFTER})),
    "agree": Transition(frozenset({IN_REVIEW}), IN_REVIEW, frozenset({REVIEWER})),
    "approve": Transition(frozenset({IN_REVIEW}), APPROVED, frozenset({APPROVER})),
    "return": Transition(
        frozenset({IN_REVIEW}), RETURNED, frozenset({REVIEWER, APPROVER}), needs_reason=True
    ),
    # 002 p26: KPIs change only when the body's functions or structure change; the change
    # goes through approval again.
    "amend": Transition(frozenset({APPROVED}), DRAFT, frozenset({DRAFTER, HR}), needs_reason=True),
    # 001 p16: the quarterly review of progress with written recommendations.
    "monitor": Transition(frozenset({APPROVED}), SAME, frozenset({DRAFTER})),
}
PLAN = Machine("work_plan", PLAN_TRANSITIONS, MSG_STATE, MSG_ROLE)

# The SMART checklist of a reviewer (001 p12-13; 002 p25): every item ticked to approve.
CHECKLIST = (
    ("specific", _("specific: the result to reach is clearly stated, with the expected change")),
    ("measurable", _("measurable: there are criteria to measure the achievement")),
    ("achievable", _("achievable: within the resources, competences and limits at hand")),
    ("time_bound", _("time-bound: each KPI has its achievement date within the period")),
    ("strategic", _("aimed at the body's strategic goals or planning documents")),
)
MSG_CHECKLIST = _(
    "Checklist: a plan is approved only when every KPI is specific, measurable, achievable, "
    "time-bound and aimed at a strategic goal (001 p12-13); otherwise return it with a reason."
)
MSG_COUNT_EXACT = _("KPIs: the plan has %(count)s; this methodology requires exactly %(min)s.")
MSG_COUNT_RANGE = _(
    "KPIs: the plan has %(count)s; this methodology allows from %(min)s to %(max)s."
)
MSG_DEADLINE_OUTSIDE = _(
    "KPI %(order)s: the achievement deadline must fall within the plan's year (%(year)s)."
)


def review_steps(plan_review: str, *, planning_agrees: bool, body_has_planning: bool) -> list[str]:
    """The review steps of a plan, in order (001 p10-11; 002 p23)."""
    if plan_review == "agreement":
        steps = [STEP_PLANNING] if planning_agrees and body_has_planning else []
        return [*steps, STEP_HR]
    return [STEP_APPROVER]


def check_kpi_count(count: int, kpi_min: int | None, kpi_max: int | None) -> None:
    """001 p14: exactly 5 (a body's own number); 002 p24: from 3 to 5 — the version's numbers."""
    low = kpi_min if kpi_min is not None else 1
    high = kpi_max if kpi_max is not None else low
    if low <= count <= high:
        return
    params = {"count": count, "min": low, "max": high}
    message = MSG_COUNT_EXACT if low == high else MSG_COUNT_RANGE
    raise DomainError(message, code="kpi_count", field="kpis", params=params)


def check_checklist(checklist: Mapping[str, bool]) -> None:
    if not all(checklist.get(code) for code, _label in CHECKLIST):
        raise DomainError(MSG_CHECKLIST, code="checklist", field="checklist")


@dataclass(frozen=True)
class Opening:
    """Whether a servant gets a plan for the year, and when it is due (002 p23; 001 p9)."""

    required: bool
    due: date | None
    reason: str = ""


def plan_opening(
    *,
    year_start: date,
    year_end: date,
    appointed: date,
    drafting_days: int,
    min_months: int,
    add_working_days: Callable[[date, int], date],
) -> Opening:
    """Drawn up within `drafting_days` working days after the period starts, or after the
    appointment when later (002 p23: "within ten working days"); no KPIs when less than
    `min_months` months remain from the appointment to the period's end (002 p23)."""
    start = max(year_start, appointed)
    if not served_at_least(start, year_end, min_months):
        return Opening(False, None, "under_min_months_left")
    return Opening(True, add_working_days(start, drafting_days))


def correction_due(
    returned_on: date, days: int, add_working_days: Callable[[date, int], date]
) -> date:
    """A returned plan or sheet comes back within `days` working days (001 p13, p23)."""
    return add_working_days(returned_on, days)


def check_deadline(order: int, deadline: date, year: int) -> None:
    if deadline.year != year:
        raise DomainError(
            MSG_DEADLINE_OUTSIDE,
            code="deadline_outside",
            field=f"kpi-{order}-deadline",
            params={"order": order, "year": year},
        )


@dataclass(frozen=True)
class Holders:
    """Who draws a plan up and who approves it (2018 model), by the structure on a day."""

    drafter_id: int | None
    approver_id: int | None
    drafter_is_self: bool = False
    approver_is_authorized: bool = False


def plan_holders(
    servant_id: int, supervisor_of: Callable[[int], int | None], *, use_superior: bool
) -> Holders:
    """001 p9-11; 002 p23 and p2(3).

    The evaluator draws the plan up: the direct supervisor, or the superior where the
    version evaluates by the superior. The drafter's own supervisor approves, or the drafter
    himself when he is the first head (nobody above him, 001 p11). The first head has no
    supervisor: he draws up his own plan and the authorized person approves it.
    """
    direct = supervisor_of(servant_id)
    if direct is None:
        return Holders(servant_id, None, drafter_is_self=True, approver_is_authorized=True)
    drafter = direct
    if use_superior:
        above = supervisor_of(direct)
        if above is not None and above != servant_id:
            drafter = above
    approver = supervisor_of(drafter)
    if approver is None or approver == servant_id:
        approver = drafter
    return Holders(drafter, approver)
