"""The rules of calibration sessions of the 2023 model: pure functions, no ORM (002 p13-14,
p38-43).

A servant who disagrees with a result applies within 5 working days of acquaintance (002
p13); the authorized person decides within 3 working days whether to hold a session and
approves its participants (002 p39); the session is held within 10 working days of the
application (002 p40); each participant supports the score or proposes another, up or down;
the final score is the proposal of a majority of participants (002 p42), else the version's
tie rule decides (default: the score stands); HR uploads the signed protocol within 3
working days (002 p42). The decision can be appealed under the Administrative Procedural
Code (002 p14).

The case's workflow is a transition table on the one runner (evaluations.rules.workflow):

    applied ─accept (authorized person: participants, date)→ accepted ─hold (HR)→ held
       └─decline (reason)→ declined          │ card, summary, vote (=)     │
                                                                           decide (HR)
    protocol_uploaded ←upload_protocol (HR)── decided ←────────────────────┘
    (feedback by the evaluator and the appeal record by HR on decided / protocol_uploaded)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules.workflow import HR, SAME, Machine, Transition

AddDays = Callable[[date, int], date]

APPLIED, ACCEPTED, DECLINED, HELD, DECIDED, PROTOCOL_UPLOADED = (
    "applied", "accepted", "declined", "held", "decided", "protocol_uploaded",
)  # fmt: skip
# Roles on a case: the servant who applied, the authorized person, HR, the evaluator whose
# score is calibrated, an approved participant of the session.
EVALUATED, AUTHORIZED, EVALUATOR, PARTICIPANT = (
    "evaluated", "authorized", "evaluator", "participant",
)  # fmt: skip
# The states in which participants serve (see the case's sheet through PANEL: 002 p21).
SERVING = frozenset({ACCEPTED, HELD})
CLOSED = frozenset({DECLINED, DECIDED, PROTOCOL_UPLOADED})

# The law's numbers, used when an adopted version lacks its row (Deadline codes).
APPLY_DAYS = 5  # 002 p13
DECIDE_DAYS = 3  # 002 p39
SESSION_DAYS = 10  # 002 p40
PROTOCOL_DAYS = 3  # 002 p42
DEADLINE_CODES = {
    "apply": ("calibration_apply", APPLY_DAYS),
    "decide": ("calibration_decide", DECIDE_DAYS),
    "session": ("calibration_hold", SESSION_DAYS),
    "protocol": ("calibration_protocol", PROTOCOL_DAYS),
}

# The tie rule of a version (MethodologyVersion.calibration_tie_rule).
TIE_SCORE_STANDS, TIE_MOST_VOTES = "score_stands", "most_votes"

MSG_STATE = _("This calibration case is “%(state)s”: it cannot be changed that way now.")
MSG_ROLE = _("You cannot do this on this calibration case.")
MSG_LATE = _(
    "Application: a calibration session is applied for within %(days)s working days of "
    "acquaintance (002 p13); the last allowed day was %(last)s."
)
MSG_NOT_ACQUAINTED = _("Application: you can apply once you have acquainted with the result.")
MSG_SESSION_LATE = _(
    "Session date: the session is held within %(days)s working days of the application "
    "(002 p40), at the latest on %(last)s."
)
MSG_SESSION_EARLY = _("Session date: the session cannot be held before the application (%(day)s).")
MSG_SCORE_RANGE = _("Proposed score: from %(min)s to %(max)s.")
MSG_SCORE_SAME = _(
    "Proposed score: a change proposes another score than %(score)s; to keep it, support it."
)
MSG_ARGUMENTS = _("Arguments: say why you propose a change (002 p42).")
MSG_PARTICIPANTS = _("Participants: approve at least one participant of the session (002 p39).")
MSG_NOT_ALL_VOTED = _(
    "The session is held once every participant has given a position: %(missing)s missing."
)

CASE_TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({APPLIED}), ACCEPTED, frozenset({AUTHORIZED})),
    "decline": Transition(
        frozenset({APPLIED}), DECLINED, frozenset({AUTHORIZED}), needs_reason=True
    ),
    # 002 p20: HR prepares the information card of the case.
    "prepare_card": Transition(frozenset({ACCEPTED}), SAME, frozenset({HR})),
    # 002 p42: the evaluator presents the work and justifies the score.
    "summary": Transition(frozenset({ACCEPTED}), SAME, frozenset({EVALUATOR})),
    # Each participant writes their own position under the case's lock: no revision needed.
    "vote": Transition(frozenset({ACCEPTED}), SAME, frozenset({PARTICIPANT}), needs_revision=False),
    "hold": Transition(frozenset({ACCEPTED}), HELD, frozenset({HR})),
    "decide": Transition(frozenset({HELD}), DECIDED, frozenset({HR})),
    "upload_protocol": Transition(frozenset({DECIDED}), PROTOCOL_UPLOADED, frozenset({HR})),
    # 002 p43: the feedback meeting after the session.
    "feedback": Transition(
        frozenset({DECIDED, PROTOCOL_UPLOADED}),
        SAME,
        frozenset({EVALUATOR}),
        needs_revision=False,
    ),  # fmt: skip
    # 002 p14: an appeal under the Administrative Procedural Code, recorded by HR.
    "appeal": Transition(
        frozenset({DECIDED, PROTOCOL_UPLOADED}), SAME, frozenset({HR}), needs_revision=False
    ),
}
CASE = Machine("calibration_case", CASE_TRANSITIONS, MSG_STATE, MSG_ROLE)


def application_due(acquainted_on: date, add: AddDays, days: int = APPLY_DAYS) -> date:
    """The last day to apply: the 5th working day after acquaintance (002 p13)."""
    return add(acquainted_on, days)


def check_application(
    acquainted_on: date | None, today: date, add: AddDays, days: int = APPLY_DAYS
) -> date:
    """The due date of the application, or the refusal naming the last allowed day."""
    if acquainted_on is None:
        raise DomainError(MSG_NOT_ACQUAINTED, code="not_acquainted", field="result")
    last = application_due(acquainted_on, add, days)
    if today > last:
        raise DomainError(
            MSG_LATE, code="late", field="text", params={"days": days, "last": last.isoformat()}
        )
    return last


def decision_due(applied_on: date, add: AddDays, days: int = DECIDE_DAYS) -> date:
    """The authorized person decides within 3 working days of the application (002 p39)."""
    return add(applied_on, days)


def session_due(applied_on: date, add: AddDays, days: int = SESSION_DAYS) -> date:
    """The session is held within 10 working days of the application (002 p40)."""
    return add(applied_on, days)


def protocol_due(session_on: date, add: AddDays, days: int = PROTOCOL_DAYS) -> date:
    """HR uploads the signed protocol within 3 working days of the session (002 p42)."""
    return add(session_on, days)


def check_session_date(day: date, applied_on: date, add: AddDays, days: int = SESSION_DAYS) -> None:
    """002 p40: on or after the application, no later than its 10th working day."""
    if day < applied_on:
        raise DomainError(
            MSG_SESSION_EARLY, code="session_early", field="session_date",
            params={"day": applied_on.isoformat()},
        )  # fmt: skip
    last = session_due(applied_on, add, days)
    if day > last:
        raise DomainError(
            MSG_SESSION_LATE, code="session_late", field="session_date",
            params={"days": days, "last": last.isoformat()},
        )  # fmt: skip


def check_participants(count: int) -> None:
    if count < 1:
        raise DomainError(MSG_PARTICIPANTS, code="participants", field="participants")


def check_position(
    proposed: Decimal | None,
    arguments: str,
    *,
    current: Decimal,
    score_min: Decimal,
    score_max: Decimal,
) -> None:
    """A participant supports the score (no proposal) or proposes another one, up or down,
    within the version's scale, with arguments (002 p42)."""
    if proposed is None:
        return
    if not score_min <= proposed <= score_max:
        raise DomainError(
            MSG_SCORE_RANGE, code="score_range", field="score",
            params={"min": score_min, "max": score_max},
        )  # fmt: skip
    if proposed == current:
        raise DomainError(MSG_SCORE_SAME, code="score_same", field="score",
                          params={"score": current})  # fmt: skip
    if not arguments.strip():
        raise DomainError(MSG_ARGUMENTS, code="arguments", field="arguments")


