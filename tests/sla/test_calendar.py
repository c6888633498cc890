"""BusinessCalendar arithmetic: the semantics the docs pin down, one behaviour per test."""

from __future__ import annotations

import pickle
import threading
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.sla import BusinessCalendar, Closure, DayOverride, WeeklyHours
from sla.support import ENGLAND, LONDON, PLAIN_LONDON, SCOTLAND, london

UTC = timezone.utc
H = timedelta(hours=1)
NIGHTS = BusinessCalendar("Europe/London", WeeklyHours.of({"mon-sun": "22:00-06:00"}))
ALWAYS = BusinessCalendar("Europe/London", WeeklyHours.of({"mon-sun": "00:00-00:00"}))


# --- adding business time ----------------------------------------------------------------


def test_the_budget_running_out_at_close_gives_the_close_not_the_next_opening() -> None:
    # The exact-close rule: Fri 16:00 + 1 h is Fri 17:00 (pandas says Mon 09:00).
    assert PLAIN_LONDON.add(london(2026, 1, 9, 16), H) == london(2026, 1, 9, 17)


def test_time_carries_over_the_weekend() -> None:
    assert PLAIN_LONDON.add(london(2026, 1, 9, 16, 30), H) == london(2026, 1, 12, 9, 30)


def test_a_start_outside_hours_starts_at_the_next_opening() -> None:
    assert PLAIN_LONDON.add(london(2026, 1, 10, 12), H) == london(2026, 1, 12, 10)


def test_adding_zero_returns_the_start_even_outside_hours() -> None:
    saturday = london(2026, 1, 10, 12)
    assert PLAIN_LONDON.add(saturday, timedelta(0)) == saturday


def test_a_negative_duration_counts_back_to_the_latest_such_instant() -> None:
    # Tue 09:00 after Easter Monday, minus one hour: Thu 16:00 before Good Friday.
    assert ENGLAND.add(london(2026, 4, 7, 9), -H) == london(2026, 4, 2, 16)
    assert ENGLAND.add(london(2026, 4, 7, 10), -H) == london(2026, 4, 7, 9)


def test_microseconds_are_kept() -> None:
    start = london(2026, 1, 5, 10, 0, 0, 1)
    assert PLAIN_LONDON.add(start, timedelta(microseconds=5)) == london(2026, 1, 5, 10, 0, 0, 6)


def test_fractional_hours_are_accepted() -> None:
    assert PLAIN_LONDON.add(london(2026, 1, 5, 9), timedelta(hours=1.25)) == london(
        2026, 1, 5, 10, 15
    )


def test_results_are_in_the_calendars_zone() -> None:
    result = PLAIN_LONDON.add(datetime(2026, 7, 1, 8, tzinfo=UTC), H)
    assert result.tzinfo == LONDON
    assert result == datetime(2026, 7, 1, 9, tzinfo=UTC)


def test_a_thousand_hours_cross_a_year_boundary() -> None:
    start = london(2026, 9, 1, 9)
    due = ENGLAND.add(start, 1000 * H)
    assert due.year == 2027
    assert ENGLAND.between(start, due) == 1000 * H


# --- measuring business time -------------------------------------------------------------


def test_between_is_signed() -> None:
    a, b = london(2026, 1, 5, 12), london(2026, 1, 5, 10)
    assert PLAIN_LONDON.between(a, b) == -2 * H
    assert PLAIN_LONDON.between(b, a) == 2 * H


def test_easter_is_skipped_in_england() -> None:
    # Thu 18:00 to Tue 18:00 over Good Friday and Easter Monday: only Tuesday counts.
    assert ENGLAND.between(london(2026, 4, 2, 18), london(2026, 4, 7, 18)) == 8 * H


def test_easter_monday_is_worked_in_scotland() -> None:
    assert SCOTLAND.between(london(2026, 4, 2, 18), london(2026, 4, 7, 18)) == 16 * H


def test_the_second_of_january_is_a_holiday_in_scotland_only() -> None:
    assert SCOTLAND.is_business_day(date(2026, 1, 2)) is False
    assert ENGLAND.is_business_day(date(2026, 1, 2)) is True


def test_time_across_several_years_adds_up() -> None:
    one = ENGLAND.between(london(2024, 6, 1), london(2025, 6, 1))
    two = ENGLAND.between(london(2025, 6, 1), london(2027, 6, 1))
    assert ENGLAND.between(london(2024, 6, 1), london(2027, 6, 1)) == one + two


# --- DST ---------------------------------------------------------------------------------


def test_a_night_shift_across_the_autumn_change_counts_nine_real_hours() -> None:
    assert NIGHTS.between(london(2024, 10, 26, 22), london(2024, 10, 27, 6)) == 9 * H


