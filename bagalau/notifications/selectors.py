"""Reads of the inbox: only the recipient ever sees a notification."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from bagalau.core.errors import NotFound

from .models import Notification

MSG_NOT_FOUND = _("This notification does not exist.")


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's delivered in-app notifications, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(
        recipient_id=user.pk,
        channel=Notification.Channel.IN_APP,
        status=Notification.Status.SENT,
    ).order_by("-sent_at", "-id")


def unread_count(user: Any) -> int:
    """How many delivered in-app notifications the user has not read (one COUNT query)."""
    return inbox(user).filter(read_at__isnull=True).count()


def access_notification(user: Any, notification_id: int) -> Notification:
    """The user's own in-app notification; anyone else's is NotFound (404)."""
    row = inbox(user).filter(pk=notification_id).first()
    if row is None:
        raise NotFound(MSG_NOT_FOUND, code="not_found")
    return row


# --- the outbox, for the body's HR (issue 19 item 3) -----------------------------------------

OUTBOX_FILTERS = ("pending", "retrying", "sending", "stuck", "failed", "sent", "cancelled")


def outbox_access(user: Any, body_id: int) -> Any:
    """The body's HR officers and head of HR see its outbox; members 403, strangers 404.

    The outbox shows who gets what kind of message and whether it went; never its text
    (the recipient alone reads that in their inbox).
    """
    from bagalau.core.errors import PermissionDenied
    from bagalau.evaluations.access import MSG_FORBIDDEN, is_hr
    from bagalau.org.selectors import access_body

    access = access_body(user, body_id)
    if not is_hr(user, body_id, access.roles):
        raise PermissionDenied(MSG_FORBIDDEN, code="forbidden")
    return access


def outbox_counts(body_id: int, now: datetime) -> dict[str, int]:
    """Counts per filter in one query: pending, retrying (pending after a failed attempt),
    sending, stuck (claimed longer than STUCK_AFTER), failed, sent, cancelled."""
    from .services import STUCK_AFTER

    S = Notification.Status
    rows = Notification.objects.filter(body_id=body_id).aggregate(
        pending=Count("id", filter=Q(status=S.PENDING, attempts=0)),
        retrying=Count("id", filter=Q(status=S.PENDING, attempts__gt=0)),
        sending=Count("id", filter=Q(status=S.SENDING, claimed_at__gte=now - STUCK_AFTER)),
        stuck=Count("id", filter=Q(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER)),
        failed=Count("id", filter=Q(status=S.FAILED)),
        sent=Count("id", filter=Q(status=S.SENT)),
        cancelled=Count("id", filter=Q(status=S.CANCELLED)),
    )
    return {key: int(rows[key] or 0) for key in OUTBOX_FILTERS}


def outbox_rows(body_id: int, which: str, now: datetime) -> QuerySet[Notification]:
    """The rows of one filter, the ones needing attention first; no subject or text."""
    from .services import STUCK_AFTER

    S = Notification.Status
    filters = {
        "pending": Q(status=S.PENDING, attempts=0),
        "retrying": Q(status=S.PENDING, attempts__gt=0),
        "sending": Q(status=S.SENDING, claimed_at__gte=now - STUCK_AFTER),
        "stuck": Q(status=S.SENDING, claimed_at__lt=now - STUCK_AFTER),
        "failed": Q(status=S.FAILED),
        "sent": Q(status=S.SENT),
        "cancelled": Q(status=S.CANCELLED),
    }
    order = ("-sent_at", "-id") if which == "sent" else ("due_at", "id")
    return (
        Notification.objects.filter(filters[which], body_id=body_id)
        .select_related("recipient")
        .only(
            "id",
            "kind",
            "channel",
            "status",
            "due_at",
            "created_at",
            "sent_at",
            "attempts",
            "last_error",
            "claimed_by",
            "claimed_at",
            "recipient__first_name",
            "recipient__last_name",
            "recipient__username",
        )  # fmt: skip
        .order_by(*order)
    )


def stuck_claims(now: datetime, body_id: int | None = None) -> list[dict[str, Any]]:
    """Rows claimed by a worker longer than STUCK_AFTER ago: worker, count, oldest claim."""
    from .services import STUCK_AFTER

    qs = Notification.objects.filter(
        status=Notification.Status.SENDING, claimed_at__lt=now - STUCK_AFTER
    )
    if body_id is not None:
        qs = qs.filter(body_id=body_id)
    rows = (
        qs.values("claimed_by")
        .annotate(count=Count("id"), oldest=Min("claimed_at"))
        .order_by("oldest", "claimed_by")
    )
    return [dict(row) for row in rows]
