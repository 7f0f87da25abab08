"""The engine alone: semantics of each rule, tie order, trace, and properties."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from budgetcitoyen.tally import registry, rules, trace
from budgetcitoyen.tally.model import Profile, Project, TallyError


def P(pid, cost, category=None):
    return Project(str(pid), F(cost), category)


PROJECTS = [P(1, 500), P(2, 300), P(3, 400), P(4, 200)]


def approvals(*ballots):
    return Profile.from_approvals([[str(p) for p in b] for b in ballots])


def test_greedy_takes_the_most_voted_that_fit_and_skips_the_others():
    profile = approvals([1, 2], [1, 3], [1, 3], [2], [4])
    outcome = rules.greedy(PROJECTS, profile, F(900))
    # Scores: 1→3, 3→2, 2→2, 4→1. Order: 1, 2 (tie with 3: cheaper first), 3, 4.
    assert outcome.selected == ["1", "2"]
    assert outcome.total_cost == 800 and outcome.leftover == 100
    assert "ne tenait pas dans le reste de 100\u00a0€" in next(
        trace.render(t) for t in outcome.trace if t.project_id == "3"
    )


def test_greedy_no_skip_stops_at_the_first_that_does_not_fit():
    profile = approvals([1, 2], [1, 3], [1, 3], [2], [4])
    assert rules.greedy(PROJECTS, profile, F(900), skip=False).selected == ["1", "2"]
    assert rules.greedy(PROJECTS, profile, F(700), skip=False).selected == ["1"]
    assert rules.greedy(PROJECTS, profile, F(700)).selected == ["1", "4"]


def test_threshold_and_zero_scores():
    profile = approvals([1, 2], [1], [1])
    outcome = rules.greedy(PROJECTS, profile, F(10_000), threshold=2)
    assert outcome.selected == ["1"]
    texts = {t.project_id: trace.render(t) for t in outcome.trace}
    assert "sous le seuil de 2 voix" in texts["2"] and texts["3"] == "aucune voix : non financé"


def test_tie_order_lower_cost_then_id_as_integers():
    projects = [P(10, 100), P(9, 100), P(2, 50)]
    profile = approvals([10, 9, 2])
    assert rules.greedy(projects, profile, F(1000)).selected == ["2", "9", "10"]
    named = [P("b", 100), P("a", 100), P("10", 100)]
    assert rules.greedy(named, approvals(["b", "a", "10"]), F(1000)).selected == ["10", "a", "b"]


def test_envelopes_envelopes_then_pooled_leftovers_by_priority():
    projects = [
        P(1, 150, "Innovation sociale"),
        P(2, 100, "Innovation sociale"),
        P(3, 120, "Coopération"),
        P(4, 60, "Pratiques de l'ESS"),
        P(5, 90, "Pratiques de l'ESS"),
    ]
    profile = approvals([1, 2, 3, 4, 5], [1, 2, 3, 5], [1, 2, 5], [1])
    envelopes = [
        ("Innovation sociale", F(200)),
        ("Coopération", F(200)),
        ("Pratiques de l'ESS", F(100)),
    ]
    outcome = rules.by_envelopes(projects, profile, envelopes)
    # Step 1: IS takes 1 (150, 50 left; 2 does not fit); Coop takes 3 (80 left); ESS takes 5 (10 left).
    # Pool 140: IS first: 2 (100) fits → 40 left; ESS: 4 (60) does not.
    assert outcome.selected == ["1", "3", "5", "2"]
    assert outcome.budget == 500
    assert outcome.spending == {
        "Innovation sociale": 250,
        "Coopération": 120,
        "Pratiques de l'ESS": 90,
    }
    texts = {t.project_id: trace.render(t) for t in outcome.trace}
    assert "financé sur l'enveloppe Coopération" in texts["3"]
    assert "financé par le reliquat d'Innovation sociale et de Coopération" in texts["2"]
    assert ("Coopération", "Innovation sociale", F(50)) in outcome.moves
    assert not texts["4"].startswith("financé")


def test_envelopes_needs_an_envelope_for_every_category():
    with pytest.raises(TallyError, match="n'a pas d'enveloppe"):
        rules.by_envelopes([P(1, 10, "A"), P(2, 10, "B")], approvals([1]), [("A", F(100))])


def test_mes_example():
    # Two groups: 2 voters for {1}, 1 voter for {2, 3}. Budget 300: 100 each.
    projects = [P(1, 200), P(2, 100), P(3, 100)]
    profile = approvals([1], [1], [2, 3])
    outcome = rules.mes(projects, profile, F(300))
    # 1: supporters pay 100 each (rho 1/2); 2: one voter pays 100 (rho 1). 1 first, then 2.
    assert outcome.selected == ["1", "2"]


def test_mes_refuses_points_ballots():
    with pytest.raises(TallyError):
        rules.mes(PROJECTS, Profile.from_points([{"1": 3}]), F(100))


def test_unknown_rule():
    with pytest.raises(TallyError, match="règle inconnue"):
        registry.run("borda", PROJECTS, approvals([1]), budget=F(10))


# --- Properties ---------------------------------------------------------------------------------------


@st.composite
def instances(draw, categories=("A", "B", "C")):  # type: ignore[no-untyped-def]
    n = draw(st.integers(1, 8))
    projects = [
        P(i + 1, draw(st.integers(1, 60)), draw(st.sampled_from(categories))) for i in range(n)
    ]
    ids = [p.id for p in projects]
    ballots = draw(
        st.lists(st.lists(st.sampled_from(ids), max_size=n, unique=True), min_size=1, max_size=12)
    )
    budget = F(draw(st.integers(0, 200)))
    return projects, Profile.from_approvals(ballots), budget


@given(instances())
def test_no_rule_exceeds_its_budget(instance):
    projects, profile, budget = instance
    for rule in ("greedy", "greedy-no-skip", "mes", "mes-add1"):
        outcome = registry.run(rule, projects, profile, budget=budget)
        assert outcome.total_cost <= budget, rule
        assert len(set(outcome.selected)) == len(outcome.selected)


@given(instances(), st.lists(st.integers(0, 100), min_size=3, max_size=3))
def test_envelopes_never_exceeds_the_envelopes_in_total(instance, amounts):
    projects, profile, _budget = instance
    envelopes = list(zip(("A", "B", "C"), map(F, amounts), strict=True))
    outcome = rules.by_envelopes(projects, profile, envelopes)
    assert outcome.total_cost <= sum(map(F, amounts))


@given(instances(categories=("A",)))
def test_envelopes_with_one_category_is_greedy(instance):
    projects, profile, budget = instance
    assert (
        rules.by_envelopes(projects, profile, [("A", budget)]).selected
        == rules.greedy(projects, profile, budget).selected
    )


@given(instances(), st.data())
def test_more_approvals_never_deselect_a_greedy_winner(instance, data):
    projects, profile, budget = instance
    outcome = rules.greedy(projects, profile, budget)
    if not outcome.selected:
        return
    winner = data.draw(st.sampled_from(outcome.selected))
    extra = data.draw(st.integers(1, 5))
    more = Profile.from_approvals(
        [list(b) for b, c in profile.approvals.items() for _ in range(c)] + [[winner]] * extra
    )
    assert winner in rules.greedy(projects, more, budget).selected


def test_the_trace_says_how_a_tie_was_broken():
    projects = [P(1, 30), P(2, 20), P(3, 20), P(4, 50)]
    outcome = rules.greedy(projects, approvals([1, 2, 3], [1, 2, 3], [4]), F(45))
    texts = {t.project_id: trace.render(t) for t in outcome.trace}
    assert outcome.selected == ["2", "3"]
    assert "ex aequo avec le projet 3, départagé par le numéro de projet" in texts["2"]
    assert "ex aequo avec le projet 3, départagé par le coût, le moins cher d'abord" in texts["1"]
    assert "ex aequo" not in texts["4"]
