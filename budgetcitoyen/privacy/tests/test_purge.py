"""The purge on the demo: the published result stays, no voter's identity does."""

from __future__ import annotations

import gzip
import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models

from budgetcitoyen.core import retention
from budgetcitoyen.editions import phases
from budgetcitoyen.privacy.services import purge_personal_data
from budgetcitoyen.results import counting
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.voting.models import Ballot, VoterDeclaration

TEXT = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)


def _after_delay(edition):
    return retention.voter_identity_purge_at(phases.start(edition, phases.Step.RESULTS))


def _kept_people():
    """Accounts the platform keeps for something else than the vote (holders, staff…)."""
    users = get_user_model().objects.all()
    return [
        u
        for u in users
        if u.has_usable_password()
        or u.is_staff
        or u.groups.exists()
        or u.dossiers.exists()
        or u.comptoir_registrations.exists()
    ]


def _voter_traces():
    kept = _kept_people()
    kept_emails = {u.email.lower() for u in kept}
    kept_names = {f"{u.first_name} {u.last_name}".lower() for u in kept}
    needles = set()
    for person in [*Ballot.objects.all(), *VoterDeclaration.objects.all()]:
        for name in (
            f"{person.first_name} {person.last_name}",
            f"{person.last_name} {person.first_name}",
        ):
            if name.lower() not in kept_names:
                needles.add(name.lower())
        needles.add(person.birth_date.isoformat())
        if getattr(person, "ip_address", None):
            needles.add(person.ip_address)
        if person.user and person.user.email.lower() not in kept_emails:
            needles.add(person.user.email.lower())
    return needles


def _text_values():
    for model in apps.get_models():
        columns = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT)]
        if not columns:
            continue
        for row in model._default_manager.values_list(*columns):
            for value in row:
                if value:
                    yield model._meta.label, str(value).lower()


@pytest.mark.django_db
def test_the_purge_keeps_the_result_and_erases_every_voter(demo):
    snapshot = ResultSnapshot.objects.get(edition=demo, published_at__isnull=False)
    sha, pb = snapshot.ballots_sha256, bytes(snapshot.ballots_file)
    needles = _voter_traces()
    assert len(needles) > 20

    with time_machine.travel(_after_delay(demo) - timedelta(days=1), tick=False):
        early = purge_personal_data(apply=True)
    assert Ballot.objects.filter(anonymised_at__isnull=False).count() == 0, early.lines

    with time_machine.travel(_after_delay(demo) + timedelta(hours=1), tick=False):
        dry = purge_personal_data()
        assert Ballot.objects.filter(anonymised_at__isnull=True).exists()
        report = purge_personal_data(apply=True)
    assert any("anonymisation" in line for line in dry.lines), dry.lines
    assert report.lines == dry.lines

    snapshot.refresh_from_db()
    assert (snapshot.ballots_sha256, bytes(snapshot.ballots_file)) == (sha, pb)
    assert hashlib.sha256(gzip.decompress(pb)).hexdigest() == sha
    recount = counting.count(demo)
    assert recount.fingerprint() == snapshot.outcome["fingerprint"]
    outcome = counting.outcome_data(recount, counting.run_rule(recount))
    assert outcome["selected"] == snapshot.outcome["selected"]

    assert not VoterDeclaration.objects.exists()
    assert not Ballot.objects.filter(birth_date__isnull=False).exists()
    found = [(label, n) for label, value in _text_values() for n in needles if n in value]
    assert found == []


@pytest.mark.django_db
def test_an_open_review_holds_the_edition_back(demo):
    from budgetcitoyen.voting.models import IdentityReview

    review = IdentityReview.objects.filter(edition=demo).first()
    assert review is not None
    IdentityReview.objects.filter(pk=review.pk).update(status=IdentityReview.Status.OPEN)
    with time_machine.travel(_after_delay(demo) + timedelta(days=1), tick=False):
        report = purge_personal_data(apply=True)
    assert Ballot.objects.filter(anonymised_at__isnull=False).count() == 0
    assert any("vérifications" in line for line in report.lines)


@pytest.mark.django_db
def test_the_command_is_a_dry_run_unless_applied(demo, capsys):
    with time_machine.travel(_after_delay(demo) + timedelta(days=1), tick=False):
        call_command("purge_personal_data")
        assert not Ballot.objects.filter(anonymised_at__isnull=False).exists()
        call_command("purge_personal_data", "--apply")
    out = capsys.readouterr().out
    assert "Simulation" in out
    assert not Ballot.objects.filter(anonymised_at__isnull=True).exists()
