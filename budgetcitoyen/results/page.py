"""The context of a results page (``results/_result.html``), from a snapshot only: the figures
and sentences (``presentation``), the trace in the reader's language (``trace``), how to recount
(``recount``) and the files (``downloads``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from budgetcitoyen.results.charts import Bar, bar_chart
from budgetcitoyen.results.downloads import downloads
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.presentation import (
    by_category,
    decimal_amount,
    moves_sentence,
    pb_filename,
    project_groups,
    rule_sentence,
    uses_points,
)
from budgetcitoyen.results.recount import python_snippet, tally_command
from budgetcitoyen.results.trace import trace_lines
from budgetcitoyen.tally import registry
from budgetcitoyen.voting import ballotlines


def result_context(snapshot: ResultSnapshot) -> dict[str, Any]:
    """Everything the results include (``results/_result.html``) shows, from the snapshot."""
    outcome = snapshot.outcome
    points = uses_points(snapshot)
    groups = project_groups(snapshot)
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
    trace = trace_lines(outcome, {row["id"]: row for row in projects})
    funded = [row for row in projects if row["funded"]]
    budget = decimal_amount(outcome.get("budget", snapshot.budget))
    total = (
        decimal_amount(outcome["total_cost"])
        if "total_cost" in outcome
        else sum((r["amount"] for r in funded), Decimal(0))
    )
    priority = [e["category"] for e in outcome.get("envelopes", [])]
    moves = [
        {"from": m["from"], "to": m["to"], "amount": decimal_amount(m["amount"])}
        for m in outcome.get("moves", [])
    ]
    categories = by_category(snapshot)
    counting_rule = registry.find(snapshot.rule)
    return {
        "snapshot": snapshot,
        "edition": snapshot.edition,
        "is_published": snapshot.is_published,
        "published_at": snapshot.published_at,
        "rule": registry.canonical(snapshot.rule),
        "rule_label": snapshot.rule_label,
        "rule_version": snapshot.rule_version,
        "rule_sentence": rule_sentence(snapshot.rule, snapshot.threshold, points),
        "threshold": snapshot.threshold
        if counting_rule is not None and counting_rule.threshold
        else None,
        "uses_points": points,
        "score_label": score_label,
        "by_category": categories,
        "groups": groups,
        "projects": projects,
        "totals": {
            "budget": budget,
            "funded": total,
            "leftover": decimal_amount(outcome["leftover"])
            if "leftover" in outcome
            else budget - total,
            "voters": int(outcome.get("voters", snapshot.voters)),
            "projects": len(projects),
            "funded_projects": len(funded),
        },
        "moves": moves,
        "moves_sentence": moves_sentence(outcome.get("moves", []), priority) if categories else "",
        "trace": trace,
        "sha256": snapshot.ballots_sha256,
        "pb_filename": pb_filename(snapshot),
        "sha256_command": f"sha256sum {pb_filename(snapshot)}",
        "tally_command": tally_command(snapshot),
        "python_snippet": python_snippet(snapshot),
        "downloads": downloads(snapshot),
        "ballot_key": outcome.get("ballot_key", ""),
        "openssl_command": ballotlines.openssl_command(outcome.get("ballot_key", "")),
        "grep_command": f"grep '^IDENTIFIANT;' {pb_filename(snapshot)}",
        "find_command": f"budgetcitoyen pb find-ballot {pb_filename(snapshot)} "
        "--receipt VOTRE-CODE",
    }
