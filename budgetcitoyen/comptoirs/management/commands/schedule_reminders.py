"""``budgetcitoyen schedule_reminders``: queue the reminder job (run it hourly from cron).

The worker (``budgetcitoyen db_worker``) picks it up. Queuing it twice is harmless: each
reminder is claimed once.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budgetcitoyen.comptoirs.tasks import send_comptoir_reminders


class Command(BaseCommand):
    help = "Met en file l'envoi des rappels des comptoirs (à lancer chaque heure, par exemple par cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Envoie les rappels tout de suite, sans passer par la file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = send_comptoir_reminders.call()
            self.stdout.write(f"Rappels envoyés : {sent}")
            return
        result = send_comptoir_reminders.enqueue()
        self.stdout.write(f"Envoi des rappels mis en file (tâche {result.id}).")
