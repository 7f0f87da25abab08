"""The ballot rules: one class per rule, and the registry that lists them.

A ballot is an ordered list of project ids. Each rule class says everything that depends on the
rule: how the ballot form is read (``parse``) and written back (``form_fields``), whether a
ballot is valid (``validate``, pure: no database), the points of each choice, the live counter,
the sentence a voter reads, the pabulib ``vote_type`` of the export, which of the edition's
minimum and maximum it uses, and its template (``voting/rules/<code>.html``). ``validate`` is
the one judge of a ballot's shape: the ballot page, the summary, the cast and the paper entry
all call it, so what the browser sends never matters.

``Edition.vote_rule`` stores a rule's ``code``; its choices are ``choices()``, so a new rule is
one class here (decorated with ``@register``), one template and one test file.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.core.formatting import money as format_euros


@dataclass(frozen=True)
class Option:
    """A project on the ballot."""

    pk: int
    title: str
    category_id: int
    category_name: str
    amount: Decimal


def _choose(count: int) -> str:
    return ngettext("%(count)d projet", "%(count)d projets", count) % {"count": count}


def _error(message: str) -> InvalidInput:
    return InvalidInput(message, errors={"choices": message})


def _not_a_project() -> InvalidInput:
    return _error(_("Un des projets choisis ne fait pas partie des projets soumis au vote."))


class BallotRule(ABC):
    """What every ballot rule provides. An instance holds one edition's settings."""

    code: ClassVar[str]
    label: ClassVar[str | Promise]
    description: ClassVar[str | Promise]
    pb_vote_type: ClassVar[str] = "approval"
    # Choices get different points (shown on the summary and the receipt, written in the .pb).
    uses_points: ClassVar[bool] = False
    uses_min_choices: ClassVar[bool] = False
    uses_max_choices: ClassVar[bool] = False
    default_max_choices: ClassVar[int | None] = None
    uses_budget: ClassVar[bool] = False
    # How ballot.js updates the counter as choices change: "count", "categories" or "budget".
    counter_style: ClassVar[str] = "count"

    def __init__(
        self,
        min_choices: int | None = None,
        max_choices: int | None = None,
        budget: Decimal | None = None,
    ) -> None:
        self.min_choices = min_choices if self.uses_min_choices else None
        self.max_choices = (
            (max_choices or self.default_max_choices) if self.uses_max_choices else None
        )
        self.budget = budget if self.uses_budget else None

    @classmethod
    def for_edition(cls, edition: Any) -> BallotRule:
        """The rule with the edition's settings (the budget is the sum of its envelopes)."""
        return cls(
            min_choices=edition.vote_min_choices,
            max_choices=edition.vote_max_choices,
            budget=edition.total_envelope if cls.uses_budget else None,
        )

    @property
    def template(self) -> str:
        return f"voting/rules/{self.code}.html"

    @property
    def least(self) -> int:
        return 1

    @property
    def most(self) -> int | None:
        return self.max_choices

    # --- The edition's settings (checked by editions.services) ---

    @classmethod
    def settings_errors(cls, min_choices: int | None, max_choices: int | None) -> dict[str, str]:
        """What is wrong with the edition's minimum and maximum for this rule."""
        return {}

    @classmethod
    def normalise_settings(
        cls, min_choices: int | None, max_choices: int | None
    ) -> tuple[int | None, int | None]:
        """Drop the numbers the rule does not use, so what is stored is what applies."""
        return (
            min_choices if cls.uses_min_choices else None,
            max_choices if cls.uses_max_choices else None,
        )

    # --- The ballot form ---

    def parse(self, data: Mapping[str, Any]) -> list[int]:
        """The ordered project ids the ballot form sends (``InvalidInput`` when unreadable)."""
        getlist = getattr(data, "getlist", None)
        values = getlist("projets") if getlist else data.get("projets", [])
        try:
            return [int(value) for value in values]
        except (TypeError, ValueError) as error:
            raise _not_a_project() from error

    def form_fields(
        self, options: Mapping[int, Option], chosen: Sequence[int]
    ) -> list[tuple[str, str]]:
        """The (name, value) pairs that send ``chosen`` back (hidden fields of the summary)."""
        return [("projets", str(pk)) for pk in chosen]

    # --- Judging a ballot ---

    def validate(
        self, options: Mapping[int, Option], choices: Sequence[int]
    ) -> list[tuple[int, int]]:
        """Check a ballot against the rule; return its ``(project id, points)`` pairs.

        Raises ``InvalidInput`` (field ``choices``) with a French message for each invalid shape.
        """
        chosen = list(choices)
        if len(set(chosen)) != len(chosen):
            raise _error(_("Un même projet ne peut être choisi qu'une fois."))
        if any(pk not in options for pk in chosen):
            raise _not_a_project()
        if not chosen:
            raise _error(_("Choisissez au moins un projet avant de valider votre vote."))
        self.check(options, chosen)
        return self.points(chosen)

    def check(  # noqa: B027 - a rule may have no refusal of its own
        self, options: Mapping[int, Option], chosen: Sequence[int]
    ) -> None:
        """The rule's own refusals, once choices are known, distinct projects and not empty."""

    def points(self, chosen: Sequence[int]) -> list[tuple[int, int]]:
        return [(pk, 1) for pk in chosen]

    # --- What the voter reads ---

    def excess(self, count: int) -> int:
        """How many choices over the maximum ``count`` choices are (0 within it)."""
        high = self.most
        return max(count - high, 0) if high is not None else 0

    def counter(self, options: Mapping[int, Option], chosen: Sequence[int]) -> str:
        """The live counter of the ballot page ("2 choix sur 3"), also shown without JavaScript.

        Over the maximum it says so and what to do ("4 choix sur 3 : 1 de trop…"): the server
        refuses such a ballot (``check``), the counter warns before the voter sends it.
        """
        count = len([pk for pk in chosen if pk in options])
        high = self.most
        if high is None:
            return ngettext("%(count)d choix", "%(count)d choix", count) % {"count": count}
        excess = self.excess(count)
        if excess:
            return ngettext(
                "%(count)d choix sur %(high)d : %(excess)d de trop, retirez-en un.",
                "%(count)d choix sur %(high)d : %(excess)d de trop, retirez-en %(excess)d.",
                excess,
            ) % {"count": count, "high": high, "excess": excess}
        return _("%(count)d choix sur %(high)d") % {"count": count, "high": high}

    def counter_states(self, options: Mapping[int, Option]) -> list[dict[str, Any]]:
        """The counter for each number of choices, 0 to every project, for ``ballot.js``: the
        page's language and plurals come from the server, the script only picks a line."""
        ids = list(options)
        return [
            {"text": self.counter(options, ids[:count]), "over": self.excess(count) > 0}
            for count in range(len(ids) + 1)
        ]

    @abstractmethod
    def voter_text(self) -> str:
        """The rule in plain French, as a voter reads it (ballot page, "Comment ça marche")."""


