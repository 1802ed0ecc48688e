"""A persistent, warmed-up pool of worker processes that render documents in parallel.

``RenderPool(workers=2)`` starts its processes once; :meth:`RenderPool.render` hands them
the documents of a package, longest first, and returns their bytes in the order asked.
:func:`docgen.pipeline.render_package` uses it when given ``pool=``; without one it renders
in its own process, as before. The bytes are the same either way (the tests compare them).

Decisions:

* **forkserver, preloaded.** Processes come from multiprocessing's ``forkserver`` context:
  a clean server process imports the renderers (WeasyPrint, docxtpl, matplotlib: most of
  a second) once, and every worker is forked from it, so each starts with the imports
  done. Forking the caller itself ("fork") would copy whatever threads and locks it holds
  (the HTTP service runs a thread pool and the archive's connections), which is unsafe;
  "spawn" would pay the imports again in every worker. Each worker then warms up (fonts,
  stylesheets, templates compiled) before its first document.
* **A document's formats together.** The DOCX and the PDF of one document go to the same
  worker, one after the other: the PDF is typeset from the DOCX just filled there instead
  of filling the template (and drawing its charts) a second time on the other worker.
* **One process, one queue slot.** Each worker is a one-process executor with at most one
  document in flight, fed from one queue shared by every caller: a free worker takes the
  next document, so two packages rendered at once share the workers instead of waiting
  for each other, and a long document does not hold back those queued behind it on the
  other worker. Within a package the documents go longest first (the last times measured
  for that kind and its formats), which keeps the package's wall time close to its
  longest document.
* **Charts drawn once for the pool.** A worker sends back the chart pictures it drew; the
  pool hands them to the other workers with their next document, so a chart is drawn once
  per data for the whole pool (same bytes: a picture depends on its data only).
* **Flat memory.** After each document a worker hands the heap it freed back to the
  system (glibc's ``malloc_trim``), so a long-running worker's resident memory stays flat.
* **A worker that dies** (killed, out of memory) is replaced and its document is rendered
  again once on the new worker; a second failure is a :class:`RenderError`. Errors raised
  by the renderers (a template error, a missing glyph) come back as they are.

As with any multiprocessing start method but "fork", the workers import the caller's main
module (``__mp_main__``): a script that starts a pool must guard its own work with
``if __name__ == "__main__":`` (the ``docgen`` console script does).
"""

from __future__ import annotations

import heapq
import itertools
import multiprocessing
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import RenderError
from docgen.render import heap
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_root as default_template_root

__all__ = ["RenderJob", "RenderPool"]

#: Modules the forkserver imports once, before it forks any worker.
PRELOAD = ("docgen.render.pool", "docgen.render.pdf", "docgen.render.docx",
           "docgen.render.charts")

#: Chart pictures the pool keeps to hand to its workers: (data hash, format, dpi) -> bytes.
PICTURES_KEPT = 128

#: Relative cost of a document never measured yet: PDFs first.
_FIRST_GUESS = {"pdf": 1.0, "docx": 0.1}


@dataclass(frozen=True)
class RenderJob:
    """One document to render: its kind ("phu_luc", …), format and metadata."""

    kind: str
    format: str
    meta: DocumentMeta


# --- In the worker processes -----------------------------------------------------------


def _warm_up() -> None:
    """Worker initializer: load the fonts, the stylesheets and matplotlib once, and draw
    the charts' hatch tiles."""
    from docgen.render import charts, pdf

    pdf.warm_up()
    charts.warm_up()
    pdf.warm_up_charts()


def _ping() -> int:
    return os.getpid()


def _render_in_worker(jobs: tuple[RenderJob, ...], context: Mapping[str, Any],
                      template_root: Path | None, pictures: dict
                      ) -> tuple[list[bytes], dict, list[float]]:
    """Render the formats of one document in order; return their bytes, the charts drawn
    for them and the time each took."""
    from docgen.render import charts, render_document

    charts.seed(pictures)
    datas, seconds = [], []
    for job in jobs:
        start = time.perf_counter()
        datas.append(render_document(job.kind, job.format, context, job.meta, template_root))
        seconds.append(time.perf_counter() - start)
    _give_back_heap()
    return datas, charts.take_saved(), seconds


def _give_back_heap() -> None:
    """Return the heap freed by a document to the system.

    A worker's Python objects do not grow from one package to the next, but glibc keeps
    the pages that WeasyPrint's many small allocations leave scattered: without this the
    resident memory of a worker rose by some 1 MB every 10 packages (4-5 MB per 100)."""
    heap.give_back()


# --- In the calling process ------------------------------------------------------------


@dataclass
class _Task:
    """The formats of one document, rendered by one worker in the order asked."""

    jobs: tuple[RenderJob, ...]
    context: Mapping[str, Any]
    template_root: Path | None
    future: Future
    attempts: int = 0


@dataclass
class _Worker:
    executor: ProcessPoolExecutor
    #: Pictures this worker holds (it drew them or was given them).
    pictures: set = field(default_factory=set)
    busy: bool = False


