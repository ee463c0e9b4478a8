"""Whole-schedule operations in bulk: closing a quarter (issue 3 item 12).

`quarter_close` forms the result of every submitted sheet of a schedule that has none yet
(sheets filled by bulk import, or left without a result by an interrupted run): the score
of the sheet, its band (002 p8) and the acquaintance deadline, two working days after the
submission on the body's calendar (002 p12), then queues the "result ready" notifications
in bulk. Results already formed by `services.task_transition` are left as they are.

The number of queries does not depend on the size of the schedule: a fixed handful of
reads, then bulk inserts in batches (results, notifications) and one audit record.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, NotFound
from bagalau.core.models import audit
from bagalau.methodology.models import Band, Deadline, Scale
from bagalau.notifications import services as notification_services
from bagalau.org.models import Servant
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from . import access
from .models import PeriodKind, Result, Schedule, ScheduleStatus, Task, TaskState
from .rules import scoring

BATCH = 1000
DEFAULT_ACQUAINTANCE_DAYS = 2  # 002 p12, when a version has no "acquaintance" deadline
MSG_NOT_APPROVED = _("Only an approved schedule can be closed.")
MSG_NOT_QUARTER = _("Only a quarter schedule can be closed this way.")


def _schedule(actor: Any, schedule_id: int) -> Schedule:
    """HR of the body (or the system, actor None); outsiders get 404, other members 403."""
    if actor is not None:
        schedule = access.access_schedule(actor, schedule_id, edit=True)
    else:
        found = Schedule.objects.select_related("body", "version").filter(pk=schedule_id).first()
        if found is None:
            raise NotFound(access.MSG_NOT_FOUND, code="not_found")
        schedule = found
    if schedule.status != ScheduleStatus.APPROVED:
        raise Conflict(MSG_NOT_APPROVED, code="invalid_state", field="status")
    if schedule.period_kind != PeriodKind.QUARTER:
        raise Conflict(MSG_NOT_QUARTER, code="invalid_period", field="period_kind")
    return schedule


def _submitted_on(submitted_at: datetime | None, today: date) -> date:
    return timezone.localdate(submitted_at) if submitted_at is not None else today


@transaction.atomic
def quarter_close(*, actor: Any, schedule_id: int) -> dict[str, int]:
    """Form the missing results of a quarter schedule and queue their notifications.

    For every submitted sheet with a score and no result: a Result with the sheet's score
    (original and current), its band under the sheet's methodology version and its
    acquaintance deadline; then one "evaluation.result_ready" notification per result per
    channel, with the same dedupe key as `notices.result_ready`, so a result is never
    announced twice. Idempotent: a second run finds nothing to do. Writes one audit
    record ("schedule.closed"). Returns the counts: results formed, notifications queued,
    sheets skipped because their servant already has a result for the period, and
    results whose servant has no user account (no notification).
    """
    schedule = _schedule(actor, schedule_id)
    Schedule.objects.select_for_update().filter(pk=schedule.pk).exists()  # one close at a time
    today = timezone.localdate()
    rows = list(
        Task.objects.filter(
            schedule=schedule,
            state=TaskState.SUBMITTED,
            score__isnull=False,
            result__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "servant_id", "version_id", "kind", "score", "submitted_at")
    )
    # A result of the period not linked to this sheet (the unique key is servant, kind,
    # year, quarter) is never overwritten: that sheet is skipped and counted.
    taken = set(
        Result.objects.filter(
            servant_id__in=Task.objects.filter(schedule=schedule).values("servant_id"),
            year=schedule.year,
            quarter=schedule.quarter,
        ).values_list("servant_id", "kind")
    )
    bands: dict[int, list[scoring.BandRow]] = defaultdict(list)
    amounts: dict[int, int] = {}
    versions = {row[2] for row in rows}
    for version_id, code, lower, upper in Band.objects.filter(
        version_id__in=versions, scale=Scale.SCORE
    ).values_list("version_id", "code", "lower", "upper"):
        bands[version_id].append(scoring.BandRow(code, lower, upper))
    for version_id, amount in Deadline.objects.filter(
        version_id__in=versions, code="acquaintance"
    ).values_list("version_id", "amount"):
        amounts[version_id] = amount
    days = [_submitted_on(row[5], today) for row in rows] or [today]
    longest = max([*amounts.values(), DEFAULT_ACQUAINTANCE_DAYS])
    calendar = workday_services.calendar_for(
        schedule.body_id, min(days), max(days) + timedelta(days=2 * longest + 60)
    )
    due_of: dict[tuple[date, int], date] = {}
    results: list[Result] = []
    skipped = 0
    for (task_id, servant_id, version_id, kind, score, _at), day in zip(rows, days, strict=False):
        if (servant_id, kind) in taken:
            skipped += 1
            continue
        taken.add((servant_id, kind))
        amount = amounts.get(version_id, DEFAULT_ACQUAINTANCE_DAYS)
        if (day, amount) not in due_of:
            due_of[day, amount] = workday_rules.add_working_days(day, amount, calendar)
        value = scoring.quantize(Decimal(score or 0))  # score__isnull=False above
        band = scoring.band_for(value, bands[version_id])
        results.append(
            Result(
                body_id=schedule.body_id,
                servant_id=servant_id,
                version_id=version_id,
                kind=kind,
                year=schedule.year,
                quarter=schedule.quarter,
                task_id=task_id,
                original_score=value,
                score=value,
                band=band.code if band else "",
                acquaintance_due=due_of[day, amount],
            )
        )
    Result.objects.bulk_create(results, batch_size=BATCH)
    if results and results[0].pk is None:  # a backend that returns no ids from bulk inserts
        ids = dict(
            Result.objects.filter(task__schedule=schedule, task__isnull=False).values_list(
                "task_id", "pk"
            )
        )
        for result in results:
            result.pk = ids[result.task_id]
    queued, without_user = _queue_result_ready(schedule, results)
    counts = {
        "results": len(results),
        "notifications": queued,
        "skipped": skipped,
        "without_user": without_user,
    }
    audit(
        actor=actor,
        action="schedule.closed",
        obj=schedule,
        body=schedule.body,
        data={"period": schedule.title, **counts},
    )
    return counts


def _queue_result_ready(schedule: Schedule, results: list[Result]) -> tuple[int, int]:
    """One "result ready" notification per result per channel; (queued, without a user)."""
    if not results:
        return 0, 0
    servants = Servant.objects.filter(
        pk__in=Task.objects.filter(schedule=schedule, state=TaskState.SUBMITTED).values(
            "servant_id"
        ),
        user__isnull=False,
    ).select_related("user")
    users = {
        servant.pk: servant.user
        for servant in servants.only(
            "pk", "user__id", "user__is_active", "user__email", "user__language"
        )
    }
    url = reverse("evaluations:my_results")
    period = schedule.title
    items = []
    without_user = 0
    for result in results:
        user = users.get(result.servant_id)
        if user is None:
            without_user += 1
            continue
        due = result.acquaintance_due
        items.append(
            notification_services.NotifyItem(
                recipient=user,
                kind="evaluation.result_ready",
                context={"period": period, "due": due.isoformat() if due else "—"},
                url=url,
                body=schedule.body,
                dedupe_key=f"result-ready:{result.pk}:{due}",
                object_type="evaluations.result",
                object_id=str(result.pk),
            )
        )
    return notification_services.notify_many(items), without_user
