"""The year page of the working-day calendar and its HR edit form."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from bagalau.core.errors import DomainError, NotFound
from bagalau.org.models import StateBody

from . import rules, services
from .api import MAX_YEAR, MIN_YEAR
from .forms import DayForm
from .models import CalendarDay
from .selectors import (
    calendar_access,
    calendar_body,
    calendar_year_rows,
    can_edit_calendar,
    day_name,
)


@dataclass
class Cell:
    day: date | None
    css: str = ""
    title: str = ""


# Our own short names: Django's Kazakh ones abbreviate Tuesday as "Сб" (read as Saturday).
WEEKDAY_ABBREVIATIONS = [
    pgettext_lazy("weekday abbreviation", "Mon"),
    pgettext_lazy("weekday abbreviation", "Tue"),
    pgettext_lazy("weekday abbreviation", "Wed"),
    pgettext_lazy("weekday abbreviation", "Thu"),
    pgettext_lazy("weekday abbreviation", "Fri"),
    pgettext_lazy("weekday abbreviation", "Sat"),
    pgettext_lazy("weekday abbreviation", "Sun"),
]


@dataclass
class Month:
    first: date
    weeks: list[list[Cell]]


def _int_param(raw: str | None) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except ValueError:
        return None


def _body_or_404(user: Any, body_id: int | None) -> StateBody | None:
    """The calendar's body; 404 for an unknown id and for anyone not of the body."""
    try:
        return calendar_body(user, body_id)
    except NotFound as exc:
        raise Http404(exc.text()) from None


def _months(year: int, rows: dict[date, CalendarDay], cal: rules.Calendar) -> list[Month]:
    grid = stdlib_calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(year, month):
            cells = []
            for day in week:
                if day.month != month:
                    cells.append(Cell(None))
                    continue
                row = rows.get(day)
                working = rules.is_working_day(day, cal)
                css = "off" if not working else ("transfer" if day.weekday() >= 5 else "")
                cells.append(Cell(day, css, day_name(row) if row else ""))
            weeks.append(cells)
        months.append(Month(date(year, month, 1), weeks))
    return months


@login_required
def year(request: HttpRequest) -> HttpResponse:
    """Twelve month grids with the days off and working weekends of a year."""
    today = timezone.localdate()
    chosen = _int_param(request.GET.get("year"))
    shown_year = chosen if chosen and MIN_YEAR <= chosen <= MAX_YEAR else today.year
    try:
        access = calendar_access(request.user, _int_param(request.GET.get("body")))
    except NotFound as exc:
        raise Http404(exc.text()) from None
    body = access.body if access is not None else None
    body_id = body.pk if body else None
    rows = {row.date: row for row in calendar_year_rows(shown_year, body_id)}
    cal = rules.Calendar.from_overrides((day, row.is_working) for day, row in rows.items())
    named = [
        {"row": row, "name": day_name(row), "working": rules.is_working_day(day, cal)}
        for day, row in sorted(rows.items())
    ]
    working_count = rules.working_days_between(
        date(shown_year - 1, 12, 31), date(shown_year, 12, 31), cal
    )
    context: dict[str, Any] = {
        "year": shown_year,
        "body": body,
        "access": access,  # a body's calendar shows the body's tabs (org/_nav.html)
        "tab": "calendar",
        "months": _months(shown_year, rows, cal),
        "weekdays": WEEKDAY_ABBREVIATIONS,
        "named": named,
        "working_count": working_count,
        "previous_year": shown_year - 1 if shown_year > MIN_YEAR else None,
        "next_year": shown_year + 1 if shown_year < MAX_YEAR else None,
        "can_edit": can_edit_calendar(request.user, body),
        "form": DayForm(initial={"body": body_id, "status": "off", "action": "set"}),
    }
    return render(request, "workdays/year.html", context)


def _year_url(year: int, body: StateBody | None) -> str:
    query: dict[str, int] = {"year": year}
    if body is not None:
        query["body"] = body.pk
    return f"{reverse('workdays:year')}?{urlencode(query)}"


@login_required
@require_POST
def day_edit(request: HttpRequest) -> HttpResponse:
    """Set or clear one day: national (superusers) or a body's (its HR officers and head).

    A body's calendar is 404 to people not of the body, 403 to its members without HR.
    """
    body = _body_or_404(request.user, _int_param(request.POST.get("body")))
    if not can_edit_calendar(request.user, body):
        raise PermissionDenied(_("You may not edit this calendar."))
    form = DayForm(request.POST)
    fallback_year = timezone.localdate().year
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(_year_url(fallback_year, body))
    data = form.cleaned_data
    day: date = data["date"]
    try:
        if data["action"] == "clear":
            if services.clear_day(actor=request.user, day=day, body=body):
                messages.success(request, _("%(day)s is back to the default.") % {"day": day})
            else:
                messages.info(request, _("%(day)s had no entry.") % {"day": day})
        else:
            services.set_day(
                actor=request.user,
                day=day,
                is_working=data["status"] == "working",
                body=body,
                name_kk=data["name_kk"],
                name_ru=data["name_ru"],
                name_en=data["name_en"],
            )
            messages.success(request, _("%(day)s saved.") % {"day": day})
    except DomainError as exc:
        messages.error(request, exc.text())
    return redirect(_year_url(day.year, body))
