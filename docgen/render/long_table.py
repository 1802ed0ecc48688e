"""Long tables set directly: a table of hundreds of rows typeset line by line.

WeasyPrint lays out every cell of a table as a tree of boxes and shapes its text through
Pango: some 2 ms per row, so a 3.321-unit Phụ lục spends most of its 20 s there. The
rows of such a table are plain: one paragraph of one style per cell, no merged cells.
This module sets exactly that kind of table itself, from the CSS that
:mod:`docgen.render.docx_html` writes for the DOCX table (so the DOCX template stays the
one source of the layout): it wraps each cell's words with the face's kerned advances,
stacks the rows with their collapsed borders, cuts them into pages with the header rows
repeated on each page, and returns for each page the rules and the lines of text to
draw. :mod:`docgen.render.pdf` reserves each page's part in WeasyPrint's layout of the
rest of the document and draws the part into that page.

A table outside that subset of CSS (a background, a merged cell, a word wider than its
column, a character the face lacks…) gets ``None`` from :func:`cell` or
:func:`paginate`, and WeasyPrint lays it out as any other table.

All lengths are points; y grows downwards from the top of a page's part.
"""

from __future__ import annotations

import functools
import html
import unicodedata
from dataclasses import dataclass
from typing import Callable

from docgen.formatting.glyphs import FaceMetrics, face_metrics

#: Tables with at least this many body rows are set here (the largest fixture block has
#: 75 units; from about 150 rows the direct setting is several times faster).
LONG_ROWS = 150

#: A face: (font-weight, font-style).
Face = tuple[str, str]


@dataclass(frozen=True)
class Paragraph:
    text: str
    face: Face
    size: float
    line_height: float
    align: str
    #: top, right, bottom, left
    margin: tuple[float, float, float, float]
    #: white-space: pre-wrap: the space at which a line breaks stays at its end and
    #: counts in its alignment (WeasyPrint keeps it, as CSS lets it hang)
    hanging: bool = False


@dataclass(frozen=True)
class Cell:
    paragraphs: tuple[Paragraph, ...]
    #: top, right, bottom, left
    padding: tuple[float, float, float, float]
    #: widths of the top, right, bottom and left borders (0: none)
    borders: tuple[float, float, float, float]
    valign: str
    span: int = 1


@dataclass(frozen=True)
class Table:
    #: column widths
    columns: tuple[float, ...]
    #: offset of the table from the left of its container, or None to centre it
    left: float | None
    header: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    #: the table keeps with what follows it (its last part must not be alone)
    keep_with_next: bool = False

    @property
    def width(self) -> float:
        return sum(self.columns)


@dataclass(frozen=True)
class Line:
    """A line of text: its left end and baseline, face, size and text."""

    x: float
    baseline: float
    face: Face
    size: float
    text: str


