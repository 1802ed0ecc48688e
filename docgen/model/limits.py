"""Check a parsed dossier against the bounds of :mod:`docgen.bounds`, before the work it asks.

Two passes over the raw data (as the YAML or JSON parser built it):

* :func:`check_size`, first, counts what the data holds *with YAML aliases expanded*:
  values, characters of text, depth. A list that names another list nine times, nine
  levels deep, is 611 bytes of YAML and 387 million values once validated; the count
  stops at the first value past the budget, so it costs at most the budget whatever the
  file. Nothing copies or prints the data before this pass.
* :func:`check_values`, after the keys are normalised and the sheets read, names every
  text that is too long or carries a character no document may (a NUL, a lone surrogate,
  a bidirectional control, a character the bundled font lacks: see
  :mod:`docgen.formatting.glyphs`), and every block with too many units, each at its
  place in the file ("khối thứ 1 (khối sở) › đơn vị thứ 3 › tên đơn vị").
"""

from __future__ import annotations

import re
from typing import Any

from docgen import bounds
from docgen.errors import InputError, Problem
from docgen.formatting.glyphs import describe_char, typeface, unprintable
from docgen.formatting.numbers import format_plain
from docgen.model.errors import describe_location

#: Keys whose text is a name (short); every other text is a paragraph or a line.
NAME_KEYS = frozenset({
    "name", "tên", "tên đơn vị", "tên khối", "label", "key", "mã", "short_name", "gọi tắt",
    "type", "loại", "number", "số", "title", "chức vụ", "head_title", "chức vụ người đứng đầu",
    "họ tên", "on_behalf_of", "thay mặt", "place", "địa danh", "abbreviation", "viết tắt",
    "band_term", "tên gọi mức", "range_unit", "đơn vị khoảng", "file", "tệp", "sheet",
    "trang tính", "fields_component", "lĩnh vực thuộc thành phần", "survey_component",
    "thành phần điều tra", "mapping", "ánh xạ", "columns", "cột",
})

#: Problems listed at most (the rest of a hostile file is not worth a longer message).
MAX_PROBLEMS = 50


def check_size(data: Any, source: str) -> None:
    """Raise InputError if `data`, aliases expanded, passes the bounds on values, text or
    depth. Iterative and stopping at the first bound passed: bounded time and memory."""
    nodes = chars = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > bounds.MAX_NODES:
            raise _refuse(source, f"tối đa {format_plain(bounds.MAX_NODES)} giá trị (khóa, "
                          "số, đoạn văn bản) kể cả các giá trị lặp lại bằng bí danh YAML (*)",
                          f"hơn {format_plain(bounds.MAX_NODES)} giá trị")
        if isinstance(value, str):
            chars += len(value)
            if chars > bounds.MAX_TOTAL_CHARS:
                raise _refuse(source, f"tối đa {format_plain(bounds.MAX_TOTAL_CHARS)} ký tự văn "
                              "bản cả hồ sơ, kể cả văn bản lặp lại bằng bí danh YAML (*)",
                              f"hơn {format_plain(bounds.MAX_TOTAL_CHARS)} ký tự")
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > bounds.MAX_DEPTH:
            raise _too_deep(source)
        if isinstance(value, dict):
            for key, item in value.items():
                stack.append((key, depth + 1))
                stack.append((item, depth + 1))
        else:
            stack.extend((item, depth + 1) for item in value)


def too_deep(source: str) -> InputError:
    """The error of a file nested deeper than the bound (also what the parsers give)."""
    return _too_deep(source)


def _too_deep(source: str) -> InputError:
    return _refuse(source, f"các bảng và danh sách lồng nhau tối đa {bounds.MAX_DEPTH} cấp",
                   f"lồng nhau hơn {bounds.MAX_DEPTH} cấp")


def _refuse(source: str, expected: str, found: str) -> InputError:
    return InputError([Problem(source, "tệp", expected, found)])


