"""A rendered DOCX -> HTML/CSS that WeasyPrint typesets into the PDF.

The PDF is made from the DOCX, never from a second template: whatever an agency writes
in its Word template (a reworded sentence, a deleted căn cứ, another Nơi nhận layout)
reaches both files. This module reads the WordprocessingML with lxml (the package parts
as python-docx wrote them) and maps it to HTML elements and CSS classes:

* **paragraphs** — styles (``basedOn`` chains, document defaults, the default paragraph
  style) and direct formatting: alignment, left/right/first-line/hanging indents, space
  before and after (added, as Word does, not collapsed as CSS margins are), "don't add
  space between paragraphs of the same style", line spacing (auto, exact, at least),
  keep with next, keep lines together, page break before, widow control, borders (the
  ND30 rules are paragraph borders), shading, outline levels (PDF bookmarks);
* **runs** — character styles and direct formatting: size, bold, italic, underline,
  strike-through, caps, small caps, super/subscript, colour, letter spacing, hidden text;
  line, column and page breaks, tabs at the default tab stops, non-breaking hyphens;
* **tables** — grid widths, table width and indent, alignment, table and cell borders,
  cell margins, shading, vertical alignment, horizontal (``gridSpan``) and vertical
  (``vMerge``) merges, repeated header rows, rows that must not split, row heights;
* **sections** — page size, orientation, margins, header and footer distances, a
  different first page, headers and footers (running elements; the PAGE and NUMPAGES
  fields become page counters);
* **inline pictures** — the bytes of the picture part at the size of its extent; a
  picture the caller can supply as vector (the charts, see ``vector``) is used as SVG.

A table of :data:`long_table.LONG_ROWS` body rows or more whose rows are plain is also
handed over as a :class:`long_table.Table` (``Converted.long_tables``), read from the very
HTML and classes written for it, so that the PDF renderer can set it directly; its HTML
stays in place, between comments, for when it cannot.

What it cannot convert (floating pictures and text boxes, automatic numbering, custom
tab stops, …) it does not drop: :func:`convert` raises :class:`UnsupportedContent`
naming each construct and the paragraph it sits in, in Vietnamese.
"""

from __future__ import annotations

import hashlib
import html
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from lxml import etree

from docgen.errors import TemplateError
from docgen.render import long_table

__all__ = ["Converted", "UnsupportedContent", "convert"]

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}
_W = "{%s}" % _NS["w"]
_R = "{%s}" % _NS["r"]
_REL_IMAGE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"

#: Height of one "single" line of Liberation Serif / Times New Roman, in em
#: (ascent 0.891 + descent 0.216 + line gap 0.042).
SINGLE_LINE = 1.149

#: URL scheme under which the pictures of the document are handed to WeasyPrint.
IMAGE_SCHEME = "docgen-image"

_IMAGE_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "jpg": "image/jpeg",
                "gif": "image/gif", "svg": "image/svg+xml"}

#: Elements that carry no content of their own and may be skipped.
_SKIP = {f"{_W}{name}" for name in (
    "pPr", "rPr", "bookmarkStart", "bookmarkEnd", "proofErr", "lastRenderedPageBreak",
    "permStart", "permEnd", "commentRangeStart", "commentRangeEnd", "del", "moveFrom",
    "noProof", "annotationRef", "customXmlDelRangeStart", "customXmlDelRangeEnd")}
#: Elements whose children are the content (wrappers).
_WRAPPERS = {f"{_W}{name}" for name in ("hyperlink", "ins", "moveTo", "smartTag",
                                         "customXml", "dir", "bdo")}


#: A row, a cell and a paragraph of a cell as :meth:`_Converter._row` writes them.
_ROW_HTML = re.compile(r'<tr(?: class="(?P<css>c\d+)")?>(?P<cells>.*)</tr>', re.DOTALL)
_CELL_HTML = re.compile(r'<td class="(?P<css>c\d+)"(?: colspan="(?P<span>\d+)")?>'
                        r'(?:(?P<text>[^<]*)|(?P<paragraphs>(?:<p class="p\d+">[^<]*</p>)+))'
                        r'</td>')
_PARAGRAPH_HTML = re.compile(r'<p class="(?P<css>p\d+)">(?P<text>[^<]*)</p>')


