from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path(
        "documents/<str:form>/<int:object_id>/<str:language>.<str:fmt>",
        views.download,
        name="download",
    ),
    path("bodies/<int:body_id>/documents/", views.issued_list, name="issued"),
    path("bodies/<int:body_id>/documents/verify/", views.verify, name="verify"),
]
