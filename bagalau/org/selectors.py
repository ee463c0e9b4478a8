"""Reads of org data and the access helpers shared by HTML views and the API.

Strangers (no tie to the body) get NotFound (404); people of the body without the right
get PermissionDenied (403).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import NotFound, PermissionDenied

from . import rules
from .models import (
    HR_ROLES,
    Absence,
    Appointment,
    Position,
    Role,
    RoleAssignment,
    Servant,
    StateBody,
    Unit,
)

MSG_NOT_FOUND = _("Not found.")
MSG_FORBIDDEN = _("You do not have access to this.")

# Roles that may read the whole structure and staff of their body.
BODY_READERS = frozenset({*HR_ROLES, Role.AUTHORIZED_PERSON})


@dataclass
class BodyAccess:
    """What one user may do in one body."""

    body: StateBody
    roles: frozenset[str] = frozenset()
    servant: Servant | None = None
    superuser: bool = False
    subordinate_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_hr(self) -> bool:
        return self.superuser or bool(self.roles & HR_ROLES)

    @property
    def can_read_staff(self) -> bool:
        return self.superuser or bool(self.roles & BODY_READERS)

    @property
    def can_edit(self) -> bool:
        return self.is_hr

    @property
    def is_member(self) -> bool:
        return self.superuser or bool(self.roles) or self.servant is not None

    def can_see_servant(self, servant_id: int) -> bool:
        if self.can_read_staff:
            return True
        if self.servant is not None and self.servant.pk == servant_id:
            return True
        return servant_id in self.subordinate_ids


def bodies_for_user(user: Any) -> QuerySet[StateBody]:
    """The bodies the user has a role in or serves in (all of them for a superuser).

    Two indexed subqueries (RoleAssignment.user, Servant.user), not joins with an OR: the
    joins made PostgreSQL scan the whole servant table (25-38 ms at 100,000 servants);
    as `pk__in` subqueries it is an index lookup (~1 ms), and needs no DISTINCT.
    """
    if user.is_superuser:
        return StateBody.objects.all()
    return StateBody.objects.filter(
        Q(pk__in=RoleAssignment.objects.filter(user=user).values("body_id"))
        | Q(pk__in=Servant.objects.filter(user=user).values("body_id"))
    )


REQUEST_BODIES_ATTR = "_bagalau_bodies"


def request_bodies(request: Any) -> list[StateBody]:
    """`bodies_for_user` for the request's user, computed once per request.

    The dashboard and the top menu (the `navigation` context processor) both need it;
    the list is kept on the request so one page runs the query once.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    cached: list[StateBody] | None = getattr(request, REQUEST_BODIES_ATTR, None)
    if cached is None:
        cached = list(bodies_for_user(user))
        setattr(request, REQUEST_BODIES_ATTR, cached)
    return cached


def access_body(user: Any, body_id: int, *, for_write: bool = False) -> BodyAccess:
    """The user's access to a body: NotFound for strangers, PermissionDenied for writes."""
    if not getattr(user, "is_authenticated", False):
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    body = StateBody.objects.filter(pk=body_id).first()
    if body is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    roles = frozenset(
        RoleAssignment.objects.filter(body=body, user=user).values_list("role", flat=True)
    )
    servant = Servant.objects.filter(body=body, user=user).first()
    access = BodyAccess(body=body, roles=roles, servant=servant, superuser=user.is_superuser)
    if not access.is_member:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    if for_write and not access.can_edit:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    if servant is not None and not access.can_read_staff:
        access.subordinate_ids = frozenset(
            subordinate_ids(body.pk, servant.pk, timezone.localdate())
        )
    return access


def require_staff_reader(access: BodyAccess) -> None:
    if not access.can_read_staff:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")


# --- structure and supervisors --------------------------------------------------------------


def unit_nodes(body_id: int) -> dict[int, rules.UnitNode]:
    """The body's unit tree with each unit's head position (two queries)."""
    heads = dict(
        Position.objects.filter(body_id=body_id, is_head=True).values_list("unit_id", "id")
    )
    return {
        uid: rules.UnitNode(id=uid, parent_id=parent, head_position_id=heads.get(uid))
        for uid, parent in Unit.objects.filter(body_id=body_id).values_list("id", "parent_id")
    }


def holders_on(body_id: int, day: date) -> dict[int, int]:
    """position id → servant id of the appointments active on `day` (one query)."""
    rows = Appointment.objects.filter(position__body_id=body_id, start_date__lte=day).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=day)
    )
    return dict(rows.values_list("position_id", "servant_id"))


@dataclass(frozen=True)
class Chain:
    """The derived roles around one servant on a date (none are stored)."""

    direct_supervisor_id: int | None
    superior_id: int | None
    first_head_id: int | None


