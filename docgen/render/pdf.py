"""PDF renderer: the rendered DOCX, converted to HTML, laid out by WeasyPrint, as bytes.

This is the only module of docgen that imports WeasyPrint. It guarantees these things:

* **One font.** Text is set in one typeface (:func:`docgen.formatting.glyphs.typeface`):
  the agency's Times New Roman when the fonts folder holds its four faces, else Liberation
  Serif (metric-compatible with Times New Roman, bundled), declared here with ``@font-face`` under a private family name so that no
  system font can stand in for it. Every character of the context is checked against the
  fonts' cmaps before layout, and the fonts actually used are checked after it; either
  failure raises :class:`~docgen.errors.RenderError` instead of a silent fallback.
* **One source.** The DOCX template is filled first (:mod:`docgen.render.docx`) and the
  PDF is typeset from that DOCX (:mod:`docgen.render.docx_html`): the same paragraphs,
  styles, tables and sections in both files.
* **Long tables set directly.** A table of hundreds of plain rows is cut into pages and
  drawn by :mod:`docgen.render.long_table` into the pages WeasyPrint lays out around it
  (:func:`_with_long_tables`), some 15 times faster than WeasyPrint's own table layout,
  with the same pages and words.
* **No outside resources.** WeasyPrint may only read the fonts folder and the document's
  own pictures, handed over from memory; the charts are drawn again as SVG by
  :mod:`docgen.render.charts` (labels as text in the bundled font) in place of the DOCX's
  bitmaps. Anything else (http, data:, other paths) stops the rendering.
* **Reproducible bytes.** Dates come from :class:`~docgen.render.meta.DocumentMeta`, and the
  PDF file identifier is a hash of the converted HTML, so the same input gives the same file.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import html
import logging
import os
import re
import threading
import weakref
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from docgen.errors import RenderError, TemplateError
from docgen.formatting.glyphs import COLLAPSED_WHITESPACE, Typeface, covered_codepoints, typeface
from docgen.render import heap, long_table
from docgen.render.meta import DocumentMeta

__all__ = ["FONT_FAMILY", "render", "warm_up"]


#: Family name under which the bundled Liberation Serif faces are declared (the agency's
#: Times New Roman ones are declared as "TimesNewRoman Docgen"; see :func:`typeface`).
FONT_FAMILY = "LiberationSerif Docgen"

#: Archival PDF (ISO 19005-2, level B): XMP with pdfaid, an sRGB output intent, every font
#: embedded; not validated here (see README, "Electronic signing").
PDF_VARIANT = "pdf/a-2b"

#: WeasyPrint warnings that say nothing about the document (it subsets fonts either way).
_BENIGN_WARNINGS = ("Using fontTools instead of HarfBuzz-Subset",)

#: Characters that HTML turns into spaces: they need no glyph.
_COLLAPSED_WHITESPACE = COLLAPSED_WHITESPACE

_LOGGER = logging.getLogger("weasyprint")

# Without the HarfBuzz-Subset library, WeasyPrint subsets fonts with fontTools, which stamps
# the current time into each subset's 'head' table unless SOURCE_DATE_EPOCH is set (the
# reproducible-builds convention). A fixed value keeps the embedded fonts, and so the PDF
# bytes, the same from one run to the next; a value set by the caller is respected.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


#: URL scheme of the charts rendered in memory for one document (never a real resource).
CHART_SCHEME = "docgen-chart"


#: Length of the converted HTML above which the garbage is collected before the layout
#: (the 3.321-unit Phụ lục: 1,1 MB; the Sơn La documents: under 0,1 MB).
_COLLECT_ABOVE = 300_000

#: Size of a rendered DOCX above which its object graph is collected before the
#: conversion (Phụ lục of 1.000 units: 46 KB zipped, 3.321: 122 KB).
_COLLECT_DOCX_ABOVE = 40_000

_CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg",
                  "jpg": "image/jpeg", "gif": "image/gif"}


class _LocalFetcher(URLFetcher):
    """Fetch ``file:`` URLs below the allowed folders and the document's own charts from
    memory; refuse everything else, fatally."""

    def __init__(self, roots: tuple[Path, ...], memory: Mapping[str, bytes] | None = None):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self._roots = tuple(root.resolve() for root in roots)
        self._memory = memory or {}

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url in self._memory:
            kind = _CONTENT_TYPES.get(url.rsplit(".", 1)[-1].lower(), "image/svg+xml")
            return URLFetcherResponse(url, body=self._memory[url],
                                      headers={"Content-Type": kind})
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"Không được tải tài nguyên ngoài: {url}")
        path = Path(url2pathname(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self._roots):
            raise ValueError(f"Không được tải tệp ngoài thư mục mẫu và phông: {path}")
        if not path.is_file():
            raise FileNotFoundError(f"Không tìm thấy tệp: {path}")
        return super().fetch(path.as_uri(), headers)


#: The code points all four bundled faces can draw (shared with the dossier's input check).
_covered_codepoints = covered_codepoints


#: Universal pseudo-element rules of WeasyPrint's user-agent stylesheet that the templates
#: never need (list markers, footnotes, notes). Each one makes WeasyPrint compute one more
#: style for *every* element; dropping them cuts style time and memory by about a third on
#: a 3,000-row appendix table.
_UNUSED_UA_PSEUDO = re.compile(
    r"^::(?:marker|footnote-call|footnote-marker|note-call|note-marker|note-callback)\b.*$\n?",
    re.MULTILINE,
)


@functools.cache
def _ua_stylesheet() -> weasyprint.CSS:
    """Return WeasyPrint's HTML user-agent stylesheet without the unused pseudo-elements."""
    from weasyprint import html as weasy_html
    from weasyprint.css.counters import CounterStyle

    text, count = _UNUSED_UA_PSEUDO.subn("", weasy_html.UA)
    if count == 0:  # another WeasyPrint version: keep its stylesheet as it is
        return weasy_html.UA_STYLESHEET
    # The @counter-style rules of the sheet already live in WeasyPrint's own UA counter
    # styles, which documents copy; parse into a throwaway set so nothing is redefined.
    return weasyprint.CSS(string=text, counter_style=CounterStyle())


