"""Duration statistics, gathered one value at a time.

:class:`DurationAccumulator` takes durations as they stream past and keeps only what the
statistics need: a count, an exact sum and, because a median or a 90th percentile cannot be
computed without them, the values themselves as 8-byte integers (microseconds) in a compact
array (about 8 MB per million values, not a million ``timedelta`` objects).
:meth:`~DurationAccumulator.stats` gives a :class:`DurationStats`.

Formulas (``n`` values, sorted ``v[0] <= ... <= v[n-1]``, all in whole microseconds):

- ``mean = sum(v) / n``, rounded to the nearest microsecond (halves up);
- percentile ``p`` (``median`` is ``p = 0.5``, ``p90`` is ``p = 0.9``) by linear interpolation
  between closest ranks, as numpy's and pandas' defaults and PostgreSQL's
  ``percentile_cont`` compute it: ``h = (n - 1) * p``, ``v[floor(h)] + (h - floor(h)) *
  (v[floor(h) + 1] - v[floor(h)])``, rounded to the nearest microsecond (halves to even);
- ``max = v[n-1]``.

With no values every statistic is ``None`` and ``count`` is 0. Negative durations (a
milestone dated before receipt, which the lifecycle does not allow but an import might
carry) are kept as they are, not clamped.

Examples:
    >>> from datetime import timedelta
    >>> acc = DurationAccumulator()
    >>> for hours in (1, 2, 3, 10):
    ...     acc.add(timedelta(hours=hours))
    >>> s = acc.stats()
    >>> s.count, s.mean, s.median, s.max
    (4, datetime.timedelta(seconds=14400), datetime.timedelta(seconds=9000), ...)
"""

from __future__ import annotations

from array import array
from datetime import timedelta
from fractions import Fraction

import attrs

__all__ = ["DurationAccumulator", "DurationStats", "percentile"]


_MICROSECOND = timedelta(microseconds=1)


def _micros(delta: timedelta) -> int:
    return delta // _MICROSECOND  # exact: a timedelta is a whole number of microseconds


def _round_half_up(numerator: int, denominator: int) -> int:
    quotient, remainder = divmod(numerator, denominator)
    return quotient + (1 if 2 * remainder >= denominator else 0)


def percentile(ordered: array[int] | list[int], p: Fraction) -> int:
    """Percentile ``p`` (0 to 1) of sorted integers, by linear interpolation (numpy's default).

    Exact arithmetic: ``p`` is a :class:`~fractions.Fraction`, the result is rounded to the
    nearest integer, halves to even. ``ordered`` must be sorted and not empty.

    Examples:
        >>> values = [10, 20, 30, 40]
        >>> percentile(values, Fraction(1, 2)), percentile(values, Fraction(9, 10))
        (25, 37)
    """
    if not ordered:
        raise ValueError("percentile of no values")
    h = (len(ordered) - 1) * p
    low = h.numerator // h.denominator
    fraction = h - low
    if fraction == 0:
        return ordered[low]
    value = ordered[low] + fraction * (ordered[low + 1] - ordered[low])
    return round(value)


@attrs.frozen
class DurationStats:
    """Count, mean, median, 90th percentile and maximum of some durations.

    Every statistic is ``None`` when ``count`` is 0. See the module for the formulas.

    Examples:
        >>> DurationStats.of([timedelta(days=1), timedelta(days=3)]).median
        datetime.timedelta(days=2)
        >>> DurationStats.of([]).mean is None
        True
    """

    count: int
    mean: timedelta | None
    median: timedelta | None
    p90: timedelta | None
    max: timedelta | None

    @classmethod
    def of(cls, values: list[timedelta] | tuple[timedelta, ...]) -> DurationStats:
        """The statistics of ``values`` (a convenience over :class:`DurationAccumulator`)."""
        acc = DurationAccumulator()
        for value in values:
            acc.add(value)
        return acc.stats()

    def to_dict(self) -> dict[str, int | float | None]:
        """JSON-safe: ``count`` and each statistic in seconds (``None`` when absent).

        Examples:
            >>> DurationStats.of([timedelta(minutes=90)]).to_dict()["median"]
            5400.0
        """
        return {
            "count": self.count,
            "mean": _seconds(self.mean),
            "median": _seconds(self.median),
            "p90": _seconds(self.p90),
            "max": _seconds(self.max),
        }


def _seconds(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds()


class DurationAccumulator:
    """Streaming collector of durations for :class:`DurationStats`.

    ``add`` is O(1); ``stats`` sorts the kept values once (O(n log n)); ``merge`` adds
    another accumulator's values, so partial results (per shard, per group) combine.

    Examples:
        >>> a, b = DurationAccumulator(), DurationAccumulator()
        >>> a.add(timedelta(hours=1)); b.add(timedelta(hours=3))
        >>> a.merge(b)
        >>> a.stats().mean
        datetime.timedelta(seconds=7200)
    """

    __slots__ = ("_total", "_values")

    def __init__(self) -> None:
        self._values: array[int] = array("q")
        self._total = 0

    def __len__(self) -> int:
        return len(self._values)

    def add(self, value: timedelta) -> None:
        """Collect one duration."""
        micros = _micros(value)
        self._values.append(micros)
        self._total += micros

    def merge(self, other: DurationAccumulator) -> None:
        """Collect every duration ``other`` holds."""
        self._values.extend(other._values)
        self._total += other._total

    def stats(self) -> DurationStats:
        """The statistics of everything collected so far."""
        n = len(self._values)
        if n == 0:
            return DurationStats(0, None, None, None, None)
        ordered = array("q", sorted(self._values))
        return DurationStats(
            count=n,
            mean=timedelta(microseconds=_round_half_up(self._total, n)),
            median=timedelta(microseconds=percentile(ordered, Fraction(1, 2))),
            p90=timedelta(microseconds=percentile(ordered, Fraction(9, 10))),
            max=timedelta(microseconds=ordered[-1]),
        )
