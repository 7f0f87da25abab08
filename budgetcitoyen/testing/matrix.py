"""The world of the access matrix: the demo edition plus the few objects it lacks, and the cast.

``build_world()`` runs on top of a copy of the demo (``testing/demo.py``) and adds what the
demo does not hold, so that every URL can be asked about an object in each state: an
unpublished edition with its comptoir, a cancelled registration, an organiser of one comptoir
only, a committee member with a declared conflict and one with nothing assigned, a counted
result that is not published, and marker strings in the texts that some roles must never
read. It returns the ids and the people by role; ``testing/matrix_rules.py`` says what each
of them must get.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import cast
from zoneinfo import ZoneInfo

from django.test.utils import override_settings

PARIS = ZoneInfo("Europe/Paris")


def paris(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=PARIS)


# One instant inside each phase of the fixture edition (the demo's 2025 calendar, whose
# labelling is made to end a week before the vote so that "awaiting_vote" exists).
PHASE_DATES: dict[str, datetime] = {
    "upcoming": paris(2024, 12, 10, 10),
    "comptoirs": paris(2025, 1, 20, 10),
    "deposit": paris(2025, 2, 10, 10),
    "awaiting_labelling": paris(2025, 4, 15, 10),
    "labelling": paris(2025, 7, 20, 10),
    "awaiting_vote": paris(2025, 8, 28, 10),
    "vote": paris(2025, 9, 15, 10),
    "counting": paris(2025, 10, 20, 10),
    "results": paris(2025, 12, 1, 10),
}
LABELLING_END = paris(2025, 8, 25)

# The follow-up's: a draft news item's text (its holder and staff) and a payment's mandate
# reference (staff: the public sees amounts and dates only).
MARKERS_FOLLOWUP = {
    "news_draft_text": "MARQUEUR-ACTUALITE-BROUILLON",
    "payment_reference": "MANDAT-MARQUEUR-7731",
}
# Strings written into the fixture that only some roles may ever read.
MARKERS = {
    "holder_phone": "0612345678",
    "draft_text": "MARQUEUR-BROUILLON-CONFIDENTIEL",
    "review_comment": "MARQUEUR-AVIS-INTERNE",
}

ROLES = [
    "anonymous",
    "resident",  # signed in, no role, nothing done
    "registrant",  # a confirmed place at a comptoir, marked absent: no dossier
    "holder",  # holds a submitted (labelled) dossier and a draft
    "organiser",  # organiser of one comptoir (``comptoir_own``) only
    "committee",  # committee member assigned to the submitted dossiers
    "committee_unassigned",
    "committee_conflict",  # assigned to one dossier, then declared a conflict on it
    "agent",
    "voter",  # voted online
    "staff",
    "superuser",
]


@dataclass
class World:
    year: int
    unpublished_year: int
    users: dict[str, int | None] = field(default_factory=dict)  # role -> user id
    ids: dict[str, int] = field(default_factory=dict)  # object name -> id
    references: dict[str, str] = field(default_factory=dict)  # dossier name -> reference
    markers: dict[str, str] = field(default_factory=dict)  # marker name -> text


def build_world(edition) -> World:  # type: ignore[no-untyped-def]
    """Add to the demo edition what the matrix needs; return the ids and the markers. The
    caller undoes it (the module fixture restores the copy of the database it took before)."""
    from budgetcitoyen.accounts.models import User
    from budgetcitoyen.accounts.roles import Role, role_grant
    from budgetcitoyen.comptoirs.models import Comptoir, Registration
    from budgetcitoyen.dossiers.models import Attachment, Dossier
    from budgetcitoyen.editions.models import Edition
    from budgetcitoyen.labelling.models import ConflictOfInterest, Decision, Review
    from budgetcitoyen.results import services as results
    from budgetcitoyen.results.models import ResultSnapshot
    from budgetcitoyen.testing.factories import UserFactory
    from budgetcitoyen.voting.models import Ballot, IdentityReview

    world = World(year=edition.year, unpublished_year=edition.year + 1)
    # The matrix asks about one published edition in each phase: the next edition the demo
    # announces after its results would be the current one at the later phase dates. (The
    # imported 2024 edition stays: it is never current, and its pages are public.)
    for following in Edition.objects.exclude(pk=edition.pk).exclude(is_imported=True):
        following.categories.all().delete()
        following.delete()
    Edition.objects.filter(pk=edition.pk).update(labelling_end=LABELLING_END)
    edition.refresh_from_db()

    def person(email: str, role: str | None = None) -> User:
        user = cast(User, UserFactory(email=email))
        if role:
            role_grant(user=user, role=role, by=None)
        return user

    def demo_user(prefix: str) -> User:
        return User.objects.get(email=f"{prefix}@demo.budgetcitoyen.fr")

    staff = demo_user("mission-ess")
    holder = demo_user("porteur")
    committee = demo_user("comite")

    # The holder's phone, on the account and on the draft (a submitted dossier is frozen).
    User.objects.filter(pk=holder.pk).update(phone=MARKERS["holder_phone"])
    draft = Dossier.objects.get(edition=edition, holder=holder, status=Dossier.Status.DRAFT)
    Dossier.objects.filter(pk=draft.pk).update(
        description=MARKERS["draft_text"], contact_phone=MARKERS["holder_phone"]
    )
    Review.objects.filter(dossier__edition=edition).update(comment=MARKERS["review_comment"])

    comptoirs = list(edition.comptoirs.order_by("starts_at"))
    full = next(
        c
        for c in comptoirs
        if c.registrations.filter(status=Registration.Status.WAITLISTED).exists()
    )
    other = comptoirs[0]  # the holder's comptoir
    organiser = person("organiser-one@exemple.fr", Role.ORGANISER)
    full.organisers.add(organiser)

    # The registrant holds a confirmed place, was marked absent, and so holds no dossier.
    confirmed = (
        full.registrations.filter(
            status=Registration.Status.CONFIRMED, attendance=Registration.Attendance.ABSENT
        )
        .exclude(person__dossiers__isnull=False)
        .order_by("ticket")
        .first()
    )
    assert confirmed is not None
    registrant = confirmed.person
    waitlisted = (
        full.registrations.filter(status=Registration.Status.WAITLISTED).order_by("ticket").first()
    )
    assert waitlisted is not None
    # A registration the registrant cancelled, at another comptoir.
    cancelled = Registration.objects.create(
        edition=edition,
        comptoir=comptoirs[1],
        person=registrant,
        ticket=9000,
        status=Registration.Status.CANCELLED,
        idea_title="Idée annulée",
        idea_summary="Une idée abandonnée.",
        idea_territory=comptoirs[1].territory,
        structure_kind="none",
    )

    unassigned = person("committee-unassigned@exemple.fr", Role.COMMITTEE)
    conflicted = person("committee-conflict@exemple.fr", Role.COMMITTEE)

    decisions = Decision.objects.filter(edition=edition)
    labelled = (
        decisions.filter(outcome="labelled", dossier__holder=holder).first()
        or decisions.filter(outcome="labelled").order_by("dossier__number").first()
    )
    not_labelled = decisions.filter(outcome="not_labelled").order_by("dossier__number").first()
    assert labelled is not None and not_labelled is not None
    withdrawn = Dossier.objects.get(edition=edition, status=Dossier.Status.WITHDRAWN)
    other_draft = (
        Dossier.objects.filter(edition=edition, status=Dossier.Status.DRAFT)
        .exclude(holder=holder)
        .get()
    )
    # Decided dossiers take no new assignment: the conflict is written as the service leaves it
    # (declared, the assignment gone).
    ConflictOfInterest.objects.create(
        dossier=not_labelled.dossier, member=conflicted, reason="Je connais le porteur."
    )

    # A second count after the published one: counted, never published.
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=paris(2025, 11, 25, 10)):
        unpublished_snapshot = results.tally_run(edition=edition, by=staff)
    published_snapshot = ResultSnapshot.objects.get(edition=edition, published_at__isnull=False)

    # An edition still in preparation, not published, with one comptoir.
    hidden = Edition.objects.create(
        year=world.unpublished_year,
        title="Édition en préparation",
        is_published=False,
        comptoirs_start=paris(2026, 1, 6),
        comptoirs_end=paris(2026, 3, 13),
        deposit_start=paris(2026, 1, 31),
        deposit_end=paris(2026, 3, 5),
        labelling_start=paris(2026, 7, 1),
        labelling_end=paris(2026, 8, 25),
        vote_start=paris(2026, 9, 1),
        vote_end=paris(2026, 10, 1),
        results_at=paris(2026, 11, 20, 18),
    )
    hidden_comptoir = Comptoir.objects.create(
        edition=hidden,
        host_name="Comptoir caché",
        address="1 rue Cachée",
        commune=other.commune,
        territory=other.territory,
        starts_at=paris(2026, 2, 1, 10),
        ends_at=paris(2026, 2, 1, 13),
        capacity=10,
    )

    voter_ballot = Ballot.objects.filter(edition=edition, user__isnull=False).order_by("pk").first()
    assert voter_ballot is not None
    attachment = Attachment.objects.filter(dossier=labelled.dossier).first()
    assert attachment is not None
    # --- followup documents ---
    # An open request for documents on the labelled dossier, one file sent (the attachment's
    # stored file, so that it is served); written directly, as the service would leave it.
    from budgetcitoyen.followup.models import (
        DocumentRequest,
        RequestedDocument,
        SupportingDocument,
    )

    document_request = DocumentRequest.objects.create(
        dossier=labelled.dossier,
        due_on=paris(2025, 12, 31).date(),
        requested_by=staff,
        requested_at=paris(2025, 7, 10, 10),
        message="Merci de transmettre votre RIB.",
    )
    requested = RequestedDocument.objects.create(request=document_request, position=1, kind="rib")
    supporting = SupportingDocument.objects.create(
        item=requested,
        file=attachment.file.name,
        original_name="rib.pdf",
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        uploaded_at=paris(2025, 7, 11, 10),
        uploaded_by=holder,
    )
    # --- end followup documents ---
    # --- followup progress and agreements ---
    # The holder's project is a demo laureate, followed through the year by the demo (agreement
    # signed with its scan, a payment, milestones, news published and awaiting moderation). The
    # matrix adds a draft news item whose text only the holder and staff may read, a payment
    # whose mandate reference only staff may read, and a draft final report with one file
    # (the attachment's stored file, so that it is served).
    from budgetcitoyen.followup.models import (
        FinalReport,
        Milestone,
        NewsItem,
        Payment,
        ReportAttachment,
    )
    from budgetcitoyen.results.models import Award

    award = Award.objects.get(decision=labelled)
    published_news = NewsItem.objects.filter(award=award, status="published").first()
    assert published_news is not None and published_news.photo, "the demo publishes news"
    draft_news = NewsItem.objects.create(
        award=award,
        author=holder,
        title="Brouillon du porteur",
        body=MARKERS_FOLLOWUP["news_draft_text"],
        happened_on=paris(2026, 11, 1).date(),
        photo=published_news.photo.name,
        photo_alt="Photo du brouillon",
        photo_content_type=published_news.photo_content_type,
        photo_size=published_news.photo_size,
        photo_sha256=published_news.photo_sha256,
    )
    milestone = Milestone.objects.filter(award=award).order_by("-reached_on", "-pk").first()
    assert milestone is not None
    paid = Payment.objects.filter(instalment__agreement__award=award).first()
    assert paid is not None
    Payment.objects.filter(pk=paid.pk).update(reference=MARKERS_FOLLOWUP["payment_reference"])
    report = FinalReport.objects.create(award=award, achievements="Rapport en cours.")
    report_attachment = ReportAttachment.objects.create(
        report=report,
        file=attachment.file.name,
        original_name="bilan.pdf",
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        uploaded_at=paris(2026, 11, 2, 10),
        uploaded_by=holder,
    )
    # --- end followup progress and agreements ---

    world.users = {
        "anonymous": None,
        "resident": person("resident-matrix@exemple.fr").pk,
        "registrant": registrant.pk,
        "holder": holder.pk,
        "organiser": organiser.pk,
        "committee": committee.pk,
        "committee_unassigned": unassigned.pk,
        "committee_conflict": conflicted.pk,
        "agent": demo_user("agent").pk,
        "voter": voter_ballot.user_id,
        "staff": staff.pk,
        "superuser": demo_user("admin").pk,
    }
    world.ids = {
        "comptoir_own": full.pk,
        "comptoir_other": other.pk,
        "comptoir_unpublished": hidden_comptoir.pk,
        "registration_confirmed": confirmed.pk,
        "registration_waitlisted": waitlisted.pk,
        "registration_cancelled": cancelled.pk,
        "dossier_draft": draft.pk,
        "dossier_other_draft": other_draft.pk,
        "dossier_labelled": labelled.dossier_id,
        "dossier_not_labelled": not_labelled.dossier_id,
        "dossier_withdrawn": withdrawn.pk,
        "attachment": attachment.pk,
        "review": IdentityReview.objects.filter(edition=edition).order_by("pk").first().pk,  # type: ignore[union-attr]
        "snapshot_published": published_snapshot.pk,
        "snapshot_unpublished": unpublished_snapshot.pk,
        "decision_labelled": labelled.pk,
        "decision_not_labelled": not_labelled.pk,
        # --- followup documents ---
        "document_request": document_request.pk,
        "supporting_document": supporting.pk,
        # --- end followup documents ---
        "award_own": award.pk,
        "news_draft": draft_news.pk,
        "news_published": published_news.pk,
        "milestone": milestone.pk,
        "report_attachment": report_attachment.pk,
    }
    world.references = {
        name: Dossier.objects.get(pk=world.ids[name]).reference or ""
        for name in ("dossier_labelled", "dossier_not_labelled", "dossier_withdrawn")
    }
    world.markers = {
        **MARKERS,
        **MARKERS_FOLLOWUP,
        "holder_email": holder.email,
        "voter_email": voter_ballot.user.email,  # type: ignore[union-attr]
        "not_labelled_text": not_labelled.dossier.description[:60],
        "labelled_private_text": labelled.dossier.social_utility[:60],
        "unpublished_sha": unpublished_snapshot.ballots_sha256,
        "published_sha": published_snapshot.ballots_sha256,
    }
    return world
