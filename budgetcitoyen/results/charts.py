"""Horizontal bar charts of the results, drawn on the server as SVG (no JavaScript).

One chart per category: the votes of each project, one bar per project. A funded bar is solid
and its label says "financé"; a bar not funded is hatched and outlined, and its label says
"non financé": the state never rests on colour alone. The chart is an image with a title and a
short description; the table that follows it on the page holds the same data (``aria-details``
points to it), so nothing is only in the picture.

Colours (on white): bars #0b5563 (8.0:1) and outline #4a4a55 (8.3:1), text #1b1b1f: above the
3:1 that WCAG 2.1 AA asks of graphics and the 4.5:1 it asks of text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Drawn at its natural size (400 px wide) on a wide screen; the page's stylesheet lets it
# shrink to a phone's width (about 0.85 of it: the text stays above 13 px).
WIDTH = 400
MARGIN = 4
BAR_WIDTH = WIDTH - 2 * MARGIN
BAR_HEIGHT = 18
LABEL_SIZE = 16
# Each project takes three lines: its name, its bar, its votes and whether it is funded.
ROW_HEIGHT = 2 * LABEL_SIZE + BAR_HEIGHT + 22
NAME_MAX = 44

INK = "#1b1b1f"
FUNDED = "#0b5563"
OUTLINE = "#4a4a55"
HATCH_BACKGROUND = "#ffffff"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    funded: bool
    value_text: str = ""  # "12 voix"; the number alone when empty


def _short(text: str, limit: int = NAME_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    *, chart_id: str, title: str, bars: Sequence[Bar], table_id: str | None = None
) -> SafeString:
    """An SVG bar chart; ``chart_id`` prefixes its inner ids (unique on the page), ``table_id``
    is the id of the table holding the same data."""
    peak = max((bar.value for bar in bars), default=0)
    height = max(ROW_HEIGHT * len(bars), ROW_HEIGHT) + MARGIN
    title_id, desc_id, hatch_id = (
        f"{chart_id}-titre",
        f"{chart_id}-description",
        f"{chart_id}-hachures",
    )
    funded = sum(1 for bar in bars if bar.funded)
    description = (
        ngettext("%(count)d projet", "%(count)d projets", len(bars)) % {"count": len(bars)}
        + " ; "
        + ngettext("%(count)d financé.", "%(count)d financés.", funded) % {"count": funded}
    )
    if table_id:
        description += " " + _("Les mêmes données figurent dans le tableau qui suit.")
    details = f' aria-details="{escape(table_id)}"' if table_id else ""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="{escape(title_id)}" aria-describedby="{escape(desc_id)}"{details} '
        f"font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\">",
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        "<defs>",
        f'<pattern id="{escape(hatch_id)}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{HATCH_BACKGROUND}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{OUTLINE}" stroke-width="3"/></pattern>',
        "</defs>",
    ]
    for index, bar in enumerate(bars):
        top = MARGIN + index * ROW_HEIGHT
        width = BAR_WIDTH * bar.value / peak if peak else 0
        state = _("financé") if bar.funded else _("non financé")
        value = bar.value_text or str(bar.value)
        bar_top = top + LABEL_SIZE + 6
        value_line = bar_top + BAR_HEIGHT + LABEL_SIZE + 2
        fill = FUNDED if bar.funded else f"url(#{hatch_id})"
        parts += [
            f'<g class="bar-row{" funded" if bar.funded else ""}">',
            f"<title>{escape(bar.label)} : {escape(value)}, {escape(state)}</title>",
            f'<text x="{MARGIN}" y="{top + LABEL_SIZE}" font-size="{LABEL_SIZE}" '
            f'fill="{INK}">{escape(_short(bar.label))}</text>',
            f'<text x="{MARGIN}" y="{value_line}" font-size="{LABEL_SIZE}" '
            f'fill="{INK}" font-weight="{"700" if bar.funded else "400"}">'
            f"{escape(value)} · {escape(state)}</text>",
            # The track shows where a full bar would end, so a short bar still reads as short.
            f'<rect x="{MARGIN}" y="{bar_top}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
            f'fill="none" stroke="#c9d1d4" stroke-width="1"/>',
            f'<rect class="bar" x="{MARGIN}" y="{bar_top}" width="{_number(width)}" '
            f'height="{BAR_HEIGHT}" fill="{fill}" stroke="{FUNDED if bar.funded else OUTLINE}" '
            f'stroke-width="{0 if bar.funded or not width else 1.5}" data-value="{bar.value}"/>',
            "</g>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))
