"""Content-addressed blob directory: ``blobs/ab/cdef…`` named by the SHA-256 of the bytes.

Writes are atomic and durable: the bytes go to a temporary file in the target folder, are
flushed and fsynced, renamed into place, and the folder is fsynced, so a crash leaves
either the whole blob or nothing under its final name. Identical bytes are stored once.
Reads re-hash the bytes and refuse anything that no longer matches its name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from docgen.archive.errors import CorruptBlobError
from docgen.atomic import is_temporary, stage, write_atomically

_HEX = frozenset("0123456789abcdef")


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 of `data` as 64 lower-case hex digits.

    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


class BlobStore:
    """The blob folder of one archive."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def check_writable(self) -> None:
        """Raise OSError unless a file can be written in the blob folder (checked at
        start-up, so that the first upload does not find out)."""
        stage(self.root / "write-check", b"").unlink()  # a unique name: processes race

    def path(self, sha256: str) -> Path:
        """Return where the blob named `sha256` lives (whether or not it exists)."""
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Store `data` durably and return its SHA-256.

        An existing blob with the same name is kept if it is intact, and replaced
        atomically if it was damaged (the new bytes are known to be right).
        """
        digest = sha256_hex(data)
        final = self.path(digest)
        if final.exists() and self._intact(final, digest):
            return digest
        write_atomically(final, data)
        return digest

    def get(self, sha256: str) -> bytes:
        """Return the bytes of blob `sha256`; raise CorruptBlobError if missing or altered."""
        try:
            data = self.path(sha256).read_bytes()
        except FileNotFoundError as exc:
            raise CorruptBlobError(sha256, "không tìm thấy tệp") from exc
        if sha256_hex(data) != sha256:
            raise CorruptBlobError(sha256, "mã băm SHA-256 không khớp")
        return data

    def check(self, sha256: str, size: int | None = None) -> str | None:
        """Return None if blob `sha256` is intact, else a short description of the problem."""
        path = self.path(sha256)
        if not path.exists():
            return "missing"
        if size is not None and path.stat().st_size != size:
            return "size mismatch"
        return None if self._intact(path, sha256) else "hash mismatch"

    def names(self) -> Iterator[str]:
        """Yield the name of every blob on disk (temporary files left by a crash excluded)."""
        for folder in sorted(self.root.iterdir()):
            if folder.is_dir() and len(folder.name) == 2:
                for file in sorted(folder.iterdir()):
                    if not is_temporary(file.name):
                        yield folder.name + file.name

    @staticmethod
    def _intact(path: Path, sha256: str) -> bool:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest() == sha256
