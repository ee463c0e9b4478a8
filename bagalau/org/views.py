"""HR screens for bodies, units, positions, staff, appointments, absences and roles.

Every view resolves access through selectors.access_* (404 strangers, 403 the rest);
writes go through services.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bagalau.core.errors import DomainError, NotFound, PermissionDenied
from bagalau.core.forms import id_param
from bagalau.methodology import selectors as methodology_selectors

from . import forms, selectors, services
from .models import Absence, Appointment, Position, RoleAssignment, Secondment, Servant, Unit


def today() -> date:
    return timezone.localdate()


def run_service(form: django_forms.BaseForm, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; put a DomainError next to its field in the form. None on error."""
    try:
        return fn(**kwargs)
    except DomainError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.text())
        return None


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context)


@login_required
def body_detail(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id)
    context: dict[str, Any] = {"access": access, "body": access.body, "tab": "overview"}
    context["version"] = methodology_selectors.version_for(access.body.pk, today())
    if access.can_read_staff:
        context["tree"] = selectors.unit_tree(access.body.pk)
        context["counts"] = {
            "units": Unit.objects.filter(body=access.body).count(),
            "positions": Position.objects.filter(body=access.body).count(),
            "servants": Servant.objects.filter(body=access.body).count(),
        }
        heads = Position.objects.filter(body=access.body, is_head=True).values("unit_id", "id")
        context["head_units"] = {h["unit_id"] for h in heads}
    return _page(request, "org/body_detail.html", context)


@login_required
def body_edit(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    form = forms.BodyForm(request.POST or None, instance=access.body)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data.items())
        form.instance.refresh_from_db()
        if run_service(form, services.body_save, actor=request.user, body=access.body, **data):
            messages.success(request, _("Saved."))
            return redirect("org:body", body_id=body_id)
    return _page(
        request,
        "org/form.html",
        {"form": form, "body": access.body, "access": access, "title": _("Edit the state body")},
    )


@login_required
def unit_edit(request: HttpRequest, body_id: int, unit_id: int | None = None) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    unit = get_object_or_404(Unit, pk=unit_id, body=access.body) if unit_id else None
    form = forms.UnitForm(request.POST or None, instance=unit, body=access.body)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            services.unit_save,
            actor=request.user,
            body=access.body,
            unit=unit,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("org:body", body_id=body_id)
    title = _("Edit the unit") if unit else _("New unit")
    return _page(
        request,
        "org/form.html",
        {"form": form, "body": access.body, "access": access, "title": title},
    )


@login_required
def position_list(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id)
    selectors.require_staff_reader(access)
    positions = (
        Position.objects.filter(body=access.body)
        .select_related("unit")
        .order_by("unit__code", "-is_head", "code", "id")
    )
    page = Paginator(positions, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    day = today()
    holders = dict(
        Appointment.objects.filter(
            position__in=[p.pk for p in page.object_list], start_date__lte=day
        )
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .values_list("position_id", "servant_id")
    )
    names = {s.pk: s for s in Servant.objects.filter(pk__in=set(holders.values()))}
    rows = [(p, names.get(holders.get(p.pk, -1))) for p in page.object_list]
    return _page(
        request,
        "org/position_list.html",
        {"access": access, "body": access.body, "rows": rows, "page": page, "tab": "positions"},
    )


@login_required
def position_edit(
    request: HttpRequest, body_id: int, position_id: int | None = None
) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    position = (
        get_object_or_404(Position, pk=position_id, body=access.body) if position_id else None
    )
    form = forms.PositionForm(request.POST or None, instance=position, body=access.body)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            services.position_save,
            actor=request.user,
            body=access.body,
            position=position,
            **form.cleaned_data,
        )
    ):
        messages.success(request, _("Saved."))
        return redirect("org:positions", body_id=body_id)
    title = _("Edit the position") if position else _("New position")
    return _page(
        request,
        "org/form.html",
        {"form": form, "body": access.body, "access": access, "title": title},
    )


@login_required
def staff_list(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id)
    search = request.GET.get("q", "").strip()[:100]
    unit_filter = id_param(request.GET.get("unit"))
    qs = selectors.servant_list(access, search=search, unit_id=unit_filter, day=today())
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "access": access,
        "body": access.body,
        "page": page,
        "q": search,
        "unit": unit_filter,
        "units": Unit.objects.filter(body=access.body).order_by("code")
        if access.can_read_staff
        else [],
        "tab": "staff",
    }
    if request.headers.get("HX-Request"):
        return _page(request, "org/_staff_rows.html", context)
    return _page(request, "org/staff_list.html", context)


