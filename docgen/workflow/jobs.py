"""Renders and issues as jobs: asked for (checked, limited, queued), then run by a worker.

Asking checks everything that can refuse the action — role, agency, state, choices, the
previous round, the number and date of an issue — *before* a job exists, so a refused
action does no rendering and writes no blob. A job row (``render_jobs``) holds the
status and progress; a queue (:mod:`docgen.workflow.executor` in the service's own
processes, or :mod:`docgen.workflow.broker` through a broker) only carries its id, and
:func:`run_job` is what a worker does with it, whichever queue delivered it.

A worker that dies mid-job leaves the job ``running``; the queue delivers it again and
the next attempt renders again. Versions are stored in the transaction that marks the job
done, so an attempt after a finished one finds it done and stores nothing.
"""

from __future__ import annotations

import logging
import math
import os
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from docgen.archive.jobs import JobClosedError
from docgen.archive.schema import RenderJob, User
from docgen.archive.store import Archive
from docgen.errors import DocgenError
from docgen.pipeline import DOCUMENT_TITLES
from docgen.render import DOCUMENTS, FORMATS
from docgen.workflow.errors import ThrottledError
from docgen.workflow.service import Workflow, check_choice

LOG = logging.getLogger("docgen.jobs")

#: Error codes that mean "the workflow refused" (the job is ``refused``, not ``failed``).
REFUSALS = ("conflict", "invalid_input", "unsupported", "forbidden", "not_found",
            "unauthorized")

#: How many times a job is started before it is given up (a worker died each time).
MAX_ATTEMPTS = 3

#: Test hook: a folder where the first attempt of each job stops in the middle of its
#: rendering (``render``) or right after storing (``stored``) until ``release`` (or
#: ``release-<point>``) appears.
HOLD_DIR = "DOCGEN_JOB_HOLD_DIR"


class JobCancelled(Exception):
    """Raised inside a running job when someone asked to cancel it."""


class RenderQueue(Protocol):
    """What carries job ids to workers."""

    def submit(self, job: RenderJob) -> None: ...
    def cancel(self, job_id: int) -> None: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Limits:
    """Jobs queued or running at once, per user and per agency."""

    per_user: int = 2
    per_agency: int = 4

    def check(self, archive: Archive, agency: str) -> Any:
        def refuse(user_active: int, agency_active: int) -> None:
            if user_active >= self.per_user:
                who = f"Bạn đang có {user_active} lượt kết xuất chưa xong (tối đa {self.per_user})"
            elif agency_active >= self.per_agency:
                who = (f"Cơ quan đang có {agency_active} lượt kết xuất chưa xong "
                       f"(tối đa {self.per_agency})")
            else:
                return
            wait = max(1, math.ceil(archive.recent_duration(agency) or 5))
            raise ThrottledError(f"{who}; hãy chờ các lượt đó xong rồi thử lại sau "
                                 f"khoảng {wait} giây.", retry_after=wait)
        return refuse


def queue_render(workflow: Workflow, queue: RenderQueue, limits: Limits, user: User,
                 dossier_id: int, *, formats: Sequence[str] = tuple(FORMATS),
                 kinds: Sequence[str] = tuple(DOCUMENTS)) -> RenderJob:
    """Check a render of draft versions and queue it; refuse at once what would be refused."""
    workflow.dossier(user, dossier_id, "render")
    formats = check_choice(formats, FORMATS, "định dạng")
    kinds = check_choice(kinds, DOCUMENTS, "loại văn bản")
    workflow.archive.require_state(dossier_id, ["draft"], user.agency)
    _, model = workflow._latest(dossier_id)
    workflow.previous_round(user.agency, model, f"hồ sơ số {dossier_id}", dossier_id)
    return _queue(workflow, queue, limits, user, "render", dossier_id,
                  {"formats": list(formats), "kinds": list(kinds)})


def queue_issue(workflow: Workflow, queue: RenderQueue, limits: Limits, user: User,
                dossier_id: int, *, number: int | None = None,
                issue_date: date | None = None) -> RenderJob:
    """Check an issue (state, previous round, number and date) and queue it."""
    workflow.dossier(user, dossier_id, "issue")
    workflow.archive.require_state(dossier_id, ["approved"], user.agency)
    _, model = workflow._latest(dossier_id)
    workflow.previous_round(user.agency, model, f"hồ sơ số {dossier_id}", dossier_id)
    workflow.issue_number(model, number, issue_date)
    return _queue(workflow, queue, limits, user, "issue", dossier_id, {
        "number": number, "issue_date": issue_date.isoformat() if issue_date else None,
        # The worker issues under the service's today and formats, not its own.
        "today": workflow.today().isoformat(), "formats": list(workflow.issue_formats)})


def _queue(workflow: Workflow, queue: RenderQueue, limits: Limits, user: User, action: str,
           dossier_id: int, params: dict[str, Any]) -> RenderJob:
    archive = workflow.archive
    job = archive.create_job(action=action, dossier_id=dossier_id, user_id=user.id,
                             agency=user.agency, params=params,
                             check=limits.check(archive, user.agency))
    queue.submit(job)
    return job


def job_for(workflow: Workflow, user: User, job_id: int) -> RenderJob:
    """Return a job of the user's agency (another agency's does not exist for the user)."""
    workflow.allow(user, "read")
    return workflow.archive.get_job(job_id, agency=user.agency)


