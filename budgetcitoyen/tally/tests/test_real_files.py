"""The engine on real elections: the cities' official results, and pabutools (the academic
reference, a test dependency) on the same files, read by its own parser.

What is cross-checked with pabutools, and why not more (pabutools is slow on large files):

- greedy: every approval and cumulative file (Dieppe, Toulouse, Amsterdam, Katowice, Łódź);
  Kraków's ranked ballots have no pabutools equivalent of counting their points;
- mes: every approval file (Dieppe, Amsterdam, Łódź);
- mes-add1: Dieppe and Amsterdam; on Łódź, Add1 reruns MES once per unit of budget added to
  each of 90,494 voters, which takes pabutools far too long for a test suite.

pabutools counts on grouped ballots (``as_multiprofile``): the same outcome as one ballot at a
time, several times faster.
"""

from __future__ import annotations

from collections import Counter

import pytest

from budgetcitoyen.tally import rules
from budgetcitoyen.tally.tests.test_pabulib import DATA, FILES, load

pytest.importorskip("pabutools")

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.election.satisfaction import AdditiveSatisfaction
from pabutools.rules import (
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule

# --- The official results ----------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [None, 100])
def test_greedy_reproduces_lodz_official_selection(threshold):
    """Łódź 2022: greedy gives the file's `selected` column exactly (16 projects, 6,112,868 PLN),
    with or without the threshold of its META (min_project_score_threshold = 100), which leaves
    out no project that could have been funded."""
    election = load("lodz")
    assert election.meta["min_project_score_threshold"] == "100"
    outcome = rules.run(
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
    outcome = rules.run(
        "greedy",
        election.projects,
        election.profile(),
        budget=election.budget,
        threshold=int(threshold) if threshold else None,
    )
    assert outcome.selected == election.official_selected()


# --- pabutools, on its own reading of the files ------------------------------------------------


class PointsCostSat(AdditiveSatisfaction):
    """Points times cost: pabutools' greedy, which ranks by satisfaction per unit of cost, then
    ranks by points, as ours does for cumulative ballots (Cost_Sat does the same for approvals)."""

    def __init__(self, instance, profile, ballot):
        super().__init__(
            instance,
            profile,
            ballot,
            lambda _i, _p, b, project, _pre: b.get(project, 0) * project.cost,
        )


def pabutools_election(name: str):
    """pabutools' instance and grouped profile, and our tie order over its projects:
    lower cost, then higher score, then id (as integers when every id is one)."""
    instance, profile = parse_pabulib(str(DATA / FILES[name]))
    approval = instance.meta["vote_type"] == "approval"
    scores: Counter[str] = Counter()
    for ballot in profile:
        for project in ballot:
            scores[project.name] += 1 if approval else int(ballot[project])
    numeric = all(p.name.isdigit() for p in instance)
    tie = TieBreakingRule(
        lambda _inst, _prof, p: (
            p.cost,
            -scores[p.name],
            int(p.name) if numeric else p.name,
        )
    )
    return instance, profile.as_multiprofile(), tie, scores, profile.num_ballots()


def ours(name: str, rule: str) -> set[str]:
    election = load(name)
    outcome = rules.run(rule, election.projects, election.profile(), budget=election.budget)
    return set(outcome.selected)


@pytest.mark.parametrize("name", ["dieppe", "toulouse", "amsterdam", "katowice", "lodz"])
def test_greedy_matches_pabutools(name):
    instance, profile, tie, scores, _voters = pabutools_election(name)
    for project in [p for p in instance if scores[p.name] == 0]:
        instance.remove(project)  # ours never funds a project nobody voted for
    sat = Cost_Sat if instance.meta["vote_type"] == "approval" else PointsCostSat
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=sat, tie_breaking=tie)
    assert {p.name for p in theirs} == ours(name, "greedy")


@pytest.mark.parametrize("name", ["dieppe", "amsterdam", "lodz"])
def test_mes_matches_pabutools(name):
    instance, profile, tie, _scores, _voters = pabutools_election(name)
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    assert {p.name for p in theirs} == ours(name, "mes")


@pytest.mark.parametrize("name", ["dieppe", "amsterdam"])
def test_mes_add1_matches_pabutools(name):
    instance, profile, tie, _scores, voters = pabutools_election(name)
    theirs = exhaustion_by_budget_increase(
        instance,
        profile,
        method_of_equal_shares,
        {"sat_class": Cost_Sat, "tie_breaking": tie},
        budget_step=voters,
        exhaustive_stop=False,
    )
    assert {p.name for p in theirs} == ours(name, "mes-add1")


def test_the_trace_speaks_the_file_currency():
    from budgetcitoyen.tally import cli

    _text, outcome, _election = cli.run([str(DATA / "Poland_Lodz_2022.pb"), "--rule", "greedy"])
    assert outcome.trace[0].text.endswith("PLN")
    assert "€" not in " ".join(line.text for line in outcome.trace)
