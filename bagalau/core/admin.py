from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEvent, User


@admin.register(User)
class BagalauUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Bagalau", {"fields": ("language",)}))  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "email", "language", "is_staff")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only for everyone, superusers included: the audit trail is append-only."""

    list_display = ("created_at", "actor", "body", "action", "object_type", "object_id")
    list_filter = ("action", "object_type")
    list_select_related = ("actor", "body")
    search_fields = ("object_id", "action")
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    actions = None

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
