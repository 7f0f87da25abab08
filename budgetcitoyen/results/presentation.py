"""What a results page shows, built from a snapshot's stored outcome only.

Everything here comes from ``snapshot.outcome`` (projects, votes, amounts, trace), from the
snapshot's own fields (rule, threshold, SHA-256) and from its edition's year, title and vote
rule: nothing about voters or project holders is read, so nothing personal can reach the page
or the downloads. The public pages and the staff preview render the same context.
"""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.core.exports import csv_response
from budgetcitoyen.results.charts import Bar, bar_chart
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.tally.money import euros
from budgetcitoyen.voting import rules as ballot_rules

CATEGORY_RULES = ("pas-de-calais",)
THRESHOLD_RULES = ("greedy", "greedy-no-skip", "pas-de-calais")
INTERNAL_KEYS = ("fingerprint",)


# --- Small helpers -------------------------------------------------------------------------------


def _amount(text: Any) -> Decimal:
    return Decimal(str(text if text not in (None, "") else "0"))


def _fraction(text: Any) -> Fraction:
    return Fraction(str(text if text not in (None, "") else "0"))


def _id_key(project_id: str) -> tuple[int, int | str]:
    return (0, int(project_id)) if project_id.lstrip("-").isdigit() else (1, project_id)


def _order(row: dict[str, Any]) -> tuple[Any, ...]:
    """The engine's order: most votes first, then lower cost, then project id."""
    return (-int(row.get("score", 0)), _fraction(row.get("cost")), _id_key(str(row["id"])))


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
    """The rule in plain French, as a resident reads it."""
    most = _("les plus soutenus") if points else _("les plus votés")
    sentences = {
        "pas-de-calais": _(
            "Chaque catégorie finance d'abord ses projets %(most)s, dans l'ordre, tant que son "
            "enveloppe le permet ; ce qui reste des enveloppes est ensuite mis en commun et "
            "finance, catégorie par catégorie dans l'ordre de priorité, les projets suivants "
            "qui tiennent encore dans ce reste."
        ),
        "greedy": _(
            "Les projets sont financés du plus soutenu au moins soutenu tant que le budget le "
            "permet ; un projet trop cher pour ce qui reste est passé, et le suivant est examiné."
        ),
        "greedy-no-skip": _(
            "Les projets sont financés du plus soutenu au moins soutenu ; le financement "
            "s'arrête au premier projet dont le coût dépasse ce qui reste du budget."
        ),
        "mes": _(
            "Méthode des parts égales : le budget est partagé à parts égales entre les votants ; "
            "un projet est financé quand ceux qui l'ont soutenu peuvent le payer ensemble, et "
            "à chaque tour est retenu le projet qui demande la plus petite part à chacun de ses "
            "soutiens."
        ),
        "mes-add1": _(
            "Méthode des parts égales : le budget est partagé à parts égales entre les votants ; "
            "un projet est financé quand ceux qui l'ont soutenu peuvent le payer ensemble, et "
            "à chaque tour est retenu le projet qui demande la plus petite part à chacun de ses "
            "soutiens. Pour ne pas laisser d'argent sans emploi, le calcul est refait en "
            "ajoutant un euro à la part de chaque votant, tant que les projets retenus tiennent "
            "dans le budget réel."
        ),
    }
    text = sentences.get(rule, _("Règle de répartition : %(rule)s.") % {"rule": rule})
    text = text % {"most": most} if "%(most)s" in text else text
    if rule in THRESHOLD_RULES:
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


# --- Verification: the command line and pabutools ------------------------------------------------


def _shell_quote(text: str) -> str:
    for char in ("\\", '"', "$", "`"):
        text = text.replace(char, "\\" + char)
    return f'"{text}"'


def tally_command(snapshot: ResultSnapshot) -> str:
    """The ``budgetcitoyen pb tally`` command that recounts the downloaded file."""
    rule = snapshot.rule
    words = ["budgetcitoyen", "pb", "tally", pb_filename(snapshot), "--rule", rule]
    if rule in CATEGORY_RULES:
        for envelope in snapshot.outcome.get("envelopes", []):
            words += ["--envelope", _shell_quote(f"{envelope['category']}={envelope['amount']}")]
    if rule in THRESHOLD_RULES and snapshot.threshold:
        words += ["--threshold", str(snapshot.threshold)]
    return " ".join(words)


def _python_string(text: str) -> str:
    """A Python string literal, always between double quotes (JSON's escapes are Python's)."""
    return json.dumps(text, ensure_ascii=False)


def _python_votes(points: bool) -> str:
    add = "ballot[project]" if points else "1"
    return (
        "votes = Counter()  # les voix de chaque projet\n"
        "for ballot in profile:\n"
        "    for project in ballot:\n"
        f"        votes[project] += {add}\n"
    )


