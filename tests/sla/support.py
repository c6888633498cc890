"""Calendars and helpers shared by the SLA tests (built once: compiling holidays costs
milliseconds). Imported as ``sla.support``: ``tests/`` is the rootdir-inserted path."""

from __future__ import annotations

import random
from datetime import datetime, time
from zoneinfo import ZoneInfo

from iso10002.errors import ConfigurationError
from iso10002.sla import BusinessCalendar, HolidaySource, WeeklyHours, WorkingInterval

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")
DUBLIN = ZoneInfo("Europe/Dublin")
NEW_YORK = ZoneInfo("America/New_York")

ENGLAND = BusinessCalendar.for_country("GB", subdiv="ENG", zone="Europe/London")
SCOTLAND = BusinessCalendar.for_country("GB", subdiv="SCT", zone="Europe/London")
PLAIN_LONDON = BusinessCalendar.weekdays("Europe/London")


def london(*args: int) -> datetime:
    """A wall-clock instant in London, e.g. ``london(2026, 4, 2, 16, 30)``."""
    return datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


# --- random calendars, from a seeded pool (compiled tables are reused) ---------------------


def random_hours(rng: random.Random) -> WeeklyHours:
    """Up to two intervals a day on a minute grid; night shifts allowed."""
    while True:
        days = {}
        for name in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
            intervals = []
            for _ in range(rng.choice((0, 1, 1, 2))):
                start, length = rng.randrange(1440), rng.randrange(15, 721)
                end = (start + length) % 1440
                intervals.append(
                    WorkingInterval(time(start // 60, start % 60), time(end // 60, end % 60))
                )
            days[name] = tuple(intervals)
        try:
            hours = WeeklyHours(**days)
        except ConfigurationError:  # overlapping: draw again
            continue
        if hours.working_weekdays:
            return hours


def pool(zones: tuple[str, ...], size: int, seed: int, holidays: bool) -> list[BusinessCalendar]:
    """``size`` calendars in ``zones`` with random hours, half with England's holidays."""
    rng = random.Random(seed)
    made = [BusinessCalendar.for_country("GB", subdiv="ENG")] if holidays else []
    while len(made) < size:
        source = HolidaySource("GB", "ENG") if holidays and rng.random() < 0.5 else None
        made.append(BusinessCalendar(rng.choice(zones), random_hours(rng), source))
    return made
