"""What ``verify`` checks besides the blobs' bytes: that the database was not rewritten.

Read in one snapshot, it checks that the protecting triggers are all there, that the hash
chain links up from its first entry to its last and still contains the head checkpointed
in the blob folder, that every chained row is still there and unchanged and every row is
chained, and that each dossier's status, number and agency are what its chained audit
entries say. Each finding is one Vietnamese sentence.

For one agency (a lưu trữ's ``/archive/verify``) only that agency's rows and files are
checked and named; what concerns the whole deployment (the chain's structure, the
triggers, rows no longer there to attribute) is counted in one line for the quản trị.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from docgen.archive.chain import CHAINED, GENESIS, Checkpoint, link, row_digests
from docgen.archive.records import STATUS_NAMES

#: At most this many findings of one sort are spelled out (then: "và N chỗ khác").
SHOWN = 20

#: Triggers the migrations create, by dialect (their absence is itself a finding).
_WRITTEN_ONCE = ("dossier_revisions", "versions", "version_files", "blobs", "audit_log",
                 "documents", "integrity_chain", "template_sets")
EXPECTED_TRIGGERS = {
    "sqlite": {f"{t}_no_{a}" for t in _WRITTEN_ONCE for a in ("update", "delete")}
    | {"dossiers_no_delete", "dossiers_guard_update", "dossiers_status_by_workflow",
       "register_counters_no_delete", "register_counters_no_decrease"},
    "postgresql": {f"{t}_{a}" for t in _WRITTEN_ONCE for a in ("append_only", "no_truncate")}
    | {"dossiers_guard", "dossiers_no_truncate", "register_counters_guard",
       "register_counters_no_truncate"},
}

#: How each kind of row is named in a finding.
_NAMES = {"document": "Văn bản (dòng documents) số {id}",
          "revision": "Bản nội dung (dòng dossier_revisions) số {id}",
          "version": "Phiên bản số {id}",
          "file": "Dòng tệp số {id} (version_files)",
          "audit": "Dòng nhật ký số {id}",
          "template_set": "Bộ mẫu (dòng template_sets) số {id}"}


@dataclass
class Findings:
    """Findings about the agency's own rows, and how many others only the quản trị sees."""

    lines: list[str] = field(default_factory=list)
    elsewhere: int = 0


def check_database(connection: Connection, checkpoint: Checkpoint | None,
                   agency: str | None) -> Findings:
    """Return what shows the database was changed behind docgen's back (empty: nothing)."""
    found = Findings()
    owners = _owners(connection)
    mine = (lambda kind, row_id: True) if agency is None else \
        (lambda kind, row_id: owners[kind].get(row_id) == agency)

    def deployment(line: str) -> None:
        if agency is None:
            found.lines.append(line)
        else:
            found.elsewhere += 1

    def about(kind: str, row_id: int, line: str) -> None:
        if mine(kind, row_id):
            found.lines.append(line)
        else:
            found.elsewhere += 1

    present = _triggers(connection)
    for name in sorted(EXPECTED_TRIGGERS.get(connection.dialect.name, set()) - present):
        deployment(f"Thiếu trigger bảo vệ {name}: ai đó đã gỡ bỏ nó, dữ liệu có thể đã bị "
                   "sửa trực tiếp trong cơ sở dữ liệu.")
    entries = connection.execute(text(
        "SELECT seq, kind, row_id, row_sha256, prev_sha256, sha256 FROM integrity_chain "
        "ORDER BY seq")).all()
    for line in _links(entries, checkpoint):
        deployment(line)

    chained: dict[str, dict[int, str]] = {kind: {} for kind in CHAINED}
    for _seq, kind, row_id, digest, _prev, _sha in entries:
        chained.setdefault(kind, {})[row_id] = digest
    intact: dict[str, set[int]] = {}
    for kind in CHAINED:
        rows = row_digests(connection, kind)
        intact[kind] = {i for i, d in rows.items() if chained[kind].get(i) == d}
        name = _NAMES[kind]
        for row_id, digest in sorted(chained[kind].items()):
            if row_id not in rows:
                deployment(f"{name.format(id=row_id)} đã bị xóa khỏi cơ sở dữ liệu "
                           "(chuỗi băm vẫn ghi nó).")
            elif rows[row_id] != digest:
                about(kind, row_id, f"{name.format(id=row_id)} đã bị sửa sau khi ghi "
                                    f"{_what_changed(connection, kind, row_id)}(không khớp "
                                    "chuỗi băm).")
        for row_id in sorted(set(rows) - set(chained[kind])):
            about(kind, row_id, f"{name.format(id=row_id)} không có trong chuỗi băm: được ghi "
                                "thẳng vào cơ sở dữ liệu, không qua docgen.")
    for owner, line in [*_dossiers(connection, intact["audit"]),
                        *_active_sets(connection, intact["audit"])]:
        if agency is None or owner == agency:
            found.lines.append(line)
        else:
            found.elsewhere += 1
    return _bounded(found)


