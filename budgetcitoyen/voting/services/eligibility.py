"""Who may vote: the vote window, the sworn identity and its checks, the declaration."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from budgetcitoyen.core import clock, organisation
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    InvalidInput,
    NotEligible,
    PhaseClosed,
)
from budgetcitoyen.core.formatting import fr_date, fr_datetime, until
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.voting.identity import age_on
from budgetcitoyen.voting.models import (
    Ballot,
    VoterDeclaration,
)

# --- Eligibility ---------------------------------------------------------------------------------


def check_vote_open(edition: Edition, at: datetime | None = None) -> None:
    at = at or clock.now()
    if not edition.is_published:
        raise PhaseClosed(_("Le vote de cette édition n'est pas ouvert."))
    start, end = phases.start(edition, Step.VOTE), phases.end(edition, Step.VOTE)
    if not phases.has_started(edition, Step.VOTE, at):
        raise PhaseClosed(_("Le vote ouvrira le %(date)s.") % {"date": fr_datetime(start)})
    if phases.has_ended(edition, Step.VOTE, at):
        raise PhaseClosed(
            _("Le vote est clos : il était ouvert %(until)s.") % {"until": until(end)}
        )


def identity_errors(identity: dict[str, Any]) -> dict[str, str]:
    """What is wrong with a declared identity as typed (not eligibility: see check_eligible).

    ``identity`` holds IDENTITY_FIELDS; ``commune`` is a Commune or None (not found)."""
    last_name: str = identity["last_name"]
    first_name: str = identity["first_name"]
    birth_date: date | None = identity["birth_date"]
    commune: Commune | None = identity["commune"]
    postal_code: str = identity["postal_code"]
    errors: dict[str, str] = {}
    if not last_name.strip():
        errors["last_name"] = _("Indiquez votre nom.")
    if not first_name.strip():
        errors["first_name"] = _("Indiquez votre prénom.")
    today = clock.today()
    if birth_date is None:
        errors["birth_date"] = _("Indiquez votre date de naissance, par exemple 14/07/1990.")
    elif birth_date > today:
        errors["birth_date"] = _("La date de naissance ne peut pas être dans le futur.")
    elif birth_date.year < today.year - 120:
        errors["birth_date"] = _("Vérifiez l'année de naissance.")
    if commune is None:
        errors["commune"] = organisation.with_names(
            _(
                "Le vote est réservé aux habitants %(area_of)s : choisissez votre commune "
                "de résidence dans la liste."
            )
        )
    elif postal_code.strip() not in commune.postal_code_list:
        codes = ", ".join(commune.postal_code_list)
        errors["postal_code"] = _(
            "Le code postal %(code)s ne correspond pas à %(commune)s (code postal : %(codes)s)."
        ) % {"code": postal_code.strip() or "—", "commune": commune.name, "codes": codes}
    return errors


def check_eligible(edition: Edition, *, birth_date: date, commune: Commune | None) -> None:
    """The commune is in the département and the voter has the minimum age on the reference day."""
    if commune is None:
        raise NotEligible(
            organisation.with_names(_("Le vote est réservé aux habitants %(area_of)s."))
        )
    day = edition.age_reckoned_on
    if age_on(birth_date, day) < edition.minimum_voter_age:
        raise NotEligible(
            _(
                "Le vote est ouvert aux personnes âgées d'au moins %(age)d ans au %(day)s : "
                "d'après votre date de naissance, vous ne pouvez pas voter à cette édition."
            )
            % {"age": edition.minimum_voter_age, "day": fr_date(day, False)}
        )


def check_identity(edition: Edition, values: dict[str, Any]) -> None:
    errors = identity_errors(values)
    if errors:
        raise InvalidInput(errors=errors)
    check_eligible(edition, birth_date=values["birth_date"], commune=values["commune"])


IDENTITY_FIELDS = (
    "last_name",
    "first_name",
    "other_first_names",
    "birth_date",
    "commune",
    "postal_code",
)


def clean_identity(values: dict[str, Any]) -> dict[str, Any]:
    clean = {name: values.get(name) for name in IDENTITY_FIELDS}
    for name in ("last_name", "first_name", "other_first_names", "postal_code"):
        clean[name] = " ".join(str(clean[name] or "").split())
    return clean


def declaration_save(
    *, edition: Edition, user: Any, sworn: bool, **values: Any
) -> VoterDeclaration:
    """Record (or correct, until the vote is cast) an online voter's sworn declaration."""
    values = clean_identity(values)
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        check_vote_open(edition)
        if Ballot.objects.filter(edition=edition, user=user).exists():
            raise AlreadyDone(_("Vous avez déjà voté : votre déclaration ne peut plus changer."))
        check_identity(edition, values)
        if not sworn:
            raise InvalidInput(
                errors={"sworn": _("Cochez la déclaration sur l'honneur pour continuer.")}
            )
        declaration, created = VoterDeclaration.objects.update_or_create(
            edition=edition, user=user, defaults={**values, "sworn_at": clock.now()}
        )
        log_action(
            actor=user,
            action="vote.declaration_saved" if created else "vote.declaration_changed",
            obj=declaration,
            data={"commune": values["commune"].insee_code},
        )
    return declaration


def declaration_of(edition: Edition, user: Any) -> VoterDeclaration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        VoterDeclaration.objects.select_related("commune__territory")
        .filter(edition=edition, user=user)
        .first()
    )
