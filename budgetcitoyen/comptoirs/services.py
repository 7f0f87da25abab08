"""Every rule of the comptoirs: scheduling, registration, waiting list, cancellation, attendance.

Concurrency: everything that consumes or frees a place locks the comptoir row first
(``select_for_update``), then the person's row, always in that order, and re-checks
inside the lock. Database constraints back the invariants (one active registration per
person and comptoir, one confirmed place per person and edition, unique arrival tickets).
On SQLite, IMMEDIATE transactions serialise writers instead of row locks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.permissions import is_signed_in
from budgetcitoyen.comptoirs import permissions
from budgetcitoyen.comptoirs.models import Comptoir, Registration, StructureKind
from budgetcitoyen.core import clock, pagecache
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    DomainError,
    Full,
    InvalidInput,
    NotEligible,
    PermissionRefused,
    PhaseClosed,
)
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_ended, phase_open
from budgetcitoyen.territories.models import Territory

COMPTOIR_FIELDS = [
    "territory",
    "host_name",
    "address",
    "commune",
    "access_information",
    "starts_at",
    "ends_at",
    "capacity",
    "registration_cutoff_hours",
]
Status = Registration.Status


def _errors_of(exc: ValidationError) -> dict[str, str]:
    return {f: " ".join(str(m) for m in msgs) for f, msgs in exc.message_dict.items()}


# --- Scheduling ------------------------------------------------------------------------------


@transaction.atomic
def comptoir_create(*, edition: Edition, by: Any | None, **values: Any) -> Comptoir:
    """Schedule a comptoir; its territory defaults to its commune's."""
    organisers = values.pop("organisers", [])
    if values.get("commune") is not None and values.get("territory") is None:
        values["territory"] = values["commune"].territory
    comptoir = Comptoir(edition=edition, **values)
    _check_comptoir(comptoir)
    comptoir.save()
    comptoir.organisers.set(organisers)
    pagecache.invalidate()
    log_action(
        actor=by,
        action="comptoirs.comptoir_created",
        obj=comptoir,
        data={"edition": edition.year, **{f: getattr(comptoir, f) for f in COMPTOIR_FIELDS}},
    )
    return comptoir


def _check_comptoir(comptoir: Comptoir) -> None:
    errors: dict[str, str] = {}
    try:
        comptoir.full_clean(exclude=["edition"], validate_constraints=False)
    except ValidationError as exc:
        errors = _errors_of(exc)
    if comptoir.starts_at and comptoir.ends_at and comptoir.ends_at <= comptoir.starts_at:
        errors["ends_at"] = _("La fin du comptoir doit suivre son début.")
    if errors:
        raise InvalidInput(errors=errors)


@transaction.atomic
def comptoir_update(*, comptoir: Comptoir, by: Any | None, **values: Any) -> Comptoir:
    """Change a comptoir's details. Capacity goes through ``comptoir_set_capacity``."""
    comptoir = Comptoir.objects.select_for_update().get(pk=comptoir.pk)
    capacity = values.pop("capacity", comptoir.capacity)
    organisers = values.pop("organisers", None)
    before = {f: getattr(comptoir, f) for f in COMPTOIR_FIELDS}
    for field, value in values.items():
        setattr(comptoir, field, value)
    _check_comptoir(comptoir)
    comptoir.save()
    if organisers is not None:
        comptoir.organisers.set(organisers)
    diff = {
        f: [before[f], getattr(comptoir, f)]
        for f in COMPTOIR_FIELDS
        if before[f] != getattr(comptoir, f)
    }
    if diff or organisers is not None:
        data: dict[str, Any] = {"changes": diff}
        if organisers is not None:
            data["organisers"] = sorted(u.pk for u in organisers)  # ids: the log outlives accounts
        pagecache.invalidate()
        log_action(actor=by, action="comptoirs.comptoir_updated", obj=comptoir, data=data)
    if capacity != comptoir.capacity:
        comptoir_set_capacity(comptoir=comptoir, capacity=capacity, by=by)
    return comptoir


