"""The ballot rules of an edition, as plain data and pure functions.

A ballot is an ordered list of project ids. For every rule but ``points`` the order does not
matter and each chosen project gets 1 point; for ``points`` the list is the ranking, and the
first of k projects gets k points, the next k−1, and so on. ``validate`` is the one judge of a
ballot's shape: the ballot page, the summary, the cast and the paper entry all call it, so
what the browser sends never matters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.core.formatting import money as format_euros

ONE_PER_CATEGORY = "one_per_category"
FAVOURITES = "favourites"
APPROVAL = "approval"
POINTS = "points"
KNAPSACK = "knapsack"


@dataclass(frozen=True)
class Option:
    """A project on the ballot."""

    pk: int
    title: str
    category_id: int
    category_name: str
    amount: Decimal


@dataclass(frozen=True)
class BallotRule:
    kind: str
    min_choices: int | None = None
    max_choices: int | None = None
    budget: Decimal | None = None

    @property
    def is_ranked(self) -> bool:
        return self.kind == POINTS

    @property
    def least(self) -> int:
        if self.kind == FAVOURITES:
            return self.min_choices or 1
        return 1

    @property
    def most(self) -> int | None:
        if self.kind in (FAVOURITES, APPROVAL, POINTS):
            return self.max_choices
        return None


def rule_of(edition: object) -> BallotRule:
    """The ballot rule an edition sets (its budget is the sum of its envelopes)."""
    kind = edition.vote_rule  # type: ignore[attr-defined]
    return BallotRule(
        kind=kind,
        min_choices=edition.vote_min_choices,  # type: ignore[attr-defined]
        max_choices=edition.vote_max_choices  # type: ignore[attr-defined]
        or (3 if kind in (FAVOURITES, POINTS) else None),
        budget=edition.total_envelope if kind == KNAPSACK else None,  # type: ignore[attr-defined]
    )


def _choose(count: int) -> str:
    return ngettext("%(count)d projet", "%(count)d projets", count) % {"count": count}


def _error(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"choices": message})


def validate(
    rule: BallotRule, options: Mapping[int, Option], choices: Sequence[int]
) -> list[tuple[int, int]]:
    """Check a ballot against the rule; return its ``(project id, points)`` pairs.

    Raises ``InvalidInput`` (field ``choices``) with a French message for each invalid shape.
    """
    chosen = list(choices)
    if len(set(chosen)) != len(chosen):
        raise _error(_("Un même projet ne peut être choisi qu'une fois."))
    unknown = [pk for pk in chosen if pk not in options]
    if unknown:
        raise _error(_("Un des projets choisis ne fait pas partie des projets soumis au vote."))
    count = len(chosen)
    if count == 0:
        raise _error(_("Choisissez au moins un projet avant de valider votre vote."))

    if rule.kind == ONE_PER_CATEGORY:
        seen: dict[int, Option] = {}
        for pk in chosen:
            option = options[pk]
            if option.category_id in seen:
                raise _error(
                    _(
                        "Un seul projet par catégorie : vous en avez choisi plusieurs dans "
                        "la catégorie « %(category)s »."
                    )
                    % {"category": option.category_name}
                )
            seen[option.category_id] = option
    elif rule.kind == FAVOURITES:
        low = rule.least
        high = rule.most or rule.least
        if not low <= count <= high:
            if low == high:
                message = _("Choisissez exactement %(expected)s (vous en avez choisi %(count)d).")
                expected = _choose(low)
            else:
                message = _("Choisissez entre %(expected)s (vous en avez choisi %(count)d).")
                expected = _("%(low)d et %(high)d projets") % {"low": low, "high": high}
            raise _error(message % {"expected": expected, "count": count})
    elif rule.kind in (APPROVAL, POINTS):
        most = rule.most
        if most is not None and count > most:
            raise _error(
                _("Vous pouvez choisir au plus %(expected)s (vous en avez choisi %(count)d).")
                % {"expected": _choose(most), "count": count}
            )
    elif rule.kind == KNAPSACK:
        total = sum((options[pk].amount for pk in chosen), Decimal("0"))
        budget = rule.budget or Decimal("0")
        if total > budget:
            raise _error(
                _(
                    "Le montant total de vos choix (%(total)s) dépasse le budget de "
                    "%(budget)s de %(excess)s : retirez un projet."
                )
                % {
                    "total": format_euros(total),
                    "budget": format_euros(budget),
                    "excess": format_euros(total - budget),
                }
            )
    else:  # pragma: no cover - the edition's choices are closed
        raise _error(_("La règle de vote de cette édition est inconnue."))

    if rule.kind == POINTS:
        k = rule.most or count
        return [(pk, k - position) for position, pk in enumerate(chosen)]
    return [(pk, 1) for pk in chosen]


def parse_ranking(ranks: Mapping[int, str], k: int) -> list[int]:
    """Turn "project → rank typed" into the ordered list of project ids.

    Blank ranks are projects left out. Ranks must be whole numbers from 1 to k, each used
    once, following on from 1 (1, 2, 3 — not 1, 3).
    """
    placed: dict[int, int] = {}
    for pk, raw in ranks.items():
        raw = (raw or "").strip()
        if not raw:
            continue
        if not raw.isdigit() or not 1 <= int(raw) <= k:
            raise _error(_("Un rang est un nombre entier de 1 à %(k)d.") % {"k": k})
        rank = int(raw)
        if rank in placed:
            raise _error(_("Le rang %(rank)d est donné à deux projets.") % {"rank": rank})
        placed[rank] = pk
    for expected in range(1, len(placed) + 1):
        if expected not in placed:
            raise _error(
                _("Les rangs se suivent à partir de 1 : il manque le rang %(rank)d.")
                % {"rank": expected}
            )
    return [placed[rank] for rank in sorted(placed)]


def counter_text(rule: BallotRule, options: Mapping[int, Option], chosen: Sequence[int]) -> str:
    """The live counter of the ballot page: "2 choix sur 3", or the amount left."""
    count = len([pk for pk in chosen if pk in options])
    if rule.kind == KNAPSACK:
        total = sum((options[pk].amount for pk in chosen if pk in options), Decimal("0"))
        left = (rule.budget or Decimal("0")) - total
        if left < 0:
            return _("Dépassement du budget : %(amount)s de trop") % {"amount": format_euros(-left)}
        return _("Il vous reste %(amount)s sur %(budget)s") % {
            "amount": format_euros(left),
            "budget": format_euros(rule.budget or Decimal("0")),
        }
    if rule.kind == ONE_PER_CATEGORY:
        categories = len({o.category_id for o in options.values()})
        return _("%(count)d catégorie(s) sur %(total)d") % {"count": count, "total": categories}
    high = rule.most
    if high is None:
        return ngettext("%(count)d choix", "%(count)d choix", count) % {"count": count}
    return _("%(count)d choix sur %(high)d") % {"count": count, "high": high}