class _ScanPatterns(dict):
    """tinyhtml5's cache of the scanning patterns of ``chars_until``, keyed as it looks
    them up. tinyhtml5 2.1 stores each pattern under the compiled pattern instead of under
    the characters it is looked up by, so every text run and attribute value of the
    document builds its pattern again (a 1.000-unit Phụ lục: some 40.000 times, a third of
    the HTML parsing time). Filled on a miss, this cache gives the same patterns."""

    def __missing__(self, key: tuple[Any, bool]) -> re.Pattern[str]:
        characters, opposite = key
        ranges = "".join(f"\\x{ord(character):02x}" for character in characters)
        pattern = self[key] = re.compile(f"[{ranges}]+" if opposite else f"[^{ranges}]+")
        return pattern


def _patch_html_parser() -> None:
    """Install :class:`_ScanPatterns` where tinyhtml5 (WeasyPrint's HTML parser) keeps its
    patterns, if that tinyhtml5 has such a plain dictionary."""
    from tinyhtml5 import inputstream

    if type(getattr(inputstream, "characters_until_regex", None)) is dict:
        inputstream.characters_until_regex = _ScanPatterns()


_patch_html_parser()


#: Tiles drawn lately: (tile's digest, width, height, compressed) -> the content stream of
#: the tile and the opacity states that stream names. The picture's URL is not part of the
#: key: a tile that is kept refers to nothing (:data:`_TILE_TAGS`, :meth:`_TileOnce._keep`).
_TILES: OrderedDict[tuple, tuple[bytes, list]] = OrderedDict()
_TILES_KEPT = 32
_TILES_LOCK = threading.Lock()
#: The digest of each tile of each SVG picture being drawn, by pattern id (each tile
#: hashed once per picture, not once per shape it fills).
_PICTURES: weakref.WeakKeyDictionary[Any, dict[str, str]] = weakref.WeakKeyDictionary()
#: What a tile may hold to be replayed in another document: shapes only (no text, whose
#: fonts belong to a document, no pictures or references).
_TILE_TAGS = frozenset({"svg", "pattern", "g", "rect", "path", "circle", "ellipse", "line",
                        "polyline", "polygon", "title", "desc"})


