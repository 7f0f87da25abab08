"""The registry of ballot rules, and what every rule shares (each rule has its own test file)."""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import get_template

from budgetcitoyen.ballots import rules
from budgetcitoyen.ballots.rules import Approval, Favourites, Knapsack, OnePerCategory, Points
from budgetcitoyen.editions.admin import vote_rule_help
from budgetcitoyen.editions.models import Edition

from .rule_helpers import OPTIONS, form, refused

# The codes editions already store (editions migration 0001): a rule may be added, never renamed.
STORED_CODES = {"one_per_category", "favourites", "approval", "points", "knapsack"}

EVERY_RULE = [
    OnePerCategory(),
    Favourites(3, 3),
    Approval(None, 4),
    Points(None, 3),
    Knapsack(budget=Decimal("50000")),
]


def test_the_registry_holds_the_stored_codes():
    assert set(rules.RULES) == STORED_CODES
    assert all(code == rule.code for code, rule in rules.RULES.items())


def test_the_edition_field_offers_the_registry():
    field = Edition._meta.get_field("vote_rule")
    assert [code for code, _label in field.choices] == list(rules.RULES)
    assert dict(field.choices)["points"] == Points.label
    assert field.default in rules.RULES


def test_the_choices_come_from_a_callable_so_a_rule_needs_no_migration():
    _name, _path, _args, kwargs = Edition._meta.get_field("vote_rule").deconstruct()
    assert callable(kwargs["choices"])


@pytest.mark.parametrize("code", sorted(STORED_CODES))
def test_each_rule_has_its_template_and_its_test_file(code):
    rule = rules.RULES[code]()
    assert get_template(rule.template)
    assert (Path(__file__).parent / f"test_rule_{code}.py").exists()


def test_a_code_registered_twice_is_refused():
    with pytest.raises(ValueError, match="twice"):
        rules.register(Points)


def test_an_unknown_code_is_a_french_refusal():
    with pytest.raises(rules.InvalidInput, match="règle de vote de cette édition est inconnue"):
        rules.rule_class("borda")


def test_the_admin_help_lists_every_rule_with_its_description():
    help_text = html.unescape(vote_rule_help())
    for rule in rules.RULES.values():
        assert f"<strong>{rule.label}</strong> : {rule.description}</li>" in help_text


@pytest.mark.parametrize("rule", EVERY_RULE, ids=lambda rule: rule.code)
def test_every_rule_refuses_empty_duplicate_and_unknown_choices(rule):
    assert "au moins un projet" in refused(rule, [])
    assert "qu'une fois" in refused(rule, [1, 1])
    assert "ne fait pas partie" in refused(rule, [99])


@pytest.mark.parametrize("rule", EVERY_RULE, ids=lambda rule: rule.code)
def test_every_rule_reads_back_what_its_summary_sends(rule):
    chosen = [4, 1]
    assert rule.parse(form(rule.form_fields(OPTIONS, chosen))) == chosen


@pytest.mark.parametrize("rule", EVERY_RULE, ids=lambda rule: rule.code)
def test_every_rule_says_in_french_how_to_vote(rule):
    assert rule.voter_text().startswith("Vous ")
