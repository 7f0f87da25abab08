"""Every rule of the labelling: grid, assignments, conflicts, reviews, decisions, notices.

Concurrency: writes on a dossier's review or decision lock the dossier row first
(``select_for_update``), then re-check its status; a decision and the holder's withdrawal
therefore never cross. Notices are claimed one by one with a conditional UPDATE, so a
holder is never emailed twice for the same decision, whoever runs the job and how often.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.core import clock, pagecache
from budgetcitoyen.core.audit import changes, log_action
from budgetcitoyen.core.errors import (
    AlreadyDone,
    Conflict,
    Frozen,
    InvalidInput,
    NotFound,
    PermissionRefused,
    PhaseClosed,
)
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.rules import SUMMARY_MAX_LENGTH, format_euros
from budgetcitoyen.dossiers.services import lock_dossier
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.editions.phases import Step, has_started, phase_open, q_ended, q_not_ended
from budgetcitoyen.labelling import permissions
from budgetcitoyen.labelling.models import (
    DEFAULT_CRITERIA,
    Assignment,
    ConflictOfInterest,
    Criterion,
    Decision,
    Opinion,
    Outcome,
    Review,
)
from budgetcitoyen.labelling.permissions import has_conflict, is_assigned, is_member

Status = Dossier.Status
REVIEWABLE = (Status.SUBMITTED,)
DECIDABLE = (Status.SUBMITTED, Status.LABELLED, Status.NOT_LABELLED)


# --- Who is who ----------------------------------------------------------------------------


def _require_staff(by: Any) -> None:
    require(
        permissions.can_manage_labelling(by), _("Seule l'équipe de la Mission ESS peut faire cela.")
    )


def _own_stake(member: Any, dossier: Dossier) -> str | None:
    """Why ``member`` may not review ``dossier`` whatever they declare, or None."""
    if dossier.holder_id == member.pk:
        return _("%(who)s porte ce dossier.") % {"who": member.display_name}
    if dossier.contact_email and dossier.contact_email.lower() == member.email.lower():
        return _("%(who)s est la personne à contacter de la structure porteuse.") % {
            "who": member.display_name
        }
    return None


# --- The review grid -----------------------------------------------------------------------


@transaction.atomic
def criteria_for(edition: Edition) -> list[Criterion]:
    """The edition's grid; the default grid (five criteria scored 0–3) is created on first use."""
    existing = list(Criterion.objects.filter(edition=edition).order_by("position", "pk"))
    if existing:
        return existing
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    existing = list(Criterion.objects.filter(edition=edition).order_by("position", "pk"))
    if existing:
        return existing
    created = Criterion.objects.bulk_create(
        Criterion(edition=edition, name=name, description=description, position=index)
        for index, (name, description) in enumerate(DEFAULT_CRITERIA, start=1)
    )
    log_action(
        actor=None,
        action="labelling.default_criteria_created",
        obj=edition,
        data={"criteria": [c.name for c in created]},
    )
    return list(Criterion.objects.filter(edition=edition).order_by("position", "pk"))


# --- Assignments ---------------------------------------------------------------------------


def assignment_problem(dossier: Dossier, member: Any) -> str | None:
    """Why ``member`` cannot be assigned ``dossier``, or None."""
    if not is_member(member):
        return _("%(who)s n'est pas membre du comité de labellisation.") % {
            "who": member.display_name
        }
    if dossier.status not in REVIEWABLE:
        return _("Le dossier %(ref)s n'est pas à examiner (%(status)s).") % {
            "ref": dossier.reference or "—",
            "status": dossier.get_status_display(),
        }
    if stake := _own_stake(member, dossier):
        return stake
    if has_conflict(member, dossier):
        return _("%(who)s a déclaré un conflit d'intérêts sur ce dossier.") % {
            "who": member.display_name
        }
    return None


