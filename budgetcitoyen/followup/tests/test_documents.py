"""Supporting documents on request: the services, their refusals, audit and emails, and the
frozen dossier left as submitted."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail

from budgetcitoyen.accounts.roles import role_grant
from budgetcitoyen.core.errors import Conflict, InvalidInput, NotFound, PermissionRefused
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.snapshot import build_snapshot, canonical_json, sha256_hex
from budgetcitoyen.followup.models import DocumentKind, DocumentRequest, SupportingDocument
from budgetcitoyen.followup.services import documents as services
from budgetcitoyen.labelling.models import Assignment, ConflictOfInterest
from budgetcitoyen.testing.cast import ROLE_OF_PERSONA, make_persona
from budgetcitoyen.testing.factories import (
    PDF_MINIMAL,
    PNG_IMAGE,
    CategoryFactory,
    EditionFactory,
    UserFactory,
    attendee,
    complete_dossier,
    paris,
    upload,
)

pytestmark = pytest.mark.django_db

Status = DocumentRequest.Status
LABELLING = paris(2025, 7, 20, 10)


@pytest.fixture
def edition():
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, priority=1)
    return edition


@pytest.fixture
def submitted(edition):
    """A dossier submitted through the service during the deposit: a real snapshot and hash."""
    registration = attendee(edition)
    with time_machine.travel(paris(2025, 2, 10, 14), tick=False):
        draft = complete_dossier(registration)
        dossier_services.attachment_add(
            dossier=draft, by=registration.person, upload=upload("devis.pdf")
        )
        return dossier_services.dossier_submit(dossier=draft, by=registration.person, sworn=True)


@pytest.fixture(autouse=True)
def during_labelling():
    with time_machine.travel(LABELLING, tick=False):
        yield


@pytest.fixture
def staff():
    return make_persona("staff")


@pytest.fixture
def member(submitted):
    person = make_persona("committee")
    Assignment.objects.create(dossier=submitted, member=person)
    return person


def someone(persona):
    """A fresh user of that persona (several per test, unlike the cast's one per email)."""
    if persona == "anonymous":
        return AnonymousUser()
    user = UserFactory()
    if ROLE_OF_PERSONA[persona]:
        role_grant(user=user, role=ROLE_OF_PERSONA[persona], by=None)
    return user


def ask(dossier, by, **overrides):
    values = {
        "items": [(DocumentKind.STATUTES, ""), (DocumentKind.RIB, "au nom de l'association")],
        "due_on": date(2025, 8, 10),
        "message": "Merci de nous transmettre ces pièces.",
    }
    values.update(overrides)
    return services.document_request_create(dossier=dossier, by=by, **values)


def actions(dossier):
    return list(
        AuditEntry.objects.filter(object_id=str(dossier.pk), action__startswith="followup.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


class TestAsking:
    def test_staff_ask_and_the_holder_is_emailed_what_by_when_and_where(
        self, submitted, staff, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            request = ask(submitted, staff)
        assert request.status == Status.OPEN
        assert request.requested_by == staff and request.requested_at == LABELLING
        assert [(i.position, i.kind, i.label) for i in request.items.all()] == [
            (1, "statutes", ""),
            (2, "rib", "au nom de l'association"),
        ]
        (message,) = mail.outbox
        assert message.to == [submitted.holder.email]
        assert submitted.reference in message.subject
        assert "dimanche 10 août 2025" in message.body
        assert "Statuts de la structure" in message.body
        assert "au nom de l'association" in message.body
        assert f"/mes-dossiers/{submitted.pk}/justificatifs/{request.pk}/" in message.body
        assert "Merci de nous transmettre" in message.body
        assert actions(submitted) == ["followup.documents_requested"]
        entry = AuditEntry.objects.get(action="followup.documents_requested")
        assert entry.actor == staff
        assert entry.data["items"] == ["statutes", "rib"] and entry.data["due_on"] == "2025-08-10"

    def test_a_committee_member_asks_through_staff(self, submitted, staff, member):
        request = ask(submitted, staff, on_behalf_of=member)
        assert request.on_behalf_of == member

    def test_not_on_behalf_of_a_member_with_a_conflict(self, submitted, staff, member):
        ConflictOfInterest.objects.create(dossier=submitted, member=member)
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, on_behalf_of=member)
        assert "on_behalf_of" in refused.value.errors

    def test_not_on_behalf_of_an_unassigned_member(self, submitted, staff):
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, on_behalf_of=someone("committee"))
        assert "conflit" in refused.value.errors["on_behalf_of"]

    @pytest.mark.parametrize("persona", ["committee", "resident", "anonymous"])
    def test_only_staff_ask(self, submitted, persona):
        with pytest.raises(PermissionRefused):
            ask(submitted, someone(persona))
        assert not DocumentRequest.objects.exists()

    def test_the_holder_cannot_ask_themself(self, submitted):
        with pytest.raises(PermissionRefused):
            ask(submitted, submitted.holder)

    def test_not_about_a_draft(self, edition, staff):
        draft = complete_dossier(attendee(edition))
        with pytest.raises(Conflict) as refused:
            ask(draft, staff)
        assert "brouillon" in refused.value.message
        assert refused.value.status_code == 409

    def test_not_about_a_dossier_whose_data_was_purged(self, submitted):
        # Only the retention purge may write a sealed dossier (a trigger on PostgreSQL), so
        # the rule is asked about the purged state directly.
        submitted.purged_at = LABELLING
        with pytest.raises(Conflict) as refused:
            services.check_can_request(submitted)
        assert "effacées" in refused.value.message

    def test_about_a_withdrawn_or_decided_dossier_too(self, submitted, staff):
        Dossier.objects.filter(pk=submitted.pk).update(status=Dossier.Status.WITHDRAWN)
        assert ask(submitted, staff).status == Status.OPEN

    @pytest.mark.parametrize("due_on", [date(2025, 7, 20), date(2025, 7, 19), None])
    def test_the_due_date_is_in_the_future(self, submitted, staff, due_on):
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, due_on=due_on)
        assert "due_on" in refused.value.errors
        assert not DocumentRequest.objects.exists()

    def test_at_least_one_item(self, submitted, staff):
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, items=[])
        assert refused.value.errors["items"] == "Indiquez au moins une pièce à fournir."

    def test_at_most_ten_items(self, submitted, staff):
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, items=[(DocumentKind.QUOTE, f"devis {n}") for n in range(11)])
        assert "au plus 10" in refused.value.errors["items"]

    def test_an_unknown_kind_is_refused(self, submitted, staff):
        with pytest.raises(InvalidInput):
            ask(submitted, staff, items=[("passport", "")])

    def test_other_needs_a_precision(self, submitted, staff):
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, items=[(DocumentKind.OTHER, " ")])
        assert "Autre pièce" in refused.value.errors["items"]

    def test_errors_are_all_given_at_once(self, submitted, staff):
        with pytest.raises(InvalidInput) as refused:
            ask(submitted, staff, items=[], due_on=None, message="x" * 5001)
        assert set(refused.value.errors) == {"items", "due_on", "message"}

    def test_control_characters_never_reach_the_database(self, submitted, staff):
        request = ask(
            submitted,
            staff,
            message="ligne\x00 1\nligne 2",
            items=[(DocumentKind.QUOTE, "devis\x00 n\x07°2")],
        )
        request.refresh_from_db()
        assert request.message == "ligne 1\nligne 2"
        assert request.items.get().label == "devis n°2"


