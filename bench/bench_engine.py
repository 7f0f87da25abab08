"""Counting engine benchmarks, from memory (run by hand; prints figures, asserts nothing).

    .venv/bin/python bench/bench_engine.py            # everything (a few minutes with pabutools)
    .venv/bin/python bench/bench_engine.py --quick    # skip the slow pabutools comparisons

Targets on the reference 2-core machine (docs/PERFORMANCE.md):
- 1,000,000 approval ballots × 150 projects × 3 categories, ``envelopes``: counting and
  allocation ≤ 1 s;
- ``mes`` on 100,000 ballots × 100 projects ≤ 2 s; ``mes-add1`` ≤ 20 s.
Each part also runs pabutools (when installed) on a smaller instance in the same process, checks
that it selects the same projects, and prints the speed ratio.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import instances
from budgetcitoyen.tally import registry, rules
from budgetcitoyen.tally.model import Outcome, Profile, Project


def timed(label: str, job: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = job()
    elapsed = time.perf_counter() - start
    print(f"  {label:<58} {elapsed:8.3f} s")
    return elapsed, result


def pabutools_instance(projects: list[Project], ballots: list[tuple[str, ...]], budget: Fraction):
    from pabutools.election import ApprovalBallot, ApprovalProfile, Instance
    from pabutools.election import Project as PabuProject
    from pabutools.tiebreaking import TieBreakingRule

    scores = Profile.from_approvals(ballots).scores()
    by_id = {p.id: PabuProject(p.id, p.cost) for p in projects if scores[p.id] > 0}
    instance = Instance(by_id.values(), budget_limit=budget)
    profile = ApprovalProfile(
        [ApprovalBallot([by_id[i] for i in b if i in by_id]) for b in ballots], instance=instance
    )
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -scores[proj.name], int(proj.name)))
    return instance, profile, tie


def compare(label: str, ours: Callable[[], list[str]], theirs: Callable[[], set[str]]) -> None:
    ours_time, selected = timed(f"{label}: Budget citoyen", ours)
    their_time, their_selected = timed(f"{label}: pabutools", theirs)
    same = "identique" if set(selected) == their_selected else "DIFFÉRENT"
    print(f"  → sélection {same} ; Budget citoyen {their_time / ours_time:,.0f} fois plus rapide")


def envelopes_rule(quick: bool) -> None:
    print("envelopes : 1 000 000 bulletins d'approbation × 150 projets × 3 catégories")
    projects = instances.projects(150, categories=3)
    ballots = instances.one_per_category_ballots(projects, 1_000_000)
    envelopes = [
        (
            f"Catégorie {i}",
            instances.budget([p for p in projects if p.category == f"Catégorie {i}"]),
        )
        for i in (1, 2, 3)
    ]

    def count_and_allocate() -> Outcome:
        return registry.run(
            "envelopes", projects, Profile.from_approvals(ballots), envelopes=envelopes
        )

    _elapsed, outcome = timed("comptage et répartition (cible ≤ 1 s)", count_and_allocate)
    print(f"  → {len(outcome.selected)} projets financés, {len(ballots):,} bulletins")
    if quick:
        return
    # pabutools has no envelope rule: compare its greedy on one category, 100,000 ballots.
    from pabutools.election import Cost_Sat
    from pabutools.rules import greedy_utilitarian_welfare

    category = [p for p in projects if p.category == "Catégorie 1"]
    ids = {p.id for p in category}
    small = [tuple(i for i in b if i in ids) for b in ballots[:100_000]]
    budget = envelopes[0][1]
    instance, pabu_profile, tie = pabutools_instance(category, small, budget)
    print("  glouton sur une catégorie, 100 000 bulletins :")
    compare(
        "glouton",
        lambda: rules.greedy(category, Profile.from_approvals(small), budget).selected,
        lambda: {
            p.name
            for p in greedy_utilitarian_welfare(
                instance, pabu_profile, sat_class=Cost_Sat, tie_breaking=tie
            )
        },
    )


def equal_shares(quick: bool) -> None:
    print("mes et mes-add1 : 100 000 bulletins d'approbation × 100 projets")
    projects = instances.projects(100)
    ballots = instances.approval_ballots(projects, 100_000)
    budget = instances.budget(projects)
    profile = Profile.from_approvals(ballots)
    _t, outcome = timed("mes (cible ≤ 2 s)", lambda: rules.mes(projects, profile, budget))
    print(
        f"  → {len(outcome.selected)} projets, {float(outcome.total_cost):,.0f} / {float(budget):,.0f}"
    )
    _t, outcome = timed(
        "mes-add1 (cible ≤ 20 s)", lambda: rules.mes_add1(projects, profile, budget)
    )
    print(
        f"  → {len(outcome.selected)} projets, {float(outcome.total_cost):,.0f} / {float(budget):,.0f}"
    )
    if quick:
        return
    from pabutools.election import Cost_Sat
    from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares

    sample = ballots[:10_000]
    small = Profile.from_approvals(sample)
    instance, pabu_profile, tie = pabutools_instance(projects, sample, budget)
    print("  mes, 10 000 bulletins × 100 projets :")
    compare(
        "mes",
        lambda: rules.mes(projects, small, budget).selected,
        lambda: {
            p.name
            for p in method_of_equal_shares(
                instance, pabu_profile, sat_class=Cost_Sat, tie_breaking=tie
            )
        },
    )
    # Add1 reruns MES once per currency unit added to each voter's share: pabutools needs an
    # instance where that is a few dozen reruns, hence cheaper projects.
    few = instances.projects(30, seed=4, most=50_000)
    sample = instances.approval_ballots(few, 5_000, seed=5)
    small_budget = instances.budget(few)
    small = Profile.from_approvals(sample)
    instance, pabu_profile, tie = pabutools_instance(few, sample, small_budget)
    print(f"  mes-add1, {len(sample):,} bulletins × 30 projets :")
    compare(
        "mes-add1",
        lambda: rules.mes_add1(few, small, small_budget).selected,
        lambda: {
            p.name
            for p in exhaustion_by_budget_increase(
                instance,
                pabu_profile,
                method_of_equal_shares,
                {"sat_class": Cost_Sat, "tie_breaking": tie},
                budget_step=pabu_profile.num_ballots(),
                exhaustive_stop=False,
            )
        },
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sans les comparaisons pabutools")
    options = parser.parse_args()
    envelopes_rule(options.quick)
    equal_shares(options.quick)


if __name__ == "__main__":
    main()