def _links(entries: list[Any], checkpoint: Checkpoint | None) -> list[str]:
    """Breaks in the chain itself, and a head that no longer matches the checkpoint."""
    lines = []
    previous, expected = GENESIS, 1
    by_seq = {}
    for seq, kind, row_id, digest, prev, sha in entries:
        by_seq[seq] = sha
        if seq != expected:
            lines.append(f"Chuỗi băm thiếu mục {expected}" + (f"–{seq - 1}" if seq - 1 > expected
                                                                else "")
                         + ": các mục đó đã bị xóa.")
        if prev != previous or link(prev, seq, kind, row_id, digest) != sha:
            lines.append(f"Chuỗi băm bị sửa ở mục {seq}: mã băm không nối tiếp mục trước.")
        previous, expected = sha, seq + 1
    if checkpoint is not None:
        recorded = by_seq.get(checkpoint.seq)
        if recorded is None:
            lines.append(f"Chuỗi băm ngắn hơn điểm kiểm tra lưu ngoài cơ sở dữ liệu (mục "
                         f"{checkpoint.seq}, có {expected - 1} mục): phần cuối đã bị cắt bỏ.")
        elif recorded != checkpoint.sha256:
            lines.append(f"Chuỗi băm không khớp điểm kiểm tra lưu ngoài cơ sở dữ liệu ở mục "
                         f"{checkpoint.seq}: lịch sử đã bị viết lại.")
    return lines


def _what_changed(connection: Connection, kind: str, row_id: int) -> str:
    """For a file row, what it points to now (the repointing the chain caught)."""
    if kind != "file":
        return ""
    row = connection.execute(text("SELECT version_id, format, sha256 FROM version_files "
                                  "WHERE id = :i"), {"i": row_id}).first()
    return "" if row is None else (f"— phiên bản {row[0]}, tệp {row[1]}, nay trỏ tới "
                                   f"{row[2][:12]}… ")


def _dossiers(connection: Connection, intact_audit: set[int]) -> list[tuple[str, str]]:
    """Each dossier's columns against the replay of its chained audit entries: (the
    dossier's agency, what differs)."""
    lines: list[tuple[str, str]] = []
    audit = connection.execute(text(
        "SELECT id, agency, action, object_id, detail FROM audit_log "
        "WHERE object_type = 'dossier' ORDER BY id")).all()
    replay: dict[int, dict[str, Any]] = {}
    for entry_id, who, action, dossier_id, detail in audit:
        if entry_id not in intact_audit or dossier_id is None:
            continue
        detail = _json(detail)
        state = replay.setdefault(dossier_id, {})
        if action in ("dossier_create", "chain_baseline"):
            state.update(agency=who, status="draft", number=None, register=None,
                         register_year=None, issue_date=None)
        if action == "chain_baseline":
            state.update({k: detail.get(k) for k in ("status", "number", "register",
                                                      "register_year", "issue_date")})
        if detail.get("after"):
            state["status"] = detail["after"]
        if action == "number_allocate":
            state.update(number=detail.get("number"), register=detail.get("register"),
                         register_year=detail.get("year"), issue_date=detail.get("issue_date"))
    query = ("SELECT id, agency, status, number, register, register_year, issue_date "
             "FROM dossiers ORDER BY id")
    for dossier_id, owner, status, number, register, year, issued in connection.execute(
            text(query)):
        state = replay.get(dossier_id)
        if state is None or "agency" not in state:
            lines.append((owner, f"Hồ sơ số {dossier_id} không có dòng tạo trong nhật ký: được ghi thẳng "
                         "vào cơ sở dữ liệu, không qua docgen."))
            continue
        if state["agency"] != owner:
            lines.append((state["agency"],
                          f"Hồ sơ số {dossier_id} nay thuộc cơ quan {owner} nhưng nhật ký ghi "
                          f"nó được tạo ở {state['agency']}: đã bị chuyển ngoài quy trình."))
        if state["status"] != status:
            lines.append((owner, f"Hồ sơ số {dossier_id} đang ở trạng thái “{_status(status)}” "
                                 f"nhưng nhật ký ghi “{_status(state['status'])}”: trạng thái "
                                 "đã bị sửa ngoài quy trình."))
        day = None if issued is None else str(issued)[:10]
        if (state["number"], state["register_year"], state["issue_date"]) != (number, year, day) \
                or (number is not None and state["register"] != register):
            lines.append((owner, f"Hồ sơ số {dossier_id}: số và ngày ban hành trong cơ sở dữ "
                                 f"liệu ({number}, {day}) khác nhật ký ({state['number']}, "
                                 f"{state['issue_date']}): đã bị sửa ngoài quy trình."))
    return lines


