"""Preview: render the latest content in memory, show every page, archive nothing.

A render of a large round takes a while, so it runs in a thread of its own as a *job*;
the page shows its progress (htmx polls a small fragment every second), stays usable,
and the clerk can leave and come back to the job's address until it expires. Progress is
read from the pipeline's own log lines ("Step 3 - rendering quyet_dinh.pdf"), caught for
the job's thread only, so the pipeline needs no callback. The PDF pages are shown as PNG
images made by poppler's ``pdftoppm`` (installed by tools/system-packages.sh); where it is
missing the PDF itself is shown in an ``<object>``. Jobs live in memory (per process) for
:data:`KEEP_SECONDS`: a preview is not a version, nothing of it is written to disk.
"""

from __future__ import annotations

import logging
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from docgen.archive.schema import User
from docgen.errors import DocgenError
from docgen.interfaces.http.errors import STATUS
from docgen.interfaces.http.filenames import content_disposition
from docgen.interfaces.http.pages.guard import WorkflowDep, page
from docgen.interfaces.http.pages.view import PREFIX, redirect, render
from docgen.interfaces.http.session import PageUserDep
from docgen.pipeline import DOCUMENT_TITLES
from docgen.render import DOCUMENTS, FORMATS
from docgen.archive.errors import NotFoundError
from docgen.workflow.jobs import pipeline_steps
from docgen.workflow.service import Workflow

LOG = logging.getLogger("docgen.pages")

#: How long a finished preview can be come back to.
KEEP_SECONDS = 30 * 60
#: Most jobs kept at once (the oldest go first).
MAX_JOBS = 20
#: Resolution of the page images.
PAGE_DPI = 60

MEDIA = {"pdf": "application/pdf",
         "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass
class Job:
    id: str
    user_id: int
    dossier_id: int
    started: float
    stage: str = "Đang chờ"
    done: int = 0
    total: int = 2 + len(DOCUMENTS) * len(FORMATS) + 1
    files: dict[tuple[str, str], bytes] = field(default_factory=dict)
    pages: dict[str, list[bytes]] = field(default_factory=dict)
    summary: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    finished: float | None = None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.done / self.total))


class _Progress(logging.Handler):
    """Turns the pipeline's log lines of one thread into the job's progress."""

    def __init__(self, job: Job, thread: int):
        super().__init__(logging.INFO)
        self.job, self.thread = job, thread

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        message = record.getMessage()
        if message.startswith("Step 1"):
            self.job.stage, self.job.done = "Đang tính điểm các khối", 1
        elif message.startswith("Step 2"):
            self.job.stage, self.job.done = "Đang chuẩn bị nội dung văn bản", 2
        elif message.startswith("Step 3 - rendering "):
            kind, _, fmt = message.removeprefix("Step 3 - rendering ").partition(".")
            self.job.stage = f"Đang kết xuất {DOCUMENT_TITLES.get(kind, kind)} ({fmt.upper()})"
            self.job.done = min(self.job.done + 1, self.job.total - 1)


def _jobs(request: Request) -> dict[str, Job]:
    state = request.app.state
    if not hasattr(state, "preview_jobs"):
        state.preview_jobs = {}
        state.preview_lock = threading.Lock()
    return state.preview_jobs


def _forget_old(jobs: dict[str, Job]) -> None:
    now = time.monotonic()
    for key in [k for k, j in jobs.items() if j.finished and now - j.finished > KEEP_SECONDS]:
        jobs.pop(key, None)
    while len(jobs) > MAX_JOBS:
        jobs.pop(next(iter(jobs)))


def pdf_pages(pdf: bytes, dpi: int = PAGE_DPI) -> list[bytes]:
    """PNG images of a PDF's pages (pdftoppm); [] when poppler is not installed."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        return []
    with tempfile.TemporaryDirectory(prefix="docgen-preview-") as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run([tool, "-r", str(dpi), "-png", str(source), str(Path(folder) / "p")],
                       check=True, capture_output=True, timeout=300)
        return [p.read_bytes() for p in sorted(Path(folder).glob("p-*.png"),
                                               key=lambda p: int(p.stem.split("-")[-1]))]


def run_preview(workflow: Workflow, user: User, job: Job) -> None:
    """Render the job's dossier in memory, with progress; never raises."""
    try:
        with pipeline_steps(_Progress(job, threading.get_ident())):
            preview = workflow.preview(user, job.dossier_id)
        job.summary = preview.blocks
        job.files = {(d.kind, d.format): d.data for d in preview.documents}
        job.stage = "Đang dựng ảnh các trang"
        for kind in DOCUMENTS:
            if (kind, "pdf") in job.files:
                job.pages[kind] = pdf_pages(job.files[(kind, "pdf")])
        job.stage, job.done = "Xong", job.total
    except DocgenError as exc:
        job.error = str(exc) if STATUS.get(exc.code, 500) < 500 else (
            "Không kết xuất được bản xem trước; hãy báo cho quản trị hệ thống.")
        if STATUS.get(exc.code, 500) >= 500:
            LOG.error("preview failed: %s: %s", exc.code, exc)
    except Exception:  # a job thread has no one else to tell
        LOG.exception("preview failed")
        job.error = "Không kết xuất được bản xem trước; hãy báo cho quản trị hệ thống."
    finally:
        job.finished = time.monotonic()


