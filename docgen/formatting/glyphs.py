"""Which typeface the PDF is set in, which characters it can draw, and which ones no
document may carry.

The PDF sets every text in one typeface (:func:`typeface`): Times New Roman when the
configured fonts folder (:func:`docgen.resources.fonts_dir`) holds the agency's four
licensed Times New Roman faces, else Liberation Serif (metric-compatible; bundled, or the
folder's own copy). It refuses to render a character that typeface lacks
(:func:`docgen.render.pdf.check_glyphs`).
The same coverage is checked when a dossier is read (:mod:`docgen.model.limits`), so such
a character is refused as bad input naming its field instead of failing at render time.
Bidirectional controls are refused too: an RTL override (U+202E) makes a unit's name show
backwards, as another name, while it still compares as itself.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from docgen.resources import bundled_fonts_dir, fonts_dir

#: (file, font-weight, font-style) of the four bundled faces.
FACES = (
    ("LiberationSerif-Regular.ttf", "normal", "normal"),
    ("LiberationSerif-Bold.ttf", "bold", "normal"),
    ("LiberationSerif-Italic.ttf", "normal", "italic"),
    ("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)

#: The (font-weight, font-style) of each face, in the order of :data:`FACES`.
_STYLES = tuple((weight, style) for _, weight, style in FACES)

#: File names (lower case) under which each Times New Roman face is found, by style:
#: Windows' own names first, then the family's full names.
TIMES_NAMES = {
    ("normal", "normal"): ("times.ttf", "times new roman.ttf"),
    ("bold", "normal"): ("timesbd.ttf", "times new roman bold.ttf"),
    ("normal", "italic"): ("timesi.ttf", "times new roman italic.ttf"),
    ("bold", "italic"): ("timesbi.ttf", "times new roman bold italic.ttf"),
}


@dataclass(frozen=True)
class Typeface:
    """The four faces the PDF is set in."""

    #: The family as messages and the README name it ("Times New Roman").
    name: str
    #: The private family name under which the faces are declared to WeasyPrint (no
    #: system font can answer to it).
    family: str
    #: The folder holding the faces.
    folder: Path
    #: (file name, font-weight, font-style) of each face, in the order of :data:`FACES`.
    faces: tuple[tuple[str, str, str], ...]

    def paths(self) -> tuple[Path, ...]:
        """The four face files."""
        return tuple(self.folder / name for name, _, _ in self.faces)


LIBERATION = "Liberation Serif"
TIMES = "Times New Roman"


def select_typeface(folder: Path, names: "list[str] | None" = None) -> Typeface:
    """Return the typeface the PDF uses given the fonts folder `folder` (whose file names
    are `names`, read from the folder when not given).

    Times New Roman when the folder holds all four of its faces (``times.ttf``,
    ``timesbd.ttf``, ``timesi.ttf``, ``timesbi.ttf``, or ``Times New Roman*.ttf``; any
    case); else the folder's four Liberation Serif faces; else the bundled ones. A folder
    with only some Times New Roman faces gets Liberation Serif: bold or italic must never
    be synthesised from another face.

    >>> select_typeface(Path("/f"), ["TIMES.TTF", "timesbd.ttf", "timesi.ttf", "timesbi.ttf"]).name
    'Times New Roman'
    >>> select_typeface(Path("/f"), ["times.ttf", "timesbd.ttf"]).folder == bundled_fonts_dir()
    True
    """
    folder = Path(folder)
    if names is None:
        names = [entry.name for entry in folder.iterdir() if entry.is_file()] \
            if folder.is_dir() else []
    by_lower = {}
    for name in sorted(names):  # the same pick whatever order the folder lists
        by_lower.setdefault(name.lower(), name)
    times = []
    for weight, style in _STYLES:
        found = next((by_lower[c] for c in TIMES_NAMES[weight, style] if c in by_lower), None)
        if found is None:
            break
        times.append((found, weight, style))
    if len(times) == len(_STYLES):
        return Typeface(TIMES, "TimesNewRoman Docgen", folder, tuple(times))
    if not all(name in names for name, _, _ in FACES):
        folder = bundled_fonts_dir()
    return Typeface(LIBERATION, "LiberationSerif Docgen", folder, FACES)


def liberation_folder() -> Path:
    """The folder of the Liberation Serif faces in use: the configured fonts folder when
    it holds them, else the bundled one (charts are measured and drawn in them)."""
    folder = fonts_dir()
    if all((folder / name).is_file() for name, _, _ in FACES):
        return folder
    return bundled_fonts_dir()


def typeface() -> Typeface:
    """The typeface of the PDF for the fonts folder in use (see :func:`select_typeface`)."""
    return _typeface_in(fonts_dir())


@functools.cache
def _typeface_in(folder: Path) -> Typeface:
    return select_typeface(folder)

#: Characters that HTML turns into spaces: they need no glyph.
COLLAPSED_WHITESPACE = frozenset("\t\n\r\f")

#: Bidirectional controls: embeddings, overrides, isolates and the invisible marks.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


def covered_codepoints() -> frozenset[int]:
    """Return the code points that all the faces in use can draw: the PDF's four, and,
    when those are Times New Roman, the Liberation Serif ones too (the DOCX's chart
    pictures are drawn in Liberation Serif)."""
    return _covered_by(typeface())


@functools.cache
def _covered_by(face: Typeface) -> frozenset[int]:
    paths = face.paths()
    if face.name != LIBERATION:
        paths += select_typeface(bundled_fonts_dir()).paths()
    covered: set[int] | None = None
    for path in paths:
        font = TTFont(path, lazy=True)
        try:
            cmap = set(font.getBestCmap())
        finally:
            font.close()
        covered = cmap if covered is None else covered & cmap
    return frozenset(covered or ())


def describe_char(char: str) -> str:
    """Return a character as a message names it: "U+202E (RIGHT-TO-LEFT OVERRIDE)".

    >>> describe_char("\\u4e2d")
    "'中' (U+4E2D)"
    >>> describe_char("\\u202e")
    'U+202E (RIGHT-TO-LEFT OVERRIDE)'
    """
    code = f"U+{ord(char):04X}"
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
        return f"{code} ({unicodedata.name(char, 'không tên')})"
    return f"{char!r} ({code})"


def unprintable(text: str) -> tuple[int, str, str] | None:
    """Return (position, character, why) of the first character of `text` that no
    document may carry, or None: a lone surrogate, a NUL, a bidirectional control, or
    a character the bundled font cannot draw.

    >>> unprintable("Sở Nội vụ") is None
    True
    >>> unprintable("Sở\\u202eNội")[0:2]
    (2, '\\u202e')
    """
    if text.isascii():  # the font draws all of printable ASCII; controls are dropped later
        position = text.find("\x00")
        return None if position < 0 else (position, "\x00", "ký tự NUL")
    covered = covered_codepoints()
    for position, char in enumerate(text):
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return position, char, "ký tự thay thế lẻ (surrogate)"
        if code == 0:
            return position, char, "ký tự NUL"
        if char in BIDI_CONTROLS:
            return position, char, "ký tự điều khiển hướng chữ"
        if code not in covered and char not in COLLAPSED_WHITESPACE \
                and unicodedata.category(char) != "Cc":
            return position, char, f"ký tự phông {typeface().name} không có"
    return None


def text_width(text: str, size_pt: float, bold: bool = False, italic: bool = False) -> float:
    """Return the advance width in points of `text` set at `size_pt` in the face of the
    PDF (Liberation Serif has Times New Roman's widths, so Word's line is as long). The
    header's rules are measured against it (:mod:`docgen.render.docx`).

    >>> round(text_width("Độc lập - Tự do - Hạnh phúc", 14, bold=True), 1)
    171.4
    """
    style = ("bold" if bold else "normal", "italic" if italic else "normal")
    advances, per_em = face_advances(typeface().paths()[_STYLES.index(style)])
    units = sum(advances.get(ord(char), 0) for char in unicodedata.normalize("NFC", text))
    return units / per_em * size_pt


@functools.cache
def face_advances(path: Path) -> tuple[dict[int, int], int]:
    """{code point: advance width in font units} of the face at `path`, and its units
    per em (read once per face and process)."""
    with TTFont(str(path)) as font:
        metrics = font["hmtx"]
        return ({code: metrics[glyph][0] for code, glyph in font.getBestCmap().items()},
                font["head"].unitsPerEm)


@dataclass(frozen=True)
class FaceMetrics:
    """What a text setter needs of one face: glyphs, advances and vertical metrics, in
    font units. Long tables are set with them (:mod:`docgen.render.long_table`)."""

    path: Path
    #: {code point: glyph id}
    glyphs: dict[int, int]
    #: {code point: advance width}
    advances: dict[int, int]
    per_em: int
    #: Ascent and descent (positive) of the ``hhea`` table, as Pango places a line.
    ascent: int
    descent: int
    #: {(glyph id, next glyph id): change of the first one's advance}: the face's
    #: kerning, which HarfBuzz applies to every text Pango sets.
    kerning: dict[tuple[int, int], int]


def face_metrics(weight: str, style: str) -> FaceMetrics:
    """The metrics of the PDF's face of `weight` ("normal"/"bold") and `style`
    ("normal"/"italic")."""
    return _face_metrics(typeface().paths()[_STYLES.index((weight, style))])


@functools.cache
def _face_metrics(path: Path) -> FaceMetrics:
    advances, per_em = face_advances(path)
    with TTFont(str(path)) as font:
        return FaceMetrics(
            path=path,
            glyphs={code: font.getGlyphID(glyph) for code, glyph in font.getBestCmap().items()},
            advances=advances,
            per_em=per_em,
            ascent=font["hhea"].ascent, descent=-font["hhea"].descent,
            kerning=_kerning(font))


def _kerning(font: TTFont) -> dict[tuple[int, int], int]:
    """The pair adjustments of the face's ``kern`` feature (GPOS pair positioning; the
    old ``kern`` table when GPOS has none), by glyph ids. Within a lookup the first
    subtable holding a pair gives it; lookups add up."""
    pairs: dict[tuple[str, str], int] = {}
    table = font["GPOS"].table if "GPOS" in font else None
    indices = sorted({index for record in table.FeatureList.FeatureRecord
                      if record.FeatureTag == "kern"
                      for index in record.Feature.LookupListIndex}) if table else []
    for index in indices:
        lookup = table.LookupList.Lookup[index]
        found: dict[tuple[str, str], int] = {}
        for sub in lookup.SubTable:
            sub = getattr(sub, "ExtSubTable", sub)  # an extension lookup (type 9)
            for pair, value in _pair_values(sub):
                found.setdefault(pair, value)
        for pair, value in found.items():
            pairs[pair] = pairs.get(pair, 0) + value
    if not indices and "kern" in font:
        for sub in font["kern"].kernTables:
            if getattr(sub, "format", None) == 0:
                for pair, value in sub.kernTable.items():
                    pairs.setdefault(pair, value)
    glyph_id = font.getGlyphID
    return {(glyph_id(a), glyph_id(b)): value for (a, b), value in pairs.items() if value}


def _pair_values(sub) -> list[tuple[tuple[str, str], int]]:
    """The (first glyph, second glyph) advance changes of a GPOS pair subtable."""
    if getattr(sub, "LookupType", None) != 2:
        return []
    out = []
    if sub.Format == 1:
        for first, pair_set in zip(sub.Coverage.glyphs, sub.PairSet, strict=True):
            out.extend(((first, record.SecondGlyph),
                        getattr(record.Value1, "XAdvance", 0) or 0)
                       for record in pair_set.PairValueRecord)
    elif sub.Format == 2:
        seconds: dict[int, list[str]] = {}
        for glyph, klass in sub.ClassDef2.classDefs.items():
            seconds.setdefault(klass, []).append(glyph)
        for first in sub.Coverage.glyphs:
            row = sub.Class1Record[sub.ClassDef1.classDefs.get(first, 0)]
            for klass, glyphs in seconds.items():
                value = getattr(row.Class2Record[klass].Value1, "XAdvance", 0) or 0
                out.extend(((first, second), value) for second in glyphs if value)
    return out
