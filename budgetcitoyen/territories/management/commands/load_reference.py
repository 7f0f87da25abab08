"""``budgetcitoyen load_reference [FILE]``: load communes and territories (idempotent).

Without FILE, the shipped file; with it, any département's communes in the same CSV format
(columns in docs/REFERENCE.md).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.territories.services import REFERENCE_COLUMNS, REFERENCE_CSV, load_reference


class Command(BaseCommand):
    help = (
        "Charge les territoires, intercommunalités, communes, codes postaux et anciennes communes "
        "d'un fichier CSV (par défaut, le fichier livré) ; sans effet s'ils sont à jour. "
        f"Colonnes : {','.join(REFERENCE_COLUMNS)} (voir docs/REFERENCE.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            metavar="FILE",
            help="Fichier CSV de référence (par défaut, celui livré avec la plateforme).",
        )
        parser.add_argument(
            "--file", type=Path, dest="file", help="Ancienne forme de FILE, toujours acceptée."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"] or options["file"] or REFERENCE_CSV
        try:
            report = load_reference(path=path)
        except InvalidInput as error:
            raise CommandError(error.message) from error
        if not report.changed:
            self.stdout.write("Données de référence déjà à jour.")
            return
        for label, bucket in (("Ajouts", report.created), ("Mises à jour", report.updated)):
            for what, count in sorted(bucket.items()):
                self.stdout.write(f"{label} — {what} : {count}")
