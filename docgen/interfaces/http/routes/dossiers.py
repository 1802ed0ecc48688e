"""Dossiers: create, correct, render, and move through the workflow."""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from docgen.interfaces.http.deps import DossierBody, PageDep, PdfBody, UserDep, WorkflowDep
from docgen.interfaces.http.filenames import content_disposition
from docgen.interfaces.http.routes.jobs import answer, render_queue
from docgen.interfaces.http.schemas import (
    AuditOut,
    DocumentOut,
    DossierOut,
    IssueIn,
    Page,
    PreviewBlock,
    PreviewFile,
    PreviewOut,
    SendBackIn,
    VersionOut,
)
from docgen.archive.blobs import sha256_hex
from docgen.archive.records import MEDIA_TYPES
from docgen.pipeline import DOCUMENT_TITLES
from docgen.render import DOCUMENTS, FORMATS
from docgen.workflow.jobs import queue_issue, queue_render
from docgen.workflow.service import Preview

router = APIRouter(prefix="/dossiers", tags=["Hồ sơ"])

_DOSSIER_BODY = {"requestBody": {"required": True, "description":
                 "Tệp hồ sơ (YAML hoặc JSON, khóa tiếng Anh hoặc tiếng Việt).", "content": {
                     "application/yaml": {"schema": {"type": "string"}},
                     "application/json": {"schema": {"$ref": "#/components/schemas/Dossier"}}}}}
_PDF_BODY = {"requestBody": {"required": True, "description": "Tệp PDF đã ký số.",
                             "content": {"application/pdf": {"schema": {
                                 "type": "string", "format": "binary"}}}}}


@router.post("", status_code=201, summary="Tạo hồ sơ", openapi_extra=_DOSSIER_BODY,
             description="Tạo hồ sơ mới từ tệp YAML hoặc JSON (chuyên viên). Hồ sơ thuộc cơ "
                         "quan của người tạo và ở trạng thái dự thảo.")
def create_dossier(user: UserDep, workflow: WorkflowDep, body: DossierBody) -> DossierOut:
    return DossierOut.of(workflow.create(user, *body))


@router.get("", summary="Danh sách hồ sơ của cơ quan")
def list_dossiers(user: UserDep, workflow: WorkflowDep, page: PageDep) -> Page[DossierOut]:
    items, total = workflow.list_dossiers(user, limit=page.limit, offset=page.offset)
    return Page[DossierOut](items=[DossierOut.of(d) for d in items], total=total,
                            limit=page.limit, offset=page.offset)


