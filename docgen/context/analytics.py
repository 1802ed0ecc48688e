"""Context of the report analytics: per-field lines, year-over-year lines, Biểu tables and
charts (biểu đồ) of each block, formatted as text.

Numbers come from :mod:`docgen.compute.fields`, :mod:`docgen.compute.compare` and
:mod:`docgen.compute.distribution`; words come from the templates, except the clauses that
say how a figure moved since last year (", giảm 5,22 điểm so với năm 2022", "; trong đó đơn
vị tăng nhiều bậc nhất là …"): each one is a choice among several wordings, made here once
so that the template shows a sentence with one placeholder instead of nested conditions
(:func:`change_words` and :data:`MOVES` hold those words). Directions are also given as
``"up"``, ``"down"`` or ``"same"`` and amounts without sign. Chart entries carry the data to draw (plain decimal strings
such as ``"95.44"``, never shown as such) and the labels shown inside the picture, already
formatted; the renderers turn them into SVG or PNG.

Tables of the Phụ lục are numbered Biểu số 1, 2, … in the order they appear (per block:
its ranking table, then its lĩnh vực table); charts are numbered Biểu đồ 1, 2, … in the
order they appear in the Báo cáo.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from docgen import formatting as fmt
from docgen.compute.compare import BlockComparison, Move, largest
from docgen.compute.distribution import histogram
from docgen.compute.fields import FieldResults, field_results
from docgen.compute.results import BlockResult
from docgen.model.dossier import Scheme

Context = dict[str, Any]

#: Above this many units, one bar per unit no longer fits the page width: the ranking
#: chart becomes a distribution, and the comparison chart a scatter plot.
MAX_BARS = 100


class Numbering:
    """Hands out Biểu số and Biểu đồ numbers in document order."""

    def __init__(self) -> None:
        self._tables: Iterator[int] = itertools.count(1)
        self._charts: Iterator[int] = itertools.count(1)

    def table(self) -> str:
        return str(next(self._tables))

    def chart(self) -> str:
        return str(next(self._charts))


def direction(value: Decimal | int) -> str:
    """Return "up", "down" or "same" for the sign of a change.

    >>> direction(Decimal("-5.22")), direction(3), direction(0)
    ('down', 'up', 'same')
    """
    return "up" if value > 0 else "down" if value < 0 else "same"


#: The year-over-year moves of a block's units, in the order the Báo cáo lists them: the
#: comparison's key, the verb and what is counted.
MOVES = (("rose", "tăng", "điểm"), ("fell", "giảm", "điểm"), ("up", "tăng", "bậc"),
         ("kept", "giữ", "bậc"), ("down", "giảm", "bậc"))

#: The verb of each direction of a change.
VERBS = {"up": "tăng", "down": "giảm"}


def change_words(direction: str, amount: str, unit: str, previous_year: str) -> str:
    """Return how a figure moved since `previous_year`: "bằng năm 2022" or "giảm 5,22
    điểm so với năm 2022" (`amount` already formatted, without sign).

    >>> change_words("up", "03", "bậc", "2024"), change_words("same", "0", "điểm", "2024")
    ('tăng 03 bậc so với năm 2024', 'bằng năm 2024')
    """
    if direction == "same":
        return f"bằng năm {previous_year}"
    return f"{VERBS[direction]} {amount} {unit} so với năm {previous_year}"


def _after_figure(change: str) -> str:
    """The change as it follows a figure in running text: ", giảm 5,22 điểm so với năm
    2022"; nothing without a change."""
    return f", {change}" if change else ""


def _in_brackets(change: str) -> str:
    """The change in brackets after a figure: " (bằng năm 2022)"; nothing without one."""
    return f" ({change})" if change else ""


def band_change_text(change: Context | None, empty: bool, previous_year: str | None) -> str:
    """The change of a band's count after it: ", tăng 02 đơn vị so với năm 2022" after the
    units it has; after "không có đơn vị nào", only a fall, in brackets (" (giảm 01 đơn vị
    so với năm 2022)"). Nothing without last year's count for that band.

    >>> band_change_text({"known": True, "direction": "same", "amount": "0"}, False, "2023")
    ', bằng năm 2023'
    >>> band_change_text({"known": True, "direction": "same", "amount": "0"}, True, "2023")
    ''
    """
    if not change or not change["known"] or previous_year is None:
        return ""
    words = change_words(change["direction"], change["amount"], "đơn vị", previous_year)
    if empty:
        return _in_brackets(words) if change["direction"] == "down" else ""
    return _after_figure(words)


