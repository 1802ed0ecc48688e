"""Renders as jobs on the embedded executor: refused before any work, limited per user and
agency, fair between agencies, and a worker killed mid-job loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from extract import SON_LA
from service import OPERATOR, users_of

from docgen.archive.errors import ConflictError
from docgen.archive.schema import RenderJob, User
from docgen.workflow.errors import ThrottledError
from docgen.workflow.executor import EmbeddedExecutor, FairQueue
from docgen.workflow.jobs import HOLD_DIR, Limits, queue_issue, queue_render, run_job
from docgen.workflow.service import Workflow

TEXT = SON_LA.read_bytes()


class Recorder:
    """A queue that only records what was submitted (the job rows are what matters)."""

    def __init__(self) -> None:
        self.jobs: list[RenderJob] = []

    def submit(self, job: RenderJob) -> None:
        self.jobs.append(job)

    def cancel(self, job_id: int) -> None:
        pass


def _blobs(wf: Workflow) -> int:
    return sum(1 for _ in wf.archive.blobs.names())


def _wait(what: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds  # a safety net, not a timing assertion
    while not what():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def _versions(wf: Workflow, dossier_id: int) -> list[int]:
    return sorted(count for _, _, count in wf.archive.list_documents(dossier_id))


def test_a_refused_render_is_refused_before_a_job_or_a_blob_exists(
        wf: Workflow, staff: dict[str, User]) -> None:
    clerk, leader = staff["chuyen_vien"], staff["lanh_dao"]
    dossier = wf.create(clerk, TEXT, "son-la.yaml")
    wf.render(clerk, dossier.id, formats=["docx"], kinds=["quyet_dinh", "bao_cao", "phu_luc"])
    wf.submit(clerk, dossier.id)
    before, queue = _blobs(wf), Recorder()
    with pytest.raises(ConflictError, match="đã trình"):
        queue_render(wf, queue, Limits(), clerk, dossier.id)
    with pytest.raises(ConflictError, match="đã trình"):  # the synchronous path too
        wf.render(clerk, dossier.id)
    with pytest.raises(ConflictError, match="đã trình"):
        queue_issue(wf, queue, Limits(), staff["van_thu"], dossier.id)
    with pytest.raises(Exception, match="không được phép"):
        queue_render(wf, queue, Limits(), leader, dossier.id)
    assert queue.jobs == [] and wf.archive.list_jobs(dossier.id) == []
    assert _blobs(wf) == before


def test_a_job_whose_dossier_moved_on_is_refused_without_writing_a_blob(
        wf: Workflow, staff: dict[str, User]) -> None:
    clerk = staff["chuyen_vien"]
    dossier = wf.create(clerk, TEXT, "son-la.yaml")
    wf.render(clerk, dossier.id, formats=["docx"])
    job = queue_render(wf, Recorder(), Limits(), clerk, dossier.id, formats=["docx"])
    wf.submit(clerk, dossier.id)  # between the request and the worker
    before = _blobs(wf)
    run_job(wf.archive, job.id)
    done = wf.archive.get_job(job.id)
    assert (done.status, done.error_code) == ("refused", "conflict")
    assert "đã trình" in (done.error or "")
    assert _blobs(wf) == before and _versions(wf, dossier.id) == [1, 1, 1]


def test_limits_per_user_and_per_agency_are_429_with_a_wait(
        wf: Workflow, staff: dict[str, User]) -> None:
    clerk = staff["chuyen_vien"]
    other = users_of(wf.archive, "ubnd-phu-yen")["chuyen_vien"]
    colleague, third = (wf.archive.add_user(OPERATOR, name=f"chuyên viên {n}",
                                            agency=clerk.agency, role="chuyen_vien")[0]
                        for n in (2, 3))
    ids = [wf.create(u, TEXT, "son-la.yaml").id for u in (clerk, clerk, colleague, other)]
    limits, queue = Limits(per_user=1, per_agency=2), Recorder()
    queue_render(wf, queue, limits, clerk, ids[0])
    with pytest.raises(ThrottledError, match="Bạn đang có 1 lượt kết xuất chưa xong") as caught:
        queue_render(wf, queue, limits, clerk, ids[1])
    assert caught.value.retry_after >= 1
    queue_render(wf, queue, limits, colleague, ids[2])
    with pytest.raises(ThrottledError, match="Cơ quan đang có 2 lượt"):
        queue_render(wf, queue, limits, third, ids[0])
    queue_render(wf, queue, limits, other, ids[3])  # another agency is not held back
    wf.archive.finish_job(queue.jobs[0].id, "cancelled")  # once a job ends, its place is free
    queue_render(wf, queue, limits, clerk, ids[1])
    assert [j.status for j in wf.archive.active_jobs()] == ["queued"] * 3


def test_the_embedded_queue_serves_agencies_in_turn() -> None:
    queue = FairQueue()
    for job_id in range(1, 6):
        queue.put("a", job_id)
    queue.put("b", 10)
    queue.put("c", 20)
    queue.put("b", 11)
    served = [queue.get(timeout=0) for _ in range(8)]
    assert served == [("a", 1), ("b", 10), ("c", 20), ("a", 2), ("b", 11), ("a", 3),
                      ("a", 4), ("a", 5)]
    assert queue.get(timeout=0) is None


@pytest.fixture
def held(tmp_path: Path) -> Path:
    folder = tmp_path / "hold"
    folder.mkdir()
    return folder


@pytest.fixture
def executor(wf: Workflow, held: Path) -> Iterator[EmbeddedExecutor]:
    pool = EmbeddedExecutor(wf.archive, workers=1, environ={HOLD_DIR: str(held)})
    yield pool
    pool.close()


@pytest.mark.parametrize("point", ["render", "stored"])
def test_a_worker_killed_mid_job_is_replaced_and_the_job_stored_once(
        wf: Workflow, staff: dict[str, User], executor: EmbeddedExecutor, held: Path,
        point: str) -> None:
    clerk = staff["chuyen_vien"]
    dossier = wf.create(clerk, TEXT, "son-la.yaml")
    if point == "stored":
        (held / "release-render").touch()
    job = queue_render(wf, executor, Limits(), clerk, dossier.id, formats=["docx"])
    _wait(lambda: (held / f"{point}-{job.id}").exists())
    pid = int((held / f"{point}-{job.id}").read_text())
    assert pid in executor.pids()
    os.kill(pid, signal.SIGKILL)  # in the middle of rendering, or after the commit
    (held / "release").touch()  # later attempts run straight through
    _wait(lambda: wf.archive.get_job(job.id).status not in ("queued", "running"))
    done = wf.archive.get_job(job.id)
    assert done.status == "done"
    assert done.attempts == (2 if point == "render" else 1)
    assert _versions(wf, dossier.id) == [1, 1, 1]
    assert sorted(done.result or []) == sorted(
        latest.version.id for _, latest, _ in wf.archive.list_documents(dossier.id) if latest)
    # The killed child is replaced (after "stored", by the re-delivery that finds it done).
    _wait(lambda: bool(executor.pids()) and pid not in executor.pids())
    assert _versions(wf, dossier.id) == [1, 1, 1]
    report = wf.archive.verify()
    assert report.problems == [] and report.unreferenced == []


def test_an_issue_job_numbers_once_and_reports_its_progress(
        wf: Workflow, staff: dict[str, User], executor: EmbeddedExecutor, held: Path) -> None:
    (held / "release").touch()
    clerk = staff["chuyen_vien"]
    dossier = wf.create(clerk, TEXT, "son-la.yaml")
    wf.render(clerk, dossier.id, formats=["docx"])
    wf.submit(clerk, dossier.id)
    wf.approve(staff["lanh_dao"], dossier.id)
    job = queue_issue(wf, executor, Limits(), staff["van_thu"], dossier.id)
    _wait(lambda: wf.archive.get_job(job.id).status == "done")
    done = wf.archive.get_job(job.id)
    assert (done.progress, done.stage, done.attempts) == (100, "Xong", 1)
    issued = wf.dossier(clerk, dossier.id)
    assert (issued.status, issued.number, issued.issue_date.isoformat()) == (
        "issued", 1, "2025-12-16")
    assert _versions(wf, dossier.id) == [2, 2, 2]


def test_a_cancelled_job_stops_at_its_next_step_and_stores_nothing(
        wf: Workflow, staff: dict[str, User], executor: EmbeddedExecutor, held: Path) -> None:
    clerk = staff["chuyen_vien"]
    dossier = wf.create(clerk, TEXT, "son-la.yaml")
    before = _blobs(wf)
    job = queue_render(wf, executor, Limits(), clerk, dossier.id, formats=["docx"])
    _wait(lambda: (held / f"render-{job.id}").exists())
    assert wf.archive.cancel_job(job.id).cancel_requested
    (held / "release").touch()
    _wait(lambda: wf.archive.get_job(job.id).status == "cancelled")
    assert _versions(wf, dossier.id) == [0, 0, 0] and _blobs(wf) == before
