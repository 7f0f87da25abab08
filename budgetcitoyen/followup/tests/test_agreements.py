"""Funding agreements: creation from the award, the draft's terms and schedule, sending (with its
PDF's SHA-256 and the holder's email), signature with its scan, return to draft; the pages and
who may read them."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from budgetcitoyen.core.audit import AuditEntry
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    Frozen,
    InvalidInput,
    PermissionRefused,
)
from budgetcitoyen.followup import pdf, services
from budgetcitoyen.followup.models import FundingAgreement, Instalment
from budgetcitoyen.followup.services.agreements import (
    AgreementTerms,
    InstalmentTerms,
    default_schedule,
    initial_terms,
)
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import confirm_password
from budgetcitoyen.testing.factories import EditionFactory, UserFactory, laureate, paris

pytestmark = [pytest.mark.django_db]

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def plain(text: str) -> str:
    """Amounts are printed with narrow no-break spaces; the tests read them with plain ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


needs_weasyprint = pytest.mark.skipif(
    not weasyprint_available(), reason="WeasyPrint needs Pango, which is not installed"
)


@pytest.fixture(autouse=True)
def after_results():
    with time_machine.travel(paris(2025, 12, 1, 10), tick=False):
        yield


REAL_PDF = pdf.agreement_pdf


@pytest.fixture(autouse=True)
def no_pango_needed(monkeypatch):
    """Sending makes the PDF; tests that are not about the PDF get a fixed one (so they run
    without Pango too). ``TestPdf`` puts the real one back."""
    monkeypatch.setattr(pdf, "agreement_pdf", lambda agreement: PDF_BYTES)


@pytest.fixture
def edition():
    return EditionFactory(year=2025)


@pytest.fixture
def award(edition):
    return laureate(edition, amount=Decimal("8000.00"))


@pytest.fixture
def holder(award):
    return award.decision.dossier.holder


