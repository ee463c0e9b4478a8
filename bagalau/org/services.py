"""Writes of org data. Each validates, runs in a transaction and leaves an audit record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError
from bagalau.core.models import audit

from . import rules
from .models import (
    Absence,
    ActingAssignment,
    Appointment,
    EndReason,
    Position,
    Role,
    RoleAssignment,
    Secondment,
    Servant,
    StateBody,
    Unit,
)
from .signals import staff_changed_on_commit

MSG_UNIT_OTHER_BODY = _("The unit belongs to another state body.")
MSG_UNIT_CYCLE = _("A unit cannot be placed under itself or under its own sub-unit.")
MSG_UNIT_CODE_TAKEN = _("Another unit of this body already has the code “%(value)s”.")
MSG_POSITION_CODE_TAKEN = _("Another position of this body already has the code “%(value)s”.")
MSG_HEAD_TAKEN = _("The unit already has a head position.")
MSG_HEAD_AND_DEPUTY = _("A position is either the head of its unit or a deputy head, not both.")
MSG_IIN_TAKEN = _("A servant with this IIN already exists.")
MSG_APPOINTMENT_OVERLAP = _("The servant already holds a position during these dates.")
MSG_POSITION_OCCUPIED = _("The position is held by someone else during these dates.")
MSG_END_BEFORE_START = _("The end date is before the start date.")
MSG_PROBATION_BEFORE_START = _("The end of probation is before the start date.")
MSG_ALREADY_ENDED = _("This appointment has already ended.")
MSG_ABSENCE_OVERLAP = _("The servant already has an absence during these dates.")
MSG_OTHER_BODY = _("The position belongs to another state body.")
MSG_NO_CURRENT_APPOINTMENT = _("The servant holds no position to transfer from.")
MSG_TRANSFER_DATE = _("The transfer date must be after the start of the current appointment.")


def known_categories() -> frozenset[str]:
    from bagalau.methodology.selectors import category_codes

    return category_codes()


# --- bodies and units ------------------------------------------------------------------------


@transaction.atomic
def body_save(*, actor: Any, body: StateBody | None = None, **fields: Any) -> StateBody:
    fields["bin"] = rules.validate_bin(fields.get("bin", body.bin if body else ""))
    target = body or StateBody()
    for key, value in fields.items():
        setattr(target, key, value)
    for unit_field in ("hr_unit", "strategic_planning_unit"):
        unit = getattr(target, unit_field)
        if unit is not None and target.pk and unit.body_id != target.pk:
            raise DomainError(MSG_UNIT_OTHER_BODY, code="unit_other_body", field=unit_field)
    chief = target.chief_of_staff_position
    if chief is not None and target.pk and chief.body_id != target.pk:
        raise DomainError(
            MSG_OTHER_BODY, code="position_other_body", field="chief_of_staff_position"
        )
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise DomainError(
            _("A state body with this BIN already exists."), code="bin_taken", field="bin"
        ) from None
    audit(actor=actor, action="body.saved", obj=target, body=target, data={"bin": target.bin})
    return target


@transaction.atomic
def unit_save(*, actor: Any, body: StateBody, unit: Unit | None = None, **fields: Any) -> Unit:
    target = unit or Unit(body=body)
    parent = fields.get("parent")
    if parent is not None:
        if parent.body_id != body.pk:
            raise DomainError(MSG_UNIT_OTHER_BODY, code="unit_other_body", field="parent")
        if target.pk:
            node: Unit | None = parent
            while node is not None:
                if node.pk == target.pk:
                    raise DomainError(MSG_UNIT_CYCLE, code="unit_cycle", field="parent")
                node = node.parent
    code = (fields.get("code") or "").strip()
    if Unit.objects.filter(body=body, code=code).exclude(pk=target.pk).exists():
        raise DomainError(
            MSG_UNIT_CODE_TAKEN, code="unit_code_taken", field="code", params={"value": code}
        )
    fields["code"] = code
    for key, value in fields.items():
        setattr(target, key, value)
    target.save()
    audit(actor=actor, action="unit.saved", obj=target, body=body, data={"code": code})
    return target


# --- positions ---------------------------------------------------------------------------------


@transaction.atomic
def position_save(
    *, actor: Any, body: StateBody, position: Position | None = None, **fields: Any
) -> Position:
    target = position or Position(body=body)
    fields["category"] = rules.parse_category(fields.get("category", ""), known_categories())
    unit = fields.get("unit")
    if unit is not None and unit.body_id != body.pk:
        raise DomainError(MSG_UNIT_OTHER_BODY, code="unit_other_body", field="unit")
    code = (fields.get("code") or "").strip()
    if Position.objects.filter(body=body, code=code).exclude(pk=target.pk).exists():
        raise DomainError(
            MSG_POSITION_CODE_TAKEN,
            code="position_code_taken",
            field="code",
            params={"value": code},
        )
    fields["code"] = code
    if fields.get("is_head") and fields.get("is_deputy_head"):
        raise DomainError(MSG_HEAD_AND_DEPUTY, code="head_and_deputy", field="is_deputy_head")
    if (
        fields.get("is_head")
        and unit is not None
        and Position.objects.filter(unit=unit, is_head=True).exclude(pk=target.pk).exists()
    ):
        raise DomainError(MSG_HEAD_TAKEN, code="head_taken", field="is_head")
    for key, value in fields.items():
        setattr(target, key, value)
    target.save()
    audit(actor=actor, action="position.saved", obj=target, body=body, data={"code": code})
    return target


# --- servants ----------------------------------------------------------------------------------


@transaction.atomic
def servant_save(
    *, actor: Any, body: StateBody, servant: Servant | None = None, **fields: Any
) -> Servant:
    target = servant or Servant(body=body)
    fields["iin"] = rules.validate_iin(fields.get("iin", target.iin))
    if Servant.objects.filter(iin=fields["iin"]).exclude(pk=target.pk).exists():
        raise DomainError(MSG_IIN_TAKEN, code="iin_taken", field="iin")
    for key, value in fields.items():
        setattr(target, key, value)
    target.save()
    audit(actor=actor, action="servant.saved", obj=target, body=body)
    return target


def _check_appointment(
    *,
    servant: Servant,
    position: Position,
    start: date,
    end: date | None,
    probation_end: date | None,
    exclude_id: int | None = None,
) -> None:
    if end is not None and end < start:
        raise DomainError(MSG_END_BEFORE_START, code="end_before_start", field="end_date")
    if probation_end is not None and probation_end < start:
        raise DomainError(
            MSG_PROBATION_BEFORE_START, code="probation_before_start", field="probation_end"
        )
    overlap = Q(start_date__lte=end) if end is not None else Q()
    overlap &= Q(end_date__isnull=True) | Q(end_date__gte=start)
    mine = Appointment.objects.filter(overlap, servant=servant)
    theirs = Appointment.objects.filter(overlap, position=position)
    if exclude_id is not None:
        mine, theirs = mine.exclude(pk=exclude_id), theirs.exclude(pk=exclude_id)
    if mine.exists():
        raise DomainError(MSG_APPOINTMENT_OVERLAP, code="appointment_overlap", field="start_date")
    if theirs.exists():
        raise DomainError(MSG_POSITION_OCCUPIED, code="position_occupied", field="position")


@transaction.atomic
def appointment_create(
    *,
    actor: Any,
    servant: Servant,
    position: Position,
    start_date: date,
    probation_end: date | None = None,
    end_date: date | None = None,
    end_reason: str = "",
    supervisor_override: Position | None = None,
) -> Appointment:
    """Тағайындау: put a servant in a position from a date (history kept, no overlaps)."""
    Servant.objects.select_for_update().filter(pk=servant.pk).first()
    if position.body_id != servant.body_id:
        raise DomainError(MSG_OTHER_BODY, code="position_other_body", field="position")
    if supervisor_override is not None and supervisor_override.body_id != servant.body_id:
        raise DomainError(MSG_OTHER_BODY, code="position_other_body", field="supervisor_override")
    _check_appointment(
        servant=servant,
        position=position,
        start=start_date,
        end=end_date,
        probation_end=probation_end,
    )
    appointment = Appointment.objects.create(
        servant=servant,
        position=position,
        start_date=start_date,
        probation_end=probation_end,
        end_date=end_date,
        end_reason=end_reason if end_date else "",
        supervisor_override=supervisor_override,
    )
    staff_changed_on_commit(servant.body_id, [servant.pk])
    audit(
        actor=actor,
        action="appointment.created",
        obj=appointment,
        body=servant.body,
        data={"position": position.code, "start": start_date.isoformat()},
    )
    return appointment


@transaction.atomic
def appointment_end(
    *, actor: Any, appointment: Appointment, end_date: date, reason: str
) -> Appointment:
    """Close an appointment (dismissal, transfer); the row stays as history."""
    locked = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if locked.end_date is not None:
        raise Conflict(MSG_ALREADY_ENDED, code="already_ended", field="end_date")
    if end_date < locked.start_date:
        raise DomainError(MSG_END_BEFORE_START, code="end_before_start", field="end_date")
    if reason not in EndReason.values:
        raise DomainError(_("Choose an end reason."), code="end_reason", field="end_reason")
    locked.end_date, locked.end_reason = end_date, reason
    locked.save(update_fields=["end_date", "end_reason"])
    staff_changed_on_commit(locked.servant.body_id, [locked.servant_id])
    audit(
        actor=actor,
        action="appointment.ended",
        obj=locked,
        body=locked.position.body,
        data={"end": end_date.isoformat(), "reason": reason},
    )
    return locked


@transaction.atomic
def servant_transfer(
    *,
    actor: Any,
    servant: Servant,
    position: Position,
    start_date: date,
    probation_end: date | None = None,
) -> Appointment:
    """Move a servant: close the current appointment the day before, open the new one."""
    current = (
        Appointment.objects.select_for_update()
        .filter(servant=servant, end_date__isnull=True)
        .first()
    )
    if current is None:
        raise DomainError(MSG_NO_CURRENT_APPOINTMENT, code="no_appointment", field="position")
    if start_date <= current.start_date:
        raise DomainError(MSG_TRANSFER_DATE, code="transfer_date", field="start_date")
    appointment_end(
        actor=actor,
        appointment=current,
        end_date=start_date - timedelta(days=1),
        reason=EndReason.TRANSFER,
    )
    return appointment_create(
        actor=actor,
        servant=servant,
        position=position,
        start_date=start_date,
        probation_end=probation_end,
    )


# --- acting ------------------------------------------------------------------------------------


@transaction.atomic
def acting_assign(
    *,
    actor: Any,
    servant: Servant,
    position: Position,
    start_date: date,
    end_date: date,
    order: str = "",
) -> ActingAssignment:
    """Міндетін атқарушы: the servant stands in for the holder of `position` for a time."""
    if end_date < start_date:
        raise DomainError(MSG_END_BEFORE_START, code="end_before_start", field="end_date")
    if position.body_id != servant.body_id:
        raise DomainError(MSG_OTHER_BODY, code="position_other_body", field="position")
    if ActingAssignment.objects.filter(
        position=position, start_date__lte=end_date, end_date__gte=start_date
    ).exists():
        raise DomainError(
            _("Someone already acts for this position during these dates."),
            code="acting_overlap",
            field="start_date",
        )
    acting = ActingAssignment.objects.create(
        position=position, servant=servant, start_date=start_date, end_date=end_date, order=order
    )
    staff_changed_on_commit(
        servant.body_id, list(servant.body.servants.values_list("pk", flat=True))
    )
    audit(
        actor=actor,
        action="acting.assigned",
        obj=acting,
        body=servant.body,
        data={
            "position": position.code,
            "start": start_date.isoformat(),
            "end": end_date.isoformat(),
        },
    )
    return acting


# --- secondment -------------------------------------------------------------------------------

MSG_SECONDMENT_SAME_BODY = _("A secondment is to another state body.")
MSG_SECONDMENT_OVERLAP = _("The servant is already seconded during these dates.")


@transaction.atomic
def secondment_save(
    *,
    actor: Any,
    servant: Servant,
    host_position: Position,
    start_date: date,
    end_date: date,
    order: str = "",
) -> Secondment:
    """Second a servant to another body: it evaluates them for the period (2025 model, §4a)."""
    if end_date < start_date:
        raise DomainError(MSG_END_BEFORE_START, code="end_before_start", field="end_date")
    if host_position.body_id == servant.body_id:
        raise DomainError(MSG_SECONDMENT_SAME_BODY, code="same_body", field="host_position")
    if Secondment.objects.filter(
        servant=servant, start_date__lte=end_date, end_date__gte=start_date
    ).exists():
        raise DomainError(MSG_SECONDMENT_OVERLAP, code="secondment_overlap", field="start_date")
    secondment = Secondment.objects.create(
        servant=servant, host_body_id=host_position.body_id, host_position=host_position,
        start_date=start_date, end_date=end_date, order=order,
    )  # fmt: skip
    staff_changed_on_commit(servant.body_id, [servant.pk])
    staff_changed_on_commit(host_position.body_id, [servant.pk])
    audit(
        actor=actor,
        action="secondment.saved",
        obj=secondment,
        body=servant.body,
        data={
            "host": host_position.body_id,
            "start": start_date.isoformat(),
            "end": end_date.isoformat(),
        },
    )
    return secondment


# --- absences ----------------------------------------------------------------------------------


@transaction.atomic
def absence_save(
    *,
    actor: Any,
    servant: Servant,
    kind: str,
    start_date: date,
    end_date: date,
    note: str = "",
    absence: Absence | None = None,
) -> Absence:
    if end_date < start_date:
        raise DomainError(MSG_END_BEFORE_START, code="end_before_start", field="end_date")
    Servant.objects.select_for_update().filter(pk=servant.pk).first()
    clash = Absence.objects.filter(
        servant=servant, start_date__lte=end_date, end_date__gte=start_date
    )
    if absence is not None:
        clash = clash.exclude(pk=absence.pk)
    if clash.exists():
        raise DomainError(MSG_ABSENCE_OVERLAP, code="absence_overlap", field="start_date")
    target = absence or Absence(servant=servant)
    target.kind, target.start_date, target.end_date, target.note = kind, start_date, end_date, note
    target.save()
    staff_changed_on_commit(servant.body_id, [servant.pk])
    audit(
        actor=actor,
        action="absence.saved",
        obj=target,
        body=servant.body,
        data={"kind": kind, "start": start_date.isoformat(), "end": end_date.isoformat()},
    )
    return target


@transaction.atomic
def absence_delete(*, actor: Any, absence: Absence) -> None:
    body = absence.servant.body
    staff_changed_on_commit(body.pk, [absence.servant_id])
    audit(actor=actor, action="absence.deleted", obj=absence, body=body)
    absence.delete()


# --- roles ---------------------------------------------------------------------------------------


@transaction.atomic
def role_assign(*, actor: Any, body: StateBody, user: Any, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(_("Unknown role."), code="role_unknown", field="role")
    assignment, _created = RoleAssignment.objects.get_or_create(body=body, user=user, role=role)
    audit(actor=actor, action="role.assigned", obj=assignment, body=body, data={"role": role})
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    audit(
        actor=actor,
        action="role.revoked",
        obj=assignment,
        body=assignment.body,
        data={"role": assignment.role, "user": assignment.user_id},
    )
    assignment.delete()
