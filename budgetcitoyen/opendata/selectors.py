"""Reads of the open data: the files of each edition with published results, the reference
files (projects, comptoirs, communes), their rows, and the DCAT catalogue describing them all.

An edition appears only once its results are published (``results.selectors.published_results``,
which also hides a result whose publication time has not come). The results' and statistics'
files are those of their apps (their URLs, their writers); this module only lists them.
Nothing personal is read: public texts of labelled projects, comptoirs' public fields, the
reference data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from budgetcitoyen.comptoirs.models import Comptoir
from budgetcitoyen.core import clock, organisation, pagecache
from budgetcitoyen.core.columns import Column, header
from budgetcitoyen.core.exports import csv_response
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.labelling.models import Decision, Outcome
from budgetcitoyen.labelling.permissions import projects_are_public
from budgetcitoyen.opendata import columns
from budgetcitoyen.results import downloads
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.selectors import project_outcomes, published_results
from budgetcitoyen.stats.selectors import open_data_files
from budgetcitoyen.territories.models import Commune


@dataclass
class Table:
    """The columns of a file, or of one section of it (the .pb has two)."""

    caption: str
    columns: list[Column]


@dataclass
class DataFile:
    key: str  # unique on the page (an anchor)
    title: str
    description: str
    format: str  # CSV, JSON, PB
    media_type: str
    url: str  # a path on this site
    tables: list[Table]
    size: int | None = None  # bytes
    sha256: str | None = None
    issued: datetime | None = None

    @property
    def size_text(self) -> str:
        return filesizeformat(self.size) if self.size is not None else ""

    @property
    def columns(self) -> list[Column]:
        return [column for table in self.tables for column in table.columns]


@dataclass
class Dataset:
    key: str
    title: str
    description: str
    files: list[DataFile]
    issued: datetime | None
    modified: datetime | None
    landing_page: str
    edition: Edition | None = None
    snapshot: ResultSnapshot | None = None
    keywords: list[str] = field(default_factory=list)


CSV = "text/csv"


def _columns_caption(title: str) -> str:
    return _("Colonnes du fichier « %(title)s »") % {"title": title}


def edition_files(snapshot: ResultSnapshot) -> list[DataFile]:
    """The files of a published result, then its statistics' files."""
    edition = snapshot.edition
    year = edition.year
    sizes = downloads.file_sizes(snapshot)
    issued = snapshot.published_at
    results_title = _("Résultats par projet")
    json_title = _("Résultat complet, avec le déroulé")
    pb_title = _("Bulletins anonymisés")
    files = [
        DataFile(
            key=f"{year}-resultats-csv",
            title=results_title,
            description=_(
                "Un projet par ligne : catégorie, rang, voix, montant et s'il est financé."
            ),
            format="CSV",
            media_type=CSV,
            url=reverse("results:csv", args=[year]),
            tables=[Table(_columns_caption(results_title), list(downloads.CSV_COLUMNS))],
            size=sizes["csv"],
            issued=issued,
        ),
        DataFile(
            key=f"{year}-resultats-json",
            title=json_title,
            description=_(
                "Le résultat tel qu'il a été calculé : règle, budget, projets, reliquats et "
                "chaque étape du dépouillement."
            ),
            format="JSON",
            media_type="application/json",
            url=reverse("results:json", args=[year]),
            tables=[
                Table(
                    _("Clés du document « %(title)s »") % {"title": json_title},
                    list(downloads.JSON_KEYS),
                )
            ],
            size=sizes["json"],
            issued=issued,
        ),
        DataFile(
            key=f"{year}-bulletins-pb",
            title=pb_title,
            description=_(
                "Les bulletins valides, anonymisés, au format pabulib (texte UTF-8, sections "
                "META, PROJECTS et VOTES) : de quoi refaire le calcul. Chaque bulletin y est "
                "une ligne, sans nom, adresse ni date de vote, que seul son votant retrouve, "
                "par son code de reçu (voir « Vérifier mon vote »)."
            ),
            format="PB",
            media_type="text/plain",
            url=reverse("results:ballots", args=[year]),
            tables=[
                Table(_("Colonnes de la section PROJECTS"), list(downloads.PB_PROJECTS_COLUMNS)),
                Table(_("Colonnes de la section VOTES"), list(downloads.PB_VOTES_COLUMNS)),
            ],
            size=sizes["pb"],
            sha256=snapshot.ballots_sha256,
            issued=issued,
        ),
    ]
    for item in open_data_files(edition):
        files.append(
            DataFile(
                key=f"{year}-statistiques-{item['key']}",
                title=_("Statistiques : %(title)s") % {"title": item["title"]},
                description=item["description"],
                format="CSV",
                media_type=CSV,
                url=item["url"],
                tables=[Table(_columns_caption(item["title"]), columns.stats_columns(item))],
                issued=issued,
            )
        )
    return files


