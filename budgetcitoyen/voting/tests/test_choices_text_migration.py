"""The data migration that gives ballots cast before it their choices as one text."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from budgetcitoyen.voting.models import Ballot
from budgetcitoyen.voting.services.casting import choices_text

from .test_identity_migration import cast

pytestmark = pytest.mark.django_db

migration = importlib.import_module("budgetcitoyen.voting.migrations.0006_ballot_choices_text")


def as_before_the_column(ballot: Ballot) -> None:
    """A ballot as the migration finds it: an empty text (the trigger keeps ballots final)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE voting_ballot DISABLE TRIGGER voting_ballot_final")
        Ballot.objects.filter(pk=ballot.pk).update(choices_text="")
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE voting_ballot ENABLE TRIGGER voting_ballot_final")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_the_migration_writes_each_ballot_s_choices_as_casting_does(edition, projects, during_vote):
    edition.vote_rule = "points"
    edition.vote_max_choices = 3
    edition.save()
    ranked = [projects[4], projects[0], projects[2]]
    first = cast(edition, ranked, "a@exemple.fr", "Dupont")
    second = cast(edition, projects[:1], "b@exemple.fr", "Martin")
    expected = {b.pk: b.choices_text for b in (first, second)}
    assert expected[first.pk] == choices_text([(p.pk, 3 - i) for i, p in enumerate(ranked)])
    for ballot in (first, second):
        as_before_the_column(ballot)
    assert set(Ballot.objects.values_list("choices_text", flat=True)) == {""}

    migration.fill_choices_text(apps, SimpleNamespace(connection=connection))

    assert dict(Ballot.objects.values_list("pk", "choices_text")) == expected
    # And the database still keeps it final.
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            Ballot.objects.filter(pk=first.pk).update(choices_text="1:1")