RULES: dict[str, type[BallotRule]] = {}


def register(rule: type[BallotRule]) -> type[BallotRule]:
    """Add a rule class to the registry (``Edition.vote_rule`` then offers its code)."""
    if rule.code in RULES:
        raise ValueError(f"ballot rule {rule.code!r} registered twice")
    RULES[rule.code] = rule
    return rule


def choices() -> list[tuple[str, str | Promise]]:
    """``Edition.vote_rule``'s choices: every registered rule's code and label."""
    return [(code, rule.label) for code, rule in RULES.items()]


def rule_class(code: str) -> type[BallotRule]:
    try:
        return RULES[code]
    except KeyError:
        raise InvalidInput(_("La règle de vote de cette édition est inconnue.")) from None


def rule_of(edition: Any) -> BallotRule:
    """The ballot rule an edition sets, with its settings."""
    return rule_class(edition.vote_rule).for_edition(edition)


# --- The rules --------------------------------------------------------------------------------


@register
class OnePerCategory(BallotRule):
    """At most one project in each category (the 2019 rule)."""

    code = "one_per_category"
    label = gettext_lazy("Un projet par catégorie")
    description = gettext_lazy(
        "Le votant choisit au plus un projet dans chaque catégorie ; chaque choix compte une "
        "voix. Les nombres minimum et maximum de choix ne servent pas."
    )
    counter_style = "categories"

    def parse(self, data: Mapping[str, Any]) -> list[int]:
        picked = [
            str(value)
            for key, value in data.items()
            if key.startswith("categorie-") and str(value).strip()
        ]
        try:
            return [int(value) for value in picked]
        except ValueError as error:
            raise _not_a_project() from error

    def form_fields(
        self, options: Mapping[int, Option], chosen: Sequence[int]
    ) -> list[tuple[str, str]]:
        return [(f"categorie-{options[pk].category_id}", str(pk)) for pk in chosen]

    def check(self, options: Mapping[int, Option], chosen: Sequence[int]) -> None:
        seen: set[int] = set()
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
            seen.add(option.category_id)

    def counter(self, options: Mapping[int, Option], chosen: Sequence[int]) -> str:
        count = len([pk for pk in chosen if pk in options])
        categories = len({o.category_id for o in options.values()})
        return ngettext(
            "%(count)d catégorie sur %(total)d", "%(count)d catégories sur %(total)d", count
        ) % {"count": count, "total": categories}

    def voter_text(self) -> str:
        return _("Vous choisissez un projet dans chaque catégorie.")


