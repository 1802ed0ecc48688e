"""PDF renderer: a Jinja HTML template laid out by WeasyPrint, returned as bytes.

This is the only module of docgen that imports WeasyPrint. It guarantees three things:

* **One font.** Text is set in the bundled Liberation Serif (metric-compatible with Times
  New Roman), declared here with ``@font-face`` under a private family name so that no
  system font can stand in for it. Every character of the context is checked against the
  fonts' cmaps before layout, and the fonts actually used are checked after it; either
  failure raises :class:`~docgen.errors.RenderError` instead of a silent fallback.
* **No outside resources.** WeasyPrint may only read files under the templates folder and
  the fonts folder, and the document's own charts, drawn as SVG by
  :mod:`docgen.render.charts` (labels as text in the bundled font) and handed over from
  memory (``chart_src`` in templates);
  anything else (http, data:, other paths) stops the rendering.
* **Reproducible bytes.** Dates come from :class:`~docgen.render.meta.DocumentMeta`, and the
  PDF file identifier is a hash of the rendered HTML, so the same input gives the same file.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from docgen.errors import RenderError, TemplateError
from docgen.formatting.glyphs import COLLAPSED_WHITESPACE, FACES, covered_codepoints
from docgen.render.environment import make_environment
from docgen.render.meta import DocumentMeta
from docgen.resources import fonts_dir

__all__ = ["FONT_FAMILY", "render"]


#: Family name under which the bundled faces are declared; templates/nd30.css uses it.
FONT_FAMILY = "LiberationSerif Docgen"

#: (file, font-weight, font-style) of the four bundled faces.
_FACES = FACES

#: Shared stylesheet, looked up in the templates folder.
STYLESHEET = "nd30.css"

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


class _LocalFetcher(URLFetcher):
    """Fetch ``file:`` URLs below the allowed folders and the document's own charts from
    memory; refuse everything else, fatally."""

    def __init__(self, roots: tuple[Path, ...], memory: Mapping[str, bytes] | None = None):
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self._roots = tuple(root.resolve() for root in roots)
        self._memory = memory or {}

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url in self._memory:
            return URLFetcherResponse(url, body=self._memory[url],
                                      headers={"Content-Type": "image/svg+xml"})
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


class _HTML(weasyprint.HTML):
    """An HTML document laid out with the trimmed user-agent stylesheet."""

    def _ua_stylesheets(self, forms: bool = False) -> list[weasyprint.CSS]:
        return [_ua_stylesheet()]


@functools.cache
def _font_setup() -> tuple[FontConfiguration, weasyprint.CSS]:
    """Return the shared font configuration and the ``@font-face`` stylesheet (built once)."""
    rules = "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{(fonts_dir() / name).as_uri()}");'
        f" font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in _FACES
    )
    font_config = FontConfiguration()
    with _weasyprint_errors("phông Liberation Serif"):
        css = weasyprint.CSS(
            string=rules, font_config=font_config, url_fetcher=_LocalFetcher((fonts_dir(),))
        )
    return font_config, css


@functools.lru_cache(maxsize=8)
def _stylesheet(path: Path, mtime_ns: int, size: int) -> weasyprint.CSS:
    """Return the parsed shared stylesheet; the key changes whenever the file does."""
    font_config, _ = _font_setup()
    with _weasyprint_errors(path.name):
        return weasyprint.CSS(
            filename=str(path),
            font_config=font_config,
            url_fetcher=_LocalFetcher((path.parent, fonts_dir())),
        )


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
                    f"Ký tự {char!r} (U+{ord(char):04X}) không có trong phông Liberation Serif: "
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


def _render_html(template: Path, context: Mapping[str, Any], meta: DocumentMeta,
                 charts: dict[str, bytes] | None = None) -> str:
    """Render the Jinja template to an HTML string, mapping Jinja failures to TemplateError."""
    root = template.parents[1]
    name = template.relative_to(root).as_posix()
    if not template.is_file():
        raise TemplateError(f"Không tìm thấy mẫu {template}")
    pdf_meta = {
        "title": meta.title,
        "author": meta.author,
        "created": _w3c_date(meta),
        "language": meta.language,
    }
    environment = make_environment(root)
    charts = {} if charts is None else charts
    environment.globals["chart_src"] = functools.partial(_chart_src, charts)
    try:
        return environment.get_template(name).render({**context, "pdf_meta": pdf_meta})
    except jinja2.TemplateError as exc:
        raise TemplateError(f"Mẫu {name} lỗi: {exc}") from exc


def _chart_src(store: dict[str, bytes], chart: Mapping[str, Any]) -> str:
    """Draw a chart of the context as SVG, keep it in `store` and return the URL under
    which the fetcher hands it to WeasyPrint.

    The SVG's labels are text in :data:`FONT_FAMILY`, so WeasyPrint sets them in the
    bundled font it embeds for the body (the check after layout sees them too); every
    character they hold, tick values included, is checked against the font first.
    """
    from docgen.render import charts  # matplotlib loads only for documents with charts

    document = charts.svg(chart, family=FONT_FAMILY)
    check_glyphs({f"biểu đồ {chart.get('number', '')}": charts.svg_texts(document)})
    data = document.encode("utf-8")
    url = f"{CHART_SCHEME}:{hashlib.sha256(data).hexdigest()[:16]}.svg"
    store[url] = data
    return url


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


def render(template: Path, context: Mapping[str, Any], meta: DocumentMeta) -> bytes:
    """Render the HTML `template` with `context` and return the PDF bytes.

    The Jinja loader searches the templates folder (``template.parents[1]``), so templates
    can extend ``base.html``. Raises :class:`TemplateError` when the template is missing or
    fails, and :class:`RenderError` for a character the font lacks, a forbidden or missing
    resource, or any font other than the bundled Liberation Serif in the output.
    """
    template = Path(template).resolve()
    root = template.parents[1]
    check_glyphs(context)
    charts: dict[str, bytes] = {}
    html_text = _render_html(template, context, meta, charts)

    stylesheet_path = root / STYLESHEET
    try:
        stat = stylesheet_path.stat()
    except OSError as exc:
        raise TemplateError(f"Không tìm thấy {stylesheet_path}") from exc
    font_config, font_css = _font_setup()
    css = _stylesheet(stylesheet_path, stat.st_mtime_ns, stat.st_size)

    identifier = hashlib.sha256(html_text.encode("utf-8")).hexdigest()[:32].encode("ascii")
    with _weasyprint_errors(template.name), _gc_paused():
        document = _HTML(
            string=html_text,
            base_url=root.as_uri() + "/",
            url_fetcher=_LocalFetcher((root, fonts_dir()), charts),
        ).render(stylesheets=[font_css, css], font_config=font_config)
        pdf = document.write_pdf(pdf_identifier=identifier)

    others = sorted({font.family for font in document.fonts.values()} - {FONT_FAMILY})
    if others:
        raise RenderError(
            f"{template.name}: văn bản dùng phông khác Liberation Serif: {', '.join(others)}"
        )
    return pdf
