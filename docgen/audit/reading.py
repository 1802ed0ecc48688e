"""Read a report (.docx, .pdf, .txt, .md) into passages and tables, with their places.

Each format is read with a library that does the job well: python-docx for Word files
(paragraphs and tables in reading order, merged cells once), pypdf for PDF text (page by
page). Text from a PDF or a plain-text copy of one comes in short lines, often with a
blank line after each (the Sơn La 2025 reference text is like that), so lines are joined
into paragraphs: a paragraph ends where a line ends a sentence (".", ":", ";") or the
next line starts a list item or a numbered heading ("- ", "+ ", "a) ", "1. ", "III. ").
In Markdown, a blank line ends a paragraph, "#" starts a heading and "|" rows are a table.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from docgen.claims.statements import Passage, TableText
from docgen.errors import InputError, Problem

_ITEM = re.compile(r"^(?:[-+•]\s|[a-zđ]\)\s|\d+(?:\.\d+)*\.\s|[IVX]+\.\s)")
_HEADING = re.compile(r"^(?:[a-zđ]\)\s|\d+(?:\.\d+)*\.\s|[IVX]+\.\s|#+\s)")
_END = re.compile(r"[.!?]\s*$")  # not ":" or ";": a list or a clause goes on after them
#: What a file must look like for each format (a report renamed .pdf is not read as PDF).
FORMATS = (".docx", ".pdf", ".txt", ".md")


@dataclass(frozen=True)
class ReportText:
    """A report as text: its passages (paragraphs, headings) and tables, in order."""

    passages: tuple[Passage, ...]
    tables: tuple[TableText, ...]


def read_report(data: bytes, name: str) -> ReportText:
    """Return the text of the report `data` (its file name tells the format); raise
    InputError with a Vietnamese message when it cannot be read."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == ".docx":
        return _docx(data, name)
    if suffix == ".pdf":
        return _pdf(data, name)
    if suffix in (".txt", ".md"):
        return _text(_decode(data, name), name, markdown=suffix == ".md")
    raise InputError([Problem(name, "tệp", "một báo cáo .docx, .pdf, .txt hoặc .md",
                              f"tệp '{suffix or name}'")])


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise InputError([Problem(name, "tệp", "văn bản mã hóa UTF-8", "dữ liệu không đọc được")])


def is_heading(text: str) -> bool:
    """A numbered or lettered title line: "1. Đối với khối sở", "c) Kết quả điều tra"."""
    return bool(_HEADING.match(text)) and len(text) < 140 and not re.search(r"\d+/\d+", text)


def paragraphs(lines: list[str]) -> list[str]:
    """Join short lines into paragraphs (see the module's docstring)."""
    found: list[str] = []
    current: list[str] = []
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        if current and (_ITEM.match(line) or _END.search(current[-1]) or is_heading(current[0])):
            found.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        found.append(" ".join(current))
    return found


#: Column labels a table's header line may hold, as folded text, in the order found.
_LABELS = ("stt", "ten don vi", "ten co quan", "diem tham dinh", "dieu tra xhh", "tong diem",
           "chi so cchc", "xep hang", "thu hang", "xep loai")
_ROW = re.compile(r"^(?:(?P<stt>\d{1,4})\s+)?(?P<name>[^\d]+?)\s+"
                  r"(?P<numbers>\d[\d.,]*(?:\s+\d[\d.,]*)*)\s*(?P<tail>[^\d]*)$")


def _fold(text: str) -> str:
    from docgen.claims.facts import fold

    return fold(text)


_NUMERIC = {"diem tham dinh", "dieu tra xhh", "tong diem", "chi so cchc", "xep hang",
            "thu hang"}
_SUMMARY_ROW = re.compile(r"^(?:trung binh|tb|dtb|diem trung binh|tong cong|cong)\b")


def text_tables(lines: list[str], where: str = "") -> tuple[list[str], list[TableText]]:
    """Find the tables of text taken out of a PDF: a header line naming the columns ("STT
    Tên đơn vị Tổng điểm Xếp hạng Xếp loại"), then one unit per row ("4 Sở Tài chính 87,16
    4 TỐT"), a row possibly cut over several lines where a cell wraps ("8 Thanh tra" /
    "tỉnh" / "78,53 8 TRUNG" / "BÌNH"). Return the other lines and the tables; the name
    is the text before the first number, the band what follows the numbers."""
    kept: list[str] = []
    tables: list[TableText] = []
    header: list[str] | None = None
    rows: list[tuple[str, ...]] = []
    pending = ""

    def close() -> None:
        nonlocal header, pending
        if header is not None and rows:
            tables.append(TableText((tuple(header), *rows), f"{where}bảng {len(tables) + 1}"))
        header, pending = None, ""
        rows.clear()

    def row_of(text: str) -> tuple[str, ...] | None:
        m = _ROW.match(text)
        if not m or header is None:
            return None
        numbers = m["numbers"].split()
        expected = sum(1 for label in header if label in _NUMERIC)
        summary = bool(_SUMMARY_ROW.match(_fold(m["name"])))
        if len(numbers) != expected and not (summary and len(numbers) <= expected):
            return None
        cells = ([m["stt"]] if "stt" in header and m["stt"] else
                 [""] if "stt" in header else []) + [m["name"].strip()]
        return tuple(cells + numbers + ([m["tail"].strip()] if m["tail"].strip() else []))

    for line in (raw.strip() for raw in lines):
        folded = _fold(line)
        labels = sorted(((folded.find(label), label) for label in _LABELS
                         if f" {label} " in f" {folded} "), key=lambda x: x[0])
        if "ten don vi" in folded and len(labels) >= 3 and not re.search(r"\d", line):
            close()
            header = [label for _, label in labels]
            continue
        if header is None:
            kept.append(line)
            continue
        if not line:
            continue
        if _ITEM.match(line) or is_heading(line):  # the text goes on after the table
            rest = pending
            close()
            kept += [rest, line] if rest else [line]
            continue
        band_tail = rows and not re.search(r"\d", line) and line.isupper() and len(line) < 20
        if band_tail and not pending:  # a band label cut over two lines: "TRUNG" / "BÌNH"
            rows[-1] = (*rows[-1][:-1], f"{rows[-1][-1]} {line}")
            continue
        if rows and not pending and "stt" in header and not re.search(r"\d", line):
            last = list(rows[-1])  # the rest of the previous unit's name, wrapped
            last[1] = f"{last[1]} {line}"
            rows[-1] = tuple(last)
            continue
        candidate = f"{pending} {line}".strip()
        found = row_of(candidate)
        if found is not None:
            rows.append(found)
            pending = ""
        elif len(candidate) < 120 and (not pending or not _ITEM.match(line)):
            pending = candidate
        else:
            rest = pending
            close()
            kept += [rest, line] if rest else [line]
    if pending:
        kept.append(pending)
    close()
    return kept, tables


