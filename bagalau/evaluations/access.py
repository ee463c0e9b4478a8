"""Who may see and act on evaluation records: the one access rule (002 p16, p21).

Every page, API endpoint, export and notice about a sheet or result asks here. The roles
a user holds on a record come from ids stored on it (the evaluated servant's user, the
evaluator's user) and from the body's role assignments (HR officer, head of HR); the pure
rule `rules.confidentiality` then says whether the content may be read:

- the evaluated person, the evaluator and the head of HR know a result, and calibration or
  commission members the cases on their agenda while they serve (`register_panel_source`);
- HR officers run the process on the sheet (state, due date, evaluator, refusal act,
  return, reassignment) without its content;
- the evaluated person reads the sheet once it is submitted, never the evaluator's draft;
- a superuser has no evaluation role at all: the admin manages bodies and users;
- everyone else — colleagues, other heads, other bodies, the authorized person — gets 404.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.org.models import HR_ROLES, Role, RoleAssignment
from bagalau.org.selectors import access_body

from .models import Result, Schedule, Task
from .rules.confidentiality import (
    EVALUATED,
    EVALUATOR,
    HR,
    HR_HEAD,
    PANEL,
    PLANNING,
    REVIEWER,
    may_read_actuals,
    may_read_result,
    may_read_sheet,
)

MSG_NOT_FOUND = _("Not found.")
MSG_FORBIDDEN = _("You do not have access to this.")


def body_roles(user: Any, body_id: int) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        RoleAssignment.objects.filter(body_id=body_id, user=user).values_list("role", flat=True)
    )


def is_hr(user: Any, body_id: int, roles: frozenset[str] | None = None) -> bool:
    """An HR officer or the head of HR of the body: runs the process (no superuser bypass)."""
    return bool((roles if roles is not None else body_roles(user, body_id)) & HR_ROLES)


def _record_roles(
    user: Any,
    *,
    body_id: int,
    servant_user_id: int | None,
    held: frozenset[str] | None = None,
) -> set[str]:
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    if servant_user_id is not None and servant_user_id == user.pk:
        roles.add(EVALUATED)
    held = body_roles(user, body_id) if held is None else held
    if held & HR_ROLES:
        roles.add(HR)
    if Role.HR_HEAD in held:
        roles.add(HR_HEAD)
    return roles


# --- panels: the 2018 commission, the 2023 calibration sessions ---------------------------------
#
# A commission member or calibration participant knows the cases on their agenda, only while
# they serve (002 p21; 001 p29-39; 002 p38-42): the role PANEL on those sheets and results.
# Each kind of panel registers one function here — (user, task ids) → the ids among them on
# an agenda the user serves on today — so that this stays the one access rule: every page,
# endpoint and export that asks `access_task(s)` or `access_result` gets PANEL from it.
PanelSource = Callable[[Any, Collection[int]], set[int]]
_PANEL_SOURCES: dict[str, PanelSource] = {}


def register_panel_source(name: str, source: PanelSource) -> None:
    """Called from an app's ready(): e.g. the commission's meetings, calibration sessions."""
    _PANEL_SOURCES[name] = source


def panel_tasks(user: Any, task_ids: Collection[int]) -> set[int]:
    """The task ids among `task_ids` on an agenda the user serves on (one query a source)."""
    if not task_ids or not getattr(user, "is_authenticated", False):
        return set()
    found: set[int] = set()
    for source in _PANEL_SOURCES.values():
        found |= source(user, task_ids)
    return found


def task_roles(
    user: Any, task: Task, held: frozenset[str] | None = None, panel: bool | None = None
) -> set[str]:
    roles = _record_roles(
        user, body_id=task.body_id, servant_user_id=task.servant.user_id, held=held
    )
    if panel is None:
        panel = task.pk in panel_tasks(user, [task.pk])
    if panel:
        roles.add(PANEL)
    if task.evaluator_user_id is not None and task.evaluator_user_id == getattr(user, "pk", None):
        roles.add(EVALUATOR)
    if (
        task.kind == "kpi_annual"
        and task.reviewer_user_id is not None
        and (task.reviewer_user_id == getattr(user, "pk", None))
    ):
        roles.add(REVIEWER)  # the superior (or the first head) who signs the sheet, 001 p19-20
    if task.kind == "kpi_quarterly":
        held = body_roles(user, task.body_id) if held is None else held
        if Role.STRATEGIC_PLANNING in held:
            roles.add(PLANNING)  # pre-computes the actual values with HR (002 p23)
    return roles


def access_task(user: Any, task_id: int, *, for_update: bool = False) -> tuple[Task, set[str]]:
    """The task and the caller's roles on it; 404 to anyone with none."""
    qs = Task.objects.select_related("servant", "evaluator", "evaluator_user", "schedule", "body")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    task = qs.filter(pk=task_id).first()
    if task is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = task_roles(user, task)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return task, roles


