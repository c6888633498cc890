"""Working intervals, weekly hours and holiday sources: what a calendar is built from."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest

from iso10002.errors import ConfigurationError
from iso10002.sla import Closure, DayOverride, HolidaySource, WeeklyHours, WorkingInterval


def test_an_interval_ending_before_it_starts_runs_overnight() -> None:
    shift = WorkingInterval.parse("22:00-06:00")
    assert shift.overnight
    assert shift.length == timedelta(hours=8)


def test_midnight_to_midnight_is_a_whole_day() -> None:
    assert WorkingInterval.parse("00:00-00:00").length == timedelta(hours=24)


def test_24_00_is_midnight_at_the_end_of_the_day() -> None:
    interval = WorkingInterval.parse("18:00-24:00")
    assert interval.length == timedelta(hours=6)
    assert not interval.overnight


def test_an_empty_interval_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="empty"):
        WorkingInterval.parse("10:00-10:00")


@pytest.mark.parametrize("text", ["9-17", "09:00-25:00", "09:60-17:00", "nine to five"])
def test_unreadable_intervals_are_refused(text: str) -> None:
    with pytest.raises(ConfigurationError):
        WorkingInterval.parse(text)


def test_several_intervals_a_day_are_kept_in_order() -> None:
    hours = WeeklyHours(mon="13:30-17:00, 09:00-12:30")
    assert [str(i) for i in hours.mon] == ["09:00-12:30", "13:30-17:00"]
    assert hours.weekly_hours == 7.0


def test_overlapping_intervals_on_one_day_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="overlap"):
        WeeklyHours(tue="08:00-18:00, 12:00-13:00")


def test_a_night_shift_running_into_the_next_days_hours_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="mon 22:00-06:00 and tue 05:00-09:00"):
        WeeklyHours(mon="22:00-06:00", tue="05:00-09:00")


def test_sundays_night_shift_wraps_into_monday_morning() -> None:
    with pytest.raises(ConfigurationError, match="overlap"):
        WeeklyHours(sun="22:00-06:00", mon="05:00-09:00")


def test_touching_intervals_are_allowed() -> None:
    assert WeeklyHours(mon="22:00-00:00", tue="00:00-06:00").weekly_hours == 8.0


def test_weekday_ranges_in_a_mapping() -> None:
    hours = WeeklyHours.of({"mon-thu": "09:00-17:00", "fri": "09:00-16:00", "sat": "10:00-13:00"})
    assert hours.weekly_hours == 4 * 8 + 7 + 3
    assert hours.working_weekdays == (0, 1, 2, 3, 4, 5)


def test_an_unknown_weekday_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="weekday"):
        WeeklyHours.of({"monday-friday": "09:00-17:00"})


def test_a_day_override_checks_its_own_intervals() -> None:
    with pytest.raises(ConfigurationError, match="overlap"):
        DayOverride(date(2026, 12, 24), "09:00-12:00, 11:00-13:00")


def test_a_day_override_needs_a_date_not_a_datetime() -> None:
    with pytest.raises(ConfigurationError, match="date"):
        DayOverride(datetime(2026, 12, 24, tzinfo=timezone.utc), "09:00-12:00")  # type: ignore[arg-type]


def test_a_closure_must_be_aware_and_forward() -> None:
    with pytest.raises(ConfigurationError, match="aware"):
        Closure(datetime(2026, 5, 1, 12), datetime(2026, 5, 1, 13, tzinfo=timezone.utc))
    start = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)
    with pytest.raises(ConfigurationError, match="ends before"):
        Closure(start, start)


def test_gb_holidays_without_a_nation_are_refused() -> None:
    # holidays#1449: the UK-wide list has no Easter Monday or summer bank holiday.
    with pytest.raises(ConfigurationError, match="subdiv"):
        HolidaySource("GB")


def test_uk_is_read_as_gb() -> None:
    assert HolidaySource("UK", "NIR").country == "GB"


def test_australian_holidays_need_a_state() -> None:
    with pytest.raises(ConfigurationError, match="subdiv"):
        HolidaySource("AU")


def test_unknown_countries_and_subdivisions_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="no public holidays"):
        HolidaySource("XX")
    with pytest.raises(ConfigurationError, match="not a subdivision"):
        HolidaySource("GB", "LDN")


def test_holiday_labels_name_the_nation() -> None:
    assert HolidaySource("GB", "SCT").label == "bank holidays in Scotland"
    assert HolidaySource("IE").label == "public holidays in Ireland"


def test_a_holiday_snapshot_is_a_plain_dict() -> None:
    days = HolidaySource("GB", "ENG").load([2026])
    assert days[date(2026, 8, 31)] == "Late Summer Bank Holiday"
    assert type(days) is dict


def test_interval_times_must_be_naive() -> None:
    with pytest.raises(ConfigurationError, match="naive"):
        WorkingInterval(time(9, tzinfo=timezone.utc), time(17))
