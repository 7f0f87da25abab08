"""Approval: any number of projects up to a maximum."""

from __future__ import annotations

import pytest

from budgetcitoyen.ballots.rules import Approval
from budgetcitoyen.core.errors import InvalidInput

from .rule_helpers import OPTIONS, form, refused


def test_it_reads_the_ticked_boxes():
    assert Approval(None, 2).parse(form([("projets", "4"), ("projets", "1")])) == [4, 1]
    assert Approval(None, 2).parse({"projets": ["5"]}) == [5]
    with pytest.raises(InvalidInput, match="ne fait pas partie"):
        Approval(None, 2).parse(form([("projets", "")]))


def test_up_to_n_one_point_each():
    rule = Approval(None, 2)
    assert rule.validate(OPTIONS, [1]) == [(1, 1)]
    assert rule.validate(OPTIONS, [1, 4]) == [(1, 1), (4, 1)]
    assert refused(rule, [1, 2, 3]) == (
        "Vous pouvez choisir au plus 2 projets (vous en avez choisi 3)."
    )


def test_its_counter():
    assert Approval(None, 2).counter(OPTIONS, [1]) == "1 choix sur 2"
    assert Approval().counter(OPTIONS, [1]) == "1 choix"


def test_it_is_an_approval_ballot_in_the_pb_file():
    assert Approval.pb_vote_type == "approval" and not Approval.uses_points


def test_its_settings_need_a_maximum_and_drop_the_minimum():
    assert Approval.settings_errors(None, 3) == {}
    assert Approval.settings_errors(None, None) == {
        "vote_max_choices": "Indiquez le nombre maximum de projets qu'un votant peut approuver."
    }
    assert Approval.normalise_settings(3, 5) == (None, 5)


def test_it_tells_the_voter():
    assert Approval(None, 3).voter_text() == "Vous soutenez jusqu'à 3 projets."
    assert Approval(None, 1).voter_text() == "Vous soutenez le projet de votre choix."
