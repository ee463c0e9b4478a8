"""Excel import and export of a body's structure and staff (HR's workbook, openpyxl).

The workbook has five sheets with stable machine names: ``units``, ``positions``,
``servants``, ``appointments`` and ``absences`` (see ``SHEETS`` for the columns). Row 1 holds
the machine column keys, which the importer reads (columns may come in any order); row 2 holds
human labels in the active language, which the importer skips; data starts on row 3. Empty
rows are skipped.

Import semantics (``import_workbook``):

* Everything is validated first, across all sheets, and every bad cell is reported as a
  ``CellError`` (sheet, row, column key, Excel cell, translated message). A missing sheet or
  required column is reported alone, before any cell is looked at.
* With any error nothing is written (``ImportRejected``); otherwise everything is written in
  one transaction with bulk queries, and one audit record ``org.imported`` is left.
* Units and positions are upserted by code within the body, servants by IIN, appointments by
  (IIN, position code, start date), absences by (IIN, kind, start date). A clean re-import of
  the same workbook therefore creates nothing and changes nothing.
* Rows that are in the database but not in the workbook are left alone: the import never
  deletes. An optional column left out of a sheet leaves that field unchanged.
* ``StateBody.hr_unit`` and the other body fields are not touched.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bagalau.core.errors import DomainError, FieldError
from bagalau.core.models import audit

from . import rules, services
from .models import (
    Absence,
    AbsenceKind,
    Appointment,
    EndReason,
    Position,
    Servant,
    StateBody,
    Unit,
)
from .signals import staff_changed_on_commit

# --- messages ------------------------------------------------------------------------------

MSG_NOT_XLSX = _("The file is not an Excel workbook (.xlsx).")
MSG_SHEET_MISSING = _("The sheet “%(sheet)s” is missing.")
MSG_COLUMN_MISSING = _("The column “%(column)s” is missing from row 1.")
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
MSG_WRITE_FAILED = _(
    "The data conflicts with changes saved meanwhile; nothing was imported. Please try again."
)

BATCH_SIZE = 500
_IIN_QUERY_CHUNK = 900  # below SQLite's default limit of 999 parameters

# --- the workbook's shape --------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its machine key (row 1), label (row 2) and how to read it."""

    key: str
    label: str | Promise
    kind: str = "text"  # text | code | iin | date | bool | choice
    required: bool = False  # the column must exist and each row must fill it
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    width: int = 16


_LANGUAGES = tuple(code for code, _name in settings.LANGUAGES)
_BOOL_CHOICES = ("1", "0")

