"""Writes of org data. Each validates, runs in a transaction and leaves an audit record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import Conflict, DomainError, NotFound
from bagalau.core.models import audit

from . import notices, rules
from .models import (
    HR_ROLES,
    Absence,
    ActingAssignment,
    Appointment,
    EndReason,
    Position,
    Role,
    RoleAssignment,
    Secondment,
    SecondmentStatus,
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
MSG_SECONDMENT_POSITION = _("Choose a position of your body.")
MSG_SECONDMENT_GONE = _("Not found.")


def _is_hr(actor: Any, body_id: int | None) -> bool:
    if body_id is None or not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    return RoleAssignment.objects.filter(
        body_id=body_id, user=actor, role__in=list(HR_ROLES)
    ).exists()


def secondment_host(secondment: Secondment) -> StateBody | None:
    """The host body: the one recorded, or the one that now has the typed BIN."""
    if secondment.host_body_id is not None:
        return secondment.host_body
    return (
        StateBody.objects.filter(bin=secondment.host_bin).first() if secondment.host_bin else None
    )


def secondment_roles(actor: Any, secondment: Secondment) -> set[str]:
    """HOME_HR for the servant's body's HR; HOST_HR for the host's (never the proposer)."""
    roles: set[str] = set()
    if _is_hr(actor, secondment.servant.body_id):
        roles.add(rules.HOME_HR)
    host = secondment_host(secondment)
    if (
        host is not None
        and host.pk != secondment.servant.body_id
        and _is_hr(actor, host.pk)
        and not (secondment.proposed_by_id and secondment.proposed_by_id == actor.pk)
    ):
        roles.add(rules.HOST_HR)
    return roles


@transaction.atomic
def secondment_propose(
    *,
    actor: Any,
    servant: Servant,
    host_bin: str,
    host_position_code: str,
    start_date: date,
    end_date: date,
    order: str = "",
) -> Secondment:
    """The home body's HR proposes to second a servant to another body (2025 model, §4a).

    Whatever BIN and code are typed, the same proposal is recorded and the same answer
    given: the home body learns nothing about another body's positions until its HR
    accepts. The host's HR is notified when the BIN is a body's.
    """
    if end_date < start_date:
        raise DomainError(MSG_END_BEFORE_START, code="end_before_start", field="end_date")
    try:
        bin_ = rules.validate_bin(host_bin)
    except DomainError as exc:
        raise DomainError(exc.message, code=exc.code, field="host_bin") from None
    code = host_position_code.strip()
    locked = Servant.objects.select_for_update().select_related("body").get(pk=servant.pk)
    if bin_ == locked.body.bin:
        raise DomainError(MSG_SECONDMENT_SAME_BODY, code="same_body", field="host_bin")
    if (
        Secondment.objects.open()
        .filter(servant=locked, start_date__lte=end_date, end_date__gte=start_date)
        .exists()
    ):
        raise DomainError(MSG_SECONDMENT_OVERLAP, code="secondment_overlap", field="start_date")
    secondment = Secondment.objects.create(
        servant=locked, status=SecondmentStatus.PROPOSED, host_bin=bin_, host_position_code=code,
        host_body=StateBody.objects.filter(bin=bin_).first(), start_date=start_date,
        end_date=end_date, order=order,
        proposed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit(
        actor=actor,
        action="secondment.proposed",
        obj=secondment,
        body=locked.body,
        data={
            "host_bin": bin_,
            "host_position_code": code,
            "start": start_date.isoformat(),
            "end": end_date.isoformat(),
        },
    )
    notices.proposed(secondment)
    return secondment


@transaction.atomic
def secondment_transition(
    *,
    actor: Any,
    secondment_id: int,
    action: str,
    host_position: Position | None = None,
    reason: str = "",
) -> Secondment:
    """Accept or decline (the host's HR) or withdraw (the home body's HR) a proposal.

    Strangers to both bodies get NotFound; the role is checked before the state
    (rules.check_secondment_transition). Accepting puts the servant into the host's open
    schedules and takes them out of the home body's (staff_changed for both bodies).
    """
    row = (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("servant__body", "host_body")
        .filter(pk=secondment_id)
        .first()
    )
    if row is None:
        raise NotFound(MSG_SECONDMENT_GONE, code="not_found")
    roles = secondment_roles(actor, row)
    if not roles:
        raise NotFound(MSG_SECONDMENT_GONE, code="not_found")
    transition = rules.check_secondment_transition(
        action, row.status, roles, reason=reason, state_label=str(row.get_status_display())
    )
    host = secondment_host(row)
    if action == "accept":
        if host is None or host_position is None or host_position.body_id != host.pk:
            raise DomainError(MSG_SECONDMENT_POSITION, code="invalid", field="host_position")
        if (
            Secondment.objects.in_effect()
            .filter(servant_id=row.servant_id, start_date__lte=row.end_date)
            .filter(end_date__gte=row.start_date)
            .exclude(pk=row.pk)
            .exists()
        ):
            raise Conflict(MSG_SECONDMENT_OVERLAP, code="secondment_overlap", field="start_date")
        row.host_body, row.host_position = host, host_position
    row.status = transition.target
    row.reason = reason.strip()[:500]
    row.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    row.decided_at = timezone.now()
    row.save()
    data: dict[str, Any] = {"from": "proposed", "to": row.status}
    if row.reason:
        data["reason"] = row.reason
    if action == "accept" and host_position is not None:
        data["host_position"] = host_position.code
    audit(
        actor=actor,
        action=f"secondment.{row.status}",
        obj=row,
        body=row.servant.body if action == "withdraw" else host,
        data=data,
    )
    if action == "accept" and host is not None:
        staff_changed_on_commit(row.servant.body_id, [row.servant_id])
        staff_changed_on_commit(host.pk, [row.servant_id])
    notices.decided(row)
    return row


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
