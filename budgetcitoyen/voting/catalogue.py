"""The ballot of an edition, loaded once per process and drawn once per language.

Every page of the vote needs the same projects: the ballot lists them, the summary and the cast
check the choices against them. During the vote they cannot change (a decision is final once
the vote has opened: ``labelling.services.check_decision_window``), but a category or a
territory may still be renamed. So each process keeps the ballot of an edition under the
edition's ``catalogue_version``, which every save or deletion of a decision, a category or a
territory raises (the receivers below, for services and the admin alike); the edition is read
on every request anyway, so a process sees a change on its next request, at no extra query.

What is kept: the projects (with category and territory), the rule's ``Option`` of each, and
the HTML of the list of projects with nothing chosen (``rendered_choices``), the largest part
of the ballot page.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.utils import translation

from budgetcitoyen.ballots import rules
from budgetcitoyen.editions import current
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.labelling.models import Decision, Outcome
from budgetcitoyen.territories.models import Territory


@dataclass
class Ballot:
    """An edition's ballot as one process keeps it (never changed once built)."""

    projects: list[Decision]
    options: dict[int, rules.Option]
    by_pk: dict[int, Decision]
    _rendered: dict[tuple[str, str], Any] = field(default_factory=dict)


_kept: dict[tuple[int, int], Ballot] = {}
_lock = threading.Lock()


def option_of(decision: Decision) -> rules.Option:
    return rules.Option(
        pk=decision.pk,
        title=decision.public_title,
        category_id=decision.category_id or 0,
        category_name=decision.category.name if decision.category else "",
        amount=decision.labelled_amount or Decimal("0"),
    )


def _load(edition: Edition) -> Ballot:
    projects = list(
        Decision.objects.filter(edition=edition, outcome=Outcome.LABELLED)
        .select_related("category", "dossier__territory")
        .only(
            "pk",
            "public_title",
            "public_summary",
            "labelled_amount",
            "category_id",
            "category__name",
            "category__priority",
            "dossier_id",
            "dossier__territory__name",
        )
        .order_by("category__priority", "public_title", "pk")
    )
    return Ballot(
        projects=projects,
        options={p.pk: option_of(p) for p in projects},
        by_pk={p.pk: p for p in projects},
    )


def ballot_of(edition: Edition) -> Ballot:
    """The edition's ballot, from this process's memory unless the catalogue moved."""
    key = (edition.pk, edition.catalogue_version)
    kept = _kept.get(key)
    if kept is None:
        kept = _load(edition)
        with _lock:
            for old in [k for k in _kept if k[0] == edition.pk]:
                del _kept[old]
            _kept[key] = kept
    return kept


def groups_of(ballot: Ballot, chosen: list[int]) -> list[dict[str, Any]]:
    """The projects grouped by category, each row saying whether it is chosen and its rank."""
    rank_of = {pk: position for position, pk in enumerate(chosen, start=1)}
    groups: list[dict[str, Any]] = []
    for project in ballot.projects:
        if not groups or groups[-1]["category"] != project.category:
            groups.append({"category": project.category, "projects": [], "has_choice": False})
        groups[-1]["projects"].append(
            {
                "project": project,
                "territory": project.dossier.territory,
                "chosen": project.pk in rank_of,
                "rank": rank_of.get(project.pk),
            }
        )
        groups[-1]["has_choice"] = groups[-1]["has_choice"] or project.pk in rank_of
    return groups


def rendered_choices(ballot: Ballot, rule: rules.BallotRule, context: dict[str, Any]) -> str:
    """The HTML of the rule's list of projects with nothing chosen, drawn once per language."""
    key = ("choices", _rule_key(rule))
    html = ballot._rendered.get(key)
    if html is None:
        html = render_to_string(rule.template, {**context, "groups": groups_of(ballot, [])})
        ballot._rendered[key] = html
    return html


def counter_states(ballot: Ballot, rule: rules.BallotRule) -> list[dict[str, Any]]:
    """``rule.counter_states`` (a line per number of choices), computed once per language."""
    key = ("counter", _rule_key(rule))
    states = ballot._rendered.get(key)
    if states is None:
        states = rule.counter_states(ballot.options)
        ballot._rendered[key] = states
    return states


def _rule_key(rule: rules.BallotRule) -> str:
    language = translation.get_language() or ""
    return f"{language}:{rule.code}:{rule.min_choices}:{rule.max_choices}:{rule.budget}"


def forget() -> None:
    """Drop what this process keeps (tests that rewrite the database under it)."""
    with _lock:
        _kept.clear()


# --- What raises the version ------------------------------------------------------------------


def _drop(edition_id: int | None) -> None:
    """This process forgets an edition's ballot (None: every edition's) at once; the others
    see the raised version on their next request."""
    with _lock:
        for key in [k for k in _kept if edition_id is None or k[0] == edition_id]:
            del _kept[key]


def _raise_version(edition_id: int | None) -> None:
    if edition_id is not None:
        Edition.objects.filter(pk=edition_id).update(catalogue_version=F("catalogue_version") + 1)
        current.changed()  # the kept current edition carries the version
    _drop(edition_id)


def _decision_changed(sender: Any, instance: Decision, **kwargs: Any) -> None:
    _raise_version(instance.edition_id)


def _category_changed(sender: Any, instance: Category, **kwargs: Any) -> None:
    _raise_version(instance.edition_id)


def _territory_changed(sender: Any, instance: Territory, **kwargs: Any) -> None:
    Edition.objects.update(catalogue_version=F("catalogue_version") + 1)
    current.changed()
    _drop(None)


def _edition_changed(sender: Any, instance: Edition, **kwargs: Any) -> None:
    _drop(instance.pk)


def connect() -> None:
    receivers = (
        (Decision, _decision_changed),
        (Category, _category_changed),
        (Territory, _territory_changed),
        (Edition, _edition_changed),
    )
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        for model, receiver in receivers:
            uid = f"voting.catalogue:{model.__name__}:{name}"
            signal.connect(receiver, sender=model, dispatch_uid=uid)
