"""The pytest plugin: fixtures for a host's test suite, loaded through an entry point.

Installing iso10002 registers this module under pytest's ``pytest11`` entry point, so the
fixtures are there in every test without any ``conftest.py`` line:

* ``manual_clock``: a :class:`~iso10002.clock.ManualClock` at
  :data:`~iso10002.testing.builders.START` (Monday 5 January 2026, 09:00 UTC); move it with
  ``advance`` or ``set``;
* ``memory_store``: an empty :class:`~iso10002.storage.InMemoryStore` on that clock;
* ``complaints_desk``: a :class:`~iso10002.desk.ComplaintsDesk` on that store and clock.

Override any of them in your own ``conftest.py`` (a desk with your policy, a clock starting
elsewhere); the others build on yours. Pair them with
:func:`iso10002.testing.assert_conforms`. Only pytest imports this module; ``import
iso10002`` never does. Disable it with ``-p no:iso10002``.

Examples:
    >>> import iso10002.testing.plugin as plugin
    >>> sorted(name for name in plugin.__all__)
    ['complaints_desk', 'manual_clock', 'memory_store']
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from iso10002 import __version__
from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import START

__all__ = ["complaints_desk", "manual_clock", "memory_store"]


def pytest_report_header() -> str:
    """Say in the session header that the plugin is active."""
    return f"iso10002 {__version__}: fixtures manual_clock, memory_store, complaints_desk"


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock that stands still at ``START`` until the test moves it."""
    return ManualClock(START)


@pytest.fixture
def memory_store(manual_clock: ManualClock) -> Iterator[InMemoryStore]:
    """An empty in-memory store whose feed is stamped by ``manual_clock``."""
    store = InMemoryStore(clock=manual_clock)
    yield store
    store.close()


@pytest.fixture
def complaints_desk(memory_store: InMemoryStore, manual_clock: ManualClock) -> ComplaintsDesk:
    """A desk on ``memory_store`` whose "now" is ``manual_clock``; no SLA policy."""
    return ComplaintsDesk(memory_store, clock=manual_clock)
