"""Folding of place names so look-ups ignore case, accents, hyphens and apostrophes."""

from __future__ import annotations

import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`´.,/]+")


def fold_name(value: str) -> str:
    """``"Marœuil"`` → ``"maroeuil"``, ``"Saint-Laurent-Blangy"`` → ``"saint laurent blangy"``.

    "St" and "Ste" are expanded, since residents write "St-Omer" as often as "Saint-Omer".
    """
    value = value.translate(_LIGATURES)
    value = unicodedata.normalize("NFKD", value)
    value = "".join(ch for ch in value if not unicodedata.combining(ch)).lower()
    words = _SEPARATORS.sub(" ", value).split()
    expanded = {"st": "saint", "ste": "sainte"}
    return " ".join(expanded.get(word, word) for word in words)
