"""An agency's own template set: upload (checked at once), list, download, choose.

The same routes serve the user's own agency (``/me/agency/templates``) and, for the quản
trị, any agency (``/agencies/{code}/templates``); the workflow checks the role (văn thư or
quản trị to upload or choose, everyone to read).
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends, Request, Response

from docgen.archive.records import MEDIA_TYPES
from docgen.archive.schema import User
from docgen.bounds import MAX_TEMPLATE_SET_BYTES
from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.filenames import content_disposition
from docgen.interfaces.http.pages.uploads import read_uploads
from docgen.interfaces.http.schemas import TemplateChoiceIn, TemplateSetOut, TemplateSetsOut
from docgen.workflow.service import Workflow

router = APIRouter(tags=["Bộ mẫu"])

DOCX_MEDIA_TYPE = MEDIA_TYPES["docx"]

OWN = "/me/agency/templates"
ANY = "/agencies/{code}/templates"

_UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"files": {
        "type": "array", "items": {"type": "string", "format": "binary"},
        "description": "Một hoặc nhiều tệp quyet_dinh.docx, bao_cao.docx, phu_luc.docx, "
                       "hoặc một tệp .zip chứa chúng."}}}}}}}


def _base(code: str | None) -> str:
    return OWN if code is None else ANY.replace("{code}", code)


def _listing(workflow: Workflow, user: User, code: str | None) -> TemplateSetsOut:
    agency, items, active = workflow.template_sets(user, code)
    return TemplateSetsOut(agency=agency, items=[TemplateSetOut.of(i, active, _base(code))
                                                 for i in items],
                           active_version=next((i.version for i in items if i.id == active),
                                               None))


def _own() -> None:
    return None


def _any(code: str) -> str:
    return code


def _routes(path: str, agency: Callable[..., str | None]) -> None:
    """Declare the four routes under `path`; `agency` gives the agency code (None: the
    user's own)."""
    code_of = Depends(agency)

    @router.get(path, summary="Các phiên bản bộ mẫu của cơ quan và phiên bản đang dùng")
    def list_sets(user: UserDep, workflow: WorkflowDep, code: str | None = code_of
                  ) -> TemplateSetsOut:
        return _listing(workflow, user, code)

    @router.post(path, status_code=201, openapi_extra=_UPLOAD,
                 summary="Tải lên bộ mẫu mới (văn thư, quản trị)",
                 description="Bộ mẫu được kiểm tra ngay bằng cách kết xuất hồ sơ mẫu: có lỗi "
                             "thì bị từ chối (422 invalid_templates, 'errors' liệt kê mọi lỗi, "
                             "chỉ ra đoạn văn) và không lưu gì; không lỗi thì thành phiên bản "
                             "mới và được dùng ngay. Văn bản không có tệp dùng mẫu có sẵn.")
    async def upload(request: Request, user: UserDep, workflow: WorkflowDep,
                     code: str | None = code_of) -> TemplateSetOut:
        from starlette.concurrency import run_in_threadpool

        workflow.allow(user, "manage_templates")  # before the body is read
        parts = await read_uploads(request, MAX_TEMPLATE_SET_BYTES, ("docx", "zip"), "bộ mẫu")
        item = await run_in_threadpool(workflow.upload_templates, user, parts, code)
        return TemplateSetOut.of(item, item.id, _base(code))

    @router.put(f"{path}/active", summary="Chọn bộ mẫu đang dùng (văn thư, quản trị)",
                description="version: số phiên bản; null: trở lại bộ mẫu có sẵn.")
    def choose(body: TemplateChoiceIn, user: UserDep, workflow: WorkflowDep,
               code: str | None = code_of) -> TemplateSetsOut:
        workflow.activate_templates(user, body.version, code)
        return _listing(workflow, user, code)

    @router.get(f"{path}/{{version}}/{{name}}", summary="Tải một tệp của bộ mẫu",
                response_class=Response,
                responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}})
    def download(version: int, name: str, user: UserDep, workflow: WorkflowDep,
                 code: str | None = code_of) -> Response:
        item, data = workflow.template_file(user, version, name, code)
        return Response(data, media_type=DOCX_MEDIA_TYPE, headers={
            "Content-Disposition": content_disposition(
                f"Bộ mẫu {item.agency} phiên bản {item.version} - {name}"),
            "X-Content-SHA256": item.files[name], "ETag": f'"{item.files[name]}"'})


_routes(OWN, _own)
_routes(ANY, _any)
