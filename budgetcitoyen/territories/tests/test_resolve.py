"""The one commune resolver: namesakes told apart by postal code, never picked silently."""

from __future__ import annotations

import pytest

from budgetcitoyen.territories.models import Commune, PostalCode
from budgetcitoyen.territories.selectors import AmbiguousCommune, resolve_commune

pytestmark = pytest.mark.django_db


def namesake(of: str, *, insee: str, postal_code: str) -> Commune:
    """A second commune bearing the name of ``of`` (a département may have two)."""
    original = Commune.objects.get(name=of)
    twin = Commune.objects.create(
        insee_code=insee,
        name=original.name,
        population=100,
        epci=original.epci,
        territory=original.territory,
    )
    PostalCode.objects.create(code=postal_code, commune=twin)
    return twin


def test_a_name_an_insee_code_or_a_former_name():
    assert resolve_commune("arras").insee_code == "62041"
    assert resolve_commune("62041").name == "Arras"
    assert resolve_commune("Marconne").name == "Hesdin-la-Forêt"
    assert resolve_commune("Arras (62000)").name == "Arras"
    assert resolve_commune("Nulle-Part") is None
    assert resolve_commune("") is None


def test_the_postal_code_tells_namesakes_apart():
    twin = namesake("Dainville", insee="62998", postal_code="62998")
    assert resolve_commune("Dainville", "62000").insee_code == "62263"
    assert resolve_commune("Dainville", "62998") == twin
    assert resolve_commune("Dainville (62998)") == twin


def test_namesakes_without_a_separating_postal_code_are_refused():
    namesake("Dainville", insee="62998", postal_code="62000")
    for text, postal_code in [("Dainville", ""), ("Dainville", "62000"), ("Dainville", "62100")]:
        with pytest.raises(AmbiguousCommune) as refused:
            resolve_commune(text, postal_code)
        assert "désigne plusieurs communes : précisez le code postal" in refused.value.message
        assert len(refused.value.candidates) == 2
