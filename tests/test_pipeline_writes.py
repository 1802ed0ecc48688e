"""Documents reach the disk all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docgen import pipeline
from docgen.pipeline import RenderedDocument, write_files

DOCS = [RenderedDocument("quyet_dinh", "pdf", b"%PDF-a"), RenderedDocument("bao_cao", "pdf", b"%PDF-b")]


def test_it_writes_every_document_under_its_name(tmp_path: Path) -> None:
    paths = write_files(DOCS, tmp_path / "out")
    assert [p.name for p in paths] == ["quyet_dinh.pdf", "bao_cao.pdf"]
    assert (tmp_path / "out" / "bao_cao.pdf").read_bytes() == b"%PDF-b"


def test_a_failure_midway_leaves_neither_new_files_nor_temporaries(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "quyet_dinh.pdf").write_bytes(b"the signed copy")
    calls = []

    def failing_fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(pipeline.os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space"):
        write_files(DOCS, out)
    assert sorted(os.listdir(out)) == ["quyet_dinh.pdf"]
    assert (out / "quyet_dinh.pdf").read_bytes() == b"the signed copy"
