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
