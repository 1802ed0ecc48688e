"""Writing files all or nothing: a temporary file beside the target, fsync, rename.

A reader (a clerk opening the output folder, the archive's ``verify``) must never find a
half-written file under a final name, whatever moment the writer is stopped at. Both the
output folder of ``docgen render``/``export`` and the archive's blob folder write this way.
Temporary files are named ``.<name>.<random>.tmp``: hidden, and recognisable as debris.

Files get the permissions of any file the process creates (``0666`` less the umask), not
``mkstemp``'s private ``0600``: a colleague or a backup job running as another user reads
them when the umask allows it (``umask 077`` keeps them private).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a new temporary file beside `path`, flushed to disk; return its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def current_umask() -> int:
    """The process's umask, read without changing it (``/proc/self/status`` on Linux;
    elsewhere set and restored at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    """Make the renames done in `folder` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> Path:
    """Put `data` at `path` all or nothing; the folder is created if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = stage(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def is_temporary(name: str) -> bool:
    """Whether a file name is one of :func:`stage`'s temporary files.

    >>> is_temporary(".abc.x1y2.tmp"), is_temporary("abc")
    (True, False)
    """
    return name.startswith(".") and name.endswith(".tmp")


#: errno -> the reason in Vietnamese, for messages about files and folders.
_OS_REASONS = {errno.ENOENT: "không tồn tại", errno.ENOTDIR: "một phần đường dẫn là tệp, không "
               "phải thư mục", errno.EACCES: "không có quyền", errno.EPERM: "không có quyền",
               errno.EROFS: "ổ đĩa chỉ đọc", errno.ENOSPC: "đĩa đầy", errno.EEXIST: "đã tồn tại",
               errno.EISDIR: "là một thư mục"}


def os_reason(error: OSError) -> str:
    """Why `error` happened, in Vietnamese (the system's words when not known).

    >>> os_reason(PermissionError(13, "Permission denied"))
    'không có quyền'
    """
    return _OS_REASONS.get(error.errno or 0, error.strerror or str(error))
