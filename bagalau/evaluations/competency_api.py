"""/api/v1/competencies/sheets: the 2018 competency sheet (001 p25-28; 002 Appendix 3).

The sheet with its competencies, each effective behaviour indicator and its mark, "x of y
observed", meets expectations or not and the indicators not observed — to those who may
read it (002 p21: the evaluated person once signed, the evaluator, the head of HR); HR
officers get the sheet's state without its content. Saving and signing go through the one
sheet workflow (`services.task_transition`): strangers 404, others 403, a bad mark 400
naming its field, a stale revision or a wrong state 409. Passing the sheet to the
commission, returning and reopening are the sheet actions of /api/v1/evaluations.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from pydantic import StringConstraints, WithJsonSchema

from bagalau.core.errors import NotFound

from . import access, competency_lines, services
from .api import TaskOut
from .models import Task
from .rules.workflow import available, machine_for
from .services import SheetInput

router = Router()

MSG_NOT_COMPETENCY = _("This is not a competency sheet.")
MarkKey = Annotated[str, StringConstraints(max_length=64)]
Comment = Annotated[str, StringConstraints(max_length=4000)]
RawMark = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "boolean"}, {"type": "string"}, {"type": "null"}]}),
]


class MarkOut(Schema):
    key: str = Field(..., description="“<competency code>-<order>”: the key to send a mark by")
    text: str
    observed: bool | None


class CompetencyOut(Schema):
    code: str
    name: str
    observed: int
    total: int
    meets: bool | None = Field(
        ..., description="4 × observed ≥ 3 × total (001 p27); null until marked"
    )
    not_observed: list[str]
    ineffective: list[str] = Field(..., description="The ineffective indicators, as guidance")
    comment: str
    marks: list[MarkOut]


class CompetencySheetOut(TaskOut):
    readable: bool
    actions: list[str]
    met: int | None = Field(None, description="Competencies that meet expectations, once signed")
    competencies: list[CompetencyOut]


class MarksIn(Schema):
    revision: int = Field(..., ge=0, le=2**31 - 1, description="The revision you read")
    action: Literal["save_draft", "submit"] = Field(
        "save_draft", description="submit: the direct supervisor signs (every indicator marked)"
    )
    marks: dict[MarkKey, RawMark] = Field(default_factory=dict, max_length=200)
    comments: dict[MarkKey, Comment] = Field(default_factory=dict, max_length=20)


def _competency_task(request: HttpRequest, task_id: int) -> tuple[Task, set[str]]:
    task, roles = access.access_task(request.user, task_id)
    if task.kind != competency_lines.COMPETENCY_KIND:
        raise NotFound(MSG_NOT_COMPETENCY, code="not_found")
    return task, roles


def _out(task: Task, roles: set[str]) -> dict[str, Any]:
    data = TaskOut.model_validate(task, from_attributes=True).model_dump()
    readable = access.sheet_readable(task, roles)
    cells = competency_lines.competency_cells(list(task.lines.all())) if readable else []
    data.update(
        readable=readable,
        actions=available(machine_for(task.kind), task.state, roles),
        met=task.score if readable and task.score is not None else None,
        competencies=[
            {
                "code": c["line"].code,
                "name": c["line"].name,
                "observed": c["outcome"].observed,
                "total": c["outcome"].total,
                "meets": c["outcome"].meets,
                "not_observed": c["missing"],
                "ineffective": c["guidance"],
                "comment": c["line"].comment,
                "marks": [
                    {"key": m["key"], "text": m["text"], "observed": m["observed"]}
                    for m in c["marks"]
                ],
            }  # fmt: skip
            for c in cells
        ],
    )
    return data


def _mark(value: Any) -> Any:
    return {True: "1", False: "0"}.get(value, value) if isinstance(value, bool) else value


@router.get("/{task_id}", response=CompetencySheetOut, summary="A competency sheet")
def get_sheet(request: HttpRequest, task_id: int) -> dict[str, Any]:
    task, roles = _competency_task(request, task_id)
    return _out(task, roles)


@router.post(
    "/{task_id}",
    response=CompetencySheetOut,
    summary="Mark the indicators: save a draft, or sign the sheet (submit)",
)
def save_sheet(request: HttpRequest, task_id: int, payload: MarksIn) -> dict[str, Any]:
    _competency_task(request, task_id)
    sheet = SheetInput(
        comments=dict(payload.comments), marks={k: _mark(v) for k, v in payload.marks.items()}
    )
    task = services.task_transition(
        actor=request.user, task_id=task_id, action=payload.action, revision=payload.revision,
        sheet=sheet,
    )  # fmt: skip
    return _out(task, access.task_roles(request.user, task))
