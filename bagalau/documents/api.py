"""/api/v1/documents: issue an official form, download an issued one, verify a file.

The same rule as the pages: only those who may know the result print it (002 p16, p21) —
strangers 404, HR officers who are not the head of HR 403; every download asks again.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Router, Schema
from ninja.files import UploadedFile

from bagalau.core.errors import DomainError

from . import services, views
from .models import IssuedDocument

router = Router()


class IssueIn(Schema):
    form: str = Field(
        ..., min_length=1, max_length=48, description="the form's key, e.g. kpi_sheet"
    )
    object_id: int = Field(..., ge=1, le=2_147_483_647)
    language: str = Field(..., max_length=8, description="kk or ru")
    fmt: str = Field(..., max_length=8, description="pdf or docx")


class DocumentOut(Schema):
    id: int
    form: str
    object_id: int
    body_id: int
    servant_id: int | None
    language: str
    fmt: str
    filename: str
    sha256: str
    size: int
    issued_at: datetime
    download_url: str


class VerifyOut(Schema):
    issued: bool
    issued_at: datetime | None = None
    body_id: int | None = None
    body_name: str = ""
    sha256: str
    # Only to those who may have the document now (its form's access rule):
    document: DocumentOut | None = None


def _out(doc: IssuedDocument) -> DocumentOut:
    return DocumentOut(
        id=doc.pk, form=doc.form, object_id=doc.object_id, body_id=doc.body_id,
        servant_id=doc.servant_id, language=doc.language, fmt=doc.fmt, filename=doc.filename,
        sha256=doc.sha256, size=doc.size, issued_at=doc.issued_at,
        download_url=reverse("api-v1:documents_download", kwargs={"document_id": doc.pk}),
    )  # fmt: skip


@router.post("/issue", response=DocumentOut, summary="Issue an official form (or find it)")
def issue(request: HttpRequest, payload: IssueIn) -> DocumentOut:
    doc = services.document_issue(
        user=request.user, form=payload.form, object_id=payload.object_id,
        language=payload.language, fmt=payload.fmt,
    )  # fmt: skip
    return _out(doc)


@router.get(
    "/{int:document_id}/download",
    url_name="documents_download",
    summary="Download an issued document (access checked again)",
    response={200: None},
)
def download(request: HttpRequest, document_id: int) -> HttpResponse:
    return views.file_response(services.document_get(request.user, document_id))


@router.post("/verify", response=VerifyOut, summary="Is this file a document a body issued?")
def verify(request: HttpRequest, file: UploadedFile = File(...)) -> VerifyOut:  # noqa: B008
    if file.size and file.size > views.VERIFY_MAX_BYTES:
        raise DomainError(views.MSG_TOO_BIG, code="file", field="file")
    digest = services.sha256_of(file.chunks())
    found = services.document_verify(user=request.user, digest=digest)
    doc = found.document
    if doc is None:
        return VerifyOut(issued=False, sha256=digest)
    return VerifyOut(
        issued=True, issued_at=doc.issued_at, body_id=doc.body_id, body_name=doc.body.name,
        sha256=digest, document=_out(doc) if found.allowed else None,
    )  # fmt: skip
