"""The in-app inbox: the user's own notifications, newest first."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the inbox page the form was on (only a local, relative address)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.inbox(request.user), settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "rows": page.object_list})


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read; with open=1, go on to the page it links to."""
    row = services.notification_mark_read(user=request.user, notification_id=notification_id)
    if (
        request.POST.get("open")
        and row.url
        and url_has_allowed_host_and_scheme(row.url, allowed_hosts={request.get_host()})
    ):
        return redirect(row.url)
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    return _back(request)
