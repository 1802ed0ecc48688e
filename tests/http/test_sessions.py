"""Browser sessions through the seam the staff pages use (docgen.interfaces.http.session):
sign-in with a new session id, cookie flags, CSRF on every change, the session cookie
accepted by the API for downloads, throttled failures, sign-out and disabled users.

The routes under /t/ are what a page does, added to the real service for the test.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import Form, Request, Response
from fastapi.responses import JSONResponse
from live import AGENCY, SON_LA_TEXT
from service import OPERATOR, Clock, LiveServer, add_users, prepare_archive

from sqlalchemy import text

from docgen.archive.passwords import hash_password
from docgen.archive.records import hash_token
from docgen.archive.schema import User
from docgen.interfaces.http import Settings, create_app
from docgen.interfaces.http.session import (
    COOKIE,
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    CsrfDep,
    PageUserDep,
    csrf_token,
    sign_in,
    sign_out,
)
from docgen.workflow.service import Workflow

PASSWORD = "mật khẩu đúng 2025"


class Now:
    """A settable clock for sessions and throttling."""

    def __init__(self) -> None:
        self.moment = datetime(2025, 12, 16, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment


@dataclass
class Site:
    url: str
    workflow: Workflow
    now: Now
    tokens: dict[str, str]
    clients: list[httpx.Client] = field(default_factory=list)

    def user(self, role: str) -> User:
        found = self.workflow.archive.user_for_token(self.tokens[role])
        assert found is not None
        return found

    def browser(self, **headers: str) -> httpx.Client:
        """A new browser (its own cookie jar), closed when the module's tests end."""
        client = httpx.Client(base_url=self.url, timeout=120, headers=headers,
                              follow_redirects=False)
        self.clients.append(client)
        return client


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    now = Now()
    settings = Settings(data_dir=tmp_path_factory.mktemp("sessions"), now=now,
                        today=Clock(date(2025, 12, 16)), issue_formats=("docx",),
                        sign_in_user_failures=3, sign_in_client_failures=6,
                        sign_in_lock_minutes=15,
                        trusted_proxies=("127.0.0.1",))  # the test plays the reverse proxy
    prepare_archive(settings.data_dir)
    app = create_app(settings)

    @app.get("/t/form")
    def form(request: Request) -> dict[str, str]:
        return {"csrf": csrf_token(request)}

    @app.post("/t/sign-in", dependencies=[CsrfDep])
    def do_sign_in(request: Request, username: str = Form(), password: str = Form()
                   ) -> JSONResponse:
        cookies = Response()
        user = sign_in(request, cookies, username, password)
        response = JSONResponse({"name": user.name, "csrf": csrf_token(request)})
        response.raw_headers += [h for h in cookies.raw_headers if h[0] == b"set-cookie"]
        return response

    @app.get("/t/page")
    def page(user: PageUserDep) -> dict[str, str]:
        return {"name": user.name}

    @app.post("/t/change", dependencies=[CsrfDep])
    def change(user: PageUserDep) -> dict[str, str]:
        return {"changed_by": user.name}

    @app.post("/t/sign-out", dependencies=[CsrfDep])
    def do_sign_out(request: Request) -> JSONResponse:
        response = JSONResponse({"signed_out": True})
        sign_out(request, response)
        return response

    workflow: Workflow = app.state.workflow
    tokens = add_users(workflow.archive, AGENCY)
    site = Site("", workflow, now, tokens)
    for role in tokens:
        user = site.user(role)
        workflow.archive.set_password(OPERATOR, user.id, hash_password(PASSWORD), at=now(),
                                      username=role.replace("_", "-"))
    with LiveServer(app) as server:
        site.url = server.url
        yield site
        for client in site.clients:
            client.close()


