"""Checks of a dossier's figures: its warnings, and the audit of a report written by hand.

Both only read: the warnings of the latest content (probable renames against the archived
previous round, numbers typed in the narrative that the data contradicts), and the
findings of a report uploaded for checking against the dossier's data.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from docgen.interfaces.http.deps import UserDep, WorkflowDep

router = APIRouter(prefix="/dossiers", tags=["Kiểm tra số liệu"])


class WarningsOut(BaseModel):
    warnings: list[str] = Field(description="Mỗi cảnh báo một dòng, không lặp lại.")


@router.get("/{dossier_id}/warnings", summary="Cảnh báo về số liệu của hồ sơ",
            description="Đơn vị có thể đổi tên so với kỳ trước (kèm dòng 'ánh xạ' cần thêm), "
                        "số liệu gõ tay trong phần nhận xét không khớp với dữ liệu.")
def dossier_warnings(dossier_id: int, user: UserDep, workflow: WorkflowDep) -> WarningsOut:
    return WarningsOut(warnings=workflow.warnings(user, dossier_id))
