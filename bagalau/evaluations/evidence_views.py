"""Evidence files of a KPI sheet: attach, download, remove (issue 14 item 5)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bagalau.core.errors import DomainError

from . import evidence as service


@login_required
@require_POST
def attach(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        service.evidence_attach(
            actor=request.user, task_id=task_id, line_code=request.POST.get("line", ""),
            upload=request.FILES.get("file"),
        )  # fmt: skip
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.text())
    else:
        messages.success(request, _("The file is attached."))
    return redirect("evaluations:sheet", task_id=task_id)


@login_required
@require_GET
def download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence, path = service.evidence_open(actor=request.user, evidence_id=evidence_id)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=evidence.name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def remove(request: HttpRequest, evidence_id: int) -> HttpResponse:
    task = service.evidence_remove(actor=request.user, evidence_id=evidence_id)
    messages.success(request, _("The file is removed."))
    return redirect("evaluations:sheet", task_id=task.pk)
