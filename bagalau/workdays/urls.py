from __future__ import annotations

from django.urls import path

from . import views

app_name = "workdays"

urlpatterns = [
    path("", views.year, name="year"),
    path("day/", views.day_edit, name="day_edit"),
]
