from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    InvalidInput,
    NotEligible,
    PermissionRefused,
    PhaseClosed,
    RateLimited,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.testing.factories import paris, verified_person
from budgetcitoyen.voting import selectors, services
from budgetcitoyen.voting.models import Ballot, IdentityReview

from .conftest import identity

pytestmark = pytest.mark.django_db


def pks(projects, *indexes):
    return [projects[i].pk for i in indexes]


def paper(edition, agent, projects, *, choices=(0, 1, 2), **overrides):
    values = {
        **identity(),
        "collection_point": "Maison du Département Solidarité de l'Arrageois",
        "collected_on": date(2025, 9, 10),
        "sworn": True,
    }
    values.update(overrides)
    return services.paper_ballot_enter(
        edition=edition, by=agent, choices=pks(projects, *choices), **values
    )


@pytest.fixture
def cluster(edition, projects, declared, during_vote):
    """Camille Dupont voted online twice, under two addresses."""
    services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    twin = verified_person(email="camille.d@exemple.fr")
    services.declaration_save(
        edition=edition, user=twin, sworn=True, **identity(last_name="dupont")
    )
    services.ballot_cast(edition=edition, user=twin, choices=pks(projects, 2, 3, 4))
    return IdentityReview.objects.get()


# --- Reviews --------------------------------------------------------------------------------------


def test_annul_all_the_persons_ballots(cluster, staff, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(review=cluster, outcome="annul", reason="Même personne.", by=staff)
    assert set(Ballot.objects.values_list("status", flat=True)) == {Ballot.Status.ANNULLED}
    cluster.refresh_from_db()
    assert cluster.status == IdentityReview.Status.ANNULLED
    assert cluster.decided_by == staff
    assert sorted(m.to[0] for m in mail.outbox) == ["camille.d@exemple.fr", "votante@exemple.fr"]
    assert all("annulé" in m.subject for m in mail.outbox)
    entry = AuditEntry.objects.get(action="vote.review_annulled")
    assert entry.actor == staff and len(entry.data["ballots"]) == 2


def test_dismiss_needs_a_reason_and_keeps_the_ballots(
    cluster, staff, django_capture_on_commit_callbacks
):
    with pytest.raises(InvalidInput) as caught:
        services.review_decide(review=cluster, outcome="dismiss", reason=" ", by=staff)
    assert "reason" in caught.value.errors
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(
            review=cluster,
            outcome="dismiss",
            reason="Homonymes : deux communes différentes.",
            by=staff,
        )
    assert set(Ballot.objects.values_list("status", flat=True)) == {Ballot.Status.VALID}
    assert len(mail.outbox) == 2 and all("validé" in m.subject for m in mail.outbox)
    assert "Homonymes" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="vote.review_dismissed").exists()


def test_a_review_is_decided_once(cluster, staff):
    services.review_decide(review=cluster, outcome="annul", reason="", by=staff)
    with pytest.raises(AlreadyDone):
        services.review_decide(review=cluster, outcome="dismiss", reason="Erreur", by=staff)


@pytest.mark.parametrize("persona", ["resident", "committee", "agent", "organiser"])
def test_only_staff_decide(cluster, persona):
    from budgetcitoyen.testing.cast import make_persona

    with pytest.raises(PermissionRefused):
        services.review_decide(review=cluster, outcome="annul", reason="", by=make_persona(persona))


def test_reviews_stay_decidable_past_the_results_date_until_publication(cluster, staff, edition):
    from budgetcitoyen.results.tests.factories import published_snapshot

    with time_machine.travel(edition.results_at, tick=False):
        services.review_decide(review=cluster, outcome="dismiss", reason="Homonymes.", by=staff)
    published_snapshot(edition)
    cluster.refresh_from_db()
    with pytest.raises(PhaseClosed):
        services.review_decide(review=cluster, outcome="annul", reason="", by=staff)


def test_a_new_ballot_after_a_dismissal_opens_a_new_review(cluster, staff, edition, projects):
    services.review_decide(review=cluster, outcome="dismiss", reason="Homonymes.", by=staff)
    third = verified_person(email="trois@exemple.fr")
    services.declaration_save(edition=edition, user=third, sworn=True, **identity())
    services.ballot_cast(edition=edition, user=third, choices=pks(projects, 0, 1, 2))
    new = IdentityReview.objects.get(status=IdentityReview.Status.OPEN)
    assert new != cluster and new.ballots.count() == 3


