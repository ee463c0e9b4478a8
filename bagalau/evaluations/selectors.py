"""Eligibility of a servant for a period under a methodology version, from stored data."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from bagalau.methodology.models import (
    EvaluationKind,
    MethodologyVersion,
    Participation,
    VersionKind,
)
from bagalau.org.models import Absence, Appointment, EndReason, Servant, Unit
from bagalau.org.selectors import current_appointments_prefetch
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from .models import OPEN_TASK_STATES as OPEN_STATES
from .models import Result, Schedule, Task, TaskState
from .rules import eligibility as rule


def params_for(version: MethodologyVersion, kind: VersionKind, deferral: int | None) -> rule.Params:
    """The rule's parameters from a version, one of its kinds and its deferral deadline."""
    return rule.Params(
        min_months=version.min_months_in_position,
        probation_excludes=version.probation_excludes,
        months_from_return=version.months_from_return,
        defer_when_absent=kind.when_absent == Participation.DEFER,
        deferral_working_days=deferral if deferral is not None else 5,
    )


def eligibility_for(
    *,
    servant: Servant,
    period_start: date,
    period_end: date,
    evaluation_date: date,
    version: MethodologyVersion,
    kind: VersionKind,
) -> rule.Eligibility:
    """Whether and how `servant` is evaluated for the period (001 p4; 002 p6-7).

    The servant's last appointment touching the period is the evaluated one; absences are
    the servant's own; working days follow the body's calendar.
    """
    appointment = (
        Appointment.objects.filter(servant=servant, start_date__lte=period_end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=period_start))
        .order_by("-start_date")
        .first()
    )
    stint = None
    if appointment is not None:
        stint = rule.Stint(
            start=appointment.start_date,
            end=appointment.end_date,
            probation_end=appointment.probation_end,
            dismissed=appointment.end_reason == EndReason.DISMISSAL,
        )
    absences = [
        rule.Away(a.start_date, a.end_date, a.kind)
        for a in Absence.objects.filter(
            servant=servant,
            end_date__gte=period_start,
            start_date__lte=evaluation_date + timedelta(days=366),
        )
    ]
    calendar = workday_services.calendar_for(
        servant.body_id, evaluation_date - timedelta(days=31), evaluation_date + timedelta(days=800)
    )
    return rule.eligibility(
        stint=stint,
        absences=absences,
        period_start=period_start,
        period_end=period_end,
        evaluation_date=evaluation_date,
        params=params_for(
            version,
            kind,
            version.deadlines.filter(code="deferred_after_return")
            .values_list("amount", flat=True)
            .first(),
        ),
        add_working_days=lambda day, n: workday_rules.add_working_days(day, n, calendar),
    )


# --- pages and API reads ----------------------------------------------------------------------


def schedule_tasks(schedule: Schedule) -> QuerySet[Task]:
    return (
        Task.objects.filter(schedule=schedule)
        .select_related("servant", "evaluator", "evaluator_user", "appointment__position__unit")
        .order_by(
            "appointment__position__unit__code", "servant__last_name_kk", "servant_id", "kind"
        )
    )


def schedule_task_list(
    schedule: Schedule,
    *,
    unit_id: int | None = None,
    state: str = "",
    participation: str = "",
) -> QuerySet[Task]:
    """The schedule's sheets for its page, filtered by unit, status and participation."""
    qs = schedule_tasks(schedule)
    if unit_id is not None:
        qs = qs.filter(appointment__position__unit_id=unit_id)
    if state:
        qs = qs.filter(state=state)
    if participation:
        qs = qs.filter(participation=participation)
    return qs


def schedule_units(schedule: Schedule) -> QuerySet[Unit]:
    """The units the schedule's sheets fall in (a filter's choices: a few hundred at most)."""
    return Unit.objects.filter(
        pk__in=Task.objects.filter(schedule=schedule).values("appointment__position__unit_id")
    ).order_by("code")


# The kind of sheet the bulk page fills ("fill the sheets on one page"): a schedule without
# such sheets of the user's has no bulk page (404), so no link to it is shown (issue 13).
BULK_KIND = EvaluationKind.DIFFERENTIATION


