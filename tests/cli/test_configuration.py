"""The settings file, the environment and the options: one precedence, every field."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from docgen.interfaces.configuration import ConfigurationError, env_name, load, settable_fields
from docgen.interfaces.http.settings import Settings


def test_option_beats_environment_beats_file_beats_default(tmp_path: Path) -> None:
    config = tmp_path / "etc" / "docgen.toml"
    config.parent.mkdir()
    config.write_text('data_dir = "du-lieu"\nport = 8100\nhost = "0.0.0.0"\n'
                      'database_url = "sqlite:///tep.sqlite3"\n', encoding="utf-8")
    env = {"DOCGEN_PORT": "8200", "DOCGEN_HOST": "127.0.0.2"}
    settings = load({"host": "127.0.0.3"}, config=config, environ=env)
    assert settings.host == "127.0.0.3"  # option
    assert settings.port == 8200  # environment over file
    assert settings.database_url == "sqlite:///tep.sqlite3"  # file
    assert settings.data_dir == config.parent / "du-lieu"  # relative to the file's folder
    assert settings.max_body_bytes == Settings().max_body_bytes  # default


def test_every_field_is_settable_by_name_from_the_environment() -> None:
    samples = {int: ("7", 7), float: ("2.5", 2.5), str: ("abc", "abc"), bool: ("có", True),
               Path: ("/srv/docgen", Path("/srv/docgen")),
               tuple[str, ...]: ("pdf, docx", ("pdf", "docx"))}
    fields = settable_fields()
    assert {"data_dir", "database_url", "templates", "fonts", "database_lock_timeout",
            "issue_formats", "port"} <= set(fields)
    assert "today" not in fields and "now" not in fields  # functions: tests only
    #: fields whose values are checked further than their type
    checked = {"trusted_proxies": ("127.0.0.1, 10.0.0.0/24", ("127.0.0.1", "10.0.0.0/24"))}
    for name, kind in fields.items():
        base = next(k for k in samples if kind == k or kind == k | None)
        text, value = checked.get(name, samples[base])
        assert getattr(load(environ={env_name(name): text}), name) == value, name


def test_an_empty_variable_clears_an_optional_setting() -> None:
    assert load(environ={"DOCGEN_DATABASE_URL": ""}).database_url is None


def test_functions_cannot_be_set_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "docgen.toml"
    config.write_text("today = 1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="khóa 'today' không phải một thiết lập"):
        load(config=config, environ={})


def test_wrong_types_name_the_variable_and_what_was_expected(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="DOCGEN_DATABASE_LOCK_TIMEOUT: cần một số"):
        load(environ={"DOCGEN_DATABASE_LOCK_TIMEOUT": "lâu"})
    config = tmp_path / "docgen.toml"
    config.write_text("issue_formats = \"pdf\"\nport = true\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="khóa 'issue_formats': cần một danh sách"):
        load(config=config, environ={})
    config.write_text("port = 8000\n[bảng]\n= 1\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="không phải TOML hợp lệ"):
        load(config=config, environ={})


def test_the_settings_dataclass_still_has_a_default_for_every_field() -> None:
    assert all(f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
               for f in dataclasses.fields(Settings))
