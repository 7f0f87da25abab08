"""The public pages of the laureates: /laureats/ and its filters, the timeline on the project
page, the Atom feed, what never shows (a payment's reference, an agreement's conditions, an
unsigned agreement, news not published), and the page cache following every change.

The world (``world`` fixture): edition 2025 (results published on 20 November 2025) with four
laureates, and edition 2024 with one:
- "Recyclerie" (Innovation sociale, Arrageois, 8,000 €): agreement signed on 2026-01-10,
  two payments (5,600 € on 2026-01-20, 1,000 € on 2026-03-01), milestones started (10 %) on
  2026-01-15 then halfway (50 %) on 2026-03-10; news published (2026-02-01), a draft, a refused
  and a submitted one.
- "Jardin" (Coopération, Artois, 5,000 €): done on 2026-06-01.
- "Atelier" (Coopération, Arrageois, 6,000 €): abandoned on 2026-04-01 ("Local perdu"); its
  agreement was only sent, with a payment recorded against it that the public must not count.
- "Café" (Innovation sociale, Audomarois, 4,000 €): nothing yet.
- "Ferme" (edition 2024, results on 20 November 2024): nothing yet.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budgetcitoyen.core import pagecache
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup.models import (
    FundingAgreement,
    Instalment,
    Milestone,
    NewsItem,
    Payment,
)
from budgetcitoyen.followup.selectors import public as selectors
from budgetcitoyen.territories.models import Territory
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.factories import CategoryFactory, EditionFactory, laureate, paris
from budgetcitoyen.testing.hostile import SCRIPT

pytestmark = [pytest.mark.django_db]

NOW = paris(2026, 12, 1, 10)
ATOM = "{http://www.w3.org/2005/Atom}"
MARKERS = {
    "payment_reference": "MARQUEUR-REFERENCE-MANDAT",
    "conditions": "MARQUEUR-CONDITIONS-PARTICULIERES",
    "beneficiary": "MARQUEUR-STRUCTURE-BENEFICIAIRE",
    "draft": "MARQUEUR-ACTUALITE-BROUILLON",
    "refused": "MARQUEUR-ACTUALITE-REFUSEE",
    "submitted": "MARQUEUR-ACTUALITE-EN-ATTENTE",
    "unsigned_reference": "MARQUEUR-CONVENTION-NON-SIGNEE",
    "refusal_reason": "MARQUEUR-MOTIF-DE-REFUS",
}


@pytest.fixture(autouse=True)
def _after_results():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def territory(name: str) -> Territory:
    return Territory.objects.get(name=name)


def agreement(
    award: Any, *, status: str = "signed", signed_on: date | None = None, **extra: Any
) -> FundingAgreement:
    return FundingAgreement.objects.create(
        award=award,
        reference=extra.pop("reference", f"CF-{award.pk:04d}"),
        status=status,
        amount=award.amount,
        beneficiary_name=MARKERS["beneficiary"],
        siret="",
        rna="W623001234",
        conditions=MARKERS["conditions"],
        signed_on=signed_on,
        **extra,
    )


def pay(agreement_: FundingAgreement, amount: str, on: date, position: int = 1) -> Payment:
    instalment, _created = Instalment.objects.get_or_create(
        agreement=agreement_,
        position=position,
        defaults={
            "label": f"Échéance {position}",
            "amount": Decimal(amount),
            "trigger": "signature",
        },
    )
    return Payment.objects.create(
        instalment=instalment,
        amount=Decimal(amount),
        paid_on=on,
        reference=MARKERS["payment_reference"],
    )


def milestone(
    award: Any, kind: str, on: date, progress: int, reason: str = "", note: str = ""
) -> Milestone:
    return Milestone.objects.create(
        award=award, kind=kind, reached_on=on, progress=progress, reason=reason, note=note
    )


def news(
    award: Any, title: str, status: str = "published", on: date = date(2026, 2, 1), **extra: Any
) -> NewsItem:
    published = status == "published"
    return NewsItem.objects.create(
        award=award,
        status=status,
        title=title,
        body=extra.pop("body", f"Texte de {title}."),
        happened_on=on,
        published_at=extra.pop("published_at", paris(on.year, on.month, on.day, 12))
        if published
        else None,
        **extra,
    )


@pytest.fixture
def world(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return build_world()


def build_world() -> dict[str, Any]:
    """The laureates of the module's docstring (also read by ``test_public_api``)."""
    edition = EditionFactory(year=2025)
    innovation = CategoryFactory(edition=edition, name="Innovation sociale", priority=1)
    cooperation = CategoryFactory(edition=edition, name="Coopération", priority=2)
    recyclerie = laureate(
        edition,
        amount=Decimal("8000.00"),
        votes=321,
        title="Recyclerie",
        category=innovation,
        territory=territory("Arrageois"),
    )
    jardin = laureate(
        edition,
        amount=Decimal("5000.00"),
        title="Jardin",
        category=cooperation,
        territory=territory("Artois"),
    )
    atelier = laureate(
        edition,
        amount=Decimal("6000.00"),
        title="Atelier",
        category=cooperation,
        territory=territory("Arrageois"),
    )
    cafe = laureate(
        edition,
        amount=Decimal("4000.00"),
        title="Café",
        category=innovation,
        territory=territory("Audomarois"),
    )
    later = EditionFactory(year=2024)
    ferme = laureate(later, amount=Decimal("3000.00"), title="Ferme")

    signed = agreement(recyclerie, signed_on=date(2026, 1, 10))
    pay(signed, "5600.00", date(2026, 1, 20), position=1)
    pay(signed, "1000.00", date(2026, 3, 1), position=2)
    milestone(recyclerie, "started", date(2026, 1, 15), 10)
    milestone(recyclerie, "halfway", date(2026, 3, 10), 50, note="Les machines sont arrivées.")
    news(recyclerie, "Première journée", body="Cinquante visiteurs.\nMerci à tous.")
    news(recyclerie, MARKERS["draft"], status="draft")
    news(recyclerie, MARKERS["refused"], status="refused", refusal_reason=MARKERS["refusal_reason"])
    news(recyclerie, MARKERS["submitted"], status="submitted")
    milestone(jardin, "started", date(2026, 2, 1), 20)
    milestone(jardin, "done", date(2026, 6, 1), 100)
    unsigned = agreement(atelier, status="sent", reference=MARKERS["unsigned_reference"])
    pay(unsigned, "2000.00", date(2026, 2, 2))
    milestone(atelier, "abandoned", date(2026, 4, 1), 30, reason="Local perdu")
    pagecache.clear()
    return {
        "edition": edition,
        "later": later,
        "recyclerie": recyclerie,
        "jardin": jardin,
        "atelier": atelier,
        "cafe": cafe,
        "ferme": ferme,
        "innovation": innovation,
        "cooperation": cooperation,
    }


