"""Reads of the commission: who serves, the caller's roles on a meeting, the protocol rows,
the dashboard cards, and the panel source of the one access rule (evaluations.access)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from bagalau.core.errors import NotFound
from bagalau.evaluations import access as evaluation_access
from bagalau.evaluations.rules.workflow import HR
from bagalau.org.models import HR_ROLES, Role, RoleAssignment

from . import rules
from .models import Appeal, Case, Composition, Meeting, MeetingState, Seat

# The engine's message and reader of a user's roles in a body (one query).
MSG_NOT_FOUND = evaluation_access.MSG_NOT_FOUND
held_roles = evaluation_access.body_roles


def composition_in_force(body_id: int) -> Composition | None:
    return Composition.objects.filter(body_id=body_id, ended_on__isnull=True).first()


def seats_of(composition_id: int) -> list[Seat]:
    return list(Seat.objects.filter(composition_id=composition_id).select_related("user"))


def serving_seat(user: Any, body_id: int) -> Seat | None:
    """The user's seat on the body's commission in force (001 p31: while they serve)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Seat.objects.filter(
            composition__body_id=body_id, composition__ended_on__isnull=True, user=user
        )
        .select_related("composition")
        .first()
    )


def panel_tasks(user: Any, task_ids: Collection[int]) -> set[int]:
    """The panel source (evaluations.access): the sheets among `task_ids` on the agenda of a
    meeting of a commission the user serves on now (chair, member, secretary), and — for the
    authorized person, who approves the results (001 p39) — on the agenda of a meeting whose
    protocol is drawn up or approved. One query."""
    if not task_ids or not getattr(user, "is_authenticated", False):
        return set()
    bodies = Seat.objects.filter(user=user, composition__ended_on__isnull=True).values(
        "composition__body_id"
    )
    approving = RoleAssignment.objects.filter(user=user, role=Role.AUTHORIZED_PERSON).values(
        "body_id"
    )
    return set(
        Case.objects.filter(task_id__in=list(task_ids))
        .filter(
            Q(meeting__body_id__in=bodies)
            | Q(
                meeting__body_id__in=approving,
                meeting__state__in=[MeetingState.CLOSED, MeetingState.APPROVED],
            )
        )
        .values_list("task_id", flat=True)
    )


def meeting_roles(user: Any, meeting: Meeting, held: frozenset[str] | None = None) -> set[str]:
    """The caller's roles on a meeting: a seat of the composition in force, HR (the working
    body), the authorized person (001 p39)."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    held = held_roles(user, meeting.body_id) if held is None else held
    if held & HR_ROLES:
        roles.add(HR)
    if Role.AUTHORIZED_PERSON in held:
        roles.add(rules.AUTHORIZED)
    seat = serving_seat(user, meeting.body_id)
    if seat is not None:
        roles.add(seat.role)
    return roles


def access_meeting(
    user: Any, meeting_id: int, *, for_update: bool = False
) -> tuple[Meeting, set[str]]:
    """The meeting and the caller's roles on it; 404 to anyone with none."""

    qs = Meeting.objects.select_related("body", "composition")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    meeting = qs.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = meeting_roles(user, meeting)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return meeting, roles


def authorized_users(body_id: int) -> list[Any]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(body_id=body_id, role=Role.AUTHORIZED_PERSON)
        .select_related("user")
        .order_by("pk")
    ]


def hr_users(body_id: int) -> list[Any]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(body_id=body_id, role__in=HR_ROLES)
        .select_related("user")
        .order_by("pk")
    ]


# --- the meeting page and the protocol (002 Appendix 5) --------------------------------------


@dataclass
class Row:
    case: Case
    votes: list[Any]
    decision: Any
    my_vote: Any = None


@dataclass
class MeetingView:
    meeting: Meeting
    roles: set[str]
    seats: list[Seat]
    present: set[int]
    rows: list[Row]
    voting: int
    present_voting: int
    quorum: bool
    needed: int
    chair: Seat | None
    secretary: Seat | None
    members: list[Seat] = field(default_factory=list)


