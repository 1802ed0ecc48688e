"""Users, the archive check, and who am I."""

from __future__ import annotations

from fastapi import APIRouter

from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.schemas import UserCreated, UserIn, UserOut, VerifyOut

router = APIRouter()


@router.get("/health", summary="Dịch vụ đang chạy", tags=["Hệ thống"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me", summary="Người dùng của mã truy cập", tags=["Người dùng"])
def me(user: UserDep) -> UserOut:
    return UserOut.of(user)


@router.get("/users", summary="Người dùng của cơ quan (quản trị)", tags=["Người dùng"])
def list_users(user: UserDep, workflow: WorkflowDep) -> list[UserOut]:
    return [UserOut.of(u) for u in workflow.users(user)]


@router.post("/users", status_code=201, summary="Tạo người dùng và mã truy cập (quản trị)",
             tags=["Người dùng"],
             description="Mã truy cập chỉ hiển thị một lần trong phản hồi này.")
def add_user(body: UserIn, user: UserDep, workflow: WorkflowDep) -> UserCreated:
    created, token = workflow.add_user(user, name=body.name, role=body.role.value)
    return UserCreated(**UserOut.of(created).model_dump(), token=token)


@router.post("/users/{user_id}/deactivate", summary="Khóa người dùng và mã truy cập (quản trị)",
             tags=["Người dùng"])
def deactivate_user(user_id: int, user: UserDep, workflow: WorkflowDep) -> UserOut:
    return UserOut.of(workflow.deactivate_user(user, user_id))


@router.post("/archive/verify", summary="Kiểm tra toàn vẹn kho lưu trữ (lưu trữ)",
             tags=["Lưu trữ"])
def verify(user: UserDep, workflow: WorkflowDep) -> VerifyOut:
    return VerifyOut.of(workflow.verify(user))
