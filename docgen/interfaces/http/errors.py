"""Every error leaves the service as JSON ``{"code": …, "message": …}``, in Vietnamese.

docgen's own errors carry a stable ``code``; this module maps each code to an HTTP
status once. FastAPI's and Starlette's defaults (404 for an unknown path, 405, 422 for a
bad parameter, 500) are replaced so that clients only ever see one error shape.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from docgen.errors import DocgenError, InputError
from docgen.workflow.errors import TemplateSetRefused

LOG = logging.getLogger("docgen.http")

#: docgen error code -> HTTP status.
STATUS = {
    "invalid_input": 422,
    "unsupported": 422,
    "unsupported_media_type": 415,
    "not_found": 404,
    "conflict": 409,
    "unauthorized": 401,
    "forbidden": 403,
    "csrf": 403,
    "throttled": 429,
    "cancelled": 409,
    "database_unavailable": 503,
    "corrupt_blob": 500,
    "storage_full": 507,
    "schema_outdated": 503,
    "template_error": 500,
    "invalid_templates": 422,
    "render_error": 500,
}

#: Messages for the statuses Starlette raises by itself.
HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    404: ("not_found", "Không có địa chỉ này trong dịch vụ."),
    405: ("method_not_allowed", "Phương thức {method} không được phép với địa chỉ này; "
                                "phiên bản đã lưu không thể bị xóa hay ghi đè."),
    413: ("too_large", "Nội dung yêu cầu quá lớn."),
}


class HttpError(DocgenError):
    """An error the HTTP layer raises itself, with an explicit code."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"code": code, "message": message, **extra}, status_code=status,
                        headers=headers)


async def _docgen_error(_request: Request, exc: DocgenError) -> JSONResponse:
    status = STATUS.get(exc.code, 500)
    if status == 500:
        LOG.error("request failed: %s: %s", exc.code, exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, InputError):
        extra["problems"] = [{"location": p.location, "expected": p.expected, "found": p.found}
                             for p in exc.problems]
    if isinstance(exc, TemplateSetRefused):
        extra["errors"] = exc.errors
    message = str(exc)
    if status == 503:
        LOG.warning("database unavailable: %s", exc)
        message = (f"Dịch vụ tạm thời không dùng được cơ sở dữ liệu: "
                   f"{message.removesuffix('.').removesuffix('; hãy thử lại sau')}. Yêu cầu "
                   f"chưa được thực hiện; hãy thử lại sau {getattr(exc, 'retry_after', 5)} giây.")
    response = error_response(status, exc.code, message, **extra)
    retry_after = getattr(exc, "retry_after", None)
    if status in (429, 503) and retry_after is not None:
        response.headers["Retry-After"] = str(max(1, retry_after))
    return response


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code, message = HTTP_MESSAGES.get(exc.status_code,
                                      ("http_error", "Yêu cầu không thực hiện được."))
    headers = dict(exc.headers or {})
    response = error_response(exc.status_code, code, message.format(method=request.method))
    response.headers.update(headers)
    return response


#: pydantic error type -> Vietnamese wording (context values are filled in).
_PYDANTIC_WORDS = {
    "missing": "thiếu",
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "greater_than_equal": "cần lớn hơn hoặc bằng {ge}",
    "less_than_equal": "cần nhỏ hơn hoặc bằng {le}",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_too_long": "tối đa {max_length} ký tự",
    "enum": "cần một trong {expected}",
    "json_invalid": "cần JSON hợp lệ",
    "model_attributes_type": "cần một đối tượng JSON",
    "dict_type": "cần một đối tượng JSON",
}
_PLACES = {"query": "tham số", "path": "đường dẫn", "body": "nội dung", "header": "tiêu đề"}


def _describe(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ())]
    place = _PLACES.get(location[0], location[0]) if location else "yêu cầu"
    name = ".".join(location[1:])
    words = _PYDANTIC_WORDS.get(error.get("type", ""))
    text = words.format(**error.get("ctx", {})) if words else error.get("msg", "")
    return f"{place} {name}: {text}".replace("  ", " ")


async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
    details = "; ".join(_describe(e) for e in exc.errors())
    return error_response(422, "invalid_request", f"Tham số của yêu cầu không hợp lệ: {details}")


async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
    LOG.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "Lỗi nội bộ của dịch vụ; yêu cầu chưa được "
                                                 "thực hiện. Hãy báo cho quản trị hệ thống.")


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(DocgenError, _docgen_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected)