@login_required
def servant_detail(request: HttpRequest, servant_id: int) -> HttpResponse:
    access, servant = selectors.access_servant(request.user, servant_id)
    day = today()
    detail = selectors.servant_detail(servant)
    snapshot = selectors.OrgSnapshot(servant.body_id, day)
    chain = snapshot.chain_of(servant.pk)
    people = {
        s.pk: s
        for s in Servant.objects.filter(
            pk__in=[
                x for x in (chain.direct_supervisor_id, chain.superior_id, chain.first_head_id) if x
            ]
        )
    }
    current = next((a for a in detail["appointments"] if a.is_active_on(day)), None)
    indicators = None
    indicator_error = None
    version = methodology_selectors.version_for(servant.body_id, day)
    if current is not None:
        try:
            indicators = methodology_selectors.indicators_for(
                current.position.category,
                current.position.is_head,
                is_deputy_head=current.position.is_deputy_head,
                catalog_code=version.indicator_catalog.code
                if version and version.indicator_catalog
                else None,
                body_name=access.body.name_kk,
                provides_public_services=current.position.provides_public_services,
            )
        except DomainError as exc:
            indicator_error = exc.text()
    return _page(
        request,
        "org/servant_detail.html",
        {
            "access": access,
            "body": access.body,
            "servant": servant,
            "current": current,
            "supervisor": people.get(chain.direct_supervisor_id or 0),
            "superior": people.get(chain.superior_id or 0),
            "first_head": people.get(chain.first_head_id or 0),
            "version": version,
            "indicators": indicators,
            "indicator_error": indicator_error,
            "tab": "staff",
            **detail,
        },
    )


@login_required
def servant_edit(request: HttpRequest, body_id: int, servant_id: int | None = None) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    servant = get_object_or_404(Servant, pk=servant_id, body=access.body) if servant_id else None
    form = forms.ServantForm(request.POST or None, instance=servant)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            services.servant_save,
            actor=request.user,
            body=access.body,
            servant=servant,
            **form.cleaned_data,
        )
        if saved:
            messages.success(request, _("Saved."))
            return redirect("org:servant", servant_id=saved.pk)
    title = _("Edit the servant") if servant else _("New servant")
    return _page(
        request,
        "org/form.html",
        {"form": form, "body": access.body, "access": access, "title": title},
    )


def _servant_for_write(
    request: HttpRequest, servant_id: int
) -> tuple[selectors.BodyAccess, Servant]:
    access, servant = selectors.access_servant(request.user, servant_id)
    selectors.access_body(request.user, servant.body_id, for_write=True)
    return access, servant


def _servant_form(
    request: HttpRequest,
    servant_id: int,
    *,
    form_class: type[django_forms.BaseForm],
    service: Callable[..., Any],
    title: str,
    done: str,
    with_body: bool = True,
) -> HttpResponse:
    """A form that records something for one servant through a service (HR only)."""
    access, servant = _servant_for_write(request, servant_id)
    kwargs: dict[str, Any] = {"body": access.body} if with_body else {}
    form = form_class(request.POST or None, **kwargs)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, service, actor=request.user, servant=servant, **form.cleaned_data)
    ):
        messages.success(request, done)
        return redirect("org:servant", servant_id=servant.pk)
    context = {
        "form": form,
        "body": access.body,
        "access": access,
        "title": title,
        "servant": servant,
    }
    return _page(request, "org/form.html", context)


@login_required
def appointment_create(request: HttpRequest, servant_id: int) -> HttpResponse:
    return _servant_form(
        request, servant_id, form_class=forms.AppointmentForm, service=services.appointment_create,
        title=_("Appoint to a position"), done=_("The appointment is recorded."),
    )  # fmt: skip


@login_required
def servant_transfer(request: HttpRequest, servant_id: int) -> HttpResponse:
    return _servant_form(
        request, servant_id, form_class=forms.TransferForm, service=services.servant_transfer,
        title=_("Transfer to another position"), done=_("The transfer is recorded."),
    )  # fmt: skip


@login_required
def absence_create(request: HttpRequest, servant_id: int) -> HttpResponse:
    return _servant_form(
        request, servant_id, form_class=forms.AbsenceForm, service=services.absence_save,
        title=_("Record an absence"), done=_("The absence is recorded."), with_body=False,
    )  # fmt: skip


@login_required
def acting_create(request: HttpRequest, servant_id: int) -> HttpResponse:
    return _servant_form(
        request, servant_id, form_class=forms.ActingForm, service=services.acting_assign,
        title=_("Acting for a head"), done=_("The acting assignment is recorded."),
    )  # fmt: skip


MSG_SECONDMENT_SENT = _("The proposal is sent to the host body's HR for acceptance.")


@login_required
def secondment_create(request: HttpRequest, servant_id: int) -> HttpResponse:
    """The home body's HR proposes a secondment; the answer never depends on the host."""
    return _servant_form(
        request, servant_id, form_class=forms.SecondmentForm, service=services.secondment_propose,
        title=_("Second to another body"), done=MSG_SECONDMENT_SENT,
    )  # fmt: skip


@login_required
def secondment_list(request: HttpRequest, body_id: int) -> HttpResponse:
    """Proposals to this body (its HR accepts or declines) and from it (its HR withdraws)."""
    access = selectors.access_body(request.user, body_id, for_write=True)
    incoming = (
        Secondment.objects.incoming(access.body)
        .select_related("servant__body", "host_position")
        .order_by("status", "-id")
    )
    outgoing = (
        Secondment.objects.filter(servant__body=access.body)
        .select_related("servant", "host_body", "host_position")
        .order_by("status", "-id")
    )
    return _page(
        request,
        "org/secondment_list.html",
        {
            "access": access,
            "body": access.body,
            "incoming": Paginator(incoming, settings.PAGE_SIZE).get_page(request.GET.get("in")),
            "outgoing": Paginator(outgoing, settings.PAGE_SIZE).get_page(request.GET.get("out")),
            "tab": "secondments",
        },
    )