class UnsupportedContent(TemplateError):
    """The DOCX holds constructs that the PDF conversion cannot reproduce."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            "Tệp DOCX có nội dung docgen chưa chuyển sang PDF được (sửa mẫu rồi thử lại):\n"
            + "\n".join(f"- {p}" for p in problems))


@dataclass
class Converted:
    """The HTML of a document and the pictures it refers to (URL -> bytes)."""

    html: str
    resources: dict[str, bytes] = field(default_factory=dict)
    #: The long tables (:data:`long_table.LONG_ROWS` rows or more) that
    #: :mod:`docgen.render.long_table` can set; table n's HTML in `html` is enclosed in
    #: :func:`long_table_marks` ``(n)``.
    long_tables: list[long_table.Table] = field(default_factory=list)


def long_table_marks(index: int) -> tuple[str, str]:
    """The HTML comments before and after the HTML of long table `index`."""
    return f"<!--docgen-long-table {index}-->", f"<!--/docgen-long-table {index}-->"


# ---------------------------------------------------------------------------------------
# Units and small helpers
# ---------------------------------------------------------------------------------------


def _attr(node, name: str, default: str | None = None) -> str | None:
    if node is None:
        return default
    return node.get(f"{_W}{name}", default)


def _twips(value: str | None) -> float:
    """Twentieths of a point -> points (Word writes some as floats, LibreOffice too)."""
    if not value:
        return 0.0
    try:
        return float(value) / 20
    except ValueError:
        return _universal(value)


def _universal(value: str) -> float:
    """A measure with its unit ("12pt", "1.5cm", "0.5in", "10mm") -> points."""
    match = re.fullmatch(r"(-?[\d.]+)(pt|cm|mm|in|pc|pi)?", value.strip())
    if not match:
        return 0.0
    number, unit = float(match.group(1)), match.group(2) or "pt"
    return number * {"pt": 1, "cm": 72 / 2.54, "mm": 72 / 25.4, "in": 72, "pc": 12,
                     "pi": 12}[unit]


def _on(node) -> bool:
    """A toggle property (``<w:b/>``, ``<w:b w:val="0"/>``) -> its boolean value."""
    return _attr(node, "val", "true") not in ("0", "false", "off", "none")


def _pt(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else f"{text}pt"


def _text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))


def _where(p) -> str:
    text = re.sub(r"\s+", " ", _text_of(p)).strip()
    if not text:
        return "một đoạn trống"
    return f"đoạn «{text[:80]}{'…' if len(text) > 80 else ''}»"


# ---------------------------------------------------------------------------------------
# Properties: parsed from pPr / rPr into flat dicts, merged along style chains
# ---------------------------------------------------------------------------------------

_BORDER_SIDES = ("top", "left", "bottom", "right")


def _border(node) -> tuple[str, float, float, str] | None:
    """A border element -> (style, width pt, space pt, colour), or None for no border."""
    if node is None:
        return None
    val = _attr(node, "val", "single")
    if val in ("nil", "none"):
        return ("none", 0.0, 0.0, "000000")
    width = int(_attr(node, "sz", "4") or 4) / 8
    style = {"double": "double", "dotted": "dotted", "dashed": "dashed",
             "dashSmallGap": "dashed", "dotDash": "dashed"}.get(val, "solid")
    if style == "double":
        width *= 3
    color = _attr(node, "color", "000000") or "000000"
    return (style, width, float(_attr(node, "space", "0") or 0), color)


def _properties(parent) -> Iterator[tuple[str | None, object]]:
    """Yield (local name of a ``w:`` element or None, element) for each child."""
    for node in () if parent is None else parent:
        tag = node.tag if isinstance(node.tag, str) else ""
        yield (tag[len(_W):] if tag.startswith(_W) else None), node


def _paragraph_props(ppr) -> dict:
    """Read the paragraph properties of a ``w:pPr`` (direct or of a style)."""
    props: dict = {}
    for tag, node in _properties(ppr):
        if tag == "jc":
            props["jc"] = _attr(node, "val")
        elif tag == "ind":
            for key, names in (("left", ("left", "start")), ("right", ("right", "end"))):
                for name in names:
                    if _attr(node, name) is not None:
                        props[key] = _twips(_attr(node, name))
            if _attr(node, "hanging") is not None:
                props["first"] = -_twips(_attr(node, "hanging"))
            elif _attr(node, "firstLine") is not None:
                props["first"] = _twips(_attr(node, "firstLine"))
        elif tag == "spacing":
            for key in ("before", "after", "line"):
                if _attr(node, key) is not None:
                    props[key] = _twips(_attr(node, key)) if key != "line" else float(
                        _attr(node, key))
            if _attr(node, "lineRule") is not None:
                props["lineRule"] = _attr(node, "lineRule")
            for key in ("beforeLines", "afterLines"):
                if _attr(node, key) is not None:
                    props[key[:-5]] = float(_attr(node, key)) / 100 * 12
        elif tag in ("keepNext", "keepLines", "pageBreakBefore", "contextualSpacing",
                     "widowControl"):
            props[tag] = _on(node)
        elif tag == "pBdr":
            borders = props.setdefault("borders", {})
            for side in _BORDER_SIDES + ("between",):
                found = node.find(f"{_W}{side}")
                if found is not None:
                    borders[side] = _border(found)
        elif tag == "shd":
            fill = _attr(node, "fill")
            if fill and fill != "auto":
                props["shd"] = fill
        elif tag == "outlineLvl":
            props["outline"] = int(_attr(node, "val", "9") or 9)
        elif tag == "numPr":
            num = node.find(f"{_W}numId")
            props["numbered"] = _attr(num, "val", "0") != "0"
        elif tag == "tabs":
            props["tabs"] = [t for t in node if _attr(t, "val") != "clear"]
        elif tag == "framePr":
            props["frame"] = True
    return props


def _run_props(rpr) -> dict:
    """Read the character properties of a ``w:rPr``."""
    props: dict = {}
    for tag, node in _properties(rpr):
        if tag in ("b", "i", "strike", "dstrike", "caps", "smallCaps", "vanish"):
            props[tag] = _on(node)
        elif tag == "sz":
            props["sz"] = float(_attr(node, "val", "24")) / 2
        elif tag == "u":
            props["u"] = _attr(node, "val", "single") not in ("none", "0")
        elif tag == "vertAlign":
            props["vertAlign"] = _attr(node, "val")
        elif tag in ("color", "shd", "highlight"):
            value = _attr(node, "fill" if tag == "shd" else "val")
            if value and value != "auto":
                props[tag] = value
        elif tag == "spacing":
            props["spacing"] = _twips(_attr(node, "val"))
    return props


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if key == "borders" and "borders" in merged:
            merged["borders"] = {**merged["borders"], **value}
        else:
            merged[key] = value
    return merged


class _Styles:
    """The styles part: effective paragraph and run properties of every style."""

    def __init__(self, root):
        self._nodes = {}
        self.default_paragraph = None
        self.default_table = None
        for style in ([] if root is None else root.findall(f"{_W}style")):
            style_id = _attr(style, "styleId")
            self._nodes[style_id] = style
            if _attr(style, "default") in ("1", "true"):
                kind = _attr(style, "type")
                if kind == "paragraph":
                    self.default_paragraph = style_id
                elif kind == "table":
                    self.default_table = style_id
        defaults = None if root is None else root.find(f"{_W}docDefaults")
        self.doc_ppr = _paragraph_props(
            None if defaults is None else defaults.find(f"{_W}pPrDefault/{_W}pPr"))
        self.doc_rpr = _run_props(
            None if defaults is None else defaults.find(f"{_W}rPrDefault/{_W}rPr"))
        self._cache: dict[str, tuple[dict, dict]] = {}

    def name(self, style_id: str | None) -> str | None:
        node = self._nodes.get(style_id)
        name = None if node is None else node.find(f"{_W}name")
        return _attr(name, "val", style_id) if name is not None else style_id

    def resolve(self, style_id: str | None, _depth: int = 0) -> tuple[dict, dict]:
        """Return (paragraph props, run props) of `style_id`, its bases included."""
        if style_id is None or style_id not in self._nodes or _depth > 20:
            return {}, {}
        if style_id in self._cache:
            return self._cache[style_id]
        node = self._nodes[style_id]
        based = node.find(f"{_W}basedOn")
        ppr, rpr = self.resolve(_attr(based, "val"), _depth + 1) if based is not None \
            else ({}, {})
        ppr = _merge(ppr, _paragraph_props(node.find(f"{_W}pPr")))
        rpr = _merge(rpr, _run_props(node.find(f"{_W}rPr")))
        self._cache[style_id] = (ppr, rpr)
        return ppr, rpr

    def table(self, style_id: str | None):
        """Return the ``w:tblPr`` of a table style (with its bases), as a list, nearest last."""
        chain = []
        seen = set()
        while style_id and style_id in self._nodes and style_id not in seen:
            seen.add(style_id)
            node = self._nodes[style_id]
            tbl_pr = node.find(f"{_W}tblPr")
            if tbl_pr is not None:
                chain.append(tbl_pr)
            based = node.find(f"{_W}basedOn")
            style_id = _attr(based, "val") if based is not None else None
        return list(reversed(chain))


# ---------------------------------------------------------------------------------------
# CSS classes: each distinct declaration list becomes one class
# ---------------------------------------------------------------------------------------


class _Classes:
    def __init__(self, prefix: str):
        self._prefix = prefix
        self._names: dict[str, str] = {}
        self._declared: dict[str, tuple[str, ...]] = {}

    def __call__(self, declarations: list[str]) -> str:
        key = "; ".join(declarations)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = f"{self._prefix}{len(self._names)}"
            self._declared[name] = tuple(declarations)
        return name

    def declarations(self, name: str) -> list[str]:
        """The declarations of the class `name`, as they were given."""
        return list(self._declared[name])

    def css(self, element: str) -> str:
        return "\n".join(f"{element}.{name} {{ {key} }}" for key, name in self._names.items())


def _paragraph_css(p: dict, r: dict, before: float, after: float, empty: bool,
                   tab_stop: float) -> list[str]:
    out = []
    align = {"both": "justify", "distribute": "justify", "center": "center",
             "right": "right", "end": "right"}.get(p.get("jc") or "", "left")
    out.append(f"text-align: {align}")
    left, right, first = p.get("left", 0.0), p.get("right", 0.0), p.get("first", 0.0)
    borders = p.get("borders") or {}
    # Word draws paragraph borders outside the text by their "space"; the padding below
    # holds that space, and the margin is moved out so that the text stays in place.
    pad = {side: (b[2] if b and b[0] != "none" else 0.0) for side, b in borders.items()}
    out.append(f"margin: {_pt(before)} {_pt(right - pad.get('right', 0))} {_pt(after)} "
               f"{_pt(left - pad.get('left', 0))}")
    if first:
        out.append(f"text-indent: {_pt(first)}")
    size = r.get("sz", 10.0)
    out.append(f"font-size: {_pt(size)}")
    out.extend(_run_css(r, {}, paragraph=True))
    rule, line = p.get("lineRule", "auto"), p.get("line")
    if rule == "exact" and line:
        height = line / 20
        out.append(f"line-height: {_pt(height)}")
    elif rule == "atLeast" and line:
        height = max(line / 20, size * SINGLE_LINE)
        out.append(f"line-height: {_pt(height)}")
    else:
        height = size * SINGLE_LINE * ((line or 240) / 240)
        out.append(f"line-height: {_pt(height)}")
    if empty:
        out.append(f"min-height: {_pt(height)}")
    for side in _BORDER_SIDES:
        border = borders.get(side)
        if border and border[0] != "none":
            out.append(f"border-{side}: {_pt(border[1])} {border[0]} #{border[3]}")
            out.append(f"padding-{side}: {_pt(border[2])}")
    if p.get("shd"):
        out.append(f"background: #{p['shd']}")
    if p.get("keepNext"):
        out.append("break-after: avoid")
    if p.get("keepLines"):
        out.append("break-inside: avoid")
    if p.get("pageBreakBefore"):
        out.append("break-before: page")
    lines = 2 if p.get("widowControl", True) else 1
    out.append(f"orphans: {lines}; widows: {lines}")
    if tab_stop:
        out.append(f"tab-size: {_pt(tab_stop)}")
    outline = p.get("outline")
    if outline is not None and outline < 9:
        out.append(f"bookmark-level: {outline + 1}; bookmark-label: content(text)")
    return out


def _run_css(r: dict, base: dict, paragraph: bool = False) -> list[str]:
    """Declarations of run properties `r` that differ from `base` (the paragraph's)."""
    out = []

    def changed(key, default=None):
        return r.get(key, default) != base.get(key, default)

    if not paragraph and changed("sz", 10.0):
        out.append(f"font-size: {_pt(r.get('sz', 10.0))}")
    if changed("b", False) or paragraph:
        out.append(f"font-weight: {'bold' if r.get('b') else 'normal'}")
    if changed("i", False) or paragraph:
        out.append(f"font-style: {'italic' if r.get('i') else 'normal'}")
    decorations = [name for key, name in (("u", "underline"), ("strike", "line-through"),
                                          ("dstrike", "line-through")) if r.get(key)]
    if any(changed(key, False) for key in ("u", "strike", "dstrike")):
        out.append(f"text-decoration: {' '.join(decorations) or 'none'}")
    elif paragraph and decorations:
        out.append(f"text-decoration: {' '.join(decorations)}")
    if changed("caps", False) or (paragraph and r.get("caps")):
        out.append(f"text-transform: {'uppercase' if r.get('caps') else 'none'}")
    if changed("smallCaps", False) or (paragraph and r.get("smallCaps")):
        out.append(f"font-variant: {'small-caps' if r.get('smallCaps') else 'normal'}")
    if changed("color") or (paragraph and r.get("color")):
        out.append(f"color: #{r.get('color') or '000000'}")
    if changed("spacing", 0.0) or (paragraph and r.get("spacing")):
        out.append(f"letter-spacing: {_pt(r.get('spacing', 0.0))}")
    if not paragraph and (changed("shd") or changed("highlight")):
        fill = r.get("shd") or _HIGHLIGHT.get(r.get("highlight") or "", None)
        if fill:
            out.append(f"background: #{fill}" if not fill.startswith("#") else
                       f"background: {fill}")
    if not paragraph and r.get("vertAlign") in ("superscript", "subscript"):
        out.append("vertical-align: " + ("super" if r["vertAlign"] == "superscript"
                                         else "sub"))
        out.append("font-size: 0.65em")
    return out


_HIGHLIGHT = {"yellow": "#ffff00", "green": "#00ff00", "cyan": "#00ffff",
              "lightGray": "#d3d3d3", "darkGray": "#a9a9a9", "red": "#ff0000"}


# ---------------------------------------------------------------------------------------
# The converter
# ---------------------------------------------------------------------------------------


@dataclass
class _Section:
    props: dict
    body: list[str]


class _Converter:
    def __init__(self, package: zipfile.ZipFile, vector: Callable[[bytes], bytes | None]):
        self._zip = package
        self._vector = vector
        self.problems: list[str] = []
        self.resources: dict[str, bytes] = {}
        self._p_classes = _Classes("p")
        self._r_classes = _Classes("r")
        self._c_classes = _Classes("c")
        self._t_classes = _Classes("t")
        self._styles = _Styles(self._part("word/styles.xml"))
        settings = self._part("word/settings.xml")
        stop = None if settings is None else settings.find(f"{_W}defaultTabStop")
        self._tab_stop = _twips(_attr(stop, "val", "720"))
        self._even_odd = settings is not None and settings.find(
            f"{_W}evenAndOddHeaders") is not None
        self._rels: dict[str, dict[str, tuple[str, str, str | None]]] = {}
        self._effective_cache: dict[bytes, tuple[str | None, dict, dict]] = {}
        self._run_cache: dict[tuple, dict] = {}
        self._css_cache: dict[tuple, str] = {}
        self._base_cache: dict[str | None, dict] = {}
        self._keep_alive: list = []  # objects whose id() is part of a cache key
        self._row_cache: dict[tuple, list[str]] = {}
        self._cell_css: dict[str, list[str]] = {}
        self._cell_padding: dict[str, tuple[float, float, float, float]] = {}
        self.long_tables: list[long_table.Table] = []

    # -- package ------------------------------------------------------------------------

    def _part(self, name: str):
        try:
            data = self._zip.read(name)
        except KeyError:
            return None
        return etree.fromstring(data, etree.XMLParser(huge_tree=True, resolve_entities=False))

    def _part_rels(self, part: str) -> dict[str, tuple[str, str, str | None]]:
        if part not in self._rels:
            folder, name = posixpath.split(part)
            root = self._part(posixpath.join(folder, "_rels", name + ".rels"))
            rels = {}
            for rel in ([] if root is None else root):
                target = rel.get("Target", "")
                mode = rel.get("TargetMode")
                path = target if mode == "External" else posixpath.normpath(
                    posixpath.join(folder, target)).lstrip("/")
                rels[rel.get("Id")] = (rel.get("Type"), path, mode)
            self._rels[part] = rels
        return self._rels[part]

    # -- document -----------------------------------------------------------------------

    def document(self) -> str:
        root = self._part("word/document.xml")
        if root is None:
            raise TemplateError("Tệp DOCX không có phần word/document.xml.")
        body = root.find(f"{_W}body")
        sections: list[_Section] = []
        current: list[str] = []
        self._part_name = "word/document.xml"
        children = list(body)
        for html_text, sect_pr in self._blocks(children):
            if html_text:
                current.append(html_text)
            if sect_pr is not None:
                sections.append(_Section(self._section_props(sect_pr), current))
                current = []
        final = body.find(f"{_W}sectPr")
        if current or not sections:
            sections.append(_Section(self._section_props(final), current))
        return self._assemble(sections)

    def _blocks(self, nodes, in_cell: bool = False) -> Iterator[tuple[str, object]]:
        """Yield (html, sectPr ending a section or None) for block-level `nodes`."""
        previous: dict | None = None  # the previous paragraph's (style, props)
        items = [n for n in nodes if isinstance(n.tag, str)]
        for index, node in enumerate(items):
            tag = node.tag
            if tag == f"{_W}p":
                following = items[index + 1] if index + 1 < len(items) else None
                html_text, info = self._paragraph(node, previous, following)
                previous = info
                sect_pr = node.find(f"{_W}pPr/{_W}sectPr")
                yield html_text, sect_pr
            elif tag == f"{_W}tbl":
                previous = None
                yield self._table(node), None
            elif tag == f"{_W}sdt":
                content = node.find(f"{_W}sdtContent")
                if content is not None:
                    yield from self._blocks(list(content), in_cell)
            elif tag == f"{_W}customXml":
                yield from self._blocks(list(node), in_cell)
            elif tag in (f"{_W}sectPr", f"{_W}tcPr", f"{_W}bookmarkStart", f"{_W}bookmarkEnd",
                         f"{_W}proofErr", f"{_W}permStart", f"{_W}permEnd"):
                continue
            elif tag == "{%s}AlternateContent" % _NS["mc"]:
                self.problems.append("một khối nội dung thay thế (mc:AlternateContent) "
                                     "ngoài đoạn văn")
            else:
                local = etree.QName(node).localname
                self.problems.append(f"phần tử «{local}» ngoài đoạn văn")

    # -- paragraphs ---------------------------------------------------------------------

    def _effective(self, node) -> tuple[str | None, dict, dict]:
        """(style id, paragraph props, paragraph-level run props) of a paragraph; long
        tables repeat the same few ``w:pPr``, so the result is kept per XML text."""
        ppr_node = node.find(f"{_W}pPr")
        key = b"" if ppr_node is None else etree.tostring(ppr_node)
        found = self._effective_cache.get(key)
        if found is None:
            found = self._effective_cache[key] = self._effective_of(ppr_node)
        return found

    def _effective_of(self, ppr_node) -> tuple[str | None, dict, dict]:
        style = _attr(ppr_node.find(f"{_W}pStyle"), "val") if ppr_node is not None and \
            ppr_node.find(f"{_W}pStyle") is not None else self._styles.default_paragraph
        style_p, style_r = self._styles.resolve(style)
        p = _merge(_merge(self._styles.doc_ppr, style_p), _paragraph_props(ppr_node))
        mark = None if ppr_node is None else ppr_node.find(f"{_W}rPr")
        r = _merge(_merge(self._styles.doc_rpr, style_r), _run_props(mark))
        return style, p, r

    def _style_runs(self, style: str | None) -> dict:
        """The run properties of paragraph style `style` (one object per style: the run
        cache's key holds its id)."""
        found = self._base_cache.get(style)
        if found is None:
            found = self._base_cache[style] = _merge(self._styles.doc_rpr,
                                                     self._styles.resolve(style)[1])
        return found

    def _paragraph(self, node, previous: dict | None, following) -> tuple[str, dict]:
        style, p, r = self._effective(node)
        base_r = self._style_runs(style)
        if p.get("numbered"):
            self.problems.append(f"{_where(node)}: đánh số tự động (numbering) — hãy gõ "
                                 "số hoặc gạch đầu dòng trực tiếp vào đoạn")
        if p.get("frame"):
            self.problems.append(f"{_where(node)}: đoạn đặt trong khung (frame)")
        before, after = p.get("before", 0.0), p.get("after", 0.0)
        if p.get("contextualSpacing") and previous and previous["style"] == style:
            before = 0.0
        if previous is not None:
            # Word adds the space after the previous paragraph to the space before this
            # one; CSS would collapse the two margins, so this margin holds both.
            before += previous["after"]
        next_same = False
        if following is not None and following.tag == f"{_W}p":
            next_style = self._effective(following)[0]
            next_same = next_style == style
        if p.get("contextualSpacing") and next_same:
            after = 0.0
        keep_after = after if following is None or following.tag != f"{_W}p" else 0.0
        content, has_tab = self._runs(node, base_r=r, style_r=base_r, paragraph=node)
        if has_tab and p.get("tabs"):
            self.problems.append(f"{_where(node)}: điểm dừng tab riêng (tab stops) — "
                                 "dùng bảng không viền thay cho tab")
        empty = not content.strip()
        css_key = (id(p), before, keep_after, empty, has_tab)  # p: kept by the cache
        name = self._css_cache.get(css_key)
        if name is None:
            name = self._css_cache[css_key] = self._p_classes(_paragraph_css(
                p, r, before, keep_after, empty, self._tab_stop if has_tab else 0.0))
        info = {"style": style, "after": after}
        return f'<p class="{name}">{content}</p>', info

    def _runs(self, node, base_r: dict, style_r: dict, paragraph) -> tuple[str, bool]:
        """Return the HTML of the runs of a paragraph (or of a wrapper) and whether a
        tab occurs."""
        parts: list[str] = []
        has_tab = False
        field_depth = 0  # inside a complex field's instruction part
        field_code: list[str] = []
        in_result: list[str | None] = []  # instruction of the fields whose result runs
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == f"{_W}r":
                rpr = child.find(f"{_W}rPr")
                run_key = (id(style_r), id(base_r), b"" if rpr is None else etree.tostring(rpr))
                cached = self._run_cache.get(run_key)
                if cached is None:
                    rstyle = rpr.find(f"{_W}rStyle") if rpr is not None else None
                    char_r = self._styles.resolve(_attr(rstyle, "val"))[1] \
                        if rstyle is not None else {}
                    run_r = _merge(_merge(style_r, char_r), _run_props(rpr))
                    declarations = _run_css(run_r, base_r)
                    cached = self._run_cache[run_key] = {
                        "props": run_r, "class": self._r_classes(declarations)
                        if declarations else None, "keep": (style_r, base_r)}
                run_r = cached["props"]
                pieces: list[str] = []
                for item in child:
                    itag = item.tag
                    if itag == f"{_W}fldChar":
                        kind = _attr(item, "fldCharType")
                        if kind == "begin":
                            field_depth += 1
                            field_code = []
                        elif kind == "separate":
                            field_depth -= 1
                            instr = " ".join(field_code).split()
                            in_result.append(instr[0].upper() if instr else None)
                        elif kind == "end":
                            if field_depth > 0:
                                field_depth -= 1
                                instr = " ".join(field_code).split()
                                word = instr[0].upper() if instr else None
                                if word in ("PAGE", "NUMPAGES"):
                                    pieces.append(_COUNTER[word])
                            elif in_result:
                                in_result.pop()
                        continue
                    if itag == f"{_W}instrText":
                        if field_depth > 0:
                            field_code.append(item.text or "")
                        continue
                    if field_depth > 0:
                        continue
                    if in_result and in_result[-1] in ("PAGE", "NUMPAGES"):
                        if itag == f"{_W}t" and not any(_COUNTER[in_result[-1]] in x
                                                        for x in pieces):
                            pieces.append(_COUNTER[in_result[-1]])
                        continue
                    if run_r.get("vanish"):
                        continue
                    if itag == f"{_W}t":
                        pieces.append(html.escape(item.text or "", quote=False))
                    elif itag == f"{_W}tab":
                        pieces.append("\t")
                        has_tab = True
                    elif itag in (f"{_W}br", f"{_W}cr"):
                        kind = _attr(item, "type")
                        if kind == "page":
                            pieces.append('<span class="page-break"></span>')
                        elif kind == "column":
                            pieces.append("<br>")
                        else:
                            pieces.append("<br>")
                    elif itag == f"{_W}noBreakHyphen":
                        pieces.append("\u2011")
                    elif itag == f"{_W}softHyphen":
                        pieces.append("\u00ad")
                    elif itag == f"{_W}sym":
                        code = _attr(item, "char", "")
                        try:
                            pieces.append(chr(int(code, 16)))
                        except ValueError:
                            self.problems.append(f"{_where(paragraph)}: ký hiệu (w:sym)")
                    elif itag == f"{_W}drawing":
                        pieces.append(self._drawing(item, paragraph))
                    elif itag in (f"{_W}rPr", f"{_W}lastRenderedPageBreak"):
                        continue
                    elif itag == f"{_W}pict" or itag == "{%s}AlternateContent" % _NS["mc"]:
                        self.problems.append(f"{_where(paragraph)}: hình hoặc hộp văn bản "
                                             "kiểu cũ (VML) — chèn ảnh nằm cùng dòng chữ "
                                             "(In Line with Text)")
                    elif itag in (f"{_W}footnoteReference", f"{_W}endnoteReference"):
                        self.problems.append(f"{_where(paragraph)}: chú thích cuối trang")
                    elif itag in (f"{_W}commentReference", f"{_W}annotationRef"):
                        continue
                    else:
                        self.problems.append(f"{_where(paragraph)}: phần tử "
                                             f"«{etree.QName(item).localname}» trong đoạn")
                if pieces:
                    text = "".join(pieces)
                    if cached["class"]:
                        parts.append(f'<span class="{cached["class"]}">{text}</span>')
                    else:
                        parts.append(text)
            elif tag in _WRAPPERS:
                inner, tab = self._runs(child, base_r, style_r, paragraph)
                parts.append(inner)
                has_tab = has_tab or tab
            elif tag == f"{_W}fldSimple":
                instr = (_attr(child, "instr", "") or "").split()
                word = instr[0].upper() if instr else ""
                if word in _COUNTER:
                    parts.append(_COUNTER[word])
                else:
                    inner, tab = self._runs(child, base_r, style_r, paragraph)
                    parts.append(inner)
                    has_tab = has_tab or tab
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    inner, tab = self._runs(content, base_r, style_r, paragraph)
                    parts.append(inner)
                    has_tab = has_tab or tab
            elif tag == "{%s}AlternateContent" % _NS["mc"]:
                self.problems.append(f"{_where(paragraph)}: hình hoặc hộp văn bản nổi")
            elif tag in (f"{_W}oMath", f"{_W}oMathPara") or tag.endswith("}oMath"):
                self.problems.append(f"{_where(paragraph)}: công thức toán")
            else:
                self.problems.append(f"{_where(paragraph)}: phần tử "
                                     f"«{etree.QName(child).localname}» trong đoạn")
        return "".join(parts), has_tab

    def _drawing(self, drawing, paragraph) -> str:
        inline = drawing.find("wp:inline", _NS)
        if inline is None:
            self.problems.append(f"{_where(paragraph)}: hình nổi (không nằm cùng dòng chữ) "
                                 "— chọn «In Line with Text» cho hình")
            return ""
        extent = inline.find("wp:extent", _NS)
        width = int(extent.get("cx", "0")) / 12700
        height = int(extent.get("cy", "0")) / 12700
        blip = inline.find(".//a:blip", _NS)
        if blip is None:
            self.problems.append(f"{_where(paragraph)}: hình vẽ không phải ảnh (shape, "
                                 "SmartArt, biểu đồ Word)")
            return ""
        if blip.get(f"{_R}link") and not blip.get(f"{_R}embed"):
            self.problems.append(f"{_where(paragraph)}: ảnh liên kết ra ngoài tệp — chèn "
                                 "ảnh vào tệp")
            return ""
        rel = self._part_rels(self._part_name).get(blip.get(f"{_R}embed", ""))
        if rel is None or rel[2] == "External":
            self.problems.append(f"{_where(paragraph)}: ảnh không có trong tệp")
            return ""
        try:
            data = self._zip.read(rel[1])
        except KeyError:
            self.problems.append(f"{_where(paragraph)}: ảnh {rel[1]} không có trong tệp")
            return ""
        vector = self._vector(data)
        if vector is not None:
            data, extension = vector, "svg"
        else:
            extension = rel[1].rsplit(".", 1)[-1].lower()
            if extension not in _IMAGE_TYPES:
                self.problems.append(f"{_where(paragraph)}: ảnh định dạng {extension} — "
                                     "dùng PNG hoặc JPEG")
                return ""
        url = f"{IMAGE_SCHEME}:{hashlib.sha256(data).hexdigest()[:16]}.{extension}"
        self.resources[url] = data
        doc_pr = inline.find("wp:docPr", _NS)
        alt = "" if doc_pr is None else (doc_pr.get("descr") or doc_pr.get("title") or "")
        return (f'<img src="{url}" alt="{html.escape(alt)}" '
                f'style="width: {_pt(width)}; height: {_pt(height)}">')

    # -- tables -------------------------------------------------------------------------

    def _table(self, tbl) -> str:
        tbl_pr = tbl.find(f"{_W}tblPr")
        style_node = None if tbl_pr is None else tbl_pr.find(f"{_W}tblStyle")
        style = _attr(style_node, "val") if style_node is not None else \
            self._styles.default_table
        chain = self._styles.table(style) + ([tbl_pr] if tbl_pr is not None else [])

        def setting(path):
            found = None
            for node in chain:
                hit = node.find(path)
                if hit is not None:
                    found = hit
            return found

        borders = {}
        for node in chain:
            edges = node.find(f"{_W}tblBorders")
            if edges is not None:
                for side in _BORDER_SIDES + ("insideH", "insideV", "start", "end"):
                    hit = edges.find(f"{_W}{side}")
                    if hit is not None:
                        key = {"start": "left", "end": "right"}.get(side, side)
                        borders[key] = _border(hit)
        margins = {"top": 0.0, "bottom": 0.0, "left": 5.4, "right": 5.4}
        for node in chain:
            mar = node.find(f"{_W}tblCellMar")
            if mar is not None:
                for side in ("top", "bottom", "left", "right", "start", "end"):
                    hit = mar.find(f"{_W}{side}")
                    if hit is not None:
                        key = {"start": "left", "end": "right"}.get(side, side)
                        margins[key] = _twips(_attr(hit, "w"))
        grid = [_twips(_attr(col, "w")) for col in tbl.findall(f"{_W}tblGrid/{_W}gridCol")]
        width_node = setting(f"{_W}tblW")
        total = sum(grid)
        if width_node is not None and _attr(width_node, "type") == "dxa" and \
                _twips(_attr(width_node, "w")) > 0 and not grid:
            total = _twips(_attr(width_node, "w"))
        indent = _twips(_attr(setting(f"{_W}tblInd"), "w", "0"))
        jc = _attr(setting(f"{_W}jc"), "val")
        table_css = ["border-collapse: collapse", "table-layout: fixed",
                     f"width: {_pt(total)}"]
        if jc == "center":
            table_css.append("margin-left: auto; margin-right: auto")
        elif jc in ("right", "end"):
            table_css.append("margin-left: auto; margin-right: 0")
        else:
            table_css.append(f"margin-left: {_pt(indent)}")
        # Rows: cells with their grid position; vertical merges become rowspans.
        rows = tbl.findall(f"{_W}tr")
        layout: list[list[dict]] = []
        open_merge: dict[int, dict] = {}
        for row in rows:
            tr_pr = row.find(f"{_W}trPr")
            col = int(_attr(tr_pr.find(f"{_W}gridBefore"), "val", "0")) if tr_pr is not None \
                and tr_pr.find(f"{_W}gridBefore") is not None else 0
            cells = []
            for tc in row.findall(f"{_W}tc"):
                tc_pr = tc.find(f"{_W}tcPr")
                span_node = None if tc_pr is None else tc_pr.find(f"{_W}gridSpan")
                span = int(_attr(span_node, "val", "1")) if span_node is not None else 1
                merge = None if tc_pr is None else tc_pr.find(f"{_W}vMerge")
                if merge is not None and _attr(merge, "val", "continue") == "continue" \
                        and col in open_merge:
                    open_merge[col]["rowspan"] += 1
                    open_merge[col]["last_row"] = len(layout)
                    col += span
                    continue
                cell = {"tc": tc, "col": col, "span": span, "rowspan": 1,
                        "row": len(layout), "last_row": len(layout)}
                if merge is not None and _attr(merge, "val") == "restart":
                    open_merge[col] = cell
                else:
                    open_merge.pop(col, None)
                cells.append(cell)
                col += span
            layout.append(cells)
        ncols = len(grid)
        # Word keeps a table whose last row keeps with the next with what follows it (the
        # notes under a Biểu); the row's own break-after cannot reach past the table.
        if rows and any(self._keeps_with_next(cell["tc"]) for cell in layout[-1]):
            table_css.append("break-after: avoid")
        out = [f'<table class="{self._t_classes(table_css)}"><colgroup>']
        out.extend(f'<col style="width: {_pt(w)}">' for w in grid)
        out.append("</colgroup>")
        header_rows = 0
        for row in rows:
            tr_pr = row.find(f"{_W}trPr")
            if tr_pr is not None and tr_pr.find(f"{_W}tblHeader") is not None and \
                    _on(tr_pr.find(f"{_W}tblHeader")):
                header_rows += 1
            else:
                break
        last_row = len(rows) - 1
        row_html: list[str] = []
        grouped = 0  # body rows in the current <tbody>
        for index, (row, cells) in enumerate(zip(rows, layout, strict=True)):
            if index == 0:
                out.append("<thead>" if header_rows else "<tbody>")
            if index == header_rows and header_rows:
                out.append("</thead><tbody>")
            elif grouped >= _ROW_GROUP and not any(self._keeps_with_next(cell["tc"])
                                                   for cell in layout[index - 1]):
                # WeasyPrint lays out short groups faster; a group never starts after a
                # row kept with the next (across groups, a page of kept rows makes
                # WeasyPrint 70 fail an assertion instead of breaking them)
                out.append("</tbody><tbody>")
                grouped = 0
            grouped += index >= header_rows
            row_html.append(self._row(row, cells, index == last_row, borders, margins,
                                      ncols, last_row))
            out.append(row_html[-1])
        out.append("</thead></table>" if header_rows >= len(rows) else "</tbody></table>")
        table_html = "".join(out)
        if len(rows) - header_rows >= long_table.LONG_ROWS:
            found = self._long_table(row_html[:header_rows], row_html[header_rows:], grid,
                                     table_css)
            if found is not None:
                start, end = long_table_marks(len(self.long_tables))
                self.long_tables.append(found)
                return start + table_html + end
        return table_html

    def _long_table(self, header: list[str], body: list[str], grid: list[float],
                    table_css: list[str]) -> long_table.Table | None:
        """The table of rows `header` and `body` (their HTML) as :mod:`long_table`
        sets it, or None if a row or cell is outside what it sets."""
        rows: list[tuple[long_table.Cell, ...]] = []
        for text in header + body:
            row = _ROW_HTML.fullmatch(text)
            if row is None or (row["css"] and self._c_classes.declarations(row["css"])
                               != ["break-inside: avoid"]):
                return None
            matches = list(_CELL_HTML.finditer(row["cells"]))
            if "".join(m[0] for m in matches) != row["cells"]:
                return None
            cells = []
            for match in matches:
                if match["text"] is not None:
                    paragraphs = [(None, match["text"])]
                else:
                    found = list(_PARAGRAPH_HTML.finditer(match["paragraphs"]))
                    if "".join(p[0] for p in found) != match["paragraphs"]:
                        return None
                    # a <p> is white-space: pre-wrap (the base style sheet, _BASE_CSS)
                    paragraphs = [(self._p_classes.declarations(p["css"])
                                   + ["white-space: pre-wrap"], p["text"]) for p in found]
                cell = long_table.cell(self._c_classes.declarations(match["css"]),
                                       paragraphs, int(match["span"] or 1))
                if cell is None:
                    return None
                cells.append(cell)
            rows.append(tuple(cells))
        declarations = "; ".join(table_css)
        left = None if "margin-left: auto" in declarations else float(
            re.search(r"margin-left: (-?[\d.]+)pt", declarations)[1])
        if "margin-right: 0" in declarations and left is None:
            return None  # right-aligned: not set here
        return long_table.Table(tuple(grid), left, tuple(rows[:len(header)]),
                                tuple(rows[len(header):]),
                                keep_with_next="break-after: avoid" in declarations)

    def _row(self, row, cells: list[dict], last: bool, borders: dict, margins: dict,
             ncols: int, last_row: int) -> str:
        """The HTML of a table row. The rows of a long table differ only in their text:
        a row is converted once per shape (its XML with the texts taken out, its merges)
        and the texts of the other rows of that shape are put in its place."""
        texts = [t for t in row.iter(f"{_W}t") if t.text and t.text.strip()]
        values = [t.text for t in texts]
        for t in texts:
            t.text = _SLOT
        shape = (etree.tostring(row), last, id(borders), id(margins),
                 tuple((c["col"], c["span"], c["rowspan"], c["row"] == 0,
                        c["last_row"] == last_row) for c in cells))
        pieces = self._row_cache.get(shape)
        if pieces is None:
            before = len(self.problems)
            pieces = self._row_html(row, cells, last, borders, margins, ncols,
                                    last_row).split(_SLOT)
            if len(pieces) == len(values) + 1 and len(self.problems) == before:
                self._row_cache[shape] = pieces
                self._keep_alive.append((borders, margins))
            else:  # not reusable (a problem to name with its own text): convert as is
                for t, value in zip(texts, values, strict=True):
                    t.text = value
                return self._row_html(row, cells, last, borders, margins, ncols, last_row)
        for t, value in zip(texts, values, strict=True):
            t.text = value
        out = [pieces[0]]
        for value, piece in zip(values, pieces[1:], strict=True):
            out.append(html.escape(value, quote=False))
            out.append(piece)
        return "".join(out)

    def _row_html(self, row, cells: list[dict], last: bool, borders: dict, margins: dict,
                  ncols: int, last_row: int) -> str:
        tr_pr = row.find(f"{_W}trPr")
        row_css = []
        if tr_pr is not None:
            split = tr_pr.find(f"{_W}cantSplit")
            if split is not None and _on(split):
                row_css.append("break-inside: avoid")
            height = tr_pr.find(f"{_W}trHeight")
            if height is not None:
                row_css.append(f"height: {_pt(_twips(_attr(height, 'val')))}")
        # Word keeps a row with the next when the paragraphs of a cell all keep with the
        # next one (the Biểu's TĐG line has it in its STT cell).
        if not last and any(self._keeps_with_next(cell["tc"]) for cell in cells):
            row_css.append("break-after: avoid")
        attrs = f' class="{self._c_classes(row_css)}"' if row_css else ""
        return (f"<tr{attrs}>" + "".join(self._cell(cell, borders, margins, ncols, last_row)
                                         for cell in cells) + "</tr>")

    def _keeps_with_next(self, tc) -> bool:
        paragraphs = tc.findall(f"{_W}p")
        return bool(paragraphs) and all(self._effective(p)[1].get("keepNext")
                                        for p in paragraphs)

    def _cell(self, cell: dict, borders: dict, margins: dict, ncols: int,
              last_row: int) -> str:
        tc = cell["tc"]
        tc_pr = tc.find(f"{_W}tcPr")
        edges = (cell["row"] == 0, cell["last_row"] == last_row, cell["col"] == 0,
                 cell["col"] + cell["span"] >= ncols)
        key = (id(borders), id(margins), edges,
               b"" if tc_pr is None else etree.tostring(tc_pr))
        name = self._css_cache.get(key)
        if name is None:
            name = self._css_cache[key] = self._cell_class(tc_pr, borders, margins, edges)
            self._keep_alive.append((borders, margins))
        inline = self._single_paragraph(tc, name)
        if inline is not None:
            name, content = inline
        else:
            content = "".join(text for text, _ in self._blocks(list(tc), in_cell=True))
        attrs = f' class="{name}"'
        if cell["span"] > 1:
            attrs += f' colspan="{cell["span"]}"'
        if cell["rowspan"] > 1:
            attrs += f' rowspan="{cell["rowspan"]}"'
        return f"<td{attrs}>{content}</td>"

    def _single_paragraph(self, tc, cell_class: str) -> tuple[str, str] | None:
        """A cell holding one plain paragraph is set as that paragraph itself: its text
        straight in the cell, its spacing and indents added to the cell's padding. Long
        tables lay out markedly faster with one box per cell instead of two."""
        blocks = [n for n in tc if isinstance(n.tag, str) and n.tag != f"{_W}tcPr"]
        if len(blocks) != 1 or blocks[0].tag != f"{_W}p":
            return None
        node = blocks[0]
        style, p, r = self._effective(node)
        if p.get("borders") or p.get("shd") or p.get("numbered") or p.get("frame") or \
                p.get("pageBreakBefore") or node.find(f"{_W}pPr/{_W}sectPr") is not None:
            return None
        base_r = self._style_runs(style)
        content, has_tab = self._runs(node, base_r=r, style_r=base_r, paragraph=node)
        if not content.strip() or has_tab:
            return None
        padding = self._cell_padding[cell_class]
        top, right, bottom, left = (padding[0] + p.get("before", 0.0),
                                    padding[1] + p.get("right", 0.0),
                                    padding[2] + p.get("after", 0.0),
                                    padding[3] + p.get("left", 0.0))
        css = [d for d in _paragraph_css(p, r, 0.0, 0.0, False, 0.0)
               if not d.startswith(("margin:", "break-after", "orphans"))]
        css.extend(d for d in self._cell_css[cell_class] if not d.startswith("padding:"))
        css.append(f"padding: {_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}")
        return self._c_classes(css), content

    def _cell_class(self, tc_pr, borders: dict, margins: dict,
                    edges: tuple[bool, bool, bool, bool]) -> str:
        top_row, bottom_row, first_col, last_col = edges
        own = {}
        mar = dict(margins)
        css = []
        if tc_pr is not None:
            edges = tc_pr.find(f"{_W}tcBorders")
            if edges is not None:
                for side in _BORDER_SIDES + ("start", "end"):
                    hit = edges.find(f"{_W}{side}")
                    if hit is not None:
                        own[{"start": "left", "end": "right"}.get(side, side)] = _border(hit)
            cell_mar = tc_pr.find(f"{_W}tcMar")
            if cell_mar is not None:
                for side in ("top", "bottom", "left", "right", "start", "end"):
                    hit = cell_mar.find(f"{_W}{side}")
                    if hit is not None:
                        mar[{"start": "left", "end": "right"}.get(side, side)] = _twips(
                            _attr(hit, "w"))
            valign = tc_pr.find(f"{_W}vAlign")
            if valign is not None:
                css.append("vertical-align: " + {"center": "middle", "bottom": "bottom"}.get(
                    _attr(valign, "val") or "", "top"))
            shd = tc_pr.find(f"{_W}shd")
            fill = _attr(shd, "fill") if shd is not None else None
            if fill and fill != "auto":
                css.append(f"background: #{fill}")
        if not any("vertical-align" in c for c in css):
            css.append("vertical-align: top")
        sides = {
            "top": own.get("top") or borders.get("top" if top_row else "insideH"),
            "bottom": own.get("bottom") or borders.get("bottom" if bottom_row else "insideH"),
            "left": own.get("left") or borders.get("left" if first_col else "insideV"),
            "right": own.get("right") or borders.get("right" if last_col else "insideV"),
        }
        for side, border in sides.items():
            if border and border[0] != "none":
                css.append(f"border-{side}: {_pt(border[1])} {border[0]} #{border[3]}")
        css.append(f"padding: {_pt(mar['top'])} {_pt(mar['right'])} {_pt(mar['bottom'])} "
                   f"{_pt(mar['left'])}")
        name = self._c_classes(css)
        self._cell_css[name] = css
        self._cell_padding[name] = (mar["top"], mar["right"], mar["bottom"], mar["left"])
        return name

    # -- sections, headers, footers -----------------------------------------------------

    def _section_props(self, sect_pr) -> dict:
        props = {"width": 612.0, "height": 792.0, "top": 72.0, "bottom": 72.0,
                 "left": 72.0, "right": 72.0, "header": 36.0, "footer": 36.0,
                 "title_page": False, "continuous": False, "headers": {}, "footers": {}}
        if sect_pr is None:
            return props
        size = sect_pr.find(f"{_W}pgSz")
        if size is not None:
            props["width"] = _twips(_attr(size, "w", "12240"))
            props["height"] = _twips(_attr(size, "h", "15840"))
            if _attr(size, "orient") == "landscape" and props["width"] < props["height"]:
                props["width"], props["height"] = props["height"], props["width"]
        margins = sect_pr.find(f"{_W}pgMar")
        if margins is not None:
            for key in ("top", "bottom", "left", "right", "header", "footer"):
                if _attr(margins, key) is not None:
                    props[key] = abs(_twips(_attr(margins, key)))
            gutter = _twips(_attr(margins, "gutter", "0"))
            props["left"] += gutter
        kind = sect_pr.find(f"{_W}type")
        props["continuous"] = kind is not None and _attr(kind, "val") == "continuous"
        title = sect_pr.find(f"{_W}titlePg")
        props["title_page"] = title is not None and _on(title)
        for kind, tag in (("headers", "headerReference"), ("footers", "footerReference")):
            for ref in sect_pr.findall(f"{_W}{tag}"):
                props[kind][_attr(ref, "type", "default")] = ref.get(f"{_R}id")
        columns = sect_pr.find(f"{_W}cols")
        if columns is not None and int(_attr(columns, "num", "1") or 1) > 1:
            self.problems.append("mục (section) chia nhiều cột")
        return props

    def _header_html(self, rel_id: str | None) -> str | None:
        if rel_id is None:
            return None
        rel = self._part_rels("word/document.xml").get(rel_id)
        if rel is None:
            return None
        root = self._part(rel[1])
        if root is None:
            return None
        saved = self._part_name
        self._part_name = rel[1]
        try:
            return "".join(text for text, _ in self._blocks(list(root)))
        finally:
            self._part_name = saved

    def _assemble(self, sections: list[_Section]) -> str:
        pages_css: list[str] = []
        running: list[str] = []
        body: list[str] = []
        inherited = {"headers": {}, "footers": {}}
        page_names: dict[tuple, str] = {}
        for index, section in enumerate(sections):
            props = section.props
            for kind in ("headers", "footers"):
                merged = {**inherited[kind], **props[kind]}
                props[kind] = merged
                inherited[kind] = merged
            key = tuple((k, v if not isinstance(v, dict) else tuple(sorted(v.items())))
                        for k, v in sorted(props.items()))
            if props["title_page"] or not props.get("continuous"):
                key += (index,)  # its own page group: its first page is its own
            name = page_names.get(key)
            if name is None:
                name = page_names[key] = f"s{len(page_names)}"
                pages_css.extend(self._page_css(name, props, running))
            start = " new-page" if index and not props["continuous"] else ""
            body.append(f'<div class="section{start}" style="page: {name}">'
                        + "".join(section.body) + "</div>")
        css = "\n".join([
            _BASE_CSS, *pages_css, self._p_classes.css("p"), self._r_classes.css("span"),
            self._t_classes.css("table"), self._c_classes.css("td"),
            self._c_classes.css("tr")])
        return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                f"<style>\n{css}\n</style></head><body>" + "".join(running)
                + "".join(body) + "</body></html>")

    def _page_css(self, name: str, props: dict, running: list[str]) -> list[str]:
        width = props["width"] - props["left"] - props["right"]
        out = [f"@page {name} {{ size: {_pt(props['width'])} {_pt(props['height'])}; "
               f"margin: {_pt(props['top'])} {_pt(props['right'])} {_pt(props['bottom'])} "
               f"{_pt(props['left'])}; }}"]
        boxes = []
        for kind, box, distance, edge in (("headers", "top-center", props["header"], "top"),
                                          ("footers", "bottom-center", props["footer"],
                                           "bottom")):
            refs = props[kind]
            default = self._running(f"{name}-{kind}-default", refs.get("default"), running)
            first_html = self._running(f"{name}-{kind}-first", refs.get("first"), running) \
                if props["title_page"] else default
            if self._even_odd and refs.get("even"):
                self.problems.append("đầu trang/chân trang khác nhau ở trang chẵn, trang lẻ")
            common = (f"width: {_pt(width)}; vertical-align: {edge}; "
                      f"padding-{edge}: {_pt(distance)};")
            if default:
                boxes.append(f"@page {name} {{ @{box} {{ content: element({default}); "
                             f"{common} }} }}")
            if props["title_page"]:
                # the first page of this section's page group
                content = f"element({first_html})" if first_html else "none"
                boxes.append(f"@page :nth(1 of {name}) {{ @{box} {{ content: {content}; "
                             f"{common} }} }}")
        return out + boxes

    def _running(self, name: str, rel_id: str | None, running: list[str]) -> str | None:
        content = self._header_html(rel_id)
        if not content:
            return None
        running.append(f'<div style="position: running({name})">{content}</div>')
        return name


