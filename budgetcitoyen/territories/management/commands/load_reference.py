"""``budgetcitoyen load_reference``: load the shipped communes and territories (idempotent)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budgetcitoyen.territories.services import REFERENCE_CSV, load_reference


class Command(BaseCommand):
    help = "Charge les territoires, intercommunalités et communes du Pas-de-Calais (sans effet s'ils sont à jour)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", type=Path, default=REFERENCE_CSV, help="Fichier CSV de référence."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = load_reference(path=options["file"])
        if not report.changed:
            self.stdout.write("Données de référence déjà à jour.")
            return
        for label, bucket in (("Ajouts", report.created), ("Mises à jour", report.updated)):
            for what, count in sorted(bucket.items()):
                self.stdout.write(f"{label} — {what} : {count}")