def meeting_view(user: Any, meeting: Meeting, roles: set[str]) -> MeetingView:
    """Everything the meeting page and the protocol show: a fixed number of queries."""
    seats = seats_of(meeting.composition_id)
    present = set(meeting.attendance.filter(present=True).values_list("user_id", flat=True))
    cases = list(
        meeting.cases.select_related("servant", "task__servant", "result", "decision")
        .prefetch_related("votes__voter")
        .order_by("order", "pk")
    )
    rows = []
    for case in cases:
        votes = sorted(case.votes.all(), key=lambda v: v.voter_id)
        decision = getattr(case, "decision", None)
        mine = next((v for v in votes if v.voter_id == user.pk), None)
        rows.append(Row(case, votes, decision, mine))
    voting = rules.voting_count([rules.Seat(s.user_id, s.role) for s in seats])
    present_voting = sum(1 for s in seats if s.role in rules.VOTING and s.user_id in present)
    return MeetingView(
        meeting=meeting, roles=roles, seats=seats, present=present, rows=rows, voting=voting,
        present_voting=present_voting, quorum=rules.has_quorum(present_voting, voting),
        needed=rules.quorum_needed(voting),
        chair=next((s for s in seats if s.role == rules.CHAIR), None),
        secretary=next((s for s in seats if s.role == rules.SECRETARY), None),
        members=[s for s in seats if s.role == rules.MEMBER],
    )  # fmt: skip


def meetings_visible(user: Any, body_id: int) -> list[Meeting]:
    held = held_roles(user, body_id)
    if not (held & (HR_ROLES | {Role.AUTHORIZED_PERSON})) and serving_seat(user, body_id) is None:
        return []
    return list(Meeting.objects.filter(body_id=body_id).order_by("-date", "-pk")[:50])


# --- dashboard cards -------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    meeting_id: int
    body_id: int
    state: str
    date: dt.date
    due: dt.date | None
    todo: str
    protocol: bool = False  # approved: the card links its protocol


def dashboard(user: Any) -> dict[str, Any]:
    """The dashboard's commission card (core.views.home)."""
    if not getattr(user, "is_authenticated", False):
        return {"commission_cards": [], "commission_bodies": [], "commission_mine": []}
    body_ids = set(RoleAssignment.objects.filter(user=user).values_list("body_id", flat=True))
    body_ids |= set(
        Seat.objects.filter(user=user, composition__ended_on__isnull=True).values_list(
            "composition__body_id", flat=True
        )
    )
    cards = dashboard_cards(user, body_ids)
    return {
        "commission_cards": cards,
        "commission_bodies": commission_bodies(user, body_ids),
        "commission_mine": my_decisions(user),
    }


def my_decisions(user: Any) -> list[Any]:
    """The servant's own cases of approved protocols (001 p39-42): the decision's day and the
    last day to appeal to the authorized body for civil-service affairs. One query."""
    return list(
        Case.objects.filter(servant__user=user, meeting__state=MeetingState.APPROVED)
        .select_related("meeting", "task")
        .order_by("-meeting__approved_on", "pk")[:5]
    )


def commission_bodies(user: Any, body_ids: Collection[int]) -> list[Any]:
    """The 2018-model bodies where the user has a part in the commission (for the links)."""
    from bagalau.org.models import StateBody

    roles = RoleAssignment.objects.filter(
        user=user,
        role__in=[*HR_ROLES, Role.AUTHORIZED_PERSON, Role.COMMISSION_CHAIR,
                  Role.COMMISSION_MEMBER, Role.COMMISSION_SECRETARY],
    ).values("body_id")  # fmt: skip
    seats = Seat.objects.filter(user=user, composition__ended_on__isnull=True).values(
        "composition__body_id"
    )
    ids = set(
        Composition.objects.filter(Q(body_id__in=roles) | Q(body_id__in=seats)).values_list(
            "body_id", flat=True
        )
    )
    # The authorized person forms the first commission of a body on the 2018 model (001 p5).
    from django.utils import timezone

    from bagalau.methodology import selectors as methodology_selectors

    for body_id in (
        set(
            RoleAssignment.objects.filter(user=user, role=Role.AUTHORIZED_PERSON).values_list(
                "body_id", flat=True
            )
        )
        - ids
    ):
        version = methodology_selectors.version_for(body_id, timezone.localdate())
        if version is not None and version.model == "2018":
            ids.add(body_id)
    return list(StateBody.objects.filter(pk__in=ids & set(body_ids)).order_by("pk"))


