"""The workbook's shape (sheets and columns), the empty template and the export of a body.

The workbook has five sheets with stable machine names: ``units``, ``positions``,
``servants``, ``appointments`` and ``absences`` (see ``SHEETS`` for the columns). Row 1 holds
the machine column keys, which the importer reads (columns may come in any order); row 2 holds
human labels in the active language, which the importer skips; data starts on row 3.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import (
    Absence,
    AbsenceKind,
    Appointment,
    EndReason,
    Position,
    Servant,
    StateBody,
    Unit,
)


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
            "is_deputy_head",
            _("Deputy head of the unit (1/0)"),
            "bool",
            choices=_BOOL_CHOICES,
            width=16,
        ),
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

SHEET_ORDER = {name: index for index, name in enumerate(SHEETS)}
COLUMN_ORDER = {
    (sheet, column.key): index
    for sheet, columns in SHEETS.items()
    for index, column in enumerate(columns)
}
COLUMNS = {(sheet, column.key): column for sheet, columns in SHEETS.items() for column in columns}


# --- writing workbooks -------------------------------------------------------------------------


def new_workbook() -> tuple[Workbook, dict[str, Any]]:
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


def append_row(sheet: Any, sheet_name: str, values: dict[str, Any]) -> None:
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


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_template() -> bytes:
    """An empty workbook with the sheets, machine keys and labels in the active language."""
    workbook, _sheets = new_workbook()
    return to_bytes(workbook)


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
    workbook, sheets = new_workbook()
    units = list(Unit.objects.filter(body=body))
    unit_codes = {u.pk: u.code for u in units}
    for unit in _tree_order(units):
        values = {f"name_{lang}": getattr(unit, f"name_{lang}") for lang in ("kk", "ru", "en")}
        values.update(code=unit.code, parent_code=unit_codes.get(unit.parent_id or 0, ""))
        append_row(sheets["units"], "units", values)
    positions = Position.objects.filter(body=body).order_by("unit__code", "-is_head", "code")
    for position in positions:
        values = {c.key: getattr(position, c.key, None) for c in SHEETS["positions"]}
        values["unit_code"] = unit_codes.get(position.unit_id, "")
        append_row(sheets["positions"], "positions", values)
    servants = list(
        Servant.objects.filter(body=body).order_by("last_name_kk", "first_name_kk", "iin")
    )
    iins = {s.pk: s.iin for s in servants}
    for servant in servants:
        values = {c.key: getattr(servant, c.key) for c in SHEETS["servants"]}
        append_row(sheets["servants"], "servants", values)
    appointments = (
        Appointment.objects.filter(servant__body=body)
        .annotate(position_code=F("position__code"), supervisor_code=F("supervisor_override__code"))
        .order_by("servant__last_name_kk", "servant__first_name_kk", "servant__iin", "start_date")
    )
    for a in appointments:
        append_row(
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
        append_row(sheets["absences"], "absences", values)
    return to_bytes(workbook)
