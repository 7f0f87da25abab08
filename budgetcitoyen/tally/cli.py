"""``budgetcitoyen pb tally FILE.pb --rule RULE``: count a pabulib election from the shell.

Pure Python, no Django: ``budgetcitoyen/__main__.py`` hands ``pb tally`` over to :func:`main`
before Django is imported, so it needs no settings, secret key or database.

Exit codes: 0 when the count is printed; 2 for a usage error (argparse), a malformed or
unreadable file, or a request the file cannot serve; a request or file problem is then ONE line
on stderr, ``FILE:LINE: problem`` (``FILE: problem`` when no line of the file is to blame).

:func:`outcome_to_dict` and :func:`outcome_to_text` are shared with the platform's own
``budgetcitoyen tally --edition YEAR``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, NoReturn

from budgetcitoyen.core.formatting import number
from budgetcitoyen.tally import rules
from budgetcitoyen.tally.model import Outcome, Project, TallyError
from budgetcitoyen.tally.pabulib import (
    Election,
    PabulibError,
    decimal_text,
    parse_amount,
    read,
)

__all__ = ["decimal_text", "main", "outcome_to_dict", "outcome_to_text"]

PROG = "budgetcitoyen pb tally"
THRESHOLD_RULES = ("greedy", "greedy-no-skip", "pas-de-calais")
APPROVAL_RULES = ("mes", "mes-add1")
NAME_WIDTH = 40
NARROW = "\u202f"  # between thousands, as in the engine's French amounts


# --- Output ------------------------------------------------------------------------------------


def outcome_to_dict(outcome: Outcome, projects: Sequence[Project], voters: int) -> dict[str, Any]:
    """The outcome as plain JSON data, keys in a fixed order; amounts are exact decimal strings.

    ``rule``, ``budget``, ``selected`` (ids in selection order), ``total_cost``, ``leftover``,
    ``voters``, ``spending`` ({category: amount}, pas-de-calais only, else empty), ``moves``
    (leftovers passed from one category to another), ``projects`` (in the given order) and
    ``trace`` (why each project is in or out, in French)."""
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
            {"project_id": t.project_id, "selected": t.selected, "text": t.text}
            for t in outcome.trace
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
    numeric = all(re.fullmatch(r"-?[0-9]+", p.id) for p in projects)
    ranked = sorted(
        projects,
        key=lambda p: (
            -outcome.scores.get(p.id, 0),
            p.cost,
            int(p.id) if numeric else 0,
            p.id,
        ),
    )
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


# --- Command line ------------------------------------------------------------------------------


class _French(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, prefix or "utilisation : ")


_ARGPARSE_FRENCH = (
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (
        r"argument (\S+): invalid choice: '?([^']*)'? \(choose from (.*)\)",
        r"argument \1 : « \2 » inconnu (au choix : \3)",
    ),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        for pattern, french in _ARGPARSE_FRENCH:
            message = re.sub(f"^{pattern}$", french, message)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Dépouille une élection au format pabulib (.pb) avec une règle d'attribution.",
        add_help=False,
        formatter_class=_French,
    )
    parser._positionals.title = "arguments"
    parser._optionals.title = "options"
    parser.add_argument("file", metavar="FICHIER.pb", help="le fichier pabulib à dépouiller")
    parser.add_argument(
        "--rule",
        required=True,
        choices=rules.RULES,
        metavar="RÈGLE",
        help=f"la règle d'attribution : {', '.join(rules.RULES)}",
    )
    parser.add_argument(
        "--threshold",
        metavar="N",
        help="nombre minimal de voix (ou de points) pour qu'un projet puisse être financé "
        "(greedy, greedy-no-skip, pas-de-calais)",
    )
    parser.add_argument(
        "--envelope",
        action="append",
        default=[],
        metavar="CATÉGORIE=MONTANT",
        help="enveloppe d'une catégorie pour pas-de-calais (répéter l'option ; leur ordre est "
        "la priorité de redistribution des reliquats ; le budget est leur somme)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="text",
        help="json (un objet) ou text (un tableau lisible, par défaut)",
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    return parser


def _threshold(path: str, text: str | None, rule: str) -> int | None:
    if text is None:
        return None
    if rule not in THRESHOLD_RULES:
        raise PabulibError(
            path, None, f"--threshold ne s'applique qu'aux règles {', '.join(THRESHOLD_RULES)}"
        )
    if not re.fullmatch(r"\d+", text.strip()):
        raise PabulibError(
            path, None, f"seuil invalide « {text} » : un nombre entier de voix, positif ou nul"
        )
    return int(text)


def _envelopes(path: str, texts: list[str], rule: str) -> list[tuple[str, Fraction]]:
    if texts and rule != "pas-de-calais":
        raise PabulibError(path, None, "--envelope ne s'applique qu'à la règle pas-de-calais")
    envelopes: list[tuple[str, Fraction]] = []
    seen: set[str] = set()
    for text in texts:
        category, equals, written = text.rpartition("=")
        category = category.strip()
        amount = parse_amount(written) if equals else None
        if not category or amount is None:
            raise PabulibError(
                path, None, f"--envelope « {text} » : attendu CATÉGORIE=MONTANT (ex. Sport=52000)"
            )
        if category in seen:
            raise PabulibError(path, None, f"--envelope : deux enveloppes pour « {category} »")
        seen.add(category)
        envelopes.append((category, amount))
    return envelopes


def _check_request(election: Election, rule: str, envelopes: list[tuple[str, Fraction]]) -> None:
    """Refuse, with the line to blame, what the file cannot serve."""
    if rule in APPROVAL_RULES and election.vote_type not in ("approval", "choose-1"):
        points = " (ici des points)" if election.has_points() else ""
        raise election.error(
            "vote_type",
            f"la règle {rule} ne s'applique qu'aux bulletins d'approbation, "
            f"pas à un vote {election.vote_type}{points}",
        )
    if rule == "pas-de-calais":
        if not envelopes:
            raise election.error(
                None, "la règle pas-de-calais demande une enveloppe par catégorie (--envelope)"
            )
        given = {category for category, _ in envelopes}
        for project in election.projects:
            if project.category not in given:
                what = (
                    f"dans la catégorie « {project.category} », qui n'a pas d'enveloppe"
                    if project.category is not None
                    else "sans catégorie : pas-de-calais demande une catégorie par projet"
                )
                raise election.error(None, f"le projet {project.id} est {what}", project=project.id)
    else:
        _ = election.budget  # raises with the line of a missing or invalid budget


def run(argv: list[str]) -> tuple[str, Outcome, Election]:
    """Parse the arguments, read the file and count; raises PabulibError (one line)."""
    args = _parser().parse_args(argv)
    path: str = args.file
    election = read(path)
    threshold = _threshold(path, args.threshold, args.rule)
    envelopes = _envelopes(path, args.envelope, args.rule)
    _check_request(election, args.rule, envelopes)
    profile = election.profile()
    try:
        outcome = rules.run(
            args.rule,
            election.projects,
            profile,
            budget=None if args.rule == "pas-de-calais" else election.budget,
            envelopes=envelopes,
            threshold=threshold,
            currency=election.meta.get("currency") or None,
        )
    except PabulibError:
        raise
    except TallyError as error:
        raise PabulibError(path, None, str(error)) from None
    voters = profile.voters
    if args.format == "json":
        text = json.dumps(
            outcome_to_dict(outcome, election.projects, voters), ensure_ascii=False, indent=2
        )
        return text + "\n", outcome, election
    score_label = "Points" if election.uses_points() else "Voix"
    text = outcome_to_text(
        outcome,
        election.projects,
        voters,
        currency=election.meta.get("currency") or None,
        score_label=score_label,
    )
    return text, outcome, election


def main(argv: list[str]) -> int:
    """Run ``budgetcitoyen pb tally`` with these arguments; returns the exit code."""
    try:
        text, _outcome, _election = run(argv)
    except SystemExit as exit_:  # argparse: --help (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else 2
    except PabulibError as error:
        print(" ".join(str(error).split()), file=sys.stderr)
        return 2
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader stopped early (| head): not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more is written
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