@transaction.atomic
def comptoir_set_capacity(
    *, comptoir: Comptoir, capacity: int, by: Any | None
) -> list[Registration]:
    """Raise or lower the number of places. Raising promotes from the waiting list.

    Returns the registrations promoted.
    """
    comptoir = Comptoir.objects.select_for_update().get(pk=comptoir.pk)
    if capacity < 1:
        raise InvalidInput(errors={"capacity": _("Un comptoir a au moins une place.")})
    confirmed = comptoir.registrations.filter(status=Status.CONFIRMED).count()
    if capacity < confirmed:
        raise Conflict(
            _(
                "Impossible de descendre à %(capacity)d places : %(confirmed)d personnes ont déjà une place confirmée. "
                "Annulez d'abord des inscriptions."
            )
            % {"capacity": capacity, "confirmed": confirmed}
        )
    before = comptoir.capacity
    if before == capacity:
        return []
    comptoir.capacity = capacity
    comptoir.save(update_fields=["capacity", "updated_at"])
    log_action(
        actor=by,
        action="comptoirs.capacity_changed",
        obj=comptoir,
        data={"from": before, "to": capacity},
    )
    return _promote_waitlisted(comptoir, by=by)


@transaction.atomic
def comptoir_cancel(*, comptoir: Comptoir, reason: str, by: Any | None) -> int:
    """Cancel a comptoir: every active registration ends and its holder is told. Returns their number."""
    comptoir = Comptoir.objects.select_for_update().get(pk=comptoir.pk)
    if comptoir.is_cancelled:
        raise AlreadyDone(_("Ce comptoir est déjà annulé."))
    if comptoir.starts_at <= clock.now() or comptoir.registrations.exclude(attendance="").exists():
        raise Conflict(
            _(
                "Ce comptoir a commencé (ou des présences y sont notées) : il ne peut plus être "
                "annulé."
            )
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            errors={"reason": _("Indiquez le motif de l'annulation : il est envoyé aux inscrits.")}
        )
    comptoir.is_cancelled = True
    comptoir.cancellation_reason = reason
    comptoir.save(update_fields=["is_cancelled", "cancellation_reason", "updated_at"])
    active = list(
        comptoir.registrations.filter(status__in=Registration.ACTIVE).select_related("person")
    )
    for registration in active:
        _end(registration, Status.COMPTOIR_CANCELLED)
        send_after_commit(
            to=[registration.person.email],
            template="comptoir_cancelled",
            context={"registration": registration, "comptoir": comptoir, "reason": reason},
        )
    pagecache.invalidate()
    log_action(
        actor=by,
        action="comptoirs.comptoir_cancelled",
        obj=comptoir,
        data={"reason": reason, "registrations_ended": len(active)},
    )
    return len(active)


# --- Registration ----------------------------------------------------------------------------


def _end(registration: Registration, status: str) -> None:
    """Close a registration (cancelled, withdrawn, comptoir cancelled): a status change, never a delete."""
    registration.status = status
    registration.ended_at = clock.now()
    registration.save(update_fields=["status", "ended_at", "updated_at"])


def has_verified_email(person: Any) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(
        user=person, email__iexact=person.email, verified=True
    ).exists()


def _lock_person(person: Any) -> Any:
    return get_user_model().objects.select_for_update().get(pk=person.pk)


