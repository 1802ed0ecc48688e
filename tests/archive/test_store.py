"""The archive's store on SQLite and PostgreSQL: versions, numbers, append-only tables."""

from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from service import OPERATOR
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from versions import KINDS, make_dossier, new_version

from docgen.archive.database import MIGRATIONS, current_revision, upgrade
from docgen.archive.errors import ConflictError, CorruptBlobError, NotFoundError
from docgen.archive.schema import Base
from docgen.archive.store import Actor, Archive


@pytest.fixture
def actor(archive: Archive) -> Actor:
    user, _ = archive.add_user(OPERATOR, name="Chuyên viên", agency="son-la", role="chuyen_vien")
    return Actor.of(user)


def test_migrations_bring_an_empty_database_to_the_models_and_rerun_harmlessly(
        archive: Archive) -> None:
    assert current_revision(archive.engine) == ScriptDirectory(str(MIGRATIONS)).get_current_head()
    upgrade(archive.engine)
    with archive.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_stored_versions_are_numbered_per_document_and_read_back_byte_for_byte(
        archive: Archive, actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    first = archive.store_versions(actor, dossier_id, [new_version(k, b"1") for k in KINDS],
                                   allowed=["draft"], action="render")
    second = archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"2")],
                                    allowed=["draft"], action="render")
    assert [r.version.seq for r in first] == [1, 1, 1]
    assert second[0].version.seq == 2
    item, data = archive.read_file(archive.get_version(second[0].version.id), "pdf")
    assert data == b"%PDF-2"
    assert item.size == 6 and item.media_type == "application/pdf"
    listed, total = archive.list_versions(dossier_id, "quyet_dinh", limit=10, offset=0)
    assert total == 2 and [r.version.seq for r in listed] == [1, 2]
    assert [f.format for f in listed[0].files] == ["docx", "pdf"]
    page, _ = archive.list_versions(dossier_id, "quyet_dinh", limit=1, offset=1)
    assert [r.version.seq for r in page] == [2]


def test_the_versions_point_to_the_canonical_dossier_blob(archive: Archive, actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor, b'{"year":2025,"x":"\xc4\x91"}')
    record = archive.store_versions(actor, dossier_id, [new_version("phu_luc", b"p")],
                                    allowed=["draft"], action="render")[0]
    assert archive.read_blob(record.version.dossier_sha256) == b'{"year":2025,"x":"\xc4\x91"}'
    assert record.version.signer_name == "Nguyễn Thành Công"


