"""/api/v1/reports: the service record (JSON) and the Excel exports (issue 17).

The same selectors and access rule as the pages: strangers 404, known but unauthorised 403,
bad filters 400 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Router, Schema

from bagalau.core.errors import DomainError, FieldError

from . import excel, exports, forms, selectors

router = Router()

XLSX_RESPONSE = {
    "responses": {
        "200": {
            "description": "The workbook (xlsx), streamed",
            "content": {excel.XLSX: {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


class ChangeOut(Schema):
    score_from: Decimal
    score_to: Decimal
    source: str
    source_label: str
    decided_at: datetime


class RecordRowOut(Schema):
    result_id: int
    kind: str
    year: int
    quarter: int
    period: str
    score: Decimal
    original_score: Decimal
    band: str
    band_name: str
    provisional: bool
    acknowledged_at: datetime | None
    refused_at: datetime | None
    refusal_act_date: str | None
    changes: list[ChangeOut]


class ServiceRecordOut(Schema):
    servant_id: int
    servant: str
    body_id: int
    body: str
    position: str | None
    unit: str | None
    whole: bool
    results: list[RecordRowOut]


def _record(record: selectors.ServiceRecord) -> dict[str, Any]:
    appointment = record.appointment
    return {
        "servant_id": record.servant.pk,
        "servant": record.servant.full_name,
        "body_id": record.servant.body_id,
        "body": record.body.name,
        "position": appointment.position.title if appointment else None,
        "unit": appointment.position.unit.name if appointment else None,
        "whole": record.whole,
        "results": [
            {
                "result_id": row.result.pk,
                "kind": row.result.kind,
                "year": row.result.year,
                "quarter": row.result.quarter,
                "period": row.period_title,
                "score": row.result.score,
                "original_score": row.result.original_score,
                "band": row.result.band,
                "band_name": row.band_name,
                "provisional": row.result.provisional,
                "acknowledged_at": row.result.acknowledged_at,
                "refused_at": row.result.refused_at,
                "refusal_act_date": row.refusal_date or None,
                "changes": [
                    {
                        "score_from": c.score_from,
                        "score_to": c.score_to,
                        "source": c.source,
                        "source_label": selectors.change_source_label(c.source),
                        "decided_at": c.decided_at,
                    }
                    for c in row.changes
                ],
            }  # fmt: skip
            for row in record.rows
        ],
    }


@router.get(
    "/servants/{servant_id}/service-record",
    response=ServiceRecordOut,
    summary="The service record (қызметтік тізім): the results the caller may know (002 p21)",
)
def service_record(request: HttpRequest, servant_id: int) -> dict[str, Any]:
    return _record(selectors.service_record(request.user, servant_id))


@router.get(
    "/bodies/{body_id}/results.xlsx",
    summary="The results of a period (head of HR only): year, quarter, unit, kind, band",
    openapi_extra=XLSX_RESPONSE,
)
def results_export(
    request: HttpRequest, body_id: int, year: str, quarter: str = "", unit: str = "",
    kind: str = "", band: str = "",
) -> HttpResponseBase:  # fmt: skip
    org = exports.require_results_reader(request.user, body_id)
    form = forms.ResultsExportForm(
        {"year": year, "quarter": quarter, "unit": unit, "kind": kind, "band": band},
        body_id=body_id,
    )
    if not form.is_valid():
        errors = [
            FieldError(field=name, message=f"{form.fields[name].label}: {message}")
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise DomainError(errors[0].message, field=errors[0].field, errors=errors)
    data = form.cleaned_data
    out, filename = exports.results_workbook(
        body=org.body, year=data["year"], quarter=data["quarter"],
        unit_id=data["unit"].pk if data["unit"] else None, kind=data["kind"], band=data["band"],
    )  # fmt: skip
    return excel.xlsx_response(out, filename)


@router.get(
    "/schedules/{schedule_id}/schedule.xlsx",
    summary="The schedule of a period (HR officers and the head of HR; no scores)",
    openapi_extra=XLSX_RESPONSE,
)
def schedule_export(request: HttpRequest, schedule_id: int) -> HttpResponseBase:
    out, filename = exports.schedule_workbook(request.user, schedule_id)
    return excel.xlsx_response(out, filename)
