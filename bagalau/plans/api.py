"""/api/v1/work-plans: individual work plans (жеке жұмыс жоспары) and their KPIs (issue 14).

The same services and access rule as the pages: strangers to a plan get 404, known but
unauthorised 403, bad input 400 naming the field, a stale revision or a wrong state 409.
Every write answers with the plan as the caller now sees it, with its new `revision`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints, WithJsonSchema

from bagalau.api.pagination import Page, PageParams, paginate
from bagalau.evaluations.rules.workflow import available
from bagalau.org import selectors as org_selectors

from . import rules, services
from .models import PlanState, Source, WorkPlan
from .services import FIELD_LIMITS, MAX_KPIS, KpiInput

router = Router()

MAX_ID = 2**63 - 1
MAX_REVISION = 2**31 - 1
MAX_REASON = 4000

Revision = Annotated[
    int,
    Field(..., ge=0, le=MAX_REVISION, description="The revision you read; a stale one gets 409"),
]
# A planned value as sent: the one value parser (evaluations.rules.kpi.parse_value) refuses
# "1e999", "٥", JSON `true`, more than 14 digits and the like, naming the KPI's field.
RawValue = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}]})]


def _name(person: Any) -> str | None:
    return None if person is None else str(getattr(person, "full_name", None) or person)


# --- the list ----------------------------------------------------------------------------------


class PlanRowOut(Schema):
    id: int
    servant_id: int
    servant: str
    year: int
    kind: str
    state: str
    kpis: int = Field(..., description="KPIs of the current revision")
    due_date: date | None
    drafter_id: int | None
    drafter: str | None
    revision: int


class PlanFilter(Schema):
    body: int = Field(..., ge=1, le=MAX_ID, description="The state body")
    year: int | None = Field(None, ge=2000, le=2100)
    state: PlanState | None = None


def _rows(qs: QuerySet[WorkPlan]) -> QuerySet[WorkPlan]:
    return qs.select_related("servant", "drafter").annotate(
        kpi_count=Count("current_revision__kpis")
    )


@router.get(
    "",
    response=Page[PlanRowOut],
    summary="The work plans of a body the caller sees (HR: all; others: their own and "
    "those they draw up or approve)",
)
def list_plans(
    request: HttpRequest, filters: Query[PlanFilter], params: Query[PageParams]
) -> dict[str, Any]:
    org_selectors.access_body(request.user, filters.body)  # 404 to strangers
    qs = WorkPlan.objects.filter(services.plans_visible(request.user, filters.body))
    if filters.year is not None:
        qs = qs.filter(year=filters.year)
    if filters.state is not None:
        qs = qs.filter(state=filters.state)
    qs = _rows(qs).order_by("-year", "servant__last_name_kk", "servant__first_name_kk", "id")
    page = paginate(qs, params)
    page["items"] = [
        {
            "id": p.pk,
            "servant_id": p.servant_id,
            "servant": _name(p.servant),
            "year": p.year,
            "kind": p.kind,
            "state": p.state,
            "kpis": p.kpi_count,
            "due_date": p.due_date,
            "drafter_id": p.drafter_id,
            "drafter": _name(p.drafter),
            "revision": p.revision,
        }
        for p in page["items"]
    ]
    return page


# Declared before /{plan_id}: the first matching route wins.
class OpenIn(Schema):
    body: int = Field(..., ge=1, le=MAX_ID)
    year: int = Field(..., ge=2000, le=2100)


class OpenedOut(Schema):
    created: int
    not_required: int = Field(..., description="Less than three months left (002 p23)")
    existing: int


@router.post(
    "/open",
    response=OpenedOut,
    summary="HR opens the year's plans of a body (existing plans are left as they are)",
)
def open_plans(request: HttpRequest, payload: OpenIn) -> services.Opened:
    body = org_selectors.access_body(request.user, payload.body).body  # 404 to strangers
    return services.plans_open(actor=request.user, body=body, year=payload.year)


# --- one plan ----------------------------------------------------------------------------------


class KpiOut(Schema):
    order: int
    name: str
    source: str
    source_detail: str
    unit: str
    planned: Decimal
    higher_is_better: bool
    deadline: date
    key_result: str


class RevisionOut(Schema):
    number: int
    author_id: int | None
    author: str | None
    created_at: datetime
    reason: str
    kpis: list[KpiOut]


class ReviewOut(Schema):
    step: str
    action: str
    checklist: dict[str, bool]
    reason: str
    actor_id: int | None
    actor: str | None
    at: datetime


class MonitoringOut(Schema):
    quarter: int
    progress: dict[str, str]
    recommendations: str
    author_id: int | None
    author: str | None
    recorded_at: datetime


class PlanOut(Schema):
    id: int
    body_id: int
    servant_id: int
    servant: str
    year: int
    kind: str
    state: str
    reason: str
    drafter_id: int | None
    drafter: str | None
    approver_id: int | None
    approver: str | None
    steps: list[str]
    step: int
    due_date: date | None
    correction_due: date | None
    entry_due: date | None
    submitted_at: datetime | None
    late: bool
    approved_at: datetime | None
    current_revision: int | None = Field(..., description="The number of the current revision")
    approved_revision: int | None = Field(
        ..., description="The number of the approved revision (the KPI sheets' lines)"
    )
    kpis: list[KpiOut] = Field(..., description="The KPIs of the current revision")
    revisions: list[RevisionOut]
    reviews: list[ReviewOut]
    monitoring: list[MonitoringOut]
    actions: list[str] = Field(..., description="The actions you may take now (rules.PLAN)")
    revision: int = Field(..., description="Send it back with a write; a stale one gets 409")


def _kpis(rows: Any) -> list[dict[str, Any]]:
    return [{f: getattr(k, f) for f in services.KPI_FIELDS} for k in rows]


def _plan(plan: WorkPlan, roles: set[str]) -> dict[str, Any]:
    """The plan with every revision, review and quarterly review (a fixed number of queries)."""
    revisions = list(plan.revisions.select_related("author").prefetch_related("kpis"))
    current = next((r for r in revisions if r.pk == plan.current_revision_id), None)
    approved = next((r for r in revisions if r.pk == plan.approved_revision_id), None)
    approver = plan.approver if plan.approver_id else plan.approver_user
    return {
        "id": plan.pk, "body_id": plan.body_id, "servant_id": plan.servant_id,
        "servant": _name(plan.servant), "year": plan.year, "kind": plan.kind,
        "state": plan.state, "reason": plan.reason, "drafter_id": plan.drafter_id,
        "drafter": _name(plan.drafter or plan.drafter_user), "approver_id": plan.approver_id,
        "approver": _name(approver), "steps": list(plan.steps), "step": plan.step,
        "due_date": plan.due_date, "correction_due": plan.correction_due,
        "entry_due": plan.entry_due, "submitted_at": plan.submitted_at, "late": plan.late,
        "approved_at": plan.approved_at,
        "current_revision": current.number if current else None,
        "approved_revision": approved.number if approved else None,
        "kpis": _kpis(current.kpis.all()) if current else [],
        "revisions": [
            {
                "number": r.number, "author_id": r.author_id, "author": _name(r.author),
                "created_at": r.created_at, "reason": r.reason, "kpis": _kpis(r.kpis.all()),
            }
            for r in revisions
        ],
        "reviews": [
            {
                "step": r.step, "action": r.action, "checklist": r.checklist, "reason": r.reason,
                "actor_id": r.actor_id, "actor": _name(r.actor), "at": r.at,
            }
            for r in plan.reviews.select_related("actor")
        ],
        "monitoring": [
            {
                "quarter": m.quarter, "progress": m.progress, "recommendations": m.recommendations,
                "author_id": m.author_id, "author": _name(m.author), "recorded_at": m.recorded_at,
            }
            for m in plan.monitoring.select_related("author")
        ],
        "actions": available(rules.PLAN, plan.state, roles),
        "revision": plan.revision,
    }  # fmt: skip


def _after(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan, roles = services.access_plan(request.user, plan_id)
    return _plan(plan, roles)


@router.get("/{plan_id}", response=PlanOut, summary="A plan with its KPIs, versions and reviews")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    return _after(request, plan_id)


# --- writes ------------------------------------------------------------------------------------


class KpiIn(Schema):
    """One KPI: the columns of 002 Appendix 1."""

    name: str = Field(..., max_length=FIELD_LIMITS["name"])
    source: Source = Field(..., description="Which planning document the KPI derives from")
    source_detail: str = Field("", max_length=FIELD_LIMITS["source_detail"])
    unit: str = Field(..., max_length=FIELD_LIMITS["unit"])
    planned: RawValue = Field(..., description='A number or a string such as "1 250,5"')
    higher_is_better: bool = True
    deadline: date = Field(..., description="Within the plan's year")
    key_result: str = Field(..., max_length=FIELD_LIMITS["key_result"])


class KpisIn(Schema):
    revision: Revision
    kpis: list[KpiIn] = Field(..., max_length=MAX_KPIS)


@router.put(
    "/{plan_id}/kpis",
    response=PlanOut,
    summary="The drafter saves the KPIs: a new revision (the count is checked at submission)",
)
def save_kpis(request: HttpRequest, plan_id: int, payload: KpisIn) -> dict[str, Any]:
    items = [
        KpiInput(
            name=k.name,
            source=str(k.source),
            source_detail=k.source_detail,
            unit=k.unit,
            planned=k.planned,
            higher_is_better=k.higher_is_better,
            deadline=k.deadline,
            key_result=k.key_result,
        )
        for k in payload.kpis
    ]
    plan = services.plan_save(
        actor=request.user, plan_id=plan_id, revision=payload.revision, kpis=items
    )
    return _after(request, plan.pk)


class ChecklistIn(Schema):
    """The SMART checklist of a reviewer (001 p12-13; 002 p25): all ticked to agree or approve."""

    specific: bool = False
    measurable: bool = False
    achievable: bool = False
    time_bound: bool = False
    strategic: bool = False


class TransitionIn(Schema):
    action: Literal["submit", "agree", "approve", "return", "amend"]
    revision: Revision
    reason: str = Field(
        "", max_length=MAX_REASON, description="Required to return or to amend (002 p26)"
    )
    checklist: ChecklistIn = Field(default_factory=ChecklistIn)


@router.post(
    "/{plan_id}/transitions",
    response=PlanOut,
    summary="submit (the drafter), agree or approve (the step's holder, checklist), return "
    "(reason), amend an approved plan (reason)",
)
def transition_plan(request: HttpRequest, plan_id: int, payload: TransitionIn) -> dict[str, Any]:
    plan = services.plan_transition(
        actor=request.user, plan_id=plan_id, action=payload.action, revision=payload.revision,
        reason=payload.reason, checklist=payload.checklist.dict(),
    )  # fmt: skip
    return _after(request, plan.pk)


ProgressKey = Annotated[str, StringConstraints(max_length=3)]
ProgressText = Annotated[str, StringConstraints(max_length=2000)]


class MonitoringIn(Schema):
    revision: Revision
    quarter: int = Field(..., ge=1, le=4)
    progress: dict[ProgressKey, ProgressText] = Field(
        default_factory=dict, max_length=MAX_KPIS, description='By KPI number: {"1": "…"}'
    )
    recommendations: str = Field(..., max_length=MAX_REASON)


@router.post(
    "/{plan_id}/monitoring",
    response=PlanOut,
    summary="The drafter records a quarter's review of progress with recommendations (001 p16)",
)
def record_monitoring(request: HttpRequest, plan_id: int, payload: MonitoringIn) -> dict[str, Any]:
    services.monitoring_record(
        actor=request.user, plan_id=plan_id, revision=payload.revision, quarter=payload.quarter,
        progress=payload.progress, recommendations=payload.recommendations,
    )  # fmt: skip
    return _after(request, plan_id)
