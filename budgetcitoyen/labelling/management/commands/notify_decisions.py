"""``budgetcitoyen notify_decisions``: queue the job that tells holders the committee's decision.

Run it daily from cron: it acts for editions whose labelling period is over, and each holder
is told once per decision, however often it runs.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from budgetcitoyen.labelling.tasks import send_labelling_notifications


class Command(BaseCommand):
    help = "Met en file l'envoi des décisions de labellisation aux porteurs (à lancer chaque jour)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="Envoie tout de suite, sans passer par la file."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = send_labelling_notifications.call()
            self.stdout.write(f"Porteurs informés : {sent}")
            return
        result = send_labelling_notifications.enqueue()
        self.stdout.write(f"Envoi des décisions mis en file (tâche {result.id}).")
