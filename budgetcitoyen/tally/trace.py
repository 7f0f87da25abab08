"""The trace of a count: what the engine says about each project, as codes and parameters.

The rules return ``TraceEvent``s (a code, the project, its parameters: votes, amounts,
category, tie-break…), never sentences, so what is stored can be said in any language. This
module holds the codes, their French wording (the msgids the platform translates) and the one
renderer, which takes the reader's ``gettext``: the CLI prints French with no Django at all,
the results pages pass Django's.

Parameters of every event: ``votes`` (the project's score). Then, by code:

- ``no_votes``; ``below_threshold``: ``threshold``;
- ``stopped`` (greedy without skip, after the first project too dear);
- ``funded``, ``over_budget``: ``cost``, ``remaining``;
- ``funded_in_envelope``: ``category``, ``cost``, ``remaining`` (of its envelope);
- ``funded_from_leftovers``: ``category``, ``sources`` (the categories whose leftovers paid,
  its own first), ``cost``, ``pool`` (what the pooled leftovers still hold);
- ``over_envelope_and_pool``: ``category``, ``cost``, ``pool``;
- ``funded_equal_shares``: ``cost``, ``max_payment`` (the most one supporter paid);
- ``unaffordable_equal_shares``: ``cost``.

Any event may add ``tie_with`` (the project it had as many votes as) and ``tie_by`` (``cost``
or ``id``: how the tie order told them apart). Amounts are ``Fraction``s in the engine and
exact decimal strings once stored. ``text`` is the code of a trace stored before events
existed: its one parameter ``text`` is the French sentence, shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from budgetcitoyen.tally.model import TraceEvent
from budgetcitoyen.tally.money import euros
from budgetcitoyen.tally.pabulib import decimal_text


def gettext_noop(message: str) -> str:
    """Marks a message for translation without translating it (named like Django's, so that
    ``makemessages`` extracts it, while ``tally`` stays free of Django)."""
    return message


# makemessages reads ``ngettext_lazy(singular, plural)`` as a plural pair: this marker has that
# shape, and like ``gettext_noop`` it only returns what it is given, to translate on display.
def ngettext_lazy(singular: str, plural: str) -> tuple[str, str]:
    return singular, plural


LEGACY = "text"
AMOUNTS = ("cost", "remaining", "pool", "max_payment")

MESSAGES: dict[str, str] = {
    "no_votes": gettext_noop("aucune voix : non financé"),
    "below_threshold": gettext_noop("%(votes)s, sous le seuil de %(threshold)s voix : non financé"),
    "stopped": gettext_noop("%(votes)s : le décompte s'est arrêté avant lui"),
    "funded": gettext_noop("%(votes)s : financé (%(cost)s), reste %(remaining)s"),
    "over_budget": gettext_noop(
        "%(votes)s : son coût de %(cost)s ne tenait pas dans le reste de %(remaining)s"
    ),
    "funded_in_envelope": gettext_noop(
        "%(votes)s : financé sur l'enveloppe %(category)s (%(cost)s), reste %(remaining)s"
    ),
    "funded_from_leftovers": gettext_noop(
        "%(votes)s : ne tenait pas dans l'enveloppe %(category)s ; financé par le reliquat "
        "%(sources)s (%(cost)s), reste commun %(pool)s"
    ),
    "over_envelope_and_pool": gettext_noop(
        "%(votes)s : son coût de %(cost)s ne tenait ni dans l'enveloppe %(category)s ni dans "
        "le reste commun de %(pool)s"
    ),
    "funded_equal_shares": gettext_noop(
        "%(votes)s : financé (%(cost)s) ; chaque soutien a payé au plus %(max_payment)s"
    ),
    "unaffordable_equal_shares": gettext_noop(
        "%(votes)s : ses soutiens n'avaient plus assez en commun pour %(cost)s"
    ),
}
TIES = {
    "cost": gettext_noop(
        "%(text)s ; ex aequo avec le projet %(other)s, départagé par le coût, le moins cher d'abord"
    ),
    "id": gettext_noop(
        "%(text)s ; ex aequo avec le projet %(other)s, départagé par le numéro de projet"
    ),
}
VOTES = ngettext_lazy("%(count)s voix", "%(count)s voix")
# A leftover "de Coopération", "d'Innovation sociale": French elides before a vowel or mute h.
OF = gettext_noop("de %(category)s")
OF_ELIDED = gettext_noop("d'%(category)s")
AND = gettext_noop("%(items)s et %(last)s")
VOWELS = "aeiouyhàâéèêëîïôöûüœ"


def _same(message: str) -> str:
    return message


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


@dataclass(frozen=True)
class Language:
    """How a reader reads: a ``gettext``, an ``ngettext`` and a money formatter. The default is
    the engine's French (the msgids themselves), amounts in the current ``money`` unit."""

    gettext: Callable[[str], str] = _same
    ngettext: Callable[[str, str, int], str] = _plural
    money: Callable[[Fraction], str] = euros


FRENCH = Language()


def render(event: TraceEvent, language: Language = FRENCH) -> str:
    """The event as a sentence in the reader's language (without capital or final stop)."""
    params = event.params
    if event.code == LEGACY or event.code not in MESSAGES:
        return str(params.get("text", ""))
    gettext = language.gettext
    votes = int(params.get("votes", 0))
    values: dict[str, Any] = {
        "votes": language.ngettext(*VOTES, votes) % {"count": votes},
        "threshold": params.get("threshold"),
        "category": params.get("category"),
    }
    for name in AMOUNTS:
        if name in params:
            values[name] = language.money(Fraction(params[name]))
    if "sources" in params:
        values["sources"] = _list_of([str(s) for s in params["sources"]], gettext)
    text = gettext(MESSAGES[event.code]) % values
    how = params.get("tie_by")
    if how in TIES:
        text = gettext(TIES[how]) % {"text": text, "other": params.get("tie_with")}
    return text


def _list_of(names: list[str], gettext: Callable[[str], str]) -> str:
    """« de A », « de A et de B », « de A, de B et de C »."""
    parts = [
        gettext(OF_ELIDED if name[:1].lower() in VOWELS else OF) % {"category": name}
        for name in names
    ]
    if len(parts) <= 1:
        return "".join(parts)
    return gettext(AND) % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


# --- Stored form ---------------------------------------------------------------------------------


def _stored(value: Any) -> Any:
    if isinstance(value, Fraction):
        try:
            return decimal_text(value)
        except ValueError:  # 1/3 of a cost, say: kept to the cent, as it is shown
            return decimal_text(Fraction(round(value * 100), 100))
    if isinstance(value, list | tuple):
        return [_stored(v) for v in value]
    return value


def to_data(event: TraceEvent) -> dict[str, Any]:
    """The event as plain JSON data; amounts become exact decimal strings."""
    return {
        "project_id": event.project_id,
        "selected": event.selected,
        "code": event.code,
        "params": {name: _stored(value) for name, value in event.params.items()},
    }


def from_data(data: Mapping[str, Any]) -> TraceEvent:
    """A stored event back; a line stored as a French sentence (older counts) becomes a
    ``text`` event, which renders as that sentence."""
    project_id, selected = str(data["project_id"]), bool(data.get("selected"))
    if "code" not in data:
        return TraceEvent(project_id, selected, LEGACY, {"text": data.get("text", "")})
    return TraceEvent(project_id, selected, str(data["code"]), dict(data.get("params") or {}))
