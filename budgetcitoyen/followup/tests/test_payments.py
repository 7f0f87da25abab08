"""Payments: only on a signed agreement, each instalment once unlocked, never beyond the
instalment nor the agreement (also when two are recorded at once, on PostgreSQL); what was paid
per edition and per laureate; the finance service's exports."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client

from budgetcitoyen.core.audit import AuditEntry
from budgetcitoyen.core.errors import Conflict, InvalidInput, PermissionRefused
from budgetcitoyen.followup import pdf, services
from budgetcitoyen.followup.models import FinalReport, Payment
from budgetcitoyen.followup.selectors.agreements import (
    amounts_paid,
    laureate_rows,
    paid_by_award,
    totals,
)
from budgetcitoyen.followup.services.agreements import initial_terms
from budgetcitoyen.testing.cast import confirm_password, make_persona
from budgetcitoyen.testing.concurrency import run_together
from budgetcitoyen.testing.factories import EditionFactory, UserFactory, laureate, paris

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def plain(text: str) -> str:
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.fixture(autouse=True)
def fixed_pdf(monkeypatch):
    monkeypatch.setattr(pdf, "agreement_pdf", lambda agreement: PDF_BYTES)


def scan():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("signee.pdf", PDF_BYTES, content_type="application/pdf")


def signed_agreement(award, staff, *, schedule=None, **changes):
    terms = initial_terms(award)
    if schedule is not None or changes:
        values = {**terms.__dict__, **changes}
        if schedule is not None:
            values["schedule"] = tuple(schedule)
        terms = type(terms)(**values)
    agreement = services.agreement_create(award=award, by=staff, terms=terms)
    services.agreement_send(agreement=agreement, by=staff)
    return services.agreement_sign(
        agreement=agreement, by=staff, signed_on=date(2025, 12, 1), scan=scan()
    )


def pay(instalment, staff, amount, *, paid_on=date(2025, 12, 1), reference="MANDAT-1"):
    return services.payment_record(
        instalment=instalment,
        amount=Decimal(amount),
        paid_on=paid_on,
        reference=reference,
        by=staff,
    )


class TestRecord:
    pytestmark = pytest.mark.django_db

    @pytest.fixture(autouse=True)
    def after_results(self):
        with time_machine.travel(paris(2025, 12, 1, 10), tick=False):
            yield

    @pytest.fixture
    def award(self):
        return laureate(EditionFactory(year=2025), amount=Decimal("8000.00"))

    @pytest.fixture
    def agreement(self, award, sam):
        return signed_agreement(award, sam)

    def test_it_records_a_payment_on_the_unlocked_instalment(self, agreement, sam):
        first = agreement.instalments.get(position=1)
        payment = pay(first, sam, "5600.00", reference="M-2025-001")
        assert payment.amount == Decimal("5600.00") and payment.recorded_by == sam
        entry = AuditEntry.objects.get(action="followup.payment_recorded")
        assert entry.data == {
            "reference": agreement.reference,
            "instalment": 1,
            "amount": "5600.00",
            "paid_on": "2025-12-01",
            "mandate": "M-2025-001",
        }

    def test_an_instalment_may_be_paid_in_several_times(self, agreement, sam):
        first = agreement.instalments.get(position=1)
        pay(first, sam, "2000.00")
        pay(first, sam, "3600.00")
        assert first.payments.count() == 2

    def test_it_refuses_anyone_but_staff(self, agreement, award):
        first = agreement.instalments.get(position=1)
        with pytest.raises(PermissionRefused):
            pay(first, award.decision.dossier.holder, "100.00")

    def test_it_refuses_an_unsigned_agreement(self, award, sam):
        agreement = services.agreement_create(award=award, by=sam)
        services.agreement_send(agreement=agreement, by=sam)
        with pytest.raises(Conflict) as refused:
            pay(agreement.instalments.get(position=1), sam, "100.00")
        assert "pas encore signée" in refused.value.message

    def test_the_report_instalment_waits_for_the_accepted_report(self, agreement, award, sam):
        last = agreement.instalments.get(position=2)
        with pytest.raises(Conflict) as refused:
            pay(last, sam, "2400.00")
        assert "rapport final" in refused.value.message
        report = FinalReport.objects.create(award=award, status=FinalReport.Status.SUBMITTED)
        with pytest.raises(Conflict):
            pay(last, sam, "2400.00")
        FinalReport.objects.filter(pk=report.pk).update(status=FinalReport.Status.ACCEPTED)
        assert pay(last, sam, "2400.00").amount == Decimal("2400.00")

    def test_a_dated_instalment_waits_for_its_date(self, award, sam):
        from budgetcitoyen.followup.services.agreements import InstalmentTerms

        agreement = signed_agreement(
            award,
            sam,
            schedule=[
                InstalmentTerms("Avance", Decimal("4000.00"), "signature"),
                InstalmentTerms("Échéance", Decimal("4000.00"), "date", date(2026, 1, 15)),
            ],
        )
        dated = agreement.instalments.get(position=2)
        with pytest.raises(Conflict) as refused:
            pay(dated, sam, "4000.00")
        assert "15 janvier 2026" in refused.value.message
        with time_machine.travel(paris(2026, 1, 15, 9), tick=False):
            assert pay(dated, sam, "4000.00", paid_on=date(2026, 1, 15)).pk

    def test_it_refuses_more_than_the_instalment(self, agreement, sam):
        first = agreement.instalments.get(position=1)
        pay(first, sam, "5000.00")
        with pytest.raises(InvalidInput) as refused:
            pay(first, sam, "600.01")
        message = plain(refused.value.errors["amount"])
        assert "échéance" in message and "il reste 600 €" in message

    def test_it_refuses_more_than_the_agreement_and_says_what_is_left(self, award, sam):
        from budgetcitoyen.followup.services.agreements import InstalmentTerms

        agreement = signed_agreement(
            award, sam, schedule=[InstalmentTerms("Unique", Decimal("8000.00"), "signature")]
        )
        only = agreement.instalments.get()
        pay(only, sam, "7000.00")
        with pytest.raises(InvalidInput) as refused:
            pay(only, sam, "1000.01")
        message = plain(refused.value.errors["amount"])
        assert "convention" in message and "il reste 1 000 €" in message
        assert Payment.objects.count() == 1

    @pytest.mark.parametrize(
        "amount, paid_on, reference, field",
        [
            ("0", date(2025, 12, 1), "M", "amount"),
            ("-5", date(2025, 12, 1), "M", "amount"),
            ("1.001", date(2025, 12, 1), "M", "amount"),
            ("10", date(2025, 12, 2), "M", "paid_on"),
            ("10", date(2025, 11, 30), "M", "paid_on"),
            ("10", date(2025, 12, 1), "   ", "reference"),
        ],
    )
    def test_it_refuses_bad_values(self, agreement, sam, amount, paid_on, reference, field):
        with pytest.raises(InvalidInput) as refused:
            pay(
                agreement.instalments.get(position=1),
                sam,
                amount,
                paid_on=paid_on,
                reference=reference,
            )
        assert field in refused.value.errors
        assert not Payment.objects.exists()

    def test_what_was_paid_per_edition_and_per_laureate(self, agreement, award, sam):
        edition = award.snapshot.edition
        other = laureate(edition, amount=Decimal("3000.00"))
        assert amounts_paid(edition) == Decimal("0")
        pay(agreement.instalments.get(position=1), sam, "5600.00")
        other_agreement = signed_agreement(other, sam)
        pay(other_agreement.instalments.get(position=1), sam, "1000.00")
        assert amounts_paid(edition) == Decimal("6600.00")
        assert paid_by_award(edition) == {
            award.pk: Decimal("5600.00"),
            other.pk: Decimal("1000.00"),
        }
        rows = laureate_rows(edition)
        summed = totals(rows, edition_label="Édition", none_label="—")
        assert summed.edition.laureates == 2
        assert summed.edition.granted == Decimal("11000.00")
        assert summed.edition.paid == Decimal("6600.00")
        assert summed.edition.left == Decimal("4400.00")
        assert sum(line.paid for line in summed.by_territory) == Decimal("6600.00")
        assert sum(line.paid for line in summed.by_category) == Decimal("6600.00")

    def test_the_payment_form_records_and_refuses_in_french(self, agreement, award, sam):
        client = Client()
        client.force_login(sam)
        cache.clear()  # the rate limit of « Confirmer l'accès » counts per address
        confirm_password(client)
        first = agreement.instalments.get(position=1)
        url = f"/gestion/suivi/laureats/{award.pk}/versements/"
        data = {
            "instalment": first.pk,
            "amount": "6 000",
            "paid_on": "2025-12-01",
            "reference": "M-1",
        }
        refused = client.post(url, data)
        assert refused.status_code == 400
        assert "il reste" in plain(refused.content.decode())
        assert 'value="M-1"' in refused.content.decode()  # what was typed is kept
        assert client.post(url, {**data, "amount": "5 600"}).status_code == 302
        assert Payment.objects.get().amount == Decimal("5600.00")
        hostile = client.post(url, {**data, "reference": "M\x00-2", "amount": "9" * 40})
        assert hostile.status_code == 400
        locked = client.post(url, {**data, "instalment": agreement.instalments.get(position=2).pk})
        assert locked.status_code == 409
        other = laureate(award.snapshot.edition)
        foreign = signed_agreement(other, sam).instalments.get(position=1)
        assert client.post(url, {**data, "instalment": foreign.pk}).status_code == 400
        assert Payment.objects.count() == 1


class TestExports:
    pytestmark = pytest.mark.django_db

    @pytest.fixture(autouse=True)
    def after_results(self):
        with time_machine.travel(paris(2025, 12, 1, 10), tick=False):
            yield

    @pytest.fixture
    def paid(self, sam):
        award = laureate(EditionFactory(year=2025), amount=Decimal("8000.00"))
        agreement = signed_agreement(
            award,
            sam,
            beneficiary_name='=HYPERLINK("http://evil.example","x")',
            beneficiary_kind="cooperative",
            rna="",
            siret="73282932000074",
        )
        pay(agreement.instalments.get(position=1), sam, "5600.00", reference="@SUM(A1)")
        return agreement

    def staff(self, sam):
        client = Client()
        client.force_login(sam)
        return client

    def test_payments_csv_one_row_per_payment_formulas_neutralised(self, paid, sam):
        response = self.staff(sam).get("/gestion/suivi/versements.csv?edition=2025")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][:3] == ["Édition", "Référence de la convention", "Bénéficiaire"]
        (row,) = rows[1:]
        assert row[1] == paid.reference
        assert row[2].startswith("'=HYPERLINK")
        assert row[3] == "73282932000074"
        assert row[5] == "5600,00" and row[6] == "2025-12-01"
        assert row[7] == "'@SUM(A1)"

    def test_agreements_xlsx_granted_paid_left(self, paid, sam):
        response = self.staff(sam).get("/gestion/suivi/conventions.xlsx?edition=2025")
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, row = (list(r) for r in sheet.iter_rows(values_only=True))
        assert header[-3:] == ["Montant accordé (€)", "Versé (€)", "Reste à verser (€)"]
        assert row[1] == paid.reference
        assert row[3].startswith("'=HYPERLINK")
        assert [Decimal(str(v)) for v in row[-3:]] == [
            Decimal("8000"),
            Decimal("5600"),
            Decimal("2400"),
        ]

    def test_payments_xlsx_and_agreements_csv(self, paid, sam):
        client = self.staff(sam)
        xlsx = client.get("/gestion/suivi/versements.xlsx?edition=2025")
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet.max_row == 2
        text = client.get("/gestion/suivi/conventions.csv?edition=2025").content.decode("utf-8-sig")
        assert paid.reference in text and "2400,00" in text

    def test_exports_are_404_to_others(self, paid):
        for user in (None, UserFactory(), paid.award.decision.dossier.holder):
            client = Client()
            if user:
                client.force_login(user)
            for path in (
                "versements.csv",
                "versements.xlsx",
                "conventions.csv",
                "conventions.xlsx",
            ):
                assert client.get(f"/gestion/suivi/{path}?edition=2025").status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_payments_at_once_never_exceed_the_agreement(monkeypatch):
    """Each payment alone fits; together they exceed the agreement: exactly one is recorded.
    The agreement's row lock makes the second wait, then read the first one's payment."""
    from budgetcitoyen.followup.services import agreements as agreement_services
    from budgetcitoyen.followup.services.agreements import InstalmentTerms
    from budgetcitoyen.territories.services import load_reference

    load_reference()
    with time_machine.travel(paris(2025, 12, 1, 10), tick=True):
        staff = make_persona("staff")
        award = laureate(EditionFactory(year=2025), amount=Decimal("8000.00"))
        agreement = signed_agreement(
            award, staff, schedule=[InstalmentTerms("Unique", Decimal("8000.00"), "signature")]
        )
        only = agreement.instalments.get()

        # Widen the window between reading what was paid and writing the payment: without the
        # lock both threads would read 0 and both payments would be written.
        original = agreement_services._paid

        def slow(**filters):
            import time

            total = original(**filters)
            time.sleep(0.05)
            return total

        monkeypatch.setattr(agreement_services, "_paid", slow)
        jobs = [(lambda ref=ref: pay(only, staff, "5000.00", reference=ref)) for ref in ("A", "B")]
        errors = run_together(jobs, keep_refusals=True)
    assert len(errors) == 1 and isinstance(errors[0], InvalidInput)
    assert "il reste 3" in plain(errors[0].errors["amount"])
    assert Payment.objects.filter(instalment=only).count() == 1
    assert amounts_paid(award.snapshot.edition) == Decimal("5000.00")