class RenderPool:
    """`workers` warmed-up processes rendering documents (default: one per core).

    Use it as a context manager or call :meth:`close`. Thread-safe: several threads may
    call :meth:`render` at once; their documents share the workers.
    """

    def __init__(self, workers: int | None = None, *, method: str = "forkserver") -> None:
        count = workers or os.cpu_count() or 1
        if count < 1:
            raise ValueError(f"a render pool needs at least one worker, not {count}")
        self._context = multiprocessing.get_context(method)
        if method == "forkserver":
            self._context.set_forkserver_preload(list(PRELOAD))
        self._lock = threading.RLock()  # a done callback may run inside submit
        self._queue: list[tuple[int, float, int, _Task]] = []  # a heap
        self._order = itertools.count()
        self._estimates: dict[tuple[str, str], float] = {}
        self._pictures: OrderedDict[tuple, bytes] = OrderedDict()
        self._closed = False
        self._workers = [self._start_worker() for _ in range(count)]
        # start every process now and wait until each has warmed up
        for future in [worker.executor.submit(_ping) for worker in self._workers]:
            future.result()

    @property
    def size(self) -> int:
        return len(self._workers)

    def pids(self) -> list[int]:
        """Return the process id of each worker (it changes when a worker is replaced)."""
        return [worker.executor.submit(_ping).result() for worker in self._workers]

    def render(self, jobs: Sequence[RenderJob], context: Mapping[str, Any],
               template_root: Path | None = None) -> list[bytes]:
        """Render `jobs` with the one `context` and return their bytes, in order.

        Raises what the first failing document raised (TemplateError, RenderError, …)
        after every document of the call has finished.
        """
        # resolved here: the workers' environment is the forkserver's, from its start
        template_root = template_root or default_template_root()
        documents: dict[str, list[int]] = {}  # kind -> the indexes of its formats in jobs
        for index, job in enumerate(jobs):
            documents.setdefault(job.kind, []).append(index)
        tasks = [_Task(tuple(jobs[i] for i in indexes), context, template_root, Future())
                 for indexes in documents.values()]
        with self._lock:
            if self._closed:
                raise RuntimeError("the render pool is closed")
            package = next(self._order)
            for task in tasks:
                self._push(package, task)
            self._dispatch()
        results: list[bytes] = [b""] * len(jobs)
        error = None
        for task, indexes in zip(tasks, documents.values(), strict=True):
            try:
                for index, data in zip(indexes, task.future.result(), strict=True):
                    results[index] = data
            except BaseException as exc:  # noqa: BLE001 (re-raised below, once all are done)
                error = error or exc
        if error is not None:
            raise error
        return results

    def close(self) -> None:
        """Stop the workers (documents still queued fail with RuntimeError)."""
        with self._lock:
            self._closed = True
            queued, self._queue = self._queue, []
        for *_, task in queued:
            task.future.set_exception(RuntimeError("the render pool is closed"))
        for worker in self._workers:
            worker.executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> RenderPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- scheduling (under self._lock) ---

    def _start_worker(self) -> _Worker:
        return _Worker(ProcessPoolExecutor(1, mp_context=self._context, initializer=_warm_up))

    def _push(self, package: int, task: _Task) -> None:
        estimate = sum(self._estimates.get((job.kind, job.format),
                                           _FIRST_GUESS.get(job.format, 1.0))
                       for job in task.jobs)
        heapq.heappush(self._queue, (package, -estimate, next(self._order), task))

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.busy:
                continue
            *_, task = heapq.heappop(self._queue)
            missing = {key: data for key, data in self._pictures.items()
                       if key not in worker.pictures}
            worker.busy = True
            task.attempts += 1
            try:
                future = worker.executor.submit(_render_in_worker, task.jobs, task.context,
                                                task.template_root, missing)
            except BrokenProcessPool:  # died while idle: replace it, try again
                self._replace(worker)
                worker.busy = False
                task.attempts -= 1
                self._push(-1, task)
                self._dispatch()
                return
            worker.pictures.update(missing)
            future.add_done_callback(
                lambda done, worker=worker, task=task: self._finished(worker, task, done))

    def _finished(self, worker: _Worker, task: _Task, done: Future) -> None:
        outcome: tuple[str, Any] | None = None
        with self._lock:
            worker.busy = False
            error = done.exception()
            if isinstance(error, BrokenProcessPool):
                self._replace(worker)
                if task.attempts < 2 and not self._closed:
                    self._push(-1, task)  # first in line on the new worker
                else:
                    names = ", ".join(f"{job.kind}.{job.format}" for job in task.jobs)
                    outcome = ("error", RenderError(
                        f"Tiến trình dựng {names} dừng đột ngột hai lần; xem nhật ký của "
                        f"máy chủ (bộ nhớ, tín hiệu dừng)."))
            elif error is not None:
                outcome = ("error", error)
            else:
                datas, pictures, seconds = done.result()
                self._keep(worker, pictures)
                for job, taken in zip(task.jobs, seconds, strict=True):
                    self._estimates[(job.kind, job.format)] = taken
                outcome = ("result", datas)
            if not self._closed:
                self._dispatch()
        if outcome is not None:
            kind, value = outcome
            if kind == "error":
                task.future.set_exception(value)
            else:
                task.future.set_result(value)

    def _keep(self, worker: _Worker, pictures: dict) -> None:
        for key, data in pictures.items():
            self._pictures[key] = data
            self._pictures.move_to_end(key)
            worker.pictures.add(key)
        while len(self._pictures) > PICTURES_KEPT:
            key, _ = self._pictures.popitem(last=False)
            for other in self._workers:
                other.pictures.discard(key)

    def _replace(self, worker: _Worker) -> None:
        worker.executor.shutdown(wait=False, cancel_futures=True)
        fresh = self._start_worker()
        worker.executor, worker.pictures = fresh.executor, set()
