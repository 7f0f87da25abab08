"""Personal data kept only as long as the privacy page says: the purge and account erasure.

The delays are those of ``core.retention`` (the table the privacy page prints). What goes:

- **Voters' identities**, ``voter_identity_months`` after an edition's results, once its result
  is published and no multiple-vote review is open: declarations are deleted; on each ballot
  the names, birth date, commune, postal code, identity key (made of them), IP address and the
  link to the account are cleared and ``anonymised_at`` set. The choices, status, age band and
  territory frozen at cast time, the receipt hash and the choices' signature stay: they name
  nobody (the receipt code is only on the voter's side), and the published ``.pb`` and any
  recount read only them. Accounts that existed only to vote (signed in by code, no password,
  no role, nothing else held) are erased with them.
- **Registrations** of an edition, once the next edition's results are out: deleted, except the
  one a dossier was filed from (it proves the attendance the dossier required), which loses
  its idea and accessibility needs and stays as long as the dossier.
- **Inactive accounts**: warned by email when their last sign-in is ``inactive_account_years``
  old minus ``inactive_account_warning_days``, erased once it is ``inactive_account_years`` old
  and the warning is at least that many days old. Staff accounts and holders of a laureate
  dossier are kept.
- **Dossiers**, ``dossier_years`` after their edition's results (``laureate_dossier_years`` for
  a laureate's), once the result is published: a dossier never put to the vote (draft,
  withdrawn, not labelled) is deleted with its files, reviews and decision; of a project put to
  the vote remains what was published (title, summary, description, photo, territory, communes,
  category and amounts), which is part of the result: the carrier, the contact, the financing
  plan, the attachments, the committee's reviews and the sealed snapshot go, and
  ``purged_at`` is set. On PostgreSQL the freeze triggers let these statements through only
  inside the purge (``_dossier_freeze_lifted``).
- **Sign-in codes** once expired.

Erasing an account (the person's own request from "Mes données", or the purge) deletes its
drafts, declarations and registrations as above, rewrites the audit labels that name it, and
deletes the account row; if sealed records still point to it (a submitted dossier, a ballot
still within its retention), the row stays with nothing personal in it (no email, name, phone,
commune, password, role), so those records keep their integrity until their own deadline.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F, ProtectedError, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks_db.models import DBTaskResult

from budgetcitoyen.accounts.models import SignInCode
from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.core import clock, pagecache, retention
from budgetcitoyen.core.audit import erase_labels, log_action
from budgetcitoyen.core.errors import Conflict, PermissionRefused
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.core.models import AuditEntry, RateCounter
from budgetcitoyen.core.tasks import deliver_email
from budgetcitoyen.dossiers.models import Dossier, private_storage
from budgetcitoyen.dossiers.services import dossier_delete_draft
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.followup.models import (
    DocumentRequest,
    FinalReport,
    FundingAgreement,
    NewsItem,
    ReportAttachment,
    SignedAgreementScan,
    SupportingDocument,
)
from budgetcitoyen.labelling.models import Assignment, ConflictOfInterest, Decision, Review
from budgetcitoyen.results.models import Award, ResultSnapshot
from budgetcitoyen.voting.models import Ballot, IdentityReview, VoterDeclaration

ERASED_ACCOUNT = "compte supprimé n°%(pk)s"


@dataclass
class PurgeReport:
    """What the purge did, or would do in a dry run: one French line per step."""

    applied: bool
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)


# --- Voters ---------------------------------------------------------------------------------


def editions_due_for_voter_purge(at: datetime) -> list[tuple[Edition, str | None]]:
    """Editions whose voters' identities are past their delay, each with a reason to wait."""
    due: list[tuple[Edition, str | None]] = []
    for edition in Edition.objects.order_by("year"):
        if not phases.has_started(edition, phases.Step.RESULTS, at):
            continue
        if at < retention.voter_identity_purge_at(phases.start(edition, phases.Step.RESULTS)):
            continue
        pending = Ballot.objects.filter(edition=edition, anonymised_at__isnull=True)
        if not pending.exists() and not VoterDeclaration.objects.filter(edition=edition).exists():
            continue
        reason = None
        if not ResultSnapshot.objects.filter(edition=edition, published_at__isnull=False).exists():
            reason = _("son résultat n'est pas encore publié")
        elif IdentityReview.objects.filter(edition=edition, status=IdentityReview.Status.OPEN):
            reason = _("des vérifications de votes multiples sont encore ouvertes")
        due.append((edition, reason))
    return due


