"""Errors of the workflow: who is asking and whether they may."""

from __future__ import annotations

from docgen.errors import DocgenError


class UnauthorizedError(DocgenError):
    """Raised when a request carries no token, or a token no active user holds."""

    code = "unauthorized"


class ForbiddenError(DocgenError):
    """Raised when the user's role does not allow the action."""

    code = "forbidden"


class UnsupportedError(DocgenError, ValueError):
    """Raised when a request asks for a format, kind or content type that does not exist."""

    code = "unsupported"


class ThrottledError(DocgenError):
    """Raised when too many sign-ins failed for a user name or from one client."""

    code = "throttled"

    def __init__(self, message: str, retry_after: int):
        self.retry_after = retry_after  #: seconds
        super().__init__(message)


class TemplateSetRefused(DocgenError):
    """Raised when an uploaded template set does not render the bundled fixture: `errors`
    holds every problem (each naming the file and the paragraph's text); nothing was
    stored."""

    code = "invalid_templates"

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__(f"Bộ mẫu có {len(self.errors)} lỗi, chưa lưu gì; hãy sửa trong Word "
                         "hoặc LibreOffice rồi tải lên lại: " + " | ".join(self.errors))
