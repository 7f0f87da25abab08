"""An outcome as plain JSON data and as a readable French table (no Django).

The CLI prints them; the platform stores :func:`outcome_to_dict` in a snapshot (without the
trace's French text: it keeps the events, which the pages render in their reader's language)
and prints :func:`outcome_to_text` from ``budgetcitoyen tally --edition YEAR``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from budgetcitoyen.core.formatting import number
from budgetcitoyen.tally import trace
from budgetcitoyen.tally.model import Outcome, Project, ranking
from budgetcitoyen.tally.pabulib import decimal_text

NAME_WIDTH = 40
NARROW = "\u202f"  # between thousands, as in the engine's French amounts


def outcome_to_dict(
    outcome: Outcome, projects: Sequence[Project], voters: int, *, text: bool = True
) -> dict[str, Any]:
    """The outcome as plain JSON data, keys in a fixed order; amounts are exact decimal strings.

    ``rule``, ``budget``, ``selected`` (ids in selection order), ``total_cost``, ``leftover``,
    ``voters``, ``spending`` ({category: amount}, rules with envelopes only, else empty),
    ``moves`` (leftovers passed from one category to another), ``projects`` (in the given
    order) and ``trace``: why each project is in or out, as events (``project_id``,
    ``selected``, ``code``, ``params``, see ``tally.trace``), each with its French ``text``
    unless ``text`` is false."""
    chosen = set(outcome.selected)
    return {
        "rule": outcome.rule,
        "budget": decimal_text(outcome.budget),
        "selected": list(outcome.selected),
        "total_cost": decimal_text(outcome.total_cost),
        "leftover": decimal_text(outcome.leftover),
        "voters": voters,
        "spending": {c: decimal_text(a) for c, a in outcome.spending.items()},
        "moves": [
            {"from": source, "to": target, "amount": decimal_text(amount)}
            for source, target, amount in outcome.moves
        ],
        "projects": [
            {
                "id": p.id,
                "name": p.name,
                "category": p.category,
                "cost": decimal_text(p.cost),
                "score": outcome.scores.get(p.id, 0),
                "selected": p.id in chosen,
            }
            for p in projects
        ],
        "trace": [
            {**trace.to_data(event), **({"text": trace.render(event)} if text else {})}
            for event in outcome.trace
        ],
    }


def amount_text(amount: Fraction) -> str:
    """An exact amount the French way, without unit: ``1 603 000``, ``12,5``."""
    return number(Decimal(decimal_text(amount)), exact=True, locale="fr_FR")


def _truncate(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


_CURRENCY_SIGNS = {"EUR": "€"}


def outcome_to_text(
    outcome: Outcome,
    projects: Sequence[Project],
    voters: int,
    *,
    currency: str | None = "EUR",
    score_label: str = "Voix",
) -> str:
    """A readable French table: the projects from the most to the least supported (ties in the
    engine's tie order), whether each is funded, then budget, total, leftover and moves.

    ``currency`` (an ISO code, ``None`` for none) labels the amounts; ``score_label`` heads the
    support column (``Points`` for points ballots)."""
    unit = _CURRENCY_SIGNS.get(currency or "", currency or "")
    suffix = f"\u00a0{unit}" if unit else ""
    chosen = set(outcome.selected)
    ranked = ranking(projects, outcome.scores)
    cost_head = f"Coût ({unit})" if unit else "Coût"
    rows = [("Rang", "Projet", "Nom", cost_head, score_label, "Financé")]
    for rank, p in enumerate(ranked, start=1):
        rows.append(
            (
                str(rank),
                p.id,
                _truncate(p.name, NAME_WIDTH),
                amount_text(p.cost),
                f"{outcome.scores.get(p.id, 0):,}".replace(",", NARROW),
                "oui" if p.id in chosen else "non",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    right = (True, False, False, True, True, False)
    lines = [
        f"Règle : {outcome.rule}",
        f"Votants : {voters:,}".replace(",", NARROW),
        "",
    ]
    for row in rows:
        cells = [
            cell.rjust(widths[i]) if right[i] else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        lines.append("  ".join(cells).rstrip())
    count = len(outcome.selected)
    lines += [
        "",
        f"Budget : {amount_text(outcome.budget)}{suffix}",
        f"Total financé : {amount_text(outcome.total_cost)}{suffix} "
        f"({count} projet{'s' if count > 1 else ''})",
        f"Reste : {amount_text(outcome.leftover)}{suffix}",
    ]
    if outcome.spending:
        lines.append("Dépense par catégorie :")
        lines += [f"  {c} : {amount_text(a)}{suffix}" for c, a in outcome.spending.items()]
    if outcome.moves:
        lines.append("Transferts de reliquat :")
        lines += [f"  {s} → {t} : {amount_text(a)}{suffix}" for s, t, a in outcome.moves]
    return "\n".join(lines) + "\n"
