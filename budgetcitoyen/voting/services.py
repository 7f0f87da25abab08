"""Every rule of the vote: signing in by code, eligibility, casting, paper ballots, reviews.

Concurrency. A cast locks the voter's account row, then re-checks everything (window,
existing ballot, declaration, eligibility, projects, rule) before it writes; the unique
constraint ``ballot_one_per_voter`` backs the "one ballot per person" rule underneath.
Every ballot also takes a lock on its identity key (a PostgreSQL advisory lock; SQLite
serialises writers anyway) so that two ballots of one identity, cast at the same moment
under two addresses, both see each other and both go under review.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.core import clock, organisation
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    InvalidInput,
    NotEligible,
    PermissionRefused,
    PhaseClosed,
)
from budgetcitoyen.core.formatting import fr_date, fr_datetime, window_end
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.core.ratelimit import consume
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step
from budgetcitoyen.labelling.models import Decision, Outcome
from budgetcitoyen.territories.models import Commune
from budgetcitoyen.voting import permissions, rules
from budgetcitoyen.voting.identity import age_band, age_on, identity_key
from budgetcitoyen.voting.models import (
    Ballot,
    BallotChoice,
    IdentityReview,
    SignInCode,
    VoterDeclaration,
)

CODE_LIFETIME = timedelta(minutes=15)
CODE_MAX_ATTEMPTS = 5
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
RECEIPT_LENGTH = 16  # 80 random bits


# --- Who may do what -------------------------------------------------------------------------


def check_paper_agent(user: Any) -> None:
    require(
        permissions.can_enter_paper(user),
        _("La saisie des bulletins papier est réservée aux agents habilités."),
    )


def check_staff(user: Any) -> None:
    require(
        permissions.can_follow_vote(user),
        _("Cette décision revient à l'équipe de la Mission ESS."),
    )


# --- Signing in with a one-time code -----------------------------------------------------------


def _code_hash(email: str, code: str) -> str:
    message = f"{email.lower()}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def code_request(*, email: str, ip: str | None) -> None:
    """Email a 6-digit code valid 15 minutes; any earlier unused code of the address dies."""
    email = email.strip().lower()
    consume("vote_code", email=email, ip=ip)
    code = f"{secrets.randbelow(10**6):06d}"
    now = clock.now()
    with transaction.atomic():
        SignInCode.objects.filter(email=email, used_at__isnull=True).update(expires_at=now)
        SignInCode.objects.create(
            email=email,
            code_hash=_code_hash(email, code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
        send_after_commit(
            to=[email],
            template="vote_code",
            context={"code": code, "minutes": int(CODE_LIFETIME.total_seconds() // 60)},
        )


def code_verify(*, email: str, code: str, ip: str | None) -> Any:
    """The account of ``email`` once its code is right (created on first sign-in).

    Refusals: no valid code (expired, used, never asked), a wrong code (5 tries per code),
    an account closed or an account of the team (they sign in with their password).
    """
    email = email.strip().lower()
    code = "".join(ch for ch in code if ch.isdigit())
    consume("vote_code_check", email=email, ip=ip)
    now = clock.now()
    refusal: InvalidInput | None = None
    with transaction.atomic():
        pending = (
            SignInCode.objects.select_for_update()
            .filter(email=email, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            raise InvalidInput(
                errors={"code": _("Ce code n'est plus valable : demandez-en un nouveau.")}
            )
        if pending.attempts >= CODE_MAX_ATTEMPTS:
            raise InvalidInput(
                errors={"code": _("Trop d'essais avec ce code : demandez-en un nouveau.")}
            )
        if hmac.compare_digest(pending.code_hash, _code_hash(email, code)):
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            user = _account_for(email)
        else:
            # Counted in this transaction, which commits: the refusal is raised after it.
            pending.attempts += 1
            pending.save(update_fields=["attempts"])
            left = CODE_MAX_ATTEMPTS - pending.attempts
            message = (
                _("Code incorrect. Vérifiez le dernier message reçu (encore %(left)d essai(s)).")
                % {"left": left}
                if left
                else _("Code incorrect. Ce code n'est plus valable : demandez-en un nouveau.")
            )
            refusal = InvalidInput(errors={"code": message})
    if refusal is not None:
        raise refusal
    return user


def _account_for(email: str) -> Any:
    from allauth.account.models import EmailAddress

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None)
        log_action(actor=user, action="account.created_by_code", obj=user, data={})
    elif not user.is_active:
        raise PermissionRefused(_("Ce compte est désactivé. Contactez l'équipe du Budget citoyen."))
    elif not permissions.can_sign_in_by_code(user):
        raise PermissionRefused(
            _(
                "Ce compte a des droits de gestion : connectez-vous avec son mot de passe "
                "(page « Se connecter »)."
            )
        )
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


# --- Eligibility ---------------------------------------------------------------------------------


def check_vote_open(edition: Edition, at: datetime | None = None) -> None:
    at = at or clock.now()
    if not edition.is_published:
        raise PhaseClosed(_("Le vote de cette édition n'est pas ouvert."))
    start, end = phases.start(edition, Step.VOTE), phases.end(edition, Step.VOTE)
    if not phases.has_started(edition, Step.VOTE, at):
        raise PhaseClosed(_("Le vote ouvrira le %(date)s.") % {"date": fr_datetime(start)})
    if phases.has_ended(edition, Step.VOTE, at):
        raise PhaseClosed(_("Le vote est clos depuis le %(date)s.") % {"date": window_end(end)})


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


def _check_identity(edition: Edition, values: dict[str, Any]) -> None:
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


def _clean_identity(values: dict[str, Any]) -> dict[str, Any]:
    clean = {name: values.get(name) for name in IDENTITY_FIELDS}
    for name in ("last_name", "first_name", "other_first_names", "postal_code"):
        clean[name] = " ".join(str(clean[name] or "").split())
    return clean


def declaration_save(
    *, edition: Edition, user: Any, sworn: bool, **values: Any
) -> VoterDeclaration:
    """Record (or correct, until the vote is cast) an online voter's sworn declaration."""
    values = _clean_identity(values)
    with transaction.atomic():
        get_user_model().objects.select_for_update().get(pk=user.pk)
        check_vote_open(edition)
        if Ballot.objects.filter(edition=edition, user=user).exists():
            raise AlreadyDone(_("Vous avez déjà voté : votre déclaration ne peut plus changer."))
        _check_identity(edition, values)
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


