"""The evaluator fills a unit's KPI sheets on one page (issue 14 item 4), like the
differentiation sheets: every sheet of the page with its KPI lines, saved or submitted in one
`tasks_transition` call (one transaction, a constant number of queries per page)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from bagalau.core.errors import NotFound
from bagalau.methodology.models import KpiScoreRow

from . import access, selectors, services
from .kpi_lines import KPI_KINDS
from .models import Schedule, Task, TaskState
from .rules import kpi as kpi_rules
from .rules.workflow import MSG_STALE
from .views import _posted_task_ids, _revision, _sheet_input, bulk_apply

# Sheets per page: each KPI sheet carries up to the version's KPIs (5), so a page holds
# fewer sheets than the differentiation page's rows, and stays as small.
KPI_PAGE_SIZE = 20
# The states in which the evaluator writes a KPI sheet (after HR's values, 002 p23).
EVALUATOR_STATES = (TaskState.PENDING, TaskState.DRAFT, TaskState.RETURNED)


def _tasks(user: Any, schedule_id: int) -> QuerySet[Task]:
    return (
        selectors.evaluator_tasks(user)
        .filter(schedule_id=schedule_id, kind__in=KPI_KINDS)
        .select_related("appointment__position__unit", "version")
        .order_by("appointment__position__unit__code", "servant__last_name_kk", "servant_id")
    )


def _complete(task: Task, data: services.SheetInput) -> bool:
    lines = list(task.lines.all())
    if task.kind == "kpi_annual":
        return all(str(data.actuals.get(line.code, line.actual or "")).strip() for line in lines)
    return all(str(data.scores.get(line.code, "")).strip() for line in lines)


@login_required
def kpi_bulk(request: HttpRequest, schedule_id: int) -> HttpResponse:
    tasks_qs = _tasks(request.user, schedule_id)
    if not tasks_qs.exists():
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")  # strangers and colleagues alike
    params = request.POST if request.method == "POST" else request.GET
    page_number = params.get("page") or "1"
    errors: dict[int, dict[str, str]] = {}
    posted: dict[int, services.SheetInput] = {}
    if request.method == "POST":
        wanted = _posted_task_ids(request.POST)
        tasks = list(tasks_qs.filter(pk__in=wanted).prefetch_related("lines"))
        submit = "submit" in request.POST
        items: list[services.SheetItem] = []
        for task in tasks:
            prefix = f"t{task.pk}-"
            data = _sheet_input(request.POST, task, prefix)
            if task.state not in EVALUATOR_STATES:
                posted[task.pk] = data
                errors[task.pk] = {"revision": str(MSG_STALE)}
                continue
            action = "submit" if submit and _complete(task, data) else "save_draft"
            posted[task.pk] = data
            items.append(services.SheetItem(task.pk, action, _revision(request.POST, prefix), data))
        if bulk_apply(request, items, posted, errors):
            return redirect(f"{request.path}?page={page_number}")
    page = Paginator(tasks_qs.prefetch_related("lines"), KPI_PAGE_SIZE).get_page(page_number)
    tasks = list(page.object_list)
    versions = {t.version_id for t in tasks}
    table: dict[int, list[kpi_rules.ScoreRow]] = {v: [] for v in versions}
    for row in KpiScoreRow.objects.filter(version_id__in=versions):
        table[row.version_id].append(
            kpi_rules.ScoreRow(row.percent_from, row.percent_to, row.score_min, row.score_max)
        )
    sheets = []
    for task in tasks:
        typed = posted.get(task.pk)
        err = errors.get(task.pk, {})
        lines = []
        for line in task.lines.all():
            allowed = (
                kpi_rules.allowed_scores(line.percent, table[task.version_id])
                if line.percent is not None
                else None
            )
            lines.append(
                {
                    "line": line,
                    "allowed": allowed,
                    "score": typed.scores.get(line.code, "")
                    if typed
                    else (line.score if line.score is not None else ""),
                    "actual": typed.actuals.get(line.code, "")
                    if typed and line.code in typed.actuals
                    else (line.actual if line.actual is not None else ""),
                    "achieved": typed.achieved.get(line.code, "")
                    if typed and line.code in typed.achieved
                    else ("" if line.achieved is None else ("1" if line.achieved else "0")),
                    "reason": typed.reasons.get(line.code, "")
                    if typed and line.code in typed.reasons
                    else line.override_reason,
                    "comment": typed.comments.get(line.code, line.comment)
                    if typed
                    else line.comment,
                    "error": err.get(f"score_{line.code}")
                    or err.get(f"actual_{line.code}")
                    or err.get(f"reason_{line.code}")
                    or "",
                }  # fmt: skip
            )
        sheets.append(
            {
                "task": task,
                "lines": lines,
                "editable": task.state in EVALUATOR_STATES,
                "error": err.get("revision") or err.get("") or err.get("lines", ""),
            }
        )
    schedule = tasks[0].schedule if tasks else Schedule.objects.get(pk=schedule_id)
    confirmed = all(t.version.kpi_table_confirmed for t in tasks) if tasks else True
    return render(
        request,
        "evaluations/kpi_bulk.html",
        {"schedule": schedule, "sheets": sheets, "page": page, "query": "", "confirmed": confirmed},
    )