def test_a_night_shift_across_the_spring_change_counts_seven_real_hours() -> None:
    assert NIGHTS.between(london(2024, 3, 30, 22), london(2024, 3, 31, 6)) == 7 * H


def test_eight_hours_from_saturday_night_end_an_hour_early_in_autumn() -> None:
    # 22:00 BST + 8 real hours = 05:00 GMT; the shift runs to 06:00 GMT.
    assert NIGHTS.add(london(2024, 10, 26, 22), 8 * H) == datetime(2024, 10, 27, 5, tzinfo=UTC)


def test_a_whole_spring_forward_day_has_23_hours() -> None:
    assert ALWAYS.between(london(2024, 3, 31), london(2024, 4, 1)) == 23 * H
    assert ALWAYS.between(london(2024, 3, 31, 0), london(2024, 3, 31, 23)) == 22 * H


def test_a_whole_fall_back_day_has_25_hours() -> None:
    assert ALWAYS.between(london(2024, 10, 27), london(2024, 10, 28)) == 25 * H


def test_an_opening_time_in_the_spring_gap_opens_at_the_end_of_the_gap() -> None:
    cal = BusinessCalendar("Europe/London", WeeklyHours(sun="01:30-04:00"))
    sunday = date(2024, 3, 31)  # 01:00-02:00 does not exist
    assert cal.next_open(london(2024, 3, 31, 0)) == datetime(2024, 3, 31, 1, tzinfo=UTC)
    assert cal.between(london(2024, 3, 30), london(2024, 4, 1)) == 2 * H
    assert cal.wall_time(sunday, time(1, 30)) == london(2024, 3, 31, 2)


def test_an_interval_inside_the_repeated_hour_opens_first_and_closes_last() -> None:
    cal = BusinessCalendar("Europe/London", WeeklyHours(sun="01:15-01:45"))
    # 01:15 BST (00:15 UTC) to 01:45 GMT (01:45 UTC): 90 real minutes.
    assert cal.between(london(2024, 10, 26), london(2024, 10, 28)) == timedelta(minutes=90)


def test_touching_intervals_across_the_fold_are_not_counted_twice() -> None:
    cal = BusinessCalendar("Europe/London", WeeklyHours(sat="22:00-01:00", sun="01:00-05:00"))
    # Sat 22:00 BST to Sun 05:00 GMT is 8 real hours, whatever the fold does to 01:00.
    assert cal.between(london(2024, 10, 26, 12), london(2024, 10, 27, 12)) == 8 * H


def test_business_days_keep_the_wall_time_across_a_dst_change() -> None:
    friday = london(2024, 3, 29, 10)  # GMT; Monday is BST
    assert PLAIN_LONDON.add_business_days(friday, 1).hour == 10


# --- overnight shifts --------------------------------------------------------------------


def test_a_start_inside_a_night_shift_stays_in_that_shift() -> None:
    assert NIGHTS.add(london(2026, 1, 6, 2), H) == london(2026, 1, 6, 3)


def test_eight_hours_from_the_start_of_a_shift_end_with_it() -> None:
    assert NIGHTS.add(london(2026, 1, 5, 22), 8 * H) == london(2026, 1, 6, 6)


def test_counting_back_inside_a_night_shift() -> None:
    assert NIGHTS.add(london(2026, 1, 6, 2), -H) == london(2026, 1, 6, 1)


def test_elapsed_time_inside_a_night_shift() -> None:
    assert NIGHTS.between(london(2026, 1, 6, 2), london(2026, 1, 6, 7)) == 4 * H


def test_a_holiday_removes_the_shift_that_starts_on_it() -> None:
    cal = BusinessCalendar.for_country("GB", subdiv="ENG", hours={"mon-sun": "22:00-06:00"})
    # Christmas Day's night shift (starting 25 Dec 22:00) is off; the one from the
    # 24th into Christmas morning is worked.
    assert cal.between(london(2026, 12, 24, 12), london(2026, 12, 25, 12)) == 8 * H
    assert cal.between(london(2026, 12, 25, 12), london(2026, 12, 26, 12)) == timedelta(0)


def test_close_of_business_of_a_night_shift_is_the_next_morning() -> None:
    assert NIGHTS.close_of_business_day(london(2026, 1, 5, 12), 1) == london(2026, 1, 7, 6)


# --- business days -----------------------------------------------------------------------


def test_business_days_count_from_the_day_after_receipt() -> None:
    # regimes.md worked example: receipt Thu 2 Apr 2026, Easter excluded.
    thursday = london(2026, 4, 2, 11)
    assert ENGLAND.close_of_business_day(thursday, 3) == london(2026, 4, 9, 17)
    assert ENGLAND.add_business_days(thursday, 15).date() == date(2026, 4, 27)
    assert ENGLAND.add_business_days(thursday, 35).date() == date(2026, 5, 27)