def _erase_object_labels(model: type[Any], ids: list[Any], label: str) -> None:
    if not ids:
        return
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    for pk in ids:
        erase_labels(
            AuditEntry.objects.filter(content_type=content_type, object_id=str(pk)),
            object_label=label % {"pk": pk},
        )


def voter_identities_purge(*, edition: Edition, at: datetime) -> dict[str, int]:
    """Clear the identities of an edition's voters (see the module docstring)."""
    declaration_ids = list(
        VoterDeclaration.objects.filter(edition=edition).values_list("pk", flat=True)
    )
    voters = set(
        Ballot.objects.filter(edition=edition, user__isnull=False).values_list("user", flat=True)
    ) | set(VoterDeclaration.objects.filter(edition=edition).values_list("user", flat=True))
    ballots = Ballot.objects.filter(edition=edition, anonymised_at__isnull=True).update(
        last_name="",
        first_name="",
        other_first_names="",
        birth_date=None,
        commune=None,
        postal_code="",
        identity_key="",
        ip_address=None,
        user=None,
        anonymised_at=at,
    )
    VoterDeclaration.objects.filter(pk__in=declaration_ids).delete()
    _erase_object_labels(VoterDeclaration, declaration_ids, "déclaration n°%(pk)s")
    review_ids = list(IdentityReview.objects.filter(edition=edition).values_list("pk", flat=True))
    IdentityReview.objects.filter(pk__in=review_ids).update(identity_key="")
    _erase_object_labels(IdentityReview, review_ids, "vérification n°%(pk)s")
    erased = 0
    for user in get_user_model().objects.filter(pk__in=voters).order_by("pk"):
        if _exists_only_to_vote(user):
            _erase(user, by=None, at=at)
            erased += 1
    log_action(
        actor=None,
        action="privacy.voters_anonymised",
        obj=edition,
        data={"ballots": ballots, "declarations": len(declaration_ids), "accounts": erased},
    )
    return {"ballots": ballots, "declarations": len(declaration_ids), "accounts": erased}


def _exists_only_to_vote(user: Any) -> bool:
    """An account signed in by code only to vote: nothing else of the platform holds it."""
    return not (
        user.has_usable_password()
        or user.is_staff
        or user.is_superuser
        or user.groups.exists()
        or user.dossiers.exists()
        or user.comptoir_registrations.exists()
        or user.ballots.exists()
        or user.voter_declarations.exists()
    )


# --- Registrations ---------------------------------------------------------------------------


def editions_due_for_registration_purge(at: datetime) -> list[Edition]:
    """Editions whose next edition's results are out: their registrations have had their time."""
    editions = list(Edition.objects.order_by("year"))
    due = []
    for edition, following in itertools.pairwise(editions):
        if phases.has_started(following, phases.Step.RESULTS, at):
            due.append(edition)
    return due


def registrations_purge(*, edition: Edition) -> dict[str, int]:
    registrations = Registration.objects.filter(edition=edition)
    kept = registrations.filter(dossiers__isnull=False).distinct()
    cleared = (
        Registration.objects.filter(pk__in=kept.values("pk"))
        .exclude(idea_title="", idea_summary="", accessibility_needs="")
        .update(idea_title="", idea_summary="", accessibility_needs="")
    )
    gone = list(registrations.exclude(pk__in=kept.values("pk")).values_list("pk", flat=True))
    Registration.objects.filter(pk__in=gone).delete()
    ids = gone + list(kept.values_list("pk", flat=True))
    _erase_object_labels(Registration, ids, "inscription n°%(pk)s")
    if gone or cleared:
        log_action(
            actor=None,
            action="privacy.registrations_purged",
            obj=edition,
            data={"deleted": len(gone), "cleared": cleared},
        )
    return {"deleted": len(gone), "cleared": cleared}


# --- Dossiers --------------------------------------------------------------------------------

# What a dossier put to the vote keeps after its delay: what was published, and the seal.
PUBLISHED_DOSSIER_FIELDS = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "edition",
        "holder",
        "registration",
        "status",
        "title",
        "summary",
        "description",
        "photo",
        "photo_name",
        "photo_content_type",
        "photo_size",
        "photo_sha256",
        "photo_width",
        "photo_height",
        "territory",
        "wished_category",
        "amount_requested",
        "number",
        "reference",
        "submitted_at",
        "snapshot_sha256",
        "withdrawn_at",
        "purged_at",
    }
)


