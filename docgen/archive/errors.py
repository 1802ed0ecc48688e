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


class StartupError(ArchiveError):
    """Raised when the archive cannot be opened at all; each kind has its own exit code
    (``exit_code``, listed in the README) and a one-line Vietnamese message."""

    code = "startup_error"
    exit_code = 6


class DatabaseUrlError(StartupError):
    """Raised for a database URL docgen cannot use (wrong scheme, unparsable)."""

    code = "database_url"
    exit_code = 6


class DatabaseUnavailableError(StartupError):
    """Raised when the database cannot be reached, does not exist, does not answer in
    time, or is busy past the lock timeout. The service answers 503 with ``Retry-After``
    (``retry_after`` seconds): the condition is expected to pass by itself."""

    code = "database_unavailable"
    exit_code = 7

    def __init__(self, message: str, retry_after: int = 5):
        self.retry_after = retry_after
        super().__init__(message)


class DatabaseMismatchError(StartupError):
    """Raised when a data folder is opened with another database than the one it
    belongs to (recorded in the folder at first use)."""

    code = "database_mismatch"
    exit_code = 8


class SchemaOutdatedError(StartupError):
    """Raised when the database's schema is older than the code: the service must not
    start on it; the message names the command that upgrades it."""

    code = "schema_outdated"
    exit_code = 9

    def __init__(self, current: str | None, head: str):
        self.current = current
        self.head = head
        super().__init__(f"lược đồ cơ sở dữ liệu đang ở phiên bản {current or 'trống'}, "
                         f"mã nguồn cần {head}; hãy chạy 'docgen db upgrade' (có sao lưu "
                         "trước) rồi khởi động lại.")


class DataFolderError(StartupError):
    """Raised when the data folder (or the blob folder in it) cannot be created or
    written."""

    code = "data_folder"
    exit_code = 4