@dataclass(frozen=True)
class Tally:
    """The count of the session: how many support the score, the proposals with their votes,
    the final score and how it was reached ("majority" or the tie rule's code)."""

    support: int
    proposals: tuple[tuple[Decimal, int], ...]
    final: Decimal
    by: str
    participants: int
    current: Decimal

    @property
    def moved(self) -> bool:
        return self.final != self.current


def tally(
    current: Decimal,
    proposals: Sequence[Decimal | None],
    *,
    participants: int,
    tie_rule: str = TIE_SCORE_STANDS,
) -> Tally:
    """002 p42: the final score is decided by majority vote of the participants.

    Each position is None (supports the current score) or a proposed score. The score with
    the votes of more than half of the participants is final; without such a majority the
    version's tie rule decides: "score_stands" (the default) keeps the current score;
    "most_votes" takes the score with the most votes where only one has them, else the
    score stands.
    """
    votes: Counter[Decimal] = Counter(current if p is None else p for p in proposals)
    support = votes.get(current, 0)
    # The proposals by score: each score once (a Counter key), so the pairs sort by it.
    others = tuple(sorted((s, n) for s, n in votes.items() if s != current))
    for score, count in votes.items():
        if 2 * count > participants:
            return Tally(support, others, score, "majority", participants, current)
    if tie_rule == TIE_MOST_VOTES and votes:
        best = max(votes.values())
        leaders = [s for s, n in votes.items() if n == best]
        if len(leaders) == 1:
            return Tally(support, others, leaders[0], TIE_MOST_VOTES, participants, current)
    return Tally(support, others, current, TIE_SCORE_STANDS, participants, current)


