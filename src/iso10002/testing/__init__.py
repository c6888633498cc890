"""Tools for testing host applications and stores against iso10002.

:func:`assert_conforms` and the builders need only the core library. The pytest plugin
(:mod:`iso10002.testing.plugin`, loaded by pytest through its entry point) and the
hypothesis strategies (:mod:`iso10002.testing.strategies`) live in their own modules, so
importing this package never imports pytest or hypothesis.
"""

from iso10002.testing.assertions import assert_conforms
from iso10002.testing.builders import (
    START,
    complaint_in,
    conforming_history,
    conforming_profile,
    event_for,
    history_to,
    received,
)

__all__ = [
    "START",
    "assert_conforms",
    "complaint_in",
    "conforming_history",
    "conforming_profile",
    "event_for",
    "history_to",
    "received",
]