def scan(name="convention-signee.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def terms(award, **changes):
    base = initial_terms(award)
    values = {**base.__dict__, **changes}
    return AgreementTerms(**values)


def sent(award, sam):
    agreement = services.agreement_create(award=award, by=sam)
    return services.agreement_send(agreement=agreement, by=sam)


def signed(award, sam):
    agreement = sent(award, sam)
    return services.agreement_sign(
        agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=scan()
    )


class TestDefaultSchedule:
    def test_it_splits_70_30_and_the_last_takes_the_remainder(self):
        first, last = default_schedule(Decimal("1000.01"))
        assert first.amount == Decimal("700.00")
        assert last.amount == Decimal("300.01")
        assert first.trigger == "signature" and last.trigger == "report"

    def test_the_cents_always_add_up(self):
        for cents in (1, 3, 7, 99, 333333, 1234567):
            amount = Decimal(cents) / 100
            assert sum(i.amount for i in default_schedule(amount)) == amount


class TestCreate:
    def test_it_creates_a_draft_prefilled_from_the_dossier(self, award, sam):
        agreement = services.agreement_create(award=award, by=sam)
        dossier = award.decision.dossier
        assert agreement.status == FundingAgreement.Status.DRAFT
        assert agreement.reference == "CONV-2025-0001"
        assert agreement.amount == award.amount
        assert agreement.beneficiary_name == dossier.structure_name
        assert agreement.beneficiary_kind == dossier.structure_kind
        assert agreement.rna == dossier.rna
        assert agreement.beneficiary_address == dossier.structure_address
        assert agreement.representative == dossier.contact_name
        amounts = [i.amount for i in agreement.instalments.order_by("position")]
        assert amounts == [Decimal("5600.00"), Decimal("2400.00")]
        entry = AuditEntry.objects.get(action="followup.agreement_created")
        assert entry.actor_id == sam.pk and entry.data["reference"] == "CONV-2025-0001"

    def test_references_follow_each_other_in_the_edition(self, edition, award, sam):
        services.agreement_create(award=award, by=sam)
        second = services.agreement_create(award=laureate(edition), by=sam)
        assert second.reference == "CONV-2025-0002"

    def test_it_refuses_anyone_but_staff(self, award, holder):
        with pytest.raises(PermissionRefused):
            services.agreement_create(award=award, by=holder)
        with pytest.raises(PermissionRefused):
            services.agreement_create(award=award, by=UserFactory())
        assert not FundingAgreement.objects.exists()

    def test_it_refuses_an_award_of_an_unpublished_result(self, award, sam):
        ResultSnapshot.objects.filter(pk=award.snapshot_id).update(published_at=None)
        award.snapshot.refresh_from_db()
        with pytest.raises(Conflict):
            services.agreement_create(award=award, by=sam)

    def test_it_refuses_a_second_agreement(self, award, sam):
        services.agreement_create(award=award, by=sam)
        with pytest.raises(AlreadyDone):
            services.agreement_create(award=award, by=sam)

    def test_it_refuses_more_than_the_award(self, award, sam):
        with pytest.raises(InvalidInput) as refused:
            services.agreement_create(
                award=award,
                by=sam,
                terms=terms(
                    award,
                    amount=Decimal("8000.01"),
                    schedule=tuple(default_schedule(Decimal("8000.01"))),
                ),
            )
        assert "8 000" in plain(refused.value.errors["amount"])

    def test_it_refuses_nothing_granted(self, award, sam):
        with pytest.raises(InvalidInput) as refused:
            services.agreement_create(award=award, by=sam, terms=terms(award, amount=Decimal("0")))
        assert "amount" in refused.value.errors

    @pytest.mark.parametrize(
        "siret", ["12345678901234", "1234", "１２３４５６７８９０１２３４", "732829320O0074"]
    )
    def test_it_refuses_a_bad_siret(self, award, sam, siret):
        with pytest.raises(InvalidInput) as refused:
            services.agreement_create(
                award=award,
                by=sam,
                terms=terms(award, beneficiary_kind="cooperative", rna="", siret=siret),
            )
        assert "SIRET" in refused.value.errors["siret"]

    def test_it_accepts_a_valid_siret_with_spaces(self, award, sam):
        agreement = services.agreement_create(
            award=award,
            by=sam,
            terms=terms(award, beneficiary_kind="cooperative", rna="", siret="732 829 320 00074"),
        )
        assert agreement.siret == "73282932000074"

    def test_it_refuses_a_bad_rna(self, award, sam):
        with pytest.raises(InvalidInput) as refused:
            services.agreement_create(award=award, by=sam, terms=terms(award, rna="W12"))
        assert "RNA" in refused.value.errors["rna"]

    def test_it_refuses_a_schedule_that_does_not_add_up(self, award, sam):
        schedule = (
            InstalmentTerms("Premier", Decimal("5600.00"), "signature"),
            InstalmentTerms("Solde", Decimal("2399.99"), "report"),
        )
        with pytest.raises(InvalidInput) as refused:
            services.agreement_create(award=award, by=sam, terms=terms(award, schedule=schedule))
        assert "7 999,99" in plain(refused.value.errors["schedule"])
        assert not FundingAgreement.objects.exists()

    def test_it_refuses_a_dated_instalment_without_its_date(self, award, sam):
        schedule = (InstalmentTerms("Unique", Decimal("8000.00"), "date"),)
        with pytest.raises(InvalidInput) as refused:
            services.agreement_create(award=award, by=sam, terms=terms(award, schedule=schedule))
        assert "date" in refused.value.errors["schedule"]


class TestUpdate:
    def test_a_draft_takes_new_terms_and_schedule(self, award, sam):
        agreement = services.agreement_create(award=award, by=sam)
        schedule = (InstalmentTerms("Unique", Decimal("6000.00"), "date", date(2026, 3, 1)),)
        services.agreement_update(
            agreement=agreement,
            by=sam,
            terms=terms(
                award,
                amount=Decimal("6000.00"),
                conditions="Logo du Département.",
                schedule=schedule,
            ),
        )
        agreement.refresh_from_db()
        assert agreement.amount == Decimal("6000.00")
        assert agreement.conditions == "Logo du Département."
        (only,) = agreement.instalments.all()
        assert (only.label, only.amount, only.trigger, only.planned_on) == (
            "Unique",
            Decimal("6000.00"),
            "date",
            date(2026, 3, 1),
        )
        assert AuditEntry.objects.filter(action="followup.agreement_updated").count() == 1

    def test_it_refuses_a_sent_agreement(self, award, sam):
        agreement = sent(award, sam)
        with pytest.raises(Frozen) as refused:
            services.agreement_update(agreement=agreement, by=sam, terms=terms(award))
        assert refused.value.status_code == 409

    def test_it_refuses_anyone_but_staff(self, award, sam, holder):
        agreement = services.agreement_create(award=award, by=sam)
        with pytest.raises(PermissionRefused):
            services.agreement_update(agreement=agreement, by=holder, terms=terms(award))


class TestSend:
    def test_it_sends_keeps_the_pdf_hash_and_emails_the_holder(
        self, award, sam, holder, django_capture_on_commit_callbacks
    ):
        agreement = services.agreement_create(award=award, by=sam)
        with django_capture_on_commit_callbacks(execute=True):
            services.agreement_send(agreement=agreement, by=sam)
        agreement.refresh_from_db()
        assert agreement.status == FundingAgreement.Status.SENT
        assert agreement.sent_at is not None
        assert agreement.sent_pdf_sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
        (message,) = mail.outbox
        assert message.to == [holder.email]
        assert agreement.reference in message.subject
        assert f"/suivi/{award.pk}/convention/" in message.body
        entry = AuditEntry.objects.get(action="followup.agreement_sent")
        assert entry.data["pdf_sha256"] == agreement.sent_pdf_sha256

    def test_it_refuses_to_send_twice(self, award, sam):
        agreement = sent(award, sam)
        with pytest.raises(AlreadyDone):
            services.agreement_send(agreement=agreement, by=sam)

    def test_without_pango_it_refuses_with_a_503(self, award, sam, monkeypatch):
        agreement = services.agreement_create(award=award, by=sam)

        def unavailable(agreement):
            raise pdf.PdfUnavailable()

        monkeypatch.setattr(pdf, "agreement_pdf", unavailable)
        with pytest.raises(pdf.PdfUnavailable) as refused:
            services.agreement_send(agreement=agreement, by=sam)
        assert refused.value.status_code == 503
        agreement.refresh_from_db()
        assert agreement.status == FundingAgreement.Status.DRAFT

    def test_return_to_draft_allows_a_correction(self, award, sam):
        agreement = sent(award, sam)
        services.agreement_return_to_draft(agreement=agreement, by=sam, reason="Erreur d'adresse")
        agreement.refresh_from_db()
        assert agreement.status == FundingAgreement.Status.DRAFT
        assert agreement.sent_pdf_sha256 == ""
        entry = AuditEntry.objects.get(action="followup.agreement_returned_to_draft")
        assert entry.data["reason"] == "Erreur d'adresse"
        services.agreement_update(
            agreement=agreement, by=sam, terms=terms(award, beneficiary_address="3 rue Neuve")
        )

    def test_return_to_draft_needs_a_reason_and_refuses_a_signed_agreement(self, award, sam):
        agreement = sent(award, sam)
        with pytest.raises(InvalidInput):
            services.agreement_return_to_draft(agreement=agreement, by=sam, reason="  ")
        services.agreement_sign(
            agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=scan()
        )
        with pytest.raises(Frozen):
            services.agreement_return_to_draft(agreement=agreement, by=sam, reason="Trop tard")


class TestSign:
    def test_it_records_the_signature_and_its_scan(self, award, sam):
        agreement = signed(award, sam)
        assert agreement.status == FundingAgreement.Status.SIGNED
        assert agreement.signed_on == date(2025, 12, 1)
        (stored,) = agreement.scans.all()
        assert stored.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
        assert stored.content_type == "application/pdf"
        entry = AuditEntry.objects.get(action="followup.agreement_signed")
        assert entry.data["scan_sha256"] == stored.sha256

    def test_the_holder_is_told_of_the_signature(
        self, award, sam, holder, django_capture_on_commit_callbacks
    ):
        agreement = sent(award, sam)
        with django_capture_on_commit_callbacks(execute=True):
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=scan()
            )
        (message,) = mail.outbox
        assert message.to == [holder.email] and "signée" in message.subject
        assert "1er décembre 2025" in message.body or "1 décembre 2025" in message.body

    def test_it_refuses_without_the_scan(self, award, sam):
        agreement = sent(award, sam)
        with pytest.raises(InvalidInput) as refused:
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=None
            )
        assert "scan" in refused.value.errors
        agreement.refresh_from_db()
        assert agreement.status == FundingAgreement.Status.SENT

    def test_it_refuses_a_scan_that_is_not_a_pdf_or_an_image(self, award, sam):
        agreement = sent(award, sam)
        disguised = scan("convention.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
        with pytest.raises(InvalidInput) as refused:
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=disguised
            )
        assert "scan" in refused.value.errors

    def test_it_refuses_a_draft(self, award, sam):
        agreement = services.agreement_create(award=award, by=sam)
        with pytest.raises(Conflict):
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=scan()
            )

    def test_it_refuses_a_date_in_the_future_or_before_sending(self, award, sam):
        agreement = sent(award, sam)
        with pytest.raises(InvalidInput) as refused:
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 12, 2), scan=scan()
            )
        assert "futur" in refused.value.errors["signed_on"]
        with pytest.raises(InvalidInput) as refused:
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 11, 30), scan=scan()
            )
        assert "envoyée le" in refused.value.errors["signed_on"]

    def test_it_refuses_anyone_but_staff_and_a_second_signature(self, award, sam, holder):
        agreement = sent(award, sam)
        with pytest.raises(PermissionRefused):
            services.agreement_sign(
                agreement=agreement, by=holder, signed_on=date(2025, 12, 1), scan=scan()
            )
        services.agreement_sign(
            agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=scan()
        )
        with pytest.raises(AlreadyDone):
            services.agreement_sign(
                agreement=agreement, by=sam, signed_on=date(2025, 12, 1), scan=scan()
            )


