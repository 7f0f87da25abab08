"""``load_reference FILE`` loads another département's communes from a file in the shipped format."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from budgetcitoyen.territories import selectors
from budgetcitoyen.territories.models import Commune, CommuneAlias, Epci, PostalCode, Territory
from budgetcitoyen.territories.services import REFERENCE_COLUMNS

pytestmark = pytest.mark.django_db

# Four communes of the Hérault (34), two EPCIs, two territories, one former commune; Montpellier
# and Castelnau-le-Lez share no code, Montpellier has several.
HERAULT = """\
insee_code,name,kind,parent_insee_code,postal_codes,population,epci_siren,epci_name,territory
34172,Montpellier,commune-actuelle,,34000 34070 34080 34090,302454,243400017,Montpellier Méditerranée Métropole,Montpelliérais
34057,Castelnau-le-Lez,commune-actuelle,,34170,23128,243400017,Montpellier Méditerranée Métropole,Montpelliérais
34032,Béziers,commune-actuelle,,34500,79041,243400769,CA Béziers Méditerranée,Biterrois
34300,Sérignan,commune-actuelle,,34410,7426,243400769,CA Béziers Méditerranée,Biterrois
34999,Ancien Sérignan,commune-deleguee,34300,,,243400769,CA Béziers Méditerranée,Biterrois
"""


def write(tmp_path: Path, content: str, name: str = "herault.csv") -> Path:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    return path


def load(path: Path) -> str:
    out = StringIO()
    call_command("load_reference", str(path), stdout=out)
    return out.getvalue()


def test_it_loads_another_departement(tmp_path):
    output = load(write(tmp_path, HERAULT))
    assert "Ajouts — communes : 4" in output
    assert {"Montpelliérais", "Biterrois"} <= set(Territory.objects.values_list("name", flat=True))
    assert Epci.objects.get(siren="243400769").territory.name == "Biterrois"
    montpellier = Commune.objects.get(insee_code="34172")
    assert montpellier.population == 302454 and montpellier.territory.name == "Montpelliérais"
    assert sorted(
        PostalCode.objects.filter(commune=montpellier).values_list("code", flat=True)
    ) == [
        "34000",
        "34070",
        "34080",
        "34090",
    ]
    assert list(selectors.communes_by_postal_code("34410")) == [
        Commune.objects.get(insee_code="34300")
    ]
    assert CommuneAlias.objects.get(insee_code="34999").commune.name == "Sérignan"


def test_a_second_run_changes_nothing(tmp_path):
    path = write(tmp_path, HERAULT)
    load(path)
    assert load(path).strip() == "Données de référence déjà à jour."


def test_the_old_file_option_still_works(tmp_path):
    out = StringIO()
    call_command("load_reference", "--file", str(write(tmp_path, HERAULT)), stdout=out)
    assert Commune.objects.filter(insee_code__startswith="34").count() == 4


def test_the_help_lists_the_columns():
    from budgetcitoyen.territories.management.commands.load_reference import Command

    assert ",".join(REFERENCE_COLUMNS) in Command.help


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "insee_code,name,kind\n34172,Montpellier,commune-actuelle\n",
            "Colonnes manquantes dans bad.csv : parent_insee_code, postal_codes",
        ),
        (
            HERAULT.replace("commune-deleguee", "hameau"),
            "bad.csv, ligne 6 : nature « hameau » inconnue",
        ),
        (
            HERAULT.replace(
                "34999,Ancien Sérignan,commune-deleguee,34300",
                "34999,Ancien,commune-deleguee,34111",
            ),
            "bad.csv, ligne 6 : commune de rattachement 34111 absente du fichier.",
        ),
        (
            HERAULT.replace("302454", "beaucoup"),
            "bad.csv, ligne 2 : une commune actuelle a une population entière",
        ),
    ],
)
def test_a_file_that_does_not_fit_is_refused_whole(tmp_path, content, message):
    before = Commune.objects.count()
    with pytest.raises(CommandError) as caught:
        load(write(tmp_path, content, "bad.csv"))
    assert message in str(caught.value)
    assert Commune.objects.count() == before


def test_a_missing_file_is_refused_with_a_message(tmp_path):
    with pytest.raises(CommandError, match=r"Impossible de lire absent\.csv"):
        load(tmp_path / "absent.csv")
