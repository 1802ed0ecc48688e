"""The staff pages over HTTP: every route by every role against the permission table,
CSRF, hostile unit names shown as text, error pages without paths, no external address.

These use a plain HTTP client against a live server (no browser): the same cookies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
import httpx
from extract import SON_LA
from live import SON_LA_TEXT, csrf_of, sign_in
from service import ROLES, Clock, LiveServer, prepare_archive

from docgen.interfaces.http import Settings, create_app
from docgen.model.loader import load_dossier
from docgen.interfaces.http.pages.guard import ROUTES
from docgen.interfaces.http.pages.preview import Job
from docgen.workflow.roles import PERMISSIONS, Role
from docgen.workflow.service import Workflow

AGENCY, OTHER = "ubnd-son-la", "ubnd-phu-yen"
FACTS = {"name": "Ủy ban nhân dân tỉnh Sơn La", "issuer": "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA",
         "place": "Sơn La", "abbreviation": "UBND",
         "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
         "authority_name": "Chủ tịch Ủy ban nhân dân tỉnh"}
SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'


def password(role: str, agency: str = AGENCY) -> str:
    return f"mat-khau-{role}-{agency}"


class Pages:
    def __init__(self, app: object, url: str, workflow: Workflow, dossier: int, other: int,
                 victim: int):
        self.app, self.url, self.workflow = app, url, workflow
        self.dossier, self.other, self.victim = dossier, other, victim

    @contextmanager
    def client(self, role: str | None, agency: str = AGENCY) -> Iterator[httpx.Client]:
        """A browser-like client, signed in as `role` of `agency` (None: nobody)."""
        with httpx.Client(base_url=self.url, follow_redirects=False, timeout=120) as client:
            if role is not None:
                sign_in(client, f"{role}.{agency}", password(role, agency))
            yield client


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pages]:
    data_dir = tmp_path_factory.mktemp("pages")
    prepare_archive(data_dir)
    app = create_app(Settings(data_dir=data_dir, today=Clock(date(2025, 12, 20))))
    workflow: Workflow = app.state.workflow
    users = {}
    for agency in (AGENCY, OTHER):
        workflow.add_agency(None, agency, {**FACTS, "name": f"Cơ quan {agency}"})
        for role in ROLES:
            users[(agency, role)] = workflow.add_user(
                None, name=f"{role} {agency}", role=role, agency=agency,
                username=f"{role}.{agency}", password=password(role, agency))[0]
    victim = workflow.add_user(None, name="Người thử", role="chuyen_vien", agency=AGENCY)[0]
    data = load_dossier(SON_LA).model_dump(mode="json", exclude_none=True)
    data["blocks"][0]["units"][0]["name"] = SCRIPT
    data["blocks"][1]["units"][0]["name"] = IMAGE
    hostile = json.dumps(data, ensure_ascii=False).encode()
    mine = workflow.create(users[(AGENCY, "chuyen_vien")], hostile, "son-la.json")
    theirs = workflow.create(users[(OTHER, "chuyen_vien")], SON_LA_TEXT, "son-la.yaml")
    with LiveServer(app) as server:
        yield Pages(app, server.url, workflow, mine.id, theirs.id, victim.id)


def fill(path: str, pages: Pages, dossier: int | None = None) -> str:
    return (path.replace("{dossier_id:int}", str(dossier or pages.dossier))
            .replace("{user_id:int}", str(pages.victim)).replace("{code}", OTHER)
            .replace("{job_id}", "khong-co").replace("{kind}", "quyet_dinh")
            .replace("{fmt}", "pdf").replace("{number:int}", "1")
            + ("?a=1&b=2" if path.endswith("/so-sanh") else ""))


#: Routes that end the session or need a body to mean anything; checked on their own.
SIGN_IN_ROUTES = {"/dang-nhap", "/dang-xuat", "/"}
CHECKED = [r for r in ROUTES if r.path not in SIGN_IN_ROUTES]


def all_routes(routes: list) -> Iterator[object]:  # type: ignore[type-arg]
    """Every route of the app, inside included routers too."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from all_routes(inner.routes)
        else:
            yield route


def test_every_page_route_is_declared_with_its_action(pages: Pages) -> None:
    declared = {(r.method, r.path) for r in ROUTES}
    served = {(m, route.path) for route in all_routes(pages.app.routes)  # type: ignore[attr-defined]
              if getattr(route, "endpoint", None) is not None
              and route.endpoint.__module__.startswith("docgen.interfaces.http.pages")
              for m in route.methods}
    assert served == declared
    assert all(r.action is None or r.action in PERMISSIONS for r in ROUTES)
    assert len(CHECKED) >= 30


