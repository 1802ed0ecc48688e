"""The ``docgen`` command line: render, check, demo, schema.

An adapter only: it parses arguments, calls :mod:`docgen.pipeline`, prints Vietnamese
messages for the clerk and maps docgen's errors to exit codes (2 bad input, 3 template or
rendering failure, 4 the output folder cannot be written).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from docgen.atomic import write_atomically
from docgen.compute.compare import RoundComparison
from docgen.compute.results import RoundResult, compute_round
from docgen.context.summary import check_summary
from docgen.errors import DocgenError, InputError, Problem
from docgen.interfaces.cli.vietnamese import InvalidValue, Typer
from docgen.model.dossier import Dossier, Scheme
from docgen.model.loader import load_dossier
from docgen.model.sources import SheetClaims
from docgen.pipeline import render_package, write_files
from docgen.render import FORMATS

app = Typer(name="docgen", add_completion=False, no_args_is_help=True,
                  help="Soạn Quyết định công bố Chỉ số CCHC, Báo cáo và Phụ lục (DOCX, PDF).")


def _version(value: bool) -> None:
    if value:
        from docgen.workflow.provenance import docgen_version

        typer.echo(f"docgen {docgen_version()}")
        raise typer.Exit()


#: ``--progress`` of the long commands (render, demo, archive verify).
ProgressOption = Annotated[bool, typer.Option(
    "--progress", help="In tiến độ từng bước ra stderr (mặc định: chỉ khi chạy trong "
                       "terminal).")]

#: Options of the whole command line (``docgen --config FILE …``).
_STATE: dict[str, Any] = {}


@app.callback()
def main(
    _version_flag: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="In phiên bản docgen.")] = False,
    config: Annotated[Path | None, typer.Option(
        "--config", help="Tệp cấu hình TOML (mặc định: $DOCGEN_CONFIG, hoặc docgen.toml ở "
                         "thư mục hiện tại nếu có).", show_default=False)] = None,
) -> None:
    """Soạn Quyết định công bố Chỉ số CCHC, Báo cáo và Phụ lục (DOCX, PDF)."""
    _STATE["config"] = config


def _use_resources(settings: Any) -> None:
    """Read templates and fonts from the folders the settings name (if they name any)."""
    from docgen import resources

    resources.use(templates=settings.templates, fonts=settings.fonts)


def _configured_resources() -> None:
    """For the document commands: apply templates/fonts settings, but only pay for loading
    the settings (the service's modules) when a settings file or variable could set them."""
    import os

    if _STATE.get("config") or os.environ.get("DOCGEN_CONFIG") or os.environ.get(
            "DOCGEN_FONTS") or Path("docgen.toml").is_file():
        _use_resources(load_settings())


def _fail(error: DocgenError) -> typer.Exit:
    for line in str(error).splitlines():
        typer.echo(f"Lỗi: {line}", err=True)
    return typer.Exit(code=2 if isinstance(error, InputError) else 3)


def _formats(value: str) -> list[str]:
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InvalidValue(f"cần một trong {', '.join(FORMATS)}; nhận được {value!r}",
                           param_hint="--format")
    return formats


@app.command()
def render(
    dossier: Annotated[Path, typer.Argument(help="Tệp hồ sơ (YAML hoặc JSON).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Thư mục ghi kết quả.")] = Path("out"),
    format: Annotated[str, typer.Option("--format", help="docx, pdf hoặc docx,pdf.")] = "docx,pdf",
    draft: Annotated[bool, typer.Option("--draft", help="Xuất bản dự thảo (dấu DỰ THẢO).")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Số liệu gõ tay trong phần nhận xét sai với dữ liệu là lỗi, không "
                         "xuất văn bản.")] = False,
    progress: ProgressOption = False,
    templates: Annotated[Path | None, typer.Option(
        "--templates", help="Thư mục bộ mẫu của cơ quan (docgen templates copy); văn bản "
                            "nào thiếu mẫu thì dùng mẫu có sẵn.")] = None,
) -> None:
    """Xuất Quyết định, Báo cáo và Phụ lục của một hồ sơ."""
    from docgen.interfaces.cli.progress import Progress, wanted
    from docgen.render import DOCUMENTS

    formats = _formats(format)
    _configured_resources()
    steps = Progress(wanted(progress), total=4 + len(DOCUMENTS) * len(formats))
    if templates is not None and not templates.is_dir():
        typer.echo(f"Lỗi: --templates {templates}: cần một thư mục bộ mẫu; không tìm thấy.",
                   err=True)
        raise typer.Exit(code=2)
    try:
        steps.step(f"đọc và kiểm tra hồ sơ {dossier}")
        loaded, result = _load_and_warn(dossier, strict)
        documents = render_package(loaded, formats=formats, draft=draft, result=result,
                                   progress=steps.step, template_root=templates)
        steps.step(f"ghi {len(documents)} tệp vào {output}")
        paths = write_files(documents, output)
    except DocgenError as error:
        raise _fail(error) from error
    except OSError as error:
        typer.echo(f"Lỗi: {output}: không ghi được kết quả ({error.strerror or error}); "
                   "không tệp nào được ghi.", err=True)
        raise typer.Exit(code=4) from error
    for path in paths:
        typer.echo(f"Đã ghi {path}")
    size = sum(len(d.data) for d in documents)
    steps.finish(f"{len(paths)} tệp, {f'{size / 1024:,.0f}'.replace(',', '.')} KB")


