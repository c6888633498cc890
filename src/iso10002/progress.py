"""A dependency-free progress bar for long command-line runs.

On a terminal it redraws one line; in a log (not a terminal) it writes a line at every
quarter, so CI output stays readable.

Examples:
    >>> import io
    >>> out = io.StringIO()
    >>> bar = ProgressBar("importing", out)
    >>> for done in range(1, 5):
    ...     bar(done, 4)
    >>> print(out.getvalue().strip())
    importing:  25% (1/4)
    importing:  50% (2/4)
    importing:  75% (3/4)
    importing: 100% (4/4)
"""

from __future__ import annotations

import sys
from typing import TextIO

__all__ = ["ProgressBar"]


class ProgressBar:
    """Call with ``(done, total)``; draws a bar on a terminal, quarter lines elsewhere."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self._shown = -1
        self._tty = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        if self._tty:
            step = int(share * 100)
            if step == self._shown:
                return
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            end = "\n" if done >= total else ""
            self.stream.write(f"\r{self.label} [{bar}] {step:3d}% ({done:,}/{total:,}){end}")
        else:
            step = int(share * 4)
            if step in (self._shown, 0):
                return
            self.stream.write(f"{self.label}: {step * 25:3d}% ({done:,}/{total:,})\n")
        self._shown = step
        self.stream.flush()
