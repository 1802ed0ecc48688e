"""The render pool: the same bytes as rendering in-process, a killed worker replaced, the
renderers' own errors passed back, charts drawn once and shared between workers."""

from __future__ import annotations

import os
import platform
import shutil
import zipfile
import signal
from pathlib import Path

import pytest

from docgen.errors import TemplateError
from docgen.model.loader import load_dossier
from docgen.pipeline import render_package
from docgen.render.pool import RenderJob, RenderPool
from docgen.render.templates import template_root

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "son-la-2025.yaml"


@pytest.fixture(scope="module")
def pool():
    with RenderPool(2) as started:
        yield started


@pytest.fixture(scope="module")
def dossier():
    return load_dossier(FIXTURE)


def test_pool_gives_the_bytes_of_an_in_process_render(pool, dossier) -> None:
    """The decision and the report (with its two charts) in both formats; the Phụ lục
    is the same code path, compared by the benchmark on every size."""
    kinds = ["quyet_dinh", "bao_cao"]
    here = render_package(dossier, kinds=kinds)
    there = render_package(dossier, kinds=kinds, pool=pool)
    assert [d.filename for d in there] == [d.filename for d in here]
    assert [d.filename for d in here] == ["quyet_dinh.docx", "quyet_dinh.pdf",
                                          "bao_cao.docx", "bao_cao.pdf"]
    for mine, theirs in zip(here, there, strict=True):
        assert mine.data == theirs.data, mine.filename
    # the two charts of Sơn La, as SVG and PNG, are now held by the pool for every worker
    assert {(fmt, dpi) for _, fmt, dpi in pool._pictures} == {("svg", 72), ("png", 200)}
    assert len(pool._pictures) == 4
    again = render_package(dossier, pool=pool, kinds=["bao_cao"])
    assert [d.data for d in again] == [d.data for d in here[2:]]


def test_two_workers_are_two_processes(pool) -> None:
    pids = pool.pids()
    assert len(set(pids)) == 2 and os.getpid() not in pids


def test_a_killed_worker_is_replaced_and_the_package_still_renders(dossier) -> None:
    with RenderPool(1) as single:
        before = render_package(dossier, pool=single, kinds=["quyet_dinh"], formats=["docx"])
        (pid,) = single.pids()
        os.kill(pid, signal.SIGKILL)
        after = render_package(dossier, pool=single, kinds=["quyet_dinh"], formats=["docx"])
        assert after[0].data == before[0].data
        assert single.pids() != [pid]


def test_a_template_error_in_a_worker_comes_back_as_it_is(pool, dossier, tmp_path) -> None:
    root = tmp_path / "templates"
    shutil.copytree(template_root(), root)
    page = root / "quyet_dinh" / "quyet_dinh.docx"
    with zipfile.ZipFile(page) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    parts["word/document.xml"] = body.replace("CỘNG HÒA XÃ HỘI", "{{ khong_co }} CỘNG HÒA XÃ HỘI",
                                              1).encode()
    with zipfile.ZipFile(page, "w") as package:
        for name, data in parts.items():
            package.writestr(name, data)
    with pytest.raises(TemplateError, match=r"khong_co"):
        render_package(dossier, pool=pool, kinds=["quyet_dinh"], formats=["pdf"],
                       template_root=root)
    # the pool keeps working after a refused document
    done = render_package(dossier, pool=pool, kinds=["quyet_dinh"], formats=["docx"])
    assert done[0].data[:2] == b"PK"


def test_jobs_come_back_in_the_order_asked(pool, dossier) -> None:
    documents = render_package(dossier, pool=pool, kinds=["bao_cao", "quyet_dinh"],
                               formats=["docx", "pdf"])
    assert [d.filename for d in documents] == ["bao_cao.docx", "bao_cao.pdf",
                                              "quyet_dinh.docx", "quyet_dinh.pdf"]
    assert [d.data[:4] for d in documents] == [b"PK\x03\x04", b"%PDF"] * 2


def test_a_closed_pool_refuses_work(dossier) -> None:
    closed = RenderPool(1)
    closed.close()
    with pytest.raises(RuntimeError, match="closed"):
        closed.render([RenderJob("quyet_dinh", "docx", None)], {})


def test_a_documents_formats_render_on_one_worker(dossier) -> None:
    """The PDF is typeset from the DOCX its worker just filled: the report's charts are
    drawn by that worker alone (as PNG for the DOCX, as SVG for the PDF)."""
    with RenderPool(2) as fresh:
        documents = render_package(dossier, pool=fresh, kinds=["bao_cao"])
        assert [d.filename for d in documents] == ["bao_cao.docx", "bao_cao.pdf"]
        held = sorted(len(worker.pictures) for worker in fresh._workers)
        assert held == [0, 4]
        assert {(fmt, dpi) for _, fmt, dpi in fresh._pictures} == {("svg", 72), ("png", 200)}


def test_a_worker_gives_the_freed_heap_back_where_glibc_can() -> None:
    from docgen.render import heap
    from docgen.render import pool as module

    assert (heap.MALLOC_TRIM is not None) == (platform.libc_ver()[0] == "glibc")
    assert module._give_back_heap() is None
