"""Laws of business-time arithmetic, on random calendars (hypothesis).

Calendars (several intervals a day, night shifts, DST zones, with or without England's
holidays) come from a seeded pool, so their compiled tables are reused across examples and
the suite stays fast; instants and durations have microsecond resolution.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from iso10002.sla import BusinessCalendar
from sla.support import pool

UTC = timezone.utc
ZONES = ("UTC", "Europe/London", "Australia/Sydney", "America/New_York", "Etc/GMT-10")
US = timedelta(microseconds=1)


def calendars(zones: tuple[str, ...] = ZONES) -> st.SearchStrategy[BusinessCalendar]:
    return st.sampled_from(pool(zones, 24, seed=10002, holidays=True))


instants = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
durations = st.timedeltas(min_value=timedelta(hours=-2000), max_value=timedelta(hours=2000))


@given(calendars(), instants, durations)
def test_measuring_what_was_added_gives_it_back(
    cal: BusinessCalendar, t: datetime, d: timedelta
) -> None:
    assert cal.between(t, cal.add(t, d)) == d


@given(calendars(), instants, st.timedeltas(min_value=US, max_value=timedelta(hours=2000)))
def test_add_returns_the_earliest_instant_with_that_much_business_time(
    cal: BusinessCalendar, t: datetime, d: timedelta
) -> None:
    due = cal.add(t, d)
    assert due > t
    assert cal.between(t, due - US) < d


@given(calendars(), instants, instants, durations)
def test_add_is_monotone_in_the_start(
    cal: BusinessCalendar, a: datetime, b: datetime, d: timedelta
) -> None:
    a, b = min(a, b), max(a, b)
    assert cal.add(a, d) <= cal.add(b, d)


@given(calendars(), instants, durations, durations)
def test_add_is_monotone_in_the_duration(
    cal: BusinessCalendar, t: datetime, d1: timedelta, d2: timedelta
) -> None:
    d1, d2 = min(d1, d2), max(d1, d2)
    assert cal.add(t, d1) <= cal.add(t, d2)


@given(calendars(), instants, instants, instants)
def test_business_time_is_additive(
    cal: BusinessCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)


@given(calendars(), instants, instants)
def test_business_time_is_antisymmetric_and_bounded_by_real_time(
    cal: BusinessCalendar, a: datetime, b: datetime
) -> None:
    assert cal.between(a, b) == -cal.between(b, a)
    assert abs(cal.between(a, b)) <= abs(b - a)


@given(calendars(), instants)
def test_next_open_is_open_or_the_start_of_working_time(cal: BusinessCalendar, t: datetime) -> None:
    opening = cal.next_open(t)
    assert opening >= t
    assert cal.between(t, opening) == timedelta(0)
    assert cal.is_open(opening)


@given(calendars(), instants, st.integers(-300, 300))
def test_business_days_land_on_business_days(cal: BusinessCalendar, t: datetime, n: int) -> None:
    day = cal.add_business_days(t, n, at="open")
    start_day = cal.local(t).date()
    assert cal.is_business_day(cal.local(day).date()) or cal.local(day).date() > start_day
    if n > 0:
        later = cal.add_business_days(t, n, at="close")
        earlier = cal.add_business_days(t, n - 1, at="close")
        if n == 1 and not cal.is_business_day(start_day):
            # Day 0 of a holiday start is the next business day, which is also the first
            # business day after the start's date (DISP 1.5.1R's counting).
            assert later == earlier
        else:
            assert later > earlier


def _brute_force(cal: BusinessCalendar, a: datetime, b: datetime) -> timedelta:
    """Walk every date of a UTC or fixed-offset calendar (no DST, no holidays)."""
    offset = cal.tz.utcoffset(datetime(2025, 1, 1))
    assert offset is not None
    total = timedelta(0)
    day = (a + offset).date() - timedelta(days=2)
    while day <= (b + offset).date():
        for interval in cal.hours.on(day.weekday()):
            start = datetime.combine(day, interval.start, tzinfo=UTC) - offset
            end = start + interval.length
            lo, hi = max(start, a), min(end, b)
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total


@given(
    st.sampled_from(pool(("UTC", "Etc/GMT-10", "Etc/GMT+5"), 12, seed=7, holidays=False)),
    instants,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20)),
)
def test_business_time_matches_a_day_by_day_walk(
    cal: BusinessCalendar, a: datetime, span: timedelta
) -> None:
    assert cal.between(a, a + span) == _brute_force(cal, a, a + span)


def test_business_days_match_a_day_by_day_walk_over_two_years() -> None:
    cal = BusinessCalendar.for_country("GB", subdiv="ENG")
    start = datetime(2025, 3, 14, 11, tzinfo=UTC)
    day, n = start.date(), 0
    while day < date(2027, 3, 14):
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in cal.holidays.load([day.year]):  # type: ignore[union-attr]
            n += 1
            assert cal.add_business_days(start, n).date() == day
