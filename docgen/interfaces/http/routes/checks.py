"""Checks of a dossier's figures: its warnings, and the audit of a report written by hand.

Both only read: the warnings of the latest content (probable renames against the archived
previous round, numbers typed in the narrative that the data contradicts), and the
findings of a report uploaded for checking against the dossier's data.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.errors import HttpError

router = APIRouter(prefix="/dossiers", tags=["Kiểm tra số liệu"])


class WarningsOut(BaseModel):
    warnings: list[str] = Field(description="Mỗi cảnh báo một dòng, không lặp lại.")


@router.get("/{dossier_id}/warnings", summary="Cảnh báo về số liệu của hồ sơ",
            description="Đơn vị có thể đổi tên so với kỳ trước (kèm dòng 'ánh xạ' cần thêm), "
                        "số liệu gõ tay trong phần nhận xét không khớp với dữ liệu.")
def dossier_warnings(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> WarningsOut:
    return WarningsOut(warnings=workflow.warnings(user, dossier_id))


#: Media types of a report to audit, and the file kind each is read as.
REPORT_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/pdf": ".pdf", "text/plain": ".txt", "text/markdown": ".md"}


async def report_body(request: Request) -> tuple[bytes, str]:
    """Return the uploaded report and a file name telling its kind; refuse others (415)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media not in REPORT_TYPES:
        raise HttpError("unsupported_media_type",
                        "Báo cáo phải gửi dưới dạng .docx, PDF, văn bản (text/plain) hoặc "
                        f"Markdown (text/markdown); nhận được {media or 'không rõ'!r}.")
    return await request.body(), f"báo cáo{REPORT_TYPES[media]}"


ReportBody = Annotated[tuple[bytes, str], Depends(report_body)]


class FindingOut(BaseModel):
    quote: str = Field(description="Câu (hoặc ô bảng) có số liệu, trích nguyên văn.")
    location: str = Field(description="Vị trí: đoạn, trang, bảng, dòng.")
    kind: str = Field(description="Loại số liệu: số đơn vị, tỷ lệ, điểm trung bình…")
    stated: str = Field(description="Báo cáo ghi.")
    computed: str = Field(description="Tính từ dữ liệu (hoặc từ chính văn bản).")
    verdict: str = Field(description="đúng, sai hoặc không kiểm tra được.")
    reason: str = Field(description="Vì sao không kiểm tra được, hoặc giải thích thêm.")


class AuditOut(BaseModel):
    counts: dict[str, int] = Field(description="Số kết quả theo từng kết luận.")
    findings: list[FindingOut]


@router.post("/{dossier_id}/report-audit", summary="Kiểm tra một báo cáo viết tay",
             openapi_extra={"requestBody": {"required": True, "content": {
                 media: {"schema": {"type": "string", "format": "binary"}}
                 for media in REPORT_TYPES}}},
             description="Gửi một báo cáo (.docx, .pdf, .txt, .md) để đối chiếu mọi số liệu "
                         "trong đó với dữ liệu của hồ sơ; không lưu gì.")
def audit_report(dossier_id: int, report: ReportBody, user: UserDep,
                 workflow: WorkflowDep) -> AuditOut:
    """Run in the thread pool (a plain function), like every route that does work."""
    from docgen.audit import summary_counts

    findings = workflow.audit_report(user, dossier_id, *report)
    return AuditOut(counts=summary_counts(findings),
                    findings=[FindingOut(**f.as_dict()) for f in findings])
