"""What no field can hold: control characters, and ids or numbers beyond a database column.

Plain functions without Django, used by the forms' base (``core.forms``), the query-string
check (``core.middleware``), the services that keep raw input, and the filters reading ids.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls and DEL. Multi-line text keeps tab, line feed and carriage return; a one-line
# field keeps only the tab (a browser never sends a line break from a one-line input).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_CHARACTERS_ONE_LINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

# The largest id a database column holds (a signed 64-bit integer: BigAutoField).
MAX_ID = 2**63 - 1
# The largest number a plain integer column holds (PostgreSQL's ``integer``).
MAX_INTEGER = 2**31 - 1


def strip_controls(text: str, *, multiline: bool = True) -> str:
    """``text`` without the control characters no field can hold."""
    pattern = CONTROL_CHARACTERS if multiline else CONTROL_CHARACTERS_ONE_LINE
    return pattern.sub("", text)


def has_controls(text: str, *, multiline: bool = True) -> bool:
    pattern = CONTROL_CHARACTERS if multiline else CONTROL_CHARACTERS_ONE_LINE
    return pattern.search(text) is not None


def clean_raw_input(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """Raw input kept as typed (to show it again later), without what no column can store."""
    return {
        strip_controls(str(key)): [strip_controls(str(value)) for value in values]
        for key, values in data.items()
    }


def parse_id(value: object) -> int | None:
    """An id read from a query string or a form: ASCII digits within what a column holds,
    else None (a filter then ignores it; a page answers 404)."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def ascii_digit(ch: str) -> str:
    """A digit of any script (full-width "６", Arabic-Indic "٦", superscript "²"…) as the ASCII
    digit it stands for; any other character unchanged. Phones' keyboards type them."""
    return str(unicodedata.digit(ch)) if not ch.isascii() and ch.isdigit() else ch
