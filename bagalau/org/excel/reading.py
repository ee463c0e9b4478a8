"""Reading a workbook: the guards on its size and shape, then its rows as values.

Before openpyxl opens anything, the upload's size, the sum of its unzipped parts and the
rows of every part's XML are checked (a scan of the bytes at regular-expression speed): a
sheet with too many rows holding values, a row wider than Excel allows, or row numbers that
go back or past Excel's last row refuse the workbook at once. Then openpyxl reads every row,
whatever the sheet's ``<dimension>`` tag says (its read-only mode would otherwise stop there).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .errors import CellError, Limits
from .template import SHEETS

MSG_NOT_XLSX = _("The file is not an Excel workbook (.xlsx).")
MSG_TOO_LARGE = _("The file is %(size)s; the largest workbook accepted is %(max)s.")
MSG_TOO_LARGE_UNPACKED = _(
    "The workbook unpacks to more than %(max)s: it is too large or not an Excel workbook."
)
MSG_TOO_MANY_ROWS = _(
    "The sheet “%(sheet)s” has more than %(max)s rows: split the workbook into several files "
    "and import them one after another."
)
MSG_MALFORMED_SHEET = _(
    "The sheet “%(sheet)s” is damaged (its rows are out of order or wider than Excel allows): "
    "open it in Excel and save it again."
)
MSG_SHEET_MISSING = _("The sheet “%(sheet)s” is missing.")
MSG_COLUMN_MISSING = _("The column “%(column)s” is missing from row 1.")

EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
HEADER_ROWS = 2  # keys, then labels


def cell_text(value: Any) -> str:
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


def iin_text(value: Any) -> str:
    """An IIN typed into a number cell loses its leading zeros: pad it back to 12 digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:012d}"
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return f"{int(value):012d}"
    return re.sub(r"\s+", "", cell_text(value))


_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date(value: Any) -> date | None:
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


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(value)


@dataclass
class Row:
    """A data row of a sheet: its values by column key, and the letters of those columns."""

    sheet: str
    number: int
    values: dict[str, Any]
    letters: dict[str, str]

    def has(self, key: str) -> bool:
        return key in self.letters


def size_error(size: int, limits: Limits | None = None) -> str:
    """The message refusing an upload of `size` bytes, or "" when it is small enough."""
    limits = limits or Limits.from_settings()
    if size <= limits.max_bytes:
        return ""
    return str(MSG_TOO_LARGE) % {
        "size": filesizeformat(size),
        "max": filesizeformat(limits.max_bytes),
    }