@contextmanager
def _dossier_freeze_lifted() -> Iterator[None]:
    """Let the purge's own statements through the dossier freeze triggers (PostgreSQL).

    ``set_config(..., true)`` is local to the transaction (and undone with a rolled-back
    savepoint), and is switched off again as soon as the purge's statements are done.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('budgetcitoyen.retention_purge', 'on', true)")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('budgetcitoyen.retention_purge', 'off', true)")


def editions_due_for_dossier_purge(at: datetime) -> list[tuple[Edition, str | None]]:
    """Editions with dossiers past their delay, each with a reason to wait (or None)."""
    due: list[tuple[Edition, str | None]] = []
    for edition in Edition.objects.order_by("year"):
        if not phases.has_started(edition, phases.Step.RESULTS, at):
            continue
        results_at = phases.start(edition, phases.Step.RESULTS)
        if at < retention.dossier_purge_at(results_at, laureate=False):
            continue
        if not dossiers_due(edition, at).exists():
            continue
        reason = None
        if not ResultSnapshot.objects.filter(edition=edition, published_at__isnull=False).exists():
            reason = _("son résultat n'est pas encore publié")
        due.append((edition, reason))
    return due


def dossiers_due(edition: Edition, at: datetime) -> Any:
    """The dossiers of ``edition`` whose delay has passed at ``at`` and that are not erased yet."""
    results_at = phases.start(edition, phases.Step.RESULTS)
    dossiers = Dossier.objects.filter(edition=edition, purged_at__isnull=True)
    laureates = Award.objects.filter(decision__dossier__edition=edition).values("decision__dossier")
    if at < retention.dossier_purge_at(results_at, laureate=False):
        return dossiers.none()
    if at < retention.dossier_purge_at(results_at, laureate=True):
        dossiers = dossiers.exclude(pk__in=laureates)
    return dossiers.order_by("pk")


def dossier_purge(*, dossier: Dossier, at: datetime) -> bool:
    """Erase one dossier past its delay. True if it was deleted, False if its public part stays."""
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    decision = Decision.objects.filter(dossier=dossier).first()
    put_to_vote = decision is not None and decision.is_labelled
    attachments = list(dossier.attachments.all())
    files = [a.file.name for a in attachments]
    files += _followup_purge(dossier)
    with _dossier_freeze_lifted():
        Review.objects.filter(dossier=dossier).delete()
        Assignment.objects.filter(dossier=dossier).delete()
        ConflictOfInterest.objects.filter(dossier=dossier).delete()
        if put_to_vote:
            dossier.attachments.all().delete()
            dossier.financing_lines.all().delete()
            values: dict[str, Any] = {}
            for model_field in Dossier._meta.concrete_fields:
                if model_field.name in PUBLISHED_DOSSIER_FIELDS:
                    continue
                values[model_field.name] = model_field.get_default()
            values["purged_at"] = at
            Dossier.objects.filter(pk=dossier.pk).update(**values)
        else:
            files.append(dossier.photo.name)
            registration_id, pk = dossier.registration_id, dossier.pk
            if decision is not None:
                decision_pk = decision.pk
                decision.delete()
                _erase_object_labels(Decision, [decision_pk], "décision n°%(pk)s")
            dossier.delete()
            _erase_object_labels(Dossier, [pk], "dossier n°%(pk)s")
            registration = Registration.objects.filter(pk=registration_id).first()
            if (
                registration is not None
                and not registration.dossiers.exists()
                and registration.edition in editions_due_for_registration_purge(at)
            ):
                registration.delete()
                _erase_object_labels(Registration, [registration_id], "inscription n°%(pk)s")
    storage = private_storage()
    for name in filter(None, files):
        transaction.on_commit(functools.partial(storage.delete, name))
    return not put_to_vote


def _followup_purge(dossier: Dossier) -> list[str]:
    """The follow-up's personal data of a dossier past its delay; the names of its files.

    The supporting documents go with their requests. Of a laureate there remains what the
    public saw: the amount granted, the amounts paid and their dates, the milestones and the
    published news (their author detached). The agreement's representative and address, its
    signed scans, the final report's texts and files, and unpublished news go.
    """
    documents = SupportingDocument.objects.filter(item__request__dossier=dossier)
    files: list[str] = [d.file.name or "" for d in documents]
    DocumentRequest.objects.filter(dossier=dossier).delete()
    award = Award.objects.filter(decision__dossier=dossier).first()
    if award is None:
        return files
    scans = SignedAgreementScan.objects.filter(agreement__award=award)
    files += [s.file.name or "" for s in scans]
    scans.delete()
    FundingAgreement.objects.filter(award=award).update(
        representative="", beneficiary_address="", conditions=""
    )
    reports = ReportAttachment.objects.filter(report__award=award)
    files += [r.file.name or "" for r in reports]
    reports.delete()
    FinalReport.objects.filter(award=award).update(
        achievements="", beneficiaries_reached="", spending="", difficulties="", review_comment=""
    )
    unpublished = NewsItem.objects.filter(award=award).exclude(status=NewsItem.Status.PUBLISHED)
    files += [n.photo.name or "" for n in unpublished if n.photo]
    unpublished.delete()
    NewsItem.objects.filter(award=award).update(author=None)
    return files


def dossiers_purge(*, edition: Edition, at: datetime) -> dict[str, int]:
    deleted = erased = 0
    for dossier in dossiers_due(edition, at):
        if dossier_purge(dossier=dossier, at=at):
            deleted += 1
        else:
            erased += 1
    if deleted or erased:
        pagecache.invalidate()
        log_action(
            actor=None,
            action="privacy.dossiers_purged",
            obj=edition,
            data={"deleted": deleted, "erased": erased},
        )
    return {"deleted": deleted, "erased": erased}


# --- Accounts --------------------------------------------------------------------------------


def _kept_accounts() -> Q:
    laureates = Award.objects.filter(decision__dossier__purged_at__isnull=True).values(
        "decision__dossier__holder"
    )
    return Q(is_staff=True) | Q(is_superuser=True) | Q(pk__in=laureates)


def accounts_to_warn(at: datetime) -> list[Any]:
    before = retention.warn_inactive_since(at)
    users = get_user_model().objects.exclude(_kept_accounts()).filter(is_active=True)
    seen_before = Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before)
    not_warned = Q(inactivity_warned_at__isnull=True) | Q(
        last_login__isnull=False, inactivity_warned_at__lt=F("last_login")
    )
    return list(users.filter(seen_before & not_warned).order_by("pk"))


def accounts_to_erase(at: datetime) -> list[Any]:
    before = retention.inactive_since(at)
    warned_before = at - timedelta(days=retention.delay("inactive_account_warning_days"))
    users = get_user_model().objects.exclude(_kept_accounts()).filter(is_active=True)
    seen_before = Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before)
    warned = Q(inactivity_warned_at__lte=warned_before) & (
        Q(last_login__isnull=True) | Q(inactivity_warned_at__gt=F("last_login"))
    )
    return list(users.filter(seen_before & warned).order_by("pk"))


def inactivity_warn(*, user: Any, at: datetime) -> None:
    get_user_model().objects.filter(pk=user.pk).update(inactivity_warned_at=at)
    log_action(actor=None, action="privacy.inactivity_warned", obj=user, data={})
    send_after_commit(
        to=[user.email],
        template="account_inactive",
        context={
            "user": user,
            "erased_on": at + timedelta(days=retention.delay("inactive_account_warning_days")),
        },
    )


# --- Erasure ----------------------------------------------------------------------------------


def erasure_refusals(user: Any, at: datetime | None = None) -> list[str]:
    """Why this account cannot be deleted now, in French (empty when it can)."""
    at = at or clock.now()
    reasons = []
    for dossier in user.dossiers.exclude(submitted_at__isnull=True).select_related("edition"):
        if not phases.has_started(dossier.edition, phases.Step.RESULTS, at):
            reasons.append(
                _(
                    "Votre dossier %(reference)s est en cours d'examen pour l'édition %(year)s : "
                    "votre compte pourra être supprimé après la publication des résultats."
                )
                % {"reference": dossier.reference, "year": dossier.edition.year}
            )
    for ballot in user.ballots.select_related("edition"):
        if ballot.status == Ballot.Status.UNDER_REVIEW or not phases.has_started(
            ballot.edition, phases.Step.RESULTS, at
        ):
            reasons.append(
                _(
                    "Votre vote à l'édition %(year)s n'est pas encore dépouillé : votre compte "
                    "pourra être supprimé après la publication des résultats."
                )
                % {"year": ballot.edition.year}
            )
    active = user.comptoir_registrations.filter(
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITLISTED]
    ).select_related("comptoir", "edition")
    for registration in active:
        if not phases.has_ended(registration.edition, phases.Step.COMPTOIRS, at):
            reasons.append(
                _(
                    "Vous êtes inscrit au comptoir « %(comptoir)s » : annulez d'abord votre "
                    "inscription depuis « Mes inscriptions »."
                )
                % {"comptoir": registration.comptoir}
            )
    return reasons


@transaction.atomic
def account_erase(*, user: Any, by: Any, at: datetime | None = None) -> bool:
    """Delete an account at its owner's request. True if the row went, False if it stayed empty.

    Refused (``Conflict``, 409) while a dossier or ballot of theirs is still being examined or
    counted, or a registration of theirs is to come, with the reasons in French.
    """
    at = at or clock.now()
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if by is not None and by.pk != user.pk:
        raise PermissionRefused(_("Seul le titulaire d'un compte peut le supprimer."))
    reasons = erasure_refusals(user, at)
    if reasons:
        raise Conflict(" ".join(reasons))
    return _erase(user, by=user, at=at)


def _erase(user: Any, *, by: Any | None, at: datetime) -> bool:
    pk, email = user.pk, user.email
    for draft in user.dossiers.filter(submitted_at__isnull=True):
        dossier_delete_draft(dossier=draft, by=user)
    VoterDeclaration.objects.filter(user=user).delete()
    registrations = Registration.objects.filter(person=user)
    kept = registrations.filter(dossiers__isnull=False).distinct()
    Registration.objects.filter(pk__in=kept.values("pk")).update(
        idea_title="", idea_summary="", accessibility_needs=""
    )
    registration_ids = list(registrations.values_list("pk", flat=True))
    registrations.exclude(pk__in=kept.values("pk")).delete()
    _erase_object_labels(Registration, registration_ids, "inscription n°%(pk)s")
    SignInCode.objects.filter(email__iexact=email).delete()
    label = ERASED_ACCOUNT % {"pk": pk}
    erase_labels(
        AuditEntry.objects.filter(Q(actor=user) | Q(actor_label__iexact=email)), actor_label=label
    )
    _erase_object_labels(type(user), [pk], ERASED_ACCOUNT)
    erase_labels(AuditEntry.objects.filter(object_label__icontains=email), object_label=label)
    log_action(
        actor=None,
        action="privacy.account_erased",
        obj=None,
        data={"account": pk, "requested": by is not None},
    )
    try:
        with transaction.atomic():
            user.delete()
        return True
    except ProtectedError:
        pass
    user.email = f"compte-supprime-{pk}@invalid"
    user.first_name = user.last_name = user.phone = ""
    user.commune = None
    user.is_active = user.is_staff = user.is_superuser = False
    user.inactivity_warned_at = None
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    _erase_social(user)
    return False


def _erase_social(user: Any) -> None:
    from allauth.account.models import EmailAddress
    from django.apps import apps

    EmailAddress.objects.filter(user=user).delete()
    if apps.is_installed("allauth.socialaccount"):  # FranceConnect, when configured
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()


# --- The purge ---------------------------------------------------------------------------------


def _purge_voters(report: PurgeReport, at: datetime) -> None:
    for edition, reason in editions_due_for_voter_purge(at):
        if reason:
            report.add(
                _("Édition %(year)s : identités des votants gardées, car %(reason)s.")
                % {"year": edition.year, "reason": reason}
            )
            continue
        ballots = Ballot.objects.filter(edition=edition, anonymised_at__isnull=True).count()
        declarations = VoterDeclaration.objects.filter(edition=edition).count()
        if report.applied:
            voter_identities_purge(edition=edition, at=at)
        report.add(
            _("Édition %(year)s : %(ballots)s et %(declarations)s.")
            % {
                "year": edition.year,
                "ballots": ngettext(
                    "anonymisation de %(n)d bulletin", "anonymisation de %(n)d bulletins", ballots
                )
                % {"n": ballots},
                "declarations": ngettext(
                    "suppression de %(n)d déclaration de votant",
                    "suppression de %(n)d déclarations de votants",
                    declarations,
                )
                % {"n": declarations},
            }
        )


def _purge_registrations(report: PurgeReport, at: datetime) -> None:
    for edition in editions_due_for_registration_purge(at):
        registrations = Registration.objects.filter(edition=edition)
        pending = registrations.exclude(
            dossiers__isnull=False, idea_title="", idea_summary="", accessibility_needs=""
        ).count()
        if not pending:
            continue
        if report.applied:
            registrations_purge(edition=edition)
        report.add(
            ngettext(
                "Édition %(year)s : effacement de %(n)d inscription aux comptoirs.",
                "Édition %(year)s : effacement de %(n)d inscriptions aux comptoirs.",
                pending,
            )
            % {"n": pending, "year": edition.year}
        )


def _purge_dossiers(report: PurgeReport, at: datetime) -> None:
    for edition, reason in editions_due_for_dossier_purge(at):
        if reason:
            report.add(
                _("Édition %(year)s : dossiers gardés, car %(reason)s.")
                % {"year": edition.year, "reason": reason}
            )
            continue
        dossiers = list(dossiers_due(edition, at).select_related("decision"))
        public = sum(1 for d in dossiers if hasattr(d, "decision") and d.decision.is_labelled)
        if report.applied:
            dossiers_purge(edition=edition, at=at)
        report.add(
            _("Édition %(year)s : %(deleted)s ; %(erased)s.")
            % {
                "year": edition.year,
                "deleted": ngettext(
                    "suppression de %(n)d dossier non soumis au vote",
                    "suppression de %(n)d dossiers non soumis au vote",
                    len(dossiers) - public,
                )
                % {"n": len(dossiers) - public},
                "erased": ngettext(
                    "effacement de %(n)d dossier soumis au vote, dont seule reste la partie "
                    "publiée",
                    "effacement de %(n)d dossiers soumis au vote, dont seule reste la partie "
                    "publiée",
                    public,
                )
                % {"n": public},
            }
        )


def _purge_accounts(report: PurgeReport, at: datetime) -> None:
    to_erase = accounts_to_erase(at)
    for user in to_erase:
        if report.applied:
            _erase(user, by=None, at=at)
    if to_erase:
        report.add(
            ngettext(
                "Suppression de %(n)d compte inactif.",
                "Suppression de %(n)d comptes inactifs.",
                len(to_erase),
            )
            % {"n": len(to_erase)}
        )
    to_warn = [u for u in accounts_to_warn(at) if u not in to_erase]
    for user in to_warn:
        if report.applied:
            inactivity_warn(user=user, at=at)
    if to_warn:
        report.add(
            ngettext(
                "Envoi du courriel de prévenance à %(n)d compte inactif.",
                "Envoi du courriel de prévenance à %(n)d comptes inactifs.",
                len(to_warn),
            )
            % {"n": len(to_warn)}
        )
    codes = SignInCode.objects.filter(expires_at__lt=at)
    expired = codes.count()
    if expired:
        if report.applied:
            codes.delete()
        report.add(
            ngettext(
                "Suppression de %(n)d code de connexion expiré.",
                "Suppression de %(n)d codes de connexion expirés.",
                expired,
            )
            % {"n": expired}
        )
    # Attempt counters (hashed addresses) are of no use once their window has ended.
    counters = RateCounter.objects.filter(expires_at__lt=int(at.timestamp()))
    ended = counters.count()
    if ended:
        if report.applied:
            counters.delete()
        report.add(
            ngettext(
                "Suppression de %(n)d compteur de tentatives échu.",
                "Suppression de %(n)d compteurs de tentatives échus.",
                ended,
            )
            % {"n": ended}
        )
    # Emails the mail server did not take at once wait in the worker's queue with their
    # recipient and text (budgetcitoyen.core.mail); once sent or given up, they go.
    finished = DBTaskResult.objects.filter(
        task_path=deliver_email.module_path,
        finished_at__lt=at - timedelta(days=retention.delay("email_queue_days")),
    )
    done = finished.count()
    if done:
        if report.applied:
            finished.delete()
        report.add(
            ngettext(
                "Suppression de %(n)d courriel envoyé de la file d'attente.",
                "Suppression de %(n)d courriels envoyés de la file d'attente.",
                done,
            )
            % {"n": done}
        )


def purge_personal_data(*, at: datetime | None = None, apply: bool = False) -> PurgeReport:
    """Everything past its retention delay; a dry run (``apply=False``) only reports it."""
    at = at or clock.now()
    report = PurgeReport(applied=apply)
    with transaction.atomic():
        for step in (_purge_voters, _purge_registrations, _purge_dossiers, _purge_accounts):
            step(report, at)
        if apply and report.lines:
            log_action(actor=None, action="privacy.purge_applied", data={"lines": report.lines})
        if not report.lines:
            report.add(_("Aucune donnée personnelle n'a dépassé sa durée de conservation."))
    return report
