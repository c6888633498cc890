"""SLA arithmetic: iso10002 against businesstimedelta, pandas and numpy, on the same inputs.

One run, printed as a Markdown table with ratios (never asserted in tests). Workloads from
issue 3, for 20,000 random minute-aligned instants over 2024-2026 on Monday-Friday
09:00-17:00 Europe/London with England's bank holidays:

(a) add 40 business hours; (b) business time between two instants up to 90 days apart;
(c) add 8 business days (same time of day); (d) add 1,000 business hours.

Slow peers are timed on a prefix of the inputs until ``--budget`` seconds have passed (the
prefix size is shown); rates are per operation. Calendars and offsets are built before the
clock starts; iso10002's year tables are compiled by a warm-up pass (they are compiled once
per calendar and year, then shared). Targets (issue 3): scalar >= 200,000 ops/s on (a), (b)
and (d), >= 500,000 on (c), (d) at least half of (a); batch >= 2,000,000 on (a).

Run: ``python benchmarks/sla.py`` (``--count``, ``--budget``).
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone
from datetime import time as clock_time
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import holidays
import numpy as np
import pandas as pd
import pytz

from iso10002.sla import BusinessCalendar
from iso10002.sla.batch import add_business_time, business_time_between

UTC = timezone.utc
LONDON = ZoneInfo("Europe/London")
H40, H1000 = timedelta(hours=40), timedelta(hours=1000)
Rate = tuple[float, int]  # (ops per second, operations timed)


def inputs(count: int) -> tuple[list[datetime], list[datetime]]:
    rng = random.Random(2026)
    span = 3 * 365 * 24 * 60
    starts = [
        datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(span))
        for _ in range(count)
    ]
    ends = [s + timedelta(minutes=rng.randrange(90 * 24 * 60)) for s in starts]
    return starts, ends


def timed(work: Callable[[int], object], total: int, budget: float) -> Rate:
    """Run ``work(i)`` for i = 0.. until all ``total`` ran or ``budget`` seconds passed."""
    gc.collect()
    started = time.perf_counter()
    done = 0
    while done < total:
        work(done)
        done += 1
        if done % 64 == 0 and time.perf_counter() - started > budget:
            break
    return done / (time.perf_counter() - started), done


def timed_batch(work: Callable[[], object], total: int, repeat: int = 5) -> Rate:
    gc.collect()
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return total / best, total


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per slow peer")
    args = parser.parse_args(argv)
    starts, ends = inputs(args.count)
    n = len(starts)
    bank = holidays.country_holidays("GB", subdiv="ENG", years=range(2023, 2031))

    # --- iso10002 -------------------------------------------------------------------------
    cal = BusinessCalendar.for_country("GB", subdiv="ENG", zone="Europe/London")
    for s, e in zip(starts, ends, strict=True):  # warm-up: compile the year tables once
        cal.add(s, H1000)
        cal.between(s, e)
    add, between, add_days = cal.add, cal.between, cal.add_business_days
    ours = {
        "a": timed(lambda i: add(starts[i], H40), n, 60),
        "b": timed(lambda i: between(starts[i], ends[i]), n, 60),
        "c": timed(lambda i: add_days(starts[i], 8), n, 60),
        "d": timed(lambda i: add(starts[i], H1000), n, 60),
    }
    s64 = np.array([s.replace(tzinfo=None) for s in starts], dtype="datetime64[us]")
    e64 = np.array([e.replace(tzinfo=None) for e in ends], dtype="datetime64[us]")
    batch = {
        "a": timed_batch(lambda: add_business_time(cal, s64, H40), n),
        "b": timed_batch(lambda: business_time_between(cal, s64, e64), n),
        "d": timed_batch(lambda: add_business_time(cal, s64, H1000), n),
    }
    assert add_business_time(cal, s64[:500], H40).tolist() == [
        add(s, H40).astimezone(UTC).replace(tzinfo=None) for s in starts[:500]
    ]

    # --- businesstimedelta ----------------------------------------------------------------
    tz = pytz.timezone("Europe/London")
    rules = btd.Rules(
        [
            btd.WorkDayRule(
                start_time=clock_time(9), end_time=clock_time(17), working_days=range(5), tz=tz
            ),
            btd.HolidayRule(bank, tz=tz),
        ]
    )
    d40, d1000 = btd.BusinessTimeDelta(rules, hours=40), btd.BusinessTimeDelta(rules, hours=1000)
    peer_btd = {
        "a": timed(lambda i: starts[i] + d40, n, args.budget),
        "b": timed(lambda i: rules.difference(starts[i], ends[i]), n, args.budget),
        "d": timed(lambda i: starts[i] + d1000, n, args.budget),
    }

    # --- pandas ---------------------------------------------------------------------------
    hols = list(bank)
    cbh40 = pd.offsets.CustomBusinessHour(n=40, start="09:00", end="17:00", holidays=hols)
    cbh1000 = pd.offsets.CustomBusinessHour(n=1000, start="09:00", end="17:00", holidays=hols)
    cbd8 = pd.offsets.CustomBusinessDay(n=8, holidays=hols)
    local = [pd.Timestamp(s.astimezone(LONDON).replace(tzinfo=None)) for s in starts]
    peer_pd = {
        "a": timed(lambda i: local[i] + cbh40, n, args.budget),
        "c": timed(lambda i: local[i] + cbd8, n, args.budget),
        "d": timed(lambda i: local[i] + cbh1000, n, args.budget),
    }

    # --- numpy busday_offset (dates only, vectorised) -------------------------------------
    days = np.array([s.astimezone(LONDON).date() for s in starts], dtype="datetime64[D]")
    busdays = np.busdaycalendar(holidays=np.array(hols, dtype="datetime64[D]"))
    peer_np = {
        "c": timed_batch(lambda: np.busday_offset(days, 8, roll="backward", busdaycal=busdays), n),
    }
    assert np.busday_offset(days[:500], 8, roll="backward", busdaycal=busdays).tolist() == [
        add_days(s, 8).date() for s in starts[:500]
    ]

    rows = [
        ("**iso10002** scalar", ours),
        ("**iso10002** batch (numpy)", batch),
        ("businesstimedelta 1.0.1", peer_btd),
        (f"pandas {pd.__version__} CustomBusinessHour / Day", peer_pd),
        (f"numpy {np.__version__} busday_offset (dates only)", peer_np),
    ]
    print(f"## SLA arithmetic ({n:,} instants; Python {platform.python_version()})\n")
    print("ops/s, and the ratio to iso10002's scalar API; *n* = operations timed\n")
    print("| library | (a) +40 bh | (b) between ≤ 90 d | (c) +8 bd | (d) +1000 bh |")
    print("|---|---:|---:|---:|---:|")
    for name, rates in rows:
        cells = []
        for key in "abcd":
            if key not in rates:
                cells.append("—")
                continue
            rate, done = rates[key]
            ratio = rate / ours[key][0]
            note = f", n={done:,}" if done < n else ""
            cells.append(f"{rate:,.0f} (×{ratio:.3g}{note})")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    checks = [
        ("scalar (a) >= 200,000 ops/s", ours["a"][0] >= 200_000),
        ("scalar (b) >= 200,000 ops/s", ours["b"][0] >= 200_000),
        ("scalar (c) >= 500,000 ops/s", ours["c"][0] >= 500_000),
        ("scalar (d) >= 200,000 ops/s", ours["d"][0] >= 200_000),
        ("scalar (d) >= half of (a)", ours["d"][0] >= ours["a"][0] / 2),
        ("batch (a) >= 2,000,000 ops/s", batch["a"][0] >= 2_000_000),
    ]
    print(
        "Targets (issue 3): " + "; ".join(f"{t}: {'met' if ok else 'MISSED'}" for t, ok in checks)
    )


if __name__ == "__main__":
    main()
