"""Rules that relate the fields of a dossier to each other.

The models check shape and types; these checks need the whole dossier: a score above its
component's maximum, components that do not add up to the total, two units with the same
name, bands that overlap or leave a gap. Each returns :class:`~docgen.errors.Problem`s
that name the block, the unit and the field in Vietnamese.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from docgen.errors import Problem
from docgen.formatting.numbers import format_plain
from docgen.formatting.text import name_key
from docgen.model.dossier import Block, Citation, Decision, Dossier, Scheme, Unit

_FULL_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$|^(\d{1,2})/(\d{1,2})/(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$|^(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> tuple[int, int | None, int | None]:
    """Return (year, month, day) of a full or month-only date; raise ValueError.

    >>> parse_date("2025-12-16"), parse_date("16/12/2025"), parse_date("2025-12")
    ((2025, 12, 16), (2025, 12, 16), (2025, 12, None))
    """
    full = _FULL_DATE.match(text.strip())
    if full:
        y, m, d = (full.group(1), full.group(2), full.group(3)) if full.group(1) else (
            full.group(6), full.group(5), full.group(4))
        value = date(int(y), int(m), int(d))  # raises on 31/02
        return value.year, value.month, value.day
    month = _MONTH.match(text.strip())
    if month:
        y, m = (month.group(1), month.group(2)) if month.group(1) else (month.group(4), month.group(3))
        if not 1 <= int(m) <= 12:
            raise ValueError(f"month out of range: {m}")
        return int(y), int(m), None
    raise ValueError(f"not a date: {text!r}")


def check_rules(dossier: Dossier, source: str) -> list[Problem]:
    """Return every rule the dossier breaks (empty when it is usable)."""
    problems = _check_scheme(dossier.scheme, source)
    for number, block in enumerate(dossier.blocks, start=1):
        if block.scheme is not None and not problems:  # else the dossier's problems twice
            problems += _check_scheme(dossier.scheme_of(block), source,
                                      f"khối thứ {number} ({block.name}) › thang điểm")
    problems += _check_dates(dossier, source)
    problems += _check_executors(dossier, source)
    problems += _check_previous(dossier, source)
    if problems:  # unit checks read the scheme; a broken scheme would only add noise
        return problems
    for number, block in enumerate(dossier.blocks, start=1):
        problems += _check_block(block, number, dossier.scheme_of(block), source)
    if dossier.survey is not None:
        s = dossier.survey
        where = "điều tra xã hội học"
        if s.returned > s.issued:
            problems.append(Problem(source, f"{where} › phiếu thu về",
                                    f"không quá số phiếu phát ra ({s.issued})", str(s.returned)))
        if s.valid > s.returned:
            problems.append(Problem(source, f"{where} › phiếu hợp lệ",
                                    f"không quá số phiếu thu về ({s.returned})", str(s.valid)))
    return problems


def _check_previous(dossier: Dossier, source: str) -> list[Problem]:
    """The previous round is either a file or an archived dossier: exactly one of the two."""
    previous = dossier.previous
    if previous is None or (previous.file is None) != (previous.dossier is None):
        return []
    found = "cả hai" if previous.file is not None else "không có cái nào"
    return [Problem(source, "kỳ trước", "đúng một trong 'tệp' (tệp hồ sơ kỳ trước) và 'hồ sơ' "
                    "(số hồ sơ kỳ trước trong kho lưu trữ)", found)]


def _check_executors(dossier: Dossier, source: str) -> list[Problem]:
    """An issued decision that uses the template's Điều 3 names who carries it out: without
    them the article would read "Điều 3.  chịu trách nhiệm thi hành …". A draft may still
    lack them (it then shows what to fill in)."""
    decision = dossier.decision
    if not lacks_executors(decision) or decision.number is None:
        return []
    try:
        _year, _month, day = parse_date(decision.date or "")
    except ValueError:
        return []  # reported by the date check, or undated: a draft
    if day is None:
        return []
    return [executors_problem(source)]


def lacks_executors(decision: Decision) -> bool:
    """True when the decision takes the template's Điều 3 but names nobody in it."""
    return not decision.articles and not decision.executors


def executors_problem(source: str) -> Problem:
    """What an issued decision lacking its executors is told (at load and before issuing)."""
    return Problem(source, "quyết định › tổ chức thực hiện",
                   "những người chịu trách nhiệm thi hành Quyết định (Điều 3 của mẫu), ví dụ "
                   "«Chánh Văn phòng Ủy ban nhân dân tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các "
                   "sở, ban, ngành»; hoặc ghi đủ các Điều ở «điều»", "không có")


