"""/api/v1/evaluations: schedules, tasks, sheets, results, acknowledgement.

The same access rules and validation messages as the pages: strangers 404, others 403,
bad scores 400 naming the field, a stale revision or a wrong state 409.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints, WithJsonSchema

from bagalau.api.pagination import Page, PageParams, paginate
from bagalau.core.errors import DomainError
from bagalau.core.models import User
from bagalau.org import selectors as org_selectors

from . import access, selectors, services
from .kpi_lines import KPI_KINDS
from .models import Result, Schedule, Task
from .services import SheetInput

router = Router()


class ScheduleIn(Schema):
    year: int = Field(..., ge=2018, le=2100)
    quarter: int = Field(..., ge=0, le=4, description="1-4, or 0 for the whole year")
    note: str = Field("", max_length=2000)


class ScheduleOut(Schema):
    id: int
    body_id: int
    version_id: int
    period_kind: str
    year: int
    quarter: int
    start: date
    end: date
    status: str
    approved_at: datetime | None


class TaskOut(Schema):
    id: int
    schedule_id: int
    servant_id: int
    kind: str
    participation: str
    reason: str
    evaluator_id: int | None
    evaluator_user_id: int | None
    evaluator_source: str
    state: str
    due_date: date | None
    late: bool
    overdue: bool
    revision: int


class LineOut(Schema):
    code: str
    name: str
    score: Decimal | None
    comment: str
    # KPI sheets only (002 p23; 001 p17-18): empty on other sheets.
    unit: str = ""
    planned: Decimal | None = None
    actual: Decimal | None = None
    percent: Decimal | None = None
    achieved: bool | None = None
    override_reason: str = ""


class SheetOut(TaskOut):
    readable: bool = Field(
        ...,
        description="Whether you may read the scores and comments (002 p21); "
        "false for HR officers, and for the evaluated person before submission",
    )
    actuals_readable: bool = Field(
        False,
        description="Whether you read a KPI sheet's planned and actual values and percent "
        "(002 p23: HR and strategic planning do, without the scores)",
    )
    score: Decimal | None
    lines: list[LineOut]


RawScore = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
]


MAX_LINES = 100
LineCode = Annotated[str, StringConstraints(max_length=48)]
Reason = Annotated[str, StringConstraints(max_length=4000)]
# A planned or actual value as sent: the one value parser refuses "1e999", "٥", JSON
# `true` and the like naming the field.
RawValue = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}),
]
MSG_VALUES_ACTION = _(
    "“%(field)s”: planned and actual values are sent only with save_actuals or send_actuals."
)


class SheetIn(Schema):
    revision: int = Field(
        ..., ge=0, le=2**31 - 1, description="The revision you read; a stale one gets 409"
    )
    # Passed through as sent: the one score parser refuses JSON `true`, "٥" and the like
    # naming the field (a bool would otherwise be coerced to 1.0 here).
    scores: dict[str, RawScore] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)
    # KPI sheets: the actual values (and HR's planned values of a quarter, 002 p23); on the
    # 2018 sheet whether each KPI is achieved and the reason where that differs from the
    # values (001 p17-18). By line code, like the scores.
    actuals: dict[LineCode, RawValue] = Field(default_factory=dict, max_length=MAX_LINES)
    planned: dict[LineCode, RawValue] = Field(default_factory=dict, max_length=MAX_LINES)
    achieved: dict[LineCode, bool | None] = Field(default_factory=dict, max_length=MAX_LINES)
    reasons: dict[LineCode, Reason] = Field(default_factory=dict, max_length=MAX_LINES)

    def sheet(self) -> SheetInput:
        return SheetInput(
            scores=self.scores, comments=self.comments, actuals=self.actuals,
            planned=self.planned, achieved=self.achieved, reasons=self.reasons,
        )  # fmt: skip


class ActIn(Schema):
    date: date
    signers: list[str] = Field(..., min_length=3, max_length=3)
    note: str = ""


class ActionIn(Schema):
    revision: int | None = Field(
        None, ge=0, le=2**31 - 1, description="The revision you read: needed except to acknowledge"
    )
    reason: str = Field("", max_length=2000)
    act: ActIn | None = None
    planned: dict[LineCode, RawValue] = Field(
        default_factory=dict, max_length=MAX_LINES,
        description="save_actuals, send_actuals: a quarter's planned values (HR, 002 p23)",
    )  # fmt: skip
    actuals: dict[LineCode, RawValue] = Field(
        default_factory=dict, max_length=MAX_LINES,
        description="save_actuals, send_actuals: the actual values by line code",
    )  # fmt: skip


class ResultOut(Schema):
    id: int
    servant_id: int
    kind: str
    year: int
    quarter: int
    original_score: Decimal
    score: Decimal
    band: str
    quarters: list[int]
    acquaintance_due: date | None
    acknowledged_at: datetime | None
    refused_at: datetime | None


def _line(line: Any, *, content: bool, values: bool) -> dict[str, Any]:
    """One line: its content (score, comment, achieved) to readers of the sheet (002 p21), a
    KPI's planned and actual values and percent to those who compute them (002 p23)."""
    row: dict[str, Any] = {"code": line.code, "name": line.name, "score": None, "comment": ""}
    if content:
        row.update(score=line.score, comment=line.comment)
    if values:
        row.update(unit=line.unit, planned=line.planned, actual=line.actual, percent=line.percent)
    if content and values:
        row.update(achieved=line.achieved, override_reason=line.override_reason)
    return row


