"""/api/v1/reports/analytics: the HR analytics figures as JSON, tag `reports`.

The same selectors and the same confidentiality as the page (002 p16, p21): strangers to
a body get 404, members with no figure to see 403; a section the caller may not see is
absent (null); a withheld cell (fewer than three persons) is null. Bad input is a 400
naming the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from . import selectors
from .forms import MAX_YEAR, MIN_YEAR

router = Router()


class PeriodOut(Schema):
    year: int
    quarter: int = NinjaField(..., description="0: the year")
    label: str


class BandColumnOut(Schema):
    key: str
    code: str
    name: str
    scale: str


class BandRowOut(Schema):
    label: str
    unit_id: int | None = None
    cells: list[int | None]
    total: int | None


class BandsOut(Schema):
    columns: list[BandColumnOut]
    rows: list[BandRowOut]
    total: BandRowOut
    withheld: bool


class AveragePointOut(Schema):
    period: PeriodOut
    mean: Decimal | None
    persons: int | None


class AverageOut(Schema):
    points: list[AveragePointOut]
    withheld: bool


class MissingRowOut(Schema):
    key: str
    label: str
    count: int | None


class MissingOut(Schema):
    rows: list[MissingRowOut]
    total: int | None
    withheld: bool


class LateRowOut(Schema):
    name: str
    late: int
    overdue: int


class LateOut(Schema):
    rows: list[LateRowOut]


class BonusOut(Schema):
    servant_id: int
    name: str
    unit: str
    kind: str
    score: Decimal
    band: str


class RunOut(Schema):
    servant_id: int
    name: str
    first: PeriodOut
    last: PeriodOut


class SurveyTopicOut(Schema):
    code: str
    name: str
    people: int
    mean: Decimal | float | None = None


class CompetencyTopicOut(Schema):
    code: str
    name: str
    people: int


class TrainingOut(Schema):
    survey: list[SurveyTopicOut]
    competency: list[CompetencyTopicOut]


class ListsOut(Schema):
    bonus: list[BonusOut]
    unsatisfactory: list[RunOut]
    training: TrainingOut


class CalibrationOut(Schema):
    applications: int | None
    declined: int | None
    sessions: int | None
    up: int | None
    down: int | None
    kept: int | None


class CommissionOut(Schema):
    decided: int | None
    up: int | None
    down: int | None
    kept: int | None


class DecisionsOut(Schema):
    calibration: CalibrationOut
    commission: CommissionOut


class AnalyticsOut(Schema):
    body_id: int
    period: PeriodOut
    scope: str = NinjaField(..., description="body, units (yours and below) or total")
    sections: list[str]
    bands: BandsOut | None = None
    average: AverageOut | None = None
    missing: MissingOut | None = None
    late: LateOut | None = None
    lists: ListsOut | None = None
    decisions: DecisionsOut | None = None


class PeriodIn(Schema):
    year: int | None = NinjaField(None, ge=MIN_YEAR, le=MAX_YEAR, description="Empty: the latest")
    quarter: int = NinjaField(0, ge=0, le=4, description="0: the year's results")


def _period(p: selectors.Period) -> dict[str, Any]:
    return {"year": p.year, "quarter": p.quarter, "label": p.label}


def _jsonable(value: Any) -> Any:
    if isinstance(value, selectors.Period):
        return _period(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items() if k != "campaign"}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _chosen(params: PeriodIn, default: selectors.Period) -> tuple[selectors.Period, bool]:
    if params.year is None:
        return default, False
    return selectors.Period(params.year, params.quarter), True


@router.get("/bodies/{body_id}", response=AnalyticsOut, summary="A body's HR analytics")
def body_analytics(request: HttpRequest, body_id: int, params: Query[PeriodIn]) -> dict[str, Any]:
    viewer = selectors.access_analytics(request.user, body_id)
    period, chosen = _chosen(params, selectors.default_period(body_id))
    data = selectors.figures(viewer, period, chosen=chosen)
    return {"body_id": body_id, **_jsonable(data)}


class NationalRowOut(Schema):
    body_id: int
    label: str
    cells: list[int | None]
    persons: int | None
    mean: Decimal | None


class NationalOut(Schema):
    period: PeriodOut
    columns: list[BandColumnOut]
    rows: list[NationalRowOut]


@router.get(
    "/national", response=NationalOut, summary="Counts per band and mean of every body (superuser)"
)
def national(request: HttpRequest, params: Query[PeriodIn]) -> dict[str, Any]:
    default = selectors.Period(selectors.latest_year(), 0)
    period, _chosen_year = _chosen(params, default)
    return dict(_jsonable(selectors.national(request.user, period)))
