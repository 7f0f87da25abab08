"""A photo's width and height in pixels, for the pages that show it (``<img width height>``).

New photos get them when they are stored (``photo_set``); the photos already stored are read
once here. A submitted dossier is frozen by its trigger (0002, 0003): these two columns describe
the photo it already holds and change nothing of its content, so the backfill passes the freeze
the way the retention purge does, with the transaction-local setting of migration 0003.
"""

from django.db import migrations, models


def backfill(apps, schema_editor):
    from PIL import Image, UnidentifiedImageError

    Dossier = apps.get_model("dossiers", "Dossier")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('budgetcitoyen.retention_purge', 'on', true)")
    for dossier in Dossier.objects.exclude(photo="").only("pk", "photo").iterator():
        try:
            with dossier.photo.open("rb") as handle, Image.open(handle) as image:
                width, height = image.size
        except (OSError, UnidentifiedImageError):
            continue  # a missing or unreadable file: the page shows it without its size
        Dossier.objects.filter(pk=dossier.pk).update(photo_width=width, photo_height=height)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SELECT set_config('budgetcitoyen.retention_purge', 'off', true)")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_dossier_purged_at")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="photo_width",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="dossier",
            name="photo_height",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