# --- Pages ---------------------------------------------------------------------------------


def confirmed(client):
    """Type the password again, as sending and paying ask (accounts.reauth); the rate limit of
    « Confirmer l'accès » is per address, so its counters are emptied first."""
    from django.core.cache import cache

    cache.clear()
    confirm_password(client)
    return client


def client_of(user):
    """A client signed in as ``user``; staff have typed their password again (the actions
    that matter ask for it, accounts.reauth)."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class TestStaffPages:
    def test_the_laureates_list_shows_amounts_and_totals(self, edition, award, sam):
        signed(award, sam)
        laureate(edition, amount=Decimal("3000.00"))
        response = client_of(sam).get("/gestion/suivi/?edition=2025")
        assert response.status_code == 200
        text = response.content.decode()
        assert "CONV-2025-0001" in text and "à établir" in text
        assert "Par territoire du dossier" in text and "Par catégorie" in text
        assert_accessible(response.content)

    def test_the_laureates_list_queries_do_not_grow(
        self, edition, award, sam, django_assert_max_num_queries
    ):
        for _ in range(5):
            services.agreement_create(award=laureate(edition), by=sam)
        client = client_of(sam)
        with django_assert_max_num_queries(14):
            assert client.get("/gestion/suivi/?edition=2025").status_code == 200

    def test_staff_create_an_agreement_from_the_prefilled_form(self, award, sam):
        client = client_of(sam)
        page = client.get(f"/gestion/suivi/laureats/{award.pk}/convention/")
        assert page.status_code == 200
        assert "Les Ateliers du Ternois" in page.content.decode()
        assert_accessible(page.content)
        response = client.post(f"/gestion/suivi/laureats/{award.pk}/convention/", form_data(award))
        assert response.status_code == 302
        agreement = FundingAgreement.objects.get(award=award)
        assert agreement.instalments.count() == 2

    def test_a_schedule_that_does_not_add_up_is_a_400_that_keeps_what_was_typed(self, award, sam):
        data = form_data(award, **{"echeances-1-amount": "2 000"})
        data["conditions"] = "Conditions tapées à garder"
        response = client_of(sam).post(f"/gestion/suivi/laureats/{award.pk}/convention/", data)
        assert response.status_code == 400
        text = response.content.decode()
        assert "totalisent" in text and "Conditions tapées à garder" in text
        assert not FundingAgreement.objects.exists()

    @pytest.mark.parametrize(
        "field, value",
        [
            ("beneficiary_name", ""),
            ("beneficiary_name", "x" * 5000),
            ("beneficiary_name", "Asso\x00ciation"),
            ("conditions", "a\x00b"),
            ("siret", "７３２８２９３２０００７４"),
            ("siret", "=HYPERLINK(1)"),
            ("amount", "9" * 30),
            ("amount", "<script>bc_xss()</script>"),
            ("report_due_on", "31/02/2026"),
        ],
    )
    def test_hostile_input_is_a_french_400(self, award, sam, field, value):
        data = form_data(award)
        data["beneficiary_kind"] = "cooperative"
        data["rna"] = ""
        data[field] = value
        response = client_of(sam).post(f"/gestion/suivi/laureats/{award.pk}/convention/", data)
        assert response.status_code == 400
        assert "<script>bc_xss()" not in response.content.decode()
        assert not FundingAgreement.objects.exists()

    def test_the_send_sign_steps_through_the_pages(self, award, sam):
        client = confirmed(client_of(sam))
        services.agreement_create(award=award, by=sam)
        assert (
            client.post(f"/gestion/suivi/laureats/{award.pk}/convention/envoyer/").status_code
            == 302
        )
        page = client.get(f"/gestion/suivi/laureats/{award.pk}/")
        assert page.status_code == 200 and "Enregistrer la signature" in page.content.decode()
        assert_accessible(page.content)
        missing = client.post(
            f"/gestion/suivi/laureats/{award.pk}/convention/signer/", {"signed_on": "2025-12-01"}
        )
        assert missing.status_code == 400
        assert "Joignez la convention signée" in missing.content.decode()
        done = client.post(
            f"/gestion/suivi/laureats/{award.pk}/convention/signer/",
            {"signed_on": "2025-12-01", "scan": scan()},
        )
        assert done.status_code == 302
        assert FundingAgreement.objects.get(award=award).status == "signed"

    def test_sending_asks_for_the_password_again(self, award, sam):
        services.agreement_create(award=award, by=sam)
        client = Client()
        client.force_login(sam)
        response = client.post(f"/gestion/suivi/laureats/{award.pk}/convention/envoyer/")
        assert response.status_code == 302 and "reauthenticate" in response["Location"]
        assert FundingAgreement.objects.get(award=award).status == "draft"

    def test_updating_a_sent_agreement_sends_back_to_the_laureate_page(self, award, sam):
        sent(award, sam)
        response = client_of(sam).post(
            f"/gestion/suivi/laureats/{award.pk}/convention/", form_data(award)
        )
        assert response.status_code == 302
        assert FundingAgreement.objects.get(award=award).status == "sent"

    def test_the_staff_dossier_page_links_to_the_laureate_page(self, award, sam):
        response = client_of(sam).get(f"/gestion/dossiers/{award.decision.dossier_id}/")
        assert f"/gestion/suivi/laureats/{award.pk}/" in response.content.decode()

    @pytest.mark.parametrize("who", ["anonymous", "holder", "stranger"])
    def test_staff_pages_are_404_to_others(self, award, sam, holder, who):
        user = {"anonymous": None, "holder": holder, "stranger": UserFactory()}[who]
        client = client_of(user)
        services.agreement_create(award=award, by=sam)
        for path in (
            "/gestion/suivi/",
            f"/gestion/suivi/laureats/{award.pk}/",
            f"/gestion/suivi/laureats/{award.pk}/convention/",
            "/gestion/suivi/versements.csv?edition=2025",
            "/gestion/suivi/conventions.xlsx?edition=2025",
        ):
            assert client.get(path).status_code == 404, path
        assert (
            client.post(f"/gestion/suivi/laureats/{award.pk}/convention/envoyer/").status_code
            == 404
        )
        assert FundingAgreement.objects.get(award=award).status == "draft"


def form_data(award, **changes):
    data = {
        "amount": "8 000",
        "beneficiary_name": "Les Ateliers du Ternois",
        "beneficiary_kind": "association",
        "siret": "",
        "rna": "W623001234",
        "beneficiary_address": "2 rue des Écoles",
        "representative": "Camille Martin",
        "conditions": "",
        "report_due_on": "2026-09-30",
        "echeances-TOTAL_FORMS": "3",
        "echeances-INITIAL_FORMS": "2",
        "echeances-MIN_NUM_FORMS": "0",
        "echeances-MAX_NUM_FORMS": "12",
        "echeances-0-label": "Premier versement",
        "echeances-0-amount": "5 600",
        "echeances-0-trigger": "signature",
        "echeances-0-planned_on": "",
        "echeances-1-label": "Solde",
        "echeances-1-amount": "2 400",
        "echeances-1-trigger": "report",
        "echeances-1-planned_on": "",
        "echeances-2-label": "",
        "echeances-2-amount": "",
        "echeances-2-trigger": "",
        "echeances-2-planned_on": "",
    }
    data.update(changes)
    return data


class TestHolderSide:
    def test_the_holder_sees_their_sent_agreement(self, award, sam, holder):
        sent(award, sam)
        client = client_of(holder)
        page = client.get(f"/suivi/{award.pk}/convention/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "CONV-2025-0001" in text and "en attente de votre signature" in text
        assert_accessible(page.content)
        overview = client.get(f"/mes-dossiers/{award.decision.dossier_id}/")
        assert "Convention de financement" in overview.content.decode()

    def test_a_draft_is_staff_s_own(self, award, sam, holder):
        services.agreement_create(award=award, by=sam)
        client = client_of(holder)
        assert client.get(f"/suivi/{award.pk}/convention/").status_code == 404
        assert client.get(f"/suivi/{award.pk}/convention.pdf").status_code == 404
        overview = client.get(f"/mes-dossiers/{award.decision.dossier_id}/")
        assert "CONV-2025" not in overview.content.decode()

    def test_another_holder_and_the_public_get_404(self, edition, award, sam):
        signed(award, sam)
        other = laureate(edition).decision.dossier.holder
        scan_pk = award.agreement.scans.get().pk
        for user in (other, UserFactory(), None):
            client = client_of(user)
            for path in (
                f"/suivi/{award.pk}/convention/",
                f"/suivi/{award.pk}/convention.pdf",
                f"/suivi/{award.pk}/convention/scan/{scan_pk}/",
            ):
                assert client.get(path).status_code == 404, (user, path)

    def test_the_holder_and_staff_download_the_signed_scan(self, award, sam, holder):
        signed(award, sam)
        scan_pk = award.agreement.scans.get().pk
        for user in (holder, sam):
            response = client_of(user).get(f"/suivi/{award.pk}/convention/scan/{scan_pk}/")
            assert response.status_code == 200
            assert b"".join(response.streaming_content) == PDF_BYTES

    def test_the_holder_sees_payments_but_not_the_mandate_reference(self, award, sam, holder):
        agreement = signed(award, sam)
        first = agreement.instalments.get(position=1)
        services.payment_record(
            instalment=first,
            amount=Decimal("5600.00"),
            paid_on=date(2025, 12, 1),
            reference="MANDAT-SECRET-42",
            by=sam,
        )
        text = plain(
            client_of(holder).get(f"/mes-dossiers/{award.decision.dossier_id}/").content.decode()
        )
        assert "5 600" in text and "MANDAT-SECRET-42" not in text
        staff_text = client_of(sam).get(f"/gestion/suivi/laureats/{award.pk}/").content.decode()
        assert "MANDAT-SECRET-42" in staff_text


@needs_weasyprint
class TestPdf:
    @pytest.fixture(autouse=True)
    def real_pdf(self, monkeypatch):
        monkeypatch.setattr(pdf, "agreement_pdf", REAL_PDF)

    def test_the_pdf_prints_the_terms_and_matches_the_hash_kept_at_sending(
        self, award, sam, holder
    ):
        agreement = services.agreement_create(
            award=award,
            by=sam,
            terms=terms(award, conditions="Mentionner le soutien du Département."),
        )
        html = plain(pdf.agreement_html(agreement))
        assert agreement.reference in html and "8 000" in html
        assert award.decision.public_title in html and "Mentionner le soutien" in html
        assert "5 600" in html and "2 400" in html
        agreement = services.agreement_send(agreement=agreement, by=sam)
        response = client_of(holder).get(f"/suivi/{award.pk}/convention.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert hashlib.sha256(response.content).hexdigest() == agreement.sent_pdf_sha256

    def test_without_pango_the_download_is_a_french_503(self, award, sam, monkeypatch):
        services.agreement_create(award=award, by=sam)

        def unavailable(agreement):
            raise pdf.PdfUnavailable()

        monkeypatch.setattr(pdf, "agreement_pdf", unavailable)
        response = client_of(sam).get(f"/suivi/{award.pk}/convention.pdf")
        assert response.status_code == 503
        assert "PDF indisponible" in response.content.decode()


def test_instalments_are_kept_in_order(award, sam):
    agreement = services.agreement_create(award=award, by=sam)
    assert list(agreement.instalments.values_list("position", flat=True)) == [1, 2]
    assert Instalment.objects.filter(agreement=agreement).count() == 2
