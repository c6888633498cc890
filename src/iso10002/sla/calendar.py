"""Business calendars: when an organization is open, in an IANA time zone, with holidays.

A :class:`BusinessCalendar` is an immutable, hashable specification. Its arithmetic runs on
tables compiled lazily from it (see :mod:`iso10002.sla._engine`): every query costs one or
two binary searches, however far apart its instants are, and never consults the
``holidays`` package after a year is compiled.

Semantics, pinned down (the libraries we compared disagree on each):

* business time is real elapsed time inside working intervals, at microsecond resolution;
* :meth:`~BusinessCalendar.add` returns the *earliest* instant at which the budget is used
  up: Thursday 16:00 plus one hour is Thursday 17:00 (the close), not Friday 09:00;
* :meth:`~BusinessCalendar.between` is signed: reversing the instants negates the result;
* adding zero returns the start unchanged, even outside hours (:meth:`next_open` rolls);
* a negative duration goes back to the *latest* instant with that much business time
  before the start;
* "N business days" counts local dates strictly after the start's date (the day of
  receipt is day 0), whatever the time of day.

Examples:
    >>> from datetime import datetime, timedelta
    >>> from zoneinfo import ZoneInfo
    >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG", zone="Europe/London")
    >>> london = ZoneInfo("Europe/London")
    >>> cal.add(datetime(2026, 4, 2, 16, 0, tzinfo=london), timedelta(hours=1))
    datetime.datetime(2026, 4, 2, 17, 0, tzinfo=zoneinfo.ZoneInfo(key='Europe/London'))
    >>> cal.add(datetime(2026, 4, 2, 16, 30, tzinfo=london), timedelta(hours=1)).isoformat()
    '2026-04-07T09:30:00+01:00'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.sla._engine import (
    DAY_NAMES,
    MONTH_NAMES,
    Engine,
    NonBusinessDay,
    _not_aware,
    from_micros,
    to_micros,
)
from iso10002.sla.hours import Closure, DayOverride, HolidaySource, WeeklyHours

__all__ = ["BusinessCalendar", "DayTime", "NonBusinessDay"]

DayTime = Literal["same_time", "open", "close", "end_of_day"]
"""Where on a business day :meth:`BusinessCalendar.add_business_days` lands."""

_DEFAULT_ZONES = {
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "NL": "Europe/Amsterdam",
    "BE": "Europe/Brussels",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "AT": "Europe/Vienna",
    "PT": "Europe/Lisbon",
    "LU": "Europe/Luxembourg",
    "MT": "Europe/Malta",
    "CY": "Asia/Nicosia",
    ("AU", "ACT"): "Australia/Sydney",
    ("AU", "NSW"): "Australia/Sydney",
    ("AU", "NT"): "Australia/Darwin",
    ("AU", "QLD"): "Australia/Brisbane",
    ("AU", "SA"): "Australia/Adelaide",
    ("AU", "TAS"): "Australia/Hobart",
    ("AU", "VIC"): "Australia/Melbourne",
    ("AU", "WA"): "Australia/Perth",
}
_US = timedelta(microseconds=1)


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ConfigurationError(
            f"time zone: expected an IANA name such as Europe/London, got {name!r}"
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigurationError(
            f"unknown time zone {name!r}; use an IANA name such as Europe/London"
        ) from None


def _whole_days(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError([f"n: expected a whole number of days, got {value!r}"])


def _aware(value: object, name: str = "start") -> datetime:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError([_not_aware(value, name)])
    return value


def _timedelta(value: object) -> None:
    if not isinstance(value, timedelta):
        raise ValidationError([f"duration: expected a timedelta, got {type(value).__name__}"])


def _local_date(calendar: BusinessCalendar, value: object) -> date:
    if isinstance(value, datetime):
        return calendar.local(value).date()
    if not isinstance(value, date):
        raise ValidationError([f"day: expected a date, got {type(value).__name__}"])
    return value


def _hours(value: Any) -> WeeklyHours:
    if isinstance(value, WeeklyHours):
        return value
    if isinstance(value, dict):
        return WeeklyHours.of(value)
    if isinstance(value, str):
        return WeeklyHours.mon_fri(value)
    raise ConfigurationError(f"hours: expected WeeklyHours, a mapping or text, got {value!r}")


def _overrides(value: Iterable[DayOverride]) -> tuple[DayOverride, ...]:
    items = tuple(sorted(value, key=lambda o: o.day))
    for a, b in itertools.pairwise(items):
        if a.day == b.day:
            raise ConfigurationError(f"two overrides for {a.day}: give one per date")
    return items


def _closures(value: Iterable[Closure]) -> tuple[Closure, ...]:
    return tuple(sorted(value, key=lambda c: (c.start, c.end)))


@attrs.frozen(getstate_setstate=False)
class BusinessCalendar:
    """Working hours in an IANA zone, minus public holidays, closed days and closures.

    ``zone``: IANA name. ``hours``: :class:`~iso10002.sla.hours.WeeklyHours` (or a mapping
    such as ``{"mon-fri": "09:00-17:00"}``, or one interval text for Monday to Friday).
    ``holidays``: a :class:`~iso10002.sla.hours.HolidaySource`. ``overrides``: per-date
    hours (half days, closed days, extra working days). ``closures``: closed periods
    between aware instants. ``name``: how explanations name the calendar.

    Instances are immutable and hashable; equal specifications compare equal. A calendar
    without any working time is refused. Aware datetimes in, aware datetimes (in the
    calendar's zone) out; naive datetimes are refused with
    :class:`~iso10002.errors.ValidationError`.

    Examples:
        >>> cal = BusinessCalendar.weekdays("Europe/Paris", hours="09:00-12:00, 14:00-18:00")
        >>> cal.hours.weekly_hours
        35.0
        >>> BusinessCalendar("Mars/Olympus")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: unknown time zone 'Mars/Olympus'; ...
    """

    zone: str
    hours: WeeklyHours = attrs.field(factory=WeeklyHours.mon_fri, converter=_hours)
    holidays: HolidaySource | None = None
    overrides: tuple[DayOverride, ...] = attrs.field(default=(), converter=_overrides)
    closures: tuple[Closure, ...] = attrs.field(default=(), converter=_closures)
    name: str | None = None
    _engine: Engine = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __attrs_post_init__(self) -> None:
        tz = _zone(self.zone)
        if self.holidays is not None and not isinstance(self.holidays, HolidaySource):
            raise ConfigurationError("holidays: expected a HolidaySource")
        if not self.hours.working_weekdays and not any(o.hours for o in self.overrides):
            raise ConfigurationError(
                "the calendar has no working time at all: give weekly hours or dated hours"
            )
        object.__setattr__(
            self, "_engine", Engine(tz, self.hours, self.holidays, self.overrides, self.closures)
        )

    def __getstate__(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.init}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)
        self.__attrs_post_init__()

    # --- constructors ---------------------------------------------------------------------

    @classmethod
    def weekdays(
        cls,
        zone: str = "UTC",
        *,
        hours: str = "09:00-17:00",
        holidays: HolidaySource | None = None,
        name: str | None = None,
    ) -> BusinessCalendar:
        """Monday to Friday, the same hours each day (default 09:00-17:00), no holidays.

        Examples:
            >>> BusinessCalendar.weekdays().hours.working_weekdays
            (0, 1, 2, 3, 4)
        """
        return cls(zone, WeeklyHours.mon_fri(hours), holidays, name=name)

    @classmethod
    def for_country(
        cls,
        country: str,
        subdiv: str | None = None,
        *,
        zone: str | None = None,
        hours: WeeklyHours | dict[str, str] | str = "09:00-17:00",
        categories: tuple[str, ...] | None = None,
        overrides: Iterable[DayOverride] = (),
        closures: Iterable[Closure] = (),
        name: str | None = None,
    ) -> BusinessCalendar:
        """Weekly hours (default Monday to Friday 09:00-17:00) with a country's holidays.

        UK nations are separate (``subdiv="ENG"`` for England and Wales' dates, ``"SCT"``,
        ``"NIR"``); ``GB`` and ``AU`` refuse a missing subdivision rather than silently
        dropping nation- or state-only holidays. ``zone`` defaults for single-zone
        countries and Australian states; elsewhere it is required.

        Examples:
            >>> cal = BusinessCalendar.for_country("GB", subdiv="SCT")
            >>> cal.zone, cal.is_business_day(date(2026, 1, 2))
            ('Europe/London', False)
            >>> BusinessCalendar.for_country("US")
            Traceback (most recent call last):
            ...
            iso10002.errors.ConfigurationError: give zone= for US: ...
        """
        source = HolidaySource(country, subdiv, categories)
        if zone is None:
            found = _DEFAULT_ZONES.get((source.country, subdiv or "")) or _DEFAULT_ZONES.get(
                source.country
            )
            if found is None:
                raise ConfigurationError(
                    f"give zone= for {source.country}: it has no single default time zone"
                )
            zone = found
        return cls(
            zone,
            _hours(hours),
            source,
            tuple(overrides),
            tuple(closures),
            name=name,
        )

    # --- derived properties ---------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's zone as a :class:`~zoneinfo.ZoneInfo`."""
        return self._engine.zone

    @property
    def holiday_label(self) -> str:
        """How explanations name the calendar's holidays ("bank holidays in England")."""
        return self.holidays.label if self.holidays is not None else "public holidays"

    def local(self, at: datetime) -> datetime:
        """``at`` on the calendar's local clock.

        Examples:
            >>> from datetime import timezone
            >>> cal = BusinessCalendar.weekdays("Europe/London")
            >>> cal.local(datetime(2026, 7, 1, 12, tzinfo=timezone.utc)).hour
            13
        """
        return _aware(at, "at").astimezone(self._engine.zone)

    # --- arithmetic -----------------------------------------------------------------------

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of business time has run from ``start``.

        Zero returns ``start``; a negative duration counts back to the latest instant that
        far before. Cost: two binary searches, whatever the duration.

        Examples:
            >>> cal = BusinessCalendar.weekdays("UTC")
            >>> from datetime import timezone
            >>> fri = datetime(2026, 1, 9, 16, tzinfo=timezone.utc)
            >>> cal.add(fri, timedelta(hours=1)).isoformat()
            '2026-01-09T17:00:00+00:00'
            >>> cal.add(fri, timedelta(hours=2)).isoformat()
            '2026-01-12T10:00:00+00:00'
            >>> mon = datetime(2026, 1, 12, 9, tzinfo=timezone.utc)
            >>> cal.add(mon, timedelta(hours=-1)).isoformat()
            '2026-01-09T16:00:00+00:00'
        """
        t = to_micros(start, "start")
        if not isinstance(duration, timedelta):
            raise ValidationError(
                [f"duration: expected a timedelta, got {type(duration).__name__}"]
            )
        d = (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds
        return from_micros(self._engine.add(t, d), self._engine.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time from ``start`` to ``end``; negative when ``end`` is earlier.

        Examples:
            >>> from datetime import timezone
            >>> cal = BusinessCalendar.weekdays("UTC")
            >>> a = datetime(2026, 1, 9, 16, tzinfo=timezone.utc)   # a Friday
            >>> b = datetime(2026, 1, 12, 10, tzinfo=timezone.utc)  # the Monday after
            >>> cal.between(a, b), cal.between(b, a)
            (datetime.timedelta(seconds=7200), datetime.timedelta(days=-1, seconds=79200))
        """
        us = self._engine.between(to_micros(start, "start"), to_micros(end, "end"))
        return timedelta(microseconds=us)

    def add_business_days(self, start: datetime, n: int, *, at: DayTime = "same_time") -> datetime:
        """The ``n``-th business day after the local date of ``start``, at ``at``.

        Day 0 is the start's own date, whatever its time; ``n == 0`` gives that date if it
        is a business day, else the next one; negative ``n`` counts back. ``at``:
        ``"same_time"`` (the start's wall time, DST-resolved as opening times are),
        ``"open"`` / ``"close"`` (the day's first opening / last close, an overnight shift
        closing the next morning), ``"end_of_day"`` (the last microsecond of that date).

        Examples:
            >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
            >>> from zoneinfo import ZoneInfo
            >>> thu = datetime(2026, 4, 2, 15, 30, tzinfo=ZoneInfo("Europe/London"))
            >>> cal.add_business_days(thu, 1).isoformat()   # skips Good Friday and Easter Monday
            '2026-04-07T15:30:00+01:00'
            >>> cal.add_business_days(thu, 15, at="end_of_day").isoformat()
            '2026-04-27T23:59:59.999999+01:00'
        """
        _whole_days(n)
        zone = self._engine.zone
        local = _aware(start).astimezone(zone)
        ordinal, opens, closes, regular = self._engine.business_day(
            local.toordinal(), local.year, n
        )
        if at == "close":
            return from_micros(closes, zone)
        if at == "same_time":
            if ordinal == local.toordinal():
                return local  # the start's own date: the start itself, even in a fold
            if regular:  # that wall time exists once on the day: plain wall arithmetic
                return local + timedelta(days=ordinal - local.toordinal())
            wall = datetime.combine(date.fromordinal(ordinal), local.time())
            return from_micros(self._engine.localise(wall, opening=True), zone)
        if at == "open":
            return from_micros(opens, zone)
        if at == "end_of_day":
            day = date.fromordinal(ordinal)
            return from_micros(self._start_of(day + timedelta(days=1)) - 1, zone)
        raise ValidationError([f"at: {at!r} is not one of same_time, open, close, end_of_day"])

    def close_of_business_day(self, start: datetime, n: int) -> datetime:
        """Close of business on the ``n``-th business day after the day of ``start``.

        DISP 1.5.1R's "close of business on the third business day following the day on
        which it is received" is ``close_of_business_day(received_at, 3)``.

        Examples:
            >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
            >>> from zoneinfo import ZoneInfo
            >>> received = datetime(2026, 12, 23, 16, 40, tzinfo=ZoneInfo("Europe/London"))
            >>> cal.close_of_business_day(received, 3).isoformat()
            '2026-12-30T17:00:00+00:00'
        """
        return self.add_business_days(start, n, at="close")

    def add_calendar_days(self, at: datetime, n: int) -> datetime:
        """The same local wall time ``n`` calendar days after ``at``'s date (holidays count).

        A wall time that does not exist on that date (the spring-forward gap) moves to the
        end of the gap; one that occurs twice gives its first occurrence.

        Examples:
            >>> from zoneinfo import ZoneInfo
            >>> cal = BusinessCalendar.weekdays("Europe/London")
            >>> friday = datetime(2026, 3, 27, 9, 30, tzinfo=ZoneInfo("Europe/London"))
            >>> cal.add_calendar_days(friday, 7).isoformat()  # the clocks went forward
            '2026-04-03T09:30:00+01:00'
        """
        _whole_days(n)
        local = self.local(at)
        if n == 0:
            return local  # even in the repeated hour: zero days is the instant itself
        shifted = local + timedelta(days=n)  # wall-clock arithmetic, fold reset
        if self._engine.is_regular(shifted.toordinal(), shifted.year):
            return shifted
        wall = datetime.combine(shifted.date(), local.time())
        return from_micros(self._engine.localise(wall, opening=True), self._engine.zone)

    def end_of_day(self, at: datetime, days: int = 0) -> datetime:
        """The last microsecond of the local date ``days`` after ``at``'s date.

        Examples:
            >>> from zoneinfo import ZoneInfo
            >>> cal = BusinessCalendar.weekdays("Australia/Sydney")
            >>> received = datetime(2026, 1, 5, 10, tzinfo=ZoneInfo("Australia/Sydney"))
            >>> cal.end_of_day(received, 30).isoformat()
            '2026-02-04T23:59:59.999999+11:00'
        """
        day = self.local(at).date() + timedelta(days=days)
        return from_micros(self._start_of(day + timedelta(days=1)) - 1, self._engine.zone)

    def wall_time(self, day: date, clock: time) -> datetime:
        """The instant the local clock shows ``clock`` on ``day`` (a gap moves to its end;
        a repeated time gives its first occurrence).

        Examples:
            >>> cal = BusinessCalendar.weekdays("Europe/London")
            >>> cal.wall_time(date(2026, 3, 29), time(1, 30)).isoformat()  # in the gap
            '2026-03-29T02:00:00+01:00'
        """
        us = self._engine.localise(datetime.combine(day, clock.replace(tzinfo=None)), opening=True)
        return from_micros(us, self._engine.zone)

    def _start_of(self, day: date) -> int:
        engine = self._engine
        if engine.is_regular(day.toordinal(), day.year):  # midnight exists once that day
            return to_micros(datetime.combine(day, time(0), tzinfo=engine.zone))
        return engine.localise(datetime.combine(day, time(0)), opening=True)

    # --- questions ------------------------------------------------------------------------

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` (a local date, or an aware datetime's local date) has working time.

        Examples:
            >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
            >>> cal.is_business_day(date(2026, 4, 6)), cal.is_business_day(date(2026, 4, 7))
            (False, True)
        """
        return self._engine.is_business_day(_local_date(self, day))

    def is_open(self, at: datetime) -> bool:
        """Whether working time is running at ``at``.

        Examples:
            >>> from datetime import timezone
            >>> cal = BusinessCalendar.weekdays("UTC")
            >>> cal.is_open(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
            True
            >>> cal.is_open(datetime(2026, 1, 5, 17, tzinfo=timezone.utc))
            False
        """
        return self._engine.is_open(to_micros(at))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when open, else the next opening (for display: "we reopen at …").

        Examples:
            >>> from datetime import timezone
            >>> cal = BusinessCalendar.weekdays("UTC")
            >>> cal.next_open(datetime(2026, 1, 9, 17, tzinfo=timezone.utc)).isoformat()
            '2026-01-12T09:00:00+00:00'
        """
        return from_micros(self._engine.next_open(to_micros(at)), self._engine.zone)

    def non_business_days(
        self, start: date | datetime, end: date | datetime, *, days_off: bool = False
    ) -> tuple[NonBusinessDay, ...]:
        """Dates from ``start`` to ``end`` (inclusive) without working time, with reasons.

        By default only days that *would* have been working days are listed (holidays,
        closed days); ``days_off=True`` adds the weekly days off (weekends).

        Examples:
            >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
            >>> days = cal.non_business_days(date(2026, 12, 23), date(2026, 12, 31))
            >>> [(d.day.isoformat(), d.name) for d in days]
            [('2026-12-25', 'Christmas Day'), ('2026-12-28', 'Boxing Day (observed)')]
        """
        first = self.local(start).date() if isinstance(start, datetime) else start
        last = self.local(end).date() if isinstance(end, datetime) else end
        found = self._engine.non_business_days(first, last)
        return tuple(d for d in found if days_off or d.kind != "day_off")

    def describe_skipped(self, start: date | datetime, end: date | datetime) -> str:
        """Words for the holidays and closed days from ``start`` to ``end``, or ``""``.

        Examples:
            >>> cal = BusinessCalendar.for_country("GB", subdiv="ENG")
            >>> cal.describe_skipped(date(2026, 12, 24), date(2026, 12, 30))
            'Fri 25 Dec and Mon 28 Dec (bank holidays in England)'
        """
        days = self.non_business_days(start, end)
        groups: dict[str, list[NonBusinessDay]] = {}
        for day in days:
            label = self.holiday_label if day.kind == "holiday" else day.name
            groups.setdefault(label, []).append(day)
        parts = []
        for label, members in groups.items():
            names = [
                f"{DAY_NAMES[d.day.weekday()]} {d.day.day} {MONTH_NAMES[d.day.month - 1]}"
                for d in members
            ]
            listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            singular = len(members) == 1 and " holidays in " in f" {label}"
            parts.append(
                f"{listed} ({label.replace('holidays', 'holiday', 1) if singular else label})"
            )
        return ", ".join(parts)
