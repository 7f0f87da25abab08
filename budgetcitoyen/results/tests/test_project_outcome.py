"""Each project page, once the result is published, says the project's outcome, its votes, its
rank in its category and the trace's line that decided it, in the results page's own words;
before publication none of it shows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.labelling.selectors import published_outcomes
from budgetcitoyen.results import services
from budgetcitoyen.results.trace import deciding_lines, line_text

pytestmark = pytest.mark.django_db

RECYCLERIE, EPICERIE, JARDIN, TIERS_LIEU, CAFE = range(5)


def _publish(edition, staff):  # type: ignore[no-untyped-def]
    return services.publish(snapshot=services.tally_run(edition=edition, by=staff), by=staff)


def _page(client, project) -> str:  # type: ignore[no-untyped-def]
    response = client.get(reverse("labelling:project", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _event(snapshot, project) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return [line for line in snapshot.outcome["trace"] if line["project_id"] == str(project.pk)][-1]


def test_before_publication_the_page_says_nothing_of_the_outcome(
    ballots, projects, staff, after_vote, client
):
    services.tally_run(edition=ballots[0].edition, by=staff)  # counted, not published
    page = _page(client, projects[RECYCLERIE])
    assert "Résultat du vote" not in page and "Financé" not in page and "voix" not in page
    assert published_outcomes(ballots[0].edition) is None


def test_a_project_funded_in_its_envelope(ballots, projects, staff, after_vote, client):
    snapshot = _publish(ballots[0].edition, staff)
    event = _event(snapshot, projects[RECYCLERIE])
    assert event["code"] == "funded_in_envelope"
    page = _page(client, projects[RECYCLERIE])
    assert "Résultat du vote 2025" in page
    assert "Financé : 12" in page
    assert "5 voix" in page
    assert "1<sup>er</sup> de la catégorie Innovation sociale" in page
    result = published_outcomes(snapshot.edition)[projects[RECYCLERIE].pk]  # type: ignore[index]
    assert result.reason == line_text(event)
    assert "5 voix : financé sur l&#x27;enveloppe Innovation sociale" in page


def test_a_project_funded_from_a_leftover(ballots, projects, staff, after_vote, client):
    snapshot = _publish(ballots[0].edition, staff)
    event = _event(snapshot, projects[JARDIN])
    assert event["code"] == "funded_from_leftovers"
    result = published_outcomes(snapshot.edition)[projects[JARDIN].pk]  # type: ignore[index]
    assert result.funded and result.amount == Decimal("15000")
    assert result.rank == 3 and result.category == "Innovation sociale"
    # The results page's own sentence, not a second wording.
    assert result.reason == line_text(event)
    assert "reliquat" in result.reason
    page = _page(client, projects[JARDIN])
    assert "3<sup>e</sup> de la catégorie Innovation sociale" in page


def test_a_project_that_did_not_fit(ballots, projects, staff, after_vote, client):
    Decision.objects.filter(pk=projects[JARDIN].pk).update(labelled_amount=Decimal("20000"))
    snapshot = _publish(ballots[0].edition, staff)
    event = _event(snapshot, projects[JARDIN])
    assert event["code"] == "over_envelope_and_pool"
    result = published_outcomes(snapshot.edition)[projects[JARDIN].pk]  # type: ignore[index]
    assert not result.funded and result.amount == 0
    assert result.reason == line_text(event) and "ne tenait ni dans l'enveloppe" in result.reason
    page = _page(client, projects[JARDIN])
    assert "Non financé" in page and "ne tenait ni dans l" in page


def test_a_project_under_the_threshold(ballots, projects, staff, after_vote, client):
    edition = ballots[0].edition
    edition.allocation_threshold = 2
    edition.save()
    snapshot = _publish(edition, staff)
    event = _event(snapshot, projects[JARDIN])
    assert event["code"] == "below_threshold"
    result = published_outcomes(edition)[projects[JARDIN].pk]  # type: ignore[index]
    assert not result.funded
    assert result.reason == line_text(event) and "sous le seuil de 2 voix" in result.reason
    assert "sous le seuil de 2 voix" in _page(client, projects[JARDIN])


def test_the_deciding_line_is_a_project_s_last_event():
    outcome = {
        "trace": [
            {"project_id": "1", "selected": False, "code": "no_votes", "params": {"votes": 0}},
            {
                "project_id": "2",
                "selected": False,
                "code": "over_budget",
                "params": {"votes": 3, "cost": "5000", "remaining": "3200"},
            },
            {
                "project_id": "1",
                "selected": True,
                "code": "funded",
                "params": {"votes": 0, "cost": "100", "remaining": "0"},
            },
        ]
    }
    lines = deciding_lines(outcome)
    assert lines["1"].startswith("0 voix : financé")
    assert "ne tenait pas dans le reste de 3\u202f200" in lines["2"] or "3 200" in lines["2"]
