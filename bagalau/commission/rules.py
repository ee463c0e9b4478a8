"""The rules of the evaluation commission of the 2018 model: pure functions, no ORM, no I/O.

Бағалау жөніндегі комиссия (001 p5, p29-43; 004). The commission is formed by the
authorized person's order (001 p5) with at least 5 members; HR (004: the "Administrative
department") is its working body and gives the non-voting secretary (001 p34).

The meeting's workflow is a transition table on the one runner (evaluations.rules.workflow):

    draft ─consent (chair, 001 p29)→ scheduled ─hold (attendance)→ held ─close→ closed
      ↑ edit (HR)                                  │ vote, note, attendance      │
                                                   └──────────────┘   approve (authorized
                                                                       person, 001 p39)
                                                                             ↓
                                                                          approved

An appeal (001 p42-43): filed ─outcome→ reevaluate | unchanged; a court case is recorded on
either (SAME).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules.workflow import HR, SAME, Machine, Transition

# The law's numbers, used when an adopted version lacks the row (cited where used).
MIN_VOTING_MEMBERS = 5  # 001 p5: at least five members
NOTICE_WORKING_DAYS = 7  # 001 p29: evaluators notified at least 7 working days before
APPEAL_WORKING_DAYS = 10  # 001 p42: appeal within 10 working days of the decision
ACQUAINTANCE_WORKING_DAYS = 2  # 001 p40: acquaintance within 2 working days

# Roles on a meeting.
CHAIR, MEMBER, SECRETARY, AUTHORIZED = "chair", "member", "secretary", "authorized_person"
EVALUATED = "evaluated"
VOTING = frozenset({CHAIR, MEMBER})

# Meeting states.
DRAFT, SCHEDULED, HELD, CLOSED, APPROVED = "draft", "scheduled", "held", "closed", "approved"
# Appeal states and outcomes (001 p42).
FILED, REEVALUATE, UNCHANGED = "filed", "reevaluate", "unchanged"
# Votes.
APPROVE, REVISE = "approve", "revise"

MSG_STATE = _("This commission meeting is “%(state)s”: it cannot be changed that way now.")
MSG_ROLE = _("You cannot do this on this commission meeting.")
MSG_APPEAL_STATE = _("This appeal is “%(state)s”: it cannot be changed that way now.")
MSG_APPEAL_ROLE = _("You cannot do this on this appeal.")
MSG_TOO_FEW = _(
    "Composition: the commission has %(count)s voting members (the chair and the members; "
    "the secretary does not vote); at least %(min)s are required (001 p5), so it cannot be "
    "formed."
)
MSG_NO_CHAIR = _("Chair: the order names the commission's chair.")
MSG_NO_SECRETARY = _("Secretary: the order names the secretary from the working body (HR).")
MSG_SECRETARY_HR = _(
    "Secretary: the secretary is an employee of the working body (the HR service, 001 p34; "
    "004: the body may name it otherwise)."
)
MSG_TWICE = _("Composition: a person holds one place on the commission.")
MSG_QUORUM = _(
    "Quorum: %(present)s of %(voting)s voting members are present; at least two thirds "
    "(%(needed)s) must be present before a vote is recorded (001 p30)."
)
MSG_NOT_VOTING = _(
    "Vote: only the chair and members present vote; the secretary does not (001 p34)."
)
MSG_NOT_PRESENT = _("Vote: only a voting member marked present at the meeting votes.")
MSG_CHOICE = _("Vote: choose approve or revise.")
MSG_CORRECTED = _("Corrected result: a revision names the result as corrected by the commission.")
MSG_CORRECTED_RANGE = _("Corrected result: from %(low)s to %(high)s.")
MSG_NO_VOTES = _("Case %(order)s: nobody has voted yet.")
MSG_NO_MAJORITY = _(
    "Case %(order)s: no majority and the chair's vote does not break the tie; vote again."
)
MSG_TOO_EARLY = _(
    "Date: the evaluators are notified at least %(days)s working days before the meeting "
    "(001 p29); the earliest allowed date is %(earliest)s."
)

MEETING_TRANSITIONS: dict[str, Transition] = {
    "edit": Transition(frozenset({DRAFT}), SAME, frozenset({HR, SECRETARY})),
    # 001 p29: the schedule is drawn up by HR with the chair's consent.
    "consent": Transition(frozenset({DRAFT}), SCHEDULED, frozenset({CHAIR})),
    "hold": Transition(frozenset({SCHEDULED}), HELD, frozenset({SECRETARY, HR})),
    "attendance": Transition(frozenset({HELD}), SAME, frozenset({SECRETARY, HR})),
    # 001 p32: open vote, by name.
    "vote": Transition(frozenset({HELD}), SAME, frozenset({CHAIR, MEMBER}), needs_revision=False),
    "note": Transition(frozenset({HELD}), SAME, frozenset({SECRETARY, HR})),
    # 001 p36-38: the protocol is drawn from the decisions.
    "close": Transition(frozenset({HELD}), CLOSED, frozenset({SECRETARY, HR})),
    # 001 p39: the authorized person approves the results.
    "approve": Transition(frozenset({CLOSED}), APPROVED, frozenset({AUTHORIZED})),
}
MEETING = Machine("commission_meeting", MEETING_TRANSITIONS, MSG_STATE, MSG_ROLE)

APPEAL_TRANSITIONS: dict[str, Transition] = {
    # 001 p42: the authorized body recommends cancelling and re-evaluating, or leaves it.
    "reevaluate": Transition(frozenset({FILED}), REEVALUATE, frozenset({HR}), needs_reason=True),
    "unchanged": Transition(frozenset({FILED}), UNCHANGED, frozenset({HR})),
    # 001 p43: the servant may also go to court.
    "court": Transition(
        frozenset({FILED, REEVALUATE, UNCHANGED}), SAME, frozenset({HR}), needs_reason=True
    ),
}
APPEAL = Machine("commission_appeal", APPEAL_TRANSITIONS, MSG_APPEAL_STATE, MSG_APPEAL_ROLE)


@dataclass(frozen=True)
class Seat:
    user_id: int
    role: str  # CHAIR, MEMBER or SECRETARY


def check_composition(seats: Sequence[Seat], minimum: int = MIN_VOTING_MEMBERS) -> None:
    """001 p5: at least five members; p31-34: one chair, members, one non-voting secretary."""
    users = [s.user_id for s in seats]
    if len(users) != len(set(users)):
        raise DomainError(MSG_TWICE, code="twice", field="members")
    if sum(1 for s in seats if s.role == CHAIR) != 1:
        raise DomainError(MSG_NO_CHAIR, code="no_chair", field="chair")
    if sum(1 for s in seats if s.role == SECRETARY) != 1:
        raise DomainError(MSG_NO_SECRETARY, code="no_secretary", field="secretary")
    voting = voting_count(seats)
    if voting < minimum:
        raise DomainError(
            MSG_TOO_FEW, code="too_few_members", field="members",
            params={"count": voting, "min": minimum},
        )  # fmt: skip


def check_secretary(in_working_body: bool) -> None:
    """001 p34: the secretary is an employee of the HR service, the working body (001 p5;
    004 names it the "Administrative department")."""
    if not in_working_body:
        raise DomainError(MSG_SECRETARY_HR, code="secretary_not_hr", field="secretary")


def voting_count(seats: Sequence[Seat]) -> int:
    return sum(1 for s in seats if s.role in VOTING)


def quorum_needed(voting: int) -> int:
    """The least number present for two thirds (001 p30): ceil(2 × voting / 3)."""
    return -(-2 * voting // 3)


def has_quorum(present: int, voting: int) -> bool:
    """001 p30: at least two thirds of the members present — exact: 3 × present ≥ 2 × voting."""
    return voting > 0 and 3 * present >= 2 * voting


def check_quorum(present: int, voting: int) -> None:
    if not has_quorum(present, voting):
        raise DomainError(
            MSG_QUORUM, code="no_quorum", field="attendance",
            params={"present": present, "voting": voting, "needed": quorum_needed(voting)},
        )  # fmt: skip


def check_vote(
    *,
    role: str,
    present: bool,
    choice: str,
    corrected: Decimal | None,
    low: Decimal,
    high: Decimal,
) -> None:
    """001 p32-34: an open vote by a present voting member; a revision needs the corrected
    result (001 p38: written in the column "corrected by the commission")."""
    if role not in VOTING:
        raise DomainError(MSG_NOT_VOTING, code="not_voting", field="voter")
    if not present:
        raise DomainError(MSG_NOT_PRESENT, code="not_present", field="voter")
    if choice not in (APPROVE, REVISE):
        raise DomainError(MSG_CHOICE, code="choice", field="choice")
    if choice == REVISE:
        if corrected is None:
            raise DomainError(MSG_CORRECTED, code="corrected_required", field="corrected")
        if not low <= corrected <= high:
            raise DomainError(
                MSG_CORRECTED_RANGE, code="corrected_range", field="corrected",
                params={"low": low, "high": high},
            )  # fmt: skip


@dataclass(frozen=True)
class Ballot:
    voter_id: int
    choice: str
    corrected: Decimal | None = None

    @property
    def option(self) -> tuple[str, Decimal | None]:
        return (self.choice, self.corrected if self.choice == REVISE else None)


@dataclass(frozen=True)
class Outcome:
    choice: str  # APPROVE or REVISE
    corrected: Decimal | None
    votes_for: int  # votes for the winning option
    cast: int
    tie_broken: bool  # decided by the chair's vote (001 p33)


def decide(ballots: Collection[Ballot], chair_id: int | None, *, order: int = 0) -> Outcome:
    """001 p32-33: the majority of the votes cast decides; on a tie, the chair's vote.

    Each distinct option (approve, or revise to one corrected result) is counted; the option
    with the most votes wins. Where two options tie at the top, the chair's option wins if it
    is one of them; otherwise (the chair did not vote for either) nothing is decided and the
    members vote again — a documented choice: the law gives the chair the casting vote only.
    """
    if not ballots:
        raise DomainError(MSG_NO_VOTES, code="no_votes", field="votes", params={"order": order})
    tally = Counter(b.option for b in ballots)
    top = max(tally.values())
    leaders = [option for option, n in tally.items() if n == top]
    tie_broken = False
    if len(leaders) > 1:
        chair = next((b for b in ballots if b.voter_id == chair_id), None)
        if chair is None or chair.option not in leaders:
            raise DomainError(
                MSG_NO_MAJORITY, code="no_majority", field="votes", params={"order": order}
            )
        winner, tie_broken = chair.option, True
    else:
        winner = leaders[0]
    return Outcome(winner[0], winner[1], top, len(ballots), tie_broken)


def earliest_meeting(notified: date, add_working_days: Callable[[date, int], date],
                     days: int = NOTICE_WORKING_DAYS) -> date:  # fmt: skip
    """001 p29: notified at least 7 working days before: the 7th working day after notice."""
    return add_working_days(notified, days)


def check_meeting_date(
    day: date, notified: date, add_working_days: Callable[[date, int], date],
    days: int = NOTICE_WORKING_DAYS,
) -> None:  # fmt: skip
    earliest = earliest_meeting(notified, add_working_days, days)
    if day < earliest:
        raise DomainError(
            MSG_TOO_EARLY, code="too_early", field="date",
            params={"days": days, "earliest": earliest.isoformat()},
        )  # fmt: skip


def appeal_due(decided: date, add_working_days: Callable[[date, int], date],
               days: int = APPEAL_WORKING_DAYS) -> date:  # fmt: skip
    """001 p42: within 10 working days of the decision (the decision day not counted)."""
    return add_working_days(decided, days)


def appeal_late(filed: date, due: date) -> bool:
    """001 p42: a later appeal is flagged late, not refused (the authorized body decides)."""
    return filed > due