def _job(request: Request, user: User, dossier_id: int, job_id: str) -> Job:
    job = _jobs(request).get(job_id)
    if job is None or job.user_id != user.id or job.dossier_id != dossier_id:
        raise NotFoundError("Không có bản xem trước này (hoặc đã hết hạn).")
    return job


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/xem-truoc", "preview")
def preview_start_page(request: Request, dossier_id: int, user: PageUserDep,
                       workflow: WorkflowDep) -> Response:
    dossier = workflow.dossier(user, dossier_id, "preview")
    mine = [j for j in _jobs(request).values() if j.user_id == user.id
            and j.dossier_id == dossier_id]
    return render(request, "preview.html", me=user, dossier=dossier, job=None,
                  recent=mine[-1] if mine else None)


@page("POST", f"{PREFIX}/ho-so/{{dossier_id:int}}/xem-truoc", "preview")
def preview_start(request: Request, dossier_id: int, user: PageUserDep,
                  workflow: WorkflowDep) -> Response:
    workflow.dossier(user, dossier_id, "preview")
    jobs = _jobs(request)
    job = Job(secrets.token_urlsafe(12), user.id, dossier_id, time.monotonic())
    with request.app.state.preview_lock:
        _forget_old(jobs)
        jobs[job.id] = job
    threading.Thread(target=run_preview, args=(workflow, user, job), daemon=True,
                     name=f"preview-{job.id}").start()
    return redirect(f"{PREFIX}/ho-so/{dossier_id}/xem-truoc/{job.id}", request)


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/xem-truoc/{{job_id}}", "preview")
def preview_job(request: Request, dossier_id: int, job_id: str, user: PageUserDep,
                workflow: WorkflowDep) -> Response:
    dossier = workflow.dossier(user, dossier_id, "preview")
    job = _job(request, user, dossier_id, job_id)
    return render(request, "preview.html", me=user, dossier=dossier, job=job, recent=None)


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/xem-truoc/{{job_id}}/tien-do", "preview")
def preview_progress(request: Request, dossier_id: int, job_id: str, user: PageUserDep,
                     workflow: WorkflowDep) -> Response:
    """The progress fragment htmx polls; once finished, the page reloads itself."""
    dossier = workflow.dossier(user, dossier_id, "preview")
    job = _job(request, user, dossier_id, job_id)
    headers = {"HX-Refresh": "true"} if job.finished else None
    return render(request, "preview_progress.html", me=user, dossier=dossier, job=job,
                  headers=headers)


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/xem-truoc/{{job_id}}/tep/{{kind}}.{{fmt}}", "preview")
def preview_file(request: Request, dossier_id: int, job_id: str, kind: str, fmt: str,
                 user: PageUserDep, workflow: WorkflowDep) -> Response:
    dossier = workflow.dossier(user, dossier_id, "preview")
    job = _job(request, user, dossier_id, job_id)
    data = job.files.get((kind, fmt))
    if data is None:
        raise NotFoundError("Bản xem trước không có tệp này.")
    inline = request.query_params.get("xem") == "1" and fmt == "pdf"
    name = f"Xem trước - {DOCUMENT_TITLES[kind]} - hồ sơ {dossier.id}.{fmt}"
    disposition = content_disposition(name)
    if inline:
        disposition = disposition.replace("attachment", "inline", 1)
    return Response(data, media_type=MEDIA[fmt], headers={
        "Content-Disposition": disposition, "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


@page("GET", f"{PREFIX}/ho-so/{{dossier_id:int}}/xem-truoc/{{job_id}}/trang/{{kind}}/{{number:int}}.png",
      "preview")
def preview_page_image(request: Request, dossier_id: int, job_id: str, kind: str, number: int,
                       user: PageUserDep, workflow: WorkflowDep) -> Response:
    workflow.dossier(user, dossier_id, "preview")
    job = _job(request, user, dossier_id, job_id)
    images = job.pages.get(kind, [])
    if not 1 <= number <= len(images):
        raise NotFoundError("Không có trang này.")
    return Response(images[number - 1], media_type="image/png",
                    headers={"Cache-Control": "private, no-store"})