def python_snippet(snapshot: ResultSnapshot) -> str:
    """A short Python program recounting the downloaded file with pabutools (pabutools.org)."""
    rule = snapshot.rule
    filename = pb_filename(snapshot)
    points = uses_points(snapshot)
    threshold = snapshot.threshold if rule in THRESHOLD_RULES and snapshot.threshold else 0
    # Our tie order: lower cost first, then more votes, then the smaller project number.
    tie = (
        "tie = TieBreakingRule(lambda _i, _p, p: (p.cost, -votes[p], int(p.name)))\n"
        "# à égalité : le moins cher, puis le plus soutenu, puis le plus petit numéro\n"
    )
    read = f"instance, profile = parse_pabulib({_python_string(filename)})\n"
    if rule == "pas-de-calais":
        envelopes = ",\n".join(
            f"    {_python_string(e['category'])}: Fraction({_python_string(str(e['amount']))})"
            for e in snapshot.outcome.get("envelopes", [])
        )
        return (
            "from collections import Counter\n"
            "from fractions import Fraction\n\n"
            "from pabutools.election import parse_pabulib\n\n"
            + read
            + "envelopes = {  # par ordre de priorité\n"
            + envelopes
            + ",\n}\n"
            + f"threshold = {threshold}  # seuil de voix\n"
            + _python_votes(points)
            + "order = lambda p: (-votes[p], p.cost, int(p.name))\n"
            "# plus de voix d'abord ; à égalité, le moins cher, puis le plus petit numéro\n"
            "eligible = [p for p in instance if votes[p] > 0 and votes[p] >= threshold]\n"
            "category = {p: next(iter(p.categories)) for p in eligible}\n\n"
            "funded, pool = [], 0\n"
            "for name, envelope in envelopes.items():  # 1. chaque enveloppe\n"
            "    for p in sorted((p for p in eligible if category[p] == name), key=order):\n"
            "        if p.cost <= envelope:\n"
            "            funded.append(p)\n"
            "            envelope -= p.cost\n"
            "    pool += envelope  # 2. les reliquats mis en commun\n"
            "for name in envelopes:  # 3. par priorité, tant que le reste le permet\n"
            "    for p in sorted((p for p in eligible if category[p] == name), key=order):\n"
            "        if p not in funded and p.cost <= pool:\n"
            "            funded.append(p)\n"
            "            pool -= p.cost\n"
            "print(sorted(int(p.name) for p in funded))\n"
        )
    if rule == "greedy-no-skip" or (rule == "greedy" and points):
        stop = "        break  # on s'arrête au premier projet trop cher\n"
        skip = "        continue  # trop cher pour ce qui reste : on passe au suivant\n"
        return (
            "from collections import Counter\n\n"
            "from pabutools.election import parse_pabulib\n\n"
            + read
            + f"threshold = {threshold}  # seuil de voix\n"
            + _python_votes(points)
            + "order = lambda p: (-votes[p], p.cost, int(p.name))\n"
            "# plus de voix d'abord ; à égalité, le moins cher, puis le plus petit numéro\n"
            "eligible = [p for p in instance if votes[p] > 0 and votes[p] >= threshold]\n"
            "funded, rest = [], instance.budget_limit\n"
            "for p in sorted(eligible, key=order):\n"
            "    if p.cost > rest:\n"
            + (stop if rule == "greedy-no-skip" else skip)
            + "    funded.append(p)\n"
            "    rest -= p.cost\n"
            "print(sorted(int(p.name) for p in funded))\n"
        )
    if rule == "greedy":
        return (
            "from collections import Counter\n\n"
            "from pabutools.election import Cost_Sat, parse_pabulib\n"
            "from pabutools.rules import greedy_utilitarian_welfare\n"
            "from pabutools.tiebreaking import TieBreakingRule\n\n"
            + read
            + f"threshold = {threshold}  # seuil de voix\n"
            + _python_votes(points)
            + "for p in [p for p in instance if votes[p] == 0 or votes[p] < threshold]:\n"
            "    instance.remove(p)  # sans voix ou sous le seuil : jamais financé\n"
            + tie
            + "funded = greedy_utilitarian_welfare(\n"
            "    instance, profile.as_multiprofile(), sat_class=Cost_Sat, tie_breaking=tie\n"
            ")\n"
            "print(sorted(int(p.name) for p in funded))\n"
        )
    if rule in ("mes", "mes-add1"):
        if rule == "mes":
            call = (
                "funded = method_of_equal_shares(\n"
                "    instance, profile.as_multiprofile(), sat_class=Cost_Sat, tie_breaking=tie\n"
                ")\n"
            )
            imports = "from pabutools.rules import method_of_equal_shares\n"
        else:
            call = (
                "funded = exhaustion_by_budget_increase(  # Add1 : un euro de plus par votant\n"
                "    instance,\n"
                "    profile.as_multiprofile(),\n"
                "    method_of_equal_shares,\n"
                '    {"sat_class": Cost_Sat, "tie_breaking": tie},\n'
                "    budget_step=profile.num_ballots(),\n"
                "    exhaustive_stop=False,\n"
                ")\n"
            )
            imports = "from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares\n"
        return (
            "from collections import Counter\n\n"
            "from pabutools.election import Cost_Sat, parse_pabulib\n"
            + imports
            + "from pabutools.tiebreaking import TieBreakingRule\n\n"
            + read
            + _python_votes(points)
            + tie
            + call
            + "print(sorted(int(p.name) for p in funded))\n"
        )
    return ""


