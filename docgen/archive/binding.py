"""Which database a data folder belongs to, recorded in the folder itself.

The blob folder and the database are one archive: a version row names blobs, and a blob
means nothing without its row. So the first time a data folder is used, docgen writes
``docgen-database.json`` into it, naming the database (server, port, database name and
schema; never a user or a password, which may differ between the service and the IT
officer). Every later command compares and refuses a different database, before anything
is connected or created. A folder from before this file existed is bound to the
embedded SQLite database when ``archive.sqlite3`` is in it.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import make_url

from docgen.archive.errors import DatabaseMismatchError
from docgen.atomic import write_atomically

#: The file, in the data folder.
FILE = "docgen-database.json"

#: Identity of the embedded database (archive.sqlite3 in the data folder itself).
EMBEDDED = "sqlite: archive.sqlite3 trong thư mục dữ liệu"


def identity(url: str | None, schema: str | None = None) -> str:
    """Name the database of `url` (None: the embedded one) the same way on every machine.

    >>> identity("postgresql+psycopg://docgen:secret@db/cchc", "prod")
    'postgresql://db:5432/cchc (lược đồ prod)'
    """
    if url is None:
        return EMBEDDED
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite: {Path(parsed.database or '').resolve()}"
    name = f"postgresql://{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database}"
    return name + (f" (lược đồ {schema})" if schema else "")


def check(data_dir: Path, url: str | None, schema: str | None = None) -> None:
    """Refuse (DatabaseMismatchError) when `data_dir` belongs to another database."""
    wanted = identity(url, schema)
    recorded = recorded_identity(data_dir)
    if recorded is None and url is not None and (data_dir / "archive.sqlite3").exists():
        recorded = EMBEDDED
    if recorded is not None and recorded != wanted:
        raise DatabaseMismatchError(
            f"thư mục dữ liệu {data_dir} thuộc cơ sở dữ liệu {recorded} (ghi trong {FILE}), "
            f"nhưng lệnh này được chỉ đến {wanted}; hãy dùng đúng --database (hoặc "
            "database_url trong docgen.toml, DOCGEN_DATABASE_URL) của thư mục này.")


def record(data_dir: Path, url: str | None, schema: str | None = None) -> None:
    """Write the folder's database, the first time only."""
    if recorded_identity(data_dir) is None:
        text = json.dumps({"database": identity(url, schema)}, ensure_ascii=False, indent=2)
        write_atomically(data_dir / FILE, (text + "\n").encode("utf-8"))


def recorded_identity(data_dir: Path) -> str | None:
    try:
        return str(json.loads((data_dir / FILE).read_text(encoding="utf-8"))["database"])
    except (FileNotFoundError, NotADirectoryError):  # a new folder (or no folder at all)
        return None
    except (ValueError, KeyError, TypeError) as error:
        raise DatabaseMismatchError(
            f"tệp {data_dir / FILE} bị hỏng (cần JSON {{\"database\": …}}); hãy khôi phục "
            "nó từ bản sao lưu.") from error
