"""The SLA clock: business (or elapsed) time that stops while a complaint is paused.

Internal policies may stop the clock (waiting for the complainant's documents, say); the
pauses come from the complaint's history as :class:`~iso10002.model.Pause` records.
Regulatory deadlines run without pause (no regime in the reference material has a
stop-the-clock rule, DISP 1.6 included), so a clock built with ``pausable=False`` refuses
pauses with :class:`ClockNotPausable`; the desk refuses ``pause_clock`` earlier, through
the lifecycle guard ``clock_pausable``.

Laws (property-tested): a pause never brings a deadline earlier, and time inside a pause
never counts.

Examples:
    >>> from datetime import datetime, timedelta, timezone
    >>> from iso10002.model import Pause
    >>> from iso10002.sla.calendar import BusinessCalendar
    >>> from iso10002.sla.durations import BusinessTime
    >>> cal = BusinessCalendar.weekdays("UTC")
    >>> mon = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    >>> pause = Pause(mon + timedelta(hours=2), "documents", mon + timedelta(hours=5))
    >>> clock = SlaClock(cal, (pause,))
    >>> clock.elapsed(mon, mon + timedelta(hours=8))
    datetime.timedelta(seconds=18000)
    >>> clock.due(mon, BusinessTime(hours=8)).isoformat()
    '2026-01-06T12:00:00+00:00'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime, timedelta

import attrs

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.model import Complaint, Pause
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.durations import ClockKind, Duration

__all__ = ["ClockNotPausable", "SlaClock"]


class ClockNotPausable(ConfigurationError):
    """A pause was given to a clock whose deadlines run without pause (a regulatory one)."""


def _pauses(value: Iterable[object]) -> tuple[Pause, ...]:
    items = tuple(value)
    errors = [
        f"pauses[{i}]: expected a Pause" for i, p in enumerate(items) if not isinstance(p, Pause)
    ]
    pauses = tuple(p for p in items if isinstance(p, Pause))
    for i, pause in enumerate(pauses):
        for name in ("start", "end"):
            value_ = getattr(pause, name)
            if value_ is not None and (
                not isinstance(value_, datetime) or value_.utcoffset() is None
            ):
                errors.append(f"pauses[{i}].{name}: expected an aware datetime")
        if pause.end is not None and pause.end < pause.start:
            errors.append(f"pauses[{i}]: ends before it starts")
    if not errors:
        for i, (a, b) in enumerate(itertools.pairwise(pauses)):
            if a.end is None or b.start < a.end:
                errors.append(f"pauses[{i + 1}]: overlaps the pause before it")
    if errors:
        raise ValidationError(errors)
    return pauses


@attrs.frozen
class SlaClock:
    """Elapsed SLA time on ``calendar``, excluding ``pauses``; deadlines pushed out by them.

    An open pause (``end=None``, the clock is stopped now) counts up to the instant a
    question is asked about (``end`` of :meth:`elapsed`, ``at`` of :meth:`due`).

    Examples:
        >>> from datetime import timezone
        >>> cal = BusinessCalendar.weekdays("UTC")
        >>> SlaClock(cal, (Pause(datetime(2026, 1, 5, tzinfo=timezone.utc), "docs"),),
        ...          pausable=False)
        Traceback (most recent call last):
        ...
        iso10002.sla.clock.ClockNotPausable: this SLA clock cannot be paused: ...
    """

    calendar: BusinessCalendar
    pauses: tuple[Pause, ...] = attrs.field(default=(), converter=_pauses)
    pausable: bool = True

    def __attrs_post_init__(self) -> None:
        if self.pauses and not self.pausable:
            raise ClockNotPausable(
                "this SLA clock cannot be paused: its deadlines are regulatory and run "
                "without pause (no stop-the-clock rule, e.g. DISP 1.6)"
            )

    @classmethod
    def for_complaint(
        cls, calendar: BusinessCalendar, complaint: Complaint, *, pausable: bool = True
    ) -> SlaClock:
        """The clock of ``complaint``: its recorded pauses, or none when not ``pausable``.

        A non-pausable policy ignores pauses recorded under an earlier, internal policy
        rather than refusing to evaluate the complaint.
        """
        return cls(calendar, complaint.pauses if pausable else (), pausable)

    def paused(self, start: datetime, reason: str, end: datetime | None = None) -> SlaClock:
        """A copy with one more pause (refused when not ``pausable``).

        Examples:
            >>> from datetime import timezone
            >>> clock = SlaClock(BusinessCalendar.weekdays("UTC"))
            >>> len(clock.paused(datetime(2026, 1, 5, 10, tzinfo=timezone.utc), "docs").pauses)
            1
        """
        if not self.pausable:
            raise ClockNotPausable(
                f"cannot pause for {reason!r}: regulatory deadlines run without pause"
            )
        return attrs.evolve(self, pauses=(*self.pauses, Pause(start, reason, end)))

    def _measure(self, start: datetime, end: datetime, clock: ClockKind) -> timedelta:
        if clock is ClockKind.BUSINESS:
            return self.calendar.between(start, end)
        return end - start

    def paused_time(
        self, start: datetime, end: datetime, clock: ClockKind = ClockKind.BUSINESS
    ) -> timedelta:
        """How much of ``[start, end)`` the pauses cover, in ``clock`` time."""
        total = timedelta(0)
        for pause in self.pauses:
            lo = max(pause.start, start)
            hi = min(pause.end if pause.end is not None else end, end)
            if hi > lo:
                total += self._measure(lo, hi, clock)
        return total

    def elapsed(
        self, start: datetime, end: datetime, clock: ClockKind = ClockKind.BUSINESS
    ) -> timedelta:
        """SLA time from ``start`` to ``end`` (signed), pauses excluded.

        Examples:
            >>> from datetime import timezone
            >>> clock = SlaClock(BusinessCalendar.weekdays("UTC"))
            >>> a = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
            >>> clock.elapsed(a, a + timedelta(days=1), ClockKind.ELAPSED)
            datetime.timedelta(days=1)
        """
        if not self.pauses:  # signed already
            if clock is ClockKind.BUSINESS:
                return self.calendar.between(start, end)
            return end - start
        if end < start:
            return -self.elapsed(end, start, clock)
        return self._measure(start, end, clock) - self.paused_time(start, end, clock)

    def due(self, anchor: datetime, duration: Duration, at: datetime | None = None) -> datetime:
        """``duration``'s deadline from ``anchor``, pushed out by every pause before it.

        An open pause counts up to ``at`` (without ``at``, not yet at all): while the clock
        is stopped, the deadline keeps moving out.
        """
        due = duration.due(self.calendar, anchor)
        for pause in self.pauses:
            lo = max(pause.start, anchor)
            if lo >= due:
                break
            hi = pause.end if pause.end is not None else (at if at is not None else lo)
            if hi <= lo:
                continue
            if duration.clock is ClockKind.BUSINESS:
                due = self.calendar.add(due, self.calendar.between(lo, hi))
            else:
                due = self.calendar.local(due + (hi - lo))
        return due
