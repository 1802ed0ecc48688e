"""An agency's own template set over HTTP: uploaded by the văn thư, checked at once, used by
every render of that agency (DOCX and PDF alike), recorded on each version; refused with
every error at once; another agency unaffected."""

from __future__ import annotations

import copy
import io
import re
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from docx import Document
from docx.text.paragraph import Paragraph
from extract import docx_text, pdf_pages
from live import AGENCY, OTHER_AGENCY, SON_LA_TEXT, Service, csrf_of, sign_in

from docgen.render.templates import SHIPPED

SHIPPED_DECISION = (SHIPPED / "quyet_dinh" / "quyet_dinh.docx").read_bytes()
SHIPPED_REPORT = (SHIPPED / "bao_cao" / "bao_cao.docx").read_bytes()

OLD_SENTENCE, NEW_SENTENCE = ("2. Phương pháp xác định Chỉ số cải cách hành chính (CCHC)",
                              "2. Cách thức xác định Chỉ số cải cách hành chính (CCHC)")
OLD_RECIPIENTS, NEW_RECIPIENTS = "Nơi nhận:", "Nơi nhận bản điện tử:"
PROPOSAL = "Theo đề nghị của Sở Nội vụ"  # the dossier's last căn cứ
OTHER_BASIS = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
ADDED_ARTICLE = "Điều 4. Quyết định này có hiệu lực kể từ ngày ký./."

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def edited(docx: bytes, old: str, new: str) -> bytes:
    """The DOCX with `old` replaced by `new` in its body, as Word would save it."""
    source, out = zipfile.ZipFile(io.BytesIO(docx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                text = data.decode("utf-8")
                assert text.count(old) == 1, old
                data = text.replace(old, new).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


def without_proposal_with_article_4(docx: bytes) -> bytes:
    """The Quyết định as an agency edits it in Word: the "Theo đề nghị" căn cứ deleted
    (its paragraph and the if/endif around it) and a fixed Điều 4 added after Điều 3."""
    document = Document(io.BytesIO(docx))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs)
                 if p.text == "{%p if decision.proposal %}")
    block = paragraphs[start:start + 3]
    assert [p.text for p in block[1:]] == ["{{ decision.proposal }}", "{%p endif %}"]
    for p in block:
        p._p.getparent().remove(p._p)
    article_3 = next(p for p in paragraphs if p.text.startswith("Điều 3."))
    added = copy.deepcopy(article_3._p)
    article_3._p.addnext(added)
    label, text = Paragraph(added, article_3._parent).runs  # "Điều 3." in bold, the text
    label.text, text.text = "Điều 4.", ADDED_ARTICLE.removeprefix("Điều 4.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def files(**named: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name.replace("_docx", ".docx").replace("_zip", ".zip"), data,
                       DOCX if name.endswith("docx") else "application/zip"))
            for name, data in named.items()]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def rendered(service: Service, dossier_id: int, role: str = "chuyen_vien", *,
             stranger: bool = False, job: bool = False) -> dict[str, dict]:
    """Render the Quyết định and the Báo cáo (in the request, or as a job run by a worker
    process); return each version's JSON with its files' bytes."""
    with service.client(role, stranger=stranger) as client:
        made = client.post(f"/dossiers/{dossier_id}/render",
                           params={"format": ["docx", "pdf"], "kind": ["quyet_dinh", "bao_cao"]},
                           headers={"Prefer": "respond-async"} if job else {})
        if job:
            assert made.status_code == 202, made.text
            deadline = time.monotonic() + 300  # a safety net, not a timing assertion
            while (state := client.get(made.headers["location"]).json())["status"] != "done":
                assert state["status"] in ("queued", "running"), state
                assert time.monotonic() < deadline, "gave up waiting"
                time.sleep(0.1)
            versions = [client.get(f"/versions/{v}").json() for v in state["version_ids"]]
        else:
            assert made.status_code == 201, made.text
            versions = made.json()
        out = {}
        for version in versions:
            version["bytes"] = {f["format"]: client.get(f["url"]).content
                                for f in version["files"]}
            out[version["kind"]] = version
        return out