class _TileOnce:
    """Stands in for WeasyPrint's SVG ``Pattern`` so that a pattern tile is drawn once.

    WeasyPrint parses and draws a ``<pattern>`` again for every shape filled with it: a
    ranking chart's dotted band (a tile of some 600 circles, 250 KB of SVG path) used by
    14 bars cost some 2 s per Báo cáo. The tile's content does not depend on the shape
    (only the pattern's own placement does, which WeasyPrint sets outside it), so later
    shapes get the content stream of the first drawing, compressed once: the same PDF
    bytes.

    A tile is kept by its own element, not by the picture it is in: WeasyPrint draws the
    tile as an SVG document of its own, made of the ``<pattern>`` element and what it
    holds, so the same element draws the same content in any picture. Every chart of
    docgen hatches a band the same way, so a new chart (new data, a new round) reuses the
    tiles an earlier chart drew."""

    original: Any = None  # WeasyPrint's Pattern class

    def __init__(self, tree: Any, svg: Any) -> None:
        self._tree, self._svg = tree, svg

    def draw(self, stream: Any, width: float, height: float, base_url: str,
             context: Any) -> None:
        key = (self._digest(), width, height, stream.compress)
        with _TILES_LOCK:
            drawn = _TILES.get(key)
            if drawn is not None:
                _TILES.move_to_end(key)
        if drawn is None:
            self.original(self._tree, self._svg).draw(stream, width, height, base_url,
                                                      context)
            self._keep(key, stream)
            return
        content, alphas = drawn
        if stream.compress:  # compressed once, as pydyf compresses a stream
            if not isinstance(content, _Deflated):
                content = _Deflated(_deflate(content))
                with _TILES_LOCK:
                    _TILES[key] = (content, alphas)
            stream.compress = False
            stream.extra["Filter"] = "/FlateDecode"
        stream.stream.append(bytes(content))
        for name, alpha in alphas:
            stream._resources["ExtGState"][name] = pydyf.Dictionary(alpha)

    def _digest(self) -> str:
        """The digest of the tile's element and what it holds, as written (what its
        drawing is made of)."""
        tiles = _PICTURES.get(self._svg)
        if tiles is None:
            tiles = _PICTURES[self._svg] = {}
        name = self._tree.get("id")
        digest = tiles.get(name)
        if digest is None:
            root = self._tree._etree_node
            content = hashlib.sha256()
            for node in root.iter():  # the root's tail is what follows the tile
                content.update(repr((node.tag, sorted(node.attrib.items()), node.text,
                                     None if node is root else node.tail)).encode())
            digest = tiles[name] = content.hexdigest()
        return digest

    def _keep(self, key: tuple, stream: Any) -> None:
        """Keep the tile just drawn on `stream` if it can be replayed as it is."""
        resources = stream._resources
        alphas = [(name, dict(state)) for name, state in resources["ExtGState"].items()]
        tags = {element.tag.rsplit("}", 1)[-1] for element in self._tree._etree_node.iter()}
        if (tags <= _TILE_TAGS
                and not any(resources.get(kind) for kind in ("XObject", "Pattern", "Shading"))
                and all(set(state) <= {"ca", "CA"} for _, state in alphas)):
            content = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
            with _TILES_LOCK:
                _TILES[key] = (content, alphas)
                while len(_TILES) > _TILES_KEPT:
                    _TILES.popitem(last=False)


class _Deflated(bytes):
    """A tile's content stream, already compressed."""


def _deflate(data: bytes) -> bytes:
    """Compress `data` exactly as pydyf compresses a stream's content."""
    compressor = zlib.compressobj(level=9)
    return compressor.compress(data) + compressor.flush()


def _patch_svg_patterns() -> None:
    """Install :class:`_TileOnce` where WeasyPrint's pattern drawing looks ``Pattern`` up,
    if that WeasyPrint has such a class and pydyf its byte conversion."""
    from weasyprint import svg

    original = getattr(svg, "Pattern", None)
    if isinstance(original, type) and hasattr(pydyf, "_to_bytes"):
        _TileOnce.original = original
        svg.Pattern = _TileOnce


_patch_svg_patterns()


class _HTML(weasyprint.HTML):
    """An HTML document laid out with the trimmed user-agent stylesheet."""

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [_ua_stylesheet()]


def _font_setup() -> tuple[FontConfiguration, weasyprint.CSS]:
    """Return the shared font configuration and the ``@font-face`` stylesheet of the
    typeface in use (built once per typeface)."""
    return _font_setup_for(typeface())


