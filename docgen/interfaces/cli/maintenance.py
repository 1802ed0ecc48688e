"""Upgrades and backups: ``docgen db status|upgrade``, ``docgen archive backup|restore``.

The schema changes only here: opening an archive anywhere else refuses a schema that is
not the code's (exit 9, one line naming ``docgen db upgrade``). An upgrade first says
what it will change and writes a backup bundle; a restore checks every hash before it
writes anything, then verifies the rebuilt archive.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from docgen.errors import DocgenError
from docgen.interfaces.cli import (
    DatabaseOption,
    DataOption,
    ProgressOption,
    Typer,
    app,
    archive_app,
    archive_exit_code,
    load_settings,
    opened_archive,
    startup_errors,
)

db_app = Typer(no_args_is_help=True,
                     help="Phiên bản lược đồ cơ sở dữ liệu: xem và nâng cấp (có sao lưu).")
app.add_typer(db_app, name="db")


def _fail(error: DocgenError) -> typer.Exit:
    for line in str(error).splitlines():
        typer.echo(f"Lỗi: {line}", err=True)
    return typer.Exit(code=archive_exit_code(error))


def _target(data: Path | None, database: str | None) -> tuple[Path, str | None, Any]:
    """The data folder, database URL and an engine for it, from the options and the
    settings (the folder must belong to that database)."""
    from docgen.archive import binding
    from docgen.archive.database import make_engine, normalise_url, sqlite_url

    settings = load_settings(data_dir=data, database_url=database)
    folder, url = Path(settings.data_dir), settings.database_url
    with startup_errors():
        url = normalise_url(url) if url else None
        binding.check(folder, url, settings.database_schema)
        if not url:
            folder.mkdir(parents=True, exist_ok=True)
        engine = make_engine(url or sqlite_url(folder), schema=settings.database_schema,
                             timeouts=settings.timeouts)
    return folder, url, engine


def _plan(state) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"  {revision}: {what}" for revision, what in state.pending]


@db_app.command("status")
def db_status(data: DataOption = None, database: DatabaseOption = None) -> None:
    """Cho biết lược đồ của kho đang ở phiên bản nào và cần nâng cấp gì (mã thoát 9 nếu cần)."""
    from docgen.archive.database import SchemaState, head_revision, schema_state, steps_after
    from docgen.archive.store import upgrade_command

    settings = load_settings(data_dir=data, database_url=database)
    data, database = Path(settings.data_dir), settings.database_url
    if not database and not (data / "archive.sqlite3").exists():
        state = SchemaState(None, head_revision(), steps_after(None))
    else:
        data, database, engine = _target(data, database)
        try:
            with startup_errors():
                state = schema_state(engine)
        finally:
            engine.dispose()
    if state.up_to_date:
        typer.echo(f"Lược đồ kho lưu trữ: {state.current} (mới nhất).")
        return
    if state.unknown:
        typer.echo(f"Lược đồ kho lưu trữ: {state.current}, mới hơn phần mềm này "
                   f"({state.head}); hãy dùng bản docgen đã nâng cấp kho.")
        raise typer.Exit(code=9)
    now = "chưa khởi tạo" if state.current is None else state.current
    typer.echo(f"Lược đồ kho lưu trữ: {now}; phần mềm cần {state.head}. "
               f"Cần {len(state.pending)} bước:")
    for line in _plan(state):
        typer.echo(line)
    typer.echo(f"Hãy chạy: {upgrade_command(data, database)}")
    raise typer.Exit(code=9)


@db_app.command("upgrade")
def db_upgrade(
    data: DataOption = None,
    database: DatabaseOption = None,
    backup_to: Annotated[Path | None, typer.Option(
        "--backup", help="Thư mục ghi bản sao lưu trước khi nâng cấp (mặc định: "
                         "DATA/backups/truoc-nang-cap-…).")] = None,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Chỉ in những gì sẽ thay đổi, không sao lưu, không nâng cấp.")] = False,
) -> None:
    """Nâng cấp lược đồ kho lưu trữ lên phiên bản của phần mềm (sao lưu trước), hoặc khởi
    tạo kho mới."""
    from docgen.archive.backup import backup
    from docgen.archive.blobs import BlobStore
    from docgen.archive.database import schema_state, upgrade

    data, database, engine = _target(data, database)
    try:
        with startup_errors():
            state = schema_state(engine)
        if state.up_to_date:
            typer.echo(f"Lược đồ kho lưu trữ đã là {state.head} (mới nhất); không có gì để "
                       "nâng cấp.")
            return
        if state.unknown:
            typer.echo(f"Lỗi: kho lưu trữ ở phiên bản lược đồ {state.current}, mới hơn phần "
                       f"mềm này ({state.head}); không nâng cấp.", err=True)
            raise typer.Exit(code=9)
        fresh = state.current is None
        heading = (f"Khởi tạo kho lưu trữ mới (lược đồ {state.head}):" if fresh else
                   f"Nâng cấp lược đồ kho lưu trữ từ {state.current} lên {state.head}:")
        typer.echo(heading)
        for line in _plan(state):
            typer.echo(line)
        if dry_run:
            typer.echo("(--dry-run: không thay đổi gì.)")
            return
        if not fresh:
            moment = datetime.now(UTC)
            target = backup_to or (data / "backups" /
                                   f"truoc-nang-cap-{state.current}-{moment:%Y%m%dT%H%M%SZ}")
            made = backup(engine, BlobStore(data / "blobs"), target, link=backup_to is None,
                          at=moment)
            typer.echo(f"Đã sao lưu vào {made.path} ({made.blobs} tệp, "
                       f"{sum(made.tables.values())} dòng dữ liệu).")
        upgrade(engine)
        _checkpoint(engine, BlobStore(data / "blobs"))
    except DocgenError as error:
        raise _fail(error) from error
    finally:
        engine.dispose()
    typer.echo(f"Đã {'khởi tạo' if fresh else 'nâng cấp'} kho lưu trữ: lược đồ {state.head}.")


def _checkpoint(engine, blobs) -> None:  # type: ignore[no-untyped-def]
    """Record the chain's head after an upgrade (the migration chained the existing rows)."""
    from docgen.archive import chain

    with engine.connect() as connection:
        seq, sha256 = chain.head(connection)
    if seq:
        chain.write_checkpoint(blobs, seq, sha256)


