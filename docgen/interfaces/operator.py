"""The operator's commands on an archive (``docgen archive …``).

No typer here: these functions open the archive, do one thing and return text or raise
docgen's errors; :mod:`docgen.interfaces.cli` wraps them as commands. They are meant for
whoever runs the service on its machine, so they need no API token, but what they do is
written to the audit log under the name "dòng lệnh" (command line).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from docgen.archive.database import Timeouts
from docgen.archive.records import ND30_FIELDS, as_utc
from docgen.archive.store import Actor, Archive, VerifyReport

#: The name operator actions are audited under.
OPERATOR = "dòng lệnh"


def open_archive(data: Path, database: str | None, *, schema: str | None = None,
                 timeouts: Timeouts | None = None) -> Archive:
    """Open (and migrate) the archive in `data`, on `database` if given.

    The command line fills the arguments from its options and the settings
    (:func:`docgen.interfaces.cli.open_archive`); a failure is a StartupError.
    """
    return Archive(data, database or None, schema=schema, timeouts=timeouts)


def list_versions(archive: Archive) -> str:
    """Return one line per version: id, dossier, document, seq, status, number, files."""
    lines = ["phiên bản\thồ sơ\tcơ quan\tvăn bản\tlần\ttrạng thái\tsố\tngày tạo\ttệp (sha256)"]
    for record in archive.all_versions():
        v = record.version
        number = f"{v.code_number}/{v.code_notation}" if v.code_number else "-"
        files = ", ".join(f"{f.format}:{f.sha256[:12]}" for f in record.files)
        lines.append(f"{v.id}\t{record.dossier.id}\t{record.dossier.agency}\t"
                     f"{record.document.kind}\t{v.seq}\t{v.status}\t{number}\t"
                     f"{v.created_at:%Y-%m-%d %H:%M}\t{files}")
    return "\n".join(lines)


def show_version(archive: Archive, version_id: int) -> str:
    """Return everything recorded about a version, as indented JSON."""
    record = archive.get_version(version_id)
    v = record.version
    nd30 = {name: getattr(v, name) for name in ND30_FIELDS}
    nd30["issued_date"] = v.issued_date.isoformat() if v.issued_date else None
    data = {
        "id": v.id, "dossier": record.dossier.id, "agency": record.dossier.agency,
        "kind": record.document.kind, "seq": v.seq, "status": v.status,
        "created_at": as_utc(v.created_at).isoformat(), "created_by": v.created_by,
        "docgen_version": v.docgen_version, "dossier_sha256": v.dossier_sha256,
        "template_hashes": v.template_hashes, "summary": v.summary, "note": v.note,
        "nd30": nd30,
        "files": [{"format": f.format, "media_type": f.media_type, "sha256": f.sha256,
                   "size": f.size} for f in record.files],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def get_file(archive: Archive, version_id: int, fmt: str, output: Path) -> Path:
    """Write a version's file (re-hashed first) to `output` (a file or a folder)."""
    record = archive.get_version(version_id)
    item, data = archive.read_file(record, fmt)
    target = output / f"{record.document.kind}-v{record.version.seq}.{fmt}" \
        if output.is_dir() else output
    target.write_bytes(data)
    archive.record(Actor(OPERATOR, record.dossier.agency), "download", "version", version_id,
                   dossier_id=record.dossier.id, sha256=item.sha256, format=fmt)
    return target


def verify(archive: Archive, progress: Callable[[int, int], None] | None = None
           ) -> tuple[VerifyReport, str]:
    """Re-hash every blob; return the report and its text (`progress`: see Archive.verify)."""
    report = archive.verify(progress)
    archive.record(Actor(OPERATOR, "-"), "verify", "archive", None, checked=report.checked,
                   problems=len(report.problems))
    lines = [f"Đã kiểm tra {report.checked} tệp."]
    lines += [f"HỎNG {sha}: {_PROBLEMS.get(problem, problem)}" for sha, problem in report.problems]
    if report.unreferenced:
        lines.append(f"{len(report.unreferenced)} tệp không được phiên bản nào tham chiếu "
                     "(ví dụ sau một lần ghi bị ngắt); không ảnh hưởng đến kho.")
    lines.append("Kho lưu trữ nguyên vẹn." if report.clean
                 else f"Kho lưu trữ có {len(report.problems)} tệp hỏng.")
    return report, "\n".join(lines)


_PROBLEMS = {"missing": "không tìm thấy tệp", "size mismatch": "kích thước không khớp",
             "hash mismatch": "mã băm SHA-256 không khớp"}