@functools.cache
def _font_setup_for(face: Typeface) -> tuple[FontConfiguration, weasyprint.CSS]:
    rules = "\n".join(
        f'@font-face {{ font-family: "{face.family}"; src: url("{(face.folder / name).as_uri()}");'
        f" font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in face.faces
    )
    font_config = FontConfiguration()
    with _weasyprint_errors(f"phông {face.name}"):
        css = weasyprint.CSS(
            string=rules, font_config=font_config, url_fetcher=_LocalFetcher((face.folder,))
        )
    return font_config, css


def check_glyphs(context: Mapping[str, Any]) -> None:
    """Raise :class:`RenderError` if a string of `context` has a character outside the font.

    >>> check_glyphs({"name": "Sở Văn hóa & Thể thao <mới>", "items": ["Độc lập"]})
    >>> check_glyphs({"items": [{"name": "A\\u4e2d"}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    docgen.errors.RenderError: Ký tự '中' (U+4E2D) không có trong phông Liberation Serif: ...
    """
    covered = _covered_codepoints()
    for where, text in _strings(context, ""):
        for char in text:
            if ord(char) not in covered and char not in _COLLAPSED_WHITESPACE:
                raise RenderError(
                    f"Ký tự {char!r} (U+{ord(char):04X}) không có trong phông {typeface().name}: "
                    f"{where} = {text!r}"
                )


def _strings(value: Any, where: str) -> Iterator[tuple[str, str]]:
    """Yield (path, text) for every string inside `value` (mappings, lists, tuples)."""
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{where}[{index}]")


def _w3c_date(meta: DocumentMeta) -> str:
    """Return `meta.created` as a W3C date-time; a naive time is taken as UTC (as in DOCX).

    >>> from datetime import datetime, timedelta, timezone
    >>> _w3c_date(DocumentMeta("t", "a", datetime(2025, 12, 16, 8, 30, 5, 999)))
    '2025-12-16T08:30:05Z'
    >>> tz = timezone(timedelta(hours=7))
    >>> _w3c_date(DocumentMeta("t", "a", datetime(2025, 12, 16, 8, 30, tzinfo=tz)))
    '2025-12-16T08:30:00+07:00'
    """
    created = meta.created.replace(microsecond=0)
    text = created.strftime("%Y-%m-%dT%H:%M:%S")
    offset = created.utcoffset()
    if offset is None or not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return text + f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _head(meta: DocumentMeta) -> str:
    """Return the HTML head elements WeasyPrint turns into the PDF's metadata."""
    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    dates = "" if meta.created is None else (
        f'<meta name="dcterms.created" content="{_w3c_date(meta)}">'
        f'<meta name="dcterms.modified" content="{_w3c_date(meta)}">')
    return (f"<title>{esc(meta.title)}</title>"
            f'<meta name="author" content="{esc(meta.author)}">'
            + dates
            + (f'<meta name="description" content="{esc(meta.subject)}">'
               if meta.subject else ""))


def _chart_svg(charts: Mapping[str, Mapping[str, Any]], picture: bytes) -> bytes | None:
    """Return the SVG of the chart whose DOCX picture is `picture`, or None.

    The SVG's labels are text in the typeface's family, so WeasyPrint sets them in the
    font it embeds for the body (the check after layout sees them too); every
    character they hold, tick values included, is checked against the font first.
    """
    chart = charts.get(hashlib.sha256(picture).hexdigest())
    if chart is None:
        return None
    from docgen.render import charts as drawing  # matplotlib loads only for charts

    document = drawing.svg(chart, family=typeface().family)
    check_glyphs({f"biểu đồ {chart.get('number', '')}": drawing.svg_texts(document)})
    return document.encode("utf-8")


class _Collect(logging.Handler):
    """Collect the warnings and errors WeasyPrint logs from the current thread."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.thread == self.thread and not message.startswith(_BENIGN_WARNINGS):
            self.messages.append(message)


@contextmanager
def _weasyprint_errors(what: str) -> Iterator[None]:
    """Turn WeasyPrint's logged warnings and fatal fetch errors into :class:`RenderError`."""
    handler = _Collect()
    _LOGGER.addHandler(handler)
    try:
        yield
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise RenderError(f"{what}: không tải được tài nguyên: {cause}") from exc
    finally:
        _LOGGER.removeHandler(handler)
    if handler.messages:
        raise RenderError(f"{what}: WeasyPrint báo lỗi: " + "; ".join(handler.messages))


