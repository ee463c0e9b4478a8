"""/api/v1/decisions/calibration: calibration sessions of the 2023 model (002 p13-14,
p38-43), tag `decisions`.

The same services and access rule as the pages: strangers to a case get 404, known but
unauthorised 403, bad input 400 naming the field, a stale revision or a wrong state 409.
Scores appear only to those who know the result (002 p21). Every write answers with the
case as the caller now sees it, with its new `revision` and the actions now available.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from bagalau.evaluations.rules.workflow import available

from . import rules, selectors, services

router = Router()

MAX_ID = 2**63 - 1
MAX_REVISION = 2**31 - 1
MAX_TEXT = services.MAX_TEXT


class DueOut(Schema):
    label: str
    day: date | None
    overdue: bool


class PositionOut(Schema):
    user_id: int
    supports: bool
    proposed: Decimal | None = None
    arguments: str = ""


class AppealOut(Schema):
    id: int
    filed_on: date
    authority: str
    outcome: str
    outcome_on: date | None


class CaseOut(Schema):
    id: int
    result_id: int
    servant_id: int
    state: str
    revision: int
    applied_on: date
    apply_due: date
    decide_due: date
    session_due: date
    session_date: date | None
    protocol_due: date | None
    participants: list[int]
    due: list[DueOut]
    actions: list[str] = Field(..., description="What the caller may do now (the case's table)")
    score_before: Decimal | None = Field(None, description="Only to those who know the result")
    final_score: Decimal | None = None
    tally: dict[str, Any] | None = None
    positions: list[PositionOut] = Field(default_factory=list)
    positions_recorded: int
    feedback_on: date | None
    feedback_notes: str = ""
    appeals: list[AppealOut] = Field(default_factory=list)


def _out(request: HttpRequest, case_id: int) -> dict[str, Any]:
    case, roles = selectors.access_case(request.user, case_id)
    readable = selectors.may_read_scores(roles, selectors.held(request.user, case.body_id))
    positions = list(case.positions.all())
    return {
        "id": case.pk, "result_id": case.result_id, "servant_id": case.servant_id,
        "state": case.state, "revision": case.revision, "applied_on": case.applied_on,
        "apply_due": case.apply_due, "decide_due": case.decide_due,
        "session_due": case.session_due, "session_date": case.session_date,
        "protocol_due": case.protocol_due,
        "participants": [p.user_id for p in case.participants.all()],
        "due": [{"label": label, "day": day, "overdue": late}
                for label, day, late in selectors.due_dates(case)],
        "actions": available(rules.CASE, case.state, roles),
        "score_before": case.score_before if readable else None,
        "final_score": case.final_score if readable else None,
        "tally": case.tally if readable and case.tally else None,
        "positions": [
            {"user_id": p.user_id, "supports": p.supports, "proposed": p.proposed,
             "arguments": p.arguments}
            for p in positions
        ] if readable else [],
        "positions_recorded": len(positions),
        "feedback_on": case.feedback_on,
        "feedback_notes": str(case.feedback.get("notes", "")) if case.feedback else "",
        "appeals": [
            {"id": a.pk, "filed_on": a.filed_on, "authority": a.authority, "outcome": a.outcome,
             "outcome_on": a.outcome_on}
            for a in case.appeals.all()
        ],
    }  # fmt: skip


class ApplyIn(Schema):
    result: int = Field(..., ge=1, le=MAX_ID, description="Your result you disagree with")
    text: str = Field(..., min_length=1, max_length=MAX_TEXT, description="Free form (002 p13)")


@router.post(
    "",
    response={201: CaseOut},
    summary="The servant applies for a calibration session within 5 working days of "
    "acquaintance (002 p13); later: 400 naming the last allowed day",
)
def apply(request: HttpRequest, payload: ApplyIn) -> Status:
    case = services.case_apply(actor=request.user, result_id=payload.result, text=payload.text)
    return Status(201, _out(request, case.pk))


CaseId = Path(..., ge=1, le=MAX_ID)


@router.get(
    "/{calibration_id}", response=CaseOut, summary="A calibration case, as the caller sees it"
)
def get_case(request: HttpRequest, calibration_id: int = CaseId) -> dict[str, Any]:
    return _out(request, calibration_id)


class TransitionIn(Schema):
    action: Literal["accept", "decline", "prepare_card", "summary", "hold", "decide"]
    revision: int = Field(..., ge=0, le=MAX_REVISION, description="The revision you read")
    reason: str = Field("", max_length=MAX_TEXT, description="Required to decline (002 p39)")
    participants: list[int] = Field(
        default_factory=list, max_length=services.MAX_PARTICIPANTS,
        description="accept: the user ids of the approved participants (002 p39)",
    )  # fmt: skip
    session_date: date | None = Field(None, description="accept: within 10 wd (002 p40)")
    place: str = Field("", max_length=300)
    summary: str = Field("", max_length=MAX_TEXT, description="summary: the evaluator's text")


@router.post(
    "/{calibration_id}/transitions",
    response=CaseOut,
    summary="accept or decline (the authorized person), prepare_card / hold / decide (HR), "
    "summary (the evaluator)",
)
def transition(
    request: HttpRequest, payload: TransitionIn, calibration_id: int = CaseId
) -> dict[str, Any]:
    user, rev = request.user, payload.revision
    if payload.action == "accept":
        if any(not 1 <= i <= MAX_ID for i in payload.participants):
            payload.participants = []
        services.case_accept(
            actor=user, case_id=calibration_id, revision=rev, participant_ids=payload.participants,
            session_date=payload.session_date, place=payload.place,
        )  # fmt: skip
    elif payload.action == "decline":
        services.case_decline(
            actor=user, case_id=calibration_id, revision=rev, reason=payload.reason
        )
    elif payload.action == "prepare_card":
        services.card_prepare(actor=user, case_id=calibration_id, revision=rev)
    elif payload.action == "summary":
        services.summary_record(
            actor=user, case_id=calibration_id, revision=rev, text=payload.summary
        )
    elif payload.action == "hold":
        services.case_hold(actor=user, case_id=calibration_id, revision=rev)
    else:
        services.case_decide(actor=user, case_id=calibration_id, revision=rev)
    return _out(request, calibration_id)


class VoteIn(Schema):
    support: bool = Field(..., description="true: supports the score; false: proposes `score`")
    score: Decimal | None = Field(None, ge=0, le=100, max_digits=5, decimal_places=2)
    arguments: str = Field("", max_length=MAX_TEXT, description="Required for a change")


@router.post(
    "/{calibration_id}/votes",
    response=CaseOut,
    summary="A participant's position (002 p42): support, or propose another score up or down",
)
def vote(request: HttpRequest, payload: VoteIn, calibration_id: int = CaseId) -> dict[str, Any]:
    services.vote_cast(
        actor=request.user, case_id=calibration_id, support=payload.support, proposed=payload.score,
        arguments=payload.arguments,
    )  # fmt: skip
    return _out(request, calibration_id)


class FeedbackIn(Schema):
    held_on: date
    achievements: str = Field(..., max_length=MAX_TEXT)
    development: str = Field(..., max_length=MAX_TEXT)
    career: str = Field(..., max_length=MAX_TEXT)
    notes: str = Field("", max_length=MAX_TEXT, description="Seen by the servant")


@router.post(
    "/{calibration_id}/feedback",
    response=CaseOut,
    summary="The evaluator records the feedback meeting with its three topics (002 p43)",
)
def feedback(
    request: HttpRequest, payload: FeedbackIn, calibration_id: int = CaseId
) -> dict[str, Any]:
    services.feedback_record(
        actor=request.user, case_id=calibration_id, held_on=payload.held_on,
        topics={"achievements": payload.achievements, "development": payload.development,
                "career": payload.career},
        notes=payload.notes,
    )  # fmt: skip
    return _out(request, calibration_id)


class AppealIn(Schema):
    filed_on: date
    authority: str = Field(..., min_length=1, max_length=300)
    outcome: Literal["pending", "upheld", "cancelled", "changed", "withdrawn"] = "pending"
    outcome_on: date | None = None
    note: str = Field("", max_length=MAX_TEXT)
    appeal: int | None = Field(None, ge=1, le=MAX_ID, description="Update this appeal")


@router.post(
    "/{calibration_id}/appeals",
    response=CaseOut,
    summary="HR records an appeal of the decision and its outcome (002 p14)",
)
def appeal(request: HttpRequest, payload: AppealIn, calibration_id: int = CaseId) -> dict[str, Any]:
    services.appeal_record(
        actor=request.user, case_id=calibration_id, filed_on=payload.filed_on,
        authority=payload.authority, outcome=payload.outcome, outcome_on=payload.outcome_on,
        note=payload.note, appeal_id=payload.appeal,
    )  # fmt: skip
    return _out(request, calibration_id)
