"""The wheel works outside a checkout: built, installed in a fresh virtual environment in
an empty folder, it renders the demo and a dossier with the templates, fonts and fixtures
it carries, and serves (``make check-package``; deselected from the default run: it takes
a minute)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.package


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900, check=False)
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_the_wheel_renders_the_demo_and_a_dossier_from_an_empty_folder(tmp_path: Path) -> None:
    dist, venv, work = tmp_path / "dist", tmp_path / "venv", tmp_path / "empty"
    work.mkdir()
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, ROOT,
         cwd=tmp_path)
    (wheel,) = dist.glob("docgen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"docgen/templates/quyet_dinh/quyet_dinh.docx", "docgen/templates/bao_cao/phu_luc.html",
            "docgen/fixtures/son-la-2025.yaml",
            "docgen/render/fonts/LiberationSerif-Regular.ttf"} <= names
    # The dependencies come from the environment running the tests (no network needed):
    # the new environment sees them, but docgen itself only from the wheel.
    _run(sys.executable, "-m", "venv", "--system-site-packages", venv, cwd=tmp_path)
    site = next(Path(p) for p in sys.path if p.endswith("site-packages"))
    (next((venv / "lib").glob("python3*")) / "site-packages" / "deps.pth").write_text(
        f"{site}\n")
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", wheel,
         cwd=work)
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCGEN_")}
    env["PYTHONPATH"] = ""
    where = _run(python, "-c", "import docgen, docgen.resources as r; "
                 "print(docgen.__file__); print(r.templates_dir())", cwd=work, env=env)
    assert str(ROOT) not in where, where
    docgen = venv / "bin" / "docgen"
    assert "docgen 0.1.0" in _run(docgen, "--version", cwd=work, env=env)
    _run(docgen, "demo", "-o", "demo", cwd=work, env=env)
    assert sorted(p.name for p in (work / "demo").iterdir()) == [
        "bao_cao.docx", "bao_cao.pdf", "phu_luc.docx", "phu_luc.pdf", "quyet_dinh.docx",
        "quyet_dinh.pdf"]
    (work / "hoso.yaml").write_bytes((ROOT / "fixtures" / "son-la-2025.yaml").read_bytes())
    _run(docgen, "render", "hoso.yaml", "-o", "out", "--format", "pdf", cwd=work, env=env)
    assert (work / "out" / "quyet_dinh.pdf").read_bytes()[:5] == b"%PDF-"
    assert (work / "out" / "quyet_dinh.pdf").read_bytes() == (
        work / "demo" / "quyet_dinh.pdf").read_bytes()
    _serve_answers(docgen, work, env)


def _serve_answers(docgen: Path, work: Path, env: dict[str, str]) -> None:
    """`docgen serve` from the wheel: the API, its offline docs and the staff pages."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([str(docgen), "serve", "--data", "data", "--port", str(port)],
                              cwd=work, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=5) as health:
                    assert health.status == 200
                break
            except OSError:
                assert server.poll() is None, server.communicate()[1]
                assert time.monotonic() < deadline, "docgen serve did not start"
                time.sleep(0.2)
        for path in ("/docs", "/dang-nhap"):
            with urllib.request.urlopen(f"{base}{path}", timeout=30) as page:
                assert page.status == 200 and b"<html" in page.read().lower()
    finally:
        server.terminate()
        server.communicate(timeout=30)
