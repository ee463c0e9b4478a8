"""Pages of the reports: the service record, the exports, what retention would remove."""

from __future__ import annotations

from functools import cache

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from . import selectors


@cache
def _template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


@login_required
def service_record(request: HttpRequest, servant_id: int) -> HttpResponse:
    """Қызметтік тізім: the servant's results by period (004; 001 p41)."""
    record = selectors.service_record(request.user, servant_id)
    return render(
        request,
        "reports/service_record.html",
        {
            "record": record,
            "servant": record.servant,
            # The download links come from the documents app (its include, when installed).
            "print_links": _template_exists("documents/_links.html"),
        },
    )
