"""Services of the follow-up: a laureate's progress (milestones, news, final report).

- **Milestones** are staff's, append-only: each one is a step reached on a date with the
  project's progress then. ``done`` and ``abandoned`` end the project: no milestone after
  them. A mistake is corrected by removing the latest milestone (``milestone_remove``, with a
  reason, audited), never by editing one, so the public timeline only ever shows what staff
  stood by. ``done`` needs the final report accepted, or a written reason (staff may know a
  project is finished before its report is in); ``abandoned`` needs its public reason.
- **News** are the holder's: draft → submitted → published or refused. The holder edits and
  deletes a draft or a refused item; an item waiting for moderation or published is staff's:
  staff publish or refuse it (with a reason), and unpublish a published one (with a reason:
  it goes back to the holder as refused, who may correct it and submit it again).
- **The final report** is the holder's until submitted (several visits, nothing lost), then
  staff's: accepted (it unlocks the instalments paid "sur rapport final") or returned with a
  comment, when the holder edits it and submits it again. It is submitted only once the
  agreement is signed.

Publishing, unpublishing and every milestone change the public pages: the follow-up's signals
(``followup/signals.py``) invalidate the page cache once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.core import clock, organisation
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import Conflict, DomainError, Frozen, InvalidInput, NotFound
from budgetcitoyen.core.formatting import fr_date
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.dossiers import files
from budgetcitoyen.dossiers.services import delete_after_commit, stored_file
from budgetcitoyen.followup import permissions
from budgetcitoyen.followup.models import (
    FinalReport,
    FundingAgreement,
    Milestone,
    NewsItem,
    ReportAttachment,
)
from budgetcitoyen.results.models import Award

__all__ = [
    "MAX_REPORT_ATTACHMENTS",
    "MAX_TEXT",
    "check_news_editable",
    "check_report_editable",
    "check_report_submittable",
    "milestone_remove",
    "milestone_set",
    "news_delete",
    "news_publish",
    "news_refuse",
    "news_save",
    "news_submit",
    "news_unpublish",
    "report_accept",
    "report_attachment_add",
    "report_attachment_remove",
    "report_return",
    "report_save",
    "report_submit",
]

Kind = Milestone.Kind
NewsStatus = NewsItem.Status
ReportStatus = FinalReport.Status

# Milestones after which the project has ended.
ENDED = (Kind.DONE, Kind.ABANDONED)
MAX_TEXT = 10_000  # a news item's text, a report's answer
MAX_REASON = 2_000  # a refusal, a return, a milestone's reason
MAX_REPORT_ATTACHMENTS = 10
MAX_AMOUNT = Decimal("9999999999.99")  # what the column holds
NEWS_EDITABLE = (NewsStatus.DRAFT, NewsStatus.REFUSED)
REPORT_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)


# --- Shared --------------------------------------------------------------------------------


def _require_staff(by: Any) -> None:
    require(
        permissions.can_manage_followup(by),
        _("Seule l'équipe de la Mission ESS peut faire cela."),
    )


def _locked_award(award: Award) -> Award:
    """The award's row, locked: the milestones, news and report of one laureate change one at
    a time (two staff members marking it done and abandoned at once, a report submitted while
    it is being returned)."""
    locked = (
        Award.objects.select_for_update(of=("self",))
        .select_related("snapshot", "decision__dossier__holder", "decision__edition")
        .filter(pk=award.pk)
        .first()
    )
    if locked is None or locked.snapshot.published_at is None:
        raise NotFound(_("Ce projet ne fait pas partie des lauréats d'un résultat publié."))
    return locked


def _holder_email(award: Award) -> list[str]:
    holder = award.decision.dossier.holder
    return [holder.email] if holder is not None and holder.email else []


def _staff_email() -> list[str]:
    """The Mission ESS's mailbox: the team shares it, so nobody's leave holds a moderation up."""
    address = organisation.contact_email()
    return [address] if address else []


def _text(value: Any) -> str:
    return str(value or "").strip()


def _long(errors: dict[str, str], field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors[field] = _("%(max)d caractères au plus (ce texte en compte %(count)d).") % {
            "max": limit,
            "count": len(value),
        }


def _not_future(errors: dict[str, str], field: str, day: date | None, required: str) -> None:
    if day is None:
        errors[field] = required
    elif day > clock.today():
        errors[field] = _("La date ne peut pas être dans le futur.")


# --- Milestones ----------------------------------------------------------------------------


def _latest_milestone(award: Award) -> Milestone | None:
    return award.milestones.order_by("-reached_on", "-pk").first()


def _report_accepted(award: Award) -> bool:
    return FinalReport.objects.filter(award=award, status=ReportStatus.ACCEPTED).exists()


@transaction.atomic
def milestone_set(
    *,
    award: Award,
    kind: str,
    reached_on: date | None,
    progress: int | None = None,
    reason: str = "",
    note: str = "",
    by: Any,
) -> Milestone:
    """Record a step of the project. ``progress`` left out keeps the latest one (100 for done)."""
    _require_staff(by)
    award = _locked_award(award)
    latest = _latest_milestone(award)
    if latest is not None and latest.kind in ENDED:
        raise Conflict(
            _(
                "Le projet est déjà marqué « %(kind)s » depuis le %(date)s : aucune étape ne "
                "peut suivre. Pour corriger, retirez d'abord cette étape."
            )
            % {"kind": latest.get_kind_display(), "date": fr_date(latest.reached_on, False)}
        )
    reason, note = _text(reason), _text(note)
    errors: dict[str, str] = {}
    if kind not in Kind.values:
        errors["kind"] = _("Choisissez une étape de la liste.")
    _not_future(errors, "reached_on", reached_on, _("Indiquez la date de cette étape."))
    published_on = timezone.localdate(award.snapshot.published_at)
    if reached_on is not None and "reached_on" not in errors:
        if reached_on < published_on:
            errors["reached_on"] = _(
                "La date ne peut pas précéder la publication des résultats, le %(date)s."
            ) % {"date": fr_date(published_on, False)}
        elif latest is not None and reached_on < latest.reached_on:
            errors["reached_on"] = _(
                "La date ne peut pas précéder celle de la dernière étape, le %(date)s."
            ) % {"date": fr_date(latest.reached_on, False)}
    if kind == Kind.DONE:
        progress = 100
        if not reason and not _report_accepted(award):
            errors["reason"] = _(
                "Le rapport final n'est pas encore accepté : indiquez pourquoi le projet est "
                "tout de même réalisé."
            )
    elif progress is None:
        progress = latest.progress if latest is not None else 0
    if not 0 <= progress <= 100:
        errors["progress"] = _("L'avancement est un pourcentage, de 0 à 100.")
    if kind == Kind.ABANDONED and not reason:
        errors["reason"] = _(
            "Indiquez le motif de l'abandon : il est publié sur la fiche du projet."
        )
    _long(errors, "reason", reason, MAX_REASON)
    _long(errors, "note", note, 300)
    if errors:
        raise InvalidInput(errors=errors)
    assert reached_on is not None
    milestone = Milestone.objects.create(
        award=award,
        kind=kind,
        reached_on=reached_on,
        progress=progress,
        reason=reason,
        note=note,
        set_by=by,
    )
    log_action(
        actor=by,
        action="followup.milestone_set",
        obj=milestone,
        data={
            "award": award.pk,
            "kind": kind,
            "reached_on": reached_on,
            "progress": progress,
            "reason": reason,
            "note": note,
        },
    )
    return milestone


@transaction.atomic
def milestone_remove(*, milestone: Milestone, reason: str, by: Any) -> None:
    """Correct a mistake: remove the latest milestone of its project, with a reason."""
    _require_staff(by)
    award = _locked_award(milestone.award)
    latest = _latest_milestone(award)
    if latest is None or latest.pk != milestone.pk:
        raise Conflict(_("Seule la dernière étape du projet peut être retirée."))
    reason = _text(reason)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Indiquez pourquoi cette étape est retirée.")
    _long(errors, "reason", reason, MAX_REASON)
    if errors:
        raise InvalidInput(errors=errors)
    log_action(
        actor=by,
        action="followup.milestone_removed",
        obj=latest,
        data={
            "award": award.pk,
            "kind": latest.kind,
            "reached_on": latest.reached_on,
            "progress": latest.progress,
            "reason": reason,
        },
    )
    latest.delete()


# --- News ----------------------------------------------------------------------------------


def _require_news_writer(by: Any, award: Award) -> None:
    require(
        permissions.can_write_news(by, award),
        _("Seul le porteur du projet peut écrire ses actualités."),
    )


def _locked_news(news: NewsItem) -> NewsItem:
    locked = NewsItem.objects.select_for_update().filter(pk=news.pk).first()
    if locked is None:
        raise NotFound(_("Cette actualité n'existe plus."))
    return locked


def check_news_editable(news: NewsItem) -> None:
    """Whether the holder may still change ``news`` (a draft or a refused item)."""
    if news.status == NewsStatus.SUBMITTED:
        raise Frozen(
            _(
                "Cette actualité attend la modération de la Mission ESS : vous pourrez la "
                "modifier si elle vous est renvoyée."
            )
        )
    if news.status == NewsStatus.PUBLISHED:
        raise Frozen(
            _(
                "Cette actualité est publiée : seule l'équipe de la Mission ESS peut la retirer. "
                "Écrivez-lui pour toute correction."
            )
        )


@transaction.atomic
def news_save(
    *,
    award: Award,
    by: Any,
    title: str,
    body: str,
    happened_on: date | None,
    news: NewsItem | None = None,
    photo: Any = None,
    photo_alt: str = "",
    remove_photo: bool = False,
    submit: bool = False,
) -> NewsItem:
    """Write a new draft, or change a draft or a refused item (which becomes a draft again);
    with ``submit``, send it to moderation at once."""
    _require_news_writer(by, award)
    award = _locked_award(award)
    if news is not None:
        news = _locked_news(news)
        if news.award_id != award.pk:
            raise NotFound()
        check_news_editable(news)
    title, body, photo_alt = _text(title), _text(body), _text(photo_alt)
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Donnez un titre à cette actualité.")
    _long(errors, "title", title, 150)
    if not body:
        errors["body"] = _("Écrivez le texte de cette actualité.")
    _long(errors, "body", body, MAX_TEXT)
    _not_future(errors, "happened_on", happened_on, _("Indiquez la date de l'événement."))
    checked = None
    if photo:
        try:
            checked = files.check_upload(photo, allowed=(files.JPEG, files.PNG), field="photo")
        except InvalidInput as error:
            errors.update(error.errors)
    has_photo = checked is not None or (news is not None and news.photo and not remove_photo)
    if has_photo and not photo_alt:
        errors["photo_alt"] = _(
            "Décrivez la photo en quelques mots, pour les personnes qui ne la voient pas."
        )
    _long(errors, "photo_alt", photo_alt, 300)
    if errors:
        raise InvalidInput(errors=errors)
    assert happened_on is not None
    created = news is None
    if news is None:
        news = NewsItem(award=award, author=by)
    news.award = award
    news.title, news.body, news.happened_on = title, body, happened_on
    news.status = NewsStatus.DRAFT
    old_photo = news.photo.name if news.photo and (checked or remove_photo) else ""
    if remove_photo and not checked:
        news.photo = ""  # type: ignore[assignment]
        news.photo_content_type = news.photo_sha256 = ""
        news.photo_size = news.photo_width = news.photo_height = None
    news.photo_alt = photo_alt if has_photo else ""
    if checked is not None:
        with stored_file(news.photo, photo, checked):
            news.photo_content_type = checked.content_type
            news.photo_size = checked.size
            news.photo_sha256 = checked.sha256
            news.photo_width, news.photo_height = checked.width, checked.height
            news.save()
    else:
        news.save()
    delete_after_commit(news.photo.storage, old_photo)
    log_action(
        actor=by,
        action="followup.news_created" if created else "followup.news_changed",
        obj=news,
        data={
            "award": award.pk,
            "title": title,
            "happened_on": happened_on,
            "photo_sha256": news.photo_sha256,
        },
    )
    if submit:
        _submit(news, award, by)
    return news


def _submit(news: NewsItem, award: Award, by: Any) -> None:
    news.status = NewsStatus.SUBMITTED
    news.submitted_at = clock.now()
    news.save(update_fields=["status", "submitted_at", "updated_at"])
    log_action(actor=by, action="followup.news_submitted", obj=news, data={"award": award.pk})
    send_after_commit(
        to=_staff_email(),
        template="followup_news_submitted",
        context={"news": news, "award": award, "decision": award.decision},
    )


@transaction.atomic
def news_submit(*, news: NewsItem, by: Any) -> NewsItem:
    """Send a draft (or a refused item, corrected or not) to the Mission ESS's moderation."""
    _require_news_writer(by, news.award)
    award = _locked_award(news.award)
    news = _locked_news(news)
    check_news_editable(news)
    _submit(news, award, by)
    return news


