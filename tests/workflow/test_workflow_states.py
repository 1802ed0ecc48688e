"""The workflow's order and its guards, with DOCX-only renders to keep it quick."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from extract import PHU_YEN, SON_LA, docx_first_page_header, docx_text
from pki import kit, leader_signed
from pypdf import PdfWriter
from service import Clock, users_of

from docgen.archive.errors import ConflictError, NotFoundError
from docgen.archive.schema import User
from docgen.errors import InputError, RenderError
from docgen.signing.policy import SigningPolicy
from docgen.workflow.errors import ForbiddenError, UnsupportedError
from docgen.workflow.service import Workflow

SON_LA_TEXT = SON_LA.read_bytes()


def approved(wf: Workflow, staff: dict[str, User], body: bytes = SON_LA_TEXT) -> int:
    dossier = wf.create(staff["chuyen_vien"], body, "son-la.yaml")
    wf.render(staff["chuyen_vien"], dossier.id, formats=["docx"])
    wf.submit(staff["chuyen_vien"], dossier.id)
    wf.approve(staff["lanh_dao"], dossier.id)
    return dossier.id


def test_a_dossier_goes_from_draft_to_archived_in_order(wf: Workflow,
                                                        staff: dict[str, User]) -> None:
    wf.issue_formats, wf.signing = ("docx", "pdf"), SigningPolicy(trust_dir=kit().trust_dir)
    dossier_id = approved(wf, staff)
    issued = wf.issue(staff["van_thu"], dossier_id)
    assert {r.version.status for r in issued} == {"final"}
    assert wf.dossier(staff["luu_tru"], dossier_id).status == "issued"
    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    with pytest.raises(InputError, match="không có chữ ký số"):  # any PDF is not a signed one
        wf.upload_signed(staff["van_thu"], dossier_id, buffer.getvalue())
    final = next(r for r in issued if r.document.kind == "quyet_dinh")
    pdf = leader_signed(wf.archive.read_file(final, "pdf")[1])
    signed = wf.upload_signed(staff["van_thu"], dossier_id, pdf)
    assert (signed.version.status, signed.version.page_amount) == ("signed", 2)
    assert signed.version.code_number == "01"
    assert "Nguyễn Thành Công đã kiểm tra" in signed.version.note
    [leader] = signed.version.signatures
    assert (leader["role"], leader["signer"], leader["accepted"]) == (
        "leader", "Nguyễn Thành Công", True)
    assert wf.archive_dossier(staff["luu_tru"], dossier_id).status == "archived"
    entries, _ = wf.audit(staff["luu_tru"], dossier_id, limit=100, offset=0)
    assert [e.action for e in entries] == [
        "dossier_create", "render", "render", "render", "submit", "approve",
        "number_allocate", "issue", "issue", "issue", "status_change", "upload_signed_refused",
        "upload_signed", "status_change", "archive"]
    assert [e.actor for e in entries][-3:] == ["van_thu ubnd-son-la", "van_thu ubnd-son-la",
                                               "luu_tru ubnd-son-la"]


def test_every_render_before_issue_is_a_draft_even_of_a_numbered_dossier(
        wf: Workflow, staff: dict[str, User]) -> None:
    dossier = wf.create(staff["chuyen_vien"], PHU_YEN.read_bytes(), "phu-yen.yaml")
    record = wf.render(staff["chuyen_vien"], dossier.id, formats=["docx"], kinds=["quyet_dinh"])[0]
    _, data = wf.download(staff["chuyen_vien"], record.version.id, "docx")
    assert "DỰ THẢO" in docx_first_page_header(data)
    assert record.version.code_number is None and record.version.issued_date is None


def test_submit_needs_a_render_of_the_latest_content(wf: Workflow,
                                                     staff: dict[str, User]) -> None:
    drafter = staff["chuyen_vien"]
    dossier = wf.create(drafter, SON_LA_TEXT, "son-la.yaml")
    with pytest.raises(ConflictError, match="chưa được kết xuất"):
        wf.submit(drafter, dossier.id)
    wf.render(drafter, dossier.id, formats=["docx"])
    wf.update(drafter, dossier.id, SON_LA_TEXT.replace("Sở Xây dựng".encode(),
                                                         "Sở Xây dựng (sửa)".encode()))
    with pytest.raises(ConflictError, match="quyet_dinh, bao_cao, phu_luc"):
        wf.submit(drafter, dossier.id)
    wf.render(drafter, dossier.id, formats=["docx"])
    assert wf.submit(drafter, dossier.id).status == "submitted"


def test_a_submitted_dossier_is_frozen_until_sent_back(wf: Workflow,
                                                       staff: dict[str, User]) -> None:
    drafter = staff["chuyen_vien"]
    dossier = wf.create(drafter, SON_LA_TEXT, "son-la.yaml")
    wf.render(drafter, dossier.id, formats=["docx"], kinds=["quyet_dinh", "bao_cao", "phu_luc"])
    wf.submit(drafter, dossier.id)
    with pytest.raises(ConflictError, match="đã trình"):
        wf.update(drafter, dossier.id, SON_LA_TEXT)
    with pytest.raises(ConflictError):
        wf.render(drafter, dossier.id, formats=["docx"])
    with pytest.raises(ConflictError, match="đã duyệt"):
        wf.issue(staff["van_thu"], dossier.id)
    assert wf.send_back(staff["lanh_dao"], dossier.id, "Sửa nhận xét").status == "draft"
    assert wf.update(drafter, dossier.id, SON_LA_TEXT).status == "draft"


def test_after_issue_nothing_can_be_rendered_or_issued_again(wf: Workflow,
                                                            staff: dict[str, User]) -> None:
    dossier_id = approved(wf, staff)
    wf.issue(staff["van_thu"], dossier_id)
    with pytest.raises(ConflictError):
        wf.render(staff["chuyen_vien"], dossier_id, formats=["docx"])
    with pytest.raises(ConflictError):
        wf.issue(staff["van_thu"], dossier_id)
    with pytest.raises(ConflictError):
        wf.update(staff["chuyen_vien"], dossier_id, SON_LA_TEXT)


def test_issued_versions_carry_the_register_number_and_no_draft_mark(
        wf: Workflow, staff: dict[str, User]) -> None:
    first, second = approved(wf, staff), approved(wf, staff)
    wf.issue(staff["van_thu"], first)
    records = wf.issue(staff["van_thu"], second)
    decision = next(r for r in records if r.document.kind == "quyet_dinh")
    _, data = wf.download(staff["van_thu"], decision.version.id, "docx")
    text = docx_text(data)
    assert "Số: 02/QĐ-UBND" in text
    assert "Sơn La, ngày 16 tháng 12 năm 2025" in text
    assert "DỰ THẢO" not in docx_first_page_header(data)
    assert [(r.version.code_number, r.version.issued_date) for r in records] == [
        ("02", date(2025, 12, 16))] * 3
    dossier = wf.dossier(staff["lanh_dao"], second)
    assert (dossier.number, dossier.register_year, dossier.issue_date) == (2, 2025,
                                                                           date(2025, 12, 16))


def test_numbering_restarts_on_the_first_of_january(wf: Workflow, staff: dict[str, User],
                                                    clock: Clock) -> None:
    december = approved(wf, staff)
    january = approved(wf, staff)
    clock.day = date(2025, 12, 31)
    wf.issue(staff["van_thu"], december)
    clock.day = date(2026, 1, 1)
    wf.issue(staff["van_thu"], january)
    assert wf.dossier(staff["van_thu"], december).number == 1
    assert (wf.dossier(staff["van_thu"], january).number,
            wf.dossier(staff["van_thu"], january).register_year) == (1, 2026)


def test_roles_and_agencies_are_checked_before_anything_happens(wf: Workflow,
                                                                staff: dict[str, User]) -> None:
    dossier = wf.create(staff["chuyen_vien"], SON_LA_TEXT, "son-la.yaml")
    with pytest.raises(ForbiddenError, match="lãnh đạo không được phép kết xuất"):
        wf.render(staff["lanh_dao"], dossier.id)
    with pytest.raises(ForbiddenError, match="quản trị"):
        wf.dossier(staff["quan_tri"], dossier.id)
    stranger = users_of(wf.archive, "ubnd-phu-yen")["chuyen_vien"]
    with pytest.raises(NotFoundError):
        wf.render(stranger, dossier.id, formats=["docx"])
    assert wf.list_dossiers(stranger, limit=10, offset=0) == ([], 0)


def test_unknown_formats_kinds_and_non_pdf_uploads_are_refused(wf: Workflow,
                                                              staff: dict[str, User]) -> None:
    dossier = wf.create(staff["chuyen_vien"], SON_LA_TEXT, "son-la.yaml")
    with pytest.raises(UnsupportedError, match="'odt'"):
        wf.render(staff["chuyen_vien"], dossier.id, formats=["odt"])
    with pytest.raises(UnsupportedError, match="'cong_van'"):
        wf.render(staff["chuyen_vien"], dossier.id, kinds=["cong_van"])
    dossier_id = approved(wf, staff)
    wf.issue(staff["van_thu"], dossier_id)
    with pytest.raises(UnsupportedError, match="không phải PDF"):
        wf.upload_signed(staff["van_thu"], dossier_id, b"PK\x03\x04 a docx")


def test_the_text_diff_shows_the_corrected_line(wf: Workflow, staff: dict[str, User]) -> None:
    drafter = staff["chuyen_vien"]
    dossier = wf.create(drafter, SON_LA_TEXT, "son-la.yaml")
    before = wf.render(drafter, dossier.id, formats=["docx"], kinds=["bao_cao"])[0]
    wf.update(drafter, dossier.id, SON_LA_TEXT.replace("Sở Xây dựng".encode(),
                                                       "Sở Xây dựng và Kiến trúc".encode()))
    after = wf.render(drafter, dossier.id, formats=["docx"], kinds=["bao_cao"])[0]
    result = wf.diff(staff["lanh_dao"], before.version.id, after.version.id)
    assert result.source == "docx"
    removed = [line for line in result.lines if line.startswith("-") and "Sở Xây dựng" in line]
    added = [line for line in result.lines if line.startswith("+") and "Kiến trúc" in line]
    assert removed and added
    assert wf.diff(staff["lanh_dao"], before.version.id, before.version.id).lines == []


def test_an_issue_whose_render_fails_keeps_its_number_for_the_retry(
        wf: Workflow, staff: dict[str, User], monkeypatch: pytest.MonkeyPatch) -> None:
    import docgen.workflow.service as service_module

    first, second = approved(wf, staff), approved(wf, staff)
    real_render = service_module.render_package

    def broken(*args: object, **kwargs: object) -> object:
        raise RenderError("Phông chữ bị thiếu")

    monkeypatch.setattr(service_module, "render_package", broken)
    with pytest.raises(RenderError):
        wf.issue(staff["van_thu"], first)
    dossier = wf.dossier(staff["van_thu"], first)
    assert (dossier.status, dossier.number) == ("approved", 1)
    assert wf.archive.latest_version(first, "quyet_dinh", "final") is None
    monkeypatch.setattr(service_module, "render_package", real_render)
    wf.issue(staff["van_thu"], second)
    retried = wf.issue(staff["van_thu"], first)
    assert retried[0].version.code_number == "01"
    assert wf.dossier(staff["van_thu"], second).number == 2


def test_two_clerks_issuing_the_same_dossier_at_once_use_one_number(
        wf: Workflow, staff: dict[str, User]) -> None:
    dossier_id, later = approved(wf, staff), approved(wf, staff)
    barrier = threading.Barrier(2)

    def issue() -> str:
        barrier.wait()
        try:
            wf.issue(staff["van_thu"], dossier_id)
        except ConflictError:
            return "conflict"
        return "issued"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(lambda _: issue(), range(2)))
    assert outcomes == ["conflict", "issued"]
    finals, total = wf.versions(staff["van_thu"], dossier_id, "quyet_dinh", limit=10, offset=0)
    assert total == 2 and finals[-1].version.code_number == "01"
    wf.issue(staff["van_thu"], later)
    assert wf.dossier(staff["van_thu"], later).number == 2
