"""The lines of KPI sheets come from the approved work plan (001 App 2; 002 p28).

A KPI sheet (task of kind kpi_annual or kpi_quarterly) gets one line per KPI of the
servant's approved plan for the sheet's year: when the schedule is approved (set-based, with
the other lines) and when a plan is approved later or approved again after a change (002
p26). Sheets already submitted keep the lines they were judged on; an open sheet whose plan
changed gets the new KPIs, keeping what was typed for a KPI that stayed the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from bagalau.core.bulksql import insert_rows

from .models import OPEN_TASK_STATES, SheetLine, Task, TaskState

KPI_KINDS = ("kpi_annual", "kpi_quarterly")
KPI_LINE_FIELDS = (
    "task_id", "code", "order", "weight", "name_kk", "name_ru", "name_en", "kpi_id", "unit",
    "planned", "higher_is_better",
)  # fmt: skip


def _row(task_id: int, kpi: Any) -> tuple[Any, ...]:
    return (
        task_id, f"kpi{kpi.order}", kpi.order, 1, kpi.name[:300], "", "", kpi.pk, kpi.unit,
        kpi.planned, kpi.higher_is_better,
    )  # fmt: skip


def build_kpi_lines(schedule: Any, servant_ids: Iterable[int] | None = None) -> int:
    """Lines for the schedule's KPI sheets that have none, from the approved plans."""
    from bagalau.plans.models import PlanKpi, WorkPlan

    tasks = Task.objects.filter(schedule=schedule, kind__in=KPI_KINDS, lines__isnull=True).exclude(
        state=TaskState.EXCLUDED
    )
    if servant_ids is not None:
        tasks = tasks.filter(servant_id__in=list(servant_ids))
    pairs = list(tasks.values_list("pk", "servant_id", "kind"))
    if not pairs:
        return 0
    plans = {
        (servant_id, kind): revision_id
        for servant_id, kind, revision_id in WorkPlan.objects.filter(
            body_id=schedule.body_id, year=schedule.year,
            servant_id__in={p[1] for p in pairs}, approved_revision__isnull=False,
        ).values_list("servant_id", "kind", "approved_revision_id")
    }  # fmt: skip
    kpis: dict[int, list[Any]] = {}
    for kpi in PlanKpi.objects.filter(revision_id__in=set(plans.values())).order_by("order"):
        kpis.setdefault(kpi.revision_id, []).append(kpi)
    rows = [
        _row(task_id, kpi)
        for task_id, servant_id, kind in pairs
        if (servant_id, kind) in plans
        for kpi in kpis.get(plans[servant_id, kind], [])
    ]
    insert_rows(SheetLine, KPI_LINE_FIELDS, rows)
    return len(rows)


def sync_plan_lines(plan: Any) -> int:
    """After a plan is approved: its open KPI sheets of the year take the approved KPIs."""
    kpis = list(plan.approved_revision.kpis.order_by("order")) if plan.approved_revision else []
    tasks = list(
        Task.objects.select_for_update()
        .filter(
            servant_id=plan.servant_id,
            body_id=plan.body_id,
            kind=plan.kind,
            schedule__year=plan.year,
            state__in=OPEN_TASK_STATES,
        )  # fmt: skip
        .order_by("pk")
    )
    changed = 0
    for task in tasks:
        old = {line.order: line for line in SheetLine.objects.filter(task=task)}
        if [old[o].kpi_id for o in sorted(old)] == [k.pk for k in kpis]:
            continue
        fresh, kept = [], []
        for kpi in kpis:
            line = old.pop(kpi.order, None)
            same = line is not None and line.name_kk == kpi.name[:300] and line.unit == kpi.unit
            if line is None:
                line = SheetLine(task=task, order=kpi.order)
                fresh.append(line)
            else:
                kept.append(line)
            if not same:
                # Another KPI: what was typed for the old one does not carry over.
                line.actual = line.score = line.percent = line.achieved = None
                line.comment = line.override_reason = ""
                line.planned = kpi.planned
            elif plan.kind != "kpi_quarterly" or line.planned is None:
                line.planned = kpi.planned  # a quarter's planned value is HR's (002 p23)
            line.code, line.name_kk, line.kpi = f"kpi{kpi.order}", kpi.name[:300], kpi
            line.unit, line.higher_is_better = kpi.unit, kpi.higher_is_better
        SheetLine.objects.filter(pk__in=[line.pk for line in old.values()]).delete()
        SheetLine.objects.bulk_update(
            kept,
            ["code", "name_kk", "kpi", "unit", "planned", "higher_is_better", "actual", "score",
             "percent", "achieved", "comment", "override_reason"],
        )  # fmt: skip
        SheetLine.objects.bulk_create(fresh)
        task.revision += 1
        task.save(update_fields=["revision", "updated_at"])
        changed += 1
    return changed
