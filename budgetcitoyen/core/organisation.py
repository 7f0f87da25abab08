"""The collectivité this instance serves: its names, addresses and default voting age.

One instance of the platform serves one collectivité (docs/ARCHITECTURE.md, "One collectivité
per instance"), so who it is lives in settings (``BUDGETCITOYEN_*``, see the README), read
only here. Code and templates never name a place: they format their sentences with
:func:`names`, which hands out the form each sentence needs.

French needs several forms of a name, and no rule derives one from another ("la Métropole de
Lyon", "de la Métropole de Lyon", "dans la Métropole de Lyon"; "l'Hérault", "de l'Hérault",
"dans l'Hérault"), so each form is a setting of its own. English needs only one.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import lazy


def _english() -> bool:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return not language.startswith("fr")


def names() -> dict[str, str]:
    """The organisation's and the area's names in the active language, keyed as the
    ``%(…)s`` placeholders of the sentences that use them.

    ``organisation`` is the full name ("Métropole de Lyon"); ``organisation_short`` and
    ``organisation_of`` its short forms ("la Métropole", "de la Métropole"); ``area``,
    ``area_of`` and ``area_in`` the electorate's area ("la Métropole de Lyon", "de la Métropole
    de Lyon", "dans la Métropole de Lyon", preposition included since it varies: "dans", "en").
    """
    if _english():
        area = settings.BUDGETCITOYEN_AREA_EN
        short = settings.BUDGETCITOYEN_ORGANISATION_EN
        return {
            "organisation": settings.BUDGETCITOYEN_ORGANISATION,
            "organisation_short": short,
            "organisation_of": short,
            "area": area,
            "area_of": area,
            "area_in": f"in {area}",
        }
    return {
        "organisation": settings.BUDGETCITOYEN_ORGANISATION,
        "organisation_short": settings.BUDGETCITOYEN_ORGANISATION_SHORT,
        "organisation_of": settings.BUDGETCITOYEN_ORGANISATION_OF,
        "area": settings.BUDGETCITOYEN_AREA,
        "area_of": settings.BUDGETCITOYEN_AREA_OF,
        "area_in": settings.BUDGETCITOYEN_AREA_IN,
    }


def with_names(text: Any) -> str:
    """``text`` (a translated sentence with ``%(area_of)s``-style placeholders) with the names
    filled in. Only the placeholders of :func:`names` are allowed in ``text``."""
    return str(text) % names()


# For labels built once at import time (form fields): translated and filled at each use.
with_names_lazy = lazy(with_names, str)


def contact_email() -> str:
    return settings.BUDGETCITOYEN_CONTACT_EMAIL


def dpo_email() -> str:
    return settings.BUDGETCITOYEN_DPO_EMAIL


def default_minimum_voter_age() -> int:
    """The minimum voting age a new edition starts with (each edition keeps its own)."""
    return int(settings.BUDGETCITOYEN_MINIMUM_VOTER_AGE)


def template_context() -> dict[str, str]:
    """What every page may print about the organisation (see ``core.context_processors``)."""
    return {
        **names(),
        "organisation_address": settings.BUDGETCITOYEN_ORGANISATION_ADDRESS,
        "publication_director": settings.BUDGETCITOYEN_PUBLICATION_DIRECTOR_EN
        if _english()
        else settings.BUDGETCITOYEN_PUBLICATION_DIRECTOR,
        "contact_email": contact_email(),
        "dpo_email": dpo_email(),
    }