@pytest.fixture
def request_(submitted, staff):
    return ask(submitted, staff)


def items_of(request):
    return list(request.items.order_by("position"))


class TestAnswering:
    def test_the_holder_sends_a_file_audited_and_kept_apart(self, submitted, request_):
        statutes, _rib = items_of(request_)
        document = services.supporting_document_add(
            request=request_, item=statutes, by=submitted.holder, upload=upload("statuts.pdf")
        )
        assert document.original_name == "statuts.pdf"
        assert document.content_type == "application/pdf"
        assert document.uploaded_by == submitted.holder
        assert document.file.name.startswith(f"suivi/2025/{submitted.pk}/")
        with document.file.open("rb") as handle:
            assert handle.read() == PDF_MINIMAL
        request_.refresh_from_db()
        assert request_.status == Status.OPEN  # the RIB is still missing
        entry = AuditEntry.objects.get(action="followup.document_uploaded")
        assert entry.actor == submitted.holder
        assert entry.data["sha256"] == document.sha256 and entry.data["item"] == statutes.pk

    def test_an_image_is_stored_re_encoded(self, submitted, request_):
        statutes, _rib = items_of(request_)
        document = services.supporting_document_add(
            request=request_,
            item=statutes,
            by=submitted.holder,
            upload=upload("scan.png", PNG_IMAGE),
        )
        assert document.content_type == "image/png"

    def test_every_item_with_a_file_answers_the_request_and_tells_the_requester(
        self, submitted, staff, member, django_capture_on_commit_callbacks
    ):
        request = ask(submitted, staff, on_behalf_of=member)
        statutes, rib = items_of(request)
        with django_capture_on_commit_callbacks(execute=True):
            refused = services.document_request_answer(
                request=request,
                by=submitted.holder,
                uploads={statutes.pk: [upload("statuts.pdf")], rib.pk: [upload("rib.pdf")]},
            )
        assert refused == []
        request.refresh_from_db()
        assert request.status == Status.ANSWERED and request.answered_at == LABELLING
        answered = [m for m in mail.outbox if "Pièces reçues" in m.subject]
        assert len(answered) == 1
        assert set(answered[0].to) == {staff.email, member.email}
        assert f"/gestion/suivi/pieces/{request.pk}/" in answered[0].body
        assert actions(submitted)[-1] == "followup.documents_answered"

    def test_one_refused_file_keeps_the_others(self, submitted, request_):
        statutes, rib = items_of(request_)
        refused = services.document_request_answer(
            request=request_,
            by=submitted.holder,
            uploads={
                statutes.pk: [upload("statuts.pdf")],
                rib.pk: [upload("rib.exe", b"MZ\x90\x00 not a pdf")],
            },
        )
        assert len(refused) == 1
        assert "n'est pas un fichier accepté" in refused[0].message
        assert SupportingDocument.objects.filter(item=statutes).count() == 1
        assert not SupportingDocument.objects.filter(item=rib).exists()
        request_.refresh_from_db()
        assert request_.status == Status.OPEN

    def test_a_disguised_file_is_refused(self, submitted, request_):
        statutes, _rib = items_of(request_)
        with pytest.raises(InvalidInput) as refused:
            services.supporting_document_add(
                request=request_,
                item=statutes,
                by=submitted.holder,
                upload=upload("statuts.pdf", b"<html>pas un PDF</html>"),
            )
        assert f"item_{statutes.pk}" in refused.value.errors
        assert not SupportingDocument.objects.exists()

    def test_an_empty_answer_is_refused(self, submitted, request_):
        with pytest.raises(InvalidInput):
            services.document_request_answer(request=request_, by=submitted.holder, uploads={})

    def test_too_many_files_for_one_item(self, submitted, request_):
        statutes, _rib = items_of(request_)
        for n in range(services.MAX_FILES_PER_ITEM):
            services.supporting_document_add(
                request=request_, item=statutes, by=submitted.holder, upload=upload(f"s{n}.pdf")
            )
        with pytest.raises(InvalidInput) as refused:
            services.supporting_document_add(
                request=request_,
                item=statutes,
                by=submitted.holder,
                upload=upload("un-de-trop.pdf"),
            )
        assert "Au plus 5 fichiers" in refused.value.errors[f"item_{statutes.pk}"]

    @pytest.mark.parametrize("persona", ["staff", "committee", "resident"])
    def test_only_the_holder_sends_files(self, submitted, request_, persona):
        statutes, _rib = items_of(request_)
        with pytest.raises(NotFound):
            services.supporting_document_add(
                request=request_, item=statutes, by=someone(persona), upload=upload()
            )

    def test_an_item_of_another_request_is_not_found(self, submitted, staff, request_):
        other = ask(submitted, staff)
        with pytest.raises(NotFound):
            services.supporting_document_add(
                request=request_, item=items_of(other)[0], by=submitted.holder, upload=upload()
            )

    @pytest.mark.parametrize("end", ["close", "cancel"])
    def test_a_closed_or_cancelled_request_takes_no_file(self, submitted, staff, request_, end):
        getattr(services, f"document_request_{end}")(request=request_, by=staff)
        statutes, _rib = items_of(request_)
        with pytest.raises(Conflict) as refused:
            services.supporting_document_add(
                request=request_, item=statutes, by=submitted.holder, upload=upload()
            )
        assert refused.value.status_code == 409
        assert "demande" in refused.value.message
        assert not SupportingDocument.objects.exists()

    def test_removing_a_file_reopens_an_answered_request(self, submitted, request_):
        statutes, rib = items_of(request_)
        services.supporting_document_add(
            request=request_, item=statutes, by=submitted.holder, upload=upload()
        )
        document = services.supporting_document_add(
            request=request_, item=rib, by=submitted.holder, upload=upload("rib.pdf")
        )
        request_.refresh_from_db()
        assert request_.status == Status.ANSWERED
        storage, name = document.file.storage, document.file.name
        services.supporting_document_remove(document=document, by=submitted.holder)
        request_.refresh_from_db()
        assert request_.status == Status.OPEN and request_.answered_at is None
        assert not SupportingDocument.objects.filter(pk=document.pk).exists()
        assert storage.exists(name)  # deleted on commit only (this test rolls back)
        assert actions(submitted)[-2:] == [
            "followup.document_removed",
            "followup.documents_reopened",
        ]

    def test_a_file_cannot_be_removed_once_closed(self, submitted, staff, request_):
        statutes, _rib = items_of(request_)
        document = services.supporting_document_add(
            request=request_, item=statutes, by=submitted.holder, upload=upload()
        )
        services.document_request_close(request=request_, by=staff)
        with pytest.raises(Conflict):
            services.supporting_document_remove(document=document, by=submitted.holder)
        assert SupportingDocument.objects.filter(pk=document.pk).exists()

    def test_only_the_holder_removes_a_file(self, submitted, request_):
        statutes, _rib = items_of(request_)
        document = services.supporting_document_add(
            request=request_, item=statutes, by=submitted.holder, upload=upload()
        )
        with pytest.raises(NotFound):
            services.supporting_document_remove(document=document, by=someone("staff"))