def access_tasks(user: Any, task_ids: Collection[int]) -> dict[int, tuple[Task, set[str]]]:
    """Many tasks locked for update and the caller's roles on each (the rule of access_task).

    One query for the rows and one per body for the caller's role assignments; a task the
    caller has no role on (or that does not exist) is absent, i.e. 404 for that row.
    """
    rows = list(
        Task.objects.select_related("servant", "evaluator", "evaluator_user", "schedule", "body",
                                    "version")
        .select_for_update(of=("self",))
        .filter(pk__in=list(task_ids))
        .order_by("pk")
    )  # fmt: skip
    held = {body_id: body_roles(user, body_id) for body_id in {t.body_id for t in rows}}
    on_agenda = panel_tasks(user, [t.pk for t in rows])
    found = {}
    for task in rows:
        roles = task_roles(user, task, held[task.body_id], task.pk in on_agenda)
        if roles:
            found[task.pk] = (task, roles)
    return found


def sheet_readable(task: Task, roles: set[str]) -> bool:
    """Whether the caller may read the sheet's scores, values and comments (002 p21)."""
    return may_read_sheet(roles, task.state)


def actuals_readable(roles: set[str]) -> bool:
    """Whether the caller reads a KPI sheet's planned and actual values (002 p23)."""
    return may_read_actuals(roles)


def access_result(user: Any, result_id: int) -> tuple[Result, set[str]]:
    """A result, to those who may know it (002 p21); HR officers 403, everyone else 404."""
    result = Result.objects.select_related("servant", "task", "body").filter(pk=result_id).first()
    if result is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = _record_roles(user, body_id=result.body_id, servant_user_id=result.servant.user_id)
    if getattr(user, "is_authenticated", False):
        if result.task is not None:
            if result.task.evaluator_user_id == user.pk:
                roles.add(EVALUATOR)
            if result.task.pk in panel_tasks(user, [result.task.pk]):
                roles.add(PANEL)  # a case on the user's commission or calibration agenda
            if result.task.kind == "kpi_annual" and result.task.reviewer_user_id == user.pk:
                roles.add(REVIEWER)
        elif Task.objects.filter(
            servant_id=result.servant_id, schedule__year=result.year, kind=result.kind,
            evaluator_user=user,
        ).exists():  # fmt: skip
            roles.add(EVALUATOR)  # a year result: whoever evaluated its quarters (002 p21)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    if not may_read_result(roles):
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    return result, roles


def may_see_results(user: Any, body_id: int, roles: frozenset[str] | None = None) -> bool:
    """Aggregates of a body's results (bands by unit) for the head of HR only (002 p21)."""
    return Role.HR_HEAD in (roles if roles is not None else body_roles(user, body_id))


def access_schedule(
    user: Any, schedule_id: int, *, approve: bool = False, edit: bool = False
) -> Schedule:
    """HR and the authorized person see a schedule (no scores on it); others 404/403."""
    schedule = Schedule.objects.select_related("body", "version").filter(pk=schedule_id).first()
    if schedule is None or not getattr(user, "is_authenticated", False):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = body_roles(user, schedule.body_id)
    allowed = bool(roles & (HR_ROLES | {Role.AUTHORIZED_PERSON}))
    if not allowed:
        access_body(user, schedule.body_id)  # NotFound for strangers, as for every org page
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if approve and Role.AUTHORIZED_PERSON not in roles:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if edit and not roles & HR_ROLES:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    return schedule
