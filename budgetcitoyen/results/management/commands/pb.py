"""``budgetcitoyen pb export --edition YEAR [-o FILE] [--age-band] [--territory]``: an edition's
valid ballots as a pabulib file, voters anonymised.

(``budgetcitoyen pb tally FILE.pb ...`` and ``budgetcitoyen pb find-ballot FILE.pb --receipt
CODE`` need no database: the console script runs them without
starting Django; through ``manage.py``-style calls it lands here and is passed on.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results import counting, selectors
from budgetcitoyen.tally import cli
from budgetcitoyen.voting import ballotlines


class Command(BaseCommand):
    help = (
        "Fichiers pabulib (.pb) : export des bulletins d'une édition, dépouillement d'un fichier."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export",
            help="écrit les bulletins valides d'une édition au format .pb (votants anonymisés)",
        )
        export.add_argument("--edition", type=int, required=True, help="année de l'édition")
        export.add_argument("-o", "--output", help="fichier à écrire (par défaut : la sortie)")
        export.add_argument(
            "--age-band", action="store_true", help="ajoute la tranche d'âge de chaque votant"
        )
        export.add_argument(
            "--territory", action="store_true", help="ajoute le territoire de chaque votant"
        )
        tally = sub.add_parser("tally", help="dépouille un fichier .pb", add_help=False)
        tally.add_argument("rest", nargs="*")
        find = sub.add_parser(
            "find-ballot",
            help="retrouve la ligne du bulletin d'un code de reçu dans un fichier .pb publié",
            add_help=False,
        )
        find.add_argument("rest", nargs="*")

    def run_from_argv(self, argv: list[str]) -> None:
        if argv[2:3] == ["tally"]:
            sys.exit(cli.main(argv[3:]))
        if argv[2:3] == ["find-ballot"]:
            sys.exit(ballotlines.main(argv[3:]))
        super().run_from_argv(argv)

    def handle(self, *args: Any, **options: Any) -> None:
        edition = Edition.objects.filter(year=options["edition"]).first()
        if edition is None:
            self._fail(f"aucune édition {options['edition']}")
        extra = tuple(name for name in ("age_band", "territory") if options[name])
        with counting.many_objects():
            counted = counting.count(edition, extra)
            published = selectors.published_result(edition)
            outcome = None
            if published is not None:
                outcome, _projects = counting.outcome_from_data(published.outcome)
            text = counting.pb_text(counted, outcome)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8", newline="")
            self.stderr.write(
                f"{counted.voters} bulletins écrits dans {options['output']}", ending="\n"
            )
        else:
            self.stdout.write(text, ending="")

    def _fail(self, problem: str) -> NoReturn:
        sys.stderr.write(f"budgetcitoyen pb export : {problem}\n")
        sys.exit(2)
