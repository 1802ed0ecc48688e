"""This year from last year: "Tạo hồ sơ năm mới" copies a past round of the agency, and
the unit names that do not match last year are listed for the clerk to pair, never
matched silently."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from extract import SON_LA
from staff import Person

from docgen.model.loader import load_dossier
from docgen.workflow.canonical import load_canonical

pytestmark = pytest.mark.browser

LAST = load_dossier(SON_LA)
RENAMED = ("Sở Ngoại vụ", "Sở Đối ngoại")  # last year's name, this year's


def this_years_sheet(block: int) -> bytes:
    """Block `block`'s units as this year's sheet lists them, one unit renamed."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Tên đơn vị", "Điểm tự đánh giá, thẩm định",
                     "Điểm đánh giá qua điều tra xã hội học"])
    for unit in LAST.blocks[block].units:
        name = RENAMED[1] if unit.name == RENAMED[0] else unit.name
        writer.writerow([name, str(unit.scores["tham_dinh"]).replace(".", ","),
                         str(unit.scores["xhh"]).replace(".", ",")])
    return out.getvalue().encode("utf-8")


def test_new_year_from_last_year(person: Person, tmp_path: Path) -> None:
    me, page, workflow = person, person.page, person.site.workflow
    workflow.add_agency(None, "ubnd-son-la-nam-moi", {
        "name": "Ủy ban nhân dân tỉnh Sơn La", "issuer": "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA",
        "place": "Sơn La", "abbreviation": "UBND",
        "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
        "authority_name": "Chủ tịch Ủy ban nhân dân tỉnh"})
    clerk = workflow.add_user(None, name="Phạm Thị Soạn", role="chuyen_vien",
                              agency="ubnd-son-la-nam-moi", username="soan.nam-moi",
                              password="mat-khau-nam-moi-2026")[0]
    last = workflow.create(clerk, SON_LA.read_bytes(), "son-la-2025.yaml")
    sheet = tmp_path / "diem-khoi-so-2026.csv"
    sheet.write_bytes(this_years_sheet(0))

    me.sign_in("soan.nam-moi", "mat-khau-nam-moi-2026")
    page.click("a:has-text('Tạo hồ sơ năm mới')")
    me.shot("chon-ky-truoc")
    page.check(f"#tu-{last.id}")
    page.click("button:has-text('Tạo hồ sơ năm mới từ kỳ đã chọn')")
    assert page.input_value("#f-year") == "2026"
    assert page.input_value("#f-decision-number") == ""
    assert page.input_value("#previous-dossier") == str(last.id)
    page.set_input_files("#blocks-0-file", str(sheet))
    page.click("button[value='read:sheet:0']")
    unmatched = page.locator("#unmatched")
    assert RENAMED[1] in unmatched.inner_text() and RENAMED[0] in unmatched.inner_text()
    unmatched.scroll_into_view_if_needed()
    me.shot("don-vi-chua-khop")
    page.select_option(f"select[aria-label='Đơn vị năm trước của {RENAMED[1]}']", RENAMED[0])
    page.click("button[value='save'] >> nth=0")
    assert "Đã tạo hồ sơ." in page.inner_text("main")
    new_id = int(page.url.split("?")[0].rsplit("/", 1)[1])
    saved = load_canonical(workflow.archive.read_blob(
        workflow.archive.latest_revision(new_id).sha256))
    assert saved.year == 2026 and saved.decision.number is None
    assert saved.previous is not None and saved.previous.dossier == last.id
    assert saved.previous.mapping == {RENAMED[1]: RENAMED[0]}
    assert [u.name for u in saved.blocks[0].units][12] == RENAMED[1]
    assert saved.blocks[1].units == LAST.blocks[1].units  # not re-read: kept from last year
    me.shot("ho-so-nam-moi")