@archive_app.command("backup")
def archive_backup(
    dest: Annotated[Path, typer.Argument(help="Thư mục mới sẽ chứa bản sao lưu.")],
    data: DataOption = None,
    database: DatabaseOption = None,
) -> None:
    """Sao lưu kho (cơ sở dữ liệu, tệp, bản kê mã băm) trong khi dịch vụ vẫn chạy."""
    from docgen.archive.backup import backup
    from docgen.interfaces import operator

    try:
        with opened_archive(data, database) as archive:
            made = backup(archive.engine, archive.blobs, dest)
    except OSError as error:
        typer.echo(f"Lỗi: {dest}: không ghi được bản sao lưu ({error.strerror or error}); "
                   "không có bản sao lưu nào được ghi.", err=True)
        raise typer.Exit(code=4) from error
    chain = f"; chuỗi băm đến mục {made.chain['seq']}" if made.chain else ""
    typer.echo(f"Đã sao lưu vào {made.path}: lược đồ {made.revision}, "
               f"{sum(made.tables.values())} dòng dữ liệu, {made.blobs} tệp ({made.bytes} byte)"
               f"{chain}. Kiểm tra: cd {made.path} && sha256sum -c SHA256SUMS")


@archive_app.command("restore")
def archive_restore(
    bundle: Annotated[Path, typer.Argument(help="Thư mục bản sao lưu.")],
    data: Annotated[Path | None, typer.Option("--data", help="Thư mục dữ liệu MỚI (trống).")
                    ] = None,
    database: DatabaseOption = None,
    check: Annotated[bool, typer.Option(
        "--check", help="Chỉ băm lại và đối chiếu bản sao lưu với bản kê, không khôi phục.")
    ] = False,
) -> None:
    """Dựng lại kho từ một bản sao lưu vào thư mục dữ liệu mới (và cơ sở dữ liệu trống)."""
    from docgen.archive.backup import check_bundle, restore
    from docgen.archive.database import head_revision
    from docgen.archive.store import upgrade_command

    if check:
        try:
            summary = check_bundle(bundle)
        except DocgenError as error:
            raise _fail(error) from error
        for problem in summary.problems:
            typer.echo(f"HỎNG: {problem}")
        typer.echo(f"Bản sao lưu {bundle} ({summary.created_at}, lược đồ {summary.revision}, "
                   f"{summary.blobs} tệp): "
                   + ("nguyên vẹn." if not summary.problems else
                      f"có {len(summary.problems)} chỗ không khớp."))
        if summary.problems:
            raise typer.Exit(code=5)
        return
    if data is None:
        typer.echo("Lỗi: cần --data: thư mục dữ liệu mới để khôi phục vào.", err=True)
        raise typer.Exit(code=2)
    try:
        schema = load_settings(data_dir=data, database_url=database).database_schema \
            if database else None
        done = restore(bundle, data, database, schema=schema)
    except DocgenError as error:
        raise _fail(error) from error
    except OSError as error:
        typer.echo(f"Lỗi: {data}: không ghi được ({error.strerror or error}); đã gỡ phần "
                   "đã ghi.", err=True)
        raise typer.Exit(code=4) from error
    summary = done.summary
    typer.echo(f"Đã khôi phục {bundle} vào {data}: lược đồ {summary.revision}, "
               f"{sum(summary.tables.values())} dòng dữ liệu, {summary.blobs} tệp.")
    if summary.revision != head_revision():
        typer.echo(f"Lược đồ của bản sao lưu cũ hơn phần mềm; hãy chạy: "
                   f"{upgrade_command(data, database)}")
        return
    _verify(data, database, None)


