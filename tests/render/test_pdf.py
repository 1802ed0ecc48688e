"""The PDF renderer: A4, the bundled font only, page numbers from page 2, same bytes."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.errors import RenderError
from docgen.render import pdf
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "context_example.json"
META = DocumentMeta(title="Quyết định", author="UBND tỉnh Sơn La", created=datetime(2025, 12, 16))
A4_POINTS = (595.28, 841.89)


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def _render(kind: str, context: dict) -> PdfReader:
    return PdfReader(io.BytesIO(pdf.render(template_path(kind, "html"), context, META)))


def _fonts(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _top_margin_text(reader: PdfReader, index: int) -> str:
    page = reader.pages[index]
    limit = float(page.mediabox.height) - 20 / 25.4 * 72
    found: list[str] = []
    page.extract_text(visitor_text=lambda t, cm, tm, f, s: found.append(t)
                      if tm[5] * cm[3] + cm[5] >= limit else None)
    return "".join(found).strip()


@pytest.mark.parametrize("kind", ["quyet_dinh", "bao_cao", "phu_luc"])
def test_pages_are_a4_and_set_in_liberation_serif_only(context: dict, kind: str) -> None:
    reader = _render(kind, context)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == pytest.approx(A4_POINTS, abs=0.5)
    fonts = _fonts(reader)
    assert fonts, "no font embedded"
    assert all("LiberationSerif" in name for name in fonts), fonts


def test_page_numbers_start_on_page_two(context: dict) -> None:
    long = copy.deepcopy(context)
    long["decision"]["bases"] = long["decision"]["bases"] * 30
    reader = _render("quyet_dinh", long)
    assert len(reader.pages) >= 3
    top = [_top_margin_text(reader, i) for i in range(len(reader.pages))]
    assert "1" not in top[0]
    assert top[1].endswith("2") and top[2].endswith("3")


def test_draft_mark_only_in_a_draft(context: dict) -> None:
    draft = _render("quyet_dinh", context).pages[0].extract_text()
    final_context = {**context, "draft": False}
    final = _render("quyet_dinh", final_context).pages[0].extract_text()
    assert "DỰ THẢO" in draft
    assert "DỰ THẢO" not in final


def test_markup_characters_in_names_come_out_intact(context: dict) -> None:
    text = "".join(p.extract_text() for p in _render("phu_luc", context).pages)
    assert "Sở Văn hóa & Thể thao <mới>" in text


def test_a_character_outside_the_font_is_refused(context: dict) -> None:
    broken = copy.deepcopy(context)
    broken["blocks"][0]["units"][0]["name"] = "Sở Xây dựng \U0001F600"
    with pytest.raises(RenderError, match="U\\+1F600"):
        pdf.render(template_path("phu_luc", "html"), broken, META)


def test_metadata_comes_from_the_dossier_not_the_clock(context: dict) -> None:
    info = _render("quyet_dinh", context).metadata
    assert info["/Title"] == "Quyết định"
    assert info["/Author"] == "UBND tỉnh Sơn La"
    assert info["/CreationDate"].startswith("D:20251216")


def test_same_bytes_in_another_process(context: dict, tmp_path: Path) -> None:
    script = (
        "import json,sys; from datetime import datetime; from docgen.render import pdf;"
        "from docgen.render.meta import DocumentMeta; from docgen.render.templates import template_path;"
        f"c=json.load(open({str(EXAMPLE)!r}, encoding='utf-8'));"
        "m=DocumentMeta(title='Quyết định', author='UBND tỉnh Sơn La', created=datetime(2025,12,16));"
        "sys.stdout.buffer.write(pdf.render(template_path('phu_luc','html'), c, m))"
    )
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True).stdout
    assert other == pdf.render(template_path("phu_luc", "html"), context, META)
