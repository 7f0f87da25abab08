"""The public read-only API, version 1: one ``NinjaAPI`` and its GET operations.

Each operation parses its parameters (ninja, typed), reads through ``api.selectors`` and
returns plain data shaped by ``api.schemas``. What every response shares (CORS, rate limit,
ETag, HEAD, no cookie, French) is ``api.http``, wrapped around every URL in ``api.urls``.
Errors are JSON ``{"detail": "…"}`` in French; bad parameters are a 400, never a 422 in English.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError, ValidationError

from budgetcitoyen.api import schemas, selectors
from budgetcitoyen.api.docs import FrenchDocs
from budgetcitoyen.api.http import json_error

T = TypeVar("T")

DESCRIPTION = (
    "Données publiques du Budget citoyen, en lecture seule, sous Licence Ouverte 2.0 : "
    "éditions, territoires, communes, comptoirs, projets publiés, résultats et statistiques. "
    "Chaque champ est décrit en français (description) et en anglais (x-description-en). / "
    "Public read-only data of the Budget citoyen, under the Licence Ouverte 2.0 (Etalab)."
)

# The English description of each query or path parameter: ninja's ``Query`` takes none, so
# the document gets them here, as ``x-description-en`` beside the French ``description``.
PARAMETERS_EN = {
    "limit": "Items per page (1 to 200).",
    "offset": "Offset of the first item.",
    "edition": "Edition year.",
    "year": "Edition year.",
    "territory": "Territory slug, see /territories.",
    "category": "Category identifier, see /editions/{year}.",
    "funded": "Funded projects only (true) or not funded (false), once the results are out.",
    "project_id": "Project identifier.",
    "status": "Status: a-venir (not started), en-cours, realise (done) or abandonne.",
}


class PublicAPI(NinjaAPI):
    """The API, whose OpenAPI document is built once per process and language.

    The document depends on the code alone (the operations, their schemas and texts): ninja
    builds it again on every request otherwise, which made ``/openapi.json`` and the docs
    page cost about a tenth of a second each. Each caller gets its own copy.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple[Any, ...], dict[str, Any]] = {}

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        path_params = kwargs.get("path_params") or {}
        key = (kwargs.get("path_prefix"), *sorted(path_params.items()), get_language())
        documents = self._documents
        if key not in documents:
            document = super().get_openapi_schema(**kwargs)
            for methods in document.get("paths", {}).values():
                for operation in methods.values():
                    for parameter in operation.get("parameters", []):
                        english = PARAMETERS_EN.get(parameter["name"])
                        if english:
                            parameter["x-description-en"] = english
            documents[key] = copy.deepcopy(dict(document))  # not the builder it holds
        return copy.deepcopy(documents[key])