#: Body rows per ``<tbody>``: long tables lay out faster in groups (the layout is the same).
_ROW_GROUP = 40

#: Stands for a text while a table row's shape is converted (a private-use character).
_SLOT = "\U0010fffd"

#: The PAGE and NUMPAGES fields as page counters.
_COUNTER = {"PAGE": '<span class="field-page"></span>',
            "NUMPAGES": '<span class="field-pages"></span>'}

_BASE_CSS = """
html { color: #000; }
body { margin: 0; }
p { margin: 0; padding: 0; white-space: pre-wrap; }
table { border-spacing: 0; }
td { overflow: visible; }
img { vertical-align: bottom; }
.section.new-page { break-before: page; }
span.page-break { break-before: page; }
span.field-page::before { content: counter(page); }
span.field-pages::before { content: counter(pages); }
"""


def convert(data: bytes, vector: Callable[[bytes], bytes | None] | None = None) -> Converted:
    """Return the HTML (and its pictures) of the DOCX `data`.

    `vector(picture bytes)` may return an SVG drawing of the same picture (the charts),
    which the PDF then carries instead of the bitmap.

    :raises UnsupportedContent: the document holds something this module cannot convert;
        the message lists every such place.
    :raises TemplateError: `data` is not a readable DOCX.
    """
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise TemplateError(f"Tệp DOCX không đọc được: {exc}") from exc
    with package:
        converter = _Converter(package, vector or (lambda _: None))
        text = converter.document()
    if converter.problems:
        raise UnsupportedContent(list(dict.fromkeys(converter.problems)))
    return Converted(text, converter.resources, converter.long_tables)
