"""Vietnamese for everything the command-line library prints by itself.

Typer writes its help pages and its usage errors in English ("Usage:", "Options",
"[required]", "Missing argument 'dossier'.", "No such option: --x", "Try '… --help' for
help."). A clerk never sees those: every ``Typer`` of docgen's commands is this module's
:class:`Typer`, whose commands (:class:`VietnameseCommand`, :class:`VietnameseGroup`)

* print their help with Vietnamese headings, usage line, type names and ``--help`` text;
* turn a usage error (missing or unknown option or argument, bad value, unknown command,
  extra argument) into one line ``Lỗi: <lệnh>: <what is wrong>. Xem cách dùng: <lệnh>
  --help`` on stderr, the way docgen prints its other errors, and exit with code 2.

Errors are caught where they arise (around the command's ``make_context`` and ``invoke``)
and leave as ``typer.Exit``, so typer's own exit handling, ``CliRunner`` and the installed
``docgen`` script behave alike. An error this module does not know still gets a
Vietnamese line: the library's wording is never passed through.

Typer 0.29 carries its own copy of click (``typer._click``); its exception classes are
only reachable there, and the help headings are the module constants of
``typer.rich_utils``. Both are read at this one place, with typer pinned exactly in
pyproject.toml; ``tests/cli/test_vietnamese_cli.py`` walks every command's help and each
usage error, so an upgrade that renames them fails there instead of leaking English.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import typer
from typer._click import exceptions as click_errors
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

HELP_OPTION_HELP = "Hiện hướng dẫn này rồi thoát."
USAGE_PREFIX = "Cách dùng: "
OPTIONS_METAVAR = "[TÙY CHỌN]"
SUBCOMMAND_METAVAR = "LỆNH [ĐỐI SỐ]..."

#: typer.rich_utils constant -> its Vietnamese (headings and marks of the help page).
RICH_TEXTS = {
    "ARGUMENTS_PANEL_TITLE": "Đối số",
    "OPTIONS_PANEL_TITLE": "Tùy chọn",
    "COMMANDS_PANEL_TITLE": "Lệnh",
    "ERRORS_PANEL_TITLE": "Lỗi",
    "REQUIRED_LONG_STRING": "[bắt buộc]",
    "DEFAULT_STRING": "[mặc định: {}]",
    "ENVVAR_STRING": "[biến môi trường: {}]",
    "DEPRECATED_STRING": "(không còn dùng) ",
    "ABORTED_TEXT": "Đã dừng.",
    "RICH_HELP": "Xem cách dùng: [blue]{command_path} {help_option}[/]",
}

#: Type names in the help's type column (typer's label without ``<>``).
TYPE_NAMES = {"path": "đường dẫn", "file": "tệp", "dir": "thư mục", "str": "chữ",
              "int": "số nguyên", "int range": "số nguyên", "float": "số",
              "float range": "số", "datetime": "ngày giờ", "bool": "có/không"}

#: Path kinds in typer's path errors.
PATH_NAMES = {"file": "tệp", "dir": "thư mục", "directory": "thư mục", "path": "đường dẫn"}

#: pydantic error type (typer converts values with pydantic) -> what was expected.
EXPECTED = {
    "int_parsing": "cần một số nguyên",
    "int_type": "cần một số nguyên",
    "int_from_float": "cần một số nguyên",
    "float_parsing": "cần một số",
    "float_type": "cần một số",
    "bool_parsing": "cần có hoặc không (true/false)",
    "greater_than_equal": "cần một số từ {ge} trở lên",
    "greater_than": "cần một số lớn hơn {gt}",
    "less_than_equal": "cần một số không quá {le}",
    "less_than": "cần một số nhỏ hơn {lt}",
    "datetime_parsing": "cần ngày giờ dạng YYYY-MM-DD",
    "datetime_from_date_parsing": "cần ngày giờ dạng YYYY-MM-DD",
}

_help_texts_set = False


def use_vietnamese_help_texts() -> None:
    """Set typer's help headings to Vietnamese (once; typer reads them when it prints).

    Done on the first help page rather than at import, so that commands which print no
    help do not import the rich library."""
    global _help_texts_set
    if _help_texts_set:
        return
    from typer import rich_utils

    for name, text in RICH_TEXTS.items():
        if not hasattr(rich_utils, name):  # a typer upgrade renamed it: fail, don't leak
            raise AttributeError(f"typer.rich_utils.{name} is gone (typer {typer.__version__})")
        setattr(rich_utils, name, text)
    _help_texts_set = True


class InvalidValue(typer.BadParameter):
    """A bad option value docgen's own code found; its message is already Vietnamese
    (``InvalidValue("cần một trong docx, pdf; nhận được 'zz'", param_hint="--format")``)."""


# --- The help page ----------------------------------------------------------------------


def _type_column(base: type[TyperOption] | type[TyperArgument]) -> Any:
    """The help page's type column in Vietnamese (none for on/off flags), over `base`'s."""

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False):
            return None
        label = base.display_type_rich(self, ctx)
        return None if label is None else f"<{type_name(label.strip('<>'))}>"

    return display_type_rich


class VietnameseOption(TyperOption):
    """A typer option whose type shows in Vietnamese."""

    display_type_rich = _type_column(TyperOption)


class VietnameseArgument(TyperArgument):
    """A typer argument whose type shows in Vietnamese."""

    display_type_rich = _type_column(TyperArgument)


def type_name(label: str) -> str:
    """Vietnamese for typer's type label: ``path`` -> ``đường dẫn``, ``list[str]`` ->
    ``chữ, lặp lại được``; choices (``a|b``, docgen's own words) stay."""
    if label.startswith("list[") and label.endswith("]"):
        return f"{type_name(label[5:-1])}, lặp lại được"
    if "|" in label:
        return label
    return TYPE_NAMES.get(label, "giá trị")


def _translate_params(params: Iterable[Any]) -> None:
    """Give typer's options and arguments the Vietnamese type column. Typer builds them
    as TyperOption/TyperArgument itself, with no hook for another class; the subclasses
    only replace ``display_type_rich`` (and add no state), so changing the class of the
    object is safe."""
    for param in params:
        if type(param) is TyperOption:
            param.__class__ = VietnameseOption
        elif type(param) is TyperArgument:
            param.__class__ = VietnameseArgument


class _Vietnamese:
    """What docgen's commands and groups print by themselves, in Vietnamese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("options_metavar") == "[OPTIONS]":
            kwargs["options_metavar"] = OPTIONS_METAVAR
        super().__init__(*args, **kwargs)
        _translate_params(self.params)  # type: ignore[attr-defined]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = " ".join(self.collect_usage_pieces(ctx))  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, pieces, prefix=USAGE_PREFIX)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = HELP_OPTION_HELP
            _translate_params([option])
        return option

    def format_help(self, ctx: Any, formatter: Any) -> None:
        use_vietnamese_help_texts()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    # --- usage errors: one Vietnamese line, exit 2 ---

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None,
                     **extra: Any) -> Any:
        # The parser's errors carry no context: name the command from its parent's.
        path = " ".join(p for p in (parent.command_path if parent else "", info_name) if p)
        with vietnamese_errors(path or "docgen"):
            return super().make_context(  # type: ignore[misc]
                info_name, args, parent=parent, **extra)

    def invoke(self, ctx: Any) -> Any:
        with vietnamese_errors():
            return super().invoke(ctx)  # type: ignore[misc]


class VietnameseCommand(_Vietnamese, TyperCommand):
    """A docgen command (help and usage errors in Vietnamese)."""


class VietnameseGroup(_Vietnamese, TyperGroup):
    """A group of docgen commands (help and usage errors in Vietnamese)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("subcommand_metavar") in (None, "COMMAND [ARGS]..."):
            kwargs["subcommand_metavar"] = SUBCOMMAND_METAVAR
        super().__init__(*args, **kwargs)


class Typer(typer.Typer):
    """``typer.Typer`` whose groups and commands are Vietnamese (use it for every group of
    docgen's commands)."""

    def __init__(self, *, cls: type[TyperGroup] | None = None, **kwargs: Any) -> None:
        super().__init__(cls=cls or VietnameseGroup, **kwargs)

    def command(self, name: str | None = None, *, cls: type[TyperCommand] | None = None,
                **kwargs: Any) -> Any:
        return super().command(name, cls=cls or VietnameseCommand, **kwargs)


# --- Usage errors -----------------------------------------------------------------------


@contextmanager
def vietnamese_errors(command_path: str = "docgen") -> Iterator[None]:
    """Turn typer's usage errors and aborts into one Vietnamese line and ``typer.Exit``
    (`command_path` names the command when the error does not say)."""
    try:
        yield
    except click_errors.NoArgsIsHelpError as error:
        raise typer.Exit(code=2) from error  # the help page is already printed
    except click_errors.UsageError as error:
        typer.echo(error_line(error, command_path), err=True)
        raise typer.Exit(code=2) from error
    except click_errors.ClickException as error:
        typer.echo(f"Lỗi: {_file_error(error)}", err=True)
        raise typer.Exit(code=error.exit_code) from error
    except (typer.Abort, EOFError) as error:
        typer.echo("Đã dừng.", err=True)
        raise typer.Exit(code=1) from error


def error_line(error: Any, command_path: str = "docgen") -> str:
    """The Vietnamese line for a usage error: which command, what is wrong, what to do."""
    ctx = error.ctx
    path = ctx.command_path if ctx is not None else command_path
    help_names = ctx.help_option_names if ctx is not None else ["--help"]
    text = describe(error)
    end = "" if text.endswith("?") else "."
    return f"Lỗi: {path}: {text}{end} Xem cách dùng: {path} {help_names[0]}"


def describe(error: Any) -> str:
    """What is wrong, in Vietnamese, naming the option, argument, value or command."""
    if isinstance(error, InvalidValue):
        hint = _hint(error)
        return f"{hint}: {error.message}" if hint else error.message
    if isinstance(error, click_errors.MissingParameter):
        return _missing(error)
    if isinstance(error, click_errors.BadParameter):
        return _bad_value(error)
    if isinstance(error, click_errors.NoSuchOption):
        return _no_such_option(error)
    if isinstance(error, click_errors.BadOptionUsage):
        return _bad_option_usage(error)
    if isinstance(error, click_errors.BadArgumentUsage):
        return "số giá trị của đối số chưa đúng"
    return _command_line(error)


def _param_name(param: Any) -> str:
    if param is None:
        return ""
    if isinstance(param, TyperArgument):
        return str(param.display_name_raw)
    return "/".join(param.opts) or str(param.name)


def _hint(error: Any) -> str:
    hint = error.param_hint
    if hint is not None:
        return hint if isinstance(hint, str) else "/".join(hint)
    return _param_name(error.param)


def _what(param: Any) -> str:
    if isinstance(param, TyperArgument):
        return f"đối số {_param_name(param)}"
    if param is None:
        return "tham số"
    return f"tùy chọn {_param_name(param)}"


def _missing(error: Any) -> str:
    param = error.param
    help_text = (getattr(param, "help", None) or "").strip().removesuffix(".")
    text = f"thiếu {_what(param)}" if param is not None else f"thiếu {_hint(error)}"
    return f"{text} ({help_text})" if help_text else text


def _choices(param: Any) -> Sequence[Any] | None:
    descriptor = getattr(param, "type_descriptor", None)
    return getattr(descriptor, "choices", None)


def _bad_value(error: Any) -> str:
    """A value typer could not convert (pydantic's errors) or a path that fails its
    checks; the value and what was expected, never the library's sentence."""
    what = _what(error.param) if error.param is not None else f"tham số {_hint(error)}"
    cause = error.__cause__
    details = cause.errors() if hasattr(cause, "errors") else []
    if details:
        detail = details[0]
        found = detail.get("input")
        choices = _choices(error.param)
        if choices:
            expected = "cần một trong " + ", ".join(str(getattr(c, "value", c)) for c in choices)
        else:
            words = EXPECTED.get(detail.get("type", ""), "giá trị không hợp lệ")
            expected = words.format(**(detail.get("ctx") or {}))
        return f"{what}: {expected}; nhận được {found!r}"
    return f"{what}: {_path_problem(error.message)}"


#: typer's path checks: (English pattern, Vietnamese with {kind} and {path}).
_PATH_PROBLEMS = (
    (r"(?P<kind>\w+) (?P<path>.+) does not exist\.$", "không có {kind} {path}"),
    (r"(?P<kind>\w+) (?P<path>.+) is a file\.$", "{path} là một tệp, cần một thư mục"),
    (r"(?P<kind>\w+) (?P<path>.+) is a directory\.$", "{path} là một thư mục, cần một tệp"),
    (r"(?P<kind>\w+) (?P<path>.+) is not readable\.$", "không đọc được {kind} {path}"),
    (r"(?P<kind>\w+) (?P<path>.+) is not writable\.$", "không ghi được vào {kind} {path}"),
    (r"(?P<path>'.+'): .*$", "không mở được {path}"),
)


def _path_problem(message: str) -> str:
    for pattern, words in _PATH_PROBLEMS:
        match = re.match(pattern, message)
        if match:
            found = match.groupdict()
            kind = PATH_NAMES.get(found.get("kind", "path").lower(), "đường dẫn")
            return words.format(kind=kind, path=found["path"])
    return "giá trị không hợp lệ"


def _suggestion(names: Iterable[str]) -> str:
    names = sorted(names)
    if not names:
        return ""
    return "; có phải ý là " + " hoặc ".join(names) + "?"


def _no_such_option(error: Any) -> str:
    return f"không có tùy chọn {error.option_name}" + _suggestion(error.possibilities or ())


def _bad_option_usage(error: Any) -> str:
    option = error.option_name
    count = re.search(r"requires (an|\d+) argument", error.message)
    if count:
        number = "một" if count.group(1) == "an" else count.group(1)
        return f"tùy chọn {option} cần {number} giá trị ngay sau nó"
    if "does not take a value" in error.message:
        return f"tùy chọn {option} là cờ bật/tắt, không nhận giá trị"
    return f"tùy chọn {option} dùng chưa đúng"


def _command_line(error: Any) -> str:
    """A plain usage error: unknown command, missing command, extra arguments."""
    ctx = error.ctx
    commands = list(getattr(ctx.command, "commands", {})) if ctx is not None else []
    message = error.message
    unknown = re.match(r"No such command (['\"])(?P<name>.*?)\1\.", message)
    if unknown:
        name = unknown.group("name")
        close = difflib.get_close_matches(name, commands)
        text = f"không có lệnh {name!r}"
        return text + (_suggestion(close) if close else f"; các lệnh: {', '.join(commands)}")
    if message.startswith("Missing command"):
        return f"thiếu lệnh; các lệnh: {', '.join(commands)}"
    extra = re.search(r"unexpected extra arguments?(?:\(s\))? \((?P<extra>.*)\)", message)
    if extra:
        return f"thừa đối số: {extra.group('extra')}"
    return "lệnh gõ chưa đúng"


def _file_error(error: Any) -> str:
    name = getattr(error, "ui_filename", None)
    return f"không mở được tệp {name!r}" if name else "lệnh không thực hiện được"
