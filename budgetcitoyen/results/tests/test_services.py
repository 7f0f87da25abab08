"""Counting and publication: each rule, its refusals, and what publication does."""

from __future__ import annotations

import gzip
import hashlib

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    InvalidInput,
    PermissionRefused,
    PhaseClosed,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers.selectors import holder_dossiers, stage_of
from budgetcitoyen.results import counting, selectors, services
from budgetcitoyen.results.models import Award, ResultSnapshot
from budgetcitoyen.results.trace import line_text
from budgetcitoyen.tally import pabulib
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.voting.models import Ballot, IdentityReview

from .conftest import AFTER_VOTE, DURING_VOTE, cast

pytestmark = pytest.mark.django_db


def test_tally_counts_valid_ballots_with_the_edition_rule(ballots, projects, staff, after_vote):
    snapshot = services.tally_run(edition=ballots[0].edition, by=staff)
    ids = [str(p.pk) for p in projects]
    data = snapshot.outcome
    assert data["rule"] == "envelopes"
    assert snapshot.voters == 7
    # Step 1: Recyclerie, Épicerie (Innovation sociale), Café then Tiers-lieu (Coopération:
    # 3 votes each, the cheaper first); step 3: Jardin from the pooled leftovers, 10,000 of its
    # own category's and 5,000 of Coopération's.
    assert data["selected"] == [ids[0], ids[1], ids[4], ids[3], ids[2]]
    assert data["total_cost"] == "49000"
    assert data["moves"] == [{"from": "Coopération", "to": "Innovation sociale", "amount": "5000"}]
    votes = {row["id"]: row["score"] for row in data["projects"]}
    assert votes == {ids[0]: 5, ids[1]: 4, ids[2]: 1, ids[3]: 3, ids[4]: 3}
    ranks = {row["id"]: row["rank"] for row in data["projects"]}
    assert ranks == {ids[0]: 1, ids[1]: 2, ids[2]: 3, ids[3]: 2, ids[4]: 1}
    # The trace is stored as events (no sentence), which the pages render.
    assert all("text" not in line and line["code"] for line in data["trace"])
    assert any("reliquat" in line_text(line) for line in data["trace"])
    assert snapshot.rule_version == "1" and snapshot.run_by == staff
    assert not snapshot.is_published


def test_the_snapshot_keeps_the_ballots_it_counted_and_their_digest(ballots, staff, after_vote):
    snapshot = services.tally_run(edition=ballots[0].edition, by=staff)
    text = snapshot.ballots_pb()
    assert hashlib.sha256(text).hexdigest() == snapshot.ballots_sha256
    assert gzip.decompress(bytes(snapshot.ballots_file)) == text
    election = pabulib.parse(text.decode())
    assert len(election.votes) == 7
    # One line per ballot, its voter_id the ballot's line id.
    assert sorted(v.voter_id for v in election.votes) == sorted(b.line_id for b in ballots)
    # Anonymised: no name, email, commune, date or IP of any voter.
    for ballot in ballots:
        assert ballot.last_name.encode() not in text
        assert ballot.user.email.encode() not in text


def test_a_recount_writes_the_same_file_and_its_lines_follow_their_line_ids(
    ballots, projects, staff, after_vote
):
    edition = ballots[0].edition
    first = services.tally_run(edition=edition, by=staff)
    again = services.tally_run(edition=edition, by=staff)
    assert again.ballots_sha256 == first.ballots_sha256
    assert again.ballots_pb() == first.ballots_pb()
    election = pabulib.parse(first.ballots_pb().decode())
    # One line per ballot, ordered by line id (a keyed hash of the receipt code): nothing of
    # the person or of the moment of the vote.
    assert [v.voter_id for v in election.votes] == sorted(b.line_id for b in ballots)
    by_line = {b.line_id: b.choices_text for b in ballots}
    texts = [",".join(f"{c}:1" for c in sorted(v.choices, key=int)) for v in election.votes]
    assert texts == [by_line[v.voter_id] for v in election.votes]


def test_the_count_is_one_query_for_the_ballots_whatever_their_number(
    approval_edition, projects, django_assert_num_queries
):
    for i in range(12):
        cast(approval_edition, projects, i % 5, (i + 1) % 5, person=i)
    # The categories, the projects, and the ballots grouped by their choices.
    with django_assert_num_queries(3):
        counted = counting.count(approval_edition)
    assert counted.voters == 12 and len(counted.groups) == 5
    votes = dict(zip([str(p.pk) for p in projects], [5, 6, 5, 4, 4], strict=True))
    assert counted.profile.scores() == votes


def test_only_valid_ballots_count(ballots, projects, staff, after_vote):
    Ballot.objects.filter(pk=ballots[0].pk).update(status=Ballot.Status.ANNULLED)
    Ballot.objects.filter(pk=ballots[1].pk).update(status=Ballot.Status.UNDER_REVIEW)
    snapshot = services.tally_run(edition=ballots[0].edition, by=staff)
    assert snapshot.voters == 5
    votes = {row["id"]: row["score"] for row in snapshot.outcome["projects"]}
    assert votes[str(projects[0].pk)] == 3


def test_counting_reads_groups_not_ballots(
    approval_edition, projects, staff, django_assert_max_num_queries
):
    for i in range(12):
        cast(approval_edition, projects, i % 5, (i + 1) % 5, person=i)
    with time_machine.travel(AFTER_VOTE, tick=False), django_assert_max_num_queries(16):
        services.tally_run(edition=approval_edition, by=staff)