def _release_memory() -> None:
    """Collect the garbage and hand the freed heap back to the system.

    A long document passes through two large XML trees (python-docx's, then the
    converter's), each freed before the next stage; glibc keeps freed memory for reuse,
    and Python's own objects do not reuse libxml2's, so without the trim the next
    stage's memory adds to it. 3.321-unit Phụ lục: peak 207 MB without, 177 MB with.
    """
    gc.collect()
    heap.give_back()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while WeasyPrint lays out and writes a document.

    Layout allocates hundreds of thousands of long-lived boxes; each automatic collection
    walks all of them again. Pausing cuts a 3,000-row appendix from about 11 s to 7.5 s
    for some 10 MB more memory. Reference counting still frees what is not in a cycle, and
    the collector is switched back on (if it was on) as soon as the document is written.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def warm_up() -> None:
    """Pay once what a process's first PDF pays: the fonts' cmaps, the stylesheets, Pango
    and HarfBuzz set up on the bundled faces."""
    _covered_codepoints()
    _ua_stylesheet()
    font_config, font_css = _font_setup()
    face = typeface()
    faces = "".join(f'<p style="font-weight: {weight}; font-style: {style}">Ấn định</p>'
                    for _, weight, style in face.faces)
    with _weasyprint_errors("khởi động"):
        _HTML(string=f'<body style="font-family: \'{face.family}\'">{faces}</body>').render(
            stylesheets=[font_css], font_config=font_config).write_pdf()


def warm_up_charts() -> None:
    """Draw every band's hatch tile once, from a sample chart, so that the first chart of
    this process replays them (:class:`_TileOnce`) instead of drawing them: about 0,3 s
    of a render pool worker's first Báo cáo, paid at its start instead."""
    from docgen.render import charts as drawing  # matplotlib loads only for charts

    picture = drawing.band_sample_svg(family=typeface().family)
    page = ('<html><head></head><body><img src="docgen-image:sample.svg" alt="Mẫu" '
            'style="width: 100pt"></body></html>')
    typeset(page, {"docgen-image:sample.svg": picture.encode("utf-8")},
            DocumentMeta("", "", None), "khởi động", tagged=True)


def render(template: Path, context: Mapping[str, Any], meta: DocumentMeta) -> bytes:
    """Fill the DOCX `template` with `context` and return the PDF of that DOCX.

    The PDF is typeset from the rendered DOCX itself (:mod:`docgen.render.docx_html`), so
    both formats carry the same paragraphs, tables and sections. Raises
    :class:`TemplateError` when the template is missing, fails or holds something the
    conversion cannot reproduce, and :class:`RenderError` for a character the font lacks
    or any font other than the typeface in use (:func:`typeface`) in the output.
    """
    from docgen.render import docx

    template = Path(template)
    check_glyphs(context)
    drawn: dict[str, Mapping[str, Any]] = {}
    data = docx.render(template, context, meta, charts=drawn)
    return from_docx(data, drawn, meta, template.name)


def from_docx(data: bytes, drawn: Mapping[str, Mapping[str, Any]], meta: DocumentMeta,
              name: str = "văn bản") -> bytes:
    """Return the PDF of the rendered DOCX `data`; `drawn` maps the SHA-256 of each chart
    picture to its chart (drawn again as SVG). The context's glyphs must have been
    checked (:func:`check_glyphs`)."""
    from docgen.render import docx_html

    if len(data) > _COLLECT_DOCX_ABOVE:
        # the object graph of the DOCX just filled (here or by the caller), before the
        # conversion builds its own tree
        _release_memory()

    try:
        converted = docx_html.convert(data, functools.partial(_chart_svg, drawn))
    except docx_html.UnsupportedContent as exc:
        raise TemplateError(f"Mẫu {name}: {exc}") from exc
    # The converter's tree is freed now; for a long document, collect and give back
    # before the layout, during which the collector is paused.
    if len(converted.html) > _COLLECT_ABOVE:
        _release_memory()
    return typeset(converted.html, converted.resources, meta, name, tagged=bool(drawn),
                   long_tables=converted.long_tables)


