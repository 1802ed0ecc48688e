"""Units as YAML text to paste under a block's ``đơn vị:`` (what ``docgen import`` prints).

One unit per line in flow style, Vietnamese keys, names in double quotes (a JSON string is
a valid YAML scalar, whatever "&", ":" or "#" the name holds) and scores written exactly as
read ("67.94": the loader reads YAML numbers as exact decimals).
"""

from __future__ import annotations

import json
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

_KEYS = (("total", "tổng điểm"), ("scores", "điểm thành phần"), ("fields", "điểm lĩnh vực"),
         ("self_total", "điểm tự đánh giá"), ("self_fields", "tự đánh giá lĩnh vực"))


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def units_yaml(units: list[dict[str, Any]], origin: str) -> str:
    """Return `units` (raw unit data) as a YAML ``đơn vị:`` list with a comment on `origin`.

    >>> print(units_yaml([{"name": "A & B", "total": Decimal("90.80")}], "x.csv"), end="")
    # 1 đơn vị đọc từ x.csv
    đơn vị:
      - {tên đơn vị: "A & B", tổng điểm: 90.80}
    """
    lines = [f"# {len(units)} đơn vị đọc từ {origin}", "đơn vị:"]
    for unit in units:
        parts = [f"tên đơn vị: {_value(unit['name'])}"]
        parts += [f"{vietnamese}: {_value(unit[key])}" for key, vietnamese in _KEYS if key in unit]
        lines.append("  - {" + ", ".join(parts) + "}")
    return "\n".join(lines) + "\n"
