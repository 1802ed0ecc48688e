"""Charts (biểu đồ): chart data from the context -> SVG (for the PDF) or PNG (for the DOCX).

This is the only module of docgen that imports matplotlib. The context carries what a
chart shows (values, labels, band colours, thresholds, legend entries); every number
printed inside a picture is formatted by :mod:`docgen.formatting` (decimal comma), the
text is set in the bundled Liberation Serif (registered from ``render/fonts``, so every
Vietnamese letter shows), and the wording around a chart (its number and title) stays in
the templates.

Guarantees:

* **Vector in the PDF, text as text.** The SVG keeps its labels as ``<text>``
  (``svg.fonttype = "none"``) in the family the caller names: the PDF renderer names its
  private ``@font-face`` family, so WeasyPrint sets the labels in the bundled Liberation
  Serif it already embeds for the body (no second font, no outlines to parse), and they
  can be selected and searched. Both sides measure with the same font files, so the labels
  sit where the layout below measured them.
* **Fixed layout, measured margins.** Each kind of chart computes its margins from the
  widths of its own labels (the bundled font's metrics) instead of running matplotlib's
  constrained layout, which drew every tick label several times per picture.
* **Sharp in the DOCX.** PNG at 200 dpi or more.
* **Same input, same bytes.** The SVG has a fixed ``svg.hashsalt`` and no date, the PNG
  no software stamp; figures are built on a private :class:`~matplotlib.figure.Figure`
  (no pyplot, no global figure state).
* **Drawn once per data.** One figure gives both the SVG and the PNG, and the pictures
  are kept by the hash of the chart's data (:func:`data_key`), so a package's PDF and
  DOCX, and the next render of the same round, reuse them: same bytes, no second drawing.

* **Legible as printed.** The picture is placed at the width it is drawn at, and no text
  in it is under 7 pt: beyond 30 units the bars are set across in two columns rather than
  upright with smaller names. The bands differ in grey value and by hatch, so a
  black-and-white copy still tells them apart.

Chart kinds (``chart["kind"]``): ``bars`` one bar per unit, high to low, coloured and
hatched by band, band thresholds as dashed lines; ``histogram`` the number of units per
score interval, stacked by band, for blocks too large for one bar per unit; ``hbars`` one
horizontal bar per lĩnh vực (average as % of the maximum); ``paired`` this year's and last
year's score side by side per unit; ``scatter`` last year against this year, one dot per
unit, for blocks too large for paired bars.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import re
import threading
from collections import OrderedDict, deque
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as Outline
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from docgen.formatting import format_plain
from docgen.formatting.glyphs import liberation_folder

__all__ = ["PNG_DPI", "Pictures", "band_sample", "band_sample_svg", "clear_cache", "data_key",
           "png", "seed", "svg", "svg_texts", "take_saved", "warm_up"]

FONT_FILES = ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf",
              "LiberationSerif-Italic.ttf", "LiberationSerif-BoldItalic.ttf")
FAMILY = "Liberation Serif"

#: Resolution of the PNG placed in the DOCX.
PNG_DPI = 200

#: Width of every chart: the text width of the page (165 mm) less a margin.
WIDTH_MM = 160

#: Band colours, best band first: dark green, blue, amber, pale red, then greys. Distinct
#: for the common colour-vision deficiencies (no red/green pair of like lightness), and on
#: a black-and-white copy: the first four differ by at least 0.2 in grey value (ITU-R
#: BT.601 luma 0.17, 0.42, 0.65, 0.90), darker for the better band.
BAND_COLOURS = ("#00441b", "#2c7bb6", "#ec9a2e", "#ffdcdc", "#5a5a5a", "#c0c0c0")
#: The hatch of each band and the colour of its lines (light on the dark fill, dark on
#: the light ones), so that a photocopy tells the bands apart even where greys come close;
#: the legend shows the same hatches.
BAND_HATCHES = ("////", "\\\\\\\\", "xxx", "....", "----", "||||")
BAND_INKS = ("#74c476", "#ffffff", "#7f3b08", "#b2182b", "#ffffff", "#333333")
THIS_YEAR, LAST_YEAR = "#2166ac", "#b8b8b8"

_RC = {
    "font.family": FAMILY,
    "font.size": 8,
    "svg.fonttype": "none",
    "svg.hashsalt": "docgen",
    "axes.unicode_minus": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.linewidth": 0.6,
    "hatch.linewidth": 0.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "legend.frameon": False,
    # every text is printed as written: "$x$" in a unit's name is not mathematics
    "text.parse_math": False,
}


@functools.cache
def _register_fonts() -> None:
    """Make the bundled Liberation Serif the only one matplotlib knows (once per process).

    A system copy of the family (Debian's ``fonts-liberation`` 1.x, which lacks most
    Vietnamese letters) would otherwise tie with the bundled faces and could win the
    lookup: labels would be measured and drawn without their glyphs, and the bytes would
    depend on the machine's fonts. So every other "Liberation Serif" is dropped first.
    """
    manager = font_manager.fontManager
    folder = liberation_folder()
    bundled = folder.resolve()
    manager.ttflist = [entry for entry in manager.ttflist
                       if entry.name != FAMILY or Path(entry.fname).resolve().parent == bundled]
    for name in FONT_FILES:
        manager.addfont(str(folder / name))


def warm_up() -> None:
    """Register the bundled fonts and load their metrics (what a first chart pays)."""
    _register_fonts()
    with matplotlib.rc_context(_RC):
        _width("Ấn định 0,5", NUMBER_SIZE)


def band_sample() -> dict[str, Any]:
    """A ranking chart with one unit in each band: every band's fill and hatch, as each
    chart and legend of docgen draws them (what a renderer warms up on)."""
    count = len(BAND_COLOURS)
    return {"kind": "bars", "number": "0", "labels": [f"{i + 1}" for i in range(count)],
            "values": [str(90 - 10 * i) for i in range(count)],
            "bands": [str(i) for i in range(count)],
            "band_names": [f"{i + 1}" for i in range(count)],
            "thresholds": [], "max": "100", "axis_min": "0"}


def band_sample_svg(family: str = FAMILY) -> str:
    """The SVG of :func:`band_sample`, for a warm-up: forgotten once drawn (not a picture
    of any document, so neither kept nor handed to other processes)."""
    chart = band_sample()
    text = svg(chart, family)
    key = data_key(chart)
    with _DRAWING:
        _DRAWN.pop(key, None)
        for saved in [entry for entry in _SAVED if entry[0] == key]:
            _SAVED.remove(saved)
    return text


def svg(chart: Mapping[str, Any], family: str = FAMILY) -> str:
    """Return the chart as an SVG document whose text names the font `family` (the name
    under which the reader of the SVG knows the bundled Liberation Serif)."""
    if not family or any(c in family for c in "'\"<>&;"):
        raise ValueError(f"font family name unfit for an SVG style: {family!r}")
    text = _save(chart, "svg", {"Date": None}).decode("utf-8")
    # matplotlib writes the one family it was given, quoted, in each text's style
    return text.replace(_SVG_FAMILY, f"font-family: {family!r}")


#: How matplotlib names the family in the style of each SVG text.
_SVG_FAMILY = f"font-family: {FAMILY!r}"

_SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")


def svg_texts(document: str) -> list[str]:
    """Return the text of every ``<text>`` element of an SVG made by :func:`svg`."""
    return [html.unescape(text) for text in _SVG_TEXT.findall(document)]


def png(chart: Mapping[str, Any], dpi: int = PNG_DPI) -> bytes:
    """Return the chart as PNG bytes at `dpi`."""
    return _save(chart, "png", {"Software": None}, dpi)


#: How many charts (by data) keep their pictures in memory; a package has a handful.
CACHE_SIZE = 64


class _Drawn:
    """One chart's figure, drawn once, and the pictures saved from it so far."""

    __slots__ = ("figure", "pictures")

    def __init__(self) -> None:
        self.figure: Figure | None = None
        self.pictures: dict[tuple[str, int], bytes] = {}


