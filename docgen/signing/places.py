"""Where the signatures go, found on the rendered page rather than assumed from the CSS.

The leader signs in ô 7c: between the last chức vụ line (7a) and the signer's name (7b).
docgen reads the text runs of the page (pypdf's content-stream visitor: each run's text,
its text and transformation matrices and its font), turns them into lines with a
baseline, a size and a horizontal extent (widths from the bundled Liberation Serif faces
WeasyPrint embedded), finds the signer's name as the last line equal to it, and the
nearest line above it in the same column. The field fills the space between the two,
centred on the name. The attached files' agency field sits in the top margin of page 1,
at its right edge (ô 14), where nothing is printed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import pypdf

from docgen.formatting.glyphs import face_advances
from docgen.resources import bundled_fonts_dir

#: The bundled faces WeasyPrint embeds (subset, under a ``XXXXXX+`` prefix).
FONT_DIR = bundled_fonts_dir()
_FACE_FILES = {"BoldItalic": "LiberationSerif-BoldItalic.ttf",
               "Bold": "LiberationSerif-Bold.ttf",
               "Italic": "LiberationSerif-Italic.ttf",
               "Regular": "LiberationSerif-Regular.ttf"}

MM = 72 / 25.4

#: Width of the leader's field (the signature image a signing tool draws in it).
LEADER_WIDTH = 60 * MM
#: The agency field of an attached file: size, and distance from the top and right edges.
AGENCY_BOX_SIZE = (62 * MM, 13 * MM)
AGENCY_BOX_TOP = 5 * MM
AGENCY_BOX_RIGHT = 15 * MM  #: the page's right margin (nd30.css)

Box = tuple[float, float, float, float]  #: (x1, y1, x2, y2) in PDF points, y upwards


class PlaceNotFound(LookupError):
    """Raised when the signer's name (or the line above it) is not on the page."""


@dataclass(frozen=True)
class Line:
    """A line of text on a page: its text, baseline, size and horizontal extent."""

    text: str
    x1: float
    x2: float
    baseline: float
    size: float


def _face(font: Any) -> str:
    name = str(font.get("/BaseFont", "")) if font is not None else ""
    return next((face for face in _FACE_FILES if name.endswith(f"-{face}")), "Regular")


def text_width(text: str, size: float, face: str = "Regular") -> float:
    """Return the advance width of `text` set in a bundled face at `size` points.

    >>> round(text_width("Công", 14, "Bold"), 1)
    31.9
    """
    advances, upm = face_advances(FONT_DIR / _FACE_FILES[face])
    fallback = advances.get(ord("n"), upm // 2)
    return sum(advances.get(ord(c), fallback) for c in text) * size / upm


def page_lines(page: Any) -> list[Line]:
    """Return the text lines of a pypdf `page`, in content order (runs on one baseline
    joined)."""
    runs: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        clean = text.replace("\n", "")
        if not clean.strip():
            return
        a, b, c, d, e, f = cm
        x = tm[4] * a + tm[5] * c + e
        y = tm[4] * b + tm[5] * d + f
        scale = abs(tm[3] * d) or abs(tm[0] * a) or 1.0
        points = size * scale
        runs.append(Line(clean, x, x + text_width(clean, points, _face(font)), y, points))

    page.extract_text(visitor_text=visit)
    lines: list[Line] = []
    for run in runs:
        last = lines[-1] if lines else None
        if last is not None and abs(last.baseline - run.baseline) < 0.5 and run.x1 >= last.x1:
            lines[-1] = Line(last.text + run.text, last.x1, max(last.x2, run.x2),
                             last.baseline, max(last.size, run.size))
        else:
            lines.append(run)
    return lines


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def leader_place(pdf: bytes, signer_name: str) -> tuple[int, Box]:
    """Return the page index and the box of ô 7c: under the chức vụ lines, over the name.

    Raises :class:`PlaceNotFound` when the name or the line above it is missing.
    """
    reader = pypdf.PdfReader(BytesIO(pdf))
    wanted = _normal(signer_name)
    for index in range(len(reader.pages) - 1, -1, -1):
        lines = page_lines(reader.pages[index])
        # A long name may wrap: its first line, followed by up to two more, spell it.
        names = [line for i, line in enumerate(lines)
                 if any(_normal(" ".join(x.text for x in lines[i:i + k])) == wanted
                        for k in (1, 2, 3))]
        if not names:
            continue
        name = min(names, key=lambda line: line.baseline)  # the lowest: the signature's
        above = [line for line in lines if line.baseline > name.baseline + name.size
                 and line.x1 < name.x2 and line.x2 > name.x1]
        if not above:
            raise PlaceNotFound(f"no title line above {signer_name!r}")
        title = min(above, key=lambda line: line.baseline)
        top = title.baseline - 0.3 * title.size
        bottom = name.baseline + 0.95 * name.size
        centre = (name.x1 + name.x2) / 2
        return index, (centre - LEADER_WIDTH / 2, bottom, centre + LEADER_WIDTH / 2, top)
    raise PlaceNotFound(f"signer name {signer_name!r} not found")


def agency_corner(pdf: bytes) -> Box:
    """Return the box of the agency signature at the top-right corner of page 1."""
    reader = pypdf.PdfReader(BytesIO(pdf))
    box = reader.pages[0].mediabox
    right, top = float(box.right) - AGENCY_BOX_RIGHT, float(box.top) - AGENCY_BOX_TOP
    width, height = AGENCY_BOX_SIZE
    return (right - width, top - height, right, top)
