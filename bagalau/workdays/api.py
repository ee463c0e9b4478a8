"""/api/v1/calendar/: working-day arithmetic.

The national calendar is public (no login). A body's calendar (`?body=N`) answers only to
the body's members, by session or API token; to anyone else it is 404, as an unknown id.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from bagalau.api.auth import AUTH
from bagalau.core.errors import DomainError

from . import services
from .selectors import calendar_body, calendar_year_rows, day_name

router = Router()

MIN_YEAR, MAX_YEAR = 1900, 2200
MSG_YEAR_RANGE = _("The year must be between %(min)s and %(max)s.")
MSG_BODY_ID = _("The body must be the number of a state body.")


def _public(request: HttpRequest) -> bool:
    """Let the call through without credentials: the national calendar is open to all."""
    return True


# Try the usual credentials first (they set request.user), then let anyone in.
OPTIONAL_AUTH = [*AUTH, _public]


def _body_id(raw: str | None) -> int | None:
    """The `body` query value as an id (parsed here: the API's 400 handler drops a "body" loc)."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise DomainError(MSG_BODY_ID, code="invalid", field="body")
    return int(raw)


class DeadlineOut(Schema):
    deadline: dt.date


class DayOut(Schema):
    date: dt.date
    is_working: bool
    name: str
    name_kk: str
    name_ru: str
    name_en: str
    source: str
    body: int | None


class YearOut(Schema):
    year: int
    body: int | None
    days: list[DayOut]


@router.get("/deadline", auth=OPTIONAL_AUTH, response=DeadlineOut, summary="Working-day deadline")
def deadline(
    request: HttpRequest, start: dt.date, working_days: int, body: str | None = None
) -> DeadlineOut:
    """The N-th working day after `start` (start not counted); N < 0 counts backwards.

    Example: start 2026-03-20, 3 working days → 2026-03-30 (Nauryz, 21-25 March, in between).
    """
    body_id = _body_id(body)
    calendar_body(request.user, body_id)
    return DeadlineOut(deadline=services.deadline_for(body_id, start, working_days))


@router.get("/days", auth=OPTIONAL_AUTH, response=YearOut, summary="Days off and working weekends")
def days(request: HttpRequest, year: int, body: str | None = None) -> YearOut:
    """The dates of a year that differ from Monday-Friday, nationally or for one body."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise DomainError(
            MSG_YEAR_RANGE, code="year", field="year", params={"min": MIN_YEAR, "max": MAX_YEAR}
        )
    body_id = _body_id(body)
    calendar_body(request.user, body_id)
    rows = calendar_year_rows(year, body_id)
    return YearOut(
        year=year,
        body=body_id,
        days=[
            DayOut(
                date=row.date,
                is_working=row.is_working,
                name=day_name(row),
                name_kk=row.name_kk,
                name_ru=row.name_ru,
                name_en=row.name_en,
                source=row.source,
                body=row.body_id,
            )
            for row in rows
        ],
    )
