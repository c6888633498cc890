"""The hypothesis strategies the testing kit ships for hosts' property tests."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given

from iso10002.events import ChargeRecorded, Event
from iso10002.model import Complaint
from iso10002.principles import CheckContext, ProcessProfile, check_complaint
from iso10002.replay import replay
from iso10002.testing.strategies import complaints, histories, process_profiles, records


@given(complaints(max_events=12))
def test_complaints_come_with_the_history_they_fold_from(
    pair: tuple[Complaint, tuple[Event, ...]],
) -> None:
    complaint, history = pair
    assert replay(history) == complaint


@given(complaints(max_events=12))
def test_every_drawn_complaint_can_be_checked(pair: tuple[Complaint, tuple[Event, ...]]) -> None:
    complaint, history = pair
    findings = check_complaint(complaint, history, CheckContext(at=complaint.last_event_at))
    assert all(f.complaint_id == complaint.id for f in findings)
    # A drawn history is valid, so its record is always complete (ISO 10002 4.9).
    assert not [f for f in findings if f.check == "integrity.record_complete"]


@given(process_profiles())
def test_profiles_are_valid_and_carry_country_codes(profile: ProcessProfile) -> None:
    assert profile.country in (None, "GB", "IE", "AU", "US")
    assert all(o.country in (None, "GB", "IE", "AU", "US") for o in profile.channels)


@given(records(ChargeRecorded))
def test_drawn_charges_are_above_zero(event: ChargeRecorded) -> None:
    assert event.amount.amount >= Decimal("0.01")


@given(histories(max_events=30))
def test_histories_may_hold_charges_and_stay_valid(events: tuple[Event, ...]) -> None:
    complaint = replay(events)
    charges = [e.amount for e in events if isinstance(e, ChargeRecorded)]
    assert list(complaint.charges) == charges
