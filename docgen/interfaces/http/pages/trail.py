"""An audit entry in the words of the people who read the trail.

The archive keeps each entry's detail as the code wrote it (``before: submitted``, ``kind:
phu_luc``, ``files: {'pdf': '…'}``), which is right for an audit and the API, but a lưu
trữ reading "Nhật ký thao tác" needs "từ đã trình sang đã duyệt", "Phụ lục, bản 4" and
dates as dd/mm/yyyy. Keys this module does not know are shown as they are, never hidden.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from docgen.archive.records import STATUS_NAMES
from docgen.pipeline import DOCUMENT_TITLES

#: What an entry is about.
OBJECTS = {"dossier": "hồ sơ", "version": "phiên bản", "agency": "cơ quan",
           "user": "người dùng", "archive": "kho lưu trữ", "session": "phiên đăng nhập"}
#: A version's status.
VERSION_STATUS = {"draft": "dự thảo", "final": "bản ban hành", "signed": "bản đã ký"}
#: How the number was given (``number_allocate``).
NUMBER_SOURCES = {"register": "số tiếp theo của sổ", "entered": "số đã vào sổ của cơ quan",
                  "content": "số ghi sẵn trong hồ sơ", "kept": "số đã cấp trước"}
#: Names of the other keys, for the fallback "name: value".
KEYS = {"year": "năm", "register": "sổ", "register_type": "loại văn bản",
        "file": "tệp", "sheet": "trang tính", "units": "số đơn vị",
        "columns": "cách ghép cột", "checked": "số tệp đã kiểm tra", "problems": "tệp hỏng",
        "findings": "dấu hiệu bị sửa", "scope": "phạm vi", "role": "vai trò",
        "user_agency": "cơ quan", "user_name": "họ tên", "code": "mã", "client": "máy",
        "changed": "thay đổi", "agency_code": "cơ quan"}


def object_text(object_type: str, object_id: int | None) -> str:
    name = OBJECTS.get(object_type, object_type)
    return f"{name} {object_id}" if object_id else name


def _day(text: Any) -> str:
    try:
        return date.fromisoformat(str(text)).strftime("%d/%m/%Y")
    except ValueError:
        return str(text)


def _status(code: Any) -> str:
    return STATUS_NAMES.get(str(code), str(code))


def detail_text(detail: dict[str, Any] | None) -> str:
    """The entry's detail as one Vietnamese line (parts joined by "; ")."""
    rest = dict(detail or {})
    parts: list[str] = []
    if "before" in rest or "after" in rest:
        parts.append(f"từ {_status(rest.pop('before', ''))} sang {_status(rest.pop('after', ''))}")
    if "kind" in rest:
        kind = str(rest.pop("kind"))
        what = DOCUMENT_TITLES.get(kind, kind)
        if "seq" in rest:
            what += f", bản {rest.pop('seq')}"
        if "status" in rest:
            what += f" ({VERSION_STATUS.get(str(rest['status']), rest['status'])})"
            rest.pop("status")
        parts.append(what)
    if "files" in rest:
        parts.append("tệp " + ", ".join(str(f).upper() for f in rest.pop("files") or {}))
    if "format" in rest:
        parts.append(f"tệp {str(rest.pop('format')).upper()}")
    if "revision" in rest:
        parts.append(f"lần sửa {rest.pop('revision')}")
    if "number" in rest:
        parts.append(f"số {rest.pop('number')}")
    if "issue_date" in rest:
        parts.append(f"ngày ban hành {_day(rest.pop('issue_date'))}")
    if "source" in rest:
        source = str(rest.pop("source"))
        parts.append(NUMBER_SOURCES.get(source, source))
    if "width_mm" in rest and "height_mm" in rest:
        width, height = rest.pop("width_mm"), rest.pop("height_mm")
        parts.append(f"ảnh dấu {width:.1f} × {height:.1f} mm".replace(".", ","))
    if "failed" in rest:
        from docgen.signing.verify import CHECKS

        failed = [CHECKS.get(c, (c,))[0] for c in rest.pop("failed") or []]
        parts.append("không đạt: " + ", ".join(failed))
    if isinstance(rest.get("block"), int):
        parts.append(f"khối thứ {rest.pop('block') + 1}")
    if isinstance(rest.get("columns"), dict):
        parts.append(f"{len(rest.pop('columns'))} cột đã ghép")
    if "reason" in rest:
        parts.append(f"lý do: {rest.pop('reason')}")
    if "by_self" in rest:
        parts.append("tự đổi" if rest.pop("by_self") else "quản trị đặt")
    parts += [f"{KEYS.get(k, k)}: {v}" for k, v in rest.items() if v not in (None, "", {}, [])]
    return "; ".join(parts)