def ballot_of(edition: Edition, user: Any) -> Ballot | None:
    """The signed-in person's online ballot for the edition, if they voted."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Ballot.objects.filter(edition=edition, user=user).first()


def declaration_of(edition: Edition, user: Any) -> VoterDeclaration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        VoterDeclaration.objects.select_related("commune__territory")
        .filter(edition=edition, user=user)
        .first()
    )


# --- Projects and ballots --------------------------------------------------------------------------


def published_projects(edition: Edition) -> QuerySet[Decision]:
    """The projects submitted to the vote: the edition's labelled decisions."""
    return Decision.objects.filter(edition=edition, outcome=Outcome.LABELLED)


def option_of(decision: Decision) -> rules.Option:
    return rules.Option(
        pk=decision.pk,
        title=decision.public_title,
        category_id=decision.category_id or 0,
        category_name=decision.category.name if decision.category else "",
        amount=decision.labelled_amount or Decimal("0"),
    )


def options_of(edition: Edition) -> dict[int, rules.Option]:
    """The ballot's projects by id, in a stable order (category priority, then title)."""
    rows = (
        published_projects(edition)
        .select_related("category")
        .order_by("category__priority", "public_title", "pk")
    )
    return {d.pk: option_of(d) for d in rows}


def new_receipt_code() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(RECEIPT_LENGTH))


def normalise_receipt(code: str) -> str:
    """What a person typed back into the 16 characters: case, spaces, dashes, O/0, I/L/1."""
    cleaned = code.upper().translate(str.maketrans("OIL", "011"))
    return "".join(ch for ch in cleaned if ch in RECEIPT_ALPHABET)


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def receipt_hash(code: str) -> str:
    return hashlib.sha256(normalise_receipt(code).encode()).hexdigest()


def _choices_signature(points: Sequence[tuple[int, int]]) -> str:
    text = ",".join(f"{pk}:{p}" for pk, p in sorted(points))
    return hashlib.sha256(text.encode()).hexdigest()


def _lock_identity(edition: Edition, key: str) -> None:
    if connection.vendor == "postgresql":
        digest = hashlib.sha256(f"{edition.pk}:{key}".encode()).digest()
        number = int.from_bytes(digest[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def _record(
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
    _lock_identity(edition, key)
    code = new_receipt_code()
    age = age_on(identity["birth_date"], edition.age_reckoned_on)
    ballot = Ballot.objects.create(
        edition=edition,
        channel=channel,
        receipt_hash=receipt_hash(code),
        identity_key=key,
        age_band=age_band(age),
        territory=identity["commune"].territory,
        cast_at=clock.now(),
        choices_signature=_choices_signature(points),
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
            declaration = VoterDeclaration.objects.filter(edition=edition, user=user).first()
            if declaration is None:
                raise NotEligible(_("Déclarez d'abord votre identité pour pouvoir voter."))
            identity = {name: getattr(declaration, name) for name in IDENTITY_FIELDS}
            check_eligible(edition, birth_date=identity["birth_date"], commune=identity["commune"])
            points = ballot_check(edition, choices)
            ballot, code = _record(
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
        # Only the one-ballot constraint can fail here: a concurrent cast won.
        raise AlreadyDone(
            _("Vous avez déjà voté à cette édition : un bulletin enregistré est définitif.")
        ) from error
    return ballot, code


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
    identity = _clean_identity(values)
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
        _lock_identity(edition, key)
        twin = (
            Ballot.objects.select_related("entered_by")
            .filter(
                edition=edition,
                channel=Ballot.Channel.PAPER,
                identity_key=key,
                choices_signature=_choices_signature(points),
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
        ballot, code = _record(
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


# --- Receipts ----------------------------------------------------------------------------------------


def receipt_lookup(*, code: str, ip: str | None) -> Ballot | None:
    """The ballot a receipt code designates, or None. Rate-limited per IP address."""
    consume("vote_receipt", ip=ip)
    if len(normalise_receipt(code)) != RECEIPT_LENGTH:
        return None
    return (
        Ballot.objects.select_related("edition")
        .prefetch_related("choices__project__category")
        .filter(receipt_hash=receipt_hash(code))
        .first()
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