def test_a_receipt_after_hours_still_counts_its_own_day_as_day_zero() -> None:
    late = london(2026, 1, 5, 23, 30)
    assert PLAIN_LONDON.close_of_business_day(late, 1) == london(2026, 1, 6, 17)


def test_zero_business_days_is_the_same_day_or_the_next_business_day() -> None:
    assert PLAIN_LONDON.add_business_days(london(2026, 1, 7, 8), 0) == london(2026, 1, 7, 8)
    saturday = london(2026, 1, 10, 8)
    assert PLAIN_LONDON.add_business_days(saturday, 0, at="open") == london(2026, 1, 12, 9)


def test_negative_business_days_count_back() -> None:
    assert ENGLAND.add_business_days(london(2026, 4, 7, 10), -1).date() == date(2026, 4, 2)


def test_business_days_cross_new_year() -> None:
    # Thu 24, Tue 29, Wed 30, Thu 31 Dec, then (past New Year's Day) Mon 4 Jan.
    assert ENGLAND.close_of_business_day(london(2026, 12, 23, 16, 40), 5) == london(2027, 1, 4, 17)


def test_end_of_day_is_the_last_microsecond_of_the_local_date() -> None:
    due = PLAIN_LONDON.add_business_days(london(2026, 1, 5, 10), 2, at="end_of_day")
    assert due == london(2026, 1, 7, 23, 59, 59, 999999)


def test_an_unknown_time_of_day_is_refused() -> None:
    with pytest.raises(ValidationError, match="at:"):
        PLAIN_LONDON.add_business_days(london(2026, 1, 5), 1, at="noon")  # type: ignore[arg-type]


# --- overrides and closures --------------------------------------------------------------


def test_a_half_day_override_shortens_the_day() -> None:
    cal = BusinessCalendar.for_country(
        "GB", "ENG", overrides=[DayOverride(date(2026, 12, 24), "09:00-12:00", "half day")]
    )
    assert cal.between(london(2026, 12, 24), london(2026, 12, 25)) == 3 * H
    assert cal.close_of_business_day(london(2026, 12, 23, 10), 1) == london(2026, 12, 24, 12)


def test_an_override_can_open_on_a_holiday() -> None:
    cal = BusinessCalendar.for_country(
        "GB", "ENG", overrides=[DayOverride(date(2026, 12, 28), "10:00-14:00", "skeleton crew")]
    )
    assert cal.is_business_day(date(2026, 12, 28))
    assert cal.between(london(2026, 12, 28), london(2026, 12, 29)) == 4 * H


def test_a_closed_day_override_is_not_a_business_day() -> None:
    cal = BusinessCalendar(
        "Europe/London", overrides=(DayOverride(date(2026, 6, 1), (), "office move"),)
    )
    assert not cal.is_business_day(date(2026, 6, 1))
    assert [d.name for d in cal.non_business_days(date(2026, 6, 1), date(2026, 6, 1))] == [
        "office move"
    ]


def test_a_closure_removes_working_time_but_keeps_the_business_day() -> None:
    outage = Closure(london(2026, 5, 5, 12), london(2026, 5, 5, 15), "systems outage")
    cal = BusinessCalendar("Europe/London", closures=(outage,))
    assert cal.between(london(2026, 5, 5), london(2026, 5, 6)) == 5 * H
    assert cal.is_business_day(date(2026, 5, 5))
    assert cal.add(london(2026, 5, 5, 11), 2 * H) == london(2026, 5, 5, 16)


def test_a_closure_covering_a_whole_day_makes_it_a_non_business_day() -> None:
    strike = Closure(london(2026, 5, 6, 0), london(2026, 5, 7, 0), "strike")
    cal = BusinessCalendar("Europe/London", closures=(strike,))
    assert not cal.is_business_day(date(2026, 5, 6))
    assert cal.describe_skipped(date(2026, 5, 5), date(2026, 5, 8)) == "Wed 6 May (strike)"


def test_two_overrides_for_one_date_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="two overrides"):
        BusinessCalendar(
            "UTC",
            overrides=(DayOverride(date(2026, 1, 1), ()), DayOverride(date(2026, 1, 1), ())),
        )


# --- questions ---------------------------------------------------------------------------


def test_is_open_and_next_open() -> None:
    assert PLAIN_LONDON.is_open(london(2026, 1, 5, 9))
    assert not PLAIN_LONDON.is_open(london(2026, 1, 5, 17))
    assert PLAIN_LONDON.next_open(london(2026, 1, 5, 12)) == london(2026, 1, 5, 12)
    assert ENGLAND.next_open(london(2026, 4, 2, 17)) == london(2026, 4, 7, 9)


