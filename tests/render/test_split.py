"""A Phụ lục split into page-aligned parts on the pool and joined: the text of every page,
page numbers and repeated headers included, equals the single render's."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from benchmarks.render import synthetic_dossier
from docgen.compute.results import compute_round
from docgen.context.builder import build_context, created_at
from docgen.render import DocumentMeta, render_document, split
from docgen.render.pool import RenderJob, RenderPool
from docgen.render.templates import template_path


@pytest.fixture(scope="module")
def appendix():
    dossier = synthetic_dossier(170)
    context = build_context(dossier, compute_round(dossier), draft=True)
    return context, DocumentMeta("Phụ lục", "UBND tỉnh Sơn La", created_at(dossier))


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_joined_parts_read_as_the_single_render_page_for_page(appendix, monkeypatch) -> None:
    context, meta = appendix
    monkeypatch.setattr(split, "PROBE_ROWS", 100)
    with RenderPool(2) as pool:
        def run(parts):
            return pool.render([RenderJob("phu_luc", "pdf", meta, part=p) for p in parts],
                               context)

        joined = split.render_split(template_path("phu_luc", "html"), context, meta, run)
    assert joined is not None
    single = render_document("phu_luc", "pdf", context, meta)
    whole, parts = _pages(single), _pages(joined)
    assert len(whole) == len(parts) >= 4
    assert parts == whole
    catalogue = PdfReader(io.BytesIO(joined)).trailer["/Root"]
    assert "/OutputIntents" in catalogue and "/Metadata" in catalogue
    # page numbers from page 2 on (a line of its own), the header repeated on every page
    for number, text in enumerate(parts[1:], start=2):
        assert str(number) in text.split("\n"), number
        assert text.startswith("STT Tên đơn vị")


def test_a_small_or_multi_block_appendix_is_not_split(appendix) -> None:
    context, _ = appendix
    assert not split.splittable(context)  # 170 units: below the threshold
    big = {**context, "blocks": [{**context["blocks"][0],
                                  "units": context["blocks"][0]["units"] * 3}]}
    assert split.splittable(big)
    assert not split.splittable({**big, "blocks": big["blocks"] * 2})
