"""The allocation rules, with exactly the semantics of the CLI contract (see docs).

Tie order, used whenever two projects are otherwise equal: ``model.tie_order`` (lower cost
first, then higher score, then project id). Each rule explains each project with a
``TraceEvent`` (``tally.trace`` lists the codes). ``tally.registry`` names the rules and runs
them.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from fractions import Fraction
from itertools import pairwise

import numpy as np
from gmpy2 import mpq

from budgetcitoyen.tally.model import (
    Outcome,
    Profile,
    Project,
    TallyError,
    TraceEvent,
    ranking,
    tie_order,
)

VERSION = "1"


def greedy_order(
    projects: Sequence[Project], scores: dict[str, int], threshold: int | None
) -> list[Project]:
    """Projects with score > 0 (and >= threshold), most voted first, ties by the tie order."""
    eligible = [
        p for p in projects if scores.get(p.id, 0) > 0 and scores.get(p.id, 0) >= (threshold or 0)
    ]
    return ranking(eligible, scores)


def _event(project: Project, selected: bool, code: str, score: int, **params: object) -> TraceEvent:
    return TraceEvent(project.id, selected, code, {"votes": score, **params})


def _tie_notes(ordered: Sequence[Project], scores: dict[str, int]) -> dict[str, dict[str, str]]:
    """For projects with as many votes as a neighbour in the order: how the tie was broken."""
    notes: dict[str, dict[str, str]] = {}
    for before, after in pairwise(ordered):
        if scores[before.id] == scores[after.id]:
            how = "cost" if before.cost != after.cost else "id"
            notes.setdefault(before.id, {"tie_with": after.id, "tie_by": how})
            notes.setdefault(after.id, {"tie_with": before.id, "tie_by": how})
    return notes


def _noted(trace: list[TraceEvent], notes: dict[str, dict[str, str]]) -> list[TraceEvent]:
    return [
        TraceEvent(t.project_id, t.selected, t.code, {**t.params, **notes.get(t.project_id, {})})
        for t in trace
    ]


def _below_threshold(
    projects: Sequence[Project], scores: dict[str, int], threshold: int | None
) -> list[TraceEvent]:
    lines = []
    for p in projects:
        score = scores.get(p.id, 0)
        if score == 0:
            lines.append(_event(p, False, "no_votes", 0))
        elif threshold and score < threshold:
            lines.append(_event(p, False, "below_threshold", score, threshold=threshold))
    return lines


def greedy(
    projects: Sequence[Project],
    profile: Profile,
    budget: Fraction,
    *,
    threshold: int | None = None,
    skip: bool = True,
) -> Outcome:
    scores = dict(profile.scores())
    remaining = budget
    selected: list[str] = []
    trace: list[TraceEvent] = []
    stopped = False
    order = greedy_order(projects, scores, threshold)
    for project in order:
        score = scores[project.id]
        if stopped:
            trace.append(_event(project, False, "stopped", score))
        elif project.cost <= remaining:
            remaining -= project.cost
            selected.append(project.id)
            trace.append(
                _event(project, True, "funded", score, cost=project.cost, remaining=remaining)
            )
        else:
            trace.append(
                _event(project, False, "over_budget", score, cost=project.cost, remaining=remaining)
            )
            stopped = not skip
    trace = _noted(trace, _tie_notes(order, scores))
    trace.extend(_below_threshold(projects, scores, threshold))
    return Outcome(
        rule="greedy" if skip else "greedy-no-skip",
        budget=budget,
        selected=selected,
        costs={p.id: p.cost for p in projects},
        scores={p.id: scores.get(p.id, 0) for p in projects},
        trace=trace,
    )


def by_envelopes(
    projects: Sequence[Project],
    profile: Profile,
    envelopes: Sequence[tuple[str, Fraction]],
    *,
    threshold: int | None = None,
) -> Outcome:
    """Greedy in each category's envelope, then the pooled leftovers, by category priority."""
    priority = [category for category, _amount in envelopes]
    envelope = dict(envelopes)
    if len(envelope) != len(envelopes):
        raise TallyError("une catégorie a deux enveloppes")
    for p in projects:
        if p.category not in envelope:
            raise TallyError(
                f"le projet {p.id} est dans la catégorie « {p.category} », qui n'a pas d'enveloppe"
            )
    scores = dict(profile.scores())
    selected: list[str] = []
    trace: list[TraceEvent] = []
    spending = {c: Fraction(0) for c in priority}
    leftover: dict[str, Fraction] = {}
    ordered = {
        c: greedy_order([p for p in projects if p.category == c], scores, threshold)
        for c in priority
    }
    # Step 1: each category within its envelope.
    for category in priority:
        remaining = envelope[category]
        for project in ordered[category]:
            if project.cost <= remaining:
                remaining -= project.cost
                selected.append(project.id)
                spending[category] += project.cost
                trace.append(
                    _event(
                        project,
                        True,
                        "funded_in_envelope",
                        scores[project.id],
                        category=category,
                        cost=project.cost,
                        remaining=remaining,
                    )
                )
        leftover[category] = remaining
    # Step 2: the leftovers are pooled. Step 3: by priority, unselected projects while they fit.
    pool = sum(leftover.values(), Fraction(0))
    available = dict(leftover)  # what each category still gives, to tell where money went
    moves: list[tuple[str, str, Fraction]] = []
    chosen = set(selected)
    for category in priority:
        for project in ordered[category]:
            if project.id in chosen:
                continue
            score = scores[project.id]
            if project.cost <= pool:
                pool -= project.cost
                selected.append(project.id)
                chosen.add(project.id)
                spending[category] += project.cost
                sources = _draw(available, project.cost, category, priority)
                for source, amount in sources:
                    if source != category:
                        moves.append((source, category, amount))
                trace.append(
                    _event(
                        project,
                        True,
                        "funded_from_leftovers",
                        score,
                        category=category,
                        sources=[source for source, _ in sources],
                        cost=project.cost,
                        pool=pool,
                    )
                )
            else:
                trace.append(
                    _event(
                        project,
                        False,
                        "over_envelope_and_pool",
                        score,
                        category=category,
                        cost=project.cost,
                        pool=pool,
                    )
                )
    notes: dict[str, dict[str, str]] = {}
    for category in priority:
        notes.update(_tie_notes(ordered[category], scores))
    trace = _noted(trace, notes)
    trace.extend(_below_threshold(projects, scores, threshold))
    return Outcome(
        rule="envelopes",
        budget=sum(envelope.values(), Fraction(0)),
        selected=selected,
        costs={p.id: p.cost for p in projects},
        scores={p.id: scores.get(p.id, 0) for p in projects},
        trace=trace,
        spending=spending,
        moves=_merge(moves),
    )


