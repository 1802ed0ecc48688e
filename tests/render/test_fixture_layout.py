"""Layout of every fixture's documents, measured on the files themselves.

Every fixture renders once (DOCX and PDF); LibreOffice converts all its DOCX in one call,
with a private profile so that parallel runs do not share one. The DOCX as a Word user
sees it and the PDF docgen typesets from it must agree on:

* the page count of each document;
* the merged cells of the lĩnh vực Biểu (``w:vMerge`` in the DOCX, one cell in the PDF);
* no page ending with a heading or a legend (Biểu số …, a chart's caption, the notes
  under a table), and the last Điều of a Quyết định kept with its signature;
* the rules under the agency name, the tiêu ngữ and the trích yếu measured against the
  text above them;
* every word of a table cell inside that cell.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.model.loader import load_dossier
from docgen.pipeline import render_package

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted((ROOT / "fixtures").glob("*.yaml"))
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
_SEP = "__"  # fixture__document.docx: all DOCX go to LibreOffice in one call


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, dict[str, bytes]]:
    """{fixture: {file name: bytes}} of every fixture's documents, plus LibreOffice's PDF
    of each DOCX under ``lo_<kind>.pdf``."""
    out = tmp_path_factory.mktemp("layout")
    found: dict[str, dict[str, bytes]] = {}
    for path in FIXTURES:
        found[path.stem] = files = {d.filename: d.data
                                    for d in render_package(load_dossier(path))}
        for name, data in files.items():
            if name.endswith(".docx"):
                (out / f"{path.stem}{_SEP}{name}").write_bytes(data)
    if SOFFICE is None:
        pytest.fail("LibreOffice (soffice) is missing; tools/system-packages.sh installs it")
    converted = out / "libreoffice"
    subprocess.run([SOFFICE, f"-env:UserInstallation={(out / 'profile').as_uri()}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(converted),
                    *map(str, sorted(out.glob("*.docx")))],
                   check=True, capture_output=True, timeout=300)
    for pdf in converted.glob("*.pdf"):
        fixture, name = pdf.name.split(_SEP)
        found[fixture][f"lo_{name}"] = pdf.read_bytes()
    return found


def _pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def test_docx_and_pdf_have_the_same_page_count(rendered) -> None:
    """LibreOffice's pages of each DOCX against docgen's PDF of it (the son-la-2025 Phụ lục
    took a page more in the PDF when "TRUNG BÌNH" filled its column to the last point)."""
    counts = {(fixture, kind): (_pages(files[f"lo_{kind}.pdf"]), _pages(files[f"{kind}.pdf"]))
              for fixture, files in rendered.items()
              for kind in ("quyet_dinh", "bao_cao", "phu_luc")}
    assert len(counts) == 3 * len(FIXTURES)
    differ = {key: pair for key, pair in counts.items() if pair[0] != pair[1]}
    assert not differ, differ
