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
from collections.abc import Callable
from typing import Any

import jinja2

#: How many templates compiled from strings a shared environment keeps.
STRING_CACHE_SIZE = 32


class TextCache:
    """What was made from a text (a compiled template, a patched XML), the `size` most
    recently used kept; thread-safe (two threads missing at once both make it, one is kept)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str, make: Callable[[str], Any]) -> Any:
        with self._lock:
            found = self._items.get(text)
            if found is not None:
                self._items.move_to_end(text)
                return found
        made = make(text)
        with self._lock:
            self._items[text] = made
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return made

    def __len__(self) -> int:
        return len(self._items)

    def values(self) -> list[Any]:
        with self._lock:
            return list(self._items.values())


class _Environment(jinja2.Environment):
    """An environment that also keeps the templates it compiled from strings."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.from_strings = TextCache(STRING_CACHE_SIZE)

    def from_string(self, source: Any, globals: Any = None,  # noqa: A002 (Jinja's name)
                    template_class: Any = None) -> jinja2.Template:
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return self.from_strings.get(source, super().from_string)


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
