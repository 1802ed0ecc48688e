"""Helpers of the end-to-end tests: run the real CLI, extract text from DOCX and PDF."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]
SON_LA = ROOT / "fixtures" / "son-la-2025.yaml"
PHU_YEN = ROOT / "fixtures" / "phu-yen-2022.yaml"
SON_LA_2023 = ROOT / "fixtures" / "son-la-2023.yaml"  # with its previous round, son-la-2022
_BLANKS = re.compile(r"\s+")


def run_cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run ``docgen`` in a fresh process, exactly as a clerk would."""
    command = [sys.executable, "-m", "docgen.interfaces.cli", *map(str, args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def render_with_cli(dossier: Path, out: Path) -> Path:
    """Render `dossier` into `out` through the real CLI; fail the test on a non-zero exit."""
    done = run_cli("render", dossier, "-o", out)
    assert done.returncode == 0, done.stderr
    return out


def docx_text(data: bytes) -> str:
    """Return the body text of a DOCX in reading order: paragraphs and table cells."""
    document = Document(io.BytesIO(data))
    parts: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Table):
            seen = set()  # the cells themselves: the set keeps their proxies alive, so
            # one cell is one object (an id() of a freed proxy can come back for another)
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc in seen:  # a merged cell repeats in row.cells, and a
                        # vertically merged one in the rows below it
                        continue
                    seen.add(cell._tc)
                    parts.extend(p.text for p in cell.paragraphs)
                    parts.extend(t.text for t in _nested_tables(cell))
    return "\n".join(parts)


def docx_first_page_header(data: bytes) -> str:
    """Return the text of the first page's header (where the DỰ THẢO mark sits)."""
    section = Document(io.BytesIO(data)).sections[0]
    header = section.first_page_header if section.different_first_page_header_footer \
        else section.header
    return "\n".join(p.text for p in header.paragraphs)


def _nested_tables(cell):
    for table in cell.tables:
        for row in table.rows:
            for inner in row.cells:
                yield from inner.paragraphs


def pdf_pages(data: bytes, skip_top_mm: float = 0) -> list[str]:
    """Return the text of each PDF page, leaving out what is in the top `skip_top_mm`."""
    reader = PdfReader(io.BytesIO(data))
    pages = []
    for page in reader.pages:
        height = float(page.mediabox.height)
        limit = height - skip_top_mm / 25.4 * 72
        chunks: list[str] = []

        def visit(text, cm, tm, font, size, chunks=chunks, limit=limit):
            y = tm[5] * cm[3] + cm[5] if cm else tm[5]
            if not skip_top_mm or y < limit:
                chunks.append(text)

        page.extract_text(visitor_text=visit)
        pages.append("".join(chunks))
    return pages


def chart_texts(dossier, previous=None) -> list[str]:
    """Return the labels of each chart of the Báo cáo of `dossier` (a loaded dossier), one
    string per chart, in the order the chart's SVG, and so the PDF, carries them.

    The PDF has the charts' labels as text; the DOCX has the charts as pictures. Removing
    exactly these strings from the PDF text (:func:`without_charts`) lets the two be
    compared word for word, the charts' own wording aside.
    """
    from docgen.pipeline import build_context, compare_with_previous, compute_round
    from docgen.render import charts
    from docgen.render.pdf import FONT_FAMILY

    result = compute_round(dossier)
    context = build_context(dossier, result, draft=False,
                            comparison=compare_with_previous(dossier, result, previous))
    found = [chart for block in context["blocks"]
             for chart in (block.get("charts") or {}).values() if chart]
    return ["".join(charts.svg_texts(charts.svg(chart, family=FONT_FAMILY)))
            for chart in found]


def docx_and_pdf_text(docx: bytes, pdf: bytes, chart_labels: list[str]) -> tuple[str, str]:
    """Return the squashed text of a document's DOCX and of its PDF, for a word-for-word
    comparison: the PDF without its page headers (the top 20 mm) and without the labels of
    its charts (`chart_labels`, see :func:`chart_texts`), which the DOCX has as pictures."""
    return (squash(docx_text(docx)),
            without_charts("".join(pdf_pages(pdf, skip_top_mm=20)), chart_labels))


def without_charts(pdf_text: str, texts: list[str]) -> str:
    """Return `pdf_text` squashed, each chart's labels taken out: each one must be there
    exactly once, in one piece."""
    text = squash(pdf_text)
    for labels in map(squash, texts):
        assert text.count(labels) == 1, f"chart labels not found once: {labels[:80]}"
        text = text.replace(labels, "", 1)
    return text


def squash(text: str) -> str:
    """Return `text` without any white space, for layout-independent comparison."""
    return _BLANKS.sub("", text.replace("\u00a0", " "))


def flat(text: str) -> str:
    """Return `text` with every run of white space (NBSP included) made one space."""
    return _BLANKS.sub(" ", text.replace("\u00a0", " ")).strip()
