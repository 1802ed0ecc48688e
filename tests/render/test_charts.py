"""Charts: same bytes for the same data, text drawn as outlines in the bundled serif, a
sharp PNG, and pictures that stay readable from 12 to 3,321 units."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from matplotlib import font_manager
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
def test_svg_has_no_text_no_font_and_no_date(chart):
    svg = charts.svg(chart)
    assert svg.startswith("<?xml") and "<svg" in svg
    assert "<text" not in svg and "font-family" not in svg  # letters are outlines
    assert "<dc:date>" not in svg
    assert "xlink:href=\"http" not in svg and "href=\"file" not in svg


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


def test_vietnamese_names_change_the_picture():
    # the outlines of "Ơ" and "O" differ: the diacritics are drawn, not dropped
    other = {**BARS, "labels": ["Sở Tư pháp", "Sở Y tế", "Xã Chiềng On"]}
    assert charts.svg(other) != charts.svg(BARS)
