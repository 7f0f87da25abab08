"""pabutools' outcomes on the real elections, kept as golden files beside the ``.pb`` files.

pabutools (the academic reference) takes minutes on the large files, so the fast suite compares
our engine with what pabutools once computed, stored in ``<file>.pabutools.json`` with the
pabutools version, the SHA-256 of the ``.pb`` it read and a digest of the code below that calls
pabutools (the recipe). The ``slow`` tests run pabutools again and fail if it no longer gives
the stored outcome. pabutools' outcome is a function of those three inputs alone: on the
``HEAVY`` cases (tens of seconds each), the slow tests run it again only when one of them is not
what the golden file records (a new pabutools, a changed file, a changed recipe), or when
``BUDGETCITOYEN_PABUTOOLS_AGAIN=1`` asks for it; the other cases run it every time.

Write the golden files again (after adding a file or a rule, or to move to a new pabutools)::

    .venv/bin/python -m budgetcitoyen.tally.tests.golden [NAME ...]

What is cross-checked, and why not more (pabutools is slow on large files):

- greedy: every approval and cumulative file (Dieppe, Toulouse, Amsterdam, Katowice, Łódź);
  Kraków's ranked ballots have no pabutools equivalent of counting their points;
- mes: every approval file (Dieppe, Amsterdam, Łódź);
- mes-add1: Dieppe and Amsterdam; on Łódź, Add1 reruns MES once per unit of budget added to
  each of 90,494 voters, which takes pabutools far too long even for the slow tests.

pabutools counts on grouped ballots (``as_multiprofile``): the same outcome as one ballot at a
time, several times faster.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data" / "pabulib"
FILES = {
    "dieppe": "Canada_Stanford_Dataset_PB_Dieppe_2018_vote_approvals.pb",
    "toulouse": "France_Toulouse_2019.pb",
    "amsterdam": "Netherlands_Amsterdam_166.pb",
    "katowice": "Poland_Katowice_2020.pb",
    "krakow": "Poland_Krakow_2022.pb",
    "lodz": "Poland_Lodz_2022.pb",
}
RULES_CHECKED = {
    "dieppe": ["greedy", "mes", "mes-add1"],
    "toulouse": ["greedy"],
    "amsterdam": ["greedy", "mes", "mes-add1"],
    "katowice": ["greedy"],
    "lodz": ["greedy", "mes"],
}
CASES = [(name, rule) for name, rules in RULES_CHECKED.items() for rule in rules]
# pabutools takes 3 to 30 seconds on each of these (the others: under one second).
HEAVY = {
    ("amsterdam", "mes-add1"),
    ("dieppe", "mes-add1"),
    ("katowice", "greedy"),
    ("lodz", "greedy"),
    ("lodz", "mes"),
}


def golden_path(name: str) -> Path:
    return DATA / (FILES[name] + ".pabutools.json")


def file_sha256(name: str) -> str:
    return hashlib.sha256((DATA / FILES[name]).read_bytes()).hexdigest()


def read_golden(name: str) -> dict[str, Any]:
    return json.loads(golden_path(name).read_text(encoding="utf-8"))


def _election(name: str):  # type: ignore[no-untyped-def]
    """pabutools' instance and grouped profile, and our tie order over its projects:
    lower cost, then higher score, then id (as integers when every id is one)."""
    from pabutools.election import parse_pabulib
    from pabutools.tiebreaking import TieBreakingRule

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


def pabutools_outcome(name: str, rule: str) -> list[str]:
    """The projects pabutools selects on that file with that rule, sorted as text."""
    from pabutools.election import Cost_Sat
    from pabutools.election.satisfaction import AdditiveSatisfaction
    from pabutools.rules import (
        exhaustion_by_budget_increase,
        greedy_utilitarian_welfare,
        method_of_equal_shares,
    )

    class PointsCostSat(AdditiveSatisfaction):
        """Points times cost: pabutools' greedy, which ranks by satisfaction per unit of cost,
        then ranks by points, as ours does for cumulative ballots (Cost_Sat does the same for
        approvals)."""

        def __init__(self, instance, profile, ballot):  # type: ignore[no-untyped-def]
            super().__init__(
                instance,
                profile,
                ballot,
                lambda _i, _p, b, project, _pre: b.get(project, 0) * project.cost,
            )

    instance, profile, tie, scores, voters = _election(name)
    if rule == "greedy":
        for project in [p for p in instance if scores[p.name] == 0]:
            instance.remove(project)  # ours never funds a project nobody voted for
        sat = Cost_Sat if instance.meta["vote_type"] == "approval" else PointsCostSat
        selected = greedy_utilitarian_welfare(instance, profile, sat_class=sat, tie_breaking=tie)
    elif rule == "mes":
        selected = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=tie)
    elif rule == "mes-add1":
        selected = exhaustion_by_budget_increase(
            instance,
            profile,
            method_of_equal_shares,
            {"sat_class": Cost_Sat, "tie_breaking": tie},
            budget_step=voters,
            exhaustive_stop=False,
        )
    else:
        raise ValueError(f"no pabutools equivalent for {rule}")
    return sorted(p.name for p in selected)


def recipe() -> str:
    """A digest of the code that turns a file into pabutools' outcome (the calls, the tie order)."""
    import inspect

    source = inspect.getsource(_election) + inspect.getsource(pabutools_outcome)
    return hashlib.sha256(source.encode()).hexdigest()


def inputs_unchanged(name: str) -> bool:
    """The installed pabutools, the file and the recipe are those that wrote the golden file."""
    stored = read_golden(name)
    return (
        stored["pabutools"] == importlib.metadata.version("pabutools")
        and stored["sha256"] == file_sha256(name)
        and stored.get("recipe") == recipe()
    )


def compute_golden(name: str) -> dict[str, Any]:
    return {
        "file": FILES[name],
        "sha256": file_sha256(name),
        "pabutools": importlib.metadata.version("pabutools"),
        "recipe": recipe(),
        "outcomes": {rule: pabutools_outcome(name, rule) for rule in RULES_CHECKED[name]},
    }


def write_golden(name: str) -> Path:
    path = golden_path(name)
    path.write_text(
        json.dumps(compute_golden(name), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return path


def main(argv: list[str]) -> int:
    names = argv or list(RULES_CHECKED)
    unknown = [n for n in names if n not in RULES_CHECKED]
    if unknown:
        print(f"fichiers inconnus : {', '.join(unknown)} (connus : {', '.join(RULES_CHECKED)})")
        return 2
    for name in names:
        print(f"{name} : pabutools calcule {', '.join(RULES_CHECKED[name])}…", flush=True)
        print(f"  écrit {write_golden(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
