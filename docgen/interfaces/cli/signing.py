"""``docgen sign verify SIGNED.pdf --issued ISSUED.pdf [--trust DIR] [--json]``, and
``docgen agency seal CODE SEAL.png`` (the agency's seal image).

Checks the leader's signature of a signed decision against the issued file, as the
service does on upload. Exit code 0 when the signature is accepted, 1 when a check
failed (each failure on its own line, in Vietnamese), 2 when a file cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from docgen.errors import DocgenError, InputError, Problem
from docgen.interfaces.cli import DatabaseOption, DataOption, Typer, _fail, app
from docgen.interfaces.cli.accounts import _workflow, agency_app

sign_app = Typer(no_args_is_help=True, help="Chữ ký số: kiểm tra bản đã ký.")
app.add_typer(sign_app, name="sign")


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        found = "không có tệp này" if isinstance(error, FileNotFoundError) else "không đọc được"
        raise InputError([Problem(str(path), what, "một tệp PDF đọc được", found)]) from error


@sign_app.command("verify")
def verify(
    signed: Annotated[Path, typer.Argument(help="Tệp PDF đã ký số.")],
    issued: Annotated[Path, typer.Option("--issued", help="Bản ban hành (PDF docgen xuất).")],
    trust: Annotated[Path | None, typer.Option(
        "--trust", help="Thư mục chứng thư CA gốc tin cậy (.pem, .crt, .cer, .der).")] = None,
    allow_untrusted: Annotated[bool, typer.Option(
        "--allow-untrusted", help="Chấp nhận chữ ký toàn vẹn của CA không tin cậy.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="In kết quả dạng JSON.")] = False,
) -> None:
    """Kiểm tra chữ ký số của người có thẩm quyền trên bản đã ký, đối chiếu bản ban hành."""
    from docgen.signing.trust import load_trust_anchors
    from docgen.signing.verify import verify_signed

    try:
        report = verify_signed(_read(signed, "bản đã ký"), _read(issued, "bản ban hành"),
                               trust_roots=load_trust_anchors(trust),
                               allow_untrusted=allow_untrusted)
    except DocgenError as error:
        raise _fail(error) from error
    if as_json:
        json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        typer.echo(f"Người ký: {report.signer or '-'} ({report.organisation or '-'})")
        typer.echo(f"Chứng thư: số hiệu {report.serial or '-'}, cấp bởi {report.issuer or '-'}")
        typer.echo(f"Thời điểm ký: {report.signing_time or '-'}")
        for check in report.checks:
            typer.echo(f"  {'đạt' if check.ok else 'KHÔNG ĐẠT'}: {check.name}"
                       + (f" — {check.message}" if check.message else ""))
        if report.untrusted_accepted:
            typer.echo("Chấp nhận: chữ ký toàn vẹn nhưng chứng thư không thuộc CA tin cậy.")
    if not report.accepted:
        for check in report.failures:
            typer.echo(f"Lỗi: {signed}: kiểm tra chữ ký số › {check.name}: {check.message}",
                       err=True)
        raise typer.Exit(code=1)


@agency_app.command("seal")
def agency_seal(
    code: Annotated[str, typer.Argument(help="Mã cơ quan, ví dụ ubnd-son-la.")],
    image: Annotated[Path, typer.Argument(help="Ảnh dấu: PNG đỏ, nền trong suốt, có DPI.")],
    data: DataOption = Path("data"), database: DatabaseOption = None,
) -> None:
    """Cập nhật ảnh dấu của cơ quan (dùng khi văn thư ký số của cơ quan lên Quyết định)."""
    try:
        png = image.read_bytes()
    except OSError as error:
        raise _fail(InputError([Problem(str(image), "ảnh dấu", "một tệp PNG đọc được",
                                        "không đọc được")])) from error
    with _workflow(data, database) as workflow:
        seal = workflow.set_seal(None, png, str(image), agency=code)
    typer.echo(f"Đã cập nhật ảnh dấu của {seal['agency']}: {seal['width_mm']:g} × "
               f"{seal['height_mm']:g} mm (SHA-256 {seal['sha256'][:16]}…).")