def _moderated(news: NewsItem, by: Any, status: str) -> None:
    news.status = status
    news.moderated_by = by
    news.moderated_at = clock.now()


@transaction.atomic
def news_publish(*, news: NewsItem, by: Any) -> NewsItem:
    _require_staff(by)
    award = _locked_award(news.award)
    news = _locked_news(news)
    if news.status != NewsStatus.SUBMITTED:
        raise Conflict(
            _(
                "Seule une actualité en attente de modération peut être publiée (celle-ci est %(status)s)."
            )
            % {"status": news.get_status_display()}
        )
    _moderated(news, by, NewsStatus.PUBLISHED)
    news.published_at = news.moderated_at
    news.refusal_reason = ""
    news.save()
    log_action(actor=by, action="followup.news_published", obj=news, data={"award": award.pk})
    send_after_commit(
        to=_holder_email(award),
        template="followup_news_published",
        context={"news": news, "award": award, "decision": award.decision},
    )
    return news


def _reason(reason: str, missing: str) -> str:
    reason = _text(reason)
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = missing
    _long(errors, "reason", reason, MAX_REASON)
    if errors:
        raise InvalidInput(errors=errors)
    return reason


@transaction.atomic
def news_refuse(*, news: NewsItem, reason: str, by: Any) -> NewsItem:
    """Send an item back to its holder, with what to change (the reason is theirs to read)."""
    _require_staff(by)
    award = _locked_award(news.award)
    news = _locked_news(news)
    if news.status != NewsStatus.SUBMITTED:
        raise Conflict(
            _(
                "Seule une actualité en attente de modération peut être refusée (celle-ci est %(status)s)."
            )
            % {"status": news.get_status_display()}
        )
    reason = _reason(reason, _("Indiquez au porteur pourquoi cette actualité est refusée."))
    _moderated(news, by, NewsStatus.REFUSED)
    news.refusal_reason = reason
    news.save()
    log_action(
        actor=by,
        action="followup.news_refused",
        obj=news,
        data={"award": award.pk, "reason": reason},
    )
    send_after_commit(
        to=_holder_email(award),
        template="followup_news_refused",
        context={"news": news, "award": award, "decision": award.decision},
    )
    return news


