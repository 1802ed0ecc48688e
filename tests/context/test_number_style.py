"""The number style of README "Number style", measured on every fixture's rendered DOCX:
in prose no figure ends in a zero decimal, counts have two digits, numbers of four digits
or more have their thousands dot; in the Phụ lục tables every score keeps two decimals."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.yaml"))

#: A decimal whose last digit is a zero: "30,00", "57,90", "100,0".
TRAILING_ZERO = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})*,\d*0(?!\d)")
#: A single digit counting something ("tăng 8 bậc", "6/27", "có 1 đơn vị").
SHORT_COUNT = re.compile(r"(?<![\d.,/])\d(?:/\d+|\s+(?:đơn vị|xã|phường|huyện|sở|phiếu|"
                         r"lĩnh vực|tiêu chí|bậc|thành viên)\b)")
#: Four digits or more in a row that are no year and no document number ("1574").
NO_THOUSANDS = re.compile(r"(?<![\d.,/])(?!(?:19|20)\d\d(?!\d))\d{4,}(?![\d]|/[A-ZĐ])")


def _parts(data: bytes) -> tuple[list[str], list[list[str]]]:
    """The paragraphs outside tables, and the cells of each table, of a DOCX."""
    document = Document(io.BytesIO(data))
    prose, tables = [], []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            prose.append(block.text)
        elif isinstance(block, Table):
            tables.append([cell.text for row in block.rows for cell in row.cells])
    return prose, tables


@pytest.fixture(scope="module")
def rendered() -> dict[str, dict[str, bytes]]:
    out = {}
    for name in NAMES:
        documents = render_package(load_dossier(FIXTURES / f"{name}.yaml"), formats=["docx"])
        out[name] = {d.kind: d.data for d in documents}
    return out


@pytest.mark.parametrize("name", NAMES)
def test_prose_figures_follow_the_number_style(rendered, name: str) -> None:
    found = []
    for kind, data in rendered[name].items():
        prose, _ = _parts(data)
        for text in prose:
            for pattern in (TRAILING_ZERO, SHORT_COUNT, NO_THOUSANDS):
                found += [(kind, m.group(0), text[:80]) for m in pattern.finditer(text)]
    assert found == []


@pytest.mark.parametrize("name", NAMES)
def test_table_scores_keep_two_decimals(rendered, name: str) -> None:
    _, tables = _parts(rendered[name]["phu_luc"])
    cells = [c.strip() for table in tables for c in table]
    scores = [c for c in cells if re.fullmatch(r"\d{1,3}(?:\.\d{3})*,\d+", c)]
    assert len(scores) >= 20
    assert [c for c in scores if not re.fullmatch(r"[\d.]+,\d\d", c)] == []
    assert any(c.endswith("0") for c in scores)  # zeros kept where prose drops them


def test_the_examples_of_the_issue(rendered) -> None:
    """Phù Yên's lowest unit is at 30 of 100; the largest rise of Sơn La 2023 is 8 places."""
    text = {name: "\n".join(_parts(docs["bao_cao"])[0]) for name, docs in rendered.items()}
    assert "Huy Tường (30/100 điểm)" in text["phu-yen-2022"]
    assert "57,9/100 điểm" in text["phu-yen-2022"]
    assert "Sở Kế hoạch và Đầu tư (tăng 08 bậc)" in text["son-la-2023"]
    assert "có 02/20 đơn vị chiếm tỷ lệ 10%" in text["son-la-2023"]
    assert "(đạt 100%)" in text["son-la-2025"]
