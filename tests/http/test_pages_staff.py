"""The staff pages as a clerk meets them at the end of a day: the agency's seal form, buttons
that say why they cannot be used yet, Vietnamese words and dates instead of codes, and
links that lead somewhere the role may go.

A plain HTTP client against a live server over a fresh archive; the dossiers move through
the workflow with stand-in versions (no rendering), which is all these pages need to show
their state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import httpx
import pytest
from live import SON_LA_TEXT
from pki import seal_png
from service import ROLES, Clock, LiveServer, prepare_archive
from versions import KINDS, new_version

from docgen.archive.schema import User
from docgen.archive.store import Actor
from docgen.interfaces.http import Settings, create_app
from docgen.workflow.service import Workflow

AGENCY = "ubnd-son-la"
FACTS = {"name": "Ủy ban nhân dân tỉnh Sơn La", "issuer": "ỦY BAN NHÂN DÂN\nTỈNH SƠN LA",
         "place": "Sơn La", "abbreviation": "UBND",
         "authority": "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH",
         "authority_name": "Chủ tịch Ủy ban nhân dân tỉnh"}
LEADER_SIGNATURE = {
    "role": "leader", "signer": "Nguyễn Thành Công", "organisation": "UBND tỉnh Sơn La",
    "serial": "3e9", "issuer": "Common Name: CA gốc thử nghiệm, Country: VN",
    "signing_time": "2025-12-16T02:30:05+00:00",
    "time_source": "signer", "untrusted_accepted": False, "accepted": True,
    "checks": [{"code": "intact", "ok": True, "name": "chữ ký còn nguyên vẹn", "message": None}]}


@dataclass
class Site:
    url: str
    workflow: Workflow
    users: dict[str, User]

    @contextmanager
    def client(self, role: str | None) -> Iterator[httpx.Client]:
        """A browser-like client signed in as `role` (None: nobody; no redirects followed)."""
        with httpx.Client(base_url=self.url, follow_redirects=False, timeout=60) as client:
            if role is not None:
                form = client.get("/dang-nhap")
                signed_in = client.post("/dang-nhap", data={
                    "csrf_token": csrf_of(form.text), "username": role,
                    "password": password(role)})
                assert signed_in.status_code == 303, signed_in.text
            yield client

    def dossier(self, status: str, *, rendered: bool = True) -> int:
        """A dossier brought to `status` with stand-in versions (leader-signed at "signed")."""
        wf, archive = self.workflow, self.workflow.archive
        dossier = wf.create(self.users["chuyen_vien"], SON_LA_TEXT, "son-la.yaml").id
        order = ["draft", "submitted", "approved", "issued", "signed"]
        drafter = Actor.of(self.users["chuyen_vien"])
        if rendered:
            archive.store_versions(drafter, dossier, [new_version(k, f"{dossier}{k}".encode())
                                                      for k in KINDS],
                                   allowed=["draft"], action="render")
        for before, after in zip(order, order[1:]):
            if order.index(status) < order.index(after):
                break
            who = Actor.of(self.users["van_thu" if before in ("approved", "issued")
                                      else "lanh_dao" if before == "submitted"
                                      else "chuyen_vien"])
            if after == "signed":
                signed = new_version("quyet_dinh", f"{dossier}ky".encode(), "signed")
                signed.signatures = [LEADER_SIGNATURE]
                archive.store_versions(who, dossier, [signed], allowed=["issued"],
                                       action="upload_signed", new_status="signed")
            else:
                action = {"submitted": "submit", "approved": "approve", "issued": "issue"}[after]
                archive.transition(who, dossier, allowed=[before], to=after, action=action)
        return dossier


def password(role: str) -> str:
    return f"mat-khau-{role}-2025"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def open_site(data_dir: object) -> Iterator[Site]:
    """A live service over a fresh archive: the agency and one user per role."""
    prepare_archive(data_dir)  # type: ignore[arg-type]
    settings = Settings(data_dir=data_dir, today=Clock(date(2025, 12, 20)))  # type: ignore[arg-type]
    app = create_app(settings)
    workflow: Workflow = app.state.workflow
    workflow.add_agency(None, AGENCY, FACTS)
    users = {role: workflow.add_user(None, name=f"Người {role}", role=role, agency=AGENCY,
                                     username=role, password=password(role))[0]
             for role in ROLES}
    with LiveServer(app) as server:
        yield Site(server.url, workflow, users)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield from open_site(tmp_path_factory.mktemp("staff-pages"))


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A service of its own (an agency without a seal)."""
    yield from open_site(tmp_path_factory.mktemp("fresh"))


