"""Long tables as agencies and their data make them: names that need escaping, wrap
onto several lines or fit only kerned, names Pango would break or draw otherwise, an
agency's edited Phụ lục, a fonts folder, two long tables, parts cut at a page's edge,
notes kept with a table. Each is set directly exactly where WeasyPrint puts the same
table (same pages, same words, within 0,1 pt), or left to WeasyPrint whole."""

from __future__ import annotations

import copy
import hashlib
import io
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from long_tables import Rendered, both, dossier, names, phu_luc, words, worst_gap
from pypdf import PdfReader
from typer.testing import CliRunner

from docgen import resources
from docgen.formatting import glyphs
from docgen.interfaces.cli import app
from docgen.render import docx_html, long_table

#: Names that need escaping in HTML, an apostrophe, quotes, one on five lines.
ODD = ["Xã A & B", "Xã <Mới>", 'Xã "Đồng" Tâm', "Xã Ea H'leo", "Phường A&amp;B",
       "Xã a>b<c", "Xã " + " ".join(["Chiềng Khương Nậm Lạnh Phiêng Pằn"] * 3)]
#: Names that fit the name column (148,25 pt) only kerned, as Pango sets them.
KERNED = ["Xã Tường Văn Tân Ya Tà Văn", "Xã Tân Tòng Tường Yên Vĩnh",
          "Xã Vạn Tường Yên Tuyên Yết", "Xã Văn Văn Vạn Tân Vạn Tây",
          "Xã Tây Tuyên Văn Tường Tây"]
#: Names whose " - " falls at the end of the name column's first line.
DASHED = ["Sở Sông Lầm Mường Tà Nậm - Lạnh Tà Hà- 0", "Sở Tà Mường Tà Hộ Khương - Khương Mã"]
NAME_COLUMN = 148.25


def _with(special: list[str], count: int, seed: int) -> list[str]:
    out = names(count, seed)
    for index, name in enumerate(special):
        out[index * 7 + 3] = name
    return out


@pytest.fixture(scope="module")
def odd() -> Rendered:
    return both(dossier(_with(ODD + KERNED + DASHED, 170, 1)))


def test_odd_and_kerned_names_are_set_where_weasyprint_sets_them(odd) -> None:
    assert odd.used
    assert worst_gap(odd) < 0.1
    text = " ".join(w["text"] for page in words(odd.direct) for w in page)
    for name in ODD[:6]:
        assert f" {name} " in f" {text} "
    lines = [line for page in words(odd.direct) for line in page]
    assert sum(w["text"] == "Khương" for w in lines) == 3 + 2
    paragraph = long_table.Paragraph(DASHED[1], ("normal", "normal"), 12.0, 13.79, "left",
                                     (0.0, 0.0, 0.0, 0.0))
    assert long_table.Setter().wrap(paragraph, NAME_COLUMN)[1][0].startswith("- ")


def test_the_kerned_names_would_not_fit_unkerned() -> None:
    face = glyphs.face_metrics("normal", "normal")
    setter = long_table.Setter()
    paragraph = long_table.Paragraph("", ("normal", "normal"), 12.0, 13.79, "left",
                                     (0.0, 0.0, 0.0, 0.0))
    for name in KERNED:
        plain = sum(face.advances[ord(char)] for char in name) * 12 / face.per_em
        assert plain > NAME_COLUMN
        assert len(setter.wrap(replace(paragraph, text=name), NAME_COLUMN)) == 1


def test_kerning_pairs_and_the_space_before_a_word() -> None:
    setter = long_table.Setter()
    face = ("normal", "normal")
    assert setter.units(face, "Ta") == setter.units(face, "T") + setter.units(face, "a") - 143
    assert setter.kern(face, " ", "T") == -37
    assert setter.kern(face, "à", "T") == 0


