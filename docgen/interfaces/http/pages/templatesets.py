"""The agency's template set page: upload a set, see its versions, choose the one in use.

Every role sees the versions (number, date, who, the set's and each file's SHA-256, which
one is in use) and downloads their files; the văn thư and the quản trị upload a new set
and choose one (or the shipped templates). A refused upload comes back on the page with
every error the check found, each naming the file and the paragraph's text.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from docgen.archive.schema import User
from docgen.bounds import MAX_TEMPLATE_SET_BYTES
from docgen.errors import DocgenError, InputError
from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.uploads import read_uploads
from docgen.interfaces.http.pages.view import PREFIX, redirect, render
from docgen.interfaces.http.session import PageUserDep
from docgen.render.templates import DOCUMENTS
from docgen.workflow.errors import TemplateSetRefused
from docgen.workflow.roles import PERMISSIONS, Role
from docgen.workflow.service import Workflow
from docgen.workflow.templatesets import FILE_NAMES

HOME = f"{PREFIX}/bo-mau"

DONE = {"uploaded": "Đã kiểm tra và lưu bộ mẫu mới; từ nay văn bản của cơ quan được kết xuất "
                    "bằng bộ mẫu này.",
        "chosen": "Đã đổi bộ mẫu đang dùng."}


def templates_page(request: Request, workflow: Workflow, user: User, *, status_code: int = 200,
                   notice: str = "", errors: list[str] | None = None) -> Response:
    agency, items, active = workflow.template_sets(user)
    names = {u.id: u.name for u in workflow.archive.list_users()} \
        if user.role == Role.ADMIN else {u.id: u.name for u in
                                         workflow.archive.list_users(user.agency)}
    return render(request, "templatesets.html", status_code=status_code, me=user,
                  agency=agency, items=items, active=active, names=names,
                  current=next((i for i in items if i.id == active), None),
                  file_names=FILE_NAMES, kinds=list(DOCUMENTS),
                  can_manage=Role(user.role) in PERMISSIONS["manage_templates"],
                  errors=errors or [], notice=notice,
                  notice_kind="bad" if errors else "ok")


@page("GET", HOME, "read_templates")
def templates(request: Request, user: PageUserDep, workflow: WorkflowDep,
              ok: str = "") -> Response:
    return templates_page(request, workflow, user, notice=DONE.get(ok, ""))


@page("POST", HOME, "manage_templates")
async def upload(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    from starlette.concurrency import run_in_threadpool

    try:
        parts = await read_uploads(request, MAX_TEMPLATE_SET_BYTES, ("docx", "zip"), "bộ mẫu")
        await run_in_threadpool(workflow.upload_templates, user, parts)
    except TemplateSetRefused as exc:
        return templates_page(request, workflow, user, status_code=422, errors=exc.errors,
                              notice=f"Bộ mẫu chưa được lưu: có {len(exc.errors)} lỗi, liệt kê "
                                     "bên dưới. Hãy sửa trong Word hoặc LibreOffice rồi tải "
                                     "lên lại.")
    except InputError as exc:
        return templates_page(request, workflow, user, status_code=422,
                              errors=[p.message for p in exc.problems],
                              notice="Bộ mẫu chưa được lưu: tệp tải lên không dùng được.")
    return redirect(f"{HOME}?ok=uploaded", request)


@page("POST", f"{HOME}/dung", "manage_templates")
async def choose(request: Request, user: PageUserDep, workflow: WorkflowDep) -> Response:
    form = await request.form()
    chosen = str(form.get("version") or "")
    await form.close()
    try:
        workflow.activate_templates(user, int(chosen) if chosen.isdigit() else None)
    except DocgenError as exc:
        if exc.code != "not_found":
            raise
        return templates_page(request, workflow, user, status_code=404, errors=[str(exc)],
                              notice="Chưa đổi bộ mẫu.")
    return redirect(f"{HOME}?ok=chosen", request)
