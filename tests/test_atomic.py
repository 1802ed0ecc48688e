"""Files are written all or nothing: the old content or the new, never a half of it."""

import os
import stat
from pathlib import Path

import pytest

from docgen import atomic


def test_it_replaces_the_content_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "qd.pdf"
    atomic.write_atomically(target, b"first")
    atomic.write_atomically(target, b"second")
    assert target.read_bytes() == b"second"
    assert sorted(p.name for p in target.parent.iterdir()) == ["qd.pdf"]


def test_a_failure_before_the_rename_keeps_the_old_file_and_cleans_up(tmp_path, monkeypatch):
    target = tmp_path / "qd.pdf"
    target.write_bytes(b"old")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        atomic.write_atomically(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["qd.pdf"]


def test_staged_files_are_recognised_as_temporary(tmp_path):
    staged = atomic.stage(tmp_path / "ab12", b"x")
    assert atomic.is_temporary(staged.name)
    assert not atomic.is_temporary("ab12")


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_written_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    from docgen.archive.blobs import BlobStore
    from docgen.atomic import current_umask, write_atomically

    old = os.umask(umask)
    try:
        assert current_umask() == umask
        written = write_atomically(tmp_path / "out" / "quyet_dinh.docx", b"PK")
        blobs = BlobStore(tmp_path / "blobs")
        blob = blobs.path(blobs.put(b"%PDF-"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == mode
    assert stat.S_IMODE(blob.stat().st_mode) == mode