def texts(version: dict) -> tuple[str, str]:
    return (flat(docx_text(version["bytes"]["docx"])),
            flat(" ".join(pdf_pages(version["bytes"]["pdf"]))))


def test_an_uploaded_set_is_active_at_once_and_its_text_is_rendered_in_docx_and_pdf(
        service: Service) -> None:
    decision = edited(SHIPPED_DECISION, OLD_RECIPIENTS, NEW_RECIPIENTS)
    report = edited(SHIPPED_REPORT, OLD_SENTENCE, NEW_SENTENCE)
    with service.client("chuyen_vien") as drafter:
        refused = drafter.post("/me/agency/templates", files=files(bao_cao_docx=report))
        listed = drafter.get("/me/agency/templates")
    assert refused.status_code == 403
    assert refused.json()["message"] == ("Vai trò chuyên viên không được phép tải lên hoặc chọn "
                                         "bộ mẫu văn bản của cơ quan.")
    assert listed.json() == {"agency": "ubnd-son-la", "active_version": None, "items": []}

    with service.client("van_thu") as clerk:
        made = clerk.post("/me/agency/templates",
                          files=files(quyet_dinh_docx=decision, bao_cao_docx=report))
        assert made.status_code == 201, made.text
        listing = clerk.get("/me/agency/templates").json()
        downloaded = clerk.get("/me/agency/templates/1/bao_cao.docx")
        missing = clerk.get("/me/agency/templates/1/phu_luc.docx")
    body = made.json()
    assert (body["version"], body["active"]) == (1, True)
    assert [f["name"] for f in body["files"]] == ["bao_cao.docx", "quyet_dinh.docx"]
    assert listing["active_version"] == 1 and listing["items"][0]["sha256"] == body["sha256"]
    assert downloaded.content == report
    assert downloaded.headers["content-type"] == DOCX
    assert missing.status_code == 404

    dossier_id = service.dossier_in("new")
    first, again = rendered(service, dossier_id), rendered(service, dossier_id, job=True)
    decision_text, decision_pdf = texts(first["quyet_dinh"])
    report_text, report_pdf = texts(first["bao_cao"])
    assert NEW_RECIPIENTS in decision_text and NEW_RECIPIENTS in decision_pdf
    assert NEW_SENTENCE in report_text and NEW_SENTENCE in report_pdf
    assert OLD_SENTENCE not in report_text and OLD_SENTENCE not in report_pdf
    for kind in ("quyet_dinh", "bao_cao"):
        version = first[kind]
        assert version["template_set"] == {"agency": "ubnd-son-la", "version": 1,
                                           "sha256": body["sha256"]}
        (digest,) = version["template_hashes"].values()
        assert digest == next(f["sha256"] for f in body["files"] if f["name"] == f"{kind}.docx")
        # Same input, same set: same bytes, whether rendered in the request or by a worker.
        assert again[kind]["template_set"] == version["template_set"]
        assert again[kind]["bytes"] == version["bytes"]

    # Another agency still renders with the shipped templates.
    with service.client("chuyen_vien", stranger=True) as other:
        theirs = other.post("/dossiers", content=SON_LA_TEXT,
                            headers={"Content-Type": "application/yaml"}).json()["id"]
        assert other.get("/me/agency/templates").json()["items"] == []
    shipped = rendered(service, theirs, stranger=True)["bao_cao"]
    assert shipped["template_set"] is None
    assert OLD_SENTENCE in texts(shipped)[0]

    # Back to the shipped set, then to version 1 again.
    with service.client("van_thu") as clerk:
        back = clerk.put("/me/agency/templates/active", json={"version": None})
        assert back.json()["active_version"] is None
        assert rendered(service, dossier_id)["bao_cao"]["template_set"] is None
        assert clerk.put("/me/agency/templates/active",
                         json={"version": 1}).json()["active_version"] == 1
        unknown = clerk.put("/me/agency/templates/active", json={"version": 9})
    assert unknown.status_code == 404
    assert unknown.json()["message"] == "Cơ quan ubnd-son-la không có bộ mẫu phiên bản 9."
    assert service.workflow.archive.verify().clean


