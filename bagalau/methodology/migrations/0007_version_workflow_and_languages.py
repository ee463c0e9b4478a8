"""Versions get names and notes in three languages, a workflow state (draft → published →
approved), who published and approved them, and a revision; table constraints get
translated messages. Existing versions were in force as soon as adopted: they become
published."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("methodology", "0006_category_deputy_overrides_erratum"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="methodologyversion", old_name="name", new_name="name_kk"),
        migrations.AlterField(
            model_name="methodologyversion",
            name="name_kk",
            field=models.CharField(max_length=300, verbose_name="name (Kazakh)"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="name_ru",
            field=models.CharField(blank=True, max_length=300, verbose_name="name (Russian)"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="name_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="name (English)"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="note_kk",
            field=models.TextField(blank=True, verbose_name="note (Kazakh)"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="note_ru",
            field=models.TextField(blank=True, verbose_name="note (Russian)"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="note_en",
            field=models.TextField(blank=True, verbose_name="note (English)"),
        ),
        # Existing versions were in force once adopted: published. New ones start as drafts.
        migrations.AddField(
            model_name="methodologyversion",
            name="state",
            field=models.CharField(
                choices=[("draft", "draft"), ("published", "published"), ("approved", "approved")],
                default="published",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="methodologyversion",
            name="state",
            field=models.CharField(
                choices=[("draft", "draft"), ("published", "published"), ("approved", "approved")],
                default="draft",
                max_length=16,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="needs_approval",
            field=models.BooleanField(
                default=False,
                help_text="The version takes effect only once the authorized person approves it.",
                verbose_name="the authorized person approves the version",
            ),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="published on"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="approved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="approved on"),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="approved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="methodologyversion",
            name="revision",
            field=models.PositiveIntegerField(default=0, help_text="Bumped by every change."),
        ),
        migrations.AlterField(
            model_name="versionkind",
            name="deadline",
            field=models.CharField(
                blank=True,
                help_text="The version's deadline by which this evaluation is due.",
                max_length=48,
                verbose_name="due by",
            ),
        ),
        migrations.RemoveConstraint(model_name="methodologyversion", name="version_repealed_after_start"),
        migrations.AddConstraint(
            model_name="methodologyversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("repealed_on__isnull", True),
                    ("repealed_on__gt", models.F("effective_from")),
                    _connector="OR",
                ),
                name="version_repealed_after_start",
                violation_error_message="The repeal date must be after the start date.",
            ),
        ),
        migrations.RemoveConstraint(model_name="band", name="band_range"),
        migrations.AddConstraint(
            model_name="band",
            constraint=models.CheckConstraint(
                condition=models.Q(("upper__gte", models.F("lower"))),
                name="band_range",
                violation_error_message="“To” must not be below “from”.",
            ),
        ),
        migrations.RemoveConstraint(model_name="kpiscorerow", name="kpi_row_range"),
        migrations.AddConstraint(
            model_name="kpiscorerow",
            constraint=models.CheckConstraint(
                condition=models.Q(("percent_to__gte", models.F("percent_from"))),
                name="kpi_row_range",
                violation_error_message="“To” must not be below “from”.",
            ),
        ),
        migrations.RemoveConstraint(model_name="kpiscorerow", name="kpi_row_scores"),
        migrations.AddConstraint(
            model_name="kpiscorerow",
            constraint=models.CheckConstraint(
                condition=models.Q(("score_max__gte", models.F("score_min"))),
                name="kpi_row_scores",
                violation_error_message="The highest score must not be below the lowest.",
            ),
        ),
    ]
