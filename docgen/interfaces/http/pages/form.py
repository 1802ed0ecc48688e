"""The dossier as a form and back: field names, text conventions, and where problems go.

The editor posts the whole form each time (no state on the server between two posts).
It starts from the dossier's data (``base``, carried in the form as JSON); the fields of
the form replace the parts they show, so nothing the form does not show is lost. The data
is then validated by the loader, exactly as an uploaded file, and each problem is put
beside the field it concerns: a problem's location ("quyết định › căn cứ thứ 2 › ngày")
is reduced to a key, and the field whose key is its longest prefix gets it.

Text conventions (explained beside the text areas): a list is one item per line; a
narrative section is written as ``# Tiêu đề khoản`` lines, each followed by its
paragraphs (one per line; a line starting with "- " or "+ " is a list item) and its points
``## Tiêu đề điểm``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docgen.errors import Problem

#: The simple fields: form name -> (path in the data, label, kind, hint).
#: Kinds: text, int, number (a score), lines (one item per line), para (a long text).
FIELDS: dict[str, tuple[tuple[str, ...], str, str, str]] = {
    "year": (("year",), "Năm đánh giá", "int", ""),
    "subject": (("subject",), "Đối tượng đánh giá", "text",
                "Sau chữ 'của': các sở, ban, ngành, Ủy ban nhân dân các xã, phường."),
    "issuer.parent": (("issuer", "parent"), "Cơ quan chủ quản", "lines",
                      "Mỗi dòng một dòng của tên; bỏ trống nếu không có."),
    "issuer.name": (("issuer", "name"), "Cơ quan ban hành", "lines",
                    "Tên cơ quan ban hành, tối đa 3 dòng, ví dụ ỦY BAN NHÂN DÂN / TỈNH SƠN LA."),
    "issuer.place": (("issuer", "place"), "Địa danh", "text", "Ví dụ: Sơn La."),
    "issuer.abbreviation": (("issuer", "abbreviation"), "Viết tắt trong ký hiệu", "text",
                            "Ví dụ: UBND (ký hiệu QĐ-UBND)."),
    "issuer.authority": (("issuer", "authority"), "Thẩm quyền ban hành", "text",
                         "Chữ in hoa: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH."),
    "issuer.authority_name": (("issuer", "authority_name"), "Tên thẩm quyền (trong câu)", "text",
                              "Chủ tịch Ủy ban nhân dân tỉnh."),
    "decision.number": (("decision", "number"), "Số", "int",
                        "Bỏ trống khi còn là dự thảo; văn thư cấp số khi ban hành."),
    "decision.date": (("decision", "date"), "Ngày", "text",
                      "YYYY-MM-DD hoặc DD/MM/YYYY; khi dự thảo có thể chỉ ghi tháng: 2025-12."),
    "decision.subject_lines": (("decision", "subject_lines"), "Trích yếu", "lines",
                               "Mỗi dòng một dòng của trích yếu."),
    "decision.proposal": (("decision", "proposal"), "Theo đề nghị", "para",
                          "Dòng 'Theo đề nghị của …', không có dấu câu cuối."),
    "decision.executors": (("decision", "executors"), "Tổ chức thực hiện", "para",
                           "Những người chịu trách nhiệm thi hành (Điều 3)."),
    "decision.attachments_phrase": (("decision", "attachments_phrase"), "Kèm theo", "text",
                                    "Ví dụ: Báo cáo, Phụ lục kết quả."),
    "decision.signer.on_behalf_of": (("decision", "signer", "on_behalf_of"), "Thay mặt (TM.)",
                                     "text", "Tập thể mà người ký thay mặt; thường bỏ trống."),
    "decision.signer.authority": (("decision", "signer", "authority"), "Quyền hạn ký", "choice",
                                  "KT., Q., TL., TUQ.; bỏ trống khi người đứng đầu ký."),
    "decision.signer.head_title": (("decision", "signer", "head_title"),
                                   "Chức vụ người đứng đầu", "text", "Sau KT./TL.: CHỦ TỊCH."),
    "decision.signer.title": (("decision", "signer", "title"), "Chức vụ người ký", "text",
                              "Ví dụ: PHÓ CHỦ TỊCH."),
    "decision.signer.name": (("decision", "signer", "name"), "Họ tên người ký", "text", ""),
    "decision.recipients": (("decision", "recipients"), "Nơi nhận", "lines",
                            "Mỗi dòng một nơi nhận."),
    "decision.archive": (("decision", "archive"), "Lưu", "text", "Phần sau 'Lưu:', ví dụ VT, NC."),
    "scheme.max_total": (("scheme", "max_total"), "Điểm tối đa", "number", ""),
    "scheme.survey_component": (("scheme", "survey_component"), "Thành phần điều tra XHH",
                                "text", "Mã thành phần là điểm điều tra xã hội học."),
    "scheme.fields_component": (("scheme", "fields_component"),
                                "Lĩnh vực cộng thành thành phần", "text",
                                "Mã thành phần mà điểm các lĩnh vực cộng lại thành; bỏ trống: "
                                "cộng thành tổng điểm."),
    "scheme.band_term": (("scheme", "band_term"), "Từ trước tên mức", "text", "Mức hoặc Nhóm."),
    "scheme.range_unit": (("scheme", "range_unit"), "Đơn vị khoảng điểm", "text", "% hoặc điểm."),
    "scheme.tie_rule": (("scheme", "tie_rule"), "Cách xếp hạng khi bằng điểm", "choice",
                        "Hai đơn vị bằng điểm cùng hạng; chọn hạng của đơn vị kế tiếp."),
    "scheme.score_decimals": (("scheme", "score_decimals"), "Số chữ số thập phân của điểm",
                              "int", "0 đến 4."),
    "scheme.share_decimals": (("scheme", "share_decimals"), "Số chữ số thập phân của tỷ lệ",
                              "int", "0 đến 4."),
    "survey.title": (("survey", "title"), "Tiêu đề mục điều tra", "text", ""),
    "survey.issued": (("survey", "issued"), "Số phiếu phát ra", "int", ""),
    "survey.returned": (("survey", "returned"), "Số phiếu thu về", "int", ""),
    "survey.valid": (("survey", "valid"), "Số phiếu hợp lệ", "int", ""),
    "survey.points": (("survey", "points"), "Nội dung mục điều tra", "points", ""),
    "report.title_lines": (("report", "title_lines"), "Tên báo cáo", "lines", ""),
    "report.method": (("report", "method"), "Phương pháp đánh giá", "lines", ""),
    "report.criteria_source": (("report", "criteria_source"), "Văn bản ban hành bộ tiêu chí",
                               "text", "Ví dụ: Quyết định số 2712/QĐ-UBND."),
    "report.implementation": (("report", "implementation"), "Tình hình triển khai", "sections",
                              ""),
    "report.results_intro": (("report", "results_intro"), "Căn cứ xếp loại", "lines", ""),
    "report.assessment": (("report", "assessment"), "Nhận xét, đánh giá", "sections", ""),
    "report.direction": (("report", "direction"), "Phương hướng, nhiệm vụ", "sections", ""),
    "appendix_title": (("appendix_title",), "Tên phụ lục", "lines", "Chữ in hoa, mỗi dòng một dòng."),
}

#: The drop-downs: (value kept in the dossier, text the person reads).
CHOICES = {"decision.signer.authority": [("", "(không ghi)"),
                                         ("KT.", "KT. (ký thay)"), ("Q.", "Q. (quyền)"),
                                         ("TL.", "TL. (thừa lệnh)"),
                                         ("TUQ.", "TUQ. (thừa ủy quyền)")],
           "scheme.tie_rule": [("standard", "Đồng hạng rồi bỏ bậc: 1, 2, 2, 4"),
                               ("dense", "Đồng hạng không bỏ bậc: 1, 2, 2, 3")]}

#: Vietnamese names of the paths, as the loader's messages name them.
_VI = {"year": "năm", "subject": "đối tượng", "issuer": "cơ quan", "parent": "cơ quan chủ quản",
       "name": "cơ quan ban hành", "place": "địa danh", "abbreviation": "viết tắt",
       "authority": "thẩm quyền", "authority_name": "tên thẩm quyền", "decision": "quyết định",
       "number": "số", "date": "ngày", "subject_lines": "trích yếu", "bases": "căn cứ",
       "proposal": "theo đề nghị", "executors": "tổ chức thực hiện",
       "attachments_phrase": "kèm theo", "signer": "người ký", "on_behalf_of": "thay mặt",
       "head_title": "chức vụ người đứng đầu", "title": "chức vụ", "recipients": "nơi nhận",
       "archive": "lưu", "scheme": "thang điểm", "max_total": "điểm tối đa",
       "survey_component": "thành phần điều tra", "fields_component": "lĩnh vực thuộc thành phần",
       "band_term": "tên gọi mức", "range_unit": "đơn vị khoảng", "tie_rule": "cách xếp hạng",
       "score_decimals": "số lẻ điểm", "share_decimals": "số lẻ tỷ lệ",
       "survey": "điều tra xã hội học", "issued": "phiếu phát ra", "returned": "phiếu thu về",
       "valid": "phiếu hợp lệ", "points": "điểm", "report": "báo cáo",
       "title_lines": "tên báo cáo", "method": "phương pháp",
       "criteria_source": "văn bản bộ tiêu chí", "implementation": "tình hình triển khai",
       "results_intro": "căn cứ xếp loại", "assessment": "nhận xét đánh giá",
       "direction": "phương hướng", "appendix_title": "tên phụ lục"}
_VI_SIGNER = {"authority": "quyền hạn", "name": "họ tên", "title": "chức vụ"}


def field_key(name: str) -> str:
    """The location key of a simple field: ``decision.signer.name`` -> 'quyết định › người ký › họ tên'."""
    path = FIELDS[name][0]
    words = []
    for i, step in enumerate(path):
        if path[:2] == ("decision", "signer") and i == 2:
            words.append(_VI_SIGNER.get(step, _VI.get(step, step)))
        elif path[0] == "decision" and i == 1 and step == "number":
            words.append("số")
        elif path[0] == "survey" and step == "title":
            words.append("tiêu đề")
        elif path[0] == "decision" and step == "subject_lines":
            words.append("trích yếu")
        else:
            words.append(_VI.get(step, step))
    return " › ".join(words)


def location_key(location: str) -> str:
    """Reduce a problem's location to the key the form's fields are known by.

    >>> location_key("quyết định › căn cứ › căn cứ thứ 2 › ngày")
    'quyết định › căn cứ thứ 2 › ngày'
    >>> location_key("khối › khối thứ 1 (khối sở) › đơn vị › đơn vị thứ 3 (Sở Y tế) › tổng điểm")
    'khối thứ 1 › đơn vị thứ 3 › tổng điểm'
    """
    parts: list[str] = []
    for raw in location.split(" › "):
        part = re.sub(r"\s*\(.*\)$", "", raw.strip())
        found = re.match(r"^(.*) thứ \d+$", part)
        if found and parts and parts[-1] == found.group(1):
            parts[-1] = part
        else:
            parts.append(part)
    return " › ".join(parts)


def place_problems(problems: list[Problem], keys: dict[str, str]
                   ) -> tuple[dict[str, list[str]], list[str]]:
    """Give each problem to the form field (name -> key) whose key is its longest prefix.

    Returns the messages by field name, and those no field takes (shown at the top).
    """
    by_field: dict[str, list[str]] = {}
    rest: list[str] = []
    fields = {key: name for name, key in keys.items()}
    for problem in problems:
        text = f"Cần {problem.expected}" + (f"; nhận được {problem.found}"
                                            if problem.found is not None else "")
        name = _field_for(location_key(problem.location), fields)
        if name is not None:
            by_field.setdefault(name, []).append(text)
        else:
            rest.append(f"{problem.location}: {text[0].lower()}{text[1:]}")
    return by_field, rest


def _field_for(key: str, fields: dict[str, str]) -> str | None:
    """The field of the longest leading part of `key`; "đơn vị thứ 3" also counts as
    "đơn vị" (the list the form shows as one field)."""
    parts = key.split(" › ")
    for end in range(len(parts), 0, -1):
        head = parts[:end]
        for candidate in (head, [*head[:-1], re.sub(r" thứ \d+$", "", head[-1])]):
            name = fields.get(" › ".join(candidate))
            if name is not None:
                return name
    return None


# -- text conventions ------------------------------------------------------------------------

def lines_text(value: Any) -> str:
    return "\n".join(value) if isinstance(value, list) else str(value or "")


def text_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def sections_text(sections: Any) -> str:
    """Subsections (title, body, points) as the text the editor shows."""
    blocks = []
    for section in sections or []:
        lines = [f"# {section.get('title') or ''}".rstrip()]
        lines += section.get("body") or []
        for point in section.get("points") or []:
            lines.append(f"## {point.get('title') or ''}".rstrip())
            lines += point.get("body") or []
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def text_sections(text: str) -> list[dict[str, Any]]:
    """Parse the editor's text back into subsections.

    >>> text_sections("# Kết quả\\nĐoạn một.\\n- mục\\n## Hạn chế\\nĐoạn hai.")
    [{'title': 'Kết quả', 'body': ['Đoạn một.', '- mục'], 'points': [{'title': 'Hạn chế', 'body': ['Đoạn hai.']}]}]
    """
    sections: list[dict[str, Any]] = []
    point: dict[str, Any] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("##"):
            if not sections:
                sections.append({"title": None, "body": [], "points": []})
            point = {"title": line[2:].strip() or None, "body": []}
            sections[-1]["points"].append(point)
        elif line.startswith("#"):
            sections.append({"title": line[1:].strip() or None, "body": [], "points": []})
            point = None
        else:
            if not sections:
                sections.append({"title": None, "body": [], "points": []})
            (point or sections[-1])["body"].append(line)
    return sections


def points_text(points: Any) -> str:
    return sections_text([{"title": p.get("title"), "body": p.get("body")} for p in points or []])


def text_points(text: str) -> list[dict[str, Any]]:
    return [{"title": s["title"], "body": s["body"]} for s in text_sections(text)]


# -- data <-> form ---------------------------------------------------------------------------

def _get(data: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        data = data.get(step) if isinstance(data, dict) else None
    return data


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for step in path[:-1]:
        child = data.get(step)
        if not isinstance(child, dict):
            child = data[step] = {}
        data = child
    if value is None:
        data.pop(path[-1], None)
    else:
        data[path[-1]] = value


def shown_value(data: dict[str, Any], name: str) -> str:
    """The text a field shows for the data."""
    path, _label, kind, _hint = FIELDS[name]
    value = _get(data, path)
    if kind == "lines":
        return lines_text(value)
    if kind == "sections":
        return sections_text(value)
    if kind == "points":
        return points_text(value)
    return "" if value is None else str(value)


def _parsed(kind: str, text: str) -> Any:
    text = text.replace("\r\n", "\n")
    if kind == "lines":
        return text_lines(text)
    if kind == "sections":
        return text_sections(text)
    if kind == "points":
        return text_points(text)
    text = text.strip()
    if not text:
        return None
    if kind == "int":
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else text  # the loader names it
    return text


@dataclass
class Row:
    """One row of a list the editor shows as a table (căn cứ, thành phần, mức…)."""

    values: dict[str, str]


#: The lists shown as rows: name -> (path, columns, key of the list in messages, item word).
LISTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "components": (("scheme", "components"), ("key", "name", "max"),
                   "thang điểm › thành phần thứ {n}"),
    "fields": (("scheme", "fields"), ("key", "name", "max"), "thang điểm › lĩnh vực thứ {n}"),
    "bands": (("scheme", "bands"), ("label", "lower", "upper"), "thang điểm › xếp loại › mức thứ {n}"),
}
BASIS_COLUMNS = ("text", "type", "number", "date", "issuer", "subject")
BLOCK_COLUMNS = ("name", "description", "short_name", "subject", "criteria_fields",
                 "criteria_criteria", "criteria_sub")


def rows_of(data: dict[str, Any], name: str) -> list[dict[str, str]]:
    path, columns, _key = LISTS[name]
    return [{c: "" if item.get(c) is None else str(item.get(c)) for c in columns}
            for item in (_get(data, path) or []) if isinstance(item, dict)]


def bases_of(data: dict[str, Any]) -> list[dict[str, str]]:
    rows = []
    for item in _get(data, ("decision", "bases")) or []:
        if isinstance(item, dict):
            rows.append({"kind": "citation", **{c: str(item.get(c) or "") for c in BASIS_COLUMNS
                                                if c != "text"}, "text": ""})
        else:
            rows.append({"kind": "text", "text": str(item), **{c: "" for c in BASIS_COLUMNS[1:]}})
    return rows


def blocks_of(data: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for block in data.get("blocks") or []:
        if not isinstance(block, dict):
            continue
        criteria = block.get("criteria") or {}
        found.append({"name": block.get("name") or "", "description": block.get("description") or "",
                      "short_name": block.get("short_name") or "",
                      "subject": block.get("subject") or "",
                      "criteria_fields": str(criteria.get("fields", "")),
                      "criteria_criteria": str(criteria.get("criteria", "")),
                      "criteria_sub": str(criteria.get("sub_criteria", "")),
                      "units": block.get("units") or []})
    return found


def _json_default(value: Any) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=_json_default)


def from_form(form: dict[str, str], base: dict[str, Any]) -> dict[str, Any]:
    """Return the dossier data: `base` with every part the form shows replaced."""
    data = json.loads(json.dumps(base))  # a copy
    for name, (path, _label, kind, _hint) in FIELDS.items():
        if name in form:
            _set(data, path, _parsed(kind, form[name]))
    if "survey.issued" in form and not any(form.get(f"survey.{k}", "").strip()
                                           for k in ("issued", "returned", "valid")):
        data.pop("survey", None)  # no survey figures: no survey section
    for name, (path, columns, _key) in LISTS.items():
        count = _count(form, name)
        if count is None:
            continue
        items = []
        for i in range(count):
            item = {c: form.get(f"{name}-{i}-{c}", "").strip() for c in columns}
            if not any(item.values()):
                continue
            items.append({c: v for c, v in item.items() if v != ""})
        _set(data, path, items)
    count = _count(form, "bases")
    if count is not None:
        bases: list[Any] = []
        for i in range(count):
            if form.get(f"bases-{i}-kind") == "text":
                text = form.get(f"bases-{i}-text", "").strip()
                if text:
                    bases.append(text)
            else:
                item = {c: form.get(f"bases-{i}-{c}", "").strip() for c in BASIS_COLUMNS[1:]}
                if any(item.values()):
                    bases.append({c: v for c, v in item.items() if v or c in ("type", "number",
                                                                               "date")})
        _set(data, ("decision", "bases"), bases)
    count = _count(form, "blocks")
    if count is not None:
        blocks = []
        old = data.get("blocks") or []
        for i in range(count):
            block = dict(old[i]) if i < len(old) and isinstance(old[i], dict) else {}
            for c in ("name", "description", "short_name", "subject"):
                block[c] = form.get(f"blocks-{i}-{c}", "").strip()
            criteria = {k: _parsed("int", form.get(f"blocks-{i}-criteria_{f}", ""))
                        for k, f in (("fields", "fields"), ("criteria", "criteria"),
                                     ("sub_criteria", "sub"))}
            if any(v is not None for v in criteria.values()):
                block["criteria"] = criteria
            else:
                block.pop("criteria", None)
            units = form.get(f"blocks-{i}-units")
            if units is not None:
                block["units"] = json.loads(units or "[]")
            block.pop("source", None)
            blocks.append(block)
        data["blocks"] = blocks
    previous = form.get("previous.dossier")
    if previous is not None:
        if previous.strip():
            mapping = {}
            for i in range(_count(form, "previous-map") or 0):
                new, old_name = (form.get(f"previous-map-{i}-new", "").strip(),
                                 form.get(f"previous-map-{i}-old", "").strip())
                if new and old_name:
                    mapping[new] = old_name
            number = _parsed("int", previous)
            data["previous"] = {"dossier": number, **({"mapping": mapping} if mapping else {})}
        else:
            data.pop("previous", None)
    return data


def _count(form: dict[str, str], name: str) -> int | None:
    text = form.get(f"{name}-count")
    if text is None:
        return None
    return min(int(text), 500) if text.isdigit() else 0


#: Names of the groups of rows, for the list of problems.
_GROUP_NAMES = {"bases": "Căn cứ", "components": "Thành phần điểm", "fields": "Lĩnh vực",
                "bands": "Mức xếp loại", "blocks": "Khối", "previous": "Kỳ trước"}


def anchor(name: str) -> str:
    """The id of the element a field's problem links to.

    >>> anchor("decision.signer.name"), anchor("bases-2"), anchor("blocks-1-units")
    ('f-decision-signer-name', 'basis-2', 'block-1')
    """
    if name in FIELDS:
        return "f-" + name.replace(".", "-")
    group, _, rest = name.partition("-")
    index = rest.split("-", 1)[0]
    if group == "bases":
        return f"basis-{index}" if index else "bases-title"
    if group == "blocks":
        return f"block-{index}" if index else "blocks-title"
    if group == "previous":
        return "g-previous"
    return f"{group}-{index}" if index else f"{group}-title"


def label(name: str) -> str:
    """What a field is called in the list of problems.

    >>> label("decision.signer.name"), label("blocks-1-units"), label("bases-0")
    ('Họ tên người ký', 'Khối thứ 2', 'Căn cứ thứ 1')
    """
    if name in FIELDS:
        return FIELDS[name][1]
    group, _, rest = name.partition("-")
    index = rest.split("-", 1)[0]
    word = _GROUP_NAMES.get(group, group)
    return f"{word} thứ {int(index) + 1}" if index.isdigit() else word


def error_keys(data: dict[str, Any]) -> dict[str, str]:
    """Form field name -> the location key its problems have."""
    keys = {name: field_key(name) for name in FIELDS}
    keys["bases"] = "quyết định › căn cứ"
    for i in range(len(_get(data, ("decision", "bases")) or [])):
        keys[f"bases-{i}"] = f"quyết định › căn cứ thứ {i + 1}"
    for name, (path, _columns, key) in LISTS.items():
        keys[name] = " › ".join(_VI.get(p, p) for p in path) if name != "bands" else \
            "thang điểm › xếp loại"
        if name == "components":
            keys[name] = "thang điểm › thành phần"
        for i in range(len(_get(data, path) or [])):
            keys[f"{name}-{i}"] = key.format(n=i + 1)
    keys["blocks"] = "khối"
    for i in range(len(data.get("blocks") or [])):
        keys[f"blocks-{i}"] = f"khối thứ {i + 1}"
        for column, word in (("name", "tên khối"), ("description", "mô tả"),
                             ("short_name", "gọi tắt"), ("subject", "chủ thể"),
                             ("criteria", "bộ tiêu chí")):
            keys[f"blocks-{i}-{column}"] = f"khối thứ {i + 1} › {word}"
        keys[f"blocks-{i}-units"] = f"khối thứ {i + 1} › đơn vị"
    keys["previous"] = "kỳ trước"
    return keys
