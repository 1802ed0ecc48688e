"""DOCX renderer: a docxtpl template filled with the context, returned as bytes.

This is the only module of docgen that imports docxtpl. It guarantees four things:

* **Escaping.** Values go through the strict, autoescaping environment of
  :func:`~docgen.render.environment.make_environment`, so "Sở Văn hóa & Thể thao <mới>"
  arrives intact; characters that XML 1.0 forbids (C0 controls other than tab and line
  feed, lone surrogates, U+FFFE/U+FFFF) are dropped from the rendered XML instead of
  corrupting it. A tab or a line feed inside a value becomes a Word tab or line break.
* **Errors that name their place.** A Jinja failure (unknown key, bad tag) becomes a
  :class:`~docgen.errors.TemplateError` naming the template, the part (body or header),
  the line of the patched XML and the text around it. A template whose output is not
  well-formed XML is reported the same way instead of being silently "recovered".
* **Speed on long tables.** docxtpl itself patches and renders the template; the steps
  after Jinja are replaced because, on a Phụ lục of thousands of rows, they cost more than
  the rendering: paragraph line breaks are removed with one string replace instead of a
  regex, docxtpl's run-by-run pass for tabs and line breaks runs only when a value holds
  one, and instead of a forgiving re-parse of the body that is then moved node by node
  into the open document, the body is parsed once, strictly, as a whole new document that
  replaces the old one. The package is then zipped once, straight from its parts. A
  3,321-row Phụ lục renders in about a quarter of a second.
* **Reproducible bytes.** Core properties come from :class:`~docgen.render.meta.DocumentMeta`
  (never the clock), and the zip has fixed entry dates (1980-01-01), order, compression and
  attributes: the same context, template and meta give the same bytes.

Tables whose column count changed because a ``{%tc for %}`` loop ran get a new grid: each
column keeps its template width, and the widest one absorbs the difference so the table
keeps its template width (see :func:`_fit_widths`). The rules under the agency name, the
tiêu ngữ and the trích yếu get their length from the text above them
(:mod:`docgen.render.rules`).
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Mapping
from datetime import UTC
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.pkgwriter import PackageWriter
from docx.oxml.ns import qn
from docx.oxml.parser import element_class_lookup
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText, RichTextParagraph
from lxml import etree

from docgen.errors import RenderError, TemplateError
from docgen.render.environment import TextCache, make_environment, shared_environment
from docgen.render.meta import DocumentMeta
from docgen.render.packaging import deterministic_zip
from docgen.render.rules import fit_rules

__all__ = ["render"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TBL, _TBL_GRID, _GRID_COL = f"{_W}tbl", f"{_W}tblGrid", f"{_W}gridCol"
_TR, _TC, _TC_PR, _TC_W, _GRID_SPAN = f"{_W}tr", f"{_W}tc", f"{_W}tcPr", f"{_W}tcW", f"{_W}gridSpan"
_W_W, _W_TYPE, _W_VAL = f"{_W}w", f"{_W}type", f"{_W}val"
_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"

#: Characters XML 1.0 does not allow (tab, line feed stay); carriage returns go too, so that
#: a Windows line end becomes a single line break.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")

#: A run text holding a tab or a line feed: only then is docxtpl's slow pass needed.
_LISTING = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\n]")

#: How many template parts (body, headers, footers) keep their patched XML.
_PATCHED_PARTS = 32

_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False)
_PARSER.set_element_class_lookup(element_class_lookup)
_ROW_WIDTHS = etree.XPath("w:tc/w:tcPr/w:tcW", namespaces={"w": _W[1:-1]})
_TABLE_WIDTHS = etree.XPath("w:tr/w:tc/w:tcPr/w:tcW", namespaces={"w": _W[1:-1]})


class _InvalidXml(Exception):
    """The template rendered to text that is not well-formed XML."""


class _Template(DocxTemplate):
    """docxtpl with a strict, faster back end for the rendered body.

    docxtpl renders the body XML as a string, re-parses it forgivingly (``recover=True``,
    which silently drops what it cannot read) and moves the parsed body into the open
    document, node by node. Here the string is parsed strictly, as a whole document with
    python-docx's element classes, and that document replaces the old one.
    """

    #: docxtpl's clean-up of a part's XML, by that XML's text (a pure function of it);
    #: shared by every render and thread.
    _patched = TextCache(_PATCHED_PARTS)

    def patch_xml(self, src_xml):
        return self._patched.get(src_xml, super().patch_xml)

    def render_xml_part(self, src_xml, part, context, jinja_env=None):
        # docxtpl's own steps, with plain string replaces instead of a regex whose
        # replacement template is expanded once per paragraph.
        # One line per paragraph, so that Jinja's line numbers point at paragraphs.
        src_xml = src_xml.replace("<w:p>", "\n<w:p>").replace("<w:p ", "\n<w:p ")
        self.current_rendering_part = part
        try:
            template = (jinja_env or jinja2.Environment()).from_string(src_xml)
            dst_xml = template.render(context)
        except jinja2.TemplateError as exc:
            exc.docgen_part = str(part.partname).lstrip("/")
            exc.docgen_source = src_xml
            raise
        dst_xml = dst_xml.replace("\n<w:p", "<w:p")  # only the newlines added above
        if "{_" in dst_xml or "_}" in dst_xml:
            for escaped, tag in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
                dst_xml = dst_xml.replace(escaped, tag)
        return self.resolve_listing(dst_xml)

    def resolve_listing(self, xml):
        xml = _ILLEGAL_XML.sub("", xml)
        if _LISTING.search(xml) is None:
            return xml
        return super().resolve_listing(xml)

    def fix_tables(self, xml):
        root_xml = self.xml_to_string(self.docx.element)
        head = root_xml[: root_xml.index("<w:body")]
        tail = root_xml[root_xml.index("</w:body>") + len("</w:body>"):]
        body = "<w:body>" + xml[xml.index(">") + 1:] if xml.startswith("<w:body ") else xml
        try:
            root = etree.fromstring((head + body + tail).encode("utf-8"), _PARSER)
        except etree.XMLSyntaxError as exc:
            raise _InvalidXml(str(exc)) from exc
        _fit_tables(root)
        fit_rules(root, self.docx.styles.element)
        return root

    def fix_docpr_ids(self, tree):
        # docxtpl's renumbering of drawing ids, on python-docx's element classes.
        for elt in tree.iter(_DOC_PR):
            self.docx_ids_index += 1
            elt.attrib["id"] = str(self.docx_ids_index)

    def map_tree(self, tree):
        # `tree` is a whole new w:document element: make it the document part's element.
        self.docx._element = tree
        self.docx._part._element = tree
        self.docx._Document__body = None

    def render_properties(self, context, jinja_env=None):
        # Core properties are set from DocumentMeta after rendering, not from the template.
        return None


def render(template: Path, context: Mapping[str, Any], meta: DocumentMeta,
           charts: dict[str, Mapping[str, Any]] | None = None,
           undefined: list[tuple[Any, str]] | None = None) -> bytes:
    """Return the DOCX bytes of `template` filled with `context`, stamped with `meta`.

    When `charts` is given, it receives the chart of each picture drawn by
    ``chart_image``, under the SHA-256 of the picture's bytes: the PDF converter then
    draws that chart as vector instead of using the bitmap.

    :raises TemplateError: the template is missing, is not a DOCX, uses an unknown key or
        a malformed tag, or renders to invalid XML.
    :raises RenderError: anything else fails while building the file.
    """
    template = Path(template)
    if not template.is_file():
        raise _error(f"Không tìm thấy mẫu {template}", template)
    doc = _Template(str(template))  # a fresh template object per call: docxtpl is stateful
    try:
        doc.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise _error(f"Mẫu {template.name} không phải tệp DOCX đọc được: {exc}",
                     template) from exc
    if undefined is None:
        environment = shared_environment()  # compiled parts kept, by their text
    else:  # a check that records missing keys: its own environment, nothing kept
        environment = make_environment()
        environment.undefined = _recording(undefined)
    # Per document, so in the context, never in the shared environment's globals.
    values = {**context, "chart_image": functools.partial(_chart_image, doc, charts)}
    environment.filters.update(FILTERS)  # the same functions every time: safe when shared
    try:
        doc.render(values, jinja_env=environment, autoescape=True)
    except jinja2.TemplateError as exc:
        raise _jinja_error(template, exc) from exc
    except (_InvalidXml, etree.XMLSyntaxError) as exc:
        raise _error(f"Mẫu {template.name} sinh ra XML không hợp lệ (kiểm tra các thẻ "
                     f"{{%p %}}, {{%tr %}}, {{%tc %}}): {exc}", template) from exc
    except Exception as exc:
        raise RenderError(f"Không điền được mẫu {template.name}: {exc}") from exc
    try:
        _caption_descriptions(doc.docx)
        _stamp(doc.docx, meta)
        return _package_bytes(doc.docx)
    except Exception as exc:  # python-docx/zipfile failures are not the template's fault
        raise RenderError(f"Không tạo được tệp DOCX từ mẫu {template.name}: {exc}") from exc


#: Paragraph style of each kind of narrative entry (a note: what an empty section of a
#: draft lacks); every other kind is body text.
ENTRY_STYLES = {"heading": "Headingkhoan", "subheading": "Headingdiem", "note": "Nhacbosung"}


def paragraphs(entries: Any) -> RichTextParagraph:
    """Return the narrative `entries` as paragraphs, for ``{{p entries|paragraphs }}``.

    One line of the template stands for a free text of the dossier (numbered headings,
    lettered points and their body) instead of a loop with a branch per kind, so a clerk
    who opens the template in Word reads the document, not the logic. Each entry takes
    the paragraph style of its kind (:data:`ENTRY_STYLES`, else ``Body``): an agency changes
    how they look by changing those styles in its template.
    """
    result = RichTextParagraph()
    for entry in entries:
        result.add(RichText(entry["text"]), parastyle=ENTRY_STYLES.get(entry["kind"], "Body"))
    return result


#: The filters templates may use beyond Jinja's own (the template check knows them too).
FILTERS = {"paragraphs": paragraphs}


def _chart_image(doc: DocxTemplate, drawn: dict | None,
                 chart: Mapping[str, Any]) -> InlineImage:
    """Return a chart of the context as a PNG picture (200 dpi) the width of the text."""
    from docgen.render import charts  # matplotlib loads only for documents with charts

    data = charts.png(chart)
    if drawn is not None:
        drawn[hashlib.sha256(data).hexdigest()] = chart
    return _DescribedImage(doc, io.BytesIO(data), width=Mm(charts.WIDTH_MM),
                           description=chart_description(chart))


class _DescribedImage(InlineImage):
    """An inline picture whose ``wp:docPr`` carries a description (its alt text)."""

    def __init__(self, tpl: DocxTemplate, image: Any, width: Any, description: str):
        super().__init__(tpl, image, width=width)
        self.description = description

    def _insert_image(self) -> str:
        inline = self.tpl.current_rendering_part.new_pic_inline(
            self.image_descriptor, self.width, self.height)
        inline.docPr.set("descr", self.description)
        return ("</w:t></w:r><w:r><w:drawing>%s</w:drawing></w:r><w:r>"
                '<w:t xml:space="preserve">' % inline.xml)


#: Most entries an alt text lists one by one; a longer chart is summed up.
_MAX_LISTED = 100


def chart_description(chart: Mapping[str, Any]) -> str:
    """Return the alt text of a chart: "Biểu đồ N" and the figures it draws.

    After rendering, "Biểu đồ N" is replaced by the chart's caption when the paragraph
    after the picture is that caption (:func:`_caption_descriptions`).

    >>> chart_description({"number": "2", "kind": "hbars", "labels": ["LV1", "LV2"],
    ...                    "value_labels": ["68,78%", "90,00%"]})
    'Biểu đồ 2. Số liệu: LV1: 68,78%; LV2: 90,00%.'
    >>> chart_description({"number": "1", "kind": "paired", "labels": ["Sở A"],
    ...     "values": ["91.5"], "previous": ["90"], "series": ["2023", "2022"]})
    'Biểu đồ 1. Số liệu (năm 2023; năm 2022): Sở A: 91,5; 90.'
    """
    def number(value: Any) -> str:
        return str(value).replace(".", ",")

    labels = list(chart.get("labels", []))
    kind = chart.get("kind")
    head = ""
    if kind == "histogram":
        edges = [number(e) for e in chart.get("edges", [])]
        totals = [sum(int(row[i]) for row in chart.get("counts", []))
                  for i in range(max(len(edges) - 1, 0))]
        entries = [f"từ {edges[i]} đến dưới {edges[i + 1]} điểm: {count} đơn vị"
                   for i, count in enumerate(totals) if count]
        head = " (số đơn vị theo khoảng điểm)"
    elif kind == "hbars":
        entries = [f"{label}: {value}" for label, value in zip(labels, chart.get("value_labels", []))]
    elif kind in ("paired", "scatter"):
        series = chart.get("series", ["", ""])
        head = f" (năm {series[0]}; năm {series[1]})"
        entries = [f"{label}: {number(value)}; {number(previous)}" for label, value, previous
                   in zip(labels, chart.get("values", []), chart.get("previous", []))]
    else:
        entries = [f"{label}: {number(value)}" for label, value in zip(labels, chart.get("values", []))]
    if len(entries) > _MAX_LISTED:
        entries = entries[:_MAX_LISTED] + [f"và {len(entries) - _MAX_LISTED} mục khác"]
    return f"Biểu đồ {chart.get('number', '')}. Số liệu{head}: {'; '.join(entries)}."


def _caption_descriptions(document: Any) -> None:
    """Name each chart picture by its caption: when the paragraph after the picture starts
    with "Biểu đồ N." (N the chart's number), its text replaces "Biểu đồ N." in the alt."""
    paragraphs = document.element.body.iter(qn("w:p"))
    previous = None
    for paragraph in paragraphs:
        if previous is not None:
            text = "".join(t.text or "" for t in paragraph.iter(qn("w:t"))).strip()
            for doc_pr in previous:
                label, _, rest = doc_pr.get("descr", "").partition(". Số liệu")
                if text.startswith(label + ". "):
                    doc_pr.set("descr", f"{text.rstrip('.')}. Số liệu{rest}")
        previous = [d for d in paragraph.iter(qn("wp:docPr"))
                    if d.get("descr", "").startswith("Biểu đồ ")] or None


# ---------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------


def _recording(found: list[tuple[Any, str]]) -> type[jinja2.Undefined]:
    """An Undefined that notes each missing key in `found` and renders as nothing."""

    class Recording(jinja2.ChainableUndefined):
        def _note(self) -> None:
            obj = self._undefined_obj
            found.append((None if obj is jinja2.utils.missing else obj,
                          self._undefined_name or ""))

        def __str__(self) -> str:
            self._note()
            return ""

        def __iter__(self):
            self._note()
            return iter(())

        def __bool__(self) -> bool:
            self._note()
            return False

        def __len__(self) -> int:
            self._note()
            return 0

        def __html__(self) -> str:
            return str(self)

    return Recording


def template_paragraphs(template: Path) -> list[str]:
    """Return the text of every paragraph of a DOCX template (body, tables, headers,
    footers) as Word shows it, tags included."""
    try:
        with zipfile.ZipFile(template) as package:
            names = ["word/document.xml"] + sorted(
                n for n in package.namelist()
                if re.fullmatch(r"word/(header|footer)\d*\.xml", n))
            texts = []
            for name in names:
                root = etree.fromstring(package.read(name), _PARSER)
                for p in root.iter(f"{_W}p"):
                    texts.append("".join(t.text or "" for t in p.iter(f"{_W}t")))
            return texts
    except (OSError, KeyError, zipfile.BadZipFile, etree.XMLSyntaxError) as exc:
        raise _error(f"không phải tệp DOCX đọc được ({exc})", template) from exc


def _error(message: str, template: Path, part: str | None = None, lineno: int | None = None,
           nearby: str | None = None) -> TemplateError:
    """Return a TemplateError carrying where it happened as attributes."""
    error = TemplateError(message)
    error.template = str(template)
    error.part = part
    error.lineno = lineno
    error.nearby = nearby
    return error


def _jinja_error(template: Path, exc: jinja2.TemplateError) -> TemplateError:
    """Map a Jinja error to a TemplateError with the line and the text around it."""
    lineno = getattr(exc, "lineno", None) or _template_lineno(exc)
    source = getattr(exc, "docgen_source", None)
    nearby = _nearby(source, lineno) if lineno and source is not None else None
    part = getattr(exc, "docgen_part", None)
    from docgen.render.checking import _vietnamese

    where = {"word/document.xml": "thân văn bản"}.get(part or "", "đầu/chân trang") \
        if part else ""
    message = f"Mẫu {template.name} lỗi"
    if nearby:
        message += f" ở đoạn «{nearby}»"
    elif where:
        message += f" ({where})"
    message += f": {_vietnamese(str(exc.message or exc))}"
    return _error(message, template, part, lineno, nearby)


def _template_lineno(exc: BaseException) -> int | None:
    """Return the template line of a runtime Jinja error from its rewritten traceback."""
    lineno = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


def _nearby(source: str, lineno: int) -> str:
    """Return the text of line `lineno` of the rendered source (one line per paragraph,
    tags removed), or of its neighbours when that line has no text."""
    lines = source.splitlines()

    def text(index: int) -> str:
        if 0 <= index < len(lines):
            return re.sub(r"<[^>]+>", "", lines[index]).strip()
        return ""

    found = text(lineno - 1)
    if not found:
        found = " / ".join(t for t in (text(lineno - 2), text(lineno)) if t)
    return found[:300]


# ---------------------------------------------------------------------------------------
# Tables whose column count was changed by a {%tc for %} loop
# ---------------------------------------------------------------------------------------


def _fit_tables(root) -> None:
    """Give every table whose first row no longer matches its grid a grid that does."""
    for tbl in root.iter(_TBL):
        grid = tbl.find(_TBL_GRID)
        rows = tbl.findall(_TR)
        if grid is None or not rows:
            continue
        columns = grid.findall(_GRID_COL)
        cells = rows[0].findall(_TC)
        if sum(_span(tc) for tc in cells) == len(columns):
            continue
        plain = next((row.findall(_TC) for row in rows
                      if all(_span(tc) == 1 for tc in row.findall(_TC))), None)
        if plain is None:
            continue
        total = sum(int(col.get(_W_W, "0")) for col in columns)
        widths = _fit_widths([_cell_width(tc) for tc in plain], total)
        for col in columns:
            grid.remove(col)
        for width in widths:
            etree.SubElement(grid, _GRID_COL).set(_W_W, str(width))
        values = [str(w) for w in widths]
        cell_widths = _TABLE_WIDTHS(tbl)
        if len(cell_widths) == len(rows) * len(values):  # every row has one cell per column
            for index, tc_w in enumerate(cell_widths):
                tc_w.set(_W_W, values[index % len(values)])
            continue
        for row in rows:
            cell_widths = _ROW_WIDTHS(row)
            if len(cell_widths) == len(values):
                for tc_w, value in zip(cell_widths, values, strict=True):
                    tc_w.set(_W_W, value)


def _fit_widths(widths: list[int], total: int) -> list[int]:
    """Return `widths` changed so they add up to `total`: the widest cell takes the
    difference, down to an eighth of the total; below that everything is scaled.

    >>> _fit_widths([600, 3000, 1100, 1100, 900], 9000)
    [600, 5300, 1100, 1100, 900]
    >>> _fit_widths([600, 3000, 1100, 1100, 1100, 1100, 1100, 900], 9000)
    [600, 2000, 1100, 1100, 1100, 1100, 1100, 900]
    >>> _fit_widths([600, 2000] + [1100] * 8 + [900], 9000)
    [458, 1126, 841, 841, 841, 841, 841, 841, 841, 841, 688]
    """
    if not widths or total <= 0:
        return widths
    widths = list(widths)
    widest = widths.index(max(widths))
    widths[widest] += total - sum(widths)
    floor = total // 8
    if widths[widest] < floor:
        others = sum(widths) - widths[widest]
        factor = (total - floor) / others if others else 0
        widths = [floor if i == widest else int(w * factor) for i, w in enumerate(widths)]
        widths[widest] += total - sum(widths)
    return widths


def _span(tc) -> int:
    span = tc.find(f"{_TC_PR}/{_GRID_SPAN}")
    return int(span.get(_W_VAL, "1")) if span is not None else 1


def _cell_width(tc) -> int:
    width = tc.find(f"{_TC_PR}/{_TC_W}")
    if width is None or width.get(_W_TYPE, "dxa") != "dxa":
        return 0
    return int(float(width.get(_W_W, "0")))


# ---------------------------------------------------------------------------------------
# Metadata and a reproducible zip
# ---------------------------------------------------------------------------------------


def _stamp(document, meta: DocumentMeta) -> None:
    """Write `meta` into the core properties; aware times are stored in UTC; without a
    date (:attr:`DocumentMeta.created` None), the template's dates are removed."""
    props = document.core_properties
    if meta.created is None:
        for name in ("created", "modified"):
            for element in props._element.findall(qn(f"dcterms:{name}")):
                props._element.remove(element)
    else:
        created = meta.created.replace(microsecond=0)
        if created.tzinfo is not None:
            created = created.astimezone(UTC).replace(tzinfo=None)
        props.created = created
        props.modified = created
    props.title = meta.title
    props.subject = meta.subject
    props.author = meta.author
    props.last_modified_by = meta.author
    props.revision = 1
    props.language = meta.language


class _Collector:
    """Stands in for python-docx's zip writer and keeps each member's bytes."""

    def __init__(self) -> None:
        self.members: dict[str, bytes] = {}

    def write(self, pack_uri, blob: bytes) -> None:
        self.members[pack_uri.membername] = blob


def _package_bytes(document) -> bytes:
    """Serialize the package the way ``Document.save`` does, into a deterministic zip."""
    package = document.part.package
    parts = list(package.iter_parts())
    for part in parts:
        part.before_marshal()
    collector = _Collector()
    PackageWriter._write_content_types_stream(collector, parts)
    PackageWriter._write_pkg_rels(collector, package.rels)
    PackageWriter._write_parts(collector, parts)
    return deterministic_zip(collector.members)

