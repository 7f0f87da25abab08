"""Knapsack: a basket of projects whose total is at most the budget."""

from __future__ import annotations

from decimal import Decimal

from budgetcitoyen.ballots.rules import Knapsack

from .rule_helpers import OPTIONS, form, plain, refused


def test_it_reads_the_ticked_boxes():
    assert Knapsack(budget=Decimal("30000")).parse(form([("projets", "1")])) == [1]


def test_the_total_is_at_most_the_budget():
    rule = Knapsack(budget=Decimal("30000"))
    assert rule.validate(OPTIONS, [1, 2, 4]) == [(1, 1), (2, 1), (4, 1)]  # 29 000 €
    assert len(rule.validate(OPTIONS, [3, 1])) == 2  # 27 000 €
    assert refused(rule, [1, 3, 5]) == (
        "Le montant total de vos choix (32 000 €) dépasse le budget de 30 000 € de 2 000 € : "
        "retirez un projet."
    )


def test_the_exact_budget_is_valid():
    assert len(Knapsack(budget=Decimal("35000")).validate(OPTIONS, [1, 2, 3])) == 3


def test_its_counter_shows_the_amount_left_or_the_excess():
    rule = Knapsack(budget=Decimal("30000"))
    assert plain(rule.counter(OPTIONS, [1])) == "Il vous reste 18 000 € sur 30 000 €"
    assert plain(rule.counter(OPTIONS, [1, 3, 5])) == "Dépassement du budget : 2 000 € de trop"
    assert rule.counter_style == "budget"


def test_it_is_an_approval_ballot_in_the_pb_file():
    assert Knapsack.pb_vote_type == "approval" and not Knapsack.uses_points


def test_it_uses_the_budget_and_no_minimum_nor_maximum():
    assert Knapsack.settings_errors(None, None) == {}
    assert Knapsack.normalise_settings(3, 3) == (None, None)
    assert Knapsack(3, 3, Decimal("10")).most is None
    assert Knapsack(budget=Decimal("10")).budget == Decimal("10")


def test_it_tells_the_voter():
    assert Knapsack().voter_text() == (
        "Vous composez votre panier de projets : leur montant total ne peut dépasser le budget "
        "de l'édition."
    )
