"""Period: parsing every label form, half-open bounds in a zone, weeks and months."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.metrics import Period

LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "first", "stop", "label"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
        ("2026H1", date(2026, 1, 1), date(2026, 7, 1), "2026H1"),
        ("2026h2", date(2026, 7, 1), date(2027, 1, 1), "2026H2"),
        ("2026Q3", date(2026, 7, 1), date(2026, 10, 1), "2026Q3"),
        ("2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "2026Q4"),
        ("2026-07", date(2026, 7, 1), date(2026, 8, 1), "2026-07"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "2026-12"),
        ("2026-W27", date(2026, 6, 29), date(2026, 7, 6), "2026-W27"),
        (" 2026-07-01..2026-09-30 ", date(2026, 7, 1), date(2026, 10, 1), "2026-07-01..2026-09-30"),
    ],
)
def test_parse_reads_every_form(text: str, first: date, stop: date, label: str) -> None:
    p = Period.parse(text)
    assert (p.start, p.end, p.label) == (
        datetime.combine(first, datetime.min.time(), timezone.utc),
        datetime.combine(stop, datetime.min.time(), timezone.utc),
        label,
    )


@pytest.mark.parametrize(
    "text",
    ["", "Q3", "2026Q5", "2026-13", "2026-W54", "2026-02-30..2026-03-01"],
)
def test_parse_refuses_what_is_not_a_period(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a period"):
        Period.parse(text)


def test_parse_refuses_a_range_that_ends_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        Period.parse("2026-09-30..2026-07-01")


def test_midnights_are_local_to_the_zone() -> None:
    july = Period.parse("2026-07", tz="Europe/London")
    assert july.start == utc(2026, 6, 30, 23)
    assert july.end == utc(2026, 7, 31, 23)
    # A month spanning the clocks going back is 31 days and one hour long.
    october = Period.month(2026, 10, LONDON)
    # (Subtract in UTC: two datetimes with the same zone subtract as wall times.)
    assert october.end.astimezone(timezone.utc) - october.start == timedelta(days=31, hours=1)


def test_contains_is_half_open() -> None:
    q3 = Period.quarter(2026, 3)
    assert q3.contains(q3.start)
    assert q3.contains(q3.end - timedelta(microseconds=1))
    assert not q3.contains(q3.end)
    with pytest.raises(ValidationError, match="timezone-aware"):
        q3.contains(datetime(2026, 8, 1))


def test_the_constructor_refuses_naive_and_empty_spans() -> None:
    with pytest.raises(ValidationError, match="start: expected a timezone-aware"):
        Period(datetime(2026, 1, 1), utc(2026, 2, 1), "x")
    with pytest.raises(ValidationError, match="is not after start"):
        Period(utc(2026, 2, 1), utc(2026, 2, 1), "x")


def test_months_of_a_quarter_are_whole() -> None:
    assert [m.label for m in Period.parse("2026Q3").months()] == ["2026-07", "2026-08", "2026-09"]


def test_weeks_are_iso_weeks_clipped_to_the_period() -> None:
    weeks = Period.parse("2026-07").weeks()
    assert [w.label for w in weeks] == [
        "2026-07-01..2026-07-05",
        "2026-W28",
        "2026-W29",
        "2026-W30",
        "2026-07-27..2026-07-31",
    ]


def test_a_year_boundary_week_keeps_its_iso_year() -> None:
    assert Period.week(2026, 53).label == "2026-W53"
    assert [w.label for w in Period.parse("2027-01-04..2027-01-10").weeks()] == ["2027-W01"]


labels = st.one_of(
    st.integers(2000, 2099).map(str),
    st.tuples(st.integers(2000, 2099), st.integers(1, 2)).map(lambda t: f"{t[0]}H{t[1]}"),
    st.tuples(st.integers(2000, 2099), st.integers(1, 4)).map(lambda t: f"{t[0]}Q{t[1]}"),
    st.tuples(st.integers(2000, 2099), st.integers(1, 12)).map(lambda t: f"{t[0]}-{t[1]:02d}"),
    st.tuples(st.integers(2000, 2099), st.integers(1, 52)).map(lambda t: f"{t[0]}-W{t[1]:02d}"),
    st.tuples(st.dates(date(2000, 1, 1), date(2099, 1, 1)), st.integers(0, 400)).map(
        lambda t: f"{t[0]}..{t[0] + timedelta(days=t[1])}"
    ),
)
zones = st.sampled_from(["UTC", "Europe/London", "Australia/Sydney", "America/New_York"])


@given(labels, zones)
def test_every_label_parses_back_to_its_period(label: str, zone: str) -> None:
    p = Period.parse(label, tz=zone)
    assert p.label == label
    assert Period.parse(p.label, tz=zone) == p


@given(labels, zones)
def test_weeks_and_months_partition_the_period(label: str, zone: str) -> None:
    p = Period.parse(label, tz=zone)
    for parts in (p.weeks(), p.months()):
        assert parts[0].start == p.start
        assert parts[-1].end == p.end
        assert all(a.end == b.start for a, b in pairwise(parts))
        assert all(Period.parse(part.label, tz=zone) == part for part in parts)


def test_an_unknown_zone_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown time zone"):
        Period.parse("2026Q1", tz="Mars/Olympus")
