"""No English text of the command-line library reaches a user: every command's help page,
each kind of usage error, ``--version``, ``docgen`` alone and the completion options."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import pytest
import typer
from typer.core import TyperArgument, TyperOption
from typer.main import get_command
from typer.testing import CliRunner

from docgen.interfaces.cli import app
from docgen.interfaces.cli.vietnamese import (
    Typer,
    VietnameseArgument,
    VietnameseCommand,
    VietnameseGroup,
    VietnameseOption,
    type_name,
)

runner = CliRunner()

#: What click and typer print by themselves, in English.
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Show this message|required|default|Missing|"
    r"No such|Invalid value|Error|Did you mean|Possible options|Aborted|Got unexpected|"
    r"requires|env var|does not exist|is not a valid|Input should)\b"
    r"|Try '|\[OPTIONS\]|COMMAND \[ARGS\]|<(path|str|int|bool|file|dir|list)\b")


def flat(text: str) -> str:
    """`text` without the help panels' borders and line breaks, so that a phrase wrapped
    over two lines is still found."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def english(text: str) -> list[str]:
    """The library's English phrases in `text`."""
    return [m.group(0) for m in ENGLISH.finditer(flat(text))]


def command_paths(command: typer.core.TyperGroup | typer.core.TyperCommand,
                  path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and group of the click tree under `command`, as argument lists."""
    paths = [path]
    for name, sub in getattr(command, "commands", {}).items():
        paths += command_paths(sub, (*path, name))
    return paths


TREE = get_command(app)
PATHS = command_paths(TREE)


def _run(*args: str):
    return runner.invoke(app, list(args), prog_name="docgen")


def test_the_tree_has_every_topic():
    """The walk sees the commands of every module (a guard for the tests below)."""
    names = {" ".join(p) for p in PATHS}
    assert {"render", "archive verify", "user add", "db upgrade", "sign verify",
            "templates copy", "agency seal", "worker"} <= names
    assert len(PATHS) > 35


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "docgen")
def test_every_help_page_is_vietnamese(path):
    done = _run(*path, "--help")
    assert done.exit_code == 0, done.output
    assert f"Cách dùng: docgen {' '.join(path)}".rstrip() in done.stdout
    assert "Hiện hướng dẫn này rồi thoát." in flat(done.stdout)
    assert english(done.output) == [], done.output


def test_help_headings_and_marks_are_vietnamese():
    page = flat(_run("render", "--help").stdout)
    for text in ("Đối số", "Tùy chọn", "[bắt buộc]", "[mặc định: out]", "<đường dẫn>",
                 "[TÙY CHỌN]"):
        assert text in page, text
    assert "Lệnh" in _run("--help").stdout and "LỆNH [ĐỐI SỐ]..." in _run("--help").stdout
    assert "<số nguyên> [x>=1]" in flat(_run("import", "--help").stdout)


def test_every_command_and_parameter_is_the_vietnamese_kind():
    """A ``typer.Typer`` added somewhere instead of the Vietnamese one is caught here."""
    def walk(command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from walk(sub)

    for command in walk(TREE):
        assert isinstance(command, VietnameseCommand | VietnameseGroup), command.name
        for param in command.params:
            if isinstance(param, TyperOption | TyperArgument):
                assert isinstance(param, VietnameseOption | VietnameseArgument), param.name


#: (arguments, what the error line says).
USAGE_ERRORS = [
    (["render"], "docgen render: thiếu đối số dossier (Tệp hồ sơ (YAML hoặc JSON))."),
    (["nosuch"], "docgen: không có lệnh 'nosuch'; các lệnh: render, check, demo"),
    (["rendr", "x.yaml"], "docgen: không có lệnh 'rendr'; có phải ý là render? Xem"),
    (["render", "--nosuch", "x.yaml"], "docgen render: không có tùy chọn --nosuch."),
    (["render", "--outpt", "x"], "không có tùy chọn --outpt; có phải ý là --output?"),
    (["render", "x.yaml", "--format=zz"],
     "docgen render: --format: cần một trong docx, pdf; nhận được 'zz'."),
    (["render", "x.yaml", "-o"], "docgen render: tùy chọn -o cần một giá trị ngay sau nó."),
    (["render", "x.yaml", "y.yaml"], "docgen render: thừa đối số: y.yaml."),
    (["render", "x.yaml", "--draft=1"], "tùy chọn --draft là cờ bật/tắt, không nhận giá trị"),
    (["import", "x.xlsx", "--block", "zz"],
     "docgen import: tùy chọn --block/--khoi: cần một số nguyên; nhận được 'zz'."),
    (["import", "x.xlsx", "--block", "0"],
     "tùy chọn --block/--khoi: cần một số từ 1 trở lên; nhận được '0'."),
    (["archive", "show", "abc"],
     "docgen archive show: đối số version: cần một số nguyên; nhận được 'abc'."),
    (["archive", "nope"], "docgen archive: không có lệnh 'nope'; các lệnh: list, show"),
    (["user", "add"], "docgen user add: thiếu tùy chọn --agency"),
    (["--install-completion"], "docgen: không có tùy chọn --install-completion."),
    (["--show-completion"], "docgen: không có tùy chọn --show-completion."),
]


@pytest.mark.parametrize(("args", "expected"), USAGE_ERRORS, ids=lambda a: " ".join(a)
                         if isinstance(a, list) else None)
def test_a_usage_error_is_one_vietnamese_line_and_exit_2(args, expected):
    done = _run(*args)
    assert done.exit_code == 2, done.output
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Lỗi: ") and expected in lines[0], lines[0]
    assert lines[0].endswith(" --help"), lines[0]  # what to do: the command's own help
    assert done.stdout == ""
    assert english(done.output) == [], done.output


def test_version_and_docgen_alone():
    version = _run("--version")
    assert version.exit_code == 0 and re.fullmatch(r"docgen \d+\.\d+\.\d+\S*\n", version.stdout)
    alone = _run()
    assert alone.exit_code == 2  # as click: no command is a usage error, after the help
    assert "Cách dùng: docgen [TÙY CHỌN] LỆNH [ĐỐI SỐ]..." in alone.stdout
    assert "render" in alone.stdout and english(alone.output) == []
    group = _run("archive")
    assert group.exit_code == 2 and "Cách dùng: docgen archive" in group.stdout
    assert english(group.output) == []


# --- Errors docgen's own commands cannot cause: a small app built the same way ---

small = Typer(name="thu", no_args_is_help=True)


@small.command()
def read(source: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                                help="Tệp cần đọc.")]) -> None:
    """Đọc một tệp."""


@small.command()
def stop() -> None:
    """Dừng giữa chừng."""
    raise typer.Abort()


def test_path_checks_and_abort_are_vietnamese(tmp_path):
    missing = runner.invoke(small, ["read", str(tmp_path / "khong-co.txt")], prog_name="thu")
    assert missing.exit_code == 2
    assert (f"Lỗi: thu read: đối số source: không có tệp '{tmp_path / 'khong-co.txt'}'. "
            "Xem cách dùng: thu read --help") == missing.stderr.strip()
    folder = runner.invoke(small, ["read", str(tmp_path)], prog_name="thu")
    assert folder.exit_code == 2
    assert f"đối số source: '{tmp_path}' là một thư mục, cần một tệp." in folder.stderr
    stopped = runner.invoke(small, ["stop"], prog_name="thu")
    assert stopped.exit_code == 1 and stopped.stderr == "Đã dừng.\n"
    for done in (missing, folder, stopped):
        assert english(done.output) == [], done.output


def test_type_names():
    assert type_name("path") == "đường dẫn"
    assert type_name("list[str]") == "chữ, lặp lại được"
    assert type_name("docx|pdf") == "docx|pdf"
    assert type_name("complex") == "giá trị"  # a type with no name here: no English


@pytest.mark.e2e
def test_the_installed_docgen_script_speaks_vietnamese():
    script = Path(sys.executable).parent / "docgen"
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    helped = subprocess.run([script, "render", "--help"], capture_output=True, text=True,
                            env=env, timeout=60)
    assert helped.returncode == 0, helped.stderr
    assert "Cách dùng: docgen render [TÙY CHỌN] {dossier}" in helped.stdout
    assert english(helped.stdout + helped.stderr) == []
    failed = subprocess.run([script, "render"], capture_output=True, text=True, env=env,
                            timeout=60)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr == ("Lỗi: docgen render: thiếu đối số dossier (Tệp hồ sơ (YAML hoặc "
                             "JSON)). Xem cách dùng: docgen render --help\n")
