"""Charts read on a black-and-white copy and at their printed size: the band colours
differ in grey value and each band has its own hatch (in the figure, its legend and the
SVG); every text of every chart of every fixture is at least 7 pt where the picture is
placed, in the DOCX (PNG) and in the PDF (SVG)."""

from __future__ import annotations

import functools
import hashlib
import io
import itertools
import re
import zipfile
from datetime import datetime
from pathlib import Path

import matplotlib
import pytest
from lxml import etree
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.text import Text
from PIL import Image

from docgen.compute.results import compute_round
from docgen.context.builder import build_context
from docgen.model.loader import load_dossier
from docgen.pipeline import compare_with_previous
from docgen.render import charts, docx, docx_html
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
META = DocumentMeta(title="Báo cáo", author="UBND tỉnh Sơn La", created=datetime(2025, 12, 16))
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EMU_PER_PT = 12700
SMALLEST_PT = 7.0


def _grey(colour: str) -> float:
    """Grey value of an sRGB colour, 0 black to 1 white (ITU-R BT.601 luma, what a grey
    scan or a photocopy keeps of it)."""
    red, green, blue = matplotlib.colors.to_rgb(colour)
    return 0.299 * red + 0.587 * green + 0.114 * blue


def _luminance(colour: str) -> float:
    """CIE relative luminance Y of an sRGB colour (linear light)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    red, green, blue = (linear(c) for c in matplotlib.colors.to_rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@functools.cache
def _contexts() -> dict[str, dict]:
    """The Báo cáo context of every fixture, by name."""
    found = {}
    for path in FIXTURES:
        dossier = load_dossier(path)
        result = compute_round(dossier)
        found[path.stem] = build_context(dossier, result, draft=False,
                                         comparison=compare_with_previous(dossier, result))
    return found


@pytest.fixture(scope="module")
def fixture_charts() -> dict[str, dict]:
    """Every chart of every fixture's Báo cáo, by fixture and chart number."""
    return {f"{name}/{chart['number']}": chart for name, context in _contexts().items()
            for block in context["blocks"] for chart in block["charts"].values() if chart}


def test_the_four_band_colours_differ_by_a_fifth_of_the_grey_scale():
    bands = charts.BAND_COLOURS[:4]
    greys = [_grey(c) for c in bands]
    assert [round(g, 2) for g in greys] == [0.17, 0.42, 0.65, 0.90]
    assert min(abs(a - b) for a, b in itertools.combinations(greys, 2)) >= 0.20
    # darker for the better band, and in linear light too they stay apart
    assert greys == sorted(greys)
    lights = [_luminance(c) for c in bands]
    assert min(abs(a - b) for a, b in itertools.combinations(lights, 2)) >= 0.10


def test_no_fixture_has_more_bands_than_grey_steps(fixture_charts):
    """The grey steps cover four bands; every scheme of the fixtures has at most four."""
    counts = {len(c["band_names"]) for c in fixture_charts.values() if "band_names" in c}
    assert counts and max(counts) <= 4


def _bars_by_colour(figure) -> dict[str, set[str]]:
    """Face colour -> the hatches of the bars (and stacked blocks) drawn in it."""
    found: dict[str, set[str]] = {}
    for axes in figure.axes:
        for patch in axes.patches:
            if isinstance(patch, (Rectangle, PathPatch)):
                colour = matplotlib.colors.to_hex(patch.get_facecolor())
                found.setdefault(colour, set()).add(patch.get_hatch() or "")
    return found


def _draw(chart: dict):
    charts._register_fonts()
    with matplotlib.rc_context(charts._RC):
        return charts._DRAW[chart["kind"]](chart)


ALL_BANDS = {"number": "1", "kind": "bars",
             "labels": [f"Xã {i}" for i in range(8)],
             "values": ["95", "93", "85", "84", "75", "74", "60", "50"],
             "bands": ["0", "0", "1", "1", "2", "2", "3", "3"],
             "band_names": ["Mức XUẤT SẮC", "Mức TỐT", "Mức TRUNG BÌNH", "Mức THẤP"],
             "thresholds": ["90", "80", "70"], "max": "100", "axis_min": "0"}
HISTOGRAM = {"number": "2", "kind": "histogram", "edges": ["50", "60", "70", "80", "90", "100"],
             "counts": [["0", "0", "0", "0", "5"], ["0", "0", "0", "7", "0"],
                        ["0", "0", "9", "0", "0"], ["3", "4", "0", "0", "0"]],
             "band_names": ["Nhóm A", "Nhóm B", "Nhóm C", "Nhóm D"],
             "thresholds": ["90", "80", "70"], "max": "100", "axis_min": "0", "width": "10"}