def missing_positions(participants: int, positions: int) -> int:
    return max(participants - positions, 0)


def check_all_voted(participants: int, positions: int) -> None:
    """The session is held when every approved participant has given a position."""
    missing = missing_positions(participants, positions)
    if missing:
        raise DomainError(
            MSG_NOT_ALL_VOTED, code="not_all_voted", field="positions",
            params={"missing": missing},
        )  # fmt: skip


# --- the appeal (002 p14) -----------------------------------------------------------------------

APPEAL_PENDING, APPEAL_UPHELD, APPEAL_CANCELLED, APPEAL_CHANGED, APPEAL_WITHDRAWN = (
    "pending", "upheld", "cancelled", "changed", "withdrawn",
)  # fmt: skip
APPEAL_OUTCOMES = (APPEAL_PENDING, APPEAL_UPHELD, APPEAL_CANCELLED, APPEAL_CHANGED,
                   APPEAL_WITHDRAWN)  # fmt: skip
MSG_APPEAL_OUTCOME = _("Outcome: choose one of the outcomes.")
MSG_APPEAL_DATE = _("Filed on: the appeal is filed after the calibration decision (%(day)s).")


def check_appeal(filed_on: date, decided_on: date, outcome: str) -> None:
    """002 p14: the calibration decision is appealed under the Administrative Procedural
    Code; the record keeps when it was filed and its outcome."""
    if outcome not in APPEAL_OUTCOMES:
        raise DomainError(MSG_APPEAL_OUTCOME, code="outcome", field="outcome")
    if filed_on < decided_on:
        raise DomainError(
            MSG_APPEAL_DATE, code="appeal_date", field="filed_on",
            params={"day": decided_on.isoformat()},
        )  # fmt: skip


# --- the feedback meeting (002 p43) ---------------------------------------------------------------

FEEDBACK_TOPICS = (
    ("achievements", _("achievements in the period")),
    ("development", _("skills and competency development")),
    ("career", _("potential and career goals")),
)
MSG_TOPIC = _("%(topic)s: note what was discussed (002 p43).")


def check_feedback(topics: dict[str, str]) -> None:
    """The feedback meeting covers its three topics (002 p43)."""
    for code, label in FEEDBACK_TOPICS:
        if not (topics.get(code) or "").strip():
            raise DomainError(MSG_TOPIC, code="topic", field=code, params={"topic": label})
