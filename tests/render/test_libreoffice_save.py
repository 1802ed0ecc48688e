"""Each shipped template survives a save in LibreOffice and still renders, in both
formats, to the same text as the shipped file."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from extract import SON_LA_2023, docx_text, pdf_pages, squash  # noqa: E402

from docgen.context.builder import build_context  # noqa: E402
from docgen.model.loader import load_dossier  # noqa: E402
from docgen.pipeline import compare_with_previous, compute_round  # noqa: E402
from docgen.render import docx_html, render_document  # noqa: E402
from docgen.render.meta import DocumentMeta  # noqa: E402
from docgen.render.templates import DOCUMENTS, SHIPPED  # noqa: E402

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
META = DocumentMeta(title="Phụ lục", author="UBND tỉnh Sơn La", created=datetime(2023, 12, 20))
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed "
                                "(tools/system-packages.sh installs it)")


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped set, each file opened and saved again as DOCX by LibreOffice."""
    work = tmp_path_factory.mktemp("lo")
    sources = [SHIPPED / f"{rel}.docx" for rel in DOCUMENTS.values()]
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{work}/profile",
                    "--convert-to", "docx", "--outdir", str(work / "out"),
                    *map(str, sources)], check=True, capture_output=True, timeout=240)
    root = work / "set"
    for rel in DOCUMENTS.values():
        target = root / f"{rel}.docx"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "out" / Path(rel).with_suffix(".docx").name, target)
    return root


@pytest.fixture(scope="module")
def context() -> dict:
    dossier = load_dossier(SON_LA_2023)
    result = compute_round(dossier)
    return build_context(dossier, result, draft=False,
                         comparison=compare_with_previous(dossier, result))


def test_the_decision_saved_by_libreoffice_renders_the_same_text(saved: Path,
                                                                 context: dict) -> None:
    shipped = squash(docx_text(render_document("quyet_dinh", "docx", context, META)))
    again = render_document("quyet_dinh", "docx", context, META, saved)
    assert squash(docx_text(again)) == shipped
    pdf = render_document("quyet_dinh", "pdf", context, META, saved)
    assert squash("".join(pdf_pages(pdf, skip_top_mm=20))) == shipped


def test_the_appendix_saved_by_libreoffice_renders_the_same_text(saved: Path,
                                                                 context: dict) -> None:
    """Its Biểu once lost its whole table in LibreOffice (a tag inside a style name)."""
    shipped = squash(docx_text(render_document("phu_luc", "docx", context, META)))
    again = render_document("phu_luc", "docx", context, META, saved)
    assert squash(docx_text(again)) == shipped
    assert "TĐG" in docx_html.convert(again).html


def test_the_report_saved_by_libreoffice_renders_the_same_text(saved: Path,
                                                               context: dict) -> None:
    shipped = squash(docx_text(render_document("bao_cao", "docx", context, META)))
    again = render_document("bao_cao", "docx", context, META, saved)
    assert squash(docx_text(again)) == shipped
    converted = docx_html.convert(again)  # what the PDF is typeset from: nothing refused
    assert "Biểu đồ" in converted.html and "<img" in converted.html
