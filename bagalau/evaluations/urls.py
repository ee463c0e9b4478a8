from django.urls import path

from . import evidence_views, kpi_views, views

app_name = "evaluations"

urlpatterns = [
    path("bodies/<int:body_id>/schedules/", views.schedules, name="schedules"),
    path("bodies/<int:body_id>/year-results/", views.year_results, name="year_results"),
    path("schedules/<int:schedule_id>/", views.schedule_detail, name="schedule"),
    path("schedules/<int:schedule_id>/approve/", views.schedule_approve, name="schedule_approve"),
    path("schedules/<int:schedule_id>/progress/", views.progress, name="progress"),
    path("schedules/<int:schedule_id>/sheets/", views.bulk, name="bulk"),
    path("schedules/<int:schedule_id>/kpi-sheets/", kpi_views.kpi_bulk, name="kpi_bulk"),
    path("sheets/", views.my_sheets, name="my_sheets"),
    path("sheets/<int:task_id>/", views.sheet, name="sheet"),
    path("sheets/<int:task_id>/reassign/", views.reassign, name="reassign"),
    path("sheets/<int:task_id>/remind/", views.remind, name="remind"),
    path("sheets/<int:task_id>/evaluators/", views.evaluator_search, name="evaluator_search"),
    path("sheets/<int:task_id>/evidence/", evidence_views.attach, name="evidence_attach"),
    path("evidence/<int:evidence_id>/", evidence_views.download, name="evidence"),
    path("evidence/<int:evidence_id>/remove/", evidence_views.remove, name="evidence_remove"),
    path("results/", views.my_results, name="my_results"),
    path("results/<int:result_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
