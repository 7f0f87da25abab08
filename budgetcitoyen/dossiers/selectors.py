"""Reads on dossiers: a holder's list, where each dossier stands, staff lists and figures."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import clock
from budgetcitoyen.core.models import AuditEntry
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_ended, has_started

Status = Dossier.Status


@dataclass(frozen=True)
class Stage:
    code: str
    label: Any
    explanation: Any


# Where a dossier stands along the process, as its holder reads it.
STAGES: dict[str, Stage] = {
    stage.code: stage
    for stage in (
        Stage(
            "draft",
            _("Brouillon"),
            _(
                "Vous préparez ce dossier : il est enregistré mais pas encore déposé. "
                "Personne d'autre que vous ne le voit."
            ),
        ),
        Stage(
            "draft_closed",
            _("Brouillon non déposé"),
            _(
                "Le dépôt des dossiers est clos et ce brouillon n'a pas été déposé : "
                "il ne sera pas examiné."
            ),
        ),
        Stage(
            "submitted",
            _("Déposé"),
            _(
                "Votre dossier est déposé et ne peut plus être modifié. "
                "Il sera examiné par le comité de labellisation."
            ),
        ),
        Stage(
            "withdrawn",
            _("Retiré"),
            _("Vous avez retiré ce dossier : il ne sera ni examiné ni soumis au vote."),
        ),
        Stage(
            "under_review",
            _("En cours d'examen"),
            _(
                "Le comité de labellisation (services du Département et partenaires du CDESS) "
                "examine votre dossier. Vous serez informé de sa décision par courriel."
            ),
        ),
        Stage(
            "labelled",
            _("Labellisé"),
            _(
                "Votre projet a obtenu le label : il sera publié et soumis au vote des habitants "
                "à l'ouverture du vote."
            ),
        ),
        Stage(
            "not_labelled",
            _("Non labellisé"),
            _(
                "Le comité n'a pas labellisé votre projet ; le motif vous a été envoyé par courriel. "
                "Il ne sera pas soumis au vote."
            ),
        ),
        Stage(
            "in_vote",
            _("Soumis au vote"),
            _("Votre projet est publié : les habitants peuvent voter pour lui."),
        ),
        Stage(
            "winner",
            _("Lauréat"),
            _("Votre projet fait partie des projets financés par le Budget citoyen."),
        ),
    )
}


def stage_of(dossier: Dossier) -> Stage:
    """Where ``dossier`` stands today: its status read against the edition's calendar."""
    now = clock.now()
    edition = dossier.edition
    if dossier.status == Status.DRAFT:
        return STAGES["draft_closed" if has_ended(edition, Step.DEPOSIT, now) else "draft"]
    if dossier.status == Status.WITHDRAWN:
        return STAGES["withdrawn"]
    if dossier.status == Status.SUBMITTED:
        return STAGES["under_review" if has_started(edition, Step.LABELLING, now) else "submitted"]
    if dossier.status == Status.NOT_LABELLED:
        return STAGES["not_labelled"]
    if is_winner(dossier):
        return STAGES["winner"]
    return STAGES["in_vote" if has_started(edition, Step.VOTE, now) else "labelled"]


def with_winner(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """Annotate ``is_winner``: the dossier's project is funded by a published result."""
    return dossiers.annotate(
        is_winner=ExpressionWrapper(Q(decision__award__isnull=False), output_field=BooleanField())
    )


def is_winner(dossier: Dossier) -> bool:
    if hasattr(dossier, "is_winner"):
        return bool(dossier.is_winner)
    return Dossier.objects.filter(pk=dossier.pk, decision__award__isnull=False).exists()


def holder_dossiers(person: Any) -> QuerySet[Dossier]:
    return (
        with_winner(Dossier.objects.filter(holder=person))
        .select_related("edition", "registration__comptoir", "wished_category")
        .order_by("-edition__year", "-created_at")
    )


@dataclass
class StaffFilters:
    edition: Edition | None = None
    territory: str = ""
    category: str = ""
    status: str = ""
    structure_kind: str = ""
    query: str = ""


def _filtered(filters: StaffFilters) -> QuerySet[Dossier]:
    qs = Dossier.objects.all()
    if filters.edition is not None:
        qs = qs.filter(edition=filters.edition)
    if filters.territory:
        qs = qs.filter(territory__slug=filters.territory)
    if filters.category:
        qs = qs.filter(wished_category_id=int(filters.category))
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.structure_kind:
        qs = qs.filter(structure_kind=filters.structure_kind)
    if filters.query:
        q = filters.query.strip()
        qs = qs.filter(
            Q(reference__iexact=q)
            | Q(title__icontains=q)
            | Q(structure_name__icontains=q)
            | Q(holder__email__icontains=q)
        )
    return qs


def staff_dossiers(filters: StaffFilters) -> QuerySet[Dossier]:
    """Dossiers for the Mission ESS: every status, drafts included (to help their holders)."""
    return (
        _filtered(filters)
        .select_related(
            "edition", "holder", "territory", "wished_category", "registration__comptoir"
        )
        .annotate(attachment_count=Count("attachments"))
        .order_by("number", "-created_at")
    )


def status_counts(filters: StaffFilters) -> dict[str, int]:
    """How many dossiers of each status match ``filters`` (its own status filter ignored)."""
    rows = (
        _filtered(replace(filters, status="")).order_by().values("status").annotate(n=Count("pk"))
    )
    counts = {status: 0 for status in Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def history(dossier: Dossier) -> QuerySet[AuditEntry]:
    from django.contrib.contenttypes.models import ContentType

    return (
        AuditEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Dossier), object_id=str(dossier.pk)
        )
        .select_related("actor")  # the page names who acted
        .order_by("created_at", "pk")
    )
