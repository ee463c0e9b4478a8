"""Seeding, loading and editing the calendar (database)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bagalau.core.models import AuditEvent
from bagalau.org.models import StateBody
from bagalau.workdays import rules
from bagalau.workdays.models import CalendarDay, DaySource
from bagalau.workdays.services import (
    calendar_for,
    clear_day,
    deadline_for,
    seed_from_holidays,
    set_day,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> list[tuple[Any, ...]]:
    return list(
        CalendarDay.objects.order_by("date").values_list(
            "date", "body_id", "is_working", "name_kk", "name_ru", "name_en", "source"
        )
    )


def test_it_seeds_2026_with_names_in_three_languages(seeded_2026: int) -> None:
    # methodology.md §6: the public holidays of Kazakhstan
    CalendarDay.objects.filter(date__year=2026).delete()  # the session may have seeded it
    assert seed_from_holidays([2026]) == CalendarDay.objects.filter(date__year=2026).count() > 10
    nauryz = CalendarDay.objects.get(date=date(2026, 3, 23), body=None)
    assert not nauryz.is_working
    assert nauryz.source == DaySource.HOLIDAYS
    assert nauryz.name_kk == "Наурыз мейрамы"
    assert nauryz.name_en == "Nowruz Holiday"
    assert nauryz.name_ru == "Наурыз мейрамы"
    observed = CalendarDay.objects.get(date=date(2026, 3, 25))
    assert observed.name_ru == "Наурыз мейрамы (перенесённый выходной)"
    # a holiday on a weekend is stored too, so the year page can name it
    assert CalendarDay.objects.filter(date=date(2026, 3, 21), is_working=False).exists()


def test_it_seeds_working_saturdays() -> None:
    # methodology.md §6: a Saturday can become a working day (4 May 2024 for 8 May)
    seed_from_holidays([2024])
    saturday = CalendarDay.objects.get(date=date(2024, 5, 4))
    assert saturday.is_working
    assert "08.05.2024" in saturday.name_en
    moved = CalendarDay.objects.get(date=date(2024, 5, 8))
    assert moved.name_ru == "Выходной день (перенесён с 04.05.2024)"


def test_seeding_twice_gives_the_same_rows(seeded_2026: int) -> None:
    before = _snapshot()
    assert seed_from_holidays([2026]) == 0
    assert _snapshot() == before


def test_seeding_never_overwrites_manual_rows(seeded_2026: int) -> None:
    CalendarDay.objects.filter(date=date(2026, 3, 23)).update(
        is_working=True, source=DaySource.MANUAL, name_en="worked by decree"
    )
    extra = CalendarDay.objects.create(
        date=date(2026, 12, 31), is_working=False, source=DaySource.MANUAL
    )
    seed_from_holidays([2026])
    row = CalendarDay.objects.get(date=date(2026, 3, 23), body=None)
    assert (row.is_working, row.source, row.name_en) == (True, "manual", "worked by decree")
    assert CalendarDay.objects.filter(pk=extra.pk).exists()


def test_seeding_repairs_and_removes_stale_package_rows(seeded_2026: int) -> None:
    CalendarDay.objects.filter(date=date(2026, 3, 23)).update(name_en="typo")
    CalendarDay.objects.create(date=date(2026, 6, 3), is_working=False, source=DaySource.HOLIDAYS)
    assert seed_from_holidays([2026]) == 2
    assert CalendarDay.objects.get(date=date(2026, 3, 23)).name_en == "Nowruz Holiday"
    assert not CalendarDay.objects.filter(date=date(2026, 6, 3)).exists()


def test_calendar_for_loads_in_one_query(
    seeded_2026: int, body: StateBody, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1):
        cal = calendar_for(body.pk, date(2026, 1, 1), date(2026, 12, 31))
    assert date(2026, 3, 23) in cal.days_off


def test_a_body_row_overrides_the_national_row(
    seeded_2026: int, body: StateBody, other_body: StateBody, hr_officer: Any
) -> None:
    # methodology.md §6: a body may add a local day off or a transfer
    set_day(actor=hr_officer, day=date(2026, 3, 23), is_working=True, body=body)
    set_day(actor=hr_officer, day=date(2026, 3, 27), is_working=False, body=body, name_en="Local")
    set_day(actor=hr_officer, day=date(2026, 3, 28), is_working=True, body=body)
    mine = calendar_for(body.pk, date(2026, 3, 1), date(2026, 3, 31))
    national = calendar_for(None, date(2026, 3, 1), date(2026, 3, 31))
    theirs = calendar_for(other_body.pk, date(2026, 3, 1), date(2026, 3, 31))
    assert rules.is_working_day(date(2026, 3, 23), mine)
    assert not rules.is_working_day(date(2026, 3, 27), mine)
    assert rules.is_working_day(date(2026, 3, 28), mine)
    assert national == theirs
    assert not rules.is_working_day(date(2026, 3, 23), national)
    # 20 March + 3 for the body: 23 (worked), 26, 28 (Saturday worked)
    assert deadline_for(body.pk, date(2026, 3, 20), 3) == date(2026, 3, 28)
    assert deadline_for(None, date(2026, 3, 20), 3) == date(2026, 3, 30)


def test_set_and_clear_day_are_audited(seeded_2026: int, superuser: Any) -> None:
    row = set_day(actor=superuser, day=date(2026, 3, 23), is_working=True, name_en="Worked")
    assert row.source == DaySource.MANUAL
    assert CalendarDay.objects.filter(date=date(2026, 3, 23)).count() == 1
    event = AuditEvent.objects.get(action="calendar.day_set")
    assert event.actor == superuser
    assert event.data["before"]["source"] == "holidays"
    assert event.data["after"]["is_working"] is True
    assert clear_day(actor=superuser, day=date(2026, 3, 23))
    assert not clear_day(actor=superuser, day=date(2026, 3, 23))
    assert AuditEvent.objects.filter(action="calendar.day_cleared").count() == 1
    assert not CalendarDay.objects.filter(date=date(2026, 3, 23)).exists()


def test_deadline_far_away_loads_a_wide_enough_span(seeded_2026: int) -> None:
    seed_from_holidays(range(2026, 2036))
    cal = calendar_for(None, date(2020, 1, 1), date(2040, 1, 1))
    for n in (-2000, -250, 1, 250, 2000):
        assert deadline_for(None, date(2026, 3, 20), n) == rules.add_working_days(
            date(2026, 3, 20), n, cal
        )


def test_the_command_seeds_idempotently(capsys: Any) -> None:
    from django.core.management import call_command

    call_command("seed_calendar", "--from", "2025", "--to", "2026")
    first = _snapshot()
    call_command("seed_calendar", "--from", "2025", "--to", "2026")
    assert _snapshot() == first
    assert "0 rows" in capsys.readouterr().out
