"""How anyone recounts a published result: the ``budgetcitoyen pb tally`` command and a short
pabutools program, both generated from the snapshot and the counting-rule registry.

The program follows the engine's tie order (``tally.model.tie_order``) and compares project ids
the engine's way (``tally.model.id_order``).
"""

from __future__ import annotations

import json

from budgetcitoyen.results.models import ResultSnapshot
from budgetcitoyen.results.presentation import pb_filename, uses_points
from budgetcitoyen.tally import registry
from budgetcitoyen.tally.model import numeric_ids


def _shell_quote(text: str) -> str:
    for char in ("\\", '"', "$", "`"):
        text = text.replace(char, "\\" + char)
    return f'"{text}"'


def tally_command(snapshot: ResultSnapshot) -> str:
    """The ``budgetcitoyen pb tally`` command that recounts the downloaded file."""
    rule = registry.find(snapshot.rule)
    name = rule.name if rule is not None else snapshot.rule
    words = ["budgetcitoyen", "pb", "tally", pb_filename(snapshot), "--rule", name]
    if rule is not None and rule.envelopes:
        for envelope in snapshot.outcome.get("envelopes", []):
            words += ["--envelope", _shell_quote(f"{envelope['category']}={envelope['amount']}")]
    if rule is not None and rule.threshold and snapshot.threshold:
        words += ["--threshold", str(snapshot.threshold)]
    return " ".join(words)


def _python_string(text: str) -> str:
    """A Python string literal, always between double quotes (JSON's escapes are Python's)."""
    return json.dumps(text, ensure_ascii=False)


def _python_votes(points: bool) -> str:
    add = "ballot[project]" if points else "1"
    return (
        "votes = Counter()  # les voix de chaque projet\n"
        "for ballot in profile:\n"
        "    for project in ballot:\n"
        f"        votes[project] += {add}\n"
    )


def _number(snapshot: ResultSnapshot) -> str:
    """How the program compares project ids: the engine's ``id_order`` (as integers when every
    id is one, else as text)."""
    ids = [str(row["id"]) for row in snapshot.outcome.get("projects", [])]
    return "int(p.name)" if numeric_ids(ids) else "p.name"


def python_snippet(snapshot: ResultSnapshot) -> str:
    """A short Python program recounting the downloaded file with pabutools (pabutools.org).
    Empty for a rule the program does not know how to recount."""
    counting_rule = registry.find(snapshot.rule)
    if counting_rule is None:
        return ""
    rule = counting_rule.name
    filename = pb_filename(snapshot)
    points = uses_points(snapshot)
    threshold = snapshot.threshold if counting_rule.threshold and snapshot.threshold else 0
    number = _number(snapshot)
    # The engine's tie order (tally.model.tie_order): lower cost first, then more votes, then
    # the smaller project number; the greedy rules rank by votes first.
    tie = (
        f"tie = TieBreakingRule(lambda _i, _p, p: (p.cost, -votes[p], {number}))\n"
        "# à égalité : le moins cher, puis le plus soutenu, puis le plus petit numéro\n"
    )
    order = (
        f"order = lambda p: (-votes[p], p.cost, {number})\n"
        "# plus de voix d'abord ; à égalité, le moins cher, puis le plus petit numéro\n"
    )
    show = f"print(sorted({number} for p in funded))\n"
    read = f"instance, profile = parse_pabulib({_python_string(filename)})\n"
    if counting_rule.envelopes:
        envelopes = ",\n".join(
            f"    {_python_string(e['category'])}: Fraction({_python_string(str(e['amount']))})"
            for e in snapshot.outcome.get("envelopes", [])
        )
        return (
            "from collections import Counter\n"
            "from fractions import Fraction\n\n"
            "from pabutools.election import parse_pabulib\n\n"
            + read
            + "envelopes = {  # par ordre de priorité\n"
            + envelopes
            + ",\n}\n"
            + f"threshold = {threshold}  # seuil de voix\n"
            + _python_votes(points)
            + order
            + "eligible = [p for p in instance if votes[p] > 0 and votes[p] >= threshold]\n"
            "category = {p: next(iter(p.categories)) for p in eligible}\n\n"
            "funded, pool = [], 0\n"
            "for name, envelope in envelopes.items():  # 1. chaque enveloppe\n"
            "    for p in sorted((p for p in eligible if category[p] == name), key=order):\n"
            "        if p.cost <= envelope:\n"
            "            funded.append(p)\n"
            "            envelope -= p.cost\n"
            "    pool += envelope  # 2. les reliquats mis en commun\n"
            "for name in envelopes:  # 3. par priorité, tant que le reste le permet\n"
            "    for p in sorted((p for p in eligible if category[p] == name), key=order):\n"
            "        if p not in funded and p.cost <= pool:\n"
            "            funded.append(p)\n"
            "            pool -= p.cost\n" + show
        )
    if rule == "greedy-no-skip" or (rule == "greedy" and points):
        stop = "        break  # on s'arrête au premier projet trop cher\n"
        skip = "        continue  # trop cher pour ce qui reste : on passe au suivant\n"
        return (
            "from collections import Counter\n\n"
            "from pabutools.election import parse_pabulib\n\n"
            + read
            + f"threshold = {threshold}  # seuil de voix\n"
            + _python_votes(points)
            + order
            + "eligible = [p for p in instance if votes[p] > 0 and votes[p] >= threshold]\n"
            "funded, rest = [], instance.budget_limit\n"
            "for p in sorted(eligible, key=order):\n"
            "    if p.cost > rest:\n"
            + (stop if rule == "greedy-no-skip" else skip)
            + "    funded.append(p)\n"
            "    rest -= p.cost\n" + show
        )
    if rule == "greedy":
        return (
            "from collections import Counter\n\n"
            "from pabutools.election import Cost_Sat, parse_pabulib\n"
            "from pabutools.rules import greedy_utilitarian_welfare\n"
            "from pabutools.tiebreaking import TieBreakingRule\n\n"
            + read
            + f"threshold = {threshold}  # seuil de voix\n"
            + _python_votes(points)
            + "for p in [p for p in instance if votes[p] == 0 or votes[p] < threshold]:\n"
            "    instance.remove(p)  # sans voix ou sous le seuil : jamais financé\n"
            + tie
            + "funded = greedy_utilitarian_welfare(\n"
            "    instance, profile.as_multiprofile(), sat_class=Cost_Sat, tie_breaking=tie\n"
            ")\n" + show
        )
    if rule in ("mes", "mes-add1"):
        if rule == "mes":
            call = (
                "funded = method_of_equal_shares(\n"
                "    instance, profile.as_multiprofile(), sat_class=Cost_Sat, tie_breaking=tie\n"
                ")\n"
            )
            imports = "from pabutools.rules import method_of_equal_shares\n"
        else:
            call = (
                "funded = exhaustion_by_budget_increase(  # Add1 : un euro de plus par votant\n"
                "    instance,\n"
                "    profile.as_multiprofile(),\n"
                "    method_of_equal_shares,\n"
                '    {"sat_class": Cost_Sat, "tie_breaking": tie},\n'
                "    budget_step=profile.num_ballots(),\n"
                "    exhaustive_stop=False,\n"
                ")\n"
            )
            imports = "from pabutools.rules import exhaustion_by_budget_increase, method_of_equal_shares\n"
        return (
            "from collections import Counter\n\n"
            "from pabutools.election import Cost_Sat, parse_pabulib\n"
            + imports
            + "from pabutools.tiebreaking import TieBreakingRule\n\n"
            + read
            + _python_votes(points)
            + tie
            + call
            + show
        )
    return ""
