"""The service's checks: the warnings of a dossier's latest content (probable renames
against the archived previous round), each once."""

from __future__ import annotations

import json

import httpx
from extract import ROOT
from live import YAML, Service

from docgen.model.loader import load_dossier

FIXTURES = ROOT / "fixtures"
JSON = {"Content-Type": "application/json"}


def _ha_tinh_2024_listing_its_units(previous: int) -> bytes:
    """The two-scheme fixture as the service takes it: units listed (what ``docgen import``
    makes of the workbook), the previous round named by its number in the archive."""
    data = load_dossier(FIXTURES / "ha-tinh-2024.yaml", with_previous=False).model_dump(
        mode="json")
    for block in data["blocks"]:
        block["source"] = None
    data["previous"] = {"dossier": previous, "mapping": {}}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def _create(client: httpx.Client, body: bytes, headers: dict[str, str]) -> int:
    response = client.post("/dossiers", content=body, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_the_warnings_name_the_probable_rename_with_the_line_to_add(service: Service) -> None:
    with service.client("chuyen_vien") as client:
        previous = _create(client, (FIXTURES / "ha-tinh-2023.yaml").read_bytes(), YAML)
        current = _create(client, _ha_tinh_2024_listing_its_units(previous), JSON)
        answer = client.get(f"/dossiers/{current}/warnings")
        clean = client.get(f"/dossiers/{previous}/warnings")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"warnings": [
        f"hồ sơ số {current}: khối huyện: 'Huyện Hương Khe' (năm 2024) và 'Huyện Hương Khê' "
        "(năm 2023) có thể là một đơn vị (chỉ khác dấu); docgen không ghép theo phỏng đoán: "
        "nếu đúng là một đơn vị, thêm vào 'kỳ trước › ánh xạ' dòng \"Huyện Hương Khe\": "
        "\"Huyện Hương Khê\", nếu không thì sửa tên cho đúng"]}
    assert clean.json() == {"warnings": []}


def test_another_agencys_dossier_has_no_warnings_to_read(service: Service) -> None:
    dossier = service.dossier_in("new")
    with service.client("chuyen_vien", stranger=True) as client:
        answer = client.get(f"/dossiers/{dossier}/warnings")
    assert answer.status_code == 404
    assert set(answer.json()) == {"code", "message"}


def test_a_report_uploaded_for_audit_gets_its_findings(service: Service) -> None:
    """The planted Markdown report against the Hà Tĩnh dossier: the service gives the same
    findings as ``docgen audit`` (nothing is stored)."""
    from docgen.audit import audit_report

    report = (FIXTURES / "audit" / "ha-tinh-2024-bao-cao.md").read_bytes()
    with service.client("chuyen_vien") as client:
        previous = _create(client, (FIXTURES / "ha-tinh-2023.yaml").read_bytes(), YAML)
        current = _create(client, _ha_tinh_2024_listing_its_units(previous), JSON)
        answer = client.post(f"/dossiers/{current}/report-audit", content=report,
                             headers={"Content-Type": "text/markdown"})
        wrong_type = client.post(f"/dossiers/{current}/report-audit", content=b"x",
                                 headers={"Content-Type": "application/msword"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    expected = audit_report(report, "r.md", load_dossier(FIXTURES / "ha-tinh-2024.yaml"))
    assert body["findings"] == [f.as_dict() for f in expected]
    assert body["counts"] == {"đúng": 80, "sai": 17, "không kiểm tra được": 2}
    assert set(body["findings"][0]) == {"quote", "location", "kind", "stated", "computed",
                                        "verdict", "reason"}
    assert wrong_type.status_code == 415 and set(wrong_type.json()) == {"code", "message"}