@pytest.mark.parametrize("chart", [ALL_BANDS, HISTOGRAM], ids=lambda c: c["kind"])
def test_each_band_has_its_own_hatch_in_the_bars_and_the_legend(chart):
    figure = _draw(chart)
    by_colour = _bars_by_colour(figure)
    expected = {matplotlib.colors.to_hex(charts.BAND_COLOURS[i]): {charts.BAND_HATCHES[i]}
                for i in range(4)}
    assert by_colour == expected
    hatches = [charts.BAND_HATCHES[i] for i in range(4)]
    assert len(set(hatches)) == 4 and all(hatches)
    legend = figure.legends[0]
    keys = [(text.get_text(), handle.get_hatch(),
             matplotlib.colors.to_hex(handle.get_facecolor()))
            for text, handle in zip(legend.get_texts(), legend.legend_handles, strict=True)]
    assert keys == [(name, charts.BAND_HATCHES[i], charts.BAND_COLOURS[i])
                    for i, name in enumerate(chart["band_names"])]
    # the SVG fills the bars with one hatch pattern per band
    svg = charts.svg(chart)
    patterns = set(re.findall(r'<pattern id="([^"]+)"', svg))
    assert len(patterns) == 4
    assert set(re.findall(r"fill: url\(#([^)]+)\)", svg)) == patterns


@pytest.mark.parametrize("chart", [ALL_BANDS, HISTOGRAM], ids=lambda c: c["kind"])
def test_one_shape_per_band_draws_the_pixels_of_one_bar_each(chart, monkeypatch):
    """A band's bars are one hatched shape (its hatch drawn once): the PNG is the one
    that a hatched rectangle per bar gives, to the byte."""
    figure = _draw(chart)
    assert sum(isinstance(p, PathPatch) for a in figure.axes for p in a.patches) == 4
    grouped = io.BytesIO()
    figure.savefig(grouped, format="png", dpi=charts.PNG_DPI)

    def one_per_bar(axes, blocks, band):
        for x, y, width, height in blocks:
            axes.add_patch(Rectangle((x, y), width, height, linewidth=0,
                                     **charts._band_style(band)))

    monkeypatch.setattr(charts, "_band_blocks", one_per_bar)
    separate = io.BytesIO()
    _draw(chart).savefig(separate, format="png", dpi=charts.PNG_DPI)
    assert grouped.getvalue() == separate.getvalue()


def _names_as_tick_labels(axes, rows, names):
    """The names as the axis writes tick labels, with no tick (what _names stands for)."""
    axes.set_yticks(list(rows), list(names), fontsize=charts.ACROSS_SIZE)
    axes.tick_params(axis="y", length=0, pad=charts.LABEL_PAD)


@pytest.mark.parametrize("kind", ["bars", "paired", "hbars"])
def test_the_names_are_the_pixels_of_tick_labels(kind, fixture_charts, monkeypatch):
    """The names beside horizontal bars are plain texts, drawn where the axis would draw
    them as tick labels: the PNG is the same to the byte, and the SVG holds the same
    texts in the same order."""
    chart = max((c for c in fixture_charts.values() if c["kind"] == kind),
                key=lambda c: len(c["labels"]))
    figure = _draw(chart)
    assert not any(axes.get_yticks().size for axes in figure.axes)
    texts, svg = io.BytesIO(), io.BytesIO()
    with matplotlib.rc_context(charts._RC):
        figure.savefig(texts, format="png", dpi=charts.PNG_DPI)
        figure.savefig(svg, format="svg")
    monkeypatch.setattr(charts, "_names", _names_as_tick_labels)
    ticks, tick_svg = io.BytesIO(), io.BytesIO()
    figure = _draw(chart)
    with matplotlib.rc_context(charts._RC):
        figure.savefig(ticks, format="png", dpi=charts.PNG_DPI)
        figure.savefig(tick_svg, format="svg")
    assert texts.getvalue() == ticks.getvalue()
    assert (charts.svg_texts(svg.getvalue().decode())
            == charts.svg_texts(tick_svg.getvalue().decode()))


def test_a_ranking_of_seventy_five_units_lies_across_in_two_columns(fixture_charts):
    ranking = fixture_charts["son-la-2025/2"]
    assert ranking["kind"] == "bars" and len(ranking["labels"]) == 75
    figure = _draw(ranking)
    assert len(figure.axes) == 2
    left, right = ([t.get_text() for t in axes.texts if t.get_horizontalalignment() == "right"]
                   for axes in figure.axes)
    assert left + right == ranking["labels"] and len(left) == 38
    assert all(t.get_rotation() == 0 for t in figure.findobj(Text) if t.get_text())
    # both plots on one scale
    widths = {round(axes.get_position().width, 6) for axes in figure.axes}
    assert len(widths) == 1


