"""Deadline specs: how long a target gives, counted on a business calendar.

Each duration is a small frozen record with the same three members (the :class:`Duration`
Protocol): ``clock`` (whether it counts business time or elapsed time, which is what pauses
and the at-risk share are measured in), ``due(calendar, anchor)`` and ``describe(anchor)``.

Zero and negative amounts are allowed and behave the same way everywhere:

* zero gives the anchor itself (:class:`BusinessDays` ``(0)`` gives the anchor's date, or
  the next business day when it is not one, at the chosen time of day);
* a negative amount counts back from the anchor, mirroring the positive case (for business
  time, the latest instant that far back). Policies use them for "send a reminder 2
  business days before the deadline"-style targets.

Examples:
    >>> from datetime import datetime
    >>> from zoneinfo import ZoneInfo
    >>> from iso10002.sla.calendar import BusinessCalendar, DayTime
    >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
    >>> received = datetime(2026, 1, 5, 14, 0, tzinfo=ZoneInfo("Europe/London"))
    >>> Weeks(8).due(cal, received).isoformat()
    '2026-03-02T14:00:00+00:00'
    >>> CloseOfBusinessDay(3).describe()
    'close of business on the 3rd business day after the day of receipt'
"""

from __future__ import annotations

import calendar as _calendar
import math
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, Protocol

import attrs

from iso10002.errors import ConfigurationError
from iso10002.sla.calendar import BusinessCalendar, DayTime

__all__ = [
    "BusinessDays",
    "BusinessTime",
    "CalendarDays",
    "ClockKind",
    "CloseOfBusinessDay",
    "Duration",
    "ElapsedTime",
    "LaterOf",
    "Months",
    "Weeks",
    "Years",
    "ordinal",
    "words_for",
]


class ClockKind(str, Enum):
    """What a duration counts: business time on the calendar, or real elapsed time."""

    BUSINESS = "business"
    ELAPSED = "elapsed"


class Duration(Protocol):
    """What every deadline spec provides."""

    @property
    def clock(self) -> ClockKind:
        """Business or elapsed time: pauses and the at-risk share are measured in it."""
        ...

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The deadline for something that started at ``anchor``."""
        ...

    def describe(self, anchor: str = "receipt") -> str:
        """The rule in words, e.g. "8 weeks after receipt"."""
        ...


def ordinal(n: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd`` …

    Examples:
        >>> [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)]
        ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '102nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _plural(n: float, unit: str) -> str:
    text = f"{n:g}"
    return f"{text} {unit}" if n == 1 else f"{text} {unit}s"


def words_for(amount: timedelta, unit: str = "") -> str:
    """A duration in hours, minutes and whole seconds (rounded), as explanations say it.

    Examples:
        >>> words_for(timedelta(hours=40), "business")
        '40 business hours'
        >>> words_for(timedelta(hours=7, minutes=30))
        '7 hours 30 minutes'
        >>> words_for(timedelta(minutes=-90), "business")
        'minus 1 business hour 30 minutes'
        >>> words_for(timedelta(minutes=22, seconds=2.85282), "business")
        '22 business minutes 3 seconds'
    """
    micros = abs(amount) // timedelta(microseconds=1)
    seconds = (micros + 500_000) // 1_000_000  # to the nearest second, halves up
    sign = "minus " if amount < timedelta(0) and seconds else ""
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    unit_hour = f"{unit} hour".strip()
    parts = []
    if hours:
        parts.append(_plural(hours, unit_hour))
    if minutes:
        parts.append(_plural(minutes, "minute" if parts else f"{unit} minute".strip()))
    if seconds or not parts:
        parts.append(_plural(seconds, "second" if parts else f"{unit} second".strip()))
    return sign + " ".join(parts)


def _whole(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"{attribute.name}: expected a whole number, got {value!r}")


def _finite(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigurationError(f"{attribute.name}: expected a finite number, got {value!r}")


def _direction(n: float) -> str:
    return "before" if n < 0 else "after"


@attrs.frozen
class BusinessTime:
    """An amount of business time, e.g. ``BusinessTime(hours=40)``.

    Examples:
        >>> from datetime import timezone
        >>> cal = BusinessCalendar.weekdays("UTC")
        >>> friday = datetime(2026, 1, 9, 16, tzinfo=timezone.utc)
        >>> BusinessTime(hours=2).due(cal, friday).isoformat()
        '2026-01-12T10:00:00+00:00'
        >>> BusinessTime(hours=1, minutes=30).describe()
        '1 business hour 30 minutes after receipt'
    """

    hours: float = attrs.field(default=0.0, validator=_finite)
    minutes: float = attrs.field(default=0.0, validator=_finite)
    seconds: float = attrs.field(default=0.0, validator=_finite)

    @property
    def clock(self) -> ClockKind:
        """Business time."""
        return ClockKind.BUSINESS

    @property
    def amount(self) -> timedelta:
        """The amount as a timedelta."""
        return timedelta(hours=self.hours, minutes=self.minutes, seconds=self.seconds)

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """``calendar.add(anchor, amount)``: the earliest instant the budget is used up."""
        return calendar.add(anchor, self.amount)

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "40 business hours after receipt"."""
        amount = self.amount
        return f"{words_for(abs(amount), 'business')} {_direction(amount.total_seconds())} {anchor}"


