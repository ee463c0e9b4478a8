"""/api/v1/competencies/360: the anonymous 360 survey (issue 15; 002 p34-37).

The same services and access rules as the pages: strangers get 404, known but unauthorised
403, bad input 400 naming the field, a stale revision or a wrong state 409. No response
ties an answer to a respondent: HR's campaign lists who has answered, never what; a report
gives only aggregates and comments without author.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from bagalau.core.errors import NotFound
from bagalau.evaluations.rules.workflow import available
from bagalau.org import selectors as org_selectors

from . import rules, selectors, services
from .models import Campaign, Relation

router = Router()

MAX_ID = 2**63 - 1
MAX_REVISION = 2**31 - 1
MAX_ITEMS = 200
MAX_REASON = 500


# --- campaigns ----------------------------------------------------------------------------------


class BodyFilter(Schema):
    body: int = Field(..., ge=1, le=MAX_ID, description="The state body")


class CampaignRowOut(Schema):
    id: int
    body_id: int
    year: int
    state: str
    due_date: date
    subjects: int
    revision: int


@router.get(
    "/campaigns",
    response=list[CampaignRowOut],
    summary="The 360 campaigns of a body (its HR only)",
)
def list_campaigns(request: HttpRequest, filters: Query[BodyFilter]) -> list[dict[str, Any]]:
    body = filters.body
    access = org_selectors.access_body(request.user, body)  # 404 to strangers
    if not services.campaign_roles(request.user, body, access.roles):
        raise NotFound(services.MSG_NOT_FOUND, code="not_found")
    return [
        {"id": c.pk, "body_id": c.body_id, "year": c.year, "state": c.state,
         "due_date": c.due_date, "subjects": getattr(c, "subject_count", 0), "revision": c.revision}
        for c in selectors.campaign_list(body)
    ]  # fmt: skip


class CampaignIn(Schema):
    body: int = Field(..., ge=1, le=MAX_ID)
    year: int = Field(..., ge=2000, le=2100)
    due_date: date | None = Field(
        None, description="No later than the 10th of January after the year (002 p5)"
    )


class InvitationOut(Schema):
    id: int
    respondent_id: int
    respondent: str
    relation: str
    added_by_hr: bool
    reason: str
    answered: bool = Field(..., description="Whether this person has answered: never what")


class SubjectOut(Schema):
    id: int
    servant_id: int
    servant: str
    audience: str
    evaluator_id: int | None
    absent: bool = Field(..., description="Away during the campaign: not asked (002 p6)")
    respondents: int = Field(..., description="The respondents, the self not counted")
    short: bool = Field(..., description="Fewer than the version's fewest (002 p36)")
    invitations: list[InvitationOut]


class CampaignOut(Schema):
    id: int
    body_id: int
    year: int
    state: str
    due_date: date
    opened_on: date | None
    closed_on: date | None
    fewest: int
    most: int
    answered: int
    requests: int
    subjects: list[SubjectOut]
    actions: list[str] = Field(..., description="The actions you may take now (rules.CAMPAIGN)")
    revision: int = Field(..., description="Send it back with a write; a stale one gets 409")


def _campaign(campaign: Campaign, roles: set[str]) -> dict[str, Any]:
    overview = selectors.campaign_overview(campaign)
    return {
        "id": campaign.pk, "body_id": campaign.body_id, "year": campaign.year,
        "state": campaign.state, "due_date": campaign.due_date, "opened_on": campaign.opened_on,
        "closed_on": campaign.closed_on, "fewest": overview["fewest"], "most": overview["most"],
        "answered": overview["done"], "requests": overview["total"],
        "subjects": [
            {
                "id": r.subject.pk, "servant_id": r.subject.servant_id,
                "servant": r.subject.servant.full_name, "audience": r.subject.audience,
                "evaluator_id": r.subject.evaluator_id, "absent": r.subject.absent,
                "respondents": r.respondents, "short": r.short,
                "invitations": [
                    {
                        "id": i.pk, "respondent_id": i.respondent_id,
                        "respondent": i.respondent.full_name, "relation": i.relation,
                        "added_by_hr": i.added_by_hr, "reason": i.reason,
                        "answered": i.respondent_id in r.answered,
                    }
                    for i in r.invitations
                ],
            }
            for r in overview["rows"]
        ],
        "actions": available(rules.CAMPAIGN, campaign.state, roles),
        "revision": campaign.revision,
    }  # fmt: skip


def _after(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    campaign, roles = services.access_campaign(request.user, campaign_id)
    return _campaign(campaign, roles)


@router.post("/campaigns", response={201: CampaignOut}, summary="HR creates the year's campaign")
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Status:
    body = org_selectors.access_body(request.user, payload.body).body  # 404 to strangers
    campaign = services.campaign_create(
        actor=request.user, body=body, year=payload.year, due_date=payload.due_date
    )
    return Status(201, _after(request, campaign.pk))


@router.get(
    "/campaigns/{campaign_id}",
    response=CampaignOut,
    summary="A campaign: the evaluated persons, their respondents and who has answered",
)
def get_campaign(request: HttpRequest, campaign_id: int) -> dict[str, Any]:
    return _after(request, campaign_id)


class RevisionIn(Schema):
    revision: int = Field(..., ge=0, le=MAX_REVISION)


@router.post(
    "/campaigns/{campaign_id}/proposal",
    response=CampaignOut,
    summary="Propose the evaluated persons and respondents from the structure (002 p36)",
)
def propose(request: HttpRequest, campaign_id: int, payload: RevisionIn) -> dict[str, Any]:
    services.campaign_propose(
        actor=request.user, campaign_id=campaign_id, revision=payload.revision
    )
    return _after(request, campaign_id)


class TransitionIn(Schema):
    action: Literal["open", "close"]
    revision: int = Field(..., ge=0, le=MAX_REVISION)


@router.post(
    "/campaigns/{campaign_id}/transitions",
    response=CampaignOut,
    summary="open (refused while someone has too few respondents) or close the campaign",
)
def transition(request: HttpRequest, campaign_id: int, payload: TransitionIn) -> dict[str, Any]:
    services.campaign_transition(
        actor=request.user, campaign_id=campaign_id, action=payload.action,
        revision=payload.revision,
    )  # fmt: skip
    return _after(request, campaign_id)


class RespondentIn(Schema):
    subject: int = Field(..., ge=1, le=MAX_ID)
    respondent: int = Field(..., ge=1, le=MAX_ID, description="A servant of the body")
    relation: Literal["supervisor", "subordinate", "peer", "other"] = "other"
    reason: str = Field(..., max_length=MAX_REASON)
    revision: int = Field(..., ge=0, le=MAX_REVISION)


@router.post(
    "/campaigns/{campaign_id}/respondents",
    response=CampaignOut,
    summary="HR adds a respondent with a reason (before the campaign starts)",
)
def add_respondent(request: HttpRequest, campaign_id: int, payload: RespondentIn) -> dict[str, Any]:
    services.respondent_add(
        actor=request.user, campaign_id=campaign_id, subject_id=payload.subject,
        respondent_id=payload.respondent, relation=payload.relation, reason=payload.reason,
        revision=payload.revision,
    )  # fmt: skip
    return _after(request, campaign_id)


class RemoveIn(Schema):
    reason: str = Field(..., max_length=MAX_REASON)
    revision: int = Field(..., ge=0, le=MAX_REVISION)


@router.post(
    "/campaigns/{campaign_id}/respondents/{invitation_id}/removal",
    response=CampaignOut,
    summary="HR removes a respondent with a reason (before the campaign starts)",
)
def remove_respondent(
    request: HttpRequest, campaign_id: int, invitation_id: int, payload: RemoveIn
) -> dict[str, Any]:
    services.respondent_remove(
        actor=request.user, campaign_id=campaign_id, invitation_id=invitation_id,
        reason=payload.reason, revision=payload.revision,
    )  # fmt: skip
    return _after(request, campaign_id)


class TopicOut(Schema):
    competency: str
    name: str
    people: int = Field(..., description="How many people have it among their weakest")
    mean: Decimal


@router.get(
    "/campaigns/{campaign_id}/training-topics",
    response=list[TopicOut],
    summary="The body's weakest competencies across people, as training topics (002 p37)",
)
def topics(request: HttpRequest, campaign_id: int) -> list[dict[str, Any]]:
    campaign, _roles = services.access_campaign(request.user, campaign_id)
    return [
        {"competency": t["code"], "name": t["competency"].name, "people": t["people"],
         "mean": t["mean"]}
        for t in selectors.training_topics(campaign)
    ]  # fmt: skip


# --- the respondent -----------------------------------------------------------------------------


class PendingOut(Schema):
    id: int
    campaign_id: int
    year: int
    due_date: date
    subject: str | None = Field(..., description="Whom the survey is about (none: yourself)")
    relation: str


@router.get(
    "/surveys/pending",
    response=list[PendingOut],
    summary="Your surveys still to answer, soonest due first",
)
def pending(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": i.pk, "campaign_id": i.campaign_id, "year": i.campaign.year,
         "due_date": i.campaign.due_date, "relation": i.relation,
         "subject": None if i.relation == Relation.SELF else i.subject.servant.full_name}
        for i in selectors.pending_for(request.user)
    ]  # fmt: skip


class ScalePoint(Schema):
    value: int
    label: str


class ItemOut(Schema):
    id: int
    text: str


class CompetencyOut(Schema):
    id: int
    code: str
    name: str
    items: list[ItemOut]


class SurveyOut(Schema):
    id: int
    due_date: date
    subject: str | None
    relation: str
    answered: bool
    open: bool
    scale: list[ScalePoint]
    default_questionnaire: bool = Field(..., description="The default set, not from the law")
    competencies: list[CompetencyOut]


def _survey(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    invitation = services.access_invitation(request.user, invitation_id)
    scale = invitation.campaign.version.survey_scale
    lang = (getattr(request, "LANGUAGE_CODE", "") or "kk")[:2]
    groups: list[dict[str, Any]] = []
    for item in services.questionnaire_of(invitation.subject):
        if not groups or groups[-1]["id"] != item.competency_id:
            c = item.competency
            groups.append({"id": c.pk, "code": c.code, "name": c.name, "items": []})
        groups[-1]["items"].append({"id": item.pk, "text": item.text})
    return {
        "id": invitation.pk, "due_date": invitation.campaign.due_date,
        "subject": None if invitation.relation == Relation.SELF
        else invitation.subject.servant.full_name,
        "relation": invitation.relation,
        "answered": selectors.answered_by(request.user, invitation),
        "open": invitation.campaign.state == "open",
        "scale": [
            {"value": v, "label": (scale.labels.get(str(v)) or {}).get(lang) or str(v)}
            for v in range(scale.low, scale.high + 1)
        ],
        "default_questionnaire": scale.is_default, "competencies": groups,
    }  # fmt: skip


@router.get("/surveys/{invitation_id}", response=SurveyOut, summary="One survey to answer")
def get_survey(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    return _survey(request, invitation_id)


class AnswerIn(Schema):
    item: int = Field(..., ge=1, le=MAX_ID)
    value: int = Field(..., ge=0, le=100)


class CommentIn(Schema):
    competency: int = Field(..., ge=1, le=MAX_ID)
    text: str = Field(..., max_length=rules.COMMENT_MAX)


class AnswersIn(Schema):
    answers: list[AnswerIn] = Field(..., max_length=MAX_ITEMS)
    comments: list[CommentIn] = Field(default_factory=list, max_length=MAX_ITEMS)


@router.post(
    "/surveys/{invitation_id}/answers",
    response=SurveyOut,
    summary="Answer a survey, once: every item rated within the scale (stored anonymously)",
)
def submit(request: HttpRequest, invitation_id: int, payload: AnswersIn) -> dict[str, Any]:
    services.survey_submit(
        actor=request.user, invitation_id=invitation_id,
        values={a.item: a.value for a in payload.answers},
        comments={c.competency: c.text for c in payload.comments},
    )  # fmt: skip
    return _survey(request, invitation_id)


# --- reports ------------------------------------------------------------------------------------


class LineOut(Schema):
    competency: str
    name: str
    score: Decimal | None = Field(..., description="None: fewer than 3 answers of others")
    answers: int = Field(..., description="How many others answered the competency")
    self_score: Decimal | None = Field(..., description="Shown beside, never counted (002 p36)")
    strongest: bool
    weakest: bool
    comments: list[str] = Field(..., description="Without author, in a stable shuffled order")


class ReportOut(Schema):
    subject_id: int
    servant: str
    year: int
    answered: int
    invited: int
    overall: Decimal | None
    strongest: list[str]
    weakest: list[str]
    lines: list[LineOut]


@router.get(
    "/reports/{subject_id}",
    response=ReportOut,
    summary="A person's 360 report: the person, the evaluator and the head of HR only",
)
def get_report(request: HttpRequest, subject_id: int) -> dict[str, Any]:
    subject, _roles = selectors.access_report(request.user, subject_id)
    data = selectors.report(subject)
    return {
        "subject_id": subject.pk, "servant": subject.servant.full_name,
        "year": subject.campaign.year, "answered": data["answered"], "invited": data["invited"],
        "overall": data["overall"], "strongest": [c.code for c in data["strongest"]],
        "weakest": [c.code for c in data["weakest"]],
        "lines": [
            {"competency": ln.competency.code, "name": ln.competency.name, "score": ln.score,
             "answers": ln.respondents, "self_score": ln.self_score,
             "strongest": ln.strongest, "weakest": ln.weakest, "comments": ln.comments}
            for ln in data["lines"]
        ],
    }  # fmt: skip
