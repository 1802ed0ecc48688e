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
from docgen.archive.store import Actor, Archive, VerifyReport, storage_errors

#: The name operator actions are audited under.
OPERATOR = "dòng lệnh"


def open_archive(data: Path, database: str | None, *, schema: str | None = None,
                 timeouts: Timeouts | None = None) -> Archive:
    """Open the archive in `data`, on `database` if given (its schema must be the code's:
    ``docgen db upgrade`` changes it).

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


def export(archive: Archive, version_id: int, output: Path) -> tuple[Path, Path]:
    """Write a version's PDF and its ND30 Phụ lục VI metadata XML beside it into the
    folder `output`; return both paths."""
    from docgen.archive.metadata_xml import ORDINALS, metadata_xml

    record = archive.get_version(version_id)
    output.mkdir(parents=True, exist_ok=True)
    pdf = get_file(archive, version_id, "pdf", output)
    xml = pdf.with_suffix(".xml")
    xml.write_bytes(metadata_xml(record, ordinal=ORDINALS.get(record.document.kind, 1)))
    return pdf, xml


def verify(archive: Archive, agency: str | None = None,
           progress: Callable[[int, int], None] | None = None) -> tuple[VerifyReport, str]:
    """Check the archive (of `agency` only, when given); return the report and its text.

    The check is read-only; writing its audit line afterwards may fail on a full disk,
    which raises StorageFullError after the report was made (the caller prints both).
    """
    report = archive.verify(agency, progress)
    text = verify_text(report)
    record_verify(archive, Actor(OPERATOR, agency or "-"), report)
    return report, text


def record_verify(archive: Archive, actor: Actor, report: VerifyReport) -> None:
    """Audit a verification; a full disk (or database) is StorageFullError."""
    with storage_errors():
        archive.record(actor, "verify", "archive", None, checked=report.checked,
                       problems=len(report.problems), findings=len(report.findings),
                       scope=report.agency or "*")


def verify_text(report: VerifyReport) -> str:
    """The report as `docgen archive verify` prints it."""
    scope = f" của cơ quan {report.agency}" if report.agency else ""
    lines = [f"Đã kiểm tra {report.checked} tệp{scope} và cơ sở dữ liệu."]
    lines += [f"HỎNG {sha}: {_PROBLEMS.get(problem, problem)}" for sha, problem in report.problems]
    lines += [f"BỊ SỬA: {finding}" for finding in report.findings]
    if report.elsewhere:
        lines.append(f"Kho có {report.elsewhere} dấu hiệu bị sửa ngoài phạm vi cơ quan này; "
                     "quản trị cần chạy docgen archive verify cho toàn kho.")
    if report.unreferenced:
        lines.append(f"{len(report.unreferenced)} tệp không được phiên bản nào tham chiếu "
                     "(ví dụ sau một lần ghi bị ngắt); không ảnh hưởng đến kho.")
    if report.clean:
        lines.append("Kho lưu trữ nguyên vẹn.")
    else:
        parts = [f"{len(report.problems)} tệp hỏng"] if report.problems else []
        if report.findings or report.elsewhere:
            parts.append(f"{len(report.findings) + report.elsewhere} dấu hiệu dữ liệu bị sửa")
        lines.append(f"Kho lưu trữ có {' và '.join(parts)}.")
    return "\n".join(lines)


_PROBLEMS = {"missing": "không tìm thấy tệp", "size mismatch": "kích thước không khớp",
             "hash mismatch": "mã băm SHA-256 không khớp"}
