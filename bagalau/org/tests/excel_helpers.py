"""Workbooks built in memory for the Excel import tests, with valid IINs and BINs."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook

from bagalau.org import rules
from bagalau.org.excel import SHEETS

CATEGORIES = {  # code: (family, head group, staff group), as in 003 App 4
    "D-1": ("D", 1, 1),
    "D-2": ("D", 1, 1),
    "D-3": ("D", 2, 3),
    "D-4": ("D", 3, 3),
    "D-5": ("D", 3, 3),
    "E-4": ("E", 3, 3),
    "C-O-4": ("C", 3, 3),
}


def create_categories() -> None:
    from bagalau.methodology.models import Category

    for code, (family, head, staff) in CATEGORIES.items():
        Category.objects.get_or_create(
            code=code, defaults={"family": family, "head_group": head, "staff_group": staff}
        )


def make_iin(serial: int, born: date = date(1990, 1, 1), century: int = 3) -> str:
    """A valid IIN born on `born`; serials without a possible check digit are skipped."""
    while True:
        iin = rules.complete_with_check_digit(f"{born:%y%m%d}{century}{serial % 10000:04d}")
        if iin:
            return iin
        serial += 1


def make_bin(serial: int) -> str:
    while True:
        value = rules.complete_with_check_digit(f"1201400{serial % 10000:04d}")
        if value:
            return value
        serial += 1


def bad_checksum(iin: str) -> str:
    """The same IIN with a wrong last digit."""
    return iin[:11] + str((int(iin[11]) + 1) % 10)


def workbook_bytes(sheets: dict[str, list[dict[str, Any]]], *, omit: tuple[str, ...] = ()) -> bytes:
    """A workbook in the import's shape: keys on row 1, labels on row 2, then the rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, columns in SHEETS.items():
        if name in omit:
            continue
        sheet = workbook.create_sheet(name)
        keys = [c.key for c in columns if f"{name}.{c.key}" not in omit]
        sheet.append(keys)
        sheet.append([f"label {key}" for key in keys])
        for row in sheets.get(name, []):
            sheet.append([row.get(key) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sample(iins: list[str]) -> dict[str, list[dict[str, Any]]]:
    """A small body: leadership, two departments, four positions, three servants."""
    first, second, third = iins[:3]
    return {
        "units": [
            {"code": "A", "parent_code": "LEAD", "name_kk": "А департаменті"},
            {"code": "LEAD", "name_kk": "Басшылық", "name_ru": "Руководство"},
            {"code": "B", "parent_code": "A", "name_kk": "Б басқармасы"},
        ],
        "positions": [
            {
                "code": "P1",
                "unit_code": "LEAD",
                "title_kk": "Төраға",
                "category": "D-1",
                "is_head": 1,
            },
            {
                "code": "P2",
                "unit_code": "A",
                "title_kk": "Директор",
                "category": "д3",
                "is_head": "иә",
            },
            {
                "code": "P3",
                "unit_code": "A",
                "title_kk": "Сарапшы",
                "category": "С-0-4",
                "is_head": "нет",
                "provides_public_services": "x",
            },
            {"code": "P4", "unit_code": "B", "title_kk": "Бас сарапшы", "category": "D-4"},
        ],  # fmt: skip
        "servants": [
            {
                "iin": first,
                "last_name_kk": "Әлиев",
                "first_name_kk": "Асқар",
                "email": "a@example.kz",
            },
            {
                "iin": int(second),
                "last_name_kk": "Сейтова",
                "first_name_kk": "Дана",
                "language": "ru",
            },
            {
                "iin": third,
                "last_name_kk": "Нұрланов",
                "first_name_kk": "Ерлан",
                "last_name_ru": "Нурланов",
            },
        ],  # fmt: skip
        "appointments": [
            {"iin": first, "position_code": "P1", "start_date": "2020-01-01"},
            {
                "iin": second,
                "position_code": "P2",
                "start_date": "01.02.2021",
                "probation_end": "2021-05-01",
            },
            {
                "iin": third,
                "position_code": "P4",
                "start_date": datetime(2019, 1, 1),
                "end_date": "2022-02-28",
                "end_reason": "transfer",
            },
            {
                "iin": third,
                "position_code": "P3",
                "start_date": date(2022, 3, 1),
                "supervisor_position_code": "P1",
            },
        ],  # fmt: skip
        "absences": [
            {
                "iin": second,
                "kind": "annual_leave",
                "start_date": "2024-07-01",
                "end_date": "2024-07-14",
            },
        ],  # fmt: skip
    }


def read_rows(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every sheet, as values."""
    workbook = load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets}


def sheet_paths(data: bytes) -> dict[str, str]:
    """The zip path of each sheet's XML, by sheet name (from workbook.xml and its rels)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        book = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    targets = dict(re.findall(r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets |= {
        rid: target
        for target, rid in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)
    }
    paths = {}
    for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book):
        target = targets[rid].lstrip("/")
        paths[name] = target if target.startswith("xl/") else f"xl/{target}"
    return paths


def rewrite_sheet(data: bytes, sheet: str, change: Callable[[str], str]) -> bytes:
    """The same workbook with one sheet's XML passed through `change`."""
    path = sheet_paths(data)[sheet]
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == path:
                content = change(content.decode()).encode()
            target.writestr(member.filename, content)
    return out.getvalue()


def with_dimension(data: bytes, sheet: str, ref: str) -> bytes:
    """The workbook with the sheet's <dimension> tag set to `ref` (e.g. understating its rows)."""

    def change(xml: str) -> str:
        xml, count = re.subn(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
        assert count == 1, "the sheet has no <dimension> tag"
        return xml

    return rewrite_sheet(data, sheet, change)


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