#: Data hash -> the chart drawn from that data, least recently used first.
_DRAWN: OrderedDict[str, _Drawn] = OrderedDict()
#: matplotlib's rc parameters and a figure being saved are shared state: one at a time.
_DRAWING = threading.Lock()
#: The pictures of a chart, both of which free its figure once saved.
_BOTH = (("svg", 72), ("png", PNG_DPI))


def data_key(chart: Mapping[str, Any]) -> str:
    """Return the hash of what `chart` shows (its data, in a canonical JSON form)."""
    text = json.dumps(chart, sort_keys=True, ensure_ascii=False, default=str,
                      separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _save(chart: Mapping[str, Any], fmt: str, metadata: dict, dpi: int = 72) -> bytes:
    """Return the chart saved as `fmt` at `dpi`.

    The figure is built once per data and both the SVG (for the PDF) and the PNG (for the
    DOCX) are saved from it; each picture is kept, by the data's hash, for the next
    document or the next render of the same data. Saving one figure twice gives the same
    bytes as two fresh figures, in either order (the chart tests check it).
    """
    key = data_key(chart)
    with _DRAWING:
        drawn = _DRAWN.pop(key, None) or _Drawn()
        _DRAWN[key] = drawn
        while len(_DRAWN) > CACHE_SIZE:
            _DRAWN.popitem(last=False)
        picture = drawn.pictures.get((fmt, dpi))
        if picture is None:
            _register_fonts()
            with matplotlib.rc_context(_RC):
                if drawn.figure is None:
                    drawn.figure = _DRAW[chart["kind"]](chart)
                out = io.BytesIO()
                drawn.figure.savefig(out, format=fmt, dpi=dpi, metadata=metadata)
            picture = drawn.pictures[(fmt, dpi)] = out.getvalue()
            _SAVED.append((key, fmt, dpi))
            if all(both in drawn.pictures for both in _BOTH):
                drawn.figure = None
    return picture


#: (data hash, format, dpi) of the pictures saved here since :func:`take_saved` last ran
#: (bounded: a process that never asks keeps only the latest).
_SAVED: deque[tuple[str, str, int]] = deque(maxlen=4 * CACHE_SIZE)

#: A picture as processes exchange it: (data hash, format, dpi) -> bytes.
Pictures = dict[tuple[str, str, int], bytes]


def take_saved() -> Pictures:
    """Return the pictures this process drew since the last call (not those seeded), so
    that a pool can hand them to its other workers."""
    with _DRAWING:
        saved = {}
        for key, fmt, dpi in _SAVED:
            drawn = _DRAWN.get(key)
            if drawn is not None and (fmt, dpi) in drawn.pictures:
                saved[(key, fmt, dpi)] = drawn.pictures[(fmt, dpi)]
        _SAVED.clear()
    return saved


def seed(pictures: Pictures) -> None:
    """Keep `pictures` drawn by another process as if drawn here (same data, same bytes)."""
    with _DRAWING:
        for (key, fmt, dpi), data in pictures.items():
            drawn = _DRAWN.get(key) or _DRAWN.setdefault(key, _Drawn())
            drawn.pictures.setdefault((fmt, dpi), data)
            if all(both in drawn.pictures for both in _BOTH):
                drawn.figure = None
        while len(_DRAWN) > CACHE_SIZE:
            _DRAWN.popitem(last=False)


def clear_cache() -> None:
    """Forget every chart drawn (tests, or a process that wants its memory back)."""
    with _DRAWING:
        _DRAWN.clear()
        _SAVED.clear()


def _figure(height_mm: float) -> Any:
    figure = Figure(figsize=(WIDTH_MM / 25.4, height_mm / 25.4), layout="none")
    return figure, figure.add_subplot()


# ---- Layout: margins measured from the labels, in points ------------------------------

#: Blank at the edge of the picture, and between the legend and what is next to it.
EDGE, GAP = 4.0, 4.0
#: Size of the numbers on the axes (rc ``font.size``), of the threshold values and of
#: the legend.
NUMBER_SIZE, THRESHOLD_SIZE, LEGEND_SIZE = 8.0, 7.0, 7.5
#: A tick with its number: tick length plus padding (matplotlib's defaults, 3.5 + 3.5).
TICK = 7.0
#: Padding between a label and its axis when the ticks have no length.
LABEL_PAD = 3.5
#: Distance of a threshold's value from the end of its line (``xytext`` below).
THRESHOLD_OFFSET = 2.0

_MEASURE = TextToPath()


@functools.lru_cache(maxsize=4096)
def _width(text: str, size: float) -> float:
    """Width in points of `text` (its longest line) set in the bundled font at `size`."""
    prop = font_manager.FontProperties(family=FAMILY, size=size)
    return max(_MEASURE.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in text.split("\n"))


def _height(text: str, size: float) -> float:
    """Height in points of `text` as matplotlib lays it out (1.2 lines per line)."""
    return 1.2 * size * (text.count("\n") + 1)


def _widest(texts: Sequence[str], size: float) -> float:
    return max((_width(text, size) for text in texts), default=0.0)


def _legend_height() -> float:
    """Height of the one-row legend: a line of text and the border padding (0.4 em)."""
    return _height("", LEGEND_SIZE) + 2 * 0.4 * LEGEND_SIZE


def _tick_labels(axis: Any, low: float, high: float) -> list[str]:
    """The numbers the axis will show between `low` and `high` (its formatter's text)."""
    formatter = axis.get_major_formatter()
    return [formatter(v) for v in axis.get_majorticklocs() if low - 1e-9 <= v <= high + 1e-9]


def _place(axes: Any, *, left: float, right: float, bottom: float, top: float,
           span: tuple[float, float] | None = None) -> None:
    """Put the plot area `left`, `right`, `bottom`, `top` points in from the edges of the
    picture, or from the edges of `span` (its left and right end, in points) across."""
    width, height = (v * 72 for v in axes.figure.get_size_inches())
    start, end = span or (0.0, width)
    axes.set_position([(start + left) / width, bottom / height,
                       (end - start - left - right) / width, 1 - (bottom + top) / height])


def _number(value: float, _pos: Any = None) -> str:
    """Tick label in the Vietnamese way (decimal comma), at most two decimals."""
    return format_plain(Decimal(f"{float(value):.2f}"))


def _values(chart: Mapping[str, Any], key: str = "values") -> list[float]:
    # Floats only for geometry; every number shown comes from the formatting functions.
    return [float(Decimal(v)) for v in chart[key]]


def _wrap(label: str, width: int = 38) -> str:
    """Break a long lĩnh vực name over lines of at most `width` characters."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def _threshold_labels(chart: Mapping[str, Any]) -> list[str]:
    """The band thresholds as printed at the end of their lines."""
    return [format_plain(Decimal(t)) for t in chart.get("thresholds", [])]


def _thresholds(axes: Any, chart: Mapping[str, Any]) -> None:
    """Band thresholds as dashed lines up the score axis, each with its value above the
    end of the line."""
    for threshold, label in zip(chart.get("thresholds", []), _threshold_labels(chart),
                                strict=True):
        value = float(Decimal(threshold))
        axes.axvline(value, color="#333333", linewidth=0.7, linestyle=(0, (4, 2)), zorder=3)
        axes.annotate(label, (value, 1), xycoords=("data", "axes fraction"),
                      xytext=(0, THRESHOLD_OFFSET), textcoords="offset points", ha="center",
                      va="bottom", fontsize=THRESHOLD_SIZE)


def _band_style(band: int) -> dict[str, Any]:
    """Fill, hatch and hatch colour of `band` (its lines follow the edge colour; the bars
    themselves have no outline unless the caller draws one)."""
    index = band % len(BAND_COLOURS)
    return {"facecolor": BAND_COLOURS[index], "hatch": BAND_HATCHES[index],
            "edgecolor": BAND_INKS[index]}


def _band_blocks(axes: Any, blocks: Sequence[tuple[float, float, float, float]],
                 band: int) -> None:
    """Fill the rectangles `blocks` (x, y, width, height, in data units) of one band as a
    single shape. A hatch is drawn once per shape: one shape per band instead of one per
    bar draws the same pixels (the hatch lies on the page, not on the bar) in a fraction
    of the time (a ranking of 75 units: 14 hatched bars of the dotted band became one)."""
    if not blocks:
        return
    vertices, codes = [], []
    for x, y, width, height in blocks:
        vertices += [(x, y), (x + width, y), (x + width, y + height), (x, y + height), (x, y)]
        codes += [Outline.MOVETO, Outline.LINETO, Outline.LINETO, Outline.LINETO,
                  Outline.CLOSEPOLY]
    axes.add_patch(PathPatch(Outline(vertices, codes), linewidth=0, **_band_style(band)))


def _band_legend(figure: Any, chart: Mapping[str, Any], used: Sequence[int],
                 below: bool = False) -> None:
    """The legend of the bands present, in one row, each key with its band's hatch."""
    handles = [Patch(**_band_style(i), linewidth=0, label=chart["band_names"][i])
               for i in sorted(set(used))]
    _legend(figure, handles, [h.get_label() for h in handles], below)


def _legend(figure: Any, handles: list, labels: list[str], below: bool) -> None:
    """One row of legend entries outside the plot, at the bottom edge of the picture when
    threshold values sit on top, else at the top edge (the margins leave it room). The
    keys are large enough to show a few lines of their hatch."""
    edge = EDGE / (figure.get_size_inches()[1] * 72)
    figure.legend(handles, labels, loc="lower center" if below else "upper center",
                  bbox_to_anchor=(0.5, edge if below else 1 - edge),
                  bbox_transform=figure.transFigure, borderaxespad=0, borderpad=0.4,
                  ncols=len(handles), fontsize=LEGEND_SIZE, handlelength=KEY_LENGTH,
                  handleheight=KEY_HEIGHT)


#: Size of a legend key, in units of the legend's font size (matplotlib's are 2 and 0.7).
KEY_LENGTH, KEY_HEIGHT = 2.2, 1.0

#: Up to this many units, the bars lie across in one column with the names written out
#: on the left; more units (up to the 100 of a ranking chart) are set in two columns side
#: by side, the ranking read down the left column and then down the right one, so that
#: every name stays at ACROSS_SIZE (no name is printed smaller than 7 pt, none upright).
ACROSS = 30
#: Height of a row of bars, in millimetres, in one column and in two.
ROW_MM, ROW_MM_TWO = 5.0, 3.8
#: Height of a picture besides its rows: the numbers, the legend and the threshold values.
FRAME_MM = 22.0


def _draw_bars(chart: Mapping[str, Any]) -> Any:
    """One bar per unit, high to low, coloured and hatched by band; thresholds dashed."""
    values = _values(chart)
    bands = [int(b) for b in chart["bands"]]
    figure, panels = _across(chart["labels"])
    for axes, rows in panels:
        for band in sorted(set(bands[rows])):
            at = [i for i in range(rows.start, rows.stop) if bands[i] == band]
            _band_blocks(axes, [(0.0, i - rows.start - 0.35, values[i], 0.7) for i in at],
                         band)
        _score_axis(axes, chart, rows, panels)
    _band_legend(figure, chart, bands, below=True)
    return figure


def _score_axis(axes: Any, chart: Mapping[str, Any], rows: slice,
                panels: Sequence[tuple[Any, slice]]) -> None:
    """Finish a panel of bars: the score axis from `axis_min` to the maximum, its numbers
    with a decimal comma, the band thresholds dashed, and margins fitted to the labels."""
    axes.set_xlim(float(Decimal(chart["axis_min"])), float(Decimal(chart["max"])))
    axes.xaxis.set_major_formatter(FuncFormatter(_number))
    _thresholds(axes, chart)
    column = [axes for axes, _ in panels].index(axes)
    _place_across(axes, chart, column, len(panels))


def _columns(labels: Sequence[str]) -> list[slice]:
    """The units of each column: all in one up to ACROSS, else the first half (rounded up)
    on the left and the rest on the right."""
    if len(labels) <= ACROSS:
        return [slice(0, len(labels))]
    half = -(-len(labels) // 2)
    return [slice(0, half), slice(half, len(labels))]


def _across(labels: Sequence[str]) -> tuple[Any, list[tuple[Any, slice]]]:
    """A figure for horizontal bars in one or two columns (:func:`_columns`), one row per
    label, the first label at the top; returns the figure and each column's plot with
    the units it shows."""
    columns = _columns(labels)
    rows = columns[0].stop
    pitch = ROW_MM if len(columns) == 1 else ROW_MM_TWO
    figure = Figure(figsize=(WIDTH_MM / 25.4, (FRAME_MM + pitch * rows) / 25.4),
                    layout="none")
    panels = []
    for units in columns:
        axes = figure.add_axes((0, 0, 1, 1))
        _names(axes, range(units.stop - units.start), labels[units])
        axes.set_ylim(rows - 0.5, -0.5)
        panels.append((axes, units))
    return figure, panels


#: Size of the names beside horizontal bars.
ACROSS_SIZE = 7.5


def _names(axes: Any, rows: Sequence[float], names: Sequence[str]) -> None:
    """Write `names` left of the plot, right-aligned, each centred on its row, where the
    axis would put them as tick labels with no tick (LABEL_PAD off the axis).

    Plain texts rather than tick labels: each tick label is a tick (two lines, a grid
    line and two labels) that the axis measures again on every drawing; 75 names made
    the ranking chart's figure cost twice its drawing."""
    axes.set_yticks([])
    place = axes.get_yaxis_transform() + ScaledTranslation(-LABEL_PAD / 72, 0,
                                                            axes.figure.dpi_scale_trans)
    for row, name in zip(rows, names, strict=True):
        axes.text(0, row, name, transform=place, ha="right", va="center_baseline",
                  fontsize=ACROSS_SIZE)


def _place_across(axes: Any, chart: Mapping[str, Any], column: int, columns: int) -> None:
    """Margins of horizontal bars in column `column` of `columns`: names on the left,
    values under the plot, then the legend; threshold values above the plot, centred on
    their lines. Both columns leave room for the widest name of all, so that their plots
    have the same width and scale."""
    low, high = axes.get_xlim()
    numbers = _tick_labels(axes.xaxis, low, high)
    ends = [*numbers[-1:], *_threshold_labels(chart)]
    width = axes.figure.get_size_inches()[0] * 72 / columns
    _place(axes, left=EDGE + _widest(chart["labels"], ACROSS_SIZE) + LABEL_PAD,
           right=EDGE + max(_widest(ends[:1], NUMBER_SIZE), _widest(ends[1:], THRESHOLD_SIZE))
           / 2,
           bottom=EDGE + _legend_height() + GAP + TICK + _height("", NUMBER_SIZE),
           top=EDGE + THRESHOLD_OFFSET + _height("", THRESHOLD_SIZE),
           span=(column * width, (column + 1) * width))


def _draw_histogram(chart: Mapping[str, Any]) -> Any:
    """Units per score interval, stacked by band; thresholds dashed."""
    edges = _values(chart, "edges")
    counts = [[int(c) for c in row] for row in chart["counts"]]  # [band][interval]
    figure, axes = _figure(85)
    widths = [b - a for a, b in zip(edges, edges[1:], strict=False)]
    bottom = [0] * len(widths)
    used = []
    for band, row in enumerate(counts):
        if not any(row):
            continue
        used.append(band)
        _band_blocks(axes, [(x, y, w, h) for x, y, w, h in zip(edges[:-1], bottom, widths, row,
                                                                 strict=True) if h], band)
        bottom = [a + b for a, b in zip(bottom, row, strict=True)]
    axes.set_xlim(edges[0], edges[-1])
    axes.set_ylim(0, max(bottom) * 1.15)
    axes.xaxis.set_major_formatter(FuncFormatter(_number))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(_number))
    _thresholds(axes, chart)
    _band_legend(figure, chart, used)
    # values left and under, the legend on top of the threshold values
    x_numbers = _tick_labels(axes.xaxis, *axes.get_xlim())
    y_numbers = _tick_labels(axes.yaxis, *axes.get_ylim())
    _place(axes, left=EDGE + _widest(y_numbers, NUMBER_SIZE) + TICK,
           right=EDGE + _widest(x_numbers[-1:], NUMBER_SIZE) / 2,
           bottom=EDGE + TICK + _height("", NUMBER_SIZE),
           top=EDGE + _legend_height() + GAP + THRESHOLD_OFFSET + _height("", THRESHOLD_SIZE))
    return figure


def _draw_hbars(chart: Mapping[str, Any]) -> Any:
    """One horizontal bar per lĩnh vực, in dossier order from the top, with its label."""
    values = _values(chart)
    labels = [_wrap(label) for label in chart["labels"]]
    lines = sum(label.count("\n") + 1 for label in labels)
    figure, axes = _figure(18 + 5.2 * lines)
    positions = list(range(len(values)))[::-1]
    axes.barh(positions, values, color=THIS_YEAR, height=0.6, linewidth=0)
    _names(axes, positions, labels)
    for y, value, text in zip(positions, values, chart["value_labels"], strict=True):
        axes.text(value + 1, y, text, va="center", fontsize=ACROSS_SIZE)
    axes.set_xlim(0, 112)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.xaxis.set_major_formatter(FuncFormatter(_number))
    # names on the left; the first and last names may reach past the plot by half
    # their height when they run over several lines
    half_first = _height(labels[0], ACROSS_SIZE) / 2
    half_last = _height(labels[-1], ACROSS_SIZE) / 2
    _place(axes, left=EDGE + _widest(chart["labels"], ACROSS_SIZE) + LABEL_PAD, right=EDGE,
           bottom=EDGE + max(TICK + _height("", NUMBER_SIZE), half_last),
           top=EDGE + half_first)
    return figure


def _draw_paired(chart: Mapping[str, Any]) -> Any:
    """This year's and last year's totals side by side, one pair per unit, in one or two
    columns like the ranking."""
    current, previous = _values(chart), _values(chart, "previous")
    this_year, last_year = chart["series"]
    figure, panels = _across(chart["labels"])
    for axes, rows in panels:
        count = rows.stop - rows.start
        axes.barh([i + 0.19 for i in range(count)], previous[rows], height=0.38,
                  color=LAST_YEAR, label=last_year, linewidth=0)
        axes.barh([i - 0.19 for i in range(count)], current[rows], height=0.38,
                  color=THIS_YEAR, label=this_year, linewidth=0)
        _score_axis(axes, chart, rows, panels)
    handles, labels = panels[0][0].get_legend_handles_labels()
    _legend(figure, handles[::-1], labels[::-1], below=True)
    return figure


def _draw_scatter(chart: Mapping[str, Any]) -> Any:
    """Last year (across) against this year (up), one dot per unit; the diagonal marks
    no change, so dots above it gained points."""
    current, previous = _values(chart), _values(chart, "previous")
    figure, axes = _figure(110)
    low = float(Decimal(chart["axis_min"]))
    high = float(Decimal(chart["max"]))
    axes.plot([low, high], [low, high], color="#333333", linewidth=0.7,
              linestyle=(0, (4, 2)))
    axes.scatter(previous, current, s=4, color=THIS_YEAR, linewidths=0, alpha=0.6)
    axes.set_xlim(low, high)
    axes.set_ylim(low, high)
    axes.set_aspect("equal")
    axes.xaxis.set_major_formatter(FuncFormatter(_number))
    axes.yaxis.set_major_formatter(FuncFormatter(_number))
    axes.set_xlabel(chart["series"][1])
    axes.set_ylabel(chart["series"][0])
    # axis titles (matplotlib's labelpad 4) outside the values; the square plot is
    # centred in what is left
    numbers = _tick_labels(axes.yaxis, low, high)
    title = _height("", NUMBER_SIZE) + 4.0
    _place(axes, left=EDGE + title + _widest(numbers, NUMBER_SIZE) + TICK,
           right=EDGE + _widest(numbers[-1:], NUMBER_SIZE) / 2,
           bottom=EDGE + title + TICK + _height("", NUMBER_SIZE),
           top=EDGE + _height("", NUMBER_SIZE) / 2)
    return figure


_DRAW = {
    "bars": _draw_bars,
    "histogram": _draw_histogram,
    "hbars": _draw_hbars,
    "paired": _draw_paired,
    "scatter": _draw_scatter,
}
