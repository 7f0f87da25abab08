"""The engine on real elections: the cities' official results, and pabutools' outcomes.

pabutools (the academic reference, a test dependency) takes minutes on the large files: its
outcomes are stored beside each file (``golden.py`` says which rules and why, and how to write
them again). The fast suite compares our engine with them; the ``slow`` tests
(``./scripts/test --slow``) run pabutools again and fail if it, or our engine, differs.
"""

from __future__ import annotations

import importlib.util
import json
import os

import pytest

from budgetcitoyen.tally import registry
from budgetcitoyen.tally.tests import golden
from budgetcitoyen.tally.tests.test_pabulib import DATA, load

# --- The official results ----------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [None, 100])
def test_greedy_reproduces_lodz_official_selection(threshold):
    """Łódź 2022: greedy gives the file's `selected` column exactly (16 projects, 6,112,868 PLN),
    with or without the threshold of its META (min_project_score_threshold = 100), which leaves
    out no project that could have been funded."""
    election = load("lodz")
    assert election.meta["min_project_score_threshold"] == "100"
    outcome = registry.run(
        "greedy", election.projects, election.profile(), budget=election.budget, threshold=threshold
    )
    assert outcome.selected == election.official_selected()
    assert len(outcome.selected) == 16 and outcome.total_cost == 6_112_868 == election.budget


@pytest.mark.parametrize("name", ["katowice", "krakow"])
def test_greedy_reproduces_the_other_official_selections(name):
    """Katowice 2020 (cumulative, threshold 200 in its META) and Kraków 2022 (ranked ballots
    whose points 3, 2, 1 are summed): greedy on the points gives the `selected` column."""
    election = load(name)
    threshold = election.meta.get("min_project_score_threshold")
    outcome = registry.run(
        "greedy",
        election.projects,
        election.profile(),
        budget=election.budget,
        threshold=int(threshold) if threshold else None,
    )
    assert outcome.selected == election.official_selected()


# --- pabutools' outcomes ------------------------------------------------------------------------


def ours(name: str, rule: str) -> list[str]:
    election = load(name)
    outcome = registry.run(rule, election.projects, election.profile(), budget=election.budget)
    return sorted(outcome.selected)


@pytest.mark.parametrize("name", sorted(golden.RULES_CHECKED))
def test_the_golden_files_describe_the_files_beside_them(name):
    stored = golden.read_golden(name)
    assert stored["file"] == golden.FILES[name]
    assert stored["sha256"] == golden.file_sha256(name), "fichier .pb modifié : réécrivez le golden"
    assert sorted(stored["outcomes"]) == sorted(golden.RULES_CHECKED[name])
    assert stored["pabutools"]
    assert stored.get("recipe") == golden.recipe(), (
        "appel de pabutools modifié : réécrivez le golden"
    )


@pytest.mark.parametrize(("name", "rule"), golden.CASES)
def test_the_engine_gives_pabutools_outcome(name, rule):
    assert ours(name, rule) == golden.read_golden(name)["outcomes"][rule]


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("pabutools") is None, reason="pabutools absent")
@pytest.mark.parametrize(("name", "rule"), golden.CASES)
def test_pabutools_still_gives_the_stored_outcome_and_so_does_the_engine(name, rule):
    if (
        (name, rule) in golden.HEAVY
        and golden.inputs_unchanged(name)
        and os.environ.get("BUDGETCITOYEN_PABUTOOLS_AGAIN") != "1"
    ):
        pytest.skip(
            "pabutools, ce fichier et cet appel sont ceux qui ont écrit le résultat gardé "
            "(BUDGETCITOYEN_PABUTOOLS_AGAIN=1 pour le recalculer quand même)"
        )
    theirs = golden.pabutools_outcome(name, rule)
    assert theirs == golden.read_golden(name)["outcomes"][rule]
    assert ours(name, rule) == theirs


def test_the_trace_speaks_the_file_currency():
    from budgetcitoyen.tally import cli

    path = str(DATA / "Poland_Lodz_2022.pb")
    text, _outcome, _election = cli.run([path, "--rule", "greedy", "--format", "json"])
    texts = [line["text"] for line in json.loads(text)["trace"]]
    assert texts[0].endswith("PLN")
    assert "€" not in " ".join(texts)
