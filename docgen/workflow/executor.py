"""The embedded queue: render jobs run on worker processes of the service itself.

Used when no broker is configured. Each of `workers` slots is a thread of the service
feeding one child process through a pipe; the child opens the same archive and runs
:func:`docgen.workflow.jobs.run_job`. Children are forked from a forkserver that has
imported the renderers once, so a new child costs a fork, not an import.

Fair between agencies: queued jobs wait per agency and the slots serve the agencies in
turn (round-robin), so one agency's twenty renders do not hold another agency's one back
by more than one turn. A child that dies (killed, out of memory) is noticed by its slot
as the end of the pipe: the slot starts a new child and puts the job back at the front of
its agency's line; the job's own row counts the attempts.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from multiprocessing.connection import Connection
from typing import Any

from docgen.archive.schema import RenderJob
from docgen.archive.store import Archive
from docgen.workflow.jobs import HOLD_DIR, MAX_ATTEMPTS, run_job

LOG = logging.getLogger("docgen.executor")


class FairQueue:
    """Job ids waiting per agency, handed out one agency at a time in turn."""

    def __init__(self) -> None:
        self._jobs: dict[str, deque[int]] = {}
        self._turn: deque[str] = deque()
        self._ready = threading.Condition()
        self._closed = False

    def put(self, agency: str, job_id: int, *, front: bool = False) -> None:
        with self._ready:
            line = self._jobs.setdefault(agency, deque())
            if not line:
                self._turn.append(agency)
            (line.appendleft if front else line.append)(job_id)
            self._ready.notify()

    def get(self, timeout: float | None = None) -> tuple[str, int] | None:
        """Return (agency, job id) of the next agency's first job; None on timeout or close."""
        with self._ready:
            if not self._ready.wait_for(lambda: self._turn or self._closed, timeout):
                return None
            if self._closed:
                return None
            agency = self._turn.popleft()
            line = self._jobs[agency]
            job_id = line.popleft()
            if line:
                self._turn.append(agency)
            else:
                del self._jobs[agency]
            return agency, job_id

    def remove(self, job_id: int) -> bool:
        with self._ready:
            for agency, line in list(self._jobs.items()):
                if job_id in line:
                    line.remove(job_id)
                    if not line:
                        del self._jobs[agency]
                        self._turn.remove(agency)
                    return True
            return False

    def close(self) -> None:
        with self._ready:
            self._closed = True
            self._ready.notify_all()


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["docgen.workflow.jobs"])
    return context


def _child(connection: Connection, address: tuple[Any, ...], environ: dict[str, str],
           max_attempts: int) -> None:
    """A worker process: run each job id received, answer with it when done."""
    # The forkserver keeps the environment it started with; the hook is the executor's own.
    os.environ.pop(HOLD_DIR, None)
    os.environ.update(environ)
    data_dir, url, schema, timeouts = address
    archive = Archive(data_dir, url, schema=schema, timeouts=timeouts)
    try:
        while True:
            try:
                job_id = connection.recv()
            except (EOFError, OSError):
                return
            run_job(archive, job_id, max_attempts=max_attempts)
            connection.send(job_id)
    finally:
        archive.close()


class EmbeddedExecutor:
    """`workers` worker processes fed from a :class:`FairQueue`, started on first use."""

    def __init__(self, archive: Archive, *, workers: int = 2, max_attempts: int = MAX_ATTEMPTS,
                 environ: dict[str, str] | None = None):
        self.archive = archive
        self.workers = max(1, workers)
        self.max_attempts = max_attempts
        # The test hook reaches the children even when the forkserver predates it.
        self.environ = dict(environ if environ is not None else
                            {k: v for k, v in os.environ.items() if k == HOLD_DIR})
        self.queue = FairQueue()
        self._children: list[Any] = [None] * self.workers
        self._slots: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._closed = False
        self._deliveries: dict[int, int] = {}

    @property
    def address(self) -> tuple[Any, ...]:
        """What a child needs to open the same archive, with the same bounds."""
        return (str(self.archive.data_dir), self.archive.database_url, self.archive.schema,
                self.archive.timeouts)

    def submit(self, job: RenderJob) -> None:
        self._start()
        self.queue.put(job.agency, job.id)

    def cancel(self, job_id: int) -> None:
        self.queue.remove(job_id)

    def resume(self) -> None:
        """Queue again the jobs a previous run of the service left queued or running."""
        for job in self.archive.active_jobs():
            self.submit(job)

    def pids(self) -> list[int]:
        """The process ids of the live worker processes (for tests and operators)."""
        return [child[0].pid for child in self._children if child is not None]

    def _start(self) -> None:
        with self._lock:
            if self._slots or self._closed:
                return
            for slot in range(self.workers):
                thread = threading.Thread(target=self._serve, args=(slot,), daemon=True,
                                          name=f"docgen-render-{slot}")
                self._slots.append(thread)
                thread.start()

    def _child_for(self, slot: int) -> tuple[Any, Connection]:
        child = self._children[slot]
        if child is None or not child[0].is_alive():
            ours, theirs = multiprocessing.Pipe()
            process = _context().Process(
                target=_child, args=(theirs, self.address, self.environ, self.max_attempts),
                daemon=True, name=f"docgen-render-{slot}")
            process.start()
            theirs.close()
            child = self._children[slot] = (process, ours)
        return child

    def _serve(self, slot: int) -> None:
        while not self._closed:
            item = self.queue.get(timeout=0.5)
            if item is None:
                continue
            agency, job_id = item
            try:
                process, connection = self._child_for(slot)
                connection.send(job_id)
                connection.recv()
                self._deliveries.pop(job_id, None)
            except (EOFError, OSError):
                self._lost(slot, agency, job_id)
            except Exception:  # e.g. a child that cannot start: the slot lives on
                LOG.exception("render slot %s failed on job %s", slot, job_id)
                self._lost(slot, agency, job_id)
                time.sleep(1)  # not a hot loop while the cause lasts

    def _lost(self, slot: int, agency: str, job_id: int) -> None:
        """The child died (or did not start) during `job_id`: replace it and deliver the
        job again; after `max_attempts` deliveries the job is marked failed."""
        child = self._children[slot]
        if child is not None:
            child[0].join(timeout=5)
            child[1].close()
        self._children[slot] = None
        if self._closed:
            return
        count = self._deliveries[job_id] = self._deliveries.get(job_id, 0) + 1
        LOG.warning("render worker died during job %s (delivery %s); retrying", job_id, count)
        if count > self.max_attempts:
            self.archive.finish_job(job_id, "failed", code="worker_lost",
                                    message="Tiến trình kết xuất dừng đột ngột nhiều lần; "
                                            "đã ngừng thử lại.")
            return
        self.queue.put(agency, job_id, front=True)

    def close(self) -> None:
        self._closed = True
        self.queue.close()
        for child in self._children:
            if child is not None:
                child[1].close()
                child[0].join(timeout=5)
                if child[0].is_alive():
                    child[0].kill()
        self._children = [None] * self.workers
