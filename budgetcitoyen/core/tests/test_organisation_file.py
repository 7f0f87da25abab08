"""The collectivité's identity is a TOML file (the shipped one describes the Pas-de-Calais),
each value overridable by an environment variable; a broken file stops start-up in French."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'budgetcitoyen.settings';"
    "from django.conf import settings;"
    "print(settings.BUDGETCITOYEN_ORGANISATION, '|', settings.BUDGETCITOYEN_AREA_OF, '|',"
    " settings.BUDGETCITOYEN_MINIMUM_VOTER_AGE)"
)
LYON = """
organisation = "Métropole de Lyon"
organisation_short = "la Métropole"
organisation_of = "de la Métropole"
organisation_en = "the Metropolis"
organisation_address = "20 rue du Lac, 69003 Lyon"
publication_director = "le président de la Métropole"
publication_director_en = "the President of the Metropolis"
area = "la Métropole de Lyon"
area_of = "de la Métropole de Lyon"
area_in = "dans la Métropole de Lyon"
area_en = "the Lyon Metropolis"
contact_email = "budget@exemple.fr"
dpo_email = "dpo@exemple.fr"
minimum_voter_age = 16
"""


def _settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1", **env},
        check=False,
    )


def test_the_shipped_file_describes_the_pas_de_calais():
    run = _settings({})
    assert run.stdout.split(" | ") == ["Département du Pas-de-Calais", "du Pas-de-Calais", "11\n"]


def test_another_collectivite_is_one_file(tmp_path: Path):
    path = tmp_path / "lyon.toml"
    path.write_text(LYON, encoding="utf-8")
    run = _settings({"BUDGETCITOYEN_ORGANISATION_FILE": str(path)})
    assert run.stdout.split(" | ") == ["Métropole de Lyon", "de la Métropole de Lyon", "16\n"]


def test_an_environment_variable_overrides_one_value():
    run = _settings(
        {"BUDGETCITOYEN_AREA_OF": "de l'Hérault", "BUDGETCITOYEN_MINIMUM_VOTER_AGE": "16"}
    )
    assert run.stdout.split(" | ") == ["Département du Pas-de-Calais", "de l'Hérault", "16\n"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('organisation = "x"\n', "la clé « organisation_short » manque"),
        (
            LYON.replace("minimum_voter_age = 16", 'minimum_voter_age = "seize"'),
            "doit être un nombre",
        ),
        ("organisation = \n", "est illisible"),
    ],
)
def test_a_broken_file_stops_start_up_with_a_french_message(tmp_path: Path, content, message):
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    run = _settings({"BUDGETCITOYEN_ORGANISATION_FILE": str(path)})
    assert run.returncode != 0 and message in run.stderr
