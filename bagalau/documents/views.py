"""Official forms on the site: the download (issues or finds the document, every time through
the form's access rule), a body's issued documents for its head of HR, and the check of an
uploaded file against the documents the body issued."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from bagalau.core.errors import DomainError, PermissionDenied
from bagalau.org.models import Role
from bagalau.org.selectors import MSG_FORBIDDEN, access_body

from . import registry, services
from .models import IssuedDocument
from .render import CONTENT_TYPES

VERIFY_MAX_BYTES = 25 * 1024 * 1024
MSG_NO_FILE = _("Choose the file to check.")
MSG_TOO_BIG = _("The file is larger than any document this body issues.")


def file_response(doc: IssuedDocument) -> HttpResponse:
    response = HttpResponse(bytes(doc.content), content_type=CONTENT_TYPES[doc.fmt])
    response["Content-Disposition"] = f'attachment; filename="{doc.filename}"'
    response["X-Content-SHA256"] = doc.sha256
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def download(
    request: HttpRequest, form: str, object_id: int, language: str, fmt: str
) -> HttpResponse:
    doc = services.document_issue(
        user=request.user, form=form, object_id=object_id, language=language, fmt=fmt
    )
    return file_response(doc)


@login_required
@require_GET
def issued_list(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's issued documents, newest first, for its head of HR (002 p21)."""
    access = access_body(request.user, body_id)
    if Role.HR_HEAD not in access.roles:
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    qs = (
        IssuedDocument.objects.filter(body_id=body_id)
        .select_related("servant", "issued_by")
        .defer("content", "snapshot")
        .order_by("-issued_at", "-pk")
    )
    page = Paginator(qs, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {k.key: k.label for k in registry.all_forms()}
    rows = [{"doc": d, "label": labels.get(d.form, d.form)} for d in page.object_list]
    return render(
        request, "documents/issued.html",
        {"body": access.body, "access": access, "page": page, "rows": rows},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, body_id: int) -> HttpResponse:
    """Upload a file: is it a document this body issued? What it is, only to those allowed."""
    access = access_body(request.user, body_id)
    context: dict[str, object] = {"body": access.body, "access": access}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(MSG_NO_FILE, code="file", field="file")
            if upload.size and upload.size > VERIFY_MAX_BYTES:
                raise DomainError(MSG_TOO_BIG, code="file", field="file")
            digest = services.sha256_of(upload.chunks())
        except DomainError as exc:
            context["error"] = exc.text()
            status = 400
        else:
            verified = services.document_verify(user=request.user, digest=digest, body_id=body_id)
            labels = {k.key: k.label for k in registry.all_forms()}
            context |= {
                "checked": True,
                "verified": verified,
                "digest": digest,
                "label": labels.get(verified.document.form, "") if verified.document else "",
            }
    return render(request, "documents/verify.html", context, status=status)
