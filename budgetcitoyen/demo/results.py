"""Demo result: the multiple vote is decided after the vote closes, staff count, check and
publish on the results date. The site shown before that date does not show it (a result is
public only from its publication time on)."""

from __future__ import annotations

from datetime import timedelta

from django.test.utils import override_settings

from budgetcitoyen.accounts.models import User
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results import services
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.voting import services as voting
from budgetcitoyen.voting.models import IdentityReview


def ensure_demo_results(edition: Edition) -> None:
    if ResultSnapshot.objects.filter(edition=edition).exists():
        return
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=edition.vote_end + timedelta(days=3)):
        for review in IdentityReview.objects.filter(
            edition=edition, status=IdentityReview.Status.OPEN
        ):
            voting.review_decide(
                review=review,
                outcome="annul",
                reason="Même personne (nom, prénom, date de naissance) sous deux adresses.",
                by=staff,
            )
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=edition.results_at - timedelta(hours=2)):
        snapshot = services.tally_run(edition=edition, by=staff)
    with override_settings(DEBUG=True, BUDGETCITOYEN_NOW=edition.results_at):
        services.publish(snapshot=snapshot, by=staff)