@transaction.atomic
def assignment_add(*, dossier: Dossier, member: Any, by: Any) -> Assignment:
    _require_staff(by)
    dossier = lock_dossier(dossier)
    if problem := assignment_problem(dossier, member):
        raise Conflict(problem)
    existing = Assignment.objects.filter(dossier=dossier, member=member).first()
    if existing is not None:
        raise AlreadyDone(_("Ce dossier est déjà confié à ce membre."))
    assignment = Assignment.objects.create(dossier=dossier, member=member, assigned_by=by)
    log_action(
        actor=by,
        action="labelling.assigned",
        obj=dossier,
        data={"member": member.pk, "reference": dossier.reference},
    )
    return assignment


@transaction.atomic
def assignment_remove(*, dossier: Dossier, member: Any, by: Any) -> None:
    _require_staff(by)
    dossier = lock_dossier(dossier)
    deleted, _detail = Assignment.objects.filter(dossier=dossier, member=member).delete()
    if not deleted:
        raise NotFound(_("Ce dossier n'est pas confié à ce membre."))
    log_action(actor=by, action="labelling.unassigned", obj=dossier, data={"member": member.pk})


@transaction.atomic
def assign_bulk(
    *, dossiers: Iterable[Dossier], members: Sequence[Any], by: Any
) -> tuple[int, list[str]]:
    """Give every dossier to every member; returns (assignments made, reasons of those skipped)."""
    _require_staff(by)
    made, skipped = 0, []
    for dossier in dossiers:
        locked = lock_dossier(dossier)
        for member in members:
            if Assignment.objects.filter(dossier=locked, member=member).exists():
                continue
            if problem := assignment_problem(locked, member):
                skipped.append(f"{locked.reference} : {problem}")
                continue
            Assignment.objects.create(dossier=locked, member=member, assigned_by=by)
            log_action(
                actor=by,
                action="labelling.assigned",
                obj=locked,
                data={"member": member.pk, "reference": locked.reference, "bulk": True},
            )
            made += 1
    return made, skipped


@transaction.atomic
def assign_balanced(
    *, edition: Edition, members: Sequence[Any], per_dossier: int, by: Any
) -> tuple[int, list[str]]:
    """Give each submitted dossier ``per_dossier`` reviewers, always to the least loaded
    eligible members (ties: the member created first). Existing assignments count."""
    _require_staff(by)
    if per_dossier < 1:
        raise InvalidInput(errors={"per_dossier": _("Au moins un membre par dossier.")})
    if not members:
        raise InvalidInput(errors={"members": _("Choisissez au moins un membre du comité.")})
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    load = dict(
        Assignment.objects.filter(dossier__edition=edition, member__in=members)
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    )
    made, skipped = 0, []
    dossiers = Dossier.objects.filter(edition=edition, status__in=REVIEWABLE).order_by("number")
    for dossier in dossiers:
        current = set(Assignment.objects.filter(dossier=dossier).values_list("member", flat=True))
        missing = per_dossier - len(current)
        candidates = sorted(
            (m for m in members if m.pk not in current), key=lambda m: (load.get(m.pk, 0), m.pk)
        )
        for member in candidates:
            if missing <= 0:
                break
            if assignment_problem(dossier, member):
                continue
            Assignment.objects.create(dossier=dossier, member=member, assigned_by=by)
            log_action(
                actor=by,
                action="labelling.assigned",
                obj=dossier,
                data={"member": member.pk, "reference": dossier.reference, "balanced": True},
            )
            load[member.pk] = load.get(member.pk, 0) + 1
            missing -= 1
            made += 1
        if missing > 0:
            skipped.append(
                ngettext(
                    "%(ref)s : pas assez de membres disponibles (%(missing)d manquant).",
                    "%(ref)s : pas assez de membres disponibles (%(missing)d manquants).",
                    missing,
                )
                % {"ref": dossier.reference, "missing": missing}
            )
    return made, skipped


