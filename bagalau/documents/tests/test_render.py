"""The renderer: any Layout to PDF and DOCX, the same bytes every time (no database)."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader

from bagalau.documents.layout import Approval, Fields, Layout, Paragraph, Signature, Table
from bagalau.documents.render import render, render_docx, render_pdf

KAZAKH = "ә ғ қ ң ө ұ ү һ і Ә Ғ Қ Ң Ө Ұ Ү Һ І"


def sample(rows: int = 3, orientation: str = "portrait") -> Layout:
    return Layout(
        form="sample",
        language="kk",
        title="Жеке жұмыс жоспары",
        body_name="«Маңғыстау облыстық мәслихатының аппараты» ММ",
        version_label="2023 жылғы үлгі",
        subtitle="2026 жыл",
        appendix="Әдістемеге 1-қосымша",
        approval=Approval("БЕКІТЕМІН", ["мәслихат хатшысы", "Әлиев Ә.", "2026 жылғы 15 қаңтар"]),
        blocks=[
            Fields(items=[("Қызметшінің тегі, аты", "Нұрланұлы Ғалым")]),
            Paragraph(KAZAKH, bold=True),
            Table(
                columns=["№", "НМИ атауы", "Өлшем бірлігі"],
                rows=[[str(i), f"Көрсеткіш {i}", "%"] for i in range(1, rows + 1)],
                widths=[1, 6, 2],
                group_header=[[("Топ", 3)]],
            ),
        ],
        signatures=[Signature("Қызметші", "Нұрланұлы Ғ.", "бас маман", "2026 жылғы 1 желтоқсан")],
        orientation=orientation,  # type: ignore[arg-type]
        issued_on="2026 жылғы 1 желтоқсан",
    )


def test_it_renders_the_same_pdf_bytes_every_time_with_every_kazakh_letter():
    first, second = render_pdf(sample()), render_pdf(sample())
    assert first == second
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(first)).pages)
    for letter in KAZAKH.split():
        assert letter in text, letter
    assert "Маңғыстау" in text and "БЕКІТЕМІН" in text and "Көрсеткіш 3" in text
    assert b"/CreationDate" not in first and b"/ModDate" not in first


def test_it_repeats_the_header_rows_and_numbers_the_pages_of_a_long_table():
    pdf = PdfReader(io.BytesIO(render_pdf(sample(rows=120, orientation="landscape"))))
    assert len(pdf.pages) > 1
    width, height = pdf.pages[0].mediabox.width, pdf.pages[0].mediabox.height
    assert width > height  # landscape A4
    last = pdf.pages[-1].extract_text()
    assert "НМИ атауы" in last  # the header row on the last page too
    assert f"{len(pdf.pages)} / {len(pdf.pages)}" in last  # the page numbers


def test_it_renders_the_same_docx_bytes_every_time_with_the_layouts_tables():
    first, second = render_docx(sample()), render_docx(sample())
    assert first == second
    doc = Document(io.BytesIO(first))
    grid = doc.tables[0]
    # the group header, the column names, the rows
    assert [c.text for c in grid.rows[1].cells] == ["№", "НМИ атауы", "Өлшем бірлігі"]
    assert [[c.text for c in r.cells] for r in grid.rows[2:]] == sample().blocks[2].rows  # type: ignore[union-attr]
    approval = [p for p in doc.paragraphs if p.text == "БЕКІТЕМІН"][0]
    assert approval.alignment == 2  # right
    assert doc.core_properties.created.year == 2000


def test_a_different_layout_gives_different_bytes_and_an_unknown_format_is_refused():
    assert render(sample(rows=2), "pdf") != render(sample(rows=3), "pdf")
    assert render(sample(rows=2), "docx") != render(sample(rows=3), "docx")
    with pytest.raises(ValueError):
        render(sample(), "odt")