class TestClosing:
    def test_staff_close_an_answered_request(self, submitted, staff, request_):
        closed = services.document_request_close(request=request_, by=staff)
        assert closed.status == Status.CLOSED and closed.closed_at == LABELLING
        entry = AuditEntry.objects.get(action="followup.documents_closed")
        assert entry.data == {"request": request_.pk, "was": "open"}

    def test_staff_cancel_and_the_holder_is_told(
        self, submitted, staff, request_, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = services.document_request_cancel(request=request_, by=staff)
        assert cancelled.status == Status.CANCELLED
        (message,) = mail.outbox
        assert message.to == [submitted.holder.email] and "annulée" in message.subject
        assert actions(submitted)[-1] == "followup.documents_cancelled"

    @pytest.mark.parametrize("end", ["close", "cancel"])
    def test_an_ended_request_cannot_end_again(self, staff, request_, end):
        services.document_request_close(request=request_, by=staff)
        with pytest.raises(Conflict):
            getattr(services, f"document_request_{end}")(request=request_, by=staff)

    @pytest.mark.parametrize("end", ["close", "cancel"])
    def test_only_staff_end_a_request(self, submitted, request_, end):
        for person in (submitted.holder, someone("committee")):
            with pytest.raises(PermissionRefused):
                getattr(services, f"document_request_{end}")(request=request_, by=person)
        request_.refresh_from_db()
        assert request_.status == Status.OPEN


class TestTheFrozenDossier:
    def test_answering_during_the_labelling_leaves_the_dossier_and_its_hash_as_submitted(
        self, submitted, staff
    ):
        before = Dossier.objects.get(pk=submitted.pk)
        assert sha256_hex(before.snapshot) == before.snapshot_sha256
        request = ask(submitted, staff, on_behalf_of=None)
        statutes, rib = items_of(request)
        services.document_request_answer(
            request=request,
            by=submitted.holder,
            uploads={statutes.pk: [upload("statuts.pdf")], rib.pk: [upload("rib.png", PNG_IMAGE)]},
        )
        request.refresh_from_db()
        assert request.status == Status.ANSWERED
        after = Dossier.objects.get(pk=submitted.pk)
        assert after.snapshot == before.snapshot
        assert after.snapshot_sha256 == before.snapshot_sha256
        assert sha256_hex(after.snapshot) == after.snapshot_sha256
        # Rebuilt from the stored data, the snapshot is the same text: nothing of the
        # dossier (its attachments included) changed.
        assert canonical_json(build_snapshot(after)) == after.snapshot
        assert after.updated_at == before.updated_at
        assert [a.original_name for a in after.attachments.all()] == ["devis.pdf"]
