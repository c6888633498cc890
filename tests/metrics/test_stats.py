"""DurationStats: exact mean, interpolated percentiles (numpy's default), streaming merge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.metrics import DurationAccumulator, DurationStats

H = timedelta(hours=1)


def test_known_values() -> None:
    s = DurationStats.of([1 * H, 2 * H, 3 * H, 10 * H])
    assert s == DurationStats(4, 4 * H, timedelta(hours=2.5), timedelta(hours=7.9), 10 * H)


def test_one_value_is_every_statistic() -> None:
    assert DurationStats.of([H]) == DurationStats(1, H, H, H, H)


def test_no_values_have_no_statistics() -> None:
    assert DurationStats.of([]) == DurationStats(0, None, None, None, None)
    assert DurationStats.of([]).to_dict() == {
        "count": 0,
        "mean": None,
        "median": None,
        "p90": None,
        "max": None,
    }


def test_the_mean_rounds_half_a_microsecond_up() -> None:
    us = timedelta(microseconds=1)
    assert DurationStats.of([0 * us, 1 * us]).mean == us


def test_negative_durations_are_kept() -> None:
    assert DurationStats.of([-H, H]).median == timedelta(0)


durations = st.lists(
    st.integers(-(10**12), 10**13).map(lambda us: timedelta(microseconds=us)), max_size=60
)


@given(durations)
def test_percentiles_agree_with_numpy(values: list[timedelta]) -> None:
    np = pytest.importorskip("numpy")
    s = DurationStats.of(values)
    assert s.count == len(values)
    if not values:
        return
    micros = np.array([v // timedelta(microseconds=1) for v in values], dtype=np.float64)
    # numpy works in floats: allow a microsecond per 2**52 of magnitude, and one for rounding.
    slack = 2 + abs(micros).max() / 2**50
    for got, p in ((s.median, 50), (s.p90, 90)):
        assert got is not None
        assert abs(got / timedelta(microseconds=1) - np.percentile(micros, p)) <= slack
    assert s.max == max(values)


@given(durations, durations)
def test_merging_accumulators_is_collecting_both(a: list[timedelta], b: list[timedelta]) -> None:
    left, right = DurationAccumulator(), DurationAccumulator()
    for v in a:
        left.add(v)
    for v in b:
        right.add(v)
    left.merge(right)
    assert len(left) == len(a) + len(b)
    assert left.stats() == DurationStats.of(a + b)


@given(durations)
def test_order_does_not_matter(values: list[timedelta]) -> None:
    assert DurationStats.of(values) == DurationStats.of(sorted(values, reverse=True))
