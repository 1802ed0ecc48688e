"""At issue: the register of the issuing body, a number entered from the register book, a
dossier's own final number and date kept (the Phù Yên case); the send-back reason kept on
the dossier; a preview that archives nothing."""

from __future__ import annotations

from datetime import date

import pytest
from extract import PHU_YEN, SON_LA, docx_first_page_header, docx_text
from service import users_of

from docgen.archive.errors import ConflictError
from docgen.archive.schema import User
from docgen.errors import InputError
from docgen.workflow.service import Workflow

SON_LA_TEXT = SON_LA.read_bytes()
REGISTER = "ỦY BAN NHÂN DÂN TỈNH SƠN LA"


def approved(wf: Workflow, staff: dict[str, User], body: bytes = SON_LA_TEXT,
             source: str = "son-la.yaml") -> int:
    dossier = wf.create(staff["chuyen_vien"], body, source)
    wf.render(staff["chuyen_vien"], dossier.id, formats=["docx"], kinds=["quyet_dinh"])
    wf.render(staff["chuyen_vien"], dossier.id, formats=["docx"], kinds=["bao_cao", "phu_luc"])
    wf.submit(staff["chuyen_vien"], dossier.id)
    wf.approve(staff["lanh_dao"], dossier.id)
    return dossier.id


def test_a_number_and_date_entered_from_the_register_book_are_issued(
        wf: Workflow, staff: dict[str, User]) -> None:
    dossier_id = approved(wf, staff)
    issued = wf.issue(staff["van_thu"], dossier_id, number=945, issue_date=date(2025, 12, 12))
    final = issued[0].version
    assert (final.code_number, final.issued_date) == ("945", date(2025, 12, 12))
    dossier = wf.dossier(staff["luu_tru"], dossier_id)
    assert (dossier.number, dossier.issue_date, dossier.register) == (
        945, date(2025, 12, 12), REGISTER)
    text = docx_text(wf.archive.read_file(issued[0], "docx")[1])
    assert "Số: 945/QĐ-UBND" in text and "ngày 12 tháng 12 năm 2025" in text
    # docgen's next number follows the book.
    following = wf.issue(staff["van_thu"], approved(wf, staff))
    assert following[0].version.code_number == "946"


def test_a_number_already_in_the_register_is_refused_naming_the_document(
        wf: Workflow, staff: dict[str, User]) -> None:
    first = approved(wf, staff)
    wf.issue(staff["van_thu"], first, number=12)
    second = approved(wf, staff)
    with pytest.raises(ConflictError) as refused:
        wf.issue(staff["van_thu"], second, number=12, issue_date=date(2025, 12, 16))
    title = wf.dossier(staff["luu_tru"], first).title
    assert str(refused.value) == (f"Số 12/QĐ năm 2025 trong sổ của {REGISTER} đã dùng cho hồ sơ "
                                  f"số {first} ({title}, ngày 16/12/2025); hãy kiểm tra lại sổ "
                                  "đăng ký văn bản.")
    assert wf.dossier(staff["luu_tru"], second).status == "approved"


def test_a_dossiers_own_final_number_and_date_are_kept_the_phu_yen_case(
        wf: Workflow, staff: dict[str, User]) -> None:
    body = PHU_YEN.read_bytes()
    assert b"2023-01-16" in body or b"16/01/2023" in body  # the fixture is the final decision
    phu_yen = users_of(wf.archive, "ubnd-phu-yen")
    dossier_id = approved(wf, phu_yen, body, "phu-yen.yaml")
    # The clerk's entry may not overwrite the dossier's own number.
    with pytest.raises(InputError, match="hồ sơ đã ghi số của mình"):
        wf.issue(phu_yen["van_thu"], dossier_id, number=2)
    issued = wf.issue(phu_yen["van_thu"], dossier_id)
    final = issued[0].version
    assert (final.code_number, final.issued_date) == ("15", date(2023, 1, 16))
    text = docx_text(wf.archive.read_file(issued[0], "docx")[1])
    assert "Số: 15/QĐ-UBND" in text and "ngày 16 tháng 01 năm 2023" in text
    dossier = wf.dossier(phu_yen["luu_tru"], dossier_id)
    assert dossier.register == "ỦY BAN NHÂN DÂN HUYỆN PHÙ YÊN"
    # Another issuing body's register is untouched: Sơn La's first number is still 01.
    assert wf.issue(staff["van_thu"], approved(wf, staff))[0].version.code_number == "01"


def test_an_entered_date_after_today_or_without_a_number_is_refused(
        wf: Workflow, staff: dict[str, User]) -> None:
    dossier_id = approved(wf, staff)
    with pytest.raises(InputError) as future:
        wf.issue(staff["van_thu"], dossier_id, number=3, issue_date=date(2025, 12, 17))
    assert "ngày không sau hôm nay (16/12/2025)" in str(future.value)
    with pytest.raises(InputError, match="số lấy từ sổ đăng ký văn bản khi nhập ngày"):
        wf.issue(staff["van_thu"], dossier_id, issue_date=date(2025, 12, 1))
    assert wf.dossier(staff["luu_tru"], dossier_id).number is None


