"""What a dossier sent to the service may refer to: no file on the server (a sheet named by
``nguồn``, a previous round by ``kỳ trước › tệp``), but a dossier of its own agency in the
archive as its previous round (``kỳ trước: {hồ sơ: N}``)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import httpx
import pytest
from extract import ROOT, SON_LA, SON_LA_2023, docx_text, flat
from live import YAML, Service

from docgen.model.loader import load_data, load_dossier, parse_text
from docgen.pipeline import render_package

FIXTURES = ROOT / "fixtures"
THANH_HOA = FIXTURES / "thanh-hoa-2024.yaml"
WORKBOOK = FIXTURES / "thanh-hoa-2024-diem.xlsx"
SON_LA_2022 = FIXTURES / "son-la-2022.yaml"
FILE_REFERENCE = "tệp: son-la-2022.yaml"


def son_la_2023_after(previous: int) -> bytes:
    """The 2023 fixture with its previous round named by its number in the archive."""
    text = SON_LA_2023.read_text(encoding="utf-8")
    assert text.count(FILE_REFERENCE) == 1
    return text.replace(FILE_REFERENCE, f"hồ sơ: {previous}").encode("utf-8")


def create(client: httpx.Client, body: bytes) -> int:
    response = client.post("/dossiers", content=body, headers=YAML)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def count(client: httpx.Client) -> int:
    return int(client.get("/dossiers", params={"limit": 1}).json()["total"])


def test_a_posted_dossier_cannot_make_the_server_read_a_workbook(
        service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(WORKBOOK, tmp_path / WORKBOOK.name)
    monkeypatch.chdir(tmp_path)
    body = THANH_HOA.read_bytes()
    # the workbook is within reach of the name the service gives a posted dossier
    reachable = load_data(parse_text(body.decode("utf-8"), "hồ sơ.yaml"), "hồ sơ.yaml",
                          base=Path("hồ sơ.yaml").parent)
    assert reachable.blocks[1].units[0].name == "Thành phố Thanh Hóa"
    with service.client("chuyen_vien") as client:
        before = count(client)
        response = client.post("/dossiers", content=body, headers=YAML)
        after = count(client)
    answer = response.json()
    assert (response.status_code, answer["code"]) == (422, "invalid_input")
    assert [p["location"] for p in answer["problems"]] == [
        "khối thứ 1 (khối sở) › nguồn", "khối thứ 2 (khối huyện) › nguồn"]
    assert ("khối thứ 2 (khối huyện) › nguồn: cần danh sách 'đơn vị' ghi trực tiếp (hồ sơ gửi "
            "qua dịch vụ không được đọc tệp trên máy chủ; dùng `docgen import` để chuyển bảng "
            "tính thành danh sách đơn vị); nhận được tệp 'thanh-hoa-2024-diem.xlsx'"
            ) in answer["message"]
    assert reachable.blocks[1].units[0].name not in response.text  # nothing of the sheet
    assert after == before


def test_a_correction_cannot_name_a_workbook_either(
        service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(WORKBOOK, tmp_path / WORKBOOK.name)
    monkeypatch.chdir(tmp_path)
    with service.client("chuyen_vien") as client:
        dossier_id = create(client, SON_LA.read_bytes())
        response = client.put(f"/dossiers/{dossier_id}", content=THANH_HOA.read_bytes(),
                              headers=YAML)
        content = client.get(f"/dossiers/{dossier_id}/content")
    assert response.status_code == 422
    assert "không được đọc tệp trên máy chủ" in response.json()["message"]
    assert content.headers["x-dossier-revision"] == "1"


def test_a_posted_dossier_cannot_name_its_previous_round_by_file(
        service: Service, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(SON_LA_2022, tmp_path / SON_LA_2022.name)
    monkeypatch.chdir(tmp_path)
    with service.client("chuyen_vien") as client:
        before = count(client)
        response = client.post("/dossiers", content=SON_LA_2023.read_bytes(), headers=YAML)
        after = count(client)
    answer = response.json()
    assert (response.status_code, answer["code"]) == (422, "invalid_input")
    assert [p["location"] for p in answer["problems"]] == ["kỳ trước › tệp"]
    assert answer["message"] == (
        "hồ sơ.yaml: kỳ trước › tệp: cần số hồ sơ kỳ trước trong kho lưu trữ, ghi là "
        "'hồ sơ: <số>' (hồ sơ gửi qua dịch vụ không được đọc tệp trên máy chủ); nhận được "
        "tệp 'son-la-2022.yaml'")
    assert after == before


def test_the_previous_round_from_the_archive_gives_the_year_over_year_lines(
        service: Service) -> None:
    with service.client("chuyen_vien") as client:
        previous = create(client, SON_LA_2022.read_bytes())
        current = create(client, son_la_2023_after(previous))
        rendered = client.post(f"/dossiers/{current}/render",
                               params={"format": "docx", "kind": "bao_cao"})
        assert rendered.status_code == 201, rendered.text
        (version,) = rendered.json()
        report = client.get(f"/versions/{version['id']}/files/docx").content
        previous_content = client.get(f"/dossiers/{previous}/content").content
        record = client.get(f"/versions/{version['id']}").json()
    text = docx_text(report)
    # the same text as the two-round fixture read from its files (as a draft, like the service)
    (expected,) = render_package(load_dossier(SON_LA_2023), formats=["docx"], draft=True,
                                 kinds=["bao_cao"])
    assert text == docx_text(expected.data)
    assert ("Tổng điểm trung bình của các sở đạt: 85,97/100 điểm, giảm 5,22 điểm so với năm "
            "2022") in flat(text)
    assert record["summary"]["previous"] == {
        "dossier": previous, "revision": 1,
        "sha256": hashlib.sha256(previous_content).hexdigest()}


def test_another_agencys_or_a_missing_dossier_is_not_a_previous_round(service: Service) -> None:
    with service.client("chuyen_vien", stranger=True) as client:
        theirs = create(client, SON_LA_2022.read_bytes())
    with service.client("chuyen_vien") as client:
        before = count(client)
        answers = [client.post("/dossiers", content=son_la_2023_after(n), headers=YAML)
                   for n in (theirs, 999_999)]
        after = count(client)
    for number, response in zip((theirs, 999_999), answers, strict=True):
        assert (response.status_code, response.json()["code"]) == (422, "invalid_input")
        assert response.json()["message"] == (
            "hồ sơ.yaml: kỳ trước › hồ sơ: cần số một hồ sơ của cơ quan trong kho lưu trữ; "
            f"nhận được không có hồ sơ số {number}")
    assert after == before


def test_a_previous_round_of_a_later_year_is_refused(service: Service) -> None:
    with service.client("chuyen_vien") as client:
        later = create(client, SON_LA.read_bytes())  # 2025
        response = client.post("/dossiers", content=son_la_2023_after(later), headers=YAML)
    answer = response.json()
    assert (response.status_code, answer["code"]) == (422, "invalid_input")
    assert (f"hồ sơ số {later}: năm: cần năm trước năm 2023 của hồ sơ.yaml; nhận được 2025"
            ) in answer["message"]


def test_the_previous_round_is_checked_again_when_rendering(service: Service) -> None:
    """The previous dossier may be corrected after this one named it: the render sees it."""
    with service.client("chuyen_vien") as client:
        previous = create(client, SON_LA_2022.read_bytes())
        current = create(client, son_la_2023_after(previous))
        corrected = client.put(f"/dossiers/{previous}", content=SON_LA.read_bytes(),
                               headers=YAML)
        assert corrected.status_code == 200, corrected.text
        rendered = client.post(f"/dossiers/{current}/render", params={"format": "docx"})
        documents = client.get(f"/dossiers/{current}/documents").json()
    assert (rendered.status_code, rendered.json()["code"]) == (422, "invalid_input")
    assert (f"hồ sơ số {previous}: năm: cần năm trước năm 2023 của hồ sơ số {current}"
            ) in rendered.json()["message"]
    assert all(d["versions"] == 0 for d in documents)


def test_a_dossier_cannot_be_its_own_previous_round(service: Service) -> None:
    with service.client("chuyen_vien") as client:
        current = create(client, son_la_2023_after(create(client, SON_LA_2022.read_bytes())))
        response = client.put(f"/dossiers/{current}", content=son_la_2023_after(current),
                              headers=YAML)
    assert response.status_code == 422
    assert response.json()["message"] == (
        f"hồ sơ.yaml: kỳ trước › hồ sơ: cần số của một hồ sơ khác hồ sơ này; nhận được {current}")


def test_the_issued_versions_record_the_previous_round_too(service: Service) -> None:
    with service.client("chuyen_vien") as client:
        previous = create(client, SON_LA_2022.read_bytes())
        current = create(client, son_la_2023_after(previous))
        assert client.post(f"/dossiers/{current}/render", params={"format": "docx"}
                           ).status_code == 201
        assert client.post(f"/dossiers/{current}/submit").status_code == 200
        sha256 = hashlib.sha256(client.get(f"/dossiers/{previous}/content").content).hexdigest()
    with service.client("lanh_dao") as client:
        assert client.post(f"/dossiers/{current}/approve").status_code == 200
    with service.client("van_thu") as client:
        issued = client.post(f"/dossiers/{current}/issue")
        assert issued.status_code == 200, issued.text
        report = next(v for v in issued.json() if v["kind"] == "bao_cao")
        text = flat(docx_text(client.get(f"/versions/{report['id']}/files/docx").content))
    assert {v["status"] for v in issued.json()} == {"final"}
    assert all(v["summary"]["previous"] == {"dossier": previous, "revision": 1, "sha256": sha256}
               for v in issued.json())
    assert "giảm 5,22 điểm so với năm 2022" in text