@archive_app.command("verify")
def archive_verify(
    data: DataOption = None,
    database: DatabaseOption = None,
    agency: Annotated[str | None, typer.Option(
        "--agency", help="Chỉ kiểm tra tệp của một cơ quan (mã cơ quan).")] = None,
    progress: ProgressOption = False,
) -> None:
    """Băm lại các tệp trong kho, kiểm tra chuỗi băm và báo chỗ bị thay đổi (mã thoát 5 nếu
    có)."""
    _verify(data, database, agency, progress)


def _verify(data: Path | None, database: str | None, agency: str | None,
            progress: bool = False) -> None:
    """Verify, print the report; a full disk is one line (exit 11), after the report if it
    was made (only its audit line could not be written)."""
    from docgen.archive.errors import StorageFullError
    from docgen.interfaces import operator

    from docgen.interfaces.cli.progress import Progress, wanted

    steps = Progress(wanted(progress), total=0)
    with opened_archive(data, database) as archive:
        if agency is not None:
            archive.get_agency(agency)
        try:
            report = archive.verify(agency, lambda done, total: steps.count(
                done, total, "tệp đã băm lại"))
        except StorageFullError as error:
            raise _fail(error) from error
        typer.echo(operator.verify_text(report))
        steps.finish(f"{report.checked} tệp, {len(report.problems)} hỏng")
        try:
            operator.record_verify(archive, operator.Actor(operator.OPERATOR, agency or "-"),
                                   report)
        except StorageFullError as error:
            typer.echo(f"Lỗi: {error} (kết quả kiểm tra ở trên vẫn đúng; chỉ dòng nhật ký của "
                       "lần kiểm tra này chưa ghi được.)", err=True)
            raise typer.Exit(code=11) from error
    if not report.clean:
        raise typer.Exit(code=5)
