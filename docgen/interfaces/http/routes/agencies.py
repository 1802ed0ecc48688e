"""Agencies (cơ quan): the quản trị creates, lists, shows and corrects them."""

from __future__ import annotations

from fastapi import APIRouter

from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.schemas import AgencyCreate, AgencyIn, AgencyOut

router = APIRouter(prefix="/agencies", tags=["Cơ quan"])


@router.get("", summary="Danh sách cơ quan (quản trị)")
def list_agencies(user: UserDep, workflow: WorkflowDep) -> list[AgencyOut]:
    return [AgencyOut.of(a) for a in workflow.agencies(user)]


@router.post("", status_code=201, summary="Tạo cơ quan (quản trị)",
             description="Mã cơ quan không đổi được sau khi tạo. Thông tin ban hành (cơ quan "
                         "ban hành, địa danh, viết tắt, thẩm quyền, tên thẩm quyền) điền đủ "
                         "hoặc bỏ trống cả; chúng được điền sẵn vào hồ sơ mới của cơ quan.")
def add_agency(body: AgencyCreate, user: UserDep, workflow: WorkflowDep) -> AgencyOut:
    facts = body.model_dump(exclude={"code"})
    return AgencyOut.of(workflow.add_agency(user, body.code, facts))


@router.get("/{code}", summary="Xem một cơ quan (quản trị)")
def get_agency(code: str, user: UserDep, workflow: WorkflowDep) -> AgencyOut:
    return AgencyOut.of(workflow.agency(user, code))


@router.put("/{code}", summary="Sửa thông tin cơ quan (quản trị)")
def update_agency(code: str, body: AgencyIn, user: UserDep, workflow: WorkflowDep) -> AgencyOut:
    return AgencyOut.of(workflow.update_agency(user, code, body.model_dump()))
