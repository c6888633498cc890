"""Helpers for the principle checks' tests: run one check on a history, grow a history."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import pytest

from iso10002.events import Event
from iso10002.principles import CheckContext, ComplaintCheck, Finding
from iso10002.replay import replay
from iso10002.testing.builders import event_for

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]


@pytest.fixture
def run() -> Run:
    """``run(check, events, at=None, **context)``: the check's findings on that history.

    The snapshot is the unchecked fold, so a test can hand in a history the desk would have
    refused (an import) and see what the check says of it.
    """

    def run_check(
        check: ComplaintCheck, events: Sequence[Event], at: datetime | None = None, **context: Any
    ) -> tuple[Finding, ...]:
        complaint = replay(events, check=False)
        evaluated = CheckContext(at=at or complaint.last_event_at, **context)
        return tuple(check(complaint, tuple(events), evaluated))

    return run_check


@pytest.fixture
def then() -> Then:
    """``then(events, "close", **fields)``: the history with one more ordinary event."""

    def grow(events: Sequence[Event], name: str, **fields: Any) -> tuple[Event, ...]:
        return (*events, event_for(replay(events, check=False), name, **fields))

    return grow