@app.command()
def check(dossier: Annotated[Path, typer.Argument(help="Tệp hồ sơ (YAML hoặc JSON).")],
          strict: Annotated[bool, typer.Option(
              "--strict", help="Số liệu gõ tay trong phần nhận xét sai với dữ liệu là lỗi "
                               "(mã thoát 2).")] = False) -> None:
    """Kiểm tra hồ sơ và in kết quả tính toán của từng khối."""
    from docgen.pipeline import compare_with_previous

    try:
        loaded, result = _load_and_warn(dossier, strict)
    except DocgenError as error:
        raise _fail(error) from error
    typer.echo(summary(loaded, result, compare_with_previous(loaded, result)))


def summary(dossier: Dossier, result: RoundResult,
            comparison: RoundComparison | None = None) -> str:
    """Return the computed summary of each block, as `docgen check` prints it, with the
    year-over-year lines when the dossier has a previous round."""
    return check_summary(dossier, result, comparison)


@app.command()
def demo(output: Annotated[Path, typer.Option("-o", "--output")] = Path("out"),
         progress: ProgressOption = False) -> None:
    """Xuất bộ hồ sơ mẫu Sơn La 2025 vào thư mục out/."""
    from docgen.resources import demo_dossier

    render(demo_dossier(), output=output, format="docx,pdf", draft=False, progress=progress)


