from django.urls import path

from . import views

app_name = "reports"

urlpatterns: list = [
    path(
        "reports/servants/<int:servant_id>/service-record/",
        views.service_record,
        name="service_record",
    ),
]
