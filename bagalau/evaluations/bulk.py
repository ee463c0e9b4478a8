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

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, NotFound
from bagalau.core.models import audit

from . import access, notices, results
from .models import PeriodKind, Result, Schedule, ScheduleStatus, Task, TaskState

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
    rows = Task.objects.filter(
        schedule=schedule, state=TaskState.SUBMITTED, score__isnull=False, result__isnull=True
    ).order_by("pk")
    items = [
        results.Scored(
            servant_id=servant_id,
            version_id=version_id,
            kind=kind,
            year=schedule.year,
            quarter=schedule.quarter,
            score=score or Decimal(0),  # score__isnull=False above
            day=_submitted_on(at, today),
            task_id=task_id,
        )  # fmt: skip
        for task_id, servant_id, version_id, kind, score, at in rows.values_list(
            "pk", "servant_id", "version_id", "kind", "score", "submitted_at"
        )
    ]
    formed = results.form(actor=actor, body_id=schedule.body_id, items=items, announce=False)
    # The close queues its notices itself (same path as after a submission) to count them.
    queued = notices.results_ready(formed.created)
    without_user = sum(
        Result.objects.filter(pk__in=chunk, servant__user__isnull=True).count()
        for chunk in results.chunks(formed.created)
    )
    counts = {
        "results": len(formed.created),
        "notifications": queued,
        "skipped": formed.skipped,
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
