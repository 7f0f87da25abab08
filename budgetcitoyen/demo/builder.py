"""The demo data set: edition 2025 of the Pas-de-Calais (seed calendar), its comptoirs, accounts,
dossiers, labelling, vote and result, each replayed through the services of its app.

Every function is idempotent: running the demo twice changes nothing.
"""

from __future__ import annotations

from budgetcitoyen.demo.accounts import ensure_demo_accounts
from budgetcitoyen.demo.comptoirs import ensure_demo_comptoirs, ensure_demo_registrations
from budgetcitoyen.demo.dossiers import ensure_demo_dossiers
from budgetcitoyen.demo.editions import ensure_demo_edition
from budgetcitoyen.demo.labelling import ensure_demo_labelling
from budgetcitoyen.demo.results import ensure_demo_results
from budgetcitoyen.demo.voting import ensure_demo_vote
from budgetcitoyen.editions.models import Edition


def load_demo() -> Edition:
    edition = ensure_demo_edition()
    ensure_demo_comptoirs(edition)
    ensure_demo_accounts()
    ensure_demo_registrations(edition)
    ensure_demo_dossiers(edition)
    ensure_demo_labelling(edition)
    ensure_demo_vote(edition)
    ensure_demo_results(edition)
    return edition
