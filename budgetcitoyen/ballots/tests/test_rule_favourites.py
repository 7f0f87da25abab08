"""Favourites: between a minimum and a maximum of projects (1 to 3 by default)."""

from __future__ import annotations

import pytest

from budgetcitoyen.ballots.rules import Favourites
from budgetcitoyen.core.errors import InvalidInput

from .rule_helpers import OPTIONS, form, refused


def test_it_reads_the_ticked_boxes_in_order():
    assert Favourites(3, 3).parse(form([("projets", "3"), ("projets", "1")])) == [3, 1]
    with pytest.raises(InvalidInput, match="ne fait pas partie"):
        Favourites(3, 3).parse(form([("projets", "abc")]))


def test_its_summary_sends_the_boxes_back():
    assert Favourites(3, 3).form_fields(OPTIONS, [3, 1]) == [("projets", "3"), ("projets", "1")]


def test_exactly_three():
    rule = Favourites(3, 3)
    assert rule.validate(OPTIONS, [3, 1, 5]) == [(3, 1), (1, 1), (5, 1)]
    assert refused(rule, [1, 2]) == "Choisissez exactement 3 projets (vous en avez choisi 2)."
    assert refused(rule, [1, 2, 3, 4]) == "Choisissez exactement 3 projets (vous en avez choisi 4)."


def test_between_a_minimum_and_a_maximum():
    rule = Favourites(2, 4)
    assert len(rule.validate(OPTIONS, [1, 2])) == 2
    assert len(rule.validate(OPTIONS, [1, 2, 3, 4])) == 4
    assert refused(rule, [1]) == "Choisissez entre 2 et 4 projets (vous en avez choisi 1)."
    assert "entre 2 et 4" in refused(rule, [1, 2, 3, 4, 5])


def test_three_by_default():
    assert Favourites(None, None).most == 3 and Favourites(None, None).least == 1


def test_its_counter():
    assert Favourites(3, 3).counter(OPTIONS, [1, 2]) == "2 choix sur 3"
    assert Favourites.counter_style == "count"


def test_it_is_an_approval_ballot_in_the_pb_file():
    assert Favourites.pb_vote_type == "approval" and not Favourites.uses_points


def test_its_settings_need_a_minimum_and_a_maximum_in_order():
    assert Favourites.settings_errors(3, 3) == {}
    assert Favourites.settings_errors(None, None) == {
        "vote_min_choices": "Indiquez le nombre minimum de coups de cœur (au moins 1).",
        "vote_max_choices": "Indiquez le nombre maximum de coups de cœur.",
    }
    assert Favourites.settings_errors(4, 2) == {
        "vote_max_choices": "Le maximum de choix ne peut être inférieur au minimum."
    }
    assert Favourites.normalise_settings(2, 4) == (2, 4)


def test_it_tells_the_voter():
    assert Favourites(3, 3).voter_text() == (
        "Vous choisissez vos 3 coups de cœur parmi les projets labellisés."
    )
    assert Favourites(1, 1).voter_text() == (
        "Vous choisissez votre coup de cœur parmi les projets labellisés."
    )
    assert Favourites(2, 4).voter_text() == (
        "Vous choisissez entre 2 et 4 coups de cœur parmi les projets labellisés."
    )


def test_the_counter_flags_choices_over_the_maximum():
    rule = Favourites(1, 3)
    assert rule.counter(OPTIONS, [1, 2, 3]) == "3 choix sur 3"
    assert rule.counter(OPTIONS, [1, 2, 3, 4]) == "4 choix sur 3 : 1 de trop, retirez-en un."
    assert rule.counter(OPTIONS, [1, 2, 3, 4, 5]) == ("5 choix sur 3 : 2 de trop, retirez-en 2.")
    # What ballot.js shows for each number of choices, flagged beyond the maximum.
    states = rule.counter_states(OPTIONS)
    assert [s["over"] for s in states] == [False, False, False, False, True, True]
    assert states[4]["text"] == "4 choix sur 3 : 1 de trop, retirez-en un."


def test_the_default_edition_asks_for_one_to_three_and_an_edition_may_ask_for_three():
    from budgetcitoyen.editions.models import Edition

    default = Favourites.for_edition(Edition())
    assert (default.least, default.most) == (1, 3)
    assert len(default.validate(OPTIONS, [4, 5])) == 2  # two favourites are a ballot
    assert default.voter_text() == (
        "Vous choisissez entre 1 et 3 coups de cœur parmi les projets labellisés."
    )
    exactly = Favourites(3, 3)
    assert refused(exactly, [4, 5]) == "Choisissez exactement 3 projets (vous en avez choisi 2)."
