"""The follow-up's personal data goes with its dossier: the supporting documents, and of a
laureate the agreement's personal parts, its scans, the report's texts and files and the news
never published. What the public saw stays: amounts paid, milestones, published news."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from budgetcitoyen.core import clock
from budgetcitoyen.dossiers.models import private_storage
from budgetcitoyen.followup.models import (
    DocumentRequest,
    FinalReport,
    FundingAgreement,
    Instalment,
    Milestone,
    NewsItem,
    Payment,
    ReportAttachment,
    RequestedDocument,
    SignedAgreementScan,
    SupportingDocument,
)
from budgetcitoyen.privacy import services
from budgetcitoyen.privacy.selectors import personal_data
from budgetcitoyen.testing.factories import laureate

pytestmark = pytest.mark.django_db


def _stored(model, name, **fields):  # type: ignore[no-untyped-def]
    row = model(
        original_name=name,
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        uploaded_at=clock.now(),
        **fields,
    )
    row.file.save(name, ContentFile(b"%PDF-1.7"), save=False)
    row.save()
    return row


@pytest.fixture
def followed():  # type: ignore[no-untyped-def]
    award = laureate(amount=Decimal("8000.00"))
    dossier = award.decision.dossier
    request = DocumentRequest.objects.create(
        dossier=dossier, due_on=date(2030, 1, 1), requested_at=clock.now(), message="Merci."
    )
    item = RequestedDocument.objects.create(request=request, position=1, kind="rib")
    document = _stored(SupportingDocument, "rib.pdf", item=item)
    agreement = FundingAgreement.objects.create(
        award=award,
        reference="CONV-T-0001",
        status="signed",
        amount=Decimal("8000.00"),
        beneficiary_name="Association Les Jardins",
        representative="Camille Martin-Secret",
        beneficiary_address="3 impasse Discrète, 62000 Arras",
        signed_on=date(2030, 12, 1),
    )
    scan = _stored(SignedAgreementScan, "signee.pdf", agreement=agreement)
    instalment = Instalment.objects.create(
        agreement=agreement,
        position=1,
        label="À la signature",
        amount=Decimal("5600.00"),
        trigger="signature",
    )
    Payment.objects.create(
        instalment=instalment,
        amount=Decimal("5600.00"),
        paid_on=date(2030, 12, 15),
        reference="MANDAT-42",
    )
    Milestone.objects.create(award=award, kind="started", reached_on=date(2031, 1, 5), progress=10)
    published = NewsItem.objects.create(
        award=award,
        author=dossier.holder,
        status="published",
        title="Premier chantier",
        body="Le chantier a commencé.",
        happened_on=date(2031, 1, 10),
        published_at=clock.now(),
    )
    draft = NewsItem.objects.create(
        award=award,
        author=dossier.holder,
        title="Brouillon",
        body="Texte privé du porteur.",
        happened_on=date(2031, 2, 1),
    )
    report = FinalReport.objects.create(
        award=award, status="accepted", achievements="Réalisations détaillées et nominatives."
    )
    attachment = _stored(ReportAttachment, "bilan.pdf", report=report)
    return {
        "award": award,
        "dossier": dossier,
        "files": [document, scan, attachment],
        "published": published,
        "draft": draft,
        "agreement": agreement,
        "report": report,
    }


def test_the_holder_s_data_lists_the_follow_up(followed):  # type: ignore[no-untyped-def]
    data = personal_data(followed["dossier"].holder)
    (dossier,) = data["dossiers"]
    assert dossier["document_requests"][0]["documents"][0]["files"][0]["name"] == "rib.pdf"
    assert dossier["funding_agreement"]["representative"] == "Camille Martin-Secret"
    assert dossier["funding_agreement"]["payments"][0]["amount"] == Decimal("5600.00")
    assert {n["title"] for n in dossier["news"]} == {"Premier chantier", "Brouillon"}
    assert dossier["final_report"]["attachments"][0]["name"] == "bilan.pdf"


def test_the_purge_keeps_what_the_public_saw_and_erases_the_rest(
    followed, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    names = [f.file.name for f in followed["files"]]
    assert all(private_storage().exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert services.dossier_purge(dossier=followed["dossier"], at=clock.now()) is False
    assert not DocumentRequest.objects.exists() and not SupportingDocument.objects.exists()
    assert not SignedAgreementScan.objects.exists() and not ReportAttachment.objects.exists()
    assert not any(private_storage().exists(name) for name in names)
    agreement = FundingAgreement.objects.get()
    assert (agreement.representative, agreement.beneficiary_address) == ("", "")
    assert agreement.amount == Decimal("8000.00")
    assert Payment.objects.get().amount == Decimal("5600.00")
    assert Milestone.objects.count() == 1
    assert FinalReport.objects.get().achievements == ""
    news = NewsItem.objects.get()
    assert news.pk == followed["published"].pk and news.author is None