SHEETS: dict[str, tuple[Column, ...]] = {
    "units": (
        Column("code", _("Unit code"), "code", required=True, max_length=64, width=14),
        Column("parent_code", _("Parent unit code"), "code", max_length=64, width=16),
        Column("name_kk", _("Name (Kazakh)"), required=True, max_length=500, width=40),
        Column("name_ru", _("Name (Russian)"), max_length=500, width=40),
        Column("name_en", _("Name (English)"), max_length=500, width=30),
    ),
    "positions": (
        Column("code", _("Position code"), "code", required=True, max_length=64, width=14),
        Column("unit_code", _("Unit code"), "code", required=True, max_length=64, width=14),
        Column("title_kk", _("Title (Kazakh)"), required=True, max_length=500, width=40),
        Column("title_ru", _("Title (Russian)"), max_length=500, width=40),
        Column("title_en", _("Title (English)"), max_length=500, width=30),
        Column("category", _("Category"), "code", required=True, max_length=16, width=10),
        Column("is_head", _("Heads the unit (1/0)"), "bool", choices=_BOOL_CHOICES),
        Column(
            "provides_public_services",
            _("Provides public services (1/0)"),
            "bool",
            choices=_BOOL_CHOICES,
            width=18,
        ),
    ),
    "servants": (
        Column("iin", _("IIN"), "iin", required=True, width=15),
        Column("last_name_kk", _("Last name (Kazakh)"), required=True, max_length=150, width=20),
        Column("first_name_kk", _("First name (Kazakh)"), required=True, max_length=150, width=20),
        Column("middle_name_kk", _("Patronymic (Kazakh)"), max_length=150, width=20),
        Column("last_name_ru", _("Last name (Russian)"), max_length=150, width=20),
        Column("first_name_ru", _("First name (Russian)"), max_length=150, width=20),
        Column("middle_name_ru", _("Patronymic (Russian)"), max_length=150, width=20),
        Column("email", _("Email"), max_length=254, width=28),
        Column("language", _("Language (kk/ru/en)"), "choice", choices=_LANGUAGES, width=12),
    ),
    "appointments": (
        Column("iin", _("IIN"), "iin", required=True, width=15),
        Column("position_code", _("Position code"), "code", required=True, max_length=64),
        Column("start_date", _("Start date"), "date", required=True, width=12),
        Column("probation_end", _("End of probation"), "date", width=12),
        Column("end_date", _("End date"), "date", width=12),
        Column("end_reason", _("End reason"), "choice", choices=tuple(EndReason.values), width=12),
        Column(
            "supervisor_position_code",
            _("Direct supervisor's position code (explicit)"),
            "code",
            max_length=64,
            width=18,
        ),
    ),
    "absences": (
        Column("iin", _("IIN"), "iin", required=True, width=15),
        Column(
            "kind", _("Kind"), "choice", required=True, choices=tuple(AbsenceKind.values), width=16
        ),
        Column("start_date", _("From"), "date", required=True, width=12),
        Column("end_date", _("To"), "date", required=True, width=12),
        Column("note", _("Note"), max_length=500, width=30),
    ),
}

_SHEET_ORDER = {name: index for index, name in enumerate(SHEETS)}
_COLUMN_ORDER = {
    (sheet, column.key): index
    for sheet, columns in SHEETS.items()
    for index, column in enumerate(columns)
}
_COLUMNS = {(sheet, column.key): column for sheet, columns in SHEETS.items() for column in columns}

# --- public types -------------------------------------------------------------------------------


@dataclass
class CellError:
    """One bad cell: `column` is the machine key, `cell` the Excel address ("B5")."""

    sheet: str
    row: int
    column: str
    message: str
    cell: str = ""

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        head = " ".join(part for part in (where, self.column) if part)
        return f"{head}: {self.message}" if head else self.message


class ImportRejected(DomainError):
    """The workbook was refused whole; `cell_errors` lists every bad cell."""

    def __init__(self, cell_errors: Sequence[CellError]) -> None:
        self.cell_errors = list(cell_errors)
        count = len(self.cell_errors)
        super().__init__(
            ngettext(
                "The workbook has %(count)s error; nothing was imported.",
                "The workbook has %(count)s errors; nothing was imported.",
                count,
            )
            % {"count": count},
            code="import_rejected",
            errors=[
                FieldError(
                    field=f"{e.sheet}!{e.cell}" if e.cell else (e.sheet or None),
                    message=e.message,
                    code="cell",
                )
                for e in self.cell_errors
            ],
        )


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


# --- reading cells ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _iin_text(value: Any) -> str:
    """An IIN typed into a number cell loses its leading zeros: pad it back to 12 digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:012d}"
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return f"{int(value):012d}"
    return re.sub(r"\s+", "", _text(value))


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _parse_date(value: Any) -> date | None:
    """A real Excel date, or YYYY-MM-DD / DD.MM.YYYY text; raises ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if match := _ISO_DATE.fullmatch(text):
            year, month, day = match.groups()
            return date(int(year), int(month), int(day))
        if match := _DOTTED_DATE.fullmatch(text):
            day, month, year = match.groups()
            return date(int(year), int(month), int(day))
    raise ValueError(value)


_TRUE = frozenset({"1", "yes", "y", "true", "x", "+", "иә", "ия", "иа", "да", "д"})
_FALSE = frozenset({"", "0", "no", "n", "false", "-", "жоқ", "жок", "нет", "н"})


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]

    def has(self, key: str) -> bool:
        return key in self.letters


