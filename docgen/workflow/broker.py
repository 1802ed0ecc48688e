"""Render jobs through a broker (Redis or RabbitMQ), with Dramatiq: the one module that
imports it.

The service sends a message holding only the job's id (``docgen_render`` on queue
`queue_name`); ``docgen worker`` processes, on any machine that reaches the broker and
the archive (the same PostgreSQL database and blob folder), receive it and run
:func:`docgen.workflow.jobs.run_job`. Messages are acknowledged after the job ran, so a
worker killed mid-job leaves its message unacknowledged: RabbitMQ delivers it again as
soon as the dead worker's connection drops; Redis once another worker's maintenance sees
the dead one's heartbeat older than `heartbeat_seconds`. Dramatiq's own retries are off
(the job row counts attempts and records failures).
"""

from __future__ import annotations

import signal
import threading
from typing import Any

import dramatiq
from dramatiq.brokers.rabbitmq import RabbitmqBroker
from dramatiq.brokers.redis import DEFAULT_MAINTENANCE_CHANCE, MAINTENANCE_SCALE, RedisBroker

from docgen.archive.schema import RenderJob
from docgen.archive.store import Archive
from docgen.workflow.errors import UnsupportedError
from docgen.workflow.jobs import MAX_ATTEMPTS, run_job

ACTOR = "docgen_render"
#: A render may take long (thousands of units); Dramatiq's default limit is 10 minutes.
TIME_LIMIT_MS = 60 * 60 * 1000


def make_broker(url: str, *, heartbeat_seconds: float = 60, worker: bool = False) -> Any:
    """Return a Dramatiq broker for a ``redis://`` or ``amqp://`` URL.

    On Redis a worker looks for dead workers' messages on every command (Dramatiq's
    default, one command in a thousand, can leave a killed worker's job waiting for many
    minutes); a worker's command is a cheap sorted-set range, and workers are few.
    """
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisBroker(url=url, heartbeat_timeout=int(heartbeat_seconds * 1000),
                           maintenance_chance=MAINTENANCE_SCALE if worker
                           else DEFAULT_MAINTENANCE_CHANCE)
    if url.startswith(("amqp://", "amqps://")):
        return RabbitmqBroker(url=url)
    raise UnsupportedError(f"Địa chỉ hàng đợi {url.split('://')[0]!r}:// không được hỗ trợ; "
                           "cần redis://… hoặc amqp://…")


class BrokerQueue:
    """Sends job ids to the broker; with :meth:`work`, runs them (``docgen worker``)."""

    def __init__(self, url: str, queue_name: str = "docgen-render", *,
                 heartbeat_seconds: float = 60, worker: bool = False):
        self.broker = make_broker(url, heartbeat_seconds=heartbeat_seconds, worker=worker)
        self.queue_name = queue_name
        self.archive: Archive | None = None
        self.actor = dramatiq.Actor(self._run, broker=self.broker, actor_name=ACTOR,
                                    queue_name=queue_name, priority=0,
                                    options={"max_retries": 0, "time_limit": TIME_LIMIT_MS})

    def submit(self, job: RenderJob) -> None:
        self.actor.send(job.id)

    def cancel(self, job_id: int) -> None:
        """Nothing to do here: a job's row says it was cancelled, the worker reads it."""

    def purge(self) -> None:
        """Drop every message of the queue (tests; an operator clearing a queue)."""
        self.broker.flush(self.queue_name)

    def close(self) -> None:
        self.broker.close()

    def _run(self, job_id: int) -> None:
        if self.archive is None:  # pragma: no cover  (only a worker consumes)
            raise RuntimeError("this queue does not run jobs")
        run_job(self.archive, job_id, max_attempts=MAX_ATTEMPTS)

    def work(self, archive: Archive, *, threads: int = 1,
             stop: threading.Event | None = None) -> None:
        """Run jobs from the queue until SIGTERM/SIGINT (or `stop` is set)."""
        self.archive = archive
        stop = stop or threading.Event()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, lambda *_: stop.set())
        worker = dramatiq.Worker(self.broker, queues={self.queue_name},
                                 worker_threads=threads, worker_timeout=500)
        worker.start()
        try:
            stop.wait()
        finally:
            worker.stop(timeout=60_000)
            self.broker.close()
