"""Writing a validated workbook: bulk upserts in one transaction, and the public entry point."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from bagalau.core.models import audit

from ..models import Absence, Appointment, Position, Servant, StateBody, Unit
from ..signals import staff_changed_on_commit
from .errors import CellError, ImportRejected, Limits
from .reading import read_workbook
from .template import SHEETS
from .validation import Validator

MSG_WRITE_FAILED = _(
    "The data conflicts with changes saved meanwhile; nothing was imported. Please try again."
)

BATCH_SIZE = 500


@dataclass
class ImportReport:
    """How many rows of each sheet were created, updated or found unchanged."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {
            sheet: {"created": 0, "updated": 0, "unchanged": 0} for sheet in SHEETS
        }
    )

    @property
    def created(self) -> dict[str, int]:
        return {sheet: c["created"] for sheet, c in self.counts.items()}

    @property
    def updated(self) -> dict[str, int]:
        return {sheet: c["updated"] for sheet, c in self.counts.items()}


_M = TypeVar("_M", bound=models.Model)


def _apply(obj: models.Model, fields: dict[str, Any]) -> bool:
    """Set the fields on obj; whether any value changed."""
    changed = False
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _save(
    model: type[_M],
    new: list[_M],
    changed: Iterable[_M],
    fields: Sequence[str],
) -> None:
    changed = list(changed)
    if changed and fields:
        model._default_manager.bulk_update(changed, list(fields), batch_size=BATCH_SIZE)
    if new:
        model._default_manager.bulk_create(new, batch_size=BATCH_SIZE)


