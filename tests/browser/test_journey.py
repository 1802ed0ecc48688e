"""The whole job in a browser, for the Sơn La 2025 package (the issue's "Done when").

The quản trị (created by the operator, as ``docgen user add`` does) creates the agency and
four users; the chuyên viên starts the round in the editor, reads the score workbook (its
second sheet needs its columns mapped in the page), fixes the validation error shown beside
its field, previews, saves a version and submits; the lãnh đạo sends it back with a reason;
the chuyên viên reads it, corrects and resubmits; the lãnh đạo approves; the văn thư issues
with a number from the agency's register book and uploads the signed PDF; the lưu trữ
archives and verifies. The files downloaded in the browser have the archive's hashes.
"""

from __future__ import annotations

import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from extract import SON_LA
from openpyxl import Workbook
from pki import leader_signed
from staff import Person

from docgen.model.loader import load_dossier
from docgen.model.rules import parse_date
from docgen.workflow.canonical import canonical_json, load_canonical

pytestmark = pytest.mark.browser

ROUND = load_dossier(SON_LA)
PASSWORDS = {role: f"mat-khau-{role}-2025" for role in
             ("quan_tri", "chuyen_vien", "lanh_dao", "van_thu", "luu_tru")}
USERS = {"chuyen_vien": ("Phạm Thị Soạn", "soan"), "lanh_dao": ("Nguyễn Văn Duyệt", "duyet"),
         "van_thu": ("Lê Thị Thư", "thu"), "luu_tru": ("Trần Văn Lưu", "luu")}
WRONG_TOTAL_UNIT = "Sở Tư pháp"
#: How long a click that renders the whole package may take on a busy machine (ms).
RENDER = 300_000


def score_workbook() -> bytes:
    """The round's scores as staff keep them: "Khối sở" with headers docgen knows (and a
    total typed wrong), "Khối xã" with headers that must be mapped in the page."""
    book = Workbook()
    first = book.active
    first.title = "Khối sở"
    first.append(["STT", "Tên đơn vị", "Điểm tự đánh giá, thẩm định",
                  "Điểm đánh giá qua điều tra xã hội học", "Tổng điểm"])
    for n, unit in enumerate(ROUND.blocks[0].units, 1):
        total = unit.scores["tham_dinh"] + unit.scores["xhh"]
        if unit.name == WRONG_TOTAL_UNIT:
            total += Decimal("1.00")
        first.append([n, unit.name, float(unit.scores["tham_dinh"]), float(unit.scores["xhh"]),
                      float(total)])
    second = book.create_sheet("Khối xã")
    second.append(["TT", "Xã, phường", "Điểm chấm (70)", "Điểm khảo sát (30)"])
    for n, unit in enumerate(ROUND.blocks[1].units, 1):
        second.append([n, unit.name, str(unit.scores["tham_dinh"]).replace(".", ","),
                       str(unit.scores["xhh"]).replace(".", ",")])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def sections(items: list) -> str:  # type: ignore[type-arg]
    """A report section as the editor writes it (# khoản, ## điểm, one paragraph a line)."""
    out = []
    for s in items:
        out.append(f"# {s.title or ''}")
        out += s.body
        for p in getattr(s, "points", []):
            out.append(f"## {p.title or ''}")
            out += p.body
    return "\n".join(out)


def basis_key(basis: object) -> object:
    """A căn cứ with its date read, whichever way it was written."""
    if isinstance(basis, str):
        return basis
    return basis.model_copy(update={"date": parse_date(basis.date)})  # type: ignore[attr-defined]