def test_a_deleted_basis_and_an_added_paragraph_are_rendered_in_docx_and_pdf(
        service: Service) -> None:
    dossier_id = service.dossier_in("new")
    before = texts(rendered(service, dossier_id)["quyet_dinh"])
    with service.client("van_thu") as clerk:
        made = clerk.post("/me/agency/templates", files=files(
            quyet_dinh_docx=without_proposal_with_article_4(SHIPPED_DECISION)))
    assert made.status_code == 201, made.text
    version = rendered(service, dossier_id)["quyet_dinh"]
    assert version["template_set"]["version"] == made.json()["version"]
    for text in before:  # the DOCX, the PDF
        assert PROPOSAL in text and ADDED_ARTICLE not in text
    for text in texts(version):
        assert PROPOSAL not in text and OTHER_BASIS in text
        assert ADDED_ARTICLE in text
        assert text.index("Điều 3.") < text.index(ADDED_ARTICLE) < text.index("Nơi nhận")


def test_a_set_with_errors_is_refused_with_every_error_at_once_and_nothing_is_stored(
        service: Service) -> None:
    broken_tag = edited(SHIPPED_DECISION, "{{ decision.number_line }}",
                        "{{ decision.number_line ) }}")
    typo = edited(SHIPPED_REPORT, "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ year }}",
                  "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ nam }}")
    with service.client("van_thu") as clerk:
        before = clerk.get("/me/agency/templates").json()
        blobs = sorted(service.workflow.archive.blobs.names())
        refused = clerk.post("/me/agency/templates",
                             files=files(quyet_dinh_docx=broken_tag, bao_cao_docx=typo))
        after = clerk.get("/me/agency/templates").json()
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert body["code"] == "invalid_templates"
    errors = body["errors"]
    assert len(errors) == 2, errors
    assert errors[0].startswith("quyet_dinh.docx, đoạn «{{ decision.number_line ) }}»: biểu "
                                "thức «{{ decision.number_line ) }}» sai cú pháp")
    assert errors[1].startswith("bao_cao.docx, đoạn «{{ report.sections.overview.number }}. "
                                "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ nam }}»: "
                                "không có khóa «nam»; các khóa có ở đây: ")
    assert "year" in errors[1].split("các khóa có ở đây: ")[1].split(", ")
    assert body["message"].startswith("Bộ mẫu có 2 lỗi, chưa lưu gì")
    assert after == before
    assert sorted(service.workflow.archive.blobs.names()) == blobs


def zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (60 * 2**20))
    return out.getvalue()


def test_files_that_are_no_set_are_refused_in_vietnamese(service: Service) -> None:
    with service.client("van_thu") as clerk:
        text = clerk.post("/me/agency/templates", files=files(bao_cao_docx=b"not a document"))
        name = clerk.post("/me/agency/templates",
                          files=[("files", ("mau.docx", SHIPPED_REPORT, DOCX))])
        bomb = clerk.post("/me/agency/templates", files=files(bao_cao_docx=zip_bomb()))
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w") as archive:
            archive.writestr("bo-mau/bao_cao/bao_cao.docx", SHIPPED_REPORT)
            archive.writestr("bo-mau/ghi-chu.txt", b"x")
        extra = clerk.post("/me/agency/templates", files=files(bo_mau_zip=zipped.getvalue()))
    assert [r.status_code for r in (text, name, bomb, extra)] == [422] * 4
    assert text.json()["problems"] == [{"location": "tệp", "expected": (
        "một tệp Word .docx (lưu bằng Word hoặc LibreOffice, kiểu «Word 2007-365»)"),
        "found": "nội dung không phải tệp .docx"}]
    assert name.json()["problems"][0]["expected"] == (
        "một trong quyet_dinh.docx, bao_cao.docx, phu_luc.docx (hoặc một tệp .zip chứa chúng)")
    assert bomb.json()["problems"] == [{"location": "tệp", "expected": (
        "tối đa 50 MB khi giải nén"), "found": "khai báo 60 MB trở lên (nghi là bom giải nén)"}]
    assert extra.json()["problems"][0]["found"] == "'bo-mau/ghi-chu.txt'"


