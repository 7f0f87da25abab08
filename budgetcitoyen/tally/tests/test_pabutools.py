"""Cross-check against pabutools, the academic reference (a test dependency only)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetcitoyen.tally import rules
from budgetcitoyen.tally.model import Profile, Project

pabutools = pytest.importorskip("pabutools")

from pabutools.election import (  # noqa: E402
    ApprovalBallot,
    ApprovalProfile,
    Cost_Sat,
    Instance,
)
from pabutools.election import Project as PabuProject  # noqa: E402
from pabutools.rules import (  # noqa: E402
    exhaustion_by_budget_increase,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)
from pabutools.tiebreaking import TieBreakingRule  # noqa: E402


def pabu(projects, ballots, budget, *, drop_unsupported=False):
    scores = {p.id: sum(p.id in b for b in ballots) for p in projects}
    kept = [p for p in projects if not drop_unsupported or scores[p.id] > 0]
    by_id = {p.id: PabuProject(p.id, p.cost) for p in kept}
    instance = Instance(by_id.values(), budget_limit=budget)
    profile = ApprovalProfile(
        [ApprovalBallot([by_id[i] for i in b if i in by_id]) for b in ballots], instance=instance
    )
    tie = TieBreakingRule(lambda inst, prof, proj: (proj.cost, -scores[proj.name], int(proj.name)))
    return instance, profile, tie


@st.composite
def instances(draw):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 7))
    projects = [Project(str(i + 1), F(draw(st.integers(1, 40)))) for i in range(n)]
    ids = [p.id for p in projects]
    ballots = draw(
        st.lists(
            st.lists(st.sampled_from(ids), min_size=1, max_size=n, unique=True),
            min_size=1,
            max_size=10,
        )
    )
    budget = F(draw(st.integers(1, 120)))
    return projects, ballots, budget


def names(allocation):
    return {p.name for p in allocation}


@given(instances())
def test_greedy_matches_pabutools(instance):
    projects, ballots, budget = instance
    ours = rules.greedy(projects, Profile.from_approvals(ballots), budget)
    inst, prof, tie = pabu(projects, ballots, budget, drop_unsupported=True)
    theirs = greedy_utilitarian_welfare(inst, prof, sat_class=Cost_Sat, tie_breaking=tie)
    assert set(ours.selected) == names(theirs)


@given(instances())
def test_mes_matches_pabutools(instance):
    projects, ballots, budget = instance
    ours = rules.mes(projects, Profile.from_approvals(ballots), budget)
    inst, prof, tie = pabu(projects, ballots, budget)
    theirs = method_of_equal_shares(inst, prof, sat_class=Cost_Sat, tie_breaking=tie)
    assert set(ours.selected) == names(theirs)


@given(instances())
def test_mes_add1_matches_pabutools(instance):
    projects, ballots, budget = instance
    ours = rules.mes_add1(projects, Profile.from_approvals(ballots), budget)
    inst, prof, tie = pabu(projects, ballots, budget)
    theirs = exhaustion_by_budget_increase(
        inst,
        prof,
        method_of_equal_shares,
        {"sat_class": Cost_Sat, "tie_breaking": tie},
        budget_step=len(ballots),
        exhaustive_stop=False,
    )
    assert set(ours.selected) == names(theirs)
