"""The figures of an edition as the page, the CSV files and the API show them.

Each ``Figure`` is one table (its columns, its rows of values, masked cells as None), a title,
a sentence saying what it shows, and, when it has one, the chart drawn from the same rows. The
page, the CSV download and the API all read these, so they cannot disagree, and none of them
reads a count that ``masking`` has not seen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgetcitoyen.core.formatting import fr_date, fr_datetime, money, number

STAGE_LABELS = {
    "ideas": gettext_lazy("Idées exprimées aux comptoirs"),
    "attended": gettext_lazy("Personnes venues à un comptoir"),
    "filed": gettext_lazy("Dossiers déposés"),
    "labelled": gettext_lazy("Projets labellisés"),
    "laureates": gettext_lazy("Projets lauréats"),
}
BAND_LABELS = {
    "11-14": gettext_lazy("11 à 14 ans"),
    "15-17": gettext_lazy("15 à 17 ans"),
    "0-17": gettext_lazy("11 à 17 ans (avant la distinction des moins de 15 ans)"),
    "18-24": gettext_lazy("18 à 24 ans"),
    "25-39": gettext_lazy("25 à 39 ans"),
    "40-59": gettext_lazy("40 à 59 ans"),
    "60-74": gettext_lazy("60 à 74 ans"),
    "75+": gettext_lazy("75 ans et plus"),
}


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "count"  # count, amount, rate, percent, text, day


@dataclass(frozen=True)
class Chart:
    kind: str  # "bars" (one bar per row) or "days" (columns over the days of the vote)
    label: str  # the column naming each bar
    value: str  # the column drawn


@dataclass
class Figure:
    key: str  # the CSV file's name and the anchor on the page
    title: str
    sentence: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    chart: Chart | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def has_masked(self) -> bool:
        return any(
            row.get(c.key) is None and c.kind != "text" for row in self.rows for c in self.columns
        )


def _count(value: int | None) -> str:
    return _("masqué") if value is None else number(value)


def percent(count: int | None, of: int | None) -> Decimal | None:
    if count is None or not of:
        return None
    return (Decimal(count) * 100 / of).quantize(Decimal("0.1"))


def cell_text(value: Any, kind: str) -> str:
    """A cell as the page prints it."""
    if value is None:
        return _("masqué") if kind != "text" else ""
    if kind == "amount":
        return money(Decimal(value))
    if kind == "rate":
        return number(Decimal(value), exact=True)
    if kind == "percent":
        return f"{number(Decimal(value), exact=True)} %"
    if kind == "day":
        return fr_date(date.fromisoformat(value), with_weekday=False)
    if kind == "count":
        return number(value)
    return str(value)


def _funnel(data: dict[str, Any]) -> list[Figure]:
    overall = data["funnel"]["overall"]
    rows = [{"stage": str(STAGE_LABELS[s]), "count": overall[s]} for s in STAGE_LABELS]
    sentence = _("Du comptoir au financement : %(steps)s.") % {
        "steps": " ; ".join(
            f"{str(STAGE_LABELS[stage]).lower()} : {_count(overall[stage])}"
            for stage in STAGE_LABELS
        )
    }
    funnel = Figure(
        "entonnoir",
        _("Des idées aux lauréats"),
        sentence,
        [Column("stage", _("Étape"), "text"), Column("count", _("Nombre"))],
        rows,
        Chart("bars", "stage", "count"),
    )
    territories = data["funnel"]["territories"]
    by_territory = Figure(
        "entonnoir-territoires",
        _("Des idées aux lauréats, par territoire"),
        _(
            "Chaque ligne suit un territoire : les idées et les dossiers par le territoire "
            "qu'ils concernent."
        ),
        [Column("territory", _("Territoire"), "text")]
        + [Column(stage, str(label)) for stage, label in STAGE_LABELS.items()],
        territories,
    )
    return [funnel, by_territory]


def _vote(data: dict[str, Any]) -> list[Figure]:
    vote = data["vote"]
    statuses = [
        {"what": _("Bulletins valides (comptés)"), "count": vote["valid"]},
        {"what": _("Bulletins en cours de vérification"), "count": vote["under_review"]},
        {"what": _("Bulletins annulés (votes multiples)"), "count": vote["annulled"]},
        {"what": _("Bulletins valides en ligne"), "count": vote["online"]},
        {"what": _("Bulletins valides papier"), "count": vote["paper"]},
    ]
    ballots = Figure(
        "bulletins",
        _("Les bulletins"),
        (
            _(
                "%(voters)s votants ont été comptés : %(online)s ont voté en ligne et %(paper)s "
                "sur papier."
            )
            % {
                "voters": _count(vote["voters"]),
                "online": _count(vote["online"]),
                "paper": _count(vote["paper"]),
            }
            if vote["voters"] is not None and vote["online"] is not None
            else _("Trop peu de votants pour publier leur nombre sans risque de les reconnaître.")
        ),
        [Column("what", _("Bulletins"), "text"), Column("count", _("Nombre"))],
        statuses,
        Chart("bars", "what", "count"),
    )
    days = vote["per_day"]
    busiest = max(
        (d for d in days if d["ballots"] is not None), key=lambda d: d["ballots"], default=None
    )
    per_day = Figure(
        "bulletins-par-jour",
        _("Les bulletins jour après jour"),
        (
            _("Le jour le plus chargé a été le %(day)s, avec %(count)s bulletins.")
            % {
                "day": fr_date(date.fromisoformat(busiest["day"]), with_weekday=True),
                "count": number(busiest["ballots"]),
            }
            if busiest
            else _("Aucun bulletin n'a été reçu.")
        ),
        [
            Column("day", _("Jour"), "day"),
            Column("online", _("En ligne")),
            Column("paper", _("Papier")),
            Column("ballots", _("Total")),
        ],
        days,
        Chart("days", "day", "ballots"),
        notes=[
            _(
                "Les bulletins valides, comptés au jour où ils ont été exprimés (le jour du dépôt "
                "pour un bulletin papier)."
            )
        ],
    )
    territories = vote["territories"]
    shown = [t for t in territories if t["per_thousand"] is not None]
    top = max(shown, key=lambda t: Decimal(t["per_thousand"]), default=None)
    by_territory = Figure(
        "votants-territoires",
        _("Les votants par territoire"),
        (
            _(
                "Pour 1 000 habitants, %(rate)s ont voté dans le département ; le territoire "
                "qui a le plus voté est %(territory)s (%(top)s pour 1 000)."
            )
            % {
                "rate": cell_text(vote["per_thousand"], "rate"),
                "territory": top["territory"],
                "top": number(Decimal(top["per_thousand"]), exact=True),
            }
            if top is not None and vote["per_thousand"] is not None
            else _("Votants par territoire de résidence, déclaré au moment du vote.")
        ),
        [
            Column("territory", _("Territoire"), "text"),
            Column("voters", _("Votants")),
            Column("population", _("Habitants")),
            Column("per_thousand", _("Votants pour 1 000 habitants"), "rate"),
        ],
        territories,
        Chart("bars", "territory", "per_thousand"),
        notes=[
            _("Le territoire de résidence et la population sont ceux du référentiel des communes.")
        ],
    )
    bands = [
        {"band": str(BAND_LABELS.get(b["band"], b["band"])), "voters": b["voters"]}
        for b in vote["age_bands"]
    ]
    by_age = Figure(
        "votants-ages",
        _("Les votants par âge"),
        _("L'âge est celui du jour du vote, figé sur le bulletin ; on vote dès 11 ans."),
        [Column("band", _("Âge"), "text"), Column("voters", _("Votants"))],
        bands,
        Chart("bars", "band", "voters"),
    )
    return [ballots, per_day, by_territory, by_age]


def _money(data: dict[str, Any]) -> list[Figure]:
    money_data = data["money"]
    categories = [
        {
            "category": c["category"],
            "envelope": c["envelope"],
            "granted": c["granted"],
            "laureates": c["laureates"],
            "moved_out": c["moved_out"],
            "moved_in": c["moved_in"],
        }
        for c in money_data["categories"]
    ]
    envelopes = Figure(
        "enveloppes",
        _("Les enveloppes et les montants accordés"),
        _("%(granted)s accordés sur %(envelope)s d'enveloppes.")
        % {
            "granted": money(Decimal(money_data["granted"])),
            "envelope": money(Decimal(money_data["envelope"])),
        },
        [
            Column("category", _("Catégorie"), "text"),
            Column("envelope", _("Enveloppe"), "amount"),
            Column("granted", _("Accordé"), "amount"),
            Column("laureates", _("Lauréats")),
            Column("moved_out", _("Reliquat cédé"), "amount"),
            Column("moved_in", _("Reliquat reçu"), "amount"),
        ],
        categories,
        Chart("bars", "category", "granted"),
    )
    territories = Figure(
        "montants-territoires",
        _("Les montants accordés par territoire"),
        _("Le territoire est celui où le projet se réalise."),
        [
            Column("territory", _("Territoire"), "text"),
            Column("granted", _("Accordé"), "amount"),
            Column("laureates", _("Lauréats")),
        ],
        money_data["territories"],
        Chart("bars", "territory", "granted"),
    )
    transfers = money_data["transfers"]
    moved = sum((Decimal(t["amount"]) for t in transfers), Decimal(0))
    transfer_figure = Figure(
        "transferts",
        _("Les reliquats passés d'une catégorie à une autre"),
        _("%(amount)s sont passés d'une enveloppe à une autre.") % {"amount": money(moved)}
        if transfers
        else _("Aucun reliquat n'est passé d'une catégorie à une autre."),
        [
            Column("from", _("De la catégorie"), "text"),
            Column("to", _("À la catégorie"), "text"),
            Column("amount", _("Montant"), "amount"),
        ],
        transfers,
    )
    return [envelopes, territories, transfer_figure]


def _hors_radar(data: dict[str, Any]) -> list[Figure]:
    radar = data["hors_radar"]
    rows = []
    for key, label in (
        ("first_time", _("Porteurs qui déposent pour la première fois")),
        ("collectives", _("Dossiers portés par un collectif d'habitants pas encore structuré")),
        ("low_participation", _("Lauréats d'un territoire où l'on a moins voté que la médiane")),
    ):
        share = radar[key]
        rows.append(
            {
                "indicator": label,
                "count": share["count"],
                "of": share["of"],
                "percent": percent(share["count"], share["of"]),
            }
        )
    low = radar["low_participation"]
    notes = []
    if low["median"] is not None:
        notes.append(
            _(
                "Participation médiane des territoires : %(median)s votants pour 1 000 habitants ; en dessous : %(territories)s."
            )
            % {
                "median": number(Decimal(low["median"]), exact=True),
                "territories": ", ".join(low["territories"]) or _("aucun"),
            }
        )
    notes.append(
        _(
            "« Première fois » : aucun dossier déposé à une édition précédente encore conservée "
            "sur la plateforme."
        )
    )
    return [
        Figure(
            "hors-radar",
            _("Des projets et des personnes « hors radar »"),
            _(
                "La part des porteurs nouveaux venus, des collectifs qui ne sont pas encore une "
                "structure, et des lauréats de territoires qui votent peu."
            ),
            [
                Column("indicator", _("Indicateur"), "text"),
                Column("count", _("Nombre")),
                Column("of", _("Sur")),
                Column("percent", _("Part"), "percent"),
            ],
            rows,
            Chart("bars", "indicator", "percent"),
            notes=notes,
        )
    ]


SECTIONS = (
    ("funnel", gettext_lazy("Du comptoir au lauréat"), _funnel),
    ("vote", gettext_lazy("Le vote"), _vote),
    ("money", gettext_lazy("L'argent"), _money),
    ("hors_radar", gettext_lazy("« Hors radar »"), _hors_radar),
)


FOLLOWUP_STATUSES = {
    "realise": gettext_lazy("Projets réalisés"),
    "en-cours": gettext_lazy("Projets en cours"),
    "a-venir": gettext_lazy("Projets pas encore démarrés"),
    "abandonne": gettext_lazy("Projets abandonnés"),
}


def followup_figures(followup: dict[str, Any]) -> list[Figure]:
    """What became of the laureates (``followup.selectors.public.followup_figures``), counted
    at each reading, not kept at publication: projects and amounts only, nothing to mask."""
    statuses = followup["statuses"]
    updated = _(
        "Chiffres mis à jour le %(when)s : ils suivent les lauréats après la publication."
    ) % {"when": fr_datetime(datetime.fromisoformat(followup["computed_at"]))}
    done = Figure(
        "projets-realises",
        _("Les projets réalisés"),
        _("%(done)s projets réalisés sur %(laureates)s lauréats.")
        % {"done": number(statuses["realise"]), "laureates": number(followup["laureates"])},
        [Column("status", _("Avancement"), "text"), Column("count", _("Projets"))],
        [
            {"status": str(label), "count": statuses[code]}
            for code, label in FOLLOWUP_STATUSES.items()
        ],
        Chart("bars", "status", "count"),
        notes=[
            _(
                "L'avancement d'un projet est sa dernière étape enregistrée par l'équipe : démarré "
                "ou à mi-parcours (en cours), réalisé, abandonné ; sans étape, il n'a pas encore "
                "démarré."
            ),
            updated,
        ],
    )
    columns = [
        Column("laureates", _("Lauréats")),
        Column("done", _("Réalisés")),
        Column("granted", _("Accordé"), "amount"),
        Column("paid", _("Versé"), "amount"),
    ]
    paid_sentence = _("%(paid)s versés sur %(granted)s accordés aux lauréats.") % {
        "paid": money(Decimal(followup["paid"])),
        "granted": money(Decimal(followup["granted"])),
    }
    by_category = Figure(
        "versements-categories",
        _("Les montants versés par catégorie"),
        paid_sentence,
        [Column("category", _("Catégorie"), "text"), *columns],
        followup["categories"],
        Chart("bars", "category", "paid"),
        notes=[
            _("Les versements des conventions signées, à la date de chaque versement."),
            updated,
        ],
    )
    by_territory = Figure(
        "versements-territoires",
        _("Les montants versés par territoire"),
        _("Le territoire est celui où le projet se réalise. %(sentence)s")
        % {"sentence": paid_sentence},
        [Column("territory", _("Territoire"), "text"), *columns],
        followup["territories"],
        Chart("bars", "territory", "paid"),
        notes=[updated],
    )
    return [done, by_category, by_territory]


FOLLOWUP_HEADING = gettext_lazy("Après le vote : le suivi des lauréats")


def _imported_funnel(data: dict[str, Any]) -> list[Figure]:
    overall = data["funnel"]["overall"]
    stages = ("labelled", "laureates")
    rows = [{"stage": str(STAGE_LABELS[s]), "count": overall[s]} for s in stages]
    projects = Figure(
        "projets",
        _("Les projets soumis au vote et les lauréats"),
        _("%(labelled)s projets soumis au vote, %(laureates)s lauréats.")
        % {"labelled": number(overall["labelled"]), "laureates": number(overall["laureates"])},
        [Column("stage", _("Étape"), "text"), Column("count", _("Nombre"))],
        rows,
        Chart("bars", "stage", "count"),
    )
    by_territory = Figure(
        "projets-territoires",
        _("Les projets soumis au vote et les lauréats, par territoire"),
        _("Le territoire est celui où le projet se réalise."),
        [Column("territory", _("Territoire"), "text")]
        + [Column(stage, str(STAGE_LABELS[stage])) for stage in stages],
        data["funnel"]["territories"],
    )
    return [projects, by_territory]


def _imported_money(data: dict[str, Any]) -> list[Figure]:
    envelopes, territories, _transfers = _money(
        {**data, "money": {**data["money"], "transfers": []}}
    )
    # What moved between categories is not in an imported file: the columns would read 0.
    envelopes.columns = [c for c in envelopes.columns if c.key not in ("moved_out", "moved_in")]
    return [envelopes, territories]


# An imported edition: only what its file held (no comptoir, dossier or ballot of it exists).
IMPORTED_SECTIONS = (
    ("projects", gettext_lazy("Les projets"), _imported_funnel),
    ("money", gettext_lazy("L'argent"), _imported_money),
)


def sections(
    data: dict[str, Any], followup: dict[str, Any] | None = None
) -> list[tuple[str, str, list[Figure]]]:
    """The figures of masked ``data`` by section: (key, heading, figures); then, when given,
    the follow-up of the laureates (computed at each reading, ``stats.selectors``)."""
    chosen = IMPORTED_SECTIONS if data.get("imported") else SECTIONS
    found = [(key, str(heading), build(data)) for key, heading, build in chosen]
    if followup:
        found.append(("followup", str(FOLLOWUP_HEADING), followup_figures(followup)))
    return found


def figures(data: dict[str, Any], followup: dict[str, Any] | None = None) -> list[Figure]:
    return [figure for _key, _heading, built in sections(data, followup) for figure in built]


def figure(data: dict[str, Any], key: str, followup: dict[str, Any] | None = None) -> Figure | None:
    return next((f for f in figures(data, followup) if f.key == key), None)


def csv_cell(value: Any, kind: str) -> Any:
    """A cell as the CSV file holds it: numbers as numbers, amounts as decimals, masked empty."""
    if value is None:
        return None
    if kind in ("amount", "rate", "percent"):
        return Decimal(value)
    return value
