from django.urls import path

from . import views

app_name = "commission"

urlpatterns = [
    path("bodies/<int:body_id>/commission/", views.commission_home, name="home"),
    path("commission/meetings/<int:meeting_id>/", views.meeting_page, name="meeting"),
    path("commission/meetings/<int:meeting_id>/protocol/", views.protocol_page, name="protocol"),
]
