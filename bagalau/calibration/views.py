"""Calibration screens (002 p13-14, p20, p38-43): the servant's application, the case page
(each role's part: the authorized person's decision, HR's information card and protocol,
the participants' session, the evaluator's summary and feedback), the printable protocol,
HR's calibration view per unit. Writes through the services; a DomainError is shown as a
message, 403/404 go to the error pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bagalau.core.errors import DomainError, NotFound, PermissionDenied
from bagalau.documents import services as document_services
from bagalau.evaluations import access as evaluation_access
from bagalau.evaluations.rules.workflow import HR, available
from bagalau.org import selectors as org_selectors
from bagalau.org.models import HR_ROLES, Role, Servant

from . import rules, selectors, services
from .models import AppealOutcome, CalibrationCase, CaseState


def _revision(post: Any) -> int | None:
    raw = str(post.get("revision", ""))
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _one(raw: Any) -> int | None:
    found = _ids([str(raw or "")])
    return found[0] if found else None


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values[:50] if v.isascii() and v.isdigit() and len(v) < 10]


@login_required
def apply(request: HttpRequest, result_id: int) -> HttpResponse:
    """The servant's free-form application to the authorized person (002 p13)."""
    result, roles = evaluation_access.access_result(request.user, result_id)
    if evaluation_access.EVALUATED not in roles:
        raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
    existing = (
        CalibrationCase.objects.filter(result=result).exclude(state=CaseState.DECLINED).first()
    )
    if existing is not None:
        return redirect("calibration:case", existing.pk)
    when = result.acknowledged_at or result.refused_at
    due = None
    if when is not None:
        day = timezone.localdate(when)
        due = rules.application_due(
            day, services._adder(result.body_id, day), services._days(result.version, "apply")
        )
    error, text = "", ""
    if request.method == "POST":
        text = str(request.POST.get("text", ""))[: services.MAX_TEXT + 1]
        try:
            case = services.case_apply(actor=request.user, result_id=result.pk, text=text)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = exc.text()
        else:
            messages.success(request, _("Your application is sent to the authorized person."))
            return redirect("calibration:case", case.pk)
    return render(
        request, "calibration/apply.html",
        {"result": result, "due": due, "error": error, "text": text,
         "late": due is not None and timezone.localdate() > due},
    )  # fmt: skip


