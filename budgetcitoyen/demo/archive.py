"""Demo archive: the 2024 edition, held before the platform, imported from its published
results (``data/resultats-2024.csv``, ``data/enveloppes-2024.csv``) through the same service
as the staff page, a few days after the 2024 results date."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from budgetcitoyen.accounts.models import User
from budgetcitoyen.demo.replay import Replay
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results import services

DATA = Path(__file__).parent / "data"
ARCHIVE_YEAR = 2024
TITLE = "Budget citoyen 2024"


def ensure_demo_archive(replay: Replay) -> None:
    if Edition.objects.filter(year=ARCHIVE_YEAR).exists():
        return
    imported_at = services.imported_calendar(ARCHIVE_YEAR)["results_at"] + timedelta(days=5)
    if not replay.reached(imported_at):
        return
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    with replay.at(imported_at):
        services.results_import(
            year=ARCHIVE_YEAR,
            title=TITLE,
            results_file=(DATA / f"resultats-{ARCHIVE_YEAR}.csv").read_bytes(),
            envelopes_file=(DATA / f"enveloppes-{ARCHIVE_YEAR}.csv").read_bytes(),
            source_name=f"resultats-{ARCHIVE_YEAR}.csv",
            by=staff,
        )
