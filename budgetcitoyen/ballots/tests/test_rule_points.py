"""Points: a ranking of up to k projects, k points to the first, k−1 to the next…"""

from __future__ import annotations

import pytest

from budgetcitoyen.ballots.rules import Points, parse_ranking
from budgetcitoyen.core.errors import InvalidInput

from .rule_helpers import OPTIONS, form, refused


def test_it_reads_the_rank_selects():
    data = form([("rang-1", "2"), ("rang-4", "1"), ("rang-2", ""), ("csrfmiddlewaretoken", "x")])
    assert Points(None, 3).parse(data) == [4, 1]
    with pytest.raises(InvalidInput, match="ne fait pas partie"):
        Points(None, 3).parse(form([("rang-abc", "1")]))


def test_its_summary_sends_the_ranks_back():
    assert Points(None, 3).form_fields(OPTIONS, [4, 1]) == [("rang-4", "1"), ("rang-1", "2")]


def test_parse_ranking():
    assert parse_ranking({1: "2", 4: "1", 2: ""}, 3) == [4, 1]
    with pytest.raises(InvalidInput, match="Le rang 1 est donné à deux projets"):
        parse_ranking({1: "1", 2: "1"}, 3)
    with pytest.raises(InvalidInput, match="il manque le rang 2"):
        parse_ranking({1: "1", 2: "3"}, 3)
    with pytest.raises(InvalidInput, match="de 1 à 3"):
        parse_ranking({1: "4"}, 3)
    with pytest.raises(InvalidInput, match="de 1 à 3"):
        parse_ranking({1: "un"}, 3)


def test_the_first_gets_k_then_one_less():
    rule = Points(None, 3)
    assert rule.validate(OPTIONS, [4, 1, 2]) == [(4, 3), (1, 2), (2, 1)]
    assert rule.validate(OPTIONS, [5]) == [(5, 3)]
    assert refused(rule, [1, 2, 3, 4]) == (
        "Vous pouvez choisir au plus 3 projets (vous en avez choisi 4)."
    )


def test_k_is_three_by_default_and_sets_the_ranks():
    assert Points().most == 3 and Points().ranks == [1, 2, 3]
    assert Points(None, 5).ranks == [1, 2, 3, 4, 5]


def test_its_counter():
    assert Points(None, 3).counter(OPTIONS, [4]) == "1 choix sur 3"


def test_its_points_go_into_the_pb_file():
    assert Points.uses_points and Points.pb_vote_type == "cumulative"


def test_its_settings_need_k_and_drop_the_minimum():
    assert Points.settings_errors(None, 5) == {}
    assert Points.settings_errors(None, None) == {
        "vote_max_choices": "Indiquez le nombre k de projets à classer."
    }
    assert Points.normalise_settings(3, 5) == (None, 5)


def test_it_tells_the_voter():
    assert Points(None, 3).voter_text() == (
        "Vous classez 3 projets : le premier reçoit 3 points, le suivant un de moins, "
        "et ainsi de suite."
    )


@pytest.mark.parametrize("rank", ["²", "٣", "１"])
def test_a_rank_in_digits_of_another_script_is_a_french_refusal(rank):
    # str.isdigit() accepts them but int() does not read "²": it was a 500.
    with pytest.raises(InvalidInput, match="de 1 à 3"):
        parse_ranking({1: rank}, 3)
