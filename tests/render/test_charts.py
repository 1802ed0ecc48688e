"""Charts: same bytes for the same data, labels as SVG text in the family the caller
names (measured with the bundled serif), a sharp PNG, and every label inside the picture,
clear of the others, from 3 to 3,321 units."""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import matplotlib
from matplotlib import font_manager
from matplotlib.text import Text
from PIL import Image

from docgen.render import charts

FONTS = Path(charts.__file__).resolve().parent / "fonts"

BARS = {"number": "1", "kind": "bars", "labels": ["Sở Tư pháp", "Sở Y tế", "Xã Chiềng Ơn"],
        "values": ["96.12", "85.5", "61"], "bands": ["0", "1", "3"],
        "band_names": ["Mức XUẤT SẮC", "Mức TỐT", "Mức TRUNG BÌNH", "Mức THẤP"],
        "thresholds": ["90", "80", "70"], "max": "100", "axis_min": "0"}
HBARS = {"number": "2", "kind": "hbars",
         "labels": ["Cải cách thủ tục hành chính", "Xây dựng và phát triển chính quyền điện tử"],
         "values": ["85.14", "78.51"], "value_labels": ["85,14%", "78,51%"]}
PAIRED = {"number": "3", "kind": "paired", "labels": ["Sở Tư pháp", "Sở Y tế"],
          "values": ["96.12", "85.5"], "previous": ["90", "88.25"], "series": ["2023", "2022"],
          "thresholds": ["90"], "max": "100", "axis_min": "0"}
HISTOGRAM = {"number": "4", "kind": "histogram", "edges": ["60", "70", "80", "90", "100"],
             "counts": [["0", "0", "0", "5"], ["0", "0", "7", "0"], ["3", "9", "0", "0"]],
             "band_names": ["Nhóm A", "Nhóm B", "Nhóm C"], "thresholds": ["90", "70"],
             "max": "100", "axis_min": "0", "width": "10"}
SCATTER = {**PAIRED, "number": "5", "kind": "scatter", "axis_min": "80"}
ALL = [BARS, HBARS, PAIRED, HISTOGRAM, SCATTER]


@pytest.mark.parametrize("chart", ALL, ids=lambda c: c["kind"])
def test_same_data_same_bytes(chart):
    assert charts.svg(chart) == charts.svg(chart)
    assert charts.png(chart) == charts.png(chart)


def test_same_bytes_in_another_process():
    code = ("import hashlib, json, sys; from docgen.render import charts;"
            "c = json.loads(sys.argv[1]);"
            "print(hashlib.sha256(charts.svg(c).encode()).hexdigest(),"
            " hashlib.sha256(charts.png(c)).hexdigest())")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(BARS)], capture_output=True,
                          text=True, check=True, timeout=120)
    here = (hashlib.sha256(charts.svg(BARS).encode()).hexdigest(),
            hashlib.sha256(charts.png(BARS)).hexdigest())
    assert tuple(done.stdout.split()) == here


@pytest.mark.parametrize("chart", ALL, ids=lambda c: c["kind"])
def test_svg_labels_are_text_in_the_named_family_and_no_date(chart):
    svg = charts.svg(chart, family="LiberationSerif Docgen")
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "<text" in svg
    # every text names the one family asked for, none a font of the system
    families = set(re.findall(r"font-family: ([^;\"]+)", svg))
    assert families == {"'LiberationSerif Docgen'"}
    assert "Liberation Serif'" not in svg
    assert 'id="LiberationSerif' not in svg  # no glyph outlines
    assert "<dc:date>" not in svg
    assert "xlink:href=\"http" not in svg and "href=\"file" not in svg


def test_svg_texts_are_the_labels_the_picture_shows():
    texts = charts.svg_texts(charts.svg(BARS))
    for label in [*BARS["labels"], "Mức XUẤT SẮC", "Mức TỐT", "Mức THẤP", "90", "80", "70",
                  "0", "100"]:
        assert label in texts
    assert "Mức TRUNG BÌNH" not in texts  # no unit in that band: not in the legend
    hbars = charts.svg_texts(charts.svg(HBARS))
    assert "85,14%" in hbars and "Cải cách thủ tục hành chính" in hbars
    assert {"Xây dựng và phát triển chính quyền", "điện tử"} <= set(hbars)  # wrapped
    assert charts.svg_texts('<text x="1">Sở A &amp; B</text>') == ["Sở A & B"]


def test_png_is_200_dpi_at_the_chart_width():
    image = Image.open(io.BytesIO(charts.png(BARS)))
    assert image.width == int(charts.WIDTH_MM / 25.4 * 200)  # 160 mm at 200 dpi: 1259 px
    assert round(image.info["dpi"][0]) == 200
    assert "Software" not in image.info


def test_labels_are_set_in_the_bundled_liberation_serif():
    charts.svg(BARS)  # registers the fonts
    found = font_manager.findfont(font_manager.FontProperties(family=charts.FAMILY),
                                  fallback_to_default=False)
    assert Path(found).resolve().parent == FONTS


def test_tick_values_use_the_decimal_comma():
    assert charts._number(12.5) == "12,5"
    assert charts._number(100.0) == "100"


