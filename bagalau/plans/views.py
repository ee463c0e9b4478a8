"""Work plan screens: the body's list of plans and the plan page (issue 14).

Reads through `services.plans_visible` / `services.access_plan`, writes through the
services (`plans_open`, `plan_save`, `plan_transition`, `monitoring_record`); a DomainError
is shown next to its field with the typed values kept, 403/404 go to the error pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bagalau.core.errors import DomainError, NotFound
from bagalau.documents import services as document_services
from bagalau.evaluations.rules.workflow import HR, available
from bagalau.org import selectors as org_selectors
from bagalau.org.models import HR_ROLES

from . import rules, services
from .models import PlanKpi, PlanState, Source, WorkPlan

MSG_STALE = gettext_lazy(
    "Someone else changed this work plan after you opened it. Your entries are kept below: "
    "check the current version and save again."
)
ROW_FIELDS = ("name", "source", "source_detail", "unit", "planned", "higher_is_better",
              "deadline", "key_result")  # fmt: skip
COMPARED = ("name", "source", "source_detail", "unit", "planned", "higher_is_better",
            "deadline", "key_result")  # fmt: skip


def _revision(post: Any) -> int | None:
    raw = post.get("revision")
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _year(raw: str | None) -> int | None:
    text = (raw or "").strip()
    if text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100:
        return int(text)
    return None


def _number(value: Decimal | None) -> str:
    """A stored value as a person writes it: 100.0000 → "100", 97.5000 → "97.5"."""
    if value is None:
        return ""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _errors(exc: DomainError) -> dict[str, str]:
    return {e.field or "": e.text() for e in exc.errors} or {exc.field or "": exc.text()}


# --- the list ------------------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's plans the caller sees, a page at a time; HR opens the plans of a year."""
    org_access = org_selectors.access_body(request.user, body_id)
    if not (org_access.roles or org_access.servant):
        # A superuser without a tie to the body has no part in its plans.
        raise NotFound(services.MSG_NOT_FOUND, code="not_found")
    is_hr = bool(org_access.roles & HR_ROLES)
    open_errors: dict[str, str] = {}
    open_year = ""
    if request.method == "POST":
        open_year = str(request.POST.get("year", ""))[:10]
        year = _year(open_year)
        try:
            if year is None:
                raise DomainError(services.MSG_YEAR, code="year", field="year")
            opened = services.plans_open(actor=request.user, body=org_access.body, year=year)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            open_errors = _errors(exc)
        else:
            messages.success(
                request,
                _(
                    "Work plans of %(year)s: %(created)s opened, %(not_required)s not drawn up "
                    "(under three months left, 002 p23), %(existing)s were already open."
                )
                % {"year": year, "created": opened.created,
                   "not_required": opened.not_required, "existing": opened.existing},
            )  # fmt: skip
            return redirect(f"{request.path}?year={year}")
    visible = WorkPlan.objects.filter(services.plans_visible(request.user, body_id))
    years = sorted(set(visible.order_by().values_list("year", flat=True).distinct()), reverse=True)
    year = _year(request.GET.get("year"))
    state = request.GET.get("state") or ""
    if state not in PlanState.values:
        state = ""
    rows = visible
    if year is not None:
        rows = rows.filter(year=year)
    if state:
        rows = rows.filter(state=state)
    rows = (
        rows.select_related("servant", "drafter", "drafter_user", "appointment__position__unit")
        .annotate(kpi_count=Count("current_revision__kpis"))
        .order_by("-year", "servant__last_name_kk", "servant__first_name_kk", "pk")
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/list.html",
        {
            "access": org_access, "body": org_access.body, "tab": "plans", "page": page,
            "plans": page.object_list, "years": years, "year": year, "state": state,
            "states": PlanState.choices, "query": query.urlencode(), "is_hr": is_hr,
            "open_errors": open_errors, "open_year": open_year or (year or ""),
        },
    )  # fmt: skip


# --- the plan page -------------------------------------------------------------------------------


@dataclass
class Row:
    """One row of the KPI edit form: what is shown (typed or saved) and its errors."""

    index: int
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


def _saved_rows(kpis: list[PlanKpi]) -> list[Row]:
    return [
        Row(
            i,
            {
                "name": k.name,
                "source": k.source,
                "source_detail": k.source_detail,
                "unit": k.unit,
                "planned": _number(k.planned),
                "higher_is_better": k.higher_is_better,
                "deadline": k.deadline.isoformat() if k.deadline else "",
                "key_result": k.key_result,
            },
        )  # fmt: skip
        for i, k in enumerate(kpis, 1)
    ]


def _blank(index: int) -> Row:
    return Row(index, {"source": "", "higher_is_better": True, **dict.fromkeys(
        ("name", "source_detail", "unit", "planned", "deadline", "key_result"), ""
    )})  # fmt: skip


def _row_limit(plan: WorkPlan) -> int:
    return min(plan.version.kpi_max or plan.version.kpi_min or services.MAX_KPIS, services.MAX_KPIS)


