"""The pytest plugin: registered through its entry point, fixtures wired to each other."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from importlib.metadata import entry_points

import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.model import ContactMethod
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import START, history_to


def test_the_plugin_is_registered_under_pytests_entry_point() -> None:
    (plugin,) = [e for e in entry_points(group="pytest11") if e.name == "iso10002"]
    assert plugin.value == "iso10002.testing.plugin"


def test_pytest_loaded_it(pytestconfig: pytest.Config) -> None:
    assert pytestconfig.pluginmanager.has_plugin("iso10002")


def test_the_clock_starts_at_the_builders_start_and_stands_still(manual_clock: ManualClock) -> None:
    assert manual_clock() == START
    assert manual_clock() == manual_clock()


def test_the_desk_uses_the_store_and_the_clock(
    complaints_desk: ComplaintsDesk, memory_store: InMemoryStore, manual_clock: ManualClock
) -> None:
    assert complaints_desk.store is memory_store
    assert complaints_desk.clock is manual_clock
    assert memory_store.count() == 0


def test_the_desk_records_at_the_clocks_time(
    complaints_desk: ComplaintsDesk, manual_clock: ManualClock
) -> None:
    c = complaints_desk.store.create(history_to("received"))
    manual_clock.advance(timedelta(hours=3))
    acknowledged = complaints_desk.acknowledge(c.id, actor="agent:ana", method=ContactMethod.EMAIL)
    assert acknowledged.acknowledged_at == START + timedelta(hours=3)


def test_importing_the_library_imports_neither_pytest_nor_hypothesis() -> None:
    code = (
        "import sys, iso10002, iso10002.principles, iso10002.testing; "
        "print(sorted(m for m in ('pytest', 'hypothesis', '_pytest') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
