"""The committee workspace and the public project page: who sees what, and what never leaks."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.dossiers import services as dossier_services
from budgetcitoyen.labelling import services
from budgetcitoyen.labelling.models import Decision, Review
from budgetcitoyen.labelling.tests.conftest import submit
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import confirm_password, make_persona
from budgetcitoyen.testing.factories import paris, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_labelling")]
SECRET_COMMENT = "Commentaire interne très confidentiel"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewed(dossier, staff, member):
    services.assignment_add(dossier=dossier, member=member, by=staff)
    services.review_save(
        dossier=dossier,
        member=member,
        opinion="favourable",
        proposed_category=None,
        scores={str(c.pk): 2 for c in services.criteria_for(dossier.edition)},
        comment=SECRET_COMMENT,
    )
    return dossier


class TestWorkspace:
    def test_a_member_sees_only_the_dossiers_assigned_to_them(self, edition, reviewed, member):
        other = submit(edition, title="Un autre projet")
        page = signed_in(member).get("/comite/")
        body = page.content.decode()
        assert reviewed.reference in body and other.reference not in body
        assert "Vous avez donné votre avis" in body
        assert_accessible(page.content)
        assert signed_in(member).get(f"/comite/dossiers/{other.pk}/").status_code == 404

    def test_staff_see_every_dossier_and_every_opinion(self, edition, reviewed, staff):
        submit(edition, title="Un autre projet")
        body = signed_in(staff).get("/comite/").content.decode()
        assert "Un autre projet" in body
        page = signed_in(staff).get(f"/comite/dossiers/{reviewed.pk}/")
        assert SECRET_COMMENT in page.content.decode()
        assert_accessible(page.content)

    def test_the_holder_is_named_on_the_committee_page(self, reviewed, member, staff):
        holder = reviewed.holder
        holder.first_name, holder.last_name = "Inès", "Moreau"
        holder.save()
        body = signed_in(member).get(f"/comite/dossiers/{reviewed.pk}/").content.decode()
        assert "<dt>Porteur</dt><dd>Inès Moreau</dd>" in body
        body = signed_in(staff).get(f"/comite/dossiers/{reviewed.pk}/").content.decode()
        assert f"<dt>Rapporteurs</dt><dd>{member.display_name} — " in body
        # An account older than the name at sign-up: its email, never a blank.
        holder.first_name = holder.last_name = ""
        holder.save()
        body = signed_in(member).get(f"/comite/dossiers/{reviewed.pk}/").content.decode()
        assert f"<dt>Porteur</dt><dd>{holder.email}</dd>" in body

    @pytest.mark.parametrize("persona", ["anonymous", "resident", "organiser", "agent"])
    def test_everyone_else_gets_404(self, reviewed, persona):
        client = Client()
        user = make_persona(persona)
        if user is not None:
            client.force_login(user)
        for url in (
            "/comite/",
            f"/comite/dossiers/{reviewed.pk}/",
            f"/comite/dossiers/{reviewed.pk}/decision/",
            "/comite/affectations/",
            "/comite/chiffres/",
            "/comite/decisions.csv",
            "/comite/decisions.xlsx",
        ):
            assert client.get(url).status_code == 404, url

    def test_a_member_gives_an_opinion_through_the_page(self, dossier, staff, member):
        services.assignment_add(dossier=dossier, member=member, by=staff)
        client = signed_in(member)
        page = client.get(f"/comite/dossiers/{dossier.pk}/")
        assert "Les avis des autres membres s'affichent" in page.content.decode()
        assert_accessible(page.content)
        grid = services.criteria_for(dossier.edition)
        data = {
            "opinion": "reserved",
            "comment": "À revoir",
            **{f"score_{c.pk}": "1" for c in grid},
        }
        bad = client.post(f"/comite/dossiers/{dossier.pk}/", {**data, f"score_{grid[0].pk}": "9"})
        assert bad.status_code == 400
        assert client.post(f"/comite/dossiers/{dossier.pk}/", data).status_code == 302
        assert Review.objects.get().opinion == "reserved"

    def test_a_member_with_a_conflict_sees_nothing_of_the_dossier_s_reviews(
        self, reviewed, staff, other_member
    ):
        services.assignment_add(dossier=reviewed, member=other_member, by=staff)
        client = signed_in(other_member)
        assert SECRET_COMMENT not in client.get(f"/comite/dossiers/{reviewed.pk}/").content.decode()
        response = client.post(
            f"/comite/dossiers/{reviewed.pk}/conflit/", {"reason": "Cousin du porteur"}
        )
        assert response.status_code == 302
        for url in (
            f"/comite/dossiers/{reviewed.pk}/",
            f"/gestion/dossiers/{reviewed.pk}/",
            f"/dossiers/{reviewed.pk}/imprimer/",
        ):
            assert client.get(url).status_code == 404
        assert reviewed.reference not in client.get("/comite/").content.decode()


class TestDecisionPages:
    def test_staff_label_through_the_page(self, reviewed, staff):
        client = signed_in(staff)
        page = client.get(f"/comite/dossiers/{reviewed.pk}/decision/")
        assert_accessible(page.content)
        confirm_password(client)
        category = reviewed.edition.categories.get(priority=1)
        response = client.post(
            f"/comite/dossiers/{reviewed.pk}/decision/",
            {
                "outcome": "labelled",
                "category": category.pk,
                "labelled_amount": "11 000",
                "public_title": reviewed.title,
                "public_summary": reviewed.summary,
                "public_description": reviewed.description,
            },
        )
        assert response.status_code == 302
        assert Decision.objects.get().labelled_amount == Decimal("11000")

    def test_a_refusal_without_reason_keeps_the_input(self, reviewed, staff):
        client = signed_in(staff)
        confirm_password(client)
        response = client.post(
            f"/comite/dossiers/{reviewed.pk}/decision/",
            {"outcome": "not_labelled", "reason": "", "public_title": "Gardé tel quel"},
        )
        assert response.status_code == 400
        assert "Gardé tel quel" in response.content.decode()

    def test_members_cannot_decide(self, reviewed, member):
        assert signed_in(member).get(f"/comite/dossiers/{reviewed.pk}/decision/").status_code == 404


class TestAssignmentPages:
    def test_balanced_and_bulk_assignment(self, edition, dossier, staff, member, other_member):
        client = signed_in(staff)
        page = client.get("/comite/affectations/")
        assert_accessible(page.content)
        response = client.post(
            "/comite/affectations/",
            {
                "action": "balanced",
                "auto-members": [member.pk, other_member.pk],
                "auto-per_dossier": "1",
            },
        )
        assert response.status_code == 302
        assert dossier.assignments.count() == 1
        second = submit(edition)
        response = client.post(
            "/comite/affectations/",
            {
                "action": "bulk",
                "lot-dossiers": [second.pk],
                "lot-members": [member.pk, other_member.pk],
            },
        )
        assert response.status_code == 302
        assert second.assignments.count() == 2
        removed = client.post(
            "/comite/affectations/", {"action": "remove", "dossier": second.pk, "member": member.pk}
        )
        assert removed.status_code == 302 and second.assignments.count() == 1


class TestFiguresAndExports:
    def test_figures_say_how_many_were_labelled(self, edition, reviewed, staff):
        refused = submit(edition)
        services.decide(
            dossier=reviewed,
            by=staff,
            outcome="labelled",
            category=edition.categories.get(priority=1),
            labelled_amount=Decimal("9000"),
            public_title="Titre",
        )
        services.decide(dossier=refused, by=staff, outcome="not_labelled", reason="Hors champ")
        page = signed_in(staff).get("/comite/chiffres/")
        assert "Sur 2 dossiers reçus, 1 a obtenu le label." in " ".join(
            page.content.decode().split()
        ), page.content.decode()
        assert_accessible(page.content)
        response = signed_in(staff).post("/comite/informer-les-porteurs/")
        assert response.status_code == 302
        assert Decision.objects.filter(notified_at__isnull=False).count() == 2

    def test_exports_carry_decisions_and_scores(self, edition, reviewed, staff):
        services.decide(
            dossier=reviewed,
            by=staff,
            outcome="labelled",
            category=edition.categories.get(priority=1),
            labelled_amount=Decimal("9000"),
            public_title="Titre",
        )
        rows = list(
            csv.reader(
                io.StringIO(
                    signed_in(staff).get("/comite/decisions.csv").content.decode("utf-8-sig")
                ),
                delimiter=";",
            )
        )
        header, row = rows[0], rows[1]
        assert "Utilité sociale (moyenne /3)" in header
        assert row[0] == reviewed.reference
        assert row[header.index("Montant labellisé (€)")] == "9000,00"
        assert row[header.index("Utilité sociale (moyenne /3)")] == "2,00"
        assert row[header.index("Avis favorables")] == "1"
        from openpyxl import load_workbook

        sheet = load_workbook(
            io.BytesIO(signed_in(staff).get("/comite/decisions.xlsx").content)
        ).active
        assert sheet["A2"].value == reviewed.reference

    def test_exports_write_a_formula_as_text(self, edition, reviewed, staff):
        # Filed with the title (a submitted dossier cannot change: a trigger refuses it).
        submit(edition, title="=1+1")
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    signed_in(staff).get("/comite/decisions.csv").content.decode("utf-8-sig")
                ),
                delimiter=";",
            )
        )
        column = csv_rows[0].index("Titre")
        assert "'=1+1" in [row[column] for row in csv_rows[1:]]
        from openpyxl import load_workbook

        sheet = load_workbook(
            io.BytesIO(signed_in(staff).get("/comite/decisions.xlsx").content)
        ).active
        titles = [cell for cell in sheet["B"][1:] if cell.value == "'=1+1"]
        assert [cell.data_type for cell in titles] == ["s"]


class TestPublicProjectPage:
    @pytest.fixture
    def project(self, edition, staff):
        dossier = submit(edition, contact_phone="06 12 34 56 78", siret="", rna="W623001234")
        Review.objects.create(
            dossier=dossier, member=staff, opinion="favourable", comment=SECRET_COMMENT
        )
        return services.decide(
            dossier=dossier,
            by=staff,
            outcome="labelled",
            category=edition.categories.get(priority=1),
            labelled_amount=Decimal("9500"),
            public_title="Recyclerie du Ternois",
            public_summary="Réparer ensemble.",
            public_description="Trois jours par semaine.",
        )

    def test_before_the_vote_only_staff_and_the_holder_preview_it(self, project, staff):
        url = f"/projets/{project.pk}/"
        assert Client().get(url).status_code == 404
        assert signed_in(make_persona("resident")).get(url).status_code == 404
        preview = signed_in(staff).get(url)
        assert "Aperçu" in preview.content.decode()
        assert signed_in(project.dossier.holder).get(url).status_code == 200

    def test_from_the_opening_minute_everyone_reads_it(self, project):
        opening = project.edition.vote_start
        with time_machine.travel(opening - timedelta(minutes=1), tick=False):
            assert Client().get(f"/projets/{project.pk}/").status_code == 404
        with time_machine.travel(opening, tick=False):
            page = Client().get(f"/projets/{project.pk}/")
        assert page.status_code == 200
        assert_accessible(page.content)

    def test_it_shows_its_public_fields_and_leaks_nothing_else(self, project):
        dossier = project.dossier
        with time_machine.travel(project.edition.vote_start, tick=False):
            body = Client().get(f"/projets/{project.pk}/").content.decode()
        for shown in (
            "Recyclerie du Ternois",
            "Réparer ensemble.",
            "Trois jours par semaine.",
            "Innovation sociale",
            "Saint-Pol-sur-Ternoise",
            "Les Ateliers du Ternois",
            "Arrageois",
        ):
            assert shown in body, shown
        for hidden in (
            dossier.contact_email,
            dossier.holder.email,
            "06 12 34 56 78",
            "W623001234",
            "Fonds propres",
            "2 rue des Écoles",
            SECRET_COMMENT,
            "20\u202f000",
            dossier.reference,
            "Emplois d&#x27;insertion",
            "Réduire les déchets",
        ):
            assert hidden not in body, hidden

    def test_a_refused_project_has_no_page(self, edition, staff):
        dossier = submit(edition)
        decision = services.decide(dossier=dossier, by=staff, outcome="not_labelled", reason="Non")
        with time_machine.travel(edition.vote_start + timedelta(days=2), tick=False):
            assert Client().get(f"/projets/{decision.pk}/").status_code == 404

    def test_its_photo_follows_the_page_without_the_camera_s_metadata(self, edition, staff):
        from budgetcitoyen.testing import images
        from budgetcitoyen.testing.factories import attendee, complete_dossier

        registration = attendee(edition)
        with time_machine.travel(paris(2025, 2, 10), tick=False):
            draft = complete_dossier(registration)
            dossier_services.photo_set(
                dossier=draft, by=draft.holder, upload=upload("p.jpg", images.camera_jpeg())
            )
            dossier = dossier_services.dossier_submit(dossier=draft, by=draft.holder, sworn=True)
        decision = services.decide(
            dossier=dossier,
            by=staff,
            outcome="labelled",
            category=edition.categories.get(priority=1),
            labelled_amount=Decimal("5000"),
            public_title="Avec photo",
        )
        assert Client().get(f"/projets/{decision.pk}/photo/").status_code == 404
        with time_machine.travel(edition.vote_start, tick=False):
            response = Client().get(f"/projets/{decision.pk}/photo/")
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
        served = b"".join(response.streaming_content)
        for secret in (images.AUTHOR, images.SERIAL, "Exif", "http://ns.adobe.com/xap"):
            assert secret.encode() not in served, secret


class TestHolderSide:
    def test_the_holder_reads_the_decision_once_told_and_never_the_reviews(
        self, reviewed, staff, django_capture_on_commit_callbacks
    ):
        services.decide(
            dossier=reviewed, by=staff, outcome="not_labelled", reason="Motif pour le porteur"
        )
        holder = signed_in(reviewed.holder)
        before = holder.get(f"/mes-dossiers/{reviewed.pk}/").content.decode()
        assert "Motif pour le porteur" not in before
        with django_capture_on_commit_callbacks(execute=True):
            services.notify_holders(edition=reviewed.edition, by=staff)
        page = holder.get(f"/mes-dossiers/{reviewed.pk}/")
        body = page.content.decode()
        assert "Motif pour le porteur" in body and "Non labellisé" in body
        assert SECRET_COMMENT not in body and "favorable" not in body
        assert_accessible(page.content)
        for url in (f"/comite/dossiers/{reviewed.pk}/", "/comite/"):
            assert holder.get(url).status_code == 404


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from budgetcitoyen.editions import current

    current.forget()  # each count reads the current edition, as the first request does
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_list_pages_make_as_many_queries_for_ten_dossiers_as_for_one(edition, staff):
    client = signed_in(staff)
    submit(edition)
    services.criteria_for(edition)
    urls = ["/comite/", "/gestion/dossiers/", "/comite/decisions.csv", "/comite/chiffres/"]
    one = {url: count_queries(client, url) for url in urls}
    for _ in range(9):
        submit(edition)
    assert {url: count_queries(client, url) for url in urls} == one
