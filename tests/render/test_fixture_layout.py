"""Layout of every fixture's documents, measured on the files themselves.

Every fixture renders once (DOCX and PDF); LibreOffice converts all its DOCX in one call,
with a private profile so that parallel runs do not share one. The DOCX as a Word user
sees it and the PDF docgen typesets from it must agree on:

* the page count of each document;
* the merged cells of the lĩnh vực Biểu (``w:vMerge`` in the DOCX, one cell in the PDF);
* no page ending with a heading or a legend (Biểu số …, a chart's caption, the notes
  under a table), and the last Điều of a Quyết định kept with its signature;
* the rules under the agency name, the tiêu ngữ and the trích yếu measured against the
  text above them;
* every word of a table cell inside that cell.
"""

from __future__ import annotations

import functools
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package
from docgen.render import docx_html
from docgen.resources import bundled_fonts_dir

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_SEP = "__"  # fixture__document.docx: all DOCX go to LibreOffice in one call


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """{fixture: {file name: bytes}} of every fixture's documents, plus LibreOffice's PDF
    of each DOCX under ``lo_<kind>.pdf``."""
    out = tmp_path_factory.mktemp("layout")
    found: dict[str, dict[str, bytes]] = {}
    for path in FIXTURES:
        found[path.stem] = files = {d.filename: d.data
                                    for d in render_package(load_dossier(path))}
        for name, data in files.items():
            if name.endswith(".docx"):
                (out / f"{path.stem}{_SEP}{name}").write_bytes(data)
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is missing; tools/system-packages.sh installs it")
    converted = out / "libreoffice"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(converted),
                    *map(str, sorted(out.glob("*.docx")))],
                   check=True, capture_output=True, timeout=300)
    for pdf in converted.glob("*.pdf"):
        fixture, name = pdf.name.split(_SEP)
        found[fixture][f"lo_{name}"] = pdf.read_bytes()
    return found


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_docx_and_pdf_have_the_same_page_count(rendered) -> None:
    """LibreOffice's pages of each DOCX against docgen's PDF of it (the son-la-2025 Phụ lục
    took a page more in the PDF when "TRUNG BÌNH" filled its column to the last point)."""
    counts = {(fixture, kind): (_pages(files[f"lo_{kind}.pdf"]), _pages(files[f"{kind}.pdf"]))
              for fixture, files in rendered.items()
              for kind in ("quyet_dinh", "bao_cao", "phu_luc")}
    assert len(counts) == 3 * len(FIXTURES)
    differ = {key: pair for key, pair in counts.items() if pair[0] != pair[1]}
    assert not differ, differ


# ---------------------------------------------------------------------------------------
# Merged cells of the lĩnh vực Biểu
# ---------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MERGED = (0, 1, -2, -1)  # STT, name, rank, band of a unit's two lines