ACTIONS = {
    "accept": lambda r, u, c: services.case_accept(
        actor=u, case_id=c, revision=_revision(r.POST),
        participant_ids=_ids(r.POST.getlist("participants")),
        session_date=str(r.POST.get("session_date", ""))[:20],
        place=str(r.POST.get("place", ""))[:300],
    ),
    "decline": lambda r, u, c: services.case_decline(
        actor=u, case_id=c, revision=_revision(r.POST), reason=str(r.POST.get("reason", ""))
    ),
    "prepare_card": lambda r, u, c: services.card_prepare(
        actor=u, case_id=c, revision=_revision(r.POST)
    ),
    "summary": lambda r, u, c: services.summary_record(
        actor=u, case_id=c, revision=_revision(r.POST), text=str(r.POST.get("summary", ""))
    ),
    "vote": lambda r, u, c: services.vote_cast(
        actor=u, case_id=c, support=r.POST.get("position") != "change",
        proposed=str(r.POST.get("score", ""))[:10], arguments=str(r.POST.get("arguments", "")),
    ),
    "hold": lambda r, u, c: services.case_hold(actor=u, case_id=c, revision=_revision(r.POST)),
    "decide": lambda r, u, c: services.case_decide(
        actor=u, case_id=c, revision=_revision(r.POST)
    ),
    "upload_protocol": lambda r, u, c: services.protocol_upload(
        actor=u, case_id=c, revision=_revision(r.POST), upload=r.FILES.get("file")
    ),
    "feedback": lambda r, u, c: services.feedback_record(
        actor=u, case_id=c, held_on=str(r.POST.get("held_on", ""))[:20],
        topics={code: str(r.POST.get(code, "")) for code, _l in rules.FEEDBACK_TOPICS},
        notes=str(r.POST.get("notes", "")),
    ),
    "appeal": lambda r, u, c: services.appeal_record(
        actor=u, case_id=c, filed_on=str(r.POST.get("filed_on", ""))[:20],
        authority=str(r.POST.get("authority", "")), outcome=str(r.POST.get("outcome", ""))[:16],
        outcome_on=str(r.POST.get("outcome_on", ""))[:20] or None,
        note=str(r.POST.get("note", "")),
        appeal_id=_one(r.POST.get("appeal")),
    ),
}  # fmt: skip


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    case, roles = selectors.access_case(request.user, case_id)
    if request.method == "POST":
        action = str(request.POST.get("action", ""))[:32]
        if action not in ACTIONS:
            messages.error(request, _("Unknown action."))
            return redirect("calibration:case", case.pk)
        try:
            ACTIONS[action](request, request.user, case.pk)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            messages.error(request, exc.text())
        else:
            messages.success(request, _("Saved."))
        return redirect("calibration:case", case.pk)
    body_roles = selectors.held(request.user, case.body_id)
    actions = available(rules.CASE, case.state, roles)
    candidates: list[Any] = []
    if "accept" in actions:
        candidates = list(
            Servant.objects.filter(body_id=case.body_id, user__isnull=False)
            .exclude(pk=case.servant_id)
            .select_related("user")
            .order_by("last_name_kk", "pk")[:300]
        )
    mine = next((p for p in case.positions.all() if p.user_id == request.user.pk), None)
    return render(
        request, "calibration/case.html",
        {
            "case": case, "roles": roles, "actions": actions,
            "scores": selectors.may_read_scores(roles, body_roles),
            "due_dates": selectors.due_dates(case), "candidates": candidates,
            "topics": rules.FEEDBACK_TOPICS, "outcomes": AppealOutcome.choices,
            "my_position": mine, "is_hr": HR in roles, "positions": list(case.positions.all()),
            "participants": list(case.participants.all()),
        },
    )  # fmt: skip


@login_required
def protocol(request: HttpRequest, case_id: int) -> HttpResponse:
    """The protocol of the session, printable (002 p42), generated from the case."""
    case, roles = selectors.access_case(request.user, case_id)
    body_roles = selectors.held(request.user, case.body_id)
    if case.state not in (CaseState.DECIDED, CaseState.PROTOCOL_UPLOADED, CaseState.HELD):
        raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
    # The protocol carries the scores: only those 002 p21 names read it (the head of HR
    # among them); an HR officer uploads the signed copy without reading it.
    if not selectors.may_read_scores(roles, body_roles):
        raise PermissionDenied(evaluation_access.MSG_FORBIDDEN, code="forbidden")
    return render(
        request, "calibration/protocol.html",
        {"case": case, "positions": list(case.positions.all()),
         "participants": list(case.participants.all()),
         "print_forms": document_services.printable_forms(
             request.user, ["calibration_protocol"], case.pk)},
    )  # fmt: skip


@login_required
def protocol_file(request: HttpRequest, case_id: int) -> FileResponse:
    case, path = services.protocol_open(actor=request.user, case_id=case_id)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=case.protocol_name,
        content_type=case.protocol_type,
    )  # fmt: skip


@login_required
def unit_view(request: HttpRequest, body_id: int) -> HttpResponse:
    """HR's calibration view per unit: the distribution before and after calibration, each
    moved case with its tally and its protocol (the head of HR knows results: 002 p21)."""
    org_access = org_selectors.access_body(request.user, body_id)
    if Role.HR_HEAD not in org_access.roles:
        if org_access.roles & HR_ROLES:
            raise PermissionDenied(evaluation_access.MSG_FORBIDDEN, code="forbidden")
        raise NotFound(selectors.MSG_NOT_FOUND, code="not_found")
    raw = str(request.GET.get("year", ""))
    year = (
        int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else timezone.localdate().year
    )
    cases = list(
        CalibrationCase.objects.filter(body_id=body_id)
        .select_related("servant")
        .order_by("-applied_on", "-pk")[:200]
    )
    return render(
        request, "calibration/units.html",
        {"body": org_access.body, "year": year, "units": selectors.unit_view(body_id, year),
         "cases": cases},
    )  # fmt: skip