def edition_datasets() -> list[Dataset]:
    """One dataset per edition whose results are published, the latest first."""
    datasets = []
    for snapshot in published_results():
        edition = snapshot.edition
        datasets.append(
            Dataset(
                key=f"edition-{edition.year}",
                title=_("%(title)s : résultats et statistiques") % {"title": edition.title},
                description=_(
                    "Les résultats du vote de %(title)s (projets, voix, montants, projets "
                    "financés), les bulletins anonymisés pour refaire le calcul et les "
                    "statistiques de l'édition."
                )
                % {"title": edition.title},
                files=edition_files(snapshot),
                issued=snapshot.published_at,
                modified=snapshot.published_at,
                landing_page=reverse("results:edition", args=[edition.year]),
                edition=edition,
                snapshot=snapshot,
            )
        )
    return datasets


# --- The reference files ---------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def public_editions() -> list[Edition]:
    """Published editions whose projects are public (their vote has opened), oldest first."""
    now = clock.now()
    return [e for e in Edition.objects.filter(is_published=True) if projects_are_public(e, now)]


def project_rows() -> list[list[Any]]:
    """Every public project of every edition: its public fields only."""
    editions = public_editions()
    outcomes = {e.pk: project_outcomes(e) for e in editions}
    decisions = (
        Decision.objects.filter(edition__in=editions, outcome=Outcome.LABELLED)
        .select_related("edition", "category", "dossier__territory")
        .only(
            "public_title",
            "public_summary",
            "labelled_amount",
            "edition__year",
            "category__name",
            "dossier__territory__name",
        )
        .order_by("edition__year", "pk")
    )
    rows = []
    for decision in decisions:
        found = outcomes.get(decision.edition_id)
        result = found.get(decision.pk) if found is not None else None
        territory = decision.dossier.territory
        rows.append(
            [
                decision.edition.year,
                str(decision.pk),
                decision.public_title,
                decision.public_summary,
                decision.category.name if decision.category else "",
                territory.name if territory else "",
                decision.labelled_amount,
                result.funded if result is not None else None,
                _absolute(reverse("labelling:project", args=[decision.pk])),
            ]
        )
    return rows


def comptoir_rows() -> list[list[Any]]:
    """Every comptoir of every published edition: its public fields (no organiser, no
    registration)."""
    comptoirs = (
        Comptoir.objects.filter(edition__is_published=True)
        .select_related("edition", "territory", "commune")
        .order_by("edition__year", "starts_at", "pk")
    )
    return [
        [
            comptoir.edition.year,
            comptoir.pk,
            comptoir.territory.name,
            comptoir.host_name,
            comptoir.address,
            comptoir.commune.insee_code,
            comptoir.commune.name,
            comptoir.starts_at,
            comptoir.ends_at,
            comptoir.capacity,
            comptoir.is_cancelled,
        ]
        for comptoir in comptoirs
    ]


