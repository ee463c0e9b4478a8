"""Reads of the 360 survey, shared by the pages and the API.

The report reads answers only aggregated (rules.aggregate) and comments ordered by their
random key: a stable shuffle that says nothing of who wrote them or when. The campaign
overview tells HR who has answered whom — never what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q

from bagalau.core.errors import Conflict, NotFound
from bagalau.evaluations.rules.confidentiality import may_read_result
from bagalau.methodology.models import Competency360

from . import rules
from .models import (
    Answer,
    Answered,
    Campaign,
    CampaignState,
    Comment,
    Feedback,
    Invitation,
    Relation,
    Subject,
)
from .services import MSG_NOT_FOUND, MSG_REPORT_NOT_READY, _limits, report_roles, short_subjects


def campaign_list(body_id: int) -> list[Campaign]:
    return list(
        Campaign.objects.filter(body_id=body_id)
        .annotate(subject_count=Count("subjects", distinct=True))
        .order_by("-year", "pk")
    )


@dataclass
class SubjectRow:
    subject: Subject
    invitations: list[Invitation]
    answered: set[int]
    respondents: int
    short: bool
    too_many: bool


def campaign_overview(campaign: Campaign, subject_ids: list[int] | None = None) -> dict[str, Any]:
    """The subjects (all, or those of `subject_ids`: a page) with their respondents, the
    relation and whether each has answered; the campaign's totals. A fixed number of
    queries whatever the number of people."""
    fewest, most = _limits(campaign.version)
    subjects_qs = Subject.objects.filter(campaign=campaign)
    invitations_qs = Invitation.objects.filter(campaign=campaign)
    answered_qs = Answered.objects.filter(campaign=campaign)
    if subject_ids is not None:
        subjects_qs = subjects_qs.filter(pk__in=subject_ids)
        invitations_qs = invitations_qs.filter(subject_id__in=subject_ids)
        answered_qs = answered_qs.filter(subject_id__in=subject_ids)
    subjects = list(
        subjects_qs.select_related("servant", "evaluator").order_by(
            "servant__last_name_kk", "servant__first_name_kk", "pk"
        )
    )
    invitations: dict[int, list[Invitation]] = {}
    for inv in invitations_qs.select_related("respondent").order_by(
        "subject_id", "relation", "respondent__last_name_kk", "pk"
    ):
        invitations.setdefault(inv.subject_id, []).append(inv)
    answered: dict[int, set[int]] = {}
    for subject_id, respondent_id in answered_qs.values_list("subject_id", "respondent_id"):
        answered.setdefault(subject_id, set()).add(respondent_id)
    rows = []
    for subject in subjects:
        own = invitations.get(subject.pk, [])
        count = sum(1 for i in own if i.relation != Relation.SELF)
        rows.append(
            SubjectRow(
                subject,
                own,
                answered.get(subject.pk, set()),
                count,
                count < fewest,
                count > most,
            )  # fmt: skip
        )
    return {
        "rows": rows,
        "fewest": fewest,
        "most": most,
        "short": short_subjects(campaign),
        "total": Invitation.objects.filter(campaign=campaign).count(),
        "done": Answered.objects.filter(campaign=campaign).count(),
    }


def pending_for(user: Any) -> list[Invitation]:
    """The caller's surveys still to answer in open campaigns, soonest due first."""
    if not getattr(user, "is_authenticated", False):
        return []
    answered = Answered.objects.filter(
        subject_id=OuterRef("subject_id"), respondent_id=OuterRef("respondent_id")
    )
    return list(
        Invitation.objects.filter(respondent__user=user, campaign__state=CampaignState.OPEN)
        .exclude(Exists(answered))
        .select_related("campaign", "subject__servant")
        .order_by("campaign__due_date", "relation", "subject__servant__last_name_kk", "pk")
    )  # one query


def answered_by(user: Any, invitation: Invitation) -> bool:
    return Answered.objects.filter(
        subject_id=invitation.subject_id, respondent_id=invitation.respondent_id
    ).exists()


# --- reports ------------------------------------------------------------------------------------


def access_report(user: Any, subject_id: int) -> tuple[Subject, set[str]]:
    """A person's report: the person, their evaluator and the head of HR (002 p16, p21);
    404 to anyone else, a superuser included; ready once the campaign is closed (so that
    nobody can watch a score change as one more person answers)."""
    subject = (
        Subject.objects.select_related(
            "campaign__body", "campaign__version", "servant", "evaluator"
        )
        .filter(pk=subject_id)
        .first()
    )
    if subject is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = report_roles(user, subject)
    # Who reads a person's 360 report: the one rule of 002 p16, p21 (the person, the
    # evaluator, the head of HR); HR officers run the campaign without its content.
    if not may_read_result(roles):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    if subject.campaign.state != CampaignState.CLOSED:
        raise Conflict(MSG_REPORT_NOT_READY, code="not_ready", field="state")
    return subject, roles


@dataclass
class ReportLine:
    competency: Competency360
    score: Decimal | None
    respondents: int
    self_score: Decimal | None
    strongest: bool = False
    weakest: bool = False
    comments: list[str] = field(default_factory=list)


