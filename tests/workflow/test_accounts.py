"""Agencies and accounts in the workflow: who may manage them, what a valid agency is, the
pre-filled issuer block, passwords, tokens, sign-in. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from extract import SON_LA
from service import Database, database, users_of

from docgen.archive.errors import ConflictError, NotFoundError
from docgen.archive.schema import User
from docgen.errors import InputError
from docgen.model.loader import load_data, parse_text
from docgen.workflow.errors import ForbiddenError, UnauthorizedError
from docgen.workflow.service import Workflow

SNV = {"name": "Sở Nội vụ tỉnh Sơn La", "parent": "UBND TỈNH SƠN LA", "issuer": "SỞ NỘI VỤ",
       "place": "Sơn La", "abbreviation": "SNV", "authority": "GIÁM ĐỐC SỞ NỘI VỤ",
       "authority_name": "Giám đốc Sở Nội vụ"}
PASSWORD = "mật khẩu đủ dài"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    with database(request.param) as found:
        yield found


@pytest.fixture
def wf(db: Database, tmp_path: Path) -> Iterator[Workflow]:
    archive = db.open(tmp_path / "data")
    yield Workflow(archive, now=lambda: datetime(2025, 12, 16, 3, 0, tzinfo=UTC))
    archive.close()


@pytest.fixture
def staff(wf: Workflow) -> dict[str, User]:
    return users_of(wf.archive, "ubnd-son-la")


def test_a_quan_tri_creates_shows_lists_and_corrects_agencies(wf: Workflow,
                                                             staff: dict[str, User]) -> None:
    admin = staff["quan_tri"]
    made = wf.add_agency(admin, "snv-son-la", SNV)
    assert (made.code, made.issuer, made.abbreviation) == ("snv-son-la", "SỞ NỘI VỤ", "SNV")
    assert [a.code for a in wf.agencies(admin)] == ["snv-son-la", "ubnd-son-la"]
    changed = wf.update_agency(admin, "snv-son-la", {**SNV, "issuer": "SỞ NỘI VỤ\nTỈNH SƠN LA"})
    assert wf.agency(admin, "snv-son-la").issuer == changed.issuer == "SỞ NỘI VỤ\nTỈNH SƠN LA"
    entries, _ = wf.archive.audit_entries(limit=50, offset=0)
    update = next(e for e in entries if e.action == "agency_update")
    assert update.detail["changed"] == {"issuer": ["SỞ NỘI VỤ", "SỞ NỘI VỤ\nTỈNH SƠN LA"]}
    with pytest.raises(ConflictError, match="Đã có cơ quan mã 'snv-son-la'"):
        wf.add_agency(admin, "snv-son-la", SNV)
    with pytest.raises(NotFoundError, match="Không có cơ quan mã 'khong-co'"):
        wf.agency(admin, "khong-co")
    for role in ("chuyen_vien", "lanh_dao", "van_thu", "luu_tru"):
        with pytest.raises(ForbiddenError, match="không được phép quản lý cơ quan"):
            wf.agencies(staff[role])


def test_an_agency_with_half_its_issuer_facts_is_refused_naming_each_field(
        wf: Workflow, staff: dict[str, User]) -> None:
    with pytest.raises(InputError) as refused:
        wf.add_agency(staff["quan_tri"], "Sở Nội Vụ", {"name": "", "issuer": "A\nB\nC\nD",
                                                       "abbreviation": "snv", "colour": "x"})
    places = [p.location for p in refused.value.problems]
    assert places == ["mã cơ quan", "colour", "tên đầy đủ", "cơ quan ban hành", "địa danh",
                      "thẩm quyền", "tên thẩm quyền", "viết tắt"]
    assert wf.archive.list_agencies()[0].code == "ubnd-son-la"  # nothing written


def test_the_issuer_block_of_a_new_dossier_comes_from_the_agency_and_validates(
        wf: Workflow, staff: dict[str, User]) -> None:
    block = wf.issuer_block(staff["chuyen_vien"])
    assert block == {"cơ quan ban hành": ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"],
                     "địa danh": "Sơn La", "viết tắt": "UBND",
                     "thẩm quyền": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
                     "tên thẩm quyền": "Chủ tịch Ủy ban nhân dân tỉnh"}
    data = parse_text(SON_LA.read_text(encoding="utf-8"), "son-la.yaml")
    data["cơ quan"] = block
    assert load_data(data, "mới.yaml").issuer.name == ["ỦY BAN NHÂN DÂN", "TỈNH SƠN LA"]
    with pytest.raises(ForbiddenError):
        wf.issuer_block(staff["lanh_dao"])


def test_users_belong_to_an_existing_agency_and_sign_in_with_their_password(
        wf: Workflow, staff: dict[str, User]) -> None:
    admin = staff["quan_tri"]
    wf.add_agency(admin, "snv-son-la", SNV)
    user, token = wf.add_user(admin, name="Hà Thị Mai", role="chuyen_vien", agency="snv-son-la",
                              username=" Ha.Mai ", password=PASSWORD)
    assert (user.agency, user.username) == ("snv-son-la", "ha.mai")
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
    assert wf.archive.user_for_token(token).id == user.id
    assert wf.sign_in("HA.MAI", PASSWORD, "10.0.0.1").id == user.id
    with pytest.raises(UnauthorizedError, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        wf.sign_in("ha.mai", PASSWORD + "x", "10.0.0.1")
    with pytest.raises(NotFoundError, match="Không có cơ quan mã 'snv-son-lá'"):
        wf.add_user(admin, name="X", role="van_thu", agency="snv-son-lá")
    with pytest.raises(ConflictError, match="Tên đăng nhập 'ha.mai' đã có người dùng"):
        wf.add_user(admin, name="Y", role="van_thu", username="ha.mai", password=PASSWORD)
    with pytest.raises(InputError) as bad:
        wf.add_user(admin, name=" ", role="van_thu", username="Hà Mai", password="ngắn")
    assert [p.location for p in bad.value.problems] == ["họ tên", "tên đăng nhập", "mật khẩu"]
    with pytest.raises(ForbiddenError):
        wf.add_user(staff["lanh_dao"], name="Z", role="chuyen_vien")


def test_disable_enable_reset_and_rotate(wf: Workflow, staff: dict[str, User]) -> None:
    admin = staff["quan_tri"]
    user, token = wf.add_user(admin, name="Lò Văn Thư", role="van_thu", username="lvthu",
                              password=PASSWORD)
    with pytest.raises(ForbiddenError, match="tự khóa"):
        wf.deactivate_user(admin, admin.id)
    wf.deactivate_user(admin, user.id)
    assert wf.archive.user_for_token(token) is None
    with pytest.raises(UnauthorizedError, match="đã bị khóa"):
        wf.sign_in("lvthu", PASSWORD, "x")
    wf.enable_user(admin, user.id)
    wf.reset_password(admin, user.id, "mật khẩu mới đặt lại")
    assert wf.sign_in("lvthu", "mật khẩu mới đặt lại", "x").id == user.id
    again, fresh = wf.rotate_token(admin, user.id)
    assert wf.archive.user_for_token(token) is None
    assert wf.archive.user_for_token(fresh).id == user.id
    mine, own = wf.rotate_token(staff["lanh_dao"], staff["lanh_dao"].id)  # one's own: allowed
    assert wf.archive.user_for_token(own).id == mine.id
    with pytest.raises(ForbiddenError):
        wf.rotate_token(staff["lanh_dao"], user.id)  # someone else's: quản trị only
    script, _ = wf.add_user(admin, name="Kịch bản", role="luu_tru")
    with pytest.raises(InputError, match="người dùng này chưa có"):
        wf.reset_password(admin, script.id, PASSWORD)
    named = wf.reset_password(admin, script.id, PASSWORD, username="kich-ban")
    assert named.username == "kich-ban"
    actions = [e.action for e in wf.archive.audit_entries(limit=100, offset=0)[0]]
    for action in ("user_deactivate", "user_enable", "password_set", "token_rotate",
                   "sign_in"):
        assert action in actions


def test_changing_ones_own_password_needs_the_current_one(wf: Workflow,
                                                          staff: dict[str, User]) -> None:
    user, _ = wf.add_user(staff["quan_tri"], name="A", role="lanh_dao", username="a-lanh-dao",
                          password=PASSWORD)
    with pytest.raises(InputError, match="mật khẩu hiện tại"):
        wf.change_password(user, "sai", "mật khẩu khác hẳn")
    changed = wf.change_password(user, PASSWORD, "mật khẩu khác hẳn")
    assert wf.sign_in("a-lanh-dao", "mật khẩu khác hẳn", "x").id == changed.id


def test_the_last_active_quan_tri_cannot_be_disabled_by_anyone(wf: Workflow,
                                                                staff: dict[str, User]) -> None:
    admin = staff["quan_tri"]
    second, _ = wf.add_user(admin, name="Quản trị dự phòng", role="quan_tri")
    wf.deactivate_user(admin, second.id)  # another admin is still active: allowed
    with pytest.raises(ConflictError, match="quản trị duy nhất còn hoạt động"):
        wf.deactivate_user(None, admin.id)  # the operator, from the command line
    assert wf.archive.get_user(admin.id).active
    wf.enable_user(admin, second.id)
    wf.deactivate_user(second, admin.id)
    assert not wf.archive.get_user(admin.id).active