def test_a_zip_of_the_set_and_the_quan_tri_acting_for_an_agency(service: Service) -> None:
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("bo-mau/bao_cao/phu_luc.docx",
                         (SHIPPED / "bao_cao" / "phu_luc.docx").read_bytes())
    with service.client("quan_tri") as admin:
        made = admin.post(f"/agencies/{OTHER_AGENCY}/templates",
                          files=files(bo_mau_zip=zipped.getvalue()))
        assert made.status_code == 201, made.text
        assert made.json()["files"][0]["url"].endswith(
            f"/agencies/{OTHER_AGENCY}/templates/{made.json()['version']}/phu_luc.docx")
    with service.client("van_thu", stranger=True) as theirs:
        assert theirs.get("/me/agency/templates").json()["active_version"] == \
            made.json()["version"]
        assert theirs.get("/agencies/ubnd-son-la/templates").status_code == 404


@contextmanager
def signed_in(service: Service, role: str) -> Iterator[httpx.Client]:
    """A browser-like client signed in as a new user of the main agency with `role`."""
    name = f"{role}-trang-{len(service.workflow.archive.list_users())}"
    service.workflow.add_user(None, name=f"Người dùng {name}", role=role, agency=AGENCY,
                              username=name, password="mat-khau-trang-bo-mau")
    with httpx.Client(base_url=service.url, timeout=120) as client:
        sign_in(client, name, "mat-khau-trang-bo-mau")
        yield client


def test_the_page_lists_the_versions_and_shows_a_refused_upload_s_errors(
        service: Service) -> None:
    typo = edited(SHIPPED_REPORT, "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ year }}",
                  "TỔNG QUAN VỀ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {{ nam }}")
    with signed_in(service, "van_thu") as clerk:
        page = clerk.get("/bo-mau")
        token = csrf_of(page.text)
        good = clerk.post("/bo-mau", data={"csrf_token": token},
                          files=[("files", ("Bao_Cao.DOCX", SHIPPED_REPORT, DOCX))])
        assert good.status_code == 303 and good.headers["location"].endswith("?ok=uploaded")
        listed = clerk.get(good.headers["location"])
        dossier = clerk.get(f"/ho-so/{service.dossier_in('draft')}")
        bad = clerk.post("/bo-mau", data={"csrf_token": token},
                         files=[("files", ("bao_cao.docx", typo, DOCX))])
        shipped = clerk.post("/bo-mau/dung", data={"csrf_token": token, "version": ""})
        after = clerk.get("/bo-mau")
    version = service.workflow.archive.list_template_sets(AGENCY)[0][0]
    assert "Kiểm tra và lưu" in page.text
    assert f'id="set-{version.version}"' in listed.text
    assert f'title="{version.sha256}"' in listed.text
    assert f'/me/agency/templates/{version.version}/bao_cao.docx' in listed.text
    assert "Đã kiểm tra và lưu bộ mẫu mới" in listed.text
    assert dossier.text.count(f"bộ mẫu cơ quan, phiên bản {version.version} ") == 3
    assert dossier.text.count(f'title="{version.sha256}"') == 3
    row = listed.text.split(f'id="set-{version.version}"')[1].split("</tr>")[0]
    assert "đang dùng" in row
    assert bad.status_code == 422
    assert "Bộ mẫu chưa được lưu: có 1 lỗi" in bad.text
    assert ("bao_cao.docx, đoạn «{{ report.sections.overview.number }}. TỔNG QUAN VỀ CHỈ SỐ "
            "CẢI CÁCH HÀNH CHÍNH NĂM {{ nam }}»: không có khóa «nam»") in bad.text
    assert shipped.status_code == 303
    assert "Bộ mẫu <strong>có sẵn</strong> của docgen." in after.text
    with signed_in(service, "chuyen_vien") as drafter:
        seen = drafter.get("/bo-mau")
    assert seen.status_code == 200 and "Kiểm tra và lưu" not in seen.text
    assert f'id="set-{version.version}"' in seen.text