@register
class Favourites(BallotRule):
    """Between a minimum and a maximum of favourite projects (1 to 3 by default; an edition may
    ask for exactly 3, the 2024 rule)."""

    code = "favourites"
    label = gettext_lazy("Coups de cœur (entre un minimum et un maximum de projets)")
    description = gettext_lazy(
        "Le votant choisit ses coups de cœur, entre le nombre minimum et le nombre maximum de "
        "choix (de 1 à 3 par défaut) ; chaque choix compte une voix."
    )
    uses_min_choices = True
    uses_max_choices = True
    default_max_choices = 3

    @property
    def least(self) -> int:
        return self.min_choices or 1

    @classmethod
    def settings_errors(cls, min_choices: int | None, max_choices: int | None) -> dict[str, str]:
        errors: dict[str, str] = {}
        if not min_choices:
            errors["vote_min_choices"] = _(
                "Indiquez le nombre minimum de coups de cœur (au moins 1)."
            )
        if not max_choices:
            errors["vote_max_choices"] = _("Indiquez le nombre maximum de coups de cœur.")
        elif min_choices and max_choices < min_choices:
            errors["vote_max_choices"] = _("Le maximum de choix ne peut être inférieur au minimum.")
        return errors

    def check(self, options: Mapping[int, Option], chosen: Sequence[int]) -> None:
        count = len(chosen)
        low = self.least
        high = self.most or low
        if low <= count <= high:
            return
        if low == high:
            message = _("Choisissez exactement %(expected)s (vous en avez choisi %(count)d).")
            expected = _choose(low)
        else:
            message = _("Choisissez entre %(expected)s (vous en avez choisi %(count)d).")
            expected = _("%(low)d et %(high)d projets") % {"low": low, "high": high}
        raise _error(message % {"expected": expected, "count": count})

    def voter_text(self) -> str:
        low, high = self.least, self.most or self.least
        if low == high:
            return ngettext(
                "Vous choisissez votre coup de cœur parmi les projets labellisés.",
                "Vous choisissez vos %(count)d coups de cœur parmi les projets labellisés.",
                high,
            ) % {"count": high}
        return _(
            "Vous choisissez entre %(low)d et %(high)d coups de cœur parmi les projets labellisés."
        ) % {"low": low, "high": high}


def _at_most(most: int | None, chosen: Sequence[int]) -> None:
    count = len(chosen)
    if most is not None and count > most:
        raise _error(
            _("Vous pouvez choisir au plus %(expected)s (vous en avez choisi %(count)d).")
            % {"expected": _choose(most), "count": count}
        )


