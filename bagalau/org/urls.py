from django.urls import path

from . import views, views_excel

app_name = "org"

urlpatterns = [
    path("<int:body_id>/", views.body_detail, name="body"),
    path("<int:body_id>/edit/", views.body_edit, name="body_edit"),
    path("<int:body_id>/units/new/", views.unit_edit, name="unit_new"),
    path("<int:body_id>/units/<int:unit_id>/", views.unit_edit, name="unit_edit"),
    path("<int:body_id>/positions/", views.position_list, name="positions"),
    path("<int:body_id>/positions/new/", views.position_edit, name="position_new"),
    path("<int:body_id>/positions/<int:position_id>/", views.position_edit, name="position_edit"),
    path("<int:body_id>/staff/", views.staff_list, name="staff"),
    path("<int:body_id>/staff/new/", views.servant_edit, name="servant_new"),
    path("<int:body_id>/staff/<int:servant_id>/edit/", views.servant_edit, name="servant_edit"),
    path("<int:body_id>/roles/", views.roles, name="roles"),
    path("<int:body_id>/secondments/", views.secondment_list, name="secondments"),
    path(
        "<int:body_id>/secondments/<int:secondment_id>/accept/",
        views.secondment_accept,
        name="secondment_accept",
    ),
    path(
        "<int:body_id>/secondments/<int:secondment_id>/decline/",
        views.secondment_decline,
        name="secondment_decline",
    ),
    path(
        "<int:body_id>/secondments/<int:secondment_id>/withdraw/",
        views.secondment_withdraw,
        name="secondment_withdraw",
    ),
    path("<int:body_id>/import/", views_excel.import_page, name="import"),
    path("<int:body_id>/export.xlsx", views_excel.export, name="export"),
    path("template.xlsx", views_excel.template, name="template"),
    path("servants/<int:servant_id>/", views.servant_detail, name="servant"),
    path("servants/<int:servant_id>/appoint/", views.appointment_create, name="appoint"),
    path("servants/<int:servant_id>/transfer/", views.servant_transfer, name="transfer"),
    path("servants/<int:servant_id>/absences/new/", views.absence_create, name="absence_new"),
    path("servants/<int:servant_id>/acting/new/", views.acting_create, name="acting_new"),
    path(
        "servants/<int:servant_id>/secondments/new/", views.secondment_create, name="secondment_new"
    ),
    path("appointments/<int:appointment_id>/end/", views.appointment_end, name="appointment_end"),
    path("absences/<int:absence_id>/delete/", views.absence_delete, name="absence_delete"),
]
