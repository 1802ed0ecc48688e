"""Đăng nhập, đăng xuất, đổi mật khẩu: the pages around the session (session.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from docgen.archive.passwords import MIN_LENGTH
from docgen.errors import DocgenError, InputError
from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.view import PREFIX, redirect, render
from docgen.interfaces.http.session import COOKIE, PageUserDep, session_user, sign_in, sign_out

HOME = f"{PREFIX}/ho-so"
ADMIN_HOME = f"{PREFIX}/quan-tri"


def _home(role: str) -> str:
    return ADMIN_HOME if role == "quan_tri" else HOME


def _safe_next(target: str) -> str:
    """Only a path of this site (never ``//host`` or a scheme): no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return ""


@page("GET", f"{PREFIX}/", None, signed_in=False)
def root(request: Request) -> Response:
    user = session_user(request)
    return redirect(_home(user.role) if user else f"{PREFIX}/dang-nhap")


@page("GET", f"{PREFIX}/dang-nhap", None, signed_in=False)
def sign_in_form(request: Request, next: str = "") -> Response:
    user = session_user(request)
    if user is not None:
        return redirect(_safe_next(next) or _home(user.role))
    return render(request, "login.html", error="", next=_safe_next(next), username="")


@page("POST", f"{PREFIX}/dang-nhap", None, signed_in=False)
def sign_in_submit(request: Request, username: Annotated[str, Form()] = "",
                   password: Annotated[str, Form()] = "",
                   next: Annotated[str, Form()] = "") -> Response:
    target = _safe_next(next)
    response = redirect(target or HOME)
    try:
        user = sign_in(request, response, username.strip(), password)
    except DocgenError as exc:
        status = 429 if exc.code == "throttled" else 401
        return render(request, "login.html", status_code=status, error=str(exc), next=target,
                      username=username.strip())
    if not target and user.role == "quan_tri":
        response.headers["location"] = ADMIN_HOME
    return response


@page("POST", f"{PREFIX}/dang-xuat", None)
def sign_out_submit(request: Request) -> Response:
    response = redirect(f"{PREFIX}/dang-nhap")
    sign_out(request, response)
    return response


PASSWORD_RULE = (f"Ít nhất {MIN_LENGTH} ký tự, không bắt đầu hay kết thúc bằng khoảng trắng; "
                 "nên dùng một câu dễ nhớ với bạn, khó đoán với người khác.")


@page("GET", f"{PREFIX}/doi-mat-khau", None)
def password_form(request: Request, user: PageUserDep) -> Response:
    return render(request, "password.html", me=user, error="", rule=PASSWORD_RULE)


@page("POST", f"{PREFIX}/doi-mat-khau", None)
def password_submit(request: Request, user: PageUserDep, workflow: WorkflowDep,
                    current: Annotated[str, Form()] = "", new: Annotated[str, Form()] = "",
                    again: Annotated[str, Form()] = "") -> Response:
    error = ""
    if new != again:
        error = "Hai lần nhập mật khẩu mới không giống nhau."
    else:
        try:
            workflow.change_password(user, current, new,
                                    keep_session=request.cookies.get(COOKIE))
        except InputError as exc:
            error = "; ".join(f"{p.location}: cần {p.expected}" for p in exc.problems)
    if error:
        return render(request, "password.html", status_code=422, me=user, error=error,
                      rule=PASSWORD_RULE)
    return render(request, "password.html", me=user, error="", rule=PASSWORD_RULE,
                  notice="Đã đổi mật khẩu.")