def _idea_values(
    *,
    idea_title: str,
    idea_summary: str,
    idea_territory: Territory | None,
    structure_kind: str,
    accessibility_needs: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    idea_title, idea_summary = idea_title.strip(), idea_summary.strip()
    if not idea_title:
        errors["idea_title"] = _("Donnez un titre à votre idée, même provisoire.")
    elif len(idea_title) > 150:
        errors["idea_title"] = _("Le titre ne doit pas dépasser 150 caractères.")
    if not idea_summary:
        errors["idea_summary"] = _("Décrivez votre idée en quelques lignes.")
    elif len(idea_summary) > 1500:
        errors["idea_summary"] = _("La description ne doit pas dépasser 1 500 caractères.")
    if idea_territory is None:
        errors["idea_territory"] = _("Choisissez le territoire que votre idée concerne.")
    if structure_kind not in StructureKind.values:
        errors["structure_kind"] = _("Indiquez si vous avez déjà une structure.")
    if len(accessibility_needs) > 1000:
        errors["accessibility_needs"] = _("Ce champ ne doit pas dépasser 1 000 caractères.")
    if errors:
        raise InvalidInput(errors=errors)
    return {
        "idea_title": idea_title,
        "idea_summary": idea_summary,
        "idea_territory": idea_territory,
        "structure_kind": structure_kind,
        "accessibility_needs": accessibility_needs.strip(),
    }


def check_open_for_registration(comptoir: Comptoir) -> None:
    now = clock.now()
    if comptoir.is_cancelled:
        raise PhaseClosed(_("Ce comptoir a été annulé : les inscriptions sont fermées."))
    if now >= comptoir.ends_at:
        raise PhaseClosed(_("Ce comptoir a eu lieu : les inscriptions sont fermées."))
    if not phase_open(comptoir.edition, Step.COMPTOIRS, now):
        raise PhaseClosed(_("Les inscriptions aux comptoirs ne sont pas ouvertes à cette date."))
    if now >= comptoir.registration_closes_at:
        raise PhaseClosed(
            _("Les inscriptions à ce comptoir sont closes depuis %(hours)d h avant son début.")
            % {"hours": comptoir.registration_cutoff_hours}
        )


def _confirmed_elsewhere(person: Any, comptoir: Comptoir) -> Registration | None:
    return (
        Registration.objects.select_related("comptoir__commune")
        .filter(edition_id=comptoir.edition_id, person=person, status=Status.CONFIRMED)
        .exclude(comptoir=comptoir)
        .first()
    )


class Offer:
    """What a person may do at a comptoir now (``Verdict.offer``)."""

    REGISTER = "register"  # a confirmed place is free
    WAITLIST = "waitlist"  # full: the waiting list
    HOLDS_PLACE = "holds_place"  # already confirmed here
    WAITLISTED = "waitlisted"  # already on this waiting list
    NONE = "none"  # nothing: ``reason`` says why


@dataclass(frozen=True)
class Verdict:
    """The one answer to "may this person register here, or join the waiting list, and why not".

    The comptoir page shows it before the form; ``registration_create`` raises ``error``.
    """

    offer: str
    reason: str = ""
    error: DomainError | None = None
    registration: Registration | None = None
    # Signing in (or confirming the email) is still to be done before the offer can be taken.
    needs_sign_in: bool = False
    needs_email: bool = False

    @property
    def allowed(self) -> bool:
        return self.offer in (Offer.REGISTER, Offer.WAITLIST) and self.error is None

    @property
    def is_waitlist(self) -> bool:
        return self.offer == Offer.WAITLIST


def registration_verdict(comptoir: Comptoir, person: Any) -> Verdict:
    """Whether ``person`` (anonymous allowed) may register at ``comptoir`` now, and why not.

    The order is the order of the refusals a person can act on: the comptoir itself (cancelled,
    past, registrations closed), a registration they already hold here or a confirmed place at
    another comptoir of the edition (one per edition: they are not offered the waiting list
    either), their email address, then places: a confirmed place while some remain, else the
    waiting list. Called under the locks by ``registration_create``, without them by the pages.
    """
    try:
        check_open_for_registration(comptoir)
    except PhaseClosed as error:
        return Verdict(Offer.NONE, error.message, error)
    confirmed = comptoir.registrations.filter(status=Status.CONFIRMED).count()
    offer = Offer.REGISTER if confirmed < comptoir.capacity else Offer.WAITLIST
    if not is_signed_in(person):
        return Verdict(offer, needs_sign_in=True)
    mine = comptoir.registrations.filter(person=person, status__in=Registration.ACTIVE).first()
    if mine is not None:
        held = mine.status == Status.CONFIRMED
        message = (
            _("Vous avez déjà une place confirmée à ce comptoir.")
            if held
            else _("Vous êtes déjà sur la liste d'attente de ce comptoir.")
        )
        return Verdict(
            Offer.HOLDS_PLACE if held else Offer.WAITLISTED,
            message,
            AlreadyDone(message),
            registration=mine,
        )
    elsewhere = _confirmed_elsewhere(person, comptoir)
    if elsewhere is not None:
        message = _(
            "Vous avez déjà une place confirmée au comptoir « %(other)s » : une seule place "
            "par édition. Annulez-la d'abord si vous préférez celui-ci."
        ) % {"other": elsewhere.comptoir}
        return Verdict(Offer.NONE, message, Conflict(message), registration=elsewhere)
    if not has_verified_email(person):
        message = _(
            "Confirmez d'abord votre adresse électronique : nous vous avons envoyé un lien."
        )
        return Verdict(offer, message, NotEligible(message), needs_email=True)
    return Verdict(offer)


def _take_ticket(comptoir: Comptoir) -> int:
    ticket = comptoir.next_ticket
    comptoir.next_ticket = ticket + 1
    comptoir.save(update_fields=["next_ticket"])
    return ticket


def _withdraw_other_waitlists(person: Any, registration: Registration) -> list[Registration]:
    """A person with a confirmed place leaves the waiting lists of the edition's other comptoirs."""
    others = list(
        Registration.objects.select_related("comptoir__commune")
        .filter(edition_id=registration.edition_id, person=person, status=Status.WAITLISTED)
        .exclude(pk=registration.pk)
    )
    for other in others:
        _end(other, Status.WITHDRAWN)
        log_action(
            actor=None,
            action="comptoirs.waitlist_withdrawn_on_confirmation",
            obj=other,
            data={"confirmed_at_comptoir": registration.comptoir_id},
        )
    return others


@transaction.atomic
def registration_create(
    *,
    comptoir: Comptoir,
    person: Any,
    idea_title: str,
    idea_summary: str,
    idea_territory: Territory | None,
    structure_kind: str,
    accessibility_needs: str = "",
) -> Registration:
    """Register ``person``: a confirmed place while places remain, else the waiting list."""
    idea = _idea_values(
        idea_title=idea_title,
        idea_summary=idea_summary,
        idea_territory=idea_territory,
        structure_kind=structure_kind,
        accessibility_needs=accessibility_needs,
    )
    # Lock order: comptoir, then person (see module docstring).
    comptoir = (
        Comptoir.objects.select_for_update()
        .select_related("edition", "commune")
        .get(pk=comptoir.pk)
    )
    person = _lock_person(person)
    verdict = registration_verdict(comptoir, person)
    if verdict.error is not None:
        raise verdict.error
    if not verdict.allowed:  # pragma: no cover - every refusal carries its error
        raise PermissionRefused()
    status = Status.CONFIRMED if verdict.offer == Offer.REGISTER else Status.WAITLISTED
    registration = Registration(
        edition_id=comptoir.edition_id,
        comptoir=comptoir,
        person=person,
        status=status,
        ticket=_take_ticket(comptoir),
        **idea,
    )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:  # a constraint caught what the checks above could not see
        raise Conflict(_("Votre inscription n'a pas pu être enregistrée, réessayez.")) from exc
    withdrawn = (
        _withdraw_other_waitlists(person, registration) if status == Status.CONFIRMED else []
    )
    log_action(
        actor=person,
        action="comptoirs.registration_created",
        obj=registration,
        data={"comptoir": comptoir.pk, "status": status, "ticket": registration.ticket},
    )
    context = {"registration": registration, "comptoir": comptoir, "withdrawn": withdrawn}
    if status == Status.CONFIRMED:
        send_after_commit(to=[person.email], template="registration_confirmed", context=context)
    else:
        context["position"] = waitlist_position(registration)
        send_after_commit(to=[person.email], template="registration_waitlisted", context=context)
    return registration


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not on the waiting list. No gaps, by construction."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        comptoir_id=registration.comptoir_id,
        status=Status.WAITLISTED,
        ticket__lt=registration.ticket,
    ).count()
    return ahead + 1


