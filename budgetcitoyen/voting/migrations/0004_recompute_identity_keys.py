"""Recompute every ballot's identity key now that it folds look-alike and invisible characters.

Ballots cast as ``Dupоnt`` (a Cyrillic о), ``Du\u200bpont`` (a zero-width space) or ``Du Pont``
had keys of their own; they now share the key of ``Dupont``. Ballots that come to share a key
with another ballot of their edition are gathered under review exactly as a cast does
(``voting.services.casting.record_ballot``): one open review for the key, every ballot of the
key not already annulled put "en cours de vérification", an audit entry. An open review left
with no ballot (its ballots joined the review of their new key) is removed, with an audit entry.

Editions whose result is published are left as they are: their ballots are final.

This runs on historical models, not the app's services: app code follows the current models
and would break this migration as soon as a later one adds a column. Only the key itself is
imported, a pure function of the declared names and birth date. On PostgreSQL the trigger
that keeps ballots final (0002) is set aside for the one UPDATE of the keys, in this
migration's transaction.
"""

from django.db import migrations

from budgetcitoyen.voting.identity import identity_key

OPEN, UNDER_REVIEW, ANNULLED = "open", "under_review", "annulled"


def _audit(apps, *, action, review, data):
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    AuditEntry.objects.create(
        actor=None,
        actor_label="système",
        action=action,
        content_type=ContentType.objects.get_for_model(review),
        object_id=str(review.pk),
        object_label=f"{review.identity_key} (à examiner)"[:255],
        data=data,
    )


def _update_keys(apps, connection, changed):
    Ballot = apps.get_model("voting", "Ballot")
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql:
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_final")
        Ballot.objects.bulk_update(
            [Ballot(pk=pk, identity_key=key) for pk, key in changed],
            ["identity_key"],
            batch_size=500,
        )
        if postgresql:
            cursor.execute("ALTER TABLE voting_ballot ENABLE TRIGGER voting_ballot_final")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def recompute_identity_keys(apps, schema_editor):
    Ballot = apps.get_model("voting", "Ballot")
    IdentityReview = apps.get_model("voting", "IdentityReview")
    ResultSnapshot = apps.get_model("results", "ResultSnapshot")
    published = ResultSnapshot.objects.filter(published_at__isnull=False).values("edition_id")
    rows = (
        Ballot.objects.exclude(edition_id__in=published)
        .order_by("pk")
        .values_list("pk", "edition_id", "last_name", "first_name", "birth_date", "identity_key")
    )
    changed = []
    new_keys = set()
    for pk, edition_id, last_name, first_name, birth_date, old_key in rows.iterator():
        key = identity_key(last_name, first_name, birth_date)
        if key != old_key:
            changed.append((pk, key))
            new_keys.add((edition_id, key))
    if not changed:
        return
    _update_keys(apps, schema_editor.connection, changed)

    left_open = set()
    for edition_id, key in sorted(new_keys):
        same_identity = Ballot.objects.filter(edition_id=edition_id, identity_key=key)
        if same_identity.count() < 2:
            continue
        matches = same_identity.exclude(status=ANNULLED)
        left_open.update(
            matches.filter(review__status=OPEN).exclude(review__identity_key=key)
            .values_list("review_id", flat=True)
        )
        review, created = IdentityReview.objects.get_or_create(
            edition_id=edition_id, identity_key=key, status=OPEN
        )
        matches.update(status=UNDER_REVIEW, review=review)
        _audit(
            apps,
            action="vote.review_opened" if created else "vote.review_extended",
            review=review,
            data={"ballots": sorted(matches.values_list("pk", flat=True)), "recomputed": True},
        )
    for review in IdentityReview.objects.filter(pk__in=left_open, ballots__isnull=True):
        _audit(apps, action="vote.review_merged", review=review, data={"recomputed": True})
        review.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0003_signincode_moved_to_accounts"),
        ("results", "0002_snapshot_rule_choices_from_registry"),
        ("core", "0002_audit_append_only_trigger"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(recompute_identity_keys, migrations.RunPython.noop)]
