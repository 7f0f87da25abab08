"""Every endpoint, taken from the OpenAPI document's paths (a new one is walked without
touching this file), read at a date in every phase with personal and unpublished data
present: no email, no person's name, no draft or unlabelled title, no unpublished edition, and
no vote count before the results are published."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.test import Client

from budgetcitoyen.accounts.models import User
from budgetcitoyen.api.tests.conftest import SECRET_TITLES, TITLES
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.testing.factories import paris

pytestmark = [pytest.mark.django_db]

PHASES = {
    "before the comptoirs": paris(2025, 1, 3, 12),
    "during the dossiers": paris(2025, 2, 15, 12),
    "labelling": paris(2025, 7, 15, 12),
    "vote": paris(2025, 9, 15, 12),
    "after the vote, before the results": paris(2025, 10, 15, 12),
    "after the results": paris(2025, 11, 21, 12),
}
# Words that only a vote count or a figure of the vote would carry.
VOTE_MARKERS = ('"votes"', '"voters"', '"votes_text"', " voix", '"ballots"')


def addresses(document: dict, years: list[int], project_ids: list[int]) -> list[str]:
    found = []
    for path, methods in document["paths"].items():
        if "get" not in methods:
            continue
        names = set(re.findall(r"{(\w+)}", path))
        values = {"year": years, "project_id": project_ids}
        assert names <= set(values), f"give the walk values for {names - set(values)} in {path}"
        paths = [path]
        for name in names:
            paths = [p.replace("{" + name + "}", str(v)) for p in paths for v in values[name]]
        for concrete in paths:
            found.append(concrete)
            if not names:  # a list: every item, and each edition on its own
                found.append(concrete + "?limit=200")
                found += [f"{concrete}?edition={year}&limit=200" for year in years]
    return found


def people_words() -> list[str]:
    words = set()
    for user in User.objects.all():
        words |= {user.email, user.last_name}
    for dossier in Dossier.objects.all():
        words |= {dossier.contact_name, dossier.contact_email, dossier.holder.email}
    words |= {f"Votant{n}" for n in range(1, 14)} | {"Dominique"}
    return sorted(w for w in words if w)


def test_no_endpoint_leaks_at_any_phase(published, projects):
    client = Client()
    document = client.get("/api/v1/openapi.json").json()
    from budgetcitoyen.labelling.models import Decision

    ids = list(Decision.objects.values_list("pk", flat=True))
    urls = addresses(document, [2025, 2026], ids)
    assert len(urls) > 20
    forbidden = people_words() + list(SECRET_TITLES)
    assert "Camille Martin" in forbidden and any("@exemple.fr" in w for w in forbidden)
    for phase, moment in PHASES.items():
        with time_machine.travel(moment, tick=False):
            bodies = {}
            for url in urls:
                response = client.get(url)
                assert response.status_code in (200, 404), (phase, url, response.status_code)
                bodies[url] = response.content.decode()
        for url, body in bodies.items():
            for word in forbidden:
                assert word not in body, (phase, url, word)
            assert "@" not in body, (phase, url)
            if moment < published.published_at:
                for marker in VOTE_MARKERS:
                    assert marker not in body, (phase, url, marker)
            if moment < datetime.fromisoformat("2025-09-01T00:00:00+02:00"):
                for title in TITLES:
                    assert title not in body, (phase, url, title)
        if moment >= datetime.fromisoformat("2025-09-01T00:00:00+02:00"):
            assert "Projet Alpha" in bodies["/api/v1/projects?limit=200"]  # the walk sees data
        if moment >= published.published_at:
            assert '"votes"' in bodies["/api/v1/projects?limit=200"]
