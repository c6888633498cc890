"""What a host's ``settings.ISO10002`` names by dotted path, for the settings tests.

Importable as ``django_hosts`` (this folder is on the path while its tests run); it imports
nothing of Django.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

from iso10002.clock import ManualClock
from iso10002.sla import presets

POLICY = presets.get("ie.cbi.cpc")
"""A policy object a host builds in its own module."""

CLOCK = ManualClock(datetime(2026, 2, 2, 9, tzinfo=timezone.utc))
"""A clock object."""

NOT_A_POLICY = 42


def handlers_only(actor: str, action: str, complaint: object) -> bool:
    """An access policy: only ``handler:…`` actors may do anything."""
    return actor.startswith("handler:")


def takes_two(actor: str, action: str) -> bool:
    """Not an access policy: it cannot be asked about a complaint."""
    return True


def naive_clock() -> datetime:
    """Not a clock the desk accepts: it says no time zone."""
    return datetime(2026, 1, 1, 9)


_numbers = itertools.count(1)


def sequential_ids() -> str:
    """An id factory: TEST-1, TEST-2, …"""
    return f"TEST-{next(_numbers)}"


class Listener:
    """A python-statemachine listener, instantiated by the settings."""

    def __init__(self) -> None:
        self.transitions: list[str] = []

    def after_transition(self, event: str) -> None:
        self.transitions.append(event)


class NeedsArguments:
    """A class the settings cannot instantiate."""

    def __init__(self, required: str) -> None:
        self.required = required