def fill_round(me: Person, workbook: Path) -> None:
    """Fill the editor of a new dossier with the round, leaving the signer's name out."""
    page, d = me.page, ROUND.decision
    page.fill("#f-year", str(ROUND.year))
    page.fill("#f-subject", ROUND.subject)
    page.fill("#f-decision-date", "2025-12")
    page.fill("#f-decision-subject_lines", "\n".join(d.subject_lines))
    for basis in d.bases:  # each "add" posts the form and comes back with one more row
        kind = "text" if isinstance(basis, str) else "citation"
        page.click(f"button[value='add:bases:{kind}']")
        i = page.locator("[id^=basis-]").count() - 1
        if kind == "text":
            page.fill(f"#bases-{i}-text", basis)
        else:
            for name in ("type", "number", "date", "issuer", "subject"):
                value = getattr(basis, name)
                if name == "date":
                    value = f"{value[8:10]}/{value[5:7]}/{value[:4]}"
                page.fill(f"#bases-{i}-{name}", value or "")
    page.fill("#f-decision-proposal", d.proposal or "")
    page.fill("#f-decision-executors", d.executors or "")
    page.select_option("#f-decision-signer-authority", d.signer.authority or "")
    page.fill("#f-decision-signer-head_title", d.signer.head_title or "")
    page.fill("#f-decision-signer-title", d.signer.title)
    page.fill("#f-decision-recipients", "\n".join(d.recipients))
    page.fill("#f-decision-archive", d.archive)
    s = ROUND.survey
    assert s is not None
    page.fill("#f-survey-issued", str(s.issued))
    page.fill("#f-survey-returned", str(s.returned))
    page.fill("#f-survey-valid", str(s.valid))
    page.fill("#f-survey-title", s.title)
    page.fill("#f-survey-points", sections(s.points))
    r = ROUND.report
    page.fill("#f-report-title_lines", "\n".join(r.title_lines))
    page.fill("#f-report-method", "\n".join(r.method))
    page.fill("#f-report-criteria_source", r.criteria_source)
    page.fill("#f-report-implementation", sections(r.implementation))
    page.fill("#f-report-results_intro", "\n".join(r.results_intro))
    page.fill("#f-report-assessment", sections(r.assessment))
    page.fill("#f-report-direction", sections(r.direction))
    page.fill("#f-appendix_title", "\n".join(ROUND.appendix_title))
    for i, block in enumerate(ROUND.blocks):
        if i > 0:
            page.click("button[value='add:blocks']")
        page.fill(f"#blocks-{i}-name", block.name)
        page.fill(f"#blocks-{i}-description", block.description)
        page.fill(f"#blocks-{i}-short_name", block.short_name)
        page.fill(f"#blocks-{i}-subject", block.subject)
        assert block.criteria is not None
        page.fill(f"#blocks-{i}-criteria_fields", str(block.criteria.fields))
        page.fill(f"#blocks-{i}-criteria_criteria", str(block.criteria.criteria))
        page.fill(f"#blocks-{i}-criteria_sub", str(block.criteria.sub_criteria))
        page.set_input_files(f"#blocks-{i}-file", str(workbook))
        page.click(f"button[value='read:sheet:{i}']")


