"""Work that `manage.py tick` does for the engine: overdue flags, reminders, year grades."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import cast

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from bagalau.methodology import selectors as methodology_selectors
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from .models import OPEN_TASK_STATES, Schedule, ScheduleStatus, Task
from .notices import evaluated_notices

OPEN = OPEN_TASK_STATES


def flag_overdue(now: datetime) -> int:
    """Open sheets past their due date are flagged overdue (issue 3 item 7): one UPDATE."""
    today = timezone.localdate(now)
    return Task.objects.filter(state__in=OPEN, due_date__lt=today, overdue=False).update(
        overdue=True
    )


def send_reminders(now: datetime) -> int:
    """Remind evaluators N working days before their sheets are due (default 3 and 1)."""
    from bagalau.core.models import User
    from bagalau.notifications import rules as notification_rules
    from bagalau.notifications import services as notifications
    from bagalau.notifications.messages import localized

    today = timezone.localdate(now)
    offsets = notifications.reminder_offsets()
    horizon = today + timedelta(days=7 * (max(offsets, default=3) + 2))
    rows = list(
        Task.objects.filter(
            state__in=OPEN, due_date__gt=today, due_date__lte=horizon, evaluator__user__isnull=False
        )
        .values("body_id", "schedule_id", "evaluator__user", "due_date")
        .annotate(n=Count("id"))
    )
    if not rows:
        return 0
    calendars = {
        body: workday_services.calendar_for(body, today - timedelta(days=7), horizon)
        for body in {r["body_id"] for r in rows}
    }
    users = {u.pk: u for u in User.objects.filter(pk__in={r["evaluator__user"] for r in rows})}
    schedules = {s.pk: s for s in Schedule.objects.filter(pk__in={r["schedule_id"] for r in rows})}
    queued = 0
    for row in rows:
        calendar = calendars[row["body_id"]]
        due = cast(date, row["due_date"])
        for offset in notification_rules.reminder_days(due, today, offsets, _adder(calendar)):
            schedule = schedules[row["schedule_id"]]
            created = notifications.notify(
                recipient=users[row["evaluator__user"]],
                kind="evaluation.reminder",
                context={
                    "count": row["n"],
                    "period": localized(schedule, "title"),
                    "due": due.isoformat(),
                },
                url=reverse("evaluations:my_sheets"),
                body=schedule.body,
                dedupe_key=f"reminder:{row['schedule_id']}:{row['evaluator__user']}:{due}:{offset}",
                object_type="evaluations.schedule",
                object_id=str(schedule.pk),
            )
            queued += len(created)
    return queued


def _adder(calendar: workday_rules.Calendar) -> Callable[[date, int], date]:
    return lambda day, n: workday_rules.add_working_days(day, n, calendar)


def form_automatic_year_results(now: datetime) -> int:
    """2025 model: the year grade is the mean of the quarters, formed by 30 January (§4a).

    From 1 January to the version's `final_grade` date, each tick forms the previous year's
    results of the bodies whose version says so (refreshing those nobody acquainted yet).
    """
    from .services import year_results_form

    today = timezone.localdate(now)
    year = today.year - 1
    formed = 0
    bodies = (
        Schedule.objects.filter(year=year, status=ScheduleStatus.APPROVED, period_kind="quarter")
        .values_list("body_id", flat=True)
        .distinct()
    )
    for body_id in bodies:
        version = methodology_selectors.version_for(
            body_id, today.replace(year=year, month=12, day=31)
        )
        if version is None or not version.final_grade_automatic:
            continue
        deadline = version.deadlines.filter(code="final_grade").first()
        last = (
            today.replace(month=deadline.amount // 100, day=deadline.amount % 100)
            if deadline
            else None
        )
        if last is not None and today > last:
            continue
        formed += year_results_form(actor=None, body_id=body_id, year=year)
    return formed


def register() -> None:
    from bagalau.notifications.periodic import register_periodic

    register_periodic("evaluations.flag_overdue", flag_overdue)
    register_periodic("evaluations.reminders", send_reminders)
    register_periodic("evaluations.year_results", form_automatic_year_results)
    register_periodic("evaluations.evaluated_notices", evaluated_notices)