def text_of(html: str, element_id: str) -> str:
    """The text inside the element with `element_id` (tags removed, spaces collapsed)."""
    found = re.search(rf'id="{element_id}"[^>]*>(.*?)</(p|div|section|ul)>', html, re.S)
    assert found, f"no #{element_id} on the page"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


# -- the agency's seal (issue 12) -------------------------------------------------------------

def test_the_clerk_uploads_the_agency_seal_on_the_dossier_list(site: Site) -> None:
    with site.client("van_thu") as clerk:
        before = clerk.get("/ho-so")
        assert 'id="seal"' in before.text
        assert "Cơ quan chưa có ảnh dấu" in text_of(before.text, "seal-facts")
        sent = clerk.post("/ho-so/anh-dau", data={"csrf_token": csrf_of(before.text)},
                          files={"file": ("dau-co-quan.png", seal_png(36), "image/png")})
        assert sent.status_code == 303
        assert sent.headers["location"] == "/ho-so?ok=seal#seal"
        row, png = site.workflow.archive.agency_seal(AGENCY)  # type: ignore[misc]
        assert (row.width_mm, row.height_mm, png) == (36.0, 36.0, seal_png(36))
        after = clerk.get("/ho-so?ok=seal")
        assert "Đã cập nhật ảnh dấu của cơ quan." in after.text
        facts = text_of(after.text, "seal-facts")
        assert facts.startswith("Ảnh dấu hiện tại: 36,0 × 36,0 mm, cập nhật lúc ")
        assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d\.$", facts), facts
        # shown at its real size: 36 mm at 96 CSS pixels per inch
        assert 'width="136" height="136"' in after.text
        assert 'src="data:image/png;base64,' in after.text
    audit, _total = site.workflow.archive.audit_entries(agency=AGENCY, limit=100, offset=0)
    assert any(e.action == "agency_seal" for e in audit)


def test_a_seal_that_is_not_a_transparent_png_is_refused_in_vietnamese(site: Site) -> None:
    from io import BytesIO

    from PIL import Image

    flat = BytesIO()
    Image.new("RGB", (400, 400), (218, 37, 29)).save(flat, format="PNG", dpi=(300, 300))
    with site.client("van_thu") as clerk:
        token = csrf_of(clerk.get("/ho-so").text)
        opaque = clerk.post("/ho-so/anh-dau", data={"csrf_token": token},
                            files={"file": ("dau.png", flat.getvalue(), "image/png")})
        assert opaque.status_code == 422
        assert "Chưa cập nhật được ảnh dấu: dữ liệu chưa hợp lệ." in opaque.text
        assert "nền trong suốt" in opaque.text
        jpeg = clerk.post("/ho-so/anh-dau", data={"csrf_token": token},
                          files={"file": ("dau.jpg", b"\xff\xd8\xff", "image/jpeg")})
        assert jpeg.status_code == 422 and "một tệp .png" in jpeg.text
        assert 'id="seal"' in jpeg.text  # the form is there to try again


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("van_thu", "quan_tri")])
def test_only_the_clerk_sees_and_may_use_the_seal_form(site: Site, role: str) -> None:
    with site.client(role) as other:
        page = other.get("/ho-so")
        assert page.status_code == 200 and 'id="seal"' not in page.text
        refused = other.post("/ho-so/anh-dau", data={"csrf_token": csrf_of(page.text)},
                             files={"file": ("dau.png", seal_png(), "image/png")})
        assert refused.status_code == 403
        assert "không được phép cập nhật ảnh dấu của cơ quan" in refused.text


