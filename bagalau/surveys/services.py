"""Every write of the 360 survey: campaigns, respondents, transitions, answers, feedback.

The campaign's transitions run through the one workflow runner (evaluations.rules.workflow):
inside a transaction the campaign row is locked, the caller's roles derived (none → 404),
role (403) checked before state (409), then the revision read, the guard; the change is
saved, the revision bumped, the audit event written and notices queued after commit.

Anonymity (issue 15): `survey_submit` writes the `Answered` ledger row (who answered whom,
nothing else) and the answers and comments with random keys and no respondent, in random
order, in one transaction; it writes no audit row and no notice. Audit rows are written for
campaign transitions and respondent changes only, and never carry a value or a comment.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import audit
from bagalau.evaluations.access import body_roles
from bagalau.evaluations.rules.confidentiality import may_read_result
from bagalau.evaluations.rules.eligibility import served_at_least
from bagalau.evaluations.rules.workflow import check_revision, check_transition, next_state
from bagalau.methodology import selectors as methodology_selectors
from bagalau.methodology.models import EvaluationKind, MethodologyVersion
from bagalau.org.models import (
    HR_ROLES,
    Absence,
    Appointment,
    Role,
    RoleAssignment,
    Servant,
    StateBody,
)
from bagalau.org.selectors import OrgSnapshot

from . import questionnaire, rules
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
    SubjectAudience,
    SurveyItem,
)

MSG_NOT_FOUND = _("Not found.")
MSG_FORBIDDEN = _("You do not have access to this.")
MSG_YEAR = _("Year: from 2000 to 2100.")
MSG_NO_VERSION = _("No methodology version is in force for this year.")
MSG_NO_360 = _("The methodology version in force for this year has no 360 evaluation.")
MSG_EXISTS = _("The 360 campaign of %(year)s already exists.")
MSG_SHORT = _(
    "Too few respondents (fewer than %(fewest)s, 002 p36): %(names)s. Add people from "
    "elsewhere before the campaign starts."
)
MSG_TOO_MANY = _("%(name)s: at most %(most)s respondents (002 p36).")
MSG_NO_SUBJECTS = _("The campaign has nobody to evaluate: propose them from the structure.")
MSG_SUBJECT = _("Evaluated person: not one of this campaign.")
MSG_RESPONDENT = _("Respondent: choose a servant of the body.")
MSG_RESPONDENT_SELF = _("Respondent: the self-assessment is already asked of the person.")
MSG_RESPONDENT_TWICE = _("Respondent: this person is already asked about this colleague.")
MSG_RELATION = _("Relation: choose the supervisor, a subordinate, a peer or another person.")
MSG_INVITATION = _("Respondent: not one of this campaign.")
MSG_ANSWERED = _("You have already answered this survey: an answer is given once.")
MSG_NOT_OPEN = _("This 360 survey is not open for answers.")
MSG_REPORT_NOT_READY = _("The report is ready once the campaign is closed.")
MSG_ABSENT = _("%(name)s is absent during the campaign and is not asked to respond (002 p6).")
MSG_HELD_ON = _("Held on: enter a date as YYYY-MM-DD.")
TEXT_MAX = 4000
REASON_MAX = 500


def _today() -> date:
    return timezone.localdate()


# --- roles --------------------------------------------------------------------------------------


# The user's roles in a body: the engine's reader (one query).
held_roles = body_roles


def campaign_roles(user: Any, body_id: int, held: frozenset[str] | None = None) -> set[str]:
    """HR (an HR officer or the head of HR) runs the campaign; nobody else has a role on it.
    A superuser has none: no tie to the body. The head of HR also opens each report."""
    held = held_roles(user, body_id) if held is None else held
    if not held & HR_ROLES:
        return set()
    return {rules.HR, rules.HR_HEAD} if Role.HR_HEAD in held else {rules.HR}


def access_campaign(
    user: Any, campaign_id: int, *, for_update: bool = False
) -> tuple[Campaign, set[str]]:
    qs = Campaign.objects.select_related("body", "version")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    campaign = qs.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = campaign_roles(user, campaign.body_id)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return campaign, roles


def report_roles(user: Any, subject: Subject, held: frozenset[str] | None = None) -> set[str]:
    """The caller's roles on a person's report (002 p16, p21): the person, the evaluator
    (the direct supervisor, fixed on the subject), the head of HR; HR officers run the
    process only."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    held = held_roles(user, subject.campaign.body_id) if held is None else held
    if subject.servant.user_id == user.pk:
        roles.add(rules.EVALUATED)
    if subject.evaluator_user_id == user.pk:
        roles.add(rules.EVALUATOR)
    if Role.HR_HEAD in held:
        roles.add(rules.HR_HEAD)
    if held & HR_ROLES:
        roles.add(rules.HR)
    return roles


