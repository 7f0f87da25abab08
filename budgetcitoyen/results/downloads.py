"""The files of a result: CSV by project, the complete JSON, the anonymised ballots (.pb).

Built from the snapshot only (see ``presentation``), so nothing personal reaches them. Their
sizes, printed on the page, are computed once per snapshot and kept in the cache.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgetcitoyen.core import columns as c
from budgetcitoyen.core.columns import Column
from budgetcitoyen.core.exports import csv_response
from budgetcitoyen.core.http import content_disposition
from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.presentation import pb_filename, project_groups
from budgetcitoyen.results.trace import line_text

INTERNAL_KEYS = ("fingerprint",)


# The columns of each file, described once: the CSV's header is read from them, and the
# open-data page prints them.
CSV_COLUMNS = (
    Column("édition", c.INTEGER, gettext_lazy("Année de l'édition"), gettext_lazy("année")),
    Column("catégorie", c.TEXT, gettext_lazy("Catégorie du projet")),
    Column(
        "rang",
        c.INTEGER,
        gettext_lazy("Rang du projet dans sa catégorie, par voix décroissantes (1 = le premier)"),
    ),
    Column(
        "projet id",
        c.TEXT,
        gettext_lazy("Identifiant du projet, le même dans tous les fichiers et sur sa page"),
    ),
    Column("titre", c.TEXT, gettext_lazy("Titre public du projet")),
    Column("territoire", c.TEXT, gettext_lazy("Territoire du projet")),
    Column("voix", c.INTEGER, gettext_lazy("Voix (ou points) reçues"), gettext_lazy("voix")),
    Column(
        "montant",
        c.DECIMAL,
        gettext_lazy("Montant demandé, accordé si le projet est financé"),
        gettext_lazy("euros"),
    ),
    Column("financé", c.BOOLEAN, gettext_lazy("Le projet est lauréat (financé)")),
)
CSV_HEADER = c.header(CSV_COLUMNS)

# The keys of the complete JSON document (a rule may add or omit the optional ones).
JSON_KEYS = (
    Column("edition", c.INTEGER, gettext_lazy("Année de l'édition")),
    Column("published_at", c.TEXT, gettext_lazy("Date et heure de publication (ISO 8601)")),
    Column(
        "ballots_sha256",
        c.TEXT,
        gettext_lazy("Empreinte SHA-256 du fichier des bulletins anonymisés (.pb)"),
    ),
    Column(
        "ballot_key",
        c.TEXT,
        gettext_lazy(
            "Clé de l'édition (hexadécimal) qui donne, à partir d'un code de reçu, la ligne "
            "de son bulletin dans le fichier .pb"
        ),
        optional=True,
    ),
    Column("rule", c.TEXT, gettext_lazy("Règle de répartition appliquée (son code)")),
    Column("rule_version", c.TEXT, gettext_lazy("Version de la règle de répartition")),
    Column("budget", c.DECIMAL_TEXT, gettext_lazy("Budget total réparti"), gettext_lazy("euros")),
    Column("voters", c.INTEGER, gettext_lazy("Bulletins valides comptés")),
    Column("selected", c.LIST, gettext_lazy("Identifiants des projets financés")),
    Column(
        "total_cost",
        c.DECIMAL_TEXT,
        gettext_lazy("Somme des montants des projets financés"),
        gettext_lazy("euros"),
    ),
    Column("leftover", c.DECIMAL_TEXT, gettext_lazy("Budget non dépensé"), gettext_lazy("euros")),
    Column(
        "spending",
        c.OBJECT,
        gettext_lazy("Montant accordé par catégorie"),
        gettext_lazy("euros"),
        optional=True,
    ),
    Column(
        "moves",
        c.LIST,
        gettext_lazy("Reliquats passés d'une catégorie à une autre (de, vers, montant)"),
        gettext_lazy("euros"),
        optional=True,
    ),
    Column(
        "projects",
        c.LIST,
        gettext_lazy(
            "Chaque projet : id, name (titre), category, cost (euros), score (voix), "
            "selected (financé), rank, territory"
        ),
    ),
    Column(
        "trace",
        c.LIST,
        gettext_lazy("Le déroulé du dépouillement, événement par événement, avec son texte"),
    ),
    Column("uses_points", c.BOOLEAN, gettext_lazy("Les bulletins donnent des points")),
    Column(
        "threshold",
        c.INTEGER,
        gettext_lazy("Seuil de voix pour être financé (null s'il n'y en a pas)"),
        gettext_lazy("voix"),
    ),
    Column(
        "envelopes",
        c.LIST,
        gettext_lazy("Enveloppe de chaque catégorie, par ordre de priorité"),
        gettext_lazy("euros"),
    ),
)

# The .pb file (pabulib format): its PROJECTS and VOTES sections, each a header of columns.
PB_PROJECTS_COLUMNS = (
    Column("project_id", c.TEXT, gettext_lazy("Identifiant du projet (celui du CSV)")),
    Column("cost", c.DECIMAL_POINT, gettext_lazy("Montant du projet"), gettext_lazy("euros")),
    Column("votes", c.INTEGER, gettext_lazy("Voix (ou points) reçues"), gettext_lazy("voix")),
    Column("name", c.TEXT, gettext_lazy("Titre public du projet")),
    Column("category", c.TEXT, gettext_lazy("Catégorie du projet")),
    Column("selected", c.INTEGER, gettext_lazy("1 si le projet est financé, 0 sinon")),
    Column("district", c.TEXT, gettext_lazy("Territoire du projet"), optional=True),
)
PB_VOTES_COLUMNS = (
    Column(
        "voter_id",
        c.TEXT,
        gettext_lazy(
            "Identifiant de la ligne : une empreinte du code de reçu du bulletin, par la clé "
            "de l'édition (ballot_key) ; seul qui détient ce reçu retrouve sa ligne, "
            "l'identifiant ne désigne personne"
        ),
    ),
    Column(
        "vote",
        c.LIST,
        gettext_lazy("Projets choisis, par leur identifiant, séparés par des virgules"),
    ),
    Column(
        "points",
        c.LIST,
        gettext_lazy("Points donnés à chaque projet choisi, dans le même ordre"),
        optional=True,
    ),
    Column(
        "age_band",
        c.TEXT,
        gettext_lazy("Tranche d'âge du votant au moment du vote"),
        optional=True,
    ),
    Column("territory", c.TEXT, gettext_lazy("Territoire du votant"), optional=True),
)


def csv_rows(snapshot: ResultSnapshot) -> list[list[Any]]:
    """One row per project, in the page's order (category by priority, then rank)."""
    year = snapshot.edition.year
    return [
        [
            year,
            row["category"] or "",
            row["rank"],
            row["id"],
            row["name"],
            row["territory"] or "",
            row["votes"],
            row["amount"],
            row["funded"],
        ]
        for group in project_groups(snapshot)
        for row in group["projects"]
    ]