def _field_tables(data: bytes) -> list:
    """The lĩnh vực Biểu of a Phụ lục (the tables with TĐG lines), as ``w:tbl`` elements."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return [tbl for tbl in root.iter(f"{_W}tbl")
            if any(t.text == "TĐG" for t in tbl.iter(f"{_W}t"))]


def _merge(tc) -> str | None:
    node = tc.find(f"{_W}tcPr/{_W}vMerge")
    return None if node is None else node.get(f"{_W}val", "continue")


def test_a_units_two_lines_share_stt_name_rank_and_band_cells(rendered) -> None:
    """In the DOCX each TĐG line starts a vertical merge of those four cells and its TĐ
    line continues it (empty); in the HTML the PDF is set from, they are rowspan=2 cells."""
    checked = 0
    for fixture, files in rendered.items():
        tables = _field_tables(files["phu_luc.docx"])
        for tbl in tables:
            rows = tbl.findall(f"{_W}tr")[1:]
            pairs = list(zip(rows[::2], rows[1::2], strict=True))
            assert pairs, fixture
            for first, second in pairs:
                tds, tcs = first.findall(f"{_W}tc"), second.findall(f"{_W}tc")
                assert "".join(tds[2].itertext()) == "TĐG"
                assert "".join(tcs[2].itertext()) == "TĐ"
                for index in _MERGED:
                    assert _merge(tds[index]) == "restart", (fixture, index)
                    assert _merge(tcs[index]) == "continue", (fixture, index)
                    assert "".join(tcs[index].itertext()) == ""
                assert _merge(tds[-3]) is None  # each line has its own total
                checked += 1
        if tables:
            html = docx_html.convert(files["phu_luc.docx"]).html
            assert html.count('rowspan="2"') == 4 * sum(
                (len(t.findall(f"{_W}tr")) - 1) // 2 for t in tables)
    assert checked >= 40  # son-la-2023 and thanh-hoa-2024


def test_in_the_pdf_a_merged_cell_spans_both_lines(rendered) -> None:
    """Each unit's rank sits once, vertically between its TĐG and its TĐ line (a merged
    cell centred on its two rows), not on the TĐ line with an empty cell above it."""
    checked = 0
    for fixture, files in rendered.items():
        if not _field_tables(files["phu_luc.docx"]):
            continue
        with pdfplumber.open(io.BytesIO(files["phu_luc.pdf"])) as pdf:
            for page in pdf.pages:
                words = page.extract_words()
                lead = [w for w in words if w["text"] in ("TĐG", "TĐ") and w["x0"] < 200]
                for first, second in zip(lead, lead[1:], strict=False):
                    if (first["text"], second["text"]) != ("TĐG", "TĐ"):
                        continue
                    top, bottom = first["top"], second["bottom"]
                    if any(w["text"] == "Trung" and top - 8 <= w["top"] <= bottom
                           and w["x1"] < first["x0"] for w in words):
                        continue  # the averages: no rank
                    rank = [w for w in words if w["x0"] > page.width * 0.75 and
                            w["text"].isdigit() and top <= w["top"] and w["bottom"] <= bottom]
                    assert len(rank) == 1, (fixture, page.page_number, first, rank)
                    middle = (rank[0]["top"] + rank[0]["bottom"]) / 2
                    assert first["bottom"] - 1 < middle < second["top"] + 1
                    checked += 1
    assert checked >= 40


# ---------------------------------------------------------------------------------------
# Headings and legends are never the last line of a page
# ---------------------------------------------------------------------------------------

#: Paragraph styles whose text must never end a page: headings, the Biểu titles, the
#: title block and "QUYẾT ĐỊNH:".
_KEPT_STYLES = {"Headingmuc", "Headingkhoan", "Headingdiem", "Tenbang", "Tenloai",
                "Trichyeu", "Thamquyen", "Quyetdinh", "Kemtheo"}


#: A note under a lĩnh vực Biểu: "TĐG: điểm tự đánh giá; …" or "LV3: Cải cách …".
_NOTE = re.compile(r"TĐG: điểm tự đánh giá|LV\d+: ")


def _squash(text: str) -> str:
    return "".join(text.split())


def _kept_texts(data: bytes) -> list[str]:
    """The squashed texts of the paragraphs of a DOCX that keep with the next one."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    found = []
    for p in root.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        style = None if style is None else style.get(f"{_W}val")
        keep = p.find(f"{_W}pPr/{_W}keepNext")
        keep = keep is not None and keep.get(f"{_W}val") not in ("0", "false")
        if style == "Chugiai":  # the notes: checked by where a page starts
            continue
        if keep or style in _KEPT_STYLES:
            text = _squash("".join(t.text or "" for t in p.iter(f"{_W}t")))
            if len(text) >= 6:
                found.append(text)
    return found


def _page_lines(page) -> list[str]:
    """The text lines of a PDF page below its running header (the page number)."""
    body = page.crop((0, 20 / 25.4 * 72, page.width, page.height))
    return [line for line in (body.extract_text() or "").splitlines() if line.strip()]


