"""Vietnamese text typed in the legacy font encodings TCVN3 (ABC) and VNI, back to Unicode.

Provincial files from before Unicode still carry text typed with the ".VnTime" (TCVN3)
or "VNI-Times" fonts: the letters were stored as Latin-1 look-alikes and only the font
made them Vietnamese. Opened today, "Huyện Lang Chánh" reads "HuyÖn Lang Ch¸nh" (TCVN3)
or "Huyeän Lang Chaùnh" (VNI). :func:`detect` recognises either from the text of a whole
sheet (one decision per sheet, never per cell), and :func:`convert` turns it to Unicode.

TCVN3 stores each lower-case Vietnamese letter in one byte (upper-case ones came from a
second font, ".VnTimeH", with the same codes, so they convert to lower case). VNI stores
a base letter followed by a byte for its marks ("a" + "ù" = "á").
"""

from __future__ import annotations

import re
import unicodedata

#: TCVN3 (ABC) code point, as the Latin-1 character it shows as, -> the Vietnamese letter.
TCVN3 = dict(zip(
    "\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7\u00a8\u00a9\u00aa\u00ab\u00ac\u00ad\u00ae"
    "\u00b5\u00b6\u00b7\u00b8\u00b9\u00bb\u00bc\u00bd\u00be\u00c6\u00c7\u00c8\u00c9\u00ca"
    "\u00cb\u00cc\u00ce\u00cf\u00d0\u00d1\u00d2\u00d3\u00d4\u00d5\u00d6\u00d7\u00d8\u00dc"
    "\u00dd\u00de\u00df\u00e1\u00e2\u00e3\u00e4\u00e5\u00e6\u00e7\u00e8\u00e9\u00ea\u00eb"
    "\u00ec\u00ed\u00ee\u00ef\u00f1\u00f2\u00f3\u00f4\u00f5\u00f6\u00f7\u00f8\u00f9\u00fa"
    "\u00fb\u00fc\u00fd\u00fe",
    "ĂÂÊÔƠƯĐăâêôơưđ"
    "àảãáạằẳẵắặầẩẫấ"
    "ậèẻẽéẹềểễếệìỉĩ"
    "íịòỏõóọồổỗốộờở"
    "ỡớợùủũúụừửữứựỳ"
    "ỷỹýỵ",
    strict=True,
))

#: Characters TCVN3 text is full of and Unicode Vietnamese never uses.
_TCVN3_MARKERS = frozenset("\u00a1\u00a2\u00a3\u00a4\u00a5\u00a6\u00a7\u00a8\u00a9\u00aa"
                           "\u00ab\u00ac\u00ad\u00ae\u00b5\u00b6\u00b7\u00b8\u00b9\u00bb"
                           "\u00bc\u00bd\u00be\u00c6\u00c7\u00cb\u00d0\u00d1\u00d6\u00d7"
                           "\u00de\u00df")

_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"

#: VNI mark byte (lower-case form) -> the combining marks it adds to the letter before it.
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
#: VNI single characters that are whole Vietnamese letters.
_VNI_LETTERS = {"ô": "ơ", "ö": "ư", "ñ": "đ", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ",
                "í": "í", "ì": "ì"}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    bases = {"a": [_VNI_TONES, _VNI_CIRCUMFLEX, _VNI_BREVE], "e": [_VNI_TONES, _VNI_CIRCUMFLEX],
             "o": [_VNI_TONES, _VNI_CIRCUMFLEX], "u": [_VNI_TONES], "y": [_VNI_TONES],
             "ô": [_VNI_TONES], "ö": [_VNI_TONES]}
    for base, groups in bases.items():
        letter = _VNI_LETTERS.get(base, base)
        for group in groups:
            extra = _CIRC if group is _VNI_CIRCUMFLEX else _BREVE if group is _VNI_BREVE else ""
            for mark, tone in group.items():
                lower = unicodedata.normalize("NFC", letter + extra + tone)
                table[base + mark] = lower
                table[base.upper() + mark.upper()] = lower.upper()
    for code, letter in _VNI_LETTERS.items():
        table[code] = letter
        table[code.upper()] = letter.upper()
    return table


#: VNI sequence (a base letter and its mark byte, or one byte) -> the Vietnamese letter.
VNI = _vni_table()
_VNI_PATTERN = re.compile("|".join(sorted(map(re.escape, VNI), key=len, reverse=True)))
#: VNI mark bytes that no Unicode Vietnamese text contains.
_VNI_MARKERS = frozenset("øûïåäëüöñæîØÛÏÅÄËÜÖÑÆÎ")
#: A vowel followed by VNI's acute or tilde byte: never a Unicode Vietnamese spelling.
_VNI_PAIRS = re.compile("[aeiouyAEIOUY][ùÙõÕ]")
#: Letters only Unicode Vietnamese has: text holding them is already Unicode.
_UNICODE_LETTERS = re.compile("[ăơưđĂƠƯĐ\u1ea0-\u1ef9]")


def detect(texts: list[str]) -> str | None:
    """Return "TCVN3", "VNI" or None (Unicode) for the texts of one sheet.

    >>> detect(["HuyÖn Lang Ch\u00b8nh", "Sè TT"])
    'TCVN3'
    >>> detect(["Huyeän Lang Chaùnh"])
    'VNI'
    >>> detect(["Huyện Lang Chánh", "Sở Nội vụ"]) is None
    True
    """
    joined = "".join(texts)
    if _UNICODE_LETTERS.search(joined):
        return None
    tcvn = sum(1 for c in joined if c in _TCVN3_MARKERS)
    vni = sum(1 for c in joined if c in _VNI_MARKERS) + len(_VNI_PAIRS.findall(joined))
    if tcvn >= 2 and tcvn >= vni:
        return "TCVN3"
    if vni >= 2:
        return "VNI"
    return None


def convert(text: str, encoding: str) -> str:
    """Return `text`, typed in `encoding` ("TCVN3" or "VNI"), as Unicode NFC.

    >>> convert("HuyÖn Lang Ch\u00b8nh", "TCVN3")
    'Huyện Lang Chánh'
    >>> convert("M\u00adêng Kh\u00ad\u00acng", "TCVN3")
    'Mường Khương'
    >>> convert("Huyeän Lang Chaùnh", "VNI")
    'Huyện Lang Chánh'
    >>> convert("Thaønh phoá Thanh Hoùa", "VNI")
    'Thành phố Thanh Hóa'
    >>> convert("Ñieåm töï ñaùnh giaù", "VNI")
    'Điểm tự đánh giá'
    """
    if encoding == "TCVN3":
        converted = "".join(TCVN3.get(c, c) for c in text)
    else:
        converted = _VNI_PATTERN.sub(lambda m: VNI[m.group(0)], text)
    return unicodedata.normalize("NFC", converted)
