"""Roles and the permission table: one place that says which role may do what.

Roles follow how a Vietnamese agency divides the work on an outgoing document:
the chuyên viên drafts, the lãnh đạo approves, the văn thư numbers, issues and keeps the
signed original, the lưu trữ keeps and checks the archive, the quản trị manages accounts.

The quản trị administers the deployment: the agencies and the users of every agency (the
first one is created at the command line); it sees no dossier. The API and the staff
pages check the same table: every route names exactly one action.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DRAFTER = "chuyen_vien"
    LEADER = "lanh_dao"
    CLERK = "van_thu"
    ARCHIVIST = "luu_tru"
    ADMIN = "quan_tri"


#: Vietnamese names of the roles, for messages and the documentation.
ROLE_NAMES = {
    Role.DRAFTER: "chuyên viên",
    Role.LEADER: "lãnh đạo",
    Role.CLERK: "văn thư",
    Role.ARCHIVIST: "lưu trữ",
    Role.ADMIN: "quản trị",
}

_READERS = frozenset({Role.DRAFTER, Role.LEADER, Role.CLERK, Role.ARCHIVIST})
_EVERYONE = frozenset(Role)

#: Action -> the roles allowed to do it. Every workflow method checks exactly one action.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "read": _READERS,
    "create": frozenset({Role.DRAFTER}),
    "update": frozenset({Role.DRAFTER}),
    "render": frozenset({Role.DRAFTER}),
    "preview": frozenset({Role.DRAFTER}),
    "submit": frozenset({Role.DRAFTER}),
    "approve": frozenset({Role.LEADER}),
    "send_back": frozenset({Role.LEADER}),
    "issue": frozenset({Role.CLERK}),
    "upload_signed": frozenset({Role.CLERK}),
    "agency_sign": frozenset({Role.CLERK}),
    "agency_seal": frozenset({Role.CLERK}),
    # the agency's own templates: the văn thư keeps the thể thức; the quản trị, any agency's
    "read_templates": _EVERYONE,
    "manage_templates": frozenset({Role.CLERK, Role.ADMIN}),
    "archive": frozenset({Role.ARCHIVIST}),
    "verify": frozenset({Role.ARCHIVIST, Role.ADMIN}),  # lưu trữ: own agency; quản trị: all
    "manage_users": frozenset({Role.ADMIN}),
    "manage_agencies": frozenset({Role.ADMIN}),
    "own_account": _EVERYONE,
}

#: Vietnamese names of the actions, for the "not allowed" message.
ACTION_NAMES = {
    "read": "xem hồ sơ",
    "create": "tạo hồ sơ",
    "update": "sửa hồ sơ",
    "render": "kết xuất văn bản",
    "preview": "xem trước văn bản",
    "submit": "trình duyệt",
    "approve": "duyệt",
    "send_back": "trả lại hồ sơ",
    "issue": "cấp số và ban hành",
    "upload_signed": "tải lên bản đã ký",
    "agency_sign": "ký số của cơ quan",
    "agency_seal": "cập nhật ảnh dấu của cơ quan",
    "read_templates": "xem bộ mẫu văn bản của cơ quan",
    "manage_templates": "tải lên hoặc chọn bộ mẫu văn bản của cơ quan",
    "archive": "lưu trữ hồ sơ",
    "verify": "kiểm tra toàn vẹn kho lưu trữ",
    "manage_users": "quản lý người dùng",
    "manage_agencies": "quản lý cơ quan",
    "own_account": "xem và sửa tài khoản của mình",
}