def test_without_a_seal_the_agency_signature_button_says_why(fresh: Site) -> None:
    """A fresh agency has no seal: the button is disabled with the way to the form."""
    dossier = fresh.dossier("signed")
    with fresh.client("van_thu") as clerk:
        page = clerk.get(f"/ho-so/{dossier}").text
        assert "Cơ quan chưa có ảnh dấu nên chưa ký số được." in text_of(page, "seal-missing")
        assert 'href="/ho-so#seal"' in page
        assert re.search(r'<button type="submit" disabled aria-describedby="seal-missing">'
                         r'Ký số của cơ quan</button>', page)
        token = csrf_of(page)
        assert clerk.post("/ho-so/anh-dau", data={"csrf_token": token},
                          files={"file": ("dau.png", seal_png(), "image/png")}).status_code == 303
        ready = clerk.get(f"/ho-so/{dossier}").text
        assert 'id="seal-missing"' not in ready
        assert re.search(r"<button type=\"submit\">Ký số của cơ quan</button>", ready)


# -- buttons that say why, words and dates instead of codes -----------------------------------

def test_submitting_before_a_version_of_the_latest_content_is_explained(site: Site) -> None:
    fresh, rendered = site.dossier("draft", rendered=False), site.dossier("draft")
    with site.client("chuyen_vien") as drafter:
        page = drafter.get(f"/ho-so/{fresh}").text
        assert "bấm “Lưu phiên bản”" in text_of(page, "submit-hint")
        assert re.search(r'<button type="submit" disabled aria-describedby="submit-hint">'
                         r"Trình lãnh đạo</button>", page)
        ready = drafter.get(f"/ho-so/{rendered}").text
        assert 'id="submit-hint"' not in ready
        assert '<button type="submit">Trình lãnh đạo</button>' in ready
        assert "bản 1 · dự thảo · " in ready  # the version column names what the 1 is
        assert re.search(r"<dt>Cơ quan</dt><dd>Ủy ban nhân dân tỉnh Sơn La <span[^>]*>"
                         r"\(ubnd-son-la\)</span></dd>", ready)


def test_the_signature_shows_vietnamese_time_and_issuer(site: Site) -> None:
    dossier = site.dossier("signed")
    with site.client("lanh_dao") as leader:
        page = leader.get(f"/ho-so/{dossier}").text
    assert "16/12/2025 09:30:05" in page and "theo đồng hồ máy của người ký" in page
    assert "Tên: CA gốc thử nghiệm, Quốc gia: VN" in page
    assert "2025-12-16T02:30:05" not in page and "Common Name" not in page


def test_the_issue_form_takes_the_date_as_staff_write_it(site: Site) -> None:
    from docgen.interfaces.http.pages.dossiers import typed_date

    assert typed_date("16/12/2025") == typed_date("2025-12-16") == date(2025, 12, 16)
    with pytest.raises(ValueError):
        typed_date("12/2025")  # a month is no issue date
    dossier = site.dossier("approved")
    with site.client("van_thu") as clerk:
        page = clerk.get(f"/ho-so/{dossier}").text
        assert re.search(r'id="issue-date" name="issue_date" value="20/12/2025"', page)
        wrong = clerk.post(f"/ho-so/{dossier}/ban-hanh", data={
            "csrf_token": csrf_of(page), "mode": "manual", "number": "945",
            "issue_date": "16.12.25"})
    assert wrong.status_code == 422
    assert ("ngày ban hành phải là một ngày dạng ngày/tháng/năm, ví dụ 16/12/2025; nhận được "
            "số &#39;945&#39;, ngày &#39;16.12.25&#39;.") in wrong.text
    # the form comes back as typed (a reset form would take the register's next number)
    assert re.search(r'id="mode-manual" name="mode" value="manual" checked>', wrong.text)
    assert not re.search(r'id="mode-next" name="mode" value="next" checked>', wrong.text)
    assert re.search(r'id="number" name="number" value="945"', wrong.text)
    assert re.search(r'id="issue-date" name="issue_date" value="16.12.25"', wrong.text)
    assert "ví dụ 16/12/2025" in text_of(wrong.text, "issue-error")
    assert site.workflow.archive.get_dossier(dossier).status == "approved"