@attrs.frozen
class ElapsedTime:
    """Real elapsed time, whatever the calendar, e.g. ``ElapsedTime(hours=24)``.

    Examples:
        >>> from datetime import timezone
        >>> cal = BusinessCalendar.weekdays("UTC")
        >>> friday = datetime(2026, 1, 9, 16, tzinfo=timezone.utc)
        >>> ElapsedTime(hours=24).due(cal, friday).isoformat()
        '2026-01-10T16:00:00+00:00'
    """

    hours: float = attrs.field(default=0.0, validator=_finite)
    minutes: float = attrs.field(default=0.0, validator=_finite)

    @property
    def clock(self) -> ClockKind:
        """Elapsed time."""
        return ClockKind.ELAPSED

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """``anchor`` plus the amount, on the calendar's clock."""
        return calendar.local(anchor + timedelta(hours=self.hours, minutes=self.minutes))

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "24 hours after receipt"."""
        amount = timedelta(hours=self.hours, minutes=self.minutes)
        return f"{words_for(abs(amount))} {_direction(amount.total_seconds())} {anchor}"


@attrs.frozen
class BusinessDays:
    """``n`` business days after the day of the anchor (day 0), at a time of that day.

    By default at the anchor's wall-clock time; ``at_close=True`` at close of business;
    ``end_of_day=True`` at the last microsecond of the local date ("within 15 business
    days"). ``n == 0`` is the anchor's date, or the next business day when it is not one.

    Examples:
        >>> from zoneinfo import ZoneInfo
        >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
        >>> thu = datetime(2026, 4, 2, 10, tzinfo=ZoneInfo("Europe/London"))
        >>> BusinessDays(15, end_of_day=True).due(cal, thu).isoformat()
        '2026-04-27T23:59:59.999999+01:00'
        >>> BusinessDays(8).describe()
        'the same time on the 8th business day after the day of receipt'
    """

    n: int = attrs.field(validator=_whole)
    at_close: bool = False
    end_of_day: bool = False

    def __attrs_post_init__(self) -> None:
        if self.at_close and self.end_of_day:
            raise ConfigurationError("BusinessDays: choose at_close or end_of_day, not both")

    @property
    def clock(self) -> ClockKind:
        """Business time."""
        return ClockKind.BUSINESS

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The ``n``-th business day after the anchor's local date, at the chosen time."""
        at: DayTime = "close" if self.at_close else "end_of_day" if self.end_of_day else "same_time"
        return calendar.add_business_days(anchor, self.n, at=at)

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "close of business on the 3rd business day after the day of receipt"."""
        when = (
            "close of business on"
            if self.at_close
            else "the end of"
            if self.end_of_day
            else "the same time on"
        )
        if self.n == 0:
            return f"{when} the day of {anchor} (or the next business day)"
        nth = ordinal(abs(self.n))
        return f"{when} the {nth} business day {_direction(self.n)} the day of {anchor}"


def CloseOfBusinessDay(n: int) -> BusinessDays:  # noqa: N802 - reads as a duration spec
    """Close of business on the ``n``-th business day after the day of the anchor.

    DISP 1.5.1R: "close of business on the third business day following the day on which
    it is received" is ``CloseOfBusinessDay(3)``.

    Examples:
        >>> CloseOfBusinessDay(3) == BusinessDays(3, at_close=True)
        True
    """
    return BusinessDays(n, at_close=True)


def _shift_days(calendar: BusinessCalendar, anchor: datetime, days: int, end: bool) -> datetime:
    if end:
        return calendar.end_of_day(anchor, days)
    return calendar.add_calendar_days(anchor, days)


@attrs.frozen
class CalendarDays:
    """``n`` calendar days after the anchor (local dates; holidays count).

    At the anchor's wall-clock time, or with ``end_of_day=True`` at the end of the ``n``-th
    day ("no later than 30 calendar days after receiving the complaint").

    Examples:
        >>> from zoneinfo import ZoneInfo
        >>> cal = BusinessCalendar.weekdays("Australia/Sydney")
        >>> received = datetime(2026, 1, 5, 9, tzinfo=ZoneInfo("Australia/Sydney"))
        >>> CalendarDays(30, end_of_day=True).due(cal, received).date().isoformat()
        '2026-02-04'
    """

    n: int = attrs.field(validator=_whole)
    end_of_day: bool = False

    @property
    def clock(self) -> ClockKind:
        """Elapsed time."""
        return ClockKind.ELAPSED

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The anchor's local date plus ``n`` days."""
        return _shift_days(calendar, anchor, self.n, self.end_of_day)

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "the end of the 30th calendar day after the day of receipt"."""
        if self.end_of_day:
            if self.n == 0:
                return f"the end of the day of {anchor}"
            return (
                f"the end of the {ordinal(abs(self.n))} calendar day "
                f"{_direction(self.n)} the day of {anchor}"
            )
        return f"{_plural(abs(self.n), 'calendar day')} {_direction(self.n)} {anchor}"


@attrs.frozen
class Weeks:
    """``n`` weeks after the anchor, on the local wall clock (DISP 1.6.2R: "eight weeks").

    Examples:
        >>> Weeks(8).describe()
        '8 weeks after receipt'
    """

    n: int = attrs.field(validator=_whole)
    end_of_day: bool = False

    @property
    def clock(self) -> ClockKind:
        """Elapsed time."""
        return ClockKind.ELAPSED

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The anchor plus ``7 * n`` local days."""
        return _shift_days(calendar, anchor, 7 * self.n, self.end_of_day)

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "8 weeks after receipt"."""
        text = f"{_plural(abs(self.n), 'week')} {_direction(self.n)} {anchor}"
        return f"the end of the day {text}" if self.end_of_day else text


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    if day.day <= 28:  # every month has it
        return date(year, month, day.day)
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _months_due(calendar: BusinessCalendar, anchor: datetime, n: int, end: bool) -> datetime:
    local = calendar.local(anchor)
    days = (_add_months(local.date(), n) - local.date()).days
    if end:
        return calendar.end_of_day(local, days)
    return calendar.add_calendar_days(local, days)


@attrs.frozen
class Months:
    """``n`` months after the anchor; a day the target month lacks clamps to its last day.

    31 January plus one month is 28 (or 29) February. Used for the six-month ombudsman
    referral windows.

    Examples:
        >>> from datetime import timezone
        >>> cal = BusinessCalendar.weekdays("UTC")
        >>> Months(1).due(cal, datetime(2026, 1, 31, 12, tzinfo=timezone.utc)).isoformat()
        '2026-02-28T12:00:00+00:00'
    """

    n: int = attrs.field(validator=_whole)
    end_of_day: bool = False

    @property
    def clock(self) -> ClockKind:
        """Elapsed time."""
        return ClockKind.ELAPSED

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The anchor's local date plus ``n`` months (clamped), same wall time or day end."""
        return _months_due(calendar, anchor, self.n, self.end_of_day)

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "6 months after the final response"."""
        text = f"{_plural(abs(self.n), 'month')} {_direction(self.n)} {anchor}"
        return f"the end of the day {text}" if self.end_of_day else text


@attrs.frozen
class Years:
    """``n`` years after the anchor (29 February clamps to 28 February): record retention.

    Examples:
        >>> from datetime import timezone
        >>> cal = BusinessCalendar.weekdays("UTC")
        >>> Years(3).due(cal, datetime(2028, 2, 29, 9, tzinfo=timezone.utc)).date().isoformat()
        '2031-02-28'
    """

    n: int = attrs.field(validator=_whole)

    @property
    def clock(self) -> ClockKind:
        """Elapsed time."""
        return ClockKind.ELAPSED

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The anchor plus ``12 * n`` months."""
        return _months_due(calendar, anchor, 12 * self.n, False)

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "3 years after receipt"."""
        return f"{_plural(abs(self.n), 'year')} {_direction(self.n)} {anchor}"


@attrs.frozen
class LaterOf:
    """The later of two deadlines, e.g. "24 hours or one business day" (RG 271).

    Examples:
        >>> from zoneinfo import ZoneInfo
        >>> cal = BusinessCalendar.for_country("AU", subdiv="NSW")
        >>> friday_evening = datetime(2026, 3, 6, 18, tzinfo=ZoneInfo("Australia/Sydney"))
        >>> ack = LaterOf(ElapsedTime(hours=24), CloseOfBusinessDay(1))
        >>> ack.due(cal, friday_evening).isoformat()
        '2026-03-09T17:00:00+11:00'
    """

    first: Duration
    second: Duration

    @property
    def clock(self) -> ClockKind:
        """The parts' clock when they share one, else elapsed time."""
        return self.first.clock if self.first.clock is self.second.clock else ClockKind.ELAPSED

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> datetime:
        """The later of the two deadlines."""
        return max(self.first.due(calendar, anchor), self.second.due(calendar, anchor))

    def describe(self, anchor: str = "receipt") -> str:
        """E.g. "the later of 24 hours after receipt and close of business on …"."""
        return f"the later of {self.first.describe(anchor)} and {self.second.describe(anchor)}"
