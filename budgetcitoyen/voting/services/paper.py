"""Paper ballots typed in by agents: same eligibility, rule and identity review as online."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.core import clock
from budgetcitoyen.core.errors import (
    Conflict,
    InvalidInput,
    PhaseClosed,
)
from budgetcitoyen.core.formatting import fr_date, fr_datetime
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step
from budgetcitoyen.voting import permissions
from budgetcitoyen.voting.identity import identity_key
from budgetcitoyen.voting.models import (
    Ballot,
)
from budgetcitoyen.voting.services.casting import (
    ballot_check,
    choices_signature,
    lock_identity,
    record_ballot,
)
from budgetcitoyen.voting.services.eligibility import (
    check_eligible,
    clean_identity,
    identity_errors,
)
from budgetcitoyen.voting.services.reviews import lock_unpublished


def check_paper_agent(user: Any) -> None:
    require(
        permissions.can_enter_paper(user),
        _("La saisie des bulletins papier est réservée aux agents habilités."),
    )


def check_paper_window(edition: Edition, at: datetime | None = None) -> None:
    """Paper ballots are typed in from the opening of the vote until the results."""
    at = at or clock.now()
    if not phases.has_started(edition, Step.VOTE, at):
        raise PhaseClosed(
            _("La saisie des bulletins papier ouvrira avec le vote, le %(date)s.")
            % {"date": fr_datetime(phases.start(edition, Step.VOTE))}
        )
    if phases.has_started(edition, Step.RESULTS, at):
        raise PhaseClosed(
            _("Les résultats sont publiés : la saisie des bulletins papier est close.")
        )


def paper_ballot_enter(
    *,
    edition: Edition,
    by: Any,
    choices: Sequence[int],
    collection_point: str,
    collected_on: date | None,
    sworn: bool,
    another_sheet: bool = False,
    **values: Any,
) -> tuple[Ballot, str]:
    """Record a paper ballot typed in by an agent: same eligibility, rule and identity review.

    The same sheet typed twice (same identity, same choices, on paper) is refused, unless the
    agent states it is another sheet: both then go under review like any multiple vote.
    """
    check_paper_agent(by)
    identity = clean_identity(values)
    collection_point = " ".join(collection_point.split())
    with transaction.atomic():
        edition = lock_unpublished(edition)
        check_paper_window(edition)
        errors: dict[str, str] = {}
        if not collection_point:
            errors["collection_point"] = _(
                "Indiquez la Maison du Département où le bulletin a été déposé."
            )
        first, last = (
            timezone.localdate(phases.start(edition, Step.VOTE)),
            timezone.localdate(phases.end(edition, Step.VOTE) - timedelta(seconds=1)),
        )
        if collected_on is None:
            errors["collected_on"] = _("Indiquez la date de dépôt du bulletin.")
        elif not first <= collected_on <= last:
            errors["collected_on"] = _(
                "Le bulletin doit avoir été déposé pendant le vote, du %(first)s au %(last)s."
            ) % {"first": fr_date(first, False), "last": fr_date(last, False)}
        if not sworn:
            errors["sworn"] = _(
                "Le bulletin n'est recevable que si la déclaration sur l'honneur est signée."
            )
        errors.update(identity_errors(identity))
        if errors:
            raise InvalidInput(errors=errors)
        check_eligible(edition, birth_date=identity["birth_date"], commune=identity["commune"])
        points = ballot_check(edition, choices)
        key = identity_key(identity["last_name"], identity["first_name"], identity["birth_date"])
        lock_identity(edition, key)
        twin = (
            Ballot.objects.select_related("entered_by")
            .filter(
                edition=edition,
                channel=Ballot.Channel.PAPER,
                identity_key=key,
                choices_signature=choices_signature(points),
            )
            .first()
        )
        if twin is not None and not another_sheet:
            raise Conflict(
                _(
                    "Ce bulletin semble déjà saisi : même personne, mêmes choix, saisi le "
                    "%(date)s (%(place)s). S'il s'agit bien d'un autre bulletin papier, cochez "
                    "« Il s'agit d'un autre bulletin » : les deux seront examinés par l'équipe."
                )
                % {
                    "date": fr_datetime(twin.cast_at),
                    "place": twin.collection_point,
                }
            )
        ballot, code = record_ballot(
            edition=edition,
            identity=identity,
            points=points,
            channel=Ballot.Channel.PAPER,
            actor=by,
            entered_by=by,
            collection_point=collection_point,
            collected_on=collected_on,
        )
    return ballot, code
