"""Notifications of the evaluation engine, queued after commit in each recipient's language."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _notify(**kwargs: object) -> None:
    from bagalau.notifications import services

    services.notify(**kwargs)  # type: ignore[arg-type]


def register() -> None:
    from bagalau.notifications.messages import register as add

    add(
        "evaluation.schedule_approved",
        _("Evaluation schedule approved: %(period)s"),
        _("The schedule for %(period)s is approved. You have %(count)s sheets to fill by %(due)s."),
    )
    add(
        "evaluation.result_ready",
        _("Your evaluation result: %(period)s"),
        _("Your evaluation result for %(period)s is ready. Please acknowledge it by %(due)s."),
    )
    add(
        "evaluation.sheet_returned",
        _("Evaluation sheet returned: %(period)s"),
        _("The sheet of %(servant)s for %(period)s was returned: %(reason)s"),
    )
    add(
        "evaluation.reminder",
        _("Reminder: evaluation due %(due)s"),
        _("%(count)s evaluation sheets for %(period)s are due on %(due)s."),
    )


def schedule_approved(schedule_id: int) -> None:
    from django.db.models import Count, Min

    from .models import Schedule, Task, TaskState

    schedule = Schedule.objects.get(pk=schedule_id)
    rows = (
        Task.objects.filter(schedule=schedule, evaluator__user__isnull=False)
        .exclude(state=TaskState.EXCLUDED)
        .values("evaluator__user")
        .annotate(n=Count("id"), due=Min("due_date"))
    )
    from bagalau.core.models import User

    users = {u.pk: u for u in User.objects.filter(pk__in=[r["evaluator__user"] for r in rows])}
    for row in rows:
        _notify(
            recipient=users[row["evaluator__user"]],
            kind="evaluation.schedule_approved",
            context={
                "period": schedule.title,
                "count": row["n"],
                "due": row["due"].isoformat() if row["due"] else "—",
            },
            url=reverse("evaluations:my_sheets"),
            body=schedule.body,
            dedupe_key=f"schedule-approved:{schedule.pk}:{row['evaluator__user']}",
            object_type="evaluations.schedule",
            object_id=str(schedule.pk),
        )


def result_ready(result_id: int) -> None:
    from .models import Result

    result = Result.objects.select_related("servant__user", "task__schedule").get(pk=result_id)
    user = result.servant.user
    if user is None:
        return
    period = result.task.schedule.title if result.task else str(result.year)
    _notify(
        recipient=user,
        kind="evaluation.result_ready",
        context={
            "period": period,
            "due": result.acquaintance_due.isoformat() if result.acquaintance_due else "—",
        },
        url=reverse("evaluations:my_results"),
        body=result.body,
        dedupe_key=f"result-ready:{result.pk}:{result.acquaintance_due}",
        object_type="evaluations.result",
        object_id=str(result.pk),
    )


def results_ready(result_ids: list[int]) -> int:
    """Announce many results at once (year results of a whole body): bulk, bounded queries."""
    from bagalau.notifications.services import NotifyItem, notify_many

    from .models import Result

    url = reverse("evaluations:my_results")
    items = []
    for result in Result.objects.filter(
        pk__in=result_ids, servant__user__isnull=False
    ).select_related("servant__user", "task__schedule", "body"):
        user = result.servant.user
        if user is None:  # filtered above; keeps the type checker informed
            continue
        period = result.task.schedule.title if result.task else str(result.year)
        items.append(
            NotifyItem(
                recipient=user,
                kind="evaluation.result_ready",
                context={
                    "period": period,
                    "due": result.acquaintance_due.isoformat() if result.acquaintance_due else "—",
                },
                url=url,
                body=result.body,
                dedupe_key=f"result-ready:{result.pk}:{result.acquaintance_due}",
                object_type="evaluations.result",
                object_id=str(result.pk),
            )
        )
    return notify_many(items)


def sheet_returned(task_id: int, reason: str) -> None:
    from .models import Task

    task = Task.objects.select_related("evaluator__user", "servant", "schedule").get(pk=task_id)
    if task.evaluator is None or task.evaluator.user is None:
        return
    _notify(
        recipient=task.evaluator.user,
        kind="evaluation.sheet_returned",
        context={
            "period": task.schedule.title,
            "servant": task.servant.full_name,
            "reason": reason[:300],
        },
        url=reverse("evaluations:sheet", args=[task.pk]),
        body=task.body,
        dedupe_key=f"sheet-returned:{task.pk}:{task.revision}",
        object_type="evaluations.task",
        object_id=str(task.pk),
    )
