"""Dependencies of the routes: the workflow, the authenticated user, pagination, bodies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from docgen.archive.schema import User
from docgen.interfaces.http import session
from docgen.interfaces.http.errors import HttpError
from docgen.workflow.errors import UnauthorizedError
from docgen.workflow.service import Workflow

#: Largest page a list endpoint returns.
MAX_LIMIT = 100

#: Accepted content types of a dossier body.
DOSSIER_TYPES = {"application/json": "hồ sơ.json", "application/yaml": "hồ sơ.yaml",
                 "application/x-yaml": "hồ sơ.yaml", "text/yaml": "hồ sơ.yaml",
                 "text/x-yaml": "hồ sơ.yaml"}


def get_workflow(request: Request) -> Workflow:
    return request.app.state.workflow


WorkflowDep = Annotated[Workflow, Depends(get_workflow)]


#: Declares the bearer scheme in the OpenAPI description, so that /docs has "Authorize".
BEARER = HTTPBearer(auto_error=False, scheme_name="bearer",
                    description="Mã truy cập của người dùng (docgen user add, hoặc quản trị "
                                "cấp); tiêu đề Authorization: Bearer <mã>.")


async def current_user(request: Request, workflow: WorkflowDep,
                       _declared: Annotated[HTTPAuthorizationCredentials | None,
                                            Depends(BEARER)] = None) -> User:
    """Return the user whose API token is in ``Authorization: Bearer …``, or else the
    user signed in with the session cookie (so that a link in a page downloads); 401
    otherwise. A cookie-authenticated request that changes something must carry the
    session's CSRF token (header ``X-CSRF-Token``); a bearer token needs none, since a
    browser never sends one by itself."""
    header = request.headers.get("authorization", "")
    if not header and request.cookies.get(session.COOKIE):
        found = await run_in_threadpool(session.lookup_session, request)
        if found is None:
            raise UnauthorizedError("Phiên đăng nhập đã hết hạn; hãy đăng nhập lại.")
        if request.method not in session.SAFE_METHODS:
            await session.verify_csrf(request, found[1])
        return found[0]
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("Cần mã truy cập: tiêu đề 'Authorization: Bearer <mã>' "
                                "(hoặc đăng nhập trên trang).")
    user = await run_in_threadpool(workflow.archive.user_for_token, token.strip())
    if user is None:
        raise UnauthorizedError("Mã truy cập không hợp lệ hoặc đã bị thu hồi.")
    return user


UserDep = Annotated[User, Depends(current_user)]


class Page:
    """``limit`` and ``offset`` query parameters, shared by every list endpoint."""

    def __init__(self,
                 limit: Annotated[int, Query(ge=1, le=MAX_LIMIT,
                                             description="Số mục tối đa trong một trang.")] = 20,
                 offset: Annotated[int, Query(ge=0, description="Bỏ qua chừng này mục đầu.")] = 0):
        self.limit = limit
        self.offset = offset


PageDep = Annotated[Page, Depends()]


def _media_type(request: Request) -> str:
    """Return the request's media type, lower case, without parameters (``; charset=…``)."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def dossier_body(request: Request) -> tuple[bytes, str]:
    """Return the raw dossier text and a source name; refuse other content types (415)."""
    media_type = _media_type(request)
    if media_type not in DOSSIER_TYPES:
        raise HttpError("unsupported_media_type",
                        "Hồ sơ phải gửi dưới dạng JSON (application/json) hoặc YAML "
                        f"(application/yaml); nhận được {media_type or 'không rõ'!r}.")
    return await request.body(), DOSSIER_TYPES[media_type]


async def pdf_body(request: Request) -> bytes:
    """Return the raw body of a PDF upload; refuse other content types (415)."""
    media_type = _media_type(request)
    if media_type != "application/pdf":
        raise HttpError("unsupported_media_type", "Bản đã ký phải gửi dưới dạng "
                        f"application/pdf; nhận được {media_type or 'không rõ'!r}.")
    return await request.body()


DossierBody = Annotated[tuple[bytes, str], Depends(dossier_body)]
PdfBody = Annotated[bytes, Depends(pdf_body)]
