"""Crafted workbooks: refused at once, or read whole, with a bounded list of errors.

Issue 11, item 9: a 2.2 MB workbook of 300,000 bad rows held a worker for 37 s and returned a
178 MB page; a workbook whose <dimension> tag understated its rows silently lost a row.
"""

from __future__ import annotations

import io
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import translation
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from bagalau.org import excel
from bagalau.org.excel import CellError, ImportRejected, import_workbook, reading
from bagalau.org.excel.errors import CellErrors
from bagalau.org.models import Servant, StateBody

from .excel_helpers import (
    bad_checksum,
    create_categories,
    make_bin,
    make_iin,
    rewrite_sheet,
    sample,
    sheet_paths,
    unzip,
    with_dimension,
    workbook_bytes,
    zip_bytes,
)
from .test_excel import table_counts

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The messages compared below are the English ones (the default language is Kazakh)."""
    with translation.override("en"):
        yield


@pytest.fixture
def body() -> StateBody:
    create_categories()
    return StateBody.objects.create(name_kk="Сынақ министрлігі", bin=make_bin(4301))


def hr_client(world: Any) -> Client:
    client = world.client("otherhr")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def rejected(body: StateBody, data: bytes) -> ImportRejected:
    with pytest.raises(ImportRejected) as caught:
        import_workbook(actor=None, body=body, data=data)
    return caught.value


def not_reached(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("openpyxl is not reached")


def servants_only(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {"servants": rows}


def servant_rows(count: int, start: int = 0, *, bad: bool = False) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        iin = make_iin(start + i * 3 + 1)
        rows.append(
            {
                "iin": bad_checksum(iin) if bad else iin,
                "last_name_kk": f"Тегі{i}",
                "first_name_kk": "Аты",
            }
        )
    return rows


# --- the <dimension> tag ----------------------------------------------------------------------


def test_every_row_is_imported_when_the_dimension_tag_understates_rows_and_columns(
    body: StateBody,
) -> None:
    iins = [make_iin(100 + i * 7) for i in range(6)]
    rows = sample(iins)
    rows["servants"].append({"iin": iins[3], "last_name_kk": "Соңғы", "first_name_kk": "Қатар"})
    # Row 3 only, and columns A:B only: openpyxl's read-only mode would stop there.
    data = with_dimension(workbook_bytes(rows), "servants", "A1:B3")
    data = with_dimension(data, "units", "A1:A1")
    crafted = load_workbook(io.BytesIO(data), read_only=True)
    assert (crafted["servants"].max_row, crafted["servants"].max_column) == (3, 2)
    crafted.close()

    report = import_workbook(actor=None, body=body, data=data)

    assert report.created["servants"] == 4
    assert report.created["units"] == 3
    last = Servant.objects.get(iin=iins[3])
    assert (last.last_name_kk, last.first_name_kk) == ("Соңғы", "Қатар")  # column C is read too


def test_a_bad_row_beyond_an_understated_dimension_refuses_the_workbook_whole(
    body: StateBody,
) -> None:
    iins = [make_iin(200 + i * 7) for i in range(6)]
    rows = sample(iins)
    rows["servants"][2]["iin"] = bad_checksum(iins[2])  # row 5, beyond A1:I3
    data = with_dimension(workbook_bytes(rows), "servants", "A1:I3")
    before = table_counts()

    error = rejected(body, data)

    # the bad IIN on row 5, then the rows of other sheets that name that servant
    assert [(e.sheet, e.cell) for e in error.cell_errors][:1] == [("servants", "A5")]
    assert {e.sheet for e in error.cell_errors[1:]} <= {"appointments", "absences"}
    assert table_counts() == before


# --- many bad rows: a bounded list, every one counted ------------------------------------------


def test_many_bad_rows_list_the_first_errors_in_order_and_count_them_all(
    body: StateBody, settings: Any
) -> None:
    settings.BAGALAU_IMPORT_MAX_ERRORS = 100
    data = workbook_bytes(servants_only(servant_rows(5000, bad=True)))
    before = table_counts()

    error = rejected(body, data)

    assert error.total == 5000
    assert len(error.cell_errors) == 100 == len(error.errors)
    assert [e.cell for e in error.cell_errors] == [f"A{row}" for row in range(3, 103)]
    assert "5000" in error.text()
    assert error.unlisted_text() == "…and 4900 more (5000 errors in all)."
    assert table_counts() == before


def test_the_page_of_a_workbook_of_5000_bad_rows_stays_small(world: Any, settings: Any) -> None:
    settings.BAGALAU_IMPORT_MAX_ERRORS = 100
    data = workbook_bytes(servants_only(servant_rows(5000, start=9000, bad=True)))
    before = table_counts()

    response = hr_client(world).post(
        f"/bodies/{world.other_body.pk}/import/", {"workbook": upload(data)}
    )

    assert response.status_code == 200
    assert len(response.context["cell_errors"]) == 100
    page = response.content.decode()
    assert page.count("<tr><td>servants</td>") == 100
    assert "…and 4900 more (5000 errors in all)." in page
    assert len(response.content) < 100_000
    assert table_counts() == before


def test_the_command_prints_the_first_errors_and_the_count(
    body: StateBody, settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.BAGALAU_IMPORT_MAX_ERRORS = 10
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(servants_only(servant_rows(300, bad=True))))

    with pytest.raises(CommandError):
        call_command("import_org", str(path), "--body", body.bin, "--language", "en")

    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 11
    assert lines[0].startswith("servants!A3 iin:")
    assert lines[-1] == "…and 290 more (300 errors in all)."


# --- too many rows ---------------------------------------------------------------------------


def test_a_sheet_over_the_row_limit_is_refused_before_openpyxl_opens_it(
    body: StateBody, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BAGALAU_IMPORT_MAX_ROWS = 50
    monkeypatch.setattr(reading, "load_workbook", not_reached)
    data = workbook_bytes(servants_only(servant_rows(51, bad=True)))

    error = rejected(body, data)

    message = str(excel.MSG_TOO_MANY_ROWS) % {"sheet": "servants", "max": 50}
    assert error.cell_errors == [CellError("", 0, "", message)]
    assert "50" in message


def test_300000_bad_rows_without_a_dimension_tag_are_refused_before_openpyxl_opens_them(
    body: StateBody, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workbook: openpyxl sizes a sheet without <dimension> by parsing all of it.
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{n:012d}</t></is></c></row>'
        for n in range(3, 300_003)
    )

    def craft(xml: str) -> str:
        xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml)
        return xml.replace("</sheetData>", rows + "</sheetData>")

    data = rewrite_sheet(workbook_bytes({}), "servants", craft)
    assert len(data) < 3_000_000
    monkeypatch.setattr(reading, "load_workbook", not_reached)

    error = rejected(body, data)

    assert error.total == 1
    assert "more than 50000 rows" in error.cell_errors[0].message


def test_a_sheet_at_the_row_limit_imports_and_empty_formatted_rows_do_not_count(
    body: StateBody, settings: Any
) -> None:
    settings.BAGALAU_IMPORT_MAX_ROWS = 50
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns in excel.SHEETS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([c.key for c in columns])
        sheet.append([str(c.label) for c in columns])
    servants = workbook["servants"]
    for row in servant_rows(50, start=500):
        servants.append([row.get(c.key) for c in excel.SHEETS["servants"]])
    for number in range(60, 200):  # formatted but empty: written as cells without values
        servants.cell(row=number, column=1).font = Font(bold=True)
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = import_workbook(actor=None, body=body, data=buffer.getvalue())

    assert report.created["servants"] == 50


class EndlessSheet(io.RawIOBase):
    """A sheet's XML that never ends: the scan must stop by itself once over the limit."""

    def __init__(self) -> None:
        self.row = 0
        self.served = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.row += 1
        if self.row == 1:
            return b'<worksheet><dimension ref="A1:A1"/><sheetData>'
        chunk = "".join(
            f'<row r="{self.row * 100 + i}"><c r="A1"><v>1</v></c></row>' for i in range(100)
        ).encode()
        self.served += len(chunk)
        return chunk