def _posted_rows(post: Any, limit: int) -> list[Row]:
    """The rows the form carried (`rows` says how many), trailing empty ones dropped."""
    raw = str(post.get("rows", ""))
    count = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 0
    rows: list[Row] = []
    for i in range(1, min(count, limit) + 1):
        values: dict[str, Any] = {
            key: str(post.get(f"kpi-{i}-{key}", ""))[:5000]
            for key in ROW_FIELDS
            if key != "higher_is_better"
        }
        values["higher_is_better"] = post.get(f"kpi-{i}-higher_is_better", "1") != "0"
        values["delete"] = bool(post.get(f"kpi-{i}-delete"))
        rows.append(Row(i, values))
    while rows and not any(
        str(rows[-1].values[k]).strip()
        for k in ("name", "source", "source_detail", "unit", "planned", "deadline", "key_result")
    ):
        rows.pop()
    return rows


def _kpi_inputs(rows: list[Row]) -> tuple[list[services.KpiInput], list[Row]]:
    """The rows to save (deleted ones left out) and the form row each KPI order comes from."""
    kept = [r for r in rows if not r.values.get("delete")]
    items = [
        services.KpiInput(
            name=r.values["name"],
            source=r.values["source"],
            source_detail=r.values["source_detail"],
            unit=r.values["unit"],
            planned=r.values["planned"],
            higher_is_better=bool(r.values["higher_is_better"]),
            deadline=r.values["deadline"],
            key_result=r.values["key_result"],
        )  # fmt: skip
        for r in kept
    ]
    return items, kept


def _attach(errors: dict[str, str], kept: list[Row]) -> dict[str, str]:
    """Put `kpi-<order>-<field>` errors on the form row of that order; return the rest."""
    rest: dict[str, str] = {}
    for key, message in errors.items():
        head, _dash, tail = key.partition("-")
        order, _dash2, name = tail.partition("-")
        if head == "kpi" and order.isdigit() and 1 <= int(order) <= len(kept) and name:
            kept[int(order) - 1].errors[name] = message
        else:
            rest[key] = message
    return rest


def _count_text(kpi_min: int | None, kpi_max: int | None) -> str:
    low = kpi_min if kpi_min is not None else 1
    high = kpi_max if kpi_max is not None else low
    if low == high:
        return _("exactly %(count)s KPIs") % {"count": low}
    return _("from %(min)s to %(max)s KPIs") % {"min": low, "max": high}


STEP_LABELS = {
    rules.STEP_APPROVER: gettext_lazy("approval by the superior"),
    rules.STEP_PLANNING: gettext_lazy("agreement of the strategic planning unit"),
    rules.STEP_HR: gettext_lazy("agreement of the HR service"),
}