def _secondment_of(
    request: HttpRequest, body_id: int, secondment_id: int, *, incoming: bool
) -> tuple[selectors.BodyAccess, Secondment]:
    access = selectors.access_body(request.user, body_id, for_write=True)
    qs = (
        Secondment.objects.incoming(access.body)
        if incoming
        else Secondment.objects.filter(servant__body=access.body)
    )
    secondment = get_object_or_404(
        qs.select_related("servant__body", "host_position"), pk=secondment_id
    )
    return access, secondment


def _secondment_decision(
    request: HttpRequest,
    body_id: int,
    secondment_id: int,
    *,
    action: str,
    form_class: type[django_forms.Form],
    title: str,
    done: str,
) -> HttpResponse:
    access, secondment = _secondment_of(request, body_id, secondment_id, incoming=True)
    kwargs: dict[str, Any] = (
        {"body": access.body, "code": secondment.host_position_code} if action == "accept" else {}
    )
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            services.secondment_transition(
                actor=request.user, secondment_id=secondment.pk, action=action, **form.cleaned_data
            )
        except (PermissionDenied, NotFound):
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text())
        else:
            messages.success(request, done)
            return redirect("org:secondments", body_id=body_id)
    return _page(
        request,
        "org/secondment_form.html",
        {
            "form": form,
            "body": access.body,
            "access": access,
            "title": title,
            "secondment": secondment,
            "tab": "secondments",
        },
    )


@login_required
def secondment_accept(request: HttpRequest, body_id: int, secondment_id: int) -> HttpResponse:
    return _secondment_decision(
        request, body_id, secondment_id, action="accept", form_class=forms.SecondmentAcceptForm,
        title=_("Accept the secondment"), done=_("The secondment is accepted."),
    )  # fmt: skip


@login_required
def secondment_decline(request: HttpRequest, body_id: int, secondment_id: int) -> HttpResponse:
    return _secondment_decision(
        request, body_id, secondment_id, action="decline", form_class=forms.SecondmentDeclineForm,
        title=_("Decline the secondment"), done=_("The secondment is declined."),
    )  # fmt: skip


@login_required
@require_POST
def secondment_withdraw(request: HttpRequest, body_id: int, secondment_id: int) -> HttpResponse:
    _access, secondment = _secondment_of(request, body_id, secondment_id, incoming=False)
    try:
        services.secondment_transition(
            actor=request.user, secondment_id=secondment.pk, action="withdraw"
        )
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:
        messages.error(request, exc.text())
    else:
        messages.success(request, _("The proposal is withdrawn."))
    return redirect("org:secondments", body_id=body_id)


@login_required
def appointment_end(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("servant"), pk=appointment_id
    )
    access, servant = _servant_for_write(request, appointment.servant_id)
    form = forms.EndAppointmentForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(
            form,
            services.appointment_end,
            actor=request.user,
            appointment=appointment,
            end_date=form.cleaned_data["end_date"],
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, _("The appointment is closed."))
        return redirect("org:servant", servant_id=servant.pk)
    return _page(
        request,
        "org/form.html",
        {
            "form": form,
            "body": access.body,
            "access": access,
            "title": _("End the appointment"),
            "servant": servant,
        },
    )


@login_required
@require_POST
def absence_delete(request: HttpRequest, absence_id: int) -> HttpResponse:
    absence = get_object_or_404(Absence, pk=absence_id)
    _access, servant = _servant_for_write(request, absence.servant_id)
    services.absence_delete(actor=request.user, absence=absence)
    messages.success(request, _("The absence is deleted."))
    return redirect("org:servant", servant_id=servant.pk)


@login_required
def roles(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    form = forms.RoleForm(request.POST or None)
    if request.method == "POST" and "revoke" in request.POST:
        assignment = get_object_or_404(RoleAssignment, pk=request.POST["revoke"], body=access.body)
        services.role_revoke(actor=request.user, assignment=assignment)
        messages.success(request, _("The role is revoked."))
        return redirect("org:roles", body_id=body_id)
    if request.method == "POST" and form.is_valid():
        user = (
            get_user_model().objects.filter(username=form.cleaned_data["username"].strip()).first()
        )
        if user is None:
            form.add_error("username", _("No user has this username."))
        elif run_service(
            form,
            services.role_assign,
            actor=request.user,
            body=access.body,
            user=user,
            role=form.cleaned_data["role"],
        ):
            messages.success(request, _("The role is assigned."))
            return redirect("org:roles", body_id=body_id)
    assignments = (
        RoleAssignment.objects.filter(body=access.body)
        .select_related("user")
        .order_by("role", "user__username")
    )
    return _page(
        request,
        "org/roles.html",
        {
            "access": access,
            "body": access.body,
            "form": form,
            "assignments": assignments,
            "tab": "roles",
        },
    )
