"""Evidence files of KPI values (issue 14 item 5; 001 p22; 002 p21, p23)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bagalau.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from bagalau.core.models import AuditEvent
from bagalau.evaluations import evidence
from bagalau.evaluations.models import Evidence
from bagalau.evaluations.rules import files
from bagalau.evaluations.services import SheetInput
from bagalau.evaluations.tests.flow import transition

from .test_plan_scenarios import at, quarter_kpi_sheets

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_the_type_is_read_from_the_content():
    assert files.sniff(PDF) == files.PDF
    assert files.sniff(b"\x89PNG\r\n\x1a\n....") == files.PNG
    assert files.sniff(b"\xff\xd8\xff\xe0") == files.JPEG
    assert files.sniff(b"PK\x03\x04", ["xl/workbook.xml"]) == files.XLSX
    assert files.sniff(b"PK\x03\x04", ["word/document.xml"]) == files.DOCX
    for head, names in ((b"MZ\x90\x00", ()), (b"PK\x03\x04", ["evil.exe"]), (b"<html>", ())):
        with pytest.raises(DomainError) as err:
            files.sniff(head, names)
        assert err.value.field == "file"
    assert files.clean_name("C:\\x\\..\\акт\x00.pdf.exe", files.PDF) == "акт.pdf.pdf"


@pytest.fixture
def kpi_sheet(body2023, settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    w = body2023
    return w, quarter_kpi_sheets(w)[0]


def test_hr_attaches_evidence_of_an_actual_value_and_the_circle_reads_it(kpi_sheet, settings):
    w, task = kpi_sheet
    with at("2026-04-02 10:00"):
        upload = SimpleUploadedFile("есеп.pdf", PDF, content_type="text/html")
        ev = evidence.evidence_attach(
            actor=w.users["hrofficer"], task_id=task.pk, line_code="kpi1", upload=upload
        )
    assert ev.content_type == files.PDF and ev.name == "есеп.pdf" and ev.size == len(PDF)
    stored = evidence.path_of(ev)
    assert stored.read_bytes() == PDF and str(settings.EVIDENCE_ROOT) in str(stored)
    event = AuditEvent.objects.get(action="evidence.attached")
    assert event.data["sha256"] == ev.sha256
    url = reverse("evaluations:evidence", args=[ev.pk])
    for who in ("hrofficer", "firsthead", "hrhead"):
        response = w.client(who).get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert response["X-Content-Type-Options"] == "nosniff"
    # The evaluated head reads the sheet (and its files) only once it is submitted.
    assert w.client("heada").get(url).status_code == 403
    for who in ("colleague", "headb", "otherhr", "admin", "authorized"):
        assert w.client(who).get(url).status_code == 404, who


def test_a_file_of_another_type_or_too_big_is_refused_and_nothing_stored(kpi_sheet, settings):
    w, task = kpi_sheet
    settings.EVIDENCE_MAX_BYTES = 100
    with at("2026-04-02 10:00"):
        for upload, code in (
            (SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf"), "file_type"),
            (SimpleUploadedFile("big.pdf", PDF + b"0" * 200), "file_size"),
        ):
            with pytest.raises(DomainError) as err:
                evidence.evidence_attach(
                    actor=w.users["hrofficer"], task_id=task.pk, line_code="kpi1", upload=upload
                )
            assert err.value.code == code and err.value.field == "file"
        settings.EVIDENCE_MAX_BYTES = 10_000
        ok = evidence.evidence_attach(
            actor=w.users["hrofficer"], task_id=task.pk, line_code="kpi2",
            upload=SimpleUploadedFile("a.docx", docx_bytes()),
        )  # fmt: skip
    assert ok.content_type == files.DOCX
    assert Evidence.objects.count() == 1
    assert sum(1 for p in settings.EVIDENCE_ROOT.rglob("*") if p.is_file()) == 1
    # Through the page: a bad file is a message, not a 500.
    response = w.client("hrofficer").post(
        reverse("evaluations:evidence_attach", args=[task.pk]),
        {"line": "kpi1", "file": SimpleUploadedFile("x.pdf", b"<script>")},
    )
    assert response.status_code == 302


def test_a_full_disk_is_a_clear_error_and_nothing_half_written_is_kept(
    kpi_sheet, settings, monkeypatch
):
    # The disk fills while the file is written (ENOSPC on flush): issue 19; the real full
    # disk (a small tmpfs) is `make faults`.
    import errno

    from bagalau.core import storage

    w, task = kpi_sheet

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage.os, "fsync", full)
    revision = type(task).objects.get(pk=task.pk).revision
    url = reverse("evaluations:evidence_attach", args=[task.pk])
    with at("2026-04-02 10:00"):
        with pytest.raises(DomainError) as err:
            evidence.evidence_attach(
                actor=w.users["hrofficer"], task_id=task.pk, line_code="kpi1",
                upload=SimpleUploadedFile("есеп.pdf", PDF),
            )  # fmt: skip
        assert (err.value.code, err.value.field, err.value.status) == ("storage_full", "file", 507)
        client = w.client("hrofficer")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = client.post(
            url, {"line": "kpi1", "file": SimpleUploadedFile("есеп.pdf", PDF)}, follow=True
        )
    assert response.status_code == 200
    assert "the server&#x27;s storage is full, so the file was not attached" in (
        response.content.decode()
    )
    assert (
        Evidence.objects.count() == 0
        and not AuditEvent.objects.filter(action="evidence.attached").exists()
    )
    assert type(task).objects.get(pk=task.pk).revision == revision
    left = [p for p in settings.EVIDENCE_ROOT.rglob("*") if p.is_file()]
    assert left == []
    monkeypatch.undo()  # the disk has room again
    with at("2026-04-02 10:00"):
        ev = evidence.evidence_attach(
            actor=w.users["hrofficer"], task_id=task.pk, line_code="kpi1",
            upload=SimpleUploadedFile("есеп.pdf", PDF),
        )  # fmt: skip
    assert evidence.path_of(ev).read_bytes() == PDF
    assert [p.name for p in settings.EVIDENCE_ROOT.rglob("*") if p.is_file()] == [ev.storage_key]


def test_outsiders_cannot_attach_and_a_submitted_sheet_is_closed(kpi_sheet):
    w, task = kpi_sheet
    upload = SimpleUploadedFile("a.pdf", PDF)
    with at("2026-04-02 10:00"):
        with pytest.raises(NotFound):
            evidence.evidence_attach(
                actor=w.users["colleague"], task_id=task.pk, line_code="kpi1", upload=upload
            )
        with pytest.raises(PermissionDenied):  # the evaluated head reads, never writes
            evidence.evidence_attach(
                actor=w.users["heada"], task_id=task.pk, line_code="kpi1", upload=upload
            )
        ev = evidence.evidence_attach(
            actor=w.users["hrofficer"], task_id=task.pk, line_code="kpi1", upload=upload
        )
        transition(actor=w.users["hrofficer"], task_id=task.pk, action="send_actuals",
                   sheet=SheetInput(actuals={"kpi1": "100", "kpi2": "100", "kpi3": "100"}))  # fmt: skip
    with at("2026-04-08 10:00"):
        transition(actor=w.users["firsthead"], task_id=task.pk, action="submit",
                   sheet=SheetInput({"kpi1": "5", "kpi2": "5", "kpi3": "4"}))  # fmt: skip
        with pytest.raises(Conflict):
            evidence.evidence_remove(actor=w.users["hrofficer"], evidence_id=ev.pk)
    # Submitted: now the evaluated head reads the evidence.
    response = w.client("heada").get(reverse("evaluations:evidence", args=[ev.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # the file attached, whole


def test_the_sheet_page_lists_the_files_and_offers_the_upload_to_who_may(kpi_sheet):
    w, task = kpi_sheet
    url = reverse("evaluations:sheet", args=[task.pk])
    with at("2026-04-02 10:00"):
        html = w.client("hrofficer").get(url).content.decode()
        assert 'id="evidence-form"' in html and 'enctype="multipart/form-data"' in html
        response = w.client("hrofficer").post(
            reverse("evaluations:evidence_attach", args=[task.pk]),
            {"line": "kpi2", "file": SimpleUploadedFile("хат.pdf", PDF)},
        )
        assert response.status_code == 302
        html = w.client("firsthead").get(url).content.decode()
    ev = Evidence.objects.get()
    assert reverse("evaluations:evidence", args=[ev.pk]) in html and "хат.pdf" in html
    assert 'id="evidence-form"' not in html  # the evaluator writes only after the values come