def test_the_jobs_list_opened_on_its_own_is_the_dossier_page(site: Site) -> None:
    dossier = site.dossier("draft")
    user = site.users["chuyen_vien"]
    job = site.workflow.archive.create_job(action="render", dossier_id=dossier, user_id=user.id,
                                           agency=AGENCY, params={})
    site.workflow.archive.finish_job(job.id, "cancelled", message="Đã hủy theo yêu cầu.")
    with site.client("chuyen_vien") as drafter:
        alone = drafter.get(f"/ho-so/{dossier}/tac-vu")
        assert alone.status_code == 303
        assert alone.headers["location"] == f"/ho-so/{dossier}#jobs"
        polled = drafter.get(f"/ho-so/{dossier}/tac-vu", headers={"HX-Request": "true"})
    assert polled.status_code == 200 and "Kết xuất gần đây" in polled.text
    item = polled.text.split(f'data-job="{job.id}" data-status="cancelled">')[1]
    line = " ".join(re.sub(r"<[^>]+>", " ", item.split("</li>")[0]).split())
    assert re.fullmatch(rf"#{job.id} · Lưu phiên bản · \d\d/\d\d/\d{{4}} \d\d:\d\d · Đã hủy · "
                        r"Đã hủy theo yêu cầu\.", line), line


def test_the_quan_tri_is_led_to_the_admin_page_not_to_a_refusal(site: Site) -> None:
    with site.client("quan_tri") as admin:
        refused = admin.get("/ho-so")
    assert refused.status_code == 403
    assert '<a class="brand" href="/quan-tri">' in refused.text
    assert '<a href="/quan-tri">Về trang quản trị</a>' in refused.text
    with site.client("chuyen_vien") as drafter:
        missing = drafter.get("/ho-so/987654")
    assert missing.status_code == 404
    assert '<a href="/ho-so">Về danh sách hồ sơ</a>' in missing.text


def test_after_a_wrong_password_the_cursor_is_in_the_password_field(site: Site) -> None:
    with site.client(None) as stranger:
        form = stranger.get("/dang-nhap").text
        assert re.search(r'id="username"[^>]*autofocus', form)
        wrong = stranger.post("/dang-nhap", data={"csrf_token": csrf_of(form),
                                                  "username": "van_thu", "password": "sai"})
    assert wrong.status_code == 401
    assert not re.search(r'id="username"[^>]*autofocus', wrong.text)
    assert re.search(r'id="password"[^>]*autofocus aria-describedby="login-error"', wrong.text)
    assert 'value="van_thu"' in wrong.text


def test_the_editor_names_the_ranking_rule_and_the_signing_authority_in_words(
        site: Site) -> None:
    with site.client("chuyen_vien") as drafter:
        page = drafter.get("/ho-so/moi").text
    assert '<option value="standard" selected>Đồng hạng rồi bỏ bậc: 1, 2, 2, 4</option>' in page
    assert '<option value="dense" >Đồng hạng không bỏ bậc: 1, 2, 2, 3</option>' in page
    assert '<option value="KT." >KT. (ký thay)</option>' in page
    assert ">standard<" not in page and "dense:" not in page
    # the criteria set's lĩnh vực start empty: the table says so, and how to add one
    assert "Chưa có dòng nào; bấm “+ Thêm dòng” để thêm." in page.split('id="fields-empty"')[1]


