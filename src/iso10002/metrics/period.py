"""Reporting periods: half-open spans of local calendar days, such as 2026 Q3.

A :class:`Period` is ``[start, end)``: it contains ``start`` and stops just before ``end``,
so consecutive periods never overlap and never leave a gap. Both ends are local midnights in
the period's time zone (UTC unless given), so "July" means July where the firm is.

:meth:`Period.parse` reads the labels the command line and the reports use:

======================== ===================================================
``"2026"``               the year
``"2026H2"``             a half-year (FCA and ASIC report by half-years)
``"2026Q3"``             a quarter (``"2026-Q3"`` too)
``"2026-07"``            a month
``"2026-W27"``           an ISO week (Monday to Sunday)
``"2026-07-01..2026-09-30"`` inclusive dates, first to last day
======================== ===================================================

Every period's :attr:`~Period.label` parses back to the same period (in the same zone).

Examples:
    >>> q3 = Period.parse("2026Q3")
    >>> q3.start.isoformat(), q3.end.isoformat()
    ('2026-07-01T00:00:00+00:00', '2026-10-01T00:00:00+00:00')
    >>> [m.label for m in q3.months()]
    ['2026-07', '2026-08', '2026-09']
    >>> Period.parse(q3.label) == q3
    True
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo

import attrs

from iso10002.errors import ValidationError
from iso10002.sla.calendar import _zone as zone_named

__all__ = ["Period"]

_YEAR = re.compile(r"(\d{4})")
_HALF = re.compile(r"(\d{4})-?H([12])")
_QUARTER = re.compile(r"(\d{4})-?Q([1-4])")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_WEEK = re.compile(r"(\d{4})-?W(\d{2})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")

_FORMS = "2026, 2026H2, 2026Q3, 2026-07, 2026-W27 or 2026-07-01..2026-09-30"


def _aware(_: object, attribute: attrs.Attribute[datetime], value: object) -> None:
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise ValidationError([f"{attribute.name}: expected a timezone-aware datetime"])


def _timezone(tz: str | tzinfo) -> tzinfo:
    return zone_named(tz) if isinstance(tz, str) else tz


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _month_after(year: int, month: int) -> date:
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


@attrs.frozen
class Period:
    """A half-open span ``[start, end)`` of time, with a label that names it.

    Build one with :meth:`parse`, :meth:`year`, :meth:`half`, :meth:`quarter`,
    :meth:`month`, :meth:`week` or :meth:`days`; the constructor takes any two aware
    instants with ``start < end``. Equality compares instants and label.

    Examples:
        >>> from datetime import timezone
        >>> p = Period.days(date(2026, 7, 1), date(2026, 7, 14))
        >>> p.label, p.contains(datetime(2026, 7, 14, 23, 59, tzinfo=timezone.utc))
        ('2026-07-01..2026-07-14', True)
        >>> p.contains(datetime(2026, 7, 15, tzinfo=timezone.utc))
        False
    """

    start: datetime = attrs.field(validator=_aware)
    end: datetime = attrs.field(validator=_aware)
    label: str

    def __attrs_post_init__(self) -> None:
        if not self.start < self.end:
            raise ValidationError(
                [f"end: {self.end.isoformat()} is not after start {self.start.isoformat()}"]
            )

    def __str__(self) -> str:
        return self.label

    # --- constructors -------------------------------------------------------------------

    @classmethod
    def days(cls, first: date, last: date, tz: str | tzinfo = timezone.utc) -> Period:
        """From local midnight on ``first`` to local midnight after ``last`` (inclusive dates).

        Examples:
            >>> Period.days(date(2026, 1, 1), date(2026, 1, 1)).end.isoformat()
            '2026-01-02T00:00:00+00:00'
        """
        if last < first:
            raise ValidationError([f"last: {last} is before first {first}"])
        zone = _timezone(tz)
        return cls(
            _midnight(first, zone),
            _midnight(last + timedelta(days=1), zone),
            f"{first.isoformat()}..{last.isoformat()}",
        )

    @classmethod
    def year(cls, year: int, tz: str | tzinfo = timezone.utc) -> Period:
        """The calendar year ``year``.

        Examples:
            >>> Period.year(2026).label
            '2026'
        """
        zone = _timezone(tz)
        return cls(
            _midnight(date(year, 1, 1), zone), _midnight(date(year + 1, 1, 1), zone), f"{year}"
        )

    @classmethod
    def half(cls, year: int, n: int, tz: str | tzinfo = timezone.utc) -> Period:
        """Half-year ``n`` (1: January to June, 2: July to December) of ``year``.

        Examples:
            >>> Period.half(2026, 2).start.month
            7
        """
        if n not in (1, 2):
            raise ValidationError([f"n: {n!r} is not a half-year (1 or 2)"])
        zone = _timezone(tz)
        first = date(year, 6 * n - 5, 1)
        end = date(year + 1, 1, 1) if n == 2 else date(year, 7, 1)
        return cls(_midnight(first, zone), _midnight(end, zone), f"{year}H{n}")

    @classmethod
    def quarter(cls, year: int, n: int, tz: str | tzinfo = timezone.utc) -> Period:
        """Quarter ``n`` (1 to 4) of ``year``.

        Examples:
            >>> Period.quarter(2026, 4).end.isoformat()
            '2027-01-01T00:00:00+00:00'
        """
        if n not in (1, 2, 3, 4):
            raise ValidationError([f"n: {n!r} is not a quarter (1 to 4)"])
        zone = _timezone(tz)
        first = date(year, 3 * n - 2, 1)
        end = _month_after(year, 3 * n)
        return cls(_midnight(first, zone), _midnight(end, zone), f"{year}Q{n}")

    @classmethod
    def month(cls, year: int, month: int, tz: str | tzinfo = timezone.utc) -> Period:
        """The calendar month ``month`` (1 to 12) of ``year``.

        Examples:
            >>> Period.month(2026, 2).end.isoformat()
            '2026-03-01T00:00:00+00:00'
        """
        if not 1 <= month <= 12:
            raise ValidationError([f"month: {month!r} is not a month (1 to 12)"])
        zone = _timezone(tz)
        return cls(
            _midnight(date(year, month, 1), zone),
            _midnight(_month_after(year, month), zone),
            f"{year}-{month:02d}",
        )

    @classmethod
    def week(cls, year: int, week: int, tz: str | tzinfo = timezone.utc) -> Period:
        """ISO week ``week`` of ISO year ``year``: Monday to Sunday.

        Examples:
            >>> Period.week(2026, 1).start.date().isoformat()  # 2026-W01 starts in 2025
            '2025-12-29'
        """
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise ValidationError([f"week: {year}-W{week:02d} is not an ISO week"]) from None
        zone = _timezone(tz)
        return cls(
            _midnight(monday, zone),
            _midnight(monday + timedelta(days=7), zone),
            f"{year}-W{week:02d}",
        )

    @classmethod
    def parse(cls, text: str, tz: str | tzinfo = timezone.utc) -> Period:
        """Read a period label (see the module's table); ``tz`` places its midnights.

        Examples:
            >>> Period.parse("2026-07", tz="Europe/London").start.isoformat()
            '2026-07-01T00:00:00+01:00'
            >>> Period.parse("2026-07-01..2026-09-30") == Period.parse("2026Q3")
            False
            >>> Period.parse("summer")
            Traceback (most recent call last):
            ...
            iso10002.errors.ValidationError: 1 invalid field:
              - period: 'summer' is not a period such as 2026, 2026H2, 2026Q3, ...
        """
        value = str(text).strip().upper()
        problem = f"is not a period such as {_FORMS}"
        try:
            if m := _YEAR.fullmatch(value):
                return cls.year(int(m[1]), tz)
            if m := _HALF.fullmatch(value):
                return cls.half(int(m[1]), int(m[2]), tz)
            if m := _QUARTER.fullmatch(value):
                return cls.quarter(int(m[1]), int(m[2]), tz)
            if m := _MONTH.fullmatch(value):
                return cls.month(int(m[1]), int(m[2]), tz)
            if m := _WEEK.fullmatch(value):
                return cls.week(int(m[1]), int(m[2]), tz)
            if m := _RANGE.fullmatch(value):
                first, last = date.fromisoformat(m[1]), date.fromisoformat(m[2])
                if last >= first:
                    return cls.days(first, last, tz)
                problem = "ends before it starts"
        except (ValidationError, ValueError):
            pass
        raise ValidationError([f"period: {text!r} {problem}"])

    # --- questions ----------------------------------------------------------------------

    @property
    def tz(self) -> tzinfo:
        """The time zone the period's midnights are in."""
        zone = self.start.tzinfo
        assert zone is not None  # validated aware
        return zone

    def contains(self, instant: datetime) -> bool:
        """Whether ``start <= instant < end`` (``instant`` must be timezone-aware).

        Examples:
            >>> q3 = Period.quarter(2026, 3)
            >>> q3.contains(q3.start), q3.contains(q3.end)
            (True, False)
        """
        if instant.utcoffset() is None:
            raise ValidationError(["instant: expected a timezone-aware datetime"])
        return self.start <= instant < self.end

    def months(self) -> list[Period]:
        """The calendar months the period overlaps, each clipped to the period.

        A whole month keeps its month label (``"2026-07"``); a clipped one is labelled by
        its inclusive dates, so every label still parses back to its period.

        Examples:
            >>> [m.label for m in Period.parse("2026-07-20..2026-08-31").months()]
            ['2026-07-20..2026-07-31', '2026-08']
        """
        zone = self.tz
        first, stop = self._local_dates()
        result: list[Period] = []
        day = date(first.year, first.month, 1)
        while day < stop:
            whole = Period.month(day.year, day.month, zone)
            result.append(self._clip(whole))
            day = _month_after(day.year, day.month)
        return result

    def weeks(self) -> list[Period]:
        """The ISO weeks (Monday to Sunday) the period overlaps, each clipped to the period.

        Examples:
            >>> [w.label for w in Period.month(2026, 7).weeks()][:2]
            ['2026-07-01..2026-07-05', '2026-W28']
        """
        zone = self.tz
        first, stop = self._local_dates()
        result: list[Period] = []
        monday = first - timedelta(days=first.weekday())
        while monday < stop:
            year, week, _ = monday.isocalendar()
            result.append(self._clip(Period.week(year, week, zone)))
            monday += timedelta(days=7)
        return result

    def _local_dates(self) -> tuple[date, date]:
        """The first local date in the period and the local date of its end."""
        zone = self.tz
        return self.start.astimezone(zone).date(), self.end.astimezone(zone).date()

    def _clip(self, whole: Period) -> Period:
        start, end = max(whole.start, self.start), min(whole.end, self.end)
        if (start, end) == (whole.start, whole.end):
            return whole
        first = start.astimezone(self.tz).date()
        last = (end.astimezone(self.tz) - timedelta(microseconds=1)).date()
        return Period(start, end, f"{first.isoformat()}..{last.isoformat()}")
