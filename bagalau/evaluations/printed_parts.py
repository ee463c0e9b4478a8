"""What the evaluation forms' builders share: the sheet's access for printing, who held which
position on a day, and a stored moment as the document's date.

Printing follows the sheet page exactly (views.sheet): `access_task` answers 404 to anyone
with no role on the sheet, and a caller who may not read its content (an HR officer who is
not the head of HR, the evaluated person before submission) gets 403 (002 p16, p21).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.org.models import Appointment

from . import access
from .models import Task


def printable_task(user: Any, task_id: int, kind: str) -> Task:
    """The sheet of `kind` to print, through the sheet page's access rule."""
    task, roles = access.access_task(user, task_id)
    if task.kind != kind:
        raise NotFound(access.MSG_NOT_FOUND, code="not_found")
    if not access.sheet_readable(task, roles):
        raise PermissionDenied(access.MSG_FORBIDDEN, code="forbidden")
    return task


def position_on(servant_id: int | None, day: dt.date) -> tuple[str, str]:
    """(position title, unit name) the servant held on `day` (else their latest), in the
    active language; blank for nobody."""
    if servant_id is None:
        return "", ""
    found = (
        Appointment.objects.filter(servant_id=servant_id, start_date__lte=day)
        .select_related("position__unit")
        .order_by("-start_date")
        .first()
    )
    if found is None:
        return "", ""
    return found.position.title, found.position.unit.name


def appointment_position(appointment: Appointment | None) -> tuple[str, str]:
    if appointment is None:
        return "", ""
    return appointment.position.title, appointment.position.unit.name


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def user_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)
