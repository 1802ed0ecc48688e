"""Browser sessions: sign-in, sign-out, the signed-in user of a page, and CSRF.

Interface for the staff pages (everything a page route needs is here)::

    from docgen.interfaces.http.session import (
        CSRF_FIELD, CSRF_HEADER, SIGN_IN_PATH, CsrfDep, PageUserDep,
        csrf_token, sign_in, sign_out)

    @router.get("/ho-so")                                  # a page: needs a signed-in user
    def dossiers(request: Request, user: PageUserDep): ...
        # not signed in (or session expired, user disabled): 303 to
        # /dang-nhap?next=/ho-so (SIGN_IN_PATH) -- the route body never runs.
        # The pages call the workflow with `user`; the permission table
        # (docgen/workflow/roles.py) decides, exactly as for the API.

    # every form that changes something carries the token:
    #   <input type="hidden" name="{{ CSRF_FIELD }}" value="{{ csrf_token(request) }}">
    # htmx / fetch send it as a header instead:  X-CSRF-Token: <token>  (CSRF_HEADER)

    @router.post("/ho-so/{id}/trinh", dependencies=[CsrfDep])   # state-changing page route
    def submit(...): ...
        # CsrfDep refuses (403, code "csrf", Vietnamese message) a POST/PUT/PATCH/DELETE
        # whose form field or header does not match the session's token. It reads the
        # form through request.form() (cached, so Form(...) parameters still work).

    @router.post("/dang-nhap", dependencies=[CsrfDep])    # the sign-in form has a token too
    def do_sign_in(request: Request, username: str = Form(), password: str = Form()):
        response = RedirectResponse(next_url, status_code=303)
        user = sign_in(request, response, username, password)
        # raises UnauthorizedError (401, "Tên đăng nhập hoặc mật khẩu không đúng.") or
        # ThrottledError (429, says how many minutes to wait); a page catches them and
        # shows the message in the form. On success the old session (if any) is
        # discarded and a NEW session id is set on `response` (fixation-proof).
        return response

    @router.post("/dang-xuat", dependencies=[CsrfDep])
    def do_sign_out(request: Request):
        response = RedirectResponse(SIGN_IN_PATH, status_code=303)
        sign_out(request, response)          # deletes the session row and the cookie
        return response

`csrf_token(request)` works before sign-in too (the sign-in form): it then uses a
random token in a cookie of its own (``docgen_csrf``, double-submit); after sign-in the
token is the session's own, stored with it. `session_user(request)` returns the user or
None, without redirecting (for a page that shows "Đăng nhập" or the user's name).

The API (``docgen.interfaces.http.deps.current_user``) accepts the same session cookie
as well as ``Authorization: Bearer``, so a download link can be clicked in the page; a
cookie-authenticated POST/PUT/PATCH/DELETE to the API must carry ``X-CSRF-Token``
(bearer requests need none: a browser never adds that header by itself).

Why sessions live in the archive's database (table ``sessions``) rather than in a signed
cookie: a session must end *now* when its user signs out, is disabled or has the
password reset, which a self-contained signed cookie cannot do; and a server-side row
needs no secret key to manage. The cookie holds only a random id (256 bits); the table
keeps its SHA-256, so a copy of the database does not let anyone sign in. Cookies are
``HttpOnly``, ``SameSite=Lax``, ``Path=/`` and ``Secure`` when the request came over
HTTPS. A session ends after `Settings.session_idle_minutes` without use or
`Settings.session_max_hours` after sign-in, whichever comes first.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from docgen.archive.schema import User
from docgen.interfaces.http.guard import ROOT_PATH
from docgen.workflow.errors import ForbiddenError
from docgen.workflow.service import Workflow

#: Name of the session cookie.
COOKIE = "docgen_session"
#: Name of the cookie holding the CSRF token before sign-in.
CSRF_COOKIE = "docgen_csrf"
#: Name of the hidden form field carrying the CSRF token.
CSRF_FIELD = "csrf_token"
#: Header carrying the CSRF token (htmx, fetch).
CSRF_HEADER = "X-CSRF-Token"
#: The sign-in page, where `page_user` sends whoever is not signed in.
SIGN_IN_PATH = "/dang-nhap"
#: Methods that never change anything (no CSRF token needed).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Media types whose body may carry the CSRF token as a form field.
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Where a request keeps what was found about its session (request.state).
_STATE = "docgen_session"
#: Cookies to add to the response (set by csrf_token before sign-in; see SessionCookies).
_PENDING = "docgen_set_cookies"


class CsrfError(ForbiddenError):
    """Raised when a state-changing request lacks the right CSRF token."""

    code = "csrf"


class SignInRequired(Exception):
    """Raised by `page_user` when nobody is signed in; answered with a redirect."""

    def __init__(self, target: str):
        self.target = target


def _workflow(request: Request) -> Workflow:
    return request.app.state.workflow


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


def lookup_session(request: Request) -> tuple[User, str] | None:
    """Return (user, csrf) of the request's live session, looked up once per request."""
    if not hasattr(request.state, _STATE):
        raw = request.cookies.get(COOKIE)
        setattr(request.state, _STATE, _workflow(request).session_user(raw) if raw else None)
    return getattr(request.state, _STATE)


