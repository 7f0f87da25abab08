"""The statistics' charts, drawn on the server as SVG from a figure's rows (no JavaScript).

Each chart is an image with a title and a description (what it shows, and that the table
after it holds the same data: ``aria-details`` points to it). A masked value is drawn as a
hatched mark with the word "masqué", never as a bar of some length. Colours as the results'
charts (``results/charts.py``): bars #0b5563 on white (8.0:1), text #1b1b1f.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from budgetcitoyen.core.formatting import number
from budgetcitoyen.stats.figures import Figure, cell_text

INK = "#1b1b1f"
BAR = "#0b5563"
OUTLINE = "#4a4a55"
TRACK = "#c9d1d4"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
WIDTH = 400
MARGIN = 4
LABEL_SIZE = 15
BAR_HEIGHT = 16
ROW_HEIGHT = LABEL_SIZE + BAR_HEIGHT + 14
NAME_MAX = 46


def _short(text: str, limit: int = NAME_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg_open(figure: Figure, height: int, width: int = WIDTH) -> list[str]:
    chart_id = f"graphique-{figure.key}"
    description = figure.sentence + " " + _("Les mêmes données figurent dans le tableau qui suit.")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{chart_id}-titre" aria-describedby="{chart_id}-description" '
        f'aria-details="tableau-{escape(figure.key)}" font-family="{FONT}">',
        f'<title id="{chart_id}-titre">{escape(figure.title)}</title>',
        f'<desc id="{chart_id}-description">{escape(description)}</desc>',
        "<defs>",
        f'<pattern id="{chart_id}-hachures" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{OUTLINE}" stroke-width="2"/></pattern>',
        "</defs>",
    ]


def _value(value: object) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)))


def bars(figure: Figure) -> SafeString:
    """One horizontal bar per row: its label above, the bar, its value at the bar's end."""
    assert figure.chart is not None
    label_key, value_key = figure.chart.label, figure.chart.value
    kind = next(c.kind for c in figure.columns if c.key == value_key)
    values = [_value(row.get(value_key)) for row in figure.rows]
    peak = max((v for v in values if v is not None), default=0.0)
    height = max(ROW_HEIGHT * len(figure.rows), ROW_HEIGHT) + MARGIN
    parts = _svg_open(figure, height)
    hatch = f"url(#graphique-{figure.key}-hachures)"
    for index, (row, value) in enumerate(zip(figure.rows, values, strict=True)):
        top = MARGIN + index * ROW_HEIGHT
        bar_top = top + LABEL_SIZE + 4
        text = cell_text(row.get(value_key), kind)
        label = str(row.get(label_key, ""))
        parts.append(f"<g><title>{escape(label)} : {escape(text)}</title>")
        parts.append(
            f'<text x="{MARGIN}" y="{top + LABEL_SIZE}" font-size="{LABEL_SIZE}" fill="{INK}">'
            f"{escape(_short(label))}</text>"
        )
        if value is None:
            parts.append(
                f'<rect x="{MARGIN}" y="{bar_top}" width="24" height="{BAR_HEIGHT}" fill="{hatch}" '
                f'stroke="{OUTLINE}" stroke-width="1"/>'
                f'<text x="{MARGIN + 30}" y="{bar_top + BAR_HEIGHT - 3}" font-size="{LABEL_SIZE}" '
                f'fill="{INK}" font-style="italic">{escape(text)}</text>'
            )
        else:
            room = WIDTH - 2 * MARGIN - 90  # the value's text after the bar
            width = room * value / peak if peak else 0
            parts.append(
                f'<rect x="{MARGIN}" y="{bar_top}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{BAR}" data-value="{escape(str(row.get(value_key)))}"/>'
                f'<text x="{MARGIN + width + 6:.1f}" y="{bar_top + BAR_HEIGHT - 3}" '
                f'font-size="{LABEL_SIZE}" fill="{INK}">{escape(text)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def days(figure: Figure) -> SafeString:
    """One column per day of the vote, the day's date under the first of each week."""
    assert figure.chart is not None
    rows = figure.rows
    count = max(len(rows), 1)
    left, bottom, top = 34, 40, 10
    plot_height = 150
    step = max(6.0, min(24.0, (WIDTH * 1.5 - left - MARGIN) / count))
    width = int(left + step * count + MARGIN)
    height = top + plot_height + bottom
    values = [_value(row.get(figure.chart.value)) for row in rows]
    peak = max((v for v in values if v is not None), default=0.0)
    parts = _svg_open(figure, height, width)
    hatch = f"url(#graphique-{figure.key}-hachures)"
    base = top + plot_height
    parts.append(
        f'<line x1="{left}" y1="{base}" x2="{width - MARGIN}" y2="{base}" stroke="{OUTLINE}"/>'
        f'<text x="{left - 4}" y="{top + 12}" font-size="12" text-anchor="end" fill="{INK}">'
        f"{escape(number(int(peak)))}</text>"
        f'<text x="{left - 4}" y="{base}" font-size="12" text-anchor="end" fill="{INK}">0</text>'
    )
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        x = left + index * step
        day = date.fromisoformat(row["day"])
        text = cell_text(row.get(figure.chart.value), "count")
        parts.append(f"<g><title>{escape(cell_text(row['day'], 'day'))} : {escape(text)}</title>")
        if value is None:
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{base - 10}" width="{step - 2:.1f}" height="10" '
                f'fill="{hatch}" stroke="{OUTLINE}" stroke-width="0.5"/>'
            )
        else:
            bar = plot_height * value / peak if peak else 0
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{base - bar:.1f}" width="{step - 2:.1f}" '
                f'height="{bar:.1f}" fill="{BAR}" data-value="{int(value)}"/>'
            )
        if index == 0 or day.weekday() == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{base + 16}" font-size="12" fill="{INK}">'
                f"{day.day:02d}/{day.month:02d}</text>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def chart(figure: Figure) -> SafeString | None:
    if figure.chart is None or not figure.rows:
        return None
    return days(figure) if figure.chart.kind == "days" else bars(figure)
