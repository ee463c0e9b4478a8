"""Loading, seeding and editing the working-day calendar (жұмыс күндерінің күнтізбесі)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import holidays
from django.db import transaction
from django.db.models import Q

from bagalau.core.models import audit

from . import rules
from .models import CalendarDay, DaySource

# The `holidays` package names Kazakh holidays in kk and en_US (no Russian): Russian names
# come from this table, keyed by the English name, and fall back to English.
RU_NAMES = {
    "New Year's Day": "Новый год",
    "Orthodox Christmas": "Православное Рождество",
    "International Women's Day": "Международный женский день",
    "Nowruz Holiday": "Наурыз мейрамы",
    "Kazakhstan's People Solidarity Holiday": "Праздник единства народа Казахстана",
    "Defender of the Fatherland Day": "День защитника Отечества",
    "Victory Day": "День Победы",
    "Capital Day": "День Столицы",
    "Constitution Day": "День Конституции Республики Казахстан",
    "Republic Day": "День Республики",
    "First President Day": "День Первого Президента Республики Казахстан",
    "Independence Day": "День Независимости",
    "Eid al-Adha": "Курбан айт",
}
RU_SUFFIXES = {
    "observed": "перенесённый выходной",
    "estimated": "предположительно",
    "observed, estimated": "перенесённый выходной, предположительно",
}


def _kk_name(name: str) -> str:
    """The package's Kazakh names call an estimated date "бағаланған" (evaluated): "болжамды"."""
    return name.replace("(бағаланған)", "(болжамды)").replace("бағаланған)", "болжамды)")


_SUFFIX = re.compile(r"^(?P<base>.*?) \((?P<suffix>observed, estimated|observed|estimated)\)$")
_SUBSTITUTED = re.compile(r"^Day off \(substituted from (?P<m>\d\d)/(?P<d>\d\d)/(?P<y>\d{4})\)$")
# Names of a Saturday or Sunday made a working day ({day}: the day off it pays for).
WORKING_WEEKEND_NAMES = {
    "kk": "Жұмыс күні (демалыс {day} күніне ауыстырылды)",
    "ru": "Рабочий день (выходной перенесён на {day})",
    "en": "Working day (day off moved to {day})",
}
_NAME_LENGTH = CalendarDay._meta.get_field("name_kk").max_length or 200


def _ru_name(english: str) -> str:
    """The Russian name of one holiday named `english` by the package (else English)."""
    parts = []
    for part in english.split("; "):
        substituted = _SUBSTITUTED.match(part)
        if substituted:
            parts.append(
                f"Выходной день (перенесён с {substituted['d']}.{substituted['m']}.{substituted['y']})"
            )
            continue
        match = _SUFFIX.match(part)
        base, suffix = (match["base"], match["suffix"]) if match else (part, "")
        ru = RU_NAMES.get(base)
        if ru is None:
            parts.append(part)
        else:
            parts.append(f"{ru} ({RU_SUFFIXES[suffix]})" if suffix else ru)
    return "; ".join(parts)


def holiday_rows(years: Iterable[int]) -> dict[date, dict[str, Any]]:
    """The national days the `holidays` package knows for `years`, as CalendarDay values.

    Every holiday gets a row with is_working=False, a weekend one too (it changes nothing
    in the arithmetic but lets the year page name it); a transferred working Saturday or
    Sunday gets is_working=True.
    """
    wanted = sorted(set(years))
    if not wanted:
        return {}
    kk = holidays.country_holidays("KZ", years=wanted, language="kk")
    en = holidays.country_holidays("KZ", years=wanted, language="en_US")
    rows: dict[date, dict[str, Any]] = {}
    moved_to: dict[date, date] = {}
    for day, name_kk in kk.items():
        if day.year not in wanted:
            continue
        name_en = en.get(day) or name_kk
        substituted = _SUBSTITUTED.match(name_en)
        if substituted:
            moved_to[date(int(substituted["y"]), int(substituted["m"]), int(substituted["d"]))] = (
                day
            )
        rows[day] = {
            "is_working": False,
            "name_kk": _kk_name(name_kk)[:_NAME_LENGTH],
            "name_ru": _ru_name(name_en)[:_NAME_LENGTH],
            "name_en": name_en[:_NAME_LENGTH],
        }
    for day in sorted(kk.weekend_workdays):
        if day.year not in wanted or day in rows:
            continue
        target = moved_to.get(day)
        shown = target.strftime("%d.%m.%Y") if target else ""
        names = {
            lang: (text.format(day=shown) if target else text.split(" (")[0])
            for lang, text in WORKING_WEEKEND_NAMES.items()
        }
        rows[day] = {
            "is_working": True,
            "name_kk": names["kk"],
            "name_ru": names["ru"],
            "name_en": names["en"],
        }
    return rows


