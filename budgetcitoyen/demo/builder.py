"""The demo data set: edition 2025 of the Pas-de-Calais (seed calendar), its comptoirs, accounts,
dossiers, labelling, vote and result, each replayed through the services of its app on a
simulated clock that stops at the demo's date; once the results are out, the next edition
announced.

Every function is idempotent: running the demo twice changes nothing.
"""

from __future__ import annotations

from datetime import datetime

from budgetcitoyen.demo.accounts import ensure_demo_accounts
from budgetcitoyen.demo.archive import ensure_demo_archive
from budgetcitoyen.demo.comptoirs import ensure_demo_comptoirs, ensure_demo_registrations
from budgetcitoyen.demo.dossiers import ensure_demo_dossiers
from budgetcitoyen.demo.editions import ensure_demo_edition, ensure_next_edition
from budgetcitoyen.demo.followup import ensure_demo_followup
from budgetcitoyen.demo.labelling import ensure_demo_labelling
from budgetcitoyen.demo.replay import DEFAULT_SIZE, SIZES, Replay
from budgetcitoyen.demo.results import ensure_demo_results
from budgetcitoyen.demo.voting import ensure_demo_vote
from budgetcitoyen.editions.models import Edition


def load_demo(until: datetime, size: str = DEFAULT_SIZE) -> Edition:
    """Replay the 2025 edition up to ``until`` (nothing dated after it is written)."""
    replay = Replay(until=until, size=SIZES[size])
    edition = ensure_demo_edition(replay)
    ensure_demo_accounts(replay)
    ensure_demo_archive(replay)
    ensure_demo_comptoirs(edition, replay)
    ensure_demo_registrations(edition, replay)
    ensure_demo_dossiers(edition, replay)
    ensure_demo_labelling(edition, replay)
    ensure_demo_vote(edition, replay)
    ensure_demo_results(edition, replay)
    ensure_demo_followup(edition, replay)
    ensure_next_edition(edition, replay)
    return edition