def session_user(request: Request) -> User | None:
    """Return the signed-in user of the request's session cookie, or None."""
    found = lookup_session(request)
    return found[0] if found else None


def page_user(request: Request) -> User:
    """Dependency of the pages: the signed-in user, or a 303 to the sign-in page."""
    user = session_user(request)
    if user is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return user


PageUserDep = Annotated[User, Depends(page_user)]


def csrf_token(request: Request) -> str:
    """Return the CSRF token forms of this page must carry (the session's, or before
    sign-in a random one kept in a cookie of its own)."""
    found = lookup_session(request)
    if found is not None:
        return found[1]
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "docgen_csrf", None)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.state.docgen_csrf = token
        pending = getattr(request.state, _PENDING, [])
        pending.append(_cookie_header(CSRF_COOKIE, token, https=_https(request)))
        setattr(request.state, _PENDING, pending)
    return token


async def verify_csrf(request: Request, expected: str | None) -> None:
    """Refuse (403) unless the request's header or form field carries `expected`."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(_FORM_TYPES):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError("Yêu cầu thiếu mã chống giả mạo (CSRF) hoặc mã không đúng; hãy tải "
                        "lại trang rồi thử lại.")


async def check_csrf(request: Request) -> None:
    """Dependency: a POST/PUT/PATCH/DELETE must carry the CSRF token of its session (or,
    before sign-in, of its CSRF cookie)."""
    if request.method in SAFE_METHODS:
        return
    found = lookup_session(request)
    await verify_csrf(request, found[1] if found else request.cookies.get(CSRF_COOKIE))


CsrfDep = Depends(check_csrf)


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def sign_in(request: Request, response: Response, username: str, password: str) -> User:
    """Check the name and password (throttled) and start a new session on `response`.

    The session the browser had, if any, is ended: the id always changes at sign-in.
    Raises UnauthorizedError (401) or ThrottledError (429) with a Vietnamese message.
    """
    workflow = _workflow(request)
    user = workflow.sign_in(username, password, _client(request))
    raw, csrf = workflow.open_session(user, replaces=request.cookies.get(COOKIE))
    lifetime = int(workflow.policy.lifetime.total_seconds())
    response.set_cookie(COOKIE, raw, max_age=lifetime, path=_cookie_path(), secure=_https(request),
                        httponly=True, samesite="lax")
    response.delete_cookie(CSRF_COOKIE, path=_cookie_path(), secure=_https(request), httponly=True,
                           samesite="lax")
    setattr(request.state, _STATE, (user, csrf))
    return user


def sign_out(request: Request, response: Response) -> None:
    """End the request's session (if any) and remove its cookie."""
    raw = request.cookies.get(COOKIE)
    if raw:
        _workflow(request).close_session(session_user(request), raw)
    response.delete_cookie(COOKIE, path=_cookie_path(), secure=_https(request), httponly=True,
                           samesite="lax")
    setattr(request.state, _STATE, None)


def _cookie_path() -> str:
    """The cookies' path: the root path the service is published under (``/docgen``), so
    that other applications on the same host never receive docgen's session; ``/`` when
    it is the site itself."""
    return ROOT_PATH.get() or "/"


def _cookie_header(name: str, value: str, *, https: bool) -> bytes:
    probe = Response()
    probe.set_cookie(name, value, path=_cookie_path(), secure=https, httponly=True, samesite="lax")
    return probe.headers["set-cookie"].encode("latin-1")


class SessionCookies:
    """ASGI middleware adding the cookies `csrf_token` asked for to the response (whatever
    response class the page returns)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                pending = scope.get("state", {}).get(_PENDING)
                if pending:
                    message["headers"] = [*message.get("headers", []),
                                          *((b"set-cookie", value) for value in pending)]
            await send(message)

        await self.app(scope, receive, sending)


async def _redirect_to_sign_in(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    return RedirectResponse(f"{request.scope.get('root_path', '')}{SIGN_IN_PATH}"
                            f"?next={quote(exc.target, safe='/')}", status_code=303)


def install(app: FastAPI) -> None:
    """Add the cookie middleware and the sign-in redirect to `app` (create_app calls it)."""
    app.add_middleware(SessionCookies)
    app.add_exception_handler(SignInRequired, _redirect_to_sign_in)
