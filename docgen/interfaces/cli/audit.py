"""``docgen audit REPORT --dossier DOSSIER [--json]``: check a report written by hand.

Lists every computable statement of the report with its verdict (đúng, sai, không kiểm
tra được and why). Exit code 0 when no statement is wrong, 1 when some is, 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from docgen.errors import DocgenError, InputError, Problem
from docgen.interfaces.cli import _fail, app


@app.command()
def audit(
    report: Annotated[Path, typer.Argument(help="Báo cáo cần kiểm tra (.docx, .pdf, .txt, .md).")],
    dossier: Annotated[Path | None, typer.Option(
        "--dossier", "-d", help="Hồ sơ có số liệu để đối chiếu (không có: chỉ kiểm tra trong "
                                "văn bản).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In danh sách kết quả dạng JSON.")] = False,
) -> None:
    """Kiểm tra các số liệu trong một báo cáo viết tay: đối chiếu với hồ sơ và trong văn bản."""
    from docgen.audit import audit_report, summary_counts
    from docgen.model.loader import load_dossier

    try:
        loaded = load_dossier(dossier) if dossier is not None else None
        try:
            data = report.read_bytes()
        except OSError as error:
            raise InputError([Problem(str(report), "tệp", "một tệp báo cáo đọc được",
                                      error.strerror or "không đọc được")]) from error
        findings = audit_report(data, report.name, loaded)
    except DocgenError as error:
        raise _fail(error) from error
    if as_json:
        sys.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        typer.echo(render_text(findings, str(report), str(dossier) if dossier else None))
    if summary_counts(findings)["sai"]:
        raise typer.Exit(code=1)


def render_text(findings, report: str, dossier: str | None) -> str:  # type: ignore[no-untyped-def]
    """The findings as `docgen audit` prints them: a summary line, then one line each."""
    from docgen.audit import summary_counts

    counts = summary_counts(findings)
    against = f" với hồ sơ {dossier}" if dossier else " (không có hồ sơ: chỉ kiểm tra trong văn bản)"
    lines = [f"Kiểm tra {report}{against}: {len(findings)} câu có số liệu — "
             + ", ".join(f"{n} {verdict}" for verdict, n in counts.items())]
    for f in findings:
        line = f"[{f.verdict}] {f.location} · {f.kind}: “{f.quote}” — ghi {f.stated}"
        if f.computed:
            line += f"; tính được {f.computed}"
        if f.reason:
            line += f" ({f.reason})"
        lines.append(line)
    return "\n".join(lines)