@dataclass(frozen=True)
class Rule:
    """A straight rule from (x0, y0) to (x1, y1), centred on that line."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float


@dataclass(frozen=True)
class Part:
    """One page's part of a table: header rows and the body rows from `first` to
    `last` (0-based, inclusive), its height, rules and lines, relative to its top left
    corner (the left of the container)."""

    first: int
    last: int
    height: float
    rules: tuple[Rule, ...]
    lines: tuple[Line, ...]


# --- From the converted CSS ----------------------------------------------------------------


class _Unsupported(Exception):
    """A declaration or value this module does not set."""


def _declarations(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        for declaration in item.split(";"):
            if declaration.strip():
                key, _, value = declaration.partition(":")
                out[key.strip()] = value.strip()
    return out


def _points(value: str) -> float:
    if not value.endswith("pt"):
        raise _Unsupported(value)
    return float(value[:-2])


def _box(value: str) -> tuple[float, float, float, float]:
    parts = [_points(part) for part in value.split()]
    if len(parts) != 4:
        raise _Unsupported(value)
    return parts[0], parts[1], parts[2], parts[3]


def _border(value: str) -> float:
    width, style, color = value.split()
    if style != "solid" or color.lower() not in ("#000000", "#000", "black"):
        raise _Unsupported(value)
    return _points(width)


_TEXT_KEYS = {"text-align", "font-size", "font-weight", "font-style", "line-height",
              "margin", "text-indent", "min-height", "orphans", "widows", "break-after",
              "white-space"}
_CELL_KEYS = {"vertical-align", "padding", "border-top", "border-right", "border-bottom",
              "border-left", "break-inside"}


def _paragraph_style(style: dict[str, str]) -> tuple:
    """(face, size, line height, alignment, margin, hanging) of a paragraph's
    declarations."""
    if style.get("text-indent", "0pt") != "0pt":
        raise _Unsupported("text-indent")
    size = _points(style["font-size"])
    line_height = _points(style["line-height"])
    if "min-height" in style and _points(style["min-height"]) > line_height:
        raise _Unsupported("min-height")
    align = style.get("text-align", "left")
    if align not in ("left", "center", "right"):
        raise _Unsupported(align)
    face = (style.get("font-weight", "normal"), style.get("font-style", "normal"))
    if face[0] not in ("normal", "bold") or face[1] not in ("normal", "italic"):
        raise _Unsupported(str(face))
    white_space = style.get("white-space", "normal")
    if white_space not in ("normal", "pre-wrap"):
        raise _Unsupported(white_space)
    return (face, size, line_height, align, _box(style.get("margin", "0pt 0pt 0pt 0pt")),
            white_space == "pre-wrap")


@functools.lru_cache(maxsize=1024)
def _shape(cell_css: tuple[str, ...], paragraph_css: tuple[tuple[str, ...] | None, ...]
           ) -> tuple | None:
    """The cell's (padding, borders, vertical alignment, style of each paragraph), or
    None when the cell uses what this module does not set. The rows of a long table
    share a few shapes."""
    try:
        style = _declarations(list(cell_css))
        own = {key: value for key, value in style.items() if key not in _TEXT_KEYS}
        if set(own) - _CELL_KEYS:
            raise _Unsupported(str(set(own) - _CELL_KEYS))
        borders = tuple(_border(own[f"border-{side}"]) if f"border-{side}" in own else 0.0
                        for side in ("top", "right", "bottom", "left"))
        paragraphs = []
        for declarations in paragraph_css:
            own_style = style if declarations is None else _declarations(list(declarations))
            if declarations is not None and set(own_style) - _TEXT_KEYS:
                raise _Unsupported(str(set(own_style) - _TEXT_KEYS))
            paragraphs.append(_paragraph_style(own_style))
        valign = own.get("vertical-align", "top")
        if valign not in ("top", "middle", "bottom"):
            raise _Unsupported(valign)
        return (_box(own.get("padding", "0pt 0pt 0pt 0pt")), borders, valign,
                tuple(paragraphs))
    except (_Unsupported, KeyError, ValueError):
        return None


def cell(cell_css: list[str], paragraphs: list[tuple[list[str] | None, str]],
         span: int = 1) -> Cell | None:
    """Return the cell whose ``<td>`` has the declarations `cell_css` and holds
    `paragraphs`, each (declarations of its ``<p>``, or None for text set straight in
    the cell with the cell's declarations; its escaped text without markup), or None
    when the cell uses what this module does not set."""
    shape = _shape(tuple(cell_css), tuple(None if css is None else tuple(css)
                                          for css, _ in paragraphs))
    if shape is None:
        return None
    padding, borders, valign, styles = shape
    setting = []
    for (_, text), style in zip(paragraphs, styles, strict=True):
        if "<" in text or "\n" in text:
            return None
        setting.append(Paragraph(html.unescape(text) if "&" in text else text, *style))
    return Cell(tuple(setting), padding, borders, valign, span)


# --- Setting -------------------------------------------------------------------------------


class Setter:
    """Wraps and measures text in the PDF's faces."""

    def __init__(self, metrics: Callable[[str, str], FaceMetrics] = face_metrics):
        self._metrics = metrics
        self._faces: dict[Face, FaceMetrics] = {}
        self._widths: dict[tuple[Face, str], int] = {}

    def face(self, face: Face) -> FaceMetrics:
        found = self._faces.get(face)
        if found is None:
            found = self._faces[face] = self._metrics(*face)
        return found

    def units(self, face: Face, word: str) -> int:
        """The advance of `word` in font units, kerned as HarfBuzz kerns it; raises
        _Unsupported for a glyph the face lacks or a character drawn otherwise."""
        key = (face, word)
        found = self._widths.get(key)
        if found is None:
            metrics = self.face(face)
            if any(_shaped(char) for char in word):
                raise _Unsupported("shaping")
            try:
                found = sum(metrics.advances[ord(char)] for char in word) + sum(
                    self.kern(face, a, b) for a, b in zip(word, word[1:]))
            except KeyError as exc:
                raise _Unsupported("glyph") from exc
            self._widths[key] = found
        return found

    def kern(self, face: Face, first: str, second: str) -> int:
        """The change of `first`'s advance, in font units, when `second` follows it."""
        metrics = self.face(face)
        glyphs = metrics.glyphs
        return metrics.kerning.get((glyphs[ord(first)], glyphs[ord(second)]), 0)

    def wrap(self, paragraph: Paragraph, width: float) -> list[tuple[str, float]]:
        """The lines of `paragraph` within `width`, each with its width as aligned;
        greedy at spaces, as Pango breaks a line of words. A word ends with its kerning
        against the space after it (still on its line when the line breaks there), and
        a space with its kerning against the next word; a hanging paragraph's line
        keeps the space it breaks at."""
        words = paragraph.text.split(" ")
        if "" in words and paragraph.text:
            raise _Unsupported("spaces")
        face = paragraph.face
        scale = paragraph.size / self.face(face).per_em
        space = self.units(face, " ")
        lines: list[tuple[str, float]] = []
        current: list[str] = []
        current_width = 0.0
        for number, word in enumerate(words):
            units = self.units(face, word)
            if word and number + 1 < len(words):
                units += self.kern(face, word[-1], " ")
            word_width = units * scale
            if word_width > width + 1e-6:
                raise _Unsupported("word")
            gap = (space + (self.kern(face, " ", word[0]) if word else 0)) * scale
            if current and current_width + gap + word_width > width + 1e-6:
                if _breaks_inside(word):  # Pango might break within it: not set here
                    raise _Unsupported("break")
                lines.append((" ".join(current), current_width
                              + (space * scale if paragraph.hanging else 0.0)))
                current, current_width = [], 0.0
            current_width += (gap if current else 0.0) + word_width
            current.append(word)
        lines.append((" ".join(current), current_width))
        return lines


#: Punctuation that the line breaking rules (UAX #14) bind to the letters and digits
#: around it: no line may break next to it inside a word.
_BOUND = frozenset(".,:;'\"()[]&<>%#*+=@_")
#: A hyphen, an en dash, a slash: a line may break after them, not before them.
_BREAK_AFTER = frozenset("-–/")


def _breaks_inside(word: str) -> bool:
    """Whether Pango may break a line inside `word` (after a hyphen, a dash, a slash…);
    such a word is set here only where it fits whole on its line. A break after its
    last character is the one at the space after it: "-" alone, "Hà-" have none inside."""
    inner = word[:-1] if word[-1:] in _BREAK_AFTER else word
    return not all(char.isalnum() or char in _BOUND for char in inner)


def _shaped(char: str) -> bool:
    """Whether Pango draws `char` otherwise than at its advance, in order: a combining
    mark (placed on its base letter), a format character (a soft hyphen, a zero-width
    space: not drawn), a right-to-left letter (the word is reversed)."""
    return unicodedata.category(char)[0] in "MC" or \
        unicodedata.bidirectional(char) in ("R", "AL", "AN")


@dataclass
class _SetCell:
    cell: Cell
    x: float
    width: float
    #: the width of the content (between the paddings and half borders)
    inner: float
    #: (paragraph, its top below the top padding, [(text, width)]) of each paragraph
    lines: list[tuple[Paragraph, float, list[tuple[str, float]]]]
    height: float  # padding and content, without borders


def _set_row(setter: Setter, row: tuple[Cell, ...], columns: tuple[float, ...],
             left: float) -> list[_SetCell]:
    out = []
    column = 0
    for cell_ in row:
        x = left + sum(columns[:column])
        width = sum(columns[column:column + cell_.span])
        column += cell_.span
        top, right, bottom, left_pad = cell_.padding
        inner = width - (cell_.borders[1] + cell_.borders[3]) / 2 - right - left_pad
        lines = []
        content = 0.0
        previous_margin = None
        for paragraph in cell_.paragraphs:
            m_top, m_right, m_bottom, m_left = paragraph.margin
            wrapped = setter.wrap(paragraph, inner - m_left - m_right)
            # adjoining margins of sibling paragraphs collapse; a cell's first paragraph
            # keeps its top margin inside the cell
            content += m_top if previous_margin is None else max(m_top, previous_margin) \
                - previous_margin
            lines.append((paragraph, content, wrapped))
            content += len(wrapped) * paragraph.line_height + m_bottom
            previous_margin = m_bottom
        if column > len(columns):
            raise _Unsupported("span")
        out.append(_SetCell(cell_, x, width, inner, lines, top + bottom + content))
    if column != len(columns):
        raise _Unsupported("columns")
    return out


def _draw_row(setter: Setter, cells: list[_SetCell], top: float, height: float,
              lines: list[Line]) -> None:
    """Add the lines of a row whose cells' border boxes start at `top` and are `height`
    high (padding and content)."""
    for set_cell in cells:
        cell_ = set_cell.cell
        pad_top, _, _, pad_left = cell_.padding
        free = height - set_cell.height
        start = top + pad_top + {"top": 0.0, "middle": free / 2, "bottom": free}[cell_.valign]
        x_left = set_cell.x + cell_.borders[3] / 2 + pad_left
        for paragraph, offset, wrapped in set_cell.lines:
            _, m_right, _, m_left = paragraph.margin
            metrics = setter.face(paragraph.face)
            content = (metrics.ascent + metrics.descent) * paragraph.size / metrics.per_em
            baseline = (paragraph.line_height - content) / 2 \
                + metrics.ascent * paragraph.size / metrics.per_em
            room = set_cell.inner - m_left - m_right
            y = start + offset
            for text, width in wrapped:
                # as WeasyPrint aligns: a line as wide as its room or wider stays left
                shift = 0.0 if width >= room else {
                    "left": 0.0, "center": (room - width) / 2,
                    "right": room - width}[paragraph.align]
                lines.append(Line(x_left + m_left + shift, y + baseline, paragraph.face,
                                  paragraph.size, text))
                y += paragraph.line_height


def _rules(rows: list[tuple[list[_SetCell], float, float]], rule_widths: list[float],
           ) -> list[Rule]:
    """The rules of stacked rows, given each row's (cells, top of its rule, height) and
    the width of each horizontal rule (one more than rows); equal collinear pieces are
    joined into one rule."""
    horizontal: dict[tuple[float, float], list[list[float]]] = {}
    vertical: dict[tuple[float, float], list[list[float]]] = {}

    def add(store, key, start, end):
        pieces = store.setdefault(key, [])
        if pieces and abs(pieces[-1][1] - start) < 1e-6:
            pieces[-1][1] = end
        else:
            pieces.append([start, end])

    for index, (cells, rule_top, height) in enumerate(rows):
        above = rule_widths[index]
        below = rule_widths[index + 1]
        center_top = rule_top + above / 2
        center_bottom = center_top + above / 2 + height + below / 2
        for set_cell in cells:
            top_w, right_w, bottom_w, left_w = set_cell.cell.borders
            x0, x1 = set_cell.x, set_cell.x + set_cell.width
            if top_w:
                add(horizontal, (round(center_top, 4), top_w), x0, x1)
            if index == len(rows) - 1 and bottom_w:
                add(horizontal, (round(center_bottom, 4), bottom_w), x0, x1)
            if left_w:
                add(vertical, (round(x0, 4), left_w), center_top, center_bottom)
            if right_w:
                add(vertical, (round(x1, 4), right_w), center_top, center_bottom)
    out = []
    for (y, width), pieces in sorted(horizontal.items()):
        out.extend(Rule(a, y, b, y, width) for a, b in pieces)
    for (x, width), pieces in sorted(vertical.items()):
        out.extend(Rule(x, a, x, b, width) for a, b in pieces)
    return out


def _rule_width(above: list[_SetCell] | None, below: list[_SetCell] | None) -> float:
    """The width of the collapsed horizontal border between two rows: the wider."""
    widths = [c.cell.borders[2] for c in above or ()] + [c.cell.borders[0] for c in below or ()]
    return max(widths, default=0.0)


def paginate(table: Table, container: float, first_room: float, page_room: float,
             setter: Setter | None = None, hold_last: bool = False) -> list[Part] | None:
    """Cut `table` into page parts: the first part in `first_room` points of height,
    each next one in `page_room`; the header rows head every part. `container` is the
    width the table sits in (to centre it). With `hold_last` the last row is a part of
    its own, on the next page (so that what the table keeps with can follow it there, as
    WeasyPrint moves a table's last row). None when the table cannot be set here."""
    setter = setter or Setter()
    if table.left is None:
        left = (container - table.width) / 2
    else:  # WeasyPrint's grid starts half the collapsed left border after the offset
        left = table.left + max((row[0].borders[3] for row in table.header + table.body
                                 if row), default=0.0) / 2
    try:
        header = [_set_row(setter, row, table.columns, left) for row in table.header]
        body = [_set_row(setter, row, table.columns, left) for row in table.body]
    except _Unsupported:
        return None
    heights = [max((c.height for c in cells), default=0.0) for cells in header + body]
    header_heights, body_heights = heights[:len(header)], heights[len(header):]
    parts: list[Part] = []
    first = 0
    room = first_room
    while first < len(body):
        rows = header + [body[first]]
        row_heights = header_heights + [body_heights[first]]
        total = _stack_height(rows, row_heights)
        if total > room + 1e-6:
            if parts or room >= page_room:  # not even one row fits a whole page
                return None
            room = page_room  # the table starts on the next page
            continue
        last = first
        while last + 1 < len(body) - (1 if hold_last else 0):
            following = body[last + 1]
            # the bottom rule of the part gives way to the rule between two rows
            height = (total - _rule_width(rows[-1], None) + _rule_width(rows[-1], following)
                      + body_heights[last + 1] + _rule_width(following, None))
            if height > room + 1e-6:
                break
            rows.append(following)
            row_heights.append(body_heights[last + 1])
            total = height
            last += 1
        parts.append(_part(setter, rows, row_heights, first, last, total))
        first = last + 1
        room = page_room
    return parts


def _stack_height(rows: list[list[_SetCell]], heights: list[float]) -> float:
    """Height of stacked rows: each row's height plus every horizontal rule in full."""
    return sum(heights) + sum(_rule_widths(rows))


def _rule_widths(rows: list[list[_SetCell]]) -> list[float]:
    """The widths of the horizontal rules of stacked rows, top to bottom."""
    return [_rule_width(None, rows[0])] + [
        _rule_width(rows[i], rows[i + 1]) for i in range(len(rows) - 1)] + [
        _rule_width(rows[-1], None)]


def _part(setter: Setter, rows: list[list[_SetCell]], heights: list[float], first: int,
          last: int, total: float) -> Part:
    widths = _rule_widths(rows)
    placed = []
    lines: list[Line] = []
    y = 0.0
    for index, (cells, height) in enumerate(zip(rows, heights, strict=True)):
        placed.append((cells, y, height))
        _draw_row(setter, cells, y + widths[index], height, lines)
        y += widths[index] + height
    return Part(first, last, total, tuple(_rules(placed, widths)), tuple(lines))


def first_height(table: Table, setter: Setter | None = None) -> float | None:
    """The height of the header rows and the first body row: the least room the table
    can start in. None when the table cannot be set here."""
    setter = setter or Setter()
    left = table.left or 0.0
    try:
        rows = [_set_row(setter, row, table.columns, left)
                for row in table.header + table.body[:1]]
    except _Unsupported:
        return None
    return _stack_height(rows, [max((c.height for c in cells), default=0.0)
                                for cells in rows])
