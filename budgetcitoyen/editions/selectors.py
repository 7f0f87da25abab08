"""Reads on editions: which edition is current, what its pages show.

Where an edition stands in its calendar is ``editions.phases``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Min, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest

from budgetcitoyen.core import clock
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Category, Edition
from budgetcitoyen.editions.permissions import can_see_edition
from budgetcitoyen.editions.phases import Step


def edition_of_year(year: object) -> Edition | None:
    """The edition of ``year``, which comes from a URL or a query string: anything but a
    plausible year is None (never an error)."""
    text = str(year)
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        return None
    return Edition.objects.filter(year=int(text)).first()


def edition_for(user: Any, year: object) -> Edition | None:
    """The edition of ``year`` if ``user`` may see it (published, or staff), else None."""
    edition = edition_of_year(year)
    if edition is None or not can_see_edition(user, edition):
        return None
    return edition


def published_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(is_published=True).order_by("-year")


def edition_with_categories(qs: QuerySet[Edition]) -> QuerySet[Edition]:
    return qs.prefetch_related(
        Prefetch("categories", queryset=Category.objects.order_by("priority"))
    )


def current_edition(at: datetime | None = None) -> Edition | None:
    """The published edition a visitor should see now.

    The first one whose results are still to come (the one running, or the next one
    announced); once every edition's results are out, the latest edition.
    """
    from budgetcitoyen.editions import current

    # Kept in each process between changes (``editions.current``): two queries saved on
    # every page.
    return current.kept_or_compute(at or clock.now(), _current_edition)  # type: ignore[no-any-return]


def _current_edition(at: datetime) -> tuple[Edition | None, datetime | None, datetime | None]:
    """The current edition at ``at``, and the span over which that answer holds: from the
    last results date at or before ``at`` to the next one after it. Every published edition
    is read with its categories (a handful of rows, two queries)."""
    field = phases.start_field(Step.RESULTS)
    # An imported edition is a past one, never the edition a visitor is in.
    editions = list(
        edition_with_categories(published_editions().filter(is_imported=False))
    )  # by year, latest first
    dates = [getattr(e, field) for e in editions]
    upcoming = sorted(
        (e for e, moment in zip(editions, dates, strict=True) if moment > at),
        key=lambda e: getattr(e, field),
    )
    current = upcoming[0] if upcoming else (editions[0] if editions else None)
    valid_from = max((moment for moment in dates if moment <= at), default=None)
    valid_until = min((moment for moment in dates if moment > at), default=None)
    return current, valid_from, valid_until


def next_calendar_date(at: datetime) -> datetime | None:
    """The next moment after ``at`` at which an edition's phase changes (one query): the
    public pages kept in the page cache expire then (``core.pagecache``)."""
    found = Edition.objects.aggregate(
        **{f: Min(f, filter=Q(**{f"{f}__gt": at})) for f in phases.date_fields()}
    )
    moments = [moment for moment in found.values() if moment is not None]
    return min(moments) if moments else None


def vote_rule_text(edition: Edition) -> str:
    """The edition's vote rule in plain French, as a voter reads it."""
    from budgetcitoyen.ballots import rules

    # The sentence needs the edition's numbers, not its budget (which would read its categories).
    rule = rules.rule_class(edition.vote_rule)
    return rule(edition.vote_min_choices, edition.vote_max_choices).voter_text()


def edition_overview(edition: Edition, at: datetime | None = None) -> dict[str, object]:
    """What the home and "Comment ça marche" pages show of an edition, in one place."""
    from budgetcitoyen.territories.models import Territory

    at = at or clock.now()
    categories = list(edition.categories.all())
    return {
        "phase": phases.current_phase(edition, at),
        "steps": phases.timeline(edition, at),
        "categories": categories,
        "categories_by_priority": sorted(categories, key=lambda c: c.priority),
        "total_envelope": edition.total_envelope,
        "territory_count": Territory.objects.count(),
        "comptoir_count": edition.comptoirs.filter(is_cancelled=False).count(),
        "vote_rule_text": vote_rule_text(edition),
    }


@dataclass(frozen=True)
class Action:
    """A call to action of the home page: a link and the sentence that goes with it."""

    label: str
    url: str
    text: str = ""


@dataclass(frozen=True)
class Hero:
    """What the home page's hero says of the moment: where the edition stands, what to do."""

    status: str  # "Étape en cours : Vote", or "Édition 2025 terminée"
    text: str  # the sentence of the moment, with its date
    actions: list[Action] = field(default_factory=list)
    # Between editions: no next edition announced yet, and how to be told of it.
    awaiting_next: bool = False


def _last_results(edition: Edition, at: datetime) -> Edition | None:
    """The latest other edition whose results are out (its results stay one click away)."""
    return (
        published_editions()
        .filter(phases.q_started(Step.RESULTS, at))
        .exclude(pk=edition.pk)
        .first()
    )


