"""Agency template sets in the archive: numbered per agency, written once, chained, the
active one changed only with its audit entry, materialised intact for rendering."""

from __future__ import annotations

import hashlib
import json

import pytest
from service import OPERATOR
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from docgen.archive.database import WRITE
from docgen.archive.errors import CorruptBlobError, NotFoundError
from docgen.archive.store import Actor, Archive
from docgen.archive.templatesets import CACHE, set_sha256

FIRST = {"bao_cao.docx": b"PK first report", "quyet_dinh.docx": b"PK first decision"}
SECOND = {"bao_cao.docx": b"PK second report"}


def sql(archive: Archive, *statements: str, **values: object) -> None:
    """Run SQL as someone with the application's credentials and a SQL prompt."""
    with archive.engine.execution_options(**{WRITE: True}).begin() as connection:
        for statement in statements:
            connection.execute(text(statement), values)


def clerk(archive: Archive, agency: str) -> Actor:
    user, _ = archive.add_user(OPERATOR, name=f"Văn thư {agency}", agency=agency,
                               role="van_thu")
    return Actor.of(user)


def test_sets_are_numbered_per_agency_hashed_and_the_last_upload_is_active(
        archive: Archive) -> None:
    son_la, phu_yen = clerk(archive, "son-la"), clerk(archive, "phu-yen")
    first = archive.add_template_set(son_la, "son-la", FIRST)
    other = archive.add_template_set(phu_yen, "phu-yen", SECOND)
    second = archive.add_template_set(son_la, "son-la", SECOND)

    assert (first.version, second.version, other.version) == (1, 2, 1)
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in FIRST.items()}
    assert first.files == hashes
    listing = "".join(f"{hashes[n]}  {n}\n" for n in sorted(hashes)).encode()
    assert first.sha256 == set_sha256(hashes) == hashlib.sha256(listing).hexdigest()
    assert second.sha256 == other.sha256  # same files, same set hash, other agencies

    items, active = archive.list_template_sets("son-la")
    assert [i.version for i in items] == [2, 1] and active == second.id
    assert archive.active_template_set("phu-yen").id == other.id  # type: ignore[union-attr]
    assert archive.read_template_file(first, "quyet_dinh.docx") == FIRST["quyet_dinh.docx"]
    with pytest.raises(NotFoundError, match=r"không có tệp phu_luc\.docx; có: bao_cao\.docx, "
                                            r"quyet_dinh\.docx\."):
        archive.read_template_file(first, "phu_luc.docx")

    chosen = archive.activate_template_set(son_la, "son-la", 1)
    assert chosen is not None and chosen.id == first.id
    assert archive.active_template_set("son-la").id == first.id  # type: ignore[union-attr]
    assert archive.activate_template_set(son_la, "son-la", None) is None
    assert archive.active_template_set("son-la") is None
    with pytest.raises(NotFoundError, match=r"Cơ quan son-la không có bộ mẫu phiên bản 7\."):
        archive.activate_template_set(son_la, "son-la", 7)

    report = archive.verify()
    assert report.clean, (report.problems, report.findings)
    assert report.checked == 3  # three distinct files, re-hashed
    assert (archive.verify("son-la").checked, archive.verify("phu-yen").checked) == (3, 1)
    actions = [e.action for e in archive.audit_entries(agency="son-la", limit=50, offset=0)[0]]
    assert actions.count("template_upload") == 2 and actions.count("template_activate") == 4
    with archive.engine.connect() as connection:
        kinds = connection.execute(text("SELECT count(*) FROM integrity_chain WHERE kind = "
                                        "'template_set'")).scalar()
    assert kinds == 3


def test_a_set_row_is_written_once_and_changes_behind_docgen_are_found(
        archive: Archive) -> None:
    actor = clerk(archive, "son-la")
    item = archive.add_template_set(actor, "son-la", FIRST)
    other = archive.add_template_set(actor, "son-la", SECOND)
    with pytest.raises(DBAPIError, match="append-only"):
        sql(archive, "UPDATE template_sets SET files = :f WHERE id = :i",
            f=json.dumps(other.files), i=item.id)

    # The active set switched with SQL, without its audit entry.
    sql(archive, "UPDATE agencies SET template_set_id = :i WHERE code = 'son-la'", i=item.id)
    # A set row repointed at other bytes, its trigger dropped first.
    trigger = "template_sets_no_update" if archive.dialect == "sqlite" \
        else "template_sets_append_only"
    sql(archive, f"DROP TRIGGER {trigger}" + ("" if archive.dialect == "sqlite"
                                               else " ON template_sets"))
    sql(archive, "UPDATE template_sets SET files = :f WHERE id = :i",
        f=json.dumps(other.files), i=item.id)
    report = archive.verify()
    assert ("Cơ quan son-la đang dùng bộ mẫu số 1 nhưng nhật ký ghi bộ mẫu số 2: bộ mẫu đã bị "
            "đổi ngoài quy trình.") in report.findings
    assert (f"Bộ mẫu (dòng template_sets) số {item.id} đã bị sửa sau khi ghi (không khớp "
            "chuỗi băm).") in report.findings
    assert any(trigger in line for line in report.findings)
    repointed = archive.get_template_set("son-la", 1)
    with pytest.raises(CorruptBlobError, match="dòng bộ mẫu trong cơ sở dữ liệu đã bị sửa"):
        archive.read_template_file(repointed, "bao_cao.docx")
    # Phù Yên's lưu trữ is told nothing about Sơn La's sets by name.
    scoped = archive.verify("phu-yen")
    assert scoped.findings == [] and scoped.elsewhere >= 2


def test_a_set_is_materialised_once_and_rebuilt_when_its_cache_is_damaged(
        archive: Archive) -> None:
    item = archive.add_template_set(clerk(archive, "son-la"), "son-la", FIRST)
    folder = archive.template_folder(item)
    assert folder == archive.data_dir / CACHE / item.sha256
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == FIRST
    stamp = (folder / "bao_cao.docx").stat().st_mtime_ns
    assert archive.template_folder(item) == folder
    assert (folder / "bao_cao.docx").stat().st_mtime_ns == stamp  # not written again

    (folder / "bao_cao.docx").write_bytes(b"PK changed on disk")
    (folder / "extra.docx").write_bytes(b"PK")
    assert archive.template_folder(item) == folder
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == FIRST
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".partial")]
