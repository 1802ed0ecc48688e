"""The text difference between two versions: what a reviewer reads, not the bytes.

Text is taken from the DOCX (paragraphs and table cells, in reading order) when both
versions have one, else from the PDF (within the budgets of
:mod:`docgen.workflow.pdfbudget`, and in bounded time), and compared line by line with
:mod:`difflib`.
"""

from __future__ import annotations

import difflib
import io

from docx import Document as open_docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from docgen.workflow.pdfbudget import TEXT_SECONDS, check_pdf, text_deadline


def docx_lines(data: bytes) -> list[str]:
    """Return the non-empty text lines of a DOCX body: paragraphs, then cells row by row."""
    lines: list[str] = []
    for block in open_docx(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:  # merged cells repeat in row.cells
                        seen.add(id(cell._tc))
                        lines.extend(p.text for p in cell.paragraphs)
    return [" ".join(line.split()) for line in lines if line.strip()]


def pdf_lines(data: bytes, seconds: float = TEXT_SECONDS) -> list[str]:
    """Return the non-empty text lines of a PDF, page after page.

    The PDF is checked against the budgets of :mod:`docgen.workflow.pdfbudget` first
    (a signed file comes from outside), and the extraction stops after `seconds`
    (UnsupportedError): what a diff costs is bounded whatever the file.
    """
    check_pdf(data, what="Tệp PDF của phiên bản")
    visit = text_deadline(seconds, what="Tệp PDF của phiên bản")
    lines: list[str] = []
    for page in PdfReader(io.BytesIO(data)).pages:
        lines.extend(page.extract_text(visitor_operand_before=visit).splitlines())
    return [" ".join(line.split()) for line in lines if line.strip()]


EXTRACTORS = {"docx": docx_lines, "pdf": pdf_lines}


def unified_diff(old: list[str], new: list[str], old_name: str, new_name: str) -> list[str]:
    """Return the unified diff of two line lists (empty when the texts are the same).

    >>> unified_diff(["a", "b"], ["a", "c"], "v1", "v2")[2:]
    ['@@ -1,2 +1,2 @@', ' a', '-b', '+c']
    """
    return list(difflib.unified_diff(old, new, old_name, new_name, lineterm=""))
