"""A dossier past its retention delay: ``purged_at``, and triggers that let only the purge through.

The freeze of migration 0002 stays for every other writer. The purge
(``privacy.services.dossiers_purge``) sets the transaction-local setting
``budgetcitoyen.retention_purge`` to ``on`` for its own statements; with it, and only with it,
a submitted dossier may be erased or deleted, and its parts deleted. The setting lives as long
as the purge's transaction at most (``set_config(..., true)``), so no other request sees it.
The triggers guard against the application's own mistakes; whoever can run SQL by hand can
also drop them, so they are no security boundary against the database's administrators.
"""

from importlib import import_module

from django.db import migrations, models

CREATE = """
CREATE OR REPLACE FUNCTION dossiers_dossier_frozen() RETURNS trigger AS $$
DECLARE
    allowed text[] := ARRAY['status', 'updated_at', 'withdrawn_at', 'withdrawal_reason'];
BEGIN
    IF OLD.submitted_at IS NULL THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF coalesce(current_setting('budgetcitoyen.retention_purge', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Dossier % déposé : il ne peut pas être supprimé.', OLD.reference;
    END IF;
    IF (to_jsonb(NEW) - allowed) IS DISTINCT FROM (to_jsonb(OLD) - allowed) THEN
        RAISE EXCEPTION 'Dossier % déposé : son contenu ne peut plus être modifié.', OLD.reference;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION dossiers_part_frozen() RETURNS trigger AS $$
DECLARE
    target bigint;
    sealed text;
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('budgetcitoyen.retention_purge', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'DELETE' THEN target := OLD.dossier_id; ELSE target := NEW.dossier_id; END IF;
    SELECT reference INTO sealed FROM dossiers_dossier WHERE id = target AND submitted_at IS NOT NULL;
    IF FOUND THEN
        RAISE EXCEPTION 'Dossier % déposé : ses éléments (%) ne peuvent plus être modifiés.', sealed, TG_TABLE_NAME;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.dossier_id <> NEW.dossier_id THEN
        SELECT reference INTO sealed FROM dossiers_dossier WHERE id = OLD.dossier_id AND submitted_at IS NOT NULL;
        IF FOUND THEN
            RAISE EXCEPTION 'Dossier % déposé : ses éléments (%) ne peuvent plus être modifiés.', sealed, TG_TABLE_NAME;
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    """Back to the functions of 0002, which knew no purge."""
    previous = import_module("budgetcitoyen.dossiers.migrations.0002_freeze_submitted_trigger")
    previous.backwards(apps, schema_editor)
    previous.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_freeze_submitted_trigger")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="effacé le"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