@pytest.mark.parametrize("role", ROLES)
def test_every_route_by_every_role_follows_the_permission_table(pages: Pages,
                                                                role: str) -> None:
    """GET routes are asked for; POST routes are sent with a wrong CSRF token, which is
    checked after the role: a role the table allows is refused for the token (nothing is
    done), any other role for the role itself."""
    with pages.client(role) as client:
        for route in CHECKED:
            path = fill(route.path, pages)
            allowed = route.action is None or Role(role) in PERMISSIONS[route.action]
            where = f"{route.method} {route.path} as {role}"
            if route.method == "GET":
                response = client.get(path)
                if allowed:
                    assert response.status_code not in (401, 403), where
                    assert response.status_code < 500, where
                else:
                    assert response.status_code == 403, where
                    assert "không được phép" in response.text, where
            else:
                response = client.post(path, data={"csrf_token": "sai"})
                assert response.status_code == 403, where
                assert ("CSRF" in response.text) == allowed, where


def test_nobody_signed_in_is_sent_to_the_sign_in_page(pages: Pages) -> None:
    with pages.client(None) as client:
        for route in CHECKED:
            path = fill(route.path, pages)
            response = client.get(path) if route.method == "GET" else client.post(path)
            assert response.status_code == 303, f"{route.method} {route.path}"
            assert response.headers["location"].startswith("/dang-nhap?next=")


@pytest.mark.parametrize("role", [r for r in ROLES if Role(r) in PERMISSIONS["read"]])
def test_another_agencys_dossier_does_not_exist(pages: Pages, role: str) -> None:
    with pages.client(role) as client:
        for route in CHECKED:
            if route.method != "GET" or "{dossier_id:int}" not in route.path \
                    or Role(role) not in PERMISSIONS[route.action or "read"]:
                continue
            response = client.get(fill(route.path, pages, pages.other))
            assert response.status_code == 404, route.path
            assert "Không tìm thấy" in response.text


def test_a_post_without_the_csrf_token_is_refused(pages: Pages) -> None:
    before = pages.workflow.archive.latest_revision(pages.dossier).revision
    with pages.client("chuyen_vien") as client:
        token = csrf_of(client.get("/doi-mat-khau").text)
        for data in ({}, {"csrf_token": "sai"}):
            response = client.post(f"/ho-so/{pages.dossier}/sua", data={**data, "do": "save"})
            assert response.status_code == 403
            assert "CSRF" in response.text and "<html" in response.text
        # the same form with the token is taken (and refused for its content, not the token)
        response = client.post(f"/ho-so/{pages.dossier}/sua",
                               data={"csrf_token": token, "do": "save", "year": "abc"})
        assert response.status_code == 422 and "CSRF" not in response.text
    with pages.client(None) as stranger:
        response = stranger.post("/dang-nhap", data={"username": "chuyen_vien.ubnd-son-la",
                                                     "password": password("chuyen_vien")})
        assert response.status_code == 403 and "docgen_session" not in response.headers.get(
            "set-cookie", "")
    assert pages.workflow.archive.latest_revision(pages.dossier).revision == before


def test_hostile_unit_names_are_shown_as_text(pages: Pages) -> None:
    user = pages.workflow.archive.user_by_username("chuyen_vien.ubnd-son-la")
    job = Job("viec-thu", user.id, pages.dossier, 0.0, finished=1.0,
              summary=[{"name": SCRIPT, "line": f"khối sở: cao nhất 96,63 ({SCRIPT})",
                        "bands": [IMAGE]}])
    pages.app.state.preview_jobs = {job.id: job}  # type: ignore[attr-defined]
    paths = [f"/ho-so/{pages.dossier}/sua", f"/ho-so/{pages.dossier}/xem-truoc/viec-thu",
             f"/ho-so/{pages.dossier}", f"/ho-so/{pages.dossier}/nhat-ky"]
    with pages.client("chuyen_vien") as client:
        for path in paths:
            html = client.get(path).text
            assert SCRIPT not in html and "<img src=x" not in html, path
        editor = client.get(f"/ho-so/{pages.dossier}/sua").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in editor
        assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in editor
        preview = client.get(f"/ho-so/{pages.dossier}/xem-truoc/viec-thu").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview


def test_pages_name_no_external_address_and_error_pages_no_path(pages: Pages) -> None:
    with pages.client("chuyen_vien") as client:
        check_pages(client, pages)


def check_pages(client: httpx.Client, pages: Pages) -> None:
    for path in ["/ho-so", f"/ho-so/{pages.dossier}", f"/ho-so/{pages.dossier}/sua",
                 f"/ho-so/{pages.dossier}/phien-ban", f"/ho-so/{pages.dossier}/nhat-ky",
                 f"/ho-so/{pages.dossier}/xem-truoc", "/ho-so/moi", "/doi-mat-khau",
                 "/khong-co-trang-nay", "/ho-so/abc", f"/ho-so/{pages.other}"]:
        response = client.get(path, headers={"accept": "text/html"})
        html = response.text
        assert not re.search(r"(src|href|action|data)=\"(https?:)?//", html), path
        assert " style=" not in html and "<script>" not in html, path  # CSP: no inline
        assert "default-src 'self'" in response.headers["content-security-policy"], path
        assert "Traceback" not in html and str(Path.cwd()) not in html, path
    assert client.get("/khong-co-trang-nay", headers={"accept": "text/html"}).status_code == 404
    static = client.get("/static/htmx.min.js")
    assert static.status_code == 200 and b"http://" not in static.content.lower().replace(
        b"http://www.w3.org", b"")