class OrgSnapshot:
    """The body's structure and holders on a date, loaded once, asked many times."""

    def __init__(self, body_id: int, day: date) -> None:
        self.day = day
        self.units = unit_nodes(body_id)
        self.holders = holders_on(body_id, day)
        self.positions = {
            p["id"]: p
            for p in Position.objects.filter(body_id=body_id).values("id", "unit_id", "is_head")
        }
        self.current: dict[int, tuple[int, int | None]] = {}
        rows = Appointment.objects.filter(position__body_id=body_id, start_date__lte=day).filter(
            Q(end_date__isnull=True) | Q(end_date__gte=day)
        )
        for servant_id, position_id, override in rows.values_list(
            "servant_id", "position_id", "supervisor_override_id"
        ):
            self.current[servant_id] = (position_id, override)

    def _holder_of_chain(self, chain: list[int]) -> int | None:
        for position_id in chain:
            holder = self.holders.get(position_id)
            if holder is not None:
                return holder
        return None

    def supervisor_of(self, servant_id: int) -> int | None:
        entry = self.current.get(servant_id)
        if entry is None:
            return None
        position_id, override = entry
        position = self.positions[position_id]
        chain = rules.supervisor_chain(
            position_id, position["unit_id"], position["is_head"], self.units, override
        )
        holder = self._holder_of_chain(chain)
        return holder if holder != servant_id else None

    def supervisor_of_position(self, position_id: int, servant_id: int | None = None) -> int | None:
        """The holder who supervises a position (e.g. a seconded servant's host position)."""
        position = self.positions.get(position_id)
        if position is None:
            return None
        chain = rules.supervisor_chain(
            position_id, position["unit_id"], position["is_head"], self.units
        )
        holder = self._holder_of_chain(chain)
        return holder if holder != servant_id else None

    def chain_of(self, servant_id: int) -> Chain:
        direct = self.supervisor_of(servant_id)
        superior = self.supervisor_of(direct) if direct is not None else None
        first_position = rules.first_head_position(self.units)
        first_head = self.holders.get(first_position) if first_position else None
        return Chain(direct, superior, first_head)


def subordinate_ids(body_id: int, supervisor_id: int, day: date) -> list[int]:
    snapshot = OrgSnapshot(body_id, day)
    return [sid for sid in snapshot.current if snapshot.supervisor_of(sid) == supervisor_id]


# --- lists ------------------------------------------------------------------------------------


def current_appointments_prefetch(day: date) -> Prefetch[Any]:
    return Prefetch(
        "appointments",
        queryset=Appointment.objects.filter(start_date__lte=day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=day))
        .select_related("position__unit"),
        to_attr="current_appointments",
    )


def servants_matching(qs: QuerySet[Servant], search: str) -> QuerySet[Servant]:
    """The servants whose IIN or any name contains every word of `search`, whatever the case.

    Matched on the folded `search_key` (rules.search_fold), the same on SQLite and PostgreSQL:
    "ермек", "ЕРМЕК" and "Ермек" find the same people, and so do "әлия" and "ӘЛИЯ".
    """
    for term in rules.search_terms(search):
        qs = qs.filter(search_key__contains=term)
    return qs


def servant_list(
    access: BodyAccess, *, search: str = "", unit_id: int | None = None, day: date | None = None
) -> QuerySet[Servant]:
    """The servants the user may see in the body, with their current appointment prefetched."""
    day = day or timezone.localdate()
    qs: QuerySet[Servant] = Servant.objects.filter(body=access.body)
    if not access.can_read_staff:
        visible = set(access.subordinate_ids)
        if access.servant is not None:
            visible.add(access.servant.pk)
        qs = qs.filter(pk__in=visible)
    qs = servants_matching(qs, search)
    if unit_id:
        qs = qs.filter(
            Q(appointments__position__unit_id=unit_id)
            & Q(appointments__start_date__lte=day)
            & (Q(appointments__end_date__isnull=True) | Q(appointments__end_date__gte=day))
        ).distinct()
    return qs.order_by("last_name_kk", "first_name_kk", "id").prefetch_related(
        current_appointments_prefetch(day)
    )


def access_servant(user: Any, servant_id: int) -> tuple[BodyAccess, Servant]:
    servant = Servant.objects.filter(pk=servant_id).select_related("body").first()
    if servant is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    access = access_body(user, servant.body_id)
    if not access.can_see_servant(servant.pk):
        # A colleague's record is hidden as if it did not exist (002 p16, p21).
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return access, servant


def servant_detail(servant: Servant) -> dict[str, Any]:
    appointments = list(
        servant.appointments.select_related("position__unit", "supervisor_override").order_by(
            "-start_date"
        )
    )
    absences = list(Absence.objects.filter(servant=servant).order_by("-start_date"))
    acting = list(servant.acting_for.select_related("position__unit").order_by("-start_date"))
    secondments = list(
        servant.secondments.select_related("host_body", "host_position").order_by("-start_date")
    )
    return {
        "appointments": appointments,
        "absences": absences,
        "acting": acting,
        "secondments": secondments,
    }


def unit_tree(body_id: int) -> list[tuple[Unit, int]]:
    """Units in tree order with their depth (one query)."""
    units = list(Unit.objects.filter(body_id=body_id).order_by("code"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for unit in children.get(parent, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered
