"""The SLA clock: paused time does not count, and pauses only ever push deadlines out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ValidationError
from iso10002.model import Pause
from iso10002.sla import (
    BusinessDays,
    BusinessTime,
    CalendarDays,
    ClockKind,
    ClockNotPausable,
    CloseOfBusinessDay,
    SlaClock,
)
from sla.support import PLAIN_LONDON, london

H = timedelta(hours=1)
MONDAY = london(2026, 1, 5, 9)


def test_paused_business_time_does_not_count() -> None:
    clock = SlaClock(PLAIN_LONDON, (Pause(MONDAY + 2 * H, "documents", MONDAY + 5 * H),))
    assert clock.elapsed(MONDAY, MONDAY + 8 * H) == 5 * H


def test_a_pause_pushes_a_business_time_deadline_by_its_business_length() -> None:
    clock = SlaClock(PLAIN_LONDON, (Pause(MONDAY + 2 * H, "documents", MONDAY + 5 * H),))
    assert clock.due(MONDAY, BusinessTime(hours=8)) == london(2026, 1, 6, 12)


def test_a_pause_outside_hours_changes_nothing() -> None:
    night = Pause(london(2026, 1, 5, 18), "overnight", london(2026, 1, 6, 8))
    clock = SlaClock(PLAIN_LONDON, (night,))
    assert clock.due(MONDAY, BusinessTime(hours=16)) == london(2026, 1, 6, 17)


def test_a_pause_after_the_deadline_changes_nothing() -> None:
    clock = SlaClock(PLAIN_LONDON, (Pause(london(2026, 1, 20), "late", london(2026, 1, 21)),))
    assert clock.due(MONDAY, CloseOfBusinessDay(3)) == london(2026, 1, 8, 17)


def test_an_open_pause_counts_up_to_the_instant_asked_about() -> None:
    clock = SlaClock(PLAIN_LONDON, (Pause(MONDAY + H, "waiting"),))
    assert clock.elapsed(MONDAY, MONDAY + 5 * H) == H
    assert clock.due(MONDAY, BusinessTime(hours=2), at=MONDAY + 3 * H) == MONDAY + 4 * H
    assert clock.due(MONDAY, BusinessTime(hours=2)) == MONDAY + 2 * H


def test_calendar_day_deadlines_move_by_elapsed_paused_time() -> None:
    clock = SlaClock(PLAIN_LONDON, (Pause(MONDAY, "docs", MONDAY + timedelta(days=2)),))
    assert clock.due(MONDAY, CalendarDays(30)) == london(2026, 2, 6, 9)
    assert clock.elapsed(MONDAY, MONDAY + timedelta(days=3), ClockKind.ELAPSED) == timedelta(days=1)


def test_elapsed_is_signed() -> None:
    clock = SlaClock(PLAIN_LONDON)
    assert clock.elapsed(MONDAY + 2 * H, MONDAY) == -2 * H


def test_a_regulatory_clock_refuses_pauses() -> None:
    with pytest.raises(ClockNotPausable, match="cannot be paused"):
        SlaClock(PLAIN_LONDON, (Pause(MONDAY, "docs"),), pausable=False)
    with pytest.raises(ClockNotPausable, match="run without pause"):
        SlaClock(PLAIN_LONDON, pausable=False).paused(MONDAY, "docs")


def test_overlapping_or_backward_pauses_are_refused() -> None:
    with pytest.raises(ValidationError, match="overlaps"):
        SlaClock(PLAIN_LONDON, (Pause(MONDAY, "a", MONDAY + 2 * H), Pause(MONDAY + H, "b")))
    with pytest.raises(ValidationError, match="ends before"):
        SlaClock(PLAIN_LONDON, (Pause(MONDAY, "a", MONDAY - H),))
    with pytest.raises(ValidationError, match="aware"):
        SlaClock(PLAIN_LONDON, (Pause(datetime(2026, 1, 5), "naive"),))


def test_adding_a_pause_returns_a_new_clock() -> None:
    clock = SlaClock(PLAIN_LONDON)
    paused = clock.paused(MONDAY, "docs", MONDAY + H)
    assert clock.pauses == ()
    assert len(paused.pauses) == 1


@st.composite
def pause_lists(draw: st.DrawFn) -> tuple[Pause, ...]:
    cursor = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(
        minutes=draw(st.integers(0, 60 * 24 * 20))
    )
    pauses = []
    for _ in range(draw(st.integers(0, 4))):
        start = cursor + timedelta(minutes=draw(st.integers(0, 60 * 24 * 5)))
        end = start + timedelta(minutes=draw(st.integers(1, 60 * 24 * 5)))
        pauses.append(Pause(start, "waiting", end))
        cursor = end
    return tuple(pauses)


DEADLINES = st.sampled_from(
    [
        BusinessTime(hours=40),
        CloseOfBusinessDay(3),
        BusinessDays(15, end_of_day=True),
        CalendarDays(30),
    ]
)
ANCHORS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 1, 31), timezones=st.just(timezone.utc)
)


@given(ANCHORS, DEADLINES, pause_lists())
def test_pauses_never_shorten_a_deadline(
    anchor: datetime, duration: object, pauses: tuple[Pause, ...]
) -> None:
    plain = duration.due(PLAIN_LONDON, anchor)  # type: ignore[attr-defined]
    assert SlaClock(PLAIN_LONDON, pauses).due(anchor, duration) >= plain  # type: ignore[arg-type]


@given(ANCHORS, st.timedeltas(min_value=H, max_value=timedelta(hours=200)), pause_lists())
def test_the_paused_deadline_has_exactly_the_budget_of_running_time(
    anchor: datetime, budget: timedelta, pauses: tuple[Pause, ...]
) -> None:
    clock = SlaClock(PLAIN_LONDON, pauses)
    hours = budget.total_seconds() / 3600
    due = clock.due(anchor, BusinessTime(hours=hours))
    assert clock.elapsed(anchor, due) == BusinessTime(hours=hours).amount
