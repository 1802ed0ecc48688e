"""The PDF is typeset from the rendered DOCX: same text on every fixture and on edited
templates; what the conversion cannot reproduce is named, never dropped."""

from __future__ import annotations

import copy
import io
import json
import shutil
import sys
from datetime import datetime
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from pypdf import PdfReader

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from extract import docx_text, pdf_pages, squash  # noqa: E402

from docgen.errors import TemplateError  # noqa: E402
from docgen.render import docx as docx_renderer  # noqa: E402
from docgen.render import docx_html, pdf, render_document  # noqa: E402
from docgen.render.meta import DocumentMeta  # noqa: E402
from docgen.render.templates import template_path, template_root  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "context_example.json"
META = DocumentMeta(title="Quyết định", author="UBND tỉnh Sơn La", created=datetime(2025, 12, 16))


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _both(kind: str, context: dict, root: Path | None = None) -> tuple[str, str, int]:
    """(DOCX text, PDF text without page headers, PDF pages), squashed."""
    data = render_document(kind, "docx", context, META, root)
    out = render_document(kind, "pdf", context, META, root)
    pages = pdf_pages(out, skip_top_mm=20)
    return squash(docx_text(data)), squash("".join(pages)), len(pages)


@pytest.mark.parametrize("kind", ["quyet_dinh", "phu_luc"])
def test_pdf_text_is_the_docx_text(context: dict, kind: str) -> None:
    docx_words, pdf_words, _ = _both(kind, context)
    assert docx_words and docx_words == pdf_words


def _edited_templates(tmp_path: Path) -> Path:
    """A copy of the shipped set whose Quyết định an agency edited in Word."""
    root = tmp_path / "templates"
    shutil.copytree(template_root(), root)
    path = root / "quyet_dinh" / "quyet_dinh.docx"
    document = Document(str(path))
    paragraphs = document.paragraphs
    for p in paragraphs:
        if p.text.startswith("Điều 2."):
            p.runs[-1].text = " Các cơ quan, đơn vị rút kinh nghiệm và khắc phục ngay hạn chế."
        if p.text.startswith("Điều 3."):
            added = copy.deepcopy(p._p)
            p._p.addnext(added)
    # the added paragraph (after Điều 3): a fixed sentence of the agency
    for p in document.paragraphs:
        if p.text.startswith("Điều 3.") and p._p.getnext() is not None:
            from docx.text.paragraph import Paragraph

            extra = Paragraph(p._p.getnext(), p._parent)
            for run in extra.runs[1:]:
                run.text = ""
            extra.runs[0].text = "Điều 4. Quyết định này có hiệu lực kể từ ngày ký./."
            break
    # a deleted căn cứ: the "Theo đề nghị" block goes
    for p in list(document.paragraphs):
        if "if decision.proposal" in p.text:
            nodes = [p._p, p._p.getnext(), p._p.getnext().getnext()]  # if, value, endif
            for node in nodes:
                node.getparent().remove(node)
    # Nơi nhận: another label, and entries indented 5 mm
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    if p.text == "Nơi nhận:":
                        p.runs[0].text = "Nơi nhận bản điện tử:"
                    if p.text == "{{ r }}":
                        p.paragraph_format.left_indent = Mm(5)
    document.save(str(path))
    return root


def test_an_edited_template_reaches_both_formats(context: dict, tmp_path: Path) -> None:
    root = _edited_templates(tmp_path)
    docx_words, pdf_words, _ = _both("quyet_dinh", context, root)
    assert docx_words == pdf_words
    for present in ("Cáccơquan,đơnvịrútkinhnghiệmvàkhắcphụcngayhạnchế.",
                    "Điều4.Quyếtđịnhnàycóhiệulựckểtừngàyký./.", "Nơinhậnbảnđiệntử:"):
        assert present in pdf_words, present
    assert squash(context["decision"]["proposal"]) not in pdf_words
    assert squash(context["decision"]["proposal"]) in squash(
        docx_text(render_document("quyet_dinh", "docx", context, META)))


