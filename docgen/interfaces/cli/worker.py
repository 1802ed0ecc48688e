"""``docgen worker``: run render jobs from a broker, on this machine or any other.

A worker needs what the service has: the broker (``--broker``, the same queue name),
the database (``--database``, PostgreSQL when workers run on several machines) and the
blob folder (``--data``, the same folder, shared over the network when on several
machines). It renders one job at a time; run one worker per core.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from docgen.errors import DocgenError
from docgen.interfaces.cli import DatabaseOption, DataOption, _archive_failure, app

BrokerOption = Annotated[str, typer.Option(
    "--broker", help="Địa chỉ hàng đợi: redis://127.0.0.1:6379/0 hoặc "
                     "amqp://guest:guest@127.0.0.1:5672/.")]


@app.command()
def worker(
    broker: BrokerOption,
    data: DataOption = Path("data"),
    database: DatabaseOption = None,
    queue: Annotated[str, typer.Option("--queue", help="Tên hàng đợi (như dịch vụ).")] = (
        "docgen-render"),
    heartbeat: Annotated[float, typer.Option(
        "--heartbeat", help="Redis: sau chừng này giây im lặng, một tiến trình được coi là "
                            "đã dừng và tác vụ dở của nó được chạy lại.")] = 60,
) -> None:
    """Chạy các tác vụ kết xuất từ hàng đợi (Redis hoặc RabbitMQ) cho tới khi bị dừng."""
    from docgen.archive.store import Archive
    from docgen.workflow.broker import BrokerQueue

    try:
        archive = Archive(data, database)
        jobs = BrokerQueue(broker, queue, heartbeat_seconds=heartbeat, worker=True)
    except DocgenError as exc:
        raise _archive_failure(exc) from exc
    typer.echo(f"docgen worker: hàng đợi {queue!r} trên {broker.split('@')[-1]}", err=True)
    try:
        jobs.work(archive)
    finally:
        archive.close()