def check_values(data: Any, source: str) -> None:
    """Raise InputError naming every text of `data` (keys normalised, sheets read) that
    is too long or holds a character no document may, and every block with too many
    units; see the module's description."""
    problems: list[Problem] = []
    _check_units(data, source, problems)
    stack: list[tuple[Any, tuple[Any, ...], bool]] = [(data, (), False)]
    while stack and len(problems) < MAX_PROBLEMS:
        value, loc, is_name = stack.pop()
        if isinstance(value, str):
            problem = _text_problem(value, bounds.MAX_NAME_CHARS if is_name
                                    else bounds.MAX_TEXT_CHARS)
            if problem:
                problems.append(Problem(source, _place(loc, data), *problem))
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str):
                    problem = _text_problem(key, bounds.MAX_NAME_CHARS)
                    if problem:
                        where = _place(loc, data)
                        problems.append(Problem(source, f"{where} › khóa {key[:40]!r}"
                                                if loc else f"khóa {key[:40]!r}", *problem))
                        continue
                name = key in NAME_KEYS or (is_name and isinstance(item, str))
                stack.append((item, (*loc, key), name))
        elif isinstance(value, list):
            stack.extend((item, (*loc, index), is_name)
                         for index, item in reversed(list(enumerate(value))))
    if problems:
        raise InputError(problems[:MAX_PROBLEMS])


def _place(loc: tuple[Any, ...], data: Any) -> str:
    """Return where `loc` is, as the rules name places: "khối thứ 1 (khối sở) › đơn vị thứ
    3 (Sở Y tế) › tên đơn vị" (not "khối › khối thứ 1 …")."""
    return _REPEATED.sub(r"\1\2 thứ ", describe_location(loc, data))


_REPEATED = re.compile(r"(^|› )([^›]+?) › \2 thứ ")


def _text_problem(text: str, limit: int) -> tuple[str, str] | None:
    """Return (expected, found) when `text` is longer than `limit` or unprintable."""
    if len(text) > limit:
        return (f"tối đa {format_plain(limit)} ký tự",
                f"một đoạn văn bản {format_plain(len(text))} ký tự")
    found = unprintable(text)
    if found is None:
        return None
    position, char, why = found
    expected = _EXPECTED.get(why) or (f"chữ có trong phông {typeface().name} của bản PDF "
                                      "(chữ Việt, chữ Latinh, chữ số, dấu câu)")
    return expected, f"{why} {describe_char(char)} ở vị trí {position + 1}"


#: What a text was expected to be, by what was found in it (see glyphs.unprintable).
_EXPECTED = {
    "ký tự thay thế lẻ (surrogate)": "văn bản Unicode hợp lệ",
    "ký tự NUL": "văn bản không có ký tự NUL",
    "ký tự điều khiển hướng chữ": "văn bản không có ký tự điều khiển hướng chữ (RTL/LTR)",
    "ký tự phông Liberation Serif không có": "chữ có trong phông Liberation Serif của bản PDF "
                                             "(chữ Việt, chữ Latinh, chữ số, dấu câu)",
}


def _check_units(data: Any, source: str, problems: list[Problem]) -> None:
    """Append a problem per block with more units than the bound, and one for the dossier."""
    blocks = data.get("blocks", data.get("khối")) if isinstance(data, dict) else None
    if not isinstance(blocks, list):
        return
    total = 0
    for index, block in enumerate(blocks):
        units = block.get("units", block.get("đơn vị")) if isinstance(block, dict) else None
        count = len(units) if isinstance(units, list) else 0
        total += count
        if count > bounds.MAX_UNITS_PER_BLOCK:
            key = "units" if "units" in block else "đơn vị"
            problems.append(Problem(source, _place(("blocks", index, key), data),
                                    f"tối đa {format_plain(bounds.MAX_UNITS_PER_BLOCK)} đơn vị "
                                    "một khối", f"{format_plain(count)} đơn vị"))
    if total > bounds.MAX_UNITS:
        problems.append(Problem(source, "khối", f"tối đa {format_plain(bounds.MAX_UNITS)} đơn vị "
                                "cả hồ sơ", f"{format_plain(total)} đơn vị"))