def commune_rows() -> list[list[Any]]:
    """Every commune of the reference data, by territory then INSEE code."""
    communes = Commune.objects.select_related("territory", "epci").order_by(
        "territory__name", "insee_code"
    )
    return [
        [
            commune.territory.name if commune.territory else "",
            commune.insee_code,
            commune.name,
            commune.population,
            commune.epci.siren if commune.epci else "",
            commune.epci.name if commune.epci else "",
        ]
        for commune in communes
    ]


REFERENCE_FILES: dict[str, tuple[tuple[Column, ...], Any]] = {
    "projets": (columns.PROJECT_COLUMNS, project_rows),
    "comptoirs": (columns.COMPTOIR_COLUMNS, comptoir_rows),
    "communes": (columns.COMMUNE_COLUMNS, commune_rows),
}


def reference_csv(name: str) -> HttpResponse:
    """A reference file (``projets``, ``comptoirs``, ``communes``), written by the platform's
    one exporter, its header read from its described columns; written once per change of
    the public data (``pagecache.kept``), each request getting its own response."""

    def write() -> tuple[bytes, dict[str, str]]:
        described, rows = REFERENCE_FILES[name]
        response = csv_response(f"budget-citoyen-{name}.csv", header(described), rows())
        return response.content, dict(response.items())

    content, headers = pagecache.kept(f"opendata:file:{name}", write)
    return HttpResponse(content, headers=headers)


def reference_size(name: str) -> int:
    """A reference file's size in bytes (the index and the catalogue give it)."""
    return len(reference_csv(name).content)


def reference_modified() -> datetime | None:
    """When the reference data last changed, as far as it says (projects, comptoirs, results)."""
    moments = [
        Decision.objects.filter(edition__in=public_editions(), outcome=Outcome.LABELLED).aggregate(
            m=Max("updated_at")
        )["m"],
        Comptoir.objects.filter(edition__is_published=True).aggregate(m=Max("updated_at"))["m"],
        published_results().aggregate(m=Max("published_at"))["m"],
    ]
    known = [m for m in moments if m is not None]
    return max(known) if known else None


def reference_dataset() -> Dataset:
    texts = {
        "projets": (
            _("Projets de toutes les éditions"),
            _(
                "Les projets labellisés de chaque édition, publics depuis l'ouverture du vote : "
                "titre, résumé, catégorie, territoire, montant et, une fois les résultats "
                "publiés, s'ils sont financés."
            ),
        ),
        "comptoirs": (
            _("Comptoirs à initiatives citoyennes"),
            _(
                "Les comptoirs de chaque édition : lieu, commune, dates, places. Aucune "
                "inscription ni aucun nom de personne."
            ),
        ),
        "communes": (
            _("Territoires et communes"),
            _(
                "Les communes %(area_of)s avec leur code INSEE, leur population, leur "
                "intercommunalité et leur territoire, comme la plateforme les utilise."
            )
            % organisation.names(),
        ),
    }
    files = []
    for name, (described, _rows) in REFERENCE_FILES.items():
        title, description = texts[name]
        files.append(
            DataFile(
                key=name,
                title=title,
                description=description,
                format="CSV",
                media_type=CSV,
                url=reverse(f"opendata:{name}"),
                tables=[Table(_columns_caption(title), list(described))],
                size=reference_size(name),
            )
        )
    modified = reference_modified()
    return Dataset(
        key="reference",
        title=_("Budget citoyen : projets, comptoirs et communes"),
        description=_(
            "Les données de référence de toutes les éditions : les projets publiés, les "
            "comptoirs et les communes avec leur territoire."
        ),
        files=files,
        issued=None,
        modified=modified,
        landing_page=reverse("opendata:index"),
    )


# --- The DCAT catalogue ----------------------------------------------------------------------

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
FRENCH = "http://publications.europa.eu/resource/authority/language/FRA"
KEYWORDS = ["budget participatif", "économie sociale et solidaire", "vote", "démocratie"]


