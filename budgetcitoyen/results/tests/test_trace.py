"""The trace of a published result: stored as events, read in the reader's language; results
stored before events existed (French sentences, the rule's former name) still display."""

# ruff: noqa: F811  (the fixtures imported from the page tests are used by name)
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from budgetcitoyen.results import downloads
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.tests.test_public import (  # noqa: F401  (fixtures)
    URL,
    ballots,
    edition,
    projects,
    published,
    snapshot,
    staff,
)
from budgetcitoyen.tally import registry, trace

pytestmark = [pytest.mark.django_db]


def text(response) -> str:
    """The page's words, as read (entities decoded, non-breaking spaces as spaces)."""
    words = BeautifulSoup(response.content.decode(), "html.parser").get_text(" ")
    return words.replace("\u202f", " ").replace("\u00a0", " ")


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_stored_trace_is_events_not_sentences(published):
    lines = published.outcome["trace"]
    assert lines and all(
        set(line) == {"project_id", "selected", "code", "params"} for line in lines
    )
    assert {line["code"] for line in lines} <= set(trace.MESSAGES)


def test_with_english_selected_the_trace_reads_in_english(published):
    body = text(english().get(URL))
    assert "How each project was or was not selected" in body
    assert "funded from the Innovation sociale envelope (€12,000), €18,000 left" in body
    assert (
        "funded by the leftover of Innovation sociale, Coopération and Pratiques de l'ESS"
        " (€14,000), €1,000 left in common"
    ) in body
    assert "its cost of €7,000 fitted neither in the Coopération envelope" in body
    assert "No votes: not funded." in body
    assert "financé" not in body
    # The same page in French, as before.
    french = text(Client().get(URL))
    assert (
        "6 voix : financé sur l'enveloppe Innovation sociale (12 000 €), reste 18 000 €" in french
    )
    assert "funded from" not in french


def test_the_json_download_gives_each_event_its_text_in_the_reader_language(published):
    data = json.loads(english().get("/resultats/2025/resultats.json").content)
    assert all(line["code"] and line["text"] for line in data["trace"])
    assert any(line["text"].startswith("6 votes: funded") for line in data["trace"])
    french = json.loads(Client().get("/resultats/2025/resultats.json").content)
    assert any(line["text"].startswith("6 voix : financé") for line in french["trace"])


def test_a_result_stored_with_french_sentences_and_the_former_rule_name_still_displays(published):
    outcome = dict(published.outcome)
    outcome["rule"] = "pas-de-calais"
    outcome["trace"] = [
        {"project_id": line["project_id"], "selected": line["selected"], "text": sentence}
        for line, sentence in zip(
            outcome["trace"],
            ["6 voix : financé sur l'enveloppe Innovation sociale (12 000 €), reste 18 000 €"]
            + ["phrase enregistrée"] * (len(outcome["trace"]) - 1),
            strict=True,
        )
    ]
    ResultSnapshot.objects.filter(pk=published.pk).update(rule="pas-de-calais", outcome=outcome)
    body = text(Client().get(URL))
    assert "6 voix : financé sur l'enveloppe Innovation sociale (12 000 €), reste 18 000 €." in body
    assert "Phrase enregistrée." in body
    assert "Enveloppes par catégorie, reliquats redistribués par priorité" in body
    assert "--rule envelopes" in body and "Innovation sociale" in body
    # Old sentences are French: an English reader sees them as they were stored.
    assert "Phrase enregistrée." in text(english().get(URL))
    with translation.override("fr"):
        assert "Enveloppes par catégorie" in str(ResultSnapshot.objects.get(pk=published.pk))


def test_every_trace_message_and_rule_text_has_its_english_translation():
    messages = [*trace.MESSAGES.values(), *trace.TIES.values(), trace.OF, trace.OF_ELIDED]
    messages += [trace.AND, trace.VOTES[0]]
    for rule in registry.RULES.values():
        messages += [rule.label, rule.description]
    with translation.override("en"):
        missing = [m for m in messages if translation.gettext(m) == m]
    assert missing == []


def test_the_download_sizes_are_computed_once_per_snapshot(published, monkeypatch):
    cache.clear()
    built = []
    real = downloads.csv_rows
    monkeypatch.setattr(downloads, "csv_rows", lambda s: built.append(s.pk) or real(s))
    for _ in range(3):
        assert Client().get(URL).status_code == 200
    assert built == [published.pk]
    english().get(URL)  # the JSON holds the trace's texts: one more build per language
    assert built == [published.pk, published.pk]
    assert Client().get("/resultats/2025/resultats.csv").status_code == 200  # the file itself


def test_the_recount_program_compares_ids_the_engine_way(published):
    from budgetcitoyen.results.recount import python_snippet

    numeric = python_snippet(published)
    assert "int(p.name)" in numeric and "p.name))" in numeric
    named = ResultSnapshot(
        edition=published.edition,
        rule="greedy",
        outcome={**published.outcome, "projects": [{"id": "a"}, {"id": "10"}]},
    )
    program = python_snippet(named)
    assert "int(p.name)" not in program and "(p.cost, -votes[p], p.name)" in program
