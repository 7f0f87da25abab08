"""``budgetcitoyen purge_personal_data``: erase what is past its retention delay (daily cron).

A dry run by default: it prints what it would erase. ``--apply`` erases it, audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from budgetcitoyen.privacy.services import purge_personal_data


class Command(BaseCommand):
    help = (
        "Efface les données personnelles dont la durée de conservation est dépassée "
        "(simulation sans --apply)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--apply", action="store_true", help="effacer vraiment (sinon, simulation)"
        )

    def handle(self, *args: Any, apply: bool = False, **options: Any) -> None:
        report = purge_personal_data(apply=apply)
        if not apply:
            self.stdout.write("Simulation : rien n'est effacé (ajoutez --apply pour effacer).")
        for line in report.lines:
            self.stdout.write(line)