# --- Conflicts of interest -----------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, dossier: Dossier, member: Any, reason: str, by: Any) -> ConflictOfInterest:
    """A member (or staff on their behalf) declares a conflict: the member leaves the dossier
    and their opinion, if any, is hidden from everyone."""
    if by.pk != member.pk:
        _require_staff(by)
    elif not is_member(member):
        raise PermissionRefused()
    dossier = lock_dossier(dossier)
    if has_conflict(member, dossier):
        raise AlreadyDone(_("Ce conflit d'intérêts est déjà déclaré."))
    conflict = ConflictOfInterest.objects.create(
        dossier=dossier, member=member, reason=reason.strip()[:300]
    )
    removed, _detail = Assignment.objects.filter(dossier=dossier, member=member).delete()
    hidden = Review.objects.filter(dossier=dossier, member=member).update(hidden_for_conflict=True)
    log_action(
        actor=by,
        action="labelling.conflict_declared",
        obj=dossier,
        data={
            "member": member.pk,
            "reason": conflict.reason,
            "assignment_removed": bool(removed),
            "review_hidden": bool(hidden),
        },
    )
    return conflict


# --- Reviews -------------------------------------------------------------------------------


def _check_scores(
    edition: Edition, scores: dict[str, Any]
) -> tuple[dict[str, int], dict[str, str]]:
    grid = criteria_for(edition)
    scores = {str(key): value for key, value in scores.items()}
    clean: dict[str, int] = {}
    errors: dict[str, str] = {}
    known = {str(c.pk) for c in grid}
    for key in scores:
        if str(key) not in known:
            errors["scores"] = _("Critère inconnu pour cette édition.")
    for criterion in grid:
        raw = scores.get(str(criterion.pk))
        if raw in (None, ""):
            errors[f"score_{criterion.pk}"] = _("Notez « %(name)s ».") % {"name": criterion.name}
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= criterion.max_score:
            errors[f"score_{criterion.pk}"] = _("« %(name)s » se note de 0 à %(max)d.") % {
                "name": criterion.name,
                "max": criterion.max_score,
            }
            continue
        clean[str(criterion.pk)] = value
    return clean, errors


@transaction.atomic
def review_save(
    *,
    dossier: Dossier,
    member: Any,
    opinion: str,
    proposed_category: Category | None,
    scores: dict[str, Any],
    comment: str = "",
) -> Review:
    """Record or change a member's opinion, until the decision is taken."""
    dossier = lock_dossier(dossier)
    if not is_member(member) or not is_assigned(member, dossier) or has_conflict(member, dossier):
        raise NotFound()
    if Decision.objects.filter(dossier=dossier).exists():
        raise Frozen(_("La décision sur ce dossier est rendue : les avis ne peuvent plus changer."))
    if dossier.status not in REVIEWABLE:
        raise Conflict(
            _("Ce dossier n'est plus à examiner (%(status)s).")
            % {"status": dossier.get_status_display()}
        )
    errors: dict[str, str] = {}
    if opinion not in Opinion.values:
        errors["opinion"] = _("Choisissez un avis : favorable, réservé ou défavorable.")
    if proposed_category is not None and proposed_category.edition_id != dossier.edition_id:
        errors["proposed_category"] = _("Choisissez une catégorie de l'édition.")
    clean_scores, score_errors = _check_scores(dossier.edition, scores)
    errors.update(score_errors)
    if errors:
        raise InvalidInput(errors=errors)
    review = Review.objects.filter(dossier=dossier, member=member).first()
    before = (
        {
            "opinion": review.opinion,
            "category": review.proposed_category_id,
            "scores": review.scores,
        }
        if review
        else {}
    )
    if review is None:
        review = Review(dossier=dossier, member=member)
    review.opinion = opinion
    review.proposed_category = proposed_category
    review.scores = clean_scores
    review.comment = comment.strip()
    review.save()
    after = {
        "opinion": opinion,
        "category": getattr(proposed_category, "pk", None),
        "scores": clean_scores,
    }
    log_action(
        actor=member,
        action="labelling.review_updated" if before else "labelling.review_created",
        obj=dossier,
        data={"changes": changes(before, after), "comment_changed": True} if before else after,
    )
    return review