def typeset(html_text: str, resources: Mapping[str, bytes], meta: DocumentMeta,
            name: str = "văn bản", *, tagged: bool = False,
            long_tables: "list[long_table.Table] | tuple" = ()) -> bytes:
    """Lay out the HTML of a converted DOCX with WeasyPrint and return the PDF bytes.

    `resources` maps the URLs of the document's pictures to their bytes; nothing else
    may be loaded. A `tagged` PDF has a structure tree, in which each picture is a Figure
    whose /Alt is the ``alt`` of its ``<img>``: a document with charts is tagged so that
    the charts' alt text reaches the PDF (Sơn La 2025's Báo cáo: 1 % larger). Documents
    without charts are not: tagging the Phụ lục's table of 1.000 units doubles its size.
    """
    html_text = html_text.replace("<head>", "<head>" + _head(meta), 1)
    html_text = html_text.replace("<html>", f'<html lang="{html.escape(meta.language)}">', 1)
    face = typeface()
    font_config, font_css = _font_setup()
    identifier = hashlib.sha256(html_text.encode("utf-8")).hexdigest()[:32].encode("ascii")
    def lay_out(text: str) -> weasyprint.Document:
        return _HTML(
            string=text,
            base_url=f"{CHART_SCHEME}:/",
            url_fetcher=_LocalFetcher((face.folder,), resources),
        ).render(stylesheets=[font_css, _body_font(face)], font_config=font_config)

    with _weasyprint_errors(name), _gc_paused():
        document = None
        if long_tables and not tagged:
            document = _with_long_tables(html_text, long_tables, lay_out, font_config, face)
        if document is None:
            document = lay_out(html_text)
        pdf = document.write_pdf(pdf_identifier=identifier, pdf_variant=PDF_VARIANT,
                                 pdf_tags=tagged)

    others = sorted({font.family for font in document.fonts.values()} - {face.family})
    if others:
        raise RenderError(
            f"{name}: văn bản dùng phông khác {face.name}: {', '.join(others)}"
        )
    return pdf


@functools.cache
def _body_font(face: Typeface) -> weasyprint.CSS:
    """Every text of the document in the typeface `face`, whatever the DOCX names."""
    font_config, _ = _font_setup_for(face)
    return weasyprint.CSS(string=f'html, body, p, span, td {{ font-family: "{face.family}"; }}'
                          f' @page {{ font-family: "{face.family}"; }}',
                          font_config=font_config)


# --- Long tables ---------------------------------------------------------------------------

#: CSS pixels per point (WeasyPrint lays out in CSS pixels).
_PX = 4 / 3

_SPACER = "docgen-long-table-"


def _with_long_tables(html_text: str, tables: list[long_table.Table],
                      lay_out: Callable[[str], weasyprint.Document],
                      font_config: FontConfiguration, face: Typeface
                      ) -> weasyprint.Document | None:
    """Lay out `html_text` with its long `tables` set by :mod:`long_table`, or return
    None when one of them cannot be (WeasyPrint then lays out the whole document).

    Each table's HTML (between its :func:`docx_html.long_table_marks`) gives way to one
    empty block per page part, as high as the part; WeasyPrint lays out the rest of the
    document around those blocks, and each part is drawn into its page where its block
    stands. Where a table starts is known only once what precedes it is laid out: each
    table is first a probe block as high as its header and first row, whose place gives
    the room left on that page; then its parts are cut. One layout per table, and one
    for the result.
    """
    from docgen.render.docx_html import long_table_marks

    pieces = []  # text before table 0, before table 1, …, after the last
    rest = html_text
    for index in range(len(tables)):
        start, end = long_table_marks(index)
        before, found, after = rest.partition(start)
        _, found_end, rest = after.partition(end)
        if not found or not found_end:
            return None
        pieces.append(before)
    pieces.append(rest)
    parts: list[list[long_table.Part]] = []
    rooms: list[tuple[float, float, float]] = []  # each table's width, first and page room
    held: set[int] = set()
    setter = long_table.Setter()
    while True:
        body = [pieces[0]]
        for index, table in enumerate(tables):
            if index < len(parts):
                body.append(_spacers(index, parts[index], table.keep_with_next))
            elif index == len(parts):
                probe = long_table.first_height(table, setter)
                if probe is None:
                    return None
                body.append(f'<div id="{_SPACER}{index}-probe" style="height: '
                            f'{probe:.3f}pt; break-inside: avoid"></div>')
            body.append(pieces[index + 1])
        document = lay_out("".join(body))
        placed = _placed(document)
        if len(parts) == len(tables):
            apart = _kept_apart(document, tables, parts, placed, held)
            if apart is None:
                break
            # What the table keeps with went to the next page alone: its last row goes
            # there too, and the tables after it are cut again.
            held.add(apart)
            cut = long_table.paginate(tables[apart], *rooms[apart], setter, hold_last=True)
            if cut is None:
                return None
            parts[apart:] = [cut]
            del rooms[apart + 1:]
            continue
        probe_place = placed.get((len(parts), "probe"))
        if probe_place is None:
            return None
        page, x, y, width, room_top, room_bottom = probe_place
        rooms.append((width / _PX, (room_bottom - y) / _PX, (room_bottom - room_top) / _PX))
        cut = long_table.paginate(tables[len(parts)], *rooms[-1], setter)
        if cut is None:
            return None
        parts.append(cut)
    drawing: dict[int, list[tuple[float, float, long_table.Part]]] = {}
    for index, table_parts in enumerate(parts):
        for number, part in enumerate(table_parts):
            place = placed.get((index, number))
            if place is None:
                return None
            page, x, y, _, _, bottom = place
            if y + part.height * _PX > bottom + 0.5:  # split by WeasyPrint: not where cut
                return None
            drawing.setdefault(page, []).append((x, y, part))
    fonts = _PangoFonts(font_config, face, setter)
    for page, items in drawing.items():
        _draw_on(document.pages[page], items, fonts)
    return document


