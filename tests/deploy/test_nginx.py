"""The shipped nginx sites in front of a real ``docgen serve``, over HTTPS, as the
Deployment section of the README sets them up: docgen under /docgen with 127.0.0.1 as its
only trusted proxy, nginx with the agency's (here self-signed) certificate.

Through nginx: the API docs and description carry the prefix, redirects carry it, an
upload of docgen's whole body limit passes and one byte more is refused with docgen's own
Vietnamese answer, and X-Forwarded-For / -Proto from nginx are believed while the same
headers sent straight to docgen are not. Every shipped site also passes ``nginx -t``.
"""

from __future__ import annotations

import os
import re
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from nginx_site import (DEPLOY, SHARED, Ports, check, local_site, main_config, nginx_command,
                        self_signed)
from service import add_users, prepare_archive

from docgen.archive.store import Archive
from docgen.interfaces.http import Settings

pytestmark = pytest.mark.e2e

LIMIT = Settings().max_body_bytes
SITES = [DEPLOY / "nginx.conf", DEPLOY / "nginx-compose.conf"]
#: A client of the agency's network as nginx sees it (any 127.x address is this machine).
CLIENT = "127.0.0.2"
FORGED = "203.0.113.7"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path,
                  seconds: float = 15) -> None:
    """Poll until something accepts on `port`; fail with `log` if `process` ends first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"nothing listens on {port} after {seconds} s:\n{log.read_text(errors='replace')}")


def started(command: list[str], log: Path, port: int) -> subprocess.Popen[bytes]:
    """Start `command` with its output in `log`; return once `port` accepts."""
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    wait_for_port(port, process, log)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:  # pragma: no cover - a hung server is killed
        process.kill()
        process.wait()


@dataclass(frozen=True)
class Stack:
    """docgen behind nginx: where each listens, the van thu's token, docgen's log."""

    https: str
    http: str
    direct: str
    tls: Path
    token: str
    docgen_log: Path

    def client(self, url: str, **options: object) -> httpx.Client:
        """A client connecting from CLIENT (not the proxy's address), trusting the test CA."""
        trust = ssl.create_default_context(cafile=self.tls / "fullchain.pem")
        transport = httpx.HTTPTransport(local_address=CLIENT, verify=trust)
        return httpx.Client(base_url=url, transport=transport, timeout=60, **options)

    def seen_as(self, path: str) -> str:
        """The client address docgen's access log gives the request for `path`."""
        pattern = re.compile(rf"(\S+):\d+ - \"\w+ (?:/docgen)?{re.escape(path)} HTTP")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            found = pattern.findall(self.docgen_log.read_text(errors="replace"))
            if found:
                assert len(found) == 1, found
                return found[0]
            time.sleep(0.05)
        pytest.fail(f"{path} not in docgen's log:\n{self.docgen_log.read_text()}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("nginx")
    data = root / "data"
    prepare_archive(data)  # docgen db upgrade
    docgen_port, ports = free_port(), Ports(http=free_port(), https=free_port())
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")},
           "PYTHONUNBUFFERED": "1", "DOCGEN_RENDER_WORKERS": "1"}
    docgen_log = root / "docgen.log"
    # the unit's command line (deploy/docgen.service), on a free port; while it starts,
    # the users, the certificate and nginx are made
    with docgen_log.open("wb") as out:
        docgen = subprocess.Popen(
            [sys.executable, "-m", "docgen.interfaces.cli", "serve", "--data", str(data),
             "--host", "127.0.0.1", "--port", str(docgen_port), "--root-path", "/docgen",
             "--trusted-proxy", "127.0.0.1"], stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        archive = Archive(data)
        try:
            token = add_users(archive, "ubnd-son-la")["van_thu"]
        finally:
            archive.close()
        tls = self_signed(root / "tls")
        site = local_site(DEPLOY / "nginx.conf", root, ports=ports,
                          upstream=f"127.0.0.1:{docgen_port}", tls=tls)
        nginx = started(nginx_command(main_config(root, site), "-g", "daemon off;"),
                        root / "nginx.out", ports.https)
        try:
            wait_for_port(docgen_port, docgen, docgen_log, seconds=60)
            yield Stack(https=f"https://127.0.0.1:{ports.https}",
                        http=f"http://127.0.0.1:{ports.http}",
                        direct=f"http://127.0.0.1:{docgen_port}", tls=tls, token=token,
                        docgen_log=docgen_log)
        finally:
            stop(nginx)
    finally:
        stop(docgen)


def test_the_api_docs_load_through_nginx_with_the_prefix(stack: Stack) -> None:
    with stack.client(stack.https) as client:
        docs = client.get("/docgen/docs")
        description = client.get("/docgen/openapi.json")
        bundle = client.get("/docgen/api-docs/swagger-ui-bundle.js")
    assert docs.status_code == 200 and "/docgen/openapi.json" in docs.text
    assert description.status_code == 200
    assert description.json()["servers"] == [{"url": "/docgen"}]
    assert bundle.status_code == 200 and len(bundle.content) > 100_000


def test_redirects_carry_the_prefix_and_http_goes_to_https(stack: Stack) -> None:
    with stack.client(stack.https) as client:
        to_sign_in = client.get("/docgen/ho-so")
        sign_in = client.get(to_sign_in.headers["location"])
        bare = client.get("/docgen")
    with stack.client(stack.http) as client:
        plain = client.get("/docgen/health")
    assert to_sign_in.status_code == 303
    assert to_sign_in.headers["location"] == "/docgen/dang-nhap?next=/docgen/ho-so"
    assert sign_in.status_code == 200 and 'action="/docgen/dang-nhap' in sign_in.text
    # the form's cookie: only for docgen's path, only over HTTPS (X-Forwarded-Proto)
    cookie = sign_in.headers["set-cookie"]
    assert cookie.startswith("docgen_csrf=") and "Path=/docgen;" in cookie
    assert "; Secure" in cookie
    assert bare.status_code == 301 and bare.headers["location"].endswith("/docgen/")
    assert plain.status_code == 301
    assert plain.headers["location"] == "https://127.0.0.1/docgen/health"


def test_an_upload_of_the_whole_limit_passes_and_one_byte_more_is_refused_in_vietnamese(
        stack: Stack) -> None:
    pdf = {"Authorization": f"Bearer {stack.token}", "Content-Type": "application/pdf"}
    whole = b"%PDF-1.7\n" + b"0" * (LIMIT - 9)
    with stack.client(stack.https) as client:
        passed = client.post("/docgen/dossiers/999999/signed", content=whole, headers=pdf)
        refused = client.post("/docgen/dossiers/999999/signed", content=whole + b"0",
                              headers=pdf)
    with stack.client(stack.direct) as client:
        docgen_refusal = client.post("/dossiers/999999/signed", content=whole + b"0",
                                     headers=pdf)
    # docgen read the whole body and answered (no such dossier), nginx let it through
    assert passed.status_code == 404, passed.text
    assert passed.json()["code"] == "not_found"
    # nginx refuses one byte more itself, with the answer docgen gives
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("application/json")
    assert refused.json() == docgen_refusal.json()
    assert refused.json() == {"code": "too_large", "message": "Nội dung yêu cầu vượt quá "
                              f"giới hạn {LIMIT / 1024 / 1024:g} MB ({LIMIT} byte)."}
    assert docgen_refusal.status_code == 413


def test_the_shipped_body_limit_is_docgens() -> None:
    size = re.search(r"^client_max_body_size (\d+)([kmg]?);", SHARED.read_text(), re.MULTILINE)
    assert size is not None
    factor = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[size.group(2)]
    assert int(size.group(1)) * factor == LIMIT


def test_forwarded_headers_count_from_nginx_only(stack: Stack) -> None:
    forged = {"X-Forwarded-For": FORGED, "X-Forwarded-Proto": "https"}
    with stack.client(stack.https) as client:
        through = client.get("/docgen/health-through-nginx")
        forged_through = client.get("/docgen/forged-through-nginx", headers=forged)
    with stack.client(stack.direct) as client:
        direct = client.get("/forged-direct", headers=forged)
    # nginx's address is trusted: docgen sees the client nginx saw, and HTTPS
    assert stack.seen_as("/health-through-nginx") == CLIENT
    assert "strict-transport-security" in through.headers
    # a header the client forged is passed on by nginx, but the client's own address wins
    assert stack.seen_as("/forged-through-nginx") == CLIENT
    assert forged_through.status_code == 404
    # sent straight to docgen from an address that is no proxy, both headers are ignored
    assert stack.seen_as("/forged-direct") == CLIENT
    assert "strict-transport-security" not in direct.headers
    assert direct.status_code == 404


@pytest.mark.parametrize("site", SITES, ids=lambda p: p.name)
def test_every_shipped_site_passes_nginx_t(site: Path, tmp_path: Path) -> None:
    tls = self_signed(tmp_path / "tls")
    # the compose site names the docgen container, which only resolves in its network
    local = local_site(site, tmp_path, ports=Ports(http=free_port(), https=free_port()),
                       upstream="127.0.0.1:8000", tls=tls)
    done = check(main_config(tmp_path, local))
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
