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
