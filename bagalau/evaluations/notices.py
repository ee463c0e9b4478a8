"""Notifications of the evaluation engine, queued after commit in each recipient's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db.models import CharField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.methodology.models import EvaluationKind

# 002 p27: the head is told of the coming KPI evaluation no later than the 5th of the month
# after the quarter; 002 p31: the servant of the differentiation, no later than the 10th.
# Sent to the evaluated person, by the version's deadline row of that code.
KPI_NOTICE = "evaluation.kpi_notice"
DIFFERENTIATION_NOTICE = "evaluation.differentiation_notice"
EVALUATED_NOTICES = {
    EvaluationKind.KPI_QUARTERLY: ("head_notice", KPI_NOTICE),  # 002 p27
    EvaluationKind.DIFFERENTIATION: ("servant_notice", DIFFERENTIATION_NOTICE),  # 002 p31
}
# A notice deadline falls within a month after the period: schedules ended longer ago
# than this are not looked at.
NOTICE_LOOKBACK = timedelta(days=45)


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
    add(
        KPI_NOTICE,
        _("Your KPI evaluation for Q%(quarter)s %(year)s"),
        _(
            "The achievement of your KPIs for Q%(quarter)s %(year)s is being evaluated. "
            "The evaluation is due by %(due)s."
        ),
    )
    add(
        DIFFERENTIATION_NOTICE,
        _("Your evaluation by the differentiation method for Q%(quarter)s %(year)s"),
        _(
            "You are being evaluated by the differentiation method for Q%(quarter)s "
            "%(year)s. The evaluation is due by %(due)s."
        ),
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


def _working_days(body_id: int, start: date) -> Callable[[date, int], date]:
    """Working-day arithmetic on the body's calendar, read only if a rule needs it."""
    from bagalau.workdays import rules as workday_rules
    from bagalau.workdays import services as workday_services

    calendars: list[workday_rules.Calendar] = []

    def add(day: date, n: int) -> date:
        if not calendars:
            calendars.append(
                workday_services.calendar_for(
                    body_id, start - NOTICE_LOOKBACK, start + 2 * NOTICE_LOOKBACK
                )
            )
        return workday_rules.add_working_days(day, n, calendars[0])

    return add


def evaluated_notices(now: datetime) -> int:
    """Tell the evaluated people that their quarter's evaluation runs (002 p27, p31).

    For approved quarterly schedules whose period has ended, from the first tick after the
    period's last day up to the version's notice deadline (`head_notice`, the 5th, for the
    heads' KPI evaluation; `servant_notice`, the 10th, for the differentiation): one notice
    per open task, in the evaluated person's language. Versions without the deadline row
    send none. Set-based: one query finds the tasks not yet notified, one bulk insert
    queues them; the outbox's unique dedupe key (one per task) keeps two concurrent ticks
    from queueing a notice twice. No score goes into a notice.
    """
    from bagalau.methodology.models import Deadline
    from bagalau.notifications.models import Notification
    from bagalau.notifications.services import NotifyItem, notify_many

    from .models import OPEN_TASK_STATES, Participation, Schedule, ScheduleStatus, Task
    from .rules import deadlines as deadline_rules

    today = timezone.localdate(now)
    schedules = list(
        Schedule.objects.filter(
            status=ScheduleStatus.APPROVED,
            period_kind="quarter",
            end__lt=today,
            end__gte=today - NOTICE_LOOKBACK,
        ).values("id", "body_id", "version_id", "end")
    )
    if not schedules:
        return 0
    codes = {code: kind for kind, (code, _message) in EVALUATED_NOTICES.items()}
    rows = Deadline.objects.filter(
        version_id__in={s["version_id"] for s in schedules}, code__in=list(codes)
    ).values_list("version_id", "code", "rule", "amount")
    rules_of: dict[int, list[tuple[str, str, int]]] = {}
    for version_id, code, rule, amount in rows:
        rules_of.setdefault(version_id, []).append((code, rule, amount))
    open_pairs: dict[str, list[int]] = {}
    for schedule in schedules:
        for code, rule, amount in rules_of.get(schedule["version_id"], []):
            last = deadline_rules.due_date(
                rule,
                amount,
                period_end=schedule["end"],
                add_working_days=_working_days(schedule["body_id"], schedule["end"]),
            )
            if today <= last:
                open_pairs.setdefault(codes[code], []).append(schedule["id"])
    if not open_pairs:
        return 0
    which = Q()
    for kind, schedule_ids in open_pairs.items():
        which |= Q(kind=kind, schedule_id__in=schedule_ids)
    notified = Notification.objects.filter(
        object_type="evaluations.task",
        object_id=Cast(OuterRef("pk"), output_field=CharField()),
        kind__in=[message for _code, message in EVALUATED_NOTICES.values()],
    )
    tasks = (
        Task.objects.filter(which, state__in=OPEN_TASK_STATES, servant__user__is_active=True)
        .exclude(participation=Participation.NOT_EVALUATED)
        .exclude(Exists(notified))
        .select_related("servant__user", "schedule", "body")
    )
    url = reverse("evaluations:my_results")
    items = []
    for task in tasks:
        user = task.servant.user
        if user is None:  # filtered above; keeps the type checker informed
            continue
        items.append(
            NotifyItem(
                recipient=user,
                kind=EVALUATED_NOTICES[EvaluationKind(task.kind)][1],
                context={
                    "quarter": task.schedule.quarter,
                    "year": task.schedule.year,
                    "due": task.due_date.isoformat() if task.due_date else "—",
                },
                url=url,
                body=task.body,
                dedupe_key=f"evaluated-notice:{task.pk}",
                object_type="evaluations.task",
                object_id=str(task.pk),
            )
        )
    return notify_many(items)
