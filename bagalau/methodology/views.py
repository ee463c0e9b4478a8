from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bagalau.core.errors import DomainError, PermissionDenied
from bagalau.core.forms import id_param
from bagalau.org import selectors as org_selectors

from . import forms, rules, selectors, services, tables
from .models import Category, Competency, IndicatorCatalog, MethodologyVersion


@login_required
def catalog(request: HttpRequest) -> HttpResponse:
    """The catalog: categories and their groups, competencies, and the indicator lookup."""
    category = request.GET.get("category", "").strip()[:32]
    head = request.GET.get("head") == "1"
    deputy = request.GET.get("deputy") == "1" and not head
    source = request.GET.get("source") or None
    result, error = None, None
    if category:
        try:
            result = selectors.indicators_for(
                category, head, is_deputy_head=deputy, catalog_code=source
            )
        except DomainError as exc:
            error = exc.text()
    return render(
        request,
        "methodology/catalog.html",
        {
            "categories": Category.objects.order_by("family", "code"),
            "competencies": Competency.objects.all(),
            "catalogs": IndicatorCatalog.objects.all(),
            "national": [
                v
                for v in MethodologyVersion.objects.filter(body__isnull=True).order_by(
                    "effective_from"
                )
                if request.user.is_superuser or rules.is_adopted(v.state, v.needs_approval)
            ],
            "category": category,
            "head": head,
            "deputy": deputy,
            "source": source,
            "result": result,
            "error": error,
        },
    )


def _add_error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.text())


