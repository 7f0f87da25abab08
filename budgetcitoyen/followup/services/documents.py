"""Supporting documents on request, and the follow-up's reminders.

Staff ask the holder of a submitted dossier for named documents by a due date
(``document_request_create``); the holder sends files for each item
(``supporting_document_add`` / ``supporting_document_remove``, or ``document_request_answer``
for one page's uploads); once every item has a file the request is "answered" and its
requester is told; staff close it (accepted) or cancel it. None of this touches the dossier:
the files live in ``SupportingDocument`` rows, so the dossier's content, snapshot and SHA-256
stay as submitted.

Concurrency: a change to a request locks the request's row (``select_for_update``; on SQLite
the IMMEDIATE transactions serialise writers), then re-checks its status, so an upload and a
close never cross and "answered" is decided once. Reminders are claimed one by one by a
conditional ``UPDATE … WHERE reminded_at IS NULL``, so two workers never both send one.

Every change is audited on the dossier (``obj=dossier``), so it shows in the dossier's
history on staff's page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgetcitoyen.core import clock
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionRefused,
)
from budgetcitoyen.core.formatting import fr_date
from budgetcitoyen.core.inputs import strip_controls
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.dossiers import files
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.services import lock_dossier, stored_file
from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.models import (
    DocumentKind,
    DocumentRequest,
    FinalReport,
    FundingAgreement,
    RequestedDocument,
    SupportingDocument,
)
from budgetcitoyen.labelling.models import Assignment, ConflictOfInterest

__all__ = [
    "ACCEPTED_TYPES",
    "MAX_FILES_PER_ITEM",
    "MAX_ITEMS",
    "MAX_LABEL_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "check_answerable",
    "check_can_request",
    "committee_members_for",
    "document_request_answer",
    "document_request_cancel",
    "document_request_close",
    "document_request_create",
    "send_due_document_reminders",
    "send_due_followup_reminders",
    "send_due_report_reminders",
    "supporting_document_add",
    "supporting_document_remove",
]

Status = DocumentRequest.Status

MAX_ITEMS = 10
MAX_FILES_PER_ITEM = 5
MAX_LABEL_LENGTH = 200
MAX_MESSAGE_LENGTH = 5000
ACCEPTED_TYPES = (files.PDF, files.JPEG, files.PNG)
# Requests the holder may still send files to; closed and cancelled ones are final.
ANSWERABLE = (Status.OPEN, Status.ANSWERED)


# --- Asking ------------------------------------------------------------------------------------


def committee_members_for(dossier: Dossier) -> list[Any]:
    """The committee members a request may be made on behalf of: those assigned to the
    dossier who declared no conflict of interest."""
    conflicted = ConflictOfInterest.objects.filter(dossier=dossier).values("member_id")
    return [
        a.member
        for a in Assignment.objects.filter(dossier=dossier)
        .exclude(member_id__in=conflicted)
        .select_related("member")
        .order_by("member__last_name", "member__first_name", "member_id")
    ]


def _clean_items(items: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    if not items:
        raise InvalidInput(errors={"items": _("Indiquez au moins une pièce à fournir.")})
    if len(items) > MAX_ITEMS:
        raise InvalidInput(
            errors={"items": _("Une demande compte au plus %(max)d pièces.") % {"max": MAX_ITEMS}}
        )
    cleaned = []
    for kind, label in items:
        if kind not in DocumentKind.values:
            raise InvalidInput(errors={"items": _("Cette pièce n'existe pas.")})
        label = strip_controls(label or "", multiline=False).strip()
        if len(label) > MAX_LABEL_LENGTH:
            raise InvalidInput(
                errors={
                    "items": _("La précision d'une pièce compte au plus %(max)d caractères.")
                    % {"max": MAX_LABEL_LENGTH}
                }
            )
        if kind == DocumentKind.OTHER and not label:
            raise InvalidInput(
                errors={"items": _("Précisez la pièce demandée quand elle est « Autre pièce ».")}
            )
        cleaned.append((kind, label))
    return cleaned


def check_can_request(dossier: Dossier) -> None:
    """Documents are asked about a submitted dossier (whatever became of it since), never a
    draft, nor one whose data the retention purge erased."""
    if dossier.is_draft:
        raise Conflict(
            _(
                "Ce dossier est un brouillon : des pièces ne se demandent qu'une fois le dossier déposé."
            )
        )
    if dossier.purged_at is not None:
        raise Conflict(
            _("Les données de ce dossier ont été effacées : aucune pièce ne peut être demandée.")
        )


@transaction.atomic
def document_request_create(
    *,
    dossier: Dossier,
    by: Any,
    items: Sequence[tuple[str, str]],
    due_on: date | None,
    message: str = "",
    on_behalf_of: Any = None,
) -> DocumentRequest:
    """Staff ask the holder of a submitted dossier for ``items`` (kind, precision) by
    ``due_on``; the holder is emailed what, by when, and where to send it."""
    if not permissions.can_request_documents(by, dossier):
        raise PermissionRefused(_("Seule l'équipe du Budget citoyen demande des pièces."))
    dossier = lock_dossier(dossier)
    check_can_request(dossier)
    errors: dict[str, str] = {}
    today = clock.today()
    if due_on is None:
        errors["due_on"] = _("Indiquez la date limite.")
    elif due_on <= today:
        errors["due_on"] = _("La date limite doit être postérieure à aujourd'hui (%(today)s).") % {
            "today": fr_date(today, False)
        }
    message = strip_controls(message or "", multiline=True).strip()
    if len(message) > MAX_MESSAGE_LENGTH:
        errors["message"] = _("Le message compte au plus %(max)d caractères.") % {
            "max": MAX_MESSAGE_LENGTH
        }
    if on_behalf_of is not None and on_behalf_of.pk not in {
        m.pk for m in committee_members_for(dossier)
    }:
        errors["on_behalf_of"] = _(
            "Cette personne n'est pas membre du comité affecté à ce dossier, ou a déclaré un conflit d'intérêts."
        )
    try:
        cleaned = _clean_items(items)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors=errors)
    assert due_on is not None
    request = DocumentRequest.objects.create(
        dossier=dossier,
        message=message,
        due_on=due_on,
        requested_by=by,
        on_behalf_of=on_behalf_of,
        requested_at=clock.now(),
    )
    RequestedDocument.objects.bulk_create(
        RequestedDocument(request=request, position=n, kind=kind, label=label)
        for n, (kind, label) in enumerate(cleaned, start=1)
    )
    log_action(
        actor=by,
        action="followup.documents_requested",
        obj=dossier,
        data={
            "request": request.pk,
            "items": [kind for kind, _label in cleaned],
            "due_on": due_on,
            "on_behalf_of": on_behalf_of.pk if on_behalf_of is not None else None,
        },
    )
    send_after_commit(
        to=[dossier.holder.email],
        template="followup_document_request",
        context={
            "dossier": dossier,
            "request": request,
            "items": list(request.items.all()),
        },
    )
    return request


# --- Answering ---------------------------------------------------------------------------------


def _lock_request(request: DocumentRequest) -> DocumentRequest:
    locked = (
        DocumentRequest.objects.select_for_update(of=("self",))
        .select_related("dossier__holder", "requested_by", "on_behalf_of")
        .filter(pk=request.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    return locked


def check_answerable(request: DocumentRequest) -> None:
    """Files go to an open (or answered, not yet closed) request only."""
    if request.status == Status.CLOSED:
        raise Conflict(_("Cette demande est close : elle ne reçoit plus de pièce."))
    if request.status == Status.CANCELLED:
        raise Conflict(_("Cette demande a été annulée : elle ne reçoit plus de pièce."))


def _locked_for_holder(request: DocumentRequest, by: Any) -> DocumentRequest:
    locked = _lock_request(request)
    if not permissions.can_answer_document_request(by, locked.dossier):
        raise NotFound()  # never tell a stranger the request exists
    check_answerable(locked)
    return locked


def _settle(request: DocumentRequest, by: Any) -> None:
    """Answered once every item has a file, open again when one has none; the requester (and
    the committee member it was asked for) are told when it becomes answered."""
    items = list(request.items.all())
    complete = bool(items) and all(item.files.exists() for item in items)
    if complete and request.status == Status.OPEN:
        request.status = Status.ANSWERED
        request.answered_at = clock.now()
        request.save(update_fields=["status", "answered_at", "updated_at"])
        log_action(
            actor=by,
            action="followup.documents_answered",
            obj=request.dossier,
            data={"request": request.pk},
        )
        recipients = [
            person.email
            for person in (request.requested_by, request.on_behalf_of)
            if person is not None and person.email and person.is_active
        ]
        if recipients:
            send_after_commit(
                to=list(dict.fromkeys(recipients)),
                template="followup_document_answered",
                context={"dossier": request.dossier, "request": request, "items": items},
            )
    elif not complete and request.status == Status.ANSWERED:
        request.status = Status.OPEN
        request.answered_at = None
        request.save(update_fields=["status", "answered_at", "updated_at"])
        log_action(
            actor=by,
            action="followup.documents_reopened",
            obj=request.dossier,
            data={"request": request.pk},
        )


def _add(
    request: DocumentRequest, item: RequestedDocument, by: Any, upload: Any
) -> SupportingDocument:
    field = f"item_{item.pk}"
    if item.files.count() >= MAX_FILES_PER_ITEM:
        raise InvalidInput(
            errors={
                field: _(
                    "Au plus %(max)d fichiers par pièce : retirez-en un pour en ajouter un autre."
                )
                % {"max": MAX_FILES_PER_ITEM}
            }
        )
    checked = files.check_upload(upload, allowed=ACCEPTED_TYPES, field=field)
    document = SupportingDocument(
        item=item,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    with stored_file(document.file, upload, checked):
        document.save()
        log_action(
            actor=by,
            action="followup.document_uploaded",
            obj=request.dossier,
            data={
                "request": request.pk,
                "item": item.pk,
                "name": checked.name,
                "size": checked.size,
                "sha256": checked.sha256,
            },
        )
    return document


def _item_of(request: DocumentRequest, item: RequestedDocument | int) -> RequestedDocument:
    pk = item if isinstance(item, int) else item.pk
    found = RequestedDocument.objects.filter(pk=pk, request=request).first()
    if found is None:
        raise NotFound()
    return found


@transaction.atomic
def supporting_document_add(
    *, request: DocumentRequest, item: RequestedDocument, by: Any, upload: Any
) -> SupportingDocument:
    """The holder sends one file (PDF, JPEG or PNG, judged on its content, 10 MB at most) for
    one item of an open request."""
    locked = _locked_for_holder(request, by)
    document = _add(locked, _item_of(locked, item), by, upload)
    _settle(locked, by)
    return document


@transaction.atomic
def document_request_answer(
    *, request: DocumentRequest, by: Any, uploads: Mapping[int, Sequence[Any]]
) -> list[DomainError]:
    """What the request's page sends: files for several items, in one transaction. A refused
    file never undoes the others (each has its own savepoint): the refusals are returned,
    for the form to show. Raises when the request itself refuses (closed, not theirs)."""
    locked = _locked_for_holder(request, by)
    if not any(uploads.values()):
        raise InvalidInput(errors={"uploads": _("Choisissez au moins un fichier à envoyer.")})
    refused: list[DomainError] = []
    for item_pk, item_uploads in uploads.items():
        item = _item_of(locked, item_pk)
        for upload in item_uploads:
            try:
                with transaction.atomic():
                    _add(locked, item, by, upload)
            except DomainError as error:
                refused.append(error)
    _settle(locked, by)
    return refused


@transaction.atomic
def supporting_document_remove(*, document: SupportingDocument, by: Any) -> None:
    """The holder takes a file back while the request is not closed."""
    request = _locked_for_holder(document.item.request, by)
    found = SupportingDocument.objects.filter(pk=document.pk, item__request=request).first()
    if found is None:
        raise NotFound()
    name = found.file.name
    storage = found.file.storage
    found.delete()
    log_action(
        actor=by,
        action="followup.document_removed",
        obj=request.dossier,
        data={
            "request": request.pk,
            "item": found.item_id,
            "name": found.original_name,
            "sha256": found.sha256,
        },
    )
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    _settle(request, by)


# --- Closing -----------------------------------------------------------------------------------


def _locked_for_staff(request: DocumentRequest, by: Any) -> DocumentRequest:
    if not permissions.can_manage_followup(by):
        raise PermissionRefused(_("Seule l'équipe du Budget citoyen clôt ou annule une demande."))
    locked = _lock_request(request)
    if locked.status == Status.CLOSED:
        raise Conflict(_("Cette demande est déjà close."))
    if locked.status == Status.CANCELLED:
        raise Conflict(_("Cette demande est déjà annulée."))
    return locked


@transaction.atomic
def document_request_close(*, request: DocumentRequest, by: Any) -> DocumentRequest:
    """Staff accept what was sent (or settled otherwise): the request is closed, for good."""
    locked = _locked_for_staff(request, by)
    was = locked.status
    locked.status = Status.CLOSED
    locked.closed_at = clock.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    log_action(
        actor=by,
        action="followup.documents_closed",
        obj=locked.dossier,
        data={"request": locked.pk, "was": was},
    )
    return locked


@transaction.atomic
def document_request_cancel(*, request: DocumentRequest, by: Any) -> DocumentRequest:
    """Staff withdraw a request (asked by mistake, no longer needed); the holder is told.
    The files already sent stay, for the record."""
    locked = _locked_for_staff(request, by)
    was = locked.status
    locked.status = Status.CANCELLED
    locked.closed_at = clock.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    log_action(
        actor=by,
        action="followup.documents_cancelled",
        obj=locked.dossier,
        data={"request": locked.pk, "was": was},
    )
    send_after_commit(
        to=[locked.dossier.holder.email],
        template="followup_document_cancelled",
        context={"dossier": locked.dossier, "request": locked},
    )
    return locked


# --- Reminders ---------------------------------------------------------------------------------


def _today(at: datetime) -> date:
    return timezone.localdate(at)


def send_due_document_reminders(at: datetime | None = None) -> int:
    """Remind the holder of each open request once, ``FOLLOWUP_DOCUMENT_REMINDER_DAYS`` days
    before its due date (until the due date itself). A request made within that window is
    not reminded: the request's own email is recent. Idempotent."""
    at = at or clock.now()
    today = _today(at)
    days = settings.FOLLOWUP_DOCUMENT_REMINDER_DAYS
    window_opens = today + timedelta(days=days)
    due = (
        DocumentRequest.objects.filter(
            status=Status.OPEN,
            reminded_at__isnull=True,
            due_on__gte=today,
            due_on__lte=window_opens,
        )
        .order_by("due_on", "pk")
        .only("pk", "due_on", "requested_at")
    )
    sent = 0
    for candidate in list(due):
        if _today(candidate.requested_at) >= candidate.due_on - timedelta(days=days):
            continue
        with transaction.atomic():
            claimed = DocumentRequest.objects.filter(
                pk=candidate.pk, reminded_at__isnull=True, status=Status.OPEN
            ).update(reminded_at=at)
            if claimed != 1:
                continue
            request = DocumentRequest.objects.select_related("dossier__holder").get(pk=candidate.pk)
            items = list(request.items.all())
            missing = [item for item in items if not item.files.exists()]
            log_action(
                actor=None,
                action="followup.documents_reminded",
                obj=request.dossier,
                data={"request": request.pk, "due_on": request.due_on},
            )
            send_after_commit(
                to=[request.dossier.holder.email],
                template="followup_document_reminder",
                context={
                    "dossier": request.dossier,
                    "request": request,
                    "items": items,
                    "missing": missing,
                },
            )
            sent += 1
    return sent


