"""Compiled templates are kept per templates folder, and a changed file is read again."""

from __future__ import annotations

import os

from docgen.render.environment import make_environment, shared_environment


def test_a_string_is_compiled_once_per_environment() -> None:
    environment = make_environment()
    first = environment.from_string("<w:t>{{ name }}</w:t>")
    assert environment.from_string("<w:t>{{ name }}</w:t>") is first
    assert first.render(name="Sở Văn hóa & Thể thao") == "<w:t>Sở Văn hóa &amp; Thể thao</w:t>"
    assert make_environment().from_string("<w:t>{{ name }}</w:t>") is not first


def test_the_shared_environment_of_a_folder_reloads_a_changed_template(tmp_path) -> None:
    page = tmp_path / "trang.html"
    page.write_text("một {{ x }}", encoding="utf-8")
    environment = shared_environment(tmp_path)
    assert shared_environment(tmp_path) is environment
    assert environment.get_template("trang.html").render(x=1) == "một 1"
    assert environment.get_template("trang.html") is environment.get_template("trang.html")
    page.write_text("hai {{ x }}", encoding="utf-8")
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    assert environment.get_template("trang.html").render(x=1) == "hai 1"