def test_no_page_ends_with_a_heading_or_a_legend(rendered) -> None:
    """The last line of every page but a document's last is no part of a heading, a
    Biểu's title, the title block or any other paragraph that keeps with the next; and
    no note under a lĩnh vực Biểu starts a page (they keep together, with the table)."""
    ends = 0
    for fixture, files in rendered.items():
        for kind in ("quyet_dinh", "bao_cao", "phu_luc"):
            kept = _kept_texts(files[f"{kind}.docx"])
            with pdfplumber.open(io.BytesIO(files[f"{kind}.pdf"])) as pdf:
                pages = [_page_lines(page) for page in pdf.pages]
            for number, lines in enumerate(pages[:-1], start=1):
                last = _squash(lines[-1])
                assert not any(last in text for text in kept), (fixture, kind, number,
                                                                lines[-1])
                ends += 1
            for number, lines in enumerate(pages[1:], start=2):
                first = lines[0]
                assert not _NOTE.match(first), (fixture, kind, number, first)
    assert ends >= 40


def test_the_last_điều_keeps_with_the_signature(rendered) -> None:
    """The last Điều of every Quyết định keeps with the next paragraph (Word) and shares
    its page with the signature block (PDF)."""
    for fixture, files in rendered.items():
        with zipfile.ZipFile(io.BytesIO(files["quyet_dinh.docx"])) as package:
            root = etree.fromstring(package.read("word/document.xml"))
        articles = [p for p in root.iter(f"{_W}p")
                    if "".join(t.text or "" for t in p.iter(f"{_W}t")).startswith("Điều ")]
        assert articles, fixture
        assert articles[-1].find(f"{_W}pPr/{_W}keepNext") is not None, fixture
        with pdfplumber.open(io.BytesIO(files["quyet_dinh.pdf"])) as pdf:
            texts = [_squash(page.extract_text() or "") for page in pdf.pages]
        last = _squash("".join(t.text or "" for t in articles[-1].iter(f"{_W}t")))[:30]
        page = next(i for i, text in enumerate(texts) if last in text)
        assert "Nơinhận:" in texts[page], (fixture, page)


# ---------------------------------------------------------------------------------------
# Rules of the header block
# ---------------------------------------------------------------------------------------

#: rule style -> (style of the text above it, lowest and highest share of its width)
_RULES = {"Gachcoquan": ("Coquanbanhanh", 1 / 3, 1 / 2),
          "Gachtieungu": ("Tieungu", 0.99, 1.01),
          "Gachtrichyeu": ("Trichyeu", 1 / 3, 1 / 2)}
_SIZES = {"Coquanbanhanh": 13, "Tieungu": 14, "Trichyeu": 14}  # all bold


@functools.cache
def _advances(face: str) -> tuple[dict[int, int], int]:
    with TTFont(bundled_fonts_dir() / face) as font:  # Times New Roman's metrics
        metrics = font["hmtx"]
        return ({code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()},
                font["head"].unitsPerEm)


def _width(text: str, size: float, face: str) -> float:
    advances, per_em = _advances(face)
    return sum(advances[ord(c)] for c in text) / per_em * size


def _bold_width(text: str, size: float) -> float:
    return _width(text, size, "LiberationSerif-Bold.ttf")


