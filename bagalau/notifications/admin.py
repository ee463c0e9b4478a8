from django.contrib import admin
from django.http import HttpRequest

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: the outbox is written by services and `tick` only."""

    list_display = ("id", "kind", "recipient", "channel", "status", "due_at", "sent_at", "attempts")
    list_filter = ("status", "channel", "kind", "language")
    search_fields = ("recipient__username", "kind", "object_type", "object_id")
    list_select_related = ("recipient",)
    date_hierarchy = "due_at"
    ordering = ("-due_at", "-id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
