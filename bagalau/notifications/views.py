"""The in-app inbox (the user's own notifications, newest first) and HR's outbox."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from bagalau.core.errors import DomainError

from . import messages, selectors, services

MSG_WHICH = _("Choose the message to send again.")
FILTER_LABELS = {
    "pending": _("waiting to be sent"),
    "retrying": _("to be tried again"),
    "sending": _("being sent"),
    "stuck": _("stuck with a stopped worker"),
    "failed": _("failed"),
    "sent": _("sent"),
    "cancelled": _("cancelled"),
}


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


def kind_label(kind: str) -> str:
    """A message kind as its subject reads in the viewer's language, values left out
    ("Sheet submitted: …"): the outbox names what was sent without what it said."""
    if not messages.is_registered(kind):
        return kind
    subject = str(messages.get(kind).subject)
    return re.sub(r"%\([a-z_]+\)[sd]", "…", subject)


@login_required
def outbox(request: HttpRequest, body_id: int) -> HttpResponse:
    """The body's outbox for HR: what waits, what retries, what is stuck or failed."""
    access = selectors.outbox_access(request.user, body_id)
    now = timezone.now()
    which = request.GET.get("status", "")
    counts = selectors.outbox_counts(body_id, now)
    if which not in selectors.OUTBOX_FILTERS:
        which = next((k for k in ("stuck", "failed", "retrying") if counts[k]), "pending")
    if request.method == "POST":
        raw = str(request.POST.get("notification", ""))[:12]
        if not raw.isdigit():
            raise DomainError(MSG_WHICH, code="notification", field="notification")
        services.outbox_retry(actor=request.user, body_id=body_id, notification_id=int(raw))
        return redirect(f"{request.path}?status=failed")
    paginator = Paginator(selectors.outbox_rows(body_id, which, now), settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.kind_label = kind_label(row.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "notifications/outbox.html",
        {
            "body": access.body,
            "access": access,
            "counts": counts,
            "which": which,
            "filters": [(key, FILTER_LABELS[key], counts[key]) for key in selectors.OUTBOX_FILTERS],
            "page": page,
            "rows": rows,
            "query": f"status={which}",
        },
    )
