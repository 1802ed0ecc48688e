"""The Xếp loại column of the Thanh Hóa Phụ lục's lĩnh vực Biểu holds "XUẤT SẮC" and
"TRUNG BÌNH" without breaking inside a word: in the DOCX the column (less its cell
margins) is at least as wide as each label's widest word in the cell's font and size; in
the PDF every such word comes out whole (pdftotext -bbox) and inside the text block."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package
from docgen.resources import bundled_fonts_dir

ROOT = Path(__file__).resolve().parents[2]
LABELS = ("XUẤT SẮC", "TRUNG BÌNH")
WORDS = {word for label in LABELS for word in label.split()}
TWIPS_PER_MM = 1440 / 25.4
RIGHT_EDGE_PT = (210 - 15) / 25.4 * 72  # A4, 15 mm right margin


@pytest.fixture(scope="module")
def appendix() -> dict[str, bytes]:
    dossier = load_dossier(ROOT / "fixtures" / "thanh-hoa-2024.yaml")
    return {d.format: d.data for d in render_package(dossier, kinds=["phu_luc"])}


def _width_mm(text: str, size_pt: float, bold: bool) -> float:
    face = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    font = TTFont(bundled_fonts_dir() / face)  # Times New Roman's metrics
    cmap, metrics = font.getBestCmap(), font["hmtx"]
    units = sum(metrics[cmap[ord(char)]][0] for char in text)
    return units / font["head"].unitsPerEm * size_pt * 25.4 / 72


def _margins_mm(table) -> float:
    margins = table._tbl.tblPr.find(qn("w:tblCellMar"))
    return sum(int(margins.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right")
               ) / TWIPS_PER_MM


def test_docx_band_cells_hold_each_word_whole(appendix) -> None:
    document = python_docx.Document(io.BytesIO(appendix["docx"]))
    checked = 0
    for table in document.tables:
        grid = [int(col.get(qn("w:w"))) / TWIPS_PER_MM
                for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            for index, cell in enumerate(row.cells):
                if cell.text.strip() not in LABELS:
                    continue
                paragraph = cell.paragraphs[0]
                style = paragraph.style
                size = (style.font.size or style.base_style.font.size).pt
                bold = bool(style.font.bold)
                room = grid[index] - _margins_mm(table)
                widest = max(_width_mm(word, size, bold) for word in cell.text.split())
                assert widest <= room, (cell.text, size, widest, room)
                checked += 1
    assert checked >= 4  # both labels, in the ranking tables and the lĩnh vực Biểu


def test_the_lĩnh_vực_biểu_column_is_wider_than_ten_mm(appendix) -> None:
    document = python_docx.Document(io.BytesIO(appendix["docx"]))
    widths = [[int(col.get(qn("w:w"))) / TWIPS_PER_MM
               for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
              for table in document.tables]
    biểu = [w for w in widths if len(w) > 10]  # the one with a column per lĩnh vực
    assert biểu and all(w[-1] == pytest.approx(15, abs=0.05) for w in biểu), widths
    assert all(sum(w) == pytest.approx(165, abs=0.1) for w in biểu)


def test_pdf_band_words_are_whole_and_inside_the_text_block(appendix, tmp_path) -> None:
    path = tmp_path / "phu_luc.pdf"
    path.write_bytes(appendix["pdf"])
    html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    from lxml import etree

    root = etree.fromstring(html.encode("utf-8"), etree.HTMLParser(encoding="utf-8"))
    words = [(w.text or "", float(w.get("xmin")), float(w.get("xmax")))
             for w in root.iter("word")]
    found = [w for w in words if w[0] in WORDS]
    assert {w[0] for w in found} == WORDS
    fragments = {text for text, _, _ in words if text not in WORDS and len(text) >= 2
                 and any(word.startswith(text) or word.endswith(text) for word in WORDS)}
    assert not fragments, fragments
    outside = [w for w in found if w[2] > RIGHT_EDGE_PT - 1]
    assert not outside, outside
    texts = [text for text, _, _ in words]
    assert texts.count("TRUNG") == texts.count("BÌNH")
    assert texts.count("XUẤT") == texts.count("SẮC")