def _signed_in(site: Site, role: str, browser: httpx.Client | None = None
               ) -> tuple[httpx.Client, str]:
    """Sign in as `role` in a (new) browser; return it and the session's CSRF token."""
    browser = browser or site.browser()
    token = browser.get("/t/form").json()["csrf"]
    response = browser.post("/t/sign-in", data={
        "username": role.replace("_", "-"), "password": PASSWORD, CSRF_FIELD: token})
    assert response.status_code == 200, response.text
    return browser, response.json()["csrf"]


def test_signing_in_sets_a_new_httponly_lax_session_cookie(site: Site) -> None:
    browser = site.browser()
    token = browser.get("/t/form").json()["csrf"]
    response = browser.post("/t/sign-in", data={"username": "chuyen-vien", "password": PASSWORD,
                                                 CSRF_FIELD: token})
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(f"{COOKIE}="))
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "path", "max-age"} <= attributes and "secure" not in attributes
    assert "samesite=lax" in cookie.lower()
    first = browser.cookies[COOKIE]
    assert browser.get("/t/page").json() == {"name": "chuyen_vien ubnd-son-la"}
    # Signing in again (same browser) yields another id; the old one is dead.
    _signed_in(site, "chuyen_vien", browser)
    second = browser.cookies[COOKIE]
    assert second != first
    stale = site.browser()
    stale.cookies.set(COOKIE, first, domain="127.0.0.1")
    assert stale.get("/t/page").status_code == 303


def test_a_session_id_planted_before_sign_in_is_not_kept(site: Site) -> None:
    browser = site.browser()
    browser.cookies.set(COOKIE, "chosen-by-an-attacker", domain="127.0.0.1")
    _signed_in(site, "lanh_dao", browser)
    assert browser.cookies[COOKIE] != "chosen-by-an-attacker"


def test_the_cookie_is_secure_when_the_request_came_over_https(site: Site) -> None:
    # X-Forwarded-Proto from loopback, a trusted proxy here (Settings.trusted_proxies).
    browser = site.browser(**{"X-Forwarded-Proto": "https"})
    token = browser.get("/t/form")
    assert "secure" in token.headers["set-cookie"].lower()
    browser.cookies.set(CSRF_COOKIE, token.json()["csrf"], domain="127.0.0.1")
    response = browser.post("/t/sign-in", data={"username": "van-thu", "password": PASSWORD,
                                                 CSRF_FIELD: token.json()["csrf"]})
    cookie = next(h for h in response.headers.get_list("set-cookie")
                  if h.startswith(f"{COOKIE}="))
    assert "; secure" in cookie.lower()


def test_a_page_without_a_session_redirects_to_the_sign_in_page(site: Site) -> None:
    response = site.browser().get("/t/page", params={"tab": "2"})
    assert response.status_code == 303
    assert response.headers["location"] == "/dang-nhap?next=/t/page%3Ftab%3D2"


def test_a_state_changing_form_without_the_csrf_token_is_refused(site: Site) -> None:
    browser, token = _signed_in(site, "chuyen_vien")
    missing = browser.post("/t/change", data={"x": "1"})
    wrong = browser.post("/t/change", data={CSRF_FIELD: "not-the-token"})
    assert (missing.status_code, missing.json()["code"]) == (403, "csrf")
    assert "CSRF" in missing.json()["message"] and wrong.status_code == 403
    assert browser.post("/t/change", data={CSRF_FIELD: token}).json() == {
        "changed_by": "chuyen_vien ubnd-son-la"}
    assert browser.post("/t/change", headers={CSRF_HEADER: token}).status_code == 200


def test_the_sign_in_form_itself_needs_its_csrf_token(site: Site) -> None:
    response = site.browser().post("/t/sign-in", data={"username": "chuyen-vien",
                                                       "password": PASSWORD})
    assert (response.status_code, response.json()["code"]) == (403, "csrf")


