"""``budgetcitoyen demo``: prepare the demo site on the default database, then serve it.

The demo replays the 2025 edition through the services on a simulated clock and stops at the
date asked (``--date``, by default now): the site then shows what real people could have done
by that date, and the server shows the site as on that date.
"""

from __future__ import annotations

import os
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.formatting import fr_datetime
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from budgetcitoyen.demo.builder import load_demo
from budgetcitoyen.demo.editions import ANNOUNCED, DEMO_YEAR, calendar
from budgetcitoyen.demo.replay import DEFAULT_SIZE, SIZES, Replay
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.env import parse_frozen_now

PREPARED = "demo.prepared"


def site_url(addrport: str) -> str:
    """The address the demo serves, as links in emails and calendar files should say it."""
    host, _, port = addrport.rpartition(":")
    if not host:
        host = "127.0.0.1"
    if host in {"0.0.0.0", "::", "[::]"}:
        host = "localhost"
    return f"http://{host}:{port}"


def state_of(until: Any) -> str:
    """What a demo built up to ``until`` holds: its date, or ``complete`` once every step of
    the 2025 edition is past (every later date then builds the same demo)."""
    if until >= calendar(DEMO_YEAR)["results_at"] + timedelta(hours=16):
        return "complete"
    return timezone.localdate(until).isoformat()


class Command(BaseCommand):
    help = (
        "Prépare la démonstration (migrations, communes, édition 2025 rejouée jusqu'à la date "
        "demandée, comptes) puis sert le site."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="Prépare les données sans lancer le serveur."
        )
        parser.add_argument(
            "--date",
            metavar="AAAA-MM-JJ",
            help=(
                "Rejoue l'édition 2025 jusqu'à cette date (midi) et affiche le site comme à cette "
                "date (AAAA-MM-JJ ou AAAA-MM-JJTHH:MM). Par défaut : maintenant."
            ),
        )
        parser.add_argument(
            "--addrport",
            default="127.0.0.1:8000",
            help="Adresse et port du serveur ; les liens des e-mails et des fichiers iCal "
            "l'utilisent (sauf si SITE_URL est défini).",
        )
        parser.add_argument(
            "--size",
            choices=sorted(SIZES),
            default=DEFAULT_SIZE,
            help="Taille de l'édition : full (70 dossiers, 3 000 bulletins, défaut) "
            "ou small (quelques dizaines de personnes, pour les tests).",
        )
        parser.add_argument(
            "--emails",
            metavar="console|FICHIER",
            help="Affiche les e-mails envoyés pendant la préparation (console) ou les écrit "
            "dans ce fichier. Par défaut, seul leur nombre est affiché.",
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
        until = frozen or timezone.now()
        if until < ANNOUNCED:
            raise CommandError(
                f"La démonstration commence le {fr_datetime(ANNOUNCED)} (annonce de l'édition "
                f"{DEMO_YEAR}) : choisissez une date ultérieure."
            )
        if "SITE_URL" not in os.environ:
            settings.SITE_URL = site_url(options["addrport"])

        call_command("migrate", interactive=False, verbosity=0)
        # The platform is installed before the edition is announced: its reference data too.
        with override_settings(BUDGETCITOYEN_NOW=ANNOUNCED - timedelta(days=7)):
            call_command("load_reference", stdout=StringIO())
        size = options["size"]
        wanted = {"state": state_of(until), "size": size}
        prepared = AuditEntry.objects.filter(action=PREPARED).order_by("-id").first()
        if prepared is not None and prepared.data != wanted:
            raise CommandError(
                "Cette base contient déjà la démonstration "
                f"({prepared.data.get('state')}, taille {prepared.data.get('size')}) : pour une "
                "autre date ou une autre taille, utilisez une base neuve (par exemple "
                "BUDGETCITOYEN_VAR_DIR=/tmp/demo-autre-date)."
            )
        if prepared is None and Edition.objects.filter(year=DEMO_YEAR).exists():
            raise CommandError(
                "Cette base contient une démonstration d'une version précédente : utilisez une "
                "base neuve (par exemple BUDGETCITOYEN_VAR_DIR=/tmp/demo)."
            )

        outbox = getattr(mail, "outbox", None)
        mail.outbox = []
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                edition = load_demo(until, size)
                if prepared is None:
                    with transaction.atomic(), Replay(until, SIZES[size]).at(until):
                        log_action(actor=None, action=PREPARED, data=wanted)
            sent = list(mail.outbox)
        finally:
            if outbox is None:
                del mail.outbox
            else:
                mail.outbox = outbox

        self.stdout.write(f"Comptes de démonstration (mot de passe commun : {DEMO_PASSWORD}) :")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.email:<40} {account.description}")
        self.stdout.write("  Administration : /admin/")
        self._emails(sent, options["emails"])
        phase = phases.current_phase(edition, until)
        self.stdout.write(
            self.style.SUCCESS(
                f"Démonstration prête : {edition.title}, comme le {fr_datetime(until)} "
                f"(étape : {phase.label})."
            )
        )
        if options["no_serve"]:
            return
        if frozen is not None:
            os.environ["BUDGETCITOYEN_TODAY"] = options["date"]
            settings.BUDGETCITOYEN_NOW = frozen
        self.stdout.write(f"Site : {settings.SITE_URL}/  (Ctrl+C pour arrêter)")
        call_command("runserver", options["addrport"], use_reloader=False)

    def _emails(self, sent: list[Any], target: str | None) -> None:
        count = len(sent)
        line = f"{count} e-mail{'s' if count > 1 else ''} envoyé{'s' if count > 1 else ''} pendant la préparation"
        if not target:
            self.stdout.write(f"{line} (--emails console ou --emails FICHIER pour les lire).")
            return
        if target == "console":
            self.stdout.write(f"{line} :")
            for message in sent:
                self.stdout.write(message.message().as_string())
                self.stdout.write("-" * 79)
            return
        path = Path(target)
        with path.open("w", encoding="utf-8") as handle:
            for message in sent:
                handle.write(message.message().as_string())
                handle.write("\n" + "-" * 79 + "\n")
        self.stdout.write(f"{line}, écrits dans {path}.")
