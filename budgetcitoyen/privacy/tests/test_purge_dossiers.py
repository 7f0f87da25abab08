"""Dossiers past their delay: what was never put to the vote goes, the published part stays."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import Client

from budgetcitoyen.core import retention
from budgetcitoyen.dossiers.models import Attachment, Dossier, FinancingLine, private_storage
from budgetcitoyen.editions import phases
from budgetcitoyen.labelling.models import Decision, Review
from budgetcitoyen.privacy import services
from budgetcitoyen.privacy.services import purge_personal_data
from budgetcitoyen.privacy.tests.test_purge import _text_values
from budgetcitoyen.results import counting
from budgetcitoyen.results.models import Award, ResultSnapshot

pytestmark = pytest.mark.django_db


def _delay(edition, *, laureate: bool):
    return retention.dossier_purge_at(phases.start(edition, phases.Step.RESULTS), laureate=laureate)


def _laureate_ids(edition) -> set[int]:
    return set(
        Award.objects.filter(decision__dossier__edition=edition).values_list(
            "decision__dossier", flat=True
        )
    )


def _private_traces(dossiers) -> set[str]:
    """Values only the dossier held: its contact and carrier, as the scan will look for them.

    A contact who is also the account holder keeps their email in the account, which has its
    own delay: those values are not the dossier's to erase.
    """
    accounts = {
        value.lower()
        for row in services.get_user_model().objects.values_list("email", "phone")
        for value in row
        if value
    }
    needles = set()
    for dossier in dossiers:
        for value in (
            dossier.contact_email,
            dossier.contact_phone,
            dossier.structure_address,
            dossier.withdrawal_reason,
        ):
            if value and len(value) > 6:
                needles.add(value.lower())
    return needles - accounts


def test_nothing_goes_before_the_delay(demo):
    before = Dossier.objects.count()
    with time_machine.travel(_delay(demo, laureate=False) - timedelta(days=1), tick=False):
        report = purge_personal_data(apply=True)
    assert Dossier.objects.count() == before
    assert not Dossier.objects.filter(purged_at__isnull=False).exists()
    assert not any("dossiers" in line for line in report.lines), report.lines


def test_after_two_years_only_the_published_part_of_the_projects_stays(
    demo, django_capture_on_commit_callbacks
):
    voted = set(
        Decision.objects.filter(edition=demo, outcome="labelled").values_list("dossier", flat=True)
    )
    never_voted = set(Dossier.objects.filter(edition=demo).values_list("pk", flat=True)) - voted
    if voted == _laureate_ids(demo):  # every project funded: make one a project not funded
        Award.objects.filter(decision__dossier=max(voted)).delete()
    laureates = _laureate_ids(demo)
    assert laureates and voted - laureates and never_voted, "the demo has every kind of dossier"
    gone_traces = _private_traces(Dossier.objects.filter(pk__in=(voted | never_voted) - laureates))
    kept_traces = _private_traces(Dossier.objects.filter(pk__in=laureates))
    gone_traces -= kept_traces  # the demo gives some dossiers the same address
    assert gone_traces
    files = [a.file.name for a in Attachment.objects.exclude(dossier__in=laureates)]
    snapshot = ResultSnapshot.objects.get(edition=demo, published_at__isnull=False)
    public_project = (
        Decision.objects.filter(edition=demo, outcome="labelled")
        .exclude(dossier__in=laureates)
        .first()
    )
    titles = {d.pk: d.title for d in Dossier.objects.filter(pk__in=voted)}

    with time_machine.travel(_delay(demo, laureate=False) + timedelta(hours=1), tick=False):
        dry = purge_personal_data()
        assert not Dossier.objects.filter(purged_at__isnull=False).exists()
        with django_capture_on_commit_callbacks(execute=True):
            report = purge_personal_data(apply=True)
    assert any("non soumis au vote" in line for line in dry.lines), dry.lines
    assert [line for line in report.lines if "dossiers" in line] == [
        line for line in dry.lines if "dossiers" in line
    ]

    assert set(Dossier.objects.filter(edition=demo).values_list("pk", flat=True)) == voted
    erased = Dossier.objects.filter(pk__in=voted - laureates)
    assert all(d.purged_at is not None for d in erased)
    assert all(d.title == titles[d.pk] for d in erased)
    assert not erased.exclude(contact_email="").exists()
    assert not erased.exclude(snapshot="").exists()
    assert not FinancingLine.objects.filter(dossier__in=erased).exists()
    assert not Attachment.objects.filter(dossier__in=erased).exists()
    assert not Review.objects.filter(dossier__in=(voted | never_voted) - laureates).exists()
    assert not Dossier.objects.filter(pk__in=laureates, purged_at__isnull=False).exists()
    storage = private_storage()
    assert not [name for name in files if storage.exists(name)]

    found = [(label, n) for label, value in _text_values() for n in gone_traces if n in value]
    assert found == []
    values = [value for _label, value in _text_values()]
    assert all(any(n in value for value in values) for n in kept_traces)

    # The result stays the one published, and the project keeps its public page.
    snapshot.refresh_from_db()
    recount = counting.count(demo)
    assert recount.fingerprint() == snapshot.outcome["fingerprint"]
    page = Client().get(f"/projets/{public_project.pk}/")
    assert page.status_code == 200
    assert public_project.public_title in html.unescape(page.content.decode())
    # Its holder reads why the rest is gone.
    holder = Client()
    holder.force_login(public_project.dossier.holder)
    page = holder.get(f"/mes-dossiers/{public_project.dossier_id}/")
    assert page.status_code == 200
    assert 'id="dossier-purged"' in page.content.decode()


def test_laureates_keep_their_dossier_ten_years(demo):
    laureates = _laureate_ids(demo)
    with time_machine.travel(_delay(demo, laureate=True) - timedelta(days=1), tick=False):
        purge_personal_data(apply=True)
    assert not Dossier.objects.filter(pk__in=laureates, purged_at__isnull=False).exists()
    assert Dossier.objects.filter(pk__in=laureates).exclude(contact_email="").exists()
    with time_machine.travel(_delay(demo, laureate=True) + timedelta(days=1), tick=False):
        purge_personal_data(apply=True)
        assert not Dossier.objects.filter(edition=demo, purged_at__isnull=True).exists()
        holders = Dossier.objects.filter(pk__in=laureates).values("holder")
        assert (
            not services.get_user_model()
            .objects.filter(services._kept_accounts(), pk__in=holders, is_staff=False)
            .exists()
        )
    assert Award.objects.filter(decision__dossier__in=laureates).count() == len(laureates)


def test_an_unpublished_result_holds_the_dossiers_back(demo):
    ResultSnapshot.objects.filter(edition=demo).update(published_at=None)
    before = Dossier.objects.count()
    with time_machine.travel(_delay(demo, laureate=False) + timedelta(days=1), tick=False):
        report = purge_personal_data(apply=True)
    assert Dossier.objects.count() == before
    assert any("dossiers gardés" in line for line in report.lines), report.lines


def test_the_command_reports_then_applies(demo, capsys):
    before = Dossier.objects.count()
    with time_machine.travel(_delay(demo, laureate=False) + timedelta(days=1), tick=False):
        call_command("purge_personal_data")
        assert Dossier.objects.count() == before
        call_command("purge_personal_data", "--apply")
    assert "non soumis au vote" in capsys.readouterr().out
    assert Dossier.objects.count() < before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers")
def test_the_freeze_lets_only_the_purge_through(demo):
    dossier = Dossier.objects.filter(edition=demo, submitted_at__isnull=False).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(contact_email="")
    with pytest.raises(DatabaseError), transaction.atomic():
        FinancingLine.objects.filter(dossier=dossier).delete()
        Dossier.objects.filter(pk=dossier.pk).delete()
    with transaction.atomic():
        with services._dossier_freeze_lifted():
            Dossier.objects.filter(pk=dossier.pk).update(contact_email="")
        # Lifted for the purge's statements only, even inside the same transaction.
        with pytest.raises(DatabaseError), transaction.atomic():
            Dossier.objects.filter(pk=dossier.pk).update(contact_name="")
    # A purge that fails halfway leaves the freeze as it was.
    with pytest.raises(RuntimeError), transaction.atomic(), services._dossier_freeze_lifted():
        raise RuntimeError
    with pytest.raises(DatabaseError), transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).update(contact_name="")
