"""Long tables are set directly (docgen.render.long_table): the same pages, words and
places as WeasyPrint's own layout of the same table, and WeasyPrint's layout wherever
the table is outside what the direct setting handles."""

from __future__ import annotations

import hashlib
import io
import random
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from long_tables import Rendered, worst_gap

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package
from docgen.render import docx_html, long_table, pdf

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"
NAMES = "Chiềng Mường Nậm Phiêng Tà Huổi Púng Lóng Suối Bó Tân Yên Mai Sơn Hòa Phúc".split()


def _dossier(size: int, long_names: int = 0):
    """The Sơn La 2025 dossier with one block of `size` communes; the first
    `long_names` have names that wrap in the name column."""
    base = load_dossier(FIXTURE)
    rng = random.Random(size)
    units = []
    for index in range(size):
        name = f"Xã {rng.choice(NAMES)} {rng.choice(NAMES)} {index + 1}"
        if index < long_names:
            name = f"Xã {' '.join(rng.choice(NAMES) for _ in range(6))} {index + 1}"
        units.append({"name": name, "scores": {
            "tham_dinh": Decimal(rng.randint(3500, 7000)) / 100,
            "xhh": Decimal(rng.randint(1500, 3000)) / 100}})
    block = base.blocks[1].model_dump(exclude={"units"})
    block["units"] = units
    data = base.model_dump()
    data["blocks"] = [block]
    return type(base).model_validate(data)


def _phu_luc(dossier, fmt: str = "pdf") -> bytes:
    (document,) = render_package(dossier, formats=[fmt], kinds=["phu_luc"])
    return document.data


def _words(data: bytes) -> list[list[dict]]:
    with pdfplumber.open(io.BytesIO(data)) as document:
        return [page.extract_words() for page in document.pages]


@pytest.fixture(scope="module")
def both() -> tuple[bytes, bytes, int]:
    """The 220-unit Phụ lục (some names on two lines) set directly and by WeasyPrint,
    and how many tables the direct setting took."""
    dossier = _dossier(220, long_names=12)
    direct = _phu_luc(dossier)
    converted = docx_html.convert(_phu_luc(dossier, "docx"))
    saved = long_table.LONG_ROWS
    long_table.LONG_ROWS = 10 ** 9
    try:
        weasy = _phu_luc(dossier)
    finally:
        long_table.LONG_ROWS = saved
    return direct, weasy, len(converted.long_tables)


def test_the_long_table_is_set_directly(both) -> None:
    direct, weasy, tables = both
    assert tables == 1
    assert direct != weasy


def test_same_pages_same_words_same_places(both) -> None:
    direct, weasy, _ = both
    assert len(_words(direct)) >= 6
    # kerned as HarfBuzz kerns, aligned as WeasyPrint aligns: only the rounding of the
    # drawn advances (thousandths of an em) is left
    assert worst_gap(Rendered(direct, weasy)) < 0.1


def test_wrapped_names_and_every_row_present(both) -> None:
    direct, _, _ = both
    text = " ".join(w["text"] for page in _words(direct) for w in page)
    for number in (1, 12, 13, 220):
        assert f" {number} Xã " in f" {text} "


def test_rules_lie_on_the_grid(both) -> None:
    """Every rule of a table page is horizontal or vertical and 0,5 pt wide."""
    direct, _, _ = both
    with pdfplumber.open(io.BytesIO(direct)) as document:
        page = document.pages[2]
        lines = page.lines
    assert len(lines) > 20
    for line in lines:
        assert line["x0"] == pytest.approx(line["x1"], abs=0.01) or \
            line["top"] == pytest.approx(line["bottom"], abs=0.01)
        assert line["linewidth"] == pytest.approx(0.5, abs=0.01)


def test_the_same_bytes_twice() -> None:
    dossier = _dossier(160)
    first = _phu_luc(dossier)
    assert hashlib.sha256(first).digest() == hashlib.sha256(_phu_luc(dossier)).digest()


