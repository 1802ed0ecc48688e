"""Vietnamese text helpers: normalisation, numbering of sections and points, prose lists."""

from __future__ import annotations

import re
import unicodedata

#: Point letters in Vietnamese alphabetical order: đ after d, no f, j, w, z.
POINT_LETTERS = ["a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m", "n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y"]

_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]
_SPACES = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalize_text(value: str) -> str:
    """Return `value` in NFC with control characters removed and blanks collapsed.

    Text typed on different keyboards arrives composed or decomposed ("ệ" as one code
    point or as e + two marks); both must look and compare the same.

    >>> normalize_text("Sở  Nội\\u00a0vụ ") == "Sở Nội vụ"
    True
    >>> normalize_text("Vie\\u0323\\u0302t") == "Việt"
    True
    """
    value = unicodedata.normalize("NFC", value)
    value = _CONTROL.sub("", value)
    return _SPACES.sub(" ", value).strip()


def name_key(value: str) -> str:
    """Return the key under which two unit names count as the same name.

    >>> name_key("Sở  Nội vụ") == name_key("sở nội vụ")
    True
    """
    return normalize_text(value).casefold()


def roman(number: int) -> str:
    """Return `number` in Roman numerals, for section and appendix numbers.

    >>> [roman(n) for n in (1, 4, 5, 9, 14, 40)]
    ['I', 'IV', 'V', 'IX', 'XIV', 'XL']
    """
    if number < 1:
        raise ValueError(f"Roman numerals start at 1, got {number!r}")
    parts = []
    for value, numeral in _ROMAN:
        count, number = divmod(number, value)
        parts.append(numeral * count)
    return "".join(parts)


def point_letter(index: int) -> str:
    """Return the letter of the `index`-th point (0-based): a, b, c, d, đ, e, g …

    >>> [point_letter(i) for i in range(7)]
    ['a', 'b', 'c', 'd', 'đ', 'e', 'g']
    >>> point_letter(9)
    'k'
    """
    return POINT_LETTERS[index]


def join_names(names: list[str]) -> str:
    """Return unit names joined for prose, in the order given.

    >>> join_names(["Sở Xây dựng", "Sở Nội vụ"])
    'Sở Xây dựng, Sở Nội vụ'
    >>> join_names([])
    ''
    """
    return ", ".join(names)


#: Set phrases of the header, the "(Kèm theo …)" line, the titles and Nơi nhận that must
#: never break across lines (matched case-insensitively).
SET_PHRASES = (
    "Ủy ban nhân dân", "Hội đồng nhân dân", "Phó Chủ tịch", "Chủ tịch", "thành phố",
    "Văn phòng", "Mặt trận Tổ quốc", "Quyết định số", "cải cách hành chính", "thị xã",
    "thị trấn",
)

_NBSP = "\u00a0"


def keep_together(text: str, names: tuple[str, ...] = ()) -> str:
    """Return `text` with non-breaking spaces inside the set phrases and inside `names`
    (place names such as "Sơn La"), and between "ngày", "tháng", "năm" and their number,
    so that no line break falls inside them.

    >>> keep_together("của Chủ tịch Ủy ban nhân dân tỉnh Sơn La", ("Sơn La",)).count("\\u00a0")
    5
    >>> keep_together("ngày 16 tháng 12 năm 2025").count("\\u00a0")
    3
    """
    for phrase in (*SET_PHRASES, *names):
        words = phrase.split()
        if len(words) < 2:
            continue
        pattern = r"\b" + r"\s+".join(map(re.escape, words)) + r"\b"
        text = re.sub(pattern, lambda m: re.sub(r"\s+", _NBSP, m.group(0)), text,
                      flags=re.IGNORECASE)
    return re.sub(r"\b(ngày|tháng|năm)\s+(\d+)", rf"\1{_NBSP}\2", text)
