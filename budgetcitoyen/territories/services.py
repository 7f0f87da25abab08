"""Writes on territories: loading reference data (the shipped file or any département's in the
same CSV format, see docs/REFERENCE.md), moving communes between territories."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from budgetcitoyen.core import pagecache
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.territories.models import Commune, CommuneAlias, Epci, PostalCode, Territory

REFERENCE_CSV = Path(__file__).resolve().parent / "data" / "pas-de-calais-communes.csv"
REFERENCE_COLUMNS = (
    "insee_code",
    "name",
    "kind",
    "parent_insee_code",
    "postal_codes",
    "population",
    "epci_siren",
    "epci_name",
    "territory",
)
CURRENT = "commune-actuelle"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], what: str) -> None:
        bucket[what] = bucket.get(what, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _read_rows(path: Path) -> list[dict[str, str]]:
    """The file's rows, refused with a French message before anything is written if a column
    is missing or a row cannot be loaded (so a wrong file never half-loads)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [
                column for column in REFERENCE_COLUMNS if column not in (reader.fieldnames or [])
            ]
            if missing:
                raise InvalidInput(
                    _("Colonnes manquantes dans %(file)s : %(columns)s.")
                    % {"file": path.name, "columns": ", ".join(missing)}
                )
            rows = list(reader)
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(
            _("Impossible de lire %(file)s (fichier CSV en UTF-8 attendu) : %(error)s")
            % {"file": path.name, "error": error}
        ) from error
    kinds = {CURRENT, *CommuneAlias.Kind.values}
    current = {row["insee_code"] for row in rows if row["kind"] == CURRENT}
    for line, row in enumerate(rows, start=2):
        problem = None
        if row["kind"] not in kinds:
            problem = _("nature « %(kind)s » inconnue (attendu : %(kinds)s)") % {
                "kind": row["kind"],
                "kinds": ", ".join(sorted(kinds)),
            }
        elif not row["insee_code"] or not row["name"]:
            problem = _("code INSEE et nom obligatoires")
        elif row["kind"] == CURRENT and not (
            row["population"].isdigit() and row["epci_siren"] and row["territory"]
        ):
            problem = _("une commune actuelle a une population entière, un EPCI et un territoire")
        elif row["kind"] != CURRENT and row["parent_insee_code"] not in current:
            problem = _("commune de rattachement %(code)s absente du fichier") % {
                "code": row["parent_insee_code"] or "—"
            }
        if problem:
            raise InvalidInput(
                _("%(file)s, ligne %(line)d : %(problem)s.")
                % {"file": path.name, "line": line, "problem": problem}
            )
    return rows