def cancel(workflow: Workflow, queue: RenderQueue, user: User, job_id: int) -> RenderJob:
    """Cancel a job of the user's agency (queued: at once; running: at its next step): the
    user who asked for it, or a role that may do its action."""
    job = job_for(workflow, user, job_id)
    if job.user_id != user.id:
        workflow.allow(user, job.action)
    queue.cancel(job_id)
    return workflow.archive.cancel_job(job_id)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_job(archive: Archive, job_id: int, *, max_attempts: int = MAX_ATTEMPTS) -> None:
    """Run one delivery of a job; never raises for the job's own failures."""
    job = archive.start_job(job_id, worker_name(), max_attempts=max_attempts)
    if job is None:
        return
    params = job.params
    today = date.fromisoformat(params.get("today") or date.today().isoformat())
    workflow = Workflow(archive, today=lambda: today,
                        issue_formats=params.get("formats") or ("docx", "pdf"))
    try:
        user = archive.get_user(job.user_id)
        if not user.active:
            raise JobRefused("unauthorized", "Người yêu cầu đã bị khóa; tác vụ không chạy.")
        with _progress(archive, job):
            if job.action == "render":
                workflow.render(user, job.dossier_id, formats=params["formats"],
                                kinds=params["kinds"], job_id=job.id)
            else:
                workflow.issue(user, job.dossier_id, number=params.get("number"),
                               issue_date=date.fromisoformat(params["issue_date"])
                               if params.get("issue_date") else None, job_id=job.id)
        _hold(job, "stored")
    except JobClosedError:
        return  # another attempt finished it, or it was cancelled: nothing stored here
    except JobCancelled:
        archive.finish_job(job.id, "cancelled", code="cancelled", message="Đã hủy theo yêu cầu.")
    except JobRefused as exc:
        archive.finish_job(job.id, "refused", code=exc.code, message=str(exc))
    except DocgenError as exc:
        refused = exc.code in REFUSALS
        if not refused:
            LOG.error("job %s failed: %s: %s", job.id, exc.code, exc)
        archive.finish_job(job.id, "refused" if refused else "failed", code=exc.code,
                           message=str(exc) if refused else
                           "Không kết xuất được văn bản; hãy báo cho quản trị hệ thống.")
    except Exception:  # a worker has no one else to tell
        LOG.exception("job %s failed", job.id)
        archive.finish_job(job.id, "failed", code="internal_error",
                           message="Lỗi nội bộ khi kết xuất; hãy báo cho quản trị hệ thống.")


class JobRefused(DocgenError):
    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


def stage_of(message: str) -> str | None:
    """The Vietnamese stage of a pipeline log line ("Step 3 - rendering bao_cao.pdf")."""
    if message.startswith("Step 1"):
        return "Đang tính điểm các khối"
    if message.startswith("Step 2"):
        return "Đang chuẩn bị nội dung văn bản"
    if message.startswith("Step 3 - rendering "):
        kind, _, fmt = message.removeprefix("Step 3 - rendering ").partition(".")
        return f"Đang kết xuất {DOCUMENT_TITLES.get(kind, kind)} ({fmt.upper()})"
    return None


class _Progress(logging.Handler):
    """Turns the pipeline's log lines of one thread into the job's progress, and stops the
    job at the next step when it was cancelled."""

    def __init__(self, archive: Archive, job: RenderJob, thread: int):
        super().__init__(logging.INFO)
        self.archive, self.job, self.thread, self.steps = archive, job, thread, 0
        params = job.params
        self.total = 2 + len(params.get("kinds") or DOCUMENTS) * len(params.get("formats") or ())

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage()
        stage = stage_of(message)
        if stage is None:
            return
        self.steps += 1
        if message.startswith("Step 3"):
            _hold(self.job, "render")
        if self.archive.job_progress(self.job.id, round(100 * self.steps / (self.total + 1)),
                                     stage):
            raise JobCancelled(self.job.id)  # Handler.handle lets it reach the pipeline


@contextmanager
def pipeline_steps(handler: logging.Handler) -> Iterator[None]:
    """Let `handler` see the pipeline's step lines (logged at INFO) while the block runs:
    a job's progress and the staff pages' preview both count them."""
    pipeline_log = logging.getLogger("docgen.pipeline")
    old_level = pipeline_log.level
    pipeline_log.addHandler(handler)
    if pipeline_log.getEffectiveLevel() > logging.INFO:
        pipeline_log.setLevel(logging.INFO)
    try:
        yield
    finally:
        pipeline_log.removeHandler(handler)
        pipeline_log.setLevel(old_level)


def _progress(archive: Archive, job: RenderJob) -> AbstractContextManager[None]:
    return pipeline_steps(_Progress(archive, job, threading.get_ident()))


def _hold(job: RenderJob, point: str) -> None:
    """Test hook (see :data:`HOLD_DIR`): on the first attempt, announce `point` with this
    process's id and wait for ``release``."""
    folder = os.environ.get(HOLD_DIR)
    if not folder or job.attempts != 1:
        return
    Path(folder, f"{point}-{job.id}").write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(
            Path(folder, name).exists() for name in ("release", f"release-{point}")):
        time.sleep(0.02)
