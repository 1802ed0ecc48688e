"""Simultaneous requests on a live service, on SQLite and on PostgreSQL.

Twenty clerks issue twenty approved decisions at the same moment: they get the numbers
1 to 20 of the register, each once. Fifty renders of one dossier at the same moment: fifty
versions, numbered 1 to 50, none lost, every file intact.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from live import Service, start_service


@pytest.fixture(params=["sqlite", "postgresql"])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    # Many requests of one user at once: limits raised above them (they are tested in
    # tests/http/test_render_jobs.py); what is tested here is the register and the versions.
    yield from start_service(tmp_path / "data", request.param, render_jobs_per_user=50,
                             render_jobs_per_agency=50)


def _together(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run `call(i)` in `count` threads released at the same instant."""
    barrier = threading.Barrier(count)

    def run(i: int) -> httpx.Response:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_simultaneous_issues_get_twenty_consecutive_numbers(live: Service) -> None:
    ids = [live.dossier_in("approved") for _ in range(20)]
    clients = [live.client("van_thu") for _ in ids]
    try:
        responses = _together(20, lambda i: clients[i].post(f"/dossiers/{ids[i]}/issue"))
    finally:
        for client in clients:
            client.close()
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses]
    numbers = [int(r.json()[0]["metadata"]["code_number"]) for r in responses]
    assert sorted(numbers) == list(range(1, 21))
    stored = sorted(live.workflow.archive.get_dossier(i).number for i in ids)
    assert stored == list(range(1, 21))


def test_fifty_simultaneous_renders_lose_no_version(live: Service) -> None:
    dossier_id = live.dossier_in("draft")  # already has version 1 of each document
    clients = [live.client("chuyen_vien") for _ in range(50)]
    try:
        responses = _together(50, lambda i: clients[i].post(
            f"/dossiers/{dossier_id}/render", params={"format": "docx", "kind": "quyet_dinh"}))
    finally:
        for client in clients:
            client.close()
    assert [r.status_code for r in responses] == [201] * 50, [r.text for r in responses]
    returned = sorted(r.json()[0]["seq"] for r in responses)
    assert returned == list(range(2, 52))
    with live.client("luu_tru") as client:
        page = client.get(f"/dossiers/{dossier_id}/documents/quyet_dinh/versions",
                          params={"limit": 100}).json()
        report = client.post("/archive/verify").json()
    assert page["total"] == 51
    assert [v["seq"] for v in page["items"]] == list(range(1, 52))
    assert len({v["id"] for v in page["items"]}) == 51
    assert report["clean"] is True
