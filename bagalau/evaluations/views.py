"""Pages of the evaluation engine. Access through access.py; writes through services.py."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bagalau.core.audit_trail import record_history
from bagalau.core.errors import DomainError, NotFound, PermissionDenied
from bagalau.core.forms import id_param
from bagalau.core.models import User
from bagalau.documents import services as document_services
from bagalau.methodology.models import Band, KpiScoreRow
from bagalau.org import selectors as org_selectors

from . import access, competency_lines, forms, notices, selectors, services
from . import evidence as evidence_service
from .kpi_lines import KPI_KINDS
from .models import (
    OPEN_TASK_STATES,
    Participation,
    Result,
    Schedule,
    ScheduleStatus,
    Task,
    TaskState,
)
from .rules import kpi as kpi_rules
from .rules.workflow import EVALUATED, EVALUATOR, HR, MSG_STALE, REVIEWER, available, machine_for
from .services import SheetInput


@login_required
def schedules(request: HttpRequest, body_id: int) -> HttpResponse:
    org_access = org_selectors.access_body(request.user, body_id)
    roles = access.body_roles(request.user, body_id)
    can_edit = access.is_hr(request.user, body_id, roles)
    can_approve = "authorized_person" in roles
    if not (can_edit or can_approve):
        org_selectors.require_staff_reader(org_access)
    form = forms.ScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            schedule = services.schedule_create(
                actor=request.user, body=org_access.body, **form.cleaned_data
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.text())
        else:
            messages.success(
                request, _("The schedule is drafted. The authorized person approves it.")
            )
            return redirect("evaluations:schedule", schedule_id=schedule.pk)
    rows = (
        Schedule.objects.filter(body=org_access.body)
        .select_related("version")
        .annotate(n=Count("tasks"))
        .order_by("-year", "-quarter")
    )
    return render(
        request,
        "evaluations/schedules.html",
        {"access": org_access, "body": org_access.body, "schedules": rows, "form": form,
         "can_edit": can_edit, "can_approve": can_approve, "tab": "evaluations"},
    )  # fmt: skip


def _choice_param(params: Any, name: str, choices: Any) -> str:
    raw = params.get(name) or ""
    return raw if raw in {value for value, _label in choices} else ""


def _query_without(params: Any, *names: str) -> str:
    """The request's other parameters, for page links that keep filters and other pages."""
    query = params.copy()
    for name in names:
        query.pop(name, None)
    return str(query.urlencode())


