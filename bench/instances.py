"""Synthetic but realistic elections for the benchmarks (fixed seeds, so figures compare).

Popularity follows a Zipf-like law (a few projects draw most votes, as in real elections),
ballots approve 1 to ``max_length`` projects, costs range from 5,000 to 500,000 €, and the
budget funds roughly a fifth of the total cost.
"""

from __future__ import annotations

import random
from fractions import Fraction

from budgetcitoyen.tally.model import Project


def projects(
    count: int, *, categories: int = 1, seed: int = 1, most: int = 500_000
) -> list[Project]:
    rng = random.Random(seed)
    return [
        Project(
            str(i + 1),
            Fraction(rng.randrange(most // 100, most + 1, most // 1000)),
            category=f"Catégorie {i % categories + 1}",
        )
        for i in range(count)
    ]


def approval_ballots(
    projects: list[Project], voters: int, *, max_length: int = 5, seed: int = 2
) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    ids = [p.id for p in projects]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ids))]
    rng.shuffle(weights)
    ballots = []
    for _ in range(voters):
        length = rng.randint(1, max_length)
        ballots.append(tuple(sorted(set(rng.choices(ids, weights, k=length)))))
    return ballots


def one_per_category_ballots(
    projects: list[Project], voters: int, *, seed: int = 3
) -> list[tuple[str, ...]]:
    """One approved project per category (the Pas-de-Calais ballot), some categories blank."""
    rng = random.Random(seed)
    by_category: dict[str, list[str]] = {}
    for p in projects:
        by_category.setdefault(p.category or "", []).append(p.id)
    choices = []
    for ids in by_category.values():
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(ids))]
        rng.shuffle(weights)
        choices.append((ids, weights))
    ballots = []
    for _ in range(voters):
        ballot = tuple(
            rng.choices(ids, weights)[0] for ids, weights in choices if rng.random() < 0.9
        )
        ballots.append(ballot or (choices[0][0][0],))
    return ballots


def budget(projects: list[Project], share: float = 0.2) -> Fraction:
    return Fraction(int(sum(p.cost for p in projects) * Fraction(share)))
