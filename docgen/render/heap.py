"""Handing freed heap back to the system (glibc's ``malloc_trim``), where the C library
has it.

glibc keeps the memory a process frees for its own reuse; after a large document (two
XML trees freed one after the other) or after each document of a long-running render
worker, WeasyPrint's many small allocations leave it scattered, and the resident memory
grows although Python's objects do not. :func:`give_back` returns it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None on another C library."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


MALLOC_TRIM = _malloc_trim()


def give_back() -> None:
    """Return the heap this process freed to the system (well under a millisecond)."""
    if MALLOC_TRIM is not None:
        MALLOC_TRIM(0)
