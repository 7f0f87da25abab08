"""Every comptoirs page, for every role: anonymous, residents, organisers, committee, staff."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from html import unescape

import pytest
import time_machine
from django.core import mail
from django.test import Client

from budgetcitoyen.accounts.roles import Role, role_grant
from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.services import registration_create
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    ComptoirFactory,
    EditionFactory,
    UserFactory,
    idea,
    paris,
    verified_person,
)

pytestmark = pytest.mark.django_db
START = paris(2025, 2, 5, 9, 30)


@pytest.fixture
def world():
    """An edition, two comptoirs with their organisers, a registered resident."""
    edition = EditionFactory(year=2025)
    comptoir = ComptoirFactory(
        edition=edition, capacity=2, starts_at=START, host_name="La Bulle des champs"
    )
    other = ComptoirFactory(
        edition=edition, starts_at=paris(2025, 2, 20, 9, 30), host_name="Le Germoir"
    )
    people = {
        "anonymous": None,
        "resident": verified_person(email="resident@exemple.fr", first_name="Rémi"),
        "other_resident": verified_person(email="autre@exemple.fr"),
        "organiser": make_persona("organiser"),
        "other_organiser": UserFactory(email="autre-orga@exemple.fr"),
        "committee": make_persona("committee"),
        "staff": make_persona("staff"),
    }
    role_grant(user=people["other_organiser"], role=Role.ORGANISER, by=None)
    comptoir.organisers.add(people["organiser"])
    other.organisers.add(people["other_organiser"])
    with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
        registration = registration_create(comptoir=comptoir, person=people["resident"], **idea())
    return {
        "edition": edition,
        "comptoir": comptoir,
        "other": other,
        "people": people,
        "registration": registration,
    }


def client_as(world, who):
    client = Client()
    if world["people"][who] is not None:
        client.force_login(world["people"][who])
    return client


ROLES = [
    "anonymous",
    "resident",
    "other_resident",
    "organiser",
    "other_organiser",
    "committee",
    "staff",
]


@pytest.fixture(autouse=True)
def during_comptoirs():
    with time_machine.travel(paris(2025, 1, 25, 10), tick=False):
        yield


class TestPublicPages:
    @pytest.mark.parametrize("who", ROLES)
    def test_everyone_sees_the_agenda_and_details(self, world, who):
        client = client_as(world, who)
        for path in ["/comptoirs/", f"/comptoirs/{world['comptoir'].pk}/"]:
            response = client.get(path)
            assert response.status_code == 200
            assert_accessible(response.content)

    def test_the_agenda_groups_by_territory_and_says_places_left(self, world):
        html = Client().get("/comptoirs/").content.decode()
        assert "<h2>Arrageois</h2>" in html
        # The time never breaks over two lines ("9 h" then "30").
        assert 'Mercredi 5 février 2025, <span class="nowrap">9 h 30</span>' in html
        assert "1 place restante" in html

    def test_a_full_comptoir_says_waiting_list(self, world):
        with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
            registration_create(comptoir=world["comptoir"], person=verified_person(), **idea())
        html = Client().get("/comptoirs/").content.decode()
        assert "Complet — liste d'attente" in html

    def test_past_comptoirs_are_shown_as_past(self, world):
        with time_machine.travel(paris(2025, 2, 10, 10), tick=False):
            html = Client().get("/comptoirs/?tri=date").content.decode()
        assert "Passé" in html
        assert html.index("La Bulle des champs") < html.index("Le Germoir")

    def test_the_territory_filter(self, world):
        from budgetcitoyen.territories.models import Commune

        world["other"].commune = Commune.objects.get(insee_code="62193")  # Calais
        world["other"].territory = world["other"].commune.territory
        world["other"].save()
        html = Client().get("/comptoirs/?territoire=calaisis").content.decode()
        assert "Le Germoir" in html and "La Bulle des champs" not in html

    def test_the_agenda_query_count_does_not_grow(self, world, django_assert_max_num_queries):
        for _ in range(10):
            ComptoirFactory(edition=world["edition"])
        with django_assert_max_num_queries(8):
            Client().get("/comptoirs/")

    def test_the_detail_shows_the_programme_of_seed_002(self, world):
        html = Client().get(f"/comptoirs/{world['comptoir'].pk}/").content.decode()
        for step in ["1. Découvrir", "2. Concrétiser", "3. Aftercomptoir"]:
            assert step in html

    def test_ics_files(self, world):
        response = Client().get(f"/comptoirs/{world['comptoir'].pk}/comptoir.ics")
        assert response["Content-Type"].startswith("text/calendar")
        body = response.content.decode()
        assert "DTSTART:20250205T083000Z" in body
        assert "SUMMARY:Comptoir à initiatives citoyennes — La Bulle des champs" in body
        feed = Client().get("/comptoirs/agenda.ics").content.decode()
        assert feed.count("BEGIN:VEVENT") == 2

    def test_an_unpublished_editions_comptoir_is_not_found(self, world):
        world["edition"].is_published = False
        world["edition"].save()
        assert Client().get(f"/comptoirs/{world['comptoir'].pk}/").status_code == 404


class TestRegistering:
    def test_anonymous_is_asked_to_sign_in(self, world):
        response = Client().get(f"/comptoirs/{world['other'].pk}/inscription/")
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/login/")

    def test_a_resident_registers(self, world, django_capture_on_commit_callbacks):
        client = client_as(world, "other_resident")
        response = client.get(f"/comptoirs/{world['comptoir'].pk}/inscription/")
        assert response.status_code == 200
        assert_accessible(response.content)
        data = {
            "idea_title": "Un repair café",
            "idea_summary": "Réparer ensemble.",
            "idea_territory": world["comptoir"].territory.pk,
            "structure_kind": "collective",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/comptoirs/{world['comptoir'].pk}/inscription/", data, follow=True
            )
        assert "Votre place est confirmée" in response.content.decode()
        assert Registration.objects.filter(
            person=world["people"]["other_resident"], status="confirmed"
        ).exists()
        assert len(mail.outbox) == 1

    def test_errors_keep_what_was_typed(self, world):
        client = client_as(world, "other_resident")
        response = client.post(
            f"/comptoirs/{world['comptoir'].pk}/inscription/",
            {"idea_title": "Mon idée gardée", "idea_summary": "", "structure_kind": "none"},
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert 'value="Mon idée gardée"' in html
        assert "Ce champ est obligatoire." in html
        assert_accessible(html)

    def test_a_refusal_is_a_4xx_with_a_french_message(self, world):
        client = client_as(world, "other_resident")
        data = {
            "idea_title": "Idée",
            "idea_summary": "Texte",
            "idea_territory": world["other"].territory.pk,
            "structure_kind": "none",
        }
        client.post(f"/comptoirs/{world['other'].pk}/inscription/", data)
        response = client.post(f"/comptoirs/{world['comptoir'].pk}/inscription/", data)
        assert response.status_code == 409
        assert "déjà une place confirmée" in response.content.decode()

    def test_an_unverified_email_is_told_why(self, world):
        client = Client()
        client.force_login(UserFactory())
        response = client.get(f"/comptoirs/{world['comptoir'].pk}/inscription/")
        assert "Confirmez d'abord votre adresse électronique" in unescape(response.content.decode())

    def test_my_registrations_show_the_waiting_position_and_cancel(self, world):
        waiting = verified_person()
        with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
            registration_create(comptoir=world["comptoir"], person=verified_person(), **idea())
            registration = registration_create(comptoir=world["comptoir"], person=waiting, **idea())
        client = Client()
        client.force_login(waiting)
        html = client.get("/mes-inscriptions/").content.decode()
        assert "En liste d'attente, position 1" in html
        assert_accessible(html)
        assert client.get(f"/mes-inscriptions/{registration.pk}/annuler/").status_code == 200
        response = client.post(f"/mes-inscriptions/{registration.pk}/annuler/", follow=True)
        assert "Votre inscription est annulée." in response.content.decode()

    def test_nobody_cancels_someone_elses_registration(self, world):
        client = client_as(world, "other_resident")
        assert (
            client.post(f"/mes-inscriptions/{world['registration'].pk}/annuler/").status_code == 404
        )


class TestOrganiserSpace:
    @pytest.mark.parametrize(
        ("who", "status"),
        [
            ("resident", 403),
            ("other_resident", 403),
            ("committee", 403),
            ("other_organiser", 403),
            ("organiser", 200),
            ("staff", 200),
        ],
    )
    def test_the_sheet_is_for_this_comptoirs_organisers_and_staff(self, world, who, status):
        client = client_as(world, who)
        for path in [
            f"/organisation/comptoirs/{world['comptoir'].pk}/",
            f"/organisation/comptoirs/{world['comptoir'].pk}/inscrits.csv",
        ]:
            assert client.get(path).status_code == status

    def test_anonymous_is_asked_to_sign_in(self, world):
        response = Client().get(f"/organisation/comptoirs/{world['comptoir'].pk}/")
        assert response.status_code == 302

    @pytest.mark.parametrize(
        ("who", "status"),
        [("resident", 403), ("committee", 403), ("organiser", 200), ("staff", 200)],
    )
    def test_the_organiser_home(self, world, who, status):
        response = client_as(world, who).get("/organisation/comptoirs/")
        assert response.status_code == status
        if status == 200:
            assert_accessible(response.content)

    def test_an_organiser_sees_only_their_comptoirs(self, world):
        html = client_as(world, "organiser").get("/organisation/comptoirs/").content.decode()
        assert "La Bulle des champs" in html and "Le Germoir" not in html
        staff_html = client_as(world, "staff").get("/organisation/comptoirs/").content.decode()
        assert "La Bulle des champs" in staff_html and "Le Germoir" in staff_html

    def test_the_sheet_lists_ideas_and_takes_attendance(self, world):
        client = client_as(world, "organiser")
        url = f"/organisation/comptoirs/{world['comptoir'].pk}/"
        with time_machine.travel(START + timedelta(minutes=15), tick=False):
            html = client.get(url).content.decode()
            assert "Une recyclerie solidaire" in html
            assert_accessible(html)
            response = client.post(
                f"{url}presence/{world['registration'].pk}/", {"attendance": "present"}
            )
        assert response.status_code == 302
        world["registration"].refresh_from_db()
        assert world["registration"].attendance == "present"

    def test_another_organiser_cannot_take_attendance(self, world):
        client = client_as(world, "other_organiser")
        url = f"/organisation/comptoirs/{world['comptoir'].pk}/presence/{world['registration'].pk}/"
        with time_machine.travel(START + timedelta(minutes=15), tick=False):
            assert client.post(url, {"attendance": "present"}).status_code == 403

    def test_the_csv_export(self, world):
        response = client_as(world, "organiser").get(
            f"/organisation/comptoirs/{world['comptoir'].pk}/inscrits.csv"
        )
        body = response.content.decode("utf-8-sig")
        assert body.splitlines()[0].startswith("Ordre d'arrivée;Statut")
        assert "resident@exemple.fr" in body and "Une recyclerie solidaire" in body

    def test_the_csv_export_writes_a_formula_as_text(self, world):
        registration = world["registration"]
        registration.idea_title = "=1+1"
        registration.accessibility_needs = "@SUM(A1)"
        registration.save()
        response = client_as(world, "organiser").get(
            f"/organisation/comptoirs/{world['comptoir'].pk}/inscrits.csv"
        )
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[1][rows[0].index("Titre de l'idée")] == "'=1+1"
        assert rows[1][rows[0].index("Accessibilité")] == "'@SUM(A1)"

    def test_walk_in_on_the_spot(self, world):
        client = client_as(world, "organiser")
        url = f"/organisation/comptoirs/{world['comptoir'].pk}/sur-place/"
        data = {
            "email": "sur.place@exemple.fr",
            "first_name": "Léo",
            "last_name": "Petit",
            "idea_title": "Idée",
            "idea_summary": "Texte",
            "idea_territory": world["comptoir"].territory.pk,
            "structure_kind": "none",
        }
        with time_machine.travel(START + timedelta(minutes=15), tick=False):
            assert client.get(url).status_code == 200
            response = client.post(url, data)
        assert response.status_code == 302
        assert (
            Registration.objects.get(person__email="sur.place@exemple.fr").attendance == "present"
        )

    @pytest.mark.parametrize(
        ("who", "status"), [("organiser", 403), ("other_organiser", 403), ("staff", 200)]
    )
    def test_only_staff_cancel_a_comptoir(self, world, who, status):
        assert (
            client_as(world, who)
            .get(f"/organisation/comptoirs/{world['comptoir'].pk}/annuler/")
            .status_code
            == status
        )

    def test_staff_cancel_a_comptoir_with_a_reason(self, world, django_capture_on_commit_callbacks):
        client = client_as(world, "staff")
        url = f"/organisation/comptoirs/{world['comptoir'].pk}/annuler/"
        assert client.post(url, {"reason": ""}).status_code == 400
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"reason": "Salle inondée"})
        assert response.status_code == 302
        world["comptoir"].refresh_from_db()
        assert world["comptoir"].is_cancelled
        assert mail.outbox[-1].to == ["resident@exemple.fr"]


class TestAccounts:
    @pytest.mark.parametrize(
        "path", ["/compte/login/", "/compte/signup/", "/compte/password/reset/"]
    )
    def test_account_pages_are_french_and_accessible(self, path):
        response = Client().get(path)
        assert response.status_code == 200
        assert_accessible(response.content)
        assert "Budget citoyen" in response.content.decode()

    def test_sign_up_sends_a_verification_email_in_french(self):
        response = Client().post(
            "/compte/signup/",
            {
                "first_name": "Noé",
                "last_name": "Lefebvre",
                "email": "nouveau@exemple.fr",
                "password1": "un-mot-de-passe-solide",
                "password2": "un-mot-de-passe-solide",
            },
        )
        assert response.status_code == 302
        assert mail.outbox[-1].to == ["nouveau@exemple.fr"]
        assert mail.outbox[-1].subject == (
            "[Budget citoyen] Confirmez votre adresse pour activer votre compte"
        )

    def test_failed_logins_are_limited(self):
        verified_person(email="cible@exemple.fr")
        client = Client()
        for _ in range(5):
            client.post("/compte/login/", {"login": "cible@exemple.fr", "password": "mauvais"})
        response = client.post(
            "/compte/login/", {"login": "cible@exemple.fr", "password": "mot-de-passe-solide"}
        )
        assert "Trop de tentatives" in response.content.decode()

    def test_the_profile_holds_phone_and_commune(self, world):
        client = client_as(world, "resident")
        from budgetcitoyen.territories.models import Commune

        arras = Commune.objects.get(insee_code="62041")
        assert_accessible(client.get("/compte/profil/").content)
        bad = client.post(
            "/compte/profil/",
            {"first_name": "Rémi", "last_name": "Roux", "phone": "12", "commune": arras.pk},
        )
        assert bad.status_code == 400
        assert "10 chiffres" in bad.content.decode()
        client.post(
            "/compte/profil/",
            {
                "first_name": "Rémi",
                "last_name": "Roux",
                "phone": "+33 3 21 21 62 62",
                "commune": arras.pk,
            },
        )
        person = world["people"]["resident"]
        person.refresh_from_db()
        assert (person.phone, person.commune) == ("+33321216262", arras)
        assert 'value="03 21 21 62 62"' in client.get("/compte/profil/").content.decode()


@pytest.mark.django_db
def test_an_empty_registration_form_is_refused_with_its_errors(client):
    from budgetcitoyen.testing.factories import ComptoirFactory, EditionFactory, verified_person

    with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
        comptoir = ComptoirFactory(edition=EditionFactory(year=2025))
        client.force_login(verified_person())
        response = client.post(f"/comptoirs/{comptoir.pk}/inscription/", {})
        assert response.status_code == 400
        assert "Ce champ est obligatoire" in response.content.decode()


def _main(html: str) -> str:
    return unescape(html[html.index("<main") : html.index("</main>")])


class TestTheVerdictBeforeTheForm:
    """The comptoir page says, before any form, whether the person may register and why not."""

    IDEA = {
        "idea_title": "Idée",
        "idea_summary": "Texte",
        "structure_kind": "none",
    }

    def _fill(self, comptoir):
        while comptoir.registrations.filter(status="confirmed").count() < comptoir.capacity:
            with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
                registration_create(comptoir=comptoir, person=verified_person(), **idea())

    def test_someone_with_a_place_elsewhere_is_not_offered_the_waiting_list(self, world):
        self._fill(world["comptoir"])  # full: a newcomer would get the waiting list
        client = Client()
        elsewhere = verified_person()
        with time_machine.travel(paris(2025, 1, 20, 10), tick=False):
            registration_create(comptoir=world["other"], person=elsewhere, **idea())
        client.force_login(elsewhere)
        html = _main(client.get(f"/comptoirs/{world['comptoir'].pk}/").content.decode())
        assert "liste d'attente" not in html.split("Programme")[0].replace(
            "Complet — liste d'attente", ""
        )
        reason = "Vous avez déjà une place confirmée au comptoir « Le Germoir"
        assert html.count(reason) == 1
        assert html.index(reason) < html.index("Programme")
        # The registration page says it once, above where the form would be, and shows no form.
        page = client.get(f"/comptoirs/{world['comptoir'].pk}/inscription/")
        html = _main(page.content.decode())
        assert html.count(reason) == 1 and "<form" not in html
        data = {**self.IDEA, "idea_territory": world["comptoir"].territory.pk}
        response = client.post(f"/comptoirs/{world['comptoir'].pk}/inscription/", data)
        assert response.status_code == 409
        html = _main(response.content.decode())
        assert html.count(reason) == 1 and "<form" not in html
        assert_accessible(response.content)

    def test_a_newcomer_to_a_full_comptoir_is_offered_the_waiting_list(self, world):
        self._fill(world["comptoir"])
        client = client_as(world, "other_resident")
        html = _main(client.get(f"/comptoirs/{world['comptoir'].pk}/").content.decode())
        assert "Je m'inscris sur la liste d'attente" in html
        html = _main(client.get(f"/comptoirs/{world['comptoir'].pk}/inscription/").content.decode())
        assert "Je m'inscris sur la liste d'attente du comptoir" in html
        assert "<form" in html

    def test_the_holder_of_a_place_here_is_told_so(self, world):
        html = _main(
            client_as(world, "resident").get(f"/comptoirs/{world['comptoir'].pk}/").content.decode()
        )
        assert html.count("Vous avez déjà une place confirmée à ce comptoir.") == 1
        assert "Je m'inscris" not in html

    def test_registrations_closed_says_why(self, world):
        # Inside the 24 h before the comptoir: registrations are closed, the page says so once.
        with time_machine.travel(paris(2025, 2, 4, 12), tick=False):
            html = _main(
                client_as(world, "other_resident")
                .get(f"/comptoirs/{world['comptoir'].pk}/")
                .content.decode()
            )
        assert html.count("Les inscriptions à ce comptoir sont closes") == 1
        assert "Je m'inscris" not in html

    def test_no_calendar_file_offered_for_a_past_comptoir(self, world):
        path = f"/comptoirs/{world['comptoir'].pk}/"
        assert "comptoir.ics" in Client().get(path).content.decode()
        with time_machine.travel(paris(2025, 2, 10, 10), tick=False):
            html = _main(Client().get(path).content.decode())
        assert "comptoir.ics" not in html
        assert "Ce comptoir a eu lieu." in html


class TestCancellingAnAttendedPlace:
    def test_it_is_refused_with_a_french_409_and_not_offered(self, world):
        registration = world["registration"]
        # Noted present (the comptoir started), then looked at again on a later day.
        Registration.objects.filter(pk=registration.pk).update(attendance="present")
        client = client_as(world, "resident")
        html = client.get("/mes-inscriptions/").content.decode()
        assert f"/mes-inscriptions/{registration.pk}/annuler/" not in html
        response = client.post(f"/mes-inscriptions/{registration.pk}/annuler/")
        assert response.status_code == 409
        assert "Votre présence à ce comptoir est déjà notée" in unescape(response.content.decode())
        registration.refresh_from_db()
        assert registration.status == "confirmed" and registration.attendance == "present"
        page = client.get(f"/mes-inscriptions/{registration.pk}/annuler/")
        assert "Oui, confirmer l'annulation" not in page.content.decode()


class TestWording:
    def test_the_sheet_counts_in_words_without_brackets(self, world):
        html = client_as(world, "organiser").get(f"/organisation/comptoirs/{world['comptoir'].pk}/")
        body = unescape(html.content.decode())
        assert "(s)" not in body
        assert "1 place confirmée sur 2, personne en liste d'attente." in body

    def test_a_comptoirs_name_after_a_preposition_is_quoted(self, world):
        from budgetcitoyen.dossiers.forms import IdeaChoiceField

        label = IdeaChoiceField(queryset=Registration.objects.all()).label_from_instance(
            world["registration"]
        )
        assert (
            label == "« Une recyclerie solidaire », présentée au comptoir « La Bulle des champs »"
        )
