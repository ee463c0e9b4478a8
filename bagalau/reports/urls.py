from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path(
        "reports/servants/<int:servant_id>/service-record/",
        views.service_record,
        name="service_record",
    ),
    path("reports/bodies/<int:body_id>/exports/", views.exports_page, name="exports"),
    path("reports/bodies/<int:body_id>/retention/", views.retention_page, name="retention"),
    path(
        "reports/bodies/<int:body_id>/exports/results.xlsx",
        views.results_export,
        name="results_export",
    ),
    path(
        "reports/schedules/<int:schedule_id>/export.xlsx",
        views.schedule_export,
        name="schedule_export",
    ),
]