def _date_time(moment: datetime | None) -> dict[str, str] | None:
    if moment is None:
        return None
    return {"@value": localtime(moment).isoformat(timespec="seconds"), "@type": "xsd:dateTime"}


def _publisher() -> dict[str, Any]:
    return {
        "@type": "foaf:Organization",
        "foaf:name": settings.BUDGETCITOYEN_ORGANISATION,
        "foaf:mbox": f"mailto:{organisation.contact_email()}",
    }


def _licence() -> dict[str, str]:
    return {"@id": columns.LICENCE_URL}


def _distribution(item: DataFile, modified: datetime | None) -> dict[str, Any]:
    url = _absolute(item.url)
    node: dict[str, Any] = {
        "@id": url,
        "@type": "dcat:Distribution",
        "dct:title": item.title,
        "dct:description": item.description,
        "dcat:downloadURL": {"@id": url},
        "dcat:accessURL": {"@id": url},
        "dct:format": item.format,
        "dcat:mediaType": item.media_type,
        "dct:license": _licence(),
    }
    if item.size is not None:
        node["dcat:byteSize"] = {"@value": str(item.size), "@type": "xsd:nonNegativeInteger"}
    if item.sha256:
        node["spdx:checksum"] = {
            "@type": "spdx:Checksum",
            "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
            "spdx:checksumValue": {"@value": item.sha256, "@type": "xsd:hexBinary"},
        }
    if (issued := _date_time(item.issued)) is not None:
        node["dct:issued"] = issued
    if (changed := _date_time(item.issued or modified)) is not None:
        node["dct:modified"] = changed
    return node


def _dataset(dataset: Dataset) -> dict[str, Any]:
    identifier = _absolute(reverse("opendata:index")) + f"#{dataset.key}"
    node: dict[str, Any] = {
        "@id": identifier,
        "@type": "dcat:Dataset",
        "dct:identifier": identifier,
        "dct:title": dataset.title,
        "dct:description": dataset.description,
        "dcat:keyword": KEYWORDS,
        "dct:language": {"@id": FRENCH},
        "dct:publisher": _publisher(),
        "dct:license": _licence(),
        "dcat:landingPage": {"@id": _absolute(dataset.landing_page)},
        "dcat:distribution": [_distribution(f, dataset.modified) for f in dataset.files],
    }
    if (issued := _date_time(dataset.issued)) is not None:
        node["dct:issued"] = issued
    if (modified := _date_time(dataset.modified)) is not None:
        node["dct:modified"] = modified
    edition = dataset.edition
    if edition is not None:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _date_time(edition.vote_start),
            "dcat:endDate": _date_time(edition.vote_end),
        }
    return node


def all_datasets() -> list[Dataset]:
    return [*edition_datasets(), reference_dataset()]


def catalogue(datasets: list[Dataset] | None = None) -> dict[str, Any]:
    """The DCAT catalogue (JSON-LD) of every dataset, with absolute URLs on ``SITE_URL``."""
    datasets = all_datasets() if datasets is None else datasets
    moments = [d.modified for d in datasets if d.modified is not None]
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": _absolute(reverse("opendata:catalogue")),
        "@type": "dcat:Catalog",
        "dct:title": _("Budget citoyen : données ouvertes"),
        "dct:description": _(
            "Les données ouvertes du Budget citoyen %(area_of)s : résultats, bulletins "
            "anonymisés, statistiques, projets, comptoirs et communes."
        )
        % organisation.names(),
        "dct:language": {"@id": FRENCH},
        "dct:publisher": _publisher(),
        "dct:license": _licence(),
        "foaf:homepage": {"@id": _absolute(reverse("opendata:index"))},
        "dcat:dataset": [_dataset(d) for d in datasets],
    }
    if moments:
        node["dct:modified"] = _date_time(max(moments))
    return node