def _sheet(task: Task, roles: set[str]) -> dict[str, Any]:
    """A sheet as the caller may see it: the content only to those 002 p21 names."""
    data = TaskOut.model_validate(task, from_attributes=True).model_dump()
    readable = access.sheet_readable(task, roles)
    kpi = task.kind in KPI_KINDS
    values = kpi and (readable or access.actuals_readable(roles))
    data["readable"] = readable
    data["actuals_readable"] = values
    data["score"] = task.score if readable else None
    data["lines"] = (
        [_line(line, content=readable, values=kpi) for line in task.lines.all()]
        if readable or values
        else []
    )
    return data


def _after(request: HttpRequest, task: Task) -> dict[str, Any]:
    return _sheet(task, access.task_roles(request.user, task))


@router.get(
    "/bodies/{body_id}/schedules", response=Page[ScheduleOut], summary="Schedules of a body"
)
def list_schedules(request: HttpRequest, body_id: int, params: Query[PageParams]) -> dict[str, Any]:
    org_access = org_selectors.access_body(request.user, body_id)
    roles = access.body_roles(request.user, body_id)
    if not (access.is_hr(request.user, body_id, roles) or "authorized_person" in roles):
        org_selectors.require_staff_reader(org_access)
    return paginate(Schedule.objects.filter(body_id=body_id).order_by("-year", "-quarter"), params)


@router.post(
    "/bodies/{body_id}/schedules", response={201: ScheduleOut}, summary="HR drafts a schedule"
)
def create_schedule(request: HttpRequest, body_id: int, payload: ScheduleIn) -> Status:
    org_access = org_selectors.access_body(request.user, body_id)
    schedule = services.schedule_create(actor=request.user, body=org_access.body, **payload.dict())
    return Status(201, schedule)


@router.get("/schedules/{schedule_id}", response=ScheduleOut)
def get_schedule(request: HttpRequest, schedule_id: int) -> Schedule:
    return access.access_schedule(request.user, schedule_id)


class PreviewTaskOut(Schema):
    servant_id: int
    servant: str
    kind: str


class PreviewOut(Schema):
    total: int
    evaluated: int
    excluded: int
    missing: list[PreviewTaskOut] = Field(..., description="Sheets that would have no evaluator")
    authorized: list[PreviewTaskOut] = Field(
        ..., description="Sheets the authorized person would evaluate (002 p2(3))"
    )


@router.get(
    "/schedules/{schedule_id}/preview",
    response=PreviewOut,
    summary="Before approval: the sheets approval would create, and any without an evaluator",
)
def preview_schedule(request: HttpRequest, schedule_id: int) -> dict[str, Any]:
    schedule = access.access_schedule(request.user, schedule_id)
    summary = selectors.preview_summary(services.schedule_preview(schedule))

    def rows(tasks: list[Task]) -> list[dict[str, Any]]:
        return [
            {"servant_id": t.servant_id, "servant": t.servant.full_name, "kind": t.kind}
            for t in tasks
        ]

    return {
        **summary,
        "missing": rows(summary["missing"]),
        "authorized": rows(summary["authorized"]),
    }


