"""Progress of long commands on stderr: one line per step, then a summary.

Shown when stderr is a terminal, or with ``--progress`` (for a log file or a CI job);
otherwise the command is as quiet as before (its results still go to stdout). Lines are
plain text, never redrawn, so that they read the same in a terminal and in a log:

    [3/9 · 1,2 s] xuất Quyết định (quyet_dinh.docx)
    Xong: 6 tệp, 812 KB, trong 14,8 giây.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO


def wanted(flag: bool, stream: TextIO | None = None) -> bool:
    """Whether to show progress: asked for, or stderr is a terminal."""
    stream = stream or sys.stderr
    return flag or stream.isatty()


def seconds(value: float) -> str:
    """A duration the Vietnamese way (decimal comma).

    >>> seconds(14.84)
    '14,8'
    """
    return f"{value:.1f}".replace(".", ",")


class Progress:
    """Numbered step lines and a closing summary (nothing at all when not `enabled`)."""

    def __init__(self, enabled: bool, total: int, *, stream: TextIO | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.enabled = enabled
        self.total = total
        self.done = 0
        self._stream = stream or sys.stderr
        self._clock = clock
        self._start = clock()
        self._percent = -1

    @property
    def elapsed(self) -> float:
        return self._clock() - self._start

    def _print(self, line: str) -> None:
        if self.enabled:
            print(line, file=self._stream, flush=True)

    def step(self, text: str) -> None:
        """Start the next step."""
        self.done += 1
        self._print(f"[{self.done}/{self.total} · {seconds(self.elapsed)} s] {text}")

    def count(self, done: int, total: int, what: str) -> None:
        """`done` of `total` items: a line each time the whole percentage changes (so at
        most 101 lines, however many items)."""
        percent = done * 100 // max(total, 1)
        if percent != self._percent or done == total:
            self._percent = percent
            self._print(f"[{done}/{total} · {percent} % · {seconds(self.elapsed)} s] {what}")

    def finish(self, summary: str) -> None:
        """The closing line."""
        self._print(f"Xong: {summary}, trong {seconds(self.elapsed)} giây.")