# --- creating and proposing ---------------------------------------------------------------------


def _survey_kind(version: MethodologyVersion) -> Any:
    return version.kinds.filter(kind=EvaluationKind.SURVEY_360).first()


@transaction.atomic
def campaign_create(
    *, actor: Any, body: StateBody, year: int, due_date: date | None = None
) -> Campaign:
    """HR of the body opens the year's 360 campaign under the version in force (002 p34)."""
    if not campaign_roles(actor, body.pk):
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise DomainError(MSG_YEAR, code="year", field="year")
    due = due_date or rules.default_due_date(year)
    rules.check_due_date(year, due)
    version = methodology_selectors.version_for(body.pk, date(year, 12, 31))
    if version is None:
        raise DomainError(MSG_NO_VERSION, code="no_version", field="year")
    if _survey_kind(version) is None:
        raise DomainError(MSG_NO_360, code="no_360", field="year")
    if Campaign.objects.filter(body=body, year=year).exists():
        raise Conflict(MSG_EXISTS, code="exists", field="year", params={"year": year})
    questionnaire.ensure(version)
    campaign = Campaign.objects.create(
        body=body, version=version, year=year, due_date=due, state=CampaignState.DRAFT,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit(
        actor=actor, action="survey.created", obj=campaign, body=body,
        data={"year": year, "due": due.isoformat()},
    )  # fmt: skip
    return campaign


def _limits(version: MethodologyVersion) -> tuple[int, int]:
    fewest = version.respondents_min if version.respondents_min is not None else 3
    most = version.respondents_max if version.respondents_max is not None else 7
    return fewest, max(most, fewest)


def _window(campaign: Campaign, today: date) -> tuple[date, date]:
    """The days of the campaign: from today (or its opening) within the year to its due."""
    start = campaign.opened_on or min(max(today, date(campaign.year, 1, 1)), campaign.due_date)
    return start, campaign.due_date


def absent_ids(body_id: int, start: date, end: date) -> set[int]:
    """Servants whose absences cover every day of [start, end] (002 p6)."""
    covered: dict[int, list[tuple[date, date]]] = {}
    rows = Absence.objects.filter(
        servant__body_id=body_id, start_date__lte=end, end_date__gte=start
    ).values_list("servant_id", "start_date", "end_date")
    for servant_id, first, last in rows:
        covered.setdefault(servant_id, []).append((first, last))
    away = set()
    for servant_id, spans in covered.items():
        day = start
        for first, last in sorted(spans):
            if first <= day:
                day = max(day, last + timedelta(days=1))
        if day > end:
            away.add(servant_id)
    return away


@dataclass
class Proposed:
    subjects: int = 0
    invitations: int = 0
    short: list[str] | None = None


@transaction.atomic
def campaign_propose(*, actor: Any, campaign_id: int, revision: int | None) -> Proposed:
    """Propose the evaluated persons and their respondents from the structure (002 p36).

    Everyone in a position of the body on the day, with three months in it by the year's
    end (002 p6); heads get the heads' competencies, the others the servants' (002 p35).
    The respondents: rules.propose_respondents; absent servants are not asked but are
    evaluated (002 p6). A new proposal replaces the previous one (draft only). HR is told
    who has too few respondents.
    """
    campaign, roles = access_campaign(actor, campaign_id, for_update=True)
    transition = check_transition(
        "propose", campaign.state, roles, state_label=str(campaign.get_state_display()),
        machine=rules.CAMPAIGN,
    )  # fmt: skip
    check_revision(revision, campaign.revision, required=transition.needs_revision)
    version = campaign.version
    fewest, most = _limits(version)
    start, end = _window(campaign, _today())
    day = min(start, date(campaign.year, 12, 31))
    snapshot = OrgSnapshot(campaign.body_id, day)
    away = absent_ids(campaign.body_id, start, end)
    appointments = {
        a.servant_id: a
        for a in Appointment.objects.filter(servant_id__in=list(snapshot.current))
        .filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("position")
    }
    people = {
        sid: rules.Person(
            sid,
            a.position.unit_id,
            a.position.is_head,
            snapshot.supervisor_of(sid),
            a.position.category,
        )  # fmt: skip
        for sid, a in appointments.items()
    }
    users = dict(Servant.objects.filter(pk__in=list(people)).values_list("pk", "user_id"))
    authorized = (
        RoleAssignment.objects.filter(body_id=campaign.body_id, role=Role.AUTHORIZED_PERSON)
        .order_by("pk").values_list("user_id", flat=True).first()
    )  # fmt: skip
    year_end = date(campaign.year, 12, 31)
    Invitation.objects.filter(campaign=campaign).delete()
    Subject.objects.filter(campaign=campaign).delete()
    subjects = []
    for sid, appointment in sorted(appointments.items()):
        if not served_at_least(appointment.start_date, year_end, version.min_months_in_position):
            continue
        supervisor = people[sid].supervisor_id
        subjects.append(
            Subject(
                campaign=campaign,
                servant_id=sid,
                audience=SubjectAudience.HEADS if people[sid].is_head else SubjectAudience.STAFF,
                evaluator_id=supervisor,
                evaluator_user_id=users.get(supervisor) if supervisor else authorized,
                absent=sid in away,
            )  # fmt: skip
        )
    Subject.objects.bulk_create(subjects, batch_size=500)
    by_servant = dict(Subject.objects.filter(campaign=campaign).values_list("servant_id", "pk"))
    invitations = []
    short: list[int] = []
    for sid, subject_id in by_servant.items():
        proposal = rules.propose_respondents(sid, people, fewest=fewest, most=most, absent=away)
        if proposal.short:
            short.append(sid)
        for respondent, relation in proposal.respondents:
            invitations.append(
                Invitation(
                    campaign=campaign,
                    subject_id=subject_id,
                    respondent_id=respondent,
                    relation=relation,
                )  # fmt: skip
            )
        if sid not in away:  # 002 p36: the self-assessment; 002 p6: not of the absent
            invitations.append(
                Invitation(
                    campaign=campaign,
                    subject_id=subject_id,
                    respondent_id=sid,
                    relation=Relation.SELF,
                )  # fmt: skip
            )
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    campaign.revision += 1
    campaign.save(update_fields=["revision"])
    audit(
        actor=actor, action="survey.propose", obj=campaign, body=campaign.body,
        data={"subjects": len(by_servant), "invitations": len(invitations), "short": len(short),
              "absent": len(away & set(by_servant))},
    )  # fmt: skip
    names = [s.full_name for s in Servant.objects.filter(pk__in=short)]
    if short:
        campaign_id_ = campaign.pk
        transaction.on_commit(lambda: _notify_short(campaign_id_, len(short)))
    return Proposed(len(by_servant), len(invitations), names)


def short_subjects(campaign: Campaign) -> list[Subject]:
    """The subjects with fewer respondents than the version's fewest (the self not counted)."""
    fewest, _most = _limits(campaign.version)
    from django.db.models import Count

    return list(
        Subject.objects.filter(campaign=campaign)
        .annotate(n=Count("invitations", filter=~Q(invitations__relation=Relation.SELF)))
        .filter(n__lt=fewest)
        .select_related("servant")
        .order_by("servant__last_name_kk", "servant__first_name_kk", "pk")
    )


# --- HR changes respondents ---------------------------------------------------------------------


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    if len(text) > REASON_MAX:
        raise DomainError(
            _("Reason: at most %(max)s characters."), code="too_long", field="reason",
            params={"max": REASON_MAX},
        )  # fmt: skip
    return text


@transaction.atomic
def respondent_add(
    *,
    actor: Any,
    campaign_id: int,
    subject_id: int,
    respondent_id: int,
    relation: str,
    reason: str,
    revision: int | None,
) -> Invitation:
    """HR adds a respondent with a reason (002 p36: from elsewhere when too few)."""
    campaign, roles = access_campaign(actor, campaign_id, for_update=True)
    text = _reason(reason)
    transition = check_transition(
        "change_respondents", campaign.state, roles, reason=text,
        state_label=str(campaign.get_state_display()), machine=rules.CAMPAIGN,
    )  # fmt: skip
    check_revision(revision, campaign.revision, required=transition.needs_revision)
    subject = (
        Subject.objects.filter(campaign=campaign, pk=subject_id).select_related("servant").first()
    )
    if subject is None:
        raise DomainError(MSG_SUBJECT, code="subject", field="subject")
    if relation not in {Relation.SUPERVISOR, Relation.SUBORDINATE, Relation.PEER, Relation.OTHER}:
        raise DomainError(MSG_RELATION, code="relation", field="relation")
    respondent = Servant.objects.filter(pk=respondent_id, body_id=campaign.body_id).first()
    if respondent is None:
        raise DomainError(MSG_RESPONDENT, code="respondent", field="respondent")
    if respondent.pk == subject.servant_id:
        raise DomainError(MSG_RESPONDENT_SELF, code="respondent_self", field="respondent")
    start, end = _window(campaign, _today())
    if respondent.pk in absent_ids(campaign.body_id, start, end):
        raise DomainError(
            MSG_ABSENT, code="absent", field="respondent", params={"name": respondent.full_name}
        )
    fewest, most = _limits(campaign.version)
    count = subject.invitations.exclude(relation=Relation.SELF).count()
    if count >= most:
        raise DomainError(
            MSG_TOO_MANY, code="too_many", field="respondent",
            params={"name": subject.servant.full_name, "most": most},
        )  # fmt: skip
    if subject.invitations.filter(respondent=respondent).exists():
        raise DomainError(MSG_RESPONDENT_TWICE, code="twice", field="respondent")
    invitation = Invitation.objects.create(
        campaign=campaign, subject=subject, respondent=respondent, relation=relation,
        added_by_hr=True, reason=text,
    )  # fmt: skip
    campaign.revision += 1
    campaign.save(update_fields=["revision"])
    audit(
        actor=actor, action="survey.respondent_added", obj=campaign, body=campaign.body,
        data={"subject": subject.servant_id, "respondent": respondent.pk, "relation": relation,
              "reason": text},
    )  # fmt: skip
    return invitation


@transaction.atomic
def respondent_remove(
    *, actor: Any, campaign_id: int, invitation_id: int, reason: str, revision: int | None
) -> None:
    """HR removes a respondent with a reason (draft only: nobody has answered yet)."""
    campaign, roles = access_campaign(actor, campaign_id, for_update=True)
    text = _reason(reason)
    transition = check_transition(
        "change_respondents", campaign.state, roles, reason=text,
        state_label=str(campaign.get_state_display()), machine=rules.CAMPAIGN,
    )  # fmt: skip
    check_revision(revision, campaign.revision, required=transition.needs_revision)
    invitation = (
        Invitation.objects.filter(campaign=campaign, pk=invitation_id)
        .exclude(relation=Relation.SELF)
        .select_related("subject")
        .first()
    )
    if invitation is None:
        raise DomainError(MSG_INVITATION, code="invitation", field="invitation")
    data = {
        "subject": invitation.subject.servant_id, "respondent": invitation.respondent_id,
        "relation": invitation.relation, "reason": text,
    }  # fmt: skip
    invitation.delete()
    campaign.revision += 1
    campaign.save(update_fields=["revision"])
    audit(
        actor=actor, action="survey.respondent_removed", obj=campaign, body=campaign.body,
        data=data,
    )  # fmt: skip


# --- transitions --------------------------------------------------------------------------------


@transaction.atomic
def campaign_transition(
    *, actor: Any, campaign_id: int, action: str, revision: int | None
) -> Campaign:
    """Open (guard: everyone has the fewest respondents, 002 p36) or close the campaign."""
    if action not in ("open", "close"):
        raise DomainError(_("Unknown action."), code="unknown_action", field="action")
    campaign, roles = access_campaign(actor, campaign_id, for_update=True)
    transition = check_transition(
        action, campaign.state, roles, state_label=str(campaign.get_state_display()),
        machine=rules.CAMPAIGN,
    )  # fmt: skip
    check_revision(revision, campaign.revision, required=transition.needs_revision)
    today = _today()
    data: dict[str, Any] = {"from": campaign.state}
    fields = ["state", "revision"]
    if action == "open":
        if not Subject.objects.filter(campaign=campaign).exists():
            raise DomainError(MSG_NO_SUBJECTS, code="no_subjects", field="subjects")
        short = short_subjects(campaign)
        if short:
            fewest, _most = _limits(campaign.version)
            raise DomainError(
                MSG_SHORT, code="too_few_respondents", field="respondents",
                params={"fewest": fewest, "names": ", ".join(s.servant.full_name for s in short)},
            )  # fmt: skip
        campaign.opened_on = today
        fields.append("opened_on")
    else:
        campaign.closed_on = today
        fields.append("closed_on")
        _reshuffle(campaign)
    campaign.state = next_state(transition, campaign.state)
    data["to"] = campaign.state
    campaign.revision += 1
    campaign.save(update_fields=fields)
    audit(actor=actor, action=f"survey.{action}", obj=campaign, body=campaign.body, data=data)
    campaign_id_ = campaign.pk
    if action == "open":
        transaction.on_commit(lambda: _notify_invited(campaign_id_))
    else:
        transaction.on_commit(lambda: _notify_reports(campaign_id_))
    return campaign


# --- answering ----------------------------------------------------------------------------------


def _reshuffle(campaign: Campaign) -> None:
    """At the close, rewrite the campaign's answers and comments in one random order with new
    keys: the table's physical order (SQLite's rowid, PostgreSQL's heap) no longer groups one
    respondent's rows together as they were written (issue 15)."""
    shuffle = random.SystemRandom().shuffle
    answers = list(Answer.objects.filter(subject__campaign=campaign))
    Answer.objects.filter(subject__campaign=campaign).delete()
    shuffle(answers)
    for answer in answers:
        answer.pk = uuid.uuid4()
    Answer.objects.bulk_create(answers, batch_size=1000)
    comments = list(Comment.objects.filter(subject__campaign=campaign))
    Comment.objects.filter(subject__campaign=campaign).delete()
    shuffle(comments)
    for comment in comments:
        comment.pk = uuid.uuid4()
    Comment.objects.bulk_create(comments, batch_size=1000)


def access_invitation(user: Any, invitation_id: int) -> Invitation:
    """The caller's own invitation (404 for anyone else, whoever they are)."""
    invitation = (
        Invitation.objects.select_related(
            "campaign__version", "campaign__body", "subject__servant", "respondent"
        )
        .filter(pk=invitation_id)
        .first()
    )
    if (
        invitation is None
        or not getattr(user, "is_authenticated", False)
        or invitation.respondent.user_id != user.pk
    ):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return invitation


def questionnaire_of(subject: Subject) -> list[SurveyItem]:
    """The items of the subject's competency set (12 for heads, 8 for servants: 002 p35)."""
    return list(
        SurveyItem.objects.filter(
            version_id=subject.campaign.version_id, competency__audience=subject.audience
        )
        .select_related("competency")
        .order_by("competency__order", "order", "pk")
    )


@transaction.atomic
def survey_submit(
    *,
    actor: Any,
    invitation_id: int,
    values: Mapping[int, Any],
    comments: Mapping[int, str] | None = None,
) -> None:
    """A respondent answers a subject's survey, once (issue 15; 002 p34, p36).

    Every item of the subject's competencies is rated within the scale. The ledger row is
    written first: a second answer (a second tab, a double click) is refused by its unique
    constraint. The answers and comments are written with random keys, in shuffled order,
    with no link to the respondent; no audit row and no notice are written.
    """
    invitation = access_invitation(actor, invitation_id)
    campaign = invitation.campaign
    if campaign.state != CampaignState.OPEN:
        raise Conflict(MSG_NOT_OPEN, code="invalid_state", field="state")
    subject = invitation.subject
    items = questionnaire_of(subject)
    scale = campaign.version.survey_scale
    labels = {item.pk: item.text for item in items}
    cleaned = rules.check_answers(values, labels, scale.low, scale.high)
    competencies = {item.competency_id for item in items}
    texts: dict[int, str] = {}
    for key, raw in (comments or {}).items():
        text = str(raw or "").strip()
        if not text:
            continue
        if key not in competencies:
            raise DomainError(rules.MSG_UNKNOWN_ITEM, code="unknown_item", field="comments")
        if len(text) > rules.COMMENT_MAX:
            raise DomainError(
                rules.MSG_COMMENT_LONG, code="too_long", field=f"comment-{key}",
                params={"max": rules.COMMENT_MAX},
            )  # fmt: skip
        texts[key] = text
    is_self = invitation.relation == Relation.SELF
    try:
        with transaction.atomic():
            Answered.objects.create(
                campaign=campaign, subject=subject, respondent=invitation.respondent
            )
    except IntegrityError:
        raise Conflict(MSG_ANSWERED, code="answered", field="answers") from None
    by_id = {item.pk: item for item in items}
    rows = [
        Answer(
            subject=subject,
            item_id=item_id,
            competency_id=by_id[item_id].competency_id,
            value=value,
            is_self=is_self,
        )  # fmt: skip
        for item_id, value in cleaned.items()
    ]
    shuffle = random.SystemRandom().shuffle
    shuffle(rows)
    Answer.objects.bulk_create(rows)
    notes = [
        Comment(subject=subject, competency_id=key, text=text, is_self=is_self)
        for key, text in texts.items()
    ]
    shuffle(notes)
    Comment.objects.bulk_create(notes)


# --- feedback -----------------------------------------------------------------------------------


@transaction.atomic
def feedback_record(
    *,
    actor: Any,
    subject_id: int,
    held_on: Any,
    strengths: str,
    development: str,
    actions: str,
) -> Feedback:
    """The evaluator (or the head of HR) records the feedback conversation (form 8; 002 p37)."""
    subject = (
        Subject.objects.select_for_update(of=("self",))
        .select_related("campaign__body", "servant")
        .filter(pk=subject_id)
        .first()
    )
    if subject is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = report_roles(actor, subject)
    # Who reads a person's 360 report: the one rule of 002 p16, p21 (the person, the
    # evaluator, the head of HR); HR officers run the campaign without its content.
    if not may_read_result(roles):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    if not roles & {rules.EVALUATOR, rules.HR_HEAD}:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if subject.campaign.state != CampaignState.CLOSED:
        raise Conflict(MSG_REPORT_NOT_READY, code="invalid_state", field="state")
    day = held_on if isinstance(held_on, date) else None
    if day is None and isinstance(held_on, str):
        try:
            day = date.fromisoformat(held_on.strip())
        except ValueError:
            day = None
    if day is None:
        raise DomainError(MSG_HELD_ON, code="date", field="held_on")
    fields = {"strengths": strengths, "development": development, "actions": actions}
    for name, value in fields.items():
        if len(value or "") > TEXT_MAX:
            raise DomainError(
                _("%(field)s: at most %(max)s characters."), code="too_long", field=name,
                params={"field": name, "max": TEXT_MAX},
            )  # fmt: skip
    row, created = Feedback.objects.update_or_create(
        subject=subject,
        defaults={
            "held_on": day, "recorded_by": actor,
            **{k: (v or "").strip() for k, v in fields.items()},
        },
    )  # fmt: skip
    audit(
        actor=actor, action="survey.feedback", obj=subject.campaign, body=subject.campaign.body,
        data={"subject": subject.servant_id, "held_on": day.isoformat(), "new": created},
    )  # fmt: skip
    return row


# --- notices ------------------------------------------------------------------------------------


def _notify_invited(campaign_id: int) -> int:
    """Each respondent once: how many surveys and by when (never about whom they answer)."""
    from bagalau.notifications.services import NotifyItem, notify_many

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    counts: dict[int, int] = {}
    users: dict[int, Any] = {}
    for invitation in Invitation.objects.filter(campaign=campaign).select_related(
        "respondent__user"
    ):
        user = invitation.respondent.user
        if user is None:
            continue
        counts[user.pk] = counts.get(user.pk, 0) + 1
        users[user.pk] = user
    url = reverse("surveys:inbox")
    return notify_many(
        NotifyItem(
            recipient=users[pk],
            kind="survey.invited",
            context={"year": campaign.year, "due": campaign.due_date, "count": n},
            url=url,
            body=campaign.body,
            dedupe_key=f"survey-invited:{campaign.pk}:{pk}",
            object_type="surveys.campaign",
            object_id=str(campaign.pk),
        )  # fmt: skip
        for pk, n in sorted(counts.items())
    )


def _notify_reports(campaign_id: int) -> int:
    """The person and their evaluator: the report is ready (it names nobody who answered)."""
    from bagalau.notifications.messages import localized
    from bagalau.notifications.services import NotifyItem, notify_many

    items = []
    for subject in Subject.objects.filter(campaign_id=campaign_id).select_related(
        "servant__user", "evaluator_user", "campaign__body"
    ):
        url = reverse("surveys:report", args=[subject.pk])
        for user in (subject.servant.user, subject.evaluator_user):
            if user is None:
                continue
            items.append(
                NotifyItem(
                    recipient=user,
                    kind="survey.report_ready",
                    context={
                        "year": subject.campaign.year,
                        "servant": localized(subject.servant, "full_name"),
                    },
                    url=url,
                    body=subject.campaign.body,
                    dedupe_key=f"survey-report:{subject.pk}:{user.pk}",
                    object_type="surveys.subject",
                    object_id=str(subject.pk),
                )  # fmt: skip
            )
    return notify_many(items)


def _notify_short(campaign_id: int, count: int) -> int:
    from bagalau.notifications.services import NotifyItem, notify_many

    campaign = Campaign.objects.select_related("version", "body").filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    fewest, _most = _limits(campaign.version)
    url = reverse("surveys:campaign", args=[campaign.pk])
    users = [
        a.user
        for a in RoleAssignment.objects.filter(body=campaign.body, role__in=list(HR_ROLES))
        .select_related("user")
        .order_by("pk")
    ]
    return notify_many(
        NotifyItem(
            recipient=user,
            kind="survey.short",
            context={"year": campaign.year, "count": count, "fewest": fewest},
            url=url,
            body=campaign.body,
            dedupe_key=f"survey-short:{campaign.pk}:{campaign.revision}:{user.pk}",
            object_type="surveys.campaign",
            object_id=str(campaign.pk),
        )  # fmt: skip
        for user in dict.fromkeys(users)
    )


def send_reminders(now: datetime) -> int:
    """Periodic hook: the respondents who have not answered, N working days before the
    campaign's due date on the body's calendar (BAGALAU_REMINDER_OFFSETS, default 3 and 1:
    the rule of every reminder, notifications.rules.reminder_days). Idempotent by its
    dedupe key."""
    from bagalau.notifications import rules as notification_rules
    from bagalau.notifications.services import NotifyItem, notify_many, reminder_offsets
    from bagalau.workdays import rules as workday_rules
    from bagalau.workdays import services as workday_services

    today = timezone.localdate(now)
    offsets = reminder_offsets()
    horizon = today + timedelta(days=7 * (max(offsets, default=3) + 2))
    queued = 0
    for campaign in Campaign.objects.filter(
        state=CampaignState.OPEN, due_date__gt=today, due_date__lte=horizon
    ).select_related("body"):
        calendar = workday_services.calendar_for(
            campaign.body_id, today - timedelta(days=7), horizon
        )
        due_offsets = notification_rules.reminder_days(
            campaign.due_date, today, offsets, partial(workday_rules.add_working_days, cal=calendar)
        )
        if not due_offsets:
            continue
        answered = set(
            Answered.objects.filter(campaign=campaign).values_list("subject_id", "respondent_id")
        )
        counts: dict[int, int] = {}
        users: dict[int, Any] = {}
        for invitation in Invitation.objects.filter(campaign=campaign).select_related(
            "respondent__user"
        ):
            user = invitation.respondent.user
            if user is None or (invitation.subject_id, invitation.respondent_id) in answered:
                continue
            counts[user.pk] = counts.get(user.pk, 0) + 1
            users[user.pk] = user
        n = due_offsets[0]
        queued += notify_many(
            NotifyItem(
                recipient=users[pk],
                kind="survey.reminder",
                context={"year": campaign.year, "due": campaign.due_date, "count": count},
                url=reverse("surveys:inbox"),
                body=campaign.body,
                dedupe_key=f"survey-remind:{campaign.pk}:{pk}:{n}",
                object_type="surveys.campaign",
                object_id=str(campaign.pk),
            )  # fmt: skip
            for pk, count in sorted(counts.items())
        )
    return queued


__all__ = [
    "access_campaign", "access_invitation", "campaign_create", "campaign_propose",
    "campaign_roles", "campaign_transition", "feedback_record", "questionnaire_of",
    "report_roles", "respondent_add", "respondent_remove", "send_reminders", "survey_submit",
]  # fmt: skip
