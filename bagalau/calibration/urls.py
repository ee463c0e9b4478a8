from __future__ import annotations

from django.urls import path

from . import views

app_name = "calibration"

urlpatterns = [
    path("results/<int:result_id>/calibration/", views.apply, name="apply"),
    path("calibration/<int:case_id>/", views.case_page, name="case"),
    path("calibration/<int:case_id>/protocol/", views.protocol, name="protocol"),
    path("calibration/<int:case_id>/protocol/signed/", views.protocol_file, name="protocol_file"),
    path("bodies/<int:body_id>/calibration/", views.unit_view, name="units"),
]