def hero(edition: Edition, at: datetime | None = None) -> Hero:
    """The action of the moment, phase by phase: register for a comptoir, file a dossier, vote,
    see the results; and, once an edition is over with none announced, how to hear of the next.

    (When a next edition is published, ``current_edition`` is already that one: its hero
    gives its first date and the previous results stay linked.)
    """
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from budgetcitoyen.core.formatting import fr_date, fr_datetime, until

    at = at or clock.now()
    phase = phases.current_phase(edition, at)
    Phase = phases.Phase
    status = _("Étape en cours : %(step)s") % {"step": phase.label}
    agenda = Action(_("S'inscrire à un comptoir"), reverse("comptoirs:agenda"))
    how = Action(_("Comprendre chaque étape"), reverse("how_it_works"))
    projects = Action(_("Découvrir les projets"), reverse("labelling:projects"))
    previous = _last_results(edition, at)
    previous_results = (
        [
            Action(
                _("Voir les résultats de l'édition %(year)d") % {"year": previous.year},
                reverse("results:edition", args=[previous.year]),
            )
        ]
        if previous is not None
        else []
    )
    if phase == Phase.UPCOMING:
        return Hero(
            status,
            _("Les comptoirs à initiatives citoyennes ouvrent le %(date)s.")
            % {"date": fr_date(phases.start(edition, Step.COMPTOIRS))},
            [agenda if edition.comptoirs.exists() else how, *previous_results],
        )
    if phase == Phase.COMPTOIRS:
        return Hero(
            status,
            _(
                "Venez présenter votre idée à un comptoir, près de chez vous : inscriptions %(until)s."
            )
            % {"until": until(phases.end(edition, Step.COMPTOIRS))},
            [agenda],
        )
    if phase == Phase.DEPOSIT:
        actions = [Action(_("Déposer un dossier"), reverse("dossiers:mine"))]
        if phases.phase_open(edition, Step.COMPTOIRS, at):
            actions.append(agenda)
        return Hero(
            status,
            _("Vous avez participé à un comptoir ? Déposez le dossier de votre projet %(until)s.")
            % {"until": until(phases.end(edition, Step.DEPOSIT))},
            actions,
        )
    if phase in (Phase.AWAITING_LABELLING, Phase.LABELLING, Phase.AWAITING_VOTE):
        return Hero(
            status,
            _("Le comité examine les dossiers déposés. Le vote des habitants ouvre le %(date)s.")
            % {"date": fr_date(phases.start(edition, Step.VOTE))},
            [how],
        )
    if phase == Phase.VOTE:
        return Hero(
            status,
            _("Choisissez les projets que vous voulez voir financés : vote ouvert %(until)s.")
            % {"until": until(phases.end(edition, Step.VOTE))},
            [Action(_("Voter"), reverse("voting:home")), projects],
        )
    if phase == Phase.COUNTING:
        return Hero(
            status,
            _("Le vote est clos, les bulletins sont dépouillés. Résultats le %(date)s.")
            % {"date": fr_datetime(phases.start(edition, Step.RESULTS))},
            [projects],
        )
    # Results: the edition is over; no next edition is announced (else it would be current).
    return Hero(
        _("Édition %(year)d terminée") % {"year": edition.year},
        _(
            "Les résultats sont publiés. La prochaine édition n'est pas encore annoncée : "
            "son calendrier paraîtra ici."
        ),
        [
            Action(
                _("Voir les résultats"),
                reverse("results:edition", args=[edition.year]),
            ),
            Action(
                _("Être prévenu de la prochaine édition"),
                reverse("comptoirs:agenda_ics"),
                _(
                    "Abonnez votre agenda au calendrier des comptoirs : les comptoirs de la "
                    "prochaine édition y apparaîtront dès leur annonce, sans compte ni adresse "
                    "à donner."
                ),
            ),
        ],
        awaiting_next=True,
    )


def current_edition_for(request: object) -> Edition | None:
    """``current_edition()`` computed once per request (the view and the layout both need it)."""
    if not hasattr(request, "_budgetcitoyen_edition"):
        request._budgetcitoyen_edition = current_edition()  # type: ignore[attr-defined]
    return request._budgetcitoyen_edition  # type: ignore[attr-defined]


def edition_or_404(request: HttpRequest) -> Edition:
    """The edition a page is about: ``?edition=YEAR``, else the current one; 404 if none.

    An unpublished edition is refused (404) to anyone but staff, here for every page; what
    the visitor may do in it at this date is each page's own rule (``editions.phases``).
    """
    year = request.GET.get("edition", "")
    asked = edition_of_year(year) if year else None
    if asked is not None and not can_see_edition(request.user, asked):
        raise Http404
    edition = asked or current_edition_for(request)
    if edition is None:
        raise Http404
    return edition
