"""The parts a business calendar is made of: working intervals, weekly hours, exceptions.

Every part is an immutable, hashable ``attrs`` record that checks itself when built, so a
calendar that cannot work (overlapping intervals, a week with no working time) is refused
with a :class:`~iso10002.errors.ConfigurationError` naming the fault, never by an endless
search later.

Wall times follow one rule: an interval ends at the first occurrence of its end time after
its start, so ``22:00-06:00`` is a night shift ending the next morning and ``00:00-00:00``
is a whole day. An overnight interval belongs to the weekday (and date) it *starts* on.

Examples:
    >>> WorkingInterval.parse("22:00-06:00").overnight
    True
    >>> WeeklyHours.mon_fri("09:00-12:30, 13:30-17:00").weekly_hours
    35.0
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import attrs

from iso10002.errors import ConfigurationError

__all__ = [
    "WEEKDAYS",
    "Closure",
    "DayOverride",
    "HolidaySource",
    "WeeklyHours",
    "WorkingInterval",
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys, Monday first (``date.weekday()`` order)."""

_DAY = 86_400_000_000  # microseconds
_TIME = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")


def _parse_time(text: str) -> time:
    match = _TIME.match(text)
    if match is None:
        raise ConfigurationError(f"{text!r} is not a time such as 09:00")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour == 24 and minute == 0 and second == 0:
        return time(0)  # "24:00": midnight at the end of the day
    if hour > 23 or minute > 59 or second > 59:
        raise ConfigurationError(f"{text!r} is not a time of day")
    return time(hour, minute, second)


def _micros(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


@attrs.frozen
class WorkingInterval:
    """Working time on one day, from ``start`` to the next occurrence of ``end``.

    ``end`` at or before ``start`` means the interval runs past midnight (a night shift);
    ``00:00-00:00`` is the whole day. Any other interval with ``start == end`` is refused
    as empty. Times are local wall-clock times of the calendar's zone.

    Examples:
        >>> WorkingInterval(time(9), time(17)).length
        datetime.timedelta(seconds=28800)
        >>> WorkingInterval.parse("22:00-06:00").length
        datetime.timedelta(seconds=28800)
        >>> WorkingInterval.parse("10:00-10:00")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: working interval 10:00-10:00 is empty; ...
    """

    start: time
    end: time

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, time) or value.tzinfo is not None:
                raise ConfigurationError(f"working interval {name}: expected a naive time")
        if self.start == self.end and self.start != time(0):
            raise ConfigurationError(
                f"working interval {self} is empty; write 00:00-00:00 for a whole day"
            )

    @classmethod
    def parse(cls, text: str) -> WorkingInterval:
        """Read ``"09:00-17:00"`` (``24:00`` is accepted as an end).

        Examples:
            >>> WorkingInterval.parse("13:30-24:00").end
            datetime.time(0, 0)
        """
        start, sep, end = text.partition("-")
        if not sep:
            raise ConfigurationError(f"{text!r} is not an interval such as 09:00-17:00")
        return cls(_parse_time(start), _parse_time(end))

    @property
    def offset(self) -> int:
        """Microseconds from local midnight to the start."""
        return _micros(self.start)

    @property
    def micros(self) -> int:
        """Length in microseconds of wall-clock time (DST may make the real length differ)."""
        length = _micros(self.end) - _micros(self.start)
        return length if length > 0 else length + _DAY

    @property
    def length(self) -> timedelta:
        """Wall-clock length."""
        return timedelta(microseconds=self.micros)

    @property
    def overnight(self) -> bool:
        """Whether the interval ends on the next day."""
        return _micros(self.end) <= _micros(self.start) and self.end != time(0)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def _intervals(value: Any) -> tuple[WorkingInterval, ...]:
    """Accept ``"09:00-12:00, 13:00-17:00"``, a WorkingInterval, pairs of times, or a tuple."""
    if value is None or value == "":
        return ()
    if isinstance(value, WorkingInterval):
        return (value,)
    if isinstance(value, str):
        parsed = (WorkingInterval.parse(part) for part in value.split(",") if part.strip())
        return tuple(sorted(parsed, key=lambda i: i.offset))
    items: list[WorkingInterval] = []
    for item in value:
        if isinstance(item, WorkingInterval):
            items.append(item)
        elif isinstance(item, str):
            items.extend(_intervals(item))
        else:
            start, end = item
            items.append(WorkingInterval(start, end))
    return tuple(sorted(items, key=lambda i: i.offset))


