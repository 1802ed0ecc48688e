"""Check a set of DOCX templates the way a clerk needs it: every problem at once, in
Vietnamese, each pointing at the text of the paragraph it sits in.

Three passes per template:

1. **Tags.** Every ``{{ … }}`` and ``{% … %}`` of every paragraph (body, tables,
   headers, footers) is read from the paragraph's text as Word shows it: an expression that
   does not parse, an unknown tag, a ``for``/``if`` left open or closed twice are each
   reported.
2. **Keys.** The template is rendered with the bundled fixture's context, every missing
   key being recorded instead of stopping the rendering; each is reported with the keys
   that exist at that place.
3. **PDF.** The rendered DOCX is converted for the PDF (:mod:`docgen.render.docx_html`);
   whatever it cannot convert is reported.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from docgen.errors import TemplateError

__all__ = ["TemplateProblem", "check_template"]

_TAG = re.compile(r"\{\{(.*?)\}\}|\{%-?(.*?)-?%\}", re.S)
_BLOCK = {"for": "endfor", "if": "endif"}
_MIDDLE = {"elif": "if", "else": ("if", "for")}
_SIMPLE = {"set"}


@dataclass(frozen=True)
class TemplateProblem:
    """One problem of a template: which file, which paragraph, what is wrong."""

    template: str
    paragraph: str
    message: str

    def __str__(self) -> str:
        where = f"đoạn «{self.paragraph}»" if self.paragraph else "cả tệp"
        return f"{self.template}, {where}: {self.message}"


def _short(text: str, room: int = 120) -> str:
    """The paragraph's text as the message quotes it: a long one is cut, but never inside a
    placeholder or a tag, so the clerk sees the whole ``{{ … }}`` the message is about.

    >>> _short("Năm " * 40 + "{{ nam }} và thêm", room=20)
    'Năm Năm Năm Năm Năm…'
    >>> _short("{{ report.sections.overview.number }}. TỔNG QUAN {{ nam }} cuối", room=53)
    '{{ report.sections.overview.number }}. TỔNG QUAN {{ nam }}…'
    """
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= room:
        return text
    cut = room - 1
    opened = max(text.rfind("{{", 0, cut), text.rfind("{%", 0, cut))
    if opened >= 0 and max(text.rfind("}}", 0, cut), text.rfind("%}", 0, cut)) < opened:
        closed = min((i for i in (text.find("}}", cut), text.find("%}", cut)) if i >= 0),
                     default=len(text) - 2)
        cut = closed + 2
    return text[:cut].rstrip() + ("…" if cut < len(text) else "")


def paragraphs(path: Path) -> list[str]:
    """Return the text of every paragraph of the template, in document order: body
    (tables included), then headers and footers."""
    from docgen.render.docx import template_paragraphs

    return template_paragraphs(path)


def _unknown_filters(tree: jinja2.nodes.Template, env: jinja2.Environment) -> list[str]:
    """Names of the filters `tree` uses that neither Jinja nor the DOCX renderer provides."""
    known = _docgen_filters()
    return [node.name for node in tree.find_all(jinja2.nodes.Filter)
            if node.name not in env.filters and node.name not in known]


def _docgen_filters() -> list[str]:
    """The DOCX renderer's own filters (imported late: docxtpl loads only when checking)."""
    from docgen.render.docx import FILTERS

    return sorted(FILTERS)


