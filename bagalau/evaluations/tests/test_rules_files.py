"""Evidence files by content (rules/files.py): signatures from the formats' specifications."""

from __future__ import annotations

import pytest

from bagalau.core.errors import DomainError
from bagalau.evaluations.rules import files

# The first bytes of each format as its specification gives them: PDF 1.7 §7.5.2 ("%PDF-"),
# PNG (RFC 2083 §3.1: 89 50 4E 47 0D 0A 1A 0A), JPEG (SOI FF D8 then a marker FF),
# ZIP (APPNOTE 4.3.7: local file header 50 4B 03 04), OOXML parts (ECMA-376 Part 1).
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3"
PNG_HEAD = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13])
JPEG_HEAD = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF"
ZIP_HEAD = bytes([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00])
MB = 1024 * 1024


@pytest.mark.parametrize(
    ("head", "names", "content_type"),
    [
        (PDF_HEAD, (), "application/pdf"),
        (PNG_HEAD, (), "image/png"),
        (JPEG_HEAD, (), "image/jpeg"),
        (
            ZIP_HEAD,
            ["[Content_Types].xml", "word/document.xml"],
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            ZIP_HEAD,
            ("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_the_five_accepted_types_are_told_by_content(head, names, content_type):
    # Issue 14 item 5: PDF, DOCX, XLSX, PNG, JPEG, checked by content.
    assert files.sniff(head, names) == content_type


def test_only_a_zip_signature_is_a_zip():
    assert files.is_zip(ZIP_HEAD)
    assert not files.is_zip(b"PK\x05\x06")  # an empty archive's end record, not a local file
    assert not files.is_zip(b"")


@pytest.mark.parametrize(
    ("head", "names"),
    [
        (b"", ()),
        (b"PDF-1.7", ()),  # no "%"
        (b"%PDF1.7", ()),
        (PNG_HEAD[:7], ()),  # a truncated signature
        (b"\xff\xd8\x00", ()),
        (b"GIF89a", ()),
        (ZIP_HEAD, ()),  # a ZIP that is neither a DOCX nor an XLSX
        (ZIP_HEAD, ["word/styles.xml", "xl/styles.xml"]),
        (b"MZ\x90\x00", ["word/document.xml"]),  # the names of a non-ZIP do not count
    ],
)
def test_anything_else_is_refused_on_the_file_field(head, names):
    # Issue 14 item 5: the name a browser sends is not trusted, nor any other type.
    with pytest.raises(DomainError) as err:
        files.sniff(head, names)
    assert (err.value.code, err.value.field, err.value.params) == ("file_type", "file", {})
    assert err.value.message is files.MSG_TYPE


@pytest.mark.parametrize("size", [0, -1])
def test_an_empty_file_is_refused(size):
    with pytest.raises(DomainError) as err:
        files.check_size(size, 10 * MB)
    assert (err.value.code, err.value.field, err.value.params) == ("file_empty", "file", {})
    assert err.value.message is files.MSG_EMPTY


def test_a_file_up_to_the_limit_is_accepted():
    assert files.check_size(1, 10 * MB) is None
    assert files.check_size(10 * MB, 10 * MB) is None


@pytest.mark.parametrize(
    ("limit", "shown"),
    # 1234567 / 1048576 = 1.177…; 1311245 / 1048576 = 1.2505 (1.2493 per 1025 bytes).
    [(10 * MB, 10.0), (1234567, 1.2), (MB // 2, 0.5), (1311245, 1.3)],
)
def test_a_file_over_the_limit_names_the_limit_in_mb(limit, shown):
    with pytest.raises(DomainError) as err:
        files.check_size(limit + 1, limit)
    assert (err.value.code, err.value.field, err.value.params) == (
        "file_size", "file", {"max": shown},
    )  # fmt: skip
    assert err.value.message is files.MSG_SIZE


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("report.pdf", files.PDF, "report.pdf"),
        ("XRAY.png", files.PNG, "XRAY.png"),
        ("C:\\Users\\a\\report.PDF", files.PDF, "report.pdf"),
        ("../../etc/passwd", files.PNG, "passwd.png"),
        ("scan.exe", files.JPEG, "scan.jpg"),  # the content decides the extension
        ("plan.v2.final.docx", files.DOCX, "plan.v2.final.docx"),
        ("  .hidden. ", files.XLSX, "hidden.xlsx"),
        ("bad\x00na\u200bme\n.pdf", files.PDF, "badname.pdf"),  # control and format chars out
        ("Бағала\u0301у.pdf", files.PDF, "Бағала\u0301у.pdf"),
        ("cafe\u0301.pdf", files.PDF, "caf\u00e9.pdf"),  # NFC: e + combining acute → é
        ("", files.PDF, "file.pdf"),
        ("...", files.PDF, "file.pdf"),
        ("folder/", files.PNG, "file.png"),
        ("x" * 200 + ".pdf", files.PDF, "x" * 150 + ".pdf"),
    ],
)
def test_the_shown_name_has_no_path_control_characters_or_misleading_extension(
    name, content_type, expected
):
    # Issue 14 item 5: a display name only.
    assert files.clean_name(name, content_type) == expected


def test_no_name_at_all_is_file():
    assert files.clean_name(None, files.PDF) == "file.pdf"  # type: ignore[arg-type]