def block_analytics(result: BlockResult, scheme: Scheme, numbering: Numbering,
                    comparison: BlockComparison | None, year: int,
                    previous_year: int | None) -> Context:
    """Return the analytics keys of one block (see docs/context.md, `blocks[]`)."""
    decimals = scheme.score_decimals

    def score(value: Decimal) -> str:  # in running text
        return fmt.format_score(value, decimals)

    def cell(value: Decimal) -> str:  # in a table column
        return fmt.format_number(value, decimals)

    fields = field_results(result, scheme)
    context: Context = {"table_number": numbering.table()}
    context["field_table"] = (
        _field_table(fields, result.average, scheme, cell, numbering) if fields else None)
    context["field_stats"] = _field_stats(fields, scheme, score) if fields else []
    context["comparison"] = (
        _comparison(comparison, scheme, score, previous_year) if comparison else None)
    context.update(_block_changes(context["comparison"]))
    # Numbered in the order the Báo cáo shows them: ranking, comparison, lĩnh vực.
    charts = {"ranking": _ranking_chart(result, scheme, numbering), "compare": None,
              "fields": None}
    if comparison and comparison.moves:
        charts["compare"] = _compare_chart(comparison, scheme, numbering, year, previous_year)
    if fields:
        charts["fields"] = _fields_chart(fields, scheme, numbering)
    for chart in charts.values():
        if chart is not None:
            chart["caption"] = chart_caption(chart, result.block.name, year, previous_year)
    context["charts"] = charts
    context["letters"] = _letters(bool(fields), comparison is not None)
    return context


def chart_caption(chart: Context, block_name: str, year: int,
                  previous_year: int | None) -> str:
    """Return what the chart shows, the text after "Biểu đồ N." under it.

    The wording depends on the kind of chart the data called for (bars or a histogram, a
    pair of bars or a scatter plot), so it is chosen here once; the template then reads
    "Biểu đồ {{ c.number }}. {{ c.caption }}" wherever a chart is placed.
    """
    kind = chart["kind"]
    if kind == "bars":
        return (f"Chỉ số CCHC năm {year} của {block_name}, từ cao xuống thấp, màu theo xếp "
                "loại; đường nét đứt là ngưỡng xếp loại")
    if kind == "histogram":
        return (f"Phân bố Chỉ số CCHC năm {year} của {block_name}: số đơn vị trong từng "
                f"khoảng {chart['width']} điểm, màu theo xếp loại; đường nét đứt là ngưỡng "
                "xếp loại")
    if kind == "hbars":
        return (f"Điểm trung bình từng lĩnh vực của {block_name} năm {year}, tính bằng tỷ lệ "
                "% so với điểm tối đa")
    if kind == "paired":
        return (f"Chỉ số CCHC của từng đơn vị thuộc {block_name}: năm {year} (màu xanh) so "
                f"với năm {previous_year} (màu xám)")
    return (f"Chỉ số CCHC của các đơn vị thuộc {block_name}: năm {previous_year} (trục "
            f"ngang) và năm {year} (trục dọc); đơn vị nằm trên đường chéo là đơn vị tăng "
            "điểm")


def _letters(has_fields: bool, has_comparison: bool) -> Context:
    """Return the point letters of the block's parts; none when it has only the general
    results (the section then reads as it always did)."""
    parts = ["general"] + (["compare"] if has_comparison else []) + (
        ["fields"] if has_fields else [])
    letters = {"general": "", "compare": "", "fields": ""}
    if len(parts) > 1:
        letters.update({part: fmt.point_letter(i) for i, part in enumerate(parts)})
    return letters


# ---------------------------------------------------------------------------------------
# Lĩnh vực
# ---------------------------------------------------------------------------------------


def _field_stats(fields: FieldResults, scheme: Scheme,
                 score: Callable[[Decimal], str]) -> list[Context]:
    return [
        {
            "number": str(i),
            "name": f.name,
            "max": fmt.format_plain(f.max),
            "average": score(f.average),
            "percent": fmt.format_percent(f.percent, scheme.share_decimals),
            "best_names": fmt.join_names([u.name for u in f.best]),
            "best_score": score(f.best_score),
            "best_tied": len(f.best) > 1,
            "worst_names": fmt.join_names([u.name for u in f.worst]),
            "worst_score": score(f.worst_score),
            "worst_tied": len(f.worst) > 1,
            "self_average": score(f.self_average) if f.self_average is not None else "",
        }
        for i, f in enumerate(fields.fields, start=1)
    ]


