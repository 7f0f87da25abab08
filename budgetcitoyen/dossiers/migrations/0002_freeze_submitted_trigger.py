"""On PostgreSQL, the database itself refuses to change a submitted dossier.

Once ``submitted_at`` is set, an UPDATE may only touch the columns of its life after
submission (status, withdrawal, updated_at); any other change, a DELETE, or a change to
its communes, financing plan or attachments raises an error, whoever sends the SQL.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION dossiers_dossier_frozen() RETURNS trigger AS $$
DECLARE
    allowed text[] := ARRAY['status', 'updated_at', 'withdrawn_at', 'withdrawal_reason'];
BEGIN
    IF OLD.submitted_at IS NULL THEN
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

CREATE TRIGGER dossiers_dossier_frozen
BEFORE UPDATE OR DELETE ON dossiers_dossier
FOR EACH ROW EXECUTE FUNCTION dossiers_dossier_frozen();

CREATE OR REPLACE FUNCTION dossiers_part_frozen() RETURNS trigger AS $$
DECLARE
    target bigint;
    sealed text;
BEGIN
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

PART_TABLES = ["dossiers_financingline", "dossiers_attachment", "dossiers_dossiercommune"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE, params=None)
    for table in PART_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION dossiers_part_frozen();"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in PART_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_frozen ON {table};")
    schema_editor.execute("DROP TRIGGER IF EXISTS dossiers_dossier_frozen ON dossiers_dossier;")
    schema_editor.execute("DROP FUNCTION IF EXISTS dossiers_dossier_frozen();")
    schema_editor.execute("DROP FUNCTION IF EXISTS dossiers_part_frozen();")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
