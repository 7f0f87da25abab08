"""``mark_unusual``: a declared name as staff see it, every unusual character marked.

Two ballots of one person can carry names that look identical but differ by a Cyrillic
letter or a zero-width space. On the review page each such character is shown inside a
``<mark>`` with its code point, visible and read aloud; an invisible one (zero-width space,
bidirectional control…) is never written itself, only its code point, so it cannot reorder
or hide the text around it.
"""

from __future__ import annotations

import unicodedata

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budgetcitoyen.voting.identity import has_unusual, is_invisible, is_unusual

register = template.Library()


def _marked(ch: str) -> SafeString:
    code = f"U+{ord(ch):04X}"
    name = unicodedata.name(ch, "")
    if is_invisible(ch):
        label = _("caractère invisible %(code)s %(name)s") % {"code": code, "name": name}
        shown = ""
    else:
        label = _("caractère inhabituel %(code)s %(name)s") % {"code": code, "name": name}
        shown = ch
    return format_html(
        '<mark class="unusual" title="{}">{}<small class="codepoint" aria-hidden="true">{}'
        '</small><span class="visually-hidden"> ({})</span></mark>',
        name or code,
        shown,
        code,
        label.strip(),
    )


@register.filter
def mark_unusual(value: str | None) -> SafeString:
    """``"Dupоnt"`` → ``Dup<mark …>о<small>U+043E</small>…</mark>nt`` (the rest escaped)."""
    parts = [_marked(ch) if is_unusual(ch) else conditional_escape(ch) for ch in value or ""]
    # Every part is escaped or built by format_html.
    return mark_safe("".join(parts))


register.filter("has_unusual", has_unusual)
