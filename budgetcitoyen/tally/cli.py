"""``budgetcitoyen pb tally FILE.pb --rule RULE``: count a pabulib election from the shell.

Pure Python, no Django: ``budgetcitoyen/__main__.py`` hands ``pb tally`` over to :func:`main`
before Django is imported, so it needs no settings, secret key or database.

Exit codes: 0 when the count is printed; 2 for a usage error (argparse), a malformed or
unreadable file, or a request the file cannot serve; a request or file problem is then ONE line
on stderr, ``FILE:LINE: problem`` (``FILE: problem`` when no line of the file is to blame).

:func:`outcome_to_dict` and :func:`outcome_to_text` are shared with the platform's own
``budgetcitoyen tally --edition YEAR`` (they live in ``tally.output``); the rules, their
names and what each accepts come from ``tally.registry``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
from fractions import Fraction
from typing import NoReturn

from budgetcitoyen.tally import registry
from budgetcitoyen.tally.model import Outcome, TallyError
from budgetcitoyen.tally.money import in_currency
from budgetcitoyen.tally.output import outcome_to_dict, outcome_to_text
from budgetcitoyen.tally.pabulib import Election, PabulibError, parse_amount, read

__all__ = ["main", "run"]

PROG = "budgetcitoyen pb tally"


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
    aliases = ", ".join(
        f"{alias} pour {rule.name}" for rule in registry.RULES.values() for alias in rule.aliases
    )
    parser.add_argument(
        "--rule",
        required=True,
        choices=registry.accepted_names(),
        metavar="RÈGLE",
        help=f"la règle d'attribution : {', '.join(registry.names())}"
        + (f" (accepté aussi : {aliases})" if aliases else ""),
    )
    parser.add_argument(
        "--threshold",
        metavar="N",
        help="nombre minimal de voix (ou de points) pour qu'un projet puisse être financé "
        f"({', '.join(registry.with_threshold())})",
    )
    parser.add_argument(
        "--envelope",
        action="append",
        default=[],
        metavar="CATÉGORIE=MONTANT",
        help=f"enveloppe d'une catégorie pour {', '.join(registry.with_envelopes())} (répéter "
        "l'option ; leur ordre est la priorité de redistribution des reliquats ; le budget est "
        "leur somme)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "text"),
        default="text",
        help="json (un objet) ou text (un tableau lisible, par défaut)",
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    return parser


def _threshold(path: str, text: str | None, rule: registry.CountingRule) -> int | None:
    if text is None:
        return None
    if not rule.threshold:
        raise PabulibError(
            path,
            None,
            f"--threshold ne s'applique qu'aux règles {', '.join(registry.with_threshold())}",
        )
    if not re.fullmatch(r"\d+", text.strip()):
        raise PabulibError(
            path, None, f"seuil invalide « {text} » : un nombre entier de voix, positif ou nul"
        )
    return int(text)


def _envelopes(
    path: str, texts: list[str], rule: registry.CountingRule
) -> list[tuple[str, Fraction]]:
    if texts and not rule.envelopes:
        which = ", ".join(registry.with_envelopes())
        raise PabulibError(path, None, f"--envelope ne s'applique qu'à la règle {which}")
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


def _check_request(
    election: Election, rule: registry.CountingRule, envelopes: list[tuple[str, Fraction]]
) -> None:
    """Refuse, with the line to blame, what the file cannot serve."""
    if rule.approval_only and election.vote_type not in ("approval", "choose-1"):
        points = " (ici des points)" if election.has_points() else ""
        raise election.error(
            "vote_type",
            f"la règle {rule.name} ne s'applique qu'aux bulletins d'approbation, "
            f"pas à un vote {election.vote_type}{points}",
        )
    if rule.envelopes:
        if not envelopes:
            raise election.error(
                None, f"la règle {rule.name} demande une enveloppe par catégorie (--envelope)"
            )
        given = {category for category, _ in envelopes}
        for project in election.projects:
            if project.category not in given:
                what = (
                    f"dans la catégorie « {project.category} », qui n'a pas d'enveloppe"
                    if project.category is not None
                    else f"sans catégorie : {rule.name} demande une catégorie par projet"
                )
                raise election.error(None, f"le projet {project.id} est {what}", project=project.id)
    else:
        _ = election.budget  # raises with the line of a missing or invalid budget


def run(argv: list[str]) -> tuple[str, Outcome, Election]:
    """Parse the arguments, read the file and count; raises PabulibError (one line)."""
    args = _parser().parse_args(argv)
    path: str = args.file
    election = read(path, votes=False)  # counted, not kept: the count needs no Vote
    rule = registry.get(args.rule)
    threshold = _threshold(path, args.threshold, rule)
    envelopes = _envelopes(path, args.envelope, rule)
    _check_request(election, rule, envelopes)
    profile = election.profile()
    try:
        outcome = registry.run(
            rule.name,
            election.projects,
            profile,
            budget=None if rule.envelopes else election.budget,
            envelopes=envelopes,
            threshold=threshold,
        )
    except PabulibError:
        raise
    except TallyError as error:
        raise PabulibError(path, None, str(error)) from None
    voters = profile.voters
    if args.format == "json":
        with in_currency(election.meta.get("currency") or None):  # the trace's amounts
            data = outcome_to_dict(outcome, election.projects, voters)
        text = json.dumps(data, ensure_ascii=False, indent=2)
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
    # One count, then the process ends: the objects of a large file hold no reference cycle,
    # and the cycle collector would only walk them again and again (a third of the time).
    gc.disable()
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