def send_due_report_reminders(at: datetime | None = None) -> int:
    """Remind the holder of each signed agreement once, ``FOLLOWUP_REPORT_REMINDER_DAYS``
    days before its final report is due (or at once when it is already closer or past),
    unless the report is submitted or accepted. Idempotent."""
    at = at or clock.now()
    today = _today(at)
    days = settings.FOLLOWUP_REPORT_REMINDER_DAYS
    done = FinalReport.objects.filter(
        status__in=(FinalReport.Status.SUBMITTED, FinalReport.Status.ACCEPTED)
    ).values("award_id")
    due = (
        FundingAgreement.objects.filter(
            status=FundingAgreement.Status.SIGNED,
            report_reminded_at__isnull=True,
            report_due_on__isnull=False,
            report_due_on__lte=today + timedelta(days=days),
        )
        .exclude(award_id__in=done)
        .order_by("report_due_on", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = FundingAgreement.objects.filter(
                pk=pk, report_reminded_at__isnull=True, status=FundingAgreement.Status.SIGNED
            ).update(report_reminded_at=at)
            if claimed != 1:
                continue
            agreement = FundingAgreement.objects.select_related(
                "award__decision__dossier__holder"
            ).get(pk=pk)
            dossier = agreement.award.decision.dossier
            log_action(
                actor=None,
                action="followup.report_reminded",
                obj=dossier,
                data={"agreement": agreement.pk, "report_due_on": agreement.report_due_on},
            )
            send_after_commit(
                to=[dossier.holder.email],
                template="followup_report_reminder",
                context={
                    "dossier": dossier,
                    "agreement": agreement,
                    "late": agreement.report_due_on is not None and agreement.report_due_on < today,
                },
            )
            sent += 1
    return sent


def send_due_followup_reminders(at: datetime | None = None) -> int:
    """Every reminder of the follow-up that is due (documents, final reports); how many were
    sent. Run by the task ``followup.tasks.send_followup_reminders``."""
    at = at or clock.now()
    return send_due_document_reminders(at) + send_due_report_reminders(at)
