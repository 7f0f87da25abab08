"""The demo tells the truth at every date: built up to a date, it holds only what real people
could have done by then, and every role has something to do.

Each date builds the small demo in the test's own transaction (a few seconds each); today's is
the one every other test reads, built once per test process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from budgetcitoyen.accounts.models import User
from budgetcitoyen.comptoirs.models import Comptoir, Registration
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.demo.editions import calendar, paris
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step
from budgetcitoyen.env import parse_frozen_now
from budgetcitoyen.labelling.models import Assignment, Decision, Review
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.testing.dbsnapshot import restore
from budgetcitoyen.voting.models import Ballot, IdentityReview

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
DATES = ["2025-01-20", "2025-02-15", "2025-07-15", "2025-09-15", "2025-11-21", "today"]

# Dates that say when something is planned, not when it was done.
PLANNED = {
    ("editions", "edition"): set(calendar(2025)),
    ("comptoirs", "comptoir"): {"starts_at", "ends_at"},
    ("accounts", "signincode"): {"expires_at"},
}


@dataclass(frozen=True)
class Built:
    until: datetime
    edition: Edition
    output: str
    before: dict[type[models.Model], int]  # the largest id of each table before the build


def largest_ids() -> dict[type[models.Model], int]:
    """The largest id of each table the scan reads, before the demo writes its rows."""
    return {
        model: model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        for model, _name in dated_fields()
    }


def build(settings, date: str, size: str = "small") -> Built:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    before = largest_ids()
    out = StringIO()
    args = ["--no-serve", "--size", size]
    if date != "today":
        args += ["--date", date]
    call_command("demo", *args, stdout=out)
    until = timezone.now() if date == "today" else parse_frozen_now(date, PARIS)
    return Built(until, Edition.objects.get(year=2025), out.getvalue(), before)


def built_today(demo_built) -> Built:  # type: ignore[no-untyped-def]
    """The demo as the other tests have it (``testing/demo.py``): the same command, small, up
    to now, built once per test process; copied here rather than built a second time."""
    before = largest_ids()
    restore(demo_built.snapshot)
    return Built(timezone.now(), Edition.objects.get(year=2025), demo_built.output, before)


@pytest.mark.parametrize("date", DATES)
def test_the_demo_is_true_at(settings, date, request):  # type: ignore[no-untyped-def]
    if date == "today":
        built = built_today(request.getfixturevalue("demo_built"))
    else:
        built = build(settings, date)
    check_nothing_is_dated_after_the_demo_date(built)
    check_every_step_happened_in_its_window(built)
    check_every_role_has_something_to_do(built)


@pytest.mark.slow
def test_the_full_demo_has_the_figures_of_a_real_edition_and_stays_true(settings):
    import json

    built = build(settings, "today", size="full")
    check_nothing_is_dated_after_the_demo_date(built)
    check_every_step_happened_in_its_window(built)
    check_every_role_has_something_to_do(built)
    edition = built.edition
    filed = Dossier.objects.filter(edition=edition).exclude(status=Dossier.Status.DRAFT)
    assert filed.count() == 70
    assert Decision.objects.filter(edition=edition, outcome="labelled").count() == 54
    ballots = Ballot.objects.filter(edition=edition)
    assert ballots.filter(channel="online").count() >= 800
    assert ballots.filter(channel="paper").count() >= 2000
    result = ResultSnapshot.objects.get(edition=edition, published_at__isnull=False)
    assert 0 < len(result.outcome["selected"]) < 54  # some projects are not funded
    assert "funded_from_leftovers" in json.dumps(result.outcome)


def dated_fields() -> list[tuple[type[models.Model], str]]:
    """Every date-and-time column saying when something was done, in the platform's models,
    the accounts and the audit log."""
    found = []
    for model in apps.get_models():
        if not model.__module__.startswith("budgetcitoyen."):
            continue
        planned = PLANNED.get((model._meta.app_label, model._meta.model_name or ""), set())
        for field in model._meta.concrete_fields:
            # (``updated_at`` is Django's auto_now: it reads the real clock.)
            if isinstance(field, models.DateTimeField) and field.name not in {
                *planned,
                "updated_at",
            }:
                found.append((model, field.name))
    return found


def test_the_scan_covers_what_the_demo_writes():
    names = {(m._meta.model_name, f) for m, f in dated_fields()}
    for expected in [
        ("auditentry", "created_at"),
        ("user", "date_joined"),
        ("registration", "attendance_marked_at"),
        ("dossier", "submitted_at"),
        ("decision", "decided_at"),
        ("ballot", "cast_at"),
        ("identityreview", "decided_at"),
        ("resultsnapshot", "published_at"),
        ("award", "notified_at"),
    ]:
        assert expected in names


def check_nothing_is_dated_after_the_demo_date(built: Built) -> None:
    """What the demo wrote (the rows after those the test database already held)."""
    for model, name in dated_fields():
        written = model._default_manager.filter(pk__gt=built.before[model])
        late = written.filter(**{f"{name}__gt": built.until})
        assert not late.exists(), (model.__name__, name, list(late[:3]))


def check_every_step_happened_in_its_window(built: Built) -> None:
    edition, until = built.edition, built.until
    # Attendance only at comptoirs that took place, noted during or after them.
    for registration in Registration.objects.exclude(attendance=Registration.Attendance.UNKNOWN):
        marked = registration.attendance_marked_at
        assert marked is not None and registration.comptoir.starts_at <= marked <= until
    assert not Dossier.objects.filter(created_at__lt=edition.deposit_start).exists()
    assert not Dossier.objects.filter(submitted_at__gte=edition.deposit_end).exists()
    assert not Decision.objects.filter(decided_at__lt=edition.labelling_start).exists()
    assert not Decision.objects.filter(decided_at__gte=edition.vote_start).exists()
    assert not Ballot.objects.filter(cast_at__lt=edition.vote_start).exists()
    assert not Ballot.objects.filter(channel="online", cast_at__gte=edition.vote_end).exists()
    assert not ResultSnapshot.objects.filter(created_at__lt=edition.vote_end).exists()
    assert not ResultSnapshot.objects.filter(published_at__lt=edition.results_at).exists()
    assert AuditEntry.objects.filter(action="demo.prepared").count() == 1
    published = ResultSnapshot.objects.filter(published_at__isnull=False).exists()
    assert published == phases.has_started(edition, Step.RESULTS, until)
    if published:
        # No review left "à examiner" beside published results.
        assert not IdentityReview.objects.filter(status=IdentityReview.Status.OPEN).exists()


def check_every_role_has_something_to_do(built: Built) -> None:
    edition, until = built.edition, built.until
    phase = phases.current_phase(edition, until)
    resident = User.objects.get(email="habitante@demo.budgetcitoyen.fr")
    porteur = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    organiser = User.objects.get(email="organisatrice@demo.budgetcitoyen.fr")
    member = User.objects.get(email="comite@demo.budgetcitoyen.fr")
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=until):
        if phase in {phases.Phase.COMPTOIRS, phases.Phase.DEPOSIT}:
            from budgetcitoyen.comptoirs.services import check_open_for_registration

            # The resident can still find a comptoir with a free place.
            assert not Registration.objects.filter(person=resident).exists()
            free = [
                c
                for c in Comptoir.objects.filter(edition=edition, starts_at__gt=until)
                if c.registrations.filter(status="confirmed").count() < c.capacity
            ]
            assert free
            check_open_for_registration(free[0])
            # The organiser has a comptoir to hold, with people registered.
            coming = Comptoir.objects.filter(
                edition=edition, organisers=organiser, starts_at__gt=until
            )
            assert any(c.registrations.filter(status="confirmed").exists() for c in coming)
        if phase == phases.Phase.DEPOSIT:
            # The porteur has a dossier in progress.
            assert porteur.dossiers.filter(status=Dossier.Status.DRAFT).exists()
        if phase == phases.Phase.LABELLING:
            waiting = Assignment.objects.filter(member=member, dossier__status="submitted")
            assert waiting.exclude(dossier__reviews__member=member).exists()
            # Staff have reviewed dossiers to decide; some are decided already.
            undecided = Dossier.objects.filter(edition=edition, status="submitted")
            assert Review.objects.filter(dossier__in=undecided).exists()
            assert Decision.objects.filter(edition=edition).exists()
        if phase == phases.Phase.VOTE:
            from budgetcitoyen.voting.services import check_vote_open
            from budgetcitoyen.voting.services.paper import check_paper_window
            from budgetcitoyen.voting.services.reviews import lock_unpublished

            check_vote_open(edition)  # the resident can vote…
            assert not Ballot.objects.filter(user=resident).exists()  # …and has not yet
            check_paper_window(edition)  # an agent can type paper ballots in
            assert Ballot.objects.filter(channel="paper").exists()
            assert Ballot.objects.filter(channel="online").exists()
            # Staff have a multiple vote to decide, and may decide it.
            assert IdentityReview.objects.filter(status=IdentityReview.Status.OPEN).exists()
            with transaction.atomic():
                lock_unpublished(edition)  # (refuses once the results are published)
        if phase == phases.Phase.RESULTS:
            result = ResultSnapshot.objects.get(edition=edition, published_at__isnull=False)
            assert result.awards.filter(decision__dossier__holder=porteur).exists()
            # The next edition is announced, with its calendar ahead.
            following = Edition.objects.get(year__gt=edition.year, is_published=True)
            assert following.comptoirs_start > until
            # The catalogue and the results list the same projects.
            from budgetcitoyen.voting.services import published_projects

            listed = set(published_projects(edition).values_list("pk", flat=True))
            assert listed == {int(row["id"]) for row in result.projects}
            check_the_laureates_are_followed(built, porteur)
        if phase == phases.Phase.LABELLING and until.date() < date(edition.year, 7, 18):
            from budgetcitoyen.followup.models import DocumentRequest

            # The porteur has documents to send, asked during the labelling.
            assert DocumentRequest.objects.filter(
                dossier__holder=porteur, status=DocumentRequest.Status.OPEN
            ).exists()


def check_the_laureates_are_followed(built: Built, porteur: User) -> None:
    """A year after the results, the 2025 laureates stand at various stages (issue 19)."""
    from budgetcitoyen.followup.models import FundingAgreement, Milestone, NewsItem, Payment

    if built.until < paris(built.edition.year + 1, 11, 1):
        return
    agreements = FundingAgreement.objects.filter(award__snapshot__edition=built.edition)
    assert set(agreements.values_list("status", flat=True)) == {"signed", "sent"}
    assert Payment.objects.filter(instalment__agreement__in=agreements).exists()
    done = Milestone.objects.get(kind="done")
    assert done.award.final_report.status == "accepted"
    assert Milestone.objects.filter(kind="abandoned").exclude(reason="").exists()
    own = NewsItem.objects.filter(award__decision__dossier__holder=porteur)
    # One news item published, one waiting for staff's moderation.
    assert set(own.values_list("status", flat=True)) == {"published", "submitted"}