def _check_dates(dossier: Dossier, source: str) -> list[Problem]:
    problems = []
    places = [("quyết định › ngày", dossier.decision.date)]
    places += [(f"quyết định › căn cứ thứ {i} › ngày", b.date)
               for i, b in enumerate(dossier.decision.bases, start=1) if isinstance(b, Citation)]
    for where, text in places:
        if not text:
            continue
        try:
            year, month, day = parse_date(text)
        except ValueError:
            problems.append(Problem(source, where, "ngày dạng YYYY-MM-DD (hoặc YYYY-MM cho dự thảo)",
                                    repr(text)))
            continue
        if where.startswith("quyết định › căn cứ") and day is None:
            problems.append(Problem(source, where, "ngày đầy đủ YYYY-MM-DD", repr(text)))
    return problems


def _check_scheme(scheme: Scheme, source: str, where: str = "thang điểm") -> list[Problem]:
    """Check one scheme: the dossier's, or a block's effective one (named by `where`)."""
    problems: list[Problem] = []
    keys = [c.key for c in scheme.components]
    if len(set(keys)) != len(keys):
        problems.append(Problem(source, f"{where} › thành phần", "mã thành phần không trùng nhau",
                                ", ".join(keys)))
    if scheme.components:
        total = sum((c.max for c in scheme.components), Decimal(0))
        if total != scheme.max_total:
            problems.append(Problem(
                source, f"{where} › thành phần",
                f"tổng điểm tối đa các thành phần bằng {format_plain(scheme.max_total)}",
                format_plain(total)))
    for name, key in (("lĩnh vực thuộc thành phần", scheme.fields_component),
                      ("thành phần điều tra", scheme.survey_component)):
        if key is not None and key not in keys:
            problems.append(Problem(source, f"{where} › {name}",
                                    f"một mã thành phần ({', '.join(keys) or 'chưa khai báo'})",
                                    repr(key)))
    if scheme.fields:
        field_sum = sum((f.max for f in scheme.fields), Decimal(0))
        target = scheme.max_total
        label = "điểm tối đa tổng"
        if scheme.fields_component in keys:
            component = scheme.components[keys.index(scheme.fields_component)]
            target, label = component.max, f"điểm tối đa thành phần '{component.key}'"
        if field_sum != target:
            problems.append(Problem(source, f"{where} › lĩnh vực",
                                    f"tổng điểm tối đa các lĩnh vực bằng {label} ({format_plain(target)})",
                                    format_plain(field_sum)))
    problems += _check_bands(scheme, source, where)
    return problems


def _check_bands(scheme: Scheme, source: str, where_scheme: str = "thang điểm") -> list[Problem]:
    """Bands go from the highest down, each upper bound equal to the next lower bound."""
    problems: list[Problem] = []
    bands = scheme.bands
    for i, band in enumerate(bands, start=1):
        where = f"{where_scheme} › xếp loại › mức thứ {i} ({band.label})"
        if band.lower is not None and band.upper is not None and band.lower >= band.upper:
            problems.append(Problem(source, where, "cận dưới nhỏ hơn cận trên",
                                    f"từ {format_plain(band.lower)} dưới {format_plain(band.upper)}"))
    if bands[0].upper is not None:
        problems.append(Problem(source, f"{where_scheme} › xếp loại › mức thứ 1 ({bands[0].label})",
                                "mức cao nhất không có cận trên ('dưới')",
                                f"dưới {format_plain(bands[0].upper)}"))
    if bands[-1].lower not in (None, Decimal(0)):
        problems.append(Problem(source, f"{where_scheme} › xếp loại › mức thứ {len(bands)} ({bands[-1].label})",
                                "mức thấp nhất bắt đầu từ 0 (bỏ trống 'từ')",
                                f"từ {format_plain(bands[-1].lower)}"))
    for i in range(len(bands) - 1):
        higher, lower = bands[i], bands[i + 1]
        where = f"{where_scheme} › xếp loại › mức thứ {i + 2} ({lower.label})"
        if higher.lower is None:
            problems.append(Problem(source, f"{where_scheme} › xếp loại › mức thứ {i + 1} ({higher.label})",
                                    "cận dưới ('từ') cho mọi mức trừ mức thấp nhất", "không có"))
        elif lower.upper != higher.lower:
            found = "không có" if lower.upper is None else f"dưới {format_plain(lower.upper)}"
            kind = "chồng lấn" if lower.upper is None or lower.upper > higher.lower else "khoảng hở"
            problems.append(Problem(
                source, where,
                f"cận trên bằng cận dưới của mức '{higher.label}' (dưới {format_plain(higher.lower)}),"
                f" không {kind}",
                found))
    labels = [name_key(b.label) for b in bands]
    if len(set(labels)) != len(labels):
        problems.append(Problem(source, f"{where_scheme} › xếp loại", "tên các mức không trùng nhau",
                                ", ".join(b.label for b in bands)))
    return problems


