"""Administration (quản trị): agencies with their issuer facts, and the users of each.

Every form posts to one workflow method (add or change an agency; add a user, disable or
enable one, set a new password); the workflow checks the role and writes the audit log.
Problems come back beside the form they concern, every one at once.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import Response

from docgen.archive.accounts import AGENCY_FIELDS
from docgen.archive.schema import User
from docgen.errors import DocgenError, InputError, Problem
from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.view import PREFIX, redirect, render
from docgen.interfaces.http.session import PageUserDep
from docgen.workflow.accounts import AGENCY_FIELD_NAMES
from docgen.workflow.roles import ROLE_NAMES, Role
from docgen.workflow.service import Workflow

HOME = f"{PREFIX}/quan-tri"

#: Hints beside the agency fields.
AGENCY_HINTS = {
    "code": "Chữ thường không dấu, số, gạch ngang; không đổi được sau khi tạo. Ví dụ: ubnd-son-la.",
    "name": "Ví dụ: Ủy ban nhân dân tỉnh Sơn La.",
    "parent": "Mỗi dòng một dòng; bỏ trống nếu không có.",
    "issuer": "Tên in ở góc trái văn bản, tối đa 3 dòng: ỦY BAN NHÂN DÂN / TỈNH SƠN LA.",
    "place": "Ví dụ: Sơn La.", "abbreviation": "Ví dụ: UBND.",
    "authority": "Ví dụ: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH.",
    "authority_name": "Ví dụ: Chủ tịch Ủy ban nhân dân tỉnh.",
}
MULTILINE = ("parent", "issuer")

DONE = {"agency_added": "Đã tạo cơ quan.", "agency_saved": "Đã lưu thông tin cơ quan.",
        "user_added": "Đã tạo người dùng; hãy báo tên đăng nhập và mật khẩu cho người đó.",
        "user_disabled": "Đã khóa người dùng (mọi phiên đăng nhập của người đó kết thúc).",
        "user_enabled": "Đã mở khóa người dùng.",
        "password_set": "Đã đặt mật khẩu mới (mọi phiên đăng nhập cũ của người đó kết thúc)."}


def _messages(exc: DocgenError) -> list[str]:
    if isinstance(exc, InputError):
        return [f"{p.location}: " + ("" if p.expected.startswith(p.location) else "cần ")
                + p.expected + (f"; nhận được {p.found}" if p.found else "")
                for p in exc.problems]
    return [str(exc)]


def admin_page(request: Request, workflow: Workflow, user: User, *, status_code: int = 200,
               notice: str = "", errors: dict[str, list[str]] | None = None,
               values: dict[str, Any] | None = None, agency: str = "") -> Response:
    agencies = workflow.agencies(user)
    users = workflow.users(user, agency or None)
    return render(request, "admin.html", status_code=status_code, me=user, agencies=agencies,
                  users=users, fields=("code", *AGENCY_FIELDS), names=AGENCY_FIELD_NAMES,
                  hints=AGENCY_HINTS, multiline=MULTILINE, errors=errors or {},
                  values=values or {}, roles=[(r.value, ROLE_NAMES[r]) for r in Role],
                  agency_filter=agency, notice=notice,
                  notice_kind="bad" if errors else "ok")


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    await form.close()
    return values


@page("GET", HOME, "manage_agencies")
def admin(request: Request, user: PageUserDep, workflow: WorkflowDep, ok: str = "",
          co_quan: str = "") -> Response:
    return admin_page(request, workflow, user, notice=DONE.get(ok, ""), agency=co_quan)


def _refused(request: Request, workflow: Workflow, user: User, form: str, exc: DocgenError,
             values: dict[str, Any]) -> Response:
    status = 422 if isinstance(exc, InputError) else 409 if exc.code == "conflict" else 400
    if exc.code in ("forbidden", "not_found"):
        raise exc
    return admin_page(request, workflow, user, status_code=status, errors={form: _messages(exc)},
                      values={form: values}, notice="Chưa lưu: xem thông báo bên dưới.")


@page("POST", f"{HOME}/co-quan", "manage_agencies")
async def add_agency(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    form = await _form(request)
    facts = {name: form.get(name, "") for name in AGENCY_FIELDS}
    try:
        workflow.add_agency(user, form.get("code", ""), facts)
    except DocgenError as exc:
        return _refused(request, workflow, user, "new-agency", exc,
                        {**facts, "code": form.get("code", "")})
    return redirect(f"{HOME}?ok=agency_added", request)


@page("POST", f"{HOME}/co-quan/{{code}}", "manage_agencies")
async def save_agency(request: Request, code: str, user: PageUserDep,
                      workflow: WorkflowDep) -> Response:
    form = await _form(request)
    facts = {name: form.get(name, "") for name in AGENCY_FIELDS}
    try:
        workflow.update_agency(user, code, facts)
    except DocgenError as exc:
        return _refused(request, workflow, user, f"agency-{code}", exc, facts)
    return redirect(f"{HOME}?ok=agency_saved", request)


@page("POST", f"{HOME}/nguoi-dung", "manage_users")
async def add_user(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    form = await _form(request)
    values = {k: form.get(k, "") for k in ("name", "username", "role", "agency")}
    password = form.get("password", "")
    try:
        if password != form.get("again", ""):
            raise InputError([Problem(
                "người dùng", "nhập lại mật khẩu", "giống mật khẩu đã nhập")])
        workflow.add_user(user, name=values["name"], role=values["role"] or "chuyen_vien",
                          agency=values["agency"] or None,
                          username=values["username"] or None, password=password or None)
    except DocgenError as exc:
        return _refused(request, workflow, user, "new-user", exc, values)
    except ValueError:  # a role that is not one of the list
        return _refused(request, workflow, user, "new-user", InputError([Problem(
            "người dùng", "vai trò", "một vai trò trong danh sách", repr(values["role"]))]),
            values)
    return redirect(f"{HOME}?ok=user_added", request)


@page("POST", f"{HOME}/nguoi-dung/{{user_id:int}}/khoa", "manage_users")
def disable_user(request: Request, user_id: int, user: PageUserDep,
                 workflow: WorkflowDep) -> Response:
    try:
        workflow.deactivate_user(user, user_id)
    except DocgenError as exc:
        return _refused(request, workflow, user, f"user-{user_id}", exc, {})
    return redirect(f"{HOME}?ok=user_disabled", request)


@page("POST", f"{HOME}/nguoi-dung/{{user_id:int}}/mo-khoa", "manage_users")
def enable_user(request: Request, user_id: int, user: PageUserDep,
                workflow: WorkflowDep) -> Response:
    workflow.enable_user(user, user_id)
    return redirect(f"{HOME}?ok=user_enabled", request)


@page("POST", f"{HOME}/nguoi-dung/{{user_id:int}}/mat-khau", "manage_users")
async def set_password(request: Request, user_id: int, user: PageUserDep,
                       workflow: WorkflowDep) -> Response:
    form = await _form(request)
    try:
        workflow.reset_password(user, user_id, form.get("password", ""),
                                username=form.get("username") or None)
    except DocgenError as exc:
        return _refused(request, workflow, user, f"user-{user_id}", exc, {})
    return redirect(f"{HOME}?ok=password_set", request)