def _tags(name: str, texts: list[str]) -> list[TemplateProblem]:
    problems: list[TemplateProblem] = []
    stack: list[tuple[str, str]] = []  # (block, paragraph where it opened)
    env = jinja2.Environment()
    for text in texts:
        where = _short(text)
        for match in _TAG.finditer(text):
            expression, statement = match.group(1), match.group(2)
            if expression is not None:
                # docxtpl's {{p …}} / {{r …}} put a value in place of the paragraph / run
                expression = re.sub(r"^[pr]\s", " ", expression)
                try:
                    tree = env.parse("{{" + expression + "}}")
                except jinja2.TemplateSyntaxError as exc:
                    problems.append(TemplateProblem(name, where, "biểu thức «{{"
                                                    f"{expression}}}}}» sai cú pháp: "
                                                    f"{_vietnamese(exc.message or '')}"))
                    continue
                problems += [TemplateProblem(name, where, f"bộ lọc không biết «{f}»; các bộ "
                                             f"lọc của docgen: {', '.join(_docgen_filters())}")
                             for f in _unknown_filters(tree, env)]
                continue
            words = statement.split()
            if words and words[0] in ("p", "tr", "tc", "r"):
                words = words[1:]
            if not words:
                problems.append(TemplateProblem(name, where, "thẻ {% %} trống"))
                continue
            tag = words[0]
            if tag in _BLOCK:
                stack.append((tag, where))
            elif tag in _BLOCK.values():
                opener = next((k for k, v in _BLOCK.items() if v == tag), "")
                if stack and stack[-1][0] == opener:
                    stack.pop()
                else:
                    problems.append(TemplateProblem(
                        name, where, f"thẻ «{tag}» không có thẻ «{opener}» mở trước nó"
                        + (f" (đang mở «{stack[-1][0]}» ở đoạn «{stack[-1][1]}»)"
                           if stack else "")))
            elif tag in _MIDDLE:
                allowed = _MIDDLE[tag]
                allowed = allowed if isinstance(allowed, tuple) else (allowed,)
                if not stack or stack[-1][0] not in allowed:
                    problems.append(TemplateProblem(
                        name, where, f"thẻ «{tag}» nằm ngoài khối «if»/«for»"))
            elif tag not in _SIMPLE:
                problems.append(TemplateProblem(
                    name, where, f"thẻ không biết «{tag}»; các thẻ dùng được: for, endfor, "
                    "if, elif, else, endif, set"))
    for tag, where in stack:
        problems.append(TemplateProblem(name, where, f"thẻ «{tag}» mở ở đây không được "
                                        f"đóng (thiếu «{_BLOCK[tag]}»)"))
    return problems


def _keys(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return sorted(str(k) for k in value)
    return []


def _missing(name: str, texts: list[str], missing: list[tuple[Any, str]],
             context: Mapping[str, Any]) -> list[TemplateProblem]:
    problems = []
    seen = set()
    for obj, key in missing:
        pattern = re.compile(r"(?:[A-Za-z_][\w]*\.)*" + re.escape(key) + r"\b")
        where, dotted = "", key
        for text in texts:
            for match in _TAG.finditer(text):
                inner = match.group(1) or match.group(2) or ""
                found = pattern.search(inner)
                if found:
                    where, dotted = _short(text), found.group(0)
                    break
            if where:
                break
        if (where, dotted) in seen:
            continue
        seen.add((where, dotted))
        available = _keys(obj) if obj is not None else _keys(context)
        problems.append(TemplateProblem(
            name, where, f"không có khóa «{dotted}»; các khóa có ở đây: "
            + (", ".join(available) if available else "(không có)")))
    return problems


def check_template(kind: str, path: Path, context: Mapping[str, Any]) -> list[str]:
    """Return every problem of the template `path` of document `kind` (empty: usable)."""
    from docgen.render import docx, docx_html
    from docgen.render.meta import DocumentMeta

    name = path.name
    try:
        texts = paragraphs(path)
    except TemplateError as exc:
        return [f"{name}: {exc}"]
    problems = _tags(name, texts)
    if problems:  # the structure is broken: rendering would only repeat the first one
        return [str(p) for p in problems]
    missing: list[tuple[Any, str]] = []
    from datetime import datetime

    meta = DocumentMeta("kiểm tra mẫu", "docgen", datetime(2000, 1, 1))
    try:
        data = docx.render(path, context, meta, undefined=missing)
    except TemplateError as exc:
        return [str(p) for p in _missing(name, texts, missing, context)] + [f"{name}: {exc}"]
    problems = _missing(name, texts, missing, context)
    try:
        docx_html.convert(data)
    except docx_html.UnsupportedContent as exc:
        problems.extend(TemplateProblem(name, "", f"PDF: {p}") for p in exc.problems)
    return [str(p) for p in problems]


def _vietnamese(message: str) -> str:
    """A few Jinja messages in Vietnamese; others are kept after a Vietnamese lead."""
    for pattern, text in _MESSAGES:
        found = re.search(pattern, message)
        if found:
            return text.format(*found.groups())
    return f"lỗi cú pháp ({message})"


_MESSAGES = (
    (r"Encountered unknown tag '(\w+)'", "thẻ không biết «{0}»"),
    (r"unexpected end of template", "thiếu thẻ đóng (endfor/endif)"),
    (r"unexpected '(.+?)'", "ký tự không đúng chỗ «{0}»"),
    (r"expected token '(.+?)', got '(.+?)'", "cần «{0}», gặp «{1}»"),
    (r"'(.+?)' is undefined", "không có khóa «{0}»"),
    (r"has no attribute '(.+?)'", "không có khóa «{0}»"),
    (r"No filter named '(.+?)'", "bộ lọc không biết «{0}»"),
)
