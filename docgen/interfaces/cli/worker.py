"""``docgen worker``: run render jobs from a broker, on this machine or any other.

A worker needs what the service has: the broker (``--broker`` or ``broker_url``, the same
queue name), the database (``--database``, PostgreSQL when workers run on several
machines) and the blob folder (``--data``, the same folder, shared over the network when
on several machines). It renders one job at a time; run one worker per core. Its options
fall back on the settings file and the environment like every command's.
"""

from __future__ import annotations

from typing import Annotated

import typer

from docgen.errors import DocgenError
from docgen.interfaces.cli import (
    DatabaseOption,
    DataOption,
    app,
    load_settings,
    startup_errors,
)


@app.command()
def worker(
    broker: Annotated[str | None, typer.Option(
        "--broker", help="Địa chỉ hàng đợi: redis://127.0.0.1:6379/0 hoặc "
                         "amqp://guest:guest@127.0.0.1:5672/ (mặc định: broker_url trong "
                         "docgen.toml hoặc DOCGEN_BROKER_URL).", show_default=False)] = None,
    data: DataOption = None,
    database: DatabaseOption = None,
    queue: Annotated[str | None, typer.Option(
        "--queue", help="Tên hàng đợi, như của dịch vụ (mặc định docgen-render).",
        show_default=False)] = None,
    heartbeat: Annotated[float | None, typer.Option(
        "--heartbeat", help="Redis: sau chừng này giây im lặng, một tiến trình được coi là "
                            "đã dừng và tác vụ dở của nó được chạy lại (mặc định 60).",
        show_default=False)] = None,
) -> None:
    """Chạy các tác vụ kết xuất từ hàng đợi (Redis hoặc RabbitMQ) cho tới khi bị dừng."""
    from docgen.interfaces import operator
    from docgen.workflow.broker import BrokerQueue

    settings = load_settings(data_dir=data, database_url=database, broker_url=broker,
                             broker_queue=queue, broker_heartbeat_seconds=heartbeat)
    if not settings.broker_url:
        typer.echo("Lỗi: cần địa chỉ hàng đợi (--broker redis://… hoặc amqp://…, hoặc "
                   "broker_url trong docgen.toml).", err=True)
        raise typer.Exit(code=2)
    with startup_errors():
        archive = operator.open_archive(settings.data_dir, settings.database_url,
                                        schema=settings.database_schema,
                                        timeouts=settings.timeouts)
    try:
        try:
            jobs = BrokerQueue(settings.broker_url, settings.broker_queue,
                               heartbeat_seconds=settings.broker_heartbeat_seconds, worker=True)
        except DocgenError as error:
            typer.echo(f"Lỗi: {error}", err=True)
            raise typer.Exit(code=2) from error
        typer.echo(f"docgen worker: hàng đợi {settings.broker_queue!r} trên "
                   f"{settings.broker_url.split('@')[-1]}", err=True)
        jobs.work(archive)
    finally:
        archive.close()