def _docx_rules(data: bytes) -> list[tuple[str, float, float]]:
    """(rule style, rule length, widest text line above) in points, per rule of a DOCX."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    sect = root.find(f"{_W}body/{_W}sectPr")
    page = (int(sect.find(f"{_W}pgSz").get(f"{_W}w")) - int(sect.find(
        f"{_W}pgMar").get(f"{_W}left")) - int(sect.find(f"{_W}pgMar").get(f"{_W}right")))
    found = []
    for p in root.iter(f"{_W}p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        style = None if style is None else style.get(f"{_W}val")
        if style not in _RULES:
            continue
        above = _RULES[style][0]
        widths, node = [], p.getprevious()
        while node is not None and node.tag == f"{_W}p":
            other = node.find(f"{_W}pPr/{_W}pStyle").get(f"{_W}val")
            if other == above:
                widths.append(_bold_width("".join(t.text for t in node.iter(f"{_W}t")),
                                          _SIZES[above]))
            elif other != "Kemtheo":
                break
            node = node.getprevious()
        tc = next(p.iterancestors(f"{_W}tc"), None)
        if tc is None:
            room = page
        else:
            margin = next(tc.iterancestors(f"{_W}tbl")).find(f"{_W}tblPr/{_W}tblCellMar")
            room = int(tc.find(f"{_W}tcPr/{_W}tcW").get(f"{_W}w")) - sum(
                int(margin.find(f"{_W}{side}").get(f"{_W}w")) for side in ("left", "right"))
        ind = p.find(f"{_W}pPr/{_W}ind")
        length = room - int(ind.get(f"{_W}left")) - int(ind.get(f"{_W}right"))
        found.append((style, length / 20, min(max(widths), room / 20)))  # a wide one wraps
    return found


def test_docx_rules_are_measured_against_the_text_above(rendered) -> None:
    """ND30: the rule under the agency name and under the trích yếu is 1/3 to 1/2 of the
    text line, the one under the tiêu ngữ as long as the tiêu ngữ."""
    checked = 0
    for fixture, files in rendered.items():
        for kind in ("quyet_dinh", "bao_cao", "phu_luc"):
            rules = _docx_rules(files[f"{kind}.docx"])
            assert len(rules) == (1 if kind == "phu_luc" else 3), (fixture, kind, rules)
            for style, length, text in rules:
                low, high = _RULES[style][1:]
                assert low <= length / text <= high, (fixture, kind, style, length, text)
                checked += 1
    assert checked == 7 * len(FIXTURES)


def _pdf_rules(page) -> list[tuple[float, float, float]]:
    """(x0, x1, top) of the header block's rules on a PDF page: a border is drawn as the
    area between two rectangles of the same width, 0,75 pt apart at the top."""
    rects = sorted(page.rects, key=lambda r: (r["x0"], r["x1"], r["top"]))
    found = []
    for outer, inner in zip(rects, rects[1:], strict=False):
        if abs(outer["x0"] - inner["x0"]) < 0.05 and abs(outer["x1"] - inner["x1"]) < 0.05 \
                and abs(outer["bottom"] - inner["bottom"]) < 0.05 \
                and 0.3 < inner["top"] - outer["top"] < 1.2:
            found.append((outer["x0"], outer["x1"], outer["top"]))
    return found


def _lines_above(chars: list, x0: float, x1: float, top: float) -> list:
    """(left, right, lowest glyph bottom) of the bold text lines above a rule in its own
    column, closest first: the lines whose bottom is at most 40 pt above the closest one,
    each cut at gaps of over 15 pt (the next column) to the piece over the rule."""
    middle = (x0 + x1) / 2
    rows: dict[float, list] = {}
    for c in chars:
        if top - 60 < c["bottom"] <= top:
            rows.setdefault(round(c["top"]), []).append(c)
    found = []
    for key in sorted(rows, reverse=True):
        pieces, piece = [], []
        for c in sorted(rows[key], key=lambda c: c["x0"]):
            if piece and c["x0"] - piece[-1]["x1"] > 15:
                pieces.append(piece)
                piece = []
            piece.append(c)
        pieces.append(piece)
        over = [p for p in pieces if p[0]["x0"] <= middle <= p[-1]["x1"]]
        if over:
            found.append((over[0][0]["x0"], over[0][-1]["x1"],
                          max(c["bottom"] for c in over[0]), key))
    assert found, (x0, x1, top)
    return [line[:3] for line in found if found[0][3] - line[3] < 40]


def test_pdf_rules_are_measured_and_clear_of_the_text_above(rendered) -> None:
    """In the PDF each rule has the same share of the bold text lines right above it as
    in the DOCX, and its top is more than 0,5 pt below the lowest glyph box of the line
    above (the dots under ộ, ạ, ự and the descenders)."""
    checked = 0
    for fixture, files in rendered.items():
        for kind in ("quyet_dinh", "bao_cao", "phu_luc"):
            with pdfplumber.open(io.BytesIO(files[f"{kind}.pdf"])) as pdf:
                page = pdf.pages[0]
                chars = [c for c in page.chars if "Bold" in c["fontname"]]
                rules = _pdf_rules(page)
                assert len(rules) == (1 if kind == "phu_luc" else 3), (fixture, kind, rules)
                for x0, x1, top in rules:
                    lines = _lines_above(chars, x0, x1, top)
                    closest = lines[0]
                    share = (x1 - x0) / (closest[1] - closest[0])
                    if not 0.99 <= share <= 1.01:  # not the tiêu ngữ: the name, the title
                        widest = max(right - left for left, right, _ in lines)
                        share = (x1 - x0) / widest
                        assert 1 / 3 <= share <= 1 / 2, (fixture, kind, x0, x1, lines)
                    # any glyph above the rule over its length (bold or not, the
                    # Kèm theo line too): its box ends over 0,5 pt above the rule
                    lowest = max(c["bottom"] for c in page.chars
                                 if c["top"] < top and c["x1"] > x0 and c["x0"] < x1)
                    assert top - lowest > 0.5, (fixture, kind, top, lowest)
                    checked += 1
    assert checked == 7 * len(FIXTURES)


# ---------------------------------------------------------------------------------------
# Text inside its cell
# ---------------------------------------------------------------------------------------


def test_every_word_of_a_pdf_table_lies_inside_its_cell(rendered) -> None:
    """pdfplumber's cells (from the ruled borders) against its words: a word that
    belongs to a cell (its middle inside) lies wholly inside it."""
    checked = 0
    for fixture, files in rendered.items():
        for kind in ("bao_cao", "phu_luc"):
            with pdfplumber.open(io.BytesIO(files[f"{kind}.pdf"])) as pdf:
                for page in pdf.pages:
                    words = page.extract_words()
                    for table in page.find_tables():
                        for x0, top, x1, bottom in table.cells:
                            for w in words:
                                mx, my = (w["x0"] + w["x1"]) / 2, (w["top"] + w["bottom"]) / 2
                                if not (x0 < mx < x1 and top < my < bottom):
                                    continue
                                assert x0 - 0.5 <= w["x0"] and w["x1"] <= x1 + 0.5 and \
                                    top - 0.5 <= w["top"] and w["bottom"] <= bottom + 0.5, (
                                        fixture, kind, page.page_number, w["text"])
                                checked += 1
    assert checked > 5000


def _regular_width(text: str, size: float) -> float:
    return _width(text, size, "LiberationSerif-Regular.ttf")


def test_docx_xếp_loại_columns_give_each_label_room(rendered) -> None:
    """In every Phụ lục table the Xếp loại column, less its cell margins, holds the widest
    word of each label with room to spare (0,5 pt), and in the 12 pt ranking tables the
    whole label on one line, so Word and the PDF break it alike."""
    checked = 0
    for fixture, files in rendered.items():
        with zipfile.ZipFile(io.BytesIO(files["phu_luc.docx"])) as package:
            root = etree.fromstring(package.read("word/document.xml"))
        for tbl in root.iter(f"{_W}tbl"):
            rows = tbl.findall(f"{_W}tr")
            if "".join(rows[0].findall(f"{_W}tc")[-1].itertext()) != "Xếp loại":
                continue
            grid = [int(c.get(f"{_W}w")) for c in tbl.iterfind(f"{_W}tblGrid/{_W}gridCol")]
            margin = tbl.find(f"{_W}tblPr/{_W}tblCellMar")
            room = (grid[-1] - sum(int(margin.find(f"{_W}{side}").get(f"{_W}w"))
                                   for side in ("left", "right"))) / 20
            whole = len(grid) < 10  # the ranking table (12 pt); the lĩnh vực Biểu is 10 pt
            for row in rows[1:]:
                label = "".join(row.findall(f"{_W}tc")[-1].itertext()).strip()
                if not label:
                    continue
                size = 12 if whole else 10
                parts = [label] if whole else label.split()
                widest = max(_regular_width(part, size) for part in parts)
                assert widest + 0.5 <= room, (fixture, label, widest, room)
                checked += 1
    assert checked >= 300
