from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import ManyToManyField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent, User

admin.site.site_header = _("Bagalau administration")
admin.site.site_title = _("Bagalau administration")

# Django stores a permission's name in English when the tables are created ("Can add
# servant"): the admin shows it built from the codename and the model's translated name.
PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission: Permission) -> str:
    """ "<app> | <model>: <action>" in the active language; the stored name otherwise."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    meta = model._meta
    text = PERMISSION_ACTIONS[action] % {"model": meta.verbose_name}
    return f"{meta.app_config.verbose_name} | {text}"


class TranslatedPermissions(admin.ModelAdmin):
    """The permission choices of a user or group form, named in the active language."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest | None = None, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[arg-type]
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label  # type: ignore[method-assign,assignment]
        return field


@admin.register(User)
class BagalauUserAdmin(TranslatedPermissions, UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, (_("Bagalau"), {"fields": ("language",)}))  # type: ignore[misc]
    list_display = ("username", "first_name", "last_name", "email", "language", "is_staff")


admin.site.unregister(Group)


@admin.register(Group)
class BagalauGroupAdmin(TranslatedPermissions, GroupAdmin):
    pass


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
