"""``budgetcitoyen send_followup_reminders``: queue the follow-up's reminder job (run it daily
from cron).

The worker (``budgetcitoyen db_worker``) picks it up. Queuing it twice is harmless: each
reminder (an open request for documents, a final report soon due) is claimed once.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budgetcitoyen.followup.tasks import send_followup_reminders


class Command(BaseCommand):
    help = (
        "Met en file l'envoi des rappels du suivi : pièces justificatives et rapports finaux "
        "(à lancer chaque jour, par exemple par cron)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Envoie les rappels tout de suite, sans passer par la file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = send_followup_reminders.call()
            self.stdout.write(f"Rappels envoyés : {sent}")
            return
        result = send_followup_reminders.enqueue()
        self.stdout.write(f"Envoi des rappels mis en file (tâche {result.id}).")
