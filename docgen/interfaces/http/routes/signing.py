"""The agency's signature (văn thư): its seal image, and signing an issued dossier."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.errors import HttpError
from docgen.interfaces.http.schemas import VersionOut

router = APIRouter()

_PNG_BODY = {"requestBody": {"required": True, "description": "Ảnh dấu: PNG nền trong suốt, "
                             "màu đỏ, có ghi độ phân giải (DPI) để biết kích thước thật.",
                             "content": {"image/png": {"schema": {
                                 "type": "string", "format": "binary"}}}}}


async def _png_body(request: Request) -> bytes:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "image/png":
        raise HttpError("unsupported_media_type", "Ảnh dấu phải gửi dưới dạng image/png; "
                        f"nhận được {media_type or 'không rõ'!r}.")
    return await request.body()


@router.put("/me/agency/seal", summary="Cập nhật ảnh dấu của cơ quan (văn thư)",
            tags=["Người dùng"], openapi_extra=_PNG_BODY)
def set_seal(user: UserDep, workflow: WorkflowDep,
             body: Annotated[bytes, Depends(_png_body)]) -> dict[str, Any]:
    return workflow.set_seal(user, body)


@router.post("/dossiers/{dossier_id}/agency-signature", status_code=201, tags=["Hồ sơ"],
             summary="Ký số của cơ quan (văn thư)",
             description="Sau khi bản đã ký của người có thẩm quyền được kiểm tra: ký số của cơ "
                         "quan lên Quyết định (ảnh dấu đè lên khoảng một phần ba bên trái chữ ký) "
                         "và lên từng tệp kèm theo (góc trên bên phải trang đầu: số và ký hiệu, "
                         "thời gian ký). Mỗi văn bản có một phiên bản đã ký mới.")
def agency_sign(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> list[VersionOut]:
    return [VersionOut.of(r) for r in workflow.agency_sign(user, dossier_id)]