def _check_block(block: Block, number: int, scheme: Scheme, source: str) -> list[Problem]:
    problems: list[Problem] = []
    if not block.units:
        return [Problem(source, f"khối thứ {number} ({block.name}) › đơn vị",
                        "danh sách đơn vị, hoặc 'nguồn' (một tệp bảng tính)", "không có")]
    seen: dict[str, int] = {}
    for index, unit in enumerate(block.units, start=1):
        where = f"khối thứ {number} ({block.name}) › đơn vị thứ {index} ({unit.name})"
        key = name_key(unit.name)
        if key in seen:
            problems.append(Problem(source, where, "tên đơn vị không trùng trong khối",
                                    f"trùng tên với đơn vị thứ {seen[key]}"))
        else:
            seen[key] = index
        problems += _check_unit(unit, where, scheme, source)
    return problems


def _check_unit(unit: Unit, where: str, scheme: Scheme, source: str) -> list[Problem]:
    problems: list[Problem] = []
    if unit.total is None and not unit.scores and not unit.fields:
        return [Problem(source, where, "tổng điểm, hoặc điểm thành phần, hoặc điểm lĩnh vực",
                        "không có điểm nào")]
    problems += _check_parts(unit.scores, {c.key: c.max for c in scheme.components},
                             f"{where} › điểm thành phần", source)
    problems += _check_parts(unit.fields, {f.key: f.max for f in scheme.fields},
                             f"{where} › điểm lĩnh vực", source)
    problems += _check_parts(unit.self_fields, {f.key: f.max for f in scheme.fields},
                             f"{where} › tự đánh giá lĩnh vực", source)
    if unit.self_total is not None and not Decimal(0) <= unit.self_total <= scheme.max_total:
        problems.append(Problem(source, f"{where} › điểm tự đánh giá",
                                f"từ 0 đến {format_plain(scheme.max_total)}",
                                format_plain(unit.self_total)))
    if problems:
        return problems
    total = unit.total
    if total is not None and not Decimal(0) <= total <= scheme.max_total:
        problems.append(Problem(source, f"{where} › tổng điểm",
                                f"từ 0 đến {format_plain(scheme.max_total)}", format_plain(total)))
    if unit.scores:
        component_sum = sum(unit.scores.values(), Decimal(0))
        if total is not None and component_sum != total:
            problems.append(Problem(source, f"{where} › tổng điểm",
                                    f"bằng tổng điểm thành phần ({format_plain(component_sum)})",
                                    format_plain(total)))
        total = component_sum
    if unit.fields:
        field_sum = sum(unit.fields.values(), Decimal(0))
        target, label = total, "tổng điểm"
        if scheme.fields_component is not None and unit.scores:
            target = unit.scores[scheme.fields_component]
            label = f"điểm thành phần '{scheme.fields_component}'"
        if target is not None and field_sum != target:
            problems.append(Problem(source, f"{where} › điểm lĩnh vực",
                                    f"cộng lại bằng {label} ({format_plain(target)})",
                                    format_plain(field_sum)))
    return problems


def _check_parts(given: dict[str, Decimal], maxima: dict[str, Decimal], where: str,
                 source: str) -> list[Problem]:
    if not given:
        return []
    problems = []
    if set(given) != set(maxima):
        expected = ", ".join(maxima) or "không có (thang điểm chưa khai báo)"
        problems.append(Problem(source, where, f"đủ và đúng các mã: {expected}",
                                ", ".join(given)))
        return problems
    for key, value in given.items():
        if not Decimal(0) <= value <= maxima[key]:
            problems.append(Problem(source, f"{where} › '{key}'",
                                    f"từ 0 đến {format_plain(maxima[key])}", format_plain(value)))
    return problems