def _promote_waitlisted(comptoir: Comptoir, *, by: Any | None) -> list[Registration]:
    """Fill free places from the waiting list, in arrival order. Caller holds the comptoir lock."""
    promoted: list[Registration] = []
    free = comptoir.capacity - comptoir.registrations.filter(status=Status.CONFIRMED).count()
    while free > 0:
        candidate = (
            comptoir.registrations.select_for_update()
            .filter(status=Status.WAITLISTED)
            .order_by("ticket")
            .first()
        )
        if candidate is None:
            break
        person = _lock_person(candidate.person)
        if _confirmed_elsewhere(person, comptoir) is not None:
            # Cannot happen while confirming withdraws other waitlists; kept as a guard.
            _end(candidate, Status.WITHDRAWN)
            continue
        candidate.status = Status.CONFIRMED
        candidate.save(update_fields=["status", "updated_at"])
        withdrawn = _withdraw_other_waitlists(person, candidate)
        log_action(
            actor=by,
            action="comptoirs.registration_promoted",
            obj=candidate,
            data={"comptoir": comptoir.pk},
        )
        send_after_commit(
            to=[person.email],
            template="registration_promoted",
            context={"registration": candidate, "comptoir": comptoir, "withdrawn": withdrawn},
        )
        promoted.append(candidate)
        free -= 1
    return promoted


def check_cancellable(registration: Registration, comptoir: Comptoir | None = None) -> None:
    """A registration can be given up while it is active, its comptoir has not started and no
    attendance is noted on it (a place whose attendance is noted is the record of the day)."""
    comptoir = comptoir or registration.comptoir
    if registration.status not in Registration.ACTIVE:
        raise AlreadyDone(_("Cette inscription n'est plus active."))
    if registration.attendance:
        raise Conflict(
            _(
                "Votre présence à ce comptoir est déjà notée : l'inscription ne peut plus être annulée."
            )
        )
    if clock.now() >= comptoir.starts_at:
        raise PhaseClosed(_("Le comptoir a commencé : l'inscription ne peut plus être annulée."))