def _check_no_overlap(spans: Iterable[tuple[int, int, str]], period: int | None) -> None:
    """Refuse overlapping spans (microseconds); ``period`` wraps the axis (a week)."""
    ordered = sorted(spans)
    if period is not None and ordered:
        first = ordered[0]
        ordered.append((first[0] + period, first[1] + period, first[2]))
    for (_, end, name), (start, _, other) in itertools.pairwise(ordered):
        if start < end:
            raise ConfigurationError(f"working intervals overlap: {name} and {other}")


@attrs.frozen
class WeeklyHours:
    """Working intervals for each weekday, Monday to Sunday, in local wall time.

    Each field takes a tuple of :class:`WorkingInterval` or text such as
    ``"09:00-12:30, 13:30-17:00"``. Intervals may not overlap, including a night shift
    running into the next day's first interval; touching intervals are fine.

    Examples:
        >>> hours = WeeklyHours(mon="22:00-06:00", tue="22:00-06:00")
        >>> [str(i) for i in hours.on(0)]
        ['22:00-06:00']
        >>> WeeklyHours(mon="09:00-17:00", tue="08:00-18:00, 12:00-13:00")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: working intervals overlap: tue 08:00-18:00 and ...
    """

    mon: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    tue: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    wed: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    thu: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    fri: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    sat: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    sun: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)

    def __attrs_post_init__(self) -> None:
        spans = [
            (day * _DAY + i.offset, day * _DAY + i.offset + i.micros, f"{WEEKDAYS[day]} {i}")
            for day in range(7)
            for i in self.on(day)
        ]
        _check_no_overlap(spans, period=7 * _DAY)

    @classmethod
    def mon_fri(cls, hours: str | Sequence[WorkingInterval] = "09:00-17:00") -> WeeklyHours:
        """The same hours Monday to Friday, nothing at weekends.

        Examples:
            >>> WeeklyHours.mon_fri().weekly_hours
            40.0
        """
        return cls(mon=hours, tue=hours, wed=hours, thu=hours, fri=hours)

    @classmethod
    def of(cls, days: Mapping[str, str | Sequence[WorkingInterval]]) -> WeeklyHours:
        """Build from a mapping such as ``{"mon-fri": "09:00-17:00", "sat": "10:00-13:00"}``.

        Examples:
            >>> WeeklyHours.of({"mon-thu": "09:00-17:00", "fri": "09:00-16:00"}).weekly_hours
            39.0
        """
        fields: dict[str, Any] = {}
        for key, hours in days.items():
            first, _, last = key.lower().replace(" ", "").partition("-")
            if first not in WEEKDAYS or (last and last not in WEEKDAYS):
                raise ConfigurationError(f"{key!r} is not a weekday or range such as mon-fri")
            lo, hi = WEEKDAYS.index(first), WEEKDAYS.index(last or first)
            if hi < lo:
                raise ConfigurationError(f"{key!r}: a weekday range runs Monday to Sunday")
            for day in WEEKDAYS[lo : hi + 1]:
                fields[day] = hours
        return cls(**fields)

    def on(self, weekday: int) -> tuple[WorkingInterval, ...]:
        """The intervals starting on ``weekday`` (0 is Monday)."""
        result: tuple[WorkingInterval, ...] = getattr(self, WEEKDAYS[weekday])
        return result

    @property
    def weekly_hours(self) -> float:
        """Wall-clock working hours in an ordinary week."""
        return sum(i.micros for day in range(7) for i in self.on(day)) / 3_600_000_000

    @property
    def working_weekdays(self) -> tuple[int, ...]:
        """The weekdays with working time (0 is Monday)."""
        return tuple(day for day in range(7) if self.on(day))


@attrs.frozen
class DayOverride:
    """Special hours on one date: a half day, an extra working day, or a closed day.

    ``hours=()`` closes the date; other hours replace the weekly ones for that date and
    take precedence over a public holiday (open on a holiday). ``reason`` is shown in
    explanations.

    Examples:
        >>> DayOverride(date(2026, 12, 24), "09:00-12:00", "Christmas Eve half day").hours[0].length
        datetime.timedelta(seconds=10800)
    """

    day: date = attrs.field()
    hours: tuple[WorkingInterval, ...] = attrs.field(default=(), converter=_intervals)
    reason: str = "special hours"

    @day.validator
    def _a_date(self, _: attrs.Attribute[date], value: object) -> None:
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ConfigurationError(f"day override: expected a date, got {value!r}")

    def __attrs_post_init__(self) -> None:
        spans = [(i.offset, i.offset + i.micros, f"{self.day} {i}") for i in self.hours]
        _check_no_overlap(spans, period=None)


