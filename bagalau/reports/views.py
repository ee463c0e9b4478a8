"""Pages of the reports: the service record, the exports, what retention would remove."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from bagalau.documents import services as document_services
from bagalau.evaluations import access
from bagalau.evaluations.models import Schedule

from . import excel, exports, forms, retention, selectors


@login_required
def service_record(request: HttpRequest, servant_id: int) -> HttpResponse:
    """Қызметтік тізім: the servant's results by period (004; 001 p41)."""
    record = selectors.service_record(request.user, servant_id)
    return render(
        request,
        "reports/service_record.html",
        {
            "record": record,
            "servant": record.servant,
            "print_forms": document_services.printable_forms(
                request.user, ["service_record"], record.servant.pk
            ),
        },
    )


def _exports_page(
    request: HttpRequest, body_id: int, form: forms.ResultsExportForm | None, status: int = 200
) -> HttpResponse:
    org = exports.require_hr(request.user, body_id)
    may_results = access.may_see_results(request.user, body_id, org.roles)
    if form is None and may_results:
        form = forms.ResultsExportForm(body_id=body_id)
    schedules = Schedule.objects.filter(body_id=body_id).order_by("-year", "-quarter")
    return render(
        request,
        "reports/exports.html",
        {
            "access": org,
            "body": org.body,
            "tab": "reports",
            "form": form if may_results else None,
            "schedules": schedules,
        },  # fmt: skip
        status=status,
    )


@login_required
def exports_page(request: HttpRequest, body_id: int) -> HttpResponse:
    """HR's exports: the results of a period (head of HR) and the schedules (HR)."""
    return _exports_page(request, body_id, None)


@login_required
def results_export(request: HttpRequest, body_id: int) -> HttpResponseBase:
    org = exports.require_results_reader(request.user, body_id)
    form = forms.ResultsExportForm(request.GET, body_id=body_id)
    if not form.is_valid():
        return _exports_page(request, body_id, form, status=400)
    data = form.cleaned_data
    out, filename = exports.results_workbook(
        body=org.body, year=data["year"], quarter=data["quarter"],
        unit_id=data["unit"].pk if data["unit"] else None, kind=data["kind"], band=data["band"],
    )  # fmt: skip
    return excel.xlsx_response(out, filename)


@login_required
def schedule_export(request: HttpRequest, schedule_id: int) -> HttpResponseBase:
    out, filename = exports.schedule_workbook(request.user, schedule_id)
    return excel.xlsx_response(out, filename)


@login_required
def retention_page(request: HttpRequest, body_id: int) -> HttpResponse:
    """What is past its three years in the body (001 p8, 002 p15): HR officers and the head."""
    org = exports.require_hr(request.user, body_id)
    periods = retention.expired_counts(body_id, timezone.localdate())
    for period in periods:
        period.rows = [  # type: ignore[attr-defined]
            (retention.kind_label(key), count) for key, count in period.counts.items()
        ]
    return render(
        request,
        "reports/retention.html",
        {"access": org, "body": org.body, "tab": "reports", "periods": periods},
    )
