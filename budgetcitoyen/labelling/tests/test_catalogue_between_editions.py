"""Between two editions the catalogue of the next one is empty: it points to the last vote's."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_empty_catalogue_of_the_next_edition_links_the_last_vote_s_projects(demo):
    from budgetcitoyen.editions.models import Edition

    assert Edition.objects.filter(year__gt=demo.year, is_published=True).exists()
    page = Client().get("/projets/").content.decode()
    assert "seront publiés ici" in page
    assert f'href="/projets/?edition={demo.year}"' in page
    earlier = Client().get(f"/projets/?edition={demo.year}").content.decode()
    assert "Les projets et leurs résultats" in earlier
