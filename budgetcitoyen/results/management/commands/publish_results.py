"""``budgetcitoyen publish_results`` (hourly, by cron): publish the results of every edition
whose results date has come, when no multiple-vote review is pending."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from budgetcitoyen.results import services


class Command(BaseCommand):
    help = "Publie les résultats des éditions arrivées à leur date de publication."

    def handle(self, *args: Any, **options: Any) -> None:
        for line in services.publish_due():
            self.stdout.write(line)
