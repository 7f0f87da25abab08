"""What a results page shows: the rule in words, the leftovers moved, the projects ranked
and grouped by category, built from a snapshot's stored outcome only.

Everything here comes from ``snapshot.outcome`` (projects, votes, amounts, trace), from the
snapshot's own fields (rule, threshold, SHA-256) and from its edition's year, title and vote
rule: nothing about voters or project holders is read, so nothing personal can reach the page
or the downloads. ``page`` assembles the page from this, ``trace``, ``recount`` and
``downloads``; the public pages and the staff preview render the same context.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.ballots import rules as ballot_rules
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.tally import registry
from budgetcitoyen.tally.model import Project, ranking
from budgetcitoyen.tally.money import euros

# --- Small helpers -------------------------------------------------------------------------------


def decimal_amount(text: Any) -> Decimal:
    return Decimal(str(text if text not in (None, "") else "0"))


def _fraction(text: Any) -> Fraction:
    return Fraction(str(text if text not in (None, "") else "0"))


def _ranked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored project rows in the engine's order: most votes first, ties by the tie order."""
    by_id = {str(row["id"]): row for row in rows}
    projects = [Project(id=i, cost=_fraction(row.get("cost"))) for i, row in by_id.items()]
    scores = {i: int(row.get("score", 0)) for i, row in by_id.items()}
    return [by_id[p.id] for p in ranking(projects, scores)]


def _join(items: list[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s et %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _votes_text(score: int, points: bool) -> str:
    if points:
        return ngettext("%(count)s point", "%(count)s points", score) % {"count": _count(score)}
    return ngettext("%(count)s voix", "%(count)s voix", score) % {"count": _count(score)}


def _count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def uses_points(snapshot: ResultSnapshot) -> bool:
    """Points ballots, as recorded when counted (older snapshots: the edition's setting)."""
    if "uses_points" in snapshot.outcome:
        return bool(snapshot.outcome["uses_points"])
    return ballot_rules.rule_class(snapshot.edition.vote_rule).uses_points


def pb_filename(snapshot: ResultSnapshot) -> str:
    return f"budget-citoyen-{snapshot.edition.year}.pb"


# --- Sentences -------------------------------------------------------------------------------------


def rule_sentence(rule: str, threshold: int | None, points: bool = False) -> str:
    """The rule in plain words (the registry's description), as a resident reads it."""
    most = _("les plus soutenus") if points else _("les plus votés")
    counting_rule = registry.find(rule)
    if counting_rule is None:
        return _("Règle de répartition : %(rule)s.") % {"rule": rule}
    text = _(counting_rule.description) % {"most": most}
    if counting_rule.threshold:
        text += " " + _("À égalité, le projet le moins cher passe en premier.")
        if threshold:
            text += " " + _(
                "Un projet doit recevoir au moins %(threshold)s pour pouvoir être financé."
            ) % {"threshold": _votes_text(threshold, points)}
    return text


def moves_sentence(moves: list[dict[str, Any]], priority: list[str]) -> str:
    """The money that went from one category's envelope to another's projects, in a sentence."""
    if not moves:
        return _("Aucun reliquat n'est passé d'une catégorie à une autre.")
    if len(moves) == 1:
        move = moves[0]
        return _(
            "Le reliquat de l'enveloppe %(source)s a apporté %(amount)s à la catégorie "
            "%(target)s pour financer ses projets."
        ) % {
            "source": move["from"],
            "amount": euros(_fraction(move["amount"])),
            "target": move["to"],
        }
    by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for move in moves:
        by_source[move["from"]].append(move)
    rank = {name: index for index, name in enumerate(priority)}
    sources = sorted(by_source, key=lambda name: (rank.get(name, len(rank)), name))
    parts = []
    for source in sources:
        gifts = _join(
            [
                _("%(amount)s à la catégorie %(target)s")
                % {"amount": euros(_fraction(m["amount"])), "target": m["to"]}
                for m in by_source[source]
            ]
        )
        parts.append(
            _("l'enveloppe %(source)s a apporté %(gifts)s") % {"source": source, "gifts": gifts}
        )
    total = sum((_fraction(m["amount"]) for m in moves), Fraction(0))
    return _(
        "Des reliquats ont financé des projets d'autres catégories, %(total)s en tout : %(parts)s."
    ) % {"total": euros(total), "parts": " ; ".join(parts)}


# --- The projects ----------------------------------------------------------------------------------


def _rows(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    points = uses_points(snapshot)
    rows = []
    for row in _ranked(snapshot.outcome.get("projects", [])):
        project_id = str(row["id"])
        score = int(row.get("score", 0))
        rows.append(
            {
                "id": project_id,
                "name": row.get("name") or project_id,
                "url": reverse("labelling:project", args=[int(project_id)])
                if project_id.isascii() and project_id.isdigit()
                else None,
                "category": row.get("category"),
                "territory": row.get("territory"),
                "votes": score,
                "votes_text": _votes_text(score, points),
                "amount": decimal_amount(row.get("cost")),
                "funded": bool(row.get("selected")),
            }
        )
    return rows


def project_rows(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    """Every project of the snapshot in the ranking's order, with its votes and outcome."""
    return _rows(snapshot)


def by_category(snapshot: ResultSnapshot) -> bool:
    """Whether the snapshot's rule counts each category within its envelope."""
    rule = registry.find(snapshot.rule)
    return rule is not None and rule.envelopes


def project_groups(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    """The projects by category (envelopes' priority order) for a rule with envelopes, else
    one group; each project ranked within its group."""
    outcome = snapshot.outcome
    rows = _rows(snapshot)
    moves = outcome.get("moves", [])
    if by_category(snapshot):
        envelopes = {
            e["category"]: decimal_amount(e["amount"]) for e in outcome.get("envelopes", [])
        }
        names = list(envelopes)
        names += sorted({r["category"] for r in rows if r["category"] not in envelopes}, key=str)
        spending = outcome.get("spending", {})
        groups = []
        for name in names:
            members = [r for r in rows if r["category"] == name]
            spent = (
                decimal_amount(spending[name])
                if name in spending
                else sum((r["amount"] for r in members if r["funded"]), Decimal(0))
            )
            groups.append(
                {
                    "name": name,
                    "is_category": True,
                    "envelope": envelopes.get(name),
                    "spent": spent,
                    "received": sum(
                        (decimal_amount(m["amount"]) for m in moves if m["to"] == name), Decimal(0)
                    ),
                    "given": sum(
                        (decimal_amount(m["amount"]) for m in moves if m["from"] == name),
                        Decimal(0),
                    ),
                    "projects": members,
                }
            )
    else:
        groups = [
            {
                "name": None,
                "is_category": False,
                "envelope": decimal_amount(outcome.get("budget", snapshot.budget)),
                "spent": decimal_amount(outcome.get("total_cost"))
                if "total_cost" in outcome
                else sum((r["amount"] for r in rows if r["funded"]), Decimal(0)),
                "received": Decimal(0),
                "given": Decimal(0),
                "projects": rows,
            }
        ]
    for number, group in enumerate(groups, start=1):
        group["projects"] = [{**row, "rank": rank} for rank, row in enumerate(group["projects"], 1)]
        group["number"] = number
        group["heading_id"] = f"resultats-groupe-{number}"
        group["table_id"] = f"resultats-tableau-{number}"
        group["funded_count"] = sum(1 for r in group["projects"] if r["funded"])
    return groups
