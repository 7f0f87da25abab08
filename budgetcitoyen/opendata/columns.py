"""The columns of the open-data files this app writes, and of the statistics' files.

Each file's columns are declared once here (``core.columns.Column``): the writer takes its
header from them (``views``) and the page prints them. The results' files declare theirs in
``results.downloads``; the statistics' columns carry a kind (``stats.figures``), described here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from budgetcitoyen.core import columns as c
from budgetcitoyen.core.columns import Column

LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
LICENCE_NAME = _("Licence Ouverte 2.0 (Etalab)")

PROJECT_COLUMNS = (
    Column("édition", c.INTEGER, _("Année de l'édition"), _("année")),
    Column(
        "projet id",
        c.TEXT,
        _("Identifiant du projet, le même que dans les fichiers de résultats"),
    ),
    Column("titre", c.TEXT, _("Titre public du projet")),
    Column("résumé", c.TEXT, _("Résumé public du projet")),
    Column("catégorie", c.TEXT, _("Catégorie retenue par le comité")),
    Column("territoire", c.TEXT, _("Territoire du projet")),
    Column("montant labellisé", c.DECIMAL, _("Montant labellisé par le comité"), _("euros")),
    Column(
        "financé",
        c.BOOLEAN,
        _("Le projet est lauréat ; vide tant que les résultats ne sont pas publiés"),
    ),
    Column("page", c.TEXT, _("Adresse de la page publique du projet (URL)")),
)

COMPTOIR_COLUMNS = (
    Column("édition", c.INTEGER, _("Année de l'édition"), _("année")),
    Column("comptoir id", c.INTEGER, _("Identifiant du comptoir")),
    Column("territoire", c.TEXT, _("Territoire où se tient le comptoir")),
    Column("structure accueillante", c.TEXT, _("Structure qui accueille le comptoir")),
    Column("adresse", c.TEXT, _("Adresse du lieu")),
    Column("code INSEE", c.TEXT, _("Code officiel géographique de la commune (5 caractères)")),
    Column("commune", c.TEXT, _("Commune du lieu")),
    Column("début", c.DATETIME, _("Début du comptoir")),
    Column("fin", c.DATETIME, _("Fin du comptoir")),
    Column("places", c.INTEGER, _("Nombre de places"), _("places")),
    Column("annulé", c.BOOLEAN, _("Le comptoir a été annulé")),
)

COMMUNE_COLUMNS = (
    Column("territoire", c.TEXT, _("Territoire de la commune")),
    Column("code INSEE", c.TEXT, _("Code officiel géographique de la commune (5 caractères)")),
    Column("commune", c.TEXT, _("Nom de la commune")),
    Column("population", c.INTEGER, _("Population municipale"), _("habitants")),
    Column("EPCI SIREN", c.TEXT, _("SIREN de l'intercommunalité (EPCI) de la commune")),
    Column("EPCI", c.TEXT, _("Nom de l'intercommunalité (EPCI)")),
)

# A statistics column's kind (``stats.figures.Column.kind``): its type, unit and what a cell is.
STATS_KINDS: dict[str, tuple[Any, Any, Any]] = {
    "count": (c.INTEGER, "", _("vide si masqué (moins de 5 personnes)")),
    "amount": (c.DECIMAL, _("euros"), ""),
    "rate": (c.DECIMAL, _("pour 1 000 habitants"), _("vide si masqué")),
    "percent": (c.DECIMAL, _("pour cent"), _("vide si masqué")),
    "text": (c.TEXT, "", ""),
    "day": (c.DATE, "", ""),
}


def stats_columns(item: dict[str, Any]) -> list[Column]:
    """The columns of one statistics file (an item of ``stats.selectors.open_data_files``),
    named as its CSV header names them."""
    described = []
    for (_key, label), kind in zip(item["columns"], item["kinds"], strict=True):
        type_, unit, note = STATS_KINDS.get(kind, STATS_KINDS["text"])
        meaning = f"{label} ({note})" if note else label
        described.append(Column(label, type_, meaning, unit))
    return described