def _owners(connection: Connection) -> dict[str, dict[int, str]]:
    """kind -> row id -> the agency the row belongs to (through its dossier)."""
    queries = {
        "document": "SELECT d.id, s.agency FROM documents d JOIN dossiers s ON s.id = d.dossier_id",
        "revision": "SELECT r.id, s.agency FROM dossier_revisions r "
                    "JOIN dossiers s ON s.id = r.dossier_id",
        "version": "SELECT v.id, s.agency FROM versions v JOIN documents d ON d.id = "
                   "v.document_id JOIN dossiers s ON s.id = d.dossier_id",
        "file": "SELECT f.id, s.agency FROM version_files f JOIN versions v ON v.id = "
                "f.version_id JOIN documents d ON d.id = v.document_id "
                "JOIN dossiers s ON s.id = d.dossier_id",
        "audit": "SELECT a.id, coalesce(s.agency, a.agency) FROM audit_log a "
                 "LEFT JOIN dossiers s ON s.id = a.dossier_id",
        "template_set": "SELECT id, agency FROM template_sets",
    }
    return {kind: dict(connection.execute(text(sql)).all()) for kind, sql in queries.items()}


def _active_sets(connection: Connection, intact_audit: set[int]) -> list[tuple[str, str]]:
    """Each agency's active template set against its chained audit entries: the last
    ``template_activate`` entry of the agency names the set it renders with (None: the
    shipped one)."""
    expected: dict[str, int | None] = {}
    for entry_id, detail in connection.execute(text(
            "SELECT id, detail FROM audit_log WHERE action = 'template_activate' "
            "ORDER BY id")).all():
        detail = _json(detail)
        if entry_id in intact_audit and detail.get("agency_code"):
            expected[detail["agency_code"]] = detail.get("set_id")

    def named(set_id: int | None) -> str:
        return f"bộ mẫu số {set_id}" if set_id else "bộ mẫu có sẵn"

    lines = []
    for code, set_id in connection.execute(text(
            "SELECT code, template_set_id FROM agencies ORDER BY code")).all():
        if expected.get(code) != set_id:
            lines.append((code, f"Cơ quan {code} đang dùng {named(set_id)} nhưng nhật ký ghi "
                                f"{named(expected.get(code))}: bộ mẫu đã bị đổi ngoài quy "
                                "trình."))
    return lines


def agency_blobs(connection: Connection, agency: str) -> set[str]:
    """The blobs an agency refers to: its dossiers' contents, versions' files, and the
    files of its template sets."""
    found = connection.execute(text(
        "SELECT r.sha256 FROM dossier_revisions r JOIN dossiers s ON s.id = r.dossier_id "
        "WHERE s.agency = :a UNION SELECT f.sha256 FROM version_files f JOIN versions v ON "
        "v.id = f.version_id JOIN documents d ON d.id = v.document_id JOIN dossiers s ON "
        "s.id = d.dossier_id WHERE s.agency = :a"), {"a": agency}).all()
    sets = connection.execute(text("SELECT files FROM template_sets WHERE agency = :a"),
                              {"a": agency}).all()
    return {row[0] for row in found} | {sha for (files,) in sets
                                        for sha in _json(files).values()}


def _triggers(connection: Connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        sql = ("SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
               "JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE n.nspname = current_schema() AND NOT t.tgisinternal")
    return {row[0] for row in connection.execute(text(sql))}


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        import json

        value = json.loads(value)
    return value if isinstance(value, dict) else {}


def _status(status: str | None) -> str:
    return STATUS_NAMES.get(status or "", str(status))


def _bounded(found: Findings) -> Findings:
    if len(found.lines) > SHOWN:
        found.lines = found.lines[:SHOWN] + [f"… và {len(found.lines) - SHOWN} chỗ khác."]
    return found
