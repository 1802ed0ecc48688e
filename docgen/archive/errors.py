"""Errors of the archive: what is missing, what is corrupted, what conflicts.

Each carries a stable ``code`` (interfaces map it to an HTTP status or an exit code) and
a Vietnamese message for the person who asked.
"""

from __future__ import annotations

from docgen.errors import DocgenError


class ArchiveError(DocgenError):
    """Base of the archive's errors."""

    code = "archive_error"


class NotFoundError(ArchiveError, LookupError):
    """Raised when a dossier, version, file or user does not exist (or is not visible)."""

    code = "not_found"


class ConflictError(ArchiveError):
    """Raised when a write would break a rule: a state changed meanwhile, a frozen object."""

    code = "conflict"


class CorruptBlobError(ArchiveError):
    """Raised when stored bytes no longer match their SHA-256, or the file is gone."""

    code = "corrupt_blob"

    def __init__(self, sha256: str, problem: str):
        self.sha256 = sha256
        self.problem = problem
        super().__init__(f"Tệp lưu trữ {sha256[:12]}… bị hỏng ({problem}); "
                         "không thể trả về nội dung không còn nguyên vẹn.")


class SchemaError(ArchiveError):
    """Raised when the database's schema is not the code's: older (run ``docgen db
    upgrade``), absent (a new database: the same command creates it) or newer."""

    code = "schema_outdated"


class StorageFullError(ArchiveError):
    """Raised when the disk (or the database server's) has no space left for a write."""

    code = "storage_full"


class BackupError(ArchiveError):
    """Raised when a backup cannot be made or a bundle cannot be restored as asked."""

    code = "backup_error"


class DamagedBackupError(BackupError):
    """Raised when a bundle's files do not match its manifest (nothing is restored)."""

    code = "corrupt_blob"
