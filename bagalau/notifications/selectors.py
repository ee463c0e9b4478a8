"""Reads of the inbox: only the recipient ever sees a notification."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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
