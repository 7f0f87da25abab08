"""Labelling rules: grid, assignments, conflicts, reviews, decisions, notices, publication."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    Frozen,
    InvalidInput,
    NotFound,
    PermissionRefused,
    PhaseClosed,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers import permissions as dossier_permissions
from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.labelling import permissions, services
from budgetcitoyen.labelling.models import Assignment, Decision, Review
from budgetcitoyen.labelling.tests.conftest import submit
from budgetcitoyen.testing.factories import UserFactory, paris

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_labelling")]


def full_scores(edition, value=2):
    return {str(c.pk): value for c in services.criteria_for(edition)}


def label(dossier, staff, **overrides):
    values = {
        "outcome": "labelled",
        "category": dossier.edition.categories.get(priority=1),
        "labelled_amount": Decimal("10000"),
        "public_title": dossier.title,
        "public_summary": dossier.summary,
        "public_description": dossier.description,
    }
    values.update(overrides)
    return services.decide(dossier=dossier, by=staff, **values)


class TestGrid:
    def test_the_default_grid_has_five_criteria_scored_0_to_3_created_once(self, edition):
        grid = services.criteria_for(edition)
        assert [c.name for c in grid] == [
            "Utilité sociale",
            "Coopération",
            "Innovation sociale",
            "Ancrage territorial",
            "Viabilité économique",
        ]
        assert {c.max_score for c in grid} == {3}
        assert services.criteria_for(edition) == grid


class TestAssignments:
    def test_staff_assign_a_member(self, dossier, staff, member):
        services.assignment_add(dossier=dossier, member=member, by=staff)
        assert services.is_assigned(member, dossier)
        assert AuditEntry.objects.filter(action="labelling.assigned").count() == 1
        with pytest.raises(AlreadyDone):
            services.assignment_add(dossier=dossier, member=member, by=staff)
        services.assignment_remove(dossier=dossier, member=member, by=staff)
        assert not services.is_assigned(member, dossier)

    def test_only_staff_assign(self, dossier, member):
        with pytest.raises(PermissionRefused):
            services.assignment_add(dossier=dossier, member=member, by=member)

    def test_nobody_reviews_their_own_dossier_or_their_structure_s(self, edition, staff):
        holder = UserFactory()
        role_grant(user=holder, role=Role.COMMITTEE, by=None)
        from budgetcitoyen.testing.factories import attendee, complete_dossier

        registration = attendee(edition, person=holder)
        with time_machine.travel(paris(2025, 2, 10), tick=False):
            own = dossier_services.dossier_submit(
                dossier=complete_dossier(registration), by=holder, sworn=True
            )
        with pytest.raises(Conflict, match="porte ce dossier"):
            services.assignment_add(dossier=own, member=holder, by=staff)
        contact = UserFactory(email="contact@asso.fr")
        role_grant(user=contact, role=Role.COMMITTEE, by=None)
        theirs = submit(edition, contact_email="contact@asso.fr")
        with pytest.raises(Conflict, match="personne à contacter"):
            services.assignment_add(dossier=theirs, member=contact, by=staff)

    def test_a_resident_cannot_be_assigned_nor_a_draft(self, edition, dossier, staff, member):
        with pytest.raises(Conflict, match="pas membre"):
            services.assignment_add(dossier=dossier, member=UserFactory(), by=staff)
        from budgetcitoyen.testing.factories import attendee, complete_dossier

        draft = complete_dossier(attendee(edition))
        with pytest.raises(Conflict, match="pas à examiner"):
            services.assignment_add(dossier=draft, member=member, by=staff)

    def test_bulk_assignment_reports_what_it_skipped(self, edition, dossier, staff, member):
        second = submit(edition)
        services.conflict_declare(dossier=second, member=member, reason="", by=member)
        made, skipped = services.assign_bulk(dossiers=[dossier, second], members=[member], by=staff)
        assert made == 1
        assert len(skipped) == 1 and "conflit" in skipped[0]

    def test_balanced_assignment_evens_the_load(self, edition, staff, member, other_member):
        third = UserFactory(email="membre3@exemple.fr")
        role_grant(user=third, role=Role.COMMITTEE, by=None)
        for _ in range(4):
            submit(edition)
        made, skipped = services.assign_balanced(
            edition=edition, members=[member, other_member, third], per_dossier=2, by=staff
        )
        assert made == 8 and skipped == []
        loads = sorted(
            Assignment.objects.filter(member=m).count() for m in (member, other_member, third)
        )
        assert loads == [2, 3, 3]
        for dossier in Dossier.objects.filter(edition=edition):
            assert dossier.assignments.count() == 2
        again, _ = services.assign_balanced(
            edition=edition, members=[member, other_member, third], per_dossier=2, by=staff
        )
        assert again == 0

    def test_balanced_assignment_says_when_members_are_missing(self, dossier, staff, member):
        made, skipped = services.assign_balanced(
            edition=dossier.edition, members=[member], per_dossier=2, by=staff
        )
        assert made == 1 and "1 manquant" in skipped[0]


class TestConflicts:
    def test_a_conflict_removes_the_member_and_hides_their_opinion(self, dossier, staff, member):
        services.assignment_add(dossier=dossier, member=member, by=staff)
        services.review_save(
            dossier=dossier,
            member=member,
            opinion="favourable",
            proposed_category=None,
            scores=full_scores(dossier.edition),
            comment="Je connais bien l'équipe",
        )
        services.conflict_declare(
            dossier=dossier, member=member, reason="Administrateur", by=member
        )
        assert not services.is_assigned(member, dossier)
        assert Review.objects.get(dossier=dossier, member=member).hidden_for_conflict
        assert not dossier_permissions.can_view_dossier(member, dossier)
        with pytest.raises(Conflict):
            services.assignment_add(dossier=dossier, member=member, by=staff)
        with pytest.raises(AlreadyDone):
            services.conflict_declare(dossier=dossier, member=member, reason="", by=member)
        entry = AuditEntry.objects.get(action="labelling.conflict_declared")
        assert entry.data["review_hidden"] is True

    def test_only_staff_declare_for_someone_else(self, dossier, member, other_member):
        with pytest.raises(PermissionRefused):
            services.conflict_declare(dossier=dossier, member=other_member, reason="", by=member)


class TestReviews:
    @pytest.fixture
    def assigned(self, dossier, staff, member):
        services.assignment_add(dossier=dossier, member=member, by=staff)
        return dossier

    def test_an_assigned_member_records_then_edits_an_opinion(self, assigned, member):
        category = assigned.edition.categories.get(priority=2)
        review = services.review_save(
            dossier=assigned,
            member=member,
            opinion="reserved",
            proposed_category=category,
            scores=full_scores(assigned.edition, 1),
            comment="Budget fragile",
        )
        assert review.total == 5
        review = services.review_save(
            dossier=assigned,
            member=member,
            opinion="favourable",
            proposed_category=category,
            scores=full_scores(assigned.edition, 3),
        )
        assert Review.objects.get().opinion == "favourable" and review.total == 15
        actions = list(
            AuditEntry.objects.filter(action__startswith="labelling.review")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == ["labelling.review_created", "labelling.review_updated"]

    def test_scores_follow_the_grid(self, assigned, member):
        scores = full_scores(assigned.edition)
        first = next(iter(scores))
        with pytest.raises(InvalidInput) as error:
            services.review_save(
                dossier=assigned,
                member=member,
                opinion="favourable",
                proposed_category=None,
                scores={**scores, first: 4},
            )
        assert "de 0 à 3" in next(iter(error.value.errors.values()))
        with pytest.raises(InvalidInput):
            services.review_save(
                dossier=assigned,
                member=member,
                opinion="favourable",
                proposed_category=None,
                scores={k: v for k, v in scores.items() if k != first},
            )
        with pytest.raises(InvalidInput):
            services.review_save(
                dossier=assigned,
                member=member,
                opinion="bof",
                proposed_category=None,
                scores=scores,
            )

    def test_an_unassigned_member_cannot_review(self, dossier, other_member):
        with pytest.raises(NotFound):
            services.review_save(
                dossier=dossier,
                member=other_member,
                opinion="favourable",
                proposed_category=None,
                scores=full_scores(dossier.edition),
            )

    def test_opinions_are_final_once_decided(self, assigned, member, staff):
        label(assigned, staff)
        with pytest.raises(Frozen):
            services.review_save(
                dossier=assigned,
                member=member,
                opinion="favourable",
                proposed_category=None,
                scores=full_scores(assigned.edition),
            )


class TestDecisions:
    def test_labelling_a_dossier(self, dossier, staff):
        decision = label(dossier, staff, public_title="La recyclerie du Ternois !")
        dossier.refresh_from_db()
        assert dossier.status == "labelled"
        assert decision.labelled_amount == Decimal("10000")
        entry = AuditEntry.objects.get(action="labelling.decided")
        assert entry.data["public_text_corrections"] == {
            "title": ["La recyclerie du Ternois", "La recyclerie du Ternois !"]
        }
        assert dossier.title == "La recyclerie du Ternois"  # the original is kept

    def test_the_labelled_amount_is_bounded(self, dossier, staff):
        with pytest.raises(InvalidInput, match="montant demandé"):
            label(dossier, staff, labelled_amount=Decimal("12000.01"))
        with pytest.raises(InvalidInput, match="plafond de la catégorie"):
            label(
                dossier,
                staff,
                category=dossier.edition.categories.get(priority=2),
                labelled_amount=Decimal("10000.01"),
            )
        with pytest.raises(InvalidInput):
            label(dossier, staff, category=None)

    def test_refusing_the_label_needs_a_reason_for_the_holder(self, dossier, staff):
        with pytest.raises(InvalidInput, match="motif"):
            services.decide(dossier=dossier, by=staff, outcome="not_labelled", reason=" ")
        decision = services.decide(
            dossier=dossier, by=staff, outcome="not_labelled", reason="Hors champ ESS"
        )
        assert decision.category is None
        assert Dossier.objects.get(pk=dossier.pk).status == "not_labelled"

    def test_outside_the_period_only_with_a_written_reason(self, dossier, staff):
        with time_machine.travel(paris(2025, 6, 30, 23, 59), tick=False):
            with pytest.raises(PhaseClosed):
                label(dossier, staff)
            label(dossier, staff, override_reason="Dossier urgent, comité exceptionnel")
        entry = AuditEntry.objects.get(action="labelling.decided")
        assert entry.data["outside_labelling_period"] == "Dossier urgent, comité exceptionnel"

    def test_revisions_until_the_vote_opens_then_final(self, dossier, staff):
        label(dossier, staff)
        revised = label(dossier, staff, labelled_amount=Decimal("9000"))
        assert revised.revision == 1
        assert AuditEntry.objects.filter(action="labelling.decision_revised").count() == 1
        with time_machine.travel(dossier.edition.vote_start, tick=False), pytest.raises(Frozen):
            label(dossier, staff, override_reason="trop tard")

    def test_only_staff_decide(self, dossier, member):
        with pytest.raises(PermissionRefused):
            label(dossier, member)

    def test_a_withdrawn_dossier_gets_no_decision_and_a_decided_one_cannot_be_withdrawn(
        self, edition, dossier, staff
    ):
        withdrawn = submit(edition)
        dossier_services.dossier_withdraw(dossier=withdrawn, by=withdrawn.holder)
        with pytest.raises(Conflict):
            label(withdrawn, staff)
        label(dossier, staff)
        with pytest.raises(Conflict, match="décision"):
            dossier_services.dossier_withdraw(dossier=dossier, by=dossier.holder)


class TestNotices:
    def test_each_holder_is_told_once(
        self, edition, dossier, staff, django_capture_on_commit_callbacks
    ):
        refused = submit(edition)
        label(dossier, staff)
        services.decide(
            dossier=refused,
            by=staff,
            outcome="not_labelled",
            reason="Le projet relève d'une autre politique.",
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert services.notify_holders(edition=edition, by=staff) == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert services.notify_holders(edition=edition, by=staff) == 0
        assert len(mail.outbox) == 2
        by_to = {m.to[0]: m for m in mail.outbox}
        good = by_to[dossier.holder.email]
        assert "labellisé" in good.subject
        from budgetcitoyen.core.templatetags.bc import euros

        assert "Innovation sociale" in good.body
        assert euros(Decimal("10000")) in good.body
        assert "1er septembre 2025" in good.body
        bad = by_to[refused.holder.email]
        assert "Le projet relève d'une autre politique." in bad.body
        assert Decision.objects.filter(notified_at__isnull=True).count() == 0

    def test_a_revision_after_the_notice_is_sent_as_such(
        self, dossier, staff, django_capture_on_commit_callbacks
    ):
        label(dossier, staff)
        with django_capture_on_commit_callbacks(execute=True):
            services.notify_holders(edition=dossier.edition, by=staff)
        with django_capture_on_commit_callbacks(execute=True):
            label(dossier, staff, labelled_amount=Decimal("8000"))
        assert len(mail.outbox) == 2
        assert "Décision révisée" in mail.outbox[1].subject

    def test_the_scheduled_job_acts_once_the_labelling_is_over(
        self, dossier, staff, django_capture_on_commit_callbacks
    ):
        label(dossier, staff)
        assert services.send_due_notifications() == 0
        with time_machine.travel(dossier.edition.labelling_end, tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                assert services.send_due_notifications() == 1
            assert services.send_due_notifications() == 0
        assert len(mail.outbox) == 1


class TestPublication:
    def test_a_labelled_project_is_public_from_the_opening_minute(self, dossier, staff):
        decision = label(dossier, staff)
        opening = dossier.edition.vote_start
        with time_machine.travel(opening - timedelta(minutes=1), tick=False):
            assert not permissions.is_public(decision)
        with time_machine.travel(opening, tick=False):
            assert permissions.is_public(decision)

    def test_a_refused_project_is_never_public(self, dossier, staff):
        decision = services.decide(dossier=dossier, by=staff, outcome="not_labelled", reason="Non")
        with time_machine.travel(dossier.edition.vote_start + timedelta(days=1), tick=False):
            assert not permissions.is_public(decision)


class TestProgress:
    def test_the_counts_agree_with_the_rows_once_decided(self, dossier, staff, member):
        """ "Avis donnés / attendus" read 0 / 0 beside a decided row holding one opinion."""
        from budgetcitoyen.labelling import selectors

        services.assignment_add(dossier=dossier, member=member, by=staff)
        services.review_save(
            dossier=dossier,
            member=member,
            opinion="favourable",
            proposed_category=None,
            scores=full_scores(dossier.edition),
        )
        label(dossier, staff)
        seen_by_staff = selectors.progress(dossier.edition, staff)
        assert (seen_by_staff["reviewed"], seen_by_staff["assigned"]) == (1, 1)
        mine = selectors.progress(dossier.edition, member)
        assert (mine["assigned"], mine["reviewed"], mine["to_review"]) == (1, 1, 0)

    def test_what_is_left_to_review_is_on_undecided_dossiers_only(self, dossier, staff, member):
        from budgetcitoyen.labelling import selectors

        services.assignment_add(dossier=dossier, member=member, by=staff)
        assert selectors.progress(dossier.edition, member)["to_review"] == 1
        label(dossier, staff)
        mine = selectors.progress(dossier.edition, member)
        assert (mine["assigned"], mine["reviewed"], mine["to_review"]) == (1, 0, 0)
