"""Reads on territories: look-ups of communes by INSEE code, postal code and name."""

from __future__ import annotations

from django.db.models import Q, QuerySet

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
    if query.isdigit():
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