def test_the_row_scan_stops_counting_once_over_the_limit() -> None:
    source = EndlessSheet()
    with pytest.raises(reading._SheetTooLarge):
        reading._scan_sheet(source, max_rows=1000)  # type: ignore[arg-type]
    assert source.row < 15


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_the_row_scan_counts_rows_with_values_whatever_the_chunks_and_prefix(
    monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(reading, "_CHUNK", chunk)
    xml = (
        b'<x:worksheet xmlns:x="s"><x:cols><x:col min="1"/></x:cols><x:sheetData>'
        b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>iin</x:t></x:is></x:c></x:row>'
        b'<x:row r="2"><x:c r="A2"><x:v>2</x:v></x:c></x:row>'
        b'<x:row r="3"><x:c r="A3" s="1"/></x:row>'  # formatted, empty: not counted
        b'<x:row\tr="4"\n><x:c\nr="A4"><x:v>4</x:v></x:c></x:row>'
        b'<x:row r="9" spans="1:2"><x:c r="B9"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>'
        b"<x:row/>"  # number 10, empty
        b"<x:row><x:c><x:v>11</x:v></x:c></x:row>"
        b"</x:sheetData><x:rowBreaks/></x:worksheet>"
    )
    reading._scan_sheet(io.BytesIO(xml), max_rows=3)
    with pytest.raises(reading._SheetTooLarge):
        reading._scan_sheet(io.BytesIO(xml), max_rows=2)


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="3"><c r="A3"><v>1</v></c></row><row r="3"><c r="A3"><v>2</v></c></row>',
        '<row r="5"><c r="A5"><v>1</v></c></row><row r="4"><c r="A4"><v>2</v></c></row>',
        '<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
        '<row r="3">' + "<c><v>1</v></c>" * 16_385 + "</row>",
    ],
    ids=["repeated", "backwards", "past-excel", "too-wide"],
)
def test_a_sheet_with_rows_openpyxl_would_drop_or_loop_on_is_refused(
    body: StateBody, rows: str
) -> None:
    data = workbook_bytes(servants_only(servant_rows(1, start=700)))
    data = rewrite_sheet(
        data, "servants", lambda xml: xml.replace("</sheetData>", rows + "</sheetData>")
    )

    error = rejected(body, data)

    message = str(excel.MSG_MALFORMED_SHEET) % {"sheet": "servants"}
    assert error.cell_errors == [CellError("", 0, "", message)]


