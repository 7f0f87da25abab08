"""The final report: drafted over several visits, submitted once the agreement is signed,
accepted or returned by staff; its pieces served by their rights."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.test import Client

from budgetcitoyen.core.errors import Conflict, Frozen, InvalidInput, PermissionRefused
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.followup.models import FinalReport, FundingAgreement, ReportAttachment
from budgetcitoyen.followup.services import progress as services
from budgetcitoyen.testing import images as samples
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import EditionFactory, laureate, paris, upload
from budgetcitoyen.testing.hostile import SCRIPT

pytestmark = pytest.mark.django_db

AFTER = paris(2026, 9, 2, 10)
COMPLETE = {
    "achievements": "Un atelier ouvert trois jours par semaine.",
    "beneficiaries_reached": "320 habitants du Ternois.",
    "spending": "Outillage 5 000 €, loyer 3 000 €.",
    "difficulties": "",
    "amount_spent": Decimal("8000.00"),
}


@pytest.fixture(autouse=True)
def after_results():
    with time_machine.travel(AFTER, tick=False):
        yield


@pytest.fixture
def edition(db):
    return EditionFactory(year=2025)


@pytest.fixture
def award(edition):
    return laureate(edition)


@pytest.fixture
def holder(award):
    return award.decision.dossier.holder


@pytest.fixture
def staff(db):
    return make_persona("staff")


def sign(award) -> FundingAgreement:  # type: ignore[no-untyped-def]
    """An agreement as Part B's services leave it once signed (rows written directly)."""
    return FundingAgreement.objects.create(
        award=award,
        reference=f"CONV-2025-{award.pk:04d}",
        status=FundingAgreement.Status.SIGNED,
        amount=award.amount,
        beneficiary_name="Les Ateliers du Ternois",
        signed_on=date(2026, 1, 10),
        signed_at=paris(2026, 1, 10, 12),
    )


@pytest.fixture
def signed(award):
    return sign(award)