def test_the_api_accepts_the_session_cookie_and_wants_csrf_for_changes(site: Site) -> None:
    drafter = site.user("chuyen_vien")
    dossier = site.workflow.create(drafter, SON_LA_TEXT, "son-la.yaml")
    version = site.workflow.render(drafter, dossier.id, formats=["docx"],
                                   kinds=["quyet_dinh"])[0]
    browser, token = _signed_in(site, "chuyen_vien")
    download = browser.get(f"/versions/{version.version.id}/files/docx")
    assert download.status_code == 200
    assert download.headers["x-content-sha256"] == version.file("docx").sha256
    refused = browser.post(f"/dossiers/{dossier.id}/render?format=docx&kind=quyet_dinh")
    assert (refused.status_code, refused.json()["code"]) == (403, "csrf")
    assert len(site.workflow.archive.list_versions(dossier.id, "quyet_dinh", limit=10,
                                                   offset=0)[0]) == 1
    rendered = browser.post(f"/dossiers/{dossier.id}/render?format=docx&kind=quyet_dinh",
                            headers={CSRF_HEADER: token})
    assert rendered.status_code == 201
    # A bearer token needs no CSRF token: no browser sends it by itself.
    script = site.browser(Authorization=f"Bearer {site.tokens['chuyen_vien']}")
    assert script.post(f"/dossiers/{dossier.id}/render?format=docx&kind=quyet_dinh"
                       ).status_code == 201


def test_signing_out_ends_the_session(site: Site) -> None:
    browser, token = _signed_in(site, "luu_tru")
    old = browser.cookies[COOKIE]
    assert browser.post("/t/sign-out", data={CSRF_FIELD: token}).status_code == 200
    again = site.browser()
    again.cookies.set(COOKIE, old, domain="127.0.0.1")
    assert again.get("/t/page").status_code == 303
    assert again.get("/me").status_code == 401


def test_disabling_a_user_or_resetting_the_password_ends_their_sessions(site: Site) -> None:
    workflow, admin = site.workflow, site.user("quan_tri")
    user, _ = workflow.add_user(admin, name="Tạm thời", role="van_thu", username="tam-thoi",
                                password=PASSWORD)
    browser = site.browser()
    token = browser.get("/t/form").json()["csrf"]
    assert browser.post("/t/sign-in", data={"username": "tam-thoi", "password": PASSWORD,
                                            CSRF_FIELD: token}).status_code == 200
    assert browser.get("/t/page").status_code == 200
    workflow.reset_password(admin, user.id, "mật khẩu khác 2025")
    assert browser.get("/t/page").status_code == 303
    token = browser.get("/t/form").json()["csrf"]
    assert browser.post("/t/sign-in", data={"username": "tam-thoi",
                                            "password": "mật khẩu khác 2025",
                                            CSRF_FIELD: token}).status_code == 200
    workflow.deactivate_user(admin, user.id)
    assert browser.get("/t/page").status_code == 303
    token = browser.get("/t/form").json()["csrf"]
    refused = browser.post("/t/sign-in", data={"username": "tam-thoi",
                                               "password": "mật khẩu khác 2025",
                                               CSRF_FIELD: token})
    assert (refused.status_code, refused.json()["message"]) == (
        401, "Tài khoản này đã bị khóa; hãy liên hệ quản trị.")


def _attempt(site: Site, username: str, password: str, client: str = "10.0.0.1"
             ) -> httpx.Response:
    browser = site.browser(**{"X-Forwarded-For": client})
    token = browser.get("/t/form").json()["csrf"]
    return browser.post("/t/sign-in", data={"username": username, "password": password,
                                            CSRF_FIELD: token})


