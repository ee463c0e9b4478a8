"""The transition table of an evaluation sheet (task): state → action → next state, who.

    pending ─save_draft→ draft ─submit→ submitted ─acknowledge (servant)→ acquainted
       └──────────submit───────────────↗   │  └─record_refusal (HR, act)→ acquainted
    returned ←return (HR, reason)──────────┘
    draft ←reopen (HR, reason)── submitted | acquainted

The refusal does not stop the result (004; 001 p40-41): it is recorded and the sheet is
acquainted. A late submission is allowed and marked late (issue 3 item 4).

The runner (`check_transition`, `check_revision`, `available`) is the one workflow layer:
other record types declare their own `Machine` as data (the methodology version's is
`bagalau.methodology.rules.VERSION`) and their services run it the same way (lock the
row, roles, state, revision, save, audit).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, PermissionDenied

PENDING, DRAFT, SUBMITTED, RETURNED, ACQUAINTED, EXCLUDED = (
    "pending", "draft", "submitted", "returned", "acquainted", "excluded",
)  # fmt: skip
ACTUALS_DUE, AGREED, FOR_COMMISSION = "actuals_due", "agreed", "for_commission"
EVALUATOR, EVALUATED, HR = "evaluator", "evaluated", "hr"
# The superior who agrees a 2018 KPI sheet (001 p19-21) and the strategic planning officer
# who, with HR, pre-computes the actual values of the 2023 KPIs (002 p23).
REVIEWER, PLANNING = "reviewer", "strategic_planning"
# A transition that keeps the record in its state (an edit through the runner).
SAME = "="

MSG_STATE = _("This sheet is “%(state)s”: it cannot be changed that way now.")
MSG_ROLE = _("You cannot do this on this sheet.")
MSG_REASON = _("Reason: say why.")
MSG_UNKNOWN_ACTION = _("Unknown action.")
MSG_STALE = _(
    "Someone else changed this sheet after you opened it. Your entries are kept below: "
    "check the current values and save again."
)


MSG_REVISION_REQUIRED = _(
    "Revision: send the revision of the sheet you read, so that nobody's changes are lost."
)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    who: frozenset[str]
    needs_reason: bool = False
    # A write based on what the actor read names the revision it read (issue 11 item 10).
    needs_revision: bool = True


TRANSITIONS: dict[str, Transition] = {
    "save_draft": Transition(frozenset({PENDING, DRAFT, RETURNED}), DRAFT, frozenset({EVALUATOR})),
    "submit": Transition(frozenset({PENDING, DRAFT, RETURNED}), SUBMITTED, frozenset({EVALUATOR})),
    "return": Transition(frozenset({SUBMITTED}), RETURNED, frozenset({HR}), needs_reason=True),
    "reopen": Transition(
        frozenset({SUBMITTED, ACQUAINTED}), DRAFT, frozenset({HR}), needs_reason=True
    ),
    "acknowledge": Transition(
        frozenset({SUBMITTED}), ACQUAINTED, frozenset({EVALUATED}), needs_revision=False
    ),
    "record_refusal": Transition(frozenset({SUBMITTED}), ACQUAINTED, frozenset({HR})),
}


def next_state(transition: Transition, state: str) -> str:
    """The state after the transition (SAME keeps the current one)."""
    return state if transition.target == SAME else transition.target


# The quarterly KPI sheet of a head (002 p23, p27-28): HR, with the strategic planning unit,
# enters the actual values and sends them to the evaluator; then as a sheet. HR may correct
# the values until the evaluator submits.
KPI_QUARTERLY_TRANSITIONS: dict[str, Transition] = {
    "save_actuals": Transition(
        frozenset({ACTUALS_DUE, PENDING, DRAFT, RETURNED}), SAME, frozenset({HR, PLANNING})
    ),
    "send_actuals": Transition(frozenset({ACTUALS_DUE}), PENDING, frozenset({HR, PLANNING})),
    **TRANSITIONS,
}
# The annual KPI sheet of the 2018 model (001 p17-24): the evaluator (the direct supervisor)
# fills it, the superior agrees or returns it for correction when the evidence is
# insufficient or unreliable (001 p22, corrected within 2 working days: p23), HR passes it to
# the commission (001 p24); once the commission's results are approved the servant is
# acquainted (001 p36-41: bagalau/commission).
KPI_ANNUAL_TRANSITIONS: dict[str, Transition] = {
    "save_draft": TRANSITIONS["save_draft"],
    "submit": TRANSITIONS["submit"],
    "agree": Transition(frozenset({SUBMITTED}), AGREED, frozenset({REVIEWER})),
    "return": Transition(
        frozenset({SUBMITTED}), RETURNED, frozenset({REVIEWER}), needs_reason=True
    ),
    "to_commission": Transition(frozenset({AGREED}), FOR_COMMISSION, frozenset({HR})),
    # Once the authorized person approved the commission's results (001 p39-41; the service
    # refuses while the result is provisional): acquaintance, or the refusal act.
    "acknowledge": Transition(
        frozenset({FOR_COMMISSION}), ACQUAINTED, frozenset({EVALUATED}), needs_revision=False
    ),
    "record_refusal": Transition(frozenset({FOR_COMMISSION}), ACQUAINTED, frozenset({HR})),
    # Also after the commission: an appeal's "cancel and re-evaluate" (001 p42).
    "reopen": Transition(
        frozenset({SUBMITTED, AGREED, FOR_COMMISSION, ACQUAINTED}),
        DRAFT,
        frozenset({HR}),
        needs_reason=True,
    ),
}
# The competency sheet of the 2018 model (001 p25-28): the direct supervisor marks the
# behaviour indicators and signs it (submit); HR may return it for correction, and passes it
# to the commission within the version's working days (001 p28: deadline `to_commission`).
# Acquaintance follows the commission's decision (001 p40).
COMPETENCY_TRANSITIONS: dict[str, Transition] = {
    "save_draft": TRANSITIONS["save_draft"],
    "submit": TRANSITIONS["submit"],
    "return": TRANSITIONS["return"],
    "to_commission": Transition(frozenset({SUBMITTED}), FOR_COMMISSION, frozenset({HR})),
    "reopen": Transition(
        frozenset({SUBMITTED, FOR_COMMISSION}), DRAFT, frozenset({HR}), needs_reason=True
    ),
}
# The first state of a new sheet of a kind (default PENDING).
INITIAL_STATE = {"kpi_quarterly": ACTUALS_DUE}


@dataclass(frozen=True)
class Machine:
    """One record type's transition table and the messages its refusals use.

    Every record type with a workflow declares its machine as data (the sheet's here, the
    methodology version's in methodology/rules.py) and runs it through `check_transition`.
    """

    name: str
    transitions: Mapping[str, Transition]
    msg_state: str | Promise
    msg_role: str | Promise


SHEET = Machine("task", TRANSITIONS, MSG_STATE, MSG_ROLE)
KPI_QUARTERLY_SHEET = Machine("task", KPI_QUARTERLY_TRANSITIONS, MSG_STATE, MSG_ROLE)
KPI_ANNUAL_SHEET = Machine("task", KPI_ANNUAL_TRANSITIONS, MSG_STATE, MSG_ROLE)
COMPETENCY_SHEET = Machine("task", COMPETENCY_TRANSITIONS, MSG_STATE, MSG_ROLE)
MACHINE_OF_KIND = {
    "kpi_quarterly": KPI_QUARTERLY_SHEET,
    "kpi_annual": KPI_ANNUAL_SHEET,
    "competency": COMPETENCY_SHEET,
}


def machine_for(kind: str) -> Machine:
    """The transition table of a sheet of this evaluation kind."""
    return MACHINE_OF_KIND.get(kind, SHEET)


def initial_state(kind: str) -> str:
    return INITIAL_STATE.get(kind, PENDING)


def check_transition(
    action: str,
    state: str,
    roles: Collection[str],
    *,
    reason: str = "",
    state_label: str = "",
    machine: Machine = SHEET,
) -> Transition:
    """The transition, or the error: unknown action (400), wrong role (403), wrong state (409).

    The role is checked first so that an outsider learns nothing about the state.
    """
    transition = machine.transitions.get(action)
    if transition is None:
        raise DomainError(MSG_UNKNOWN_ACTION, code="unknown_action", field="action")
    if not transition.who & set(roles):
        raise PermissionDenied(machine.msg_role, code="forbidden")
    if state not in transition.sources:
        raise Conflict(
            machine.msg_state,
            code="invalid_state",
            field="state",
            params={"state": state_label or state},
        )
    if transition.needs_reason and not reason.strip():
        raise DomainError(MSG_REASON, code="reason_required", field="reason")
    return transition


def available(machine: Machine, state: str, roles: Collection[str]) -> list[str]:
    """The actions the roles may take from the state: the buttons come from the table."""
    held = set(roles)
    return [
        action
        for action, transition in machine.transitions.items()
        if state in transition.sources and transition.who & held
    ]


def check_revision(expected: int | None, current: int, *, required: bool = True) -> None:
    """Two tabs or two evaluators: a write based on an old revision is refused (409).

    A write that names no revision is refused (400) where the transition needs one: without
    it a write would silently overwrite a concurrent one.
    """
    if expected is None:
        if required:
            raise DomainError(MSG_REVISION_REQUIRED, code="revision_required", field="revision")
        return
    if expected != current:
        raise Conflict(MSG_STALE, code="stale", field="revision")
