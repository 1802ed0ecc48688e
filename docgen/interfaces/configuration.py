"""One way to set every setting: a TOML file, environment variables and command options.

Each field of :class:`docgen.interfaces.http.settings.Settings` is a setting, under its
own name, with no list to keep here (a field added there is settable at once):

- in the settings file, a top-level key: ``database_url = "postgresql+psycopg://…"``;
- in the environment, ``DOCGEN_`` and the name in capitals: ``DOCGEN_DATABASE_URL``;
- as an option of the command that has one (``--data``, ``--database``, ``--port``…).

Precedence: **option > environment > file > default**. The file is ``--config FILE``, else
``$DOCGEN_CONFIG``, else ``docgen.toml`` in the current folder when there is one. Values
are converted by the field's type (a path, a number, yes/no, a list); a relative path in
the file is relative to the file's folder. An unknown key, a wrong type or an unreadable
file is a :class:`ConfigurationError`: one Vietnamese line naming the file or variable,
the key, what was expected and what was found. Fields holding functions (the clock
injected by tests) cannot be set from outside.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import tomllib
import types
import typing
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from docgen.archive.errors import StartupError
from docgen.interfaces.http.settings import Settings

#: The settings file read when neither --config nor $DOCGEN_CONFIG names one.
DEFAULT_FILE = "docgen.toml"

#: Environment variable naming the settings file.
CONFIG_ENV = "DOCGEN_CONFIG"

#: Prefix of the environment variable of each field.
PREFIX = "DOCGEN_"

_TRUE = {"1", "true", "yes", "on", "có"}
_FALSE = {"0", "false", "no", "off", "không"}


class ConfigurationError(StartupError):
    """Raised for a settings file, variable or option that cannot be used."""

    code = "configuration"
    exit_code = 6


def env_name(field: str) -> str:
    """The environment variable of `field`.

    >>> env_name("database_url")
    'DOCGEN_DATABASE_URL'
    """
    return PREFIX + field.upper()


def settable_fields() -> dict[str, Any]:
    """Every field that can be set from outside, with its (resolved) type."""
    hints = typing.get_type_hints(Settings)
    return {f.name: hints[f.name] for f in dataclasses.fields(Settings)
            if f.init and not _is_callable(hints[f.name])}


def config_file(option: Path | None = None,
                environ: Mapping[str, str] | None = None) -> Path | None:
    """The settings file to read: `option`, else $DOCGEN_CONFIG, else ./docgen.toml (if
    it exists); None when there is none."""
    environ = os.environ if environ is None else environ
    if option is not None:
        return Path(option)
    if environ.get(CONFIG_ENV):
        return Path(environ[CONFIG_ENV])
    default = Path(DEFAULT_FILE)
    return default if default.is_file() else None


def load(options: Mapping[str, Any] | None = None, *, config: Path | None = None,
         environ: Mapping[str, str] | None = None) -> Settings:
    """Return the settings from `options` (None values: not given), the environment and
    the settings file, in that order of precedence, over the defaults."""
    environ = os.environ if environ is None else environ
    fields = settable_fields()
    values: dict[str, Any] = {}
    path = config_file(config, environ)
    if path is not None:
        values.update(_read_file(path, fields))
    for name, kind in fields.items():
        raw = environ.get(env_name(name))
        if raw is not None:
            values[name] = _convert(kind, raw, f"biến môi trường {env_name(name)}",
                                    from_text=True, base=Path.cwd())
    for name, value in (options or {}).items():
        if name not in fields:
            raise KeyError(f"not a settings field: {name}")  # a programming error
        if value is not None:
            values[name] = value
    _check_proxies(values.get("trusted_proxies", ()))
    return Settings(**values)


def _check_proxies(entries: Any) -> None:
    """Every trusted proxy must be an IP address or network: a typo there would otherwise
    stop the service at start-up with a library error, or trust nobody silently."""
    for entry in entries or ():
        try:
            ipaddress.ip_network(str(entry).strip(), strict=False)
        except ValueError:
            raise ConfigurationError(
                f"trusted_proxies (--trusted-proxy, DOCGEN_TRUSTED_PROXIES): {str(entry)[:60]!r} "
                "không phải địa chỉ IP hoặc mạng; hãy viết ví dụ 127.0.0.1 hoặc "
                "10.0.0.0/24.") from None


def _read_file(path: Path, fields: Mapping[str, Any]) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigurationError(f"không tìm thấy tệp cấu hình {path} (--config hoặc "
                                 f"{CONFIG_ENV}); hãy sửa đường dẫn.") from error
    except OSError as error:
        raise ConfigurationError(f"không đọc được tệp cấu hình {path} "
                                 f"({error.strerror or error}).") from error
    except UnicodeDecodeError as error:
        raise ConfigurationError(f"tệp cấu hình {path} không phải văn bản UTF-8.") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigurationError(f"tệp cấu hình {path} không phải TOML hợp lệ "
                                 f"({_toml_place(error)}).") from error
    values = {}
    for key, value in data.items():
        if key not in fields:
            raise ConfigurationError(
                f"tệp cấu hình {path}: khóa {key!r} không phải một thiết lập của docgen; "
                f"các khóa dùng được: {', '.join(sorted(fields))}.")
        values[key] = _convert(fields[key], value, f"tệp cấu hình {path}, khóa {key!r}",
                               from_text=False, base=path.parent)
    return values


def _toml_place(error: tomllib.TOMLDecodeError) -> str:
    line = getattr(error, "lineno", None)
    return f"dòng {line}" if line else "cú pháp sai"


def _is_callable(kind: Any) -> bool:
    return typing.get_origin(kind) is Callable or kind is Callable


def _convert(kind: Any, value: Any, where: str, *, from_text: bool, base: Path) -> Any:
    """`value` as the field type `kind`; `from_text`: it came from an environment
    variable (a string); paths are made absolute against `base`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(kind) if a is not type(None)]
        if from_text and value == "" and len(members) < len(typing.get_args(kind)):
            return None
        if len(members) == 1:
            return _convert(members[0], value, where, from_text=from_text, base=base)
    if origin in (tuple, list):
        (item, *_rest) = typing.get_args(kind) or (str,)
        items = [v.strip() for v in value.split(",") if v.strip()] if from_text else value
        if not isinstance(items, list):
            _wrong(where, "một danh sách", value)
        converted = [_convert(item, v, where, from_text=from_text, base=base) for v in items]
        return tuple(converted) if origin is tuple else converted
    if kind is bool:
        if from_text and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        if not from_text and isinstance(value, bool):
            return value
        _wrong(where, "có/không (true/false)", value)
    if kind in (int, float):
        if from_text:
            try:
                return kind(value.strip())
            except ValueError:
                _wrong(where, "một số nguyên" if kind is int else "một số", value)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                kind is int and not isinstance(value, int)):
            _wrong(where, "một số nguyên" if kind is int else "một số", value)
        return kind(value)
    if kind in (str, Path):
        if not isinstance(value, str):
            _wrong(where, "một chuỗi" if kind is str else "một đường dẫn", value)
        return base / Path(value).expanduser() if kind is Path else value
    raise ConfigurationError(f"{where}: thiết lập này không đặt được từ bên ngoài.")


def _wrong(where: str, expected: str, found: Any) -> typing.NoReturn:
    shown = repr(found) if len(repr(found)) <= 60 else repr(found)[:57] + "…"
    raise ConfigurationError(f"{where}: cần {expected}, nhận được {shown}.")
