"""360 survey screens: HR's campaigns, the respondent's inbox and form, the report pages.

Reads through the selectors and access helpers (strangers 404, known but unauthorised
403), writes through the services; a DomainError is shown next to its field with the typed
values kept. No page shows who answered what: HR's campaign page shows who has answered,
the report shows only aggregates and comments without author.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bagalau.core.errors import Conflict, DomainError, NotFound
from bagalau.documents import services as document_services
from bagalau.evaluations.rules.workflow import available
from bagalau.org import selectors as org_selectors
from bagalau.org.models import Servant

from . import rules, selectors, services
from .models import Campaign, Relation, Subject


def _int(raw: Any, limit: int = 18) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= limit else None


def _errors(exc: DomainError) -> dict[str, str]:
    return {e.field or "": e.text() for e in exc.errors} or {exc.field or "": exc.text()}


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw or "").strip()[:10])
    except ValueError:
        return None


# --- HR: campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's 360 campaigns; HR creates the year's campaign."""
    access = org_selectors.access_body(request.user, body_id)
    if not services.campaign_roles(request.user, body_id, access.roles):
        raise NotFound(services.MSG_NOT_FOUND, code="not_found")
    errors: dict[str, str] = {}
    typed = {"year": "", "due_date": ""}
    if request.method == "POST":
        typed = {k: str(request.POST.get(k, ""))[:10] for k in typed}
        year = _int(typed["year"], 4)
        try:
            if year is None:
                raise DomainError(services.MSG_YEAR, code="year", field="year")
            due = _date(typed["due_date"]) if typed["due_date"] else None
            if typed["due_date"] and due is None:
                raise DomainError(
                    _("Due date: enter a date as YYYY-MM-DD."), code="date", field="due_date"
                )
            campaign = services.campaign_create(
                actor=request.user, body=access.body, year=year, due_date=due
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            errors = _errors(exc)
        else:
            return redirect("surveys:campaign", campaign.pk)
    return render(
        request,
        "surveys/list.html",
        {
            "access": access, "body": access.body, "tab": "surveys",
            "campaigns": selectors.campaign_list(body_id), "errors": errors, "typed": typed,
        },
    )  # fmt: skip


def _campaign_action(request: HttpRequest, campaign: Campaign) -> str:
    """Run the posted action; returns the success message."""
    action = str(request.POST.get("action", ""))[:32]
    revision = _int(request.POST.get("revision"), 9)
    reason = str(request.POST.get("reason", ""))[:1000]
    if action == "propose":
        done = services.campaign_propose(
            actor=request.user, campaign_id=campaign.pk, revision=revision
        )
        return _(
            "Proposed from the structure: %(subjects)s evaluated persons, %(invitations)s "
            "requests (self-assessments included)."
        ) % {"subjects": done.subjects, "invitations": done.invitations}
    if action in ("open", "close"):
        services.campaign_transition(
            actor=request.user, campaign_id=campaign.pk, action=action, revision=revision
        )
        return (
            _("The campaign is open: the respondents are told.")
            if action == "open"
            else _("The campaign is closed: the reports are ready.")
        )
    if action == "add":
        services.respondent_add(
            actor=request.user, campaign_id=campaign.pk,
            subject_id=_int(request.POST.get("subject")) or 0,
            respondent_id=_int(request.POST.get("respondent")) or 0,
            relation=str(request.POST.get("relation", ""))[:16], reason=reason, revision=revision,
        )  # fmt: skip
        return _("Respondent added.")
    if action == "remove":
        services.respondent_remove(
            actor=request.user, campaign_id=campaign.pk,
            invitation_id=_int(request.POST.get("invitation")) or 0, reason=reason,
            revision=revision,
        )  # fmt: skip
        return _("Respondent removed.")
    raise DomainError(_("Unknown action."), code="unknown_action", field="action")


@login_required
def campaign_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """HR's campaign: subjects, respondents with relation, who has answered (never what)."""
    campaign, roles = services.access_campaign(request.user, campaign_id)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {k: str(v)[:500] for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            text = _campaign_action(request, campaign)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            errors = _errors(exc)
            if isinstance(exc, Conflict) and exc.code == "stale":
                errors = {"": _("Someone else changed this campaign: check and try again.")}
        else:
            messages.success(request, text)
            return redirect("surveys:campaign", campaign.pk)
        campaign, roles = services.access_campaign(request.user, campaign_id)
    subjects = Subject.objects.filter(campaign=campaign).order_by(
        "servant__last_name_kk", "servant__first_name_kk", "pk"
    )
    page = Paginator(subjects.values_list("pk", flat=True), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    overview = selectors.campaign_overview(campaign, list(page.object_list))
    staff = list(
        Servant.objects.filter(body_id=campaign.body_id).order_by(
            "last_name_kk", "first_name_kk", "pk"
        )[:2000]
    )
    return render(
        request,
        "surveys/campaign.html",
        {
            "campaign": campaign, "body": campaign.body, "overview": overview,
            "actions": available(rules.CAMPAIGN, campaign.state, roles), "errors": errors,
            "typed": typed, "staff": staff, "page": page,
            "is_hr_head": rules.HR_HEAD in roles,
            "relations": [(v, lbl) for v, lbl in Relation.choices if v != Relation.SELF],
        },
    )  # fmt: skip


@login_required
def topics_page(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """002 p37: the body's weakest competencies across people, as training topics."""
    campaign, _roles = services.access_campaign(request.user, campaign_id)
    return render(
        request,
        "surveys/topics.html",
        {
            "campaign": campaign, "body": campaign.body,
            "topics": selectors.training_topics(campaign),
            "min_people": rules.MIN_PEOPLE_FOR_TOPICS,
        },
    )  # fmt: skip


# --- respondents --------------------------------------------------------------------------------


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My surveys: the ones still to answer (soonest due first) and my reports."""
    return render(
        request,
        "surveys/inbox.html",
        {
            "pending": selectors.pending_for(request.user),
            "reports": selectors.reports_for(request.user),
        },
    )


@login_required
def survey_form(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """One page: a radio row per item, a comment per competency; answered once."""
    invitation = services.access_invitation(request.user, invitation_id)
    subject = invitation.subject
    done = selectors.answered_by(request.user, invitation)
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST" and not done:
        typed = {k: str(v)[: rules.COMMENT_MAX + 1] for k, v in request.POST.items()}
        values = {
            int(k[5:]): v
            for k, v in request.POST.items()
            if k.startswith("item-") and k[5:].isascii() and k[5:].isdigit() and len(k) < 20
        }
        comments = {
            int(k[8:]): str(v)
            for k, v in request.POST.items()
            if k.startswith("comment-") and k[8:].isascii() and k[8:].isdigit() and len(k) < 24
        }
        try:
            services.survey_submit(
                actor=request.user, invitation_id=invitation.pk, values=values, comments=comments
            )
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            errors = _errors(exc)
        else:
            messages.success(request, _("Thank you: your answers are recorded anonymously."))
            return redirect("surveys:inbox")
    items = services.questionnaire_of(subject)
    groups: list[dict[str, Any]] = []
    for item in items:
        if not groups or groups[-1]["competency"].pk != item.competency_id:
            comment = typed.get(f"comment-{item.competency_id}", "")
            groups.append({"competency": item.competency, "items": [], "comment": comment})
        item.chosen = _int(typed.get(f"item-{item.pk}"), 3)  # type: ignore[attr-defined]
        groups[-1]["items"].append(item)
    scale = invitation.campaign.version.survey_scale
    lang = (request.LANGUAGE_CODE or "kk")[:2]
    points = [
        (v, (scale.labels.get(str(v)) or {}).get(lang) or str(v))
        for v in range(scale.low, scale.high + 1)
    ]
    return render(
        request,
        "surveys/survey.html",
        {
            "invitation": invitation, "subject": subject, "groups": groups, "points": points,
            "scale": scale, "done": done, "errors": errors, "typed": typed,
            "is_self": invitation.relation == Relation.SELF,
            "is_open": invitation.campaign.state == "open",
        },
    )  # fmt: skip


# --- reports ------------------------------------------------------------------------------------


def _report_or_wait(request: HttpRequest, subject_id: int) -> tuple[Any, set[str]] | HttpResponse:
    try:
        return selectors.access_report(request.user, subject_id)
    except Conflict as exc:
        return render(request, "surveys/not_ready.html", {"message": exc.text()}, status=409)


@login_required
def report_page(request: HttpRequest, subject_id: int) -> HttpResponse:
    """The individual report (form 7 shape): known to the person, the evaluator, the head of
    HR only."""
    found = _report_or_wait(request, subject_id)
    if isinstance(found, HttpResponse):
        return found
    subject, roles = found
    return render(
        request,
        "surveys/report.html",
        {"subject": subject, "campaign": subject.campaign, "roles": roles,
         "print_forms": document_services.printable_forms(
             request.user, ["survey_report", "survey_feedback"], subject.pk),
         **selectors.report(subject)},
    )  # fmt: skip


@login_required
def feedback_page(request: HttpRequest, subject_id: int) -> HttpResponse:
    """The feedback conversation (form 8 shape, 002 p37): the summary for the talk and the
    agreed development, recorded by the evaluator or the head of HR."""
    found = _report_or_wait(request, subject_id)
    if isinstance(found, HttpResponse):
        return found
    subject, roles = found
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        typed = {k: str(request.POST.get(k, ""))[:5000] for k in
                 ("held_on", "strengths", "development", "actions")}  # fmt: skip
        try:
            services.feedback_record(actor=request.user, subject_id=subject.pk, **typed)
        except DomainError as exc:
            if exc.status == 404:
                raise
            errors = _errors(exc)
        else:
            messages.success(request, _("The feedback conversation is recorded."))
            return redirect("surveys:feedback", subject.pk)
    data = selectors.report(subject)
    return render(
        request,
        "surveys/feedback.html",
        {
            "subject": subject, "campaign": subject.campaign, **data, "errors": errors,
            "typed": typed, "may_write": bool(roles & {rules.EVALUATOR, rules.HR_HEAD}),
        },
    )  # fmt: skip