def test_identical_files_share_one_blob(archive: Archive, actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    a = archive.store_versions(actor, dossier_id, [new_version("bao_cao", b"same")],
                               allowed=["draft"], action="render")[0]
    b = archive.store_versions(actor, dossier_id, [new_version("bao_cao", b"same")],
                               allowed=["draft"], action="render")[0]
    assert a.file("pdf").sha256 == b.file("pdf").sha256
    assert archive.verify().checked == 3  # dossier JSON, DOCX, PDF


SON_LA_REGISTER = "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
PHU_YEN_REGISTER = "ỦY BAN NHÂN DÂN HUYỆN PHÙ YÊN"


def _approved(archive: Archive, who: Actor) -> int:
    dossier_id = make_dossier(archive, who)
    archive.transition(who, dossier_id, allowed=["draft"], to="approved", action="test")
    return dossier_id


def test_register_numbers_are_consecutive_per_issuing_body_type_and_year_and_restart_yearly(
        archive: Archive, actor: Actor) -> None:
    other, _ = archive.add_user(OPERATOR, name="Khác", agency="phu-yen", role="van_thu")
    given = []
    for who, register, day in [
            (actor, SON_LA_REGISTER, date(2025, 12, 30)),
            (actor, SON_LA_REGISTER, date(2025, 12, 31)),
            (actor, PHU_YEN_REGISTER, date(2025, 12, 31)),  # same login agency, other body
            (Actor.of(other), SON_LA_REGISTER, date(2025, 12, 31)),  # other agency, same body
            (actor, SON_LA_REGISTER, date(2026, 1, 1)),
            (actor, SON_LA_REGISTER, date(2026, 1, 2))]:
        dossier = archive.allocate_number(who, _approved(archive, who), allowed=["approved"],
                                          issue_date=day, register=register)
        given.append((dossier.register, dossier.register_year, dossier.number))
    assert given == [(SON_LA_REGISTER, 2025, 1), (SON_LA_REGISTER, 2025, 2),
                     (PHU_YEN_REGISTER, 2025, 1), (SON_LA_REGISTER, 2025, 3),
                     (SON_LA_REGISTER, 2026, 1), (SON_LA_REGISTER, 2026, 2)]


def test_a_number_entered_from_the_register_book_is_kept_and_moves_the_counter(
        archive: Archive, actor: Actor) -> None:
    entered = archive.allocate_number(actor, _approved(archive, actor), allowed=["approved"],
                                      issue_date=date(2025, 12, 10), register=SON_LA_REGISTER,
                                      number=41)
    following = archive.allocate_number(actor, _approved(archive, actor), allowed=["approved"],
                                        issue_date=date(2025, 12, 16), register=SON_LA_REGISTER)
    lower = archive.allocate_number(actor, _approved(archive, actor), allowed=["approved"],
                                    issue_date=date(2025, 12, 16), register=SON_LA_REGISTER,
                                    number=7)
    after = archive.allocate_number(actor, _approved(archive, actor), allowed=["approved"],
                                    issue_date=date(2025, 12, 17), register=SON_LA_REGISTER)
    assert [(d.number, d.issue_date) for d in (entered, following, lower, after)] == [
        (41, date(2025, 12, 10)), (42, date(2025, 12, 16)), (7, date(2025, 12, 16)),
        (43, date(2025, 12, 17))]
    entries, _ = archive.audit_entries(dossier_id=entered.id, limit=10, offset=0)
    assert [e.detail["source"] for e in entries if e.action == "number_allocate"] == ["entered"]


def test_a_number_used_in_the_register_and_year_is_refused_naming_its_document(
        archive: Archive, actor: Actor) -> None:
    first = archive.allocate_number(actor, _approved(archive, actor), allowed=["approved"],
                                    issue_date=date(2025, 12, 16), register=SON_LA_REGISTER,
                                    number=15)
    second = _approved(archive, actor)
    with pytest.raises(ConflictError) as refused:
        archive.allocate_number(actor, second, allowed=["approved"],
                                issue_date=date(2025, 12, 20), register=SON_LA_REGISTER,
                                number=15)
    assert str(refused.value) == (
        f"Số 15/QĐ năm 2025 trong sổ của {SON_LA_REGISTER} đã dùng cho hồ sơ số {first.id} "
        f"({first.title}, ngày 16/12/2025); hãy kiểm tra lại sổ đăng ký văn bản.")
    assert archive.get_dossier(second).number is None
    # Another year, or another issuing body, has a register of its own.
    assert archive.allocate_number(actor, second, allowed=["approved"],
                                   issue_date=date(2025, 12, 20), register=PHU_YEN_REGISTER,
                                   number=15).number == 15


def test_a_retried_allocation_keeps_the_number_already_given(archive: Archive,
                                                              actor: Actor) -> None:
    dossier_id = _approved(archive, actor)
    first = archive.allocate_number(actor, dossier_id, allowed=["approved"],
                                    issue_date=date(2025, 12, 16), register=SON_LA_REGISTER)
    again = archive.allocate_number(actor, dossier_id, allowed=["approved"],
                                    issue_date=date(2025, 12, 17), register=SON_LA_REGISTER)
    assert (again.number, again.issue_date) == (first.number, date(2025, 12, 16)) == (
        1, date(2025, 12, 16))
    with pytest.raises(ConflictError, match="đã được cấp số 01 ngày 16/12/2025"):
        archive.allocate_number(actor, dossier_id, allowed=["approved"],
                                issue_date=date(2025, 12, 17), register=SON_LA_REGISTER,
                                number=5)


def test_the_database_refuses_to_reuse_a_number_in_the_same_register(archive: Archive,
                                                                      actor: Actor) -> None:
    ids = [make_dossier(archive, actor) for _ in range(2)]
    update = ("UPDATE dossiers SET number = 7, register_year = 2025, register = 'R'"
              " WHERE id = {}")
    with archive.engine.begin() as connection:
        connection.execute(text(update.format(ids[0])))
    with pytest.raises(DBAPIError), archive.engine.begin() as connection:
        connection.execute(text(update.format(ids[1])))


@pytest.mark.parametrize("statement", [
    "UPDATE versions SET status = 'final'",
    "DELETE FROM versions",
    "UPDATE version_files SET sha256 = sha256",
    "DELETE FROM version_files",
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
    "DELETE FROM dossier_revisions",
    "DELETE FROM blobs",
])
def test_append_only_tables_refuse_update_and_delete_in_the_database(
        archive: Archive, actor: Actor, statement: str) -> None:
    dossier_id = make_dossier(archive, actor)
    archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"x")],
                           allowed=["draft"], action="render")
    with pytest.raises(DBAPIError, match="append-only"), archive.engine.begin() as connection:
        connection.execute(text(statement))
    assert archive.list_versions(dossier_id, "quyet_dinh", limit=5, offset=0)[1] == 1