@transaction.atomic
def seed_from_holidays(years: Iterable[int]) -> int:
    """Write the national rows of `years` from the `holidays` package; idempotent.

    Rows entered by hand (source "manual") are never touched. Rows from an earlier seed
    that the package no longer lists (e.g. an estimated Eid date) are deleted. Returns the
    number of rows created, changed or deleted (0 when already up to date).
    """
    wanted = sorted(set(years))
    if not wanted:
        return 0
    wanted_rows = holiday_rows(wanted)
    span = Q(date__gte=date(wanted[0], 1, 1), date__lte=date(wanted[-1], 12, 31))
    existing = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(span, body__isnull=True)
        if row.date.year in wanted
    }
    to_create: list[CalendarDay] = []
    to_update: list[CalendarDay] = []
    for day, values in sorted(wanted_rows.items()):
        row = existing.get(day)
        if row is None:
            to_create.append(CalendarDay(date=day, body=None, source=DaySource.HOLIDAYS, **values))
            continue
        if row.source != DaySource.HOLIDAYS:
            continue
        if any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            to_update.append(row)
    stale = [
        row.pk
        for day, row in existing.items()
        if row.source == DaySource.HOLIDAYS and day not in wanted_rows
    ]
    CalendarDay.objects.bulk_create(to_create)
    if to_update:
        CalendarDay.objects.bulk_update(to_update, ["is_working", "name_kk", "name_ru", "name_en"])
    if stale:
        CalendarDay.objects.filter(pk__in=stale).delete()
    return len(to_create) + len(to_update) + len(stale)


# --- reading ---------------------------------------------------------------------------


def calendar_rows(body_id: int | None, start: date, end: date) -> dict[date, CalendarDay]:
    """The effective rows in [start, end]: national ones, replaced by the body's (one query)."""
    scope = Q(body__isnull=True)
    if body_id is not None:
        scope |= Q(body_id=body_id)
    rows: dict[date, CalendarDay] = {}
    for row in CalendarDay.objects.filter(scope, date__gte=start, date__lte=end).order_by("date"):
        current = rows.get(row.date)
        if current is None or current.body_id is None:  # a body row replaces a national one
            rows[row.date] = row
    return rows


def calendar_for(body_id: int | None, start: date, end: date) -> rules.Calendar:
    """The calendar of [start, end] for a body (or nationally): one query."""
    rows = calendar_rows(body_id, start, end)
    return rules.Calendar.from_overrides((day, row.is_working) for day, row in rows.items())


def deadline_for(body_id: int | None, start: date, n: int) -> date:
    """add_working_days with the body's calendar, loaded for a span wide enough to hold it."""
    if abs(n) > rules.MAX_WORKING_DAYS:
        rules.add_working_days(start, n, rules.WEEKDAYS_ONLY)  # raises the DomainError
    margin = timedelta(days=2 * abs(n) + 60)
    while True:
        low = _clamp(start, -margin)
        high = _clamp(start, margin)
        result = rules.add_working_days(start, n, calendar_for(body_id, low, high))
        # Every day scanned lay between start and result: inside the span, the answer holds.
        if low <= result <= high or (low, high) == (date.min, date.max):
            return result
        margin *= 4


def _clamp(day: date, delta: timedelta) -> date:
    try:
        return day + delta
    except OverflowError:
        return date.max if delta > timedelta(0) else date.min


# --- editing (HR) ----------------------------------------------------------------------


def _row_data(row: CalendarDay | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "is_working": row.is_working,
        "name_kk": row.name_kk,
        "name_ru": row.name_ru,
        "name_en": row.name_en,
        "source": row.source,
    }


def set_day(
    *,
    actor: Any,
    day: date,
    is_working: bool,
    body: Any = None,
    name_kk: str = "",
    name_ru: str = "",
    name_en: str = "",
) -> CalendarDay:
    """Make `day` a working day or a day off, nationally or for `body`; audited.

    The row becomes "manual", so a later seed never overwrites it. The caller checks that
    `actor` may edit (selectors.can_edit_calendar).
    """
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day, body=body).first()
        before = _row_data(row)
        if row is None:
            row = CalendarDay(date=day, body=body)
        row.is_working = is_working
        row.name_kk = name_kk[:_NAME_LENGTH]
        row.name_ru = name_ru[:_NAME_LENGTH]
        row.name_en = name_en[:_NAME_LENGTH]
        row.source = DaySource.MANUAL
        row.save()
        audit(
            actor=actor,
            action="calendar.day_set",
            obj=row,
            body=body,
            data={"date": day.isoformat(), "before": before, "after": _row_data(row)},
        )
    return row


def clear_day(*, actor: Any, day: date, body: Any = None) -> bool:
    """Delete the row of `day` (national or the body's); audited. False if there was none.

    A cleared national holiday comes back at the next seed_calendar run; to keep a
    holiday as a working day, use set_day(is_working=True) instead.
    """
    with transaction.atomic():
        row = CalendarDay.objects.select_for_update().filter(date=day, body=body).first()
        if row is None:
            return False
        audit(
            actor=actor,
            action="calendar.day_cleared",
            obj=row,
            body=body,
            data={"date": day.isoformat(), "before": _row_data(row)},
        )
        row.delete()
    return True