@transaction.atomic
def registration_cancel(*, registration: Registration, by: Any) -> list[Registration]:
    """The holder (or staff) gives up a confirmed place, or leaves the waiting list.

    A freed place goes at once to the first person on the waiting list. Returns those promoted.
    """
    comptoir = (
        Comptoir.objects.select_for_update()
        .select_related("commune")
        .get(pk=registration.comptoir_id)
    )
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not permissions.can_cancel_registration(by, registration):
        raise PermissionRefused(_("Seule la personne inscrite peut annuler son inscription."))
    check_cancellable(registration, comptoir)
    was_confirmed = registration.status == Status.CONFIRMED
    _end(registration, Status.CANCELLED if was_confirmed else Status.WITHDRAWN)
    log_action(
        actor=by,
        action="comptoirs.registration_cancelled" if was_confirmed else "comptoirs.waitlist_left",
        obj=registration,
        data={"comptoir": comptoir.pk},
    )
    send_after_commit(
        to=[registration.person.email],
        template="registration_cancelled",
        context={
            "registration": registration,
            "comptoir": comptoir,
            "was_confirmed": was_confirmed,
        },
    )
    return _promote_waitlisted(comptoir, by=by) if was_confirmed else []


# --- On the day: walk-ins and attendance -------------------------------------------------------


def check_attendance_window(comptoir: Comptoir) -> None:
    now = clock.now()
    if comptoir.is_cancelled:
        raise PhaseClosed(_("Ce comptoir a été annulé."))
    if now < comptoir.starts_at:
        raise PhaseClosed(_("Les présences se notent à partir du début du comptoir."))
    if has_ended(comptoir.edition, Step.DEPOSIT, now):
        raise PhaseClosed(
            _("Le dépôt des dossiers est clos : les présences ne peuvent plus être modifiées.")
        )


def check_walk_in_window(comptoir: Comptoir) -> None:
    if comptoir.is_cancelled:
        raise PhaseClosed(_("Ce comptoir a été annulé."))
    if not (comptoir.starts_at <= clock.now() < comptoir.ends_at):
        raise PhaseClosed(_("L'inscription sur place n'est possible que pendant le comptoir."))


