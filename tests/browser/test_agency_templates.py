"""The văn thư's Bộ mẫu page in a real browser: a set with a mistake is refused with its
error shown at the paragraph's text; the corrected set becomes version 1, in use."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from service import ensure_agency
from staff import Person

from docgen.render.templates import SHIPPED

pytestmark = pytest.mark.browser

REPORT = (SHIPPED / "bao_cao" / "bao_cao.docx").read_bytes()
HEADING = "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ year }}"


def with_heading(heading: str) -> bytes:
    """The shipped Báo cáo with its first heading rewritten as Word would save it."""
    source, out = zipfile.ZipFile(io.BytesIO(REPORT)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = data.decode("utf-8").replace(HEADING, heading).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def test_the_clerk_uploads_a_set_and_sees_its_errors_then_its_version(
        person: Person, tmp_path: Path) -> None:
    me, page, workflow = person, person.page, person.site.workflow
    ensure_agency(workflow.archive, "ubnd-bo-mau")
    workflow.add_user(None, name="Lê Thị Văn Thư", role="van_thu", agency="ubnd-bo-mau",
                      username="vanthu.bo-mau", password="mat-khau-bo-mau-2026")
    wrong, right = tmp_path / "sai" / "bao_cao.docx", tmp_path / "dung" / "bao_cao.docx"
    for path, heading in ((wrong, HEADING.replace("year", "nam")),
                          (right, HEADING.replace("TỔNG QUAN", "KHÁI QUÁT"))):
        path.parent.mkdir()
        path.write_bytes(with_heading(heading))

    me.sign_in("vanthu.bo-mau", "mat-khau-bo-mau-2026")
    page.click("nav a:has-text('Bộ mẫu')")
    assert "Cơ quan chưa tải lên bộ mẫu nào." in page.inner_text("main")
    page.set_input_files("#template-files", str(wrong))
    page.click("button:has-text('Kiểm tra và lưu')")
    errors = page.inner_text("#template-errors")
    assert errors.startswith("bao_cao.docx, đoạn «{{ report.sections.overview.number }}. "
                             "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ nam }}»: "
                             "không có khóa «nam»; các khóa có ở đây: ")
    me.shot("bo-mau-co-loi")

    page.set_input_files("#template-files", str(right))
    page.click("button:has-text('Kiểm tra và lưu')")
    assert "Đã kiểm tra và lưu bộ mẫu mới" in page.inner_text("main")
    row = page.inner_text("#set-1")
    assert "đang dùng" in row and "bao_cao.docx" in row
    me.shot("bo-mau-phien-ban-1")
    with page.expect_download() as download:
        page.click("#set-1 a:has-text('bao_cao.docx')")
    assert Path(download.value.path()).read_bytes() == right.read_bytes()
