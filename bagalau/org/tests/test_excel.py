"""Excel import and export of a body's structure and staff (bagalau.org.excel)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bagalau.core.models import AuditEvent
from bagalau.org import excel
from bagalau.org.excel import (
    CellError,
    ImportRejected,
    build_template,
    export_body,
    import_workbook,
)
from bagalau.org.models import Absence, Appointment, Position, Servant, StateBody, Unit

from .excel_helpers import (
    bad_checksum,
    create_categories,
    make_bin,
    make_iin,
    read_rows,
    sample,
    workbook_bytes,
)

ORG_MODELS = (Unit, Position, Servant, Appointment, Absence, AuditEvent)

pytestmark = pytest.mark.django_db


@pytest.fixture
def categories() -> None:
    create_categories()


@pytest.fixture
def body(categories: None) -> StateBody:
    return StateBody.objects.create(name_kk="Сынақ министрлігі", bin=make_bin(4101))


@pytest.fixture
def iins() -> list[str]:
    # the second one starts with zeros (born 2001): typed as a number it loses them
    return [make_iin(11), make_iin(12, born=date(2001, 5, 1), century=5), make_iin(13)]


@pytest.fixture
def rows(iins: list[str]) -> dict[str, list[dict[str, Any]]]:
    return sample(iins)


def table_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ORG_MODELS}


def rejected(body: StateBody, data: bytes) -> list[CellError]:
    with pytest.raises(ImportRejected) as caught:
        import_workbook(actor=None, body=body, data=data)
    assert caught.value.code == "import_rejected"
    assert caught.value.status == 400
    return caught.value.cell_errors


def where(errors: list[CellError]) -> set[tuple[str, int, str, str]]:
    return {(e.sheet, e.row, e.column, e.cell) for e in errors}


def test_it_builds_a_template_that_imports_empty(body: StateBody) -> None:
    # the downloadable template has the five sheets, machine keys on row 1, labels on
    # row 2, frozen headers, and imports as an empty workbook without errors
    data = build_template()
    import io

    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == list(excel.SHEETS)
    servants = workbook["servants"]
    assert [c.value for c in servants[1]][:3] == ["iin", "last_name_kk", "first_name_kk"]
    assert all(isinstance(c.value, str) and c.value for c in servants[2])
    assert servants.freeze_panes == "A3"
    assert servants["A1"].font.b
    assert servants.column_dimensions["A"].number_format == "@"

    report = import_workbook(actor=None, body=body, data=data)

    assert all(c == {"created": 0, "updated": 0, "unchanged": 0} for c in report.counts.values())


def test_it_imports_a_clean_workbook(body: StateBody, rows: dict, iins: list[str]) -> None:
    # everything is created, the tree is linked, categories normalised, the IIN typed as a
    # number keeps its leading zeros, dates in every accepted form are read, one audit row
    report = import_workbook(actor=None, body=body, data=workbook_bytes(rows))

    assert report.created == {
        "units": 3, "positions": 4, "servants": 3, "appointments": 4, "absences": 1
    }  # fmt: skip
    units = {u.code: u for u in Unit.objects.filter(body=body)}
    assert units["LEAD"].parent is None
    assert units["A"].parent == units["LEAD"] and units["B"].parent == units["A"]
    positions = {p.code: p for p in Position.objects.filter(body=body)}
    assert positions["P2"].category == "D-3" and positions["P2"].is_head
    assert positions["P3"].category == "C-O-4"
    assert not positions["P3"].is_head and positions["P3"].provides_public_services
    second = Servant.objects.get(iin=iins[1])
    assert iins[1].startswith("0") and second.language == "ru"
    assert Servant.objects.get(iin=iins[0]).language == "kk"
    appointment = Appointment.objects.get(servant=second)
    assert (appointment.start_date, appointment.probation_end) == (
        date(2021, 2, 1),
        date(2021, 5, 1),
    )
    third = Appointment.objects.filter(servant__iin=iins[2]).order_by("start_date")
    assert [(a.position.code, a.end_date, a.end_reason) for a in third] == [
        ("P4", date(2022, 2, 28), "transfer"), ("P3", None, "")
    ]  # fmt: skip
    assert third[1].supervisor_override == positions["P1"]
    assert Absence.objects.get(servant=second).end_date == date(2024, 7, 14)
    event = AuditEvent.objects.get(action="org.imported")
    assert event.body == body and event.data["servants"]["created"] == 3


def test_it_reimports_without_duplicates_and_updates_a_changed_name(
    body: StateBody, rows: dict, iins: list[str]
) -> None:
    # a re-import matches rows by code / IIN / (IIN, position, start): nothing duplicated,
    # only the changed name is updated, rows absent from the workbook are left alone
    import_workbook(actor=None, body=body, data=workbook_bytes(rows))
    before = table_counts()
    changed = copy.deepcopy(rows)
    changed["servants"][0]["last_name_kk"] = "Әлиұлы"
    changed["absences"] = []

    report = import_workbook(actor=None, body=body, data=workbook_bytes(changed))

    assert report.created == dict.fromkeys(excel.SHEETS, 0)
    assert report.updated == {**dict.fromkeys(excel.SHEETS, 0), "servants": 1}
    assert table_counts() == {**before, "AuditEvent": before["AuditEvent"] + 1}
    assert Servant.objects.get(iin=iins[0]).last_name_kk == "Әлиұлы"
    assert Absence.objects.count() == 1


def test_it_refuses_a_bad_checksum_an_unknown_category_and_a_duplicate_iin_whole(
    body: StateBody, rows: dict, iins: list[str]
) -> None:
    # acceptance: one error per bad cell, with sheet/row/column, and the database unchanged
    # (also the good rows of the same workbook: a changed name is not saved)
    import_workbook(actor=None, body=body, data=workbook_bytes(rows))
    before = table_counts()
    bad = copy.deepcopy(rows)
    bad["positions"][3]["category"] = "Z-9"  # row 6
    bad["servants"][0]["last_name_kk"] = "Өзгерген"  # a valid change that must not be saved
    bad["servants"].append(
        {"iin": bad_checksum(make_iin(14)), "last_name_kk": "Қате", "first_name_kk": "Б"}
    )  # row 6
    bad["servants"].append(
        {"iin": iins[2], "last_name_kk": "Қайталау", "first_name_kk": "В"}
    )  # row 7

    errors = rejected(body, workbook_bytes(bad))

    assert where(errors) == {
        ("positions", 6, "category", "F6"),
        ("servants", 6, "iin", "A6"),
        ("servants", 7, "iin", "A7"),
    }
    assert len(errors) == 3
    assert "5" in next(e.message for e in errors if e.row == 7)  # names the first row
    assert table_counts() == before
    assert Servant.objects.get(iin=iins[0]).last_name_kk == "Әлиев"


def test_it_reports_the_messages_in_the_active_language(body: StateBody, rows: dict) -> None:
    # messages are translated when the error is built (the Russian catalogue may not exist
    # yet, so only their presence is checked), and stay text after the override ends
    rows["servants"][0]["iin"] = bad_checksum(rows["servants"][0]["iin"])
    with translation.override("ru"), pytest.raises(ImportRejected) as caught:
        import_workbook(actor=None, body=body, data=workbook_bytes(rows))
    messages = [e.message for e in caught.value.cell_errors]
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert isinstance(caught.value.text(), str) and caught.value.text()
    assert caught.value.as_dict()["errors"][0]["field"] == "servants!A3"


def test_it_reports_overlapping_appointments(body: StateBody, rows: dict, iins: list[str]) -> None:
    # the same servant twice at once in the sheet, a position held by two people at once,
    # and an overlap with an appointment already in the database are each reported
    import_workbook(actor=None, body=body, data=workbook_bytes(rows))
    newcomer = make_iin(21)
    bad = copy.deepcopy(rows)
    bad["servants"].append({"iin": newcomer, "last_name_kk": "Жаңа", "first_name_kk": "Г"})
    bad["appointments"] += [
        # row 7: the first servant, already open in P1 from 2020 (row 3)
        {"iin": iins[0], "position_code": "P4", "start_date": "2023-01-01"},
        # row 8: P2 is held by the second servant since 2021 (row 4)
        {"iin": newcomer, "position_code": "P2", "start_date": "2023-06-01", "end_date": "2023-06-30"},
    ]  # fmt: skip
    errors = rejected(body, workbook_bytes(bad))
    assert where(errors) == {
        ("appointments", 7, "start_date", "C7"),
        ("appointments", 8, "position_code", "B8"),
    }

    # against the database: the workbook no longer lists P1 for the first servant
    only_new = {
        "servants": [],
        "appointments": [{"iin": iins[0], "position_code": "P4", "start_date": "2023-01-01"}],
    }
    errors = rejected(body, workbook_bytes(only_new))
    assert where(errors) == {("appointments", 3, "start_date", "C3")}
    assert "P1" in errors[0].message


def test_it_reports_unknown_units_positions_servants_and_bad_dates(
    body: StateBody, rows: dict
) -> None:
    # references to nothing, a parent cycle, two heads of one unit, an end before the start
    rows["units"][1]["parent_code"] = "B"  # LEAD under B under A under LEAD: a cycle
    rows["positions"][3]["unit_code"] = "NOPE"
    rows["positions"][3]["is_head"] = "maybe"
    rows["positions"].append(
        {"code": "P5", "unit_code": "A", "title_kk": "Т", "category": "D-3", "is_head": 1}
    )
    rows["appointments"][0]["position_code"] = "P9"
    rows["appointments"][1]["end_date"] = "2020-01-01"
    rows["absences"][0].update(iin=make_iin(31), kind="holiday", start_date="31.02.2024")  # fmt: skip

    errors = rejected(body, workbook_bytes(rows))

    assert where(errors) == {
        ("units", 3, "parent_code", "B3"),
        ("units", 4, "parent_code", "B4"),
        ("units", 5, "parent_code", "B5"),
        ("positions", 6, "unit_code", "B6"),
        ("positions", 6, "is_head", "G6"),
        ("positions", 7, "is_head", "G7"),
        ("appointments", 3, "position_code", "B3"),
        ("appointments", 4, "end_date", "E4"),
        ("absences", 3, "iin", "A3"),
        ("absences", 3, "kind", "B3"),
        ("absences", 3, "start_date", "C3"),
    }
    assert Unit.objects.count() == 0


def test_it_refuses_an_iin_of_another_body(body: StateBody, rows: dict, iins: list[str]) -> None:
    # a servant belongs to one body: the import cannot take over another body's servant
    other = StateBody.objects.create(name_kk="Басқа", bin=make_bin(4202))
    Servant.objects.create(body=other, iin=iins[2], last_name_kk="Басқа", first_name_kk="Б")

    errors = rejected(body, workbook_bytes(rows))

    assert where(errors) == {("servants", 5, "iin", "A5")}


def test_it_refuses_a_file_that_is_not_a_workbook(body: StateBody) -> None:
    # any bytes that are not an .xlsx give one general error, not a crash
    errors = rejected(body, b"iin;name\n900101300001;A\n")
    assert errors == [CellError("", 0, "", str(excel.MSG_NOT_XLSX))]


def test_it_reports_missing_sheets_and_columns(body: StateBody, rows: dict) -> None:
    # the structure is checked before the cells: a missing sheet and required column each
    data = workbook_bytes(rows, omit=("absences", "servants.first_name_kk"))
    errors = rejected(body, data)
    assert {(e.sheet, e.row, e.column) for e in errors} == {
        ("servants", 1, "first_name_kk"),
        ("absences", 0, ""),
    }


def test_an_export_imports_back_unchanged(body: StateBody, rows: dict) -> None:
    # export → import is idempotent: nothing created or updated, and exporting again gives
    # the same rows (IINs and codes as text, the whole appointment history, the absences)
    import_workbook(actor=None, body=body, data=workbook_bytes(rows))
    exported = export_body(body)
    before = table_counts()

    report = import_workbook(actor=None, body=body, data=exported)

    assert report.created == dict.fromkeys(excel.SHEETS, 0)
    assert report.updated == dict.fromkeys(excel.SHEETS, 0)
    assert report.counts["appointments"]["unchanged"] == 4
    assert table_counts() == {**before, "AuditEvent": before["AuditEvent"] + 1}
    sheets = read_rows(exported)
    assert sheets == read_rows(export_body(body))
    assert [r[0] for r in sheets["units"][2:]] == ["LEAD", "A", "B"]  # parents first
    assert all(isinstance(r[0], str) and len(r[0]) == 12 for r in sheets["servants"][2:])


def _staff(count: int, first: int) -> dict[str, list[dict[str, Any]]]:
    iins = [make_iin(first + 10 * n) for n in range(count)]
    return {
        "units": [{"code": "LEAD", "name_kk": "Басшылық"}],
        "positions": [
            {"code": f"P{n}", "unit_code": "LEAD", "title_kk": "Сарапшы", "category": "D-4"}
            for n in range(count)
        ],
        "servants": [{"iin": iin, "last_name_kk": "Аты", "first_name_kk": "Б"} for iin in iins],
        "appointments": [
            {"iin": iin, "position_code": f"P{n}", "start_date": "2020-01-01"}
            for n, iin in enumerate(iins)
        ],
        "absences": [
            {"iin": iin, "kind": "sick_leave", "start_date": "2024-01-01", "end_date": "2024-01-05"}
            for iin in iins
        ],
    }


def test_the_number_of_queries_does_not_grow_with_the_workbook(categories: None) -> None:
    # 10 and 200 servants (with positions, appointments, absences) read the same number of
    # times; writes differ only where SQLite splits a bulk INSERT at 999 parameters
    small = StateBody.objects.create(name_kk="Кіші", bin=make_bin(5101))
    large = StateBody.objects.create(name_kk="Үлкен", bin=make_bin(5202))
    with CaptureQueriesContext(connection) as few:
        import_workbook(actor=None, body=small, data=workbook_bytes(_staff(10, 1)))
    with CaptureQueriesContext(connection) as many:
        import_workbook(actor=None, body=large, data=workbook_bytes(_staff(200, 3)))

    def reads(queries: CaptureQueriesContext) -> int:
        return sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries)

    assert Servant.objects.filter(body=large).count() == 200
    assert reads(many) == reads(few)
    assert len(many) <= len(few) + 10

    # a re-import of the large body changes nothing and writes nothing but the audit row
    with CaptureQueriesContext(connection) as again:
        import_workbook(actor=None, body=large, data=workbook_bytes(_staff(200, 3)))
    assert len(again) <= reads(few) + 4


def test_the_import_command_exits_1_and_changes_nothing_on_errors(
    body: StateBody, rows: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `manage.py import_org` prints one "sheet!cell column: message" line per bad cell to
    # stderr and exits with status 1; a clean file prints the counts
    rows["servants"][0]["iin"] = bad_checksum(rows["servants"][0]["iin"])
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes(rows))
    before = table_counts()

    with pytest.raises(CommandError) as caught:
        call_command("import_org", str(path), "--body", body.bin, "--language", "ru")

    assert caught.value.returncode == 1
    assert capsys.readouterr().err.startswith("servants!A3 iin: ")
    assert table_counts() == before


def test_the_commands_import_and_export(body: StateBody, rows: dict, tmp_path: Path) -> None:
    # import_org loads a clean file; export_org writes the body back and the template
    source, target, template = tmp_path / "in.xlsx", tmp_path / "out.xlsx", tmp_path / "t.xlsx"
    source.write_bytes(workbook_bytes(rows))

    call_command("import_org", str(source), "--body", body.bin)
    call_command("export_org", "--body", body.bin, "-o", str(target), "--language", "en")
    call_command("export_org", "-o", str(template))

    assert Servant.objects.filter(body=body).count() == 3
    assert len(read_rows(target.read_bytes())["servants"]) == 5
    assert read_rows(target.read_bytes())["servants"][1][0] == "IIN"
    assert len(read_rows(template.read_bytes())["servants"]) == 2
    with pytest.raises(CommandError):
        call_command("import_org", str(source), "--body", make_bin(9999))


def test_the_deputy_head_flag_imports_and_is_refused_on_a_head(body: StateBody, rows: dict) -> None:
    # seed 003: deputies (C-2, C-3) fall in group 2; a position is head or deputy, not both
    flagged = copy.deepcopy(rows)
    flagged["positions"][3]["is_deputy_head"] = "1"
    import_workbook(actor=None, body=body, data=workbook_bytes(flagged))
    code = flagged["positions"][3]["code"]
    assert Position.objects.get(body=body, code=code).is_deputy_head
    both = copy.deepcopy(flagged)
    both["positions"][3]["is_head"] = "1"
    errors = rejected(body, workbook_bytes(both))
    assert ("positions", 6, "is_deputy_head") in {(e.sheet, e.row, e.column) for e in errors}