@register
class Approval(BallotRule):
    """Any number of projects up to a maximum, one vote each."""

    code = "approval"
    label = gettext_lazy("Approbation (jusqu'à un nombre maximum de projets)")
    description = gettext_lazy(
        "Le votant soutient autant de projets qu'il veut, jusqu'au nombre maximum de choix ; "
        "chaque choix compte une voix."
    )
    uses_max_choices = True

    @classmethod
    def settings_errors(cls, min_choices: int | None, max_choices: int | None) -> dict[str, str]:
        if max_choices:
            return {}
        return {
            "vote_max_choices": _(
                "Indiquez le nombre maximum de projets qu'un votant peut approuver."
            )
        }

    def check(self, options: Mapping[int, Option], chosen: Sequence[int]) -> None:
        _at_most(self.most, chosen)

    def voter_text(self) -> str:
        high = self.most or 0
        return ngettext(
            "Vous soutenez le projet de votre choix.",
            "Vous soutenez jusqu'à %(count)d projets.",
            high,
        ) % {"count": high}


@register
class Points(BallotRule):
    """A ranking of up to k projects: the first gets k points, the next k−1, and so on."""

    code = "points"
    label = gettext_lazy("Classement de k projets (k points au premier, k−1 au suivant…)")
    description = gettext_lazy(
        "Le votant classe jusqu'à k projets (k : le nombre maximum de choix, 3 par défaut) ; "
        "le premier reçoit k points, le suivant k−1, et ainsi de suite."
    )
    # Each choice carries its points: the .pb file writes them (pabulib's "cumulative").
    pb_vote_type = "cumulative"
    uses_points = True
    uses_max_choices = True
    default_max_choices = 3

    @property
    def ranks(self) -> list[int]:
        """The ranks a voter may give (1 to k)."""
        return list(range(1, (self.most or 1) + 1))

    @classmethod
    def settings_errors(cls, min_choices: int | None, max_choices: int | None) -> dict[str, str]:
        if max_choices:
            return {}
        return {"vote_max_choices": _("Indiquez le nombre k de projets à classer.")}

    def parse(self, data: Mapping[str, Any]) -> list[int]:
        try:
            ranks = {
                int(key.removeprefix("rang-")): str(value)
                for key, value in data.items()
                if key.startswith("rang-")
            }
        except ValueError as error:
            raise _not_a_project() from error
        return parse_ranking(ranks, self.most or 1)

    def form_fields(
        self, options: Mapping[int, Option], chosen: Sequence[int]
    ) -> list[tuple[str, str]]:
        return [(f"rang-{pk}", str(rank)) for rank, pk in enumerate(chosen, start=1)]

    def check(self, options: Mapping[int, Option], chosen: Sequence[int]) -> None:
        _at_most(self.most, chosen)

    def points(self, chosen: Sequence[int]) -> list[tuple[int, int]]:
        k = self.most or len(chosen)
        return [(pk, k - position) for position, pk in enumerate(chosen)]

    def voter_text(self) -> str:
        return _(
            "Vous classez %(k)d projets : le premier reçoit %(k)d points, le suivant un de moins, et ainsi de suite."
        ) % {"k": self.most}


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
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= k:
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


@register
class Knapsack(BallotRule):
    """A basket of projects whose total amount is at most the budget (the sum of the envelopes)."""

    code = "knapsack"
    label = gettext_lazy("Panier (montant total des projets choisis limité au budget)")
    description = gettext_lazy(
        "Le votant compose un panier de projets dont le montant total ne dépasse pas le budget "
        "de l'édition (la somme des enveloppes) ; chaque choix compte une voix. Les nombres "
        "minimum et maximum de choix ne servent pas."
    )
    uses_budget = True
    counter_style = "budget"

    def _total(self, options: Mapping[int, Option], chosen: Sequence[int]) -> Decimal:
        return sum((options[pk].amount for pk in chosen if pk in options), Decimal("0"))

    def check(self, options: Mapping[int, Option], chosen: Sequence[int]) -> None:
        total = self._total(options, chosen)
        budget = self.budget or Decimal("0")
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

    def counter(self, options: Mapping[int, Option], chosen: Sequence[int]) -> str:
        budget = self.budget or Decimal("0")
        left = budget - self._total(options, chosen)
        if left < 0:
            return _("Dépassement du budget : %(amount)s de trop") % {"amount": format_euros(-left)}
        return _("Il vous reste %(amount)s sur %(budget)s") % {
            "amount": format_euros(left),
            "budget": format_euros(budget),
        }

    def voter_text(self) -> str:
        return _(
            "Vous composez votre panier de projets : leur montant total ne peut dépasser le budget de l'édition."
        )