def test_a_sheet_in_utf16_is_refused_as_its_rows_would_escape_the_scan(body: StateBody) -> None:
    data = workbook_bytes(servants_only(servant_rows(1, start=750)))
    path = sheet_paths(data)["servants"]

    def utf16(members: dict[str, bytes]) -> dict[str, bytes]:
        xml = members[path].decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return {**members, path: xml.encode("utf-16")}

    error = rejected(body, zip_bytes(utf16(unzip(data))))

    message = str(excel.MSG_MALFORMED_SHEET) % {"sheet": "servants"}
    assert error.cell_errors == [CellError("", 0, "", message)]


def test_the_row_count_is_checked_again_while_reading(
    body: StateBody, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BAGALAU_IMPORT_MAX_ROWS = 5
    monkeypatch.setattr(reading, "_scan_sheet", lambda source, max_rows: None)

    error = rejected(body, workbook_bytes(servants_only(servant_rows(6, start=760))))

    message = str(excel.MSG_TOO_MANY_ROWS) % {"sheet": "servants", "max": 5}
    assert error.cell_errors == [CellError("", 0, "", message)]


# --- size, zip bombs, not a workbook -----------------------------------------------------------


def upload(data: bytes, name: str = "org.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_a_file_over_the_size_limit_is_refused_before_openpyxl_opens_it(
    world: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = workbook_bytes(servants_only(servant_rows(3, start=800)))
    settings.BAGALAU_IMPORT_MAX_BYTES = len(data) - 1

    monkeypatch.setattr(reading, "load_workbook", not_reached)
    before = table_counts()

    response = hr_client(world).post(
        f"/bodies/{world.other_body.pk}/import/", {"workbook": upload(data)}
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["workbook"]
    assert message.startswith("The file is ") and "the largest workbook accepted is" in message
    assert table_counts() == before
    with pytest.raises(ImportRejected) as caught:
        import_workbook(actor=None, body=world.other_body, data=data)
    assert caught.value.cell_errors[0].message == message


def test_the_command_refuses_a_file_over_the_size_limit(
    body: StateBody, settings: Any, tmp_path: Path
) -> None:
    settings.BAGALAU_IMPORT_MAX_BYTES = 100
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"x" * 101)
    with pytest.raises(CommandError, match="the largest workbook accepted is"):
        call_command("import_org", str(path), "--body", body.bin, "--language", "en")


def test_a_zip_bomb_is_refused_from_its_declared_sizes(world: Any, settings: Any) -> None:
    settings.BAGALAU_IMPORT_MAX_UNPACKED_BYTES = 1024 * 1024
    bomb = zip_bytes({"xl/sharedStrings.xml": b"0" * (4 * 1024 * 1024)})  # 4 MB into 4 KB
    assert len(bomb) < 10_000
    started = time.monotonic()

    response = hr_client(world).post(
        f"/bodies/{world.other_body.pk}/import/", {"workbook": upload(bomb)}
    )

    assert response.status_code == 200
    assert time.monotonic() - started < 5
    [error] = response.context["cell_errors"]
    assert error.message == str(excel.MSG_TOO_LARGE_UNPACKED) % {"max": filesizeformat(1024 * 1024)}


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a workbook at all",
        b"PK\x03\x04 truncated zip",
        zip_bytes({"readme.txt": b"a zip, but not a workbook"}),
        zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not xml"}),
    ],
    ids=["empty", "text", "truncated-zip", "other-zip", "broken-xml"],
)
def test_a_file_that_is_not_a_workbook_gets_a_form_error_not_a_500(world: Any, data: bytes) -> None:
    response = hr_client(world).post(
        f"/bodies/{world.other_body.pk}/import/", {"workbook": upload(data)}
    )
    assert response.status_code == 200
    if not data:  # Django's own: "The submitted file is empty."
        assert response.context["form"].errors["workbook"]
        return
    [error] = response.context["cell_errors"]
    assert error.message == str(excel.MSG_NOT_XLSX)


def test_the_error_list_keeps_the_first_errors_whatever_the_order_they_are_found_in() -> None:
    cells = [("servants", row, column) for row in range(3, 400) for column in ("iin", "email")]
    cells += [("units", row, "code") for row in range(3, 50)]
    for seed in range(5):
        shuffled = cells[:]
        random.Random(seed).shuffle(shuffled)
        found = CellErrors(keep=30)
        for sheet, row, column in shuffled + shuffled[:40]:  # each cell once, even if repeated
            found.add(CellError(sheet, row, column, "bad"))
        expected = sorted(cells, key=lambda cell: CellErrors.order(*cell))[:30]
        assert [(e.sheet, e.row, e.column) for e in found.first()] == expected
        assert len(found) == len(cells)
        assert expected[0] == ("units", 3, "code")


def test_the_page_states_the_limits(world: Any, settings: Any) -> None:
    settings.BAGALAU_IMPORT_MAX_ROWS = 1234
    response = hr_client(world).get(f"/bodies/{world.other_body.pk}/import/")
    assert "with up to 1234 rows per sheet" in response.content.decode()