@login_required
def schedule_detail(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = access.access_schedule(request.user, schedule_id)
    org_access = org_selectors.access_body(request.user, schedule.body_id)
    roles = access.body_roles(request.user, schedule.body_id)
    preview = None
    if schedule.status == ScheduleStatus.DRAFT:
        # Before approval: who will be evaluated, by whom and by when, and who will not be
        # and why, a page at a time (issue 13 item 7); the warnings above them.
        would_be = services.schedule_preview(schedule)
        preview = selectors.preview_summary(would_be, limit=selectors.PREVIEW_NAMES)
        lists = selectors.preview_lists(schedule, would_be)
        for key, param in (("evaluated", "to_fill"), ("not_evaluated", "not_evaluated")):
            preview[f"{key}_page"] = Paginator(lists[key], settings.PAGE_SIZE).get_page(
                request.GET.get(param)
            )
            preview[f"{key}_query"] = _query_without(request.GET, param)
            selectors.preview_page(preview[f"{key}_page"].object_list)
    filters: dict[str, Any] = {
        "unit_id": id_param(request.GET.get("unit")),
        "state": _choice_param(request.GET, "state", TaskState.choices),
        "participation": _choice_param(request.GET, "participation", Participation.choices),
    }
    page: Page[Task] | None = None
    units: Any = []
    if schedule.status == ScheduleStatus.APPROVED:
        tasks = selectors.schedule_task_list(schedule, **filters)
        page = Paginator(tasks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        units = selectors.schedule_units(schedule)
    return render(
        request,
        "evaluations/schedule.html",
        {
            "schedule": schedule, "access": org_access, "body": schedule.body,
            "page": page, "tasks": page.object_list if page else [], "preview": preview,
            "units": units, "filters": filters, "query": _query_without(request.GET, "page"),
            "states": TaskState.choices, "participations": Participation.choices,
            "can_edit": access.is_hr(request.user, schedule.body_id, roles),
            "can_approve": schedule.status == ScheduleStatus.DRAFT
            and "authorized_person" in roles,
            "tab": "evaluations",
        },
    )  # fmt: skip


@login_required
@require_POST
def schedule_approve(request: HttpRequest, schedule_id: int) -> HttpResponse:
    count = services.schedule_approve(actor=request.user, schedule_id=schedule_id)
    messages.success(
        request, _("The schedule is approved: %(count)s sheets created.") % {"count": count}
    )
    return redirect("evaluations:schedule", schedule_id=schedule_id)


# The progress page's lists, each with its own page parameter.
PROGRESS_PAGES = {"units": "units", "overdue_tasks": "overdue", "late_tasks": "late",
                  "excluded": "excluded"}  # fmt: skip


@login_required
def progress(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = access.access_schedule(request.user, schedule_id, edit=True)
    org_access = org_selectors.access_body(request.user, schedule.body_id)
    data = selectors.progress(
        schedule, with_results=access.may_see_results(request.user, schedule.body_id)
    )
    # The counts are aggregated; the lists come a page at a time, each with its own parameter.
    for key, param in PROGRESS_PAGES.items():
        data[key] = Paginator(data[key], settings.PAGE_SIZE).get_page(request.GET.get(param))
        data[f"{key}_query"] = _query_without(request.GET, param)
    reminded = notices.reminded_on(t.pk for t in data["overdue_tasks"].object_list)
    for task in data["overdue_tasks"].object_list:
        task.reminded_on = reminded.get(task.pk)
    data["pages_query"] = request.GET.urlencode()  # the remind form returns to these pages
    return render(
        request,
        "evaluations/progress.html",
        {"schedule": schedule, "access": org_access, "body": schedule.body, "tab": "evaluations",
         **data},
    )  # fmt: skip


@login_required
@require_POST
def remind(request: HttpRequest, task_id: int) -> HttpResponse:
    """HR reminds the evaluator of an overdue sheet, back to the progress page it came from."""
    try:
        task, queued = services.task_remind(actor=request.user, task_id=task_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.text())
        task = Task.objects.only("schedule_id").get(pk=task_id)
    else:
        names = {"evaluator": task.evaluator_name, "servant": task.servant.full_name}
        if queued:
            messages.success(
                request, _("%(evaluator)s is reminded of the sheet of %(servant)s.") % names
            )
        else:
            messages.info(
                request,
                _("%(evaluator)s was already reminded of the sheet of %(servant)s today.") % names,
            )
    # Back to the same pages of the progress lists (their page numbers only).
    back = QueryDict(request.POST.get("back", ""))
    pages = {
        k: v for k in PROGRESS_PAGES.values() if (v := back.get(k, "")).isascii() and v.isdigit()
    }
    query = f"?{urlencode(pages)}" if pages else ""
    return redirect(reverse("evaluations:progress", args=[task.schedule_id]) + query + "#overdue")


@login_required
@require_POST
def year_results(request: HttpRequest, body_id: int) -> HttpResponse:
    """HR forms the year results; first a confirmation when quarters are missing.

    The year result is the mean of the evaluated quarters (002 p5): when a quarter has no
    approved schedule, no result or open sheets, the page lists them and forms nothing
    until HR confirms (issue 13 item 7).
    """
    raw = request.POST.get("year", "").strip()
    year = int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else 0
    if not 2000 <= year <= 2100:
        messages.error(request, _("Year: enter a year."))
        return redirect("evaluations:schedules", body_id=body_id)
    org_access = org_selectors.access_body(request.user, body_id, for_write=True)
    if not access.is_hr(request.user, body_id):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    status = selectors.year_quarters(body_id, year)
    if status["missing"] and request.POST.get("confirm") != "1":
        return render(
            request,
            "evaluations/year_results_confirm.html",
            {"access": org_access, "body": org_access.body, "tab": "evaluations", **status},
        )
    count = services.year_results_form(actor=request.user, body_id=body_id, year=year)
    messages.success(request, _("Year results formed or updated: %(count)s.") % {"count": count})
    return redirect("evaluations:schedules", body_id=body_id)


@login_required
def my_sheets(request: HttpRequest) -> HttpResponse:
    """The sheets the user fills, a page at a time, grouped by schedule within the page."""
    tasks = selectors.evaluator_tasks(request.user).select_related("schedule__body")
    page = Paginator(tasks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    groups: dict[Schedule, list[Task]] = defaultdict(list)
    for task in page.object_list:
        groups[task.schedule].append(task)
    counts = {
        row["schedule_id"]: row
        for row in selectors.evaluator_tasks(request.user)
        .filter(schedule__in=list(groups))
        .order_by()
        .values("schedule_id")
        .annotate(n=Count("id"), bulk=Count("id", filter=Q(kind=selectors.BULK_KIND)))
    }
    for schedule in groups:
        row = counts.get(schedule.pk)
        schedule.sheet_count = row["n"] if row else 0  # type: ignore[attr-defined]
        # The bulk page holds only the differentiation sheets: link to it when it has some.
        schedule.bulk_count = row["bulk"] if row else 0  # type: ignore[attr-defined]
    return render(
        request, "evaluations/my_sheets.html", {"groups": dict(groups), "page": page, "query": ""}
    )


def _sheet_input(post: Any, task: Task, prefix: str = "") -> SheetInput:
    """What the sheet form carried, by line code. A KPI sheet adds the values the form has:
    `actual_<code>`, `planned_<code>` (HR's quarter values, 002 p23), `achieved_<code>` and
    `reason_<code>` (the 2018 sheet, 001 p18); a field not posted keeps its saved value."""
    scores, comments = {}, {}
    values: dict[str, dict[str, str]] = {"actual": {}, "planned": {}, "achieved": {}, "reason": {}}
    for line in task.lines.all():
        scores[line.code] = post.get(f"{prefix}score_{line.code}", "")
        if f"{prefix}comment_{line.code}" in post:
            comments[line.code] = post.get(f"{prefix}comment_{line.code}", "")
        for key, typed in values.items():
            name = f"{prefix}{key}_{line.code}"
            if name in post:
                typed[line.code] = str(post.get(name, ""))[:4000]
    marks: dict[str, str] = {}
    if task.kind == competency_lines.COMPETENCY_KIND:
        for line in task.lines.prefetch_related("marks"):
            for mark in line.marks.all():
                name = f"{prefix}mark_{line.code}-{mark.order}"
                if name in post:
                    marks[f"{line.code}-{mark.order}"] = str(post.get(name, ""))[:16]
    return SheetInput(
        scores, comments, values["actual"], values["planned"], values["achieved"], values["reason"],
        marks,
    )  # fmt: skip


def _revision(post: Any, prefix: str = "") -> int | None:
    raw = post.get(f"{prefix}revision")
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@login_required
def bulk(request: HttpRequest, schedule_id: int) -> HttpResponse:
    """An evaluator fills the sheets of their people, a page at a time (issue 3 item 8).

    The page lists the evaluator's differentiation sheets of the schedule by unit and name,
    `settings.PAGE_SIZE` rows at a time, optionally of one unit (issue 12 item 3). The form
    carries its page and unit, so saving returns to the same page (or the next one).
    """
    params = request.POST if request.method == "POST" else request.GET
    unit_id = id_param(params.get("unit"))
    page_number = params.get("page") or "1"
    units = list(selectors.bulk_units(request.user, schedule_id))
    if not units and not selectors.bulk_tasks(request.user, schedule_id).exists():
        # No sheets of yours here: strangers and colleagues alike get 404.
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    if unit_id not in {u.pk for u in units}:
        unit_id = None
    errors: dict[int, dict[str, str]] = {}
    posted: dict[int, SheetInput] = {}
    if request.method == "POST":
        # Only the sheets of the posted page: the rows whose fields came with the form.
        tasks = list(
            selectors.bulk_tasks(request.user, schedule_id)
            .filter(pk__in=_posted_task_ids(request.POST))
            .prefetch_related("lines")
        )
        submit = "submit" in request.POST
        items: list[services.SheetItem] = []
        for task in tasks:
            prefix = f"t{task.pk}-"
            data = _sheet_input(request.POST, task, prefix)
            if not any(str(v).strip() for v in data.scores.values()) and not any(
                data.comments.values()
            ):
                continue
            if task.state not in OPEN_TASK_STATES:
                # Someone submitted it after this page was opened: the row lost the race.
                # Its typed values are shown again beside the saved ones (issue 11 item 10).
                posted[task.pk] = data
                errors[task.pk] = {"revision": str(MSG_STALE)}
                continue
            complete = all(str(v).strip() for v in data.scores.values())
            action = "submit" if submit and complete else "save_draft"
            posted[task.pk] = data
            items.append(services.SheetItem(task.pk, action, _revision(request.POST, prefix), data))
        if bulk_apply(request, items, posted, errors):
            return _bulk_redirect(schedule_id, request.POST, unit_id)
    page = Paginator(
        selectors.bulk_tasks(request.user, schedule_id, unit_id=unit_id).prefetch_related("lines"),
        settings.PAGE_SIZE,
    ).get_page(page_number)
    tasks = list(page.object_list)
    rows: list[dict[str, Any]] = []
    for task in tasks:
        lines = list(task.lines.all())
        typed = posted.get(task.pk)
        conflict = "revision" in errors.get(task.pk, {})
        cells = [
            {
                "line": line,
                "value": typed.scores.get(line.code, "")
                if typed
                else ("" if line.score is None else line.score),
                "saved": "" if line.score is None else line.score,
                "error": errors.get(task.pk, {}).get(f"score_{line.code}", ""),
            }
            for line in lines
        ]
        rows.append(
            {
                "task": task,
                "cells": cells,
                "conflict": conflict,
                "editable": task.state in OPEN_TASK_STATES,
                "error": errors.get(task.pk, {}).get("", "")
                or errors.get(task.pk, {}).get("revision", ""),
            }
        )
    parameters = rows[0]["cells"] if rows else []
    schedule = tasks[0].schedule if tasks else Schedule.objects.get(pk=schedule_id)
    return render(
        request,
        "evaluations/bulk.html",
        {
            "schedule": schedule,
            "rows": rows,
            "parameters": [c["line"] for c in parameters],
            "page": page,
            "units": units,
            "unit": unit_id,
            "query": f"unit={unit_id}" if unit_id else "",
        },
    )


def bulk_apply(
    request: HttpRequest,
    items: list[services.SheetItem],
    posted: dict[int, SheetInput],
    errors: dict[int, dict[str, str]],
) -> bool:
    """Save or submit the rows of a one-page form in one `tasks_transition` call (one
    transaction, a constant number of queries whatever the number of rows); a row's error
    stays in `errors` with its typed values in `posted`. Whether every row went through."""
    saved = submitted = 0
    for task_id, done in services.tasks_transition(actor=request.user, items=items).items():
        if isinstance(done, DomainError):
            errors[task_id] = {e.field or "": e.text() for e in done.errors} or {
                done.field or "": done.text()
            }
            continue
        del posted[task_id]
        submitted += done.state == TaskState.SUBMITTED
        saved += done.state != TaskState.SUBMITTED
    if errors:
        messages.error(
            request, _("Some sheets were not saved: see the marked rows. Your entries are kept.")
        )
        return False
    messages.success(
        request,
        _("Saved: %(saved)s drafts, %(submitted)s submitted.")
        % {"saved": saved, "submitted": submitted},
    )
    return True


def _posted_task_ids(post: Any) -> set[int]:
    """The sheets a bulk form carried: each row posts `t<id>-revision` and `t<id>-score_*`."""
    ids = set()
    for key in post:
        head, dash, _rest = key.partition("-")
        number = head[1:]
        if dash and head[:1] == "t" and number.isascii() and number.isdigit() and len(number) < 10:
            ids.add(int(number))
    return ids


def _bulk_redirect(schedule_id: int, post: Any, unit_id: int | None) -> HttpResponse:
    """Back to the page the form came from, or the next one ("Save and next page")."""
    page = id_param(post.get("page")) or 1
    if "next" in post:
        page += 1
    query = f"?page={page}" + (f"&unit={unit_id}" if unit_id else "")
    return redirect(reverse("evaluations:bulk", args=[schedule_id]) + query)


# The actions of the sheet page whose form carries the sheet's lines.
SHEET_FORM_ACTIONS = ("save_draft", "submit", "save_actuals", "send_actuals")


@login_required
def sheet(request: HttpRequest, task_id: int) -> HttpResponse:
    task, roles = access.access_task(request.user, task_id)
    result = Result.objects.filter(task=task).first()
    error_fields: dict[str, str] = {}
    posted: SheetInput | None = None
    if request.method == "POST":
        action = str(request.POST.get("action", ""))[:32]
        kwargs: dict[str, Any] = {
            "revision": _revision(request.POST),
            "reason": request.POST.get("reason", ""),
        }
        if action in SHEET_FORM_ACTIONS:
            posted = _sheet_input(request.POST, task)
            kwargs["sheet"] = posted
        if action == "record_refusal":
            kwargs["act"] = {
                "date": request.POST.get("date", ""),
                "signers": [request.POST.get(f"signer{i}", "") for i in (1, 2, 3)],
                "note": request.POST.get("note", ""),
            }
        try:
            services.task_transition(actor=request.user, task_id=task.pk, action=action, **kwargs)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error_fields = {e.field or "": e.text() for e in exc.errors} or {
                exc.field or "": exc.text()
            }
            messages.error(request, exc.text())
        else:
            messages.success(request, _("Done."))
            return redirect("evaluations:sheet", task_id=task.pk)
    actions = available(machine_for(task.kind), task.state, roles)
    readable = access.sheet_readable(task, roles)
    # KPI sheets: HR and strategic planning read (and enter) the values, never the scores.
    is_kpi = task.kind in KPI_KINDS
    values_shown = is_kpi and access.actuals_readable(roles)
    lines = list(task.lines.all()) if readable or values_shown else []
    score_rows: list[kpi_rules.ScoreRow] = []
    if task.kind == "kpi_quarterly" and readable:
        score_rows = [
            kpi_rules.ScoreRow(r.percent_from, r.percent_to, r.score_min, r.score_max)
            for r in KpiScoreRow.objects.filter(version_id=task.version_id)
        ]
    cells = [_cell(line, posted, error_fields, score_rows) for line in lines]
    competencies = (
        competency_lines.competency_cells(lines, posted.marks if posted else None, error_fields)
        if task.kind == competency_lines.COMPETENCY_KIND and readable
        else []
    )
    band = None
    if result is not None and not readable:
        result = None  # 002 p21: HR officers run the process without the content
    if result is not None:
        scale = "kpi_count" if task.kind == "kpi_annual" else "score"  # 001 p18
        band = task.version.bands.filter(scale=scale, code=result.band).first()
    achieved = sum(1 for line in lines if line.achieved) if task.kind == "kpi_annual" else None
    # Every transition of the sheet with who and when (issue 14: the sheet's history).
    history = record_history("evaluations.task", task.pk)
    # Evidence of the KPI values (001 p22), under the sheet's confidentiality (002 p21).
    files = list(task.evidence.select_related("line")) if lines else []
    may_attach = is_kpi and bool(lines) and evidence_service.may_write(task, roles)
    # Official forms (issue 17): the sheet of its kind, the refusal act; each asks its own
    # access rule.
    sheet_form = {
        "competency": "competency_sheet", "differentiation": "differentiation_sheet"
    }.get(task.kind, "kpi_sheet" if is_kpi else "")  # fmt: skip
    print_keys = ([sheet_form] if sheet_form and readable else []) + (
        ["refusal_act"] if result is not None and result.refused_at else []
    )
    print_forms = document_services.printable_forms(request.user, print_keys, task.pk)
    return render(
        request,
        "evaluations/sheet.html",
        {
            "task": task, "cells": cells, "result": result, "band": band,
            "readable": readable, "actions": actions, "kind": task.kind,
            "history": history, "files": files, "may_attach": may_attach, "evidence_lines": lines if may_attach else [],
            "max_mb": settings.EVIDENCE_MAX_BYTES // (1024 * 1024),
            "is_evaluator": EVALUATOR in roles, "is_evaluated": EVALUATED in roles, "is_hr": HR in roles,
            "editable": EVALUATOR in roles and "save_draft" in actions,
            "values_editable": task.kind == "kpi_quarterly" and "save_actuals" in actions,
            "show_scores": readable and task.kind != "kpi_annual",
            "hr_actions": available(machine_for(task.kind), task.state, {HR}) if HR in roles else [],
            "reviewer_actions": available(machine_for(task.kind), task.state, {REVIEWER})
            if REVIEWER in roles else [],
            "achieved_count": achieved if readable else None,
            "kpi_table": task.kind == "kpi_quarterly" and readable,
            "competencies": competencies,
            "met_count": sum(1 for c in competencies if c["outcome"].meets),
            "errors": error_fields, "print_forms": print_forms,
            **(_evaluator_choices(request, task) if HR in roles else {}),
        },
    )  # fmt: skip


def _value(value: Any) -> str:
    """A stored KPI value as a person writes it: 100.0000 → "100", 97.5000 → "97.5"."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(
    line: Any,
    posted: SheetInput | None,
    errors: dict[str, str],
    score_rows: list[kpi_rules.ScoreRow],
) -> dict[str, Any]:
    """One line of the sheet page: typed values where the form came back, else the saved ones."""
    typed = posted or SheetInput()
    code = line.code
    computed = (
        kpi_rules.achieved(line.planned, line.actual, line.higher_is_better)
        if line.planned is not None and line.actual is not None
        else None
    )
    # The 2018 sheet's choice: "by the values" unless an override was saved (001 p18).
    saved_choice = (
        "" if line.achieved is None or not line.override_reason else str(int(line.achieved))
    )
    allowed = (
        kpi_rules.allowed_scores(line.percent, score_rows)
        if score_rows and line.percent is not None
        else None
    )
    return {
        "line": line,
        "value": typed.scores.get(code, "")
        if posted
        else ("" if line.score is None else line.score),
        "comment": typed.comments.get(code, line.comment) if posted else line.comment,
        "error": errors.get(f"score_{code}", ""),
        "planned": typed.planned.get(code, _value(line.planned)),
        "actual": typed.actuals.get(code, _value(line.actual)),
        "percent": line.percent,
        "computed": computed,
        "achieved": typed.achieved.get(code, saved_choice),
        "reason": typed.reasons.get(code, line.override_reason),
        "allowed": allowed,
        "planned_error": errors.get(f"planned_{code}", ""),
        "actual_error": errors.get(f"actual_{code}", ""),
        "reason_error": errors.get(f"reason_{code}", ""),
    }


def _evaluator_choices(request: HttpRequest, task: Task) -> dict[str, Any]:
    """The "Change the evaluator" search: at most EVALUATOR_CHOICES matches of `q`."""
    search = request.GET.get("q", "").strip()[:100]
    found = selectors.evaluator_candidates(task, search)
    return {
        "q": search,
        "candidates": found[: selectors.EVALUATOR_CHOICES],
        "more_candidates": len(found) > selectors.EVALUATOR_CHOICES,
    }


@login_required
def evaluator_search(request: HttpRequest, task_id: int) -> HttpResponse:
    """The matches of a name or IIN, as radio buttons for the HR sheet page's form (htmx).

    Only HR of the body: strangers and colleagues get 404 (access_task), the sheet's other
    parties (the evaluator, the evaluated person) 403. Without JavaScript the sheet page's
    own search form (GET `?q=`) renders the same choices.
    """
    task, roles = access.access_task(request.user, task_id)
    if HR not in roles:
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return render(
        request,
        "evaluations/_evaluator_choices.html",
        {"task": task, **_evaluator_choices(request, task)},
    )


@login_required
@require_POST
def reassign(request: HttpRequest, task_id: int) -> HttpResponse:
    task, roles = access.access_task(request.user, task_id)
    if HR not in roles:
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    form = forms.ReassignForm(request.POST, task=task)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect("evaluations:sheet", task_id=task.pk)
    try:
        services.task_reassign(
            actor=request.user,
            task_id=task.pk,
            evaluator=form.cleaned_data["evaluator"],
            reason=form.cleaned_data["reason"],
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.text())
    else:
        messages.success(request, _("The evaluator is changed."))
    return redirect("evaluations:sheet", task_id=task.pk)


@login_required
def my_results(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    results = list(selectors.servant_results(user))
    tasks = (
        Task.objects.filter(servant__user=user)
        .exclude(state__in=[TaskState.ACQUAINTED])
        .select_related("schedule", "evaluator", "evaluator_user")
        .order_by("-schedule__year", "-schedule__quarter")
    )
    names = {
        (b.version_id, b.code): b
        for b in Band.objects.filter(version_id__in={r.version_id for r in results}, scale="score")
    }
    for result in results:
        result.band_row = names.get((result.version_id, result.band))  # type: ignore[attr-defined]
    selectors.explain_results(results)  # the sheet behind each, the quarters of a year
    return render(request, "evaluations/my_results.html", {"results": results, "tasks": tasks})


@login_required
@require_POST
def acknowledge(request: HttpRequest, result_id: int) -> HttpResponse:
    try:
        services.result_acknowledge(actor=request.user, result_id=result_id)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.text())
    else:
        messages.success(request, _("You have acknowledged the result."))
    return redirect("evaluations:my_results")
