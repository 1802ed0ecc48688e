"""Which characters the bundled font can draw, and which ones no document may carry.

The PDF sets every text in the bundled Liberation Serif (:func:`docgen.resources.fonts_dir`)
and refuses to render a character that font lacks (:func:`docgen.render.pdf.check_glyphs`).
The same coverage is checked when a dossier is read (:mod:`docgen.model.limits`), so such
a character is refused as bad input naming its field instead of failing at render time.
Bidirectional controls are refused too: an RTL override (U+202E) makes a unit's name show
backwards, as another name, while it still compares as itself.
"""

from __future__ import annotations

import functools
import unicodedata

from fontTools.ttLib import TTFont

from docgen.resources import fonts_dir

#: (file, font-weight, font-style) of the four bundled faces.
FACES = (
    ("LiberationSerif-Regular.ttf", "normal", "normal"),
    ("LiberationSerif-Bold.ttf", "bold", "normal"),
    ("LiberationSerif-Italic.ttf", "normal", "italic"),
    ("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)

#: Characters that HTML turns into spaces: they need no glyph.
COLLAPSED_WHITESPACE = frozenset("\t\n\r\f")

#: Bidirectional controls: embeddings, overrides, isolates and the invisible marks.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")


@functools.cache
def covered_codepoints() -> frozenset[int]:
    """Return the code points that all four bundled faces can draw."""
    covered: set[int] | None = None
    for name, _, _ in FACES:
        font = TTFont(fonts_dir() / name, lazy=True)
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
            return position, char, "ký tự phông Liberation Serif không có"
    return None
