"""The compiled form of a business calendar: UTC interval tables per year, queried by bisect.

A calendar is compiled lazily, one UTC year at a time, the first time a query touches that
year (behind a lock; later reads take no lock). Compiling a year walks its ~366 local dates
once: it places each working interval on the UTC axis with the DST policy below, removes
holidays, closed days and closures, merges what touches, and stores the interval starts,
ends and the business time before each, in integer microseconds. Public holidays are
snapshotted per year at that moment, so no query ever consults the ``holidays`` package.

Every query is then one or two ``bisect`` calls, whatever the distance between its instants;
only crossing a year boundary costs a step per year crossed.

DST policy, for the local wall times that open and close intervals:

* a time that does not exist (the spring-forward gap) is placed at the end of the gap, the
  first instant the clock shows that time or later;
* a time that occurs twice (the repeated autumn hour) opens at its first occurrence and
  closes at its second, so an interval spanning the fold gets all of its real time;
* business time is real elapsed time: a night shift across the autumn change counts 9 hours.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import attrs

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.sla.hours import Closure, DayOverride, HolidaySource, WeeklyHours

__all__ = [
    "DAY_NAMES",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTH_NAMES",
    "Engine",
    "NonBusinessDay",
    "from_micros",
    "to_micros",
]

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MIN_YEAR = 1900
MAX_YEAR = 2400
_SECOND = 1_000_000
_DAY = 86_400 * _SECOND
_YEAR_STARTS = [
    int((datetime(y, 1, 1, tzinfo=UTC) - EPOCH).total_seconds()) * _SECOND
    for y in range(MIN_YEAR, MAX_YEAR + 2)
]
_LOW, _HIGH = _YEAR_STARTS[0], _YEAR_STARTS[-1]
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# How explanations name days and months: English, as the rest of their words (strftime
# would follow the process's locale, and costs microseconds a field).
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def to_micros(value: datetime, name: str = "at") -> int:
    """Microseconds since 1970 UTC of an aware datetime; naive input is refused."""
    try:
        d = value - EPOCH
    except TypeError:
        raise ValidationError([_not_aware(value, name)]) from None
    return (d.days * 86_400 + d.seconds) * _SECOND + d.microseconds


def _not_aware(value: object, name: str) -> str:
    if isinstance(value, datetime):
        return f"{name}: naive datetime {value.isoformat()}; give a timezone"
    return f"{name}: expected a timezone-aware datetime, got {type(value).__name__}"


def from_micros(us: int, zone: tzinfo) -> datetime:
    """The aware datetime, in ``zone``, of an instant in microseconds since 1970 UTC."""
    seconds, micro = divmod(us, _SECOND)
    whole = datetime.fromtimestamp(seconds, zone)
    if not micro:
        return whole
    if not whole.fold:  # adding a timedelta resets fold; offsets change on whole seconds
        return whole + timedelta(microseconds=micro)
    return whole.replace(microsecond=micro)


def year_of(us: int) -> int:
    """The UTC year of an instant, within the supported years."""
    if not _LOW <= us < _HIGH:
        raise ValidationError(
            [f"at: outside the years {MIN_YEAR}-{MAX_YEAR} a business calendar covers"]
        )
    return bisect_right(_YEAR_STARTS, us) - 1 + MIN_YEAR


@attrs.frozen
class NonBusinessDay:
    """A local date without working time, and why: for explanations.

    ``kind`` is ``"holiday"`` (a public holiday), ``"closed"`` (a closed-day override or a
    closure covering the day's hours) or ``"day_off"`` (no weekly hours on that weekday).

    Examples:
        >>> NonBusinessDay(date(2026, 12, 25), "holiday", "Christmas Day").kind
        'holiday'
    """

    day: date
    kind: str
    name: str


class _Chunk:
    """One UTC year: merged working intervals and cumulative business time."""

    __slots__ = ("cum", "cum_end", "ends", "high", "low", "starts", "total")

    def __init__(self, pieces: list[tuple[int, int]], low: int = 0, high: int = 0) -> None:
        self.low, self.high = low, high  # the UTC year it covers: [low, high)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum: list[int] = []
        self.cum_end: list[int] = []
        running = 0
        for start, end in pieces:
            self.starts.append(start)
            self.ends.append(end)
            self.cum.append(running)
            running += end - start
            self.cum_end.append(running)
        self.total = running

    def business(self, t: int) -> int:
        """Business time from the chunk's start to ``t``."""
        i = bisect_right(self.starts, t) - 1
        if i < 0:
            return 0
        end = self.ends[i]
        return self.cum[i] + (t if t < end else end) - self.starts[i]

    def span(self, a: int, b: int) -> int:
        """Business time from ``a`` to ``b``, both in the chunk: ``business(b) - business(a)``."""
        starts, ends, cum = self.starts, self.ends, self.cum
        i = bisect_right(starts, a) - 1
        j = bisect_right(starts, b, i if i > 0 else 0) - 1
        at_a = 0 if i < 0 else cum[i] + min(a, ends[i]) - starts[i]
        return (0 if j < 0 else cum[j] + min(b, ends[j]) - starts[j]) - at_a


class _Days:
    """One local year: business dates (as ordinals) with their open and close instants."""

    __slots__ = ("closes", "irregular", "off", "off_ordinals", "opens", "ordinals")

    def __init__(self) -> None:
        self.ordinals: list[int] = []
        self.opens: list[int] = []
        self.closes: list[int] = []
        self.off: list[NonBusinessDay] = []  # in date order, with their ordinals beside
        self.off_ordinals: list[int] = []
        self.irregular: set[int] = set()  # dates with a UTC offset change (DST)


class Engine:
    """The compiled tables of one calendar; built lazily and safe to share between threads."""

    def __init__(
        self,
        zone: ZoneInfo,
        hours: WeeklyHours,
        holidays: HolidaySource | None,
        overrides: Iterable[DayOverride],
        closures: Iterable[Closure],
    ) -> None:
        self.zone = zone
        self.hours = hours
        self.holidays = holidays
        self.overrides = {o.day: o for o in overrides}
        self.closures = sorted((to_micros(c.start), to_micros(c.end), c.reason) for c in closures)
        self._chunks: dict[int, _Chunk] = {}
        self._recent = _Chunk([])  # the year the latest query was in: most queries stay there
        self._days: dict[int, _Days] = {}
        self._holiday_years: dict[int, dict[date, str]] = {}
        self._lock = threading.Lock()

    # --- compilation ----------------------------------------------------------------------

    def chunk(self, year: int) -> _Chunk:
        chunk = self._chunks.get(year)
        if chunk is None:
            self._compile(year)
            chunk = self._chunks[year]
        return chunk

    def days(self, year: int) -> _Days:
        days = self._days.get(year)
        if days is None:
            self._compile(year)
            days = self._days[year]
        return days

    def _compile(self, year: int) -> None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationError(
                [f"at: outside the years {MIN_YEAR}-{MAX_YEAR} a business calendar covers"]
            )
        with self._lock:
            if year in self._chunks:
                return
            # Local dates whose intervals can reach UTC year `year`: offsets stay within
            # +-15 h and an interval lasts at most a day, so three days of margin suffice.
            first = date(year, 1, 1) - timedelta(days=3)
            last = date(year, 12, 31) + timedelta(days=2)
            offsets = self._regular_offsets(first.toordinal(), last.toordinal() + 1)
            days = _Days()
            pieces: list[tuple[int, int]] = []
            current = first
            while current <= last:
                own, off = self._day(current, offsets)
                pieces.extend(own)
                if current.year == year:
                    ordinal = current.toordinal()
                    if offsets[ordinal] is None:
                        days.irregular.add(ordinal)
                    if own:
                        days.ordinals.append(ordinal)
                        days.opens.append(own[0][0])
                        days.closes.append(own[-1][1])
                    elif off is not None:
                        days.off.append(off)
                        days.off_ordinals.append(ordinal)
                current += timedelta(days=1)
            lo, hi = _YEAR_STARTS[year - MIN_YEAR], _YEAR_STARTS[year - MIN_YEAR + 1]
            merged: list[tuple[int, int]] = []
            for raw_start, raw_end in sorted(pieces):
                start, end = max(raw_start, lo), min(raw_end, hi)
                if end <= start:
                    continue
                if merged and start <= merged[-1][1]:
                    if end > merged[-1][1]:
                        merged[-1] = (merged[-1][0], end)
                else:
                    merged.append((start, end))
            self._days[year] = days
            self._chunks[year] = _Chunk(merged, lo, hi)

    def _regular_offsets(self, first: int, last: int) -> dict[int, int | None]:
        """For local date ordinals ``first``..``last``: the UTC offset (microseconds) when
        it holds all day, ``None`` on a day whose offset changes (or at either midnight)."""
        zone = self.zone
        at_midnight = []
        for ordinal in range(first, last + 2):
            day = date.fromordinal(ordinal)
            pair = set()
            for fold in (0, 1):
                offset = datetime(day.year, day.month, day.day, tzinfo=zone, fold=fold).utcoffset()
                pair.add(offset // timedelta(microseconds=1) if offset is not None else 0)
            at_midnight.append(pair)
        result: dict[int, int | None] = {}
        for i, ordinal in enumerate(range(first, last + 1)):
            both = at_midnight[i] | at_midnight[i + 1]
            result[ordinal] = next(iter(both)) if len(both) == 1 else None
        return result

    def _holidays_on(self, day: date) -> str | None:
        if self.holidays is None:
            return None
        names = self._holiday_years.get(day.year)
        if names is None:
            try:
                names = self.holidays.load([day.year])
            except Exception as exc:  # a holidays bug must not leave a half-built table
                raise ConfigurationError(f"holidays for {day.year} failed: {exc}") from exc
            self._holiday_years[day.year] = names
        return names.get(day)

    def _day(
        self, day: date, offsets: dict[int, int | None]
    ) -> tuple[list[tuple[int, int]], NonBusinessDay | None]:
        """The working pieces (UTC microseconds) of intervals starting on local ``day``."""
        override = self.overrides.get(day)
        if override is not None:
            intervals = override.hours
            if not intervals:
                return [], NonBusinessDay(day, "closed", override.reason)
        else:
            intervals = self.hours.on(day.weekday())
            if not intervals:
                return [], NonBusinessDay(
                    day, "day_off", f"no working hours on {_DAYS[day.weekday()]}"
                )
            holiday = self._holidays_on(day)
            if holiday is not None:
                return [], NonBusinessDay(day, "holiday", holiday)
        ordinal = day.toordinal()
        base = (ordinal - _EPOCH_ORDINAL) * _DAY  # local midnight on the wall-clock axis
        pieces: list[tuple[int, int]] = []
        spans: list[tuple[int, int]] = []
        for interval in intervals:
            wall_start = base + interval.offset
            wall_end = wall_start + interval.micros
            start = self._wall(wall_start, ordinal, offsets, opening=True)
            end = self._wall(
                wall_end,
                ordinal + (interval.offset + interval.micros) // _DAY,
                offsets,
                opening=False,
            )
            if start < end:
                spans.append((start, end))
                pieces.extend(self._open_pieces(start, end))
        if not pieces:
            reasons = [r for s, e, r in self.closures for a, b in spans if s < b and e > a]
            return [], NonBusinessDay(day, "closed", reasons[0] if reasons else "closed")
        return pieces, None

    def _wall(
        self, wall: int, ordinal: int, offsets: dict[int, int | None], *, opening: bool
    ) -> int:
        """A wall-clock instant (microseconds) on local date ``ordinal`` as a UTC instant."""
        offset = offsets.get(ordinal)
        if offset is not None:  # the usual day: one offset all day
            return wall - offset
        naive = datetime(1970, 1, 1) + timedelta(microseconds=wall)
        return self.localise(naive, opening=opening)

    def _open_pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """``[start, end)`` minus the closures."""
        pieces = [(start, end)]
        for c_start, c_end, _ in self.closures:
            if c_start >= end:
                break
            if c_end <= start:
                continue
            cut: list[tuple[int, int]] = []
            for s, e in pieces:
                if c_end <= s or c_start >= e:
                    cut.append((s, e))
                    continue
                if s < c_start:
                    cut.append((s, c_start))
                if c_end < e:
                    cut.append((c_end, e))
            pieces = cut
        return pieces

    def localise(self, wall: datetime, *, opening: bool) -> int:
        """A local wall time as an instant, by the module's DST policy (gap → its end)."""
        early = to_micros(wall.replace(tzinfo=self.zone, fold=0))
        late = to_micros(wall.replace(tzinfo=self.zone, fold=1))
        if early == late:
            return early
        low, high = min(early, late), max(early, late)
        if from_micros(low, self.zone).replace(tzinfo=None) == wall:
            return low if opening else high  # a repeated hour: first or last occurrence
        # A gap: the first instant whose wall reading is at or after `wall`.
        lo, hi = low // _SECOND, -(-high // _SECOND)
        while lo < hi:
            mid = (lo + hi) // 2
            if datetime.fromtimestamp(mid, self.zone).replace(tzinfo=None) >= wall:
                hi = mid
            else:
                lo = mid + 1
        return lo * _SECOND

    # --- queries (microseconds in, microseconds out) -------------------------------------

    def add(self, t: int, d: int) -> int:
        """The instant ``d`` of business time after ``t`` (before it when ``d < 0``)."""
        if d == 0:
            return t
        year = year_of(t)
        chunk = self.chunk(year)
        x = chunk.business(t) + d
        if d > 0:
            while x > chunk.total:
                x -= chunk.total
                year += 1
                chunk = self.chunk(year)
            j = bisect_left(chunk.cum_end, x)
            return chunk.starts[j] + x - chunk.cum[j]
        while x < 0:
            year -= 1
            chunk = self.chunk(year)
            x += chunk.total
        k = bisect_right(chunk.cum, x) - 1
        return chunk.starts[k] + x - chunk.cum[k]

    def between(self, a: int, b: int) -> int:
        """Signed business time from ``a`` to ``b``."""
        if a > b:
            return -self.between(b, a)
        chunk = self._recent
        if chunk.low <= a and b < chunk.high:
            return chunk.span(a, b)
        ya, yb = year_of(a), year_of(b)
        ca = self.chunk(ya)
        if ya == yb:
            self._recent = ca
            return ca.business(b) - ca.business(a)
        total = ca.total - ca.business(a) + self.chunk(yb).business(b)
        for year in range(ya + 1, yb):
            total += self.chunk(year).total
        return total

    def is_open(self, t: int) -> bool:
        chunk = self.chunk(year_of(t))
        i = bisect_right(chunk.starts, t) - 1
        return i >= 0 and t < chunk.ends[i]

    def next_open(self, t: int) -> int:
        """``t`` if working time is running, else the next instant it starts."""
        year = year_of(t)
        chunk = self.chunk(year)
        i = bisect_right(chunk.starts, t) - 1
        if i >= 0 and t < chunk.ends[i]:
            return t
        while i + 1 >= len(chunk.starts):
            year += 1
            chunk = self.chunk(year)
            i = -1
        return chunk.starts[i + 1]

    def business_day(self, ordinal: int, year: int, n: int) -> tuple[int, int, int, bool]:
        """The ``n``-th business day after local date ``ordinal`` (of ``year``).

        ``n == 0`` gives that date if it is a business day, else the next one. Returns the
        date's ordinal, its opening and closing instants, and whether every wall time on it
        exists exactly once (no DST change that day).
        """
        days = self.days(year)
        if n > 0:
            index = bisect_right(days.ordinals, ordinal) + n - 1
            while index >= len(days.ordinals):
                index -= len(days.ordinals)
                year += 1
                days = self.days(year)
        elif n == 0:
            index = bisect_left(days.ordinals, ordinal)
            while index >= len(days.ordinals):
                index -= len(days.ordinals)
                year += 1
                days = self.days(year)
        else:
            index = bisect_left(days.ordinals, ordinal) + n
            while index < 0:
                year -= 1
                days = self.days(year)
                index += len(days.ordinals)
        found = days.ordinals[index]
        return found, days.opens[index], days.closes[index], found not in days.irregular

    def is_regular(self, ordinal: int, year: int) -> bool:
        """Whether every wall time on local date ``ordinal`` (of ``year``) exists once."""
        return ordinal not in self.days(year).irregular

    def is_business_day(self, day: date) -> bool:
        ordinals = self.days(day.year).ordinals
        i = bisect_left(ordinals, day.toordinal())
        return i < len(ordinals) and ordinals[i] == day.toordinal()

    def non_business_days(self, first: date, last: date) -> list[NonBusinessDay]:
        found: list[NonBusinessDay] = []
        lo, hi = first.toordinal(), last.toordinal()
        for year in range(first.year, last.year + 1):
            days = self.days(year)
            start = bisect_left(days.off_ordinals, lo)
            found.extend(days.off[start : bisect_right(days.off_ordinals, hi, start)])
        return found
