"""/api/v1/notifications: the caller's own in-app notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bagalau.api.pagination import Page, PageParams, paginate

from . import selectors, services
from .models import Notification

router = Router()


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    text: str
    url: str
    language: str
    body_id: int | None
    object_type: str
    object_id: str
    sent_at: datetime | None
    read_at: datetime | None


class InboxParams(PageParams):
    unread: bool = False


class ReadAllOut(Schema):
    count: int


@router.get("/", response=Page[NotificationOut], summary="The caller's in-app notifications")
def list_notifications(request: HttpRequest, params: Query[InboxParams]) -> dict[str, Any]:
    qs = selectors.inbox(request.user)
    if params.unread:
        qs = qs.filter(read_at__isnull=True)
    return paginate(qs, params)


@router.post("/read", response=ReadAllOut, summary="Mark all the caller's notifications read")
def read_all(request: HttpRequest) -> dict[str, int]:
    return {"count": services.notification_mark_all_read(user=request.user)}


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark one read")
def read_one(request: HttpRequest, notification_id: int) -> Notification:
    return services.notification_mark_read(user=request.user, notification_id=notification_id)