def _spacers(index: int, parts: list[long_table.Part], keep_with_next: bool) -> str:
    out = []
    for number, part in enumerate(parts):
        style = f"height: {part.height:.3f}pt; break-inside: avoid"
        if number:
            style += "; break-before: page"
        if keep_with_next and number == len(parts) - 1:
            style += "; break-after: avoid"
        out.append(f'<div id="{_SPACER}{index}-{number}" style="{style}"></div>')
    return "".join(out)


def _kept_apart(document: weasyprint.Document, tables: list[long_table.Table],
                parts: list[list[long_table.Part]], placed: dict, held: set[int]
                ) -> int | None:
    """The first table (not in `held`) that keeps with what follows it, whose last part
    of several rows ends its page while the document goes on: WeasyPrint would have
    moved the table's last row to the next page, with what follows."""
    for index, (table, table_parts) in enumerate(zip(tables, parts, strict=True)):
        if not table.keep_with_next or index in held or not table_parts or \
                table_parts[-1].last == table_parts[-1].first:
            continue
        place = placed.get((index, len(table_parts) - 1))
        if place is None or place[0] + 1 >= len(document.pages):
            continue
        if _ends_its_page(document.pages[place[0]],
                          f"{_SPACER}{index}-{len(table_parts) - 1}"):
            return index
    return None


def _ends_its_page(page: Any, ident: str) -> bool:
    """Whether the block of id `ident` is the last box of its page's content."""
    boxes = [box for child in page._page_box.children
             if getattr(child, "element_tag", None) == "html" for box in child.descendants()]
    last = boxes[-1] if boxes else None
    element = getattr(last, "element", None)
    return element is not None and last.element_tag == "div" and element.get("id") == ident


def _placed(document: weasyprint.Document
            ) -> dict[tuple[int, int | str], tuple[int, float, float, float, float, float]]:
    """Where the spacer blocks stand: {(table, part number or "probe"): (page index, x,
    y, width, top and bottom of the page's content area)}, in CSS pixels."""
    out = {}
    for number, page in enumerate(document.pages):
        page_box = page._page_box
        top = page_box.content_box_y()
        bottom = top + page_box.height
        for box in page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or box.element_tag != "div":
                continue
            ident = element.get("id") or ""
            if ident.startswith(_SPACER):
                table, _, what = ident[len(_SPACER):].partition("-")
                key = (int(table), what if what == "probe" else int(what))
                out[key] = (number, box.content_box_x(), box.content_box_y(), box.width,
                            top, bottom)
    return out


