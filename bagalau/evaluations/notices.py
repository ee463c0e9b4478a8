"""Notifications of the evaluation engine, queued after commit in each recipient's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any

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
        "evaluation.actuals_sent",
        _("KPI values to score: %(servant)s, %(period)s"),
        _(
            "HR sent the actual values of the KPIs of %(servant)s for %(period)s. "
            "Score each KPI by %(due)s."
        ),
    )
    add(
        "evaluation.sheet_to_agree",
        _("KPI sheet to agree: %(servant)s, %(period)s"),
        _("The KPI evaluation sheet of %(servant)s for %(period)s waits for your agreement."),
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
        OVERDUE_REMINDER,
        _("Overdue evaluation sheet: %(servant)s"),
        _(
            "The evaluation sheet of %(servant)s for %(period)s was due on %(due)s and is "
            "not submitted yet. The HR service asks you to fill it in."
        ),
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


def schedule_approved(schedule_id: int) -> int:
    """Each evaluator of the schedule is told how many sheets are theirs: one bulk queue."""
    from django.db.models import Count, Min

    from bagalau.core.models import User
    from bagalau.notifications.messages import localized
    from bagalau.notifications.services import NotifyItem, notify_many

    from .models import Schedule, Task, TaskState

    schedule = Schedule.objects.select_related("body").get(pk=schedule_id)
    rows = list(
        Task.objects.filter(schedule=schedule, evaluator_user__isnull=False)
        .exclude(state=TaskState.EXCLUDED)
        .values("evaluator_user")
        .annotate(n=Count("id"), due=Min("due_date"))
        .order_by("evaluator_user")
    )
    users = {u.pk: u for u in User.objects.filter(pk__in=[r["evaluator_user"] for r in rows])}
    url = reverse("evaluations:my_sheets")
    return notify_many(
        NotifyItem(
            recipient=users[row["evaluator_user"]],
            kind="evaluation.schedule_approved",
            context={
                "period": localized(schedule, "title"),
                "count": row["n"],
                "due": row["due"].isoformat() if row["due"] else "—",
            },
            url=url,
            body=schedule.body,
            dedupe_key=f"schedule-approved:{schedule.pk}:{row['evaluator_user']}",
            object_type="evaluations.schedule",
            object_id=str(schedule.pk),
        )
        for row in rows
    )


OVERDUE_REMINDER = "evaluation.overdue_reminder"


def overdue_reminder_key(task_id: int, day: date) -> str:
    """One reminder per sheet per day: a second click the same day queues nothing."""
    return f"overdue-reminder:{task_id}:{day.isoformat()}"


def overdue_reminder(task: Any, day: date) -> int:
    """HR's reminder to the evaluator of an overdue sheet (issue 13 item 7); rows queued.

    Queued in the caller's transaction (the outbox row commits with the audit event), in
    the evaluator's language: the servant's name and the period are rendered in it too.
    """
    from bagalau.notifications import services
    from bagalau.notifications.messages import localized

    servant, schedule = task.servant, task.schedule
    rows = services.notify(
        recipient=task.evaluator_user,
        kind=OVERDUE_REMINDER,
        context={
            "servant": localized(servant, "full_name"),
            "period": localized(schedule, "title"),
            "due": task.due_date.isoformat() if task.due_date else "—",
        },
        url=reverse("evaluations:sheet", args=[task.pk]),
        body=task.body,
        dedupe_key=overdue_reminder_key(task.pk, day),
        object_type="evaluations.task",
        object_id=str(task.pk),
    )
    return len(rows)


def reminded_on(task_ids: Iterable[int]) -> dict[int, date]:
    """The last day HR reminded the evaluator of each of these sheets (one query)."""
    from django.db.models import Max

    from bagalau.notifications.models import Notification

    ids = [str(pk) for pk in task_ids]
    if not ids:
        return {}
    rows = (
        Notification.objects.filter(
            kind=OVERDUE_REMINDER, object_type="evaluations.task", object_id__in=ids
        )
        .values_list("object_id")
        .annotate(last=Max("created_at"))
        .values_list("object_id", "last")
    )
    return {int(pk): timezone.localdate(last) for pk, last in rows}


def result_ready(result_id: int) -> int:
    """The "result ready" notice of one result (the same path as many)."""
    return results_ready([result_id])


RESULT_READY = "evaluation.result_ready"
_DUE = "\x00due\x00"  # stands for the due date while the texts are rendered


def _period_texts(year: int, quarter: int, with_task: bool, language: str) -> str:
    from django.utils import translation

    if not with_task:
        return str(year)
    with translation.override(language):
        if quarter:
            return str(_("Q%(quarter)s %(year)s") % {"quarter": quarter, "year": year})
        return str(_("Year %(year)s") % {"year": year})


def results_ready(result_ids: Iterable[int]) -> int:
    """Announce results: one INSERT … SELECT per channel and period per batch of ids.

    The subject and text are the message of RESULT_READY in each recipient's language
    (the user's, or the site's default), the period and due date filled in by SQL
    concatenation; the dedupe key is `result-ready:<id>:<due>:<channel>`, so a result is
    announced once per due date. No email row without an address, nothing for inactive
    users or servants without an account.
    """
    from django.conf import settings
    from django.db import connection

    from bagalau.core.bulksql import insert_select
    from bagalau.core.models import User
    from bagalau.notifications import messages
    from bagalau.notifications.models import Notification
    from bagalau.org.models import Servant

    from .models import Result

    ids = sorted(set(result_ids))
    if not ids:
        return 0
    quote = connection.ops.quote_name
    languages = [code for code, _name in settings.LANGUAGES]
    url = reverse("evaluations:my_results")
    now = timezone.now()
    due_at = Notification._meta.get_field("due_at").get_db_prep_save(now, connection)
    lang = f"CASE WHEN u.language IN ({', '.join(['%s'] * len(languages))}) THEN u.language ELSE %s END"
    due_text = "COALESCE(CAST(r.acquaintance_due AS TEXT), %s)"
    r_t, s_t, u_t = (quote(m._meta.db_table) for m in (Result, Servant, User))
    queued = 0
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        periods = {
            (year, quarter, task_id is None)
            for year, quarter, task_id in Result.objects.filter(pk__in=chunk).values_list(
                "year", "quarter", "task_id"
            )
        }
        for year, quarter, without_task in sorted(periods):
            subjects, texts = [], []
            for language in languages:
                subject, text = messages.fill(
                    messages.templates(RESULT_READY, language),
                    {
                        "period": _period_texts(year, quarter, not without_task, language),
                        "due": _DUE,
                    },
                )
                subjects.append(subject.partition(_DUE))
                texts.append(text.partition(_DUE))

            def by_language(parts: list[tuple[str, str, str]]) -> tuple[str, list[Any]]:
                whens, params = [], []
                for language, (before, _sep, after) in zip(languages, parts, strict=True):
                    whens.append(f"WHEN %s THEN %s || {due_text} || %s")
                    params += [language, before, "—", after]
                return f"CASE {lang} {' '.join(whens)} END", [
                    *languages,
                    settings.LANGUAGE_CODE,
                    *params,
                ]

            subject_sql, subject_params = by_language(subjects)
            text_sql, text_params = by_language(texts)
            for channel in (Notification.Channel.EMAIL.value, Notification.Channel.IN_APP.value):
                # Table names from the models; every value is a parameter.
                select = (
                    f"SELECT u.id, r.body_id, %s, %s, {lang}, SUBSTR({subject_sql}, 1, 255), "  # noqa: S608
                    f"{text_sql}, %s, %s, %s, CAST(r.id AS TEXT), "
                    f"%s || CAST(r.id AS TEXT) || ':' || COALESCE(CAST(r.acquaintance_due AS TEXT), 'None') || %s"
                    " {defaults} "
                    f"FROM {r_t} r JOIN {s_t} s ON s.id = r.servant_id JOIN {u_t} u ON u.id = s.user_id "
                    f"WHERE r.id IN ({', '.join(['%s'] * len(chunk))}) AND u.is_active "
                    "AND r.year = %s AND r.quarter = %s AND r.task_id IS "
                    + ("NULL" if without_task else "NOT NULL")
                    + (" AND u.email <> ''" if channel == Notification.Channel.EMAIL else "")
                )
                params = [
                    RESULT_READY, channel, *languages, settings.LANGUAGE_CODE,
                    *subject_params, *text_params, url, due_at, "evaluations.result",
                    "result-ready:", f":{channel}", *chunk, year, quarter,
                ]  # fmt: skip
                queued += insert_select(
                    Notification,
                    ["recipient", "body", "kind", "channel", "language", "subject", "text",
                     "url", "due_at", "object_type", "object_id", "dedupe_key"],
                    select,
                    params,
                    ignore_conflicts=True,
                )  # fmt: skip
    return queued


def _sheet_notice(task_id: int, kind: str, recipient_of: Callable[[Any], Any]) -> None:
    from bagalau.notifications.messages import localized

    from .models import Task

    task = (
        Task.objects.select_related("evaluator_user", "reviewer_user", "servant", "schedule")
        .filter(pk=task_id)
        .first()
    )
    recipient = recipient_of(task) if task is not None else None
    if task is None or recipient is None:
        return
    _notify(
        recipient=recipient,
        kind=kind,
        context={
            "period": localized(task.schedule, "title"),
            "servant": localized(task.servant, "full_name"),
            "due": task.due_date or "—",
        },
        url=reverse("evaluations:sheet", args=[task.pk]),
        body=task.body,
        dedupe_key=f"{kind}:{task.pk}:{task.revision}",
        object_type="evaluations.task",
        object_id=str(task.pk),
    )


def actuals_sent(task_id: int) -> None:
    """002 p23: the evaluator gets the KPIs' actual values to score."""
    _sheet_notice(task_id, "evaluation.actuals_sent", lambda t: t.evaluator_user)


def sheet_to_agree(task_id: int) -> None:
    """001 p19: the superior gets the submitted KPI sheet to agree."""
    _sheet_notice(task_id, "evaluation.sheet_to_agree", lambda t: t.reviewer_user)


def sheet_returned(task_id: int, reason: str) -> None:
    from bagalau.notifications.messages import localized

    from .models import Task

    task = Task.objects.select_related("evaluator__user", "servant", "schedule").get(pk=task_id)
    if task.evaluator is None or task.evaluator.user is None:
        return
    _notify(
        recipient=task.evaluator.user,
        kind="evaluation.sheet_returned",
        context={
            "period": localized(task.schedule, "title"),
            "servant": localized(task.servant, "full_name"),
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