def test_vietnamese_names_reach_both_pictures():
    # the SVG carries the name as it is (NFC, diacritics included); in the PNG the
    # glyphs of "Ơ" and "O" differ, so the pixels do
    other = {**BARS, "labels": ["Sở Tư pháp", "Sở Y tế", "Xã Chiềng On"]}
    assert "Xã Chiềng Ơn" in charts.svg_texts(charts.svg(BARS))
    assert charts.png(other) != charts.png(BARS)


def _units(count: int, long: bool = False) -> dict:
    names = [f"{'Phường' if long else 'Xã'} Chiềng Khương Mường Ảng {i}" if long or i % 7 == 0
             else f"Xã Ơn {i}" for i in range(count)]
    values = [f"{95 - 40 * i / max(count, 1):.2f}" for i in range(count)]
    bands = [str(0 if float(v) >= 90 else 1 if float(v) >= 80 else 2 if float(v) >= 70 else 3)
             for v in values]
    return {**BARS, "labels": names, "values": values, "bands": bands}


LAYOUTS = {
    **{c["kind"]: c for c in ALL},
    "bars-30": _units(30, long=True),
    "bars-31": _units(31, long=True),
    "bars-75": _units(75),
    "bars-100": _units(100, long=True),
    "paired-30": {**_units(30, long=True), "kind": "paired",
                  "previous": [f"{60 + i:.2f}" for i in range(30)], "series": ["2023", "2022"]},
    "paired-75": {**_units(75), "kind": "paired",
                  "previous": [f"{60 + i / 3:.2f}" for i in range(75)],
                  "series": ["2023", "2022"]},
    "histogram-3321": {**HISTOGRAM, "edges": [str(50 + 2 * i) for i in range(26)],
                       "counts": [[str(0 if 50 + 2 * i < 90 else 120) for i in range(25)],
                                  [str(1900 if 80 <= 50 + 2 * i < 90 else 0)
                                   for i in range(25)],
                                  [str(171 if 50 + 2 * i < 80 else 0) for i in range(25)]]},
}


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_label_is_inside_the_picture_and_clear_of_the_others(name):
    """The margins are computed, not found by a layout engine: check what they give, as
    the PNG lays the text out (at a low resolution, hinting widens text; the SVG takes
    the font's own widths, which the margins are computed from)."""
    chart = LAYOUTS[name]
    charts._register_fonts()
    with matplotlib.rc_context(charts._RC):
        figure = charts._DRAW[chart["kind"]](chart)
        figure.set_dpi(charts.PNG_DPI)
        renderer = figure._get_renderer()
        figure.draw(renderer)
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in figure.findobj(Text)
                 if t.get_visible() and t.get_text()]
        plots = [axes.get_window_extent(renderer) for axes in figure.axes]
        legend = figure.legends[0].get_window_extent(renderer) if figure.legends else None
    page = figure.bbox
    for text, box in boxes:
        assert box.x0 >= page.x0 and box.y0 >= page.y0, text
        assert box.x1 <= page.x1 and box.y1 <= page.y1, text
    for i, (text, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1:]:
            overlap_x = min(box.x1, other_box.x1) - max(box.x0, other_box.x0)
            overlap_y = min(box.y1, other_box.y1) - max(box.y0, other_box.y0)
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (text, other)
    if legend is not None:
        assert not any(legend.overlaps(plot) for plot in plots)
    for i, plot in enumerate(plots):
        assert not any(plot.overlaps(other) for other in plots[i + 1:])


@pytest.mark.parametrize("first", ["svg", "png"])
def test_one_figure_per_data_gives_both_pictures_with_the_bytes_of_fresh_ones(
        first, monkeypatch):
    """The figure is built once for the SVG and the PNG, in either order, and saving it
    twice gives the bytes two fresh figures give (each drawn alone below)."""
    alone = {}
    for fmt in ("svg", "png"):
        charts.clear_cache()
        alone[fmt] = charts.svg(BARS) if fmt == "svg" else charts.png(BARS)
    charts.clear_cache()
    built = []
    draw = charts._DRAW["bars"]
    monkeypatch.setitem(charts._DRAW, "bars", lambda chart: built.append(1) or draw(chart))
    order = [first, "png" if first == "svg" else "svg"]
    both = {fmt: charts.svg(BARS) if fmt == "svg" else charts.png(BARS) for fmt in order}
    assert both == alone
    assert len(built) == 1
    # the next render of the same data draws nothing
    assert charts.svg(BARS) == alone["svg"] and charts.png(BARS) == alone["png"]
    assert len(built) == 1
    # other data, another figure
    charts.png({**BARS, "values": ["96.12", "85.5", "62"]})
    assert len(built) == 2


def test_pictures_drawn_in_one_process_seed_another():
    charts.clear_cache()
    picture = charts.png(PAIRED)
    saved = charts.take_saved()
    assert saved == {(charts.data_key(PAIRED), "png", charts.PNG_DPI): picture}
    assert charts.take_saved() == {}  # each picture is handed over once
    charts.clear_cache()
    charts.seed(saved)
    assert charts.png(PAIRED) == picture
    assert charts.take_saved() == {}  # seeded, not drawn here


def test_the_data_key_follows_the_data_not_the_order_of_keys():
    shuffled = dict(reversed(list(BARS.items())))
    assert charts.data_key(shuffled) == charts.data_key(BARS)
    assert charts.data_key({**BARS, "max": "99"}) != charts.data_key(BARS)