def _history(plan: WorkPlan) -> list[dict[str, Any]]:
    """services.history with each revision's KPIs compared to the previous revision's."""
    events = services.history(plan)
    previous: dict[int, dict[str, Any]] = {}
    sources = dict(Source.choices)
    for event in events:
        if event["kind"] == "review":
            ticks = event["review"].checklist or {}
            event["unticked"] = (
                [label for code, label in rules.CHECKLIST if not ticks.get(code)]
                if ticks and event["review"].action == "return"
                else []
            )
        if event["kind"] != "revision":
            continue
        current: dict[int, dict[str, Any]] = {}
        kpis = []
        for k in event["revision"].kpis.all():
            values = {f: getattr(k, f) for f in COMPARED}
            current[k.order] = values
            before = previous.get(k.order)
            if not previous:
                changed: set[str] = set()  # the first version: nothing to compare with
            elif before is None:
                changed = set(COMPARED)
            else:
                changed = {f for f in COMPARED if before[f] != values[f]}
            kpis.append(
                {"kpi": k, "source": sources.get(k.source, k.source),
                 "planned": _number(k.planned), "changed": changed,
                 "new": before is None and bool(previous)},
            )  # fmt: skip
        event["kpis"] = kpis
        event["removed"] = [v["name"] for order, v in previous.items() if order not in current]
        event["first"] = not previous
        previous = current
    events.reverse()  # newest first
    return events


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, roles = services.access_plan(request.user, plan_id)
    actions = available(rules.PLAN, plan.state, roles)
    limit = _row_limit(plan)
    errors: dict[str, str] = {}
    rows: list[Row] | None = None
    typed: dict[str, Any] = {}
    if request.method == "POST":
        action = str(request.POST.get("action", ""))[:32]
        revision = _revision(request.POST)
        typed = {
            "reason": str(request.POST.get("reason", ""))[:4000],
            "checklist": {c for c, _l in rules.CHECKLIST if request.POST.get(f"check_{c}")},
            "quarter": str(request.POST.get("quarter", ""))[:2],
            "recommendations": str(request.POST.get("recommendations", ""))[:4000],
            "progress": {
                key[len("progress_") :]: str(value)[:2000]
                for key, value in request.POST.items()
                if key.startswith("progress_")
            },
            "form": action,
        }
        if action in ("save", "submit", "add_row"):
            rows = _posted_rows(request.POST, limit)
        try:
            done = _perform(request, plan, action, revision, rows, typed)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            errors = _errors(exc)
            if exc.code == "stale":
                errors = {"revision": str(MSG_STALE)}
            if rows is not None:
                _items, kept = _kpi_inputs(rows)
                errors = _attach(errors, kept)
            messages.error(request, str(MSG_STALE) if exc.code == "stale" else exc.text())
            # Read again: a part may have been written (saved, then the submission refused).
            plan, roles = services.access_plan(request.user, plan_id)
            actions = available(rules.PLAN, plan.state, roles)
        else:
            if done:
                return redirect("plans:plan", plan_id=plan.pk)
    kpis = list(plan.current_revision.kpis.all()) if plan.current_revision else []
    editable = "save" in actions
    if editable and rows is None:
        rows = _saved_rows(kpis)
    if editable and rows is not None:
        wanted = max(len(rows), plan.version.kpi_min or 1) if not kpis else len(rows)
        if typed.get("form") == "add_row":
            wanted = len(rows) + 1
        while len(rows) < min(max(wanted, 1), limit):
            rows.append(_blank(len(rows) + 1))
        for i, row in enumerate(rows, 1):
            row.index = i
    sources = dict(Source.choices)
    approved = list(plan.approved_revision.kpis.all()) if plan.approved_revision else []
    monitoring = list(plan.monitoring.select_related("author").order_by("quarter"))
    names = {str(k.order): k.name for k in approved}
    for review in monitoring:
        review.notes = [  # type: ignore[attr-defined]
            (names.get(order, order), text)
            for order, text in sorted(review.progress.items(), key=lambda kv: kv[0].zfill(4))
        ]
    steps = [
        {"label": STEP_LABELS.get(s, s), "current": plan.state == PlanState.IN_REVIEW
         and i == plan.step, "done": plan.state == PlanState.APPROVED or i < plan.step}
        for i, s in enumerate(plan.steps)
    ]  # fmt: skip
    return render(
        request,
        "plans/plan.html",
        {
            "plan": plan, "body": plan.body, "roles": roles, "actions": actions,
            "kpis": [{"kpi": k, "source": sources.get(k.source, k.source),
                      "planned": _number(k.planned)} for k in kpis],
            "editable": editable, "rows": rows or [], "can_add": editable and len(rows or []) < limit,
            "row_limit": limit, "count_text": _count_text(plan.version.kpi_min, plan.version.kpi_max),
            "sources": Source.choices, "errors": errors, "typed": typed,
            "checklist": rules.CHECKLIST, "steps": steps,
            "approved_kpis": approved, "monitoring": monitoring, "quarters": (1, 2, 3, 4),
            "history": _history(plan), "is_hr": HR in roles,
            "print_forms": document_services.printable_forms(request.user, ["work_plan"], plan.pk),
        },
    )  # fmt: skip


def _perform(
    request: HttpRequest,
    plan: WorkPlan,
    action: str,
    revision: int | None,
    rows: list[Row] | None,
    typed: dict[str, Any],
) -> bool:
    """Run the posted action; True when done (redirect), False to show the form again."""
    user = request.user
    if action == "add_row":
        return False  # the form again with one more empty row: nothing is saved
    if action in ("save", "submit"):
        items, _kept = _kpi_inputs(rows or [])
        try:
            saved = services.plan_save(actor=user, plan_id=plan.pk, revision=revision, kpis=items)
            revision = saved.revision
            if action == "save":
                messages.success(request, _("The work plan is saved."))
        except DomainError as exc:
            if not (action == "submit" and exc.code == "no_change"):
                raise
        if action == "save":
            return True
        services.plan_transition(actor=user, plan_id=plan.pk, action="submit", revision=revision)
        messages.success(request, _("The work plan is submitted for approval."))
        return True
    if action in ("agree", "approve", "return", "amend"):
        services.plan_transition(
            actor=user, plan_id=plan.pk, action=action, revision=revision,
            reason=typed["reason"], checklist=dict.fromkeys(typed["checklist"], True),
        )  # fmt: skip
        done = {
            "agree": _("You have agreed the work plan: it goes to the next step."),
            "approve": _("The work plan is approved."),
            "return": _("The work plan is returned for correction."),
            "amend": _("The work plan is open for changes: submit it for approval again."),
        }
        messages.success(request, done[action])
        return True
    if action == "monitor":
        services.monitoring_record(
            actor=user, plan_id=plan.pk, revision=revision, quarter=typed["quarter"],
            progress=typed["progress"], recommendations=typed["recommendations"],
        )  # fmt: skip
        messages.success(request, _("The quarterly review is recorded."))
        return True
    raise DomainError(_("Unknown action."), code="unknown_action", field="action")
