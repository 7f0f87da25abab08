"""The registry of counting rules, the one tie order and the trace's events."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from budgetcitoyen.tally import registry, trace
from budgetcitoyen.tally.model import Profile, Project, TallyError, TraceEvent, id_order, ranking


def test_every_rule_is_declared_once_with_its_wording():
    assert registry.names() == ["envelopes", "greedy", "greedy-no-skip", "mes", "mes-add1"]
    for rule in registry.RULES.values():
        assert rule.label and rule.description.endswith(".")
        assert not (rule.approval_only and rule.threshold)
    assert registry.with_envelopes() == ["envelopes"]
    assert registry.with_threshold() == ["envelopes", "greedy", "greedy-no-skip"]
    assert registry.DEFAULT in registry.RULES


def test_the_former_name_is_an_alias():
    assert registry.get("pas-de-calais") is registry.RULES["envelopes"]
    assert registry.canonical("pas-de-calais") == "envelopes"
    assert registry.canonical("borda") == "borda" and registry.find("borda") is None
    assert "pas-de-calais" in registry.accepted_names()
    projects = [Project("1", F(10), "A"), Project("2", F(10), "B")]
    outcome = registry.run(
        "pas-de-calais",
        projects,
        Profile.from_approvals([["1"]]),
        envelopes=[("A", F(10)), ("B", F(5))],
    )
    assert outcome.rule == "envelopes" and outcome.selected == ["1"] and outcome.budget == 15


def test_run_refuses_what_a_rule_does_not_take():
    profile = Profile.from_approvals([["1"]])
    projects = [Project("1", F(10), "A")]
    with pytest.raises(TallyError, match="règle inconnue « borda »"):
        registry.run("borda", projects, profile, budget=F(10))
    with pytest.raises(TallyError, match="demande une enveloppe par catégorie"):
        registry.run("envelopes", projects, profile, budget=F(10))
    with pytest.raises(TallyError, match="budget manquant"):
        registry.run("greedy", projects, profile)
    with pytest.raises(TallyError, match="seuil de voix ne s'applique pas à la règle mes"):
        registry.run("mes", projects, profile, budget=F(10), threshold=2)


def test_the_tie_order_compares_ids_safely():
    numeric = id_order(["9", "10", "-1"])
    assert sorted(["9", "10", "-1"], key=numeric) == ["-1", "9", "10"]
    mixed = id_order(["9", "10", "a"])  # one id that is not an integer: all compare as text
    assert sorted(["9", "10", "a"], key=mixed) == ["10", "9", "a"]
    projects = [Project("b", F(5)), Project("a", F(5)), Project("c", F(1)), Project("d", F(9))]
    scores = {"a": 2, "b": 2, "c": 2, "d": 3}
    assert [p.id for p in ranking(projects, scores)] == ["d", "c", "a", "b"]


def test_events_render_in_french_and_in_another_language():
    event = TraceEvent(
        "2",
        True,
        "funded_from_leftovers",
        {
            "votes": 1,
            "category": "A",
            "sources": ["Innovation", "Coopération"],
            "cost": F(1200),
            "pool": F(1, 2),
            "tie_with": "3",
            "tie_by": "id",
        },
    )
    assert trace.render(event) == (
        "1 voix : ne tenait pas dans l'enveloppe A ; financé par le reliquat d'Innovation et de "
        "Coopération (1\u202f200\u00a0€), reste commun 0,50\u00a0€ ; ex aequo avec le projet 3, "
        "départagé par le numéro de projet"
    )
    english = {
        trace.MESSAGES["funded_from_leftovers"]: "%(votes)s: funded by %(sources)s (%(cost)s)",
        trace.TIES["id"]: "%(text)s; tied with %(other)s",
        trace.OF: "%(category)s",
        trace.OF_ELIDED: "%(category)s",
        trace.AND: "%(items)s and %(last)s",
    }
    language = trace.Language(
        gettext=lambda m: english.get(m, m),
        ngettext=lambda s, p, n: "%(count)s vote" if n == 1 else "%(count)s votes",
        money=lambda amount: f"€{amount}",
    )
    assert trace.render(event, language) == (
        "1 vote: funded by Innovation and Coopération (€1200); tied with 3"
    )


def test_events_are_stored_as_plain_data_and_old_sentences_still_read():
    event = TraceEvent(
        "7", True, "funded_equal_shares", {"votes": 3, "cost": F(10), "max_payment": F(10, 3)}
    )
    data = trace.to_data(event)
    assert data == {
        "project_id": "7",
        "selected": True,
        "code": "funded_equal_shares",
        "params": {"votes": 3, "cost": "10", "max_payment": "3.33"},
    }
    assert trace.render(trace.from_data(data)) == trace.render(event)
    old = trace.from_data({"project_id": 7, "selected": False, "text": "aucune voix : non financé"})
    assert old.code == trace.LEGACY and trace.render(old) == "aucune voix : non financé"