def test_failed_sign_ins_lock_the_user_name_until_the_lock_time_has_passed(site: Site) -> None:
    workflow, admin = site.workflow, site.user("quan_tri")
    workflow.add_user(admin, name="Bị thử", role="lanh_dao", username="bi-thu", password=PASSWORD)
    for _ in range(3):
        wrong = _attempt(site, "bi-thu", "sai mật khẩu", client="10.0.0.2")
        assert (wrong.status_code, wrong.json()["message"]) == (
            401, "Tên đăng nhập hoặc mật khẩu không đúng.")
    locked = _attempt(site, "bi-thu", PASSWORD, client="10.0.0.3")  # right password, locked
    assert locked.status_code == 429 and locked.json()["code"] == "throttled"
    assert locked.json()["message"] == "Đăng nhập sai quá nhiều lần; hãy thử lại sau 15 phút."
    assert int(locked.headers["retry-after"]) == 15 * 60
    site.now.moment += timedelta(minutes=14)
    assert _attempt(site, "bi-thu", PASSWORD, client="10.0.0.3").status_code == 429
    site.now.moment += timedelta(minutes=1, seconds=1)
    assert _attempt(site, "bi-thu", PASSWORD, client="10.0.0.3").status_code == 200


def test_failed_sign_ins_from_one_client_lock_that_client_for_every_name(site: Site) -> None:
    for i in range(6):
        assert _attempt(site, f"khong-co-{i}", "bất kỳ", client="10.9.9.9").status_code == 401
    assert _attempt(site, "chuyen-vien", PASSWORD, client="10.9.9.9").status_code == 429
    assert _attempt(site, "chuyen-vien", PASSWORD, client="10.9.9.8").status_code == 200
    entries, _ = site.workflow.archive.audit_entries(limit=1000, offset=0)
    failed = [e for e in entries if e.action == "sign_in_failed"
              and e.detail.get("client") == "10.9.9.9"]
    assert [e.actor for e in failed] == [f"khong-co-{i}" for i in range(6)]


def test_a_session_ends_after_eight_idle_hours_or_twelve_hours_in_all(site: Site) -> None:
    idle, _ = _signed_in(site, "van_thu")
    site.now.moment += timedelta(minutes=481)
    assert idle.get("/t/page").status_code == 303
    busy, _ = _signed_in(site, "van_thu")
    for _ in range(2):
        site.now.moment += timedelta(minutes=300)
        assert busy.get("/t/page").status_code == 200  # used: the idle time restarts
    site.now.moment += timedelta(minutes=121)  # 12 h 1 min after sign-in
    assert busy.get("/t/page").status_code == 303


def test_changing_ones_own_password_keeps_this_session_and_ends_the_others(site: Site) -> None:
    workflow, admin = site.workflow, site.user("quan_tri")
    workflow.add_user(admin, name="Đổi mật khẩu", role="luu_tru", username="doi-mk",
                      password=PASSWORD)
    here, there = site.browser(), site.browser()
    for browser in (here, there):
        token = browser.get("/t/form").json()["csrf"]
        browser.post("/t/sign-in", data={"username": "doi-mk", "password": PASSWORD,
                                         CSRF_FIELD: token})
    token = here.get("/t/form").json()["csrf"]
    wrong = here.post("/me/password", json={"current": "sai", "new": "mật khẩu mới 2026"},
                      headers={CSRF_HEADER: token})
    assert wrong.status_code == 422 and "mật khẩu hiện tại" in wrong.json()["message"]
    short = here.post("/me/password", json={"current": PASSWORD, "new": "ngắn"},
                      headers={CSRF_HEADER: token})
    assert short.json()["message"].endswith("mật khẩu cần ít nhất 10 ký tự (nhận được 4)")
    done = here.post("/me/password", json={"current": PASSWORD, "new": "mật khẩu mới 2026"},
                     headers={CSRF_HEADER: token})
    assert done.status_code == 200
    assert here.get("/t/page").status_code == 200
    assert there.get("/t/page").status_code == 303


def test_the_session_table_keeps_only_a_hash_of_the_id(site: Site) -> None:
    browser, _ = _signed_in(site, "lanh_dao")
    raw = browser.cookies[COOKIE]
    with site.workflow.archive.engine.connect() as connection:
        stored = connection.execute(text("SELECT id_sha256 FROM sessions")).scalars().all()
    assert raw not in stored and hash_token(raw) in stored
