"""Every rule of the dossier deposit: who may file, drafts, files, submission, withdrawal.

Concurrency: a change to a dossier locks its row (``select_for_update``) and re-checks its
status inside the lock. Submission locks the edition row first, then the dossier, so two
submissions of one edition take consecutive numbers one after the other: references have
no gaps and no duplicates (a unique constraint backs it). On SQLite, IMMEDIATE transactions
serialise writers instead of row locks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.comptoirs.models import Registration
from budgetcitoyen.comptoirs.selectors import attended_registrations
from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    DomainError,
    Frozen,
    InvalidInput,
    NotEligible,
    NotFound,
    PhaseClosed,
)
from budgetcitoyen.core.formatting import fr_datetime
from budgetcitoyen.core.inputs import clean_raw_input
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.dossiers import files, permissions, rules
from budgetcitoyen.dossiers.models import Attachment, Dossier, FinancingLine, private_storage
from budgetcitoyen.dossiers.snapshot import build_snapshot, canonical_json, sha256_hex
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.editions.phases import Step, has_ended, has_started
from budgetcitoyen.territories.models import Commune, Territory

Status = Dossier.Status

# What the steps set: fields stored on the dossier row (``communes`` and ``financing_lines``
# are stored beside it; the photo and attachments have services of their own).
STEP_FIELDS = {field for step in rules.STEPS for field in step.fields}
VALUE_FIELDS = {
    f.name for f in Dossier._meta.get_fields() if f.name in STEP_FIELDS and f.concrete
} - {"photo", "communes"}
TEXT_FIELDS = {
    name
    for name in VALUE_FIELDS
    if isinstance(Dossier._meta.get_field(name), models.CharField | models.TextField)
}


# --- Who sees and who files --------------------------------------------------------------


def largest_maximum(edition: Edition) -> Decimal | None:
    return edition.categories.aggregate(m=Max("max_amount_per_project"))["m"]


def check_can_start(person: Any, edition: Edition) -> None:
    """A person may open a dossier once they attended a comptoir, until the deposit closes."""
    if has_ended(edition, Step.DEPOSIT):
        raise PhaseClosed(_("Le dépôt des dossiers de cette édition est clos."))
    if not attended_registrations(person, edition).exists():
        raise NotEligible(
            _(
                "Pour déposer un dossier, il faut avoir participé à un comptoir à initiatives citoyennes "
                "de cette édition : votre présence y est notée par la structure accueillante."
            )
        )


def check_deposit_open(edition: Edition) -> None:
    if not has_started(edition, Step.DEPOSIT):
        raise PhaseClosed(
            _(
                "Le dépôt des dossiers n'est pas encore ouvert : votre brouillon est enregistré, vous pourrez le déposer à l'ouverture."
            )
        )
    if has_ended(edition, Step.DEPOSIT):
        raise PhaseClosed(
            _(
                "Le dépôt des dossiers est clos : ce dossier n'a pas été déposé et ne peut plus l'être."
            )
        )


@transaction.atomic
def dossier_start(*, registration: Registration, by: Any) -> Dossier:
    """Open a draft from an idea brought to a comptoir the person attended."""
    if registration.person_id != getattr(by, "pk", None):
        raise NotFound()
    edition = registration.edition
    check_can_start(by, edition)
    if not attended_registrations(by, edition).filter(pk=registration.pk).exists():
        raise NotEligible(
            _("Un dossier naît d'une idée présentée à un comptoir auquel vous avez participé.")
        )
    dossier = Dossier.objects.create(
        edition=edition,
        holder=by,
        registration=registration,
        title=registration.idea_title[:150],
        summary=registration.idea_summary[: rules.SUMMARY_MAX_LENGTH],
        territory=registration.idea_territory,
        contact_name=by.get_full_name(),
        contact_email=by.email,
        contact_phone=getattr(by, "phone", "") or "",
    )
    log_action(
        actor=by,
        action="dossiers.draft_started",
        obj=dossier,
        data={"edition": edition.year, "registration": registration.pk},
    )
    return dossier


# --- Drafts --------------------------------------------------------------------------------


def lock_dossier(dossier: Dossier) -> Dossier:
    """Take the dossier's row lock (with its edition); every change to a dossier starts here."""
    locked = (
        Dossier.objects.select_for_update().select_related("edition").filter(pk=dossier.pk).first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _lock(dossier: Dossier, by: Any) -> Dossier:
    """Lock the dossier's row; 404 for anyone but its holder (no existence leak)."""
    locked = lock_dossier(dossier)
    if not permissions.can_change_dossier(by, locked):
        raise NotFound()
    return locked


def check_draft_editable(dossier: Dossier) -> None:
    """A draft may change until the deposit closes; a submitted dossier never."""
    if not dossier.is_draft:
        raise Frozen(
            _("Ce dossier a été déposé le %(date)s : il ne peut plus être modifié.")
            % {"date": fr_datetime(dossier.submitted_at)}
            if dossier.submitted_at
            else _("Ce dossier ne peut plus être modifié.")
        )
    if has_ended(dossier.edition, Step.DEPOSIT):
        raise PhaseClosed(
            _("Le dépôt des dossiers est clos : ce brouillon ne peut plus être modifié ni déposé.")
        )


def _locked_draft(dossier: Dossier, by: Any) -> Dossier:
    """Lock the dossier and check its holder may still change it."""
    locked = _lock(dossier, by)
    check_draft_editable(locked)
    return locked


def _validate_values(dossier: Dossier, values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    unknown = set(values) - VALUE_FIELDS - {"communes", "financing_lines"}
    if unknown:
        raise InvalidInput(_("Champs inconnus : %(f)s.") % {"f": ", ".join(sorted(unknown))})
    if len(values.get("summary") or "") > rules.SUMMARY_MAX_LENGTH:
        errors["summary"] = _("Le résumé ne doit pas dépasser 500 caractères.")
    kind = values.get("structure_kind", dossier.structure_kind)
    errors.update(
        rules.identifier_errors(
            kind, values.get("siret", dossier.siret), values.get("rna", dossier.rna)
        )
    )
    errors.update(
        rules.amount_errors(
            values.get("total_cost", dossier.total_cost),
            values.get("amount_requested", dossier.amount_requested),
            largest_maximum(dossier.edition),
        )
    )
    duration = values.get("duration_months")
    if duration is not None and not 1 <= duration <= rules.MAX_DURATION_MONTHS:
        errors["duration_months"] = _("La durée va de 1 à %(max)d mois.") % {
            "max": rules.MAX_DURATION_MONTHS
        }
    territory = values.get("territory")
    if territory is not None and not isinstance(territory, Territory):
        errors["territory"] = _("Territoire inconnu.")
    category = values.get("wished_category")
    if category is not None and (
        not isinstance(category, Category) or category.edition_id != dossier.edition_id
    ):
        errors["wished_category"] = _("Choisissez une catégorie de l'édition.")
    return errors


@transaction.atomic
def dossier_save_step(
    *,
    dossier: Dossier,
    by: Any,
    step: str,
    values: dict[str, Any],
    pending: dict[str, Any] | None = None,
) -> Dossier:
    """Save what a step holds. ``pending`` keeps the raw input of fields the form refused.

    Valid values are saved even when other fields of the step were refused: a draft never
    loses what was typed. ``communes`` is a list of communes, ``financing_lines`` a list of
    ``rules.Line``.
    """
    if step not in rules.STEP_BY_SLUG:
        raise InvalidInput(_("Étape inconnue."))
    dossier = _locked_draft(dossier, by)
    # Kept to be shown again: without what PostgreSQL's text and JSON cannot store (NUL).
    pending = clean_raw_input(pending) if pending else None
    allowed = set(rules.STEP_BY_SLUG[step].fields)
    stray = set(values) - allowed
    if stray:
        raise InvalidInput(
            _("Ces champs n'appartiennent pas à l'étape : %(f)s.") % {"f": ", ".join(sorted(stray))}
        )
    errors = _validate_values(dossier, values)
    if errors:
        raise InvalidInput(errors=errors)
    changed = []
    for field, value in values.items():
        if field in ("communes", "financing_lines"):
            continue
        if field in TEXT_FIELDS:
            value = (value or "").strip()
            if field in ("siret", "rna"):
                value = rules.normalise_identifier(value)
        if getattr(dossier, field) != value:
            setattr(dossier, field, value)
            changed.append(field)
    if "communes" in values:
        communes: Sequence[Commune] = values["communes"]
        if {c.pk for c in communes} != set(dossier.communes.values_list("pk", flat=True)):
            dossier.communes.set(communes)
            changed.append("communes")
    if "financing_lines" in values:
        lines: Sequence[rules.Line] = values["financing_lines"]
        before = [
            rules.Line(li.source, li.amount, li.is_secured) for li in dossier.financing_lines.all()
        ]
        if list(lines) != before:
            dossier.financing_lines.all().delete()
            FinancingLine.objects.bulk_create(
                FinancingLine(
                    dossier=dossier,
                    position=index,
                    source=line.source.strip(),
                    amount=line.amount,
                    is_secured=line.is_secured,
                )
                for index, line in enumerate(lines, start=1)
            )
            changed.append("financing_lines")
    pending_input = dict(dossier.pending_input or {})
    had_pending = step in pending_input
    if pending:
        pending_input[step] = pending
    else:
        pending_input.pop(step, None)
    dossier.pending_input = pending_input
    dossier.save()
    if changed or pending or had_pending:
        log_action(
            actor=by,
            action="dossiers.draft_saved",
            obj=dossier,
            data={"step": step, "fields": changed, "with_errors": sorted(pending or {})},
        )
    return dossier


@contextmanager
def stored_file(field_file: Any, upload: Any, checked: files.CheckedFile) -> Iterator[None]:
    """Write the file to private storage (a re-encoded image rather than the bytes sent), and
    remove it again if what follows fails."""
    upload.seek(0)
    content = File(upload) if checked.content is None else ContentFile(checked.content)
    field_file.save(checked.name + files.EXTENSIONS[checked.content_type], content, save=False)
    try:
        yield
    except BaseException:
        field_file.storage.delete(field_file.name or "")
        raise


def delete_after_commit(storage: Any, name: str | None) -> None:
    """Delete a stored file once the transaction commits (never a file a rollback keeps)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def dossier_save_page(
    *,
    dossier: Dossier,
    by: Any,
    step: str,
    values: dict[str, Any],
    pending: dict[str, Any] | None = None,
    photo: Any = None,
    attachments: Sequence[Any] = (),
) -> list[DomainError]:
    """What one step's page sends, in one transaction: the step's values, then its photo or
    attachments. A refused file never undoes the values or the other files (each file has
    its own savepoint): the refusals are returned, for the form to show."""
    dossier_save_step(dossier=dossier, by=by, step=step, values=values, pending=pending)
    refused: list[DomainError] = []
    uploads: list[tuple[Callable[..., object], Any]] = [(photo_set, photo)] if photo else []
    uploads += [(attachment_add, upload) for upload in attachments]
    for service, upload in uploads:
        try:
            with transaction.atomic():
                service(dossier=dossier, by=by, upload=upload)
        except DomainError as error:
            refused.append(error)
    return refused


@transaction.atomic
def photo_set(*, dossier: Dossier, by: Any, upload: Any) -> Dossier:
    """The project's photo: a JPEG or PNG image, 10 MB at most; replaces the previous one."""
    dossier = _locked_draft(dossier, by)
    checked = files.check_upload(upload, allowed=(files.JPEG, files.PNG), field="photo")
    old_name = dossier.photo.name
    with stored_file(dossier.photo, upload, checked):
        dossier.photo_name = checked.name
        dossier.photo_content_type = checked.content_type
        dossier.photo_size = checked.size
        dossier.photo_sha256 = checked.sha256
        dossier.photo_width, dossier.photo_height = checked.width, checked.height
        dossier.save()
        log_action(
            actor=by,
            action="dossiers.photo_set",
            obj=dossier,
            data={"name": checked.name, "size": checked.size, "sha256": checked.sha256},
        )
    delete_after_commit(dossier.photo.storage, old_name)
    return dossier


@transaction.atomic
def photo_remove(*, dossier: Dossier, by: Any) -> Dossier:
    dossier = _locked_draft(dossier, by)
    if not dossier.photo:
        return dossier
    old_name = dossier.photo.name
    dossier.photo = ""  # type: ignore[assignment]
    dossier.photo_name = dossier.photo_content_type = dossier.photo_sha256 = ""
    dossier.photo_size = dossier.photo_width = dossier.photo_height = None
    dossier.save()
    log_action(actor=by, action="dossiers.photo_removed", obj=dossier)
    delete_after_commit(dossier.photo.storage, old_name)
    return dossier


@transaction.atomic
def attachment_add(*, dossier: Dossier, by: Any, upload: Any) -> Attachment:
    """Attach a PDF, JPEG or PNG file (judged on its content), 10 MB at most, 10 files at most."""
    dossier = _locked_draft(dossier, by)
    if dossier.attachments.count() >= rules.MAX_ATTACHMENTS:
        raise InvalidInput(
            errors={
                "attachments": _(
                    "Un dossier compte au plus %(max)d pièces jointes : retirez-en une pour en ajouter une autre."
                )
                % {"max": rules.MAX_ATTACHMENTS}
            }
        )
    checked = files.check_upload(
        upload, allowed=(files.PDF, files.JPEG, files.PNG), field="attachments"
    )
    attachment = Attachment(
        dossier=dossier,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=clock.now(),
    )
    with stored_file(attachment.file, upload, checked):
        attachment.save()
        log_action(
            actor=by,
            action="dossiers.attachment_added",
            obj=dossier,
            data={"name": checked.name, "size": checked.size, "sha256": checked.sha256},
        )
    return attachment


@transaction.atomic
def attachment_remove(*, attachment: Attachment, by: Any) -> None:
    dossier = _locked_draft(attachment.dossier, by)
    found = Attachment.objects.filter(pk=attachment.pk, dossier=dossier).first()
    if found is None:
        raise NotFound()
    attachment = found
    name = attachment.file.name
    attachment.delete()
    log_action(
        actor=by,
        action="dossiers.attachment_removed",
        obj=dossier,
        data={"name": attachment.original_name, "sha256": attachment.sha256},
    )
    delete_after_commit(attachment.file.storage, name)


@transaction.atomic
def dossier_delete_draft(*, dossier: Dossier, by: Any) -> None:
    """A holder may throw a draft away (never a submitted dossier); the audit log keeps a trace."""
    locked = _lock(dossier, by)
    if not locked.is_draft:
        raise Frozen(_("Un dossier déposé ne peut pas être supprimé ; vous pouvez le retirer."))
    names = [locked.photo.name, *(a.file.name for a in locked.attachments.all())]
    log_action(
        actor=by,
        action="dossiers.draft_deleted",
        obj=locked,
        data={"title": locked.title, "edition": locked.edition.year},
    )
    storage = private_storage()
    locked.delete()
    for name in names:
        delete_after_commit(storage, name)


# --- Submission ----------------------------------------------------------------------------


def submission_problems(dossier: Dossier) -> list[rules.Missing]:
    return rules.completeness(dossier, largest_maximum=largest_maximum(dossier.edition))


@transaction.atomic
def dossier_submit(*, dossier: Dossier, by: Any, sworn: bool) -> Dossier:
    """Submit and freeze: reference, canonical snapshot and its SHA-256; the receipt is emailed."""
    edition = Edition.objects.select_for_update().get(pk=dossier.edition_id)
    dossier = _lock(dossier, by)
    if not dossier.is_draft:
        raise AlreadyDone(
            _("Ce dossier est déjà déposé, sous la référence %(ref)s.") % {"ref": dossier.reference}
            if dossier.reference
            else _("Ce dossier n'est plus un brouillon.")
        )
    check_deposit_open(edition)
    if not attended_registrations(by, edition).filter(pk=dossier.registration_id).exists():
        raise NotEligible(
            _("L'idée de ce dossier n'est plus rattachée à un comptoir auquel vous avez participé.")
        )
    problems = submission_problems(dossier)
    errors: dict[str, str] = {}
    for problem in problems:
        key = problem.field or problem.step
        errors[key] = f"{errors[key]} {problem.message}" if key in errors else problem.message
    if not sworn:
        errors["sworn"] = _("Cochez l'attestation sur l'honneur pour déposer le dossier.")
    if errors:
        raise InvalidInput(
            ngettext(
                "Le dossier n'est pas complet : %(count)d point à compléter.",
                "Le dossier n'est pas complet : %(count)d points à compléter.",
                len(errors),
            )
            % {"count": len(errors)},
            errors=errors,
        )
    last = Dossier.objects.filter(edition=edition).aggregate(n=Max("number"))["n"] or 0
    dossier.number = last + 1
    dossier.reference = f"BC-{edition.year}-{dossier.number:04d}"
    dossier.submitted_at = clock.now()
    dossier.status = Status.SUBMITTED
    dossier.pending_input = {}
    dossier.snapshot = canonical_json(build_snapshot(dossier))
    dossier.snapshot_sha256 = sha256_hex(dossier.snapshot)
    dossier.save()
    log_action(
        actor=by,
        action="dossiers.submitted",
        obj=dossier,
        data={"reference": dossier.reference, "sha256": dossier.snapshot_sha256},
    )
    send_after_commit(
        to=[by.email],
        template="dossier_submitted",
        context={"dossier": dossier, "attachments": list(dossier.attachments.all())},
    )
    return dossier


@transaction.atomic
def dossier_withdraw(*, dossier: Dossier, by: Any, reason: str = "") -> Dossier:
    """The holder withdraws a submitted dossier, until the committee decides. Not an edit."""
    dossier = _lock(dossier, by)
    if dossier.status == Status.WITHDRAWN:
        raise AlreadyDone(_("Ce dossier est déjà retiré."))
    if dossier.status == Status.DRAFT:
        raise Conflict(_("Un brouillon ne se retire pas : il n'a pas été déposé."))
    if dossier.status != Status.SUBMITTED:
        raise Conflict(
            _("Le comité a déjà rendu sa décision sur ce dossier : il ne peut plus être retiré.")
        )
    dossier.status = Status.WITHDRAWN
    dossier.withdrawn_at = clock.now()
    dossier.withdrawal_reason = reason.strip()[:2000]
    dossier.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "updated_at"])
    log_action(
        actor=by,
        action="dossiers.withdrawn",
        obj=dossier,
        # The reason itself stays on the dossier, which is erased after its delay; the
        # append-only log outlives it, so it only says whether one was given.
        data={"reference": dossier.reference, "reason_given": bool(dossier.withdrawal_reason)},
    )
    send_after_commit(to=[by.email], template="dossier_withdrawn", context={"dossier": dossier})
    return dossier