@transaction.atomic
def news_unpublish(*, news: NewsItem, reason: str, by: Any) -> NewsItem:
    """Take a published item off the public pages; it goes back to its holder as refused."""
    _require_staff(by)
    award = _locked_award(news.award)
    news = _locked_news(news)
    if news.status != NewsStatus.PUBLISHED:
        raise Conflict(_("Cette actualité n'est pas publiée."))
    reason = _reason(reason, _("Indiquez pourquoi cette actualité est retirée."))
    published_at = news.published_at
    _moderated(news, by, NewsStatus.REFUSED)
    news.published_at = None
    news.refusal_reason = reason
    news.save()
    log_action(
        actor=by,
        action="followup.news_unpublished",
        obj=news,
        data={"award": award.pk, "reason": reason, "published_at": published_at},
    )
    send_after_commit(
        to=_holder_email(award),
        template="followup_news_unpublished",
        context={"news": news, "award": award, "decision": award.decision},
    )
    return news


@transaction.atomic
def news_delete(*, news: NewsItem, by: Any) -> None:
    """The holder deletes a draft or a refused item (never one staff hold or published)."""
    _require_news_writer(by, news.award)
    award = _locked_award(news.award)
    news = _locked_news(news)
    check_news_editable(news)
    log_action(
        actor=by,
        action="followup.news_deleted",
        obj=news,
        data={"award": award.pk, "title": news.title, "photo_sha256": news.photo_sha256},
    )
    name = news.photo.name
    storage = news.photo.storage
    news.delete()
    delete_after_commit(storage, name)


