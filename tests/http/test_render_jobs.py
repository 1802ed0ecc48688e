"""Renders over HTTP as jobs: 202 + Location and GET /jobs/{id}, the 429 of the limits,
a refused render answered before any work, and a render whose client left cancelled."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from live import SON_LA_TEXT, Service, start_service

from docgen.workflow.jobs import HOLD_DIR


def _wait(what: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds  # a safety net, not a timing assertion
    while not what():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def hold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hold")


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory, hold: Path) -> Iterator[Service]:
    """A service whose jobs stop in the middle of their first rendering until released."""
    os.environ[HOLD_DIR] = str(hold)  # read by the worker processes the service forks
    try:
        yield from start_service(tmp_path_factory.mktemp("service"), render_jobs_per_user=1,
                                 render_jobs_per_agency=2)
    finally:
        os.environ.pop(HOLD_DIR, None)


def _blobs(service: Service) -> int:
    return sum(1 for _ in service.workflow.archive.blobs.names())


def test_respond_async_gives_202_location_then_the_job_with_its_progress(
        held: Service, hold: Path) -> None:
    dossier = held.dossier_in("new")
    with held.client("chuyen_vien") as client:
        response = client.post(f"/dossiers/{dossier}/render", params={"format": "docx"},
                               headers={"Prefer": "respond-async"})
        assert response.status_code == 202, response.text
        location = response.headers["location"]
        job = response.json()
        assert location == f"/jobs/{job['id']}"
        assert (job["action"], job["dossier_id"]) == ("render", dossier)
        assert job["status"] in ("queued", "running")
        _wait(lambda: (hold / f"render-{job['id']}").exists())
        running = client.get(location).json()
        assert (running["status"], running["status_name"]) == ("running", "Đang kết xuất")
        # held as the first document starts: steps 1 and 2 of 5 are recorded
        assert running["stage"] == "Đang chuẩn bị nội dung văn bản"
        assert 0 < running["progress"] < 100
        # One job of this user is unfinished: a second is refused at once, with a wait.
        refused = client.post(f"/dossiers/{held.dossier_in('new')}/render",
                              params={"format": "docx"})
        assert refused.status_code == 429
        assert refused.json()["message"].startswith("Bạn đang có 1 lượt kết xuất chưa xong")
        assert int(refused.headers["retry-after"]) >= 1
        (hold / "release").touch()
        _wait(lambda: client.get(location).json()["status"] == "done")
        done = client.get(location).json()
        assert done["progress"] == 100 and len(done["version_ids"]) == 3
        versions = [client.get(f"/versions/{v}").json() for v in done["version_ids"]]
        assert {v["kind"] for v in versions} == {"quyet_dinh", "bao_cao", "phu_luc"}
    with held.client("chuyen_vien", stranger=True) as stranger:
        assert stranger.get(location).status_code == 404
    (hold / "release").unlink()


def test_a_refused_render_is_409_before_any_job_or_blob(held: Service) -> None:
    dossier = held.dossier_in("submitted")
    before = _blobs(held)
    with held.client("chuyen_vien") as client:
        response = client.post(f"/dossiers/{dossier}/render")
    assert response.status_code == 409 and "đã trình" in response.json()["message"]
    assert held.workflow.archive.list_jobs(dossier) == []
    assert _blobs(held) == before


def test_a_render_whose_client_went_away_is_cancelled_and_stores_nothing(
        held: Service, hold: Path) -> None:
    dossier = held.dossier_in("new")
    before = _blobs(held)
    with held.client("chuyen_vien") as plain:
        headers = plain.headers
    with httpx.Client(base_url=held.url, headers=headers,
                      timeout=httpx.Timeout(60, read=1.0)) as client, \
            pytest.raises(httpx.ReadTimeout):
        client.post(f"/dossiers/{dossier}/render", params={"format": "docx"})
    (job,) = held.workflow.archive.list_jobs(dossier)
    _wait(lambda: held.workflow.archive.get_job(job.id).cancel_requested
          or held.workflow.archive.get_job(job.id).status == "cancelled")
    (hold / "release").touch()
    _wait(lambda: held.workflow.archive.get_job(job.id).status == "cancelled")
    assert sorted(c for _, _, c in held.workflow.archive.list_documents(dossier)) == [0, 0, 0]
    assert _blobs(held) == before
    (hold / "release").unlink()


def test_the_staff_page_saves_through_a_job_and_lists_it(held: Service, hold: Path) -> None:
    clerk, _ = held.workflow.add_user(None, name="Chuyên viên trang", role="chuyen_vien",
                                      agency="ubnd-son-la", username="cv.trang",
                                      password="mat-khau-cv-trang")
    dossier = held.workflow.create(clerk, SON_LA_TEXT, "son-la.yaml").id
    (hold / "release").touch()

    def csrf(html: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert found
        return found.group(1)

    with httpx.Client(base_url=held.url, follow_redirects=False, timeout=120) as browser:
        form = browser.get("/dang-nhap")
        assert browser.post("/dang-nhap", data={
            "csrf_token": csrf(form.text), "username": "cv.trang",
            "password": "mat-khau-cv-trang"}).status_code == 303
        page = browser.get(f"/ho-so/{dossier}")
        saved = browser.post(f"/ho-so/{dossier}/luu-phien-ban",
                             data={"csrf_token": csrf(page.text)})
        assert saved.status_code == 303 and saved.headers["location"].endswith("?ok=saved")
        shown = browser.get(f"/ho-so/{dossier}").text
        assert "Kết xuất gần đây" in shown and 'data-status="done"' in shown
        fragment = browser.get(f"/ho-so/{dossier}/tac-vu", headers={"HX-Request": "true"})
        assert fragment.headers.get("hx-refresh") == "true"  # nothing runs: reload the page
    (job,) = held.workflow.archive.list_jobs(dossier)
    assert (job.status, job.user_id, len(job.result or [])) == ("done", clerk.id, 3)
    (hold / "release").unlink()
