"""Confidentiality (4.10): personal data only where needed, erasure that takes effect."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import attrs

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.events import Event
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Complainant, Complaint, Consent, ContactDetails, Representative
from iso10002.principles import CheckContext, Finding, FindingSeverity
from iso10002.principles.privacy import personal_data_minimised, redaction_respected
from iso10002.replay import replay
from iso10002.testing.builders import history_to, received

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]
JO = Complainant(
    name="Jo Bloggs", contact=ContactDetails(email="Jo@Example.org", phone="07700 900123")
)


class Retention:
    """A policy that keeps records for a year after receipt."""

    lifecycle_rules = LifecycleRules()

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        return None

    def retain_until(self, complaint: Complaint) -> datetime | None:
        return complaint.received_at + timedelta(days=365)


def test_personal_data_in_its_own_fields_is_fine(run: Run) -> None:
    assert run(personal_data_minimised, history_to("closed")) == ()


def test_an_email_address_quoted_in_a_progress_message_cannot_be_erased(
    run: Run, then: Then
) -> None:
    events = then(
        [received(complainant=JO)], "record_progress", message="Emailed jo@example.org today."
    )
    (finding,) = run(personal_data_minimised, events)
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.message.startswith(
        "the complainant's e-mail address appears in the message of event 2"
    )


def test_the_name_and_phone_in_a_decision_are_found_too(run: Run, then: Then) -> None:
    events = then(
        [received(complainant=JO)],
        "record_progress",
        message="Rang JO BLOGGS on 07700 900123.",
    )
    found = {f.message.split(" appears")[0] for f in run(personal_data_minimised, events)}
    assert found == {"the complainant's name", "the complainant's telephone number"}


def test_the_representatives_details_are_personal_data_too(run: Run, then: Then) -> None:
    represented = attrs.evolve(
        JO,
        representative=Representative(
            "Claims Co", "claims firm", contact=ContactDetails(email="cases@claims.example")
        ),
    )
    events = then(
        [received(complainant=represented)],
        "record_progress",
        message="Sent to cases@claims.example",
    )
    (finding,) = run(personal_data_minimised, events)
    assert finding.message.startswith("the representative's e-mail address appears")


def test_very_short_names_are_not_searched_for(run: Run, then: Then) -> None:
    events = then(
        [received(complainant=Complainant(name="Li"))], "record_progress", message="Lime called."
    )
    assert run(personal_data_minimised, events) == ()


def test_personal_data_held_without_consent_is_major(run: Run) -> None:
    refused = attrs.evolve(JO, consent=Consent(data_processing=False))
    (finding,) = run(personal_data_minimised, [received(complainant=refused)])
    assert "did not consent to the processing" in finding.message


def test_personal_data_kept_past_retention_is_minor(run: Run) -> None:
    events = history_to("closed")
    late = events[0].at + timedelta(days=400)
    (finding,) = run(personal_data_minimised, events, at=late, policy=Retention())
    assert finding.severity is FindingSeverity.MINOR
    assert "retention period ended on 05 Jan 2027" in finding.message
    early = events[0].at + timedelta(days=100)
    assert run(personal_data_minimised, events, at=early, policy=Retention()) == ()


def test_an_erasure_done_by_the_store_is_respected(
    complaints_desk: ComplaintsDesk, manual_clock: ManualClock
) -> None:
    c = complaints_desk.store.create(history_to("closed"))
    manual_clock.advance(timedelta(days=1))
    complaints_desk.redact(c.id, actor="dpo:lee", reason="erasure request")
    erased = complaints_desk.get(c.id)
    history = complaints_desk.history(c.id)
    context = CheckContext(at=erased.last_event_at)
    assert redaction_respected(erased, history, context) == ()
    assert personal_data_minimised(erased, history, context) == ()


def test_personal_data_still_readable_after_erasure_is_critical(then: Then) -> None:
    # An erasure recorded, but the earlier events kept their personal parts (a store bug).
    events = then(history_to("closed"), "redact")
    complaint = replay(events)
    (finding,) = redaction_respected(complaint, events, CheckContext(at=complaint.last_event_at))
    assert finding.severity is FindingSeverity.CRITICAL
    assert "complainant, description (event 1)" in finding.message
    assert [ref.version for ref in finding.evidence] == [1, 9]


def test_a_snapshot_that_kept_the_complainant_after_erasure_is_critical(then: Then) -> None:
    events = then(history_to("closed"), "redact")
    erased_events = (
        attrs.evolve(events[0], complainant=None, description="[redacted]"),
        *events[1:],
    )
    leaky = attrs.evolve(replay(erased_events), complainant=JO)
    (finding,) = redaction_respected(leaky, erased_events, CheckContext(at=leaky.last_event_at))
    assert "the snapshot still holds its complainant" in finding.message


def test_complaints_never_erased_are_not_judged_on_erasure(run: Run) -> None:
    assert run(redaction_respected, history_to("closed")) == ()
