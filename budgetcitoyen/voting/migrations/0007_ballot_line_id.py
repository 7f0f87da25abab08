"""Each ballot gets its public line id, the ``voter_id`` of its line in the published file.

New ballots derive it from their receipt code (``voting.ballotlines``). The receipt codes of
ballots already recorded were never kept, so those ballots get a random id: their lines are
still anonymous and ordered by id, but their voters cannot find them. Like 0006, the column is
written with the PostgreSQL trigger keeping ballots final set aside, in this migration's
transaction; from then on the trigger keeps it final like every other column.
"""

import secrets

from django.db import migrations, models


def fill_line_ids(apps, schema_editor):
    Ballot = apps.get_model("voting", "Ballot")
    connection = schema_editor.connection
    pks = list(Ballot.objects.filter(line_id="").values_list("pk", flat=True))
    if not pks:
        return
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_final")
        # 64 random bits per ballot; the ids only need to differ within an edition, and a
        # set makes sure they do across the whole table.
        seen: set[str] = set()
        for start in range(0, len(pks), 1000):
            batch = []
            for pk in pks[start : start + 1000]:
                line_id = secrets.token_hex(8)
                while line_id in seen:
                    line_id = secrets.token_hex(8)
                seen.add(line_id)
                batch.append(Ballot(pk=pk, line_id=line_id))
            Ballot.objects.bulk_update(batch, ["line_id"])
        if postgresql:
            cursor.execute("ALTER TABLE voting_ballot ENABLE TRIGGER voting_ballot_final")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [("voting", "0006_ballot_choices_text")]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="line_id",
            field=models.CharField(
                default="", editable=False, max_length=16, verbose_name="identifiant de ligne"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_line_ids, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(
                fields=("edition", "line_id"), name="ballot_line_id_once"
            ),
        ),
    ]
