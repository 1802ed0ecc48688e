"""The Jinja environment the DOCX renderer fills templates with, and its compiled templates.

``StrictUndefined`` makes a misspelt context key fail loudly instead of printing an empty
cell; autoescape keeps a unit named "Sở Văn hóa & Thể thao <mới>" intact in the
WordprocessingML of a DOCX.

Compiling a template costs more than rendering a short one (the body of a decision is a
long XML string: compiling the Sơn La package's parts took about half of its DOCX time), so
:func:`shared_environment` is made once per process and keeps what it compiled, by the
text of the source (docxtpl's patched XML of a template part): a changed template file
gives another text, so it is compiled again, and the options are those of the one
environment. Its globals are shared by every render and every thread: anything that
differs per document (the chart pictures of a render) goes into the render's context.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
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


def make_environment() -> jinja2.Environment:
    """Return a fresh strict, autoescaping environment."""
    return _Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
    )


@functools.cache
def shared_environment() -> jinja2.Environment:
    """Return the environment made once per process, with its compiled templates kept
    (thread-safe: compiling and looking up are behind a lock, rendering a compiled
    template changes nothing in it). Set no globals per document."""
    return make_environment()