def test_no_count_while_the_vote_is_open(ballots, staff):
    with time_machine.travel(DURING_VOTE, tick=False), pytest.raises(PhaseClosed):
        services.tally_run(edition=ballots[0].edition, by=staff)
    assert not ResultSnapshot.objects.exists()


@pytest.mark.parametrize("persona", ["resident", "committee", "agent", "organiser"])
def test_only_staff_count_and_publish(ballots, staff, after_vote, persona):
    edition = ballots[0].edition
    someone = make_persona(persona)
    with pytest.raises(PermissionRefused):
        services.tally_run(edition=edition, by=someone)
    snapshot = services.tally_run(edition=edition, by=staff)
    with pytest.raises(PermissionRefused):
        services.publish(snapshot=snapshot, by=someone)


def test_a_rule_that_cannot_apply_is_refused_in_french(ballots, staff, after_vote):
    edition = ballots[0].edition
    edition.vote_rule = "points"
    edition.allocation_rule = "mes"
    edition.save()
    with pytest.raises(InvalidInput, match="parts égales"):
        services.tally_run(edition=edition, by=staff)


def test_publication_marks_laureates_and_emails_holders_once(
    ballots, projects, staff, after_vote, django_capture_on_commit_callbacks
):
    edition = ballots[0].edition
    snapshot = services.tally_run(edition=edition, by=staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(snapshot=snapshot, by=staff)
    snapshot.refresh_from_db()
    assert snapshot.published_at is not None and snapshot.published_by == staff
    awards = Award.objects.filter(snapshot=snapshot)
    assert {a.decision_id for a in awards} == {p.pk for p in projects}
    assert len(mail.outbox) == 5
    assert all("lauréat" in m.subject for m in mail.outbox)
    holder = projects[0].dossier.holder
    dossier = holder_dossiers(holder).get(pk=projects[0].dossier.pk)
    assert stage_of(dossier).code == "winner"
    entry = AuditEntry.objects.get(action="results.published")
    assert entry.data["selected"] == snapshot.outcome["selected"]
    with pytest.raises(AlreadyDone):
        services.publish(snapshot=snapshot, by=staff)
    again = services.tally_run(edition=edition, by=staff)
    with pytest.raises(AlreadyDone):
        services.publish(snapshot=again, by=staff)
    assert len(mail.outbox) == 5


def test_unfunded_projects_are_not_laureates(approval_edition, projects, staff):
    for i in range(3):
        cast(approval_edition, projects, 2, person=i)  # Jardin partagé, 15,000 €
    cast(approval_edition, projects, 0, person=9)
    approval_edition.categories.filter(priority=2).update(envelope=0)
    approval_edition.categories.filter(priority=1).update(envelope=20000)
    with time_machine.travel(AFTER_VOTE, tick=False):
        snapshot = services.tally_run(edition=approval_edition, by=staff)
        services.publish(snapshot=snapshot, by=staff)
    assert snapshot.outcome["selected"] == [str(projects[2].pk)]
    assert stage_of(projects[0].dossier).code != "winner"
    assert stage_of(projects[2].dossier).code == "winner"


def test_no_publication_while_a_review_is_pending(ballots, staff, after_vote):
    edition = ballots[0].edition
    snapshot = services.tally_run(edition=edition, by=staff)
    IdentityReview.objects.create(edition=edition, identity_key="dupont|camille|1990-07-14")
    with pytest.raises(Conflict, match="vérification"):
        services.publish(snapshot=snapshot, by=staff)
    assert not Award.objects.exists()


def test_no_publication_of_a_stale_count(ballots, staff, after_vote):
    edition = ballots[0].edition
    snapshot = services.tally_run(edition=edition, by=staff)
    Ballot.objects.filter(pk=ballots[0].pk).update(status=Ballot.Status.ANNULLED)
    with pytest.raises(Conflict, match="relancez"):
        services.publish(snapshot=snapshot, by=staff)
    edition.allocation_threshold = 2
    edition.save()
    fresh = services.tally_run(edition=edition, by=staff)
    services.publish(snapshot=fresh, by=staff)


def test_a_changed_setting_makes_a_count_stale(ballots, staff, after_vote):
    edition = ballots[0].edition
    snapshot = services.tally_run(edition=edition, by=staff)
    edition.categories.filter(priority=1).update(envelope=31000)
    with pytest.raises(Conflict):
        services.publish(snapshot=snapshot, by=staff)


def test_no_publication_before_the_vote_closes(ballots, staff, after_vote):
    snapshot = services.tally_run(edition=ballots[0].edition, by=staff)
    with time_machine.travel(DURING_VOTE, tick=False), pytest.raises(PhaseClosed):
        services.publish(snapshot=snapshot, by=staff)


def test_publication_closes_reviews_and_paper_entry(ballots, staff, after_vote):
    from budgetcitoyen.voting.services import lock_unpublished

    edition = ballots[0].edition
    services.publish(snapshot=services.tally_run(edition=edition, by=staff), by=staff)
    with pytest.raises(PhaseClosed):
        lock_unpublished(edition)


def test_automatic_publication_on_the_results_date(ballots, after_vote):
    edition = ballots[0].edition
    assert services.publish_due() == []  # not yet the date
    with time_machine.travel(edition.results_at, tick=False):
        review = IdentityReview.objects.create(edition=edition, identity_key="x")
        report = services.publish_due()
        assert "vérification" in report[0] and selectors.published_result(edition) is None
        review.status = IdentityReview.Status.DISMISSED
        review.save()
        assert services.publish_due() == ["2025 : résultats publiés."]
        assert services.publish_due() == []
        published = selectors.published_result(edition)
    assert published is not None and published.published_by is None and published.run_by is None
    assert AuditEntry.objects.filter(action="results.published", actor=None).exists()