@login_required
def body_versions(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's versions, and HR's form to draft a new one (from the national one or its own)."""
    access = org_selectors.access_body(request.user, body_id)
    form = forms.DraftForm(request.POST or None, body=access.body)
    if request.method == "POST":
        org_selectors.access_body(request.user, body_id, for_write=True)
        if form.is_valid():
            try:
                version = services.version_draft(
                    actor=request.user, body=access.body, **form.cleaned_data
                )
            except DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The draft version is made: edit it, compare it with the previous "
                        "version and publish it."
                    ),
                )
                return redirect("methodology:version", version_id=version.pk)
    roles = selectors.version_roles(request.user, body_id)
    versions = [
        v
        for v in MethodologyVersion.objects.filter(body=access.body).order_by("-effective_from")
        if roles or rules.is_adopted(v.state, v.needs_approval)
    ]
    return render(
        request,
        "methodology/body_versions.html",
        {
            "access": access,
            "body": access.body,
            "versions": versions,
            "in_force": selectors.version_for(access.body.pk, timezone.localdate()),
            "form": form,
            "can_draft": rules.HR in roles,
            "tab": "methodology",
        },
    )


def _render_version(
    request: HttpRequest,
    access: selectors.VersionAccess,
    *,
    transition_form: Any = None,
    copy_form: Any = None,
    status: int = 200,
) -> HttpResponse:
    version = access.version
    return render(
        request,
        "methodology/version.html",
        {
            "version": version,
            "access": access.body,
            "version_access": access,
            "body": version.body,
            "can_edit": access.can_edit,
            "actions": access.actions,
            "transition_form": transition_form
            or forms.TransitionForm(
                initial={"revision": version.revision, "effective_from": version.effective_from}
            ),
            "copy_form": copy_form or forms.CopyForm(),
            "tables": tables.TABLES,
            "tab": "methodology",
            **selectors.version_detail(version),
        },
        status=status,
    )


@login_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    """A version: its state, its tables, and the buttons its workflow allows the user."""
    access = selectors.access_version(request.user, version_id)
    if request.method != "POST":
        return _render_version(request, access)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        action = form.cleaned_data["action"]
        try:
            done = services.version_transition(
                actor=request.user,
                version_id=version_id,
                action=action,
                revision=form.cleaned_data["revision"],
                reason=form.cleaned_data["reason"],
                effective_from=form.cleaned_data["effective_from"],
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            _add_error(form, exc)
        else:
            messages.success(request, _done_message(action, done))
            return redirect("methodology:version", version_id=version_id)
    access = selectors.access_version(request.user, version_id)
    return _render_version(request, access, transition_form=form)


def _done_message(action: str, version: MethodologyVersion) -> str:
    day = version.effective_from.isoformat()
    if action == "return":
        return _("The version is returned to draft.")
    if not rules.is_adopted(version.state, version.needs_approval):
        return _("The version is published: the authorized person approves it.")
    if action == "approve":
        return _("The version is approved: it is in force from %(date)s.") % {"date": day}
    return _("The version is published: it is in force from %(date)s.") % {"date": day}


def _locked(request: HttpRequest, access: selectors.VersionAccess, *, status: int) -> HttpResponse:
    """The edit screens of a version that cannot be edited: why, and the offer of a new one."""
    return render(
        request,
        "methodology/locked.html",
        {
            "version": access.version,
            "access": access.body,
            "body": access.version.body,
            "refusal": access.refusal,
            "copy_form": forms.CopyForm(),
            "tab": "methodology",
        },
        status=status,
    )


@login_required
@require_POST
def version_copy(request: HttpRequest, version_id: int) -> HttpResponse:
    """ "Create a new version from this one": a draft with every row, from a later date."""
    access = selectors.access_version(request.user, version_id, for_write=True)
    form = forms.CopyForm(request.POST)
    if form.is_valid():
        try:
            copy = services.version_draft(
                actor=request.user,
                body=access.version.body,
                template=access.version,
                effective_from=form.cleaned_data["effective_from"],
            )
        except DomainError as exc:
            if isinstance(exc, PermissionDenied):
                raise
            _add_error(form, exc)
        else:
            messages.success(request, _("A new draft version is made from this one."))
            return redirect("methodology:version", version_id=copy.pk)
    return _render_version(request, access, copy_form=form)


def _revision(request: HttpRequest) -> int | None:
    form = forms.RevisionForm(request.POST)
    return form.cleaned_data["revision"] if form.is_valid() else None


@login_required
def version_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    """The general parameters of a version (HR of its body; refused once it is in use)."""
    access = selectors.access_version(request.user, version_id, for_write=True)
    version = access.version
    if access.refusal is not None:
        return _locked(request, access, status=409 if request.method == "POST" else 200)
    form = forms.VersionForm(request.POST or None, instance=version)
    revision = version.revision
    if request.method == "POST" and form.is_valid():
        revision = _revision(request)  # type: ignore[assignment]
        try:
            services.version_update(
                actor=request.user,
                version_id=version.pk,
                revision=revision,
                changes={name: form.cleaned_data[name] for name in form.changed_data},
            )
        except DomainError as exc:
            if exc.code == "version_locked":
                return _locked(
                    request, selectors.access_version(request.user, version_id), status=409
                )
            if isinstance(exc, PermissionDenied):
                raise
            _add_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("methodology:version", version_id=version.pk)
    return render(
        request,
        "methodology/edit.html",
        {
            "form": form,
            "revision": revision,
            "version": version,
            "access": access.body,
            "body": version.body,
            "title": _("Edit the version"),
            "tab": "methodology",
        },
    )


def _place_errors(formset: Any, exc: DomainError) -> str | None:
    """The service's problems next to their fields (`row.field`); the rest as one message."""
    placed = False
    for error in exc.errors:
        row, _sep, name = (error.field or "").partition(".")
        if row.isdigit() and 0 < int(row) <= len(formset.forms):
            form = formset.forms[int(row) - 1]
            if name in form.fields:
                form.add_error(name, error.text())
                placed = True
    return "; ".join(e.text() for e in exc.errors) if placed else exc.text()


@login_required
def version_table(request: HttpRequest, version_id: int, table: str) -> HttpResponse:
    """One table of a version, edited and saved as a whole (HR; refused once in use)."""
    if table not in tables.TABLES:
        raise Http404
    access = selectors.access_version(request.user, version_id, for_write=True)
    version = access.version
    if access.refusal is not None:
        return _locked(request, access, status=409 if request.method == "POST" else 200)
    formset = forms.table_formset(table, version, request.POST or None)
    error = None
    revision = version.revision
    if request.method == "POST" and formset.is_valid():
        revision = _revision(request)  # type: ignore[assignment]
        try:
            services.version_table_save(
                actor=request.user, version_id=version.pk, table=table, revision=revision,
                edit=formset.edit(),
            )  # fmt: skip
        except DomainError as exc:
            if exc.code == "version_locked":
                return _locked(
                    request, selectors.access_version(request.user, version_id), status=409
                )
            if isinstance(exc, PermissionDenied):
                raise
            error = _place_errors(formset, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("methodology:version", version_id=version.pk)
    return render(
        request,
        "methodology/table.html",
        {
            "formset": formset,
            "revision": revision,
            "version": version,
            "access": access.body,
            "body": version.body,
            "title": tables.TABLES[table].title,
            "error": error,
            "tab": "methodology",
        },
    )


@login_required
def version_compare(request: HttpRequest, version_id: int) -> HttpResponse:
    """Two versions side by side, each table's rows with their differences marked."""
    access = selectors.access_version(request.user, version_id)
    version = access.version
    candidates = [
        v
        for v in selectors.compare_candidates(version)
        if rules.is_adopted(v.state, v.needs_approval)
        or (v.body_id == version.body_id and access.roles)
        or (v.body_id is None and request.user.is_superuser)
    ]
    wanted = id_param(request.GET.get("with")) or version.copied_from_id
    other = next((v for v in candidates if v.pk == wanted), None)
    if other is None and candidates:
        other = candidates[0]
    return render(
        request,
        "methodology/compare.html",
        {
            "version": version,
            "other": other,
            "candidates": candidates,
            "tables": selectors.version_compare(other, version) if other is not None else [],
            "access": access.body,
            "body": version.body,
            "tab": "methodology",
        },
    )
