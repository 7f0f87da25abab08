"""Counting an edition and publishing its result: every rule of that step lives here.

- ``tally_run``: count the valid ballots (SQL aggregation), run the edition's rule, store a
  snapshot (rule and version, SHA-256 of the anonymised ballots, outcome, trace, who, when).
  Possible once the vote is closed, by staff (or the command line).
- ``publish``: make a snapshot the edition's result, by explicit staff action once the vote is
  closed and no multiple-vote review is pending, and only if nothing it depends on changed
  since (ballots, projects, rule settings). Marks the laureates and emails their holders once.
- ``publish_due``: on the results date, count and publish automatically when possible.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.accounts.permissions import require
from budgetcitoyen.core import clock, pagecache
from budgetcitoyen.core.audit import log_action
from budgetcitoyen.core.errors import AlreadyDone, Conflict, InvalidInput, PhaseClosed
from budgetcitoyen.core.formatting import until
from budgetcitoyen.core.inputs import has_controls
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_ended, q_ended, q_started
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.results import counting, permissions
from budgetcitoyen.results.models import Award, ImportedProject, ImportedResult, ResultSnapshot
from budgetcitoyen.results.selectors import open_reviews, published_result
from budgetcitoyen.results.signals import results_published
from budgetcitoyen.tally import rules
from budgetcitoyen.tally.model import TallyError


def check_vote_closed(edition: Edition, at: datetime | None = None) -> None:
    if not has_ended(edition, Step.VOTE, at):
        raise PhaseClosed(
            _("Le vote est ouvert %(until)s : le dépouillement viendra après.")
            % {"until": until(phases.end(edition, Step.VOTE))}
        )


def tally_run(*, edition: Edition, by: Any | None) -> ResultSnapshot:
    """Count and store a snapshot. ``by`` is the staff member, or None for the command line."""
    if by is not None:
        require(permissions.can_count(by), _("Seule l'équipe de la Mission ESS peut faire cela."))
    check_vote_closed(edition)
    with counting.many_objects():
        counted = counting.count(edition)
        try:
            outcome = counting.run_rule(counted)
            ballots = counting.pb_text(counted, outcome).encode()
        except TallyError as error:
            raise InvalidInput(
                _("Le dépouillement est impossible avec les réglages de l'édition : %(problem)s.")
                % {"problem": error}
            ) from error
        data = counting.outcome_data(counted, outcome)
        data["fingerprint"] = counted.fingerprint()
    with transaction.atomic():
        snapshot = ResultSnapshot.objects.create(
            edition=edition,
            rule=outcome.rule,
            rule_version=rules.VERSION,
            threshold=edition.allocation_threshold,
            budget=Decimal(data["budget"]),
            voters=counted.voters,
            ballots_sha256=hashlib.sha256(ballots).hexdigest(),
            ballots_file=gzip.compress(ballots, compresslevel=1, mtime=0),
            outcome=data,
            run_by=by,
        )
        log_action(
            actor=by,
            action="results.tally",
            obj=snapshot,
            data={
                "rule": snapshot.rule,
                "rule_version": snapshot.rule_version,
                "voters": snapshot.voters,
                "ballots_sha256": snapshot.ballots_sha256,
                "selected": data["selected"],
            },
        )
    return snapshot


def _check_publishable(snapshot: ResultSnapshot, edition: Edition) -> None:
    if snapshot.is_published:
        raise AlreadyDone(_("Ce résultat est déjà publié."))
    if published_result(edition) is not None:
        raise AlreadyDone(_("Les résultats de cette édition sont déjà publiés."))
    check_vote_closed(edition)
    pending = open_reviews(edition)
    if pending:
        raise Conflict(
            ngettext(
                "%(count)d vérification de votes multiples reste à trancher : "
                "les résultats ne peuvent pas être publiés avant.",
                "%(count)d vérifications de votes multiples restent à trancher : "
                "les résultats ne peuvent pas être publiés avant.",
                pending,
            )
            % {"count": pending}
        )
    with counting.many_objects():
        fingerprint = counting.count(edition).fingerprint()
    if fingerprint != snapshot.outcome.get("fingerprint"):
        raise Conflict(
            _(
                "Des bulletins, des projets ou les réglages de répartition ont changé depuis ce "
                "dépouillement : relancez le dépouillement, vérifiez-le, puis publiez-le."
            )
        )


def publish(*, snapshot: ResultSnapshot, by: Any | None) -> ResultSnapshot:
    """Publish a snapshot as the edition's result. ``by`` is None for the automatic
    publication on the results date."""
    if by is not None:
        require(permissions.can_count(by), _("Seule l'équipe de la Mission ESS peut faire cela."))
    try:
        with transaction.atomic():
            # The edition row is the lock every change of its ballots takes (see voting).
            edition = Edition.objects.select_for_update().get(pk=snapshot.edition_id)
            snapshot = ResultSnapshot.objects.select_for_update().get(pk=snapshot.pk)
            _check_publishable(snapshot, edition)
            snapshot.published_at = clock.now()
            snapshot.published_by = by
            snapshot.save(update_fields=["published_at", "published_by", "updated_at"])
            _mark_laureates(snapshot)
            results_published.send(sender=ResultSnapshot, snapshot=snapshot, by=by)
            pagecache.invalidate()
            log_action(
                actor=by,
                action="results.published",
                obj=snapshot,
                data={
                    "edition": edition.year,
                    "ballots_sha256": snapshot.ballots_sha256,
                    "selected": snapshot.outcome["selected"],
                    "automatic": by is None,
                },
            )
    except IntegrityError as error:  # a simultaneous publication won the unique constraint
        raise AlreadyDone(_("Les résultats de cette édition sont déjà publiés.")) from error
    return snapshot


def _mark_laureates(snapshot: ResultSnapshot) -> None:
    rows = {row["id"]: row for row in snapshot.projects}
    decisions = Decision.objects.filter(
        pk__in=[int(i) for i in snapshot.outcome["selected"]]
    ).select_related("dossier__holder", "edition")
    now = clock.now()
    for decision in decisions:
        row = rows[str(decision.pk)]
        Award.objects.create(
            snapshot=snapshot,
            decision=decision,
            amount=Decimal(row["cost"]),
            votes=row["score"],
            notified_at=now,
        )
        holder = decision.dossier.holder
        if holder is not None and holder.email:
            send_after_commit(
                to=[holder.email],
                template="results_laureate",
                context={"decision": decision, "edition": decision.edition, "votes": row["score"]},
            )


def publish_due(at: datetime | None = None) -> list[str]:
    """Publish the results of every edition whose results date has come (the hourly task).
    Returns what it did or why it could not, in French, for the log."""
    now = at or clock.now()
    report = []
    for edition in Edition.objects.filter(q_started(Step.RESULTS, now), q_ended(Step.VOTE, now)):
        if published_result(edition) is not None:
            continue
        pending = open_reviews(edition)
        if pending:
            report.append(
                ngettext(
                    "%(year)s : non publié, %(count)d vérification de votes multiples en attente.",
                    "%(year)s : non publié, %(count)d vérifications de votes multiples en attente.",
                    pending,
                )
                % {"year": edition.year, "count": pending}
            )
            continue
        try:
            publish(snapshot=tally_run(edition=edition, by=None), by=None)
        except (InvalidInput, Conflict, AlreadyDone, PhaseClosed) as error:
            report.append(
                _("%(year)s : non publié, %(problem)s")
                % {
                    "year": edition.year,
                    "problem": error.message,
                }
            )
            continue
        report.append(_("%(year)s : résultats publiés.") % {"year": edition.year})
    return report


# --- Importing a past edition's published results ------------------------------------------------


class ImportRefused(InvalidInput):
    """The files of an import hold problems: ``problems`` names each one (line, column)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems[:3]), code="import_refused")