def _field_names(rows: Iterable[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for fields in rows:
        names.update(dict.fromkeys(k for k in fields if not k.startswith("_")))
    return list(names)


class _Writer:
    def __init__(self, validator: Validator, report: ImportReport) -> None:
        self.v = validator
        self.plan = validator.plan
        self.body = validator.body
        self.report = report

    def count(self, sheet: str, created: int, updated: int, total: int) -> None:
        self.report.counts[sheet] = {
            "created": created,
            "updated": updated,
            "unchanged": total - created - updated,
        }

    def units(self) -> dict[str, Unit]:
        units = self.v.units
        new, changed = [], set()
        for code, (names, _parent) in self.plan.units.items():
            unit = units.get(code)
            if unit is None:
                new.append(Unit(body=self.body, code=code, **names))
            elif _apply(unit, names):
                changed.add(code)
        fields = _field_names(names for names, _parent in self.plan.units.values())
        _save(Unit, new, (units[c] for c in changed), fields)
        if new:
            units = {u.code: u for u in Unit.objects.filter(body=self.body)}
        moved = []
        for code, (_names, parent) in self.plan.units.items():
            if parent is None:
                continue
            unit = units[code]
            parent_id = units[parent].pk if parent else None
            if unit.parent_id != parent_id:
                unit.parent_id = parent_id
                moved.append(unit)
                if code in self.v.units:
                    changed.add(code)
        if moved:
            Unit.objects.bulk_update(moved, ["parent"], batch_size=BATCH_SIZE)
        self.count("units", len(new), len(changed), len(self.plan.units))
        return units

    def positions(self, units: dict[str, Unit]) -> dict[str, Position]:
        positions = self.v.positions
        new: list[Position] = []
        losing_head: list[Position] = []
        changed: list[Position] = []
        for code, plan in self.plan.positions.items():
            fields = {k: v for k, v in plan.items() if k != "unit_code"}
            fields["unit_id"] = units[plan["unit_code"]].pk
            position = positions.get(code)
            if position is None:
                new.append(Position(body=self.body, code=code, **fields))
                continue
            was_head = position.is_head
            if _apply(position, fields):
                # a head that stops heading is saved first: one head per unit at all times
                (losing_head if was_head and not position.is_head else changed).append(position)
        names = _field_names(self.plan.positions.values())
        names = ["unit" if n == "unit_code" else n for n in names]
        if losing_head:
            Position.objects.bulk_update(losing_head, names, batch_size=BATCH_SIZE)
        _save(Position, new, changed, names)
        self.count("positions", len(new), len(losing_head) + len(changed), len(self.plan.positions))
        if new:
            positions = {p.code: p for p in Position.objects.filter(body=self.body)}
        return positions

    def servants(self) -> dict[str, Servant]:
        servants = self.v.servants
        new, changed = [], []
        for iin, plan in self.plan.servants.items():
            fields = {k: v for k, v in plan.items() if not k.startswith("_")}
            servant = servants.get(iin)
            if servant is None:
                new.append(Servant(body=self.body, iin=iin, **fields))
            elif _apply(servant, fields):
                changed.append(servant)
        _save(Servant, new, changed, _field_names(self.plan.servants.values()))
        self.count("servants", len(new), len(changed), len(self.plan.servants))
        if new:
            servants = {s.iin: s for s in Servant.objects.filter(body=self.body)}
        return servants

    def appointments(self, positions: dict[str, Position], servants: dict[str, Servant]) -> None:
        existing = self.v.appointment_keys
        new: list[Appointment] = []
        closing: list[Appointment] = []
        changed: list[Appointment] = []
        for key, plan in self.plan.appointments.items():
            iin, code, start = key
            fields = {k: v for k, v in plan.items() if k != "supervisor_position_code"}
            if "supervisor_position_code" in plan:
                supervisor = plan["supervisor_position_code"]
                fields["supervisor_override_id"] = positions[supervisor].pk if supervisor else None
            appointment = existing.get(key)
            if appointment is None:
                new.append(
                    Appointment(
                        servant_id=servants[iin].pk,
                        position_id=positions[code].pk,
                        start_date=start,
                        **fields,
                    )
                )
                continue
            was_open = appointment.end_date is None
            if _apply(appointment, fields):
                # closings first: one open appointment per servant and per position at all times
                (closing if was_open and appointment.end_date else changed).append(appointment)
        names = _field_names(self.plan.appointments.values())
        names = ["supervisor_override" if n == "supervisor_position_code" else n for n in names]
        if closing:
            Appointment.objects.bulk_update(closing, names, batch_size=BATCH_SIZE)
        _save(Appointment, new, changed, names)
        self.count(
            "appointments", len(new), len(closing) + len(changed), len(self.plan.appointments)
        )

    def absences(self, servants: dict[str, Servant]) -> None:
        existing = {(self.v.absence_iins[a.pk], a.kind, a.start_date): a for a in self.v.absences}
        new, changed = [], []
        for (iin, kind, start), fields in self.plan.absences.items():
            absence = existing.get((iin, kind, start))
            if absence is None:
                new.append(
                    Absence(servant_id=servants[iin].pk, kind=kind, start_date=start, **fields)
                )
            elif _apply(absence, fields):
                changed.append(absence)
        _save(Absence, new, changed, _field_names(self.plan.absences.values()))
        self.count("absences", len(new), len(changed), len(self.plan.absences))

    def run(self) -> None:
        units = self.units()
        positions = self.positions(units)
        servants = self.servants()
        self.appointments(positions, servants)
        self.absences(servants)


def import_workbook(*, actor: Any, body: StateBody, data: bytes | IO[bytes]) -> ImportReport:
    """Import a body's units, positions, servants, appointments and absences from a workbook.

    All or nothing: raises ImportRejected listing the first bad cells (BAGALAU_IMPORT_MAX_ERRORS)
    and counting them all, with the database unchanged. A file larger than the limits
    (BAGALAU_IMPORT_MAX_BYTES, BAGALAU_IMPORT_MAX_UNPACKED_BYTES, BAGALAU_IMPORT_MAX_ROWS per
    sheet) is refused before its rows are read.
    Upserts by code (units, positions), IIN (servants), (IIN, position code, start date)
    (appointments) and (IIN, kind, start date) (absences); rows in the database that are not
    in the workbook are left alone. Queries do not grow with the number of rows beyond the
    batching of bulk writes.
    """
    limits = Limits.from_settings()
    sheets, errors = read_workbook(data, limits)
    if errors:
        raise ImportRejected(errors[: limits.max_errors], total=len(errors))
    validator = Validator(body, sheets, limits.max_errors)
    validator.run()
    if validator.errors:
        raise validator.errors.rejection()
    report = ImportReport()
    try:
        with transaction.atomic():
            _Writer(validator, report).run()
            audit(actor=actor, action="org.imported", obj=body, body=body, data=report.counts)
            # Approved evaluation schedules follow the new appointments and absences.
            staff_changed_on_commit(body.pk, list(body.servants.values_list("pk", flat=True)))
    except IntegrityError:
        raise ImportRejected([CellError("", 0, "", str(MSG_WRITE_FAILED))]) from None
    return report
