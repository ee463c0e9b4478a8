"""Read endpoints for bodies, units, positions, servants, appointments and absences."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bagalau.api.pagination import Page, PageParams, paginate

from . import selectors
from .models import Absence, Appointment, Position, Servant, StateBody, Unit

router = Router()


class BodyOut(Schema):
    id: int
    bin: str
    name_kk: str
    name_ru: str
    name_en: str
    hr_unit_id: int | None
    strategic_planning_unit_id: int | None


class UnitOut(Schema):
    id: int
    code: str
    parent_id: int | None
    name_kk: str
    name_ru: str
    name_en: str


class PositionOut(Schema):
    id: int
    code: str
    unit_id: int
    title_kk: str
    title_ru: str
    category: str
    is_head: bool
    is_deputy_head: bool
    provides_public_services: bool


class ServantOut(Schema):
    id: int
    iin: str
    last_name_kk: str
    first_name_kk: str
    middle_name_kk: str
    last_name_ru: str
    first_name_ru: str
    middle_name_ru: str
    email: str
    language: str
    position_id: int | None = None


class AppointmentOut(Schema):
    id: int
    servant_id: int
    position_id: int
    start_date: date
    probation_end: date | None
    end_date: date | None
    end_reason: str
    supervisor_override_id: int | None


class AbsenceOut(Schema):
    id: int
    servant_id: int
    kind: str
    start_date: date
    end_date: date
    note: str


def _reader(request: HttpRequest, body_id: int) -> selectors.BodyAccess:
    access = selectors.access_body(request.user, body_id)
    selectors.require_staff_reader(access)
    return access


@router.get("/bodies", response=Page[BodyOut], summary="State bodies the caller belongs to")
def list_bodies(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return paginate(selectors.bodies_for_user(request.user).order_by("id"), params)


@router.get("/bodies/{body_id}", response=BodyOut)
def get_body(request: HttpRequest, body_id: int) -> StateBody:
    return selectors.access_body(request.user, body_id).body


@router.get("/bodies/{body_id}/units", response=Page[UnitOut])
def list_units(request: HttpRequest, body_id: int, params: Query[PageParams]) -> dict[str, Any]:
    access = _reader(request, body_id)
    return paginate(Unit.objects.filter(body=access.body).order_by("code", "id"), params)


@router.get("/bodies/{body_id}/positions", response=Page[PositionOut])
def list_positions(request: HttpRequest, body_id: int, params: Query[PageParams]) -> dict[str, Any]:
    access = _reader(request, body_id)
    qs = Position.objects.filter(body=access.body).order_by("code", "id")
    return paginate(qs, params)


def _servant_out(servant: Servant) -> Servant:
    current = getattr(servant, "current_appointments", None)
    servant.position_id = current[0].position_id if current else None  # type: ignore[attr-defined]
    return servant


@router.get("/bodies/{body_id}/servants", response=Page[ServantOut])
def list_servants(
    request: HttpRequest, body_id: int, params: Query[PageParams], q: str = ""
) -> dict[str, Any]:
    """Servants of the body with their current position (HR, authorized person)."""
    access = selectors.access_body(request.user, body_id)
    qs = selectors.servant_list(access, search=q[:100])
    page = paginate(qs, params)
    page["items"] = [_servant_out(s) for s in page["items"]]
    return page


@router.get("/servants/{servant_id}", response=ServantOut)
def get_servant(request: HttpRequest, servant_id: int) -> Servant:
    _access, servant = selectors.access_servant(request.user, servant_id)
    current = servant.appointments.filter(end_date__isnull=True).first()
    servant.position_id = current.position_id if current else None  # type: ignore[attr-defined]
    return servant


@router.get("/servants/{servant_id}/appointments", response=Page[AppointmentOut])
def list_servant_appointments(
    request: HttpRequest, servant_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    _access, servant = selectors.access_servant(request.user, servant_id)
    return paginate(servant.appointments.order_by("-start_date", "id"), params)


@router.get("/servants/{servant_id}/absences", response=Page[AbsenceOut])
def list_servant_absences(
    request: HttpRequest, servant_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    _access, servant = selectors.access_servant(request.user, servant_id)
    return paginate(servant.absences.order_by("-start_date", "id"), params)


@router.get("/bodies/{body_id}/appointments", response=Page[AppointmentOut])
def list_appointments(
    request: HttpRequest, body_id: int, params: Query[PageParams]
) -> dict[str, Any]:
    access = _reader(request, body_id)
    qs = Appointment.objects.filter(servant__body=access.body).order_by("id")
    return paginate(qs, params)


@router.get("/bodies/{body_id}/absences", response=Page[AbsenceOut])
def list_absences(request: HttpRequest, body_id: int, params: Query[PageParams]) -> dict[str, Any]:
    access = _reader(request, body_id)
    qs = Absence.objects.filter(servant__body=access.body).order_by("id")
    return paginate(qs, params)