# --- Final report --------------------------------------------------------------------------


def _require_report_writer(by: Any, award: Award) -> None:
    require(
        permissions.can_write_report(by, award),
        _("Seul le porteur du projet peut rédiger son rapport final."),
    )


def check_report_editable(report: FinalReport | None) -> None:
    if report is None or report.status in REPORT_EDITABLE:
        return
    if report.status == ReportStatus.ACCEPTED:
        raise Frozen(_("Le rapport final est accepté : il ne peut plus être modifié."))
    raise Frozen(
        _(
            "Le rapport final est remis à la Mission ESS : il ne peut plus être modifié, sauf "
            "si elle vous le renvoie pour le compléter."
        )
    )


def check_report_submittable(award: Award) -> None:
    """The agreement must be signed before the report on what it funded is handed in."""
    if not FundingAgreement.objects.filter(
        award=award, status=FundingAgreement.Status.SIGNED
    ).exists():
        raise Conflict(
            _(
                "Le rapport final ne peut être remis qu'une fois la convention de financement "
                "signée. Vous pouvez déjà l'enregistrer en brouillon."
            )
        )


def _locked_report(award: Award) -> FinalReport | None:
    return FinalReport.objects.select_for_update().filter(award=award).first()


@transaction.atomic
def report_save(
    *,
    award: Award,
    by: Any,
    achievements: str = "",
    beneficiaries_reached: str = "",
    spending: str = "",
    difficulties: str = "",
    amount_spent: Decimal | None = None,
    uploads: Sequence[Any] = (),
) -> tuple[FinalReport, list[DomainError]]:
    """Save the report as it is (a draft may be incomplete), then add the files sent. A refused
    file never undoes the texts or the other files (each has its own savepoint): the refusals
    are returned, for the form to show."""
    _require_report_writer(by, award)
    award = _locked_award(award)
    report = _locked_report(award)
    check_report_editable(report)
    values = {
        "achievements": _text(achievements),
        "beneficiaries_reached": _text(beneficiaries_reached),
        "spending": _text(spending),
        "difficulties": _text(difficulties),
    }
    errors: dict[str, str] = {}
    for field, value in values.items():
        _long(errors, field, value, MAX_TEXT)
    if amount_spent is not None and not Decimal(0) <= amount_spent <= MAX_AMOUNT:
        errors["amount_spent"] = _("Indiquez un montant positif, en euros.")
    if errors:
        raise InvalidInput(errors=errors)
    created = report is None
    if report is None:
        report = FinalReport(award=award)
    before = {field: getattr(report, field) for field in values}
    for field, value in values.items():
        setattr(report, field, value)
    report.amount_spent = amount_spent
    report.save()
    log_action(
        actor=by,
        action="followup.report_created" if created else "followup.report_saved",
        obj=report,
        data={
            "award": award.pk,
            "changed": sorted(f for f, v in values.items() if before[f] != v),
            "amount_spent": amount_spent,
        },
    )
    refused: list[DomainError] = []
    for upload in uploads:
        try:
            with transaction.atomic():
                report_attachment_add(report=report, by=by, upload=upload)
        except DomainError as error:
            refused.append(error)
    return report, refused


