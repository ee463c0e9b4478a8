"""One renderer for every official form: a Layout in, PDF (WeasyPrint) or DOCX (python-docx) out.

Both formats come from the same Layout: the same blocks, the tables with the same columns and
rows, the approval block in the top right corner, the signature lines. The output is
deterministic — the same Layout gives the same bytes — so that an issued document's SHA-256
identifies it and a reprint from the stored snapshot reproduces it exactly:
- PDF: no creation or modification date is written, and the file identifier is derived from
  the Layout itself (`pdf_identifier`);
- DOCX: the core properties carry a fixed date and the archive is rewritten with fixed
  ZipInfo dates, in the order python-docx wrote the parts.

The few fixed words of a document (page, signature, date) are gettext strings rendered under
`translation.override(layout.language)`: a document is in one language whatever the reader's.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from .layout import Approval, Fields, Layout, Paragraph, Signature, Table

FORMATS = ("pdf", "docx")
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A fixed moment for every date a format insists on writing (DOCX core properties, ZIP entries).
FIXED_MOMENT = datetime(2000, 1, 1, 0, 0, 0)  # noqa: DTZ001 - a constant, not a clock reading
FONT = "DejaVu Sans"  # has every Kazakh letter: ә ғ қ ң ө ұ ү һ і


def render(layout: Layout, fmt: str) -> bytes:
    if fmt == "pdf":
        return render_pdf(layout)
    if fmt == "docx":
        return render_docx(layout)
    raise ValueError(f"unknown format {fmt!r}")


def fingerprint(layout: Layout) -> str:
    """The SHA-256 of the Layout's canonical JSON (the PDF's identifier is made from it)."""
    text = json.dumps(layout.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _table_context(table: Table) -> dict[str, Any]:
    total = sum(table.widths) if table.widths else 0
    widths = (
        [f"{100 * w / total:.2f}%" for w in table.widths]
        if total and len(table.widths) == len(table.columns)
        else []
    )
    return {"table": table, "widths": widths}


def _words() -> dict[str, str]:
    return {
        "signature": _("signature"),
        "date": _("date"),
        "name_hint": _("(surname, initials)"),
    }


# --- PDF ------------------------------------------------------------------------------------------


def render_html(layout: Layout) -> str:
    with translation.override(layout.language):
        blocks = [
            {"kind": b.kind, "block": b, **(_table_context(b) if isinstance(b, Table) else {})}
            for b in layout.blocks
        ]
        return render_to_string(
            "documents/layout.html",
            {"layout": layout, "blocks": blocks, "words": _words(), "font": FONT},
        )


def render_pdf(layout: Layout) -> bytes:
    from weasyprint import HTML  # heavy import (pango): only when a PDF is made

    html = render_html(layout)
    identifier = fingerprint(layout)[:32].encode()
    pdf = HTML(string=html, base_url=None).write_pdf(pdf_identifier=identifier)
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return bytes(pdf)


# --- DOCX -----------------------------------------------------------------------------------------


def render_docx(layout: Layout) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    align = {
        "left": WD_ALIGN_PARAGRAPH.LEFT,
        "center": WD_ALIGN_PARAGRAPH.CENTER,
        "right": WD_ALIGN_PARAGRAPH.RIGHT,
        "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    }
    with translation.override(layout.language):
        words = _words()
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(10)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if layout.orientation == "landscape":
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(1.5)

    def para(text: str, *, bold: bool = False, where: str = "left", size: float = 0) -> None:
        p = doc.add_paragraph()
        p.alignment = align[where]
        for i, line in enumerate(text.split("\n")):
            run = p.add_run(line)
            run.bold = bold
            if size:
                run.font.size = Pt(size)
            if i < len(text.split("\n")) - 1:
                run.add_break()

    if layout.appendix:
        para(layout.appendix, where="right", size=9)
    if layout.approval:
        _docx_approval(para, layout.approval)
    para(layout.body_name, bold=True, where="center")
    if layout.version_label:
        para(layout.version_label, where="center", size=8)
    para(layout.title, bold=True, where="center", size=12)
    if layout.subtitle:
        para(layout.subtitle, where="center")

    def header_cell(cell: Any, text: str) -> None:
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    for block in layout.blocks:
        if isinstance(block, Paragraph):
            para(block.text, bold=block.bold, where=block.align)
        elif isinstance(block, Fields):
            for label, value in block.items:
                p = doc.add_paragraph()
                p.add_run(f"{label}: ").bold = True
                p.add_run(value)
        elif isinstance(block, Table):
            if block.heading:
                para(block.heading, bold=True)
            ncols = len(block.columns)
            table = doc.add_table(rows=0, cols=ncols)
            table.style = "Table Grid"
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            header_rows = []
            for group in block.group_header:
                row = table.add_row()
                col = 0
                for text, span in group:
                    cell = row.cells[col]
                    if span > 1:
                        cell = cell.merge(row.cells[col + span - 1])
                    header_cell(cell, text)
                    col += span
                header_rows.append(row)
            row = table.add_row()
            for i, text in enumerate(block.columns):
                header_cell(row.cells[i], text)
            header_rows.append(row)
            for hrow in header_rows:  # repeated at the top of every page
                tr_pr = hrow._tr.get_or_add_trPr()
                marker = OxmlElement("w:tblHeader")
                marker.set(qn("w:val"), "true")
                tr_pr.append(marker)
            for values in block.rows:
                cells = table.add_row().cells
                for i, text in enumerate(values[:ncols]):
                    cells[i].text = text
            if block.widths and len(block.widths) == ncols:
                usable = (section.page_width or 0) - (section.left_margin or 0) * 2
                total = sum(block.widths)
                for r in table.rows:
                    for i, cell in enumerate(r.cells):
                        cell.width = int(usable * block.widths[i] / total)
            doc.add_paragraph()
    if layout.signatures:
        _docx_signatures(doc, layout.signatures, words)
    if layout.issued_on:
        para(layout.issued_on, where="left", size=9)

    props = doc.core_properties
    props.author = props.last_modified_by = ""
    props.title = layout.title[:250]
    props.language = layout.language
    props.created = props.modified = FIXED_MOMENT
    props.last_printed = FIXED_MOMENT
    props.revision = 1
    raw = io.BytesIO()
    doc.save(raw)
    return _fixed_zip(raw.getvalue())


def _docx_approval(para: Any, approval: Approval) -> None:
    para(approval.heading, bold=True, where="right")
    for line in approval.lines:
        para(line, where="right")


def _docx_signatures(doc: Any, signatures: list[Signature], words: dict[str, str]) -> None:
    table = doc.add_table(rows=0, cols=4)
    for s in signatures:
        cells = table.add_row().cells
        cells[0].text = s.role
        cells[1].text = "\n".join(x for x in (s.position, s.name) if x)
        cells[2].text = f"{words['date']}: {s.date or '____________'}"
        cells[3].text = f"{words['signature']}: ____________"


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry dated FIXED_MOMENT (ZIP stores local times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_MOMENT.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()
