"""Another collectivité by configuration only: its names reach the pages, forms and rules."""

from __future__ import annotations

from typing import cast

import pytest
import time_machine
from django import forms
from django.test import Client
from django.utils import translation

from budgetcitoyen.core import organisation
from budgetcitoyen.dossiers.forms import ProjectForm
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.territories.models import Commune, PostalCode
from budgetcitoyen.testing.factories import CategoryFactory, EditionFactory, paris, verified_person

pytestmark = pytest.mark.django_db

LYON = {
    "BUDGETCITOYEN_ORGANISATION": "Métropole de Lyon",
    "BUDGETCITOYEN_ORGANISATION_SHORT": "la Métropole",
    "BUDGETCITOYEN_ORGANISATION_OF": "de la Métropole",
    "BUDGETCITOYEN_ORGANISATION_EN": "the Métropole",
    "BUDGETCITOYEN_ORGANISATION_ADDRESS": "20 rue du Lac, 69003 Lyon",
    "BUDGETCITOYEN_PUBLICATION_DIRECTOR": "le président de la Métropole",
    "BUDGETCITOYEN_PUBLICATION_DIRECTOR_EN": "the President of the Métropole",
    "BUDGETCITOYEN_AREA": "la Métropole de Lyon",
    "BUDGETCITOYEN_AREA_OF": "de la Métropole de Lyon",
    "BUDGETCITOYEN_AREA_IN": "dans la Métropole de Lyon",
    "BUDGETCITOYEN_AREA_EN": "the Lyon Metropolis",
    "BUDGETCITOYEN_CONTACT_EMAIL": "budget@grandlyon.example",
    "BUDGETCITOYEN_DPO_EMAIL": "dpo@grandlyon.example",
    "BUDGETCITOYEN_MINIMUM_VOTER_AGE": 16,
}


@pytest.fixture
def lyon(settings):
    for name, value in LYON.items():
        setattr(settings, name, value)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode().replace("\u202f", " ").replace("\u00a0", " ")


def published_edition() -> Edition:
    edition = cast(Edition, EditionFactory(year=2025))
    CategoryFactory(edition=edition, name="Innovation sociale", priority=1)
    return edition


def test_the_defaults_describe_the_pas_de_calais():
    assert organisation.names() == {
        "organisation": "Département du Pas-de-Calais",
        "organisation_short": "le Département",
        "organisation_of": "du Département",
        "area": "le Pas-de-Calais",
        "area_of": "du Pas-de-Calais",
        "area_in": "dans le Pas-de-Calais",
    }
    assert organisation.default_minimum_voter_age() == 11


def test_english_takes_one_form_of_each_name(lyon):
    with translation.override("en"):
        names = organisation.names()
    assert names["area_of"] == "the Lyon Metropolis"
    assert names["area_in"] == "in the Lyon Metropolis"
    assert names["organisation_short"] == "the Métropole"


def test_the_home_page_names_the_configured_collectivite(lyon):
    published_edition()
    body = text(Client().get("/"))
    assert "Les habitants de la Métropole de Lyon proposent" in body
    assert "ceux que la Métropole finance" in body
    assert "Pas-de-Calais" not in body and "Département" not in body


def test_how_it_works_and_the_legal_pages_name_it(lyon):
    published_edition()
    body = text(Client().get("/comment-ca-marche/"))
    assert "aux habitants de la Métropole de Lyon" in body
    assert "Toute personne habitant la Métropole de Lyon" in body
    legal = text(Client().get("/mentions-legales/"))
    assert "20 rue du Lac, 69003 Lyon" in legal and "Le président de la Métropole." in legal
    privacy = text(Client().get("/donnees-personnelles/"))
    assert "Métropole de Lyon, représenté par le président de la Métropole" in privacy
    assert "dpo@grandlyon.example" in privacy
    assert "Pas-de-Calais" not in legal + privacy and "Arras" not in legal + privacy


def test_the_english_home_page_names_it_in_english(lyon):
    published_edition()
    body = text(Client().get("/", headers={"accept-language": "en"}))
    assert "Residents of the Lyon Metropolis propose" in body
    assert "which ones the Métropole funds" in body


def test_the_vote_pages_and_the_sworn_statement_name_it(lyon):
    edition = published_edition()
    voter = verified_person(email="votante@exemple.fr")
    client = Client()
    client.force_login(voter)
    with time_machine.travel(paris(2025, 9, 15, 12), tick=False):
        home = text(client.get("/voter/"))
        identity = text(client.get("/voter/identite/"))
        refused = client.post(
            "/voter/identite/",
            {
                "last_name": "Dupont",
                "first_name": "Camille",
                "other_first_names": "",
                "birth_date": "14/07/1990",
                "commune": "Lyon",
                "postal_code": "69001",
                "sworn": "on",
            },
        )
    assert "qui réside dans la Métropole de Lyon et qui a au moins" in home
    assert "qui résident dans la Métropole de Lyon et ont au moins" in identity
    assert "que je réside dans la Métropole de Lyon et que je ne vote qu" in identity
    assert "les communes de la Métropole de Lyon" in identity
    assert refused.status_code == 400
    assert "réservé aux habitants de la Métropole de Lyon" in text(refused)
    assert "Pas-de-Calais" not in home + identity + text(refused)
    assert edition.minimum_voter_age == 16 and "au moins 16 ans" in home


def test_the_dossier_form_names_it(lyon):
    with pytest.raises(forms.ValidationError) as caught:
        ProjectForm.base_fields["communes"].clean("Villeurbanne")
    assert caught.value.messages == [
        "« Villeurbanne » : commune inconnue dans la Métropole de Lyon."
    ]


def test_a_new_edition_takes_the_configured_minimum_age_and_keeps_its_own(settings):
    before = EditionFactory(year=2025)
    settings.BUDGETCITOYEN_MINIMUM_VOTER_AGE = 16
    assert EditionFactory(year=2026).minimum_voter_age == 16
    before.refresh_from_db()
    assert before.minimum_voter_age == 11


def test_a_namesake_is_explained_with_a_postal_code_of_its_own():
    arras = Commune.objects.get(insee_code="62041")
    namesake = Commune.objects.create(
        insee_code="34998", name="Arras", population=1, territory=arras.territory, epci=arras.epci
    )
    PostalCode.objects.create(code="34999", commune=namesake)
    with pytest.raises(forms.ValidationError) as caught:
        ProjectForm.base_fields["communes"].clean("Arras")
    (message,) = caught.value.messages
    assert "désigne plusieurs communes" in message
    assert "« Arras (62000) »" in message or "« Arras (34999) »" in message