def _draw(
    available: dict[str, Fraction], cost: Fraction, category: str, priority: list[str]
) -> list[tuple[str, Fraction]]:
    """Tell which leftovers pay a project of the pooled step: its own category's first, then the
    others in priority order (a presentation rule: the selection never depends on it)."""
    sources = []
    due = cost
    for source in [category, *[c for c in priority if c != category]]:
        if due <= 0:
            break
        take = min(available[source], due)
        if take > 0:
            available[source] -= take
            due -= take
            sources.append((source, take))
    return sources


def _merge(moves: list[tuple[str, str, Fraction]]) -> list[tuple[str, str, Fraction]]:
    total: dict[tuple[str, str], Fraction] = {}
    for source, target, amount in moves:
        total[(source, target)] = total.get((source, target), Fraction(0)) + amount
    return [(s, t, a) for (s, t), a in total.items()]


# --- Method of Equal Shares -------------------------------------------------------------------


class _EqualShares:
    """MES with cost utilities on grouped approval ballots, prepared once and run for any
    per-voter budget (Add1 reruns it many times).

    Voters who approved the same projects hold the same money at every step, so a distinct
    ballot is one group with a multiplicity. Better still, the future of a voter depends only
    on their ballot and their money: each group points to a *money state*, and groups that
    end up with the same amount share a state. A project's supporters are then summarised by
    how many of them sit in each state (a numpy ``bincount``), and the exact arithmetic
    (``Fraction``) runs over those few states instead of over every voter.
    """

    def __init__(self, projects: Sequence[Project], profile: Profile) -> None:
        self.scores = scores = profile.scores()
        tie = tie_order(projects, scores)
        self.projects = [p for p in projects if scores.get(p.id, 0) > 0]
        index = {p.id: i for i, p in enumerate(self.projects)}
        groups = list(profile.approvals.items())
        self.counts = np.fromiter((count for _ballot, count in groups), np.float64, len(groups))
        members: list[list[int]] = [[] for _ in self.projects]
        for g, (ballot, _count) in enumerate(groups):
            for project_id in ballot:
                i = index.get(project_id)
                if i is not None:
                    members[i].append(g)
        self.supporters = [np.array(m, dtype=np.int64) for m in members]
        self.groups = len(groups)
        self.tie = [tie(p) for p in self.projects]
        self.costs = [mpq(p.cost) for p in self.projects]

    def run(self, per_voter: Fraction) -> tuple[list[str], dict[str, Fraction]]:
        state = np.zeros(self.groups, dtype=np.int64)
        money: list[mpq] = [mpq(per_voter)]
        state_of: dict[mpq, int] = {money[0]: 0}
        selected: list[str] = []
        rhos: dict[str, Fraction] = {}
        # Money only ever decreases, so a project's rho only ever increases: the key computed in
        # an earlier round is a lower bound. Lazy evaluation: take the smallest bound, compute
        # its key again, and select it if it is still no larger than the next bound.
        heap: list[tuple[tuple[mpq, tuple[object, ...]], int]] = []
        for i in range(len(self.projects)):
            found = self._key(i, state, money)
            if found is not None:
                heap.append((found[0], i))
        heapq.heapify(heap)
        while heap:
            _bound, i = heapq.heappop(heap)
            found = self._key(i, state, money)
            if found is None:
                continue  # unaffordable now, and forever: money never grows back
            key, cap = found
            if heap and heap[0][0] < key:
                heapq.heappush(heap, (key, i))
                continue
            members = self.supporters[i]
            moved = {}
            # The states its supporters are in (np.unique would import numpy.ma, 0.1 s).
            for s in np.flatnonzero(np.bincount(state[members])).tolist():
                left = money[s] - min(money[s], cap)
                if left not in state_of:
                    state_of[left] = len(money)
                    money.append(left)
                moved[s] = state_of[left]
            step = np.arange(len(money), dtype=np.int64)
            for s, t in moved.items():
                step[s] = t
            state[members] = step[state[members]]
            project = self.projects[i]
            selected.append(project.id)
            rhos[project.id] = Fraction(int(key[0].numerator), int(key[0].denominator))
        return selected, rhos

    def _key(
        self, i: int, state: np.ndarray, money: list[mpq]
    ) -> tuple[tuple[mpq, tuple[object, ...]], mpq] | None:
        """The project's (rho, tie order) key and maximal payment, or None if unaffordable."""
        cost = self.costs[i]
        members = self.supporters[i]
        held = np.bincount(state[members], self.counts[members], len(money))
        budgets = sorted(
            (money[s], int(held[s])) for s in np.flatnonzero(held).tolist() if money[s]
        )
        if sum((m * c for m, c in budgets), mpq(0)) < cost:
            return None
        cap = _max_payment(cost, budgets)
        rho = cap / cost if cost else mpq(0)
        return (rho, self.tie[i]), cap


