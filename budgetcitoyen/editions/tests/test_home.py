"""The home page's hero: the action of the moment in each phase, and between two editions."""

from __future__ import annotations

from html import unescape

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.factories import ComptoirFactory, EditionFactory, paris

pytestmark = pytest.mark.django_db


def hero_of(at):  # type: ignore[no-untyped-def]
    with time_machine.travel(at, tick=False):
        response = Client().get("/")
    assert response.status_code == 200
    assert_accessible(response.content)
    hero = BeautifulSoup(response.content.decode(), "html.parser").find("section", class_="hero")
    links = [(a.get_text(strip=True), a["href"]) for a in hero.find_all("a")]
    return unescape(hero.get_text(" ", strip=True)).replace("\u202f", " "), links


@pytest.fixture
def edition():
    edition = EditionFactory(year=2025)
    ComptoirFactory(edition=edition, starts_at=paris(2025, 2, 5, 9, 30))
    return edition


@pytest.mark.parametrize(
    ("at", "link", "words"),
    [
        (
            paris(2025, 1, 2, 10),
            ("S'inscrire à un comptoir", "/comptoirs/"),
            "ouvrent le lundi 6 janvier 2025",
        ),
        (
            paris(2025, 1, 20, 10),
            ("S'inscrire à un comptoir", "/comptoirs/"),
            "jusqu'au mercredi 12 mars 2025 inclus",
        ),
        (
            paris(2025, 2, 15, 10),
            ("Déposer un dossier", "/mes-dossiers/"),
            "jusqu'au mardi 4 mars 2025 inclus",
        ),
        (
            paris(2025, 7, 15, 10),
            ("Comprendre chaque étape", "/comment-ca-marche/"),
            "ouvre le lundi 1er septembre 2025",
        ),
        (
            paris(2025, 9, 15, 10),
            ("Voter", "/voter/"),
            "vote ouvert jusqu'au mardi 30 septembre 2025 inclus",
        ),
        (
            paris(2025, 10, 15, 10),
            ("Découvrir les projets", "/projets/"),
            "Résultats le jeudi 20 novembre 2025, 18 h",
        ),
    ],
)
def test_each_phase_has_its_call_to_action(edition, at, link, words):
    text, links = hero_of(at)
    assert links[0] == link
    assert words in text


def test_the_deposit_also_offers_the_comptoirs_while_they_run(edition):
    _text, links = hero_of(paris(2025, 2, 15, 10))
    assert ("S'inscrire à un comptoir", "/comptoirs/") in links


def test_after_the_results_with_no_next_edition_it_says_so_and_how_to_hear_of_it(edition):
    text, links = hero_of(paris(2026, 12, 1, 10))
    assert "Étape en cours : Résultats" not in text
    assert "Édition 2025 terminée" in text
    assert "La prochaine édition n'est pas encore annoncée" in text
    assert links[0] == ("Voir les résultats", "/resultats/2025/")
    assert ("Être prévenu de la prochaine édition", "/comptoirs/agenda.ics") in links


def test_when_the_next_edition_is_published_it_gives_its_first_date(edition):
    EditionFactory(year=2026)
    text, links = hero_of(paris(2025, 12, 1, 10))
    assert "Budget citoyen 2026" in text
    assert "ouvrent le mardi 6 janvier 2026" in text
    assert ("Voir les résultats de l'édition 2025", "/resultats/2025/") in links
