"""The staff's pages: server-rendered Vietnamese HTML over the same workflow as the API.

Jinja2 templates (``templates/``) rendered by FastAPI routes; small partial updates with
htmx, vendored in ``static/`` with the one style sheet (no CDN: the pages work on an
agency network without internet; ``tools/vendor_htmx.sh`` refreshes the copy from the npm
registry). Why server-rendered pages and htmx rather than a front-end build: nothing to
build or install beyond the Python package, the HTML is the same Jinja2 the documents
use, and every rule (permissions, validation, messages) stays in Python, in one place.

:func:`install` adds the page routes, the static files and the error pages to the app.
An error on a page (or on any address a browser asks for as HTML) is a Vietnamese page
that never shows a server path or a traceback; the API keeps its JSON errors.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from docgen.errors import DocgenError, InputError
from docgen.interfaces.http.errors import STATUS
from docgen.interfaces.http.pages import (  # noqa: F401  (their routes register themselves)
    admin,
    auth,
    dossiers,
    editor,
    history,
    preview,
    sheets,
    templatesets,
)
from docgen.interfaces.http.pages.guard import ROUTES, router
from docgen.interfaces.http.pages.view import HEADERS, PREFIX, render

LOG = logging.getLogger("docgen.pages")

STATIC_DIR = __import__("pathlib").Path(__file__).parent / "static"

#: Headings of the error pages, by status.
HEADINGS = {400: "Yêu cầu không hợp lệ", 401: "Cần đăng nhập", 403: "Không được phép",
            404: "Không tìm thấy", 405: "Không thực hiện được", 409: "Không thực hiện được",
            413: "Tệp quá lớn", 415: "Sai loại tệp", 422: "Dữ liệu chưa hợp lệ",
            429: "Tạm khóa đăng nhập", 500: "Lỗi của hệ thống"}
NOT_FOUND = "Không có trang hoặc hồ sơ này (hoặc hồ sơ thuộc một cơ quan khác)."
INTERNAL = ("Đã xảy ra lỗi trong hệ thống; thao tác chưa được thực hiện. Hãy thử lại, nếu vẫn "
            "lỗi thì báo cho quản trị hệ thống kèm thời điểm xảy ra.")

_PAGE_PATHS = {route.path for route in ROUTES}


def is_page(request: Request) -> bool:
    """A page route, or an address no route knows that a browser asked for as HTML."""
    route = request.scope.get("route")
    if route is not None:
        return getattr(route, "path", None) in _PAGE_PATHS
    return "text/html" in request.headers.get("accept", "")


#: The page shown if even the error page cannot be drawn.
LAST_RESORT = ("<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Lỗi</title>"
               "<p>Đã xảy ra lỗi trong hệ thống; thao tác chưa được thực hiện.</p>"
               "<p><a href=\"/ho-so\">Về danh sách hồ sơ</a></p></html>")


def error_page(request: Request, status: int, message: str,
               problems: list[str] | None = None) -> Any:
    try:
        return render(request, "error.html", status_code=status,
                      heading=HEADINGS.get(status, "Không thực hiện được"), message=message,
                      problems=problems or [])
    except Exception:  # the session store itself may be what failed
        LOG.exception("error page failed")
        return HTMLResponse(LAST_RESORT, status_code=status, headers=HEADERS)


def install(app: FastAPI) -> None:
    """Add the pages to `app` (after the API's error handlers are installed)."""
    app.include_router(router)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC_DIR), name="static")
    json_handlers = dict(app.exception_handlers)

    def wrap(kind: Any, page_handler: Any) -> None:
        fallback = json_handlers[kind]

        async def handler(request: Request, exc: Any) -> Any:
            if is_page(request):
                response = page_handler(request, exc)
                if response is not None:
                    return response
            return await fallback(request, exc)
        app.add_exception_handler(kind, handler)

    def docgen_error(request: Request, exc: DocgenError) -> Any:
        status = {"throttled": 429, "csrf": 403}.get(exc.code) or STATUS.get(exc.code, 500)
        if status == 500:
            LOG.error("page failed: %s: %s", exc.code, exc)
            return error_page(request, 500, INTERNAL)
        if status == 404:
            return error_page(request, 404, NOT_FOUND)
        problems = [p.message for p in exc.problems] if isinstance(exc, InputError) else []
        return error_page(request, status, "Dữ liệu chưa hợp lệ." if problems else str(exc),
                          problems)

    def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        if exc.status_code < 400:
            return None  # a redirect (to the sign-in page): as it is
        message = NOT_FOUND if exc.status_code == 404 else "Yêu cầu không thực hiện được."
        if exc.status_code == 405:
            message = "Địa chỉ này không nhận thao tác đó."
        return error_page(request, exc.status_code, message)

    def validation_error(request: Request, _exc: RequestValidationError) -> Any:
        return error_page(request, 422, "Địa chỉ hoặc biểu mẫu có giá trị không hợp lệ "
                                        "(ví dụ số hồ sơ không phải là số).")

    def unexpected(request: Request, exc: Exception) -> Any:
        LOG.exception("page failed", exc_info=exc)
        return error_page(request, 500, INTERNAL)

    wrap(DocgenError, docgen_error)
    wrap(StarletteHTTPException, http_error)
    wrap(RequestValidationError, validation_error)
    wrap(Exception, unexpected)
