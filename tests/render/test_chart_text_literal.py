"""A "$" in a unit's name is printed as typed in the charts, never read as mathematics.

matplotlib reads text between two "$" as mathtext: "$x^2$" was drawn as a formula, and a
name like "Sở $\\frac{a}$" made the render fail (500 from the service)."""

from __future__ import annotations

import pytest

from docgen.render import charts

NAMES = ["Sở $x^2$ Tư pháp", "Xã $\\frac{a}$ Ơn", "Sở Y tế $", "$$"]
BARS = {"number": "1", "kind": "bars", "labels": NAMES, "values": ["96.12", "85.5", "61", "50"],
        "bands": ["0", "1", "3", "3"],
        "band_names": ["Mức $A$", "Mức TỐT", "Mức TRUNG BÌNH", "Mức THẤP"],
        "thresholds": ["90", "80", "70"], "max": "100", "axis_min": "0"}
PAIRED = {"number": "3", "kind": "paired", "labels": NAMES[:2], "values": ["96.12", "85.5"],
          "previous": ["90", "88.25"], "series": ["$2023$", "2022"], "thresholds": ["90"],
          "max": "100", "axis_min": "0"}


@pytest.mark.parametrize("chart", [BARS, PAIRED], ids=lambda c: c["kind"])
def test_dollar_signs_are_printed_literally(chart: dict) -> None:
    texts = charts.svg_texts(charts.svg(chart))
    for label in chart["labels"]:
        assert label in texts
    assert charts.png(chart)[:4] == b"\x89PNG"


def test_legend_texts_are_literal_too() -> None:
    assert "Mức $A$" in charts.svg_texts(charts.svg(BARS))
    assert "$2023$" in charts.svg_texts(charts.svg(PAIRED))
