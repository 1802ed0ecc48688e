"""The blob folder: content-addressed, de-duplicated, atomic, and suspicious on read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from docgen.archive.blobs import BlobStore
from docgen.archive.errors import CorruptBlobError


def test_a_blob_is_named_by_its_sha256_in_a_two_letter_folder(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"quyet dinh")
    assert digest == hashlib.sha256(b"quyet dinh").hexdigest()
    assert (tmp_path / digest[:2] / digest[2:]).read_bytes() == b"quyet dinh"
    assert store.get(digest) == b"quyet dinh"


def test_identical_bytes_are_stored_once_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    first, second = store.put(b"same"), store.put(b"same")
    assert first == second
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [first[2:]]
    assert list(store.names()) == [first]


def test_an_altered_blob_is_refused_on_read_and_reported_by_check(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"original bytes")
    store.path(digest).write_bytes(b"original bytez")
    with pytest.raises(CorruptBlobError) as caught:
        store.get(digest)
    assert caught.value.code == "corrupt_blob"
    assert "không khớp" in str(caught.value)
    assert store.check(digest, len(b"original bytes")) == "hash mismatch"
    store.path(digest).write_bytes(b"short")
    assert store.check(digest, len(b"original bytes")) == "size mismatch"


def test_a_missing_blob_is_refused_and_reported(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"soon gone")
    store.path(digest).unlink()
    assert store.check(digest) == "missing"
    with pytest.raises(CorruptBlobError, match="không tìm thấy"):
        store.get(digest)


def test_putting_the_right_bytes_again_repairs_a_damaged_blob(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"to be repaired")
    store.path(digest).write_bytes(b"garbage")
    assert store.put(b"to be repaired") == digest
    assert store.get(digest) == b"to be repaired"


def test_names_that_are_not_sha256_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="SHA-256"):
        BlobStore(tmp_path).path("../../etc/passwd")
