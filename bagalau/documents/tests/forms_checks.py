"""Every registered official form, printed on the built demo as the head of HR would: kk and
ru, PDF and DOCX. The PDF carries the body's and the servant's names (and each KPI with its
values and score for the KPI sheet and the work plan); the DOCX has the Layout's tables row
for row; a reprint from the stored snapshot has the same hash; a second issue of an unchanged
document returns the stored one. A registered form without a demo picker fails."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from docx import Document
from pypdf import PdfReader

from bagalau.core.models import AuditEvent, User
from bagalau.demo.tests.shared import at, built
from bagalau.documents import registry, services
from bagalau.documents.layout import Layout, Table
from bagalau.documents.models import IssuedDocument
from bagalau.documents.tests.pickers import demo_object
from bagalau.org.models import Servant, StateBody

pytestmark = pytest.mark.django_db
DAY = "2026-12-01"
FORMS = sorted(k.key for k in registry.all_forms())


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    with built(django_db_blocker, DAY) as printed:
        yield printed


def flat(text: str) -> str:
    """Text without whitespace: a PDF's table cells wrap their words over several lines."""
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> str:
    return flat("".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))


def tables(layout: Layout) -> list[Table]:
    return [b for b in layout.blocks if isinstance(b, Table)]


@pytest.mark.parametrize("form", FORMS)
def test_it_prints_every_registered_form_on_the_demo(demo: str, form: str) -> None:
    with at(DAY):
        object_id, username = demo_object(form)
        assert object_id is not None, f"no demo picker for the registered form {form!r}"
        user = User.objects.get(username=username)
        kind = registry.get(form)
        assert kind is not None
        for language in ("kk", "ru"):
            for fmt in ("pdf", "docx"):
                doc = services.issue(user, form, object_id, language, fmt)
                content = bytes(doc.content)
                assert doc.size == len(content)
                assert doc.sha256 == hashlib.sha256(content).hexdigest()
                # Reprinted from the stored snapshot: the same bytes, the same hash.
                assert hashlib.sha256(services.reprint(doc)).hexdigest() == doc.sha256
                # Issued again unchanged: the stored record, not a second one.
                assert services.issue(user, form, object_id, language, fmt).pk == doc.pk
                layout = Layout.from_dict(doc.snapshot)
                assert layout.language == language
                body = StateBody.objects.get(pk=doc.body_id)
                with translation.override(language):
                    body_name = body.name
                    servant = (
                        Servant.objects.get(pk=doc.servant_id).full_name if doc.servant_id else ""
                    )
                assert layout.body_name == body_name
                # The period of its record, for the three-year retention (001 p8, 002 p15).
                period = kind.period(kind.authorize(user, object_id))
                if period is not None:
                    assert (doc.year, doc.quarter) == period
                    assert 2024 <= doc.year <= 2026 and 0 <= doc.quarter <= 4
                if fmt == "pdf":
                    text = pdf_text(content)
                    assert flat(body_name) in text
                    assert flat(servant) in text
                    if form in ("kpi_sheet", "work_plan"):
                        rows = tables(layout)[0].rows
                        assert rows, "a KPI form without KPIs"
                        for row in rows:
                            for cell in row:  # each KPI, its values and its score
                                assert flat(cell) in text, cell
                else:
                    word = Document(io.BytesIO(content))
                    expected = tables(layout)
                    for table, got in zip(expected, word.tables, strict=False):
                        skip = len(table.group_header) + 1
                        cells = [[c.text for c in r.cells] for r in got.rows[skip:]]
                        assert cells == table.rows
                        assert [c.text for c in got.rows[skip - 1].cells] == table.columns
        issued = IssuedDocument.objects.filter(form=form, object_id=object_id)
        assert issued.count() == 4
        events = AuditEvent.objects.filter(action="documents.issue", object_id__in=[
            str(pk) for pk in issued.values_list("pk", flat=True)
        ])  # fmt: skip
        assert events.count() == 4
        for event in events:
            assert set(event.data) == {"form", "object_id", "language", "fmt", "sha256"}
