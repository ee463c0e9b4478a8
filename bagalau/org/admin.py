from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from . import rules
from .models import (
    Absence,
    ActingAssignment,
    Appointment,
    Position,
    RoleAssignment,
    Secondment,
    Servant,
    StateBody,
    Unit,
)


@admin.register(StateBody)
class StateBodyAdmin(admin.ModelAdmin):
    list_display = ("name_kk", "bin")
    search_fields = ("name_kk", "name_ru", "bin")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name_kk", "body", "parent")
    list_filter = ("body",)
    search_fields = ("code", "name_kk")


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("code", "title_kk", "category", "is_head", "is_deputy_head", "unit")
    list_filter = ("body", "is_head", "is_deputy_head")
    search_fields = ("code", "title_kk", "category")


@admin.register(Servant)
class ServantAdmin(admin.ModelAdmin):
    list_display = ("iin", "last_name_kk", "first_name_kk", "body")
    list_filter = ("body",)
    # The folded key (rules.search_fold): any case, Kazakh letters, on every database.
    search_fields = ("search_key",)
    raw_id_fields = ("user",)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Servant], search_term: str
    ) -> tuple[QuerySet[Servant], bool]:
        return super().get_search_results(request, queryset, rules.search_fold(search_term))


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("servant", "position", "start_date", "end_date", "end_reason")
    raw_id_fields = ("servant", "position", "supervisor_override")


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    list_display = ("servant", "kind", "start_date", "end_date")
    raw_id_fields = ("servant",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("body", "user", "role")
    list_filter = ("role", "body")
    raw_id_fields = ("user",)


@admin.register(ActingAssignment)
class ActingAssignmentAdmin(admin.ModelAdmin):
    list_display = ("position", "servant", "start_date", "end_date", "order")
    raw_id_fields = ("position", "servant")


@admin.register(Secondment)
class SecondmentAdmin(admin.ModelAdmin):
    list_display = (
        "servant", "status", "host_bin", "host_body", "host_position", "start_date", "end_date",
    )  # fmt: skip
    list_filter = ("status",)
    raw_id_fields = ("servant", "host_body", "host_position", "proposed_by", "decided_by")