def _read_workbook(data: bytes | IO[bytes]) -> tuple[dict[str, list[_Row]], list[CellError]]:
    """The data rows of each sheet, or the structural errors (unreadable file, missing parts)."""
    stream: IO[bytes] = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        return {}, [CellError("", 0, "", str(MSG_NOT_XLSX))]
    errors: list[CellError] = []
    sheets: dict[str, list[_Row]] = {}
    try:
        for name, columns in SHEETS.items():
            if name not in workbook.sheetnames:
                errors.append(CellError(name, 0, "", str(MSG_SHEET_MISSING) % {"sheet": name}))
                continue
            rows = workbook[name].iter_rows(values_only=True)
            positions: dict[str, int] = {}
            for index, value in enumerate(next(rows, ())):
                positions.setdefault(_text(value).lower(), index)
            for column in columns:
                if column.required and column.key not in positions:
                    message = str(MSG_COLUMN_MISSING) % {"column": column.key}
                    errors.append(CellError(name, 1, column.key, message))
            letters = {
                c.key: get_column_letter(positions[c.key] + 1)
                for c in columns
                if c.key in positions
            }
            next(rows, None)  # row 2: the labels
            parsed = []
            for number, values in enumerate(rows, start=3):
                cells = {
                    key: values[positions[key]] if positions[key] < len(values) else None
                    for key in letters
                }
                if any(_text(v) for v in cells.values()):
                    parsed.append(_Row(name, number, cells, letters))
            sheets[name] = parsed
    except Exception:
        return {}, [CellError("", 0, "", str(MSG_NOT_XLSX))]
    finally:
        workbook.close()
    return sheets, errors


# --- validation ---------------------------------------------------------------------------------


@dataclass
class _Span:
    """A date range of one servant or position: from a workbook row, or from the database."""

    start: date
    end: date | None
    owner: str  # the servant's IIN
    row: _Row | None = None
    description: dict[str, str] = field(default_factory=dict)  # a database row's params


@dataclass
class _Plan:
    """Validated rows: what to write, keyed as the upsert matches them."""

    units: dict[str, tuple[dict[str, Any], str | None]] = field(default_factory=dict)
    positions: dict[str, dict[str, Any]] = field(default_factory=dict)
    servants: dict[str, dict[str, Any]] = field(default_factory=dict)
    appointments: dict[tuple[str, str, date], dict[str, Any]] = field(default_factory=dict)
    absences: dict[tuple[str, str, date], dict[str, Any]] = field(default_factory=dict)


_Key = TypeVar("_Key")


