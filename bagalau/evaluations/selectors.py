"""Eligibility of a servant for a period under a methodology version, from stored data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
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
from bagalau.org import rules as org_rules
from bagalau.org.models import Absence, Appointment, EndReason, Servant, Unit, localized
from bagalau.org.selectors import current_appointments_prefetch, servants_matching
from bagalau.workdays import rules as workday_rules
from bagalau.workdays import services as workday_services

from .kpi_lines import KPI_KINDS
from .models import DONE_TASK_STATES, Result, Schedule, Task, TaskState
from .models import OPEN_TASK_STATES as OPEN_STATES
from .rules import eligibility as rule
from .rules import scoring
from .rules.confidentiality import EVALUATED, may_read_sheet


class _UnitNames:
    """A unit's names from a values() row, for `localized` (the user's language, then kk)."""

    def __init__(self, row: Mapping[str, Any]) -> None:
        prefix = "appointment__position__unit__name_"
        for lang in ("kk", "ru", "en"):
            setattr(self, f"name_{lang}", row.get(prefix + lang) or "")


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

    The search is the staff list's (`servants_matching`: IIN or any part of a name, whatever
    the case, Kazakh letters included); the evaluated servant is left out. One more than
    `EVALUATOR_CHOICES` is returned so the page can say "refine the search".
    """
    term = search.strip()[:100]
    if not org_rules.search_terms(term):
        return []
    qs = (
        servants_matching(Servant.objects.filter(body_id=task.body_id), term)
        .exclude(pk=task.servant_id)
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
        .select_related("task__schedule", "task__evaluator", "task__evaluator_user")
        .order_by("-year", "quarter", "kind")
    )


def explain_results(results: list[Result]) -> None:
    """What each of a servant's results rests on, from stored data (issue 13 item 7).

    A quarter result: its sheet (parameter scores and the evaluator's comments), linked when
    the evaluated person may read it (rules.confidentiality). A year result: the quarters it
    averages (`Result.quarters`, stored when it was formed), each with its quarter result
    and sheet when there is one, and the quarters it leaves out.
    """
    by_period = {(r.kind, r.year, r.quarter): r for r in results if r.quarter}
    for result in results:
        task = result.task
        result.sheet_readable = task is not None and may_read_sheet(  # type: ignore[attr-defined]
            {EVALUATED}, task.state
        )
        if result.quarter:
            continue
        averaged = sorted(int(q) for q in result.quarters or [])
        rows = []
        for quarter in averaged:
            source = by_period.get((result.kind, result.year, quarter))
            readable = (
                source is not None
                and source.task is not None
                and may_read_sheet({EVALUATED}, source.task.state)
            )
            rows.append({"quarter": quarter, "result": source, "readable": readable})
        result.quarter_rows = rows  # type: ignore[attr-defined]
        result.left_out = [q for q in (1, 2, 3, 4) if q not in averaged]  # type: ignore[attr-defined]


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


def preview_lists(schedule: Schedule, tasks: list[Task]) -> dict[str, list[Task]]:
    """The sheets approval would create, by name: those to fill and those not evaluated.

    The tasks are unsaved (schedule_preview) and carry ids only: one query reads the names
    of the body's servants to sort by (a second one those seconded in from other bodies);
    `preview_page` then loads what one page shows.
    """
    names: dict[int, tuple[str, str]] = {
        pk: (last.casefold(), first.casefold())
        for pk, last, first in Servant.objects.filter(body_id=schedule.body_id).values_list(
            "pk", "last_name_kk", "first_name_kk"
        )
    }
    seconded_in = {t.servant_id for t in tasks} - set(names)
    if seconded_in:
        names.update(
            (pk, (last.casefold(), first.casefold()))
            for pk, last, first in Servant.objects.filter(pk__in=seconded_in).values_list(
                "pk", "last_name_kk", "first_name_kk"
            )
        )

    def key(task: Task) -> tuple[tuple[str, str], int, str]:
        return names.get(task.servant_id, ("", "")), task.servant_id, task.kind

    ordered = sorted(tasks, key=key)
    return {
        "evaluated": [t for t in ordered if t.state != TaskState.EXCLUDED],
        "not_evaluated": [t for t in ordered if t.state == TaskState.EXCLUDED],
    }


def preview_page(tasks: Sequence[Task]) -> None:
    """Load what the preview shows of one page of unsaved tasks: a constant four queries.

    Each task gets its servant, its evaluator (servant), its evaluator's login (the
    authorized person may have no servant record) and its appointment's position and unit.
    """
    from bagalau.core.models import User

    servant_ids = {t.servant_id for t in tasks} | {t.evaluator_id for t in tasks if t.evaluator_id}
    servants = Servant.objects.in_bulk(servant_ids)
    users = User.objects.in_bulk({t.evaluator_user_id for t in tasks if t.evaluator_user_id})
    appointments = Appointment.objects.select_related("position__unit").in_bulk(
        {t.appointment_id for t in tasks if t.appointment_id}
    )
    for task in tasks:
        task.servant = servants[task.servant_id]
        task.evaluator = servants.get(task.evaluator_id) if task.evaluator_id else None
        task.evaluator_user = users.get(task.evaluator_user_id) if task.evaluator_user_id else None
        task.appointment = appointments.get(task.appointment_id) if task.appointment_id else None


