"""Demo result: the multiple vote is decided after the vote closes, staff count, check and
publish on the results date. Each at its date: before the results date, there is no count."""

from __future__ import annotations

from datetime import timedelta

from budgetcitoyen.accounts.models import User
from budgetcitoyen.demo.replay import Replay
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.results import services
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.voting import services as voting
from budgetcitoyen.voting.models import IdentityReview

REVIEW_REASON = "Même personne (nom, prénom, date de naissance) sous deux adresses."


def ensure_demo_results(edition: Edition, replay: Replay) -> None:
    if ResultSnapshot.objects.filter(edition=edition).exists():
        return
    staff = User.objects.get(email="mission-ess@demo.budgetcitoyen.fr")
    reviewed = edition.vote_end + timedelta(days=2, hours=10)
    if replay.reached(reviewed):
        with replay.at(reviewed):
            for review in IdentityReview.objects.filter(
                edition=edition, status=IdentityReview.Status.OPEN
            ):
                voting.review_decide(review=review, outcome="annul", reason=REVIEW_REASON, by=staff)
    counted = edition.results_at - timedelta(hours=2)
    if not replay.reached(counted):
        return
    with replay.at(counted):
        snapshot = services.tally_run(edition=edition, by=staff)
    if replay.reached(edition.results_at):
        with replay.at(edition.results_at):
            services.publish(snapshot=snapshot, by=staff)
