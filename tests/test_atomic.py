"""Files are written all or nothing: the old content or the new, never a half of it."""

import os

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