def _results(subject_ids: list[int], version_id: int) -> dict[int, list[rules.Result]]:
    """Each subject's results, from answers read aggregated (never row by row in order)."""
    items: dict[str, dict[str, list[int]]] = {}
    from .models import SurveyItem

    for audience, code, item_id in (
        SurveyItem.objects.filter(version_id=version_id)
        .order_by("competency__order", "order", "pk")
        .values_list("competency__audience", "competency__code", "pk")
    ):
        items.setdefault(audience, {}).setdefault(code, []).append(item_id)
    # Grouped by subject, item, value and the self flag: counts, not rows.
    ratings: dict[int, list[rules.Rating]] = {}
    for sid, code, item_id, value, is_self, n in (
        Answer.objects.filter(subject_id__in=subject_ids)
        .values_list("subject_id", "competency__code", "item_id", "value", "is_self")
        .annotate(n=Count("id"))
        .order_by("subject_id", "item_id", "value", "is_self")
    ):
        ratings.setdefault(sid, []).extend([rules.Rating(code, item_id, value, is_self)] * n)
    audiences = dict(Subject.objects.filter(pk__in=subject_ids).values_list("pk", "audience"))
    return {
        sid: rules.aggregate(ratings.get(sid, []), items.get(audiences[sid], {}))
        for sid in subject_ids
    }


def report(subject: Subject) -> dict[str, Any]:
    """The individual report (the typical methodology's form 7, closest shape from 002 p37):
    per competency the score or "fewer than 3 answers", the self-assessment beside it, the
    strongest and weakest, comments without author in a stable shuffled order."""
    results = _results([subject.pk], subject.campaign.version_id)[subject.pk]
    strongest, weakest = rules.extremes(results)
    competencies = {
        c.code: c
        for c in Competency360.objects.filter(
            version_id=subject.campaign.version_id, audience=subject.audience
        )
    }
    comments: dict[int, list[str]] = {}
    for competency_id, text in (
        Comment.objects.filter(subject=subject, is_self=False)
        .order_by("id")
        .values_list("competency_id", "text")
    ):
        comments.setdefault(competency_id, []).append(text)
    own_comments: dict[int, list[str]] = {}
    for competency_id, text in (
        Comment.objects.filter(subject=subject, is_self=True)
        .order_by("id")
        .values_list("competency_id", "text")
    ):
        own_comments.setdefault(competency_id, []).append(text)
    lines = []
    for r in results:
        competency = competencies[r.competency]
        line = ReportLine(
            competency, r.score, r.respondents, r.self_score,
            strongest=r.competency in strongest, weakest=r.competency in weakest,
            # A competency's comments are shown with its score only (from three answers).
            comments=comments.get(competency.pk, []) if r.score is not None else [],
        )  # fmt: skip
        lines.append(line)
    answered = (
        Answered.objects.filter(subject=subject).exclude(respondent_id=subject.servant_id).count()
    )
    invited = Invitation.objects.filter(subject=subject).exclude(relation=Relation.SELF).count()
    shown = [r.score for r in results if r.score is not None]
    overall = (
        (sum(shown, Decimal(0)) / Decimal(len(shown))).quantize(rules.TWO, rules.ROUND_HALF_UP)
        if shown
        else None
    )
    return {
        "lines": lines,
        "strongest": [competencies[c] for c in strongest],
        "weakest": [competencies[c] for c in weakest],
        "answered": answered,
        "invited": invited,
        "self_done": Answered.objects.filter(
            subject=subject, respondent_id=subject.servant_id
        ).exists(),
        "overall": overall,
        "own_comments": own_comments,
        "feedback": Feedback.objects.filter(subject=subject).first(),
        "min_shown": rules.MIN_SHOWN,
    }


def training_topics(campaign: Campaign) -> list[dict[str, Any]]:
    """002 p37: the body's weakest competencies across all people of a closed campaign."""
    if campaign.state != CampaignState.CLOSED:
        return []
    ids = list(Subject.objects.filter(campaign=campaign).values_list("pk", flat=True))
    results = _results(ids, campaign.version_id)
    topics = rules.training_topics(results.values())
    names: dict[str, Competency360] = {}
    for c in Competency360.objects.filter(version_id=campaign.version_id).order_by("audience"):
        names.setdefault(c.code, c)
    return [
        {"competency": names[t.competency], "code": t.competency, "people": t.people,
         "mean": t.mean}
        for t in topics
    ]  # fmt: skip


def reports_for(user: Any) -> list[Subject]:
    """The closed-campaign reports the caller may read as the person or the evaluator."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Subject.objects.filter(campaign__state=CampaignState.CLOSED)
        .filter(Q(servant__user=user) | Q(evaluator_user=user))
        .select_related("campaign", "servant")
        .order_by("-campaign__year", "servant__last_name_kk", "pk")[:50]
    )


def dashboard(user: Any) -> dict[str, Any]:
    """The dashboard's 360 card: the surveys the caller has still to answer (issue 15 item 3),
    soonest due first, at most ten listed. One query whatever the body."""
    pending = pending_for(user)
    return {"surveys_pending": pending[:10], "surveys_pending_count": len(pending)}
