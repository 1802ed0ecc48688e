"""Charts carry alt text: the DOCX picture's description (wp:docPr descr) names the chart
by its caption and lists its figures; the PDF's HTML gives it to <img alt>, and the
tagged PDF to the /Alt of the chart's Figure."""

from __future__ import annotations

import html
import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from docgen.render import docx, docx_html, pdf
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "context_example.json"
META = DocumentMeta(title="Báo cáo", author="UBND tỉnh Sơn La", created=datetime(2025, 12, 16))
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


@pytest.fixture(scope="module")
def report() -> tuple[dict, bytes]:
    context = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return context, docx.render(template_path("bao_cao", "docx"), context, META)


def _descriptions(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [element.get("descr") for element in root.iter(f"{{{WP}}}docPr")]


def test_each_chart_picture_is_described_by_its_caption_and_figures(report) -> None:
    context, data = report
    descriptions = _descriptions(data)
    charts = [c for b in context["blocks"] for c in b["charts"].values() if c]
    assert len(descriptions) == len(charts) >= 1
    first = descriptions[0]
    ranking = context["blocks"][0]["charts"]["ranking"]
    assert first.startswith(f"Biểu đồ {ranking['number']}. Chỉ số CCHC năm "), first
    assert "từ cao xuống thấp" in first and ". Số liệu: " in first
    figures = first.split(". Số liệu: ", 1)[1]
    expected = "; ".join(f"{label}: {value.replace('.', ',')}"
                         for label, value in zip(ranking["labels"], ranking["values"]))
    assert figures == expected + "."
    assert "Sở Xây dựng: 96,12" in figures
    for description, chart in zip(descriptions, charts):
        assert description.startswith(f"Biểu đồ {chart['number']}. ")


def test_the_pdf_html_carries_the_same_alt_text(report) -> None:
    _, data = report
    converted = docx_html.convert(data)
    alts = [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', converted.html)]
    assert alts == _descriptions(data)


def test_long_charts_are_summed_up_after_one_hundred_entries() -> None:
    chart = {"number": "3", "kind": "bars", "labels": [f"Xã {i}" for i in range(150)],
             "values": ["50.5"] * 150}
    text = docx.chart_description(chart)
    assert text.startswith("Biểu đồ 3. Số liệu: Xã 0: 50,5; Xã 1: 50,5;")
    assert text.endswith("Xã 99: 50,5; và 50 mục khác.")


def test_a_histogram_is_described_by_its_intervals() -> None:
    chart = {"number": "4", "kind": "histogram", "edges": ["60", "65", "70"],
             "counts": [["0", "2"], ["3", "1"]]}
    assert docx.chart_description(chart) == (
        "Biểu đồ 4. Số liệu (số đơn vị theo khoảng điểm): từ 60 đến dưới 65 điểm: 3 đơn vị; "
        "từ 65 đến dưới 70 điểm: 3 đơn vị.")


def _figure_alts(data: bytes) -> list[str]:
    """The /Alt of every Figure of a PDF's structure tree, in document order."""
    found: list[str] = []

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for kid in node:
                walk(kid)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            if "/K" in node:
                walk(node["/K"])

    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    return found


def test_the_pdf_figures_carry_the_same_alt_text(report) -> None:
    """A PDF with charts is tagged: each chart is a Figure whose /Alt is the DOCX's
    description; a document without charts stays untagged (no structure tree)."""
    context, data = report
    drawn: dict = {}
    docx.render(template_path("bao_cao", "docx"), context, META, charts=drawn)
    tagged = pdf.from_docx(data, drawn, META)
    assert _figure_alts(tagged) == _descriptions(data)
    assert pdf.from_docx(data, drawn, META) == tagged  # same bytes again
    plain = pdf.typeset("<html><head></head><body><p>Ủy ban</p></body></html>", {}, META)
    assert "/StructTreeRoot" not in PdfReader(io.BytesIO(plain)).trailer["/Root"]
