"""Each ballot keeps its choices as one text, ``project:points`` pairs by project id, so that
the count is one ``GROUP BY`` on the ballots and reads no choice row.

The text is exactly what ``choices_signature`` digests (``voting.services.casting``); existing
ballots get it from their ``BallotChoice`` rows. Like the keys of 0004, the column is written
with the PostgreSQL trigger keeping ballots final (0002, 0005) set aside, in this migration's
transaction; from then on the trigger keeps it final like every other column. On PostgreSQL the
whole fill is one UPDATE (a million ballots take seconds); elsewhere it runs in Python by
batches.
"""

from django.db import migrations, models

FILL_POSTGRESQL = """
UPDATE voting_ballot AS b SET choices_text = c.text
FROM (
    SELECT ballot_id,
           string_agg(project_id::text || ':' || points::text, ',' ORDER BY project_id) AS text
    FROM voting_ballotchoice GROUP BY ballot_id
) AS c
WHERE c.ballot_id = b.id
"""


def _fill_in_python(apps):
    Ballot = apps.get_model("voting", "Ballot")
    BallotChoice = apps.get_model("voting", "BallotChoice")
    rows = (
        BallotChoice.objects.order_by("ballot_id", "project_id")
        .values_list("ballot_id", "project_id", "points")
        .iterator(chunk_size=5000)
    )
    batch: list = []
    current, pairs = None, []
    for ballot_id, project_id, points in rows:
        if ballot_id != current:
            if current is not None:
                batch.append(Ballot(pk=current, choices_text=",".join(pairs)))
            current, pairs = ballot_id, []
            if len(batch) >= 1000:
                Ballot.objects.bulk_update(batch, ["choices_text"])
                batch = []
        pairs.append(f"{project_id}:{points}")
    if current is not None:
        batch.append(Ballot(pk=current, choices_text=",".join(pairs)))
    Ballot.objects.bulk_update(batch, ["choices_text"])


def fill_choices_text(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        _fill_in_python(apps)
        return
    with connection.cursor() as cursor:
        # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_final")
        cursor.execute(FILL_POSTGRESQL)
        cursor.execute("ALTER TABLE voting_ballot ENABLE TRIGGER voting_ballot_final")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [("voting", "0005_ballot_anonymisation")]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="choices_text",
            field=models.TextField(default="", editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(fill_choices_text, migrations.RunPython.noop),
    ]
