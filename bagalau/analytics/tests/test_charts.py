"""The SVG charts: well-formed XML, a title and an aria-label, every label escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from bagalau.analytics import charts

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script> & "quotes"'


def _parse(markup: str) -> ET.Element:
    root = ET.fromstring(markup)  # noqa: S314 - our own markup, the brief asks xml.etree
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    return root


def test_it_draws_a_bar_chart_with_its_title_and_escaped_labels():
    svg = charts.bar_chart(EVIL, [EVIL, "B"], [3, None])
    root = _parse(svg)
    assert root.get("aria-label") == EVIL
    assert root.find(f"{SVG}title").text == EVIL
    assert "<script>" not in svg
    assert len(root.findall(f"{SVG}rect")) == 1  # the withheld value draws no bar
    assert "—" in "".join(root.itertext())


def test_it_stacks_series_and_writes_a_legend():
    svg = charts.stacked_bar_chart(
        "Bands", ["Unit <b>", "All"],
        [charts.Series("effective", [2, 3]), charts.Series(EVIL, [1, None])],
    )  # fmt: skip
    root = _parse(svg)
    texts = "".join(root.itertext())
    assert "Unit <b>" in texts and "effective" in texts
    assert "<b>" not in svg and "<script>" not in svg
    # Three bars (one withheld) and two legend swatches.
    assert len(root.findall(f"{SVG}rect")) == 5


def test_it_draws_a_line_with_gaps_where_a_value_is_withheld():
    svg = charts.line_chart("Average", ["Q1", "Q2", "Q3", "Q4"],
                            [Decimal("3.10"), None, Decimal("2.5"), 4])  # fmt: skip
    root = _parse(svg)
    assert len(root.findall(f"{SVG}circle")) == 3
    assert root.findall(f"{SVG}polyline") and "3.10" in "".join(root.itertext())


def test_an_empty_chart_is_still_well_formed():
    _parse(charts.bar_chart("Nothing", [], []))
    _parse(charts.stacked_bar_chart("Nothing", [], []))
    _parse(charts.line_chart("Nothing", [], []))
