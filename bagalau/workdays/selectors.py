"""Reads of the calendar and who may edit it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import NotFound
from bagalau.org.models import HR_ROLES, RoleAssignment, StateBody, localized

if TYPE_CHECKING:
    from bagalau.org.selectors import BodyAccess

from .models import CalendarDay
from .services import calendar_rows

MSG_BODY_NOT_FOUND = _("There is no state body with this id.")


def body_get(body_id: int | None) -> StateBody | None:
    """The body of a calendar (None: the national calendar); NotFound for an unknown id."""
    if body_id is None:
        return None
    body = StateBody.objects.filter(pk=body_id).first()
    if body is None:
        raise NotFound(MSG_BODY_NOT_FOUND, code="not_found", field="body")
    return body


def calendar_year_rows(year: int, body_id: int | None) -> list[CalendarDay]:
    """The effective rows of a year (a body row replacing the national one), by date."""
    rows = calendar_rows(body_id, date(year, 1, 1), date(year, 12, 31))
    return [rows[day] for day in sorted(rows)]


def day_name(row: CalendarDay) -> str:
    """The row's name in the active language (kk → ru → en fallback)."""
    return localized(row, "name")


def can_edit_calendar(user: Any, body: StateBody | None) -> bool:
    """Superusers edit every calendar; HR officers and heads edit their body's."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if body is None:
        return False
    return RoleAssignment.objects.filter(body=body, user=user, role__in=list(HR_ROLES)).exists()


def calendar_access(user: Any, body_id: int | None) -> BodyAccess | None:
    """The user's access to the body of a calendar (None: the national one, open to all).

    A body's calendar answers only to its members (issue 11 item 6): to everyone else,
    anonymous callers included, it is the same NotFound as an unknown id.
    """
    if body_id is None:
        return None
    from bagalau.org.selectors import access_body

    try:
        return access_body(user, body_id)
    except NotFound:
        raise NotFound(MSG_BODY_NOT_FOUND, code="not_found", field="body") from None


def calendar_body(user: Any, body_id: int | None) -> StateBody | None:
    """The body of a calendar the user may read (None: the national one); see `calendar_access`."""
    access = calendar_access(user, body_id)
    return access.body if access is not None else None
