"""The API the staff pages stand on: preview in memory, the send-back reason on the
dossier, issue with a number from the register book, agencies, and /docs offline."""

from __future__ import annotations

import base64
import hashlib
import re

from live import SON_LA_TEXT, YAML, Service
from service import bearer


def test_a_preview_returns_files_and_figures_and_archives_nothing(service: Service) -> None:
    dossier_id = service.dossier_in("new")
    blobs = sorted(service.workflow.archive.blobs.names())
    with service.client("chuyen_vien") as client:
        saved = client.post(f"/dossiers/{dossier_id}/preview",
                            params={"format": "docx", "kind": "quyet_dinh"})
        posted = client.post("/dossiers/preview", content=SON_LA_TEXT, headers=YAML,
                             params={"format": "docx", "kind": "phu_luc"})
        broken = client.post("/dossiers/preview", content=b"n\xc4\x83m: [", headers=YAML)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["draft"] is True
    assert body["summary"].splitlines()[0] == "Hồ sơ hợp lệ: Chỉ số CCHC năm 2025, 2 khối."
    assert [b["units"] for b in body["blocks"]] == [15, 75]
    (document,) = body["documents"]
    data = base64.b64decode(document["data_base64"])
    assert (document["kind"], document["format"], document["size"]) == (
        "quyet_dinh", "docx", len(data))
    assert document["sha256"] == hashlib.sha256(data).hexdigest()
    assert data[:2] == b"PK"
    assert posted.json()["documents"][0]["kind_name"] == "Phụ lục"
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_input"
    assert sorted(service.workflow.archive.blobs.names()) == blobs
    assert service.workflow.archive.list_versions(dossier_id, "quyet_dinh", limit=5,
                                                  offset=0)[1] == 0


def test_the_send_back_reason_is_returned_with_the_dossier(service: Service) -> None:
    dossier_id = service.dossier_in("submitted")
    with service.client("lanh_dao") as leader:
        empty = leader.post(f"/dossiers/{dossier_id}/send-back")
        sent = leader.post(f"/dossiers/{dossier_id}/send-back",
                           json={"reason": "Bổ sung nhận xét khối huyện"})
    assert empty.status_code == 422 and "lý do trả lại" in empty.json()["message"]
    assert sent.json()["status"] == "draft"
    with service.client("chuyen_vien") as drafter:
        shown = drafter.get(f"/dossiers/{dossier_id}").json()["send_back"]
        drafter.post(f"/dossiers/{dossier_id}/render", params={"format": "docx"})
        again = drafter.post(f"/dossiers/{dossier_id}/submit").json()["send_back"]
    assert (shown["reason"], shown["by"], shown["resubmitted_at"]) == (
        "Bổ sung nhận xét khối huyện", "lanh_dao ubnd-son-la", None)
    assert again["reason"] == "Bổ sung nhận xét khối huyện" and again["resubmitted_at"]


def test_the_clerk_issues_with_a_number_from_the_register_book(service: Service) -> None:
    first, second = service.dossier_in("approved"), service.dossier_in("approved")
    with service.client("van_thu") as clerk:
        issued = clerk.post(f"/dossiers/{first}/issue", json={"number": 120, "date": "2025-12-15"})
        taken = clerk.post(f"/dossiers/{second}/issue", json={"number": 120})
        dossier = clerk.get(f"/dossiers/{first}").json()
    assert issued.status_code == 200, issued.text
    assert {(v["metadata"]["code_number"], v["metadata"]["issued_date"]) for v in issued.json()} \
        == {("120", "2025-12-15")}
    assert (dossier["number"], dossier["issue_date"], dossier["register"]) == (
        120, "2025-12-15", "ỦY BAN NHÂN DÂN TỈNH SƠN LA")
    assert taken.status_code == 409
    assert taken.json()["message"].startswith(
        f"Số 120/QĐ năm 2025 trong sổ của ỦY BAN NHÂN DÂN TỈNH SƠN LA đã dùng cho hồ sơ số "
        f"{first} (")


def test_agencies_over_http(service: Service) -> None:
    with service.client("quan_tri") as admin:
        made = admin.post("/agencies", json={"code": "snv-http", "name": "Sở Nội vụ",
                                             "issuer": "SỞ NỘI VỤ", "place": "Sơn La",
                                             "abbreviation": "SNV", "authority": "GIÁM ĐỐC",
                                             "authority_name": "Giám đốc"})
        bad = admin.post("/agencies", json={"code": "Sở", "name": ""})
        user = admin.post("/users", json={"name": "Người mới", "role": "chuyen_vien",
                                          "agency": "snv-http", "username": "nguoi-moi",
                                          "password": "mật khẩu người mới"})
        unknown = admin.post("/users", json={"name": "X", "role": "chuyen_vien",
                                             "agency": "khong-co"})
    assert made.status_code == 201
    assert made.json()["dossier_issuer"]["cơ quan ban hành"] == ["SỞ NỘI VỤ"]
    assert bad.status_code == 422
    assert [p["location"] for p in bad.json()["problems"]] == ["mã cơ quan", "tên đầy đủ"]
    assert (user.status_code, user.json()["can_sign_in"], user.json()["agency"]) == (
        201, True, "snv-http")
    assert unknown.status_code == 404
    with service.client() as anyone:
        mine = anyone.get("/me/agency", headers=bearer(user.json()["token"])).json()
    assert mine["code"] == "snv-http" and mine["dossier_issuer"]["viết tắt"] == "SNV"
    assert service.workflow.archive.get_agency("snv-http").name == "Sở Nội vụ"


def test_docs_and_redoc_are_served_offline_with_the_bearer_scheme(service: Service) -> None:
    with service.client() as client:
        docs, redoc = client.get("/docs"), client.get("/redoc")
        schema = client.get("/openapi.json").json()
        assets = [client.get(path) for path in re.findall(r'(?:src|href)="([^"]+)"',
                                                             docs.text + redoc.text)]
    for page in (docs, redoc):
        assert page.status_code == 200
        assert not re.search(r"https?://", page.text), page.text  # nothing from the internet
    assert {a.status_code for a in assets} == {200} and len(assets) >= 4
    assert any(len(a.content) > 1_000_000 for a in assets)  # the real bundles, vendored
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"][
            "securitySchemes"]["bearer"]["description"]}
    assert schema["paths"]["/dossiers"]["get"]["security"] == [{"bearer": []}]