def _max_payment(cost: mpq, budgets: list[tuple[mpq, int]]) -> mpq:
    """The smallest r with sum(count * min(b, r)) = cost, budgets sorted ascending."""
    paid = mpq(0)
    left = sum(count for _b, count in budgets)
    for budget, count in budgets:
        r = (cost - paid) / left
        if budget >= r:
            return r
        paid += budget * count
        left -= count
    return mpq(0)  # pragma: no cover - callers check affordability first


def mes(projects: Sequence[Project], profile: Profile, budget: Fraction) -> Outcome:
    if not profile.is_approval:
        raise TallyError("la méthode des parts égales ne s'applique qu'aux bulletins d'approbation")
    n = profile.voters
    equal_shares = _EqualShares(projects, profile)
    selected, rhos = equal_shares.run(budget / n if n else Fraction(0))
    return _mes_outcome("mes", projects, equal_shares.scores, budget, selected, rhos)


def mes_add1(projects: Sequence[Project], profile: Profile, budget: Fraction) -> Outcome:
    """MES completed by Add1: raise each voter's budget by 1 unit at a time; keep the last
    outcome whose cost fits the real budget."""
    if not profile.is_approval:
        raise TallyError("la méthode des parts égales ne s'applique qu'aux bulletins d'approbation")
    n = profile.voters
    if n == 0:
        return _mes_outcome("mes-add1", projects, profile.scores(), budget, [], {})
    equal_shares = _EqualShares(projects, profile)
    scores = equal_shares.scores
    supported = {p.id for p in projects if scores.get(p.id, 0) > 0}
    costs = {p.id: p.cost for p in projects}
    k = 0
    kept, kept_rhos = equal_shares.run(budget / n)
    while set(kept) != supported:
        k += 1
        candidate, rhos = equal_shares.run(budget / n + k)
        if sum((costs[p] for p in candidate), Fraction(0)) > budget:
            break
        kept, kept_rhos = candidate, rhos
    return _mes_outcome("mes-add1", projects, scores, budget, kept, kept_rhos)


def _mes_outcome(
    rule: str,
    projects: Sequence[Project],
    scores: Mapping[str, int],
    budget: Fraction,
    selected: list[str],
    rhos: dict[str, Fraction],
) -> Outcome:
    trace = []
    chosen = set(selected)
    by_id = {p.id: p for p in projects}
    for project_id in selected:
        project = by_id[project_id]
        trace.append(
            _event(
                project,
                True,
                "funded_equal_shares",
                scores[project_id],
                cost=project.cost,
                max_payment=rhos[project_id] * project.cost,
            )
        )
    for project in projects:
        if project.id in chosen:
            continue
        score = scores.get(project.id, 0)
        if score == 0:
            trace.append(_event(project, False, "no_votes", 0))
        else:
            trace.append(
                _event(project, False, "unaffordable_equal_shares", score, cost=project.cost)
            )
    return Outcome(
        rule=rule,
        budget=budget,
        selected=selected,
        costs={p.id: p.cost for p in projects},
        scores={p.id: scores.get(p.id, 0) for p in projects},
        trace=trace,
    )
