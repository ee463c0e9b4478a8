"""What an uploaded evidence file is, by its content (issue 14 item 5): pure, no I/O.

Allowed: PDF, DOCX, XLSX, PNG, JPEG. The name a browser sends is not trusted: the first
bytes say PDF (``%PDF-``), PNG (its 8-byte signature) or JPEG (``FF D8 FF``); a ZIP
container is a DOCX when it holds ``word/document.xml`` and an XLSX when it holds
``xl/workbook.xml`` (the caller lists the container's names). Anything else is refused.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import DomainError

PDF, DOCX, XLSX, PNG, JPEG = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/png",
    "image/jpeg",
)
EXTENSION = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", PNG: "png", JPEG: "jpg"}
ZIP_MAGIC = b"PK\x03\x04"

MSG_TYPE = _("File: only PDF, DOCX, XLSX, PNG or JPEG files are accepted (checked by content).")
MSG_SIZE = _("File: at most %(max)s MB.")
MSG_EMPTY = _("File: choose a file to attach.")


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def sniff(head: bytes, zip_names: Collection[str] = ()) -> str:
    """The content type of a file from its first bytes (and a ZIP's names); else DomainError."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if is_zip(head):
        names = set(zip_names)
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    raise DomainError(MSG_TYPE, code="file_type", field="file")


def check_size(size: int, limit: int) -> None:
    if size <= 0:
        raise DomainError(MSG_EMPTY, code="file_empty", field="file")
    if size > limit:
        raise DomainError(
            MSG_SIZE, code="file_size", field="file", params={"max": round(limit / 1024 / 1024, 1)}
        )


def clean_name(name: str, content_type: str) -> str:
    """A display name without path, control characters or a misleading extension."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    stem = base.rsplit(".", 1)[0].strip(" .") or "file"
    return f"{stem[:150]}.{EXTENSION[content_type]}"
