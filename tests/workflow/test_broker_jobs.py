"""Render jobs through a real broker (Redis, RabbitMQ on this machine) and `docgen worker`
processes: a worker killed (SIGKILL) in the middle of a job is replaced, the job runs
again and its versions are stored once. Each test has a queue of its own, purged after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from extract import SON_LA

from docgen.archive.schema import User
from docgen.workflow.jobs import HOLD_DIR, Limits, queue_render
from docgen.workflow.service import Workflow

BROKERS = {"redis": "redis://127.0.0.1:6379/15", "rabbitmq": "amqp://guest:guest@127.0.0.1:5672/"}


def _reachable(url: str) -> str | None:
    from docgen.workflow.broker import BrokerQueue
    try:
        queue = BrokerQueue(url, f"docgen-probe-{uuid.uuid4().hex[:8]}")
        queue.purge()
        queue.close()
    except Exception as exc:  # any failure to connect means: skip, saying why
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def _wait(what: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds  # a safety net, not a timing assertion
    while not what():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)


@pytest.fixture(params=sorted(BROKERS))
def broker(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    url = BROKERS[request.param]
    problem = _reachable(url)
    if problem is not None:
        pytest.skip(f"{request.param} not reachable at {url} ({problem})")
    from docgen.workflow.broker import BrokerQueue
    name = f"docgen-test-{uuid.uuid4().hex[:12]}"
    yield url, name
    queue = BrokerQueue(url, name)
    queue.purge()
    queue.close()


def _worker(url: str, queue: str, data: Path, hold: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, HOLD_DIR: str(hold)}
    return subprocess.Popen(
        [sys.executable, "-m", "docgen.interfaces.cli", "worker", "--broker", url, "--queue",
         queue, "--data", str(data), "--heartbeat", "2"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_worker_killed_mid_job_is_replaced_and_the_job_stored_once(
        wf: Workflow, staff: dict[str, User], broker: tuple[str, str], tmp_path: Path) -> None:
    from docgen.workflow.broker import BrokerQueue
    url, name = broker
    hold = tmp_path / "hold"
    hold.mkdir()
    clerk = staff["chuyen_vien"]
    dossier = wf.create(clerk, SON_LA.read_bytes(), "son-la.yaml")
    service_side = BrokerQueue(url, name)
    first = _worker(url, name, wf.archive.data_dir, hold)
    second = None
    try:
        job = queue_render(wf, service_side, Limits(), clerk, dossier.id, formats=["docx"])
        _wait(lambda: (hold / f"render-{job.id}").exists())
        assert int((hold / f"render-{job.id}").read_text()) == first.pid
        assert wf.archive.get_job(job.id).status == "running"
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        (hold / "release").touch()
        second = _worker(url, name, wf.archive.data_dir, hold)
        _wait(lambda: wf.archive.get_job(job.id).status not in ("queued", "running"))
        done = wf.archive.get_job(job.id)
        assert (done.status, done.attempts, done.progress) == ("done", 2, 100)
        assert sorted(c for _, _, c in wf.archive.list_documents(dossier.id)) == [1, 1, 1]
        report = wf.archive.verify()
        assert report.problems == [] and report.unreferenced == []
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=90)
        service_side.close()
