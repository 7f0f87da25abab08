"""``budgetcitoyen demo``: prepare the demo site on the default database, then serve it."""

from __future__ import annotations

import os
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from budgetcitoyen.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from budgetcitoyen.demo.builder import load_demo
from budgetcitoyen.env import parse_frozen_now


class Command(BaseCommand):
    help = (
        "Prépare la démonstration (migrations, communes, édition 2025, comptoirs, comptes) "
        "puis sert le site sur http://127.0.0.1:8000."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Prépare les données sans lancer le serveur."
        )
        parser.add_argument(
            "--date",
            metavar="AAAA-MM-JJ",
            help="Affiche le site comme à cette date (définit BUDGETCITOYEN_TODAY pour le serveur).",
        )
        parser.add_argument(
            "--addrport", default="127.0.0.1:8000", help="Adresse et port du serveur."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # The demo creates accounts with published passwords: never on a live site.
            raise CommandError(
                "La démonstration ne s'exécute qu'en mode développement : lancez-la avec DEBUG=1."
            )
        frozen = None
        if options["date"]:
            try:
                frozen = parse_frozen_now(options["date"], ZoneInfo(settings.TIME_ZONE))
            except ImproperlyConfigured as exc:
                raise CommandError(str(exc)) from exc

        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_reference", stdout=StringIO())
        edition = load_demo()

        self.stdout.write(
            self.style.SUCCESS(
                f"Démonstration prête : {edition.title} ({edition.comptoirs.count()} comptoirs)."
            )
        )
        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<40} {account.description}")
        self.stdout.write("Administration : /admin/")
        if frozen is None:
            self.stdout.write(
                "Pour voir le vote 2025 en cours (et voter avec habitante@…) : "
                "relancez avec --date 2025-09-15."
            )

        if options["no_serve"]:
            return
        if frozen is not None:
            os.environ["BUDGETCITOYEN_TODAY"] = options["date"]
            settings.BUDGETCITOYEN_NOW = frozen
            self.stdout.write(f"Le site est affiché comme au {options['date']}.")
        self.stdout.write(f"Site : http://{options['addrport']}/  (Ctrl+C pour arrêter)")
        call_command("runserver", options["addrport"], use_reloader=False)