_SVG_SIZE = re.compile(r'<svg [^>]*width="([\d.]+)pt" height="([\d.]+)pt" '
                       r'viewBox="0 0 ([\d.]+) ([\d.]+)"')
_SVG_FONT = re.compile(r'<text style="[^"]*font-size: ([\d.]+)px')


def _printed(size: float) -> float:
    """A printed size to a hundredth of a point: the HTML writes a picture's width to a
    tenth of a point and the DOCX in whole EMU, a few thousandths off the drawn width."""
    return round(size, 2)


def _svg_sizes(document: str, placed_width_pt: float) -> list[float]:
    """The font size of every text of an SVG, in points as printed when the picture is
    `placed_width_pt` wide (the user unit is the point of the SVG's own width)."""
    width, _, view_width, _ = map(float, _SVG_SIZE.search(document).groups())
    assert width == view_width
    scale = placed_width_pt / width
    sizes = [_printed(float(s) * scale) for s in _SVG_FONT.findall(document)]
    assert len(sizes) == document.count("<text ")
    return sizes


def test_every_text_of_every_fixture_chart_is_at_least_7_pt(fixture_charts):
    """Placed at the width every picture gets (checked on a rendered report below)."""
    placed = charts.WIDTH_MM / 25.4 * 72
    smallest = {}
    for name, chart in fixture_charts.items():
        sizes = _svg_sizes(charts.svg(chart), placed)
        assert sizes, name
        smallest[name] = min(sizes)
    assert min(smallest.values()) >= SMALLEST_PT, {
        k: v for k, v in smallest.items() if v < SMALLEST_PT}
    assert {fixture_charts[k]["kind"] for k in smallest} >= {"bars", "paired", "hbars"}


@pytest.fixture(scope="module")
def report() -> tuple[dict, bytes, dict]:
    """The Báo cáo of Sơn La 2025 (a ranking of 75 xã among its charts) as a DOCX, and the
    chart of each of its pictures by the picture's hash."""
    context = _contexts()["son-la-2025"]
    drawn: dict = {}
    return context, docx.render(template_path("bao_cao", "docx"), context, META, charts=drawn), \
        drawn


def test_docx_pictures_print_their_text_at_7_pt_or_more(report):
    """Each PNG is placed at the width it was drawn at (its pixels over its dpi), so the
    figure's font sizes are the printed ones."""
    _, data, drawn = report
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels}
        pictures = []
        for inline in root.iter(f"{WP}inline"):
            extent = int(inline.find(f"{WP}extent").get("cx")) / EMU_PER_PT
            blip = next(inline.iter(f"{A}blip")).get(f"{R}embed")
            pictures.append((extent, package.read(f"word/{targets[blip]}")))
    assert len(pictures) == len(drawn) >= 2
    assert any(len(c.get("labels", [])) == 75 for c in drawn.values())
    for extent, png in pictures:
        chart = drawn[hashlib.sha256(png).hexdigest()]
        image = Image.open(io.BytesIO(png))
        drawn_width = image.width / image.info["dpi"][0] * 72
        scale = extent / drawn_width
        assert scale == pytest.approx(1.0, abs=0.002)
        figure = _draw(chart)
        sizes = [_printed(t.get_fontsize() * scale) for t in figure.findobj(Text)
                 if t.get_text()]
        assert sizes and min(sizes) >= SMALLEST_PT, chart["number"]


def test_pdf_pictures_print_their_text_at_7_pt_or_more(report):
    _, data, drawn = report
    svgs = {}

    def vector(picture: bytes) -> bytes:
        chart = drawn[hashlib.sha256(picture).hexdigest()]
        document = charts.svg(chart)
        svgs[len(svgs)] = document
        return document.encode("utf-8")

    converted = docx_html.convert(data, vector)
    widths = [float(w) for w in
              re.findall(r'<img [^>]*style="width: ([\d.]+)pt', converted.html)]
    assert len(widths) == len(svgs) == len(drawn)
    for index, width in enumerate(widths):
        sizes = _svg_sizes(svgs[index], width)
        assert min(sizes) >= SMALLEST_PT
        assert width == pytest.approx(charts.WIDTH_MM / 25.4 * 72, abs=0.1)
