"""The statistics' follow-up figures (projets réalisés, amounts paid) against values counted by
hand; computed at each reading, unlike the figures kept at publication; never masked.

The edition (2025, results published on 20 November 2025), five laureates:
- Innovation sociale: A (Arrageois, 8,000 €) done, paid 5,600 + 2,400; B (Artois, 4,000 €) in
  progress, paid 2,800; E (Arrageois, 2,000 €) nothing yet.
- Coopération: C (Artois, 6,000 €) abandoned, its agreement only sent (a payment recorded
  against it is not counted); D (Audomarois, 3,000 €) done, nothing paid.
By hand: 2 done out of 5 (1 in progress, 1 not started, 1 abandoned); granted 23,000 €, paid
10,800 €; Innovation sociale 3 laureates, 1 done, 14,000 € granted, 10,800 € paid;
Coopération 2, 1 done, 9,000 €, 0 €; Arrageois 2, 1 done, 10,000 €, 8,000 €; Artois 2, 0
done, 10,000 €, 2,800 €; Audomarois 1, 1 done, 3,000 €, 0 €.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.test import Client

from budgetcitoyen.followup.models import FundingAgreement, Instalment, Milestone, Payment
from budgetcitoyen.followup.selectors.public import followup_figures
from budgetcitoyen.stats import figures, indicators
from budgetcitoyen.stats.models import EditionStatistics
from budgetcitoyen.stats.selectors import public_statistics, statistics_for
from budgetcitoyen.territories.models import Territory
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import CategoryFactory, EditionFactory, laureate, paris

pytestmark = [pytest.mark.django_db]

NOW = paris(2026, 12, 1, 10)


@pytest.fixture(autouse=True)
def _after_results():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def signed(award: Any, status: str = "signed") -> FundingAgreement:
    return FundingAgreement.objects.create(
        award=award,
        reference=f"CF-{award.pk}",
        status=status,
        amount=award.amount,
        beneficiary_name="Structure",
        signed_on=date(2026, 1, 10) if status == "signed" else None,
    )


def pay(agreement: FundingAgreement, *amounts: str) -> None:
    for position, amount in enumerate(amounts, start=1):
        instalment = Instalment.objects.create(
            agreement=agreement,
            position=position,
            label=f"Échéance {position}",
            amount=Decimal(amount),
            trigger="signature",
        )
        Payment.objects.create(
            instalment=instalment, amount=Decimal(amount), paid_on=date(2026, 2, 1), reference="M"
        )


def step(award: Any, kind: str, on: date, progress: int, reason: str = "") -> None:
    Milestone.objects.create(
        award=award, kind=kind, reached_on=on, progress=progress, reason=reason
    )


@pytest.fixture
def edition(db):  # type: ignore[no-untyped-def]
    edition = EditionFactory(year=2025)
    innovation = CategoryFactory(edition=edition, name="Innovation sociale", priority=1)
    cooperation = CategoryFactory(edition=edition, name="Coopération", priority=2)
    arrageois, artois, audomarois = (
        Territory.objects.get(name=n) for n in ("Arrageois", "Artois", "Audomarois")
    )
    a = laureate(
        edition, amount=Decimal("8000"), title="A", category=innovation, territory=arrageois
    )
    b = laureate(edition, amount=Decimal("4000"), title="B", category=innovation, territory=artois)
    c = laureate(edition, amount=Decimal("6000"), title="C", category=cooperation, territory=artois)
    d = laureate(
        edition, amount=Decimal("3000"), title="D", category=cooperation, territory=audomarois
    )
    laureate(edition, amount=Decimal("2000"), title="E", category=innovation, territory=arrageois)
    pay(signed(a), "5600", "2400")
    step(a, "started", date(2026, 1, 15), 10)
    step(a, "done", date(2026, 9, 1), 100)
    pay(signed(b), "2800")
    step(b, "halfway", date(2026, 5, 1), 50)
    pay(signed(c, status="sent"), "1000")
    step(c, "started", date(2026, 2, 1), 10)
    step(c, "abandoned", date(2026, 4, 1), 20, reason="Plus de local")
    step(d, "done", date(2026, 10, 1), 100)
    return edition


def by(rows: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {row[key]: row for row in rows}


def test_the_figures_against_values_counted_by_hand(edition):
    data = followup_figures(edition)
    assert data is not None
    assert data["laureates"] == 5
    assert data["statuses"] == {"a-venir": 1, "en-cours": 1, "realise": 2, "abandonne": 1}
    assert data["granted"] == "23000.00"
    assert data["paid"] == "10800.00"
    categories = by(data["categories"], "category")
    assert list(categories) == ["Innovation sociale", "Coopération"]
    assert categories["Innovation sociale"] == {
        "category": "Innovation sociale",
        "laureates": 3,
        "done": 1,
        "granted": "14000.00",
        "paid": "10800.00",
    }
    assert categories["Coopération"] == {
        "category": "Coopération",
        "laureates": 2,
        "done": 1,
        "granted": "9000.00",
        "paid": "0.00",
    }
    territories = by(data["territories"], "territory")
    assert len(territories) == Territory.objects.count()  # every territory, as elsewhere
    assert (territories["Arrageois"]["laureates"], territories["Arrageois"]["done"]) == (2, 1)
    assert (territories["Arrageois"]["granted"], territories["Arrageois"]["paid"]) == (
        "10000.00",
        "8000.00",
    )
    assert territories["Artois"]["paid"] == "2800.00" and territories["Artois"]["done"] == 0
    assert territories["Audomarois"]["done"] == 1 and territories["Audomarois"]["paid"] == "0.00"
    others = [
        t for name, t in territories.items() if name not in ("Arrageois", "Artois", "Audomarois")
    ]
    assert others and all((t["laureates"], t["paid"]) == (0, "0.00") for t in others)


def test_the_figures_as_tables_and_sentences(edition):
    stats = statistics_for(edition)
    assert stats is not None
    built = {f.key: f for f in figures.figures(stats.data, stats.followup)}
    done = built["projets-realises"]
    assert done.sentence == "2 projets réalisés sur 5 lauréats."
    assert [(r["status"], r["count"]) for r in done.rows] == [
        ("Projets réalisés", 2),
        ("Projets en cours", 1),
        ("Projets pas encore démarrés", 1),
        ("Projets abandonnés", 1),
    ]
    assert not done.has_masked  # counts of projects: 1 is shown
    paid = built["versements-categories"]
    assert paid.sentence.replace("\u202f", " ").replace("\xa0", " ") == (
        "10 800 € versés sur 23 000 € accordés aux lauréats."
    )
    assert "versements-territoires" in built
    assert any("mis à jour le" in note for note in done.notes)


def test_the_page_shows_them_live_and_says_so(edition):
    response = Client().get("/statistiques/2025/")
    assert response.status_code == 200
    assert_accessible(response.content)
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "followup"})
    assert section is not None
    text = " ".join(section.get_text(" ").split())
    assert "mis à jour le" in text and "figés à la publication" in text
    for key in ("projets-realises", "versements-categories", "versements-territoires"):
        assert section.find(id=f"tableau-{key}") is not None
        assert section.find(id=f"graphique-{key}-titre") is not None


def test_each_figure_downloads_as_csv(edition):
    response = Client().get("/statistiques/2025/versements-categories.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Catégorie", "Lauréats", "Réalisés", "Accordé", "Versé"]
    assert rows[1:] == [
        ["Innovation sociale", "3", "1", "14000,00", "10800,00"],
        ["Coopération", "2", "1", "9000,00", "0,00"],
    ]
    done = Client().get("/statistiques/2025/projets-realises.csv")
    assert done.status_code == 200
    assert "Projets réalisés;2" in done.content.decode("utf-8-sig")


def test_they_change_after_publication_while_the_rest_stays_kept(edition):
    kept = EditionStatistics.objects.create(
        edition=edition,
        figures=indicators.compute(edition),
        computed_at=paris(2025, 11, 20, 18),
    )
    before = statistics_for(edition)
    assert before is not None and before.followup["statuses"]["realise"] == 2
    e = edition.decisions.get(public_title="E").award
    step(e, "done", date(2026, 11, 30), 100)
    after = statistics_for(edition)
    assert after is not None and after.followup["statuses"]["realise"] == 3
    kept.refresh_from_db()
    assert "followup" not in kept.figures  # never frozen
    assert after.computed_at == kept.computed_at  # the rest is as kept
    assert after.data == before.data


def test_no_follow_up_for_an_imported_edition_nor_before_results(db):
    imported = EditionFactory(year=2019, is_imported=True)
    assert followup_figures(imported) is None
    early = EditionFactory(year=2027)  # results on 20 November 2027
    laureate(early, title="Trop tôt")
    assert followup_figures(early) is None
    staff = make_persona("staff")
    stats = statistics_for(early, staff)  # provisional, for staff
    assert stats is not None and stats.followup is None
    assert [key for key, _h, _f in figures.sections(stats.data)] == [
        "funnel",
        "vote",
        "money",
        "hors_radar",
    ]


def test_the_api_and_the_archive_keep_the_published_figures_only(edition):
    data = public_statistics(edition)
    assert data is not None and "followup" not in data
