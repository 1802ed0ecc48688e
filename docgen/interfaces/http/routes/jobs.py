"""Render jobs: their status and progress, cancelling one, and answering a request that
started one (wait for it, or 202 with its address).

``POST /dossiers/{id}/render`` and ``…/issue`` check the request at once (403, 404, 409,
422, 429 without any rendering), queue a job, then wait for it up to
``render_wait_seconds`` and answer as before (201 / 200 with the versions). A client that
sends ``Prefer: respond-async``, or whose job is not done in time, gets ``202 Accepted``
with ``Location: /jobs/{id}`` to poll. A client that goes away while waiting cancels its
job: a queued job never runs, a running one stops at its next step and stores nothing.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from docgen.archive.records import as_utc
from docgen.archive.schema import RenderJob
from docgen.interfaces.http.deps import UserDep, WorkflowDep
from docgen.interfaces.http.errors import HttpError
from docgen.interfaces.http.schemas import VersionOut
from docgen.workflow import jobs as job_actions

router = APIRouter(prefix="/jobs", tags=["Tác vụ kết xuất"])

#: Job status -> Vietnamese name.
JOB_STATUS_NAMES = {"queued": "Đang chờ", "running": "Đang kết xuất", "done": "Xong",
                    "refused": "Bị từ chối", "failed": "Lỗi", "cancelled": "Đã hủy"}

#: How often a waiting request looks at its job (seconds).
POLL_SECONDS = 0.1


class JobOut(BaseModel):
    id: int
    action: str = Field(description="render (kết xuất dự thảo) hoặc issue (ban hành).")
    dossier_id: int
    status: str = Field(description="queued, running, done, refused, failed, cancelled.")
    status_name: str
    progress: int = Field(description="Phần trăm đã làm (0–100).")
    stage: str = Field(description="Bước đang làm.")
    attempts: int = Field(description="Số lần đã chạy (nhiều hơn 1: tiến trình trước dừng "
                                      "đột ngột và tác vụ được chạy lại).")
    error_code: str | None
    error: str | None
    version_ids: list[int] | None = Field(description="Các phiên bản đã lưu, khi xong.")
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, job: RenderJob) -> JobOut:
        return cls(id=job.id, action=job.action, dossier_id=job.dossier_id, status=job.status,
                   status_name=JOB_STATUS_NAMES.get(job.status, job.status),
                   progress=job.progress, stage=job.stage, attempts=job.attempts,
                   error_code=job.error_code, error=job.error, version_ids=job.result,
                   created_at=as_utc(job.created_at),
                   finished_at=as_utc(job.finished_at) if job.finished_at else None)


def render_queue(request: Request) -> Any:
    return request.app.state.render_queue


@router.get("/{job_id}", summary="Trạng thái và tiến độ một tác vụ kết xuất")
def get_job(job_id: int, user: UserDep, workflow: WorkflowDep) -> JobOut:
    return JobOut.of(job_actions.job_for(workflow, user, job_id))


@router.post("/{job_id}/cancel", summary="Hủy một tác vụ kết xuất",
             description="Tác vụ đang chờ thì không chạy nữa; đang chạy thì dừng ở bước kế "
                         "tiếp và không lưu gì.")
def cancel_job(job_id: int, request: Request, user: UserDep, workflow: WorkflowDep) -> JobOut:
    return JobOut.of(job_actions.cancel(workflow, render_queue(request), user, job_id))


def wants_async(request: Request) -> bool:
    return "respond-async" in request.headers.get("prefer", "").lower()


async def answer(request: Request, workflow: Any, user: Any, job: RenderJob,
                 status_code: int) -> Any:
    """Wait for `job` (see the module's docstring) and answer with its versions."""
    wait = request.app.state.settings.render_wait_seconds
    deadline = time.monotonic() + (0 if wants_async(request) else wait)
    while job.status in ("queued", "running") and time.monotonic() < deadline:
        if await request.is_disconnected():
            await run_in_threadpool(job_actions.cancel, workflow, render_queue(request),
                                    user, job.id)
            return JSONResponse({"code": "cancelled", "message": "Đã hủy."}, status_code=499)
        await asyncio.sleep(POLL_SECONDS)
        job = await run_in_threadpool(workflow.archive.get_job, job.id)
    if job.status in ("queued", "running"):
        return JSONResponse(JobOut.of(job).model_dump(mode="json"), status_code=202,
                            headers={"Location": f"/jobs/{job.id}"})
    if job.status != "done":
        raise HttpError(job.error_code or "render_error",
                        job.error or "Không kết xuất được văn bản.")
    records = await run_in_threadpool(lambda: [workflow.archive.get_version(v)
                                               for v in job.result or []])
    return JSONResponse([VersionOut.of(r).model_dump(mode="json") for r in records],
                        status_code=status_code, headers={"X-Job": str(job.id)})
