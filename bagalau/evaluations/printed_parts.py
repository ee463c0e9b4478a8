"""What the evaluation forms' builders share: the sheet's access for printing, who held which
position on a day, the evaluated servant's head fields, and a stored moment as the document's date.

Printing follows the sheet page exactly (views.sheet): `access_task` answers 404 to anyone
with no role on the sheet, and a caller who may not read its content (an HR officer who is
not the head of HR, the evaluated person before submission) gets 403 (002 p16, p21).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from bagalau.core.errors import NotFound, PermissionDenied
from bagalau.documents.layout import Fields
from bagalau.org.models import Appointment, Servant

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


def positions_on(servant_ids: Iterable[int | None], day: dt.date) -> dict[int, tuple[str, str]]:
    """servant id → (position title, unit name) held on `day` (else the latest before it),
    in the active language. One query whatever the number of servants."""
    ids = {i for i in servant_ids if i is not None}
    found: dict[int, tuple[str, str]] = {}
    if not ids:
        return found
    for appointment in (
        Appointment.objects.filter(servant_id__in=ids, start_date__lte=day)
        .select_related("position__unit")
        .order_by("servant_id", "-start_date")
    ):
        if appointment.servant_id not in found:
            position = appointment.position
            found[appointment.servant_id] = (position.title, position.unit.name)
    return found


def position_on(servant_id: int | None, day: dt.date) -> tuple[str, str]:
    """(position title, unit name) of one servant on `day`; blank for nobody."""
    if servant_id is None:
        return "", ""
    return positions_on([servant_id], day).get(servant_id, ("", ""))


def appointment_position(appointment: Appointment | None) -> tuple[str, str]:
    if appointment is None:
        return "", ""
    return appointment.position.title, appointment.position.unit.name


def evaluated_fields(task: Task) -> Fields:
    """The evaluated servant's name, position and unit, as the sheets' heads write them
    (001 App 3; 002 App 4), from the appointment the sheet was made for."""
    position, unit = appointment_position(task.appointment)
    return Fields(
        items=[
            (_("Surname, name, patronymic (if any) of the servant evaluated"),
             task.servant.full_name),
            (_("Position of the servant evaluated"), position),
            (_("Structural unit of the servant evaluated"), unit),
        ]
    )  # fmt: skip


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def signers(body_id: int, users: Iterable[Any], day: dt.date) -> dict[int, tuple[str, str]]:
    """user id → (name, position title on `day`) of the people who sign a document: the
    servant record's name in the document's language where the user has one in the body,
    else the account's name. Two queries whatever the number of signers."""
    by_id = {u.pk: u for u in users if u is not None}
    servants = {
        s.user_id: s for s in Servant.objects.filter(body_id=body_id, user_id__in=list(by_id))
    }
    held = positions_on([s.pk for s in servants.values()], day)
    found = {}
    for user_id, user in by_id.items():
        servant = servants.get(user_id)
        if servant is None:
            found[user_id] = (user_name(user), "")
        else:
            found[user_id] = (servant.full_name, held.get(servant.pk, ("", ""))[0])
    return found


def user_name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.username)