def bulk_tasks(user: Any, schedule_id: int, *, unit_id: int | None = None) -> QuerySet[Task]:
    """The differentiation sheets `user` fills in a schedule, by unit and name (the bulk page)."""
    qs = evaluator_tasks(user).filter(schedule_id=schedule_id, kind=BULK_KIND)
    if unit_id is not None:
        qs = qs.filter(appointment__position__unit_id=unit_id)
    return qs.select_related("appointment__position__unit").order_by(
        "appointment__position__unit__code", "servant__last_name_kk", "servant_id"
    )


def bulk_units(user: Any, schedule_id: int) -> QuerySet[Unit]:
    """The units of the sheets `user` fills in a schedule (the bulk page's unit filter)."""
    return Unit.objects.filter(
        pk__in=evaluator_tasks(user)
        .filter(schedule_id=schedule_id, kind=BULK_KIND)
        .values("appointment__position__unit_id")
    ).order_by("code")


EVALUATOR_CHOICES = 20  # the HR sheet page offers at most this many matches of a search


def evaluator_candidates(task: Task, search: str) -> list[Servant]:
    """Servants of the task's body matching a name or IIN, to become its evaluator.

    The search is the staff list's (IIN prefix, names); the evaluated servant is left out.
    One more than `EVALUATOR_CHOICES` is returned so the page can say "refine the search".
    """
    term = search.strip()[:100]
    if not term:
        return []
    qs = (
        Servant.objects.filter(body_id=task.body_id)
        .exclude(pk=task.servant_id)
        .filter(
            Q(iin__startswith=term)
            | Q(last_name_kk__icontains=term)
            | Q(first_name_kk__icontains=term)
            | Q(last_name_ru__icontains=term)
            | Q(first_name_ru__icontains=term)
        )
        .order_by("last_name_kk", "first_name_kk", "id")
        .prefetch_related(current_appointments_prefetch(timezone.localdate()))
    )
    return list(qs[: EVALUATOR_CHOICES + 1])


def evaluator_tasks(user: Any, schedule: Schedule | None = None) -> QuerySet[Task]:
    qs = Task.objects.filter(evaluator_user=user).exclude(state=TaskState.EXCLUDED)
    if schedule is not None:
        qs = qs.filter(schedule=schedule)
    return qs.select_related("servant", "schedule", "appointment__position").order_by(
        "schedule__year", "schedule__quarter", "servant__last_name_kk", "servant_id"
    )


def servant_results(user: Any) -> QuerySet[Result]:
    return (
        Result.objects.filter(servant__user=user)
        .select_related("task__schedule")
        .order_by("-year", "quarter", "kind")
    )


PREVIEW_NAMES = 20  # the schedule page names the first sheets of each list and counts the rest


def preview_summary(tasks: list[Task], *, limit: int | None = None) -> dict[str, Any]:
    """What approval would create: counts, and the sheets HR must look at before (item 2).

    `missing`: no evaluator can fill them (the structure gives nobody and the body names no
    authorized person, or the evaluator has no login); `authorized`: the authorized person
    evaluates them because the structure gives nobody (002 p2(3)). With `limit`, each list
    holds its first `limit` sheets (by name) and `missing_count` / `authorized_count` count
    them all (issue 12 item 3: a page stays small whatever the body).
    """
    open_tasks = [t for t in tasks if t.state != TaskState.EXCLUDED]
    missing = [t for t in open_tasks if t.evaluator_user_id is None]
    authorized = [
        t
        for t in open_tasks
        if t.evaluator_user_id is not None and t.evaluator_source == "authorized_person"
    ]
    counts = {"missing_count": len(missing), "authorized_count": len(authorized)}
    if limit is not None:
        # Unsaved tasks carry the servant's id only: their names come from the first ids.
        missing, authorized = missing[:limit], authorized[:limit]
    servants = {
        s.pk: s for s in Servant.objects.filter(pk__in={t.servant_id for t in missing + authorized})
    }
    for task in missing + authorized:
        task.servant = servants[task.servant_id]
    return {
        "total": len(tasks),
        "evaluated": len(open_tasks),
        "excluded": len(tasks) - len(open_tasks),
        "missing": missing,
        "authorized": authorized,
        **counts,
    }