def test_a_person_whose_votes_were_annulled_cannot_simply_vote_again(
    cluster, staff, edition, projects
):
    services.review_decide(review=cluster, outcome="annul", reason="", by=staff)
    third = verified_person(email="trois@exemple.fr")
    services.declaration_save(edition=edition, user=third, sworn=True, **identity())
    ballot, _ = services.ballot_cast(edition=edition, user=third, choices=pks(projects, 0, 1, 2))
    assert ballot.status == Ballot.Status.UNDER_REVIEW
    assert Ballot.objects.filter(status=Ballot.Status.ANNULLED).count() == 2
    new = IdentityReview.objects.get(status=IdentityReview.Status.OPEN)
    assert list(new.ballots.all()) == [ballot]
    # The evidence shows the earlier, annulled ballots too.
    assert selectors.review_ballots(new).count() == 3


# --- Paper ballots -----------------------------------------------------------------------------------


def test_an_agent_enters_a_paper_ballot(edition, projects, agent, during_vote):
    ballot, code = paper(edition, agent, projects)
    assert ballot.channel == Ballot.Channel.PAPER
    assert ballot.entered_by == agent and ballot.user is None
    assert ballot.status == Ballot.Status.VALID
    assert len(code) == 16
    assert AuditEntry.objects.get(action="vote.ballot_recorded").actor == agent


def test_paper_ballots_follow_the_same_rules(edition, projects, agent, during_vote):
    with pytest.raises(InvalidInput, match="exactement 3"):
        paper(edition, agent, projects, choices=(0, 1))
    with pytest.raises(NotEligible):
        paper(edition, agent, projects, birth_date=date(2015, 1, 1))
    with pytest.raises(InvalidInput) as caught:
        paper(
            edition,
            agent,
            projects,
            postal_code="62100",
            sworn=False,
            collected_on=date(2025, 10, 2),
        )
    assert set(caught.value.errors) == {"postal_code", "sworn", "collected_on"}


def test_a_second_entry_of_the_same_sheet_is_detected(edition, projects, agent, during_vote):
    paper(edition, agent, projects)
    with pytest.raises(Conflict, match="semble déjà saisi"):
        paper(edition, agent, projects, last_name="DUPONT", choices=(2, 1, 0))
    assert Ballot.objects.count() == 1


def test_another_sheet_of_the_same_person_goes_to_review(edition, projects, agent, during_vote):
    paper(edition, agent, projects)
    ballot, _ = paper(edition, agent, projects, another_sheet=True)
    assert ballot.status == Ballot.Status.UNDER_REVIEW
    assert Ballot.objects.filter(status=Ballot.Status.UNDER_REVIEW).count() == 2


def test_paper_and_online_ballots_of_one_person_go_to_review(
    edition, projects, agent, declared, during_vote
):
    services.ballot_cast(edition=edition, user=declared, choices=pks(projects, 0, 1, 2))
    ballot, _ = paper(edition, agent, projects, choices=(2, 3, 4))
    assert ballot.status == Ballot.Status.UNDER_REVIEW
    assert IdentityReview.objects.get().ballots.count() == 2


def sheet(projects, *, choices=(0, 1, 2), **overrides):  # type: ignore[no-untyped-def]
    values = {**identity(), **overrides}
    return services.PaperSheet(
        choices=pks(projects, *choices),
        collection_point="Maison du Département Solidarité de l'Arrageois",
        collected_on=values.pop("collected_on", date(2025, 9, 10)),
        sworn=values.pop("sworn", True),
        identity=values,
        another_sheet=values.pop("another_sheet", False),
    )


def test_a_stack_of_paper_ballots_is_checked_sheet_by_sheet_as_one_ballot_is(
    edition, projects, agent, during_vote
):
    ballots = services.paper_ballots_enter(
        edition=edition,
        by=agent,
        sheets=[
            sheet(projects),
            sheet(projects, last_name="Martin", choices=(2, 3, 4)),
            sheet(projects, another_sheet=True),  # the same person again: to review
        ],
    )
    assert [b.channel for b, _code in ballots] == [Ballot.Channel.PAPER] * 3
    assert IdentityReview.objects.get().ballots.count() == 2
    assert AuditEntry.objects.filter(action="vote.ballot_recorded", actor=agent).count() == 3
    # One sheet refused by the same rules refuses the stack: nothing is recorded.
    for bad, error in [
        (sheet(projects, last_name="Petit", choices=(0, 1)), InvalidInput),
        (sheet(projects, last_name="Petit", birth_date=date(2015, 1, 1)), NotEligible),
        (sheet(projects, last_name="Petit", sworn=False), InvalidInput),
        (sheet(projects, last_name="Martin", choices=(4, 3, 2)), Conflict),  # typed twice
    ]:
        with pytest.raises(error):
            services.paper_ballots_enter(
                edition=edition, by=agent, sheets=[sheet(projects, last_name="Roux"), bad]
            )
        assert Ballot.objects.count() == 3


