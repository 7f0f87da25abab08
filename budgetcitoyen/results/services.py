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
from budgetcitoyen.core.mail import send_after_commit
from budgetcitoyen.editions import phases
from budgetcitoyen.editions.models import Edition
from budgetcitoyen.editions.phases import Step, has_ended, q_ended, q_started
from budgetcitoyen.labelling.models import Decision
from budgetcitoyen.results import counting, permissions
from budgetcitoyen.results.models import Award, ResultSnapshot
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
