"""Reviews of multiple votes, and the lock that closes every ballot change once results are published."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    InvalidInput,
    PhaseClosed,
)
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.voting import permissions
from budgetcitoyen.voting.models import (
    Ballot,
    IdentityReview,
)


def check_staff(user: Any) -> None:
    require(
        permissions.can_follow_vote(user),
        _("Cette décision revient à l'équipe de la Mission ESS."),
    )


# --- Reviews of multiple votes -------------------------------------------------------------------------


def results_published(edition: Edition) -> bool:
    return edition.results.filter(published_at__isnull=False).exists()  # type: ignore[attr-defined]


def lock_unpublished(edition: Edition) -> Edition:
    """Lock the edition row, the lock publishing its result also takes: no ballot changes
    status or arrives while a result is being published, and none after."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    if results_published(edition):
        raise PhaseClosed(_("Les résultats sont publiés : les bulletins ne peuvent plus changer."))
    return edition


def check_review_open(edition: Edition) -> None:
    """Reviews can be decided until the result is published (even past the results date:
    publication waits for them)."""
    if results_published(edition):
        raise PhaseClosed(
            _("Les résultats sont publiés : les vérifications de votes ne peuvent plus changer.")
        )


def review_decide(*, review: IdentityReview, outcome: str, reason: str, by: Any) -> IdentityReview:
    """Staff's decision on a cluster: ``annul`` every ballot of the person, or ``dismiss``."""
    check_staff(by)
    reason = reason.strip()
    if outcome not in ("annul", "dismiss"):
        raise InvalidInput(errors={"outcome": _("Choisissez : annuler les votes ou classer.")})
    if outcome == "dismiss" and not reason:
        raise InvalidInput(
            errors={"reason": _("Expliquez pourquoi il s'agit de personnes différentes.")}
        )
    with transaction.atomic():
        lock_unpublished(review.edition)  # first, as paper entry does: one lock order
        review = (
            IdentityReview.objects.select_for_update().select_related("edition").get(pk=review.pk)
        )
        if review.status != IdentityReview.Status.OPEN:
            raise AlreadyDone(_("Cette vérification a déjà été tranchée."))
        ballots = list(
            Ballot.objects.select_for_update(of=("self",))
            .filter(review=review)
            .select_related("user")
        )
        annul = outcome == "annul"
        new_status = Ballot.Status.ANNULLED if annul else Ballot.Status.VALID
        Ballot.objects.filter(pk__in=[b.pk for b in ballots]).update(status=new_status)
        review.status = IdentityReview.Status.ANNULLED if annul else IdentityReview.Status.DISMISSED
        review.reason = reason
        review.decided_by = by
        review.decided_at = clock.now()
        review.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
        log_action(
            actor=by,
            action="vote.review_annulled" if annul else "vote.review_dismissed",
            obj=review,
            data={"ballots": [b.pk for b in ballots], "reason": reason},
        )
        emails = sorted({b.user.email for b in ballots if b.user is not None})
        for email in emails:
            send_after_commit(
                to=[email],
                template="vote_review_annulled" if annul else "vote_review_dismissed",
                context={"edition": review.edition, "reason": reason},
            )
    return review
