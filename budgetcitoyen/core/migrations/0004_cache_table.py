"""The table of the database cache (``settings.CACHE_TABLE``), where rate limits are counted
when no Redis is configured, so every process of a production site shares them.

Created whatever cache is configured, so switching to ``CACHE_BACKEND=database`` later needs no
extra command; ``createcachetable`` leaves an existing table alone.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command(
        "createcachetable", settings.CACHE_TABLE, database=schema_editor.connection.alias
    )


def drop(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_labels_can_be_erased")]

    operations = [migrations.RunPython(create, drop)]