def test_the_send_back_reason_stays_on_the_dossier_and_is_marked_answered(
        wf: Workflow, staff: dict[str, User]) -> None:
    dossier = wf.create(staff["chuyen_vien"], SON_LA_TEXT, "son-la.yaml")
    wf.render(staff["chuyen_vien"], dossier.id, formats=["docx"])
    wf.submit(staff["chuyen_vien"], dossier.id)
    with pytest.raises(InputError, match="lý do trả lại"):
        wf.send_back(staff["lanh_dao"], dossier.id, "  ")
    sent = wf.send_back(staff["lanh_dao"], dossier.id, "Bổ sung số liệu khối huyện")
    assert (sent.status, sent.sent_back_reason, sent.sent_back_by, sent.resubmitted_at) == (
        "draft", "Bổ sung số liệu khối huyện", "lanh_dao ubnd-son-la", None)
    resubmitted = wf.submit(staff["chuyen_vien"], dossier.id)
    assert resubmitted.sent_back_reason == "Bổ sung số liệu khối huyện"
    assert resubmitted.resubmitted_at is not None
    again = wf.send_back(staff["lanh_dao"], dossier.id, "Sửa trích yếu")
    assert (again.sent_back_reason, again.resubmitted_at) == ("Sửa trích yếu", None)
    entries, _ = wf.audit(staff["chuyen_vien"], dossier.id, limit=50, offset=0)
    assert [e.detail["reason"] for e in entries if e.action == "send_back"] == [
        "Bổ sung số liệu khối huyện", "Sửa trích yếu"]


def test_a_preview_renders_in_memory_and_archives_nothing(wf: Workflow,
                                                          staff: dict[str, User]) -> None:
    drafter = staff["chuyen_vien"]
    dossier = wf.create(drafter, SON_LA_TEXT, "son-la.yaml")
    blobs = sorted(wf.archive.blobs.names())
    entries = wf.archive.audit_entries(limit=100, offset=0)[1]
    preview = wf.preview(drafter, dossier.id, formats=["docx"], kinds=["quyet_dinh"])
    assert [(d.kind, d.format) for d in preview.documents] == [("quyet_dinh", "docx")]
    assert "DỰ THẢO" in docx_first_page_header(preview.documents[0].data)
    assert preview.summary.splitlines()[0] == "Hồ sơ hợp lệ: Chỉ số CCHC năm 2025, 2 khối."
    assert "điểm trung bình 90,82" in preview.blocks[0]["line"]
    assert preview.blocks[0]["bands"][0] == "Mức XUẤT SẮC: 08/15 (53,33%)"
    unsaved = wf.preview(drafter, body=SON_LA_TEXT.replace("Sở Xây dựng".encode(),
                                                           "Sở Xây dựng mới".encode()),
                         source="son-la.yaml", formats=["docx"], kinds=["phu_luc"])
    assert "Sở Xây dựng mới" in docx_text(unsaved.documents[0].data)
    assert sorted(wf.archive.blobs.names()) == blobs
    assert wf.archive.audit_entries(limit=100, offset=0)[1] == entries
    assert wf.documents(drafter, dossier.id)[0][2] == 0  # no version of any document
    with pytest.raises(Exception, match="không được phép xem trước"):
        wf.preview(staff["lanh_dao"], dossier.id)


def test_a_decision_naming_nobody_in_its_article_3_is_refused_before_a_number_is_taken(
        wf: Workflow, staff: dict[str, User]) -> None:
    body = SON_LA_TEXT.decode("utf-8")
    start = body.index("  tổ chức thực hiện:")
    end = body.index("\n  kèm theo:", start)
    dossier_id = approved(wf, staff, (body[:start] + body[end + 1:]).encode("utf-8"))
    with pytest.raises(InputError) as refused:
        wf.issue(staff["van_thu"], dossier_id, number=77, issue_date=date(2025, 12, 16))
    assert str(refused.value) == (
        f"hồ sơ số {dossier_id}: quyết định › tổ chức thực hiện: cần những người chịu trách "
        "nhiệm thi hành Quyết định (Điều 3 của mẫu), ví dụ «Chánh Văn phòng Ủy ban nhân dân "
        "tỉnh, Giám đốc Sở Nội vụ, Thủ trưởng các sở, ban, ngành»; hoặc ghi đủ các Điều ở "
        "«điều»; nhận được không có")
    dossier = wf.dossier(staff["luu_tru"], dossier_id)
    assert (dossier.status, dossier.number) == ("approved", None)
    # the number was not used: the next dossier may take it
    assert wf.issue(staff["van_thu"], approved(wf, staff), number=77)[0].version.code_number == "77"