def _field_table(fields: FieldResults, average: Decimal, scheme: Scheme,
                 score: Callable[[Decimal], str], numbering: Numbering) -> Context:
    """The Biểu of a block: per unit its TĐG line (when present) and its TĐ line. The
    TĐG line carries the unit's rank and band too: the template merges those cells (and
    STT, name) over the unit's two lines, the merged cell showing the first line's text."""
    rows: list[Context] = []
    for index, row in enumerate(fields.rows, start=1):
        unit = row.unit
        if fields.has_self:
            rows.append({"index": str(index), "name": unit.name, "kind": "self",
                         "keep": True, "average": False, "first": True,
                         "scores": [score(v) for v in row.self_fields],
                         "total": score(row.self_total), "rank": str(unit.rank),
                         "band": scheme.bands[unit.band].label})
        rows.append({"index": "" if fields.has_self else str(index),
                     "name": "" if fields.has_self else unit.name,
                     "kind": "appraised", "keep": False, "average": False,
                     "first": not fields.has_self,
                     "scores": [score(v) for v in unit.fields],
                     "total": score(unit.total), "rank": str(unit.rank),
                     "band": scheme.bands[unit.band].label})
    if fields.has_self:
        rows.append({"index": "", "name": "", "kind": "self", "keep": True, "average": True,
                     "first": True,
                     "scores": [score(f.self_average) for f in fields.fields],
                     "total": score(fields.self_total_average), "rank": "", "band": ""})
    rows.append({"index": "", "name": "", "kind": "appraised", "keep": False, "average": True,
                 "first": not fields.has_self,
                 "scores": [score(f.average) for f in fields.fields],
                 "total": score(average), "rank": "", "band": ""})
    size = 2 if fields.has_self else 1
    return {
        "number": numbering.table(),
        "has_self": fields.has_self,
        "groups": [rows[i:i + size] for i in range(0, len(rows) - size, size)]
        + [rows[-size:]],
        "lead": [True] if fields.has_self else [],
        "fields": [{"code": f"LV{i}", "name": f.name, "max": fmt.format_plain(f.max)}
                   for i, f in enumerate(fields.fields, start=1)],
        "rows": rows,
    }


# ---------------------------------------------------------------------------------------
# Year over year
# ---------------------------------------------------------------------------------------


def _block_changes(comparison: Context | None) -> Context:
    """The block's average and gap against last year, as they follow the figures."""
    if comparison is None:
        return {"average_change_text": "", "gap_change_text": ""}
    year = comparison["previous_year"]
    return {
        "average_change_text": _after_figure(change_words(
            comparison["average_direction"], comparison["average_change"], "điểm", year)),
        "gap_change_text": _in_brackets(change_words(
            comparison["gap_direction"], comparison["gap_change"], "điểm", year)),
    }


def _move_lines(comparison: Context) -> list[Context]:
    """One item per kind of move (:data:`MOVES`): what moved ("tăng điểm"), whether any
    unit did, how many, which, and the clause on the largest move after the names: " (tăng
    0,15 điểm)" for one unit, "; trong đó đơn vị giảm nhiều bậc nhất là … (giảm 07 bậc)"
    for several; none for the units that kept their place."""
    lines = []
    for key, verb, unit in MOVES:
        moved = comparison[key]
        largest_move = f"{verb} {moved['top_amount']} {unit}"
        if key == "kept" or not moved["any"]:
            detail = ""
        elif moved["single"]:
            detail = _in_brackets(largest_move)
        else:
            who = "các đơn vị" if moved["top_tied"] else "đơn vị"
            detail = (f"; trong đó {who} {verb} nhiều {unit} nhất là {moved['top_names']}"
                      f"{_in_brackets(largest_move)}")
        lines.append({"verb": f"{verb} {unit}", "any": moved["any"], "count": moved["count"],
                      "names": moved["names"], "detail": detail})
    return lines


def _moves(moves: tuple[Move, ...], key: Callable[[Move], Any],
           amount: Callable[[Any], str]) -> Context:
    top = largest(moves, key)
    return {
        "count": fmt.format_count(len(moves)),
        "any": bool(moves),
        "single": len(moves) == 1,
        "names": fmt.join_names([m.unit.name for m in moves]),
        "top_names": fmt.join_names([m.unit.name for m in top]),
        "top_tied": len(top) > 1,
        "top_amount": amount(abs(key(top[0]))) if top else "",
    }