api = PublicAPI(
    title="API du Budget citoyen",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=FrenchDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    openapi_extra={
        "info": {
            "license": {
                "name": "Licence Ouverte 2.0",
                "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            }
        }
    },
)

NOT_FOUND = {404: schemas.Error}
BAD = {400: schemas.Error}


# --- Errors, in French ---------------------------------------------------------------------------


@api.exception_handler(ValidationError)
def invalid_parameters(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    names = []
    for error in exc.errors:
        location = [str(part) for part in error.get("loc", ()) if part not in ("query", "path")]
        name = location[-1] if location else ""
        if name and name not in names:
            names.append(name)
    if names:
        detail = _("Paramètre invalide : %(names)s. Consultez la documentation de l'API.") % {
            "names": ", ".join(f"« {name} »" for name in names)
        }
    else:
        detail = _("Paramètres invalides. Consultez la documentation de l'API.")
    return json_error(400, detail)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return json_error(404, str(exc) if str(exc) else _("Élément introuvable."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return json_error(exc.status_code, str(exc))


# --- Pagination ----------------------------------------------------------------------------------

MAX_LIMIT = 200


def _link(request: HttpRequest, limit: int, offset: int) -> str:
    query = request.GET.copy()
    query["limit"] = str(limit)
    query["offset"] = str(offset)
    return request.build_absolute_uri(request.path + "?" + query.urlencode())


def page(
    request: HttpRequest, items: Sequence[Any] | QuerySet[Any], limit: int, offset: int
) -> dict[str, Any]:
    """One page of ``items`` (a list, or a queryset counted in SQL) with its count and links."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    chosen = list(items[offset : offset + limit])
    return {
        "count": count,
        "limit": limit,
        "offset": offset,
        "next": _link(request, limit, offset + limit) if offset + limit < count else None,
        "previous": _link(request, limit, max(0, offset - limit)) if offset > 0 else None,
        "items": chosen,
    }


def _limit() -> Any:
    return Query(
        50,
        ge=1,
        le=MAX_LIMIT,
        description=f"Nombre d'éléments par page (1 à {MAX_LIMIT}).",
    )


def _offset() -> Any:
    return Query(
        0,
        ge=0,
        description="Position du premier élément.",
    )


def _edition_param(required: bool = False) -> Any:
    return Query(
        ... if required else None,  # type: ignore[arg-type]
        ge=2018,
        le=2100,
        description="Année de l'édition.",
    )


def _territory_param() -> Any:
    return Query(
        "",
        max_length=80,
        description="Identifiant (slug) du territoire, voir /territories.",
    )


YEAR = Path(..., description="Année de l'édition.")  # type: ignore[arg-type]
PROJECT = Path(..., description="Identifiant du projet.")  # type: ignore[arg-type]


def _edition_or_404(year: int) -> Any:
    edition = selectors.edition(year)
    if edition is None:
        raise Http404(_("Aucune édition publiée pour l'année %(year)s.") % {"year": year})
    return edition


# --- Editions ------------------------------------------------------------------------------------


@api.get(
    "/editions",
    response=schemas.Page[schemas.EditionSummary],
    url_name="editions",
    summary="Éditions publiées",
    description="Les éditions publiées, la plus récente d'abord. / Published editions.",
    tags=["éditions"],
)
def editions(
    request: HttpRequest, limit: int = _limit(), offset: int = _offset()
) -> dict[str, Any]:
    years = selectors.published_years()
    result = page(request, selectors.editions(), limit, offset)
    result["items"] = [selectors.edition_summary(e, years) for e in result["items"]]
    return result


@api.get(
    "/editions/{year}",
    response={200: schemas.EditionOut, **NOT_FOUND},
    url_name="edition",
    summary="Une édition",
    description="Calendrier, catégories et enveloppes, règle de vote et règle de répartition. / "
    "Calendar, categories and envelopes, ballot and counting rules.",
    tags=["éditions"],
)
def edition(request: HttpRequest, year: int = YEAR) -> dict[str, Any]:
    return selectors.edition_detail(_edition_or_404(year))


@api.get(
    "/editions/{year}/results",
    response={200: schemas.ResultOut, **NOT_FOUND},
    url_name="results",
    summary="Résultats d'une édition",
    description="Le résultat publié, avec le déroulé structuré du décompte ; 404 avant sa "
    "publication. / The published result with its structured trace; 404 before.",
    tags=["résultats"],
)
def results(request: HttpRequest, year: int = YEAR) -> dict[str, Any]:
    found = selectors.results(_edition_or_404(year))
    if found is None:
        raise Http404(
            _("Les résultats de l'édition %(year)s ne sont pas encore publiés.") % {"year": year}
        )
    return found


@api.get(
    "/editions/{year}/statistics",
    response={200: schemas.StatisticsOut, **NOT_FOUND},
    url_name="statistics",
    summary="Statistiques d'une édition",
    description="Les chiffres de l'édition, publiés avec ses résultats ; toute case de moins de "
    "5 personnes vaut null. / Figures published with the results; cells of fewer than 5 "
    "people are null.",
    tags=["statistiques"],
)
def statistics(request: HttpRequest, year: int = YEAR) -> dict[str, Any]:
    found = selectors.statistics(_edition_or_404(year))
    if found is None:
        raise Http404(
            _("Les statistiques de l'édition %(year)s seront publiées avec ses résultats.")
            % {"year": year}
        )
    return found


# --- Territories and communes --------------------------------------------------------------------


@api.get(
    "/territories",
    response=schemas.Page[schemas.TerritoryOut],
    url_name="territories",
    summary="Territoires",
    description="Les territoires et leur population. / Territories and their population.",
    tags=["territoires"],
)
def territories(
    request: HttpRequest, limit: int = _limit(), offset: int = _offset()
) -> dict[str, Any]:
    return page(request, selectors.territories(), limit, offset)


@api.get(
    "/communes",
    response={200: schemas.Page[schemas.CommuneOut], **BAD},
    url_name="communes",
    summary="Communes",
    description="Les communes, par code INSEE, avec leur population. / Communes with population.",
    tags=["territoires"],
)
def communes(
    request: HttpRequest,
    territory: str = _territory_param(),
    limit: int = _limit(),
    offset: int = _offset(),
) -> dict[str, Any]:
    result = page(request, selectors.communes(territory=territory), limit, offset)
    result["items"] = [selectors.commune_row(c) for c in result["items"]]
    return result


# --- Comptoirs -----------------------------------------------------------------------------------


@api.get(
    "/comptoirs",
    response={200: schemas.Page[schemas.ComptoirOut], **BAD},
    url_name="comptoirs",
    summary="Comptoirs à initiatives citoyennes",
    description="Les ateliers des éditions publiées (annulés compris), champs publics "
    "seulement. / Workshops of published editions, public fields only.",
    tags=["comptoirs"],
)
def comptoirs(
    request: HttpRequest,
    edition: int | None = _edition_param(),
    territory: str = _territory_param(),
    limit: int = _limit(),
    offset: int = _offset(),
) -> dict[str, Any]:
    result = page(request, selectors.comptoirs(year=edition, territory=territory), limit, offset)
    result["items"] = [selectors.comptoir_row(c) for c in result["items"]]
    return result


# --- Projects ------------------------------------------------------------------------------------


@api.get(
    "/projects",
    response={200: schemas.Page[schemas.ProjectOut], **BAD},
    url_name="projects",
    summary="Projets publiés",
    description="Les projets labellisés, publics dès l'ouverture du vote de leur édition ; leurs "
    "voix seulement une fois les résultats publiés. / Labelled projects, public from the "
    "opening of the vote; their votes only once the results are published.",
    tags=["projets"],
)
def projects(
    request: HttpRequest,
    edition: int | None = _edition_param(),
    category: int | None = Query(
        None,
        ge=1,
        description="Identifiant de la catégorie (voir /editions/{year}).",
    ),
    territory: str = _territory_param(),
    funded: bool | None = Query(
        None,
        description="true : lauréats seulement ; false : non financés. Une fois les résultats "
        "publiés.",
    ),
    limit: int = _limit(),
    offset: int = _offset(),
) -> dict[str, Any]:
    found, outcomes = selectors.public_projects(
        year=edition, category=str(category or ""), territory=territory
    )
    if funded is not None:
        found = [d for d in found if d.pk in outcomes and outcomes[d.pk].funded == funded]
    result = page(request, found, limit, offset)
    result["items"] = [selectors.project_row(d, outcomes) for d in result["items"]]
    return result


@api.get(
    "/projects/{project_id}",
    response={200: schemas.ProjectDetail, **NOT_FOUND},
    url_name="project",
    summary="Un projet publié",
    description="Un projet labellisé, dès l'ouverture du vote. / A labelled project, from the "
    "opening of the vote.",
    tags=["projets"],
)
def project(request: HttpRequest, project_id: int = PROJECT) -> dict[str, Any]:
    decision = selectors.project(project_id)
    if decision is None:
        raise Http404(_("Aucun projet publié sous ce numéro."))
    return selectors.project_detail(decision)


# --- The laureates' follow-up --------------------------------------------------------------------


@api.get(
    "/laureats",
    response={200: schemas.Page[schemas.LaureateOut], **BAD},
    url_name="laureates",
    summary="Projets lauréats et leur avancement",
    description="Les lauréats des résultats publiés, l'édition la plus récente d'abord : leur "
    "avancement et les montants versés. Une valeur de filtre qui ne correspond à rien est "
    "ignorée. / Laureates of the published results, newest edition first: their progress and "
    "the amounts paid. A filter value that matches nothing is ignored.",
    tags=["lauréats"],
)
def laureates(
    request: HttpRequest,
    edition: int | None = _edition_param(),
    territory: str = _territory_param(),
    category: int | None = Query(
        None,
        ge=1,
        description="Identifiant de la catégorie (voir /editions/{year}).",
    ),
    status: str = Query(
        "",
        max_length=20,
        description="Avancement : a-venir, en-cours, realise ou abandonne.",
    ),
    limit: int = _limit(),
    offset: int = _offset(),
) -> dict[str, Any]:
    found = selectors.laureates(year=edition, territory=territory, category=category, status=status)
    result = page(request, found, limit, offset)
    result["items"] = [selectors.laureate_row(item) for item in result["items"]]
    return result
