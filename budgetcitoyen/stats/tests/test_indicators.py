"""Every figure of a small edition against values counted by hand, masked and unmasked; who sees
them when; the figures kept at publication survive the purge of the data they count.

The edition (2025, envelopes by priority, coups de cœur from 1 to 3):
- Innovation sociale (priority 1, 20,000 €): a1 12,000 € (Arrageois), a2 9,000 € (Artois);
- Coopération (priority 2, 10,000 €): b1 6,000 € (Artois), b2 5,000 € (Audomarois).
- 13 voters: 6 choose a1 + b1 (aged 13, Arras), 4 choose a2 + b2 (aged 35, Ames in Artois),
  3 choose b2 (aged 75, Saint-Pol-sur-Ternoise). Scores: b2 7, a1 6, b1 6, a2 4.
- By hand, envelopes: a1 is funded in its envelope (8,000 € left), a2 is not (9,000 > 8,000);
  b2 is funded (5,000 € left), b1 is not (6,000 > 5,000). The leftovers are pooled (13,000 €)
  and, by priority, a2 fits: 8,000 € from its own envelope and 1,000 € from Coopération's.
  b1 no longer fits (4,000 € left). Laureates a1, a2, b2: 21,000 € + 5,000 € = 26,000 €.
- Comptoirs: six holders were present (the four projects', one not labelled, one draft),
  three were registered and did not come, one cancelled: 9 ideas, 6 present. Dossiers: the
  four projects, one not labelled (Arrageois), one draft: 5 filed, 4 labelled, 3 laureates.
- One holder (a1's) had filed a dossier in 2024: 4 of the 5 holders file for the first time.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup
from django.db.models import Sum
from django.test import Client

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.results import services
from budgetcitoyen.stats import figures, indicators
from budgetcitoyen.stats.masking import mask, mask_row
from budgetcitoyen.stats.models import EditionStatistics
from budgetcitoyen.stats.selectors import public_statistics, statistics_for
from budgetcitoyen.territories.models import Commune, Territory
from budgetcitoyen.testing.a11y import assert_accessible
from budgetcitoyen.testing.cast import make_persona
from budgetcitoyen.testing.factories import (
    CategoryFactory,
    ComptoirFactory,
    EditionFactory,
    attendee,
    complete_dossier,
    declared_voters_cast,
    idea,
    labelled_project,
    paris,
    verified_person,
)

pytestmark = [pytest.mark.django_db]

DURING_VOTE = paris(2025, 9, 15, 12)
AFTER_VOTE = paris(2025, 10, 2, 9)
AFTER_RESULTS = paris(2025, 11, 21, 9)
URL = "/statistiques/2025/"


def territory(name: str) -> Territory:
    return Territory.objects.get(name=name)


@pytest.fixture
def edition(db):
    edition = EditionFactory(year=2025, allocation_rule="envelopes")
    CategoryFactory(edition=edition, name="Innovation sociale", priority=1, envelope=Decimal(20000))
    CategoryFactory(edition=edition, name="Coopération", priority=2, envelope=Decimal(10000))
    return edition


@pytest.fixture
def projects(edition):
    first, second = edition.categories.order_by("priority")
    comptoir = ComptoirFactory(edition=edition)
    spec = {
        "a1": (first, 12000, "Arrageois"),
        "a2": (first, 9000, "Artois"),
        "b1": (second, 6000, "Artois"),
        "b2": (second, 5000, "Audomarois"),
    }
    made = {
        key: labelled_project(
            edition,
            category=category,
            amount=Decimal(amount),
            title=key,
            territory=territory(place),
            comptoir=comptoir,
        )
        for key, (category, amount, place) in spec.items()
    }
    # Three registered who did not come (one on the waiting list), one who cancelled.
    for status, attendance in (
        *[(Registration.Status.CONFIRMED, Registration.Attendance.ABSENT)] * 2,
        (Registration.Status.WAITLISTED, Registration.Attendance.UNKNOWN),
        (Registration.Status.CANCELLED, Registration.Attendance.UNKNOWN),
    ):
        Registration.objects.create(
            edition=edition,
            comptoir=comptoir,
            person=verified_person(),
            status=status,
            ticket=comptoir.registrations.count() + 1,
            attendance=attendance,
            **idea(),
        )
    # One dossier filed and not labelled, one draft never sent.
    seal(complete_dossier(attendee(edition, comptoir=comptoir)))
    complete_dossier(attendee(edition, comptoir=comptoir))
    # a1's holder filed once before, in 2024.
    earlier = EditionFactory(year=2024)
    CategoryFactory(edition=earlier, priority=1)
    seal(complete_dossier(attendee(earlier, person=made["a1"].dossier.holder)))
    return made


def seal(dossier: Dossier) -> None:
    """``dossier`` filed, then not labelled (services skipped, as ``labelled_project``)."""
    number = 100 + dossier.pk
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.NOT_LABELLED,
        submitted_at=dossier.edition.deposit_end - timedelta(days=1),
        number=number,
        reference=f"BC-{dossier.edition.year}-{number:04d}",
        snapshot="{}",
        snapshot_sha256="0" * 64,
    )


VOTERS = [
    (6, ("a1", "b1"), date(2012, 1, 1), "62041"),  # 13 on the first day of the vote
    (4, ("a2", "b2"), date(1990, 1, 1), "62028"),  # 35, Ames (Artois)
    (3, ("b2",), date(1950, 1, 1), "62767"),  # 75, Saint-Pol-sur-Ternoise
]


@pytest.fixture
def ballots(edition, projects):
    declared_voters_cast(edition, VOTERS, projects, DURING_VOTE)


@pytest.fixture
def staff(db):
    return make_persona("staff")


@pytest.fixture
def published(ballots, staff, edition):
    with time_machine.travel(AFTER_VOTE, tick=False):
        snapshot = services.tally_run(edition=edition, by=staff)
    with time_machine.travel(AFTER_RESULTS, tick=False):
        return services.publish(snapshot=snapshot, by=staff)


def by_name(rows, key="territory"):  # type: ignore[no-untyped-def]
    return {row[key]: row for row in rows}


def population(name: str) -> int:
    return Commune.objects.filter(territory__name=name).aggregate(n=Sum("population"))["n"]


# --- The raw figures, counted by hand -------------------------------------------------------


def test_the_funnel(published, edition):
    raw = EditionStatistics.objects.get(edition=edition).figures
    assert raw["funnel"]["overall"] == {
        "ideas": 9,
        "attended": 6,
        "filed": 5,
        "labelled": 4,
        "laureates": 3,
    }
    rows = by_name(raw["funnel"]["territories"])
    assert rows["Arrageois"] == {
        "territory": "Arrageois",
        "ideas": 9,  # every idea of the fixture is about the Arrageois
        "attended": 6,
        "filed": 2,  # a1 and the dossier not labelled
        "labelled": 1,
        "laureates": 1,
    }
    assert (rows["Artois"]["filed"], rows["Artois"]["labelled"], rows["Artois"]["laureates"]) == (
        2,
        2,
        1,
    )
    assert (rows["Audomarois"]["filed"], rows["Audomarois"]["laureates"]) == (1, 1)
    assert rows["Calaisis"]["filed"] == 0


def test_the_vote(published, edition):
    vote = EditionStatistics.objects.get(edition=edition).figures["vote"]
    assert (
        vote["voters"],
        vote["ballots"],
        vote["valid"],
        vote["annulled"],
        vote["under_review"],
    ) == (
        13,
        13,
        13,
        0,
        0,
    )
    assert (vote["online"], vote["paper"]) == (13, 0)
    assert vote["per_day"] == [{"day": "2025-09-15", "online": 13, "paper": 0, "ballots": 13}]
    bands = {row["band"]: row["voters"] for row in vote["age_bands"]}
    assert bands == {
        "11-14": 6,
        "15-17": 0,
        "18-24": 0,
        "25-39": 4,
        "40-59": 0,
        "60-74": 0,
        "75+": 3,
    }
    rows = by_name(vote["territories"])
    assert rows["Arrageois"]["voters"] == 6
    assert rows["Artois"]["voters"] == 4
    assert rows["Montreuillois-Ternois"]["voters"] == 3
    arrageois = population("Arrageois")
    assert rows["Arrageois"]["population"] == arrageois
    assert Decimal(rows["Arrageois"]["per_thousand"]) == (Decimal(6000) / arrageois).quantize(
        Decimal("0.01")
    )


def test_the_money(published, edition):
    money = EditionStatistics.objects.get(edition=edition).figures["money"]
    assert (money["envelope"], money["granted"]) == ("30000.00", "26000.00")
    categories = by_name(money["categories"], "category")
    assert categories["Innovation sociale"] == {
        "category": "Innovation sociale",
        "priority": 1,
        "envelope": "20000.00",
        "granted": "21000.00",
        "laureates": 2,
        "moved_out": "0.00",
        "moved_in": "1000.00",
    }
    assert categories["Coopération"]["granted"] == "5000.00"
    assert categories["Coopération"]["moved_out"] == "1000.00"
    assert money["transfers"] == [
        {"from": "Coopération", "to": "Innovation sociale", "amount": "1000.00"}
    ]
    territories = by_name(money["territories"])
    assert territories["Arrageois"]["granted"] == "12000.00"
    assert territories["Artois"] == {"territory": "Artois", "granted": "9000.00", "laureates": 1}
    assert territories["Audomarois"]["granted"] == "5000.00"
    assert territories["Calaisis"]["granted"] == "0.00"


def test_hors_radar(published, edition):
    radar = EditionStatistics.objects.get(edition=edition).figures["hors_radar"]
    assert radar["first_time"] == {"count": 4, "of": 5}
    assert radar["collectives"] == {"count": 0, "of": 5}
    # Three territories voted, five did not: the median is 0, no territory is below it.
    low = radar["low_participation"]
    assert (low["count"], low["of"], low["median"], low["territories"]) == (0, 3, "0.00", [])


def test_the_laureates_of_territories_below_the_median(published, edition):
    raw = indicators.compute(edition)
    rates = {"Arrageois": "3.00", "Artois": "1.00", "Audomarois": "2.00"}
    for row in raw["vote"]["territories"]:
        row["per_thousand"] = rates.get(row["territory"])
    radar = indicators._hors_radar(edition, raw["vote"], None)
    assert radar["low_participation"]["median"] == "2.00"
    assert radar["low_participation"]["territories"] == ["Artois"]


# --- Masking ----------------------------------------------------------------------------------


def test_a_row_masks_small_counts_and_one_more_when_one_alone_would_be_recovered():
    assert mask_row([10, 3, 0]) == [None, None, 0]  # 3 hidden, and 10 so that 13 − 10 is not 3
    assert mask_row([10, 3, 2, 0]) == [10, None, None, 0]  # two hidden: their sum alone is known
    assert mask_row([10, 3, 20]) == [None, None, 20]  # the smallest other one
    assert mask_row([10, 3], total_shown=False) == [10, None]
    assert mask_row([5, 0, 12]) == [5, 0, 12]  # 5 is not few, 0 points to nobody


def test_masked_figures(published, edition):
    data = public_statistics(edition)
    assert data is not None
    funnel = by_name(data["funnel"]["territories"])
    assert funnel["Arrageois"]["ideas"] == 9
    assert funnel["Arrageois"]["filed"] is None  # 2
    assert funnel["Artois"]["filed"] is None  # 2
    assert funnel["Audomarois"]["filed"] is None  # 1
    assert funnel["Artois"]["labelled"] == 2  # public projects are never masked
    bands = {row["band"]: row["voters"] for row in data["vote"]["age_bands"]}
    assert bands == {
        "11-14": 6,
        "15-17": 0,
        "18-24": 0,
        "25-39": None,
        "40-59": 0,
        "60-74": 0,
        "75+": None,
    }
    territories = by_name(data["vote"]["territories"])
    assert territories["Arrageois"]["voters"] == 6
    assert territories["Artois"]["voters"] is None
    assert territories["Artois"]["per_thousand"] is None
    assert territories["Montreuillois-Ternois"]["voters"] is None
    assert data["hors_radar"]["first_time"]["count"] is None  # 4 of 5: the one who is not
    assert data["hors_radar"]["collectives"]["count"] == 0
    assert data["money"]["granted"] == "26000.00"


def test_no_small_count_reaches_the_page_or_the_csv(published, edition):
    client = Client()
    with time_machine.travel(AFTER_RESULTS, tick=False):
        page = client.get(URL)
        assert page.status_code == 200
        assert_accessible(page.content)
        soup = BeautifulSoup(page.content.decode(), "html.parser")
        ages = soup.find("table", id="tableau-votants-ages")
        cells = {
            tr.th.get_text(strip=True): tr.td.get_text(strip=True)
            for tr in ages.tbody.find_all("tr")
        }
        assert cells["25 à 39 ans"] == "masqué"
        assert cells["11 à 14 ans"] == "6"
        chart = soup.find("svg", attrs={"aria-details": "tableau-votants-ages"})
        values = [rect["data-value"] for rect in chart.find_all("rect", attrs={"data-value": True})]
        assert "4" not in values and "3" not in values and "6" in values
        assert chart.find(string="masqué") is not None
        response = client.get("/statistiques/2025/votants-ages.csv")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
        assert rows[0] == ["Âge", "Votants"]
        assert dict(rows[1:]) == {
            "11 à 14 ans": "6",
            "15 à 17 ans": "0",
            "18 à 24 ans": "0",
            "25 à 39 ans": "",
            "40 à 59 ans": "0",
            "60 à 74 ans": "0",
            "75 ans et plus": "",
        }
        for figure in figures.figures(public_statistics(edition)):
            assert client.get(f"/statistiques/2025/{figure.key}.csv").status_code == 200
        assert client.get("/statistiques/2025/inconnu.csv").status_code == 404


# --- Who sees what, when ----------------------------------------------------------------------


def test_before_the_results_only_staff_see_them_and_marked_provisional(ballots, edition, staff):
    with time_machine.travel(AFTER_VOTE, tick=False):
        anonymous = Client().get(URL)
        assert anonymous.status_code == 200
        assert (
            "seront publiés" in anonymous.content.decode()
            or "le seront" in anonymous.content.decode()
        )
        assert "tableau-votants-ages" not in anonymous.content.decode()
        assert Client().get("/statistiques/2025/votants-ages.csv").status_code == 404
        assert statistics_for(edition, None) is None
        team = Client()
        team.force_login(staff)
        page = team.get(URL).content.decode()
        assert "Chiffres provisoires" in page
        assert "tableau-votants-ages" in page
        csv_file = team.get("/statistiques/2025/votants-ages.csv")
        assert csv_file.status_code == 200
        assert "provisoire" in csv_file["Content-Disposition"]
        assert csv_file["Cache-Control"] == "private, no-store"
    assert not EditionStatistics.objects.exists()


def test_the_figures_are_kept_at_publication_and_outlive_the_purge(published, edition):
    kept = EditionStatistics.objects.get(edition=edition)
    assert AuditEntry.objects.filter(action="stats.frozen").count() == 1
    # What the purge of personal data deletes later: registrations, dossiers not funded.
    Registration.objects.filter(edition=edition).update(attendance="", status="cancelled")
    Dossier.objects.filter(edition=edition, status=Dossier.Status.DRAFT).delete()
    with time_machine.travel(AFTER_RESULTS, tick=False):
        data = statistics_for(edition, None)
    assert data is not None and not data.provisional
    assert data.data == mask(kept.figures)
    assert data.data["funnel"]["overall"]["ideas"] == 9


def test_the_latest_statistics_are_those_of_the_latest_published_results(published, edition):
    with time_machine.travel(AFTER_RESULTS, tick=False):
        page = Client().get("/statistiques/")
    assert page.status_code == 200
    assert "Statistiques — Budget citoyen 2025" in page.content.decode()


def test_an_unpublished_or_unknown_edition_is_not_found(db):
    EditionFactory(year=2040, is_published=False)
    assert Client().get("/statistiques/2040/").status_code == 404
    assert Client().get("/statistiques/1999/").status_code == 404
    assert Client().get("/statistiques/2040/votants-ages.csv").status_code == 404