def test_state_rules_are_checked_inside_the_transaction(archive: Archive, actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    archive.transition(actor, dossier_id, allowed=["draft"], to="submitted", action="submit")
    with pytest.raises(ConflictError, match="đã trình"):
        archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"late")],
                               allowed=["draft"], action="render")
    with pytest.raises(ConflictError):
        archive.add_revision(actor, dossier_id, b"{}", title="t", year=2025, allowed=["draft"])
    assert archive.list_versions(dossier_id, "quyet_dinh", limit=5, offset=0)[1] == 0


def test_a_version_of_an_outdated_revision_is_refused(archive: Archive, actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    rendered_from = archive.latest_revision(dossier_id).id
    archive.add_revision(actor, dossier_id, b'{"year":2025,"v":2}', title="t", year=2025,
                         allowed=["draft"])
    with pytest.raises(ConflictError, match="đã thay đổi"):
        archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"old")],
                               allowed=["draft"], action="render",
                               expected_revision=rendered_from)


def test_another_agency_does_not_see_the_dossier_or_its_versions(archive: Archive,
                                                                  actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    version = archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"v")],
                                     allowed=["draft"], action="render")[0].version.id
    with pytest.raises(NotFoundError):
        archive.get_dossier(dossier_id, agency="phu-yen")
    with pytest.raises(NotFoundError):
        archive.get_version(version, agency="phu-yen")
    stranger = Actor("x", "phu-yen")
    with pytest.raises(NotFoundError):
        archive.transition(stranger, dossier_id, allowed=["draft"], to="submitted", action="x")
    assert archive.list_dossiers("phu-yen", limit=10, offset=0) == ([], 0)


def test_verify_reports_an_altered_and_a_missing_blob_and_download_is_refused(
        archive: Archive, actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    record = archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"v")],
                                    allowed=["draft"], action="render")[0]
    assert archive.verify().clean
    pdf, docx = record.file("pdf"), record.file("docx")
    archive.blobs.path(pdf.sha256).write_bytes(b"%PDF-tampered")
    archive.blobs.path(docx.sha256).unlink()
    report = archive.verify()
    assert sorted(report.problems) == sorted([(pdf.sha256, "size mismatch"),
                                              (docx.sha256, "missing")])
    with pytest.raises(CorruptBlobError):
        archive.read_file(record, "pdf")
    with pytest.raises(CorruptBlobError):
        archive.read_file(record, "docx")


def test_tokens_are_stored_hashed_and_identify_their_user(archive: Archive) -> None:
    user, token = archive.add_user(OPERATOR, name="Lưu trữ", agency="son-la", role="luu_tru")
    assert archive.user_for_token(token).id == user.id
    assert archive.user_for_token(token + "x") is None
    with archive.engine.connect() as connection:
        stored = connection.execute(text("SELECT token_sha256 FROM api_tokens")).scalars().all()
    assert token not in stored and len(stored[0]) == 64


def test_every_write_leaves_an_audit_line_with_who_and_which_hash(archive: Archive,
                                                                   actor: Actor) -> None:
    dossier_id = make_dossier(archive, actor)
    record = archive.store_versions(actor, dossier_id, [new_version("quyet_dinh", b"a")],
                                    allowed=["draft"], action="render")[0]
    entries, total = archive.audit_entries(dossier_id=dossier_id, limit=10, offset=0)
    assert total == 2
    assert [(e.action, e.actor, e.object_type) for e in entries] == [
        ("dossier_create", "Chuyên viên", "dossier"), ("render", "Chuyên viên", "version")]
    assert entries[1].sha256 == record.file("pdf").sha256
    assert entries[1].detail["files"] == {"docx": record.file("docx").sha256,
                                          "pdf": record.file("pdf").sha256}


def test_a_schema_older_than_the_code_names_the_command_that_upgrades_it(tmp_path: Path) -> None:
    from docgen.archive.database import head_revision, make_engine, require_current_schema
    from docgen.archive.errors import SchemaOutdatedError

    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(SchemaOutdatedError) as caught:
        require_current_schema(engine)
    assert caught.value.exit_code == 9
    assert str(caught.value) == (f"lược đồ cơ sở dữ liệu đang ở phiên bản trống, mã nguồn cần "
                                 f"{head_revision()}; hãy chạy 'docgen db upgrade' (có sao lưu "
                                 "trước) rồi khởi động lại.")
    upgrade(engine)
    require_current_schema(engine)
    engine.dispose()