# One tag of a sheet's XML, whatever its namespace prefix, followed by a space, ">" or "/".
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_ROW_TAG = re.compile(_PREFIX + rb"row[\s/>]")
_CELL_TAG = re.compile(_PREFIX + rb"c[\s/>]")
_VALUE_TAG = re.compile(_PREFIX + rb"(?:v|is)[\s>]")
_ROW_NUMBER = re.compile(rb"\sr\s*=\s*[\"'](\d+)[\"']")
_CHUNK = 1 << 20
# How XML in UTF-16 or UTF-32 starts (byte-order marks, or "<" with zero bytes): Excel never
# writes it; an image or other binary part starts otherwise.
_WIDE_STARTS = frozenset({b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00"})


class _SheetTooLarge(Exception):
    pass


class _SheetMalformed(Exception):
    pass


@dataclass
class _RowScan:
    """Counts the rows of a sheet's XML as its bytes stream by, without parsing it."""

    max_rows: int
    rows: int = 0  # data rows holding a value
    number: int = 0  # the current row's number
    cells: int = 0  # the current row's cells
    value: bool = False  # whether the current row holds a value

    def close_row(self) -> None:
        if self.value and self.number > HEADER_ROWS:
            self.rows += 1
            if self.rows > self.max_rows:
                raise _SheetTooLarge

    def open_row(self, tag: bytes) -> None:
        self.close_row()
        match = _ROW_NUMBER.search(tag)
        number = int(match.group(1)) if match else self.number + 1
        if number <= self.number or number > EXCEL_MAX_ROW:
            raise _SheetMalformed  # openpyxl would drop such a row, or loop to its number
        self.number, self.cells, self.value = number, 0, False

    def content(self, buffer: bytes, start: int, end: int) -> None:
        self.cells += len(_CELL_TAG.findall(buffer, start, end))
        if self.cells > EXCEL_MAX_COLUMNS:
            raise _SheetMalformed
        if not self.value and _VALUE_TAG.search(buffer, start, end):
            self.value = True


def _scan_sheet(source: IO[bytes], max_rows: int) -> None:
    """Raise _SheetTooLarge or _SheetMalformed; reads the XML once, in chunks, at C speed.

    A buffer is processed up to its last "<": no tag straddles that cut, so each tag is seen
    whole exactly once.
    """
    scan = _RowScan(max_rows)
    buffer = b""
    first = True
    while True:
        chunk = source.read(_CHUNK)
        if first and chunk[:2] in _WIDE_STARTS:
            raise _SheetMalformed  # UTF-16 or UTF-32 XML: its tags would escape the scan
        first = False
        buffer += chunk
        cut = len(buffer) if not chunk else buffer.rfind(b"<")
        if cut <= 0:
            if not chunk:
                break
            continue
        start = 0
        for match in _ROW_TAG.finditer(buffer, 0, cut):
            scan.content(buffer, start, match.start())
            scan.open_row(buffer[match.start() : buffer.find(b">", match.start(), cut) + 1])
            start = match.end()
        scan.content(buffer, start, cut)
        buffer = buffer[cut:]
        if not chunk:
            break
    scan.close_row()


_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(r'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b[^>]*>")


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """The sheet name of each worksheet part, for the messages (best effort, never fails)."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, OSError, zipfile.BadZipFile):
        return {}
    targets = {}
    for tag in _RELATIONSHIP.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(tag))
        target = attributes.get("Target", "")
        targets[attributes.get("Id", "")] = (
            target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        )
    names = {}
    for tag in _SHEET.findall(book):
        attributes = dict(_ATTRIBUTE.findall(tag))
        rid = next((v for k, v in attributes.items() if k.endswith(":id")), "")
        if rid in targets:
            names[targets[rid]] = attributes.get("name", "")
    return names


def _check_archive(stream: IO[bytes], limits: Limits) -> str:
    """Why the zip must be refused before openpyxl opens it, or "".

    openpyxl parses a whole sheet just to size it when its <dimension> tag is missing, so
    every part is scanned here first: a sheet over the row limit is refused after reading
    `max_rows` of its rows, whatever follows. Python's zipfile stops a part at its declared
    size (and then fails its CRC check), so the declared sizes bound what can be unzipped.
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            if sum(member.file_size for member in members) > limits.max_unpacked_bytes:
                return str(MSG_TOO_LARGE_UNPACKED) % {
                    "max": filesizeformat(limits.max_unpacked_bytes)
                }
            for member in members:
                with archive.open(member) as source:
                    try:
                        _scan_sheet(source, limits.max_rows)
                    except _SheetTooLarge:
                        sheet = _sheet_names(archive).get(member.filename, member.filename)
                        return str(MSG_TOO_MANY_ROWS) % {"sheet": sheet, "max": limits.max_rows}
                    except _SheetMalformed:
                        sheet = _sheet_names(archive).get(member.filename, member.filename)
                        return str(MSG_MALFORMED_SHEET) % {"sheet": sheet}
    except Exception:  # not a zip, a damaged part, a bad CRC...
        return str(MSG_NOT_XLSX)
    finally:
        stream.seek(0)
    return ""


def _whole_file_error(message: str) -> tuple[dict[str, list[Row]], list[CellError]]:
    return {}, [CellError("", 0, "", message)]


def read_workbook(
    data: bytes | IO[bytes], limits: Limits
) -> tuple[dict[str, list[Row]], list[CellError]]:
    """The data rows of each sheet, or the errors refusing the file (size, shape, parts)."""
    if isinstance(data, bytes | bytearray):
        stream: IO[bytes] = io.BytesIO(data)
        size = len(data)
    else:
        stream = data
        size = stream.seek(0, io.SEEK_END)
        stream.seek(0)
    if too_large := size_error(size, limits):
        return _whole_file_error(too_large)
    if refused := _check_archive(stream, limits):
        return _whole_file_error(refused)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception:
        return _whole_file_error(str(MSG_NOT_XLSX))
    errors: list[CellError] = []
    sheets: dict[str, list[Row]] = {}
    try:
        for name in SHEETS:
            if name not in workbook.sheetnames:
                errors.append(CellError(name, 0, "", str(MSG_SHEET_MISSING) % {"sheet": name}))
                continue
            sheets[name] = _read_sheet(workbook[name], name, limits.max_rows, errors)
    except _SheetTooLarge:
        message = str(MSG_TOO_MANY_ROWS) % {"sheet": name, "max": limits.max_rows}
        return _whole_file_error(message)
    except Exception:
        return _whole_file_error(str(MSG_NOT_XLSX))
    finally:
        workbook.close()
    return sheets, errors


def _read_sheet(worksheet: Any, name: str, max_rows: int, errors: list[CellError]) -> list[Row]:
    """The sheet's rows holding a value; missing required columns are added to `errors`."""
    # Every row, whatever the <dimension> tag says: read-only mode would stop at its last row.
    worksheet.reset_dimensions()
    positions: dict[str, int] = {}
    for header in worksheet.iter_rows(min_row=1, max_row=1, values_only=True):
        for index, value in enumerate(header):
            positions.setdefault(cell_text(value).lower(), index)
    columns = SHEETS[name]
    for column in columns:
        if column.required and column.key not in positions:
            message = str(MSG_COLUMN_MISSING) % {"column": column.key}
            errors.append(CellError(name, 1, column.key, message))
    indexes = {c.key: positions[c.key] for c in columns if c.key in positions}
    if not indexes:
        return []
    letters = {key: get_column_letter(index + 1) for key, index in indexes.items()}
    width = max(indexes.values()) + 1  # the columns after the last known one are not read
    parsed: list[Row] = []
    rows = worksheet.iter_rows(min_row=HEADER_ROWS + 1, max_col=width, values_only=True)
    for number, values in enumerate(rows, start=HEADER_ROWS + 1):
        if values.count(None) == len(values):
            continue  # an empty row (also the gaps between row numbers)
        cells = {
            key: values[index] if index < len(values) else None for key, index in indexes.items()
        }
        if any(cell_text(v) for v in cells.values()):
            parsed.append(Row(name, number, cells, letters))
            if len(parsed) > max_rows:  # the scan counted these rows already: a safety net
                raise _SheetTooLarge
    return parsed
