"""Dossier rules: who may file, drafts that keep everything, files, submission, withdrawal."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import time_machine
from django.core import mail

from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    Frozen,
    InvalidInput,
    NotEligible,
    NotFound,
    PhaseClosed,
)
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers import permissions, rules, services
from budgetcitoyen.dossiers.models import Attachment, Dossier
from budgetcitoyen.dossiers.snapshot import build_snapshot, canonical_json, sha256_hex
from budgetcitoyen.territories.models import Commune, Territory
from budgetcitoyen.testing.factories import (
    PDF_MINIMAL,
    PNG_IMAGE,
    CategoryFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    paris,
    upload,
    verified_person,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_deposit")]
Status = Dossier.Status


class TestStart:
    def test_an_attendee_opens_a_draft_from_their_idea(self, registration):
        dossier = services.dossier_start(registration=registration, by=registration.person)
        assert dossier.status == Status.DRAFT
        assert dossier.title == registration.idea_title
        assert dossier.territory == registration.idea_territory
        assert dossier.contact_email == registration.person.email
        assert AuditEntry.objects.filter(action="dossiers.draft_started").count() == 1

    def test_there_is_no_limit_on_the_number_of_dossiers(self, registration):
        for _ in range(3):
            services.dossier_start(registration=registration, by=registration.person)
        assert registration.person.dossiers.count() == 3

    def test_someone_who_did_not_attend_is_refused_with_the_reason(self, edition):
        absent = attendee(edition)
        absent.attendance = "absent"
        absent.save()
        with pytest.raises(NotEligible, match="participé à un comptoir"):
            services.dossier_start(registration=absent, by=absent.person)
        with pytest.raises(NotEligible):
            services.check_can_start(verified_person(), edition)

    def test_nobody_starts_from_someone_else_s_idea(self, registration):
        with pytest.raises(NotFound):
            services.dossier_start(registration=registration, by=verified_person())

    def test_drafts_can_be_prepared_before_the_deposit_opens(self, registration):
        with time_machine.travel(paris(2025, 1, 20), tick=False):
            services.dossier_start(registration=registration, by=registration.person)

    def test_no_new_draft_once_the_deposit_is_closed(self, registration):
        with time_machine.travel(paris(2025, 3, 5), tick=False), pytest.raises(PhaseClosed):
            services.dossier_start(registration=registration, by=registration.person)


class TestDraft:
    @pytest.fixture
    def draft(self, registration):
        return services.dossier_start(registration=registration, by=registration.person)

    def test_a_step_saves_its_values(self, draft):
        arras = Commune.objects.get(insee_code="62041")
        services.dossier_save_step(
            dossier=draft,
            by=draft.holder,
            step="projet",
            values={"objectives": "  Réparer  ", "communes": [arras], "duration_months": 12},
        )
        draft.refresh_from_db()
        assert draft.objectives == "Réparer"
        assert list(draft.communes.all()) == [arras]
        entry = AuditEntry.objects.get(action="dossiers.draft_saved")
        assert set(entry.data["fields"]) == {"objectives", "communes", "duration_months"}

    def test_refused_input_is_kept_as_typed_with_the_step(self, draft):
        services.dossier_save_step(
            dossier=draft,
            by=draft.holder,
            step="porteur",
            values={"structure_name": "Les Ateliers"},
            pending={"siret": ["123"], "structure_name": ["Les Ateliers"]},
        )
        draft.refresh_from_db()
        assert draft.structure_name == "Les Ateliers"
        assert draft.pending_input == {
            "porteur": {"siret": ["123"], "structure_name": ["Les Ateliers"]}
        }
        services.dossier_save_step(
            dossier=draft, by=draft.holder, step="porteur", values={"siret": "73282932000074"}
        )
        draft.refresh_from_db()
        assert draft.pending_input == {}
        assert draft.siret == "73282932000074"

    def test_the_service_refuses_what_the_rules_refuse(self, draft):
        with pytest.raises(InvalidInput) as error:
            services.dossier_save_step(
                dossier=draft,
                by=draft.holder,
                step="budget",
                values={"total_cost": Decimal("1000"), "amount_requested": Decimal("30000")},
            )
        assert "plafond" in error.value.errors["amount_requested"]
        with pytest.raises(InvalidInput) as error:
            services.dossier_save_step(
                dossier=draft, by=draft.holder, step="porteur", values={"siret": "12345678901234"}
            )
        assert "clé de contrôle" in error.value.errors["siret"]

    def test_a_step_only_takes_its_own_fields(self, draft):
        with pytest.raises(InvalidInput, match="n'appartiennent pas"):
            services.dossier_save_step(
                dossier=draft, by=draft.holder, step="presentation", values={"siret": "1"}
            )
        with pytest.raises(InvalidInput):
            services.dossier_save_step(dossier=draft, by=draft.holder, step="nope", values={})

    def test_a_category_of_another_edition_is_refused(self, draft):
        other = CategoryFactory(edition=EditionFactory(year=2026))
        with pytest.raises(InvalidInput):
            services.dossier_save_step(
                dossier=draft, by=draft.holder, step="categorie", values={"wished_category": other}
            )

    def test_only_the_holder_changes_a_draft(self, draft):
        with pytest.raises(NotFound):
            services.dossier_save_step(
                dossier=draft, by=verified_person(), step="presentation", values={"title": "X"}
            )

    def test_a_draft_is_read_only_once_the_deposit_is_closed(self, draft):
        with time_machine.travel(paris(2025, 3, 5), tick=False), pytest.raises(PhaseClosed):
            services.dossier_save_step(
                dossier=draft, by=draft.holder, step="presentation", values={"title": "X"}
            )

    def test_the_financing_plan_is_replaced_line_by_line(self, draft):
        lines = [
            rules.Line("Fonds propres", Decimal("1000.10")),
            rules.Line("Mécénat", Decimal("0.20"), True),
        ]
        services.dossier_save_step(
            dossier=draft, by=draft.holder, step="budget", values={"financing_lines": lines}
        )
        saved = list(
            draft.financing_lines.values_list("position", "source", "amount", "is_secured")
        )
        assert saved == [
            (1, "Fonds propres", Decimal("1000.10"), False),
            (2, "Mécénat", Decimal("0.20"), True),
        ]

    def test_a_holder_may_delete_a_draft(self, draft):
        services.photo_set(dossier=draft, by=draft.holder, upload=upload("p.png", PNG_IMAGE))
        draft.refresh_from_db()
        storage, name = draft.photo.storage, draft.photo.name
        with pytest.raises(NotFound):
            services.dossier_delete_draft(dossier=draft, by=verified_person())
        services.dossier_delete_draft(dossier=draft, by=draft.holder)
        assert not Dossier.objects.filter(pk=draft.pk).exists()
        assert AuditEntry.objects.filter(action="dossiers.draft_deleted").exists()
        assert storage.exists(name)  # removed once the transaction commits


class TestFiles:
    @pytest.fixture
    def draft(self, registration):
        return services.dossier_start(registration=registration, by=registration.person)

    def test_a_photo_is_stored_privately_with_its_hash(self, draft, settings):
        services.photo_set(dossier=draft, by=draft.holder, upload=upload("vue.png", PNG_IMAGE))
        draft.refresh_from_db()
        assert draft.photo_content_type == "image/png"
        with draft.photo.open("rb") as stored:  # the re-encoded image, not the upload
            assert draft.photo_sha256 == sha256_hex_bytes(stored.read())
        path = draft.photo.path
        assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
        assert not path.startswith(str(settings.MEDIA_ROOT))
        assert "vue" not in draft.photo.name  # the stored name is random

    def test_a_pdf_renamed_to_an_image_is_not_a_photo(self, draft):
        with pytest.raises(InvalidInput, match="n'est pas un fichier accepté"):
            services.photo_set(
                dossier=draft, by=draft.holder, upload=upload("vue.jpg", PDF_MINIMAL)
            )

    def test_attachments_are_checked_from_their_content(self, draft):
        item = services.attachment_add(dossier=draft, by=draft.holder, upload=upload("statuts.pdf"))
        assert item.content_type == "application/pdf"
        assert item.sha256 == sha256_hex_bytes(PDF_MINIMAL)
        disguised = upload("devis.pdf", b"MZ\x90\x00 this is a program, not a PDF")
        with pytest.raises(InvalidInput, match="quel que soit son nom"):
            services.attachment_add(dossier=draft, by=draft.holder, upload=disguised)
        fake_png = upload("plan.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
        with pytest.raises(InvalidInput):
            services.attachment_add(dossier=draft, by=draft.holder, upload=fake_png)
        assert draft.attachments.count() == 1

    def test_a_file_over_10_mb_is_refused_and_10_mb_is_accepted(self, draft):
        exact = upload("gros.pdf", PDF_MINIMAL + b"0" * (rules.MAX_FILE_SIZE - len(PDF_MINIMAL)))
        services.attachment_add(dossier=draft, by=draft.holder, upload=exact)
        over = upload("trop.pdf", PDF_MINIMAL + b"0" * (rules.MAX_FILE_SIZE - len(PDF_MINIMAL) + 1))
        with pytest.raises(InvalidInput, match="10 Mo au plus"):
            services.attachment_add(dossier=draft, by=draft.holder, upload=over)
        with pytest.raises(InvalidInput, match="vide"):
            services.attachment_add(dossier=draft, by=draft.holder, upload=upload("v.pdf", b""))

    def test_ten_attachments_at_most(self, draft):
        for n in range(rules.MAX_ATTACHMENTS):
            services.attachment_add(dossier=draft, by=draft.holder, upload=upload(f"p{n}.pdf"))
        with pytest.raises(InvalidInput, match="au plus 10"):
            services.attachment_add(dossier=draft, by=draft.holder, upload=upload("p10.pdf"))

    def test_removing_an_attachment_is_audited(self, draft):
        item = services.attachment_add(dossier=draft, by=draft.holder, upload=upload())
        services.attachment_remove(attachment=item, by=draft.holder)
        assert not Attachment.objects.filter(pk=item.pk).exists()
        assert AuditEntry.objects.filter(action="dossiers.attachment_removed").exists()


def sha256_hex_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


class TestSubmit:
    def test_submission_freezes_with_reference_snapshot_and_receipt(
        self, registration, django_capture_on_commit_callbacks
    ):
        dossier = complete_dossier(registration)
        services.attachment_add(dossier=dossier, by=dossier.holder, upload=upload("statuts.pdf"))
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)
        assert dossier.status == Status.SUBMITTED
        assert dossier.reference == "BC-2025-0001"
        assert dossier.submitted_at == paris(2025, 2, 10, 14)
        snapshot = json.loads(dossier.snapshot)
        assert snapshot["money"]["financing_plan"] == [
            {"source": "Fonds propres", "amount": "8000.00", "secured": True}
        ]
        assert snapshot["attachments"][0]["sha256"] == sha256_hex_bytes(PDF_MINIMAL)
        assert snapshot["project"]["communes"] == [
            {"insee": "62767", "name": "Saint-Pol-sur-Ternoise"}
        ]
        (message,) = mail.outbox
        assert message.subject.endswith("Récépissé de dépôt : dossier BC-2025-0001")
        assert dossier.snapshot_sha256 in message.body
        assert "statuts.pdf" in message.body
        assert AuditEntry.objects.filter(action="dossiers.submitted").count() == 1

    def test_the_hash_is_reproducible_from_the_snapshot_and_from_the_data(self, registration):
        dossier = services.dossier_submit(
            dossier=complete_dossier(registration), by=registration.person, sworn=True
        )
        dossier = Dossier.objects.get(pk=dossier.pk)
        assert sha256_hex(dossier.snapshot) == dossier.snapshot_sha256
        assert canonical_json(build_snapshot(dossier)) == dossier.snapshot
        assert canonical_json(json.loads(dossier.snapshot)) == dossier.snapshot

    def test_references_follow_each_other_per_edition(self, edition):
        refs = []
        for _ in range(3):
            reg = attendee(edition)
            refs.append(
                services.dossier_submit(
                    dossier=complete_dossier(reg), by=reg.person, sworn=True
                ).reference
            )
        assert refs == ["BC-2025-0001", "BC-2025-0002", "BC-2025-0003"]
        other = EditionFactory(year=2026)
        CategoryFactory(edition=other, priority=1)
        with time_machine.travel(paris(2026, 2, 10), tick=False):
            reg = attendee(other)
            assert (
                services.dossier_submit(
                    dossier=complete_dossier(reg), by=reg.person, sworn=True
                ).reference
                == "BC-2026-0001"
            )

    def test_an_incomplete_dossier_lists_each_missing_item(self, registration):
        draft = services.dossier_start(registration=registration, by=registration.person)
        with pytest.raises(InvalidInput) as error:
            services.dossier_submit(dossier=draft, by=draft.holder, sworn=False)
        errors = error.value.errors
        for field in (
            "description",
            "objectives",
            "social_utility",
            "beneficiaries",
            "communes",
            "start_date",
            "duration_months",
            "structure_kind",
            "structure_name",
            "total_cost",
            "amount_requested",
            "wished_category",
            "sworn",
        ):
            assert field in errors, field
        draft.refresh_from_db()
        assert draft.is_draft and draft.reference is None

    def test_the_identifier_the_kind_of_structure_has_is_required(self, registration):
        dossier = complete_dossier(registration, structure_kind="cooperative", rna="")
        with pytest.raises(InvalidInput) as error:
            services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)
        assert error.value.errors == {"siret": "Indiquez le numéro SIRET de la structure."}
        collective = complete_dossier(
            attendee(registration.edition), structure_kind="collective", rna=""
        )
        services.dossier_submit(dossier=collective, by=collective.holder, sworn=True)

    def test_an_unbalanced_plan_is_refused_with_the_gap(self, registration):
        dossier = complete_dossier(registration, total_cost=Decimal("20000.01"))
        with pytest.raises(InvalidInput) as error:
            services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)
        assert "il manque 0,01" in error.value.errors["financing_lines"]

    def test_a_step_with_pending_errors_blocks_submission(self, registration):
        dossier = complete_dossier(registration, pending_input={"porteur": {"siret": ["12"]}})
        with pytest.raises(InvalidInput) as error:
            services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)
        assert "porteur" in error.value.errors

    @pytest.mark.parametrize("moment", [paris(2025, 1, 30, 23, 59), paris(2025, 3, 5)])
    def test_only_within_the_deposit_window(self, registration, moment):
        dossier = complete_dossier(registration)
        with time_machine.travel(moment, tick=False), pytest.raises(PhaseClosed):
            services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)

    def test_the_last_minute_of_the_window_counts(self, registration):
        with time_machine.travel(paris(2025, 3, 4, 23, 59), tick=False):
            services.dossier_submit(
                dossier=complete_dossier(registration), by=registration.person, sworn=True
            )

    def test_twice_is_refused(self, registration):
        dossier = complete_dossier(registration)
        services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)
        with pytest.raises(AlreadyDone, match="BC-2025-0001"):
            services.dossier_submit(dossier=dossier, by=dossier.holder, sworn=True)

    def test_only_the_holder_submits(self, registration):
        with pytest.raises(NotFound):
            services.dossier_submit(
                dossier=complete_dossier(registration), by=verified_person(), sworn=True
            )


class TestFrozen:
    @pytest.fixture
    def submitted(self, registration):
        return services.dossier_submit(
            dossier=complete_dossier(registration), by=registration.person, sworn=True
        )

    def test_every_service_refuses_to_change_it(self, submitted):
        holder = submitted.holder
        with pytest.raises(Frozen):
            services.dossier_save_step(
                dossier=submitted, by=holder, step="presentation", values={"title": "X"}
            )
        with pytest.raises(Frozen):
            services.photo_set(dossier=submitted, by=holder, upload=upload("p.png", PNG_IMAGE))
        with pytest.raises(Frozen):
            services.attachment_add(dossier=submitted, by=holder, upload=upload())
        with pytest.raises(Frozen):
            services.dossier_delete_draft(dossier=submitted, by=holder)
        submitted.refresh_from_db()
        assert submitted.title == "La recyclerie du Ternois"


class TestWithdraw:
    def test_the_holder_withdraws_a_submitted_dossier(
        self, registration, django_capture_on_commit_callbacks
    ):
        dossier = services.dossier_submit(
            dossier=complete_dossier(registration), by=registration.person, sworn=True
        )
        sealed = dossier.snapshot_sha256
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_withdraw(
                dossier=dossier, by=registration.person, reason="Projet reporté"
            )
        dossier.refresh_from_db()
        assert dossier.status == Status.WITHDRAWN
        assert dossier.withdrawal_reason == "Projet reporté"
        assert dossier.snapshot_sha256 == sealed
        assert AuditEntry.objects.filter(action="dossiers.withdrawn").count() == 1
        assert mail.outbox[-1].subject.endswith("Dossier BC-2025-0001 retiré")

    def test_refusals(self, registration):
        draft = complete_dossier(registration)
        with pytest.raises(Conflict, match="brouillon"):
            services.dossier_withdraw(dossier=draft, by=registration.person)
        dossier = services.dossier_submit(dossier=draft, by=registration.person, sworn=True)
        with pytest.raises(NotFound):
            services.dossier_withdraw(dossier=dossier, by=verified_person())
        Dossier.objects.filter(pk=dossier.pk).update(status=Status.LABELLED)
        with pytest.raises(Conflict, match="décision"):
            services.dossier_withdraw(dossier=dossier, by=registration.person)
        Dossier.objects.filter(pk=dossier.pk).update(status=Status.WITHDRAWN)
        with pytest.raises(AlreadyDone):
            services.dossier_withdraw(dossier=dossier, by=registration.person)

    def test_a_withdrawn_dossier_keeps_its_number(self, edition):
        first = attendee(edition)
        dossier = services.dossier_submit(
            dossier=complete_dossier(first), by=first.person, sworn=True
        )
        services.dossier_withdraw(dossier=dossier, by=first.person)
        second = attendee(edition)
        assert (
            services.dossier_submit(
                dossier=complete_dossier(second), by=second.person, sworn=True
            ).reference
            == "BC-2025-0002"
        )


class TestVisibility:
    def test_who_sees_a_dossier(self, registration, sam):
        from budgetcitoyen.testing.cast import make_persona

        committee = make_persona("committee")
        organiser = make_persona("organiser")
        draft = complete_dossier(registration)
        assert permissions.can_view_dossier(registration.person, draft)
        assert permissions.can_view_dossier(sam, draft)
        assert not permissions.can_view_dossier(committee, draft)
        assert not permissions.can_view_dossier(organiser, draft)
        draft = services.dossier_submit(dossier=draft, by=registration.person, sworn=True)
        assert not permissions.can_view_dossier(committee, draft)  # not assigned to them
        from budgetcitoyen.labelling.models import Assignment, ConflictOfInterest

        Assignment.objects.create(dossier=draft, member=committee)
        assert permissions.can_view_dossier(committee, draft)
        ConflictOfInterest.objects.create(dossier=draft, member=committee)
        assert not permissions.can_view_dossier(committee, draft)
        assert not permissions.can_view_dossier(organiser, draft)
        assert not permissions.can_view_dossier(verified_person(), draft)


def test_territory_fixture_sanity():
    assert Territory.objects.count() == 8
