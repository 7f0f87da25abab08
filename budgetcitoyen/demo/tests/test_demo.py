"""``budgetcitoyen demo``: seed calendar, nine comptoirs, one account per role, idempotent; its
output (credentials first, one line for the emails) and the address its links use.

The command runs once per test process (``demo_built``); each test reads a copy of what it
built (``demo``) and of what it printed.
"""

from __future__ import annotations

import json
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from budgetcitoyen.accounts.models import User
from budgetcitoyen.accounts.roles import ROLES, Role
from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.editions.models import Edition

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def run_demo(settings, *args: str) -> str:
    settings.DEBUG = True
    out = StringIO()
    call_command("demo", "--no-serve", "--size", "small", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def output(demo, demo_built) -> str:
    return demo_built.output


def test_it_refuses_to_run_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo", "--no-serve")


def test_it_builds_the_2025_edition_of_seed_000(demo):
    edition = Edition.objects.get(year=2025)
    assert edition.is_demo and edition.is_published
    local = {
        f: getattr(edition, f).astimezone(PARIS)
        for f in [
            "deposit_start",
            "deposit_end",
            "vote_start",
            "vote_end",
            "comptoirs_end",
            "labelling_start",
            "labelling_end",
        ]
    }
    assert local["deposit_start"] == datetime(2025, 1, 31, tzinfo=PARIS)
    assert local["deposit_end"] == datetime(2025, 3, 5, tzinfo=PARIS)  # open all of 4 March
    assert local["comptoirs_end"] == datetime(2025, 3, 13, tzinfo=PARIS)
    assert local["labelling_start"] == datetime(2025, 7, 1, tzinfo=PARIS)
    assert local["labelling_end"] == datetime(2025, 9, 1, tzinfo=PARIS)
    assert local["vote_start"] == datetime(2025, 9, 1, tzinfo=PARIS)
    assert local["vote_end"] == datetime(2025, 10, 1, tzinfo=PARIS)
    assert [(c.name, c.priority) for c in edition.categories.order_by("priority")] == [
        ("Innovation sociale", 1),
        ("Coopération", 2),
        ("Pratiques de l'ESS", 3),
    ]
    # One to three favourites: someone who likes two projects can vote.
    assert (edition.vote_min_choices, edition.vote_max_choices) == (1, 3)


def test_it_schedules_the_nine_comptoirs_of_seed_000(demo):
    comptoirs = list(Comptoir.objects.select_related("commune", "territory").order_by("starts_at"))
    assert len(comptoirs) == 9
    first = comptoirs[0]
    assert first.host_name == "A travers champs"
    assert first.commune.name == "Saint-Augustin"
    assert first.territory.name == "Audomarois"
    assert first.starts_at.astimezone(PARIS) == datetime(2025, 1, 30, 13, 30, tzinfo=PARIS)
    assert comptoirs[-1].commune.name == "Ambricourt"
    assert {c.capacity for c in comptoirs} == {20}
    assert len({c.territory_id for c in comptoirs}) == 8


def test_it_creates_one_account_per_role_and_prints_credentials(output):
    out = output
    assert "demo-budget-citoyen" in out
    for role in ROLES:
        assert User.objects.filter(groups__name=ROLES[role].group_name).exists()
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    assert staff.is_staff and staff.has_role(Role.STAFF)
    assert staff.check_password("demo-budget-citoyen")
    assert User.objects.get(email="admin@demo.budgetcitoyen.fr").is_superuser
    for email in ["habitante@demo.budgetcitoyen.fr", "comite@demo.budgetcitoyen.fr"]:
        assert email in out


def test_running_it_twice_changes_nothing(demo, settings):
    counts = (
        Edition.objects.count(),
        Comptoir.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    )
    out = run_demo(settings)
    assert (
        Edition.objects.count(),
        Comptoir.objects.count(),
        User.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert "Démonstration prête" in out


def test_a_bad_date_is_refused_in_french(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="AAAA-MM-JJ"):
        call_command("demo", "--no-serve", "--date", "1er septembre")


def test_it_fills_one_comptoir_with_a_waiting_list_and_takes_attendance(demo):
    from budgetcitoyen.comptoirs.models import Registration
    from budgetcitoyen.comptoirs.selectors import has_attended

    full = Comptoir.objects.get(host_name="Le Passage à Niveaux")
    assert (
        full.registrations.filter(status=Registration.Status.CONFIRMED).count()
        == full.capacity
        == 20
    )
    assert full.registrations.filter(status=Registration.Status.WAITLISTED).count() == 3
    # Someone cancelled before the cut-off: the first in line got the place.
    assert full.registrations.filter(status=Registration.Status.CANCELLED).count() == 1
    promoted = AuditEntry.objects.filter(action="comptoirs.registration_promoted")
    assert promoted.count() == 1
    assert Registration.objects.filter(attendance="present").exists()
    assert Registration.objects.filter(attendance="absent").exists()
    porteur = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    assert has_attended(porteur, Edition.objects.get(year=2025))


def test_it_files_drafts_submitted_and_withdrawn_dossiers_for_several_holders(demo):
    import hashlib

    from budgetcitoyen.dossiers.models import Dossier
    from budgetcitoyen.dossiers.snapshot import sha256_hex

    dossiers = Dossier.objects.filter(edition__year=2025)
    by_status = {s: dossiers.filter(status=s).count() for s in ("draft", "submitted", "withdrawn")}
    assert by_status == {"draft": 2, "submitted": 0, "withdrawn": 1}  # the others are decided
    assert dossiers.values("holder").distinct().count() >= 10
    porteur = User.objects.get(email="porteur@demo.budgetcitoyen.fr")
    assert set(porteur.dossiers.values_list("status", flat=True)) == {"draft", "labelled"}
    for dossier in dossiers.exclude(status="draft"):
        assert sha256_hex(dossier.snapshot) == dossier.snapshot_sha256
        attachment = dossier.attachments.get()
        with attachment.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == attachment.sha256
    # Twelve filed (the small demo), numbered in the order they were filed.
    filed = dossiers.exclude(status="draft").order_by("submitted_at")
    assert list(filed.values_list("reference", flat=True)) == [
        f"BC-2025-{n:04d}" for n in range(1, 13)
    ]
    # Each filed by someone present at a comptoir, after it and before the deposit closed.
    edition = Edition.objects.get(year=2025)
    for dossier in filed.select_related("registration__comptoir"):
        assert dossier.registration.attendance == "present"
        assert dossier.registration.comptoir.ends_at < dossier.submitted_at < edition.deposit_end


def test_its_labelling_is_done_with_labelled_and_refused_projects(demo):
    from budgetcitoyen.labelling.models import Decision, Review

    decisions = Decision.objects.filter(edition__year=2025)
    assert decisions.filter(outcome="labelled").count() == 9
    assert decisions.filter(outcome="not_labelled").count() == 2
    assert not decisions.filter(notified_at__isnull=True).exists()
    # Every decided dossier was reviewed first, the decision a week after its review.
    assert Review.objects.filter(dossier__edition__year=2025).count() == 11
    for decision in decisions.select_related("dossier"):
        review = Review.objects.filter(dossier=decision.dossier).get()
        assert review.created_at < decision.decided_at


def test_its_vote_has_online_and_paper_ballots_one_review_and_a_published_result(demo):
    from budgetcitoyen.editions.models import Edition
    from budgetcitoyen.voting.models import Ballot, IdentityReview
    from budgetcitoyen.voting.selectors import ip_clusters

    edition = Edition.objects.get(year=2025)
    ballots = Ballot.objects.filter(edition=edition)
    assert ballots.filter(channel="online").count() == 49
    assert ballots.filter(channel="paper").count() == 12
    review = IdentityReview.objects.get(edition=edition)
    # Decided after the vote (annulled: the same person twice), before the demo result.
    assert review.status == "annulled" and review.ballots.count() == 2
    assert edition.vote_end < review.decided_at < edition.results_at
    assert ballots.filter(status="valid").count() == 59
    assert [len(cluster.ballots) for cluster in ip_clusters(edition)] == [5]
    # The demo resident is left to vote.
    assert not ballots.filter(user__email="habitante@demo.budgetcitoyen.fr").exists()
    assert {b.choices.count() for b in ballots} <= {1, 2, 3}
    from budgetcitoyen.results.models import ResultSnapshot

    result = ResultSnapshot.objects.get(edition=edition)
    assert result.published_at == edition.results_at and result.voters == 59
    assert result.awards.count() == len(result.outcome["selected"]) > 0


def test_its_envelopes_leave_projects_unfunded_and_move_leftovers(demo):
    from budgetcitoyen.labelling.models import Decision
    from budgetcitoyen.results.models import ResultSnapshot

    result = ResultSnapshot.objects.get(edition=demo)
    labelled = Decision.objects.filter(edition=demo, outcome="labelled").count()
    assert 0 < len(result.outcome["selected"]) < labelled  # some projects are not funded
    # What a category leaves pays for projects of another: the redistribution is seen.
    assert "funded_from_leftovers" in json.dumps(result.outcome)


def test_it_prints_the_credentials_first_and_counts_the_emails(output):
    lines = output.splitlines()
    assert lines[0].startswith("Comptes de démonstration")
    assert "habitante@demo.budgetcitoyen.fr" in lines[1]
    emails = [line for line in lines if "e-mail" in line]
    assert len(emails) == 1 and "envoyés pendant la préparation" in emails[0]
    assert "Content-Type" not in output and len(lines) < 20


def test_it_announces_the_next_edition_after_the_results(demo):
    from budgetcitoyen.core import clock
    from budgetcitoyen.editions.selectors import current_edition

    following = Edition.objects.get(year__gt=2025)
    assert following.is_published and following.comptoirs_start > clock.now()
    assert current_edition() == following


def test_links_use_the_address_served(
    settings, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    from budgetcitoyen.demo.management.commands.demo import site_url

    assert site_url("127.0.0.1:8101") == "http://127.0.0.1:8101"
    assert site_url("8101") == "http://127.0.0.1:8101"
    assert site_url("0.0.0.0:8000") == "http://localhost:8000"
    monkeypatch.delenv("SITE_URL", raising=False)
    emails = tmp_path / "emails.txt"
    with django_capture_on_commit_callbacks(execute=True):
        out = run_demo(
            settings,
            "--date",
            "2025-01-20",
            "--addrport",
            "127.0.0.1:8101",
            "--emails",
            str(emails),
        )
    assert settings.SITE_URL == "http://127.0.0.1:8101"
    assert f"écrits dans {emails}" in out and emails.exists()
    # (In a test's transaction the emails leave when it "commits", here, after the command.)
    text = "".join(m.body for m in mail.outbox)
    assert "http://127.0.0.1:8101/comptoirs/" in text and "127.0.0.1:8000" not in text


def test_an_explicit_site_url_wins(settings, monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://budget.example.fr")
    settings.SITE_URL = "https://budget.example.fr"
    run_demo(settings, "--date", "2025-01-20", "--addrport", "127.0.0.1:8101")
    assert settings.SITE_URL == "https://budget.example.fr"


def test_another_date_on_the_same_database_is_refused_in_french(demo, settings):
    with pytest.raises(CommandError, match="base neuve"):
        run_demo(settings, "--date", "2025-09-15")