def test_the_whole_job(person: Person, tmp_path: Path) -> None:
    me, page, site = person, person.page, person.site
    workflow = site.workflow
    # The operator creates the first quản trị at the command line (docgen user add).
    workflow.add_agency(None, "he-thong", {"name": "Quản trị hệ thống"})
    workflow.add_user(None, name="Quản trị hệ thống", role="quan_tri", agency="he-thong",
                      username="quantri", password=PASSWORDS["quan_tri"])

    # -- quản trị: the agency and four users ------------------------------------------------
    me.go("/ho-so")
    assert "/dang-nhap" in page.url
    me.shot("dang-nhap")
    me.sign_in("quantri", "sai-mat-khau-roi")
    assert page.locator("#login-error").inner_text() == "Tên đăng nhập hoặc mật khẩu không đúng."
    me.sign_in("quantri", PASSWORDS["quan_tri"])
    assert page.url.endswith("/quan-tri")
    issuer = ROUND.issuer
    page.click("summary:has-text('Thêm cơ quan')")
    page.fill("#new-code", "ubnd-son-la")
    page.fill("#new-name", "Ủy ban nhân dân tỉnh Sơn La")
    page.fill("#new-issuer", "\n".join(issuer.name))
    page.fill("#new-place", issuer.place)
    page.fill("#new-abbreviation", issuer.abbreviation)
    page.fill("#new-authority", issuer.authority)
    page.fill("#new-authority_name", issuer.authority_name)
    me.shot("quan-tri-them-co-quan")
    page.click("button:has-text('Tạo cơ quan')")
    assert "Đã tạo cơ quan." in page.inner_text("main")
    for role, (name, username) in USERS.items():
        page.fill("#u-name", name)
        page.fill("#u-username", username)
        page.select_option("#u-agency", "ubnd-son-la")
        page.select_option("#u-role", role)
        page.fill("#u-password", PASSWORDS[role])
        page.fill("#u-again", PASSWORDS[role])
        page.click("button:has-text('Tạo người dùng')")
        assert "Đã tạo người dùng" in page.inner_text("main")
    assert page.locator("#users tbody tr").count() == 5
    me.shot("quan-tri-nguoi-dung")
    me.sign_out()

    # -- chuyên viên: start the round, read the sheets, fix the error, preview, save ------------
    workbook = tmp_path / "diem-cchc-2025.xlsx"
    workbook.write_bytes(score_workbook())
    me.sign_in("soan", PASSWORDS["chuyen_vien"])
    assert page.url.endswith("/ho-so")
    me.shot("danh-sach-trong")
    page.click("a:has-text('Tạo hồ sơ mới')")
    assert page.input_value("#f-issuer-place") == "Sơn La"  # from the agency's record
    me.shot("ho-so-moi")
    fill_round(me, workbook)
    # Block 1: the headers are known; the sheet's wrong total is a warning.
    assert page.locator("#units-0 tbody tr").count() == len(ROUND.blocks[0].units)
    warning = page.inner_text("#warnings-0")
    assert f"({WRONG_TOTAL_UNIT}): bảng ghi tổng điểm" in warning
    # Block 2: the first sheet again (block 1's), so pick the sheet, then map its columns.
    page.select_option("#blocks-1-sheet", "Khối xã")
    page.click("button[value='read:sheet:1']")
    assert page.locator("#mapping-1").is_visible()
    me.shot("bang-diem-can-ghep-cot")
    for label, target in [("Xã, phường", "tên đơn vị"),
                          ("Điểm chấm (70)", "điểm thành phần.tham_dinh"),
                          ("Điểm khảo sát (30)", "điểm thành phần.xhh")]:
        page.select_option(f"#mapping-1 label:has-text('{label}') + select", target)
    page.click("button[value='map:sheet:1']")
    assert page.locator("#units-1 tbody tr").count() == len(ROUND.blocks[1].units)
    assert page.locator("#units-1 tbody tr").first.inner_text().startswith("1\tSông Mã")
    page.locator("#block-1").scroll_into_view_if_needed()
    me.shot("bang-diem-da-ghep-cot")
    # Saving without the signer's name: the error is shown beside that field.
    page.click("button[value='save'] >> nth=0")
    error = page.locator("#err-decision-signer-name")
    assert error.inner_text() == "Cần trường bắt buộc này; nhận được không có"
    assert page.get_attribute("#f-decision-signer-name", "aria-invalid") == "true"
    page.locator("#f-decision-signer-name").scroll_into_view_if_needed()
    me.shot("loi-ben-canh-truong")
    page.fill("#f-decision-signer-name", ROUND.decision.signer.name)
    page.click("button[value='save'] >> nth=0")
    assert "Đã tạo hồ sơ." in page.inner_text("main")
    dossier_path = page.url.split("?")[0].removeprefix(site.url)
    dossier_id = int(dossier_path.rsplit("/", 1)[1])
    # The content typed in the page is the Sơn La round, unit for unit.
    saved = load_canonical(workflow.archive.read_blob(
        workflow.archive.latest_revision(dossier_id).sha256))
    assert [u.name for u in saved.blocks[1].units] == [u.name for u in ROUND.blocks[1].units]
    assert saved.blocks[0].units == ROUND.blocks[0].units
    assert saved.report == ROUND.report and saved.survey == ROUND.survey
    assert [basis_key(b) for b in saved.decision.bases] == \
        [basis_key(b) for b in ROUND.decision.bases]  # dates typed as DD/MM/YYYY
    me.shot("ho-so-du-thao")
    page.click("a:has-text('Xem trước')")
    page.click("button:has-text('Kết xuất bản xem trước')")
    page.wait_for_selector("#summary-title", timeout=RENDER)
    assert "khối sở: 15 đơn vị, điểm trung bình 90,82" in page.inner_text("main")
    assert page.locator(".pages img").count() >= 3
    me.shot("xem-truoc")
    page.click("button:has-text('Lưu phiên bản')", timeout=RENDER)
    assert "Đã lưu phiên bản" in page.inner_text("main")
    page.click("button:has-text('Trình lãnh đạo')")
    assert page.inner_text("#status") == "đã trình"
    me.shot("da-trinh")
    me.sign_out()

    # -- lãnh đạo: send back with a reason ------------------------------------------------------
    reason = "Nơi nhận thiếu Sở Nội vụ; bổ sung rồi trình lại."
    me.sign_in("duyet", PASSWORDS["lanh_dao"])
    me.go(dossier_path)
    page.fill("#reason", reason)
    me.shot("lanh-dao-tra-lai")
    page.click("button:has-text('Trả lại để sửa')")
    assert page.inner_text("#status") == "dự thảo"
    me.sign_out()

    # -- chuyên viên: reads the reason, corrects, resubmits ---------------------------------
    me.sign_in("soan", PASSWORDS["chuyen_vien"])
    me.go(dossier_path)
    assert page.inner_text("#send-back-text") == reason
    me.shot("doc-ly-do-tra-lai")
    page.click("a:has-text('Sửa hồ sơ')")
    recipients = page.input_value("#f-decision-recipients")
    page.fill("#f-decision-recipients", recipients + "\nSở Nội vụ")
    page.click("button[value='save'] >> nth=0")
    assert "Đã ghi nội dung mới" in page.inner_text("main")
    page.click("button:has-text('Lưu phiên bản')", timeout=RENDER)
    page.click("button:has-text('Trình lãnh đạo')")
    assert page.inner_text("#status") == "đã trình"
    assert page.locator("#send-back-reason").count() == 0
    me.sign_out()

    # -- lãnh đạo: compares the two drafts and approves ------------------------------------------
    me.sign_in("duyet", PASSWORDS["lanh_dao"])
    me.go(dossier_path + "/phien-ban")
    me.shot("lich-su-phien-ban")
    page.locator("form:has(#a-1) button:has-text('So sánh')").click()
    assert "Sở Nội vụ" in page.inner_text(".diff .add >> nth=0") or \
        page.locator(".diff .add:has-text('Sở Nội vụ')").count() == 1
    me.shot("so-sanh-phien-ban")
    me.go(dossier_path)
    page.click("button:has-text('Duyệt')")
    assert page.inner_text("#status") == "đã duyệt"
    me.sign_out()

    # -- văn thư: a number from the register book, the signed PDF ------------------------------
    me.sign_in("thu", PASSWORDS["van_thu"])
    me.go(dossier_path)
    page.check("#mode-manual")
    page.fill("#number", "945")
    page.fill("#issue-date", "2025-12-16")
    me.shot("van-thu-cap-so")
    page.click("button:has-text('Cấp số và ban hành')", timeout=RENDER)
    assert page.inner_text("#status") == "đã ban hành"
    facts = page.inner_text("dl.facts")
    assert "945" in facts and "16/12/2025" in facts
    with page.expect_download() as download:
        page.click("#documents tr:has-text('Quyết định') a:has-text('PDF')")
    final_pdf = Path(download.value.path()).read_bytes()
    records = {r.document.kind: r for _doc, r, _n in workflow.archive.list_documents(dossier_id)}
    final = records["quyet_dinh"]
    assert final is not None and final.version.status == "final"
    assert hashlib.sha256(final_pdf).hexdigest() == final.file("pdf").sha256
    signed = tmp_path / "quyet-dinh-da-ky.pdf"
    signed.write_bytes(leader_signed(final_pdf))  # pyHanko fills ô 7c (test CA)
    page.set_input_files("#signed-file", str(signed))
    page.click("button:has-text('Tải lên bản đã ký')")
    assert page.inner_text("#status") == "đã ký"
    me.shot("da-ky")
    me.sign_out()

    # -- lưu trữ: archives, verifies, reads the audit trail; downloads match the archive ------
    me.sign_in("luu", PASSWORDS["luu_tru"])
    me.go(dossier_path)
    page.click("button:has-text('Đưa vào lưu trữ')")
    assert page.inner_text("#status") == "đã lưu trữ"
    me.shot("da-luu-tru")
    with page.expect_download() as download:
        page.click("#documents tr:has-text('Quyết định') a:has-text('PDF')")
    signed_record = workflow.archive.latest_version(dossier_id, "quyet_dinh", "signed")
    assert signed_record is not None
    got = Path(download.value.path()).read_bytes()
    assert got == signed.read_bytes()
    assert hashlib.sha256(got).hexdigest() == signed_record.file("pdf").sha256
    with page.expect_download() as download:
        page.click("text=Tải hồ sơ dạng YAML")
    downloaded = load_dossier(Path(download.value.path()))
    revision = workflow.archive.latest_revision(dossier_id)
    assert hashlib.sha256(canonical_json(downloaded)).hexdigest() == revision.sha256
    page.click("button:has-text('Kiểm tra toàn vẹn kho lưu trữ')")
    assert page.inner_text("#verify-result").startswith("Toàn vẹn: đã băm lại")
    me.shot("kiem-tra-kho")
    me.go(dossier_path + "/nhat-ky")
    me.shot("nhat-ky")
    page.select_option("#thao_tac", "send_back")
    page.click("button:has-text('Lọc')")
    rows = page.locator("#audit tbody tr")
    assert rows.count() == 1 and "Nguyễn Văn Duyệt" in rows.first.inner_text()
    me.sign_out()
