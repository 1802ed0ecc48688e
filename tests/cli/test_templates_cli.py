"""``docgen templates copy|check`` and ``docgen render --templates``: an agency's own set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from extract import SON_LA, docx_text  # noqa: E402

from docgen.interfaces.cli import app  # noqa: E402
from docgen.render.templates import SHIPPED  # noqa: E402

RUNNER = CliRunner()


def _run(*args: str | Path):
    return RUNNER.invoke(app, [str(a) for a in args])


def test_copy_writes_the_shipped_set_and_refuses_to_overwrite(tmp_path: Path) -> None:
    done = _run("templates", "copy", tmp_path / "mau")
    assert done.exit_code == 0, done.output
    copied = tmp_path / "mau" / "quyet_dinh" / "quyet_dinh.docx"
    assert copied.read_bytes() == (SHIPPED / "quyet_dinh" / "quyet_dinh.docx").read_bytes()
    again = _run("templates", "copy", tmp_path / "mau")
    assert again.exit_code == 2 and "--force" in again.output


def _edit(path: Path, old: str, new: str) -> None:
    document = Document(str(path))
    for p in document.paragraphs:
        if p.text == old:
            for run in p.runs[1:]:
                run.text = ""
            p.runs[0].text = new
            break
    else:
        raise AssertionError(old)
    document.save(str(path))


def test_check_lists_every_error_at_its_paragraph(tmp_path: Path) -> None:
    folder = tmp_path / "mau"
    folder.mkdir()
    path = folder / "quyet_dinh.docx"  # files side by side are accepted too
    path.write_bytes((SHIPPED / "quyet_dinh" / "quyet_dinh.docx").read_bytes())
    _edit(path, "QUYẾT ĐỊNH:", "QUYẾT ĐỊNH: {{ decision.so_hieu }}")
    _edit(path, "{{ issuer.authority }}", "{{ co_quan }}")
    _edit(path, "{%p endfor %}", "{%p endfro %}")
    done = _run("templates", "check", folder)
    assert done.exit_code == 2
    assert "thẻ không biết «endfro»" in done.output
    assert "«for» mở ở đây không được đóng" in done.output
    # with the structure mended, the unknown keys are listed beside the available ones
    _edit(path, "{%p endfro %}", "{%p endfor %}")
    done = _run("templates", "check", folder)
    assert done.exit_code == 2, done.output
    lines = [line for line in done.output.splitlines() if line.startswith("Lỗi:")]
    assert len(lines) == 2, done.output
    assert any("đoạn «QUYẾT ĐỊNH: {{ decision.so_hieu }}»" in line
               and "không có khóa «decision.so_hieu»" in line and "number_line" in line
               for line in lines), lines
    assert any("«co_quan»" in line and "issuer" in line for line in lines), lines
    assert "dòng" not in done.output  # never an XML line


def test_check_accepts_the_shipped_set(tmp_path: Path) -> None:
    assert _run("templates", "copy", tmp_path / "mau").exit_code == 0
    done = _run("templates", "check", tmp_path / "mau")
    assert done.exit_code == 0, done.output
    assert done.output.count("Mẫu dùng được") == 3


def test_render_uses_the_set_and_the_shipped_template_for_what_it_lacks(
        tmp_path: Path) -> None:
    folder = tmp_path / "mau"
    (folder / "quyet_dinh").mkdir(parents=True)
    path = folder / "quyet_dinh" / "quyet_dinh.docx"
    path.write_bytes((SHIPPED / "quyet_dinh" / "quyet_dinh.docx").read_bytes())
    _edit(path, "QUYẾT ĐỊNH:", "QUYẾT ĐỊNH CỦA CƠ QUAN:")
    out = tmp_path / "out"
    done = _run("render", SON_LA, "-o", out, "--format", "docx", "--templates", folder)
    assert done.exit_code == 0, done.output
    assert "QUYẾT ĐỊNH CỦA CƠ QUAN:" in docx_text((out / "quyet_dinh.docx").read_bytes())
    assert "BÁO CÁO" in docx_text((out / "bao_cao.docx").read_bytes())


def test_render_refuses_a_missing_set(tmp_path: Path) -> None:
    done = _run("render", SON_LA, "-o", tmp_path / "out", "--templates", tmp_path / "nope")
    assert done.exit_code == 2 and "--templates" in done.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("args", [("templates", "check", "/nonexistent/mau")])
def test_check_refuses_a_missing_folder(args) -> None:
    assert _run(*args).exit_code == 2


def test_check_names_a_misspelt_filter_and_then_a_misspelt_free_text(tmp_path: Path) -> None:
    folder = tmp_path / "mau"
    folder.mkdir()
    path = folder / "bao_cao.docx"
    path.write_bytes((SHIPPED / "bao_cao" / "bao_cao.docx").read_bytes())
    _edit(path, "{{p report.direction|paragraphs }}", "{{p report.direction|paragrafs }}")
    done = _run("templates", "check", folder)
    assert done.exit_code == 2
    assert ("đoạn «{{p report.direction|paragrafs }}»: bộ lọc không biết «paragrafs»; "
            "các bộ lọc của docgen: paragraphs") in done.output
    _edit(path, "{{p report.direction|paragrafs }}", "{{p report.metod|paragraphs }}")
    done = _run("templates", "check", folder)
    assert done.exit_code == 2
    assert "không có khóa «report.metod»; các khóa có ở đây: assessment" in done.output
    assert "No filter" not in done.output