# --- What the direct setting leaves to WeasyPrint --------------------------------------


CELL = ["text-align: center; font-size: 12pt; font-weight: normal; font-style: normal; "
        "line-height: 13.79pt", "vertical-align: middle", "border-top: 0.5pt solid #000000",
        "border-bottom: 0.5pt solid #000000", "border-left: 0.5pt solid #000000",
        "border-right: 0.5pt solid #000000", "padding: 1pt 2.85pt 1pt 2.85pt"]


def test_a_plain_cell_is_read_from_its_css() -> None:
    cell = long_table.cell(CELL, [(None, "Xã Bó &amp; Mai")])
    assert cell is not None
    assert cell.paragraphs[0].text == "Xã Bó & Mai"
    assert cell.paragraphs[0].face == ("normal", "normal")
    assert cell.padding == (1.0, 2.85, 1.0, 2.85)
    assert cell.borders == (0.5, 0.5, 0.5, 0.5)
    assert cell.valign == "middle"


@pytest.mark.parametrize("extra", ["background: #dddddd", "text-decoration: underline",
                                   "color: #ff0000", "text-align: justify",
                                   "border-top: 0.5pt dashed #000000"])
def test_a_cell_with_more_is_left_to_weasyprint(extra: str) -> None:
    assert long_table.cell(CELL + [extra], [(None, "12,50")]) is None


def test_a_cell_with_markup_is_left_to_weasyprint() -> None:
    assert long_table.cell(CELL, [(None, 'a <span class="r1">b</span>')]) is None


def _table(rows: int, text: str = "Xã Mường") -> long_table.Table:
    cell = long_table.cell(CELL, [(None, text)])
    header = long_table.cell(CELL[:1] + ["font-weight: bold"] + CELL[1:], [(None, "STT")])
    return long_table.Table((60.0, 120.0), 0.0, ((header, header),),
                            tuple((cell, cell) for _ in range(rows)))


def test_parts_fill_their_room_and_repeat_the_header() -> None:
    row = 13.79 + 2 + 0.5  # line, padding, one rule
    parts = long_table.paginate(_table(30), 180.0, first_room=0.5 + 3 * row,
                                page_room=0.5 + 11 * row)
    assert [(p.first, p.last) for p in parts] == [(0, 1), (2, 11), (12, 21), (22, 29)]
    for part in parts:
        assert sum(line.text == "STT" for line in part.lines) == 2
        assert part.height == pytest.approx(0.5 + (part.last - part.first + 2) * row)


def test_a_table_that_cannot_start_here_starts_on_the_next_page() -> None:
    parts = long_table.paginate(_table(5), 180.0, first_room=20.0, page_room=500.0)
    assert [(p.first, p.last) for p in parts] == [(0, 4)]


def test_a_word_wider_than_its_column_is_left_to_weasyprint() -> None:
    assert long_table.paginate(_table(3, "Xã" + "M" * 40), 180.0, 300.0, 600.0) is None


def test_a_document_whose_table_cannot_be_set_is_laid_out_by_weasyprint() -> None:
    """A long table holding a word too wide for its column: the PDF still carries every
    row (WeasyPrint lays the table out and lets the word overflow, as before)."""
    dossier = _dossier(long_table.LONG_ROWS)
    data = _phu_luc(dossier, "docx")
    converted = docx_html.convert(data)
    assert len(converted.long_tables) == 1
    table = converted.long_tables[0]
    wide = long_table.cell(CELL, [(None, "M" * 80)])
    converted.long_tables[0] = long_table.Table(
        table.columns, table.left, table.header,
        table.body[:-1] + ((wide,) + table.body[-1][1:],))
    out = pdf.typeset(converted.html, converted.resources,
                      pdf.DocumentMeta("Phụ lục", "UBND", datetime(2025, 12, 16)),
                      long_tables=converted.long_tables)
    words = [w["text"] for page in _words(out) for w in page]
    assert str(long_table.LONG_ROWS) in words and "Xã" in words
