"""FastAPI's, Starlette's and pydantic's own error texts (404 "Not Found", 405, 401, 403,
422 "Field required", "Input should be …") never reach a client: docgen's handlers
answer every one in Vietnamese. A small app with the service's handlers and one field of
each kind; the real service's answers are in test_api.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Query
from pydantic import BaseModel, ConfigDict, Field

from docgen.interfaces.http import errors

#: What the libraries say by themselves, in English.
ENGLISH = re.compile(r"\b(Not Found|Method Not Allowed|Unauthorized|Forbidden|Not "
                     r"authenticated|Field required|field required|Input should|Extra inputs|"
                     r"Value error|String should|List should|JSON decode|Expecting|"
                     r"Unsupported Media|Too Many|Bad Request|valid|or)\b")


class Role(StrEnum):
    clerk = "chuyen_vien"
    leader = "lanh_dao"


class Everything(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=2, max_length=5)
    role: Role
    level: Literal["a", "b"] = "a"
    count: int = Field(default=1, ge=1, le=9)
    share: float = 0.5
    flag: bool = False
    day: dt.date | None = None
    at: dt.datetime | None = None
    tags: list[str] = Field(default_factory=list, max_length=2)
    code: str = Field(default="x1", pattern=r"^x\d$")


def small_app() -> FastAPI:
    app = FastAPI()
    errors.install(app)

    @app.get("/items/{item_id}")
    def item(item_id: int, limit: Annotated[int, Query(ge=1)] = 10) -> dict:
        return {"id": item_id, "limit": limit}

    @app.post("/everything")
    def everything(body: Everything) -> dict:
        return {"ok": True}

    @app.get("/status/{status}")
    def status(status: int) -> dict:
        raise HTTPException(status_code=status)  # Starlette's detail: the English phrase

    return app


APP = small_app()


def send(method: str, url: str, **options: object) -> httpx.Response:
    """A request straight to the app (ASGI, no server)."""
    async def request() -> httpx.Response:
        transport = httpx.ASGITransport(app=APP)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return await http.request(method, url, **options)
    return asyncio.run(request())


def message(response) -> str:
    body = response.json()
    assert set(body) >= {"code", "message"}, body
    assert ENGLISH.findall(body["message"]) == [], body["message"]
    return body["message"]


@pytest.mark.parametrize(("status", "code", "words"), [
    (400, "bad_request", "Yêu cầu không hợp lệ."),
    (401, "unauthorized", "Cần mã truy cập hoặc đăng nhập."),
    (403, "forbidden", "Không được phép thực hiện yêu cầu này."),
    (404, "not_found", "Không có địa chỉ này trong dịch vụ."),
    (415, "unsupported_media_type", "Kiểu nội dung của yêu cầu không được hỗ trợ."),
    (429, "throttled", "Quá nhiều yêu cầu; hãy thử lại sau."),
    (418, "http_error", "Yêu cầu không thực hiện được."),
])
def test_the_statuses_starlette_raises_are_vietnamese(status, code, words):
    done = send("GET", f"/status/{status}")
    assert (done.status_code, done.json()["code"]) == (status, code)
    assert message(done) == words


def test_unknown_address_and_method():
    missing = send("GET", "/khong-co")
    assert missing.status_code == 404 and message(missing) == "Không có địa chỉ này trong dịch vụ."
    wrong = send("DELETE", "/items/1")
    assert wrong.status_code == 405 and message(wrong).startswith("Phương thức DELETE không")


def test_bad_path_and_query_values():
    done = send("GET", "/items/abc", params={"limit": 0})
    assert done.status_code == 422 and done.json()["code"] == "invalid_request"
    assert message(done) == ("Tham số của yêu cầu không hợp lệ: đường dẫn item_id: cần một số "
                             "nguyên; tham số limit: cần lớn hơn hoặc bằng 1")


#: (body field values, what the message says about them).
BAD_BODIES = [
    ({}, "nội dung name: thiếu; nội dung role: thiếu"),
    ({"name": 5, "role": "vua"},
     "nội dung name: cần một chuỗi ký tự; nội dung role: cần một trong 'chuyen_vien' hoặc "
     "'lanh_dao'"),
    ({"name": "a", "role": "lanh_dao", "level": "c"},
     "nội dung name: cần ít nhất 2 ký tự; nội dung level: cần một trong 'a' hoặc 'b'"),
    ({"name": "abcdef", "role": "lanh_dao", "count": 10, "share": "x"},
     "nội dung name: tối đa 5 ký tự; nội dung count: cần nhỏ hơn hoặc bằng 9; nội dung "
     "share: cần một số"),
    ({"name": "ab", "role": "lanh_dao", "count": "x", "flag": "maybe"},
     "nội dung count: cần một số nguyên; nội dung flag: cần true hoặc false"),
    ({"name": "ab", "role": "lanh_dao", "day": "2025-13-45", "at": "hôm qua"},
     "nội dung day: cần một ngày dạng YYYY-MM-DD; nội dung at: cần ngày giờ dạng "
     "YYYY-MM-DDTHH:MM:SS"),
    ({"name": "ab", "role": "lanh_dao", "tags": "x", "code": "y"},
     "nội dung tags: cần một danh sách; nội dung code: không đúng dạng quy định"),
    ({"name": "ab", "role": "lanh_dao", "tags": ["a", "b", "c"], "other": 1},
     "nội dung tags: tối đa 2 phần tử; nội dung other: không có trường này"),
    ({"name": "ab", "role": "lanh_dao", "tags": [1]}, "nội dung tags.0: cần một chuỗi ký tự"),
]


@pytest.mark.parametrize(("body", "words"), BAD_BODIES)
def test_bad_bodies_are_described_in_vietnamese(body, words):
    done = send("POST", "/everything", json=body)
    assert done.status_code == 422, done.text
    assert message(done) == f"Tham số của yêu cầu không hợp lệ: {words}"


def test_a_body_that_is_not_json_or_not_an_object():
    broken = send("POST", "/everything", content=b"{bad",
                  headers={"Content-Type": "application/json"})
    assert message(broken) == ("Tham số của yêu cầu không hợp lệ: nội dung: cần JSON hợp lệ "
                               "(lỗi ở ký tự 1)")
    listed = send("POST", "/everything", json=[1, 2])
    assert message(listed) == "Tham số của yêu cầu không hợp lệ: nội dung: cần một đối tượng JSON"


def test_an_error_kind_with_no_wording_is_still_vietnamese():
    text = errors._describe({"type": "uuid_parsing", "loc": ("query", "id"), "input": "x",
                             "msg": "Input should be a valid UUID"})
    assert text == "tham số id: giá trị không hợp lệ (nhận được 'x')"
