"""Servants get a folded search key (issue 13 item 6); existing rows are filled here."""

from django.db import migrations, models

from bagalau.org.rules import search_key

FIELDS = (
    "iin", "last_name_kk", "first_name_kk", "middle_name_kk",
    "last_name_ru", "first_name_ru", "middle_name_ru",
)  # fmt: skip


def fill_search_keys(apps, schema_editor):
    Servant = apps.get_model("org", "Servant")
    batch = []
    for row in Servant.objects.only(*FIELDS).order_by("pk").iterator(chunk_size=2000):
        row.search_key = search_key(row.iin, (getattr(row, name) for name in FIELDS[1:]))
        batch.append(row)
        if len(batch) >= 2000:
            Servant.objects.bulk_update(batch, ["search_key"])
            batch = []
    if batch:
        Servant.objects.bulk_update(batch, ["search_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0006_position_deputy_head_absence_studies"),
    ]

    operations = [
        migrations.AddField(
            model_name="servant",
            name="search_key",
            field=models.CharField(
                blank=True, editable=False, max_length=1000, verbose_name="search key"
            ),
        ),
        # The reverse drops the column with the field: nothing to undo in the rows.
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop),
    ]
