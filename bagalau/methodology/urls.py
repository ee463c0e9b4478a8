from django.urls import path

from . import views

app_name = "methodology"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("bodies/<int:body_id>/", views.body_versions, name="body_versions"),
    path("versions/<int:version_id>/", views.version_detail, name="version"),
    path("versions/<int:version_id>/edit/", views.version_edit, name="version_edit"),
    path("versions/<int:version_id>/copy/", views.version_copy, name="version_copy"),
    path("versions/<int:version_id>/compare/", views.version_compare, name="version_compare"),
    path("versions/<int:version_id>/<slug:table>/", views.version_table, name="version_table"),
]
