"""Excel import and export of a body's structure and staff (HR's workbook, openpyxl).

The package follows the import's path: ``template`` (the workbook's shape, the empty template
and the export), ``reading`` (the guards on size and shape, then the rows as values),
``validation`` (every bad cell, across sheets and against the database) and ``writing`` (the
bulk upserts and ``import_workbook``). Callers import the names below from
``bagalau.org.excel``.

Import semantics (``import_workbook``):

* A file larger than BAGALAU_IMPORT_MAX_BYTES, unzipping to more than
  BAGALAU_IMPORT_MAX_UNPACKED_BYTES, or with a sheet of more than BAGALAU_IMPORT_MAX_ROWS
  data rows is refused at once, before its rows are read. Every row of a sheet is read,
  whatever its ``<dimension>`` tag says.
* Everything is validated first, across all sheets, and every bad cell is a ``CellError``
  (sheet, row, column key, Excel cell, translated message); the first
  BAGALAU_IMPORT_MAX_ERRORS are listed and all are counted. A missing sheet or required
  column is reported alone, before any cell is looked at. Empty rows are skipped.
* With any error nothing is written (``ImportRejected``); otherwise everything is written in
  one transaction with bulk queries, and one audit record ``org.imported`` is left.
* Units and positions are upserted by code within the body, servants by IIN, appointments by
  (IIN, position code, start date), absences by (IIN, kind, start date). A clean re-import of
  the same workbook therefore creates nothing and changes nothing.
* Rows that are in the database but not in the workbook are left alone: the import never
  deletes. An optional column left out of a sheet leaves that field unchanged.
* ``StateBody.hr_unit`` and the other body fields are not touched.
"""

from .errors import CellError, ImportRejected, Limits
from .reading import (
    MSG_COLUMN_MISSING,
    MSG_MALFORMED_SHEET,
    MSG_NOT_XLSX,
    MSG_SHEET_MISSING,
    MSG_TOO_LARGE,
    MSG_TOO_LARGE_UNPACKED,
    MSG_TOO_MANY_ROWS,
    size_error,
)
from .template import SHEETS, Column, build_template, export_body
from .writing import ImportReport, import_workbook

__all__ = [
    "MSG_COLUMN_MISSING",
    "MSG_MALFORMED_SHEET",
    "MSG_NOT_XLSX",
    "MSG_SHEET_MISSING",
    "MSG_TOO_LARGE",
    "MSG_TOO_LARGE_UNPACKED",
    "MSG_TOO_MANY_ROWS",
    "SHEETS",
    "CellError",
    "Column",
    "ImportRejected",
    "ImportReport",
    "Limits",
    "build_template",
    "export_body",
    "import_workbook",
    "size_error",
]