def test_a_font_folder_of_liberation_faces_gives_the_same_pdf(
        odd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, _, _ in glyphs.FACES:
        shutil.copy(resources.bundled_fonts_dir() / name, tmp_path / name)
    monkeypatch.setitem(resources._overrides, "fonts", tmp_path)
    assert glyphs.typeface().folder == tmp_path
    assert glyphs.face_metrics("bold", "normal").path == tmp_path / glyphs.FACES[1][0]
    assert phu_luc(dossier(_with(ODD + KERNED + DASHED, 170, 1))) == odd.direct


def test_the_pdf_opens_and_its_text_extracts(odd, tmp_path: Path) -> None:
    path = tmp_path / "phu-luc.pdf"
    path.write_bytes(odd.direct)
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    assert done.stderr == ""
    assert "Xã A & B" in done.stdout and "Xã Ea H'leo" in done.stdout
    reader = PdfReader(io.BytesIO(odd.direct))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Xã <Mới>" in text and "170" in text


def test_the_agency_signs_the_pdf(odd, tmp_path: Path) -> None:
    from pki import kit
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from docgen.signing.agency import open_agency_signer, sign_attachment
    from docgen.signing.policy import AgencyKey
    from docgen.signing.trust import load_trust_anchors

    pki = kit()
    key = tmp_path / "co-quan.p12"
    key.write_bytes(pki.agency.pkcs12([pki.root.cert], b"mat khau"))
    when = datetime(2025, 12, 16, 9, 30, 5, tzinfo=timezone(timedelta(hours=7)))
    with open_agency_signer(AgencyKey(pkcs12_file=key, pkcs12_password="mat khau")) as agency:
        signed = sign_attachment(odd.direct, agency, code="1234/QĐ-UBND", when=when)
    assert signed.startswith(odd.direct)
    context = ValidationContext(trust_roots=load_trust_anchors(pki.trust_dir),
                                allow_fetching=False)
    [signature] = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    status = validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted


def test_the_same_bytes_in_another_process(odd) -> None:
    support = Path(__file__).resolve().parents[1] / "support"
    script = ("import hashlib, sys; sys.path.insert(0, sys.argv[1]); "
              "from long_tables import dossier, names, phu_luc; "
              "from test_long_table_cases import ODD, KERNED, DASHED, _with; "
              "print(hashlib.sha256(phu_luc(dossier(_with(ODD + KERNED + DASHED, 170, 1))))"
              ".hexdigest())")
    done = subprocess.run([sys.executable, "-c", script, str(support)], capture_output=True,
                          text=True, check=True, cwd=Path(__file__).parent)
    assert done.stdout.strip() == hashlib.sha256(odd.direct).hexdigest()


# --- What Pango sets otherwise: left to WeasyPrint -----------------------------------------


def _table(text: str, width: float = 150.0) -> long_table.Table:
    css = ["text-align: left; font-size: 12pt; font-weight: normal; font-style: normal; "
           "line-height: 13.79pt", "border-top: 0.5pt solid #000000",
           "padding: 1pt 2.85pt 1pt 2.85pt"]
    cell = long_table.cell(css, [(None, text)])
    return long_table.Table((width,), 0.0, (), ((cell,),) * 3)


@pytest.mark.parametrize("text", ["Xã Mường\u00adLa", "Xã Nà\u200bỚt", "Xã שלום",
                                  "Xã x\u0303y"])
def test_a_character_pango_draws_otherwise_is_left_to_weasyprint(text: str) -> None:
    """A soft hyphen and a zero-width space are not drawn, a Hebrew word is reversed, a
    combining mark is placed on its letter."""
    assert long_table.paginate(_table(text), 150.0, 300.0, 600.0) is None


@pytest.mark.parametrize("joint", ["-", "–", "/"])
def test_a_word_pango_may_break_is_set_only_where_it_fits_its_line(joint: str) -> None:
    assert long_table.paginate(_table(f"Xã Mường{joint}La 5", 200.0), 200.0, 300.0, 600.0)
    straddling = f"Xã Chiềng Khương Nậm Lạnh Phiêng{joint}Pằn"  # the line ends in it
    assert long_table.paginate(_table(straddling, 200.0), 200.0, 300.0, 600.0) is None


def test_a_lone_dash_and_a_final_hyphen_break_only_at_their_spaces() -> None:
    """"Sở Lao động - Thương binh": Pango breaks at the spaces around the dash."""
    parts = long_table.paginate(_table("Xã Chiềng Khương Nậm Lạnh Phiêng Tà - Hà- Mường",
                                       210.0), 210.0, 300.0, 600.0)
    assert parts is not None
    assert [line.text for line in parts[0].lines[:2]] == [
        "Xã Chiềng Khương Nậm Lạnh Phiêng Tà", "- Hà- Mường"]


@pytest.fixture(scope="module")
def left() -> Rendered:
    special = ["Xã Chiềng Khương Phiêng-Pằn Mường", "Xã Chiềngkhươngnậmlạnhphiêngpằnmườngtè"]
    return both(dossier(_with(special, 155, 2)))


def test_names_left_to_weasyprint_are_laid_out_as_weasyprint_lays_them(left) -> None:
    assert not left.used
    assert worst_gap(left) == 0.0
    text = [w["text"] for page in words(left.direct) for w in page]
    assert "Phiêng-" in text and "Pằn" in text  # WeasyPrint breaks after the hyphen
    assert "Chiềngkhươngnậmlạnhphiêngpằnmườngtè" in text  # and lets the word overflow


# --- An agency's Phụ lục -------------------------------------------------------------------


def _copied(folder: Path) -> tuple[Path, docx.document.Document, Path]:
    result = CliRunner().invoke(app, ["templates", "copy", str(folder)])
    assert result.exit_code == 0, result.output
    path = folder / "bao_cao" / "phu_luc.docx"
    return folder, docx.Document(str(path)), path


def _widths(table, widths: list[int]) -> None:
    for col, width in zip(table.findall(f"{qn('w:tblGrid')}/{qn('w:gridCol')}"), widths):
        col.set(qn("w:w"), str(width))
    table.find(qn("w:tblPr")).find(qn("w:tblW")).set(qn("w:w"), str(sum(widths)))


@pytest.fixture(scope="module")
def edited(tmp_path_factory) -> Rendered:
    """The Phụ lục table narrowed, centred, with a "Ghi chú" column, its rows in 13 pt."""
    root, document, path = _copied(tmp_path_factory.mktemp("edited"))
    table = document.tables[0]._tbl
    _widths(table, [600, 2400, 680, 1000, 680, 800, 700, 1300])
    grid = table.find(qn("w:tblGrid"))
    grid.append(copy.deepcopy(grid[-1]))
    grid[-1].set(qn("w:w"), "900")
    for index, row in enumerate(table.findall(qn("w:tr"))):
        extra = copy.deepcopy(row.findall(qn("w:tc"))[-1])
        texts = list(extra.iter(qn("w:t")))
        if index in (0, 2):  # the header's cell, the units' (empty) cell
            texts[0].text = "Ghi chú" if index == 0 else ""
            for text in texts[1:]:
                text.getparent().remove(text)
        row.append(extra)
    properties = table.find(qn("w:tblPr"))
    properties.append(properties.makeelement(qn("w:jc"), {qn("w:val"): "center"}))
    document.styles["Bang"].font.size = Pt(13)
    document.save(str(path))
    return both(dossier(names(160, 3)), root)


def test_an_edited_table_is_set_where_weasyprint_sets_it(edited) -> None:
    assert edited.used
    assert worst_gap(edited) < 0.1
    pages = words(edited.direct)
    assert all(sum(w["text"] == "Ghi" for w in page) == 1 for page in pages[1:-1])


@pytest.fixture(scope="module")
def unrepeated(tmp_path_factory) -> Rendered:
    root, document, path = _copied(tmp_path_factory.mktemp("unrepeated"))
    for marker in document.tables[0]._tbl.iter(qn("w:tblHeader")):
        marker.getparent().remove(marker)
    document.save(str(path))
    return both(dossier(names(150, 4)), root)


def test_a_header_not_repeated_is_set_once(unrepeated) -> None:
    assert unrepeated.used
    assert worst_gap(unrepeated) < 0.1
    assert sum(w["text"] == "STT" for page in words(unrepeated.direct) for w in page) == 1


def test_a_shaded_header_cell_leaves_the_table_to_weasyprint(tmp_path: Path) -> None:
    root, document, path = _copied(tmp_path)
    cell = document.tables[0]._tbl.findall(qn("w:tr"))[0].findall(qn("w:tc"))[1]
    properties = cell.find(qn("w:tcPr"))
    properties.append(properties.makeelement(qn("w:shd"), {
        qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): "D9D9D9"}))
    document.save(str(path))
    converted = docx_html.convert(phu_luc(dossier(names(150, 5)), "docx", root))
    assert converted.long_tables == []
    assert "background" in converted.html


