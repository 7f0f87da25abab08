"""Pages of the supporting documents: who gets what, French refusals, nothing typed lost,
hostile input, the blocks on the dossier pages, and the files behind permission checks."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core import mail
from django.test import Client

from budgetcitoyen.accounts.roles import role_grant
from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.followup.models import (
    DocumentKind,
    DocumentRequest,
    FinalReport,
    FundingAgreement,
    SupportingDocument,
)
from budgetcitoyen.followup.services import documents as services
from budgetcitoyen.labelling.models import Assignment, ConflictOfInterest
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import ROLE_OF_PERSONA
from budgetcitoyen.testing.factories import (
    PNG_IMAGE,
    CategoryFactory,
    EditionFactory,
    UserFactory,
    attendee,
    complete_dossier,
    laureate,
    paris,
    upload,
)

pytestmark = pytest.mark.django_db

Status = DocumentRequest.Status
LABELLING = paris(2025, 7, 20, 10)


@pytest.fixture(autouse=True)
def during_labelling():
    with time_machine.travel(LABELLING, tick=False):
        yield


def someone(persona):
    user = UserFactory()
    if ROLE_OF_PERSONA.get(persona):
        role_grant(user=user, role=ROLE_OF_PERSONA[persona], by=None)
    return user


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def edition():
    edition = EditionFactory(year=2025)
    CategoryFactory(edition=edition, priority=1)
    return edition


@pytest.fixture
def submitted(edition):
    registration = attendee(edition)
    with time_machine.travel(paris(2025, 2, 10, 14), tick=False):
        return dossier_services.dossier_submit(
            dossier=complete_dossier(registration), by=registration.person, sworn=True
        )


@pytest.fixture
def staff():
    return someone("staff")


@pytest.fixture
def member(submitted):
    person = someone("committee")
    Assignment.objects.create(dossier=submitted, member=person)
    return person


@pytest.fixture
def request_(submitted, staff):
    return services.document_request_create(
        dossier=submitted,
        by=staff,
        items=[(DocumentKind.STATUTES, ""), (DocumentKind.RIB, "")],
        due_on=date(2025, 8, 10),
        message="Merci.",
    )


@pytest.fixture
def document(submitted, request_):
    item = request_.items.order_by("position").first()
    return services.supporting_document_add(
        request=request_, item=item, by=submitted.holder, upload=upload("statuts.pdf")
    )


def create_url(dossier):
    return f"/gestion/dossiers/{dossier.pk}/pieces/demander/"


def holder_url(request):
    return f"/mes-dossiers/{request.dossier_id}/justificatifs/{request.pk}/"


def form_data(**overrides):
    data = {
        "due_on": "2025-08-31",
        "message": "Pour le comité.",
        "items-TOTAL_FORMS": "5",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "10",
        "items-0-kind": "quote",
        "items-0-label": "devis du matériel",
        "items-1-kind": "",
        "items-1-label": "",
    }
    data.update(overrides)
    return data


class TestAskingPage:
    def test_staff_see_the_form_with_the_assigned_members(self, submitted, staff, member):
        response = client_of(staff).get(create_url(submitted))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Demander des pièces justificatives" in body
        assert member.display_name in body
        assert_accessible(body)

    def test_a_member_with_a_conflict_is_not_offered(self, submitted, staff, member):
        ConflictOfInterest.objects.create(dossier=submitted, member=member)
        body = client_of(staff).get(create_url(submitted)).content.decode()
        assert member.display_name not in body

    @pytest.mark.parametrize("persona", ["resident", "committee", "organiser"])
    def test_anyone_else_gets_a_404(self, submitted, member, persona):
        assert client_of(someone(persona)).get(create_url(submitted)).status_code == 404
        assert client_of(member).get(create_url(submitted)).status_code == 404
        assert client_of(submitted.holder).get(create_url(submitted)).status_code == 404
        assert Client().get(create_url(submitted)).status_code == 404

    def test_a_draft_answers_409_in_french(self, edition, staff):
        draft = complete_dossier(attendee(edition))
        response = client_of(staff).get(create_url(draft))
        assert response.status_code == 409
        assert "brouillon" in response.content.decode()
        response = client_of(staff).post(create_url(draft), form_data())
        assert response.status_code == 409
        assert not DocumentRequest.objects.exists()

    def test_staff_ask_and_go_back_to_the_dossier(
        self, submitted, staff, member, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_of(staff).post(
                create_url(submitted), form_data(on_behalf_of=str(member.pk))
            )
        assert response.status_code == 302
        assert response["Location"] == f"/gestion/dossiers/{submitted.pk}/"
        request = DocumentRequest.objects.get()
        assert request.on_behalf_of == member and request.due_on == date(2025, 8, 31)
        assert [(i.kind, i.label) for i in request.items.all()] == [("quote", "devis du matériel")]
        assert len(mail.outbox) == 1

    def test_a_past_due_date_is_refused_and_what_was_typed_kept(self, submitted, staff):
        response = client_of(staff).post(create_url(submitted), form_data(due_on="2025-07-01"))
        assert response.status_code == 400
        body = response.content.decode()
        assert "La date limite doit être postérieure à aujourd&#x27;hui" in body
        assert "Pour le comité." in body and "devis du matériel" in body
        assert not DocumentRequest.objects.exists()
        assert_accessible(body)

    def test_no_item_is_refused_in_french(self, submitted, staff):
        response = client_of(staff).post(
            create_url(submitted), form_data(**{"items-0-kind": "", "items-0-label": ""})
        )
        assert response.status_code == 400
        assert "Indiquez au moins une pièce à fournir." in response.content.decode()

    def test_a_precision_without_a_document_is_refused(self, submitted, staff):
        response = client_of(staff).post(
            create_url(submitted), form_data(**{"items-1-label": "orphelin"})
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "Choisissez la pièce que cette précision complète." in body
        assert "orphelin" in body

    @pytest.mark.parametrize("count", ["-5", "abc", "99999999999999999999999", "50"])
    def test_a_tampered_row_count_is_refused(self, submitted, staff, count):
        response = client_of(staff).post(
            create_url(submitted), form_data(**{"items-TOTAL_FORMS": count})
        )
        assert response.status_code == 400
        assert not DocumentRequest.objects.exists()

    @pytest.mark.parametrize("field", ["message", "items-0-label"], ids=["message", "precision"])
    def test_a_nul_is_refused_on_its_field_and_the_rest_kept(self, submitted, staff, field):
        response = client_of(staff).post(
            create_url(submitted), form_data(**{field: "avec\x00 un NUL"})
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "caractère de contrôle" in body
        assert "avec un NUL" in body  # shown back without it
        assert "2025-08-31" in body
        assert not DocumentRequest.objects.exists()

    @pytest.mark.parametrize(
        "field,size", [("message", 5001), ("items-0-label", 201)], ids=["message", "precision"]
    )
    def test_huge_text_is_refused_in_french(self, submitted, staff, field, size):
        response = client_of(staff).post(create_url(submitted), form_data(**{field: "é" * size}))
        assert response.status_code == 400
        assert "au plus" in response.content.decode()
        assert not DocumentRequest.objects.exists()

    def test_html_and_formulas_are_kept_as_text_and_never_sent_back_as_markup(
        self, submitted, staff, django_capture_on_commit_callbacks
    ):
        script = "<script>bc_xss()</script>"
        formula = '=HYPERLINK("http://evil.example/","Voir")'
        with django_capture_on_commit_callbacks(execute=True):
            response = client_of(staff).post(
                create_url(submitted),
                form_data(message=f"{script} {formula}", **{"items-0-label": formula}),
            )
        assert response.status_code == 302
        request = DocumentRequest.objects.get()
        assert request.message == f"{script} {formula}"
        assert request.items.get().label == formula
        for client, url in (
            (client_of(submitted.holder), holder_url(request)),
            (client_of(staff), f"/gestion/suivi/pieces/{request.pk}/"),
        ):
            body = client.get(url).content.decode()
            assert script not in body and "&lt;script&gt;" in body
        (message,) = mail.outbox
        assert script not in message.alternatives[0][0]

    def test_an_empty_form_is_refused_in_french(self, submitted, staff):
        response = client_of(staff).post(create_url(submitted), {})
        assert response.status_code == 400
        assert "Ce champ est obligatoire." in response.content.decode()


class TestHolderPage:
    def test_the_holder_sees_the_request_and_sends_files(self, submitted, staff, request_):
        client = client_of(submitted.holder)
        response = client.get(holder_url(request_))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Statuts de la structure" in body and "Merci." in body
        assert_accessible(body)
        rib_label = 'for="id_item_%d">Relevé d&#x27;identité bancaire (RIB)</label>'
        assert rib_label % request_.items.get(position=2).pk in body
        statutes, rib = request_.items.order_by("position")
        response = client.post(
            holder_url(request_),
            {
                f"item_{statutes.pk}": [upload("statuts.pdf")],
                f"item_{rib.pk}": [upload("rib.png", PNG_IMAGE)],
            },
        )
        assert response.status_code == 302
        request_.refresh_from_db()
        assert request_.status == Status.ANSWERED
        body = client.get(holder_url(request_)).content.decode()
        assert "statuts.pdf" in body and "rib.png" in body

    def test_a_wrong_file_type_is_said_in_french_and_the_good_ones_kept(self, submitted, request_):
        statutes, rib = request_.items.order_by("position")
        response = client_of(submitted.holder).post(
            holder_url(request_),
            {
                f"item_{statutes.pk}": [upload("statuts.pdf")],
                f"item_{rib.pk}": [upload("rib.pdf", b"GIF89a")],
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert "n&#x27;est pas un fichier accepté" in body
        assert "statuts.pdf" in body  # the good one is stored and listed
        assert SupportingDocument.objects.count() == 1
        assert_accessible(body)

    def test_sending_nothing_is_refused(self, submitted, request_):
        response = client_of(submitted.holder).post(holder_url(request_), {})
        assert response.status_code == 400
        assert "Choisissez au moins un fichier à envoyer." in response.content.decode()

    def test_a_closed_request_is_read_only_and_refuses_files_with_409(
        self, submitted, staff, request_, document
    ):
        services.document_request_close(request=request_, by=staff)
        client = client_of(submitted.holder)
        body = client.get(holder_url(request_)).content.decode()
        assert "statuts.pdf" in body and 'type="file"' not in body
        statutes = request_.items.order_by("position").first()
        response = client.post(holder_url(request_), {f"item_{statutes.pk}": [upload()]})
        assert response.status_code == 409
        assert "Cette demande est close" in response.content.decode()
        assert SupportingDocument.objects.count() == 1

    @pytest.mark.parametrize("persona", ["resident", "committee", "staff"])
    def test_nobody_else_sees_the_holders_page(self, submitted, member, request_, persona):
        assert client_of(someone(persona)).get(holder_url(request_)).status_code == 404
        assert client_of(member).get(holder_url(request_)).status_code == 404
        assert Client().get(holder_url(request_)).status_code == 404

    def test_a_request_of_another_dossier_is_a_404(self, edition, submitted, staff, request_):
        registration = attendee(edition)
        with time_machine.travel(paris(2025, 2, 10, 14), tick=False):
            other = dossier_services.dossier_submit(
                dossier=complete_dossier(registration), by=registration.person, sworn=True
            )
        url = f"/mes-dossiers/{other.pk}/justificatifs/{request_.pk}/"
        assert client_of(other.holder).get(url).status_code == 404

    def test_the_holder_removes_a_file(self, submitted, request_, document):
        client = client_of(submitted.holder)
        url = f"{holder_url(request_)}fichiers/{document.pk}/retirer/"
        assert client.get(url).status_code == 405
        assert client_of(someone("resident")).post(url).status_code == 404
        response = client.post(url)
        assert response.status_code == 302 and response["Location"] == holder_url(request_)
        assert not SupportingDocument.objects.exists()

    def test_the_dossier_page_shows_the_request(self, submitted, request_):
        body = client_of(submitted.holder).get(f"/mes-dossiers/{submitted.pk}/").content.decode()
        assert "Pièces justificatives" in body
        assert holder_url(request_) in body
        assert "2 pièces restent à envoyer" in body
        assert_accessible(body)

    def test_no_block_without_a_request(self, submitted):
        body = client_of(submitted.holder).get(f"/mes-dossiers/{submitted.pk}/").content.decode()
        assert "Pièces justificatives" not in body


class TestFiles:
    def url(self, document):
        return f"/dossiers/{document.item.request.dossier_id}/justificatifs/{document.pk}/"

    def test_the_holder_staff_and_the_assigned_member_download_it(
        self, submitted, staff, member, document
    ):
        for user in (submitted.holder, staff, member):
            response = client_of(user).get(self.url(document))
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert "attachment" in response["Content-Disposition"]

    @pytest.mark.parametrize("persona", ["resident", "committee", "organiser", "agent"])
    def test_anyone_else_gets_a_404(self, document, persona):
        assert client_of(someone(persona)).get(self.url(document)).status_code == 404

    def test_anonymous_and_a_conflicted_member_get_a_404(self, submitted, member, document):
        assert Client().get(self.url(document)).status_code == 404
        ConflictOfInterest.objects.create(dossier=submitted, member=member)
        assert client_of(member).get(self.url(document)).status_code == 404

    def test_a_file_through_another_dossier_is_a_404(self, edition, staff, document):
        other = complete_dossier(attendee(edition))
        url = f"/dossiers/{other.pk}/justificatifs/{document.pk}/"
        assert client_of(staff).get(url).status_code == 404


class TestStaffPages:
    def test_the_staff_dossier_page_lists_requests_and_links_to_a_new_one(
        self, submitted, staff, request_, document
    ):
        body = client_of(staff).get(f"/gestion/dossiers/{submitted.pk}/").content.decode()
        assert create_url(submitted) in body
        assert f"/gestion/suivi/pieces/{request_.pk}/" in body
        assert "statuts.pdf" in body
        assert_accessible(body)

    def test_the_assigned_member_sees_the_files_but_no_action(self, submitted, member, document):
        body = client_of(member).get(f"/gestion/dossiers/{submitted.pk}/").content.decode()
        assert "statuts.pdf" in body
        assert create_url(submitted) not in body
        assert "/gestion/suivi/pieces/" not in body

    def test_staff_close_a_request_after_confirming(self, staff, request_):
        client = client_of(staff)
        url = f"/gestion/suivi/pieces/{request_.pk}/clore/"
        page = client.get(url)
        assert (
            page.status_code == 200 and "2 pièces n'ont pas été fournies." in page.content.decode()
        )
        assert_accessible(page.content)
        response = client.post(url)
        assert response.status_code == 302
        request_.refresh_from_db()
        assert request_.status == Status.CLOSED
        again = client.post(url)
        assert again.status_code == 409 and "déjà close" in again.content.decode()

    def test_staff_cancel_a_request(self, staff, request_):
        response = client_of(staff).post(f"/gestion/suivi/pieces/{request_.pk}/annuler/")
        assert response.status_code == 302
        request_.refresh_from_db()
        assert request_.status == Status.CANCELLED

    @pytest.mark.parametrize("suffix", ["", "clore/", "annuler/"])
    def test_the_request_pages_are_staffs_only(self, submitted, member, request_, suffix):
        url = f"/gestion/suivi/pieces/{request_.pk}/{suffix}"
        for user in (submitted.holder, member, someone("resident")):
            assert client_of(user).get(url).status_code == 404
            assert client_of(user).post(url).status_code == 404
        request_.refresh_from_db()
        assert request_.status == Status.OPEN

    def test_the_outstanding_page_lists_late_requests_first(self, edition, submitted, staff):
        def ask(due_on, requested_at):
            with time_machine.travel(requested_at, tick=False):
                return services.document_request_create(
                    dossier=submitted,
                    by=staff,
                    items=[(DocumentKind.INSURANCE, "")],
                    due_on=due_on,
                )

        soon = ask(date(2025, 7, 25), LABELLING)
        late = ask(date(2025, 7, 15), paris(2025, 7, 1, 9))
        closed = ask(date(2025, 7, 30), LABELLING)
        services.document_request_close(request=closed, by=staff)
        response = client_of(staff).get("/gestion/suivi/pieces/")
        assert response.status_code == 200
        body = response.content.decode()
        assert body.index(f"/gestion/suivi/pieces/{late.pk}/") < body.index(
            f"/gestion/suivi/pieces/{soon.pk}/"
        )
        assert f"/gestion/suivi/pieces/{closed.pk}/" not in body
        assert "en retard" in body and "1 demande en retard." in body
        assert "Attestation d&#x27;assurance" in body
        assert_accessible(body)
        closed_only = client_of(staff).get("/gestion/suivi/pieces/?statut=closed").content.decode()
        assert f"/gestion/suivi/pieces/{closed.pk}/" in closed_only
        assert f"/gestion/suivi/pieces/{late.pk}/" not in closed_only
        EditionFactory(year=2031)
        other_year = client_of(staff).get("/gestion/suivi/pieces/?edition=2031").content.decode()
        assert f"/gestion/suivi/pieces/{late.pk}/" not in other_year

    def test_the_outstanding_page_lists_overdue_final_reports(self, staff):
        award = laureate(EditionFactory(year=2024))
        agreement = FundingAgreement.objects.create(
            award=award,
            reference="CONV-2024-001",
            status=FundingAgreement.Status.SIGNED,
            amount=award.amount,
            beneficiary_name="Les Ateliers du Ternois",
            report_due_on=date(2025, 6, 30),
        )
        on_time = laureate(award.snapshot.edition)
        FundingAgreement.objects.create(
            award=on_time,
            reference="CONV-2024-002",
            status=FundingAgreement.Status.SIGNED,
            amount=on_time.amount,
            beneficiary_name="Autre",
            report_due_on=date(2025, 9, 30),
        )
        body = client_of(staff).get("/gestion/suivi/pieces/").content.decode()
        assert "CONV-2024-001" in body and "CONV-2024-002" not in body
        assert "non commencé" in body
        FinalReport.objects.create(award=award, status=FinalReport.Status.ACCEPTED)
        body = client_of(staff).get("/gestion/suivi/pieces/").content.decode()
        assert "CONV-2024-001" not in body
        assert agreement.pk

    @pytest.mark.parametrize("persona", ["resident", "committee", "organiser", "agent"])
    def test_the_outstanding_page_is_staffs_only(self, persona):
        assert client_of(someone(persona)).get("/gestion/suivi/pieces/").status_code == 404
        assert Client().get("/gestion/suivi/pieces/").status_code == 404

    def test_a_hostile_filter_is_ignored(self, staff):
        response = client_of(staff).get("/gestion/suivi/pieces/?edition=99999999999&statut=<b>")
        assert response.status_code == 200


class TestQueries:
    def test_the_outstanding_page_does_not_grow_with_the_requests(self, edition, submitted, staff):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def page_queries() -> int:
            client = client_of(staff)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/gestion/suivi/pieces/").status_code == 200
            return len(queries)

        def ask_many(count: int) -> None:
            for _ in range(count):
                services.document_request_create(
                    dossier=submitted,
                    by=staff,
                    items=[(DocumentKind.RIB, ""), (DocumentKind.QUOTE, "")],
                    due_on=date(2025, 8, 1),
                )

        ask_many(3)
        page_queries()  # the first request fills per-process caches (content types, session)
        few = page_queries()
        ask_many(12)
        assert page_queries() == few
