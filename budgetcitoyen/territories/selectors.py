"""Reads on territories: look-ups of communes by INSEE code, postal code and name."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from budgetcitoyen.core.errors import InvalidInput
from budgetcitoyen.territories.models import Commune, CommuneAlias, Territory
from budgetcitoyen.territories.normalize import fold_name


def territory_list() -> QuerySet[Territory]:
    return Territory.objects.order_by("name")


def commune_by_insee(code: str) -> Commune | None:
    """The current commune with this INSEE code, or the one a former commune merged into."""
    code = code.strip().upper()
    commune = Commune.objects.select_related("territory").filter(insee_code=code).first()
    if commune is not None:
        return commune
    alias = (
        CommuneAlias.objects.select_related("commune__territory").filter(insee_code=code).first()
    )
    return alias.commune if alias else None


def communes_by_postal_code(code: str) -> QuerySet[Commune]:
    """Every commune a postal code serves (62000: Arras and Dainville)."""
    return (
        Commune.objects.select_related("territory")
        .filter(postal_codes__code=code.strip())
        .order_by("search_name")
        .distinct()
    )


def communes_by_name(name: str) -> QuerySet[Commune]:
    """Current communes whose name, or a former commune's name, matches ignoring case and accents."""
    folded = fold_name(name)
    if not folded:
        return Commune.objects.none()
    return (
        Commune.objects.select_related("territory")
        .filter(Q(search_name=folded) | Q(aliases__search_name=folded))
        .order_by("search_name")
        .distinct()
    )


def commune_search(query: str, *, limit: int = 20) -> list[tuple[Commune, str | None]]:
    """Autocomplete: communes whose name (or former name) starts with or contains ``query``.

    Returns ``(commune, alias_name)`` pairs, ``alias_name`` set when the match was a former
    commune's name, so a form can show "Marconne (aujourd'hui Hesdin-la-Forêt)". A postal code
    typed as the query matches the communes it serves. Prefix matches come first.
    """
    query = query.strip()
    if not query:
        return []
    if query.isascii() and query.isdigit():
        by_code = (
            Commune.objects.filter(postal_codes__code__startswith=query)
            .distinct()
            .order_by("search_name")
        )
        return [(commune, None) for commune in by_code[:limit]]
    folded = fold_name(query)
    results: list[tuple[Commune, str | None]] = []
    seen: set[int] = set()
    prefix = Commune.objects.filter(search_name__startswith=folded).order_by("search_name")
    contains = (
        Commune.objects.filter(search_name__contains=folded)
        .exclude(search_name__startswith=folded)
        .order_by("search_name")
    )
    for commune in [*prefix[:limit], *contains[:limit]]:
        if commune.pk not in seen:
            seen.add(commune.pk)
            results.append((commune, None))
    for alias in CommuneAlias.objects.select_related("commune").filter(
        search_name__contains=folded
    )[:limit]:
        results.append((alias.commune, alias.name))
    return results[:limit]


def department_population() -> int:
    from django.db.models import Sum

    return Commune.objects.aggregate(total=Sum("population"))["total"] or 0


class AmbiguousCommune(InvalidInput):
    """A name several communes bear, which the postal code given (if any) does not separate."""

    def __init__(self, text: str, candidates: list[Commune]) -> None:
        self.text = text
        self.candidates = candidates
        first = candidates[0]
        code = first.postal_codes.order_by("code").values_list("code", flat=True).first()
        super().__init__(
            _(
                "« %(text)s » désigne plusieurs communes : précisez le code postal, par exemple « %(example)s »."
            )
            % {"text": text, "example": f"{first.name} ({code})" if code else first.name}
        )


_INSEE = re.compile(r"\d[\dAB]\d{3}")
_WITH_POSTAL_CODE = re.compile(r"(.*?)\s*\((\d{5})\)")
_PARENTHESIS = re.compile(r"\s*\(.*\)\s*$")


def resolve_commune(text: str, postal_code: str = "") -> Commune | None:
    """The one commune a person means: a name (a former commune's name too), an INSEE code, or
    "Name (postal code)", the postal code telling namesakes apart.

    None when nothing matches. Raises ``AmbiguousCommune`` when several communes bear the name
    and no postal code separates them: the platform never picks one of them silently. With a
    single match, the postal code is not checked here (eligibility checks it).
    """
    text = text.strip()
    if match := _WITH_POSTAL_CODE.fullmatch(text):
        text, postal_code = match.group(1), postal_code.strip() or match.group(2)
    else:
        text = _PARENTHESIS.sub("", text).strip()
    postal_code = postal_code.strip()
    if _INSEE.fullmatch(text.upper()) and (commune := commune_by_insee(text)):
        return commune
    if not text:
        served = list(communes_by_postal_code(postal_code)) if postal_code else []
        return served[0] if len(served) == 1 else None
    candidates = list(communes_by_name(text))
    if len(candidates) > 1 and postal_code:
        serving = set(communes_by_postal_code(postal_code).values_list("pk", flat=True))
        candidates = [c for c in candidates if c.pk in serving] or candidates
    if len(candidates) > 1:
        raise AmbiguousCommune(text, candidates)
    return candidates[0] if candidates else None
