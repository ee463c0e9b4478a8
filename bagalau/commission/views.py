"""Commission screens: the body's commission (order, history, meetings), the meeting page
(consent, attendance, open votes, decisions, approval, appeals) and the printable protocol.

Reads through `selectors`, writes through `services`; a DomainError is shown on the page,
403/404 go to the error pages (core middleware). Scores are shown only where the one access
rule (evaluations.access) lets the caller read the result.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError, NotFound
from bagalau.core.models import User
from bagalau.documents import services as document_services
from bagalau.evaluations import access
from bagalau.evaluations.rules.confidentiality import may_read_result
from bagalau.evaluations.rules.workflow import HR, available
from bagalau.org.models import HR_ROLES, Role, RoleAssignment, Servant
from bagalau.workdays import services as workday_services

from . import rules, selectors, services
from .models import Appeal, Composition, MeetingState

MSG_DATE = _("%(field)s: enter a date as YYYY-MM-DD.")
ACTION_LABELS = {
    "edit": _("Save the date and refresh the agenda"),
    "consent": _("Give consent to the meeting (001 p29)"),
    "hold": _("Open the meeting with this attendance"),
    "attendance": _("Correct the attendance"),
    "close": _("Count the votes and draw up the protocol"),
    "approve": _("Approve the results (001 p39)"),
}


def _int(raw: Any) -> int | None:
    text = str(raw or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _ints(values: list[str]) -> list[int]:
    return [n for n in (_int(v) for v in values[:50]) if n is not None]


def _date(raw: Any, label: Any) -> date:
    text = str(raw or "").strip()[:10]
    day = parse_date(text) if text else None
    if day is None:
        raise DomainError(MSG_DATE, code="date", field="date", params={"field": label})
    return day


def _candidates(body_id: int) -> list[Any]:
    """The people an order may seat: the body's servants with an account, and role holders."""
    ids = set(
        Servant.objects.filter(body_id=body_id, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    ids |= set(RoleAssignment.objects.filter(body_id=body_id).values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "username"))


# --- the body's commission -------------------------------------------------------------------


@login_required
def commission_home(request: HttpRequest, body_id: int) -> HttpResponse:
    held = selectors.held_roles(request.user, body_id)
    seat = selectors.serving_seat(request.user, body_id)
    is_hr = bool(held & HR_ROLES)
    is_authorized = Role.AUTHORIZED_PERSON in held
    if not (is_hr or is_authorized or seat):
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    current = selectors.composition_in_force(body_id)
    error = ""
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = {k: request.POST.get(k, "")[:300] for k in request.POST}
        action = request.POST.get("action", "")
        try:
            if action in ("form", "amend"):
                kwargs: dict[str, Any] = {
                    "actor": request.user,
                    "order_number": request.POST.get("order_number", "")[:100],
                    "order_date": _date(request.POST.get("order_date"), _("Order date")),
                    "chair_id": _int(request.POST.get("chair")) or 0,
                    "member_ids": _ints(request.POST.getlist("members")),
                    "secretary_id": _int(request.POST.get("secretary")) or 0,
                }
                if action == "amend" and current is not None:
                    services.composition_amend(composition_id=current.pk, **kwargs)
                else:
                    services.composition_form(
                        body_id=body_id, working_body=request.POST.get("working_body", "")[:300],
                        **kwargs,
                    )  # fmt: skip
                return redirect("commission:home", body_id=body_id)
            if action == "create_meeting":
                year = _int(request.POST.get("year")) or 0
                meeting = services.meeting_create(
                    actor=request.user, body_id=body_id, year=year,
                    day=_date(request.POST.get("date"), _("Meeting date")),
                    place=request.POST.get("place", "")[:300],
                )  # fmt: skip
                return redirect("commission:meeting", meeting_id=meeting.pk)
            raise DomainError(_("Unknown action."), code="unknown_action", field="action")
        except NotFound:
            raise
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = exc.text()
    history = list(
        Composition.objects.filter(body_id=body_id)
        .prefetch_related("seats__user")
        .order_by("-order_date", "-pk")
    )
    today = timezone.localdate()
    return render(
        request,
        "commission/home.html",
        {
            "body_id": body_id,
            "current": current,
            "history": history,
            "meetings": selectors.meetings_visible(request.user, body_id),
            "is_hr": is_hr,
            "is_authorized": is_authorized,
            "candidates": _candidates(body_id) if is_authorized else [],
            "current_seats": {s.user_id: s.role for s in current.seats.all()} if current else {},
            "error": error,
            "values": values,
            "default_year": today.year - 1 if today.month < 7 else today.year,
            "earliest": workday_services.deadline_for(body_id, today, rules.NOTICE_WORKING_DAYS),
        },
    )


# --- the meeting ----------------------------------------------------------------------------


def _post_meeting(request: HttpRequest, meeting_id: int) -> None:
    post = request.POST
    action = post.get("action", "")[:32]
    revision = _int(post.get("revision"))
    if action == "vote":
        services.vote_cast(
            actor=request.user, meeting_id=meeting_id, case_id=_int(post.get("case")) or 0,
            choice=post.get("choice", "")[:10], corrected=post.get("corrected", "")[:10],
        )  # fmt: skip
    elif action == "appeal_file":
        services.appeal_file(
            actor=request.user, case_id=_int(post.get("case")) or 0,
            filed_on=_date(post.get("filed_on"), _("Filed on")),
            authority=post.get("authority", "")[:300],
        )  # fmt: skip
    elif action.startswith("appeal_"):
        services.appeal_transition(
            actor=request.user, appeal_id=_int(post.get("appeal")) or 0,
            action=action.removeprefix("appeal_"), revision=revision,
            reason=post.get("reason", "")[:4000],
        )  # fmt: skip
    else:
        kwargs: dict[str, Any] = {}
        if action == "edit":
            kwargs["day"] = _date(post.get("date"), _("Meeting date"))
            kwargs["place"] = post.get("place", "")[:300]
        if action in ("hold", "attendance"):
            kwargs["present"] = _ints(post.getlist("present"))
        if action == "note":
            kwargs.update(
                case_id=_int(post.get("case")), recommendations=post.get("recommendations", ""),
                conclusion=post.get("conclusion", ""),
            )  # fmt: skip
        services.meeting_transition(
            actor=request.user, meeting_id=meeting_id, action=action, revision=revision, **kwargs
        )


def _context(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting, roles = selectors.access_meeting(request.user, meeting_id)
    view = selectors.meeting_view(request.user, meeting, roles)
    held = access.body_roles(request.user, meeting.body_id)
    panel = access.panel_tasks(request.user, [r.case.task_id for r in view.rows])
    for row in view.rows:
        task_roles = access.task_roles(request.user, row.case.task, held, row.case.task_id in panel)
        readable = may_read_result(task_roles) and access.sheet_readable(row.case.task, task_roles)
        row.readable = readable  # type: ignore[attr-defined]
        # The result as evaluated: the Result's original score, or the sheet's own score where
        # no result forms from it (the competency sheet: 001 p27, the count that meet).
        original = row.case.result.original_score if row.case.result else row.case.task.score
        row.shown = original if readable else None  # type: ignore[attr-defined]
    seat_role = next((s.role for s in view.seats if s.user_id == request.user.pk), "")
    actions = [a for a in available(rules.MEETING, meeting.state, roles) if a in ACTION_LABELS]
    today = timezone.localdate()
    return {
        "meeting": meeting,
        "view": view,
        "roles": roles,
        "actions": [(a, ACTION_LABELS[a]) for a in actions if a not in ("edit", "hold", "attendance")],
        "can_edit": "edit" in actions,
        "can_attend": bool({"hold", "attendance"} & set(actions)),
        "attend_action": "hold" if "hold" in actions else "attendance",
        "can_vote": seat_role in rules.VOTING and meeting.state == MeetingState.HELD
        and request.user.pk in view.present,
        "can_note": meeting.state == MeetingState.HELD and bool(roles & {HR, rules.SECRETARY}),
        "is_hr": HR in roles,
        "appeals": selectors.appeals_of(meeting),
        "earliest": workday_services.deadline_for(meeting.body_id, today, rules.NOTICE_WORKING_DAYS)
        if meeting.state == MeetingState.DRAFT else None,
        "today": today,
    }  # fmt: skip


@login_required
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    error = ""
    if request.method == "POST":
        selectors.access_meeting(request.user, meeting_id)  # 404 before anything else
        try:
            _post_meeting(request, meeting_id)
            return redirect("commission:meeting", meeting_id=meeting_id)
        except NotFound:
            raise
        except DomainError as exc:
            if exc.status == 403:
                raise
            error = exc.text()
    context = _context(request, meeting_id)
    context["error"] = error
    context["print_forms"] = document_services.printable_forms(
        request.user, ["commission_protocol"], meeting_id
    )
    return render(request, "commission/meeting.html", context)


@login_required
def protocol_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """002 Appendix 5, generated from the meeting: printable HTML."""
    context = _context(request, meeting_id)
    context["print_forms"] = document_services.printable_forms(
        request.user, ["commission_protocol"], meeting_id
    )
    return render(request, "commission/protocol.html", context)


__all__ = ["Appeal", "commission_home", "meeting_page", "protocol_page"]