class _Validator:
    """Checks every row of every sheet against each other and the body's current data."""

    def __init__(self, body: StateBody, sheets: dict[str, list[_Row]]) -> None:
        self.body = body
        self.sheets = sheets
        self.errors: list[CellError] = []
        self.reported: set[tuple[str, int, str]] = set()
        self.plan = _Plan()
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

    def bad(self, row: _Row, key: str, message: Promise | str, /, **params: Any) -> None:
        """Record an error on a cell (once per cell), translated now to the active language."""
        if (row.sheet, row.number, key) in self.reported:
            return
        self.reported.add((row.sheet, row.number, key))
        text = str(message)  # a lazy message is translated here, in the active language
        letter = row.letters.get(key, "")
        self.errors.append(
            CellError(
                sheet=row.sheet,
                row=row.number,
                column=key,
                message=text % params if params else text,
                cell=f"{letter}{row.number}" if letter else "",
            )
        )

    def text(self, row: _Row, key: str) -> str:
        column = _COLUMNS[(row.sheet, key)]
        raw = row.values.get(key)
        value = _iin_text(raw) if column.kind == "iin" else _text(raw)
        if column.required and not value:
            self.bad(row, key, MSG_REQUIRED)
        elif column.max_length is not None and len(value) > column.max_length:
            self.bad(row, key, MSG_TOO_LONG, max=column.max_length)
        return value

    def date(self, row: _Row, key: str) -> date | None:
        raw = row.values.get(key)
        try:
            value = _parse_date(raw)
        except ValueError:
            self.bad(row, key, MSG_BAD_DATE, value=_text(raw))
            return None
        if value is None and _COLUMNS[(row.sheet, key)].required:
            self.bad(row, key, MSG_REQUIRED)
        return value

    def boolean(self, row: _Row, key: str) -> bool:
        raw = row.values.get(key)
        try:
            return _parse_bool(raw)
        except ValueError:
            self.bad(row, key, MSG_BAD_BOOL, value=_text(raw))
            return False

    def choice(self, row: _Row, key: str, default: str = "") -> str:
        value = self.text(row, key).lower() or default
        choices = _COLUMNS[(row.sheet, key)].choices
        if value and value not in choices:
            self.bad(row, key, MSG_BAD_CHOICE, value=value, choices=", ".join(choices))
        return value

    def iin(self, row: _Row) -> str:
        value = self.text(row, "iin")
        if value:
            try:
                rules.validate_iin(value)
            except DomainError as error:
                self.bad(row, "iin", error.text())
        return value

    def first_seen(
        self, row: _Row, key: str, seen: dict[_Key, int], value: _Key, message: Promise
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
        rows: dict[str, _Row] = {}
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
        heads: dict[str, list[tuple[str, _Row | None]]] = defaultdict(list)
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
            for key in ("is_head", "provides_public_services"):
                if row.has(key):
                    fields[key] = self.boolean(row, key)
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

    def known_iin(self, row: _Row, iin: str) -> bool:
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

    def run(self) -> _Plan:
        self.check_units()
        self.check_positions()
        self.check_servants()
        self.check_appointments()
        self.check_absences()
        return self.plan

    def sorted_errors(self) -> list[CellError]:
        return sorted(
            self.errors,
            key=lambda e: (
                _SHEET_ORDER.get(e.sheet, -1),
                e.row,
                _COLUMN_ORDER.get((e.sheet, e.column), -1),
            ),
        )


# --- writing ------------------------------------------------------------------------------------

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
    def __init__(self, validator: _Validator, report: ImportReport) -> None:
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


# --- public API ---------------------------------------------------------------------------------


def import_workbook(*, actor: Any, body: StateBody, data: bytes | IO[bytes]) -> ImportReport:
    """Import a body's units, positions, servants, appointments and absences from a workbook.

    All or nothing: raises ImportRejected listing every bad cell, with the database unchanged.
    Upserts by code (units, positions), IIN (servants), (IIN, position code, start date)
    (appointments) and (IIN, kind, start date) (absences); rows in the database that are not
    in the workbook are left alone. Queries do not grow with the number of rows beyond the
    batching of bulk writes.
    """
    sheets, errors = _read_workbook(data)
    if errors:
        raise ImportRejected(errors)
    validator = _Validator(body, sheets)
    validator.run()
    if validator.errors:
        raise ImportRejected(validator.sorted_errors())
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


def _new_workbook() -> tuple[Workbook, dict[str, Any]]:
    """A write-only workbook with the five sheets, their two header rows and their styling."""
    workbook = Workbook(write_only=True)
    sheets = {}
    bold = Font(bold=True)
    for name, columns in SHEETS.items():
        sheet = workbook.create_sheet(name)
        for index, column in enumerate(columns, start=1):
            letter = get_column_letter(index)
            dimension = sheet.column_dimensions[letter]
            dimension.width = column.width
            if column.kind in ("code", "iin"):
                dimension.number_format = "@"
            if column.choices:
                validation = DataValidation(
                    type="list",
                    formula1='"' + ",".join(column.choices) + '"',
                    allow_blank=True,
                    # booleans also accept иә/жоқ, да/нет...: a dropdown, not a barrier
                    showErrorMessage=column.kind != "bool",
                )
                validation.add(f"{letter}3:{letter}1048576")
                sheet.data_validations.append(validation)  # write-only: no add_data_validation()
        sheet.freeze_panes = "A3"
        for header in ([c.key for c in columns], [str(c.label) for c in columns]):
            cells = []
            for value in header:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        sheets[name] = sheet
    return workbook, sheets


def _append(sheet: Any, sheet_name: str, values: dict[str, Any]) -> None:
    cells = []
    for column in SHEETS[sheet_name]:
        value = values.get(column.key)
        if column.kind in ("code", "iin"):
            cell = WriteOnlyCell(sheet, value=str(value) if value not in (None, "") else None)
            cell.number_format = "@"
        elif column.kind == "date":
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
        elif column.kind == "bool":
            cell = WriteOnlyCell(sheet, value=1 if value else 0)
        else:
            cell = WriteOnlyCell(sheet, value=value if value not in (None, "") else None)
        cells.append(cell)
    sheet.append(cells)


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_template() -> bytes:
    """An empty workbook with the sheets, machine keys and labels in the active language."""
    workbook, _sheets = _new_workbook()
    return _to_bytes(workbook)


def _tree_order(units: list[Unit]) -> list[Unit]:
    """Parents before their children, siblings by code."""
    children: dict[int | None, list[Unit]] = defaultdict(list)
    ids = {u.pk for u in units}
    for unit in sorted(units, key=lambda u: u.code):
        children[unit.parent_id if unit.parent_id in ids else None].append(unit)
    ordered: list[Unit] = []
    stack = list(reversed(children[None]))
    while stack:
        unit = stack.pop()
        ordered.append(unit)
        stack.extend(reversed(children.get(unit.pk, [])))
    placed = {u.pk for u in ordered}
    return ordered + [u for u in units if u.pk not in placed]


def export_body(body: StateBody) -> bytes:
    """The body's units, positions, servants, all appointments and absences, in five queries."""
    workbook, sheets = _new_workbook()
    units = list(Unit.objects.filter(body=body))
    unit_codes = {u.pk: u.code for u in units}
    for unit in _tree_order(units):
        values = {f"name_{lang}": getattr(unit, f"name_{lang}") for lang in ("kk", "ru", "en")}
        values.update(code=unit.code, parent_code=unit_codes.get(unit.parent_id or 0, ""))
        _append(sheets["units"], "units", values)
    positions = Position.objects.filter(body=body).order_by("unit__code", "-is_head", "code")
    for position in positions:
        values = {c.key: getattr(position, c.key, None) for c in SHEETS["positions"]}
        values["unit_code"] = unit_codes.get(position.unit_id, "")
        _append(sheets["positions"], "positions", values)
    servants = list(
        Servant.objects.filter(body=body).order_by("last_name_kk", "first_name_kk", "iin")
    )
    iins = {s.pk: s.iin for s in servants}
    for servant in servants:
        values = {c.key: getattr(servant, c.key) for c in SHEETS["servants"]}
        _append(sheets["servants"], "servants", values)
    appointments = (
        Appointment.objects.filter(servant__body=body)
        .annotate(position_code=F("position__code"), supervisor_code=F("supervisor_override__code"))
        .order_by("servant__last_name_kk", "servant__first_name_kk", "servant__iin", "start_date")
    )
    for a in appointments:
        _append(
            sheets["appointments"],
            "appointments",
            {
                "iin": iins[a.servant_id],
                "position_code": a.position_code,
                "start_date": a.start_date,
                "probation_end": a.probation_end,
                "end_date": a.end_date,
                "end_reason": a.end_reason,
                "supervisor_position_code": a.supervisor_code,
            },
        )
    absences = Absence.objects.filter(servant__body=body).order_by(
        "servant__last_name_kk", "servant__first_name_kk", "servant__iin", "start_date"
    )
    for absence in absences:
        values = {c.key: getattr(absence, c.key, None) for c in SHEETS["absences"]}
        values["iin"] = iins[absence.servant_id]
        _append(sheets["absences"], "absences", values)
    return _to_bytes(workbook)
