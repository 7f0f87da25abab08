"""The data migration that recomputes ballots' identity keys and sends new clusters to review."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.testing.factories import verified_person
from budgetcitoyen.voting import services
from budgetcitoyen.voting.models import Ballot, IdentityReview

from .conftest import identity

pytestmark = pytest.mark.django_db

migration = importlib.import_module("budgetcitoyen.voting.migrations.0004_recompute_identity_keys")


def run_migration():
    migration.recompute_identity_keys(apps, SimpleNamespace(connection=connection))


def cast(edition, projects, email, last_name):
    person = verified_person(email=email)
    services.declaration_save(
        edition=edition, user=person, sworn=True, **identity(last_name=last_name)
    )
    ballot, _code = services.ballot_cast(
        edition=edition, user=person, choices=[p.pk for p in projects[:3]]
    )
    return ballot


def as_before(ballot, key, *, status=Ballot.Status.VALID, review=None):
    """Put a ballot back as the former key left it (the trigger keeps keys final)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_final")
        Ballot.objects.filter(pk=ballot.pk).update(identity_key=key, status=status, review=review)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE voting_ballot ENABLE TRIGGER voting_ballot_final")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@pytest.fixture
def before(edition, projects, during_vote):
    """Four ballots of one person, keyed as before look-alikes were folded: "Dupont" and
    "Dupоnt" (Cyrillic о) valid, "Du Pont" and "Du\u200bpont" under an open review of
    their shared former key; and a ballot of someone else."""
    born = "1990-07-14"
    plain = cast(edition, projects, "a@exemple.fr", "Dupont")
    cyrillic = cast(edition, projects, "b@exemple.fr", "Dup\u043ent")
    apart = cast(edition, projects, "c@exemple.fr", "Du Pont")
    hidden = cast(edition, projects, "d@exemple.fr", "Du\u200bpont")
    other = cast(edition, projects, "e@exemple.fr", "Martin")
    for ballot in (plain, cyrillic, apart, hidden):
        as_before(ballot, "x")
    IdentityReview.objects.all().delete()
    former = IdentityReview.objects.create(edition=edition, identity_key=f"du pont|camille|{born}")
    as_before(plain, f"dupont|camille|{born}")
    as_before(cyrillic, f"dup nt|camille|{born}")
    as_before(apart, former.identity_key, status=Ballot.Status.UNDER_REVIEW, review=former)
    as_before(hidden, former.identity_key, status=Ballot.Status.UNDER_REVIEW, review=former)
    return SimpleNamespace(
        ballots=[plain, cyrillic, apart, hidden], other=other, former=former, born=born
    )


def test_the_migration_gathers_the_new_cluster_under_one_open_review(before):
    run_migration()
    review = IdentityReview.objects.get(status=IdentityReview.Status.OPEN)
    assert review.identity_key == f"dupont|camille|{before.born}"
    assert set(review.ballots.values_list("pk", flat=True)) == {b.pk for b in before.ballots}
    assert set(review.ballots.values_list("status", flat=True)) == {Ballot.Status.UNDER_REVIEW}
    # The former review, now empty, is gone; the audit log says why.
    assert not IdentityReview.objects.filter(pk=before.former.pk).exists()
    assert AuditEntry.objects.filter(action="vote.review_merged").count() == 1
    opened = AuditEntry.objects.filter(action="vote.review_opened").latest("pk")
    assert opened.object_id == str(review.pk)
    assert opened.data["recomputed"] is True
    other = Ballot.objects.get(pk=before.other.pk)
    assert other.status == Ballot.Status.VALID
    assert other.review is None
    if connection.vendor == "postgresql":  # the trigger keeps ballots final again
        with pytest.raises(DatabaseError, match="définitif"), transaction.atomic():
            Ballot.objects.filter(pk=other.pk).update(identity_key="changed")


def test_an_annulled_ballot_stays_annulled(before):
    plain = before.ballots[0]
    as_before(plain, plain.identity_key, status=Ballot.Status.ANNULLED)
    as_before(before.ballots[1], "dup nt|camille|1990-07-14")
    run_migration()
    assert Ballot.objects.get(pk=plain.pk).status == Ballot.Status.ANNULLED
    review = IdentityReview.objects.get(status=IdentityReview.Status.OPEN)
    assert plain.pk not in set(review.ballots.values_list("pk", flat=True))


def test_the_migration_changes_nothing_when_keys_are_current(edition, projects, during_vote):
    ballot = cast(edition, projects, "a@exemple.fr", "Dupont")
    entries = AuditEntry.objects.count()
    run_migration()
    assert Ballot.objects.get(pk=ballot.pk).status == Ballot.Status.VALID
    assert AuditEntry.objects.count() == entries


def test_an_edition_with_a_published_result_is_left_as_it_is(before, edition):
    from budgetcitoyen.results.tests.factories import published_snapshot

    published_snapshot(edition)
    run_migration()
    cyrillic = Ballot.objects.get(pk=before.ballots[1].pk)
    assert cyrillic.identity_key == "dup nt|camille|1990-07-14"
    assert cyrillic.status == Ballot.Status.VALID