def page(url: str, client: Client | None = None) -> BeautifulSoup:
    response = (client or Client()).get(url)
    assert response.status_code == 200, response.content[:300]
    return BeautifulSoup(response.content, "html.parser")


def titles(url: str) -> list[str]:
    return [h.get_text(strip=True) for h in page(url).select(".laureate-card h2")]


def flat(text: str) -> str:
    """Text with its (narrow) no-break spaces as spaces and runs of spaces as one."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def card(soup: BeautifulSoup, title: str) -> Any:
    return next(
        c for c in soup.select(".laureate-card") if c.h2 and c.h2.get_text(strip=True) == title
    )


# --- /laureats/ ---------------------------------------------------------------------------------


def test_it_lists_every_laureate_newest_edition_first(world):
    response = Client().get("/laureats/")
    assert response.status_code == 200
    assert_accessible(response.content)
    soup = BeautifulSoup(response.content, "html.parser")
    assert [h.get_text(strip=True) for h in soup.select(".laureate-card h2")] == [
        "Café",  # 2025 first, by category priority, then title
        "Recyclerie",
        "Atelier",
        "Jardin",
        "Ferme",  # then 2024
    ]
    assert "5 projets lauréats" in soup.find(attrs={"role": "status"}).get_text()
    link = card(soup, "Recyclerie").h2.a["href"]
    assert link == f"/projets/{world['recyclerie'].decision.pk}/"


def test_each_card_shows_its_public_fields_and_progress(world):
    soup = page("/laureats/")
    recyclerie = card(soup, "Recyclerie")
    text = flat(recyclerie.get_text(" "))
    assert "Innovation sociale" in text and "Arrageois" in text
    assert "8 000 €" in text  # granted
    assert "6 600 €" in text and "(82 %)" in text  # paid: 5,600 + 1,000
    assert "En cours" in text and "avancement : 50 %" in text
    assert "publiée le dimanche 1er février 2026" in text
    bar = recyclerie.find("progress")
    assert bar["value"] == "50" and bar["max"] == "100"
    assert soup.find(id=bar["aria-labelledby"]).get_text(strip=True) == "avancement : 50 %"

    jardin = flat(card(soup, "Jardin").get_text(" "))
    assert "Réalisé" in jardin and "avancement : 100 %" in jardin
    assert "aucune pour l'instant" in jardin

    atelier = flat(card(soup, "Atelier").get_text(" "))
    assert "Abandonné" in atelier and "avancement : 30 %" in atelier
    assert "Motif de l'abandon : Local perdu" in atelier
    assert "Versé à ce jour 0 €" in atelier  # the unsigned agreement's payment is not counted

    cafe = flat(card(soup, "Café").get_text(" "))
    assert "Pas encore démarré" in cafe and "avancement : 0 %" in cafe


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("edition=2025", ["Café", "Recyclerie", "Atelier", "Jardin"]),
        ("edition=2024", ["Ferme"]),
        ("territoire=arrageois", ["Recyclerie", "Atelier", "Ferme"]),
        ("statut=a-venir", ["Café", "Ferme"]),
        ("statut=en-cours", ["Recyclerie"]),
        ("statut=realise", ["Jardin"]),
        ("statut=abandonne", ["Atelier"]),
        ("edition=2025&territoire=arrageois&statut=en-cours", ["Recyclerie"]),
    ],
)
def test_each_filter(world, query, expected):
    assert titles(f"/laureats/?{query}") == expected


def test_the_category_filter(world):
    url = f"/laureats/?categorie={world['cooperation'].pk}"
    assert titles(url) == ["Atelier", "Jardin"]
    soup = page("/laureats/")
    options = [o.get_text(strip=True) for o in soup.select("#f-categorie option")]
    assert "Coopération (2025)" in options  # every edition's: each names its year
    soup = page("/laureats/?edition=2025")
    options = [o.get_text(strip=True) for o in soup.select("#f-categorie option")]
    assert options == ["Toutes", "Innovation sociale", "Coopération"]


def test_no_match_says_so(world):
    soup = page("/laureats/?edition=2024&statut=realise")
    # "0 projet lauréat" once the lead regenerates the French plurals (singular for 0).
    assert soup.find(attrs={"role": "status"}).get_text().startswith("0 projet")
    assert "Aucun projet lauréat ne correspond à ces critères." in soup.get_text()


@pytest.mark.parametrize(
    "query",
    [
        "edition=abc&territoire=nulle-part&categorie=x&statut=fini&page=zz",
        "edition=99999999999999999999999999&categorie=99999999999999999999999",
        "edition=-1&categorie=0&page=-3",
        "edition=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%95",  # full-width digits
        f"territoire={SCRIPT}&statut={SCRIPT}",
        "edition=2025&edition=2024",
        "categorie=1.5&page=1e9",
        "page=99999",
        "edition=" + "9" * 400,
    ],
)
def test_bad_filter_values_are_ignored(world, query):
    response = Client().get(f"/laureats/?{query}")
    assert response.status_code == 200
    assert SCRIPT.encode() not in response.content
    soup = BeautifulSoup(response.content, "html.parser")
    found = [h.get_text(strip=True) for h in soup.select(".laureate-card h2")]
    assert len(found) >= 1


def test_a_bad_value_among_good_ones_keeps_the_good_ones(world):
    assert titles("/laureats/?edition=2025&statut=nimporte&territoire=artois") == ["Jardin"]


def test_a_long_list_is_paginated(world, monkeypatch):
    from budgetcitoyen.followup.views import public as views

    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = page("/laureats/?edition=2025")
    assert [h.get_text(strip=True) for h in first.select(".laureate-card h2")] == [
        "Café",
        "Recyclerie",
    ]
    assert "4 projets lauréats" in first.find(attrs={"role": "status"}).get_text()
    nav = first.find("nav", class_="pagination")
    assert "Page 1 sur 2" in nav.get_text()
    following = nav.find("a", rel="next")["href"]
    assert "edition=2025" in following and "page=2" in following
    second = page(f"/laureats/{following}")
    assert [h.get_text(strip=True) for h in second.select(".laureate-card h2")] == [
        "Atelier",
        "Jardin",
    ]
    assert second.find("a", rel="prev") is not None


def test_the_queries_do_not_grow_with_the_laureates(world):
    def queries() -> int:
        pagecache.clear()
        with CaptureQueriesContext(connection) as context:
            assert Client().get("/laureats/").status_code == 200
        return len(context.captured_queries)

    before = queries()
    for n in range(6):
        award = laureate(world["edition"], amount=Decimal("1000.00"), title=f"Encore {n}")
        milestone(award, "started", date(2026, 1, 2), 5)
        news(award, f"Nouvelle {n}")
    assert queries() == before


def test_an_imported_edition_has_no_laureates_and_says_so(world):
    imported = EditionFactory(year=2019, is_imported=True)
    soup = page("/laureats/")
    assert "2019" in [o["value"] for o in soup.select("#f-edition option")]
    soup = page(f"/laureats/?edition={imported.year}")
    assert "Les résultats de l'édition 2019 ont été importés" in soup.get_text()
    assert soup.select(".laureate-card") == []


def test_before_any_result_the_page_is_empty(db):
    edition = EditionFactory(year=2027)  # results on 20 November 2027
    laureate(edition, title="Trop tôt")
    soup = page("/laureats/")
    assert soup.select(".laureate-card") == []
    assert "ils apparaîtront ici à la publication des résultats" in soup.get_text()
    assert selectors.timeline(edition.decisions.get()) is None


def test_an_unpublished_edition_shows_nothing(world):
    news(world["ferme"], "Premières graines", on=date(2026, 5, 1))
    Edition.objects.filter(pk=world["later"].pk).update(is_published=False)
    assert "Ferme" not in titles("/laureats/")
    assert [n.title for n in selectors.published_news()] == ["Première journée"]
    assert selectors.timeline(world["ferme"].decision) is None


def test_the_page_links_to_its_feed(world):
    soup = page("/laureats/?edition=2025")
    alternate = soup.find("link", rel="alternate")
    assert alternate["type"] == "application/atom+xml"
    assert alternate["href"] == "/laureats/actualites.atom?edition=2025"
    assert soup.find("a", href="/laureats/actualites.atom?edition=2025") is not None


# --- The timeline on the project page ------------------------------------------------------------


def timeline_of(award: Any) -> Any:
    response = Client().get(f"/projets/{award.decision.pk}/")
    assert response.status_code == 200
    assert_accessible(response.content)
    section = BeautifulSoup(response.content, "html.parser").find(
        "section", class_="laureate-timeline"
    )
    assert section is not None
    return section


def test_the_timeline_lists_events_in_order_of_date(world):
    section = timeline_of(world["recyclerie"])
    events = section.find("ol").find_all("li", recursive=False)
    seen = [(li.time["datetime"], flat(li.h3.get_text(" "))) for li in events]
    assert seen == [
        ("2025-11-20", "Financé par le vote des habitants"),
        ("2026-01-10", "Convention de financement signée"),
        ("2026-01-15", "Projet démarré"),
        ("2026-01-20", "Versement de 5 600 €"),
        ("2026-02-01", "Première journée"),
        ("2026-03-01", "Versement de 1 000 €"),
        ("2026-03-10", "À mi-parcours"),
    ]
    text = flat(section.get_text(" "))
    assert "321 voix : 8 000 € accordés." in text
    assert "Versé à ce jour : 6 600 € sur 8 000 € accordés." in text
    assert "Les machines sont arrivées." in text
    news_item = NewsItem.objects.get(title="Première journée")
    anchor = section.find(id=f"actualite-{news_item.pk}")
    assert "Cinquante visiteurs." in anchor.get_text() and anchor.find("br") is not None


def test_the_timeline_of_an_abandoned_project_gives_the_reason(world):
    text = flat(timeline_of(world["atelier"]).get_text(" "))
    assert "Projet abandonné" in text and "Motif : Local perdu" in text
    assert "Convention" not in text  # only sent: nothing of it shows
    assert "Versement" not in text


def test_a_project_that_is_no_laureate_has_no_timeline(world):
    from budgetcitoyen.testing.factories import labelled_project

    other = labelled_project(world["edition"], title="Non financé")
    response = Client().get(f"/projets/{other.pk}/")
    assert response.status_code == 200
    assert b"laureate-timeline" not in response.content


def test_a_news_photo_is_shown_only_through_the_photo_view(world):
    item = news(world["cafe"], "Avec photo", photo="suivi/2025/1/photo.jpg", photo_alt="La façade")
    section = timeline_of(world["cafe"])
    image = section.find("img")
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("followup:news_photo", kwargs={"pk": item.pk})
    except NoReverseMatch:
        assert image is None  # the progress part's view is not there: no photo
    else:
        assert image["src"] == url and image["alt"] == "La façade"


def test_the_timeline_escapes_what_holders_type(world):
    news(world["cafe"], SCRIPT, body=SCRIPT)
    response = Client().get(f"/projets/{world['cafe'].decision.pk}/")
    assert SCRIPT.encode() not in response.content


# --- The feed ------------------------------------------------------------------------------------


def feed(query: str = "") -> ET.Element:
    response = Client().get(f"/laureats/actualites.atom{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_lists_published_news_newest_first(world):
    news(world["jardin"], "Inauguration", on=date(2026, 6, 2))
    news(world["ferme"], "Premières graines", on=date(2026, 5, 1))
    root = feed()
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Jardin : Inauguration",
        "Ferme : Premières graines",
        "Recyclerie : Première journée",
    ]
    first = entries[0]
    item = NewsItem.objects.get(title="Inauguration")
    link = first.find(f"{ATOM}link").attrib["href"]
    assert (
        link == f"http://testserver/projets/{world['jardin'].decision.pk}/#actualite-{item.pk}"
        or link.endswith(f"/projets/{world['jardin'].decision.pk}/#actualite-{item.pk}")
    )
    assert first.find(f"{ATOM}updated").text.startswith("2026-06-02")


def test_the_feed_of_one_edition(world):
    news(world["ferme"], "Premières graines", on=date(2026, 5, 1))
    titles_2024 = [
        e.find(f"{ATOM}title").text for e in feed("?edition=2024").findall(f"{ATOM}entry")
    ]
    assert titles_2024 == ["Ferme : Premières graines"]
    assert len(feed("?edition=nope").findall(f"{ATOM}entry")) == 2  # ignored: every edition
    assert len(feed("?edition=1999").findall(f"{ATOM}entry")) == 2


def test_the_feed_escapes_text_as_html(world):
    news(world["cafe"], "Attention", body=SCRIPT)
    response = Client().get("/laureats/actualites.atom")
    root = ET.fromstring(response.content)
    summaries = [e.find(f"{ATOM}summary").text for e in root.findall(f"{ATOM}entry")]
    # Once XML-decoded, the summary is HTML in which the script is text, not markup.
    assert any("&lt;script&gt;" in s for s in summaries)
    assert not any("<script>" in s for s in summaries)


def test_an_empty_feed_is_valid(db):
    root = feed()
    assert root.findall(f"{ATOM}entry") == []
    assert root.find(f"{ATOM}updated") is not None


# --- Nothing private, anywhere -------------------------------------------------------------------


def test_no_private_field_reaches_a_public_page_or_the_feed(world):
    urls = [
        "/laureats/",
        "/laureats/?edition=2025",
        "/laureats/actualites.atom",
        "/laureats/actualites.atom?edition=2025",
        "/statistiques/2025/",
        *(
            f"/projets/{world[name].decision.pk}/"
            for name in ("recyclerie", "atelier", "jardin", "cafe")
        ),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for name, marker in MARKERS.items():
            assert marker not in body, f"{name} on {url}"
        assert "CF-" not in body, url  # no agreement reference


# --- The page cache ------------------------------------------------------------------------------


def queries_of(url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert Client().get(url).status_code == 200
    return len(context.captured_queries)


PUBLIC_URLS = ("/laureats/", "/laureats/actualites.atom", "/statistiques/2025/")


def cached(world: dict[str, Any]) -> list[str]:
    urls = [*PUBLIC_URLS, f"/projets/{world['cafe'].decision.pk}/"]
    for url in urls:
        Client().get(url)
        assert queries_of(url) == 0, url  # kept
    return urls


@pytest.mark.parametrize(
    "change",
    [
        "milestone",
        "milestone_deleted",
        "agreement_signed",
        "payment",
        "news_published",
    ],
)
def test_every_public_change_renders_the_pages_again(
    world, change, django_capture_on_commit_callbacks
):
    cafe = world["cafe"]
    urls = cached(world)
    before = pagecache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "milestone":
            milestone(cafe, "started", date(2026, 11, 1), 15)
        elif change == "milestone_deleted":
            Milestone.objects.filter(award=world["recyclerie"]).last().delete()  # type: ignore[union-attr]
        elif change == "agreement_signed":
            signed = agreement(cafe, status="sent")
            signed.status = FundingAgreement.Status.SIGNED
            signed.signed_on = date(2026, 11, 2)
            signed.save()
        elif change == "payment":
            pay(
                FundingAgreement.objects.get(award=world["recyclerie"]),
                "400.00",
                date(2026, 11, 3),
                3,
            )
        elif change == "news_published":
            item = news(cafe, "Ouverture", status="submitted")
            item.status = NewsItem.Status.PUBLISHED
            item.published_at = NOW - timedelta(hours=1)
            item.save()
    assert pagecache.current_version() != before
    for url in urls:
        assert queries_of(url) > 0, url  # rendered again


def test_the_new_state_shows_after_the_change(world, django_capture_on_commit_callbacks):
    cafe = world["cafe"]
    cached(world)
    with django_capture_on_commit_callbacks(execute=True):
        milestone(cafe, "done", date(2026, 11, 1), 100)
        news(cafe, "Ouverture du café", on=date(2026, 11, 5), published_at=NOW - timedelta(hours=1))
    assert "Réalisé" in card(page("/laureats/"), "Café").get_text()
    assert "Café : Ouverture du café" in Client().get("/laureats/actualites.atom").content.decode()
    assert "Ouverture du café" in timeline_of(cafe).get_text()


def test_a_rolled_back_change_keeps_the_pages(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    cached(world)
    before = pagecache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                milestone(world["cafe"], "started", date(2026, 11, 1), 15)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert pagecache.current_version() == before


# --- Hostile query strings -----------------------------------------------------------------------


def test_hostile_values_of_the_filters_are_never_an_error(world):
    from budgetcitoyen.testing.hostile import PAYLOADS

    client = Client()
    names = ["edition", "territoire", "categorie", "statut", "page"]
    for payload in PAYLOADS:
        for url in ("/laureats/", "/laureats/actualites.atom"):
            response = client.get(url, dict.fromkeys(names, payload))
            # A control character in the address is the platform's French 400 (InputGuard).
            assert response.status_code in (200, 400), (url, payload)
            assert SCRIPT.encode() not in response.content
