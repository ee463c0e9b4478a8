"""Only the questionnaire is in the admin: answers, comments and who answered never are."""

from django.contrib import admin

from .models import RatingScale, SurveyItem


@admin.register(RatingScale)
class RatingScaleAdmin(admin.ModelAdmin):
    list_display = ("version", "low", "high", "is_default")


@admin.register(SurveyItem)
class SurveyItemAdmin(admin.ModelAdmin):
    list_display = ("version", "competency", "order", "text_kk", "is_default")
    list_filter = ("is_default",)