def imported_calendar(year: int) -> dict[str, datetime]:
    """The nominal calendar of an imported edition: its steps in their usual months (the
    platform did not run them; they only place the edition in time). Paris time."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    paris = ZoneInfo(settings.TIME_ZONE)

    def at(month: int, day: int) -> datetime:
        return datetime(year, month, day, tzinfo=paris)

    return {
        "comptoirs_start": at(1, 15),
        "comptoirs_end": at(3, 1),
        "deposit_start": at(2, 1),
        "deposit_end": at(3, 5),
        "labelling_start": at(7, 1),
        "labelling_end": at(9, 1),
        "vote_start": at(9, 1),
        "vote_end": at(10, 1),
        "results_at": at(11, 15),
    }


def _territories_by_name() -> Any:
    """A look-up of the territories by folded name, read once for the whole file."""
    from budgetcitoyen.territories.models import Territory
    from budgetcitoyen.territories.normalize import fold_name

    by_name = {fold_name(t.name): t for t in Territory.objects.all()}
    return lambda text: by_name.get(fold_name(text))


def _commune_named(text: str, territory: Any) -> tuple[Any, str | None]:
    """The commune of a line, through the platform's one resolver of what people type (INSEE
    code, name, "Name (postal code)"); namesakes the territory of the line separates are
    told apart by it."""
    from budgetcitoyen.territories.selectors import AmbiguousCommune, resolve_commune

    try:
        commune = resolve_commune(text)
    except AmbiguousCommune as ambiguous:
        inside = [c for c in ambiguous.candidates if territory and c.territory_id == territory.pk]
        if len(inside) != 1:
            return None, _(
                "plusieurs communes s'appellent « %(name)s » : donnez son code INSEE"
            ) % {"name": text}
        commune = inside[0]
    if commune is None:
        if re.fullmatch(r"[0-9]{2}[0-9AaBb][0-9]{2}", text):
            return None, _("code INSEE « %(code)s » inconnu dans le département") % {"code": text}
        return None, _("commune « %(name)s » inconnue dans le département") % {"name": text}
    if territory is not None and commune.territory_id != territory.pk:
        return None, _("la commune « %(name)s » n'est pas dans le territoire %(territory)s") % {
            "name": commune.name,
            "territory": territory.name,
        }
    return commune, None


def _check_import_edition(year: int, title: str, replace: bool) -> Edition | None:
    """The edition an import replaces (None: a new one), or a refusal."""
    problems = []
    if not 2018 <= year <= 2100:
        problems.append(_("L'année doit être comprise entre 2018 et 2100."))
    if not title.strip() or len(title) > 150 or has_controls(title, multiline=False):
        problems.append(_("Le titre de l'édition est requis (150 caractères au plus)."))
    if problems:
        raise ImportRefused(problems)
    if imported_calendar(year)["results_at"] > clock.now():
        raise ImportRefused(
            [
                _(
                    "Seuls les résultats d'une édition passée s'importent : %(year)d n'est pas terminée."
                )
                % {"year": year}
            ]
        )
    existing = Edition.objects.select_for_update().filter(year=year).first()
    if existing is None:
        return None
    if not existing.is_imported:
        raise ImportRefused(
            [
                _(
                    "L'édition %(year)d s'est tenue sur la plateforme : ses résultats ne s'importent pas."
                )
                % {"year": year}
            ]
        )
    if not replace:
        raise ImportRefused(
            [
                _(
                    "Les résultats de %(year)d sont déjà importés. Cochez « Remplacer l'import "
                    "existant » (--replace en ligne de commande) pour les remplacer par ce fichier."
                )
                % {"year": year}
            ]
        )
    return existing


@transaction.atomic
def results_import(
    *,
    year: int,
    title: str,
    results_file: bytes,
    envelopes_file: bytes,
    source_name: str,
    by: Any | None,
    replace: bool = False,
) -> ImportedResult:
    """Import a past edition's published results: an ``Edition`` flagged ``is_imported``, its
    categories and envelopes, and one ``ImportedProject`` per line. Everything or nothing:
    any problem in either file refuses the whole import (``ImportRefused`` names them all).

    Re-importing a year already imported is refused unless ``replace``: the earlier import
    (its projects and categories) is then deleted and replaced, in the same transaction. An
    edition that ran on the platform is never replaced. ``by`` is staff, or None for the
    command line.
    """
    from budgetcitoyen.editions import services as editions
    from budgetcitoyen.results import imports

    if by is not None:
        require(permissions.can_count(by), _("Seule l'équipe de la Mission ESS peut faire cela."))
    existing = _check_import_edition(year, title, replace)
    try:
        envelopes = imports.read_envelopes(envelopes_file)
        projects = imports.read_results(
            results_file,
            categories=[e.category for e in envelopes],
            territory_named=_territories_by_name(),
            commune_named=_commune_named,
        )
        imports.check_totals(projects, envelopes)
    except imports.FileRefused as refused:
        raise ImportRefused(refused.problems) from None

    replaced = None
    if existing is not None:
        old = ImportedResult.objects.filter(edition=existing).first()
        replaced = {
            "projects": old.projects.count() if old else 0,
            "sha256": old.source_sha256 if old else "",
        }
        if old is not None:
            old.delete()  # its projects go with it
        existing.categories.all().delete()
        edition = editions.edition_update(edition=existing, by=by, title=title.strip())
    else:
        edition = editions.edition_create(
            by=by,
            year=year,
            title=title.strip(),
            is_published=True,
            is_imported=True,
            **imported_calendar(year),
        )
    largest: dict[str, Decimal] = {}
    for project in projects:
        largest[project.category] = max(
            largest.get(project.category, Decimal(0)), project.amount_requested
        )
    categories = {}
    for priority, envelope in enumerate(envelopes, start=1):
        categories[envelope.category] = editions.category_create(
            edition=edition,
            by=by,
            name=envelope.category,
            envelope=envelope.envelope,
            # Not known for a past edition: the largest request of the file stands for it.
            max_amount_per_project=max(largest.get(envelope.category, Decimal(0)), Decimal(1)),
            priority=priority,
        )
    sha256 = hashlib.sha256(results_file).hexdigest()
    result = ImportedResult.objects.create(
        edition=edition,
        imported_at=clock.now(),
        imported_by=by,
        source_name=source_name[:200],
        source_sha256=sha256,
    )
    ImportedProject.objects.bulk_create(
        ImportedProject(
            result=result,
            line=p.line,
            reference=p.reference,
            title=p.title,
            category=categories[p.category],
            territory=p.territory,
            commune=p.commune,
            votes=p.votes,
            amount_requested=p.amount_requested,
            amount_granted=p.amount_granted,
            funded=p.funded,
        )
        for p in projects
    )
    pagecache.invalidate()
    log_action(
        actor=by,
        action="results.imported",
        obj=result,
        data={
            "edition": year,
            "file": source_name[:200],
            "sha256": sha256,
            "projects": len(projects),
            "funded": sum(1 for p in projects if p.funded),
            "granted": str(sum((p.amount_granted for p in projects), Decimal(0))),
            "replaced": replaced,
        },
    )
    return result
