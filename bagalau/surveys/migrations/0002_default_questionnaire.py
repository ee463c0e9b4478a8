"""Load the default 360 questionnaire (not from the law) into the 2023-model versions."""

from django.db import migrations


def forward(apps, schema_editor):
    from bagalau.surveys.questionnaire import load_default

    Version = apps.get_model("methodology", "MethodologyVersion")
    RatingScale = apps.get_model("surveys", "RatingScale")
    SurveyItem = apps.get_model("surveys", "SurveyItem")
    for version in Version.objects.filter(model="2023"):
        load_default(version, scale_model=RatingScale, item_model=SurveyItem)


def backward(apps, schema_editor):
    apps.get_model("surveys", "SurveyItem").objects.filter(is_default=True).delete()
    apps.get_model("surveys", "RatingScale").objects.filter(is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0001_campaigns_and_anonymous_answers"),
        ("methodology", "0008_version_plan_review"),
    ]

    operations = [migrations.RunPython(forward, backward)]