def _text(text: str, name: str, *, markdown: bool, page: str = "") -> ReportText:
    passages: list[Passage] = []
    tables: list[TableText] = []
    blocks = re.split(r"\n\s*\n", text) if markdown else [text]
    rows: list[tuple[str, ...]] = []
    if not markdown:
        lines, found = text_tables(text.splitlines(), page)
        tables += found
        blocks = ["\n".join(lines)]

    def close_table() -> None:
        if rows:
            tables.append(TableText(tuple(rows), f"{page}bảng {len(tables) + 1}"))
            rows.clear()

    for block in blocks:
        lines = block.splitlines()
        plain_lines = []
        for line in lines:
            stripped = line.strip()
            if markdown and stripped.startswith("|"):
                cells = tuple(c.strip() for c in stripped.strip("|").split("|"))
                if not all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                    rows.append(cells)
                continue
            close_table()
            plain_lines.append(stripped.lstrip("#").strip() if markdown and
                               stripped.startswith("#") else stripped)
            if markdown and stripped.startswith("#"):
                passages.append(Passage(plain_lines.pop(), f"{page}đoạn {len(passages) + 1}",
                                        heading=True))
        close_table()
        for paragraph in paragraphs(plain_lines):
            passages.append(Passage(paragraph, f"{page}đoạn {len(passages) + 1}",
                                    heading=is_heading(paragraph)))
    return ReportText(tuple(passages), tuple(tables))


def _docx(data: bytes, name: str) -> ReportText:
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError([Problem(name, "tệp", "một tệp Word .docx đọc được",
                                  "tệp hỏng hoặc không phải .docx")]) from exc
    passages: list[Passage] = []
    tables: list[TableText] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            text = " ".join(item.text.split())
            if text:
                style = (item.style.name or "").lower() if item.style is not None else ""
                passages.append(Passage(text, f"đoạn {len(passages) + 1}",
                                        heading=style.startswith(("heading", "title"))
                                        or is_heading(text)))
        elif isinstance(item, Table):
            rows = []
            for row in item.rows:
                seen: set[int] = set()
                cells = []
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                rows.append(tuple(cells))
            tables.append(TableText(tuple(rows), f"bảng {len(tables) + 1}"))
    return ReportText(tuple(passages), tuple(tables))


def _without_chart_labels(lines: list[str], pages: list[int]) -> tuple[list[str], list[int]]:
    """Drop the labels of a chart that a PDF gives as text among the paragraphs: three or
    more short lines in a row without any punctuation or digit (unit names, a legend)."""
    def label(line: str) -> bool:
        return len(line.strip()) < 50 and not re.search(r"[\d,.;:()%/]", line)

    keep = [True] * len(lines)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and label(lines[j]):
            j += 1
        if j - i >= 3:
            for k in range(i, j):
                keep[k] = False
        i = max(j, i + 1)
    return ([line for line, k in zip(lines, keep, strict=True) if k],
            [page for page, k in zip(pages, keep, strict=True) if k])


def _pdf(data: bytes, name: str) -> ReportText:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise InputError([Problem(name, "tệp", "một tệp PDF đọc được",
                                  "tệp hỏng hoặc không phải PDF")]) from exc
    passages: list[Passage] = []
    lines_by_page = [(number, text.splitlines()) for number, text in enumerate(pages, start=1)]
    # paragraphs may run over a page break: join all lines, keep the page each starts on
    joined: list[str] = []
    starts: list[int] = []
    tables: list[TableText] = []
    for number, lines in lines_by_page:
        for line in lines:
            if re.fullmatch(r"\s*\d+([.,]\d+)?\s*", line):
                continue  # a page number, a chart's axis value
            joined.append(line)
            starts.append(number)
    joined, starts = _without_chart_labels(joined, starts)
    kept, tables = text_tables(joined)
    kept_set = kept
    starts = [starts[i] for i, line in enumerate(joined) if line.strip() in kept_set] \
        if len(kept) != len(joined) else starts
    joined = kept
    current_page = 1
    position = 0
    for paragraph in paragraphs(joined):
        first = paragraph.split(" ", 1)[0]
        while position < len(joined) and first not in joined[position]:
            position += 1
        if position < len(starts):
            current_page = starts[position]
        passages.append(Passage(paragraph, f"trang {current_page}, đoạn {len(passages) + 1}",
                                heading=is_heading(paragraph)))
    return ReportText(tuple(passages), tuple(tables))
