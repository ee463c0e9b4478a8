from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("bodies/<int:body_id>/surveys/", views.campaign_list, name="list"),
    path("surveys/<int:campaign_id>/", views.campaign_page, name="campaign"),
    path("surveys/<int:campaign_id>/topics/", views.topics_page, name="topics"),
    path("my/surveys/", views.inbox, name="inbox"),
    path("my/surveys/<int:invitation_id>/", views.survey_form, name="survey"),
    path("surveys/reports/<int:subject_id>/", views.report_page, name="report"),
    path("surveys/reports/<int:subject_id>/feedback/", views.feedback_page, name="feedback"),
]
