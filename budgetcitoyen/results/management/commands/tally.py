"""``budgetcitoyen tally --edition YEAR [--format json|text]``: count an edition's valid
ballots with its rule, store the run as a result snapshot, and print the outcome."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from budgetcitoyen.core.errors import DomainError
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results import services
from budgetcitoyen.results.counting import outcome_from_data
from budgetcitoyen.tally import trace
from budgetcitoyen.tally.output import outcome_to_text


class Command(BaseCommand):
    help = (
        "Dépouille une édition (bulletins valides, règle de l'édition), enregistre le "
        "dépouillement et affiche le résultat. Rien n'est publié."
    )

    # The system checks import every URL, view and template, seconds of start-up that a
    # count does not need (``budgetcitoyen check`` and the server still run them).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--edition", type=int, required=True, help="année de l'édition")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        edition = Edition.objects.filter(year=options["edition"]).first()
        if edition is None:
            self._fail(f"aucune édition {options['edition']}")
        try:
            snapshot = services.tally_run(edition=edition, by=None)
        except DomainError as error:
            self._fail(error.message)
        data = dict(snapshot.outcome)
        if options["format"] == "json":
            data["snapshot"] = snapshot.pk
            data["ballots_sha256"] = snapshot.ballots_sha256
            data.pop("fingerprint", None)
            data["trace"] = [  # as ``pb tally`` prints it: each event with its French text
                {**line, "text": trace.render(trace.from_data(line))} for line in data["trace"]
            ]
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            outcome, projects = outcome_from_data(data)
            self.stdout.write(outcome_to_text(outcome, projects, snapshot.voters))
            self.stdout.write(
                f"\nDépouillement n° {snapshot.pk} enregistré ; empreinte SHA-256 des "
                f"bulletins : {snapshot.ballots_sha256}"
            )

    def _fail(self, problem: str) -> NoReturn:
        sys.stderr.write(f"budgetcitoyen tally : {problem}\n")
        sys.exit(2)