def test_a_stack_of_paper_ballots_needs_an_agent_and_the_window(edition, projects, agent):
    from budgetcitoyen.testing.cast import make_persona

    resident = make_persona("resident")
    with time_machine.travel(paris(2025, 9, 10, 10), tick=False), pytest.raises(PermissionRefused):
        services.paper_ballots_enter(edition=edition, by=resident, sheets=[sheet(projects)])
    with time_machine.travel(paris(2025, 8, 20, 10), tick=False), pytest.raises(PhaseClosed):
        services.paper_ballots_enter(edition=edition, by=agent, sheets=[sheet(projects)])


@pytest.mark.parametrize("persona", ["resident", "committee", "organiser"])
def test_only_agents_enter_paper_ballots(edition, projects, during_vote, persona):
    from budgetcitoyen.testing.cast import make_persona

    with pytest.raises(PermissionRefused):
        paper(edition, make_persona(persona), projects)


def test_paper_entry_window(edition, projects, agent):
    with time_machine.travel(paris(2025, 8, 31, 23, 59), tick=False), pytest.raises(PhaseClosed):
        paper(edition, agent, projects)
    # After the vote, agents may still type in ballots collected during it…
    with time_machine.travel(paris(2025, 10, 5), tick=False):
        paper(edition, agent, projects)
    # …until the results.
    with time_machine.travel(edition.results_at, tick=False), pytest.raises(PhaseClosed):
        paper(edition, agent, projects, last_name="Autre")


# --- Receipts ------------------------------------------------------------------------------------------


def test_the_receipt_code_finds_the_ballot_however_it_is_typed(
    edition, projects, declared, during_vote
):
    ballot, code = services.ballot_cast(
        edition=edition, user=declared, choices=pks(projects, 0, 1, 2)
    )
    typed = services.format_receipt(code).lower().replace("0", "o").replace("1", "l")
    assert services.receipt_lookup(code=typed, ip=None) == ballot
    assert services.receipt_lookup(code=f"  {code} ", ip=None) == ballot
    assert services.receipt_lookup(code="0000-0000-0000-0000", ip=None) is None
    assert services.receipt_lookup(code="court", ip=None) is None


def test_receipt_lookups_are_limited_per_ip(settings, db):
    settings.BUDGETCITOYEN_RATE_LIMITS = {
        **settings.BUDGETCITOYEN_RATE_LIMITS,
        "vote_receipt:ip": "3/600",
    }
    for _ in range(3):
        services.receipt_lookup(code="0000000000000000", ip="203.0.113.5")
    with pytest.raises(RateLimited):
        services.receipt_lookup(code="0000000000000000", ip="203.0.113.5")


# --- Staff reads ------------------------------------------------------------------------------------------


def test_dashboard_counts_without_choices(cluster, edition, projects, agent, during_vote):
    paper(edition, agent, projects, last_name="Lefebvre")
    numbers = selectors.dashboard(edition)
    assert numbers["total"] == 3
    assert numbers["online"] == 2 and numbers["paper"] == 1
    assert numbers["under_review"] == 2 and numbers["valid"] == 1 and numbers["annulled"] == 0
    assert numbers["open_reviews"] == 1
    assert numbers["by_territory"][0]["territory__name"] == "Arrageois"
    assert sum(row["total"] for row in numbers["by_day"]) == 3
    assert "choices" not in str(numbers)


def test_ip_clusters_list_runs_from_one_address(edition, projects, settings):
    settings.BUDGETCITOYEN_IP_CLUSTER = (3, 600)
    start = paris(2025, 9, 12, 20)
    for index in range(5):
        person = verified_person(email=f"v{index}@exemple.fr")
        # Three within 10 minutes of each other, then two an hour later.
        moment = start + timedelta(minutes=4 * index if index < 3 else 60 + index)
        with time_machine.travel(moment, tick=False):
            services.declaration_save(
                edition=edition, user=person, sworn=True, **identity(last_name=f"Nom{index}")
            )
            services.ballot_cast(
                edition=edition, user=person, choices=pks(projects, 0, 1, 2), ip="198.51.100.20"
            )
    clusters = selectors.ip_clusters(edition)
    assert [len(c.ballots) for c in clusters] == [3]
    assert clusters[0].ip_address == "198.51.100.20"
    # Never automatic: every ballot stays valid.
    assert set(Ballot.objects.values_list("status", flat=True)) == {Ballot.Status.VALID}
