"""Deadline specs: each computes a due instant and says what it is in words."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from iso10002.errors import ConfigurationError
from iso10002.sla import (
    BusinessCalendar,
    BusinessDays,
    BusinessTime,
    CalendarDays,
    ClockKind,
    CloseOfBusinessDay,
    ElapsedTime,
    LaterOf,
    Months,
    Weeks,
    Years,
)
from sla.support import ENGLAND, LONDON, PLAIN_LONDON, SYDNEY, london

UTC_CAL = BusinessCalendar.weekdays("UTC")


def test_eight_weeks_from_a_monday_is_a_monday() -> None:
    # regimes.md worked example: receipt Mon 5 Jan 2026 -> Mon 2 Mar 2026.
    assert Weeks(8).due(ENGLAND, london(2026, 1, 5, 14)) == london(2026, 3, 2, 14)


def test_weeks_keep_the_wall_time_across_the_spring_change() -> None:
    due = Weeks(8).due(ENGLAND, london(2026, 3, 2, 9))
    assert due == london(2026, 4, 27, 9)
    assert due.utcoffset() == timedelta(hours=1)


def test_thirty_and_forty_five_calendar_days() -> None:
    sydney = BusinessCalendar.for_country("AU", subdiv="NSW")
    received = datetime(2026, 1, 5, 10, tzinfo=SYDNEY)
    assert CalendarDays(30).due(sydney, received).date() == date(2026, 2, 4)
    assert CalendarDays(45).due(sydney, received).date() == date(2026, 2, 19)


def test_calendar_days_to_the_end_of_the_day() -> None:
    due = CalendarDays(15, end_of_day=True).due(PLAIN_LONDON, london(2026, 1, 5, 10))
    assert due == london(2026, 1, 20, 23, 59, 59, 999999)


def test_month_ends_clamp() -> None:
    assert Months(1).due(UTC_CAL, datetime(2026, 1, 31, 12, tzinfo=timezone.utc)).date() == date(
        2026, 2, 28
    )
    assert Months(1).due(UTC_CAL, datetime(2028, 1, 31, 12, tzinfo=timezone.utc)).date() == date(
        2028, 2, 29
    )
    assert Months(6).due(UTC_CAL, datetime(2026, 8, 31, 12, tzinfo=timezone.utc)).date() == date(
        2027, 2, 28
    )
    assert Months(-1).due(UTC_CAL, datetime(2026, 3, 31, 12, tzinfo=timezone.utc)).date() == date(
        2026, 2, 28
    )


def test_a_leap_day_plus_years_clamps_to_the_28th() -> None:
    assert Years(3).due(UTC_CAL, datetime(2028, 2, 29, 9, tzinfo=timezone.utc)).date() == date(
        2031, 2, 28
    )


def test_months_land_in_the_zones_local_date() -> None:
    # 23:30 UTC on 31 Jan is already 1 Feb in Sydney: one month later is 1 Mar there.
    sydney = BusinessCalendar.weekdays("Australia/Sydney")
    due = Months(1).due(sydney, datetime(2026, 1, 31, 23, 30, tzinfo=timezone.utc))
    assert (due.date(), due.tzinfo) == (date(2026, 3, 1), SYDNEY)


def test_business_time_is_calendar_add() -> None:
    start = london(2026, 1, 9, 16)
    assert BusinessTime(hours=2).due(PLAIN_LONDON, start) == PLAIN_LONDON.add(
        start, timedelta(hours=2)
    )


def test_zero_durations_give_the_anchor() -> None:
    start = london(2026, 1, 10, 12)  # a Saturday
    for duration in (BusinessTime(), CalendarDays(0), Weeks(0), Months(0), ElapsedTime()):
        assert duration.due(PLAIN_LONDON, start) == start


def test_zero_business_days_is_the_anchor_day_or_the_next_business_day() -> None:
    assert CloseOfBusinessDay(0).due(PLAIN_LONDON, london(2026, 1, 10, 12)) == london(
        2026, 1, 12, 17
    )
    assert CloseOfBusinessDay(0).due(PLAIN_LONDON, london(2026, 1, 7, 18)) == london(2026, 1, 7, 17)


def test_negative_durations_count_back() -> None:
    start = london(2026, 1, 12, 10)
    assert BusinessTime(hours=-2).due(PLAIN_LONDON, start) == london(2026, 1, 9, 16)
    assert BusinessDays(-1).due(PLAIN_LONDON, start) == london(2026, 1, 9, 10)
    assert CalendarDays(-3).due(PLAIN_LONDON, start) == london(2026, 1, 9, 10)
    assert Weeks(-1).due(PLAIN_LONDON, start) == london(2026, 1, 5, 10)


def test_the_later_of_24_hours_and_one_business_day() -> None:
    ack = LaterOf(ElapsedTime(hours=24), CloseOfBusinessDay(1))
    assert ack.due(PLAIN_LONDON, london(2026, 1, 5, 10)) == london(2026, 1, 6, 17)
    assert ack.due(PLAIN_LONDON, london(2026, 1, 9, 18)) == london(2026, 1, 12, 17)
    assert ack.clock is ClockKind.ELAPSED


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (BusinessTime(hours=40), "40 business hours after receipt"),
        (BusinessTime(minutes=90), "1 business hour 30 minutes after receipt"),
        (BusinessTime(hours=-2), "2 business hours before receipt"),
        (
            CloseOfBusinessDay(3),
            "close of business on the 3rd business day after the day of receipt",
        ),
        (
            BusinessDays(15, end_of_day=True),
            "the end of the 15th business day after the day of receipt",
        ),
        (BusinessDays(21), "the same time on the 21st business day after the day of receipt"),
        (BusinessDays(0), "the same time on the day of receipt (or the next business day)"),
        (
            CalendarDays(30, end_of_day=True),
            "the end of the 30th calendar day after the day of receipt",
        ),
        (CalendarDays(1), "1 calendar day after receipt"),
        (Weeks(8), "8 weeks after receipt"),
        (Months(6), "6 months after receipt"),
        (Years(3), "3 years after receipt"),
        (ElapsedTime(hours=24), "24 hours after receipt"),
    ],
)
def test_each_duration_describes_itself(duration: object, words: str) -> None:
    assert duration.describe() == words  # type: ignore[attr-defined]


def test_the_anchor_is_named_in_the_description() -> None:
    assert Months(6).describe("the final response") == "6 months after the final response"


def test_durations_measure_on_their_own_clock() -> None:
    assert BusinessDays(3).clock is ClockKind.BUSINESS
    assert BusinessTime(hours=1).clock is ClockKind.BUSINESS
    assert Weeks(8).clock is ClockKind.ELAPSED
    assert CalendarDays(30).clock is ClockKind.ELAPSED


def test_bad_amounts_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="whole number"):
        BusinessDays(1.5)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="whole number"):
        Weeks(True)
    with pytest.raises(ConfigurationError, match="finite"):
        BusinessTime(hours=float("inf"))
    with pytest.raises(ConfigurationError, match="not both"):
        BusinessDays(3, at_close=True, end_of_day=True)


def test_durations_are_hashable_values() -> None:
    assert {CloseOfBusinessDay(3), BusinessDays(3, at_close=True)} == {CloseOfBusinessDay(3)}
    assert LONDON is PLAIN_LONDON.tz


def test_zero_days_in_the_repeated_hour_is_the_instant_itself() -> None:
    second = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)  # 01:30 GMT, the second 01:30
    for duration in (CalendarDays(0), Weeks(0), Months(0)):
        assert duration.due(PLAIN_LONDON, second).astimezone(timezone.utc) == second


def test_a_day_later_from_the_repeated_hour_keeps_the_wall_time() -> None:
    second = datetime(2026, 10, 25, 1, 30, tzinfo=timezone.utc)
    assert CalendarDays(1).due(PLAIN_LONDON, second) == london(2026, 10, 26, 1, 30)
