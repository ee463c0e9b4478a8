from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("bodies/<int:body_id>/plans/", views.plan_list, name="list"),
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
]