def dashboard_cards(user: Any, body_ids: Collection[int]) -> list[Card]:
    """The commission's cards for the chair, members, secretary, HR and the authorized person:
    each open meeting with what the user does next and its due date. A few queries."""
    if not getattr(user, "is_authenticated", False) or not body_ids:
        return []
    held: dict[int, set[str]] = {}
    for body_id, role in RoleAssignment.objects.filter(
        user=user, body_id__in=list(body_ids)
    ).values_list("body_id", "role"):
        held.setdefault(body_id, set()).add(role)
    seat_of: dict[int, str] = dict(
        Seat.objects.filter(
            user=user, composition__ended_on__isnull=True, composition__body_id__in=list(body_ids)
        ).values_list("composition__body_id", "role")
    )
    bodies = [
        b for b in body_ids
        if b in seat_of or held.get(b, set()) & (HR_ROLES | {Role.AUTHORIZED_PERSON})
    ]  # fmt: skip
    if not bodies:
        return []
    open_meetings = list(
        Meeting.objects.filter(body_id__in=bodies).exclude(state=MeetingState.APPROVED)
        .order_by("-date", "-pk")[:20]
    )  # fmt: skip
    latest: dict[int, Meeting] = {}
    for m in Meeting.objects.filter(body_id__in=bodies, state=MeetingState.APPROVED).order_by(
        "-approved_on", "-pk"
    )[:50]:
        latest.setdefault(m.body_id, m)  # the last approved protocol of each body
    from django.utils import timezone

    today = timezone.localdate()
    cards = []
    for m in [*open_meetings, *latest.values()]:
        roles = set()
        if held.get(m.body_id, set()) & HR_ROLES:
            roles.add(HR)
        if Role.AUTHORIZED_PERSON in held.get(m.body_id, set()):
            roles.add(rules.AUTHORIZED)
        if m.body_id in seat_of:
            roles.add(seat_of[m.body_id])
        todo, due = _todo(m, roles)
        if m.state == MeetingState.APPROVED and due is not None and due < today:
            due = None  # a past due date of an approved protocol is no longer work
        cards.append(Card(m.pk, m.body_id, str(m.get_state_display()), m.date, due, todo,
                          m.state == MeetingState.APPROVED))  # fmt: skip
    return cards


def _todo(m: Meeting, roles: set[str]) -> tuple[str, dt.date | None]:
    from django.utils.translation import gettext as _

    if m.state == MeetingState.DRAFT:
        if rules.CHAIR in roles:
            return _("give your consent to the meeting's date"), None
        return _("waiting for the chair's consent"), None
    if m.state == MeetingState.SCHEDULED:
        if HR in roles or rules.SECRETARY in roles:
            return _("record the attendance at the meeting"), m.date
        return _("the meeting is scheduled"), m.date
    if m.state == MeetingState.HELD:
        if roles & rules.VOTING:
            return _("vote on the cases of the agenda"), m.date
        return _("record the decisions and close the meeting"), m.date
    if m.state == MeetingState.CLOSED:
        if rules.AUTHORIZED in roles:
            return _("approve the results in the protocol (001 p39)"), None
        return _("the protocol waits for the authorized person's approval"), None
    if m.state == MeetingState.APPROVED and HR in roles:
        return _("acquaint the servants with the results; record any appeal"), m.acquaintance_due
    return _("the protocol is approved"), m.appeal_due


def appeals_of(meeting: Meeting) -> list[Appeal]:
    return list(
        Appeal.objects.filter(case__meeting=meeting).select_related("case__servant").order_by("pk")
    )
