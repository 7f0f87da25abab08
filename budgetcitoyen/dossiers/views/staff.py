"""Staff pages: every dossier received, with filters, detail with its history, CSV/XLSX exports."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render

from budgetcitoyen.core.exports import csv_response, xlsx_response
from budgetcitoyen.core.inputs import parse_id
from budgetcitoyen.dossiers import permissions, selectors
from budgetcitoyen.dossiers.models import Dossier, StructureKind
from budgetcitoyen.dossiers.presentation import dossier_context
from budgetcitoyen.dossiers.snapshot import sha256_hex
from budgetcitoyen.dossiers.views.common import visible_dossier
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.selectors import current_edition_for, edition_of_year
from budgetcitoyen.territories.selectors import territory_list

# --- Staff ---------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not permissions.can_list_dossiers(request.user):
        raise Http404


def _staff_filters(request: HttpRequest) -> tuple[selectors.StaffFilters, QuerySet[Edition]]:
    editions = Edition.objects.order_by("-year")
    year = request.GET.get("edition")
    edition = edition_of_year(year) if year else None
    if edition is None and "edition" not in request.GET:
        edition = current_edition_for(request)
    filters = selectors.StaffFilters(
        edition=edition,
        territory=request.GET.get("territoire", ""),
        category=str(parse_id(request.GET.get("categorie")) or ""),
        status=request.GET.get("statut", "")
        if request.GET.get("statut", "") in Dossier.Status.values
        else "",
        structure_kind=request.GET.get("structure", "")
        if request.GET.get("structure", "") in StructureKind.values
        else "",
        query=request.GET.get("q", "")[:100],
    )
    return filters, editions


def staff_list(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    filters, editions = _staff_filters(request)
    dossiers = selectors.staff_dossiers(filters)
    return render(
        request,
        "dossiers/staff_list.html",
        {
            "filters": filters,
            "editions": editions,
            "territories": territory_list(),
            "categories": filters.edition.categories.all() if filters.edition else [],
            "statuses": Dossier.Status.choices,
            "kinds": StructureKind.choices,
            "dossiers": list(dossiers),
            "counts": selectors.status_counts(filters),
            "query_string": request.GET.urlencode(),
        },
    )


def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = visible_dossier(request, pk)
    if permissions.is_holder(request.user, dossier) and not permissions.can_list_dossiers(
        request.user
    ):
        return redirect("dossiers:overview", pk=dossier.pk)
    context = dossier_context(dossier)
    context["history"] = (
        list(selectors.history(dossier)) if permissions.can_list_dossiers(request.user) else None
    )
    context["snapshot_ok"] = (
        sha256_hex(dossier.snapshot) == dossier.snapshot_sha256 if dossier.snapshot else None
    )
    return render(request, "dossiers/staff_detail.html", context)


EXPORT_COLUMNS = [
    ("Référence", lambda d: d.reference or ""),
    ("Statut", lambda d: d.get_status_display()),
    ("Édition", lambda d: d.edition.year),
    ("Titre", lambda d: d.title),
    ("Porteur", lambda d: d.holder.get_full_name()),
    ("Courriel du porteur", lambda d: d.holder.email),
    ("Comptoir", lambda d: d.registration.comptoir.host_name),
    ("Territoire", lambda d: d.territory.name if d.territory else ""),
    ("Type de structure", lambda d: d.get_structure_kind_display()),
    ("Structure", lambda d: d.structure_name),
    ("SIRET", lambda d: d.siret),
    ("RNA", lambda d: d.rna),
    ("Coût total (€)", lambda d: d.total_cost),
    ("Montant demandé (€)", lambda d: d.amount_requested),
    ("Catégorie souhaitée", lambda d: d.wished_category.name if d.wished_category else ""),
    ("Pièces jointes", lambda d: d.attachment_count),
    ("Déposé le", lambda d: d.submitted_at),
    ("Retiré le", lambda d: d.withdrawn_at),
    ("Empreinte SHA-256", lambda d: d.snapshot_sha256),
]


def _export(request: HttpRequest) -> tuple[str, list[str], list[list[Any]]]:
    """The file's stem, header and rows. The stem names the edition actually exported, never
    what the query string said (an unknown or malformed year exports every edition)."""
    _require_staff(request)
    filters, _editions = _staff_filters(request)
    header = [name for name, _getter in EXPORT_COLUMNS]
    rows = [
        [getter(d) for _name, getter in EXPORT_COLUMNS] for d in selectors.staff_dossiers(filters)
    ]
    stem = f"dossiers-{filters.edition.year if filters.edition else 'toutes-editions'}"
    return stem, header, rows


def export_csv(request: HttpRequest) -> HttpResponse:
    stem, header, rows = _export(request)
    return csv_response(f"{stem}.csv", header, rows)


def export_xlsx(request: HttpRequest) -> HttpResponse:
    stem, header, rows = _export(request)
    return xlsx_response(f"{stem}.xlsx", header, rows, title="Dossiers")
