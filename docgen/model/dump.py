"""A dossier as YAML text: what "download as YAML" gives, the same file the CLI reads.

The data is the dossier's canonical JSON (English keys, numbers as exact decimal strings);
the loader reads quoted numbers exactly ("67.94"), so the file reads back into the same
dossier, byte for byte the same canonical JSON. PyYAML writes it (safe dumper, Unicode
kept as is, keys in the order of the data).
"""

from __future__ import annotations

from typing import Any

import yaml

HEADER = ("# Hồ sơ docgen (YAML). Đọc được bằng dòng lệnh (docgen check/render) và tải lên lại\n"
          "# trang web; khóa tiếng Anh, số ghi trong ngoặc kép là số thập phân chính xác.\n")


def dossier_yaml(data: dict[str, Any]) -> str:
    """Return the YAML text of a dossier's data (as its canonical JSON decodes).

    >>> print(dossier_yaml({"year": 2025, "blocks": [{"name": "khối sở"}]}), end="")
    ... # doctest: +NORMALIZE_WHITESPACE
    # Hồ sơ docgen (YAML). Đọc được bằng dòng lệnh (docgen check/render) và tải lên lại
    # trang web; khóa tiếng Anh, số ghi trong ngoặc kép là số thập phân chính xác.
    year: 2025
    blocks:
    - name: khối sở
    """
    return HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100,
                                   default_flow_style=False)
