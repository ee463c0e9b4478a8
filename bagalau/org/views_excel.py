"""Excel import and export screens (the work is in the excel package)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import excel, forms, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def template(request: HttpRequest) -> HttpResponse:
    return _xlsx(excel.build_template(), "bagalau-org-template.xlsx")


@login_required
def export(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    return _xlsx(excel.export_body(access.body), f"bagalau-org-{access.body.bin}.xlsx")


@login_required
def import_page(request: HttpRequest, body_id: int) -> HttpResponse:
    access = selectors.access_body(request.user, body_id, for_write=True)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    cell_errors: list[excel.CellError] = []
    unlisted = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            report = excel.import_workbook(actor=request.user, body=access.body, data=upload.read())
        except excel.ImportRejected as exc:
            cell_errors = exc.cell_errors  # the first BAGALAU_IMPORT_MAX_ERRORS
            unlisted = exc.unlisted_text()
            messages.error(request, exc.text())
        else:
            messages.success(request, _("The workbook is imported."))
            request.session["last_import"] = report.counts
            return redirect("org:import", body_id=body_id)
    return render(
        request,
        "org/import.html",
        {
            "access": access,
            "body": access.body,
            "form": form,
            "cell_errors": cell_errors,
            "unlisted_errors": unlisted,
            "limits": excel.Limits.from_settings(),
            "last_import": request.session.pop("last_import", None),
            "tab": "import",
        },
    )
