"""The one Jinja environment factory that both renderers use, and its compiled templates.

``StrictUndefined`` makes a misspelt context key fail loudly instead of printing an empty
cell; autoescape keeps a unit named "Sở Văn hóa & Thể thao <mới>" intact in HTML and in the
WordprocessingML of a DOCX.

Compiling a template costs more than rendering a short one (the DOCX body of a decision is
a long XML string), so :func:`shared_environment` makes one environment per templates
folder and keeps what it compiled: files through Jinja's own cache (which reloads a file
whose modification time changed), strings (docxtpl's patched XML) by their text. Anything
that differs per document (the chart store of a render) must not be put in the globals of a
shared environment; the renderers reach it through a context variable instead.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

import jinja2

#: How many templates compiled from strings a shared environment keeps.
STRING_CACHE_SIZE = 32


class _Environment(jinja2.Environment):
    """An environment that also keeps the templates it compiled from strings."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._from_strings: OrderedDict[str, jinja2.Template] = OrderedDict()
        self._from_strings_lock = threading.Lock()

    def from_string(self, source: Any, globals: Any = None,  # noqa: A002 (Jinja's name)
                    template_class: Any = None) -> jinja2.Template:
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._from_strings_lock:
            template = self._from_strings.get(source)
            if template is not None:
                self._from_strings.move_to_end(source)
                return template
        template = super().from_string(source)
        with self._from_strings_lock:
            self._from_strings[source] = template
            while len(self._from_strings) > STRING_CACHE_SIZE:
                self._from_strings.popitem(last=False)
        return template


def make_environment(search_path: Path | None = None) -> jinja2.Environment:
    """Return a fresh strict, autoescaping environment, loading files from `search_path`."""
    loader = jinja2.FileSystemLoader(str(search_path)) if search_path else None
    return _Environment(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )


@functools.lru_cache(maxsize=16)
def shared_environment(search_path: Path | None = None) -> jinja2.Environment:
    """Return the environment of `search_path`, made once per process, with its compiled
    templates cached. Its globals are shared by every render: set none per document."""
    return make_environment(search_path)
