"""``budgetcitoyen import_results``: import a past edition's published results from two CSV
files (format: docs/IMPORT.md), through the same service as the staff page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from budgetcitoyen.results import imports, services


class Command(BaseCommand):
    help = (
        "Importe les résultats publiés d'une édition passée (fichier des résultats et fichier "
        "des enveloppes, en CSV ; voir docs/IMPORT.md)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "results", type=Path, help="fichier CSV des résultats (un projet par ligne)"
        )
        parser.add_argument("envelopes", type=Path, help="fichier CSV des enveloppes par catégorie")
        parser.add_argument("--year", type=int, required=True, help="année de l'édition")
        parser.add_argument("--title", required=True, help="titre de l'édition")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="remplacer un import existant de la même année",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files = []
        for path in (options["results"], options["envelopes"]):
            try:
                if path.stat().st_size > imports.MAX_BYTES:
                    raise CommandError(f"{path} : le fichier dépasse la taille permise.")
                files.append(path.read_bytes())
            except OSError as error:
                raise CommandError(f"{path} : {error.strerror}") from error
        try:
            result = services.results_import(
                year=options["year"],
                title=options["title"],
                results_file=files[0],
                envelopes_file=files[1],
                source_name=options["results"].name,
                by=None,
                replace=options["replace"],
            )
        except services.ImportRefused as refused:
            raise CommandError(
                "Import refusé, rien n'a été enregistré :\n" + "\n".join(refused.problems)
            ) from None
        count = result.projects.count()
        funded = result.projects.filter(funded=True).count()
        self.stdout.write(
            f"Édition {result.edition.year} importée : {count} projets, dont {funded} financés."
        )
