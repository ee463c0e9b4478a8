from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from bagalau.core.errors import DomainError, PermissionDenied
from bagalau.org import selectors as org_selectors

from . import forms, selectors, services
from .models import Category, Competency, IndicatorCatalog, MethodologyVersion

MSG_READ_ONLY = _("Only a superuser edits the national typical versions.")


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
            "national": MethodologyVersion.objects.filter(body__isnull=True).order_by(
                "effective_from"
            ),
            "category": category,
            "head": head,
            "deputy": deputy,
            "source": source,
            "result": result,
            "error": error,
        },
    )


def _version_access(request: HttpRequest, version: MethodologyVersion, *, for_write: bool) -> Any:
    if version.body_id is None:
        if for_write and not request.user.is_superuser:
            raise PermissionDenied(MSG_READ_ONLY, code="forbidden")
        return None
    return org_selectors.access_body(request.user, version.body_id, for_write=for_write)


@login_required
def body_versions(request: HttpRequest, body_id: int) -> HttpResponse:
    access = org_selectors.access_body(request.user, body_id)
    form = forms.AdoptForm(request.POST or None, body=access.body)
    if request.method == "POST":
        org_selectors.access_body(request.user, body_id, for_write=True)
        if form.is_valid():
            try:
                version = services.version_adopt(
                    actor=request.user, body=access.body, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.text())
            else:
                messages.success(request, _("The methodology version is adopted."))
                return redirect("methodology:version", version_id=version.pk)
    versions = MethodologyVersion.objects.filter(body=access.body).order_by("-effective_from")
    return render(
        request,
        "methodology/body_versions.html",
        {
            "access": access,
            "body": access.body,
            "versions": versions,
            "in_force": selectors.version_for(access.body.pk, timezone.localdate()),
            "form": form,
            "tab": "methodology",
        },
    )


@login_required
def version_detail(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(
        MethodologyVersion.objects.select_related("body", "indicator_catalog", "copied_from"),
        pk=version_id,
    )
    access = _version_access(request, version, for_write=False)
    can_edit = (
        request.user.is_superuser if version.body_id is None else bool(access and access.can_edit)
    )
    return render(
        request,
        "methodology/version.html",
        {
            "version": version,
            "access": access,
            "body": version.body,
            "can_edit": can_edit,
            "tab": "methodology",
            **selectors.version_detail(version),
        },
    )


@login_required
def version_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = get_object_or_404(MethodologyVersion, pk=version_id)
    access = _version_access(request, version, for_write=True)
    form = forms.VersionForm(request.POST or None, instance=version)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(actor=request.user, version=version, form=form)
        except IntegrityError:
            form.add_error(
                "effective_from", _("The body already has a version in force from this date.")
            )
        else:
            messages.success(request, _("Saved."))
            return redirect("methodology:version", version_id=version.pk)
    return render(
        request,
        "methodology/edit.html",
        {
            "form": form,
            "version": version,
            "access": access,
            "body": version.body,
            "title": _("Edit the version"),
            "tab": "methodology",
        },
    )


@login_required
def version_table(request: HttpRequest, version_id: int, table: str) -> HttpResponse:
    if table not in forms.TABLES:
        raise Http404
    version = get_object_or_404(MethodologyVersion, pk=version_id)
    access = _version_access(request, version, for_write=True)
    model: Any = forms.TABLES[table][0]
    formset_class = forms.table_formset(table)
    queryset = model.objects.filter(version=version)
    formset = formset_class(request.POST or None, queryset=queryset, prefix=table)
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            services.version_table_save(
                actor=request.user, version=version, table=table, formset=formset
            )
        except (DomainError, IntegrityError) as exc:
            error = (
                exc.text() if isinstance(exc, DomainError) else _("Two rows have the same code.")
            )
        else:
            messages.success(request, _("Saved."))
            return redirect("methodology:version", version_id=version.pk)
    return render(
        request,
        "methodology/table.html",
        {
            "formset": formset,
            "version": version,
            "access": access,
            "body": version.body,
            "title": forms.TABLE_TITLES[table],
            "error": error,
            "tab": "methodology",
        },
    )
