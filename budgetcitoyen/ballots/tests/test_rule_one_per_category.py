"""One project at most in each category."""

from __future__ import annotations

import pytest

from budgetcitoyen.ballots.rules import OnePerCategory
from budgetcitoyen.core.errors import InvalidInput

from .rule_helpers import OPTIONS, form, refused

RULE = OnePerCategory()


def test_it_reads_one_radio_group_per_category():
    data = form([("categorie-10", "2"), ("categorie-20", ""), ("csrfmiddlewaretoken", "x")])
    assert RULE.parse(data) == [2]
    with pytest.raises(InvalidInput, match="ne fait pas partie"):
        RULE.parse(form([("categorie-10", "abc")]))


def test_its_summary_sends_each_choice_under_its_category():
    assert RULE.form_fields(OPTIONS, [1, 4]) == [("categorie-10", "1"), ("categorie-20", "4")]


def test_it_takes_one_project_per_category_one_point_each():
    assert RULE.validate(OPTIONS, [1, 4]) == [(1, 1), (4, 1)]
    assert RULE.validate(OPTIONS, [5]) == [(5, 1)]


def test_it_refuses_two_projects_in_a_category():
    assert refused(RULE, [1, 2]) == (
        "Un seul projet par catégorie : vous en avez choisi plusieurs dans la catégorie "
        "« Innovation sociale »."
    )
    assert "« Coopération »" in refused(RULE, [4, 1, 5])


def test_its_counter_counts_categories():
    assert RULE.counter(OPTIONS, [1]) == "1 catégorie sur 2"
    assert RULE.counter(OPTIONS, [1, 4]) == "2 catégories sur 2"
    assert RULE.counter_style == "categories"


def test_it_is_an_approval_ballot_in_the_pb_file():
    assert RULE.pb_vote_type == "approval" and not RULE.uses_points


def test_it_uses_no_minimum_nor_maximum():
    assert OnePerCategory.settings_errors(None, None) == {}
    assert OnePerCategory.normalise_settings(3, 3) == (None, None)
    assert OnePerCategory(3, 3).most is None


def test_it_tells_the_voter():
    assert RULE.voter_text() == "Vous choisissez un projet dans chaque catégorie."
