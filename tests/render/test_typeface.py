"""Which typeface the PDF is set in: the agency's Times New Roman files when the fonts
folder holds all four faces, else Liberation Serif.

No licensed Times New Roman file is available here, so the Times New Roman branch is
tested on file names (which faces are picked) and on the coverage rule; the renders below
are of Liberation Serif folders only (a renamed Liberation file would not be an honest
Times New Roman test)."""

from __future__ import annotations

import io
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen import resources
from docgen.formatting import glyphs
from docgen.formatting.glyphs import FACES, select_typeface
from docgen.render import pdf
from docgen.render.meta import DocumentMeta

WINDOWS = ["times.ttf", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"]
FULL = ["Times New Roman.ttf", "Times New Roman Bold.ttf", "Times New Roman Italic.ttf",
        "Times New Roman Bold Italic.ttf"]
LIBERATION = [name for name, _, _ in FACES]


def test_windows_names_give_times_new_roman_with_each_face_in_its_style() -> None:
    face = select_typeface(Path("/srv/phong"), ["TimesBD.TTF", "times.ttf", "timesbi.ttf",
                                                "timesi.ttf", "arial.ttf"])
    assert face.name == "Times New Roman"
    assert face.folder == Path("/srv/phong")
    assert face.faces == (("times.ttf", "normal", "normal"), ("TimesBD.TTF", "bold", "normal"),
                          ("timesi.ttf", "normal", "italic"), ("timesbi.ttf", "bold", "italic"))
    assert face.family == "TimesNewRoman Docgen"


def test_full_names_give_times_new_roman() -> None:
    face = select_typeface(Path("/srv/phong"), list(reversed(FULL)))
    assert face.name == "Times New Roman"
    assert [name for name, _, _ in face.faces] == FULL


def test_times_new_roman_wins_over_liberation_in_the_same_folder() -> None:
    assert select_typeface(Path("/p"), LIBERATION + WINDOWS).name == "Times New Roman"


@pytest.mark.parametrize("missing", WINDOWS)
def test_an_incomplete_times_new_roman_set_gives_the_bundled_liberation(missing: str) -> None:
    names = [name for name in WINDOWS if name != missing]
    face = select_typeface(Path("/srv/phong"), names)
    assert face.name == "Liberation Serif"
    assert face.folder == resources.bundled_fonts_dir()
    assert face.faces == FACES


def test_a_folder_of_liberation_faces_is_used_as_liberation(tmp_path: Path) -> None:
    for name in LIBERATION:
        shutil.copy(resources.bundled_fonts_dir() / name, tmp_path / name)
    face = select_typeface(tmp_path)
    assert (face.name, face.folder, face.family) == ("Liberation Serif", tmp_path,
                                                     "LiberationSerif Docgen")


def _stand_in() -> glyphs.Typeface:
    """Faces that are not Liberation Serif (DejaVu Serif), under the Times New Roman
    label: only to test the plumbing, not Times New Roman itself."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    if not (dejavu / "DejaVuSerif.ttf").is_file():
        pytest.fail("DejaVu Serif (fonts-dejavu-core) is needed for this test")
    names = ["DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf",
             "DejaVuSerif-BoldItalic.ttf"]
    return glyphs.Typeface("Times New Roman", "TimesNewRoman Docgen", dejavu,
                           tuple((n, w, s) for n, (_, w, s) in zip(names, FACES)))


def test_other_faces_are_declared_embedded_and_checked_under_their_own_family(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "typeface", _stand_in)
    data = pdf.typeset("<html><head></head><body><p>Ủy <b>ban</b></p></body></html>", {},
                       DocumentMeta("t", "a", datetime(2025, 12, 16)))
    fonts = {str(font.get_object()["/BaseFont"]).split("+", 1)[1]
             for font in PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values()}
    assert fonts == {"TimesNewRoman-Docgen", "TimesNewRoman-Docgen-Bold"}


def test_a_times_new_roman_coverage_is_also_bounded_by_the_chart_font() -> None:
    # The Liberation Serif in which the DOCX's chart pictures are drawn bounds what a
    # Times New Roman PDF may carry.
    other = _stand_in()
    liberation = glyphs._covered_by(select_typeface(resources.bundled_fonts_dir()))
    covered = glyphs._covered_by(other)
    assert covered < liberation
    assert 0x0416 in liberation and 0x0416 in covered  # Cyrillic Ж: in both
    assert ord("ệ") in covered


def test_a_pdf_with_a_configured_liberation_folder_embeds_liberation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIBERATION:
        shutil.copy(resources.bundled_fonts_dir() / name, tmp_path / name)
    monkeypatch.setitem(resources._overrides, "fonts", tmp_path)
    assert glyphs.typeface().folder == tmp_path
    html = ("<html><head></head><body><p>Ủy ban nhân dân <b>tỉnh</b> <i>Sơn La</i> "
            "<b><i>đạt</i></b></p></body></html>")
    data = pdf.typeset(html, {}, DocumentMeta("t", "a", datetime(2025, 12, 16)))
    reader = PdfReader(io.BytesIO(data))
    fonts = {str(font.get_object()["/BaseFont"])
             for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert len(fonts) == 4 and all("LiberationSerif" in name for name in fonts), fonts
