"""Paper ballots typed in by agents: same eligibility, rule and identity review as online."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.ballots import rules
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
    choices_signature,
    lock_identity,
    options_of,
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
    with transaction.atomic():
        edition = lock_unpublished(edition)
        check_paper_window(edition)
        return _enter_sheet(
            edition,
            by,
            options_of(edition),
            PaperSheet(choices, collection_point, collected_on, sworn, values, another_sheet),
        )


@dataclass(frozen=True)
class PaperSheet:
    """One paper ballot as an agent types it in: choices, where and when it was dropped, the
    sworn statement and the voter's identity (``IDENTITY_FIELDS``)."""

    choices: Sequence[int]
    collection_point: str
    collected_on: date | None
    sworn: bool
    identity: dict[str, Any]
    another_sheet: bool = False


def paper_ballots_enter(
    *, edition: Edition, by: Any, sheets: Sequence[PaperSheet]
) -> list[tuple[Ballot, str]]:
    """Record a stack of paper ballots in one transaction, all or none: each sheet is checked
    and recorded exactly as ``paper_ballot_enter`` does (same function), the edition locked
    and its projects read once for the stack."""
    check_paper_agent(by)
    with transaction.atomic():
        edition = lock_unpublished(edition)
        check_paper_window(edition)
        options = options_of(edition)
        return [_enter_sheet(edition, by, options, sheet) for sheet in sheets]


def _enter_sheet(
    edition: Edition, by: Any, options: dict[int, rules.Option], sheet: PaperSheet
) -> tuple[Ballot, str]:
    """Check and record one sheet; the caller holds the edition's lock and checked the window."""
    identity = clean_identity(sheet.identity)
    collection_point = " ".join(sheet.collection_point.split())
    collected_on = sheet.collected_on
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
    if not sheet.sworn:
        errors["sworn"] = _(
            "Le bulletin n'est recevable que si la déclaration sur l'honneur est signée."
        )
    errors.update(identity_errors(identity))
    if errors:
        raise InvalidInput(errors=errors)
    check_eligible(edition, birth_date=identity["birth_date"], commune=identity["commune"])
    points = rules.rule_of(edition).validate(options, sheet.choices)
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
    if twin is not None and not sheet.another_sheet:
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
    return record_ballot(
        edition=edition,
        identity=identity,
        points=points,
        channel=Ballot.Channel.PAPER,
        actor=by,
        entered_by=by,
        collection_point=collection_point,
        collected_on=collected_on,
    )