@app.command()
def schema() -> None:
    """In JSON Schema của tệp hồ sơ."""
    sys.stdout.write(json.dumps(Dossier.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


# --- Spreadsheets: import unit scores, export results, warnings about a sheet's own claims ---
# (issue 3; commands `import` and `export`, and `_load_and_warn` used by `render` and `check`)


def _load_and_warn(path: Path, strict: bool = False) -> tuple[Dossier, RoundResult]:
    """Load a dossier and compute its round, once for the whole command; print on stderr,
    each once, where its spreadsheets disagree with docgen's figures, which units are
    probably last year's under another name, and which numbers typed in the narrative the
    data contradicts. With `strict`, those numbers are errors (InputError) instead."""
    from docgen.claims.facts import Facts
    from docgen.claims.narrative import narrative_problems
    from docgen.claims.warnings import round_warnings
    from docgen.model.loader import read_dossier
    from docgen.pipeline import compare_with_previous

    dossier, sheets = read_dossier(path)
    result = compute_round(dossier)
    _notes(sheets)
    comparison = compare_with_previous(dossier, result)
    if strict:
        problems = narrative_problems(dossier, Facts.of(dossier, result, comparison), str(path))
        if problems:
            raise InputError(problems)
    _print_warnings(round_warnings(dossier, result, sheets, comparison, str(path)))
    return dossier, result


def _notes(sheets: Sequence[SheetClaims]) -> None:
    """Print the sheets' notes on reading them (legacy fonts converted…) on stderr."""
    from docgen.claims.warnings import unique

    for line in unique([f"{sheet.source}: {note}" for sheet in sheets for note in sheet.notes]):
        typer.echo(f"Ghi chú: {line}", err=True)


def _print_warnings(lines: Sequence[str]) -> None:
    from docgen.claims.warnings import unique

    for line in unique(lines):
        typer.echo(f"Cảnh báo: {line}", err=True)


def _warn(sheets: Sequence[SheetClaims], result: RoundResult | None) -> None:
    """Print the sheets' notes on stderr and, given the computed `result`, where the
    sheets' own figures disagree with it."""
    from docgen.claims import check_claims

    _notes(sheets)
    if sheets and result is not None:
        _print_warnings([d.message for d in check_claims(result, sheets)])


def _write_or_fail(path: Path, data: bytes) -> None:
    try:
        write_atomically(path, data)
    except OSError as error:
        typer.echo(f"Lỗi: {path}: không ghi được tệp ({error.strerror or error}); "
                   "không tệp nào được ghi.", err=True)
        raise typer.Exit(code=4) from error
    typer.echo(f"Đã ghi {path}")


@app.command()
def export(
    dossier: Annotated[Path, typer.Argument(help="Tệp hồ sơ (YAML hoặc JSON).")],
    xlsx: Annotated[Path, typer.Option("--xlsx", help="Tệp Excel (.xlsx) sẽ ghi.")],
) -> None:
    """Xuất kết quả tính toán ra bảng tính Excel (mỗi khối một trang tính)."""
    from docgen.pipeline import export_workbook

    try:
        data = export_workbook(*_load_and_warn(dossier))
    except DocgenError as error:
        raise _fail(error) from error
    _write_or_fail(xlsx, data)


@app.command("import")
def import_units(
    file: Annotated[Path, typer.Argument(help="Bảng điểm .xlsx hoặc .csv.")],
    sheet: Annotated[str | None, typer.Option("--sheet", help="Tên trang tính.")] = None,
    dossier: Annotated[Path | None, typer.Option(
        "--dossier", "-d", help="Hồ sơ có thang điểm (tên thành phần, lĩnh vực).")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Tệp YAML sẽ ghi.")] = None,
    block_number: Annotated[int | None, typer.Option(
        "--block", "--khoi", min=1,
        help="Số thứ tự khối trong hồ sơ có thang điểm riêng (mặc định: khối có 'nguồn' là "
             "trang tính này, nếu không thì thang điểm chung của hồ sơ).")] = None,
) -> None:
    """Đọc điểm các đơn vị từ bảng tính, in (hoặc ghi) danh sách 'đơn vị:' để dán vào hồ sơ.

    Với --dossier, thang điểm lấy từ hồ sơ và xếp hạng, xếp loại, tổng điểm bảng ghi được
    đối chiếu với kết quả tính (cảnh báo); không có: thang điểm thông dụng 70 + 30.
    """
    from docgen.compute.results import compute_block
    from docgen.model.dossier import Block
    from docgen.model.sources import read_units
    from docgen.model.units_yaml import DEFAULT_SCHEME, units_yaml

    loaded, index = None, None
    try:
        scheme = DEFAULT_SCHEME
        if dossier:
            loaded = load_dossier(dossier)
            index = _import_block(loaded, sheet, block_number)
            scheme = loaded.scheme_of(index) if index is not None else loaded.scheme
        units, claims = read_units(file, scheme, sheet=sheet, known_fields=dossier is not None)
        name = loaded.blocks[index].name if loaded is not None and index is not None else "bảng"
        block = Block.model_validate({"name": name, "description": "", "short_name": "",
                                      "subject": "", "units": units})
    except DocgenError as error:
        raise _fail(error) from error
    result = None
    if loaded is not None:
        claims.block = 0
        result = RoundResult(blocks=(compute_block(block, scheme),), survey=None)
    _warn([claims], result)
    if loaded is not None and result is not None and index is not None:
        _print_warnings(_import_renames(loaded, result, str(dossier)))
    text = units_yaml(units, f"{claims.source}" + (f", {claims.place}" if claims.place else ""),
                      claims.new_fields)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_or_fail(output, text.encode("utf-8"))


def _import_renames(dossier: Dossier, result: RoundResult, source: str) -> list[str]:
    """Probable renames of the imported sheet's units against the same block last year."""
    from docgen.claims.renames import rename_warnings
    from docgen.compute.compare import compare_rounds

    previous = dossier.previous_round
    if previous is None or dossier.previous is None:
        return []
    comparison = compare_rounds(result, compute_round(previous), previous.year,
                                dossier.previous.mapping)
    return rename_warnings(comparison, source, dossier.year)


def _import_block(dossier: Dossier, sheet: str | None, number: int | None) -> int | None:
    """The block (index) whose scheme `docgen import` reads a sheet with: the one named by
    number, else the block whose ``nguồn`` is that sheet; None: the dossier's own scheme."""
    if number is not None:
        if number > len(dossier.blocks):
            raise InputError([Problem("--block", "số khối", f"từ 1 đến {len(dossier.blocks)}",
                                      str(number))])
        return number - 1
    for index, block in enumerate(dossier.blocks):
        if block.source is not None and sheet is not None and block.source.sheet == sheet:
            return index
    return None


# -----------------------------------------------------------------------------------------
# Archive and HTTP service: docgen serve, docgen archive list|show|get|verify (agencies and
# users: docgen.interfaces.cli.accounts).
# The logic lives in docgen.interfaces.operator and docgen.interfaces.http (imported on use,
# so the document commands above do not load the database and web libraries).
# -----------------------------------------------------------------------------------------

archive_app = Typer(no_args_is_help=True, help="Xem, tải và kiểm tra kho lưu trữ.")
app.add_typer(archive_app, name="archive")

DataOption = Annotated[Path | None, typer.Option(
    "--data", help="Thư mục dữ liệu của kho lưu trữ (mặc định: data_dir trong docgen.toml, "
                   "DOCGEN_DATA_DIR, hoặc data/).", show_default=False)]
DatabaseOption = Annotated[str | None, typer.Option(
    "--database",
    help="URL cơ sở dữ liệu (mặc định: database_url trong docgen.toml, DOCGEN_DATABASE_URL, "
         "hoặc SQLite trong thư mục dữ liệu), ví dụ "
         "postgresql+psycopg://docgen@127.0.0.1:5432/docgen.")]


#: Exit codes of the archive's errors without their own ``exit_code`` (others: 2).
ARCHIVE_EXIT_CODES = {"corrupt_blob": 5}


def archive_exit_code(error: DocgenError) -> int:
    """The exit code of an archive error: its own (startup failures, 9 schema not the
    code's, 11 disk full), 5 damaged, else 2."""
    return getattr(error, "exit_code", None) or ARCHIVE_EXIT_CODES.get(error.code, 2)


@contextmanager
def startup_errors() -> Iterator[None]:
    """Turn a failure to start (settings, database, data folder, port) into one Vietnamese
    line on stderr and its exit code (README, "Exit codes"); never a traceback."""
    from docgen.archive.errors import StartupError

    try:
        yield
    except StartupError as error:
        typer.echo(f"Lỗi: {' '.join(str(error).split())}", err=True)
        raise typer.Exit(code=error.exit_code) from error


def load_settings(**options: Any) -> Any:
    """The settings (option > environment > settings file > default) for `options`
    given by name of the Settings field (None: not given)."""
    from docgen.interfaces import configuration

    with startup_errors():
        return configuration.load(options, config=_STATE.get("config"))


def open_archive(data: Path | None, database: str | None) -> Any:
    """Open the archive the options and the settings name; a failure to start exits
    with its code."""
    from docgen.interfaces import operator

    settings = load_settings(data_dir=data, database_url=database)
    with startup_errors():
        return operator.open_archive(settings.data_dir, settings.database_url,
                                     schema=settings.database_schema,
                                     timeouts=settings.timeouts)


def _archive_failure(error: DocgenError) -> typer.Exit:
    typer.echo(f"Lỗi: {error}", err=True)
    return typer.Exit(code=archive_exit_code(error))


@contextmanager
def opened_archive(data: Path | None, database: str | None) -> Iterator[Any]:
    """Open the archive for a command (as :func:`open_archive`) and close it after;
    docgen's errors become one line and their exit code."""
    archive = open_archive(data, database)
    try:
        yield archive
    except DocgenError as error:
        raise _archive_failure(error) from error
    finally:
        archive.close()


@app.command()
def serve(
    data: DataOption = None,
    database: DatabaseOption = None,
    host: Annotated[str | None, typer.Option(
        "--host", help="Địa chỉ lắng nghe (mặc định 127.0.0.1).", show_default=False)] = None,
    port: Annotated[int | None, typer.Option(
        "--port", help="Cổng (mặc định 8000).", show_default=False)] = None,
    root_path: Annotated[str | None, typer.Option(
        "--root-path", show_default=False,
        help="Tiền tố đường dẫn khi dịch vụ nằm sau proxy, ví dụ /docgen.")] = None,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy",
        help="Địa chỉ hoặc mạng của proxy được tin X-Forwarded-For/-Proto "
             "(lặp lại được), ví dụ 127.0.0.1.")] = None,
    broker: Annotated[str | None, typer.Option(
        "--broker", help="Hàng đợi cho các tiến trình docgen worker (redis://… hoặc "
                         "amqp://…); mặc định: broker_url trong docgen.toml, DOCGEN_BROKER_URL, "
                         "hoặc không có: dịch vụ tự kết xuất bằng tiến trình con.",
        show_default=False)] = None,
) -> None:
    """Chạy dịch vụ HTTP (mặc định http://127.0.0.1:8000, tài liệu API ở /docs)."""
    from docgen.interfaces.http.server import serve as run

    settings = load_settings(
        data_dir=data, database_url=database, host=host, port=port,
        root_path=root_path.rstrip("/") if root_path is not None else None,
        trusted_proxies=tuple(trusted_proxy) if trusted_proxy else None,
        broker_url=broker)
    _use_resources(settings)
    with startup_errors():
        run(settings)


@archive_app.command("list")
def archive_list(data: DataOption = None, database: DatabaseOption = None) -> None:
    """Liệt kê mọi phiên bản trong kho."""
    from docgen.interfaces import operator

    with opened_archive(data, database) as archive:
        typer.echo(operator.list_versions(archive))


@archive_app.command("show")
def archive_show(version: Annotated[int, typer.Argument(help="Số phiên bản.")],
                 data: DataOption = None, database: DatabaseOption = None) -> None:
    """In thông tin một phiên bản: mã băm, nguồn gốc, siêu dữ liệu NĐ 30."""
    from docgen.interfaces import operator

    with opened_archive(data, database) as archive:
        typer.echo(operator.show_version(archive, version))


@archive_app.command("get")
def archive_get(version: Annotated[int, typer.Argument(help="Số phiên bản.")],
                format: Annotated[str, typer.Option("--format", help="docx hoặc pdf.")] = "pdf",
                output: Annotated[Path, typer.Option("-o", "--output",
                                                     help="Tệp hoặc thư mục ghi ra.")] = Path("."),
                data: DataOption = None, database: DatabaseOption = None) -> None:
    """Lấy tệp của một phiên bản (được băm lại trước khi ghi ra)."""
    from docgen.interfaces import operator

    with opened_archive(data, database) as archive:
        path = operator.get_file(archive, version, format, output)
    typer.echo(f"Đã ghi {path}")


@archive_app.command("export")
def archive_export(version: Annotated[int, typer.Argument(help="Số phiên bản.")],
                   output: Annotated[Path, typer.Option("-o", "--output",
                                                        help="Thư mục ghi ra.")] = Path("."),
                   data: DataOption = None, database: DatabaseOption = None) -> None:
    """Xuất bản PDF của một phiên bản và siêu dữ liệu NĐ 30 Phụ lục VI (XML) bên cạnh."""
    from docgen.interfaces import operator

    with opened_archive(data, database) as archive:
        pdf, xml = operator.export(archive, version, output)
    typer.echo(f"Đã ghi {pdf} và {xml}")


# Topics in modules of their own (they import `app` from here).
from docgen.interfaces.cli import accounts as _accounts  # noqa: E402,F401  (agency …, user …)
from docgen.interfaces.cli import audit as _audit  # noqa: E402,F401
from docgen.interfaces.cli import maintenance as _maintenance  # noqa: E402,F401  (db …, backup)
from docgen.interfaces.cli import signing as _signing  # noqa: E402,F401  (sign verify …)
from docgen.interfaces.cli import templates as _templates  # noqa: E402,F401
from docgen.interfaces.cli import worker as _worker  # noqa: E402,F401  (worker)
