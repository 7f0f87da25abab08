"""On PostgreSQL, the database itself keeps a recorded ballot final.

An UPDATE of a ballot may only move its status and its review (a staff decision); any other
change, a DELETE of a ballot, or any UPDATE or DELETE of its choices raises an error,
whoever sends the SQL.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION voting_ballot_final() RETURNS trigger AS $$
DECLARE
    allowed text[] := ARRAY['status', 'review_id', 'updated_at'];
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'Bulletin % : un bulletin enregistré ne peut pas être supprimé.', OLD.id;
    END IF;
    IF (to_jsonb(NEW) - allowed) IS DISTINCT FROM (to_jsonb(OLD) - allowed) THEN
        RAISE EXCEPTION 'Bulletin % : un bulletin enregistré est définitif.', OLD.id;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER voting_ballot_final
BEFORE UPDATE OR DELETE ON voting_ballot
FOR EACH ROW EXECUTE FUNCTION voting_ballot_final();

CREATE OR REPLACE FUNCTION voting_choice_final() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Bulletin % : ses choix sont définitifs.', OLD.ballot_id;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER voting_choice_final
BEFORE UPDATE OR DELETE ON voting_ballotchoice
FOR EACH ROW EXECUTE FUNCTION voting_choice_final();
"""

DROP = """
DROP TRIGGER IF EXISTS voting_choice_final ON voting_ballotchoice;
DROP TRIGGER IF EXISTS voting_ballot_final ON voting_ballot;
DROP FUNCTION IF EXISTS voting_choice_final();
DROP FUNCTION IF EXISTS voting_ballot_final();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("voting", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
