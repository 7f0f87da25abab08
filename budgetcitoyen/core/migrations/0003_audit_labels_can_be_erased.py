"""The audit log keeps what happened, not whom it named once their data is erased.

On PostgreSQL the append-only trigger now also lets through an UPDATE that only replaces an
entry's labels (``actor_label``, ``object_label``) and, as before, detaches a deleted account
(``actor_id`` to NULL): the erasure of a person's data (``privacy.services``) rewrites the
labels that name them. Every other change, and any DELETE, is still refused.
"""

from django.db import migrations

LABELS_ERASABLE = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
DECLARE
    erasable text[] := ARRAY['actor_id', 'actor_label', 'object_label'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Le journal d''audit n''accepte que des ajouts (suppression refusée).';
    END IF;
    IF (NEW.actor_id IS NULL OR NEW.actor_id = OLD.actor_id)
       AND (to_jsonb(NEW) - erasable) = (to_jsonb(OLD) - erasable) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit n''accepte que des ajouts (modification refusée).';
END;
$$ LANGUAGE plpgsql;
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION core_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Le journal d''audit n''accepte que des ajouts (suppression refusée).';
    END IF;
    IF NEW.actor_id IS NULL AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit n''accepte que des ajouts (modification refusée).';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LABELS_ERASABLE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY, params=None)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_append_only_trigger")]

    operations = [migrations.RunPython(forwards, backwards)]
