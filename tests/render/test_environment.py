"""Compiled templates are kept once per process, shared by threads, and a changed template
file is compiled again."""

from __future__ import annotations

import io
import shutil
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import docx

from docgen.render import docx as docx_renderer
from docgen.render.environment import make_environment, shared_environment
from docgen.render.meta import DocumentMeta
from docgen.render.templates import template_path
from tests.render.test_docx import ODD_NAME, example

META = DocumentMeta(title="Quyết định", author="Sở Nội vụ tỉnh Sơn La",
                    created=datetime(2025, 12, 16, 8, 30))


def test_a_string_is_compiled_once_per_environment() -> None:
    environment = make_environment()
    first = environment.from_string("<w:t>{{ name }}</w:t>")
    assert environment.from_string("<w:t>{{ name }}</w:t>") is first
    assert first.render(name="Sở Văn hóa & Thể thao") == "<w:t>Sở Văn hóa &amp; Thể thao</w:t>"
    assert make_environment().from_string("<w:t>{{ name }}</w:t>") is not first


def test_the_docx_renderer_compiles_each_template_part_once() -> None:
    template = template_path("quyet_dinh", "docx")
    first = docx_renderer.render(template, example(), META)
    kept = shared_environment().from_strings.values()
    again = docx_renderer.render(template, example(), META)
    assert again == first
    now = shared_environment().from_strings.values()
    assert len(now) == len(kept) >= 3  # body, header and footer parts at least
    assert all(a is b for a, b in zip(now, kept, strict=True))


def test_a_changed_template_file_is_compiled_again(tmp_path) -> None:
    template = tmp_path / "quyet_dinh.docx"
    shutil.copy(template_path("quyet_dinh", "docx"), template)
    before = docx_renderer.render(template, example(), META)
    with zipfile.ZipFile(template) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert "QUYẾT ĐỊNH" in xml
    parts["word/document.xml"] = xml.replace("QUYẾT ĐỊNH", "QUYẾT ĐỊNH SỬA", 1).encode("utf-8")
    with zipfile.ZipFile(template, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    after = docx_renderer.render(template, example(), META)
    texts = [p.text for p in docx.Document(io.BytesIO(after)).paragraphs]
    assert any("QUYẾT ĐỊNH SỬA" in t for t in texts)
    assert not any("QUYẾT ĐỊNH SỬA" in p.text
                   for p in docx.Document(io.BytesIO(before)).paragraphs)


def test_threads_sharing_the_compiled_templates_render_their_own_context() -> None:
    template = template_path("quyet_dinh", "docx")
    contexts = [example(), example(subject=ODD_NAME)]
    alone = [docx_renderer.render(template, c, META) for c in contexts]
    assert alone[0] != alone[1]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda i: docx_renderer.render(template, contexts[i % 2], META),
                                 range(8)))
    assert together == [alone[i % 2] for i in range(8)]
