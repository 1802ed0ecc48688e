"""The service published under a sub-path by a reverse proxy (Settings.root_path): every
URL it gives out, in JSON, redirects, pages and the API description, carries the prefix,
whether the proxy strips the prefix or passes it on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from live import AGENCY, SON_LA_TEXT, YAML
from service import Clock, LiveServer, add_users, bearer

from docgen.interfaces.http import Settings, create_app


@pytest.fixture(scope="module")
def prefixed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("prefixed"), root_path="/docgen",
                        today=Clock(date(2025, 12, 16)), issue_formats=("docx",))
    app = create_app(settings)
    tokens = add_users(app.state.workflow.archive, AGENCY)
    with LiveServer(app) as server:
        yield server.url, tokens


@pytest.mark.parametrize("path", ["/health", "/docgen/health"],
                         ids=["prefix stripped by the proxy", "prefix passed on"])
def test_both_proxy_styles_reach_the_routes(prefixed: tuple[str, dict[str, str]],
                                            path: str) -> None:
    url, _ = prefixed
    assert httpx.get(url + path, timeout=60).json() == {"status": "ok"}


def test_the_api_description_and_docs_pages_carry_the_prefix(
        prefixed: tuple[str, dict[str, str]]) -> None:
    url, _ = prefixed
    with httpx.Client(base_url=url, timeout=60) as client:
        docs = client.get("/docs").text
        redoc = client.get("/docgen/redoc").text
        schema = client.get("/openapi.json").json()
        asset = client.get("/docgen/api-docs/swagger-ui.css")
    assert "'/docgen/openapi.json'" in docs or '"/docgen/openapi.json"' in docs
    assert "/docgen/api-docs/swagger-ui-bundle.js" in docs
    assert "/docgen/openapi.json" in redoc
    assert schema["servers"] == [{"url": "/docgen"}]
    assert asset.status_code == 200


def test_file_urls_in_json_carry_the_prefix_and_work(
        prefixed: tuple[str, dict[str, str]]) -> None:
    url, tokens = prefixed
    with httpx.Client(base_url=url, timeout=120, headers=bearer(tokens["chuyen_vien"])) as client:
        dossier = client.post("/dossiers", content=SON_LA_TEXT, headers=YAML).json()
        versions = client.post(f"/docgen/dossiers/{dossier['id']}/render",
                               params={"format": "docx"}).json()
        file_url = versions[0]["files"][0]["url"]
        download = client.get(file_url)
    assert file_url.startswith("/docgen/versions/")
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_redirects_and_page_links_carry_the_prefix(
        prefixed: tuple[str, dict[str, str]]) -> None:
    url, _ = prefixed
    with httpx.Client(base_url=url, timeout=60) as client:
        to_sign_in = client.get("/ho-so")
        home = client.get("/docgen/")
        page = client.get("/dang-nhap").text
    assert to_sign_in.status_code == 303
    assert to_sign_in.headers["location"] == "/docgen/dang-nhap?next=/docgen/ho-so"
    assert home.headers["location"] == "/docgen/dang-nhap"
    assert 'href="/docgen/static/docgen.css"' in page
    assert 'action="/docgen/dang-nhap' in page
