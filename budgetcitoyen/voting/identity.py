"""Who a voter is, as plain functions: the identity key, the age on a day, the age band.

The identity key finds the same person behind two ballots cast with different email
addresses, or online and on paper. It folds what varies between two honest spellings of
one name:

- case and accents (``Élodie`` = ``elodie``), ligatures (``Lætitia`` = ``laetitia``);
- separators: hyphens, spaces, dots (``Jean-Pierre`` = ``Jean Pierre``);
- apostrophes, which join (``D'Artagnan`` = ``Dartagnan``), and a lone letter, which
  joins the word after it (``D Artagnan`` = ``Dartagnan``, ``L Hermite`` = ``Lhermite``);
- the order of the parts of a compound name (``Martin-Dupont`` = ``Dupont Martin``).

Only the first given name counts (people list their other first names inconsistently),
and the date of birth. Two different people can share a key (homonyms born the same
day): that is why a match is put under review by a person, never annulled automatically.
"""

from __future__ import annotations

import re
from datetime import date

from budgetcitoyen.territories.normalize import fold_letters

_APOSTROPHES = re.compile(r"['’‘`´ʼ]")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def name_parts(value: str) -> list[str]:
    """``"D'Artagnan-Le Gall"`` → ``["dartagnan", "le", "gall"]``, in the order written."""
    value = _APOSTROPHES.sub("", fold_letters(value))
    words = [w for w in _SEPARATORS.split(value) if w]
    parts: list[str] = []
    pending = ""
    for word in words:
        if len(word) == 1:
            pending += word
            continue
        parts.append(pending + word)
        pending = ""
    if pending:
        parts.append(pending)
    return parts


def first_given_name(first_names: str) -> str:
    """The first given name of what a person typed ("Marie-Claire, Anne" → "Marie-Claire")."""
    return first_names.split(",")[0].strip()


def identity_key(last_name: str, first_name: str, birth_date: date) -> str:
    """``dupont martin|jean pierre|1980-05-02``: equal for two spellings of one identity."""
    last = " ".join(sorted(name_parts(last_name)))
    first = " ".join(sorted(name_parts(first_given_name(first_name))))
    return f"{last}|{first}|{birth_date.isoformat()}"


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day``; the birthday itself counts (11 on the 11th birthday).

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


AGE_BANDS: list[tuple[int, int | None, str]] = [
    (0, 17, "0-17"),
    (18, 24, "18-24"),
    (25, 39, "25-39"),
    (40, 59, "40-59"),
    (60, 74, "60-74"),
    (75, None, "75+"),
]


def age_band(age: int) -> str:
    """The statistics band of an age: 0-17, 18-24, 25-39, 40-59, 60-74, 75+."""
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[-1][2]


AGE_BAND_LABELS = {
    "0-17": "moins de 18 ans",
    "18-24": "18 à 24 ans",
    "25-39": "25 à 39 ans",
    "40-59": "40 à 59 ans",
    "60-74": "60 à 74 ans",
    "75+": "75 ans et plus",
}
