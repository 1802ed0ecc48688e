"""Run pyHanko's synchronous helpers (which call ``asyncio.run``) from any caller.

The staff pages' handlers run inside an event loop, where ``asyncio.run`` is refused; there
the work is done on a short-lived thread of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def outside_event_loop(work: Callable[[], T]) -> T:
    """Return ``work()``, called on another thread when this one runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