def test_rows_all_kept_with_the_next_still_break_across_pages(tmp_path: Path) -> None:
    """Keep with next on the units' row (every row): WeasyPrint breaks the rows where it
    must, as Word does, instead of failing an assertion across row groups."""
    root, document, path = _copied(tmp_path)
    for properties in document.tables[0]._tbl.findall(qn("w:tr"))[2].iter(qn("w:pPr")):
        properties.append(properties.makeelement(qn("w:keepNext"), {}))
    document.save(str(path))
    pages = words(phu_luc(dossier(names(75, 8)), root=root))
    assert len(pages) >= 3
    numbers = [w["text"] for page in pages for w in page if w["x0"] < 110]
    assert [str(n) for n in range(1, 76)] == [n for n in numbers if n.isdigit()][-75:]


def _tag_row(like, text: str):
    row = copy.deepcopy(like)
    for node in row.iter(qn("w:t")):
        node.text = text
    return row


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> Rendered:
    """A note under the table, kept with its last row (keep with next on that row only)
    and too long to fit under a table that fills its page."""
    root, document, path = _copied(tmp_path_factory.mktemp("kept"))
    table = document.tables[0]._tbl
    _, loop, row, _ = table.findall(qn("w:tr"))
    last = copy.deepcopy(row)
    for properties in last.iter(qn("w:pPr")):
        properties.append(properties.makeelement(qn("w:keepNext"), {}))
    row.addprevious(_tag_row(loop, "{%tr if not loop.last %}"))
    row.addnext(_tag_row(loop, "{%tr else %}"))
    row.getnext().addnext(last)
    last.addnext(_tag_row(loop, "{%tr endif %}"))
    note = copy.deepcopy(document.paragraphs[0]._p)
    texts = list(note.iter(qn("w:t")))
    texts[0].text = "Ghi chú: điểm thẩm định do Hội đồng thẩm định chấm. " * 8
    for text in texts[1:]:
        text.text = ""
    note.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").set(qn("w:val"), "Chugiai")
    table.addnext(note)
    document.save(str(path))
    return both(dossier(names(181, 200)), root)


def test_notes_kept_with_a_full_last_page_take_its_last_row_along(kept) -> None:
    """As WeasyPrint does: the last row goes to the next page (under the header), so
    that the note does not stand there alone."""
    assert kept.used
    assert worst_gap(kept) < 0.1
    assert kept.cuts[-1][-2:] == [(143, 179), (180, 180)]
    last = [w["text"] for w in words(kept.direct)[-1]]
    assert "181" in last and "Ghi" in last and "STT" in last


# --- Two long tables, parts at a page's edge -----------------------------------------------


@pytest.fixture(scope="module")
def two() -> Rendered:
    """172 sở then 154 xã: the second table starts with room for one row, and its last
    part holds one row."""
    return both(dossier(names(172, 6), names(154, 7, "Phường")))


def test_two_long_tables_cut_at_the_pages_edges(two) -> None:
    assert two.used
    assert worst_gap(two) < 0.1
    first, second = two.cuts[-2:]
    assert first[-1][1] == 171
    assert second[0] == (0, 0) and second[-1] == (153, 153)
