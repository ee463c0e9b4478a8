"""Validation of a workbook's rows, across sheets and against the body's current data.

Every bad cell is recorded once (sheet, row, column key, Excel cell, translated message); all
are counted, the first BAGALAU_IMPORT_MAX_ERRORS are kept. The result is an ``ImportPlan``:
what to write, keyed as the upsert matches rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

from .. import rules, services
from ..models import Absence, AbsenceKind, Appointment, Position, Servant, StateBody, Unit
from .errors import CellError, CellErrors
from .reading import Row, cell_text, iin_text, parse_bool, parse_date
from .template import COLUMNS, SHEETS

MSG_REQUIRED = _("This cell must be filled in.")
MSG_TOO_LONG = _("The text is longer than %(max)s characters.")
MSG_BAD_DATE = _("“%(value)s” is not a date: write YYYY-MM-DD or DD.MM.YYYY.")
MSG_BAD_BOOL = _("“%(value)s” is not yes or no: write 1 or 0.")
MSG_BAD_CHOICE = _("“%(value)s” is not one of: %(choices)s.")
MSG_BAD_EMAIL = _("“%(value)s” is not a valid email address.")
MSG_DUPLICATE_CODE = _("The code “%(value)s” is already used on row %(row)s.")
MSG_UNKNOWN_UNIT = _("There is no unit with the code “%(value)s” in the workbook or the body.")
MSG_UNKNOWN_POSITION = _(
    "There is no position with the code “%(value)s” in the workbook or the body."
)
MSG_TWO_HEADS = _("The unit “%(unit)s” already has a head position: “%(other)s”.")
MSG_DUPLICATE_IIN = _("This IIN is already on row %(row)s.")
MSG_IIN_OTHER_BODY = _("A servant with this IIN belongs to another state body.")
MSG_UNKNOWN_SERVANT = _("There is no servant with this IIN in the workbook or the body.")
MSG_DUPLICATE_APPOINTMENT = _(
    "The same appointment (IIN, position, start date) is already on row %(row)s."
)
MSG_APPOINTMENT_OVERLAP_ROW = _(
    "The servant already holds a position during these dates (row %(row)s)."
)
MSG_APPOINTMENT_OVERLAP_DB = _(
    "The servant already holds the position “%(position)s” from %(start)s during these dates."
)
MSG_POSITION_OCCUPIED_ROW = _(
    "The position is held by someone else during these dates (row %(row)s)."
)
MSG_POSITION_OCCUPIED_DB = _(
    "The position is held by the servant with IIN %(iin)s from %(start)s during these dates."
)
MSG_DUPLICATE_ABSENCE = _("The same absence (IIN, kind, start date) is already on row %(row)s.")
MSG_ABSENCE_OVERLAP_ROW = _("The servant is already absent during these dates (row %(row)s).")
MSG_ABSENCE_OVERLAP_DB = _("The servant is already absent from %(start)s to %(end)s.")
_IIN_QUERY_CHUNK = 900  # below SQLite's default limit of 999 parameters


@dataclass
class _Span:
    """A date range of one servant or position: from a workbook row, or from the database."""

    start: date
    end: date | None
    owner: str  # the servant's IIN
    row: Row | None = None
    description: dict[str, str] = field(default_factory=dict)  # a database row's params


@dataclass
class ImportPlan:
    """Validated rows: what to write, keyed as the upsert matches them."""

    units: dict[str, tuple[dict[str, Any], str | None]] = field(default_factory=dict)
    positions: dict[str, dict[str, Any]] = field(default_factory=dict)
    servants: dict[str, dict[str, Any]] = field(default_factory=dict)
    appointments: dict[tuple[str, str, date], dict[str, Any]] = field(default_factory=dict)
    absences: dict[tuple[str, str, date], dict[str, Any]] = field(default_factory=dict)


_Key = TypeVar("_Key")


class Validator:
    """Checks every row of every sheet against each other and the body's current data."""

    def __init__(self, body: StateBody, sheets: dict[str, list[Row]], max_errors: int) -> None:
        self.body = body
        self.sheets = sheets
        self.errors = CellErrors(keep=max_errors)
        self.plan = ImportPlan()
        # the body's current data: a handful of queries, whatever the size of the workbook
        self.units = {u.code: u for u in Unit.objects.filter(body=body)}
        unit_codes = {u.pk: u.code for u in self.units.values()}
        self.positions = {p.code: p for p in Position.objects.filter(body=body)}
        self.position_units = {code: unit_codes[p.unit_id] for code, p in self.positions.items()}
        self.servants = {s.iin: s for s in Servant.objects.filter(body=body)}
        iins = {s.pk: s.iin for s in self.servants.values()}
        self.appointments = list(
            Appointment.objects.filter(Q(servant__body=body) | Q(position__body=body)).annotate(
                servant_iin=F("servant__iin"), position_code=F("position__code")
            )
        )
        self.appointment_keys = {
            (a.servant_iin, a.position_code, a.start_date): a for a in self.appointments
        }
        self.absences = list(Absence.objects.filter(servant__body=body))
        self.absence_iins = {a.pk: iins[a.servant_id] for a in self.absences}
        self.categories = services.known_categories()

    # -- helpers

    def bad(self, row: Row, key: str, message: Promise | str, /, **params: Any) -> None:
        """Record an error on a cell (once per cell), translated now to the active language."""
        order = self.errors.note(row.sheet, row.number, key)
        if order is None:
            return  # reported already, or counted but past the errors listed
        text = str(message)  # a lazy message is translated here, in the active language
        letter = row.letters.get(key, "")
        self.errors.keep_error(
            order,
            CellError(
                sheet=row.sheet,
                row=row.number,
                column=key,
                message=text % params if params else text,
                cell=f"{letter}{row.number}" if letter else "",
            ),
        )

    def text(self, row: Row, key: str) -> str:
        column = COLUMNS[(row.sheet, key)]
        raw = row.values.get(key)
        value = iin_text(raw) if column.kind == "iin" else cell_text(raw)
        if column.required and not value:
            self.bad(row, key, MSG_REQUIRED)
        elif column.max_length is not None and len(value) > column.max_length:
            self.bad(row, key, MSG_TOO_LONG, max=column.max_length)
        return value

    def date(self, row: Row, key: str) -> date | None:
        raw = row.values.get(key)
        try:
            value = parse_date(raw)
        except ValueError:
            self.bad(row, key, MSG_BAD_DATE, value=cell_text(raw))
            return None
        if value is None and COLUMNS[(row.sheet, key)].required:
            self.bad(row, key, MSG_REQUIRED)
        return value

    def boolean(self, row: Row, key: str) -> bool:
        raw = row.values.get(key)
        try:
            return parse_bool(raw)
        except ValueError:
            self.bad(row, key, MSG_BAD_BOOL, value=cell_text(raw))
            return False

    def choice(self, row: Row, key: str, default: str = "") -> str:
        value = self.text(row, key).lower() or default
        choices = COLUMNS[(row.sheet, key)].choices
        if value and value not in choices:
            self.bad(row, key, MSG_BAD_CHOICE, value=value, choices=", ".join(choices))
        return value

    def iin(self, row: Row) -> str:
        value = self.text(row, "iin")
        if value:
            try:
                rules.validate_iin(value)
            except DomainError as error:
                self.bad(row, "iin", error.text())
        return value

    def first_seen(
        self, row: Row, key: str, seen: dict[_Key, int], value: _Key, message: Promise
    ) -> bool:
        """Whether `value` is new in the sheet; a repeat is reported naming the first row."""
        if value in seen:
            self.bad(row, key, message, value=value, row=seen[value])
            return False
        seen[value] = row.number
        return True

    def sweep(self, spans: list[_Span], key: str, report: Callable[[_Span, _Span], Any]) -> None:
        """Report each range that overlaps an earlier one, if a workbook row is involved.

        `report(row_span, other)` gets the workbook span first; spans of one owner are left
        to the servant's own check when `key` is the position column.
        """
        spans.sort(key=lambda s: (s.start, s.row.number if s.row else 0))
        holder: _Span | None = None
        for span in spans:
            if holder is not None and rules.ranges_overlap(
                span.start, span.end, holder.start, holder.end
            ):
                same_owner = span.owner == holder.owner
                if not (key == "position_code" and same_owner):
                    if span.row is not None:
                        report(span, holder)
                    elif holder.row is not None:
                        report(holder, span)
            if holder is None or (
                holder.end is not None and (span.end is None or span.end > holder.end)
            ):
                holder = span

    # -- sheets

    def check_units(self) -> None:
        seen: dict[str, int] = {}
        by_id = {u.pk: u.code for u in self.units.values()}
        # the tree as it will be after the import: the database, overridden by the sheet
        parents: dict[str, str | None] = {
            u.code: by_id.get(u.parent_id) if u.parent_id else None for u in self.units.values()
        }
        rows: dict[str, Row] = {}
        for row in self.sheets["units"]:
            code = self.text(row, "code")
            names = {k: self.text(row, k) for k in ("name_kk", "name_ru", "name_en") if row.has(k)}
            parent = self.text(row, "parent_code") if row.has("parent_code") else None
            if not code or not self.first_seen(row, "code", seen, code, MSG_DUPLICATE_CODE):
                continue
            rows[code] = row
            self.plan.units[code] = (names, parent)
            if parent is not None:
                parents[code] = parent or None
        for code, row in rows.items():
            parent = self.plan.units[code][1]
            if parent and parent not in parents:
                self.bad(row, "parent_code", MSG_UNKNOWN_UNIT, value=parent)
                continue
            node: str | None = parents.get(code)
            visited = {code}
            while node is not None and node not in visited:
                visited.add(node)
                node = parents.get(node)
            if node == code:
                self.bad(row, "parent_code", services.MSG_UNIT_CYCLE)

    def check_positions(self) -> None:
        seen: dict[str, int] = {}
        known_units = set(self.units) | set(self.plan.units)
        heads: dict[str, list[tuple[str, Row | None]]] = defaultdict(list)
        in_sheet: set[str] = set()
        rows = []
        for row in self.sheets["positions"]:
            code = self.text(row, "code")
            unit_code = self.text(row, "unit_code")
            fields: dict[str, Any] = {
                k: self.text(row, k) for k in ("title_kk", "title_ru", "title_en") if row.has(k)
            }
            raw_category = self.text(row, "category")
            if raw_category:
                try:
                    fields["category"] = rules.parse_category(raw_category, self.categories)
                except DomainError as error:
                    self.bad(row, "category", error.text())
            for key in ("is_head", "is_deputy_head", "provides_public_services"):
                if row.has(key):
                    fields[key] = self.boolean(row, key)
            if fields.get("is_head") and fields.get("is_deputy_head"):  # seed 003: one or other
                self.bad(row, "is_deputy_head", services.MSG_HEAD_AND_DEPUTY)
            if unit_code and unit_code not in known_units:
                self.bad(row, "unit_code", MSG_UNKNOWN_UNIT, value=unit_code)
            if not code or not self.first_seen(row, "code", seen, code, MSG_DUPLICATE_CODE):
                continue
            fields["unit_code"] = unit_code
            self.plan.positions[code] = fields
            in_sheet.add(code)
            rows.append((code, row))
        # one head position per unit, after the import (sheet rows override the database)
        for code, position in self.positions.items():
            if code not in in_sheet and position.is_head:
                heads[self.position_units[code]].append((code, None))
        for code, row in rows:
            fields = self.plan.positions[code]
            is_head = fields.get(
                "is_head", self.positions[code].is_head if code in self.positions else False
            )
            if is_head and fields["unit_code"]:
                heads[fields["unit_code"]].append((code, row))
        for unit_code, holders in heads.items():
            first = holders[0][0]
            for _code, head_row in holders[1:]:
                if head_row is not None:
                    self.bad(head_row, "is_head", MSG_TWO_HEADS, unit=unit_code, other=first)

    def check_servants(self) -> None:
        seen: dict[str, int] = {}
        for row in self.sheets["servants"]:
            iin = self.iin(row)
            keys = [c.key for c in SHEETS["servants"] if c.key not in ("iin", "email", "language")]
            fields: dict[str, Any] = {k: self.text(row, k) for k in keys if row.has(k)}
            if row.has("email"):
                email = self.text(row, "email")
                if email:
                    try:
                        validate_email(email)
                    except ValidationError:
                        self.bad(row, "email", MSG_BAD_EMAIL, value=email)
                fields["email"] = email
            if row.has("language"):
                fields["language"] = self.choice(row, "language", default="kk")
            if not iin or not self.first_seen(row, "iin", seen, iin, MSG_DUPLICATE_IIN):
                continue
            self.plan.servants[iin] = fields
            self.plan.servants[iin]["_row"] = row
        # IINs of servants already managed by another body
        new = [iin for iin in self.plan.servants if iin not in self.servants]
        for start in range(0, len(new), _IIN_QUERY_CHUNK):
            chunk = new[start : start + _IIN_QUERY_CHUNK]
            for iin in Servant.objects.filter(iin__in=chunk).values_list("iin", flat=True):
                self.bad(self.plan.servants[iin]["_row"], "iin", MSG_IIN_OTHER_BODY)

    def known_iin(self, row: Row, iin: str) -> bool:
        if iin and iin not in self.servants and iin not in self.plan.servants:
            self.bad(row, "iin", MSG_UNKNOWN_SERVANT)
            return False
        return bool(iin)

    def check_appointments(self) -> None:
        known_positions = set(self.positions) | set(self.plan.positions)
        seen: dict[tuple[str, str, date], int] = {}
        by_servant: dict[str, list[_Span]] = defaultdict(list)
        by_position: dict[str, list[_Span]] = defaultdict(list)
        for row in self.sheets["appointments"]:
            iin = self.text(row, "iin")
            iin_ok = self.known_iin(row, iin)
            code = self.text(row, "position_code")
            if code and code not in known_positions:
                self.bad(row, "position_code", MSG_UNKNOWN_POSITION, value=code)
            start = self.date(row, "start_date")
            fields: dict[str, Any] = {}
            for column in ("probation_end", "end_date"):
                if row.has(column):
                    fields[column] = self.date(row, column)
            if start and fields.get("end_date") and fields["end_date"] < start:
                self.bad(row, "end_date", services.MSG_END_BEFORE_START)
            if start and fields.get("probation_end") and fields["probation_end"] < start:
                self.bad(row, "probation_end", services.MSG_PROBATION_BEFORE_START)
            if row.has("end_reason"):
                reason = self.choice(row, "end_reason")
                # like appointment_create: no reason without an end
                ended = fields.get("end_date") or "end_date" not in fields
                fields["end_reason"] = reason if ended else ""
            if row.has("supervisor_position_code"):
                supervisor = self.text(row, "supervisor_position_code")
                if supervisor and supervisor not in known_positions:
                    self.bad(
                        row, "supervisor_position_code", MSG_UNKNOWN_POSITION, value=supervisor
                    )
                fields["supervisor_position_code"] = supervisor
            if not (iin_ok and code and start):
                continue
            key = (iin, code, start)
            if not self.first_seen(row, "start_date", seen, key, MSG_DUPLICATE_APPOINTMENT):
                continue
            self.plan.appointments[key] = fields
            end = fields.get("end_date")
            if "end_date" not in fields and key in self.appointment_keys:
                end = self.appointment_keys[key].end_date  # no column: the end stays as it is
            by_servant[iin].append(_Span(start, end, iin, row, {"code": code}))
            by_position[code].append(_Span(start, end, iin, row))
        for a in self.appointments:
            key = (a.servant_iin, a.position_code, a.start_date)
            if key in self.plan.appointments:
                continue  # replaced by its row
            params = {"position": a.position_code, "start": a.start_date.isoformat()}
            span = _Span(a.start_date, a.end_date, a.servant_iin, None, params)
            if a.servant_iin in by_servant:
                by_servant[a.servant_iin].append(span)
            if a.position_code in by_position:
                by_position[a.position_code].append(
                    _Span(
                        a.start_date,
                        a.end_date,
                        a.servant_iin,
                        None,
                        {"iin": a.servant_iin, "start": a.start_date.isoformat()},
                    )
                )

        def servant_clash(mine: _Span, other: _Span) -> None:
            assert mine.row is not None  # noqa: S101 - guaranteed by sweep()
            if other.row is not None:
                self.bad(mine.row, "start_date", MSG_APPOINTMENT_OVERLAP_ROW, row=other.row.number)
            else:
                self.bad(mine.row, "start_date", MSG_APPOINTMENT_OVERLAP_DB, **other.description)

        def position_clash(mine: _Span, other: _Span) -> None:
            assert mine.row is not None  # noqa: S101 - guaranteed by sweep()
            if other.row is not None:
                self.bad(mine.row, "position_code", MSG_POSITION_OCCUPIED_ROW, row=other.row.number)
            else:
                self.bad(mine.row, "position_code", MSG_POSITION_OCCUPIED_DB, **other.description)

        for spans in by_servant.values():
            self.sweep(spans, "start_date", servant_clash)
        for spans in by_position.values():
            self.sweep(spans, "position_code", position_clash)

    def check_absences(self) -> None:
        seen: dict[tuple[str, str, date], int] = {}
        by_servant: dict[str, list[_Span]] = defaultdict(list)
        for row in self.sheets["absences"]:
            iin = self.text(row, "iin")
            iin_ok = self.known_iin(row, iin)
            kind = self.choice(row, "kind")
            start = self.date(row, "start_date")
            end = self.date(row, "end_date")
            fields: dict[str, Any] = {"end_date": end}
            if row.has("note"):
                fields["note"] = self.text(row, "note")
            if start and end and end < start:
                self.bad(row, "end_date", services.MSG_END_BEFORE_START)
                continue
            if not (iin_ok and kind in AbsenceKind.values and start and end):
                continue
            key = (iin, kind, start)
            if not self.first_seen(row, "start_date", seen, key, MSG_DUPLICATE_ABSENCE):
                continue
            self.plan.absences[key] = fields
            by_servant[iin].append(_Span(start, end, iin, row))
        for a in self.absences:
            iin = self.absence_iins[a.pk]
            if iin in by_servant and (iin, a.kind, a.start_date) not in self.plan.absences:
                params = {"start": a.start_date.isoformat(), "end": a.end_date.isoformat()}
                by_servant[iin].append(_Span(a.start_date, a.end_date, iin, None, params))

        def clash(mine: _Span, other: _Span) -> None:
            assert mine.row is not None  # noqa: S101 - guaranteed by sweep()
            if other.row is not None:
                self.bad(mine.row, "start_date", MSG_ABSENCE_OVERLAP_ROW, row=other.row.number)
            else:
                self.bad(mine.row, "start_date", MSG_ABSENCE_OVERLAP_DB, **other.description)

        for spans in by_servant.values():
            self.sweep(spans, "start_date", clash)

    def run(self) -> ImportPlan:
        self.check_units()
        self.check_positions()
        self.check_servants()
        self.check_appointments()
        self.check_absences()
        return self.plan
