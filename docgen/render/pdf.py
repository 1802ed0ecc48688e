"""PDF renderer: the rendered DOCX, converted to HTML, laid out by WeasyPrint, as bytes.

This is the only module of docgen that imports WeasyPrint. It guarantees three things:

* **One font.** Text is set in one typeface (:func:`docgen.formatting.glyphs.typeface`):
  the agency's Times New Roman when the fonts folder holds its four faces, else Liberation
  Serif (metric-compatible with Times New Roman, bundled), declared here with ``@font-face`` under a private family name so that no
  system font can stand in for it. Every character of the context is checked against the
  fonts' cmaps before layout, and the fonts actually used are checked after it; either
  failure raises :class:`~docgen.errors.RenderError` instead of a silent fallback.
* **One source.** The DOCX template is filled first (:mod:`docgen.render.docx`) and the
  PDF is typeset from that DOCX (:mod:`docgen.render.docx_html`): the same paragraphs,
  styles, tables and sections in both files.
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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.etree import ElementTree

import pydyf
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from docgen.errors import RenderError, TemplateError
from docgen.formatting.glyphs import COLLAPSED_WHITESPACE, Typeface, covered_codepoints, typeface
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


#: Tiles drawn lately: (picture's digest, pattern id, width, height, base URL, compressed)
#: -> the content stream of the tile and the opacity states that stream names.
_TILES: OrderedDict[tuple, tuple[bytes, list]] = OrderedDict()
_TILES_KEPT = 32
_TILES_LOCK = threading.Lock()
#: The digest of each SVG picture being drawn (its parsed tree, serialized once).
_PICTURES: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
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
    shapes, and the same picture in a later document, get the content stream of the
    first drawing, compressed once: the same PDF bytes."""

    original: Any = None  # WeasyPrint's Pattern class

    def __init__(self, tree: Any, svg: Any) -> None:
        self._tree, self._svg = tree, svg

    def draw(self, stream: Any, width: float, height: float, base_url: str,
             context: Any) -> None:
        key = (self._digest(), self._tree.get("id"), width, height, base_url,
               stream.compress)
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
        digest = _PICTURES.get(self._svg)
        if digest is None:
            tree = ElementTree.tostring(self._svg.tree._etree_node)
            digest = _PICTURES[self._svg] = hashlib.sha256(tree).hexdigest()
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

    try:
        converted = docx_html.convert(data, functools.partial(_chart_svg, drawn))
    except docx_html.UnsupportedContent as exc:
        raise TemplateError(f"Mẫu {name}: {exc}") from exc
    # The filled DOCX (python-docx's object graph, full of reference cycles) is garbage
    # now; for a long document, collect it before layout, during which the collector is
    # paused (3.321 units: some 50 MB less and no slower).
    if len(converted.html) > _COLLECT_ABOVE:
        gc.collect()
    return typeset(converted.html, converted.resources, meta, name, tagged=bool(drawn))


def typeset(html_text: str, resources: Mapping[str, bytes], meta: DocumentMeta,
            name: str = "văn bản", *, tagged: bool = False) -> bytes:
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
    with _weasyprint_errors(name), _gc_paused():
        document = _HTML(
            string=html_text,
            base_url=f"{CHART_SCHEME}:/",
            url_fetcher=_LocalFetcher((face.folder,), resources),
        ).render(stylesheets=[font_css, _body_font(face)], font_config=font_config)
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
