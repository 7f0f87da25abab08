"""Who a voter is, as plain functions: the identity key, the age on a day, the age band.

The identity key finds the same person behind two ballots cast with different email
addresses, or online and on paper. It folds what varies between two honest spellings of
one name, and what a dishonest one can hide from the eye:

- case and accents (``Élodie`` = ``elodie``), ligatures (``Lætitia`` = ``laetitia``), and
  compatibility forms (NFKC: full-width ``Ｄupont``, mathematical ``𝐃upont``);
- look-alike letters of other scripts, folded to the Latin letter they imitate, from
  Unicode's list of confusables (``confusable_homoglyphs``): Cyrillic ``Dupоnt`` = ``Dupont``,
  Greek ``Ηélène`` = ``Hélène``; Latin letters with a stroke too (``Łukasz`` = ``Lukasz``).
  A letter with no Latin look-alike stays as it is, so names written in another script
  still give a key of their own;
- invisible characters, removed: format characters (Unicode category Cf: zero-width
  space and joiners, soft hyphen, bidirectional controls, byte-order mark) and the other
  default-ignorable code points (variation selectors, Hangul fillers…);
- separators: every dash, space and dot (``Jean-Pierre`` = ``Jean Pierre``);
- apostrophes, which join (``D'Artagnan`` = ``Dartagnan``), a lone letter, which joins the
  word after it (``D Artagnan`` = ``Dartagnan``), and a particle, which joins it too
  (``Du Pont`` = ``Du-Pont`` = ``Dupont``, ``Le Gall`` = ``Legall``,
  ``Van der Berg`` = ``Vanderberg``; the particles are ``PARTICLES``);
- the order of the parts of a compound name (``Martin-Dupont`` = ``Dupont Martin``).

Why particles, and not "ignore every space": the parts of a compound name may come in any
order, so the key sorts them; a key that also ignored every space would have to equal
``Pierre Jean`` and ``Pierrejean`` and then every anagram. A particle is the part that
people write joined or apart (``Dupont`` / ``Du Pont``), never moved to the end, so joining
it to the word after is safe.

Only the first given name counts (people list their other first names inconsistently),
and the date of birth. Two different people can share a key (homonyms born the same
day): that is why a match is put under review by a person, never annulled automatically.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache

from confusable_homoglyphs import confusables

from budgetcitoyen.territories.normalize import fold_letters

# Apostrophes (and the accents typed for one), removed before NFKC turns ``´`` into a space.
_APOSTROPHES = re.compile(r"['’‘`´ʼʹ′＇]")

# Default-ignorable code points that are not of category Cf (DerivedCoreProperties.txt,
# Default_Ignorable_Code_Point): the combining grapheme joiner, Hangul fillers, Khmer
# inherent vowels, Mongolian variation selectors, variation selectors and their supplement.
_IGNORABLE_NOT_CF = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0\U000e0100-\U000e01ef]"
)

PARTICLES = frozenset(
    [
        "de",
        "des",
        "du",
        "la",
        "le",
        "les",
        "del",
        "della",
        "dal",
        "dalla",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "van",
        "vande",
        "vander",
        "von",
        "der",
        "den",
        "ter",
        "ten",
        "mac",
        "mc",
        "el",
        "al",
        "ben",
        "bel",
        "ait",
    ]
)
"""Words that join the word after them, as a lone letter does: people write them joined to
the name or apart from it (``Du Pont`` / ``Dupont``, ``El Amrani`` / ``Elamrani``)."""


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch) == "Cf" or bool(_IGNORABLE_NOT_CF.match(ch))


def _ascii_letters(text: str) -> str:
    """The ASCII letters ``text`` is made of, in their case, once its combining marks and
    dots are dropped (``L̸`` → ``L``), or "" if anything else is left."""
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if unicodedata.category(ch)[0] == "L"
    )
    return text if text.isascii() and text.isalpha() else ""


@lru_cache(maxsize=4096)
def latin_look_alike(ch: str) -> str:
    """The ASCII Latin letter(s) ``ch`` is confusable with, or ``ch`` itself if none.

    The character as written is tried first, then its other case (the small Cyrillic ``н``
    is listed only as a look-alike of the small capital ``ʜ``, its capital as one of ``H``).
    Unicode's prototype of the capital ``I`` is the small ``l``, which it resembles: a
    capital whose look-alike is ``l`` (Cyrillic ``І``, Greek ``Ι``) imitates ``I``.
    """
    if ch.isascii() and ch.isalpha():
        return ch
    for form in dict.fromkeys((ch, ch.swapcase())):
        for homoglyph in confusables.confusables_data.get(form, ()):
            letters = _ascii_letters(homoglyph["c"])
            if letters:
                return "i" if letters == "l" and form.isupper() else letters.lower()
    return ch


def identity_letters(value: str) -> str:
    """What a name is made of for the identity key: ``"Dup\u043ent"`` → ``"dupont"``.

    NFKC, no invisible character, no apostrophe, no accent, every look-alike of a Latin
    letter replaced by it, then ``fold_letters`` (case, ligatures). Separators are kept
    for ``name_parts``.
    """
    value = unicodedata.normalize("NFKC", _APOSTROPHES.sub("", value))
    value = "".join(ch for ch in value if not _invisible(ch))
    value = _APOSTROPHES.sub("", value)
    # Accents first, so that only what is left of a letter is looked up (``é`` is ``e``).
    value = "".join(
        ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch)
    )
    return fold_letters("".join(latin_look_alike(ch) for ch in value))


def _in_word(ch: str) -> bool:
    return ch.isalnum() or unicodedata.category(ch)[0] == "M"


def name_parts(value: str) -> list[str]:
    """``"D'Artagnan-Le Gall"`` → ``["dartagnan", "legall"]``, in the order written."""
    letters = identity_letters(value)
    words = "".join(ch if _in_word(ch) else " " for ch in letters).split()
    parts: list[str] = []
    pending = ""
    for word in words:
        if len(word) == 1 or word in PARTICLES:
            pending += word
            continue
        parts.append(pending + word)
        pending = ""
    if pending:
        parts.append(pending)
    return parts


_USUAL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -'’.,œŒæÆß")


def is_unusual(ch: str) -> bool:
    """Whether staff should see ``ch`` marked in a declared name: anything but ASCII letters
    and digits, a plain space, hyphen, apostrophe, dot or comma, a Latin letter with accents
    (``é``, ``ç``, canonically an ASCII letter and marks) and the French ligatures. Marked
    are letters of other scripts (``о`` Cyrillic), invisible characters, other spaces and
    dashes, compatibility forms (``Ｄ``)."""
    if ch in _USUAL:
        return False
    base = [c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)]
    return not (len(base) == 1 and base[0].isascii() and base[0].isalpha())


def has_unusual(value: str) -> bool:
    return any(is_unusual(ch) for ch in value)


def is_invisible(ch: str) -> bool:
    """A format character (category Cf) or another default-ignorable code point."""
    return _invisible(ch)


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


# The bands of the published statistics. The vote opens at 11, so the first band is 11-14; a
# ballot cast before the under-18s were split keeps its "0-17" (read as "11 à 17 ans").
AGE_BANDS: list[tuple[int, int | None, str]] = [
    (0, 14, "11-14"),
    (15, 17, "15-17"),
    (18, 24, "18-24"),
    (25, 39, "25-39"),
    (40, 59, "40-59"),
    (60, 74, "60-74"),
    (75, None, "75+"),
]


def age_band(age: int) -> str:
    """The statistics band of an age: 11-14, 15-17, 18-24, 25-39, 40-59, 60-74, 75+."""
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[-1][2]


AGE_BAND_LABELS = {
    "11-14": "11 à 14 ans",
    "15-17": "15 à 17 ans",
    "0-17": "11 à 17 ans",
    "18-24": "18 à 24 ans",
    "25-39": "25 à 39 ans",
    "40-59": "40 à 59 ans",
    "60-74": "60 à 74 ans",
    "75+": "75 ans et plus",
}