@transaction.atomic
def report_attachment_add(*, report: FinalReport, by: Any, upload: Any) -> ReportAttachment:
    _require_report_writer(by, report.award)
    award = _locked_award(report.award)
    locked = _locked_report(award)
    check_report_editable(locked)
    assert locked is not None
    if locked.attachments.count() >= MAX_REPORT_ATTACHMENTS:
        raise InvalidInput(
            errors={
                "attachments": _(
                    "Le rapport compte au plus %(max)d pièces : retirez-en une pour en ajouter "
                    "une autre."
                )
                % {"max": MAX_REPORT_ATTACHMENTS}
            }
        )
    checked = files.check_upload(
        upload, allowed=(files.PDF, files.JPEG, files.PNG), field="attachments"
    )
    attachment = ReportAttachment(
        report=locked,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    with stored_file(attachment.file, upload, checked):
        attachment.save()
        log_action(
            actor=by,
            action="followup.report_attachment_added",
            obj=locked,
            data={"name": checked.name, "size": checked.size, "sha256": checked.sha256},
        )
    return attachment


@transaction.atomic
def report_attachment_remove(*, attachment: ReportAttachment, by: Any) -> None:
    report = attachment.report
    _require_report_writer(by, report.award)
    award = _locked_award(report.award)
    locked = _locked_report(award)
    check_report_editable(locked)
    found = ReportAttachment.objects.filter(pk=attachment.pk, report=locked).first()
    if found is None:
        raise NotFound()
    name, storage = found.file.name, found.file.storage
    log_action(
        actor=by,
        action="followup.report_attachment_removed",
        obj=locked,
        data={"name": found.original_name, "sha256": found.sha256},
    )
    found.delete()
    delete_after_commit(storage, name)


@transaction.atomic
def report_submit(*, award: Award, by: Any) -> FinalReport:
    """Hand the report in: complete, and once the agreement is signed; staff are told."""
    _require_report_writer(by, award)
    award = _locked_award(award)
    report = _locked_report(award)
    check_report_editable(report)
    check_report_submittable(award)
    errors: dict[str, str] = {}
    missing = _("Cette rubrique est à remplir avant de remettre le rapport.")
    for field in ("achievements", "beneficiaries_reached", "spending"):
        if report is None or not getattr(report, field):
            errors[field] = missing
    if report is None or report.amount_spent is None:
        errors["amount_spent"] = _("Indiquez le montant des dépenses réalisées.")
    if errors:
        raise InvalidInput(errors=errors)
    assert report is not None
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = clock.now()
    report.save()
    log_action(
        actor=by,
        action="followup.report_submitted",
        obj=report,
        data={"award": award.pk, "attachments": report.attachments.count()},
    )
    send_after_commit(
        to=_staff_email(),
        template="followup_report_submitted",
        context={"report": report, "award": award, "decision": award.decision},
    )
    return report


def _locked_submitted(report: FinalReport, verb: str) -> tuple[Award, FinalReport]:
    award = _locked_award(report.award)
    locked = _locked_report(award)
    if locked is None or locked.status != ReportStatus.SUBMITTED:
        raise Conflict(_("Seul un rapport remis peut être %(verb)s.") % {"verb": verb})
    return award, locked


@transaction.atomic
def report_accept(*, report: FinalReport, by: Any, comment: str = "") -> FinalReport:
    """Accept the report: the instalments paid "sur rapport final" may now be paid."""
    _require_staff(by)
    award, report = _locked_submitted(report, _("accepté"))
    comment = _text(comment)
    errors: dict[str, str] = {}
    _long(errors, "comment", comment, MAX_REASON)
    if errors:
        raise InvalidInput(errors=errors)
    report.status = ReportStatus.ACCEPTED
    report.reviewed_by, report.reviewed_at = by, clock.now()
    report.review_comment = comment
    report.save()
    log_action(
        actor=by,
        action="followup.report_accepted",
        obj=report,
        data={"award": award.pk, "comment": comment},
    )
    send_after_commit(
        to=_holder_email(award),
        template="followup_report_accepted",
        context={"report": report, "award": award, "decision": award.decision},
    )
    return report


@transaction.atomic
def report_return(*, report: FinalReport, comment: str, by: Any) -> FinalReport:
    """Return the report to its holder with what to complete."""
    _require_staff(by)
    award, report = _locked_submitted(report, _("renvoyé"))
    comment = _text(comment)
    errors: dict[str, str] = {}
    if not comment:
        errors["comment"] = _("Indiquez au porteur ce qu'il doit compléter.")
    _long(errors, "comment", comment, MAX_REASON)
    if errors:
        raise InvalidInput(errors=errors)
    report.status = ReportStatus.RETURNED
    report.reviewed_by, report.reviewed_at = by, clock.now()
    report.review_comment = comment
    report.save()
    log_action(
        actor=by,
        action="followup.report_returned",
        obj=report,
        data={"award": award.pk, "comment": comment},
    )
    send_after_commit(
        to=_holder_email(award),
        template="followup_report_returned",
        context={"report": report, "award": award, "decision": award.decision},
    )
    return report