class _PangoFonts:
    """The Pango fonts of the typeface's faces, as WeasyPrint's own text uses them, and
    the TJ operands of the texts drawn in them."""

    def __init__(self, font_config: FontConfiguration, face: Typeface,
                 setter: long_table.Setter):
        self._config = font_config
        self._family = face.family
        self._setter = setter  # the metrics the lines were set with
        self._fonts: dict[long_table.Face, Any] = {}
        self._operands: dict[tuple[long_table.Face, str], tuple[Any, bytes]] = {}

    def operand(self, stream: Any, face: long_table.Face, text: str) -> tuple[Any, bytes]:
        """The PDF font (WeasyPrint's) of `face` and the TJ operand of `text` in it."""
        key = (face, text)
        found = self._operands.get(key)
        if found is None:
            font, _ = stream.add_font(self._pango_font(face))
            found = self._operands[key] = (
                font, _glyphs(text, self._setter.face(face), font).encode("ascii"))
        return found

    def _pango_font(self, key: long_table.Face) -> Any:
        found = self._fonts.get(key)
        if found is None:
            from weasyprint.text.ffi import ffi, pango

            weight, style = key
            description = ffi.gc(pango.pango_font_description_new(),
                                 pango.pango_font_description_free)
            pango.pango_font_description_set_family(
                description, ffi.new("char[]", self._family.encode()))
            pango.pango_font_description_set_weight(description, 700 if weight == "bold"
                                                    else 400)
            pango.pango_font_description_set_style(
                description, pango.PANGO_STYLE_ITALIC if style == "italic"
                else pango.PANGO_STYLE_NORMAL)
            pango.pango_font_description_set_absolute_size(description, 16 * 1024)
            context = ffi.gc(pango.pango_font_map_create_context(self._config.font_map),
                             _gobject_unref)
            found = self._fonts[key] = (
                pango.pango_font_map_load_font(self._config.font_map, context, description),
                context)
        return found[0]


def _gobject_unref(pointer: Any) -> None:
    from weasyprint.text.ffi import gobject

    gobject.g_object_unref(pointer)


def _draw_on(page: Any, items: list[tuple[float, float, long_table.Part]],
             fonts: _PangoFonts) -> None:
    """Make `page` draw the table parts `items` (x, y in CSS pixels) after its own
    content, into the same content stream and with the same embedded fonts."""
    original = page.paint

    def paint(stream: Any, scale: float = 1) -> None:
        original(stream, scale)
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            for x, y, part in items:
                with stream.stacked():
                    stream.transform(a=_PX, d=_PX, e=x, f=y)
                    _draw_part(stream, part, fonts)

    page.paint = paint


def _draw_part(stream: Any, part: long_table.Part, fonts: _PangoFonts) -> None:
    """Draw one part in points, y downwards, from its top left corner: its rules, then
    its lines of text, written as one piece of the page's content stream (pydyf's
    ``Stream.stream``: the operators of a part are thousands)."""
    out = [b"0 0 0 RG"]
    width = None
    for rule in part.rules:
        if rule.width != width:  # a path is stroked at the width set when it ends
            if width is not None:
                out.append(b"S")
            width = rule.width
            out.append(b"%s w" % _num(width))
        out.append(b"%s %s m %s %s l" % (_num(rule.x0), _num(rule.y0), _num(rule.x1),
                                        _num(rule.y1)))
    out.append(b"S 0 0 0 rg BT")
    current = None
    for line in part.lines:
        font, operand = fonts.operand(stream, line.face, line.text)
        if (font.hash, line.size) != current:
            current = (font.hash, line.size)
            out.append(b"/%s %s Tf" % (font.hash.encode("ascii"), _num(line.size)))
        out.append(b"1 0 0 -1 %s %s Tm [%s] TJ" % (_num(line.x), _num(line.baseline),
                                                   operand))
    out.append(b"ET")
    stream.stream.append(b"\n".join(out))


def _num(value: float) -> bytes:
    """A PDF number: four decimals at most, no trailing zeros (0,0001 pt is far below
    what a printer shows; the same value always gives the same bytes)."""
    text = f"{value:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode("ascii")


def _glyphs(text: str, metrics: Any, font: Any) -> str:
    """The TJ operand of `text` in WeasyPrint's PDF `font`: its glyph ids (registered
    with the font, so that its subset and ToUnicode map hold them), with the adjustments
    that keep each glyph at the advance the line was set with (kerned)."""
    out = ["<"]
    glyphs = [metrics.glyphs[ord(char)] for char in text]
    for index, char in enumerate(text):
        code = ord(char)
        glyph = glyphs[index]
        width = font.widths.setdefault(glyph, round(metrics.advances[code] * 1000
                                                    / metrics.per_em))
        kern = metrics.kerning.get((glyph, glyphs[index + 1]), 0) \
            if index + 1 < len(glyphs) else 0
        exact = (metrics.advances[code] + kern) * 1000 / metrics.per_em
        font.to_unicode.setdefault(glyph, char)
        out.append(f"{glyph:04x}")
        if abs(width - exact) > 0.5:
            out.append(f">{width - exact:.0f}<")
    out.append(">")
    return "".join(out)
