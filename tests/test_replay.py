"""A complaint is the fold of its events: the replay laws."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import TransitionNotAllowed, ValidationError
from iso10002.events import Event, Redacted
from iso10002.integrity import GENESIS, seal, unseal
from iso10002.model import REDACTED
from iso10002.replay import apply, replay
from iso10002.testing.builders import complaint_in, event_for, history_to
from iso10002.testing.strategies import histories


@given(histories(max_events=20), st.data())
def test_replay_equals_the_snapshot_built_step_by_step(
    events: tuple[Event, ...], data: st.DataObject
) -> None:
    split = data.draw(st.integers(1, len(events)))
    assert replay(events) == apply(replay(events[:split]), events[split:])


@given(histories(max_events=20))
def test_version_counts_the_events(events: tuple[Event, ...]) -> None:
    assert replay(events).version == len(events)


@given(histories(max_events=20))
def test_checked_and_unchecked_replay_agree_on_valid_histories(events: tuple[Event, ...]) -> None:
    assert replay(events) == replay(events, check=False)


@given(histories(max_events=20))
def test_replay_after_erasure_equals_the_redacted_snapshot(events: tuple[Event, ...]) -> None:
    complaint = replay(events)
    if complaint.redacted_at is not None:
        return
    redaction = Redacted(at=complaint.last_event_at, actor="dpo", reason="erasure request")
    redacted = apply(complaint, [redaction])
    # What a store returns after erasure: every event with its personal part deleted.
    erased = [unseal(seal("C", 1, event, GENESIS).public, None) for event in events]
    assert replay([*erased, redaction]) == redacted
    assert redacted.complainant is None
    assert redacted.description == REDACTED


def test_history_must_start_with_receipt() -> None:
    acknowledged = history_to("acknowledged")[1]
    with pytest.raises(TransitionNotAllowed, match="must start with its receipt"):
        replay([acknowledged])


def test_empty_history_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least its Received event"):
        replay([])


def test_events_must_be_in_time_order() -> None:
    complaint = complaint_in("received")
    early = event_for(complaint, "acknowledge", at=complaint.received_at - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="earlier than the complaint's latest event"):
        apply(complaint, [early])


def test_reassessment_changes_type_and_category() -> None:
    complaint = complaint_in("investigating")
    changed = apply(
        complaint, [event_for(complaint, "assess", complaint_type="psd_emd", category="payments")]
    )
    assert (changed.complaint_type, changed.classification.category) == ("psd_emd", "payments")


def test_closing_ends_a_running_pause() -> None:
    complaint = complaint_in("investigating")
    for name in ("pause_clock", "withdraw"):
        complaint = apply(complaint, [event_for(complaint, name)])
    assert not complaint.clock_paused
    assert complaint.pauses[-1].end == complaint.withdrawn_at


def test_reopening_clears_the_closure() -> None:
    closed = complaint_in("closed")
    reopened = apply(closed, [event_for(closed, "reopen")])
    assert reopened.closed_at is None
    assert reopened.reopenings == (reopened.last_event_at,)