def progress(schedule: Schedule, *, with_results: bool = False) -> dict[str, Any]:
    """Counts by unit and status, overdue, late, not evaluated and why; bands for the head of HR.

    `with_results`: the distribution by band is a reading of results (002 p21), for the
    head of HR only; HR officers see the process counts.
    """
    rows = (
        Task.objects.filter(schedule=schedule)
        .values("appointment__position__unit__code", "appointment__position__unit__name_kk",
                "appointment__position__unit__name_ru", "appointment__position__unit__name_en", "state")
        .annotate(n=Count("id"))
    )  # fmt: skip
    units: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row["appointment__position__unit__code"] or "—"
        unit = units.setdefault(code, {"code": code, "names": row, "counts": Counter(), "total": 0})
        unit["counts"][row["state"]] += row["n"]
        unit["total"] += row["n"]
    totals: Counter[str] = Counter()
    for unit in units.values():
        totals.update(unit["counts"])
    today = timezone.localdate()
    # Overdue is computed live (the tick's flag may lag by a minute): open and past due.
    flags = Task.objects.filter(schedule=schedule).aggregate(
        overdue=Count("id", filter=Q(state__in=OPEN_STATES, due_date__lt=today)),
        late=Count("id", filter=Q(late=True)),
    )
    excluded = (
        Task.objects.filter(schedule=schedule, state=TaskState.EXCLUDED)
        .select_related("servant")
        .order_by("servant__last_name_kk")
    )
    bands: Counter[str] = Counter()
    band_rows: list[tuple[Any, int]] = []
    if with_results:
        bands = Counter(
            dict(
                Result.objects.filter(task__schedule=schedule)
                .values_list("band")
                .annotate(n=Count("id"))
                .values_list("band", "n")
            )
        )
        band_rows = [
            (band, bands.get(band.code, 0)) for band in schedule.version.bands.filter(scale="score")
        ]
    late_tasks = (
        Task.objects.filter(schedule=schedule, late=True)
        .select_related("servant", "evaluator", "evaluator_user")
        .order_by("submitted_at")
    )
    return {
        "late_tasks": late_tasks,
        "total": sum(totals.values()),
        "band_rows": band_rows,
        "units": sorted(units.values(), key=lambda u: u["code"]),
        "totals": totals,
        "overdue": flags["overdue"],
        "late": flags["late"],
        "excluded": excluded,
        "bands": bands,
    }


def dashboard(user: Any) -> dict[str, Any]:
    """What each role must do now (issue 3 item 8), in a bounded number of queries."""
    from bagalau.org.models import HR_ROLES, Role, RoleAssignment

    roles = list(RoleAssignment.objects.filter(user=user).values_list("body_id", "role"))
    hr_bodies = {b for b, r in roles if r in HR_ROLES}
    authorized_bodies = {b for b, r in roles if r == Role.AUTHORIZED_PERSON}
    to_approve = list(
        Schedule.objects.filter(body_id__in=authorized_bodies, status="draft").select_related(
            "body"
        )
    )
    rows = (
        Task.objects.filter(evaluator_user=user, state__in=OPEN_STATES)
        .values("schedule_id", "schedule__year", "schedule__quarter", "schedule__period_kind")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(due_date__lt=timezone.localdate())),
            # Open sheets the bulk page fills: the card links there only when it answers.
            bulk=Count("id", filter=Q(kind=BULK_KIND)),
        )
        .order_by("schedule__year", "schedule__quarter")
    )
    evaluator: list[dict[str, Any]] = [
        {
            **row,
            "title": Schedule(
                year=row["schedule__year"],
                quarter=row["schedule__quarter"],
                period_kind=row["schedule__period_kind"],
            ).title,
        }
        for row in rows
    ]
    unacknowledged = Result.objects.filter(
        servant__user=user, acknowledged_at__isnull=True, refused_at__isnull=True
    ).count()
    hr_schedules = list(
        Schedule.objects.filter(body_id__in=hr_bodies)
        .select_related("body")
        .annotate(
            n=Count("tasks"),
            done=Count("tasks", filter=Q(tasks__state__in=("submitted", "acquainted"))),
            overdue=Count(
                "tasks",
                filter=Q(tasks__state__in=OPEN_STATES, tasks__due_date__lt=timezone.localdate()),
            ),
        )
        .order_by("-year", "-quarter")[:6]
    )
    return {
        "to_approve": to_approve,
        "evaluator": evaluator,
        "unacknowledged": unacknowledged,
        "hr_schedules": hr_schedules,
    }
