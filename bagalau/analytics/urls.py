from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("bodies/<int:body_id>/analytics/", views.body, name="body"),
    path("analytics/", views.national, name="national"),
]
