"""Who may see and act on evaluation records (002 p16, p21: results are confidential).

A task or result is visible to the evaluated person, the evaluator and the body's HR
(officers and head). Everyone else — colleagues, other heads, other bodies, the authorized
person — gets 404, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.org.models import HR_ROLES, Role, RoleAssignment
from bagalau.org.selectors import access_body

from .models import Result, Schedule, Task
from .rules.workflow import EVALUATED, EVALUATOR, HR

MSG_NOT_FOUND = _("Not found.")
MSG_FORBIDDEN = _("You do not have access to this.")


def body_roles(user: Any, body_id: int) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return frozenset(
        RoleAssignment.objects.filter(body_id=body_id, user=user).values_list("role", flat=True)
    )


def is_hr(user: Any, body_id: int, roles: frozenset[str] | None = None) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return bool((roles if roles is not None else body_roles(user, body_id)) & HR_ROLES)


def task_roles(user: Any, task: Task) -> set[str]:
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    if task.servant.user_id == user.pk:
        roles.add(EVALUATED)
    if task.evaluator is not None and task.evaluator.user_id == user.pk:
        roles.add(EVALUATOR)
    if is_hr(user, task.body_id):
        roles.add(HR)
    return roles


def access_task(user: Any, task_id: int, *, for_update: bool = False) -> tuple[Task, set[str]]:
    qs = Task.objects.select_related("servant", "evaluator", "schedule", "body")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    task = qs.filter(pk=task_id).first()
    if task is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = task_roles(user, task)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return task, roles


def access_result(user: Any, result_id: int) -> tuple[Result, set[str]]:
    result = (
        Result.objects.select_related("servant", "task__evaluator", "body")
        .filter(pk=result_id)
        .first()
    )
    if result is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles: set[str] = set()
    if getattr(user, "is_authenticated", False):
        if result.servant.user_id == user.pk:
            roles.add(EVALUATED)
        if result.task and result.task.evaluator and result.task.evaluator.user_id == user.pk:
            roles.add(EVALUATOR)
        elif result.task is None and Task.objects.filter(
            servant_id=result.servant_id, schedule__year=result.year, kind=result.kind,
            evaluator__user=user,
        ).exists():  # fmt: skip
            roles.add(EVALUATOR)  # a year result: whoever evaluated its quarters (002 p21)
        if is_hr(user, result.body_id):
            roles.add(HR)
    if not roles:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return result, roles


def access_schedule(
    user: Any, schedule_id: int, *, approve: bool = False, edit: bool = False
) -> Schedule:
    """HR and the authorized person see a schedule (no scores on it); others 404/403."""
    schedule = Schedule.objects.select_related("body", "version").filter(pk=schedule_id).first()
    if schedule is None or not getattr(user, "is_authenticated", False):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = body_roles(user, schedule.body_id)
    superuser = getattr(user, "is_superuser", False)
    allowed = superuser or bool(roles & (HR_ROLES | {Role.AUTHORIZED_PERSON}))
    if not allowed:
        access_body(user, schedule.body_id)  # NotFound for strangers, as for every org page
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if approve and not (superuser or Role.AUTHORIZED_PERSON in roles):
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if edit and not (superuser or roles & HR_ROLES):
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    return schedule
