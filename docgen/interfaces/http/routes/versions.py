"""Versions: read, download (re-hashed first), compare. Nothing here writes or deletes."""

from __future__ import annotations

from fastapi import APIRouter, Response

from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.filenames import content_disposition
from docgen.interfaces.http.schemas import DiffOut, VersionOut
from docgen.workflow.service import VersionRecord

router = APIRouter(prefix="/versions", tags=["Phiên bản"])

_STATUS_WORDS = {"draft": "Dự thảo ", "final": "", "signed": ""}
_STATUS_SUFFIX = {"draft": "", "final": "", "signed": " (bản ký số)"}


def download_name(record: VersionRecord, fmt: str) -> str:
    """Return the Vietnamese file name of a download, e.g.
    ``Quyết định số 12-QĐ-UBND ngày 16-12-2025 - phiên bản 3.pdf``."""
    v = record.version
    name = f"{_STATUS_WORDS[v.status]}{v.type_name}"
    if v.code_number is not None:
        name += f" số {v.code_number}/{v.code_notation}"
    if v.issued_date is not None:
        name += f" ngày {v.issued_date:%d-%m-%Y}"
    return f"{name}{_STATUS_SUFFIX[v.status]} - phiên bản {v.seq}.{fmt}"


@router.get("/{version_id}", summary="Thông tin một phiên bản (mã băm, siêu dữ liệu NĐ 30)")
def get_version(version_id: int, user: UserDep, workflow: WorkflowDep) -> VersionOut:
    return VersionOut.of(workflow.version(user, version_id))


@router.get("/{version_id}/files/{format}", summary="Tải tệp của một phiên bản",
            response_class=Response, responses={200: {"content": {
                "application/pdf": {},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {}}}},
            description="Nội dung được băm lại trước khi trả về; tệp đã bị thay đổi trên đĩa "
                        "bị từ chối (mã lỗi corrupt_blob).")
def download(version_id: int, format: str, user: UserDep, workflow: WorkflowDep) -> Response:
    record, data = workflow.download(user, version_id, format)
    item = record.file(format)
    return Response(data, media_type=item.media_type, headers={
        "Content-Disposition": content_disposition(download_name(record, format)),
        "ETag": f'"{item.sha256}"',
        "X-Content-SHA256": item.sha256,
        "Cache-Control": "private, max-age=31536000, immutable",
    })


@router.get("/{version_id}/metadata.xml", summary="Siêu dữ liệu NĐ 30 Phụ lục VI (XML)",
            response_class=Response, responses={200: {"content": {"application/xml": {}}}},
            description="Thông tin đầu vào của văn bản đi (tên thẻ theo Phụ lục VI), để hệ "
                        "thống lưu trữ nhập kèm tệp PDF.")
def metadata(version_id: int, user: UserDep, workflow: WorkflowDep) -> Response:
    from docgen.archive.metadata_xml import ORDINALS, metadata_xml

    record = workflow.version(user, version_id)
    return Response(metadata_xml(record, ordinal=ORDINALS.get(record.document.kind, 1)),
                    media_type="application/xml")


@router.get("/{version_id}/diff/{other_id}", summary="So sánh nội dung hai phiên bản")
def diff(version_id: int, other_id: int, user: UserDep, workflow: WorkflowDep) -> DiffOut:
    result = workflow.diff(user, version_id, other_id)
    return DiffOut(old_version=version_id, new_version=other_id, compared=result.source,
                   identical=not result.lines, diff=result.lines)