def csv_download(snapshot: ResultSnapshot) -> HttpResponse:
    return csv_response(
        f"budget-citoyen-{snapshot.edition.year}-resultats.csv", CSV_HEADER, csv_rows(snapshot)
    )


def json_document(snapshot: ResultSnapshot) -> bytes:
    """The stored outcome, less its internal keys, with what identifies the publication; each
    trace event carries its ``text`` in the reader's language."""
    outcome = {k: v for k, v in snapshot.outcome.items() if k not in INTERNAL_KEYS}
    outcome["trace"] = [{**line, "text": line_text(line)} for line in outcome.get("trace", [])]
    data = {
        "edition": snapshot.edition.year,
        "published_at": localtime(snapshot.published_at).isoformat()
        if snapshot.published_at
        else None,
        "ballots_sha256": snapshot.ballots_sha256,
        **outcome,
        "rule_version": snapshot.rule_version,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def json_download(snapshot: ResultSnapshot) -> HttpResponse:
    response = HttpResponse(json_document(snapshot), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        f"budget-citoyen-{snapshot.edition.year}-resultats.json"
    )
    return response


def pb_size(snapshot: ResultSnapshot) -> int:
    """The size of the .pb file, read once from the gzip trailer then kept (the file of a
    given SHA-256 never changes)."""

    def size() -> int:
        data = bytes(
            ResultSnapshot.objects.values_list("ballots_file", flat=True).get(pk=snapshot.pk)
        )
        return int.from_bytes(data[-4:], "little") if len(data) >= 4 else 0

    known = cache.get_or_set(f"results:pb-size:{snapshot.ballots_sha256}", size, None)
    return int(known or 0)


def _sizes(snapshot: ResultSnapshot) -> dict[str, int]:
    """The sizes of the CSV and JSON files, built once per snapshot (and language, which the
    trace's texts are in) and then kept: a snapshot never changes, but for its publication
    date, which the key holds."""
    key = (
        "results:sizes:"
        + hashlib.sha256(
            "|".join(
                [
                    str(snapshot.pk),
                    snapshot.ballots_sha256,
                    snapshot.created_at.isoformat() if snapshot.created_at else "",
                    snapshot.published_at.isoformat() if snapshot.published_at else "",
                    translation.get_language() or "",
                ]
            ).encode()
        ).hexdigest()
    )

    def sizes() -> dict[str, int]:
        return {
            "csv": len(csv_download(snapshot).content),
            "json": len(json_document(snapshot)),
        }

    known = cache.get_or_set(key, sizes, None)
    return known if isinstance(known, dict) else sizes()


def file_sizes(snapshot: ResultSnapshot) -> dict[str, int]:
    """The size in bytes of each file of a result: ``csv``, ``json`` and ``pb``."""
    return {**_sizes(snapshot), "pb": pb_size(snapshot)}


def downloads(snapshot: ResultSnapshot) -> list[dict[str, Any]]:
    """The files of a result, with their size, for the page."""
    year = snapshot.edition.year
    sizes = _sizes(snapshot)
    published = snapshot.is_published
    items: list[dict[str, Any]] = [
        {
            "label": _("Résultats par projet"),
            "format": "CSV",
            "detail": _("tableur, séparateur point-virgule, UTF-8"),
            "url": reverse("results:csv", args=[year]) if published else None,
            "size": filesizeformat(sizes["csv"]),
        },
        {
            "label": _("Résultat complet, avec le déroulé"),
            "format": "JSON",
            "detail": _("données structurées, UTF-8"),
            "url": reverse("results:json", args=[year]) if published else None,
            "size": filesizeformat(sizes["json"]),
        },
        {
            "label": _("Bulletins anonymisés"),
            "format": "PB",
            "detail": _("format pabulib, texte UTF-8"),
            "url": reverse("results:ballots", args=[year])
            if published
            else reverse("results:snapshot_ballots", args=[snapshot.pk]),
            "size": filesizeformat(pb_size(snapshot)),
        },
    ]
    return items


def ballots_download(snapshot: ResultSnapshot, filename: str | None = None) -> HttpResponse:
    """The anonymised ballots exactly as counted (their SHA-256 is on the page)."""
    response = HttpResponse(snapshot.ballots_pb(), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition(filename or pb_filename(snapshot))
    return response