# --- Decisions -----------------------------------------------------------------------------


def check_decision_window(edition: Edition, override_reason: str) -> None:
    """Decisions are taken during the labelling period; outside it only with a written reason,
    and never once the vote has opened."""
    now = clock.now()
    if has_started(edition, Step.VOTE, now):
        raise Frozen(_("Le vote est ouvert : les décisions de labellisation sont définitives."))
    in_period = phase_open(edition, Step.LABELLING, now)
    if not in_period and not override_reason.strip():
        raise PhaseClosed(
            _(
                "Nous sommes en dehors de la période de labellisation : indiquez le motif de cette décision hors période."
            )
        )


@transaction.atomic
def decide(
    *,
    dossier: Dossier,
    by: Any,
    outcome: str,
    category: Category | None = None,
    labelled_amount: Decimal | None = None,
    public_title: str = "",
    public_summary: str = "",
    public_description: str = "",
    reason: str = "",
    override_reason: str = "",
) -> Decision:
    """Label a dossier (final category, amount, public texts) or refuse the label (with a
    reason for its holder). A second call revises the decision, until the vote opens."""
    _require_staff(by)
    dossier = lock_dossier(dossier)
    if dossier.status not in DECIDABLE:
        raise Conflict(
            _("Ce dossier ne peut pas recevoir de décision (%(status)s).")
            % {"status": dossier.get_status_display()}
        )
    edition = dossier.edition
    check_decision_window(edition, override_reason)
    errors: dict[str, str] = {}
    public_title, public_summary = public_title.strip(), public_summary.strip()
    public_description = public_description.strip()
    if outcome == Outcome.LABELLED:
        if category is None or category.edition_id != edition.id:
            errors["category"] = _("Choisissez la catégorie retenue, parmi celles de l'édition.")
        if labelled_amount is None or labelled_amount <= 0:
            errors["labelled_amount"] = _("Indiquez le montant labellisé.")
        else:
            if dossier.amount_requested is not None and labelled_amount > dossier.amount_requested:
                errors["labelled_amount"] = _(
                    "Le montant labellisé ne peut dépasser le montant demandé (%(amount)s €)."
                ) % {"amount": format_euros(dossier.amount_requested)}
            elif category is not None and labelled_amount > category.max_amount_per_project:
                errors["labelled_amount"] = _(
                    "Le montant labellisé ne peut dépasser le plafond de la catégorie (%(amount)s €)."
                ) % {"amount": format_euros(category.max_amount_per_project)}
        if not public_title:
            errors["public_title"] = _("Le titre public est obligatoire.")
        if len(public_summary) > SUMMARY_MAX_LENGTH:
            errors["public_summary"] = _("Le résumé public ne doit pas dépasser 500 caractères.")
        reason = reason.strip()
    elif outcome == Outcome.NOT_LABELLED:
        reason = reason.strip()
        if not reason:
            errors["reason"] = _(
                "Écrivez le motif adressé au porteur : il le recevra par courriel."
            )
        category, labelled_amount = None, None
        public_title = public_summary = public_description = ""
    else:
        errors["outcome"] = _("Choisissez : labellisé ou non labellisé.")
    if errors:
        raise InvalidInput(errors=errors)

    decision = Decision.objects.filter(dossier=dossier).first()
    before = _decision_data(decision) if decision else {}
    now = clock.now()
    if decision is None:
        decision = Decision(dossier=dossier, edition=edition, decided_at=now)
    else:
        decision.revision += 1
        decision.decided_at = now
    decision.outcome = outcome
    decision.category = category
    decision.labelled_amount = labelled_amount
    decision.public_title = public_title
    decision.public_summary = public_summary
    decision.public_description = public_description
    decision.reason = reason
    decision.decided_by = by
    decision.override_reason = override_reason.strip()
    decision.save()
    dossier.status = Status.LABELLED if outcome == Outcome.LABELLED else Status.NOT_LABELLED
    dossier.save(update_fields=["status", "updated_at"])
    data: dict[str, Any] = {"reference": dossier.reference, **_decision_data(decision)}
    if before:
        data = {
            "reference": dossier.reference,
            "revision": decision.revision,
            "changes": changes(before, _decision_data(decision)),
        }
    corrections = _corrections(dossier, decision)
    if corrections:
        data["public_text_corrections"] = corrections
    if decision.override_reason:
        data["outside_labelling_period"] = decision.override_reason
    pagecache.invalidate()
    log_action(
        actor=by,
        action="labelling.decision_revised" if before else "labelling.decided",
        obj=dossier,
        data=data,
    )
    if before and decision.notified_at is not None:
        _send_notice(decision, revised=True)
    return decision


