"""``docgen templates copy DIR`` and ``docgen templates check DIR``: an agency's own set.

``copy`` writes the shipped templates (one DOCX per document, the single source of the
DOCX and of the PDF) for the agency to edit in Word or LibreOffice; ``check`` renders each
template the set holds with the bundled fixture and lists every problem at once, pointing
at the paragraph's text. ``docgen render … --templates DIR`` then uses the set; a document
it lacks comes from the shipped set.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Annotated

import typer

from docgen.interfaces.cli import Typer, app

templates_app = Typer(no_args_is_help=True,
                            help="Bộ mẫu văn bản của cơ quan: sao chép, kiểm tra.")
app.add_typer(templates_app, name="templates")


@templates_app.command("copy")
def copy_templates(
    folder: Annotated[Path, typer.Argument(help="Thư mục sẽ chứa bộ mẫu.")],
    force: Annotated[bool, typer.Option("--force", help="Ghi đè các mẫu đã có.")] = False,
) -> None:
    """Chép bộ mẫu có sẵn ra một thư mục để cơ quan sửa trong Word hoặc LibreOffice."""
    from docgen.render.templates import DOCUMENTS, SHIPPED

    targets = [(SHIPPED / f"{rel}.docx", folder / f"{rel}.docx") for rel in DOCUMENTS.values()]
    existing = [str(target) for _, target in targets if target.exists()]
    if existing and not force:
        typer.echo("Lỗi: đã có " + ", ".join(existing) + "; không tệp nào được ghi (thêm "
                   "--force để ghi đè).", err=True)
        raise typer.Exit(code=2)
    try:
        for source, target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    except OSError as error:
        typer.echo(f"Lỗi: {folder}: không ghi được ({error.strerror or error}).", err=True)
        raise typer.Exit(code=4) from error
    for _, target in targets:
        typer.echo(f"Đã ghi {target}")


@templates_app.command("check")
def check_templates(
    folder: Annotated[Path, typer.Argument(help="Thư mục bộ mẫu của cơ quan.")],
) -> None:
    """Kiểm tra một bộ mẫu: liệt kê mọi lỗi cùng lúc, chỉ ra đoạn văn có lỗi."""
    from docgen.workflow.templatesets import check_set  # the service checks uploads alike

    if not folder.is_dir():
        typer.echo(f"Lỗi: {folder}: cần một thư mục bộ mẫu; không tìm thấy.", err=True)
        raise typer.Exit(code=2)
    checked, problems = check_set(folder)
    if not checked:
        typer.echo(f"Lỗi: {folder}: không có mẫu nào (quyet_dinh.docx, bao_cao.docx, "
                   "phu_luc.docx).", err=True)
        raise typer.Exit(code=2)
    for line in problems:
        typer.echo(f"Lỗi: {line}", err=True)
    if problems:
        raise typer.Exit(code=2)
    for path in checked:
        typer.echo(f"Mẫu dùng được: {path}")
