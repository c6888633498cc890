"""Deadlines: business calendars, durations, the SLA clock, policies and regulatory presets.

Only re-exports; the code lives in :mod:`~iso10002.sla.calendar`,
:mod:`~iso10002.sla.hours`, :mod:`~iso10002.sla.durations`, :mod:`~iso10002.sla.clock`,
:mod:`~iso10002.sla.policy`, :mod:`~iso10002.sla.presets` and :mod:`~iso10002.sla.batch`.

Examples:
    >>> from iso10002 import sla
    >>> sla.presets.get("fca.disp.standard").name
    'fca.disp.standard'
"""

from iso10002.sla import presets
from iso10002.sla.calendar import BusinessCalendar, DayTime, NonBusinessDay
from iso10002.sla.clock import ClockNotPausable, SlaClock
from iso10002.sla.durations import (
    BusinessDays,
    BusinessTime,
    CalendarDays,
    ClockKind,
    CloseOfBusinessDay,
    Duration,
    ElapsedTime,
    LaterOf,
    Months,
    Weeks,
    Years,
)
from iso10002.sla.hours import Closure, DayOverride, HolidaySource, WeeklyHours, WorkingInterval
from iso10002.sla.policy import (
    Applies,
    Confidence,
    Milestone,
    PolicySource,
    SlaEvaluation,
    SlaPolicy,
    Stage,
    Target,
    TargetState,
    TargetStatus,
)

__all__ = [
    "Applies",
    "BusinessCalendar",
    "BusinessDays",
    "BusinessTime",
    "CalendarDays",
    "ClockKind",
    "ClockNotPausable",
    "CloseOfBusinessDay",
    "Closure",
    "Confidence",
    "DayOverride",
    "DayTime",
    "Duration",
    "ElapsedTime",
    "HolidaySource",
    "LaterOf",
    "Milestone",
    "Months",
    "NonBusinessDay",
    "PolicySource",
    "SlaClock",
    "SlaEvaluation",
    "SlaPolicy",
    "Stage",
    "Target",
    "TargetState",
    "TargetStatus",
    "WeeklyHours",
    "Weeks",
    "WorkingInterval",
    "Years",
    "presets",
]
