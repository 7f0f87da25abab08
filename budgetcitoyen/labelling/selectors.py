"""Reads of the labelling: the queue, progress, visible opinions, figures and export rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy, ngettext

from budgetcitoyen.core.inputs import parse_id
from budgetcitoyen.dossiers.models import Dossier
from budgetcitoyen.dossiers.selectors import with_winner
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling.models import (
    Assignment,
    ConflictOfInterest,
    Criterion,
    Decision,
    Outcome,
    Review,
)
from budgetcitoyen.labelling.permissions import can_manage_labelling, projects_are_public

Status = Dossier.Status
IN_WORKSPACE = (Status.SUBMITTED, Status.WITHDRAWN, Status.LABELLED, Status.NOT_LABELLED)


@dataclass
class QueueFilters:
    territory: str = ""
    category: str = ""
    status: str = ""
    mine: bool = False


def queue(edition: Edition, user: Any, filters: QueueFilters) -> QuerySet[Dossier]:
    """The dossiers a user may examine: all of the edition for staff, their own for a member."""
    mine = Assignment.objects.filter(dossier=OuterRef("pk"), member=user)
    my_review = Review.objects.filter(
        dossier=OuterRef("pk"), member=user, hidden_for_conflict=False
    )
    conflict = ConflictOfInterest.objects.filter(dossier=OuterRef("pk"), member=user)
    qs = (
        with_winner(Dossier.objects.filter(edition=edition, status__in=IN_WORKSPACE))
        .select_related("edition", "territory", "wished_category", "decision__category")
        .annotate(
            is_mine=Exists(mine),
            reviewed_by_me=Exists(my_review),
            has_conflict=Exists(conflict),
            reviewer_count=Count("assignments", distinct=True),
            review_count=Count(
                "reviews", filter=Q(reviews__hidden_for_conflict=False), distinct=True
            ),
        )
    )
    if not can_manage_labelling(user) or filters.mine:
        qs = qs.filter(is_mine=True, has_conflict=False)
    if filters.territory:
        qs = qs.filter(territory__slug=filters.territory)
    if (category := parse_id(filters.category)) is not None:
        qs = qs.filter(wished_category_id=category)
    if filters.status in Status.values:
        qs = qs.filter(status=filters.status)
    return qs.order_by("number")


def progress(edition: Edition, user: Any) -> dict[str, int]:
    """Reviewed / to review, for the person looking (their own work for a member).

    Opinions are counted over the same dossiers as the rows of the workspace (submitted or
    decided, not withdrawn), so the totals agree with the rows once decisions are made; what
    is left to review is only on dossiers still awaiting their decision.
    """
    counted = (Status.SUBMITTED, Status.LABELLED, Status.NOT_LABELLED)
    assignments = Assignment.objects.filter(dossier__edition=edition, dossier__status__in=counted)
    if not can_manage_labelling(user):
        assignments = assignments.filter(member=user)
    given = Review.objects.filter(
        dossier=OuterRef("dossier"), member=OuterRef("member"), hidden_for_conflict=False
    )
    reviewed = assignments.filter(Exists(given)).count()
    total = assignments.count()
    to_review = assignments.filter(dossier__status=Status.SUBMITTED).exclude(Exists(given)).count()
    dossiers = Dossier.objects.filter(edition=edition, status__in=IN_WORKSPACE)
    return {
        "assigned": total,
        "reviewed": reviewed,
        "to_review": to_review,
        "dossiers": dossiers.exclude(status=Status.WITHDRAWN).count(),
        "decided": dossiers.filter(status__in=[Status.LABELLED, Status.NOT_LABELLED]).count(),
        "unassigned": dossiers.filter(status=Status.SUBMITTED)
        .annotate(n=Count("assignments"))
        .filter(n=0)
        .count(),
    }


def visible_reviews(dossier: Dossier, user: Any) -> list[Review]:
    """Staff read every opinion; an assigned member reads the others' once they gave theirs;
    a member with a conflict reads none. Hidden (conflict) opinions are never shown."""
    reviews = Review.objects.filter(dossier=dossier, hidden_for_conflict=False).select_related(
        "member", "proposed_category"
    )
    if can_manage_labelling(user):
        return list(reviews.order_by("created_at"))
    if ConflictOfInterest.objects.filter(dossier=dossier, member=user).exists():
        return []
    own = reviews.filter(member=user)
    if not own.exists():
        return []
    return list(reviews.order_by("created_at"))


def criteria(edition: Edition) -> list[Criterion]:
    return list(Criterion.objects.filter(edition=edition).order_by("position", "pk"))


def averages(
    dossier: Dossier, grid: list[Criterion], reviews: list[Review] | None = None
) -> dict[int, Decimal | None]:
    """Average score per criterion over the visible opinions (None where nobody scored)."""
    if reviews is None:
        reviews = list(Review.objects.filter(dossier=dossier, hidden_for_conflict=False))
    result: dict[int, Decimal | None] = {}
    for criterion in grid:
        values = [r.scores[str(criterion.pk)] for r in reviews if str(criterion.pk) in r.scores]
        result[criterion.pk] = (
            (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01")) if values else None
        )
    return result


def figures(edition: Edition) -> dict[str, Any]:
    """Received / labelled / not labelled, in total, by territory and by category."""
    received = Dossier.objects.filter(edition=edition).exclude(status=Status.DRAFT)
    labelled = Q(status=Status.LABELLED)
    not_labelled = Q(status=Status.NOT_LABELLED)

    def counts(qs: QuerySet[Dossier], *group: str) -> Any:
        return (
            qs.values(*group)
            .annotate(
                received=Count("pk"),
                withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
                labelled=Count("pk", filter=labelled),
                not_labelled=Count("pk", filter=not_labelled),
                pending=Count("pk", filter=Q(status=Status.SUBMITTED)),
            )
            .order_by(*group)
        )

    total = received.aggregate(
        received=Count("pk"),
        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
        labelled=Count("pk", filter=labelled),
        not_labelled=Count("pk", filter=not_labelled),
        pending=Count("pk", filter=Q(status=Status.SUBMITTED)),
    )
    by_final_category = list(
        Decision.objects.filter(edition=edition, outcome=Outcome.LABELLED)
        .values("category__name", "category__priority")
        .annotate(n=Count("pk"))
        .order_by("category__priority")
    )
    return {
        "total": total,
        "by_territory": list(counts(received, "territory__name")),
        "by_wished_category": list(counts(received, "wished_category__name")),
        "by_final_category": by_final_category,
    }


def figures_sentence(total: dict[str, int]) -> str:
    """ "Sur 70 dossiers reçus, 54 ont obtenu le label." (seed 001), each number agreeing."""
    received = ngettext(
        "Sur %(n)d dossier reçu,", "Sur %(n)d dossiers reçus,", total["received"]
    ) % {"n": total["received"]}
    labelled = ngettext(
        "%(n)d a obtenu le label.", "%(n)d ont obtenu le label.", total["labelled"]
    ) % {"n": total["labelled"]}
    return f"{received} {labelled}"


def decision_rows(edition: Edition) -> tuple[list[str], list[list[Any]]]:
    """One row per dossier examined: decision, amounts, average score per criterion, opinions."""
    grid = criteria(edition)
    header = [
        "Référence",
        "Titre",
        "Porteur",
        "Structure",
        "Territoire",
        "Catégorie souhaitée",
        "Statut",
        "Catégorie retenue",
        "Montant demandé (€)",
        "Montant labellisé (€)",
        *[f"{c.name} (moyenne /{c.max_score})" for c in grid],
        "Avis favorables",
        "Avis réservés",
        "Avis défavorables",
        "Décidé le",
        "Porteur informé le",
        "Motif (non labellisé)",
    ]
    rows = []
    visible = Review.objects.filter(hidden_for_conflict=False)
    dossiers = (
        Dossier.objects.filter(edition=edition)
        .exclude(status=Status.DRAFT)
        .select_related("holder", "territory", "wished_category", "decision__category")
        .prefetch_related(Prefetch("reviews", queryset=visible, to_attr="visible_reviews"))
        .order_by("number")
    )
    for dossier in dossiers:
        decision = getattr(dossier, "decision", None)
        reviews = dossier.visible_reviews  # type: ignore[attr-defined]
        avg = averages(dossier, grid, reviews)
        rows.append(
            [
                dossier.reference,
                dossier.title,
                dossier.holder.get_full_name(),
                dossier.structure_name,
                dossier.territory.name if dossier.territory else "",
                dossier.wished_category.name if dossier.wished_category else "",
                dossier.get_status_display(),
                decision.category.name if decision and decision.category else "",
                dossier.amount_requested,
                decision.labelled_amount if decision else None,
                *[avg[c.pk] for c in grid],
                sum(1 for r in reviews if r.opinion == "favourable"),
                sum(1 for r in reviews if r.opinion == "reserved"),
                sum(1 for r in reviews if r.opinion == "unfavourable"),
                decision.decided_at if decision else None,
                decision.notified_at if decision else None,
                decision.reason if decision and not decision.is_labelled else "",
            ]
        )
    return header, rows


def edition_members_load(edition: Edition, members: list[Any]) -> dict[int, int]:
    return dict(
        Assignment.objects.filter(dossier__edition=edition, member__in=members)
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    )


# --- The public catalogue of projects ---------------------------------------------------------


@dataclass(frozen=True)
class ProjectResult:
    """A project's outcome in its edition's published result, as the catalogue shows it."""

    funded: bool
    votes: int
    votes_text: str  # "1 234 voix" or "56 points", in the reader's language
    position: int  # the result's order: 0 for the first of the ranking
    # What the project page says of it (``results.selectors.project_outcomes``).
    rank: int = 0  # in its category under a rule with envelopes, else among all projects
    category: str | None = None  # the group it is ranked in (None: all projects)
    amount: Decimal = Decimal(0)  # granted, if funded
    reason: str = ""  # the trace's deciding line, as the results page words it


ResultReader = Callable[[Edition], "dict[int, ProjectResult] | None"]
# The published result belongs to the results app, a higher layer: it registers its reader
# here when it starts (results/apps.py), so the catalogue shows each project's outcome without
# importing it. No reader, or no published result: None, and the catalogue is the vote's.
_result_readers: list[ResultReader] = []


def register_result_reader(reader: ResultReader) -> None:
    if reader not in _result_readers:
        _result_readers.append(reader)


def published_outcomes(edition: Edition) -> dict[int, ProjectResult] | None:
    """Each project's outcome (by decision id) once the edition's result is published."""
    for reader in _result_readers:
        found = reader(edition)
        if found is not None:
            return found
    return None


CATALOGUE_ORDERS = {
    "aleatoire": gettext_lazy("Ordre aléatoire"),
    "titre": gettext_lazy("Titre (de A à Z)"),
    "montant-croissant": gettext_lazy("Montant croissant"),
    "montant-decroissant": gettext_lazy("Montant décroissant"),
    "categorie": gettext_lazy("Catégorie"),
}


RESULT_ORDER = gettext_lazy("Résultat (financés d'abord, puis par voix)")


def last_public_edition_before(edition: Edition) -> Edition | None:
    """The latest earlier edition whose projects are public (the last vote's catalogue)."""
    earlier = Edition.objects.filter(is_published=True, year__lt=edition.year).order_by("-year")
    return next((e for e in earlier if projects_are_public(e)), None)


def catalogue_orders(*, with_result: bool) -> dict[str, Any]:
    """The orders a visitor may choose: once the result is out, it replaces the random one."""
    if not with_result:
        return dict(CATALOGUE_ORDERS)
    others = {code: label for code, label in CATALOGUE_ORDERS.items() if code != "aleatoire"}
    return {"resultat": RESULT_ORDER, **others}


@dataclass
class CatalogueFilters:
    category: str = ""
    territory: str = ""
    text: str = ""
    order: str = "aleatoire"


def in_random_order(filters: CatalogueFilters, outcomes: dict[int, ProjectResult] | None) -> bool:
    """The catalogue is in each visitor's random order: during the vote, unless another
    order is asked."""
    return outcomes is None and filters.order not in set(CATALOGUE_ORDERS) - {"aleatoire"}


def _shuffle_key(seed: str, pk: int) -> str:
    import hashlib

    return hashlib.sha256(f"{seed}:{pk}".encode()).hexdigest()


def shuffle_order(seed: str, pks: Sequence[int]) -> list[int]:
    """The positions of ``pks`` in the visitor's random order (the catalogue's, see below)."""
    return sorted(range(len(pks)), key=lambda i: _shuffle_key(seed, pks[i]))


def catalogue(
    edition: Edition,
    filters: CatalogueFilters,
    seed: str,
    outcomes: dict[int, ProjectResult] | None = None,
) -> list[Decision]:
    """The edition's labelled projects, filtered and ordered, in a fixed number of queries.

    During the vote the default order is random but stable for one visitor (``seed`` is kept
    in a signed cookie of theirs), so no project gains from its position on the page. Once the
    result is published (``outcomes``), the default order is the result's: funded projects
    first, then by votes; each project carries its ``result``.
    """
    from budgetcitoyen.territories.normalize import fold_name

    qs = (
        Decision.objects.filter(edition=edition, outcome=Outcome.LABELLED)
        .select_related("category", "dossier__territory")
        .defer("dossier__snapshot", "dossier__pending_input", "dossier__description")
    )
    if (category := parse_id(filters.category)) is not None:
        qs = qs.filter(category_id=category)
    if filters.territory:
        qs = qs.filter(dossier__territory__slug=filters.territory)
    projects = list(qs)
    words = fold_name(filters.text).split()
    if words:

        def haystack(d: Decision) -> str:
            territory = d.dossier.territory.name if d.dossier.territory else ""
            category = d.category.name if d.category else ""
            return fold_name(
                " ".join(
                    [d.public_title, d.public_summary, d.public_description, territory, category]
                )
            )

        projects = [d for d in projects if all(w in haystack(d) for w in words)]
    order = filters.order if filters.order in CATALOGUE_ORDERS else "aleatoire"
    if order == "titre":
        projects.sort(key=lambda d: (fold_name(d.public_title), d.pk))
    elif order == "montant-croissant":
        projects.sort(key=lambda d: (d.labelled_amount or 0, d.pk))
    elif order == "montant-decroissant":
        projects.sort(key=lambda d: (-(d.labelled_amount or 0), d.pk))
    elif order == "categorie":
        projects.sort(
            key=lambda d: (
                d.category.priority if d.category else 0,
                fold_name(d.public_title),
                d.pk,
            )
        )
    elif outcomes is not None:
        projects.sort(key=lambda d: _result_key(outcomes, d))
    else:
        projects.sort(key=lambda d: _shuffle_key(seed, d.pk))
    if outcomes is not None:
        for project in projects:
            project.result = outcomes.get(project.pk)  # type: ignore[attr-defined]
    return projects


def _result_key(outcomes: dict[int, ProjectResult], decision: Decision) -> tuple[int, int, int]:
    result = outcomes.get(decision.pk)
    if result is None:  # labelled but not in the count (cannot happen once published)
        return (2, 0, decision.pk)
    return (0 if result.funded else 1, -result.votes, result.position)
