"""/api/v1/decisions/commission: the evaluation commission of the 2018 model (001 p5, p29-43).

The same services, access rule and errors as the pages: strangers get 404, known but
unauthorised 403, bad input 400 naming the field, a stale revision or a wrong state 409.
Scores appear only where the one access rule (evaluations.access) lets the caller read them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema

from bagalau.core.errors import NotFound
from bagalau.evaluations import access
from bagalau.evaluations.rules.confidentiality import may_read_result
from bagalau.evaluations.rules.workflow import available
from bagalau.org.models import HR_ROLES, Role

from . import rules, selectors, services
from .models import Composition

router = Router()

MAX_ID = 2**63 - 1
MAX_REVISION = 2**31 - 1
Id = Annotated[int, Field(..., ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
Revision = Annotated[
    int,
    Field(..., ge=0, le=MAX_REVISION, description="The revision you read; a stale one gets 409"),
]
Day = Annotated[dt.date, Field(..., ge=dt.date(2000, 1, 1), le=dt.date(2100, 12, 31))]


class SeatOut(Schema):
    user_id: int
    name: str
    role: str
    votes: bool


class CompositionOut(Schema):
    id: int
    order_number: str
    order_date: dt.date
    amends_id: int | None
    ended_on: dt.date | None
    in_force: bool
    working_body: str
    seats: list[SeatOut]


class BodyQuery(Schema):
    body: int = Field(..., ge=1, le=MAX_ID, description="The state body")


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _composition(c: Composition) -> dict[str, Any]:
    return {
        "id": c.pk, "order_number": c.order_number, "order_date": c.order_date,
        "amends_id": c.amends_id, "ended_on": c.ended_on, "in_force": c.in_force,
        "working_body": c.working_body,
        "seats": [{"user_id": s.user_id, "name": _name(s.user), "role": s.role, "votes": s.votes}
                  for s in c.seats.all()],
    }  # fmt: skip


def _check_body(user: Any, body_id: int) -> None:
    held = selectors.held_roles(user, body_id)
    if not (held & (HR_ROLES | {Role.AUTHORIZED_PERSON}) or selectors.serving_seat(user, body_id)):
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")


@router.get("/compositions", response=list[CompositionOut],
            summary="The orders forming the body's commission, newest first (001 p5, p31)")  # fmt: skip
def list_compositions(request: HttpRequest, filters: Query[BodyQuery]) -> list[dict[str, Any]]:
    _check_body(request.user, filters.body)
    rows = Composition.objects.filter(body_id=filters.body).prefetch_related("seats__user")
    return [_composition(c) for c in rows.order_by("-order_date", "-pk")[:100]]


class CompositionIn(Schema):
    body: Id
    order_number: str = Field(..., min_length=1, max_length=64)
    order_date: Day
    chair: Id
    members: list[Id] = Field(..., max_length=50)
    secretary: Id
    working_body: str = Field("", max_length=300)


@router.post("/compositions", response=CompositionOut,
             summary="The authorized person forms the commission: at least 5 voting members "
             "(the chair and members); the secretary does not vote (001 p5, p34)")  # fmt: skip
def form_composition(request: HttpRequest, payload: CompositionIn) -> dict[str, Any]:
    c = services.composition_form(
        actor=request.user, body_id=payload.body, order_number=payload.order_number,
        order_date=payload.order_date, chair_id=payload.chair, member_ids=payload.members,
        secretary_id=payload.secretary, working_body=payload.working_body,
    )  # fmt: skip
    return _composition(c)


class AmendIn(Schema):
    order_number: str = Field(..., min_length=1, max_length=64)
    order_date: Day
    chair: Id
    members: list[Id] = Field(..., max_length=50)
    secretary: Id


@router.post("/compositions/{composition_id}/amend", response=CompositionOut,
             summary="Replace the chair or a member by amending the order (001 p31)")  # fmt: skip
def amend_composition(
    request: HttpRequest, composition_id: PathId, payload: AmendIn
) -> dict[str, Any]:
    c = services.composition_amend(
        actor=request.user, composition_id=composition_id, order_number=payload.order_number,
        order_date=payload.order_date, chair_id=payload.chair, member_ids=payload.members,
        secretary_id=payload.secretary,
    )  # fmt: skip
    return _composition(c)


# --- meetings --------------------------------------------------------------------------------


class VoteOut(Schema):
    voter_id: int
    voter: str
    choice: str
    corrected: Decimal | None = Field(None, description="Only to those who may read the result")


class DecisionOut(Schema):
    choice: str
    corrected: Decimal | None
    votes_for: int
    cast: int
    tie_broken: bool


class CaseOut(Schema):
    id: int
    order: int
    servant_id: int
    servant: str
    task_id: int
    kind: str
    result: Decimal | None = Field(None, description="Only to those who may read the result")
    votes: list[VoteOut]
    decision: DecisionOut | None
    recommendations: str
    conclusion: str


class MeetingOut(Schema):
    id: int
    body_id: int
    composition_id: int
    year: int
    date: dt.date
    place: str
    state: str
    revision: int
    notified_on: dt.date | None
    approved_on: dt.date | None
    acquaintance_due: dt.date | None
    appeal_due: dt.date | None
    voting: int
    present: list[int]
    quorum: bool
    quorum_needed: int
    actions: list[str] = Field(..., description="What the caller may do now")
    cases: list[CaseOut]


class MeetingRowOut(Schema):
    id: int
    date: dt.date
    year: int
    state: str
    revision: int


def _meeting(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting, roles = selectors.access_meeting(request.user, meeting_id)
    view = selectors.meeting_view(request.user, meeting, roles)
    held = access.body_roles(request.user, meeting.body_id)
    panel = access.panel_tasks(request.user, [r.case.task_id for r in view.rows])
    cases = []
    for row in view.rows:
        roles_on = access.task_roles(request.user, row.case.task, held, row.case.task_id in panel)
        readable = may_read_result(roles_on) and access.sheet_readable(row.case.task, roles_on)
        original = row.case.result.original_score if row.case.result else row.case.task.score
        d = row.decision
        cases.append({
            "id": row.case.pk, "order": row.case.order, "servant_id": row.case.servant_id,
            "servant": row.case.servant.full_name, "task_id": row.case.task_id,
            "kind": row.case.task.kind,
            "result": original if readable else None,
            "votes": [{"voter_id": v.voter_id, "voter": _name(v.voter), "choice": v.choice,
                       "corrected": v.corrected if readable else None} for v in row.votes],
            "decision": None if d is None else {
                "choice": d.choice, "corrected": d.corrected if readable else None,
                "votes_for": d.votes_for, "cast": d.cast, "tie_broken": d.tie_broken,
            },
            "recommendations": row.case.recommendations, "conclusion": row.case.conclusion,
        })  # fmt: skip
    return {
        "id": meeting.pk, "body_id": meeting.body_id, "composition_id": meeting.composition_id,
        "year": meeting.year, "date": meeting.date, "place": meeting.place,
        "state": meeting.state, "revision": meeting.revision, "notified_on": meeting.notified_on,
        "approved_on": meeting.approved_on, "acquaintance_due": meeting.acquaintance_due,
        "appeal_due": meeting.appeal_due, "voting": view.voting,
        "present": sorted(view.present), "quorum": view.quorum, "quorum_needed": view.needed,
        "actions": available(rules.MEETING, meeting.state, roles), "cases": cases,
    }  # fmt: skip


@router.get("/meetings", response=list[MeetingRowOut], summary="The body's commission meetings")
def list_meetings(request: HttpRequest, filters: Query[BodyQuery]) -> list[dict[str, Any]]:
    _check_body(request.user, filters.body)
    return [
        {"id": m.pk, "date": m.date, "year": m.year, "state": m.state, "revision": m.revision}
        for m in selectors.meetings_visible(request.user, filters.body)
    ]


class MeetingIn(Schema):
    body: Id
    year: int = Field(..., ge=2000, le=2100)
    date: Day
    place: str = Field("", max_length=300)


@router.post("/meetings", response=MeetingOut,
             summary="HR draws up a meeting; its agenda is the year's sheets for the commission "
             "(001 p29, p36)")  # fmt: skip
def create_meeting(request: HttpRequest, payload: MeetingIn) -> dict[str, Any]:
    meeting = services.meeting_create(
        actor=request.user, body_id=payload.body, year=payload.year, day=payload.date,
        place=payload.place,
    )  # fmt: skip
    return _meeting(request, meeting.pk)


@router.get("/meetings/{meeting_id}", response=MeetingOut, summary="A meeting with its agenda")
def get_meeting(request: HttpRequest, meeting_id: PathId) -> dict[str, Any]:
    return _meeting(request, meeting_id)


class TransitionIn(Schema):
    action: Literal["edit", "consent", "hold", "attendance", "note", "close", "approve"]
    revision: Revision
    date: Day | None = None
    place: str | None = Field(None, max_length=300)
    present: list[Id] = Field(default_factory=list, max_length=50)
    case: Id | None = None
    recommendations: str = Field("", max_length=4000)
    conclusion: str = Field("", max_length=4000)


@router.post("/meetings/{meeting_id}/transitions", response=MeetingOut,
             summary="edit (HR), consent (the chair, 7 working days' notice: 001 p29), hold and "
             "attendance (secretary/HR), note, close (decisions by majority, the chair's casting "
             "vote: 001 p32-33), approve (the authorized person: 001 p39)")  # fmt: skip
def transition_meeting(
    request: HttpRequest, meeting_id: PathId, payload: TransitionIn
) -> dict[str, Any]:
    services.meeting_transition(
        actor=request.user, meeting_id=meeting_id, action=payload.action,
        revision=payload.revision, day=payload.date, place=payload.place,
        present=payload.present if payload.action in ("hold", "attendance") else None,
        case_id=payload.case, recommendations=payload.recommendations,
        conclusion=payload.conclusion,
    )  # fmt: skip
    return _meeting(request, meeting_id)


class VoteIn(Schema):
    case: Id
    choice: Literal["approve", "revise"]
    corrected: Decimal | None = Field(
        None, ge=0, le=100, max_digits=6, decimal_places=2,
        description="The result as corrected by the commission: required to revise (001 p38)",
    )  # fmt: skip


@router.post("/meetings/{meeting_id}/votes", response=MeetingOut,
             summary="A present voting member votes openly by name (001 p30-34)")  # fmt: skip
def cast_vote(request: HttpRequest, meeting_id: PathId, payload: VoteIn) -> dict[str, Any]:
    services.vote_cast(
        actor=request.user, meeting_id=meeting_id, case_id=payload.case, choice=payload.choice,
        corrected=payload.corrected,
    )  # fmt: skip
    return _meeting(request, meeting_id)


# --- appeals ---------------------------------------------------------------------------------


class AppealOut(Schema):
    id: int
    case_id: int
    filed_on: dt.date
    due: dt.date
    late: bool
    authority: str
    state: str
    outcome_on: dt.date | None
    court: str
    reopened_task_id: int | None
    revision: int


def _appeal(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk, "case_id": a.case_id, "filed_on": a.filed_on, "due": a.due, "late": a.late,
        "authority": a.authority, "state": a.state, "outcome_on": a.outcome_on, "court": a.court,
        "reopened_task_id": a.reopened_task_id, "revision": a.revision,
    }  # fmt: skip


class AppealIn(Schema):
    case: Id
    filed_on: Day
    authority: str = Field("", max_length=300)


@router.post("/appeals", response=AppealOut,
             summary="HR records an appeal to the authorized body; due 10 working days after the "
             "decision, a later one flagged late (001 p42)")  # fmt: skip
def file_appeal(request: HttpRequest, payload: AppealIn) -> dict[str, Any]:
    return _appeal(services.appeal_file(
        actor=request.user, case_id=payload.case, filed_on=payload.filed_on,
        authority=payload.authority,
    ))  # fmt: skip


class AppealTransitionIn(Schema):
    action: Literal["reevaluate", "unchanged", "court"]
    revision: Revision
    reason: str = Field("", max_length=4000)


@router.post("/appeals/{appeal_id}/transitions", response=AppealOut,
             summary="The outcome: cancel and re-evaluate (the sheet reopens), left unchanged, "
             "or a court case (001 p42-43)")  # fmt: skip
def transition_appeal(
    request: HttpRequest, appeal_id: PathId, payload: AppealTransitionIn
) -> dict[str, Any]:
    return _appeal(services.appeal_transition(
        actor=request.user, appeal_id=appeal_id, action=payload.action,
        revision=payload.revision, reason=payload.reason,
    ))  # fmt: skip