@transaction.atomic
def load_reference(*, path: Path = REFERENCE_CSV, by: Any | None = None) -> LoadReport:
    """Load territories, EPCIs, communes, postal codes and former communes. Idempotent.

    ``path`` is any file in the shipped CSV format (columns in ``REFERENCE_COLUMNS``, described
    in docs/REFERENCE.md); a file that does not fit is refused whole with ``InvalidInput``.

    A second run changes nothing. Territories already chosen (possibly by staff) for an
    existing EPCI or commune are kept: the file only sets the territory of new rows.
    """
    rows = _read_rows(path)
    report = LoadReport()

    territories = {t.name: t for t in Territory.objects.all()}
    for name in sorted({row["territory"] for row in rows if row["kind"] == CURRENT}):
        if name not in territories:
            territories[name] = Territory.objects.create(name=name, slug=slugify(name))
            report.count(report.created, "territoires")

    epcis = {e.siren: e for e in Epci.objects.all()}
    for row in rows:
        if row["kind"] != CURRENT:
            continue
        siren, name = row["epci_siren"], row["epci_name"]
        epci = epcis.get(siren)
        if epci is None:
            epcis[siren] = Epci.objects.create(
                siren=siren, name=name, territory=territories[row["territory"]]
            )
            report.count(report.created, "intercommunalités")
        elif epci.name != name:
            epci.name = name
            epci.save(update_fields=["name"])
            report.count(report.updated, "intercommunalités")

    communes = {c.insee_code: c for c in Commune.objects.all()}
    current_rows = [row for row in rows if row["kind"] == CURRENT]
    for row in current_rows:
        commune = communes.get(row["insee_code"])
        values = {
            "name": row["name"],
            "population": int(row["population"]),
            "epci": epcis[row["epci_siren"]],
        }
        if commune is None:
            communes[row["insee_code"]] = Commune.objects.create(
                insee_code=row["insee_code"], territory=territories[row["territory"]], **values
            )
            report.count(report.created, "communes")
        elif any(getattr(commune, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(commune, key, value)
            commune.save()
            report.count(report.updated, "communes")

    existing_codes = set(PostalCode.objects.values_list("code", "commune__insee_code"))
    wanted_codes = {
        (code, row["insee_code"]) for row in current_rows for code in row["postal_codes"].split()
    }
    for code, insee in sorted(wanted_codes - existing_codes):
        PostalCode.objects.create(code=code, commune=communes[insee])
        report.count(report.created, "codes postaux")
    for code, insee in sorted(existing_codes - wanted_codes):
        PostalCode.objects.filter(code=code, commune__insee_code=insee).delete()
        report.count(report.updated, "codes postaux")

    aliases = {(a.insee_code, a.name): a for a in CommuneAlias.objects.select_related("commune")}
    for row in rows:
        if row["kind"] == CURRENT:
            continue
        parent = communes[row["parent_insee_code"]]
        alias = aliases.get((row["insee_code"], row["name"]))
        if alias is None:
            CommuneAlias.objects.create(
                insee_code=row["insee_code"], name=row["name"], kind=row["kind"], commune=parent
            )
            report.count(report.created, "anciennes communes")
        elif alias.commune_id != parent.pk or alias.kind != row["kind"]:
            alias.commune, alias.kind = parent, row["kind"]
            alias.save()
            report.count(report.updated, "anciennes communes")

    if report.changed:
        pagecache.invalidate()
        log_action(
            actor=by,
            action="territories.reference_loaded",
            data={"file": path.name, "created": report.created, "updated": report.updated},
        )
    return report


@transaction.atomic
def commune_set_territory(*, commune: Commune, territory: Territory, by: Any | None) -> Commune:
    """Move one commune to another territory (audited)."""
    commune = Commune.objects.select_for_update().get(pk=commune.pk)
    if commune.territory_id == territory.pk:
        return commune
    before = commune.territory
    commune.territory = territory
    commune.save(update_fields=["territory"])
    pagecache.invalidate()
    log_action(
        actor=by,
        action="territories.commune_territory_changed",
        obj=commune,
        data={"from": before.name, "to": territory.name},
    )
    return commune


@transaction.atomic
def epci_set_territory(
    *, epci: Epci, territory: Territory, by: Any | None, move_communes: bool = True
) -> Epci:
    """Attach an EPCI to another territory and, by default, move all its communes with it."""
    epci = Epci.objects.select_for_update().get(pk=epci.pk)
    before = epci.territory
    if before.pk == territory.pk and not move_communes:
        return epci
    epci.territory = territory
    epci.save(update_fields=["territory"])
    moved = 0
    if move_communes:
        moved = (
            Commune.objects.filter(epci=epci)
            .exclude(territory=territory)
            .update(territory=territory)
        )
    pagecache.invalidate()
    log_action(
        actor=by,
        action="territories.epci_territory_changed",
        obj=epci,
        data={"from": before.name, "to": territory.name, "communes_moved": moved},
    )
    return epci


@transaction.atomic
def territory_rename(*, territory: Territory, name: str, by: Any | None) -> Territory:
    name = name.strip()
    if not name:
        raise InvalidInput(_("Le nom du territoire est obligatoire."))
    if Territory.objects.exclude(pk=territory.pk).filter(name__iexact=name).exists():
        raise InvalidInput(_("Un autre territoire porte déjà ce nom."))
    before = territory.name
    territory.name = name
    territory.save(update_fields=["name"])
    pagecache.invalidate()
    log_action(
        actor=by,
        action="territories.territory_renamed",
        obj=territory,
        data={"from": before, "to": name},
    )
    return territory