def test_the_audit_trail_reads_in_vietnamese_words(site: Site) -> None:
    dossier = site.dossier("approved")
    with site.client("luu_tru") as archivist:
        page = archivist.get(f"/ho-so/{dossier}/nhat-ky").text
        rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split())
                for row in page.split('<tbody>')[1].split("</tbody>")[0].split("<tr>")[1:]]
        none = archivist.get(f"/ho-so/{dossier}/nhat-ky?thao_tac=agency_sign").text
    approved, submitted = rows[0], rows[1]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d Người lanh_dao duyệt hồ sơ \d+ "
                        r"từ đã trình sang đã duyệt", approved), approved
    assert "từ dự thảo sang đã trình" in submitted
    rendered = [r for r in rows if "lưu phiên bản dự thảo" in r]
    assert len(rendered) == 3
    assert re.search(r"phiên bản \d+ Quyết định, bản 1 \(dự thảo\); tệp DOCX, PDF [0-9a-f]{16}…$",
                     rendered[-1]), rendered[-1]
    assert "before:" not in page and "kind:" not in page and "{'" not in page
    assert "Không có mục nào khớp bộ lọc" in text_of(none, "audit-empty")
    assert 'id="audit"' not in none


def test_the_quan_tri_verifies_the_archive_from_the_admin_page(site: Site) -> None:
    with site.client("quan_tri") as admin:
        page = admin.get("/quan-tri").text
        assert '<form method="post" action="/kiem-tra">' in page
        assert "Tài khoản của bạn (không tự khóa được" in page
        result = admin.post("/kiem-tra", data={"csrf_token": csrf_of(page)})
    assert result.status_code == 200
    assert text_of(result.text, "verify-result").startswith("Toàn vẹn: đã băm lại ")
    assert '<a href="/quan-tri">Về trang quản trị</a>' in result.text


def test_the_units_read_into_a_block_show_component_names_and_decimal_commas(
        site: Site) -> None:
    dossier = site.dossier("draft", rendered=False)
    with site.client("chuyen_vien") as drafter:
        page = drafter.get(f"/ho-so/{dossier}/sua").text
    first = page.split('id="units-0"')[1].split("<tbody>")[1].split("</tr>")[0]
    cells = [" ".join(re.sub(r"<[^>]+>", " ", "<td" + cell).split())
             for cell in first.split("<td")[1:]]
    assert cells[1:] == ["Sở Xây dựng", "Điểm tự đánh giá, thẩm định: 67,94; "
                                        "Điểm đánh giá qua điều tra xã hội học: 28,69"]


def test_a_number_already_used_keeps_the_typed_number_in_the_form(site: Site) -> None:
    holder, dossier = site.dossier("approved"), site.dossier("approved")
    site.workflow.archive.allocate_number(
        Actor.of(site.users["van_thu"]), holder, allowed=["approved"],
        issue_date=date(2025, 12, 16), register="ỦY BAN NHÂN DÂN TỈNH SƠN LA", number=945)
    with site.client("van_thu") as clerk:
        page = clerk.get(f"/ho-so/{dossier}").text
        taken = clerk.post(f"/ho-so/{dossier}/ban-hanh", data={
            "csrf_token": csrf_of(page), "mode": "manual", "number": "945",
            "issue_date": "16/12/2025"})
    assert taken.status_code == 409, taken.text[:2000]
    assert f"hồ sơ số {holder}" in taken.text.lower()
    assert re.search(r'id="mode-manual" name="mode" value="manual" checked>', taken.text)
    assert re.search(r'id="number" name="number" value="945"', taken.text)
    assert re.search(r'id="issue-date" name="issue_date" value="16/12/2025"', taken.text)
    assert site.workflow.archive.get_dossier(dossier).number is None
