"""Users, the archive check, and who am I."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from docgen.interfaces.http import session
from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.schemas import (
    AgencyOut,
    OwnPasswordIn,
    PasswordIn,
    TokenOut,
    UserCreated,
    UserIn,
    UserOut,
    VerifyOut,
)

router = APIRouter()


@router.get("/health", summary="Dịch vụ đang chạy", tags=["Hệ thống"])
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/me", summary="Người dùng của mã truy cập", tags=["Người dùng"])
def me(user: UserDep) -> UserOut:
    return UserOut.of(user)


@router.get("/me/agency", summary="Cơ quan của mình và khối 'cơ quan' điền sẵn cho hồ sơ mới",
            tags=["Người dùng"])
def my_agency(user: UserDep, workflow: WorkflowDep) -> AgencyOut:
    return AgencyOut.of(workflow.own_agency(user))


@router.post("/me/password", summary="Đổi mật khẩu của mình", tags=["Người dùng"],
             description="Cần mật khẩu hiện tại. Các phiên đăng nhập khác của mình kết thúc; "
                         "phiên đang dùng (nếu có) được giữ.")
def change_password(body: OwnPasswordIn, request: Request, user: UserDep,
                    workflow: WorkflowDep) -> UserOut:
    return UserOut.of(workflow.change_password(user, body.current, body.new,
                                               keep_session=request.cookies.get(session.COOKIE)))


@router.get("/users", summary="Người dùng (quản trị)", tags=["Người dùng"])
def list_users(user: UserDep, workflow: WorkflowDep,
               agency: Annotated[str | None, Query(max_length=100,
                                                   description="Chỉ người dùng của cơ quan này."
                                                   )] = None) -> list[UserOut]:
    return [UserOut.of(u) for u in workflow.users(user, agency)]


@router.post("/users", status_code=201, summary="Tạo người dùng và mã truy cập (quản trị)",
             tags=["Người dùng"],
             description="Cơ quan phải có sẵn (mặc định: cơ quan của quản trị). Với tên đăng "
                         "nhập và mật khẩu, người dùng đăng nhập được trên trang. Mã truy cập "
                         "chỉ hiển thị một lần trong phản hồi này.")
def add_user(body: UserIn, user: UserDep, workflow: WorkflowDep) -> UserCreated:
    created, token = workflow.add_user(user, name=body.name, role=body.role.value,
                                       agency=body.agency, username=body.username,
                                       password=body.password)
    return UserCreated(**UserOut.of(created).model_dump(), token=token)


@router.get("/users/{user_id}", summary="Xem một người dùng (quản trị)", tags=["Người dùng"])
def get_user(user_id: int, user: UserDep, workflow: WorkflowDep) -> UserOut:
    return UserOut.of(workflow.get_user(user, user_id))


@router.post("/users/{user_id}/deactivate", summary="Khóa người dùng (quản trị)",
             tags=["Người dùng"],
             description="Mã truy cập và các phiên đăng nhập của người dùng dừng ngay.")
def deactivate_user(user_id: int, user: UserDep, workflow: WorkflowDep) -> UserOut:
    return UserOut.of(workflow.deactivate_user(user, user_id))


@router.post("/users/{user_id}/enable", summary="Mở khóa người dùng (quản trị)",
             tags=["Người dùng"])
def enable_user(user_id: int, user: UserDep, workflow: WorkflowDep) -> UserOut:
    return UserOut.of(workflow.enable_user(user, user_id))


@router.post("/users/{user_id}/password", summary="Đặt lại mật khẩu (quản trị)",
             tags=["Người dùng"],
             description="Mọi phiên đăng nhập của người dùng kết thúc. Người dùng chưa có tên "
                         "đăng nhập cần thêm 'username'.")
def reset_password(user_id: int, body: PasswordIn, user: UserDep,
                   workflow: WorkflowDep) -> UserOut:
    return UserOut.of(workflow.reset_password(user, user_id, body.password, body.username))


@router.post("/users/{user_id}/token", summary="Cấp mã truy cập mới, thu hồi mã cũ",
             tags=["Người dùng"],
             description="Cho mình (mọi vai trò) hoặc cho người khác (quản trị).")
def rotate_token(user_id: int, user: UserDep, workflow: WorkflowDep) -> TokenOut:
    target, token = workflow.rotate_token(user, user_id)
    return TokenOut(user=UserOut.of(target), token=token)


@router.post("/archive/verify", summary="Kiểm tra toàn vẹn kho lưu trữ (lưu trữ, quản trị)",
             tags=["Lưu trữ"],
             description="Lưu trữ: băm lại tệp và kiểm tra dữ liệu của cơ quan mình; quản trị: "
                         "toàn kho. Ổ đĩa đầy: 507 storage_full.")
def verify(user: UserDep, workflow: WorkflowDep) -> VerifyOut:
    return VerifyOut.of(workflow.verify(user))
