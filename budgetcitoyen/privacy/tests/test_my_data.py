"""'Mes données': the download, and deleting one's own account."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.editions import phases
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.voting.models import Ballot, VoterDeclaration

pytestmark = pytest.mark.django_db


def _voter(edition):
    """A demo voter who signed in by code (no password), as most voters do."""
    ballot = Ballot.objects.filter(edition=edition, channel="online", status="valid").first()
    ballot.user.set_unusable_password()
    ballot.user.save()
    return ballot.user


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _after_results(edition):
    return phases.start(edition, phases.Step.RESULTS) + timedelta(days=1)


def test_it_downloads_everything_but_the_choices(demo):
    voter = _voter(demo)
    with time_machine.travel(_after_results(demo), tick=False):
        page = _client(voter).get(reverse("my_data"))
        response = _client(voter).get(reverse("my_data_download"))
    assert page.status_code == 200
    assert_accessible(page.content)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    data = json.loads(response.content)
    assert data["account"]["email"] == voter.email
    declaration = VoterDeclaration.objects.get(user=voter, edition=demo)
    assert data["voter_declarations"][0]["last_name"] == declaration.last_name
    assert data["ballots"][0]["status"] == "valid"
    assert "choices" not in response.content.decode()
    assert AuditEntry.objects.filter(actor=voter, action="privacy.data_downloaded").exists()


def test_it_refuses_to_delete_an_account_whose_ballot_is_not_counted(demo):
    voter = _voter(demo)
    during_vote = phases.start(demo, phases.Step.VOTE) + timedelta(days=20)
    with time_machine.travel(during_vote, tick=False):
        response = _client(voter).post(reverse("my_account_erase"), {"confirmation": voter.email})
    assert response.status_code == 409
    assert "pas encore dépouillé" in response.content.decode()
    assert get_user_model().objects.filter(pk=voter.pk, email=voter.email).exists()


def test_it_refuses_a_wrong_confirmation(demo):
    voter = _voter(demo)
    with time_machine.travel(_after_results(demo), tick=False):
        response = _client(voter).post(reverse("my_account_erase"), {"confirmation": "x@y.fr"})
    assert response.status_code == 400
    assert "pas celle de votre compte" in response.content.decode()


def test_it_deletes_the_account_and_every_trace_of_its_address(demo):
    voter = _voter(demo)
    email = voter.email
    with time_machine.travel(_after_results(demo), tick=False):
        response = _client(voter).post(reverse("my_account_erase"), {"confirmation": email})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(email=email).exists()
    assert not VoterDeclaration.objects.filter(user_id=voter.pk).exists()
    # The ballot stays (it is counted) until its own retention ends, tied to an empty account.
    assert Ballot.objects.filter(edition=demo, user_id=voter.pk).exists()
    assert not AuditEntry.objects.filter(actor_label__icontains=email).exists()
    assert not AuditEntry.objects.filter(object_label__icontains=email).exists()
    assert AuditEntry.objects.filter(action="privacy.account_erased").exists()


def test_a_holder_keeps_the_submitted_dossier_without_the_account(demo):
    from budgetcitoyen.dossiers.models import Dossier

    dossier = Dossier.objects.filter(submitted_at__isnull=False, edition=demo).first()
    holder = dossier.holder
    holder.set_password("secret-123-secret")
    holder.save()
    with time_machine.travel(_after_results(demo), tick=False):
        wrong = _client(holder).post(reverse("my_account_erase"), {"confirmation": "nope"})
        response = _client(holder).post(
            reverse("my_account_erase"), {"confirmation": "secret-123-secret"}
        )
    assert wrong.status_code == 400
    assert response.status_code == 302
    holder.refresh_from_db()
    assert not holder.is_active
    assert holder.email.endswith("@invalid")
    assert holder.first_name == holder.last_name == holder.phone == ""
    assert Dossier.objects.filter(pk=dossier.pk, holder=holder).exists()


def test_a_holder_gets_every_field_of_every_step_of_their_dossiers(demo):
    from budgetcitoyen.dossiers.models import Dossier
    from budgetcitoyen.dossiers.rules import STEPS
    from budgetcitoyen.privacy.selectors import personal_data

    dossier = Dossier.objects.filter(edition=demo, submitted_at__isnull=False).first()
    exported = personal_data(dossier.holder)["dossiers"]
    entry = next(d for d in exported if d["reference"] == dossier.reference)
    assert {name for step in STEPS for name in step.fields} <= set(entry)
    assert entry["territory"] == (dossier.territory.name if dossier.territory else None)


def test_an_erased_committee_member_is_named_nowhere_in_the_audit_log(demo):
    """The log records who was assigned by account id: the email goes with the account."""
    from budgetcitoyen.labelling.models import Assignment
    from budgetcitoyen.privacy.services import account_erase

    assignment = Assignment.objects.filter(dossier__edition=demo).select_related("member")[0]
    member, email = assignment.member, assignment.member.email.lower()
    assert AuditEntry.objects.filter(action="labelling.assigned", data__member=member.pk).exists()
    with time_machine.travel(_after_results(demo), tick=False):
        account_erase(user=member, by=member)
    leaks = [
        e.pk
        for e in AuditEntry.objects.all()
        if email in f"{e.actor_label} {e.object_label} {json.dumps(e.data)}".lower()
    ]
    assert leaks == []