@attrs.frozen
class Closure:
    """A closed period between two aware instants (an outage, an office move, a strike).

    Working time inside it does not count. A business day keeps its status while any of
    its working time remains.

    Examples:
        >>> from datetime import timezone
        >>> c = Closure(datetime(2026, 5, 1, 12, tzinfo=timezone.utc),
        ...             datetime(2026, 5, 1, 17, tzinfo=timezone.utc), "systems outage")
        >>> c.end - c.start
        datetime.timedelta(seconds=18000)
    """

    start: datetime
    end: datetime
    reason: str = "closed"

    def __attrs_post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, datetime) or value.utcoffset() is None:
                raise ConfigurationError(f"closure {name}: expected an aware datetime")
        if self.end <= self.start:
            raise ConfigurationError(f"closure {self.reason!r} ends before it starts")


# Names for the subdivisions that explanations mention most; others show their code.
_REGIONS = {
    ("GB", "ENG"): "England",
    ("GB", "WLS"): "Wales",
    ("GB", "SCT"): "Scotland",
    ("GB", "NIR"): "Northern Ireland",
    ("AU", "ACT"): "the Australian Capital Territory",
    ("AU", "NSW"): "New South Wales",
    ("AU", "NT"): "the Northern Territory",
    ("AU", "QLD"): "Queensland",
    ("AU", "SA"): "South Australia",
    ("AU", "TAS"): "Tasmania",
    ("AU", "VIC"): "Victoria",
    ("AU", "WA"): "Western Australia",
}
_COUNTRIES = {
    "GB": "the United Kingdom",
    "AU": "Australia",
    "IE": "Ireland",
    "US": "the United States",
    "DE": "Germany",
    "FR": "France",
    "NL": "the Netherlands",
    "ES": "Spain",
    "IT": "Italy",
}
# Countries whose national list silently drops days that only some subdivisions keep
# (holidays#1449: GB without a nation has no Easter Monday or summer bank holiday).
SUBDIVISION_REQUIRED = frozenset({"GB", "AU"})


def _country(value: object) -> str:
    if not isinstance(value, str):
        raise ConfigurationError(f"country: expected an ISO 3166 code such as GB, got {value!r}")
    code = value.strip().upper()
    return "GB" if code == "UK" else code


@attrs.frozen
class HolidaySource:
    """Public holidays from the ``holidays`` package, by country and subdivision.

    ``GB`` and ``AU`` need a subdivision (a UK nation, an Australian state): their
    national lists leave out days that only some nations or states keep, which would
    silently shorten deadlines. Unknown countries or subdivisions are refused.

    Examples:
        >>> HolidaySource("GB", "ENG").label
        'bank holidays in England'
        >>> HolidaySource("GB")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: holidays for GB differ by subdivision; pass subdiv= ...
    """

    country: str = attrs.field(converter=_country)
    subdiv: str | None = None
    categories: tuple[str, ...] | None = None

    def __attrs_post_init__(self) -> None:
        import holidays

        supported = holidays.list_supported_countries()
        if self.country not in supported:
            raise ConfigurationError(
                f"no public holidays are known for country {self.country!r} "
                "(use an ISO 3166 code such as GB, IE, AU, US)"
            )
        subdivisions = list(supported[self.country])
        if self.subdiv is None and self.country in SUBDIVISION_REQUIRED:
            raise ConfigurationError(
                f"holidays for {self.country} differ by subdivision; pass subdiv= one of "
                f"{', '.join(s for s in subdivisions if ' ' not in s)} "
                "(national-only lists omit days such as Easter Monday)"
            )
        if self.subdiv is not None and self.subdiv not in subdivisions:
            raise ConfigurationError(
                f"{self.subdiv!r} is not a subdivision of {self.country} known to holidays "
                f"(known: {', '.join(subdivisions) or 'none'})"
            )

    def load(self, years: Iterable[int]) -> dict[date, str]:
        """The holidays of ``years`` as a plain ``{date: name}`` snapshot."""
        import holidays

        calendar = holidays.country_holidays(
            self.country, subdiv=self.subdiv, years=list(years), categories=self.categories
        )
        return dict(calendar.items())

    @property
    def region(self) -> str:
        """Where the holidays apply, in words ("England", "Ireland")."""
        if self.subdiv is not None:
            return _REGIONS.get((self.country, self.subdiv), f"{self.country}-{self.subdiv}")
        return _COUNTRIES.get(self.country, self.country)

    @property
    def label(self) -> str:
        """How explanations name these holidays ("bank holidays in England")."""
        kind = "bank holidays" if self.country == "GB" else "public holidays"
        return f"{kind} in {self.region}"