@router.get("/{dossier_id}", summary="Xem hồ sơ")
def get_dossier(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> DossierOut:
    return DossierOut.of(workflow.dossier(user, dossier_id))


@router.put("/{dossier_id}", summary="Sửa hồ sơ (ghi thành lần sửa mới)",
            openapi_extra=_DOSSIER_BODY,
            description="Ghi nội dung đã sửa thành một lần sửa mới; các lần trước vẫn được "
                        "giữ. Chỉ khi hồ sơ đang là dự thảo.")
def update_dossier(dossier_id: int, user: UserDep, workflow: WorkflowDep,
                   body: DossierBody) -> DossierOut:
    return DossierOut.of(workflow.update(user, dossier_id, *body))


@router.get("/{dossier_id}/content", summary="Nội dung hồ sơ (JSON chuẩn hóa, lần sửa mới nhất)",
            response_class=Response,
            responses={200: {"content": {"application/json": {}}}})
def get_content(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> Response:
    revision, data = workflow.content(user, dossier_id)
    return Response(data, media_type="application/json",
                    headers={"X-Dossier-Revision": str(revision)})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/{dossier_id}/results.xlsx", summary="Kết quả tính toán dạng bảng tính Excel",
            response_class=Response, responses={200: {"content": {XLSX: {}}}},
            description="Mỗi khối một trang tính (STT, tên đơn vị, điểm thành phần, lĩnh vực, "
                        "tổng điểm, xếp hạng, xếp loại, dòng Trung bình), tính từ nội dung "
                        "mới nhất của hồ sơ; như lệnh docgen export.")
def results_workbook(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> Response:
    year, revision, data = workflow.results_workbook(user, dossier_id)
    name = f"Kết quả Chỉ số CCHC năm {year} - hồ sơ {dossier_id} lần sửa {revision}.xlsx"
    return Response(data, media_type=XLSX, headers={
        "Content-Disposition": content_disposition(name),
        "X-Dossier-Revision": str(revision)})


_ASYNC = ("Kiểm tra yêu cầu ngay (403, 404, 409, 422; quá số lượt kết xuất cùng lúc của "
          "người dùng hoặc cơ quan: 429 kèm Retry-After) rồi đưa vào hàng đợi và chờ tác vụ xong. "
          "Với tiêu đề `Prefer: respond-async`, hoặc khi chưa xong sau thời gian chờ: 202 kèm "
          "`Location: /jobs/{id}` để theo dõi tiến độ. Người gọi ngắt kết nối khi đang chờ thì "
          "tác vụ bị hủy.")


@router.post("/{dossier_id}/render", status_code=201, summary="Kết xuất dự thảo",
             responses={202: {"description": "Đã nhận; theo dõi ở Location (/jobs/{id})."},
                        429: {"description": "Quá số lượt kết xuất cùng lúc"}},
             description="Kết xuất các văn bản (có dấu DỰ THẢO) từ nội dung mới nhất; mỗi lần "
                         "kết xuất tạo một phiên bản mới của từng văn bản. " + _ASYNC)
async def render(dossier_id: int, request: Request, user: UserDep, workflow: WorkflowDep,
                 format: Annotated[list[str] | None, Query(
                     description=f"Định dạng: {', '.join(FORMATS)} (mặc định: tất cả).")] = None,
                 kind: Annotated[list[str] | None, Query(
                     description=f"Văn bản: {', '.join(DOCUMENTS)} (mặc định: tất cả).")] = None,
                 ) -> list[VersionOut]:
    job = await run_in_threadpool(lambda: queue_render(
        workflow, render_queue(request), request.app.state.limits, user, dossier_id,
        formats=format or tuple(FORMATS), kinds=kind or tuple(DOCUMENTS)))
    return await answer(request, workflow, user, job, 201)


_PREVIEW_DESCRIPTION = ("Kết xuất trong bộ nhớ (luôn có dấu DỰ THẢO) và trả về các tệp (base64) "
                        "cùng kết quả tính toán từng khối như lệnh docgen check; không lưu gì "
                        "vào kho. Lưu phiên bản là thao tác riêng (POST …/render).")


def _preview_out(preview: Preview) -> PreviewOut:
    return PreviewOut(
        draft=preview.draft, summary=preview.summary,
        blocks=[PreviewBlock(**b) for b in preview.blocks], warnings=preview.warnings,
        documents=[PreviewFile(kind=d.kind, kind_name=DOCUMENT_TITLES[d.kind], format=d.format,
                               media_type=MEDIA_TYPES[d.format], size=len(d.data),
                               sha256=sha256_hex(d.data),
                               data_base64=base64.b64encode(d.data).decode("ascii"))
                   for d in preview.documents])


_FORMAT_QUERY = Query(description=f"Định dạng: {', '.join(FORMATS)} (mặc định: tất cả).")
_KIND_QUERY = Query(description=f"Văn bản: {', '.join(DOCUMENTS)} (mặc định: tất cả).")


@router.post("/preview", summary="Xem trước một nội dung hồ sơ chưa lưu",
             openapi_extra=_DOSSIER_BODY, description=_PREVIEW_DESCRIPTION)
def preview_text(user: UserDep, workflow: WorkflowDep, body: DossierBody,
                 format: Annotated[list[str] | None, _FORMAT_QUERY] = None,
                 kind: Annotated[list[str] | None, _KIND_QUERY] = None) -> PreviewOut:
    return _preview_out(workflow.preview(user, body=body[0], source=body[1],
                                         formats=format or tuple(FORMATS),
                                         kinds=kind or tuple(DOCUMENTS)))


@router.post("/{dossier_id}/preview", summary="Xem trước nội dung đã lưu của hồ sơ",
             description=_PREVIEW_DESCRIPTION)
def preview(dossier_id: int, user: UserDep, workflow: WorkflowDep,
            format: Annotated[list[str] | None, _FORMAT_QUERY] = None,
            kind: Annotated[list[str] | None, _KIND_QUERY] = None) -> PreviewOut:
    return _preview_out(workflow.preview(user, dossier_id, formats=format or tuple(FORMATS),
                                         kinds=kind or tuple(DOCUMENTS)))


@router.post("/{dossier_id}/submit", summary="Trình lãnh đạo duyệt")
def submit(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> DossierOut:
    return DossierOut.of(workflow.submit(user, dossier_id))


@router.post("/{dossier_id}/approve", summary="Duyệt hồ sơ (lãnh đạo)")
def approve(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> DossierOut:
    return DossierOut.of(workflow.approve(user, dossier_id))


@router.post("/{dossier_id}/send-back", summary="Trả lại hồ sơ để sửa (lãnh đạo)",
             description="Cần lý do; lý do được lưu trên hồ sơ (trường send_back) để chuyên "
                         "viên đọc, và giữ lại (đánh dấu đã trình lại) khi hồ sơ được trình lại.")
def send_back(dossier_id: int, user: UserDep, workflow: WorkflowDep,
              body: Annotated[SendBackIn | None, Body()] = None) -> DossierOut:
    return DossierOut.of(workflow.send_back(user, dossier_id, body.reason if body else ""))


@router.post("/{dossier_id}/issue", summary="Cấp số, ngày và ban hành (văn thư)",
             description="Số thuộc sổ đăng ký văn bản của cơ quan ban hành (theo loại văn bản "
                         "và năm). Hồ sơ đã ghi số và ngày của mình thì giữ nguyên; nếu không, "
                         "văn thư nhập số và ngày lấy từ sổ của cơ quan (number, date) hoặc bỏ "
                         "trống để lấy số tiếp theo của docgen, ngày hôm nay. Số đã dùng trong "
                         "sổ và năm đó bị từ chối (409) kèm văn bản đang mang số. Sau đó kết "
                         "xuất và đóng băng bản ban hành (không còn dấu DỰ THẢO). " + _ASYNC,
             responses={202: {"description": "Đã nhận; theo dõi ở Location (/jobs/{id})."},
                        429: {"description": "Quá số lượt kết xuất cùng lúc"}})
async def issue(dossier_id: int, request: Request, user: UserDep, workflow: WorkflowDep,
                body: Annotated[IssueIn | None, Body()] = None) -> list[VersionOut]:
    job = await run_in_threadpool(lambda: queue_issue(
        workflow, render_queue(request), request.app.state.limits, user, dossier_id,
        number=body.number if body else None, issue_date=body.issue_date if body else None))
    return await answer(request, workflow, user, job, 200)


@router.post("/{dossier_id}/signed", status_code=201, summary="Tải lên bản đã ký (văn thư)",
             openapi_extra=_PDF_BODY)
def upload_signed(dossier_id: int, user: UserDep, workflow: WorkflowDep,
                  body: PdfBody) -> VersionOut:
    return VersionOut.of(workflow.upload_signed(user, dossier_id, body))


@router.post("/{dossier_id}/archive", summary="Đưa hồ sơ vào lưu trữ (lưu trữ)")
def archive(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> DossierOut:
    return DossierOut.of(workflow.archive_dossier(user, dossier_id))


@router.get("/{dossier_id}/documents", summary="Các văn bản của hồ sơ và phiên bản mới nhất")
def documents(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> list[DocumentOut]:
    return [DocumentOut(kind=document.kind, kind_name=DOCUMENT_TITLES[document.kind],
                        versions=count,
                        latest=VersionOut.of(latest) if latest is not None else None)
            for document, latest, count in workflow.documents(user, dossier_id)]


@router.get("/{dossier_id}/documents/{kind}/versions", summary="Các phiên bản của một văn bản")
def versions(dossier_id: int, kind: str, user: UserDep, workflow: WorkflowDep,
             page: PageDep) -> Page[VersionOut]:
    items, total = workflow.versions(user, dossier_id, kind, limit=page.limit, offset=page.offset)
    return Page[VersionOut](items=[VersionOut.of(r) for r in items], total=total,
                            limit=page.limit, offset=page.offset)


@router.get("/{dossier_id}/audit", summary="Nhật ký thao tác trên hồ sơ")
def audit(dossier_id: int, user: UserDep, workflow: WorkflowDep,
          page: PageDep) -> Page[AuditOut]:
    items, total = workflow.audit(user, dossier_id, limit=page.limit, offset=page.offset)
    return Page[AuditOut](items=[AuditOut.of(e) for e in items], total=total,
                          limit=page.limit, offset=page.offset)