def test_a_deleted_basis_goes_from_both(context: dict) -> None:
    fewer = copy.deepcopy(context)
    gone = fewer["decision"]["bases"].pop(1)
    docx_words, pdf_words, _ = _both("quyet_dinh", fewer)
    assert docx_words == pdf_words and squash(gone) not in pdf_words


def _docx_with(body_xml: str, element: str = "p") -> bytes:
    """The shipped Quyết định rendered, with a paragraph holding `body_xml` (or, with
    `element`="tbl", a table) put before its first paragraph."""
    data = docx_renderer.render(template_path("quyet_dinh", "docx"),
                                json.loads(EXAMPLE.read_text(encoding="utf-8")), META)
    document = Document(io.BytesIO(data))
    from lxml import etree

    ns = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
          'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    node = etree.fromstring(f"<w:{element} {ns}>{body_xml}</w:{element}>")
    document.element.body.insert(0, node)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("xml", "named"), [
    ('<w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr>'
     "<w:r><w:t>Mục đánh số</w:t></w:r>", "đánh số tự động"),
    ("<w:r><w:drawing><wp:anchor/></w:drawing><w:t>Logo nổi</w:t></w:r>", "hình nổi"),
    ("<w:r><w:pict/><w:t>Hộp chữ</w:t></w:r>", "VML"),
], ids=["numbering", "floating", "vml"])
def test_what_cannot_be_converted_is_named_with_its_paragraph(xml: str, named: str) -> None:
    with pytest.raises(docx_html.UnsupportedContent) as caught:
        docx_html.convert(_docx_with(xml))
    message = str(caught.value)
    assert "chưa chuyển sang PDF" in message
    assert any(word in message for word in ("Mục đánh số", "Logo nổi", "Hộp chữ"))
    assert named in message


def test_every_problem_is_listed_at_once() -> None:
    data = _docx_with('<w:pPr><w:numPr><w:numId w:val="3"/></w:numPr></w:pPr>'
                      "<w:r><w:pict/><w:t>Hai lỗi</w:t></w:r>")
    with pytest.raises(TemplateError) as caught:
        docx_html.convert(data)
    assert len(caught.value.problems) == 2


def test_sections_margins_and_landscape_become_pages() -> None:
    """A landscape section for a wide table: its pages are landscape in the PDF too."""
    data = _docx_with('<w:pPr><w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
                      '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" '
                      'w:header="567" w:footer="567"/></w:sectPr></w:pPr>'
                      "<w:r><w:t>Trang ngang</w:t></w:r>")
    converted = docx_html.convert(data)
    out = pdf.typeset(converted.html, converted.resources, META)
    reader = PdfReader(io.BytesIO(out))
    first = reader.pages[0]
    assert float(first.mediabox.width) > float(first.mediabox.height)
    assert "Trang ngang" in first.extract_text()
    second = reader.pages[1]
    assert float(second.mediabox.width) < float(second.mediabox.height)


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def test_merged_cells_header_rows_and_widths_are_kept() -> None:
    rows = [
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>" + _cell("Đầu", '<w:gridSpan w:val="2"/>')
        + _cell("Ba") + "</w:tr>",
        "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + _cell("Gộp", '<w:vMerge w:val="restart"/>')
        + _cell("b1") + _cell("c1") + "</w:tr>",
        "<w:tr>" + _cell("", "<w:vMerge/>") + _cell("b2") + _cell("c2") + "</w:tr>",
    ]
    table = ('<w:tblPr><w:tblW w:w="6000" w:type="dxa"/><w:tblBorders>'
             '<w:top w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/>'
             '</w:tblBorders></w:tblPr><w:tblGrid><w:gridCol w:w="1000"/>'
             '<w:gridCol w:w="3000"/><w:gridCol w:w="2000"/></w:tblGrid>' + "".join(rows))
    html = docx_html.convert(_docx_with(table, "tbl")).html
    start = html.index("<table")
    part = html[start:html.index("</table>", start)]
    assert '<col style="width: 50pt"><col style="width: 150pt"><col style="width: 100pt">' \
        in part
    assert '<thead><tr' in part and 'colspan="2"' in part and 'rowspan="2"' in part
    assert part.count("<td") == 2 + 3 + 2  # the continued cell is not repeated
    assert "break-inside: avoid" in html
