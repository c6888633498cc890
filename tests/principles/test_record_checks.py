"""Checks on the record: receipt (7.2), completeness and integrity (4.9), accountability (4.12)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import attrs
from hypothesis import given

from iso10002.events import Event
from iso10002.integrity import IntegrityProblem, IntegrityReport
from iso10002.model import Complainant, ContactDetails, RemedyRequest, Representative
from iso10002.principles import CheckContext, Finding, FindingSeverity, ReceiptField
from iso10002.principles.record import (
    accountable_actors,
    named_owner,
    receipt_fields,
    record_complete,
)
from iso10002.replay import replay
from iso10002.testing.builders import history_to, received
from iso10002.testing.strategies import histories

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]
UNREACHABLE = Complainant(name="Jo Bloggs")


# --- 7.2 receipt ---------------------------------------------------------------------------


def test_an_ordinary_receipt_has_what_7_2_requires(run: Run) -> None:
    assert run(receipt_fields, [received()]) == ()


def test_a_complainant_nobody_can_reach_is_a_major_gap(run: Run) -> None:
    (finding,) = run(receipt_fields, [received(complainant=UNREACHABLE)])
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.clause == "7.2"
    assert "can be neither acknowledged" in finding.message
    assert [str(ref) for ref in finding.evidence] == ["event 1 received"]


def test_a_representatives_contact_details_are_enough(run: Run) -> None:
    represented = attrs.evolve(
        UNREACHABLE,
        representative=Representative(
            "Sam Bloggs", "son", contact=ContactDetails(phone="07700 900123")
        ),
    )
    assert run(receipt_fields, [received(complainant=represented)]) == ()


def test_anonymous_complaints_are_allowed_unless_the_host_requires_a_complainant(run: Run) -> None:
    anonymous = [received(complainant=None)]
    assert run(receipt_fields, anonymous) == ()
    required = frozenset({ReceiptField.COMPLAINANT})
    (finding,) = run(receipt_fields, anonymous, receipt_fields=required)
    assert "anonymous" in finding.message


def test_the_remedy_sought_must_be_recorded(run: Run) -> None:  # ISO 10002 7.2 b
    (finding,) = run(receipt_fields, [received(remedy_requested=RemedyRequest())])
    assert finding.severity is FindingSeverity.MINOR
    assert "remedy" in finding.message


def test_an_erased_complainant_is_not_a_gap(run: Run, then: Then) -> None:
    events = then([received(complainant=UNREACHABLE)], "redact")
    assert run(receipt_fields, events) == ()


def test_category_and_issue_are_required_only_when_asked_for(run: Run) -> None:
    events = [received()]  # category "fees", no issue
    asked = frozenset({ReceiptField.CATEGORY, ReceiptField.ISSUE})
    (finding,) = run(receipt_fields, events, receipt_fields=asked)
    assert "issue" in finding.message


def test_the_acknowledgement_must_say_when_the_response_is_due_when_asked(
    run: Run, then: Then
) -> None:  # DISP 1.6.1R(1)(b)
    asked = frozenset({ReceiptField.RESPONSE_DUE})
    silent = then([received()], "acknowledge")
    (finding,) = run(receipt_fields, silent, receipt_fields=asked)
    assert [str(ref) for ref in finding.evidence] == ["event 2 acknowledged"]
    promised = then([received()], "acknowledge", response_due=received().at + timedelta(days=56))
    assert run(receipt_fields, promised, receipt_fields=asked) == ()
    assert run(receipt_fields, [received()], receipt_fields=asked) == ()  # not acknowledged yet


# --- 4.9 information integrity -------------------------------------------------------------


def test_a_history_that_folds_into_its_snapshot_is_complete(run: Run) -> None:
    assert run(record_complete, history_to("closed")) == ()


@given(histories(max_events=12))
def test_every_valid_history_is_complete(events: tuple[Event, ...]) -> None:
    complaint = replay(events)
    assert record_complete(complaint, events, CheckContext(at=complaint.last_event_at)) == ()


def test_a_missing_event_is_critical() -> None:
    events = history_to("closed")
    complaint = replay(events)
    (finding,) = record_complete(complaint, events[:-1], CheckContext(at=complaint.last_event_at))
    assert finding.severity is FindingSeverity.CRITICAL
    assert "holds 7 events but the snapshot was folded from 8" in finding.message


def test_another_complaints_history_is_refused() -> None:
    complaint = replay(history_to("closed", complaint_id="C-1"))
    other = history_to("closed", complaint_id="C-2")
    (finding,) = record_complete(complaint, other, CheckContext(at=complaint.last_event_at))
    assert "does not begin with this complaint's receipt" in finding.message


def test_a_snapshot_that_differs_from_its_history_names_the_fields() -> None:
    events = history_to("closed")
    edited = attrs.evolve(replay(events), root_cause=None, notes=3)
    (finding,) = record_complete(edited, events, CheckContext(at=edited.last_event_at))
    assert finding.message.endswith("differs from the fold of its history in: notes")


def test_a_history_the_lifecycle_refuses_does_not_replay(then: Then) -> None:
    # Closed with neither acceptance nor recourse explained (7.9): the desk refuses this.
    events = then(
        then(history_to("investigating"), "decide"),
        "communicate_decision",
        recourse_explained=False,
    )
    events = then(events, "close")
    complaint = replay(events, check=False)
    (finding,) = record_complete(complaint, events, CheckContext(at=complaint.last_event_at))
    assert finding.message.startswith("the history does not replay: cannot close")


def test_the_stores_integrity_report_is_trusted_instead_of_replaying() -> None:
    events = history_to("closed")
    edited = attrs.evolve(replay(events), notes=3)
    problem = IntegrityProblem("C-0001", 4, "edited", "content no longer matches its hash")
    report = IntegrityReport(checked=1, problems=(problem,))
    (finding,) = record_complete(
        edited, events, CheckContext(at=edited.last_event_at, integrity=report)
    )
    assert finding.severity is FindingSeverity.CRITICAL
    assert "edited at 4: content no longer matches its hash" in finding.message
    assert [str(ref) for ref in finding.evidence] == ["event 4 investigation_started"]


def test_replay_can_be_switched_off_when_the_store_verified_elsewhere() -> None:
    events = history_to("closed")
    edited = attrs.evolve(replay(events), notes=3)
    context = CheckContext(at=edited.last_event_at, verify_replay=False)
    assert record_complete(edited, events, context) == ()


# --- 4.12 accountability -------------------------------------------------------------------


def test_events_by_placeholder_actors_are_major(run: Run, then: Then) -> None:
    events = then(
        then(history_to("acknowledged"), "add_note", actor="Unknown"), "assess", actor="n/a"
    )
    (finding,) = run(accountable_actors, events)
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.message == "2 events name 'Unknown', 'n/a' as its actor, which identifies nobody"
    assert [ref.version for ref in finding.evidence] == [3, 4]


def test_actors_outside_the_hosts_directory_are_minor(run: Run) -> None:
    events = history_to("acknowledged")  # agent:ana, then agent:bo
    (finding,) = run(accountable_actors, events, known_actors=frozenset({"agent:ana"}))
    assert finding.severity is FindingSeverity.MINOR
    assert "'agent:bo'" in finding.message
    assert run(accountable_actors, events, known_actors=frozenset({"agent:ana", "agent:bo"})) == ()


def test_an_assessed_complaint_without_an_owner_is_flagged(run: Run, then: Then) -> None:
    (finding,) = run(named_owner, history_to("assessed"))
    assert "nobody is named as its owner" in finding.message
    assert run(named_owner, then(history_to("assessed"), "assign")) == ()
    assert run(named_owner, history_to("acknowledged")) == ()  # not assessed yet