@router.post(
    "/schedules/{schedule_id}/approve",
    response=ScheduleOut,
    summary="The authorized person approves",
)
def approve_schedule(request: HttpRequest, schedule_id: int) -> Schedule:
    services.schedule_approve(actor=request.user, schedule_id=schedule_id)
    return Schedule.objects.get(pk=schedule_id)


@router.get(
    "/schedules/{schedule_id}/tasks",
    response=Page[TaskOut],
    summary="Every sheet of a schedule (no scores)",
)
def list_schedule_tasks(
    request: HttpRequest, schedule_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    schedule = access.access_schedule(request.user, schedule_id)
    return paginate(selectors.schedule_tasks(schedule), params)


@router.get(
    "/tasks",
    response=Page[TaskOut],
    summary="My sheets: to fill (evaluator) or about me (evaluated)",
)
def my_tasks(
    request: HttpRequest,
    params: Query[PageParams],
    role: Literal["evaluator", "evaluated"] = "evaluator",
) -> dict[str, Any]:
    if role == "evaluator":
        qs = selectors.evaluator_tasks(request.user)
    else:
        qs = Task.objects.filter(servant__user=cast(User, request.user)).order_by(
            "-schedule__year", "-schedule__quarter", "id"
        )
    return paginate(qs, params)


@router.get("/tasks/{task_id}", response=SheetOut, summary="A sheet with its lines")
def get_task(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task, roles = access.access_task(request.user, task_id)
    return _sheet(task, roles)


@router.put("/tasks/{task_id}/sheet", response=SheetOut, summary="Save a draft of the sheet")
def save_sheet(request: HttpRequest, task_id: int, payload: SheetIn) -> dict[str, Any]:
    task = services.task_transition(
        actor=request.user, task_id=task_id, action="save_draft", revision=payload.revision,
        sheet=payload.sheet(),
    )  # fmt: skip
    return _after(request, task)


@router.post(
    "/tasks/{task_id}/submit", response=SheetOut, summary="Submit the sheet (every line scored)"
)
def submit_sheet(request: HttpRequest, task_id: int, payload: SheetIn) -> dict[str, Any]:
    task = services.task_transition(
        actor=request.user, task_id=task_id, action="submit", revision=payload.revision,
        sheet=payload.sheet(),
    )  # fmt: skip
    return _after(request, task)


@router.post(
    "/tasks/{task_id}/{action}",
    response=SheetOut,
    summary="return, reopen (HR; the superior returns a 2018 KPI sheet), acknowledge (the "
    "servant), record_refusal (HR, act); KPI sheets: save_actuals, send_actuals (HR and "
    "strategic planning, the values), agree (the superior), to_commission (HR)",
)
def act_on_task(
    request: HttpRequest,
    task_id: int,
    action: Literal[
        "return",
        "reopen",
        "acknowledge",
        "record_refusal",
        "save_actuals",
        "send_actuals",
        "agree",
        "to_commission",
    ],
    payload: ActionIn,
) -> dict[str, Any]:
    act = payload.act.dict() if payload.act else None
    if act:
        act["date"] = act["date"].isoformat()
    sheet = None
    if action in services.ACTUALS_ACTIONS:
        sheet = SheetInput(planned=payload.planned, actuals=payload.actuals)
    else:
        for name in ("planned", "actuals"):
            if getattr(payload, name):
                raise DomainError(
                    MSG_VALUES_ACTION, code="invalid", field=name, params={"field": name}
                )
    task = services.task_transition(
        actor=request.user, task_id=task_id, action=action, revision=payload.revision,
        reason=payload.reason, act=act, sheet=sheet,
    )  # fmt: skip
    return _after(request, task)


@router.get("/results", response=Page[ResultOut], summary="My results by quarter and year")
def my_results(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.servant_results(request.user), params)


@router.get("/results/{result_id}", response=ResultOut)
def get_result(request: HttpRequest, result_id: int) -> Result:
    result, _roles = access.access_result(request.user, result_id)
    return result


@router.post(
    "/results/{result_id}/acknowledge", response=ResultOut, summary="Acknowledge a result (002 p12)"
)
def acknowledge_result(request: HttpRequest, result_id: int) -> Result:
    return services.result_acknowledge(actor=request.user, result_id=result_id)
