"""Calendars and helpers shared by the SLA tests (built once: compiling holidays costs
milliseconds). Imported as ``sla.support``: ``tests/`` is the rootdir-inserted path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from iso10002.sla import BusinessCalendar

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