# --- Downloads -------------------------------------------------------------------------------------


CSV_HEADER = [
    "édition",
    "catégorie",
    "rang",
    "projet id",
    "titre",
    "territoire",
    "voix",
    "montant",
    "financé",
]


def csv_download(snapshot: ResultSnapshot) -> HttpResponse:
    """One row per project, in the page's order (category by priority, then rank)."""
    year = snapshot.edition.year
    rows = [
        [
            year,
            row["category"] or "",
            row["rank"],
            row["id"],
            row["name"],
            row["territory"] or "",
            row["votes"],
            row["amount"],
            row["funded"],
        ]
        for group in _groups(snapshot)
        for row in group["projects"]
    ]
    return csv_response(f"budget-citoyen-{year}-resultats.csv", CSV_HEADER, rows)


def json_document(snapshot: ResultSnapshot) -> bytes:
    """The stored outcome, less its internal keys, with what identifies the publication."""
    outcome = {k: v for k, v in snapshot.outcome.items() if k not in INTERNAL_KEYS}
    data = {
        "edition": snapshot.edition.year,
        "published_at": localtime(snapshot.published_at).isoformat()
        if snapshot.published_at
        else None,
        "ballots_sha256": snapshot.ballots_sha256,
        **outcome,
        "rule_version": snapshot.rule_version,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def json_download(snapshot: ResultSnapshot) -> HttpResponse:
    response = HttpResponse(json_document(snapshot), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="budget-citoyen-{snapshot.edition.year}-resultats.json"'
    )
    return response


def pb_size(snapshot: ResultSnapshot) -> int:
    """The size of the .pb file, read once from the gzip trailer then kept (the file of a
    given SHA-256 never changes)."""

    def size() -> int:
        data = bytes(
            ResultSnapshot.objects.values_list("ballots_file", flat=True).get(pk=snapshot.pk)
        )
        return int.from_bytes(data[-4:], "little") if len(data) >= 4 else 0

    known = cache.get_or_set(f"results:pb-size:{snapshot.ballots_sha256}", size, None)
    return int(known or 0)


def downloads(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    year = snapshot.edition.year
    published = snapshot.is_published
    items: list[dict[str, Any]] = [
        {
            "label": _("Résultats par projet"),
            "format": "CSV",
            "detail": _("tableur, séparateur point-virgule, UTF-8"),
            "url": reverse("results:csv", args=[year]) if published else None,
            "size": filesizeformat(len(csv_download(snapshot).content)),
        },
        {
            "label": _("Résultat complet, avec le déroulé"),
            "format": "JSON",
            "detail": _("données structurées, UTF-8"),
            "url": reverse("results:json", args=[year]) if published else None,
            "size": filesizeformat(len(json_document(snapshot))),
        },
        {
            "label": _("Bulletins anonymisés"),
            "format": "PB",
            "detail": _("format pabulib, texte UTF-8"),
            "url": reverse("results:ballots", args=[year])
            if published
            else reverse("results:snapshot_ballots", args=[snapshot.pk]),
            "size": filesizeformat(pb_size(snapshot)),
        },
    ]
    return items


# --- The page --------------------------------------------------------------------------------------


def _rows(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    points = uses_points(snapshot)
    traces = {str(t["project_id"]): t["text"] for t in snapshot.outcome.get("trace", [])}
    rows = []
    for row in sorted(snapshot.outcome.get("projects", []), key=_order):
        project_id = str(row["id"])
        score = int(row.get("score", 0))
        rows.append(
            {
                "id": project_id,
                "name": row.get("name") or project_id,
                "url": reverse("labelling:project", args=[int(project_id)])
                if project_id.isdigit()
                else None,
                "category": row.get("category"),
                "territory": row.get("territory"),
                "votes": score,
                "votes_text": _votes_text(score, points),
                "amount": _amount(row.get("cost")),
                "funded": bool(row.get("selected")),
                "trace": traces.get(project_id, ""),
            }
        )
    return rows


def _groups(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    """The projects by category (envelopes' priority order) for the pas-de-calais rule, else
    one group; each project ranked within its group."""
    outcome = snapshot.outcome
    rows = _rows(snapshot)
    moves = outcome.get("moves", [])
    if snapshot.rule in CATEGORY_RULES:
        envelopes = {e["category"]: _amount(e["amount"]) for e in outcome.get("envelopes", [])}
        names = list(envelopes)
        names += sorted({r["category"] for r in rows if r["category"] not in envelopes}, key=str)
        spending = outcome.get("spending", {})
        groups = []
        for name in names:
            members = [r for r in rows if r["category"] == name]
            spent = (
                _amount(spending[name])
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
                        (_amount(m["amount"]) for m in moves if m["to"] == name), Decimal(0)
                    ),
                    "given": sum(
                        (_amount(m["amount"]) for m in moves if m["from"] == name), Decimal(0)
                    ),
                    "projects": members,
                }
            )
    else:
        groups = [
            {
                "name": None,
                "is_category": False,
                "envelope": _amount(outcome.get("budget", snapshot.budget)),
                "spent": _amount(outcome.get("total_cost"))
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


def result_context(snapshot: ResultSnapshot) -> dict[str, Any]:
    """Everything the results include (``results/_result.html``) shows, from the snapshot."""
    outcome = snapshot.outcome
    points = uses_points(snapshot)
    groups = _groups(snapshot)
    score_label = _("Points") if points else _("Voix")
    for group in groups:
        title = (
            _("%(label)s par projet — %(category)s")
            % {"label": score_label, "category": group["name"]}
            if group["is_category"]
            else _("%(label)s par projet") % {"label": score_label}
        )
        group["chart_title"] = title
        group["chart"] = bar_chart(
            chart_id=f"resultats-graphique-{group['number']}",
            title=title,
            bars=[
                Bar(
                    label=r["name"],
                    value=r["votes"],
                    funded=r["funded"],
                    value_text=r["votes_text"],
                )
                for r in group["projects"]
            ],
            table_id=group["table_id"],
        )
    projects = [row for group in groups for row in group["projects"]]
    by_id = {row["id"]: row for row in projects}
    trace = []
    for line in outcome.get("trace", []):
        row = by_id.get(str(line["project_id"]))
        trace.append(
            {
                "project_id": str(line["project_id"]),
                "name": row["name"] if row else str(line["project_id"]),
                "url": row["url"] if row else None,
                "category": row["category"] if row else None,
                "funded": bool(line.get("selected")),
                "text": line["text"],
            }
        )
    funded = [row for row in projects if row["funded"]]
    budget = _amount(outcome.get("budget", snapshot.budget))
    total = (
        _amount(outcome["total_cost"])
        if "total_cost" in outcome
        else sum((r["amount"] for r in funded), Decimal(0))
    )
    priority = [e["category"] for e in outcome.get("envelopes", [])]
    moves = [
        {"from": m["from"], "to": m["to"], "amount": _amount(m["amount"])}
        for m in outcome.get("moves", [])
    ]
    by_category = snapshot.rule in CATEGORY_RULES
    return {
        "snapshot": snapshot,
        "edition": snapshot.edition,
        "is_published": snapshot.is_published,
        "published_at": snapshot.published_at,
        "rule": snapshot.rule,
        "rule_label": snapshot.get_rule_display(),
        "rule_version": snapshot.rule_version,
        "rule_sentence": rule_sentence(snapshot.rule, snapshot.threshold, points),
        "threshold": snapshot.threshold if snapshot.rule in THRESHOLD_RULES else None,
        "uses_points": points,
        "score_label": score_label,
        "by_category": by_category,
        "groups": groups,
        "projects": projects,
        "totals": {
            "budget": budget,
            "funded": total,
            "leftover": _amount(outcome["leftover"]) if "leftover" in outcome else budget - total,
            "voters": int(outcome.get("voters", snapshot.voters)),
            "projects": len(projects),
            "funded_projects": len(funded),
        },
        "moves": moves,
        "moves_sentence": moves_sentence(outcome.get("moves", []), priority) if by_category else "",
        "trace": trace,
        "sha256": snapshot.ballots_sha256,
        "pb_filename": pb_filename(snapshot),
        "sha256_command": f"sha256sum {pb_filename(snapshot)}",
        "tally_command": tally_command(snapshot),
        "python_snippet": python_snippet(snapshot),
        "downloads": downloads(snapshot),
    }
