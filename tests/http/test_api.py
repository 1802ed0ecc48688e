"""The API's contract: error shape, limits, pagination, downloads, diff, OpenAPI."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from extract import SON_LA
from live import SON_LA_TEXT, YAML, Service, start_service

from docgen.model.loader import load_dossier
from docgen.pipeline import export_workbook


def test_unknown_paths_wrong_methods_and_bad_parameters_answer_in_json(service: Service) -> None:
    with service.client("lanh_dao") as client:
        missing = client.get("/khong-co")
        wrong = client.delete("/dossiers")
        bad = client.get("/dossiers", params={"limit": 0})
        not_number = client.get("/dossiers/abc")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method_not_allowed")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_request")
    assert "limit: cần lớn hơn hoặc bằng 1" in bad.json()["message"]
    assert not_number.status_code == 422
    assert "dossier_id: cần một số nguyên" in not_number.json()["message"]
    for response in (missing, wrong, bad, not_number):
        assert set(response.json()) == {"code", "message"}


def test_an_invalid_dossier_lists_every_problem_in_vietnamese(service: Service) -> None:
    broken = SON_LA_TEXT.replace(b"n\xc4\x83m: 2025", b"n\xc4\x83m: hai ngh\xc3\xacn", 1)
    with service.client("chuyen_vien") as client:
        response = client.post("/dossiers", content=broken, headers=YAML)
    body = response.json()
    assert (response.status_code, body["code"]) == (422, "invalid_input")
    assert body["problems"][0]["location"] == "năm"
    assert "hồ sơ.yaml: năm: cần" in body["message"]


def test_a_dossier_may_be_sent_as_json_with_vietnamese_keys(service: Service) -> None:
    data = yaml.safe_load(SON_LA.read_text(encoding="utf-8"))
    with service.client("chuyen_vien") as client:
        response = client.post("/dossiers", content=json.dumps(data, default=str),
                               headers={"Content-Type": "application/json; charset=utf-8"})
        assert response.status_code == 201, response.text
        content = client.get(f"/dossiers/{response.json()['id']}/content")
    canonical = content.json()
    assert canonical["year"] == 2025 and canonical["issuer"]["abbreviation"] == "UBND"
    assert content.headers["x-dossier-revision"] == "1"


def test_other_content_types_are_refused_with_415(service: Service) -> None:
    with service.client("chuyen_vien") as client:
        response = client.post("/dossiers", content=b"x", headers={"Content-Type": "text/plain"})
    assert (response.status_code, response.json()["code"]) == (415, "unsupported_media_type")


def test_bodies_over_the_limit_are_refused_with_413_declared_or_streamed(service: Service) -> None:
    big = b"#" * (2 * 1024 * 1024 + 1)

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(big), 65536):
            yield big[start:start + 65536]

    with service.client("chuyen_vien") as client:
        declared = client.post("/dossiers", content=big, headers=YAML)
        streamed = client.post("/dossiers", content=chunks(), headers=YAML)
    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["code"] == "too_large"
        assert "2 MB" in response.json()["message"]
    assert "transfer-encoding" not in declared.request.headers
    assert streamed.request.headers["transfer-encoding"] == "chunked"


def test_lists_are_paginated_with_limit_offset_and_total(service: Service) -> None:
    ids = [service.dossier_in("new") for _ in range(3)]
    with service.client("lanh_dao") as client:
        total = client.get("/dossiers", params={"limit": 1}).json()["total"]
        last_two = client.get("/dossiers", params={"limit": 2, "offset": total - 2}).json()
    assert [d["id"] for d in last_two["items"]] == ids[1:]
    assert (last_two["limit"], last_two["offset"], last_two["total"]) == (2, total - 2, total)


def test_a_download_has_its_type_its_hash_and_a_vietnamese_file_name(service: Service) -> None:
    dossier_id = service.dossier_in("issued")
    with service.client("van_thu") as client:
        documents = client.get(f"/dossiers/{dossier_id}/documents").json()
        final = next(d for d in documents if d["kind"] == "quyet_dinh")["latest"]
        response = client.get(final["files"][0]["url"])
    assert final["status"] == "final" and final["metadata"]["code_number"] is not None
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    digest = hashlib.sha256(response.content).hexdigest()
    assert digest == final["files"][0]["sha256"] == response.headers["x-content-sha256"]
    disposition = response.headers["content-disposition"]
    ascii_name = re.search(r'filename="([^"]+)"', disposition).group(1)
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    number = final["metadata"]["code_number"]
    assert ascii_name == f"Quyet dinh so {number}-QD-UBND ngay 16-12-2025 - phien ban 2.docx"
    assert utf8_name == f"Quyết định số {number}-QĐ-UBND ngày 16-12-2025 - phiên bản 2.docx"
    assert disposition.isascii()


def test_the_results_workbook_is_the_export_of_the_archived_content(service: Service) -> None:
    dossier_id = service.dossier_in("draft")
    with service.client("lanh_dao") as client:
        response = client.get(f"/dossiers/{dossier_id}/results.xlsx")
        audit = client.get(f"/dossiers/{dossier_id}/audit").json()["items"]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    # the same bytes as `docgen export` of the file the dossier was created from
    assert response.content == export_workbook(load_dossier(SON_LA))
    disposition = response.headers["content-disposition"]
    utf8_name = unquote(re.search(r"filename\*=UTF-8''(\S+)", disposition).group(1))
    assert utf8_name == f"Kết quả Chỉ số CCHC năm 2025 - hồ sơ {dossier_id} lần sửa 1.xlsx"
    assert audit[-1]["action"] == "export"
    assert audit[-1]["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_versions_are_listed_page_by_page_with_their_nd30_metadata(service: Service) -> None:
    dossier_id = service.dossier_in("issued")
    with service.client("luu_tru") as client:
        page = client.get(f"/dossiers/{dossier_id}/documents/phu_luc/versions",
                          params={"limit": 1, "offset": 1}).json()
    assert (page["total"], len(page["items"])) == (2, 1)
    version = page["items"][0]
    assert (version["seq"], version["status"], version["kind_name"]) == (2, "final", "Phụ lục")
    metadata = version["metadata"]
    assert metadata["type_name"] == "Phụ lục"
    assert metadata["organ_name"] == "ỦY BAN NHÂN DÂN TỈNH SƠN LA"
    assert metadata["subject"].startswith("KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2025")
    assert (metadata["signer_position"], metadata["signer_name"]) == ("PHÓ CHỦ TỊCH",
                                                                      "Nguyễn Thành Công")
    assert metadata["recipients"][0] == "Bộ Nội vụ"
    assert metadata["issued_date"] == "2025-12-16"
    assert version["template_hashes"] == {"bao_cao/phu_luc.docx": hashlib.sha256(
        (Path(__file__).parents[2] / "templates/bao_cao/phu_luc.docx").read_bytes()).hexdigest()}
    assert version["summary"]["blocks"][0]["units"] == 15


def test_the_diff_endpoint_compares_two_versions(service: Service) -> None:
    dossier_id = service.dossier_in("draft")
    changed = SON_LA_TEXT.replace("Sở Xây dựng".encode(), "Sở Xây dựng và Kiến trúc".encode())
    with service.client("chuyen_vien") as client:
        first = client.get(f"/dossiers/{dossier_id}/documents").json()
        updated = client.put(f"/dossiers/{dossier_id}", content=changed, headers=YAML)
        assert updated.status_code == 200
        second = client.post(f"/dossiers/{dossier_id}/render",
                             params={"format": "docx", "kind": "phu_luc"}).json()[0]
        old = next(d for d in first if d["kind"] == "phu_luc")["latest"]["id"]
        diff = client.get(f"/versions/{old}/diff/{second['id']}").json()
    assert (diff["compared"], diff["identical"]) == ("docx", False)
    assert any(line.startswith("+") and "Kiến trúc" in line for line in diff["diff"])


def test_the_audit_trail_of_a_dossier_is_readable_and_paginated(service: Service) -> None:
    dossier_id = service.dossier_in("approved")
    with service.client("luu_tru") as client:
        everything = client.get(f"/dossiers/{dossier_id}/audit").json()
        tail = client.get(f"/dossiers/{dossier_id}/audit", params={"offset": 4}).json()
    actions = [e["action"] for e in everything["items"]]
    assert actions == ["dossier_create", "render", "render", "render", "submit", "approve"]
    assert [e["action"] for e in tail["items"]] == ["submit", "approve"]
    assert everything["items"][1]["sha256"] is not None
    assert everything["items"][5]["actor"] == "lanh_dao ubnd-son-la"


def test_openapi_is_served_with_vietnamese_summaries_and_the_dossier_schema(
        service: Service) -> None:
    with service.client() as client:
        spec = client.get("/openapi.json").json()
    assert spec["paths"]["/dossiers"]["post"]["summary"] == "Tạo hồ sơ"
    assert spec["paths"]["/dossiers/{dossier_id}/issue"]["post"]["summary"].startswith("Cấp số")
    operations = [op for methods in spec["paths"].values() for op in methods.values()]
    assert all(op.get("summary") for op in operations)
    assert not [op["summary"] for op in operations if op["summary"].isascii()]
    assert "Dossier" in spec["components"]["schemas"]
    assert "ErrorOut" in spec["components"]["schemas"]
    assert "limit" in spec["info"]["description"] and "2097152 byte" in spec["info"]["description"]


def test_an_altered_blob_is_refused_on_download_and_reported_by_verify(tmp_path: Path) -> None:
    runner = start_service(tmp_path / "data")
    service = next(runner)
    try:
        dossier_id = service.dossier_in("draft")
        record = service.workflow.archive.list_versions(dossier_id, "bao_cao", limit=1,
                                                        offset=0)[0][0]
        blob = service.workflow.archive.blobs.path(record.file("docx").sha256)
        blob.write_bytes(blob.read_bytes().replace(b"PK", b"PX", 1))
        with service.client("luu_tru") as client:
            download = client.get(f"/versions/{record.version.id}/files/docx")
            report = client.post("/archive/verify").json()
    finally:
        runner.close()
    assert (download.status_code, download.json()["code"]) == (500, "corrupt_blob")
    assert "bị hỏng" in download.json()["message"]
    assert report["clean"] is False
    assert report["problems"] == [{"sha256": record.file("docx").sha256,
                                   "problem": "hash mismatch"}]


@pytest.mark.parametrize("header", ["", "Basic abc", "Bearer", "Bearer wrong-token"])
def test_missing_or_wrong_tokens_get_401_with_a_challenge(service: Service, header: str) -> None:
    with service.client() as client:
        response = client.get("/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_an_administrator_creates_and_deactivates_users_of_the_own_agency(
        service: Service) -> None:
    with service.client("quan_tri") as admin:
        created = admin.post("/users", json={"name": "Trần Văn Mới", "role": "lanh_dao"})
        assert created.status_code == 201
        new = created.json()
        assert (new["agency"], new["role_name"], new["active"]) == ("ubnd-son-la", "lãnh đạo",
                                                                     True)
        with service.client() as anonymous:
            headers = {"Authorization": f"Bearer {new['token']}"}
            assert anonymous.get("/me", headers=headers).json()["name"] == "Trần Văn Mới"
            assert admin.post(f"/users/{new['id']}/deactivate").json()["active"] is False
            assert anonymous.get("/me", headers=headers).status_code == 401
        listed = {u["id"]: u for u in admin.get("/users").json()}
        assert "token" not in listed[new["id"]] and listed[new["id"]]["active"] is False
        bad_role = admin.post("/users", json={"name": "X", "role": "giam_doc"})
        assert (bad_role.status_code, bad_role.json()["code"]) == (422, "invalid_request")


def test_an_unexpected_failure_is_still_a_json_error(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    runner = start_service(tmp_path / "data")
    service = next(runner)
    try:
        def broken(*_args: object, **_kwargs: object) -> None:
            raise RuntimeError("database went away")

        monkeypatch.setattr(service.workflow, "list_dossiers", broken)
        with service.client("lanh_dao") as client:
            response = client.get("/dossiers")
    finally:
        runner.close()
    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "database went away" not in response.text
