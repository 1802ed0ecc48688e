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

#: Messages for the statuses Starlette raises by itself (its own texts are English).
HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("unauthorized", "Cần mã truy cập hoặc đăng nhập."),
    403: ("forbidden", "Không được phép thực hiện yêu cầu này."),
    404: ("not_found", "Không có địa chỉ này trong dịch vụ."),
    405: ("method_not_allowed", "Phương thức {method} không được phép với địa chỉ này; "
                                "phiên bản đã lưu không thể bị xóa hay ghi đè."),
    413: ("too_large", "Nội dung yêu cầu quá lớn."),
    415: ("unsupported_media_type", "Kiểu nội dung của yêu cầu không được hỗ trợ."),
    429: ("throttled", "Quá nhiều yêu cầu; hãy thử lại sau."),
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


#: pydantic error type -> Vietnamese wording (context values are filled in). A type not
#: listed gets a plain Vietnamese sentence: pydantic's own message is never shown.
_PYDANTIC_WORDS = {
    "missing": "thiếu",
    "extra_forbidden": "không có trường này",
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_parsing": "cần một số",
    "float_type": "cần một số",
    "bool_parsing": "cần true hoặc false",
    "bool_type": "cần true hoặc false",
    "string_type": "cần một chuỗi ký tự",
    "list_type": "cần một danh sách",
    "greater_than_equal": "cần lớn hơn hoặc bằng {ge}",
    "greater_than": "cần lớn hơn {gt}",
    "less_than_equal": "cần nhỏ hơn hoặc bằng {le}",
    "less_than": "cần nhỏ hơn {lt}",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_too_long": "tối đa {max_length} ký tự",
    "too_short": "cần ít nhất {min_length} phần tử",
    "too_long": "tối đa {max_length} phần tử",
    "string_pattern_mismatch": "không đúng dạng quy định",
    "enum": "cần một trong {expected}",
    "literal_error": "cần một trong {expected}",
    "date_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_type": "cần một ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "cần một ngày dạng YYYY-MM-DD",
    "date_from_datetime_inexact": "cần một ngày dạng YYYY-MM-DD (không kèm giờ)",
    "datetime_parsing": "cần ngày giờ dạng YYYY-MM-DDTHH:MM:SS",
    "datetime_type": "cần ngày giờ dạng YYYY-MM-DDTHH:MM:SS",
    "datetime_from_date_parsing": "cần ngày giờ dạng YYYY-MM-DDTHH:MM:SS",
    "json_invalid": "cần JSON hợp lệ",
    "model_attributes_type": "cần một đối tượng JSON",
    "dict_type": "cần một đối tượng JSON",
}
_PLACES = {"query": "tham số", "path": "đường dẫn", "body": "nội dung", "header": "tiêu đề",
           "cookie": "cookie"}


def _context(error: dict[str, Any]) -> dict[str, str]:
    """pydantic's context values for the wording; its lists of choices end in English
    ("'a', 'b' or 'c'")."""
    return {key: str(value).replace(" or ", " hoặc ")
            for key, value in (error.get("ctx") or {}).items()}


def _found(error: dict[str, Any]) -> str:
    value = error.get("input")
    if isinstance(value, bool | int | float | str) and len(repr(value)) <= 60:
        return f" (nhận được {value!r})"
    return ""


def _describe(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ())]
    place = _PLACES.get(location[0], location[0]) if location else "yêu cầu"
    kind = error.get("type", "")
    if kind == "json_invalid":  # the location's second part is a character position
        where = f" (lỗi ở ký tự {location[1]})" if len(location) > 1 else ""
        return f"{place}: cần JSON hợp lệ{where}"
    name = ".".join(location[1:])
    words = _PYDANTIC_WORDS.get(kind)
    try:
        text = words.format(**_context(error)) if words else None
    except (KeyError, IndexError):
        text = None
    if text is None:
        text = f"giá trị không hợp lệ{_found(error)}"
    return f"{place} {name}: {text}" if name else f"{place}: {text}"


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