def year_quarters(body_id: int, year: int, kind: str = "differentiation") -> dict[str, Any]:
    """Before HR forms a year result: what each quarter of the year holds (issue 13 item 7).

    Per quarter: the schedule's status, the results formed and the sheets still open
    (three aggregate queries); `missing`, the quarters the year result would leave out or
    form too early (rules.scoring.quarters_missing); `partial`, how many servants have
    results in fewer quarters than the year has.
    """
    schedules = dict(
        Schedule.objects.filter(body_id=body_id, year=year, period_kind="quarter").values_list(
            "quarter", "status"
        )
    )
    results = dict(
        Result.objects.filter(body_id=body_id, year=year, kind=kind, quarter__gt=0)
        .values_list("quarter")
        .annotate(n=Count("id"))
        .values_list("quarter", "n")
    )
    open_sheets = dict(
        Task.objects.filter(
            schedule__body_id=body_id, schedule__year=year, schedule__period_kind="quarter",
            kind=kind, state__in=OPEN_STATES,
        )
        .values_list("schedule__quarter")
        .annotate(n=Count("id"))
        .values_list("schedule__quarter", "n")
    )  # fmt: skip
    states = [
        scoring.QuarterState(
            quarter=q,
            approved=schedules.get(q) == "approved",
            results=results.get(q, 0),
            open_sheets=open_sheets.get(q, 0),
        )
        for q in (1, 2, 3, 4)
    ]
    with_results = sum(1 for state in states if state.results)
    partial = (
        Result.objects.filter(body_id=body_id, year=year, kind=kind, quarter__gt=0)
        .values("servant_id")
        .annotate(n=Count("quarter", distinct=True))
        .filter(n__lt=with_results)
        .count()
    )
    return {
        "year": year,
        "quarters": [(state, schedules.get(state.quarter)) for state in states],
        "missing": scoring.quarters_missing(states),
        "partial": partial,
    }


def progress(schedule: Schedule, *, with_results: bool = False) -> dict[str, Any]:
    """Counts by unit and status, overdue, late, not evaluated and why; bands for the head of HR.

    `overdue_tasks`: the sheets past their due date and not submitted (whether or not the
    tick flagged them yet), with their evaluators, most overdue first — the ones to chase.

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
        unit = units.setdefault(code, {
            "code": code, "names": row, "counts": Counter(), "total": 0,
            "name": localized(_UnitNames(row), "name"),
        })  # fmt: skip
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
    overdue_tasks = (
        Task.objects.filter(schedule=schedule, state__in=OPEN_STATES, due_date__lt=today)
        .select_related("servant", "evaluator", "evaluator_user")
        .order_by("due_date", "servant__last_name_kk", "servant_id", "kind")
    )
    late_tasks = (
        Task.objects.filter(schedule=schedule, late=True)
        .select_related("servant", "evaluator", "evaluator_user")
        .order_by("submitted_at")
    )
    return {
        "overdue_tasks": overdue_tasks,
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
            kpi=Count("id", filter=Q(kind__in=KPI_KINDS)),
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
    # A provisional result (2018 model) is acquainted once the commission decides (001 p40).
    unacknowledged = Result.objects.filter(
        servant__user=user, acknowledged_at__isnull=True, refused_at__isnull=True,
        provisional=False,
    ).count()  # fmt: skip
    hr_schedules = list(
        Schedule.objects.filter(body_id__in=hr_bodies)
        .select_related("body")
        .annotate(
            n=Count("tasks"),
            done=Count("tasks", filter=Q(tasks__state__in=DONE_TASK_STATES)),
            overdue=Count(
                "tasks",
                filter=Q(tasks__state__in=OPEN_STATES, tasks__due_date__lt=timezone.localdate()),
            ),
        )
        .order_by("-year", "-quarter")[:6]
    )
    # KPI work (issue 14): the 2018 sheets the user agrees as the superior (001 p19-21);
    # for HR and strategic planning, the quarter's values to send (002 p23) and the agreed
    # 2018 sheets to pass to the commission (001 p24).
    to_agree = list(
        Task.objects.filter(reviewer_user=user, kind="kpi_annual", state=TaskState.SUBMITTED)
        .select_related("servant", "schedule")
        .order_by("submitted_at", "pk")[:50]
    )
    planning_bodies = {b for b, r in roles if r == Role.STRATEGIC_PLANNING}
    kpi_process = list(
        Task.objects.filter(
            Q(body_id__in=hr_bodies | planning_bodies, kind="kpi_quarterly", state=TaskState.ACTUALS_DUE)
            | Q(body_id__in=hr_bodies, kind="kpi_annual", state=TaskState.AGREED)
        )
        .filter(lines__isnull=False)
        .distinct()
        .select_related("servant", "schedule")
        .order_by("schedule__year", "schedule__quarter", "actuals_due", "commission_due", "pk")[:50]
    )  # fmt: skip
    return {
        "to_approve": to_approve,
        "evaluator": evaluator,
        "unacknowledged": unacknowledged,
        "hr_schedules": hr_schedules,
        "to_agree": to_agree,
        "kpi_process": kpi_process,
        "today": timezone.localdate(),
    }