def _decision_data(decision: Decision) -> dict[str, Any]:
    return {
        "outcome": decision.outcome,
        "category": decision.category.name if decision.category else None,
        "labelled_amount": decision.labelled_amount,
        "public_title": decision.public_title,
        "public_summary": decision.public_summary,
        "public_description": decision.public_description,
        "reason": decision.reason,
    }


def _corrections(dossier: Dossier, decision: Decision) -> dict[str, list[str]]:
    """Public texts that differ from what the holder submitted (the originals stay in the dossier)."""
    if not decision.is_labelled:
        return {}
    pairs = {
        "title": (dossier.title, decision.public_title),
        "summary": (dossier.summary, decision.public_summary),
        "description": (dossier.description, decision.public_description),
    }
    return {field: [old, new] for field, (old, new) in pairs.items() if old != new}


def public_text_corrections(decision: Decision) -> dict[str, list[str]]:
    return _corrections(decision.dossier, decision)


# --- Notices to holders --------------------------------------------------------------------


def _send_notice(decision: Decision, *, revised: bool = False) -> None:
    dossier = decision.dossier
    template = "decision_labelled" if decision.is_labelled else "decision_not_labelled"
    send_after_commit(
        to=[dossier.holder.email],
        template=template,
        context={
            "decision": decision,
            "dossier": dossier,
            "edition": decision.edition,
            "revised": revised,
        },
    )


def notify_holders(*, edition: Edition, by: Any | None) -> int:
    """Email every holder whose dossier is decided and not yet told. Idempotent: each
    notice is claimed with a conditional UPDATE before it is sent. Returns the number sent."""
    if by is not None:
        _require_staff(by)
    sent = 0
    due = Decision.objects.filter(edition=edition, notified_at__isnull=True).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            claimed = Decision.objects.filter(pk=pk, notified_at__isnull=True).update(
                notified_at=clock.now()
            )
            if claimed != 1:
                continue
            decision = Decision.objects.select_related(
                "dossier__holder", "category", "edition"
            ).get(pk=pk)
            log_action(
                actor=by,
                action="labelling.holder_notified",
                obj=decision.dossier,
                data={"outcome": decision.outcome, "revision": decision.revision},
            )
            _send_notice(decision)
            sent += 1
    return sent


def send_due_notifications() -> int:
    """For the scheduled job: notify the holders of every edition whose labelling has ended."""
    now = clock.now()
    total = 0
    for edition in Edition.objects.filter(
        q_ended(Step.LABELLING, now), q_not_ended(Step.VOTE, now)
    ):
        total += notify_holders(edition=edition, by=None)
    return total


# --- Publication ---------------------------------------------------------------------------


def committee_members() -> QuerySet[Any]:
    """Active accounts holding the committee role, by name."""
    from budgetcitoyen.accounts.roles import ROLES, Role

    return (
        get_user_model()
        .objects.filter(groups__name=ROLES[Role.COMMITTEE].group_name, is_active=True)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
