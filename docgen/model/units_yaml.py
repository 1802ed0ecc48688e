"""Units as YAML text to paste under a block's ``đơn vị:`` (what ``docgen import`` prints).

One unit per line in flow style, Vietnamese keys, names in double quotes (a JSON string is
a valid YAML scalar, whatever "&", ":" or "#" the name holds) and scores written exactly as
read ("67.94": the loader reads YAML numbers as exact decimals).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from docgen.model.dossier import Band, Component, Scheme

#: The scheme ``docgen import`` assumes without ``--dossier``: the usual 70 + 30 split.
DEFAULT_SCHEME = Scheme(
    components=[
        Component(key="tham_dinh", name="Điểm tự đánh giá, thẩm định", max=Decimal(70)),
        Component(key="xhh", name="Điểm đánh giá qua điều tra xã hội học", max=Decimal(30)),
    ],
    survey_component="xhh",
    bands=[Band(label="Tất cả")],
)

#: A maximum stated in a column title: "Cải cách công vụ (11,5 điểm)".
_STATED_MAX = re.compile(r"\s*\((\d+(?:[.,]\d+)?)\s*điểm\)\s*$")

_KEYS = (("total", "tổng điểm"), ("scores", "điểm thành phần"), ("fields", "điểm lĩnh vực"),
         ("self_total", "điểm tự đánh giá"), ("self_fields", "tự đánh giá lĩnh vực"))


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def units_yaml(units: list[dict[str, Any]], origin: str,
               new_fields: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
    """Return `units` (raw unit data) as a YAML ``đơn vị:`` list with a comment on `origin`.

    `new_fields` (code, title) are lĩnh vực the scheme does not have yet: they are listed
    in comments, ready to go under the scheme's ``lĩnh vực:`` once their maxima are filled.

    >>> print(units_yaml([{"name": "A & B", "total": Decimal("90.80")}], "x.csv"), end="")
    # 1 đơn vị đọc từ x.csv
    đơn vị:
      - {tên đơn vị: "A & B", tổng điểm: 90.80}
    """
    lines = [f"# {len(units)} đơn vị đọc từ {origin}"]
    if new_fields:
        lines.append("# Các lĩnh vực chưa có trong thang điểm (thêm vào 'thang điểm › lĩnh vực',"
                     " ghi điểm tối đa):")
        for key, title in new_fields:
            stated = _STATED_MAX.search(title)
            name = _STATED_MAX.sub("", title).strip() if stated else title
            maximum = stated.group(1).replace(",", ".") if stated else "…"
            lines.append(f"#   - {{mã: {key}, tên: {_value(name)}, điểm tối đa: {maximum}}}")
    lines.append("đơn vị:")
    for unit in units:
        parts = [f"tên đơn vị: {_value(unit['name'])}"]
        parts += [f"{vietnamese}: {_value(unit[key])}" for key, vietnamese in _KEYS if key in unit]
        lines.append("  - {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"
