"""The public data the API serves, as plain data, read through the apps' own public readers.

Nothing here decides what is public: editions come from ``editions.selectors.edition_for``
(published only), projects from the catalogue's selector with ``labelling.permissions
.projects_are_public`` (from the opening minute of the vote), each project's votes from
``labelling.selectors.published_outcomes`` (only once the result is published), results from
``results.selectors.published_results`` and statistics from ``stats.selectors
.public_statistics`` (masked). What is added is the choice of fields: only those the public
pages print, never a person's name, an email, a registration or a draft.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from budgetcitoyen.api.http import isoformat
from budgetcitoyen.ballots import rules as ballot_rules
from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core import clock
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import (
    edition_for,
    edition_with_categories,
    published_editions,
    vote_rule_text,
)
from budgetcitoyen.followup.selectors import public as followup
from budgetcitoyen.labelling import selectors as catalogue
from budgetcitoyen.labelling.models import Decision, Outcome
from budgetcitoyen.labelling.permissions import is_public, projects_are_public
from budgetcitoyen.results import presentation
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.selectors import published_results
from budgetcitoyen.results.trace import line_text
from budgetcitoyen.stats.figures import figures
from budgetcitoyen.stats.selectors import public_statistics
from budgetcitoyen.tally import registry
from budgetcitoyen.territories.models import Commune, PostalCode, Territory


def amount(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))


def edition(year: object) -> Edition | None:
    """A published edition, by year (anything but a plausible year is None)."""
    return edition_for(None, year)


def _result(edition: Edition) -> ResultSnapshot | None:
    return published_results().filter(edition=edition).first()


def _territory(territory: Territory | None) -> dict[str, str] | None:
    return None if territory is None else {"slug": territory.slug, "name": territory.name}


# --- Editions ------------------------------------------------------------------------------------


def editions() -> QuerySet[Edition]:
    return edition_with_categories(published_editions())


def edition_summary(edition: Edition, published_years: set[int]) -> dict[str, Any]:
    phase = phases.current_phase(edition, clock.now())
    return {
        "year": edition.year,
        "title": edition.title,
        "phase": str(phase),
        "phase_label": phase.label,
        "is_demo": edition.is_demo,
        "results_published": edition.year in published_years,
        "url": reverse("api:edition", args=[edition.year]),
    }


def published_years() -> set[int]:
    return set(published_results().values_list("edition__year", flat=True))


def edition_detail(edition: Edition) -> dict[str, Any]:
    categories = sorted(edition.categories.all(), key=lambda c: c.priority)
    rule = registry.find(edition.allocation_rule)
    points = ballot_rules.rule_class(edition.vote_rule).uses_points
    years = published_years()
    links = {
        "projects": reverse("api:projects") + f"?edition={edition.year}",
        "comptoirs": reverse("api:comptoirs") + f"?edition={edition.year}",
        "page": reverse("home"),
    }
    if edition.year in years:
        links["results"] = reverse("api:results", args=[edition.year])
        links["statistics"] = reverse("api:statistics", args=[edition.year])
    return {
        **edition_summary(edition, years),
        "introduction": edition.introduction,
        "calendar": [
            {
                "step": str(spec.step),
                "label": str(spec.label),
                "start": isoformat(phases.start(edition, spec.step)),
                "end": isoformat(phases.window(edition, spec.step)[1]),
            }
            for spec in phases.STEPS
        ],
        "categories": [
            {
                "id": c.pk,
                "name": c.name,
                "description": c.description,
                "envelope": amount(c.envelope),
                "max_amount_per_project": amount(c.max_amount_per_project),
                "priority": c.priority,
            }
            for c in categories
        ],
        "total_envelope": amount(sum((c.envelope for c in categories), Decimal(0))),
        "vote_rule": {
            "code": edition.vote_rule,
            "text": vote_rule_text(edition),
            "min_choices": edition.vote_min_choices,
            "max_choices": edition.vote_max_choices,
            "minimum_voter_age": edition.minimum_voter_age,
        },
        "allocation_rule": {
            "code": rule.name if rule else edition.allocation_rule,
            "label": _(rule.label) if rule else edition.allocation_rule,
            "description": presentation.rule_sentence(
                edition.allocation_rule, edition.allocation_threshold, points
            ),
            "threshold": edition.allocation_threshold,
        },
        "links": links,
    }


# --- Territories and communes --------------------------------------------------------------------


def territories() -> list[dict[str, Any]]:
    rows = Territory.objects.annotate(
        total=Sum("communes__population"), communes_count=Count("communes")
    ).order_by("name")
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "population": t.total or 0,
            "commune_count": t.communes_count,
        }
        for t in rows
    ]


def communes(*, territory: str = "") -> QuerySet[Commune]:
    qs = (
        Commune.objects.select_related("territory", "epci")
        .prefetch_related(Prefetch("postal_codes", queryset=PostalCode.objects.order_by("code")))
        .order_by("insee_code")
    )
    if territory:
        qs = qs.filter(territory__slug=territory)
    return qs


def commune_row(commune: Commune) -> dict[str, Any]:
    return {
        "insee_code": commune.insee_code,
        "name": commune.name,
        "population": commune.population,
        "territory": _territory(commune.territory),
        "epci": commune.epci.name if commune.epci else None,
        "postal_codes": [p.code for p in commune.postal_codes.all()],
    }


# --- Comptoirs -----------------------------------------------------------------------------------


def comptoirs(*, year: int | None = None, territory: str = "") -> QuerySet[Comptoir]:
    """Comptoirs of published editions (cancelled ones included, as the agenda shows them).
    The registrations are never read: not even their number."""
    qs = (
        Comptoir.objects.filter(edition__is_published=True)
        .select_related("edition", "commune", "territory")
        .order_by("starts_at", "pk")
    )
    if year is not None:
        qs = qs.filter(edition__year=year)
    if territory:
        qs = qs.filter(territory__slug=territory)
    return qs


def comptoir_row(comptoir: Comptoir) -> dict[str, Any]:
    return {
        "id": comptoir.pk,
        "edition": comptoir.edition.year,
        "host_name": comptoir.host_name,
        "address": comptoir.address,
        "commune": {"insee_code": comptoir.commune.insee_code, "name": comptoir.commune.name},
        "territory": _territory(comptoir.territory),
        "access_information": comptoir.access_information,
        "starts_at": isoformat(comptoir.starts_at),
        "ends_at": isoformat(comptoir.ends_at),
        "capacity": comptoir.capacity,
        "registration_closes_at": isoformat(comptoir.registration_closes_at),
        "is_cancelled": comptoir.is_cancelled,
        "cancellation_reason": comptoir.cancellation_reason if comptoir.is_cancelled else "",
        "url": reverse("comptoirs:detail", args=[comptoir.pk]),
    }


# --- Projects ------------------------------------------------------------------------------------


def public_projects(
    *, year: int | None = None, category: str = "", territory: str = ""
) -> tuple[list[Decision], dict[int, catalogue.ProjectResult]]:
    """The labelled projects of the editions whose projects are public (one edition, or all),
    in the result's order once it is published, else by title; and their outcomes (empty
    before the results)."""
    chosen = editions()
    if year is not None:
        chosen = chosen.filter(year=year)
    found: list[Decision] = []
    outcomes: dict[int, catalogue.ProjectResult] = {}
    for edition in chosen:
        if not projects_are_public(edition):
            continue
        published = catalogue.published_outcomes(edition)
        order = "resultat" if published is not None else "titre"
        filters = catalogue.CatalogueFilters(category=category, territory=territory, order=order)
        found += catalogue.catalogue(edition, filters, "", published)
        outcomes.update(published or {})
    return found, outcomes


def project(pk: int) -> Decision | None:
    decision = (
        Decision.objects.select_related("edition", "category", "dossier__territory")
        .filter(pk=pk, outcome=Outcome.LABELLED)
        .first()
    )
    if decision is None or not is_public(decision):
        return None
    return decision


def project_row(decision: Decision, outcomes: dict[int, catalogue.ProjectResult]) -> dict[str, Any]:
    result = outcomes.get(decision.pk)
    return {
        "id": decision.pk,
        "edition": decision.edition.year,
        "title": decision.public_title,
        "summary": decision.public_summary,
        "category": {"id": decision.category.pk, "name": decision.category.name}
        if decision.category
        else None,
        "territory": _territory(decision.dossier.territory),
        "amount": amount(decision.labelled_amount),
        "carrier": decision.dossier.structure_name,
        "result": None
        if result is None
        else {"funded": result.funded, "votes": result.votes, "position": result.position},
        "url": reverse("labelling:project", args=[decision.pk]),
    }


def project_detail(decision: Decision) -> dict[str, Any]:
    outcomes = catalogue.published_outcomes(decision.edition) or {}
    return {
        **project_row(decision, outcomes),
        "description": decision.public_description,
        "communes": [
            {"insee_code": c.insee_code, "name": c.name}
            for c in decision.dossier.communes.order_by("name")
        ],
    }


# --- Results and statistics ----------------------------------------------------------------------


def results(edition: Edition) -> dict[str, Any] | None:
    """The published result of ``edition`` (None before), from the snapshot only."""
    snapshot = _result(edition)
    if snapshot is None:
        return None
    outcome = snapshot.outcome
    groups = presentation.project_groups(snapshot)
    names = {row["id"]: row["name"] for group in groups for row in group["projects"]}
    priority = [c.name for c in sorted(edition.categories.all(), key=lambda c: c.priority)]
    moves = outcome.get("moves", [])
    year = edition.year
    return {
        "edition": year,
        "published_at": isoformat(snapshot.published_at),
        "rule": snapshot.rule,
        "rule_sentence": presentation.rule_sentence(
            snapshot.rule, snapshot.threshold, presentation.uses_points(snapshot)
        ),
        "rule_version": str(snapshot.rule_version),
        "moves_sentence": presentation.moves_sentence(moves, priority),
        "ballots_sha256": snapshot.ballots_sha256,
        "groups": [
            {
                "name": group["name"],
                "envelope": amount(group["envelope"]),
                "spent": amount(group["spent"]),
                "received": amount(group["received"]),
                "given": amount(group["given"]),
                "funded_count": group["funded_count"],
                "projects": [
                    {
                        "id": row["id"],
                        "name": row["name"],
                        "category": row["category"],
                        "territory": row["territory"],
                        "rank": row["rank"],
                        "votes": row["votes"],
                        "votes_text": row["votes_text"],
                        "amount": amount(row["amount"]),
                        "funded": row["funded"],
                    }
                    for row in group["projects"]
                ],
            }
            for group in groups
        ],
        "moves": [
            {
                "source": m["from"],
                "target": m["to"],
                "amount": amount(presentation.decimal_amount(m["amount"])),
            }
            for m in moves
        ],
        "trace": [
            {
                "project_id": str(line["project_id"]),
                "project_name": names.get(str(line["project_id"]), str(line["project_id"])),
                "selected": bool(line.get("selected")),
                "code": str(line.get("code", "text")),
                "params": dict(line.get("params") or {"text": line.get("text", "")}),
                "text": line_text(line),
            }
            for line in outcome.get("trace", [])
        ],
        "downloads": {
            "csv": reverse("results:csv", args=[year]),
            "json": reverse("results:json", args=[year]),
            "pb": reverse("results:ballots", args=[year]),
        },
    }


def statistics(edition: Edition) -> dict[str, Any] | None:
    """The published figures of ``edition``, masked; None before its results."""
    data = public_statistics(edition)
    if data is None:
        return None
    return {
        "edition": edition.year,
        "figures": [
            {
                "key": figure.key,
                "title": str(figure.title),
                "sentence": str(figure.sentence),
                "columns": [
                    {"key": c.key, "label": str(c.label), "kind": c.kind} for c in figure.columns
                ],
                "rows": figure.rows,
                "csv": reverse("stats:csv", args=[edition.year, figure.key]),
            }
            for figure in figures(data)
        ],
        "data": data,
    }


# --- The laureates' follow-up ------------------------------------------------------------------


def laureates(
    *, year: int | None, territory: str, category: int | None, status: str
) -> list[followup.Laureate]:
    """The public laureates, as /laureats/ lists them (a value matching nothing is ignored)."""
    return followup.laureates(
        followup.LaureateFilters(
            edition=str(year or ""),
            territory=territory,
            category=str(category or ""),
            status=status,
        )
    )


def laureate_row(found: followup.Laureate) -> dict[str, Any]:
    """A laureate's public follow-up: status, progress, amounts granted and paid."""
    return {
        "id": found.decision_id,
        "edition": found.edition_year,
        "title": found.title,
        "category": found.category or None,
        "territory": found.territory or None,
        "granted": amount(found.granted),
        "paid": amount(found.paid),
        "status": found.status.code,
        "status_label": found.status.label,
        "progress": found.status.progress,
        "abandon_reason": found.status.reason or None,
        "last_news_at": isoformat(found.last_news_at) if found.last_news_at else None,
        "url": reverse("labelling:project", args=[found.decision_id]),
    }
