"""Where "now" comes from: injectable, so tests and simulations never sleep.

A clock is any callable returning an aware datetime. The desk takes one; tests pass a
:class:`ManualClock` and move it by hand.

Examples:
    >>> from datetime import datetime, timedelta, timezone
    >>> clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    >>> clock.advance(timedelta(hours=2))
    >>> clock().isoformat()
    '2026-01-05T11:00:00+00:00'
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from iso10002._checks import instant
from iso10002.errors import ValidationError

__all__ = ["Clock", "ManualClock", "system_clock"]

Clock = Callable[[], datetime]
"""A source of the current instant (timezone-aware)."""


def system_clock() -> datetime:
    """The real current instant, in UTC.

    Examples:
        >>> system_clock().tzinfo
        datetime.timezone.utc
    """
    return datetime.now(timezone.utc)


class ManualClock:
    """A clock that moves only when told to; safe to share between threads.

    Examples:
        >>> clock = ManualClock(datetime(2026, 3, 1, tzinfo=timezone.utc))
        >>> clock.set(datetime(2026, 3, 2, tzinfo=timezone.utc))
        >>> clock().day
        2
    """

    def __init__(self, start: datetime) -> None:
        self._now = _aware(start)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> None:
        """Move forward by ``delta`` (which must not be negative)."""
        if delta < timedelta(0):
            raise ValidationError([f"delta: {delta} is negative; a clock does not go back"])
        with self._lock:
            self._now += delta

    def set(self, at: datetime) -> None:
        """Jump to ``at`` (forwards or backwards, for tests that need it)."""
        value = _aware(at)
        with self._lock:
            self._now = value


def _aware(value: object) -> datetime:
    return instant(value)