def _comparison(comparison: BlockComparison, scheme: Scheme, score: Callable[[Decimal], str],
                previous_year: int | None) -> Context:
    def score_change(m: Move) -> Decimal:
        return m.score_change

    def rank_change(m: Move) -> int:
        return m.rank_change

    def units(items) -> Context:
        return {"count": fmt.format_count(len(items)), "any": bool(items),
                "names": fmt.join_names([u.name for u in items])}

    band_changes = []
    for change in comparison.bands:
        delta = change.change
        band_changes.append({
            "known": delta is not None,
            "direction": direction(delta or 0),
            "amount": fmt.format_count(abs(delta)) if delta is not None else "",
            "previous_count": (fmt.format_count(change.previous_count)
                               if change.previous_count is not None else ""),
        })
    context: Context = {
        "previous_year": str(previous_year),
        "previous_average": score(comparison.previous.average),
        "average_direction": direction(comparison.average_change),
        "average_change": score(abs(comparison.average_change)),
        "previous_gap": score(comparison.previous.gap),
        "gap_direction": direction(comparison.gap_change),
        "gap_change": score(abs(comparison.gap_change)),
        "matched": fmt.format_count(len(comparison.moves)),
        "new": units(comparison.new),
        "removed": units(comparison.removed),
        "rose": _moves(comparison.rose, score_change, score),
        "fell": _moves(comparison.fell, score_change, score),
        "up": _moves(comparison.up, rank_change, fmt.format_count),
        "kept": _moves(comparison.kept, rank_change, fmt.format_count),
        "down": _moves(comparison.down, rank_change, fmt.format_count),
        "bands": band_changes,
    }
    context["moves"] = _move_lines(context)
    return context


# ---------------------------------------------------------------------------------------
# Charts: data to draw, labels already formatted
# ---------------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    """A number for drawing only (never shown): plain decimal text."""
    return str(value)


def _band_names(scheme: Scheme) -> list[str]:
    return [f"{scheme.band_term} {b.label}" for b in scheme.bands]


def _thresholds(scheme: Scheme) -> list[str]:
    return [_plain(b.lower) for b in scheme.bands if b.lower]


def _ranking_chart(result: BlockResult, scheme: Scheme, numbering: Numbering) -> Context:
    units = result.units
    chart: Context = {
        "number": numbering.chart(),
        "band_names": _band_names(scheme),
        "thresholds": _thresholds(scheme),
        "max": _plain(scheme.max_total),
        "axis_min": "0",
    }
    if len(units) <= MAX_BARS:
        chart.update(kind="bars", labels=[u.name for u in units],
                     values=[_plain(u.total) for u in units],
                     bands=[str(u.band) for u in units])
        return chart
    spread = histogram([u.total for u in units], [u.band for u in units], len(scheme.bands))
    chart.update(kind="histogram", edges=[_plain(e) for e in spread.edges],
                 counts=[[str(c) for c in row] for row in spread.counts],
                 width=fmt.format_plain(spread.edges[1] - spread.edges[0]))
    return chart


def _fields_chart(fields: FieldResults, scheme: Scheme, numbering: Numbering) -> Context:
    return {
        "number": numbering.chart(),
        "kind": "hbars",
        "labels": [f.name for f in fields.fields],
        "values": [_plain(f.percent) for f in fields.fields],
        "value_labels": [fmt.format_percent(f.percent, scheme.share_decimals)
                         for f in fields.fields],
    }


def _compare_chart(comparison: BlockComparison, scheme: Scheme, numbering: Numbering,
                   year: int, previous_year: int | None) -> Context:
    moves = comparison.moves
    chart: Context = {
        "number": numbering.chart(),
        "kind": "paired" if len(moves) <= MAX_BARS else "scatter",
        "labels": [m.unit.name for m in moves],
        "values": [_plain(m.unit.total) for m in moves],
        "previous": [_plain(m.previous.total) for m in moves],
        "series": [str(year), str(previous_year)],
        "thresholds": _thresholds(scheme),
        "max": _plain(scheme.max_total),
        "axis_min": "0",
    }
    if chart["kind"] == "scatter":
        low = min(min(m.unit.total, m.previous.total) for m in moves)
        chart["axis_min"] = _plain((low // 10) * 10)
    return chart