def client_of(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def save(award, holder, **values):  # type: ignore[no-untyped-def]
    report, refused = services.report_save(award=award, by=holder, **values)
    assert not refused, refused
    return report


def submit(award, holder):  # type: ignore[no-untyped-def]
    save(award, holder, **COMPLETE)
    return services.report_submit(award=award, by=holder)


class TestDraft:
    def test_a_draft_may_be_incomplete_and_is_saved_over_visits(self, award, holder):
        report = save(award, holder, achievements="Début")
        assert (report.status, report.achievements, report.amount_spent) == ("draft", "Début", None)
        again = save(award, holder, achievements="Début", spending="Suite")
        assert again.pk == report.pk and again.spending == "Suite"
        actions = list(
            AuditEntry.objects.filter(action__startswith="followup.report_")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == ["followup.report_created", "followup.report_saved"]

    @pytest.mark.parametrize("who", ["resident", "staff", "other_holder"])
    def test_only_its_holder_writes_it(self, edition, award, who):
        person = (
            laureate(edition).decision.dossier.holder
            if who == "other_holder"
            else make_persona(who)
        )
        with pytest.raises(PermissionRefused):
            services.report_save(award=award, by=person, achievements="X")
        assert not FinalReport.objects.exists()

    def test_texts_and_amount_have_limits(self, award, holder):
        with pytest.raises(InvalidInput) as excinfo:
            services.report_save(
                award=award, by=holder, spending="x" * 10_001, amount_spent=Decimal("-1")
            )
        assert set(excinfo.value.errors) == {"spending", "amount_spent"}

    def test_pieces_are_checked_and_counted(self, award, holder):
        report, refused = services.report_save(
            award=award,
            by=holder,
            achievements="Texte gardé",
            uploads=[upload("facture.pdf"), upload("faux.pdf", b"MZ not a pdf")],
        )
        assert report.achievements == "Texte gardé"
        assert len(refused) == 1 and "faux.pdf" in refused[0].message
        (piece,) = report.attachments.all()
        assert piece.original_name == "facture.pdf" and piece.uploaded_by == holder
        for n in range(services.MAX_REPORT_ATTACHMENTS - 1):
            services.report_attachment_add(report=report, by=holder, upload=upload(f"{n}.pdf"))
        with pytest.raises(InvalidInput, match="au plus 10"):
            services.report_attachment_add(report=report, by=holder, upload=upload("11.pdf"))

    def test_an_image_piece_is_re_encoded(self, award, holder):
        report = save(award, holder)
        piece = services.report_attachment_add(
            report=report, by=holder, upload=upload("photo.jpg", samples.camera_jpeg())
        )
        with piece.file.open("rb") as handle:
            content = handle.read()
        assert samples.AUTHOR.encode() not in content and samples.SERIAL.encode() not in content

    def test_the_holder_removes_a_piece(self, award, holder):
        report, _ = services.report_save(award=award, by=holder, uploads=[upload()])
        services.report_attachment_remove(attachment=report.attachments.get(), by=holder)
        assert not ReportAttachment.objects.exists()
        assert AuditEntry.objects.filter(action="followup.report_attachment_removed").exists()


class TestSubmit:
    def test_it_needs_a_signed_agreement(self, award, holder):
        save(award, holder, **COMPLETE)
        with pytest.raises(Conflict, match="convention de financement"):
            services.report_submit(award=award, by=holder)
        FundingAgreement.objects.create(
            award=award,
            reference="CONV-2025-0001",
            amount=award.amount,
            beneficiary_name="X",
            status=FundingAgreement.Status.SENT,
        )
        with pytest.raises(Conflict):
            services.report_submit(award=award, by=holder)
        assert FinalReport.objects.get().status == "draft"

    def test_it_must_be_complete(self, award, holder, signed):
        save(award, holder, achievements="Seulement ça")
        with pytest.raises(InvalidInput) as excinfo:
            services.report_submit(award=award, by=holder)
        assert set(excinfo.value.errors) == {"beneficiaries_reached", "spending", "amount_spent"}

    def test_submitted_it_tells_the_mission_and_is_frozen(
        self, award, holder, signed, settings, django_capture_on_commit_callbacks
    ):
        settings.BUDGETCITOYEN_CONTACT_EMAIL = "mission-ess@exemple.fr"
        with django_capture_on_commit_callbacks(execute=True):
            report = submit(award, holder)
        assert (report.status, report.submitted_at) == ("submitted", AFTER)
        (message,) = mail.outbox
        assert message.to == ["mission-ess@exemple.fr"]
        assert f"/gestion/suivi/laureats/{award.pk}/rapport/" in message.body
        with pytest.raises(Frozen):
            services.report_save(award=award, by=holder, achievements="Autre")
        with pytest.raises(Frozen):
            services.report_attachment_add(report=report, by=holder, upload=upload())
        with pytest.raises(Frozen):
            services.report_submit(award=award, by=holder)


class TestReview:
    def test_staff_accept_it_and_the_holder_is_told(
        self, award, holder, signed, staff, django_capture_on_commit_callbacks
    ):
        report = submit(award, holder)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_accept(report=report, by=staff, comment="Très clair.")
        report.refresh_from_db()
        assert (report.status, report.reviewed_by, report.review_comment) == (
            "accepted",
            staff,
            "Très clair.",
        )
        assert mail.outbox[-1].to == [holder.email]
        assert "accepté" in mail.outbox[-1].subject
        assert AuditEntry.objects.get(action="followup.report_accepted").actor == staff
        with pytest.raises(Frozen):
            services.report_save(award=award, by=holder, achievements="Autre")

    def test_staff_return_it_with_a_comment_and_it_comes_back(
        self, award, holder, signed, staff, django_capture_on_commit_callbacks
    ):
        report = submit(award, holder)
        with pytest.raises(InvalidInput):
            services.report_return(report=report, comment=" ", by=staff)
        with django_capture_on_commit_callbacks(execute=True):
            services.report_return(report=report, comment="Ajoutez les factures.", by=staff)
        report.refresh_from_db()
        assert report.status == "returned"
        assert "Ajoutez les factures." in mail.outbox[-1].body
        save(award, holder, **{**COMPLETE, "spending": "Factures jointes."})
        assert services.report_submit(award=award, by=holder).status == "submitted"

    def test_only_staff_and_only_a_submitted_report(self, award, holder, signed, staff):
        report = save(award, holder, **COMPLETE)
        with pytest.raises(Conflict):
            services.report_accept(report=report, by=staff)
        services.report_submit(award=award, by=holder)
        with pytest.raises(PermissionRefused):
            services.report_accept(report=report, by=holder)
        with pytest.raises(PermissionRefused):
            services.report_return(report=report, comment="Non", by=holder)
        report.refresh_from_db()
        assert report.status == "submitted"


class TestHolderPage:
    def url(self, award) -> str:  # type: ignore[no-untyped-def]
        return f"/mes-dossiers/{award.decision.dossier.pk}/suivi/rapport/"

    def test_the_holder_drafts_then_submits_from_the_page(self, award, holder, signed):
        client = client_of(holder)
        response = client.get(self.url(award))
        assert response.status_code == 200
        assert_accessible(response.content)
        response = client.post(
            self.url(award),
            {
                "achievements": "Fait",
                "amount_spent": "7 500,50",
                "action": "save",
                "attachments": [upload("facture.pdf")],
            },
        )
        assert response.status_code == 302
        report = FinalReport.objects.get()
        assert report.amount_spent == Decimal("7500.50") and report.attachments.count() == 1
        page = client.get(self.url(award)).content.decode()
        assert "Fait" in page and "7 500,50" in page and "facture.pdf" in page
        response = client.post(
            self.url(award),
            {**COMPLETE, "amount_spent": "8 000", "action": "submit"},
        )
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.status == "submitted"
        page = client.get(self.url(award)).content.decode()
        assert "ne peut plus être modifié" in page

    def test_a_refused_submission_keeps_what_was_typed(self, award, holder):
        response = client_of(holder).post(
            self.url(award), {**COMPLETE, "amount_spent": "8 000", "action": "submit"}
        )
        assert response.status_code == 409  # no signed agreement yet
        page = response.content.decode()
        assert "convention de financement" in page and "320 habitants" in page
        report = FinalReport.objects.get()  # saved as a draft all the same
        assert (report.status, report.beneficiaries_reached) == (
            "draft",
            "320 habitants du Ternois.",
        )

    @pytest.mark.parametrize(
        "field,value",
        [
            ("achievements", "a\x00b"),
            ("amount_spent", "douze"),
            ("amount_spent", "9" * 30),
            ("spending", "é" * 20_000),
        ],
    )
    def test_hostile_input_is_a_french_400(self, award, holder, field, value):
        response = client_of(holder).post(
            self.url(award), {"achievements": "Gardé", field: value, "action": "save"}
        )
        assert response.status_code == 400
        assert "Gardé" in response.content.decode() or field == "achievements"
        assert not FinalReport.objects.exists()

    def test_html_and_formulas_are_text(self, award, holder):
        client = client_of(holder)
        response = client.post(
            self.url(award),
            {"achievements": SCRIPT, "spending": "=SUM(A1:A9)", "action": "save"},
        )
        assert response.status_code == 302
        assert SCRIPT.encode() not in client.get(self.url(award)).content
        assert FinalReport.objects.get().spending == "=SUM(A1:A9)"

    @pytest.mark.parametrize("who", ["anonymous", "resident", "staff", "other_holder"])
    def test_others_get_a_404_on_the_page_and_the_pieces(self, edition, award, holder, who):
        report, _ = services.report_save(award=award, by=holder, uploads=[upload()])
        piece = report.attachments.get()
        person = {
            "anonymous": lambda: None,
            "resident": lambda: make_persona("resident"),
            "staff": lambda: make_persona("staff"),
            "other_holder": lambda: laureate(edition).decision.dossier.holder,
        }[who]()
        client = client_of(person)
        assert client.get(self.url(award)).status_code == 404
        assert client.post(self.url(award), {"achievements": "X"}).status_code == 404
        remove = f"{self.url(award)}pieces/{piece.pk}/retirer/"
        assert client.post(remove).status_code == 404
        file_url = f"/suivi/laureats/{award.pk}/rapport/pieces/{piece.pk}/"
        assert client.get(file_url).status_code == (200 if who == "staff" else 404)
        assert ReportAttachment.objects.count() == 1

    def test_the_holder_downloads_and_removes_a_piece(self, award, holder):
        report, _ = services.report_save(award=award, by=holder, uploads=[upload()])
        piece = report.attachments.get()
        client = client_of(holder)
        response = client.get(f"/suivi/laureats/{award.pk}/rapport/pieces/{piece.pk}/")
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        remove = f"{self.url(award)}pieces/{piece.pk}/retirer/"
        assert client.get(remove).status_code == 405
        assert client.post(remove).status_code == 302
        assert not ReportAttachment.objects.exists()


class TestStaffPage:
    def url(self, award) -> str:  # type: ignore[no-untyped-def]
        return f"/gestion/suivi/laureats/{award.pk}/rapport/"

    def test_staff_read_and_accept_from_the_page(self, award, holder, signed, staff):
        client = client_of(staff)
        assert "pas encore commencé" in client.get(self.url(award)).content.decode()
        submit(award, holder)
        response = client.get(self.url(award))
        assert response.status_code == 200
        assert_accessible(response.content)
        assert "320 habitants" in response.content.decode()
        assert client.get(f"{self.url(award)}accepter/").status_code == 405
        assert client.post(f"{self.url(award)}accepter/", {"accept-comment": ""}).status_code == 302
        assert FinalReport.objects.get().status == "accepted"
        response = client.post(f"{self.url(award)}renvoyer/", {"return-comment": "Trop tard"})
        assert response.status_code == 409

    def test_returning_without_a_comment_is_a_400(self, award, holder, signed, staff):
        submit(award, holder)
        response = client_of(staff).post(f"{self.url(award)}renvoyer/", {"return-comment": ""})
        assert response.status_code == 400
        assert FinalReport.objects.get().status == "submitted"

    @pytest.mark.parametrize("who", ["anonymous", "resident", "holder"])
    def test_others_get_a_404(self, award, holder, signed, who):
        submit(award, holder)
        person = {"anonymous": None, "resident": make_persona("resident"), "holder": holder}[who]
        client = client_of(person)
        assert client.get(self.url(award)).status_code == 404
        assert client.post(f"{self.url(award)}accepter/").status_code == 404
        assert FinalReport.objects.get().status == "submitted"
