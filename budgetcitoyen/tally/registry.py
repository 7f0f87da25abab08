"""The counting rules, each declared once: its name, the names it is also known by, what it
takes (category envelopes, a vote threshold, approval ballots only), its wording and the
function that runs it.

The CLI (``--rule``), the edition admin (the choices of ``Edition.allocation_rule``), the results
pages (the rule explained, the recount instructions) and the platform's count all read this
module; ``run`` is the one way into the engine. Labels and descriptions are French msgids,
marked with ``gettext_noop``: the platform translates them, the CLI prints them as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from budgetcitoyen.tally import rules
from budgetcitoyen.tally.model import Outcome, Profile, Project, TallyError
from budgetcitoyen.tally.trace import gettext_noop

Projects = Sequence[Project]
Envelopes = Sequence[tuple[str, Fraction]]
# (projects, profile, budget, envelopes by priority, threshold) -> outcome
CountFunction = Callable[[Projects, Profile, Fraction, Envelopes, int | None], Outcome]


@dataclass(frozen=True)
class CountingRule:
    name: str
    label: str
    """What the admin lists (a msgid)."""
    description: str
    """The rule in plain words, as a resident reads it (a msgid; ``%(most)s`` becomes "les
    plus votés" or "les plus soutenus")."""
    count: CountFunction
    envelopes: bool = False
    """Counts each category within its envelope (the budget is their sum) instead of one
    budget."""
    threshold: bool = False
    """Accepts a minimal number of votes; such rules also rank by votes, ties by the tie order."""
    approval_only: bool = False
    aliases: tuple[str, ...] = ()


def _greedy(
    projects: Projects,
    profile: Profile,
    budget: Fraction,
    _envelopes: Envelopes,
    threshold: int | None,
) -> Outcome:
    return rules.greedy(projects, profile, budget, threshold=threshold)


def _greedy_no_skip(
    projects: Projects,
    profile: Profile,
    budget: Fraction,
    _envelopes: Envelopes,
    threshold: int | None,
) -> Outcome:
    return rules.greedy(projects, profile, budget, threshold=threshold, skip=False)


def _envelopes(
    projects: Projects,
    profile: Profile,
    _budget: Fraction,
    envelopes: Envelopes,
    threshold: int | None,
) -> Outcome:
    return rules.by_envelopes(projects, profile, envelopes, threshold=threshold)


def _mes(
    projects: Projects,
    profile: Profile,
    budget: Fraction,
    _envelopes: Envelopes,
    _threshold: int | None,
) -> Outcome:
    return rules.mes(projects, profile, budget)


def _mes_add1(
    projects: Projects,
    profile: Profile,
    budget: Fraction,
    _envelopes: Envelopes,
    _threshold: int | None,
) -> Outcome:
    return rules.mes_add1(projects, profile, budget)


EQUAL_SHARES = gettext_noop(
    "Méthode des parts égales : le budget est partagé à parts égales entre les votants ; "
    "un projet est financé quand ceux qui l'ont soutenu peuvent le payer ensemble, et "
    "à chaque tour est retenu le projet qui demande la plus petite part à chacun de ses "
    "soutiens."
)

RULES: dict[str, CountingRule] = {
    rule.name: rule
    for rule in (
        CountingRule(
            name="envelopes",
            label=gettext_noop("Enveloppes par catégorie, reliquats redistribués par priorité"),
            description=gettext_noop(
                "Chaque catégorie finance d'abord ses projets %(most)s, dans l'ordre, tant que "
                "son enveloppe le permet ; ce qui reste des enveloppes est ensuite mis en commun "
                "et finance, catégorie par catégorie dans l'ordre de priorité, les projets "
                "suivants qui tiennent encore dans ce reste."
            ),
            count=_envelopes,
            envelopes=True,
            threshold=True,
            aliases=("pas-de-calais",),
        ),
        CountingRule(
            name="greedy",
            label=gettext_noop("Glouton : les plus votés tant que le budget le permet"),
            description=gettext_noop(
                "Les projets sont financés du plus soutenu au moins soutenu tant que le budget "
                "le permet ; un projet trop cher pour ce qui reste est passé, et le suivant est "
                "examiné."
            ),
            count=_greedy,
            threshold=True,
        ),
        CountingRule(
            name="greedy-no-skip",
            label=gettext_noop("Glouton sans saut : s'arrête au premier projet trop cher"),
            description=gettext_noop(
                "Les projets sont financés du plus soutenu au moins soutenu ; le financement "
                "s'arrête au premier projet dont le coût dépasse ce qui reste du budget."
            ),
            count=_greedy_no_skip,
            threshold=True,
        ),
        CountingRule(
            name="mes",
            label=gettext_noop("Méthode des parts égales"),
            description=EQUAL_SHARES,
            count=_mes,
            approval_only=True,
        ),
        CountingRule(
            name="mes-add1",
            label=gettext_noop("Méthode des parts égales, complétée (Add1)"),
            description=gettext_noop(
                "Méthode des parts égales : le budget est partagé à parts égales entre les "
                "votants ; un projet est financé quand ceux qui l'ont soutenu peuvent le payer "
                "ensemble, et à chaque tour est retenu le projet qui demande la plus petite part "
                "à chacun de ses soutiens. Pour ne pas laisser d'argent sans emploi, le calcul "
                "est refait en ajoutant un euro à la part de chaque votant, tant que les projets "
                "retenus tiennent dans le budget réel."
            ),
            count=_mes_add1,
            approval_only=True,
        ),
    )
}
DEFAULT = "envelopes"
_BY_NAME = {name: rule for rule in RULES.values() for name in (rule.name, *rule.aliases)}


def names() -> list[str]:
    """The rules' names, in the order the admin lists them."""
    return list(RULES)


def accepted_names() -> list[str]:
    """Every name a request may use: the rules' names, then their older aliases."""
    return [*RULES, *(alias for rule in RULES.values() for alias in rule.aliases)]


def find(name: str) -> CountingRule | None:
    """The rule of this name or alias, or None."""
    return _BY_NAME.get(name)


def get(name: str) -> CountingRule:
    """The rule of this name or alias; raises ``TallyError`` (in French) for an unknown one."""
    rule = find(name)
    if rule is None:
        raise TallyError(f"règle inconnue « {name} » (règles : {', '.join(RULES)})")
    return rule


def canonical(name: str) -> str:
    """The rule's current name (``pas-de-calais`` → ``envelopes``); an unknown name as given."""
    rule = find(name)
    return rule.name if rule is not None else name


def with_envelopes() -> list[str]:
    return [rule.name for rule in RULES.values() if rule.envelopes]


def with_threshold() -> list[str]:
    return [rule.name for rule in RULES.values() if rule.threshold]


def run(
    name: str,
    projects: Sequence[Project],
    profile: Profile,
    *,
    budget: Fraction | None = None,
    envelopes: Sequence[tuple[str, Fraction]] = (),
    threshold: int | None = None,
) -> Outcome:
    """Run a rule by name or alias (the CLI, the platform and the tests all come through here).
    A rule with envelopes ignores ``budget`` (it is their sum); the others ignore ``envelopes``."""
    rule = get(name)
    if rule.envelopes:
        if not envelopes:
            raise TallyError(
                f"la règle {rule.name} demande une enveloppe par catégorie (--envelope)"
            )
        budget = sum((amount for _category, amount in envelopes), Fraction(0))
    elif budget is None:
        raise TallyError("budget manquant")
    if threshold and not rule.threshold:
        raise TallyError(f"le seuil de voix ne s'applique pas à la règle {rule.name}")
    return rule.count(projects, profile, budget, envelopes, threshold)
