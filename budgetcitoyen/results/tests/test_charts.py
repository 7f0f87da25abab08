"""The SVG bar charts: well-formed, one bar per project, proportional, escaped, accessible."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from budgetcitoyen.results.charts import BAR_WIDTH, Bar, bar_chart

SVG = "{http://www.w3.org/2000/svg}"

BARS = [
    Bar(label="Recyclerie", value=60, funded=True, value_text="60 voix"),
    Bar(label="Épicerie solidaire", value=30, funded=False, value_text="30 voix"),
    Bar(label="Jardin partagé", value=15, funded=True, value_text="15 voix"),
    Bar(label="Sans voix", value=0, funded=False, value_text="0 voix"),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars_of(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def test_the_chart_is_well_formed_svg_marked_safe():
    svg = bar_chart(chart_id="g1", title="Voix par projet", bars=BARS, table_id="t1")
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert "<script" not in svg and "onclick" not in svg


def test_one_bar_per_project_with_widths_proportional_to_votes():
    root = parse(bar_chart(chart_id="g1", title="Voix", bars=BARS))
    bars = bars_of(root)
    assert len(bars) == len(BARS)
    widths = [float(b.get("width", "nan")) for b in bars]
    assert widths[0] == pytest.approx(BAR_WIDTH)
    assert widths[1] == pytest.approx(BAR_WIDTH / 2)
    assert widths[2] == pytest.approx(BAR_WIDTH / 4)
    assert widths[3] == 0
    assert [int(b.get("data-value", "-1")) for b in bars] == [60, 30, 15, 0]


def test_no_votes_at_all_draws_empty_bars_without_dividing_by_zero():
    root = parse(
        bar_chart(chart_id="g", title="Voix", bars=[Bar("A", 0, False), Bar("B", 0, False)])
    )
    assert [float(b.get("width", "nan")) for b in bars_of(root)] == [0, 0]


def test_no_project_is_still_a_valid_chart():
    root = parse(bar_chart(chart_id="g", title="Voix", bars=[]))
    assert bars_of(root) == []
    assert int(root.get("viewBox", "").split()[3]) > 0


def test_funded_bars_differ_by_more_than_colour():
    svg = bar_chart(chart_id="g1", title="Voix", bars=BARS)
    root = parse(svg)
    bars = bars_of(root)
    # A funded bar is solid, the others hatched with a pattern of this chart.
    assert bars[0].get("fill", "").startswith("#")
    assert bars[1].get("fill") == "url(#g1-hachures)"
    assert root.find(f".//{SVG}pattern[@id='g1-hachures']") is not None
    # And the label says it in words.
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "60 voix · financé" in texts
    assert "30 voix · non financé" in texts


def test_the_chart_is_an_image_named_described_and_tied_to_its_table():
    root = parse(bar_chart(chart_id="g1", title="Voix — Coopération", bars=BARS, table_id="t1"))
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.get("id") == "g1-titre"
    assert title.text == "Voix — Coopération"
    assert root.get("aria-labelledby") == "g1-titre"
    desc = root.find(f"{SVG}desc")
    assert desc is not None and root.get("aria-describedby") == desc.get("id")
    assert "4 projets ; 2 financés." in (desc.text or "")
    assert "tableau" in (desc.text or "")
    assert root.get("aria-details") == "t1"


def test_ids_are_prefixed_so_two_charts_can_share_a_page():
    first = parse(bar_chart(chart_id="a", title="A", bars=BARS))
    second = parse(bar_chart(chart_id="b", title="B", bars=BARS))
    ids_a = {e.get("id") for e in first.iter() if e.get("id")}
    ids_b = {e.get("id") for e in second.iter() if e.get("id")}
    assert ids_a and not ids_a & ids_b


def test_text_is_escaped():
    nasty = 'Projet <script>alert("x")</script> & "co" \'quotes\''
    svg = bar_chart(chart_id='g"1', title="Titre <b>gras</b> & co", bars=[Bar(nasty, 3, True)])
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == "Titre <b>gras</b> & co"
    label = "".join(next(root.iter(f"{SVG}text")).itertext())
    assert label.startswith("Projet <script>")
    assert root.get("aria-labelledby") == 'g"1-titre'


def test_long_names_are_shortened_in_the_picture_but_whole_in_the_tooltip():
    name = "Un très long nom de projet qui ne tiendrait jamais sur une seule ligne du graphique"
    root = parse(bar_chart(chart_id="g", title="Voix", bars=[Bar(name, 5, True)]))
    label = "".join(next(root.iter(f"{SVG}text")).itertext())
    assert label.endswith("…") and len(label) < len(name)
    tooltips = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any(name in t for t in tooltips)


def test_text_is_large_enough_and_dark_enough():
    root = parse(bar_chart(chart_id="g", title="Voix", bars=BARS))
    for text in root.iter(f"{SVG}text"):
        assert int(text.get("font-size", "0")) >= 14
        assert text.get("fill") == "#1b1b1f"  # 16.8:1 on white