def test_non_business_days_name_the_holidays() -> None:
    days = ENGLAND.non_business_days(date(2026, 12, 23), date(2027, 1, 2))
    assert [(d.day, d.kind, d.name) for d in days] == [
        (date(2026, 12, 25), "holiday", "Christmas Day"),
        (date(2026, 12, 28), "holiday", "Boxing Day (observed)"),
        (date(2027, 1, 1), "holiday", "New Year's Day"),
    ]


def test_non_business_days_can_include_weekends() -> None:
    days = PLAIN_LONDON.non_business_days(date(2026, 1, 9), date(2026, 1, 12), days_off=True)
    assert [(d.day.day, d.kind) for d in days] == [(10, "day_off"), (11, "day_off")]


def test_skipped_days_in_words() -> None:
    assert ENGLAND.describe_skipped(date(2026, 4, 1), date(2026, 4, 8)) == (
        "Fri 3 Apr and Mon 6 Apr (bank holidays in England)"
    )
    assert ENGLAND.describe_skipped(date(2026, 8, 30), date(2026, 9, 2)) == (
        "Mon 31 Aug (bank holiday in England)"
    )
    assert ENGLAND.describe_skipped(date(2026, 9, 1), date(2026, 9, 2)) == ""


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["add", "between", "is_open", "next_open"])
def test_naive_datetimes_are_refused(method: str) -> None:
    naive = datetime(2026, 1, 5, 9)
    args: tuple[object, ...] = {
        "add": (naive, H),
        "between": (naive, london(2026, 1, 5)),
        "is_open": (naive,),
        "next_open": (naive,),
    }[method]
    with pytest.raises(ValidationError, match="naive"):
        getattr(PLAIN_LONDON, method)(*args)


def test_a_duration_must_be_a_timedelta() -> None:
    with pytest.raises(ValidationError, match="timedelta"):
        PLAIN_LONDON.add(london(2026, 1, 5), 3600)  # type: ignore[arg-type]


def test_an_unknown_zone_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="unknown time zone"):
        BusinessCalendar("Europe/Londres")


def test_a_calendar_without_working_time_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="no working time"):
        BusinessCalendar("UTC", WeeklyHours())


def test_a_calendar_whose_working_time_runs_out_fails_instead_of_looping() -> None:
    cal = BusinessCalendar(
        "UTC", WeeklyHours(), overrides=(DayOverride(date(2026, 1, 5), "09:00-17:00"),)
    )
    with pytest.raises(ValidationError, match="outside the years"):
        cal.add(datetime(2026, 1, 5, 9, tzinfo=UTC), 9 * H)


def test_instants_outside_the_supported_years_are_refused() -> None:
    with pytest.raises(ValidationError, match="outside the years"):
        PLAIN_LONDON.add(datetime(1800, 1, 1, tzinfo=UTC), H)


def test_a_country_with_several_zones_needs_one() -> None:
    with pytest.raises(ConfigurationError, match="zone="):
        BusinessCalendar.for_country("US")
    assert BusinessCalendar.for_country("US", zone="America/Chicago").zone == "America/Chicago"


# --- the value object --------------------------------------------------------------------


def test_equal_specifications_are_equal_and_hash_alike() -> None:
    a = BusinessCalendar.for_country("GB", subdiv="ENG")
    assert a == ENGLAND
    assert hash(a) == hash(ENGLAND)
    assert a != SCOTLAND


def test_a_calendar_survives_pickling() -> None:
    copy = pickle.loads(pickle.dumps(ENGLAND))
    assert copy == ENGLAND
    assert copy.add(london(2026, 4, 2, 16, 30), H) == london(2026, 4, 7, 9, 30)


def test_concurrent_first_queries_compile_once_and_agree() -> None:
    cal = BusinessCalendar.for_country("GB", subdiv="ENG")
    start = london(2031, 4, 17, 16)  # a year nobody has compiled yet
    results: list[datetime] = []
    barrier = threading.Barrier(8)

    def work() -> None:
        barrier.wait()
        results.append(cal.add(start, 40 * H))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert len(results) == 8


def test_other_zones_use_their_own_offsets() -> None:
    sydney = BusinessCalendar.for_country("AU", subdiv="NSW")
    start = datetime(2026, 1, 26, 10, tzinfo=ZoneInfo("Australia/Sydney"))  # Australia Day
    assert sydney.add(start, H) == datetime(2026, 1, 27, 10, tzinfo=ZoneInfo("Australia/Sydney"))


def test_skipped_holidays_and_closed_days_are_grouped_by_reason() -> None:
    cal = BusinessCalendar.for_country(
        "GB", "ENG", overrides=[DayOverride(date(2026, 12, 24), (), "office closed")]
    )
    assert cal.describe_skipped(date(2026, 12, 23), date(2026, 12, 30)) == (
        "Thu 24 Dec (office closed), Fri 25 Dec and Mon 28 Dec (bank holidays in England)"
    )