@transaction.atomic
def attendance_mark(*, registration: Registration, present: bool, by: Any) -> Registration:
    """Note a person present or absent, from the comptoir's start to the end of the deposit window."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("comptoir__edition")
        .get(pk=registration.pk)
    )
    comptoir = registration.comptoir
    if not permissions.can_manage_comptoir(by, comptoir):
        raise PermissionRefused(
            _("Seuls les organisateurs de ce comptoir et l'équipe notent les présences.")
        )
    check_attendance_window(comptoir)
    if registration.status != Status.CONFIRMED:
        raise Conflict(
            _("Seules les personnes ayant une place confirmée peuvent être notées présentes.")
        )
    value = Registration.Attendance.PRESENT if present else Registration.Attendance.ABSENT
    before = registration.attendance
    registration.attendance = value
    registration.attendance_marked_at = clock.now()
    registration.attendance_marked_by = by
    registration.save(
        update_fields=["attendance", "attendance_marked_at", "attendance_marked_by", "updated_at"]
    )
    log_action(
        actor=by,
        action="comptoirs.attendance_marked",
        obj=registration,
        data={"from": before, "to": value},
    )
    return registration


@transaction.atomic
def walk_in_register(
    *,
    comptoir: Comptoir,
    email: str,
    first_name: str,
    last_name: str,
    idea_title: str,
    idea_summary: str,
    idea_territory: Territory | None,
    structure_kind: str,
    by: Any,
) -> Registration:
    """Register a person who came without registering, on the spot, if a place is free.

    Creates their account when the email is new (they set a password through the reset
    link they receive); the registration is confirmed and marked present.
    """
    from allauth.account.models import EmailAddress

    idea = _idea_values(
        idea_title=idea_title,
        idea_summary=idea_summary,
        idea_territory=idea_territory,
        structure_kind=structure_kind,
        accessibility_needs="",
    )
    comptoir = (
        Comptoir.objects.select_for_update()
        .select_related("edition", "commune")
        .get(pk=comptoir.pk)
    )
    if not permissions.can_manage_comptoir(by, comptoir):
        raise PermissionRefused(
            _("Seuls les organisateurs de ce comptoir et l'équipe inscrivent sur place.")
        )
    check_walk_in_window(comptoir)
    now = clock.now()
    email = get_user_model().objects.normalize_email(email.strip()).lower()
    errors = {}
    try:
        from django.core.validators import validate_email

        validate_email(email)
    except ValidationError:
        errors["email"] = _("Saisissez une adresse électronique valide.")
    if not first_name.strip():
        errors["first_name"] = _("Le prénom est obligatoire.")
    if not last_name.strip():
        errors["last_name"] = _("Le nom est obligatoire.")
    if errors:
        raise InvalidInput(errors=errors)
    if comptoir.registrations.filter(status=Status.CONFIRMED).count() >= comptoir.capacity:
        raise Full(
            _("Le comptoir est complet : aucune place n'est libre pour une inscription sur place.")
        )
    User = get_user_model()
    person = User.objects.filter(email__iexact=email).first()
    created = person is None
    if created:
        person = User.objects.create_user(
            email, None, first_name=first_name.strip(), last_name=last_name.strip()
        )
        EmailAddress.objects.create(user=person, email=email, primary=True, verified=False)
        log_action(
            actor=by,
            action="accounts.user_created_on_the_spot",
            obj=person,
            data={"comptoir": comptoir.pk},
        )
    person = _lock_person(person)
    existing = comptoir.registrations.filter(person=person, status__in=Registration.ACTIVE).first()
    if existing is not None and existing.status == Status.CONFIRMED:
        raise AlreadyDone(_("Cette personne a déjà une place confirmée à ce comptoir."))
    if not created and not (person.first_name.strip() or person.last_name.strip()):
        # An account that never gave a name (signed in by a voting code, or older than the
        # name at sign-up) takes the one the organiser typed: the sheet names the person.
        person.first_name, person.last_name = first_name.strip(), last_name.strip()
        person.save(update_fields=["first_name", "last_name"])
        log_action(
            actor=by,
            action="accounts.name_given_on_the_spot",
            obj=person,
            data={"comptoir": comptoir.pk},
        )
    if existing is not None:  # on the waiting list: the free place is theirs now
        _end(existing, Status.WITHDRAWN)
    elsewhere = _confirmed_elsewhere(person, comptoir)
    if elsewhere is not None:
        raise Conflict(
            _("Cette personne a déjà une place confirmée au comptoir « %(other)s ».")
            % {"other": elsewhere.comptoir}
        )
    registration = Registration.objects.create(
        edition_id=comptoir.edition_id,
        comptoir=comptoir,
        person=person,
        status=Status.CONFIRMED,
        ticket=_take_ticket(comptoir),
        is_walk_in=True,
        attendance=Registration.Attendance.PRESENT,
        attendance_marked_at=now,
        attendance_marked_by=by,
        **idea,
    )
    _withdraw_other_waitlists(person, registration)
    log_action(
        actor=by,
        action="comptoirs.walk_in_registered",
        obj=registration,
        data={"comptoir": comptoir.pk, "account_created": created},
    )
    send_after_commit(
        to=[person.email],
        template="walk_in_registered",
        context={"registration": registration, "comptoir": comptoir, "account_created": created},
    )
    return registration


# --- Reminders -----------------------------------------------------------------------------------

REMINDER_HOURS_BEFORE = 48


def send_due_reminders() -> int:
    """Email every confirmed person whose comptoir starts within two days. Idempotent.

    Each reminder is claimed by a conditional UPDATE (``reminder_sent_at`` still empty)
    before it is sent, so two workers, or the same job run twice, never send it twice.
    """
    from datetime import timedelta

    now = clock.now()
    due = Registration.objects.filter(
        status=Status.CONFIRMED,
        reminder_sent_at__isnull=True,
        comptoir__is_cancelled=False,
        comptoir__starts_at__gt=now,
        comptoir__starts_at__lte=now + timedelta(hours=REMINDER_HOURS_BEFORE),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=pk, reminder_sent_at__isnull=True, status=Status.CONFIRMED
            ).update(reminder_sent_at=now)
            if claimed != 1:
                continue
            registration = Registration.objects.select_related("comptoir__commune", "person").get(
                pk=pk
            )
            log_action(actor=None, action="comptoirs.reminder_sent", obj=registration)
            send_after_commit(
                to=[registration.person.email],
                template="registration_reminder",
                context={"registration": registration, "comptoir": registration.comptoir},
            )
            sent += 1
    return sent
