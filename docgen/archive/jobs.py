"""The archive's record of render jobs: created under limits, claimed, advanced, finished.

A mixin of :class:`docgen.archive.store.Archive`. Job rows are the one source of truth
about a job, whichever queue carries it (the embedded executor or a broker): a queue
only carries a job's id. Creating a job counts the jobs still queued or running of the
same user and agency in the same transaction that inserts it (the agency's row locked on
PostgreSQL, the whole database under ``BEGIN IMMEDIATE`` on SQLite), so two requests at
the same moment cannot both pass a limit.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from docgen.archive.errors import ConflictError, NotFoundError
from docgen.archive.schema import Agency, RenderJob

#: A job in one of these states still holds a place under the limits.
ACTIVE = ("queued", "running")
#: A job in one of these states never runs again.
FINAL = ("done", "refused", "failed", "cancelled")


def _now() -> datetime:
    return datetime.now(UTC)


class JobClosedError(ConflictError):
    """Raised when a worker tries to finish a job that is no longer its to finish
    (done by another attempt, or cancelled)."""


class JobStore:
    """Render jobs (mixed into Archive)."""

    # Provided by Archive.
    def _reading(self) -> AbstractContextManager[Session]: ...  # pragma: no cover
    def _writing(self) -> AbstractContextManager[Session]: ...  # pragma: no cover

    def create_job(self, *, action: str, dossier_id: int, user_id: int, agency: str,
                   params: dict[str, Any],
                   check: Callable[[int, int], None] | None = None) -> RenderJob:
        """Insert a queued job; `check(user_active, agency_active)` may refuse it first."""
        with self._writing() as session:
            session.scalars(select(Agency.code).where(Agency.code == agency)
                            .with_for_update()).first()
            if check is not None:
                active = select(func.count(RenderJob.id)).where(RenderJob.status.in_(ACTIVE))
                check(session.scalar(active.where(RenderJob.user_id == user_id)) or 0,
                      session.scalar(active.where(RenderJob.agency == agency)) or 0)
            job = RenderJob(action=action, dossier_id=dossier_id, user_id=user_id,
                            agency=agency, status="queued", params=params, progress=0,
                            stage="Đang chờ", attempts=0, cancel_requested=False,
                            created_at=_now())
            session.add(job)
            session.flush()
        return job

    def get_job(self, job_id: int, agency: str | None = None) -> RenderJob:
        """Return a job; one of another agency is reported as not found."""
        with self._reading() as session:
            job = session.get(RenderJob, job_id)
        if job is None or (agency is not None and job.agency != agency):
            raise NotFoundError(f"Không tìm thấy tác vụ kết xuất số {job_id}.")
        return job

    def list_jobs(self, dossier_id: int, *, limit: int = 10) -> list[RenderJob]:
        """Return the dossier's latest jobs, newest first."""
        with self._reading() as session:
            return list(session.scalars(select(RenderJob)
                                        .where(RenderJob.dossier_id == dossier_id)
                                        .order_by(RenderJob.id.desc()).limit(limit)))

    def active_jobs(self) -> list[RenderJob]:
        """Return every job queued or running, oldest first (to re-queue after a restart)."""
        with self._reading() as session:
            return list(session.scalars(select(RenderJob)
                                        .where(RenderJob.status.in_(ACTIVE))
                                        .order_by(RenderJob.id)))

    def start_job(self, job_id: int, worker: str, *, max_attempts: int) -> RenderJob | None:
        """Mark the job running on `worker` and count the attempt; None when it must not
        run (finished already, cancelled, or out of attempts: then marked failed)."""
        with self._writing() as session:
            job = _lock(session, job_id)
            if job.status in FINAL:
                return None
            if job.cancel_requested:
                _close(job, "cancelled", "cancelled", "Đã hủy theo yêu cầu.")
                return None
            if job.attempts >= max_attempts:
                _close(job, "failed", "worker_lost",
                       f"Tiến trình kết xuất dừng đột ngột {job.attempts} lần; đã ngừng thử lại.")
                return None
            job.status, job.worker, job.started_at = "running", worker, _now()
            job.attempts += 1
            session.flush()
        return job

    def job_progress(self, job_id: int, progress: int, stage: str) -> bool:
        """Record the job's progress; return True when someone asked to cancel it."""
        with self._writing() as session:
            job = _lock(session, job_id)
            if job.status == "running":
                job.progress, job.stage = max(job.progress, min(progress, 99)), stage[:200]
            return job.cancel_requested or job.status != "running"

    def finish_job(self, job_id: int, status: str, *, code: str | None = None,
                   message: str | None = None) -> None:
        """Close a job that did not store versions (refused, failed, cancelled)."""
        with self._writing() as session:
            job = _lock(session, job_id)
            if job.status not in FINAL:
                _close(job, status, code, message)

    def cancel_job(self, job_id: int) -> RenderJob:
        """Cancel a queued job at once; ask a running one to stop at its next step."""
        with self._writing() as session:
            job = _lock(session, job_id)
            if job.status == "queued":
                _close(job, "cancelled", "cancelled", "Đã hủy theo yêu cầu.")
            elif job.status == "running":
                job.cancel_requested = True
            session.flush()
        return job

    def _claim_job(self, session: Session, job_id: int) -> RenderJob:
        """Lock the job whose versions are being stored; refuse when it is not running."""
        job = _lock(session, job_id)
        if job.status != "running" or job.cancel_requested:
            raise JobClosedError(f"Tác vụ kết xuất số {job_id} đã kết thúc hoặc đã bị hủy.")
        return job

    def recent_duration(self, agency: str) -> float | None:
        """Return the mean duration in seconds of the agency's last finished jobs."""
        with self._reading() as session:
            rows = session.execute(select(RenderJob.started_at, RenderJob.finished_at)
                                   .where(RenderJob.agency == agency,
                                          RenderJob.status == "done")
                                   .order_by(RenderJob.id.desc()).limit(20)).all()
        spans = [(f - s).total_seconds() for s, f in rows if s is not None and f is not None]
        return sum(spans) / len(spans) if spans else None


def _lock(session: Session, job_id: int) -> RenderJob:
    job = session.scalars(select(RenderJob).where(RenderJob.id == job_id)
                          .with_for_update()).first()
    if job is None:
        raise NotFoundError(f"Không tìm thấy tác vụ kết xuất số {job_id}.")
    return job


def _close(job: RenderJob, status: str, code: str | None, message: str | None) -> None:
    job.status, job.error_code, job.error, job.finished_at = status, code, message, _now()


def mark_done(job: RenderJob, version_ids: list[int]) -> None:
    """Mark a claimed job done with the versions it stored (in the storing transaction)."""
    job.status, job.result, job.progress, job.stage = "done", version_ids, 100, "Xong"
    job.finished_at = _now()
