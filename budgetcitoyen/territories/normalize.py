"""Folding of names so look-ups ignore case, accents, ligatures, hyphens and apostrophes.

``fold_letters`` is the one folding of letters (case, accents, ligatures) the platform has:
place names here, people's names in ``voting.identity``.
"""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´.,/]+")


def fold_letters(value: str) -> str:
    """``"Lætitia Élodie"`` → ``"laetitia elodie"``: lower case, no accents, no ligatures."""
    value = value.translate(_LIGATURES)
    value = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in value if not unicodedata.combining(ch)).lower()


def fold_name(value: str) -> str:
    """``"Marœuil"`` → ``"maroeuil"``, ``"Saint-Laurent-Blangy"`` → ``"saint laurent blangy"``.

    "St" and "Ste" are expanded, since residents write "St-Omer" as often as "Saint-Omer".
    """
    value = fold_letters(value)
    words = _SEPARATORS.sub(" ", value).split()
    expanded = {"st": "saint", "ste": "sainte"}
    return " ".join(expanded.get(word, word) for word in words)
