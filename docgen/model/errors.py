"""Turn pydantic's validation errors into one-line Vietnamese messages for staff.

A location reads the way staff think of their file: "khối thứ 2 (khối xã) › đơn vị thứ 14
(Chiềng Sung) › tổng điểm", not ``blocks.1.units.13.total``.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from pydantic import BaseModel

from docgen.errors import Problem
from docgen.model.dossier import Dossier

#: Vietnamese names of list items, by the field that holds the list.
_ITEM_NAMES = {
    "blocks": "khối", "units": "đơn vị", "bases": "căn cứ", "recipients": "nơi nhận",
    "components": "thành phần", "fields": "lĩnh vực", "bands": "mức", "articles": "điều",
    "implementation": "khoản", "assessment": "khoản", "direction": "khoản", "points": "điểm",
    "body": "đoạn", "method": "đoạn", "results_intro": "đoạn",
}


def _vietnamese_name(model: type[BaseModel] | None, field: str) -> tuple[str, type[BaseModel] | None]:
    """Return the Vietnamese key of `field` in `model` and the model nested under it."""
    if model is None or field not in model.model_fields:
        return field, None
    info = model.model_fields[field]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    nested = _first_model(info.annotation)
    return str(extra.get("x-vi", field)), nested


def _first_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _first_model(arg)
        if found:
            return found
    return None


def _item_label(item: Any) -> str:
    if isinstance(item, dict):
        for key in ("name", "tên đơn vị", "tên khối", "label", "tên", "key", "mã"):
            if isinstance(item.get(key), str):
                return f" ({_clipped(item[key])})"
    return ""


def _clipped(text: str, limit: int = 60) -> str:
    """Return `text` cut to `limit` characters for a message (a name may be huge), with
    the characters a terminal cannot show safely (NUL, a lone surrogate, an RTL override)
    shown as "�"."""
    text = text if len(text) <= limit else text[: limit - 3] + "…"
    return "".join("\ufffd" if unicodedata.category(c) in ("Cc", "Cf", "Cs") else c
                   for c in text)


def describe_location(loc: tuple[Any, ...], data: Any) -> str:
    """Return a readable location for a pydantic `loc` inside the raw `data`."""
    parts: list[str] = []
    model: type[BaseModel] | None = Dossier
    node: Any = data
    last_field = ""
    for step in loc:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            parts.append(f"{_ITEM_NAMES.get(last_field, 'mục')} thứ {step + 1}{_item_label(item)}")
            node = item
            continue
        step = _field_name(model, str(step))
        if model is not None and step in model.model_fields:
            name, nested = _vietnamese_name(model, step)
            node = _lookup(node, step, name)
            parts.append(name)
            model = nested
            last_field = step
        elif model is not None and step in ("str", "Citation", "int", "none", "decimal"):
            continue  # pydantic names the union member it tried; not a place in the file
        else:
            parts.append(f"'{step}'")
            node = node.get(step) if isinstance(node, dict) else None
            model = None
    return " › ".join(parts) or "tệp"


def _field_name(model: type[BaseModel] | None, key: str) -> str:
    """Return the model field that `key` (English or Vietnamese) stands for."""
    if model is None or key in model.model_fields:
        return key
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if extra.get("x-vi") == key:
            return name
    return key


def _lookup(node: Any, english: str, vietnamese: str) -> Any:
    if not isinstance(node, dict):
        return None
    return node.get(english, node.get(vietnamese))


def _expected(error: dict[str, Any]) -> tuple[str, str | None]:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    found = _shown(error.get("input"))
    table = {
        "missing": ("trường bắt buộc này", "không có"),
        "extra_forbidden": ("một trường đã biết (xem docs/dossier.schema.json)", "trường lạ"),
        "int_parsing": ("một số nguyên", found),
        "int_type": ("một số nguyên", found),
        "int_from_float": ("một số nguyên", found),
        "string_type": ("một đoạn văn bản", found),
        "list_type": ("một danh sách", found),
        "dict_type": ("một bảng khóa–giá trị", found),
        "model_type": ("một bảng khóa–giá trị", found),
        "model_attributes_type": ("một bảng khóa–giá trị", found),
        "too_short": (f"ít nhất {ctx.get('min_length')} phần tử", found),
        "too_long": (f"tối đa {ctx.get('max_length')} phần tử", found),
        "int_parsing_size": ("một số nguyên vừa phải", "một số quá nhiều chữ số"),
        "less_than": (f"< {ctx.get('lt')}", found),
        "string_too_short": ("một đoạn văn bản không rỗng", found),
        "string_pattern_mismatch": (f"dạng {ctx.get('pattern')}", found),
        "literal_error": (f"một trong {ctx.get('expected')}", found),
        "greater_than_equal": (f"≥ {ctx.get('ge')}", found),
        "greater_than": (f"> {ctx.get('gt')}", found),
        "less_than_equal": (f"≤ {ctx.get('le')}", found),
        "bool_type": ("true hoặc false", found),
    }
    if kind in table:
        return table[kind]
    if kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
        if "; nhận được " in message:
            expected, got = message.split("; nhận được ", 1)
            return expected, got
        return message, found
    return error["msg"], found


def _shown(value: Any) -> str:
    """Return the found value for a message, never longer than 60 characters: a mapping
    or a list is named, not printed (printing one made of YAML aliases never ends)."""
    if isinstance(value, dict):
        return "một bảng khóa–giá trị"
    if isinstance(value, list):
        return f"một danh sách {len(value)} phần tử"
    if isinstance(value, str):
        return _clipped(repr(value[:60]))
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        return f"một số {len(str(abs(value)))} chữ số"
    return _clipped(str(value))


def describe_pydantic_error(error: dict[str, Any], data: Any, source: str) -> Problem:
    """Return the :class:`Problem` that one pydantic error dict describes."""
    expected, found = _expected(error)
    location = describe_location(tuple(error["loc"]), data)
    if error["type"] == "extra_forbidden":
        found = f"trường lạ '{error['loc'][-1]}'"
    return Problem(source, location, expected, found)
