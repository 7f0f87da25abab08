from __future__ import annotations

from decimal import Decimal

import pytest

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.voting import rules
from budgetcitoyen.voting.rules import BallotRule, Option

OPTIONS = {
    1: Option(1, "Recyclerie", 10, "Innovation sociale", Decimal("12000")),
    2: Option(2, "Épicerie", 10, "Innovation sociale", Decimal("8000")),
    3: Option(3, "Jardin", 10, "Innovation sociale", Decimal("15000")),
    4: Option(4, "Tiers-lieu", 20, "Coopération", Decimal("9000")),
    5: Option(5, "Café", 20, "Coopération", Decimal("5000")),
}


def plain(text):
    """Amounts use narrow no-break spaces; compare with ordinary spaces."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def refused(rule, choices):
    with pytest.raises(InvalidInput) as caught:
        rules.validate(rule, OPTIONS, choices)
    assert "choices" in caught.value.errors
    return plain(caught.value.errors["choices"])


@pytest.mark.parametrize(
    "rule",
    [
        BallotRule(rules.ONE_PER_CATEGORY),
        BallotRule(rules.FAVOURITES, 3, 3),
        BallotRule(rules.APPROVAL, None, 4),
        BallotRule(rules.POINTS, None, 3),
        BallotRule(rules.KNAPSACK, budget=Decimal("50000")),
    ],
)
def test_every_rule_refuses_empty_duplicate_and_unknown_choices(rule):
    assert "au moins un projet" in refused(rule, [])
    assert "qu'une fois" in refused(rule, [1, 1])
    assert "ne fait pas partie" in refused(rule, [99])


def test_one_per_category():
    rule = BallotRule(rules.ONE_PER_CATEGORY)
    assert rules.validate(rule, OPTIONS, [1, 4]) == [(1, 1), (4, 1)]
    assert rules.validate(rule, OPTIONS, [5]) == [(5, 1)]
    assert "« Innovation sociale »" in refused(rule, [1, 2])
    assert "« Coopération »" in refused(rule, [4, 1, 5])


def test_favourites_exactly_three():
    rule = BallotRule(rules.FAVOURITES, 3, 3)
    assert rules.validate(rule, OPTIONS, [3, 1, 5]) == [(3, 1), (1, 1), (5, 1)]
    assert refused(rule, [1, 2]) == "Choisissez exactement 3 projets (vous en avez choisi 2)."
    assert refused(rule, [1, 2, 3, 4]) == "Choisissez exactement 3 projets (vous en avez choisi 4)."


def test_favourites_between_a_minimum_and_a_maximum():
    rule = BallotRule(rules.FAVOURITES, 2, 4)
    assert len(rules.validate(rule, OPTIONS, [1, 2])) == 2
    assert len(rules.validate(rule, OPTIONS, [1, 2, 3, 4])) == 4
    assert refused(rule, [1]) == "Choisissez entre 2 et 4 projets (vous en avez choisi 1)."
    assert "entre 2 et 4" in refused(rule, [1, 2, 3, 4, 5])


def test_approval_up_to_n():
    rule = BallotRule(rules.APPROVAL, None, 2)
    assert rules.validate(rule, OPTIONS, [1]) == [(1, 1)]
    assert rules.validate(rule, OPTIONS, [1, 4]) == [(1, 1), (4, 1)]
    assert (
        refused(rule, [1, 2, 3]) == "Vous pouvez choisir au plus 2 projets (vous en avez choisi 3)."
    )


def test_points_first_gets_k_then_one_less():
    rule = BallotRule(rules.POINTS, None, 3)
    assert rules.validate(rule, OPTIONS, [4, 1, 2]) == [(4, 3), (1, 2), (2, 1)]
    assert rules.validate(rule, OPTIONS, [5]) == [(5, 3)]
    assert "au plus 3 projets" in refused(rule, [1, 2, 3, 4])


def test_knapsack_total_at_most_the_budget():
    rule = BallotRule(rules.KNAPSACK, budget=Decimal("30000"))
    assert len(rules.validate(rule, OPTIONS, [1, 2, 4])) == 3  # 29 000 €
    assert len(rules.validate(rule, OPTIONS, [3, 1])) == 2  # exactly 27 000 €
    message = refused(rule, [1, 3, 5])  # 32 000 €
    assert "32 000 €" in message and "2 000 €" in message


def test_knapsack_at_the_exact_budget_is_valid():
    rule = BallotRule(rules.KNAPSACK, budget=Decimal("35000"))
    assert len(rules.validate(rule, OPTIONS, [1, 2, 3])) == 3


def test_parse_ranking():
    assert rules.parse_ranking({1: "2", 4: "1", 2: ""}, 3) == [4, 1]
    with pytest.raises(InvalidInput, match="donné à deux projets"):
        rules.parse_ranking({1: "1", 2: "1"}, 3)
    with pytest.raises(InvalidInput, match="il manque le rang 2"):
        rules.parse_ranking({1: "1", 2: "3"}, 3)
    with pytest.raises(InvalidInput, match="de 1 à 3"):
        rules.parse_ranking({1: "4"}, 3)
    with pytest.raises(InvalidInput, match="de 1 à 3"):
        rules.parse_ranking({1: "un"}, 3)


def test_counters():
    assert (
        rules.counter_text(BallotRule(rules.FAVOURITES, 3, 3), OPTIONS, [1, 2]) == "2 choix sur 3"
    )
    assert rules.counter_text(BallotRule(rules.APPROVAL), OPTIONS, [1]) == "1 choix"
    knapsack = BallotRule(rules.KNAPSACK, budget=Decimal("30000"))
    assert (
        plain(rules.counter_text(knapsack, OPTIONS, [1])) == "Il vous reste 18 000 € sur 30 000 €"
    )
    assert (
        plain(rules.counter_text(knapsack, OPTIONS, [1, 3, 5]))
        == "Dépassement du budget : 2 000 € de trop"
    )
    assert (
        rules.counter_text(BallotRule(rules.ONE_PER_CATEGORY), OPTIONS, [1])
        == "1 catégorie(s) sur 2"
    )
