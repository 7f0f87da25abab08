"""Casting a ballot online: the edition's projects, the rule's check, the locks, the record.

Concurrency. A cast locks the voter's account row, then re-checks everything (window,
existing ballot, declaration, eligibility, projects, rule) before it writes; the unique
constraint ``ballot_one_per_voter`` backs the "one ballot per person" rule underneath.
Every ballot also takes a lock on its identity key (a PostgreSQL advisory lock; SQLite
serialises writers anyway) so that two ballots of one identity, cast at the same moment
under two addresses, both see each other and both go under review.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from budgetcitoyen.ballots import rules
from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    NotEligible,
)
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling.models import Decision, Outcome
from budgetcitoyen.voting import catalogue
from budgetcitoyen.voting.identity import age_band, age_on, identity_key
from budgetcitoyen.voting.models import (
    Ballot,
    BallotChoice,
    IdentityReview,
    VoterDeclaration,
)
from budgetcitoyen.voting.services.eligibility import (
    IDENTITY_FIELDS,
    check_eligible,
    check_vote_open,
)
from budgetcitoyen.voting.services.receipts import (
    format_receipt,
    line_id_of,
    new_receipt_code,
    receipt_hash,
)

# --- Projects and ballots --------------------------------------------------------------------------


def published_projects(edition: Edition) -> QuerySet[Decision]:
    """The projects submitted to the vote: the edition's labelled decisions."""
    return Decision.objects.filter(edition=edition, outcome=Outcome.LABELLED)


def options_of(edition: Edition) -> dict[int, rules.Option]:
    """The ballot's projects by id, in a stable order (category priority, then title), as this
    process keeps them (``voting.catalogue``)."""
    return catalogue.ballot_of(edition).options


def ballot_of(edition: Edition, user: Any) -> Ballot | None:
    """The signed-in person's online ballot for the edition, if they voted."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Ballot.objects.filter(edition=edition, user=user).first()


def choices_text(points: Sequence[tuple[int, int]]) -> str:
    """A ballot's choices in canonical form, ``project:points`` pairs by project id
    (``12:1,40:1``): identical ballots have the same text, so the count groups them by it."""
    return ",".join(f"{pk}:{p}" for pk, p in sorted(points))


def choices_signature(points: Sequence[tuple[int, int]]) -> str:
    return hashlib.sha256(choices_text(points).encode()).hexdigest()


def lock_identity(edition: Edition, key: str) -> None:
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"{edition.pk}:{key}".encode()).digest()
        number = int.from_bytes(digest[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def _new_receipt(edition: Edition) -> tuple[str, str]:
    """A fresh receipt code and the line id it gives in the edition's file. Two ballots of an
    edition sharing a line id (64 bits) is about as likely as winning a lottery twice, but it
    would make one voter find another's line: such a code is drawn again (the constraint
    ``ballot_line_id_once`` backs it)."""
    while True:
        code = new_receipt_code()
        line_id = line_id_of(edition, code)
        if not Ballot.objects.filter(edition=edition, line_id=line_id).exists():
            return code, line_id


def record_ballot(
    *,
    edition: Edition,
    identity: dict[str, Any],
    points: list[tuple[int, int]],
    channel: str,
    actor: Any,
    **extra: Any,
) -> tuple[Ballot, str]:
    """Write a ballot and its choices; open (or extend) the review of its identity if needed."""
    key = identity_key(identity["last_name"], identity["first_name"], identity["birth_date"])
    lock_identity(edition, key)
    code, line_id = _new_receipt(edition)
    age = age_on(identity["birth_date"], edition.age_reckoned_on)
    ballot = Ballot.objects.create(
        edition=edition,
        channel=channel,
        receipt_hash=receipt_hash(code),
        line_id=line_id,
        identity_key=key,
        age_band=age_band(age),
        territory=identity["commune"].territory,
        cast_at=clock.now(),
        choices_signature=choices_signature(points),
        choices_text=choices_text(points),
        **identity,
        **extra,
    )
    BallotChoice.objects.bulk_create(
        BallotChoice(ballot=ballot, project_id=pk, points=p, position=i)
        for i, (pk, p) in enumerate(points, start=1)
    )
    log_action(
        actor=actor,
        action="vote.ballot_recorded",
        obj=ballot,
        data={"channel": channel, "territory": ballot.territory.name, "age_band": ballot.age_band},
    )
    same_identity = Ballot.objects.filter(edition=edition, identity_key=key)
    if same_identity.exclude(pk=ballot.pk).exists():
        # Ballots already annulled stay annulled; every other one (this one included) waits
        # for staff, so a person whose votes were annulled cannot simply vote again.
        review, created = IdentityReview.objects.get_or_create(
            edition=edition, identity_key=key, status=IdentityReview.Status.OPEN
        )
        matches = same_identity.exclude(status=Ballot.Status.ANNULLED)
        matches.update(status=Ballot.Status.UNDER_REVIEW, review=review)
        ballot.refresh_from_db()
        log_action(
            actor=actor,
            action="vote.review_opened" if created else "vote.review_extended",
            obj=review,
            data={"ballots": sorted(matches.values_list("pk", flat=True))},
        )
    return ballot, code


def ballot_check(edition: Edition, choices: Sequence[int]) -> list[tuple[int, int]]:
    """Validate a ballot against the edition's rule and projects (for the summary page)."""
    return rules.rule_of(edition).validate(options_of(edition), choices)


def ballot_cast(
    *, edition: Edition, user: Any, choices: Sequence[int], ip: str | None = None
) -> tuple[Ballot, str]:
    """Record the signed-in voter's ballot; return it with its receipt code (shown once).

    Attempts are rate-limited by the page (``views.cast``), per account and per IP address.
    """
    try:
        with transaction.atomic():
            get_user_model().objects.select_for_update().get(pk=user.pk)
            edition = Edition.objects.get(pk=edition.pk)
            check_vote_open(edition)
            if Ballot.objects.filter(edition=edition, user=user).exists():
                raise AlreadyDone(
                    _("Vous avez déjà voté à cette édition : un bulletin enregistré est définitif.")
                )
            declaration = (
                VoterDeclaration.objects.select_related("commune__territory")
                .filter(edition=edition, user=user)
                .first()
            )
            if declaration is None:
                raise NotEligible(_("Déclarez d'abord votre identité pour pouvoir voter."))
            identity = {name: getattr(declaration, name) for name in IDENTITY_FIELDS}
            check_eligible(edition, birth_date=identity["birth_date"], commune=identity["commune"])
            points = ballot_check(edition, choices)
            ballot, code = record_ballot(
                edition=edition,
                identity=identity,
                points=points,
                channel=Ballot.Channel.ONLINE,
                actor=user,
                user=user,
                ip_address=ip,
            )
            send_after_commit(
                to=[user.email],
                template="vote_receipt",
                context={"edition": edition, "code": format_receipt(code), "ballot": ballot},
            )
    except IntegrityError as error:
        # A concurrent cast of the same account won (the one-ballot constraint). Any other
        # integrity error is a defect and must not pass for "already voted".
        if Ballot.objects.filter(edition=edition, user=user).exists():
            raise AlreadyDone(
                _("Vous avez déjà voté à cette édition : un bulletin enregistré est définitif.")
            ) from error
        raise
    return ballot, code
