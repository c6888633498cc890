"""Business-time arithmetic over arrays of instants, with numpy (the ``numpy`` extra).

The same compiled tables as the scalar :class:`~iso10002.sla.calendar.BusinessCalendar`
methods, queried with ``numpy.searchsorted``; the answers are exactly the scalar ones (a
test compares them), at millions of instants per second, for metrics over large
complaint tables. Instants are ``datetime64`` values in UTC; results are
``datetime64[us]`` (UTC) and ``timedelta64[us]``.

Examples:
    >>> import numpy as np
    >>> from datetime import timedelta
    >>> from iso10002.sla.calendar import BusinessCalendar
    >>> cal = BusinessCalendar.weekdays("UTC")
    >>> starts = np.array(["2026-01-09T16:00", "2026-01-10T12:00"], dtype="datetime64[us]")
    >>> add_business_time(cal, starts, timedelta(hours=2)).astype(str).tolist()
    ['2026-01-12T10:00:00.000000', '2026-01-12T11:00:00.000000']
    >>> business_time_between(cal, starts[:1], starts[1:]).astype("timedelta64[m]").tolist()
    [datetime.timedelta(seconds=3600)]
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from iso10002.errors import ValidationError
from iso10002.sla._engine import MAX_YEAR, MIN_YEAR, year_of
from iso10002.sla.calendar import BusinessCalendar

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["add_business_time", "business_time_between"]


def _require_numpy() -> None:
    try:
        import numpy  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("the batch API needs numpy: pip install 'iso10002[numpy]'") from exc


class _Table:
    """The calendar's intervals for UTC years ``first``-``last`` as contiguous arrays."""

    def __init__(self, calendar: BusinessCalendar, first: int, last: int) -> None:
        import numpy as np

        engine = calendar._engine
        starts: list[int] = []
        ends: list[int] = []
        for year in range(first, last + 1):
            chunk = engine.chunk(year)
            starts.extend(chunk.starts)
            ends.extend(chunk.ends)
        self.first, self.last = first, last
        self.starts = np.array(starts, dtype=np.int64)
        self.ends = np.array(ends, dtype=np.int64)
        lengths = self.ends - self.starts
        self.cum_end = np.cumsum(lengths)
        self.cum = self.cum_end - lengths
        self.lengths = lengths
        self.total = int(self.cum_end[-1]) if len(lengths) else 0

    def business(self, t: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        import numpy as np

        if not len(self.starts):
            return np.zeros_like(t)
        i = np.searchsorted(self.starts, t, side="right") - 1
        safe = np.maximum(i, 0)
        inside = np.clip(t - self.starts[safe], 0, self.lengths[safe])
        result: npt.NDArray[np.int64] = np.where(i >= 0, self.cum[safe] + inside, 0)
        return result


def _micros(values: object, name: str) -> npt.NDArray[np.int64]:
    _require_numpy()
    import numpy as np

    array = np.asarray(values)
    if array.dtype.kind != "M":
        raise ValidationError([f"{name}: expected an array of numpy datetime64 (UTC)"])
    array = array.astype("datetime64[us]")
    if np.isnat(array).any():
        raise ValidationError([f"{name}: NaT is not an instant"])
    result: npt.NDArray[np.int64] = array.astype(np.int64)
    return result


def _years(*arrays: npt.NDArray[np.int64]) -> tuple[int, int]:
    low = min(int(a.min()) for a in arrays if len(a))
    high = max(int(a.max()) for a in arrays if len(a))
    return year_of(low), year_of(high)


def add_business_time(
    calendar: BusinessCalendar, starts: object, duration: timedelta
) -> npt.NDArray[np.datetime64]:
    """``calendar.add(start, duration)`` for every instant of ``starts`` (datetime64, UTC)."""
    import numpy as np

    t = _micros(starts, "starts")
    d = duration // timedelta(microseconds=1)
    if d == 0 or not len(t):
        return t.astype("datetime64[us]")
    first, last = _years(t)
    table = _Table(calendar, first, last)
    while True:
        x = table.business(t) + d
        if d > 0 and int(x.max()) > table.total:
            if table.last >= MAX_YEAR:
                raise ValidationError([f"duration: reaches past {MAX_YEAR}"])
            table = _Table(calendar, table.first, table.last + 1)
            continue
        if d < 0 and int(x.min()) < 0:
            if table.first <= MIN_YEAR:
                raise ValidationError([f"duration: reaches before {MIN_YEAR}"])
            table = _Table(calendar, table.first - 1, table.last)
            continue
        break
    if d > 0:
        j = np.searchsorted(table.cum_end, x, side="left")
    else:
        j = np.searchsorted(table.cum, x, side="right") - 1
    result: npt.NDArray[np.datetime64] = (table.starts[j] + x - table.cum[j]).astype(
        "datetime64[us]"
    )
    return result


def business_time_between(
    calendar: BusinessCalendar, starts: object, ends: object
) -> npt.NDArray[np.timedelta64]:
    """``calendar.between(start, end)`` pairwise (signed), as ``timedelta64[us]``."""
    a = _micros(starts, "starts")
    b = _micros(ends, "ends")
    if a.shape != b.shape:
        raise ValidationError(["ends: must have the same shape as starts"])
    if not len(a):
        return (b - a).astype("timedelta64[us]")
    first, last = _years(a, b)
    table = _Table(calendar, first, last)
    result: npt.NDArray[np.timedelta64] = (table.business(b) - table.business(a)).astype(
        "timedelta64[us]"
    )
    return result
