"""The bounds on a dossier hold through the service: a POSTed alias bomb, deep JSON, a huge
number, an RTL override or a key written twice is a 422 with the Vietnamese message naming
the bound, answered at once, and the service still answers after it."""

from __future__ import annotations

import json

import pytest
from live import YAML, Service

from docgen.model.loader import parse_text

from extract import SON_LA  # noqa: I001  (tests/support, after the package's own)

TEXT = SON_LA.read_text(encoding="utf-8")
JSON = {"Content-Type": "application/json"}


def bomb(levels: int) -> bytes:
    lines = ["lol0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]"
              for i in range(1, levels + 1)]
    return ("\n".join(lines) + "\n").encode()


def as_json(change) -> bytes:
    data = json.loads(json.dumps(parse_text(TEXT, "x.yaml"), default=str))
    change(data)
    return json.dumps(data, ensure_ascii=False).encode()


def rename_first(name: str):
    def change(data: dict) -> None:
        data["khối"][0]["đơn vị"][0]["tên đơn vị"] = name
    return change


CASES = {
    "alias bomb, nine levels": (bomb(9), YAML, "tệp",
                                "tối đa 200.000 giá trị (khóa, số, đoạn văn bản) kể cả các giá "
                                "trị lặp lại bằng bí danh YAML (*)"),
    "alias bomb, seven levels": (bomb(7), YAML, "tệp", "tối đa 200.000 giá trị"),
    "JSON nested 1.000 levels": (b'{"a": ' + b"[" * 1000 + b"]" * 1000 + b"}", JSON, "tệp",
                                 "các bảng và danh sách lồng nhau tối đa 40 cấp"),
    "an integer of 4.301 digits": (TEXT.replace("năm: 2025", "năm: " + "9" * 4301).encode(),
                                   YAML, "dòng 9, cột 6", "một số tối đa 30 ký tự"),
    "1.0e99 as a maximum": (as_json(lambda d: None).replace(b'"\xc4\x91i\xe1\xbb\x83m t\xe1\xbb'
                                                            b'\x91i \xc4\x91a": 100',
                                                            b'"\xc4\x91i\xe1\xbb\x83m t\xe1\xbb'
                                                            b'\x91i \xc4\x91a": 1.0e99', 1),
                            JSON, "thang điểm › điểm tối đa",
                            "một điểm tối đa 6 chữ số phần nguyên"),
    "a decision number of 40 digits": (TEXT.replace("  số:\n", "  số: " + "9" * 40 + "\n", 1)
                                       .encode(), YAML, "dòng 22, cột 7",
                                       "một số tối đa 30 ký tự"),
    "a 523 KB unit name": (as_json(rename_first("Sở " + "x" * 523_000)), JSON,
                           "khối thứ 1 (khối sở) › đơn vị thứ 1 (Sở " + "x" * 54
                           + "…) › tên đơn vị",
                           "tối đa 300 ký tự"),
    "an RTL override": (as_json(rename_first("Sở Nội\u202evụ")), JSON,
                        "khối thứ 1 (khối sở) › đơn vị thứ 1 (Sở Nội\ufffdvụ) › tên đơn vị",
                        "văn bản không có ký tự điều khiển hướng chữ (RTL/LTR)"),
    "a lone surrogate": (as_json(rename_first("x")).replace(b'"x"', b'"\\ud800"', 1), JSON,
                         "khối thứ 1 (khối sở) › đơn vị thứ 1 (\ufffd) › tên đơn vị",
                         "văn bản Unicode hợp lệ"),
    "a character the font lacks": (as_json(rename_first("Sở 中")), JSON,
                                   "khối thứ 1 (khối sở) › đơn vị thứ 1 (Sở 中) › tên đơn vị",
                                   "chữ có trong phông Liberation Serif của bản PDF"),
    "NĂM beside năm": (TEXT.replace("năm: 2025", "NĂM: 2024\nnăm: 2025", 1).encode(), YAML,
                       "dòng 10, cột 1", "YAML hợp lệ"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_dossier_is_a_422_naming_the_bound(service: Service, case: str) -> None:
    body, headers, location, expected = CASES[case]
    with service.client("chuyen_vien") as client:
        response = client.post("/dossiers", content=body, headers=headers)
        health = client.get("/health")
    assert response.status_code == 422, response.text[:500]
    answer = response.json()
    assert answer["code"] == "invalid_input"
    assert len(answer["problems"]) == 1, answer["problems"]
    problem = answer["problems"][0]
    assert problem["location"] == location
    assert problem["expected"].startswith(expected)
    assert len(response.content) < 2_000  # the input is never sent back
    assert health.status_code == 200
