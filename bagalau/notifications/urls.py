from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark_all_read"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("outbox/<int:body_id>/", views.outbox, name="outbox"),
]
