from __future__ import annotations

import pytest
from django.db.models import Sum

from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.territories import selectors
from budgetcitoyen.territories.models import Commune, CommuneAlias, Epci, PostalCode, Territory
from budgetcitoyen.territories.normalize import fold_name
from budgetcitoyen.territories.services import (
    commune_set_territory,
    epci_set_territory,
    load_reference,
    territory_rename,
)

pytestmark = pytest.mark.django_db


class TestShippedData:
    def test_it_has_the_887_current_communes(self):
        assert Commune.objects.count() == 887

    def test_it_has_the_8_territories(self):
        assert sorted(Territory.objects.values_list("name", flat=True)) == [
            "Arrageois",
            "Artois",
            "Audomarois",
            "Boulonnais",
            "Calaisis",
            "Hénin-Carvin",
            "Lens-Liévin",
            "Montreuillois-Ternois",
        ]

    def test_it_totals_the_departement_population(self):
        assert Commune.objects.aggregate(total=Sum("population"))["total"] == 1_457_905
        assert selectors.department_population() == 1_457_905

    def test_every_commune_has_a_territory_epci_and_postal_code(self):
        assert not Commune.objects.filter(postal_codes__isnull=True).exists()
        assert Epci.objects.count() == 20
        assert CommuneAlias.objects.count() == 11


class TestLookups:
    def test_it_finds_a_commune_by_insee_code(self):
        assert selectors.commune_by_insee("62041").name == "Arras"

    def test_a_former_communes_insee_code_resolves_to_its_current_commune(self):
        # Labuissière (62482) merged into Bruay-la-Buissière (62178).
        assert selectors.commune_by_insee("62482").insee_code == "62178"

    def test_an_unknown_insee_code_finds_nothing(self):
        assert selectors.commune_by_insee("59350") is None

    def test_postal_code_62000_finds_arras_and_dainville(self):
        names = [c.name for c in selectors.communes_by_postal_code("62000")]
        assert names == ["Arras", "Dainville"]

    def test_a_commune_can_have_several_postal_codes(self):
        assert Commune.objects.get(insee_code="62691").postal_code_list == ["62120", "62129"]
        assert PostalCode.objects.filter(code="62120").count() > 1

    @pytest.mark.parametrize("typed", ["marœuil", "MAROEUIL", "Maroeuil", "  maroeuil ", "MARŒUIL"])
    def test_name_lookup_ignores_case_and_accents(self, typed):
        assert [c.name for c in selectors.communes_by_name(typed)] == ["Marœuil"]

    @pytest.mark.parametrize("typed", ["St-Omer", "saint omer", "SAINT-OMER", "Saint Omer"])
    def test_name_lookup_folds_hyphens_and_saint(self, typed):
        assert [c.name for c in selectors.communes_by_name(typed)] == ["Saint-Omer"]

    def test_name_lookup_resolves_a_former_commune(self):
        assert [c.insee_code for c in selectors.communes_by_name("labuissiere")] == ["62178"]

    def test_search_puts_prefix_matches_first_and_names_aliases(self):
        results = selectors.commune_search("bethune")
        assert results[0][0].name == "Béthune"
        alias_hits = selectors.commune_search("marconne")
        assert (Commune.objects.get(insee_code="62447"), "Marconne") in alias_hits

    def test_search_by_postal_code(self):
        assert {c.name for c, _alias in selectors.commune_search("62000")} == {"Arras", "Dainville"}

    def test_fold_name(self):
        assert fold_name("Marœuil") == "maroeuil"
        assert fold_name("Sainte-Catherine") == "sainte catherine"
        assert fold_name("L'Épinoy") == "l epinoy"


class TestLoading:
    def test_loading_again_changes_nothing(self):
        entries = AuditEntry.objects.count()
        report = load_reference()
        assert not report.changed
        assert AuditEntry.objects.count() == entries
        assert Commune.objects.count() == 887

    def test_a_territory_chosen_by_staff_survives_a_reload(self, sam):
        arras = Commune.objects.get(insee_code="62041")
        artois = Territory.objects.get(name="Artois")
        commune_set_territory(commune=arras, territory=artois, by=sam)
        load_reference()
        assert Commune.objects.get(insee_code="62041").territory == artois

    def test_a_reload_restores_a_deleted_commune(self):
        Commune.objects.filter(insee_code="62892").delete()
        report = load_reference()
        assert report.created["communes"] == 1
        assert Commune.objects.get(insee_code="62892").postal_code_list == ["62580"]


class TestTerritoryChanges:
    def test_staff_move_a_commune_and_it_is_audited(self, sam):
        arras = Commune.objects.get(insee_code="62041")
        lens = Territory.objects.get(name="Lens-Liévin")
        commune_set_territory(commune=arras, territory=lens, by=sam)
        arras.refresh_from_db()
        assert arras.territory == lens
        entry = AuditEntry.objects.get(action="territories.commune_territory_changed")
        assert entry.actor == sam
        assert entry.data == {"from": "Arrageois", "to": "Lens-Liévin"}

    def test_moving_an_epci_moves_its_communes(self, sam):
        epci = Epci.objects.get(siren="200033579")  # CU d'Arras
        artois = Territory.objects.get(name="Artois")
        epci_set_territory(epci=epci, territory=artois, by=sam)
        assert not Commune.objects.filter(epci=epci).exclude(territory=artois).exists()
        entry = AuditEntry.objects.get(action="territories.epci_territory_changed")
        assert entry.data["communes_moved"] == Commune.objects.filter(epci=epci).count()

    def test_renaming_a_territory_refuses_a_duplicate_name(self, sam):
        from budgetcitoyen.core.errors import InvalidInput

        artois = Territory.objects.get(name="Artois")
        with pytest.raises(InvalidInput, match="déjà ce nom"):
            territory_rename(territory=artois, name="arrageois", by=sam)
