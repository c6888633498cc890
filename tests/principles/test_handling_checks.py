"""Objectivity (4.7) and charges (4.8) on a complaint's handling."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from hypothesis import given

from iso10002.events import Event, NoteAdded, Received
from iso10002.model import Money, Redress
from iso10002.principles import CheckContext, Finding, FindingSeverity
from iso10002.principles.handling import (
    four_eyes_redress,
    free_of_charge,
    handler_not_complained_about,
)
from iso10002.replay import replay
from iso10002.testing.builders import history_to
from iso10002.testing.strategies import histories

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]
LIMIT = (Money(Decimal("100.00"), "GBP"),)


def decided(then: Then, amount: str, **fields: object) -> tuple[Event, ...]:
    redress = Redress(Money(Decimal(amount), "GBP"))
    return then(history_to("investigating"), "decide", redress=redress, **fields)


# --- objectivity: people complained about do not handle the complaint -----------------------


def test_ordinary_handling_by_others_is_objective(run: Run) -> None:
    assert run(handler_not_complained_about, history_to("closed")) == ()


def test_a_person_complained_about_who_closes_the_complaint_is_major(run: Run, then: Then) -> None:
    events = then(then(history_to("responded"), "accept"), "close", actor="agent:zed")
    (finding,) = run(handler_not_complained_about, events)
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.message == (
        "agent:zed is named in the complaint but took part in handling it (closed)"
    )
    assert [ref.version for ref in finding.evidence] == [8]


def test_their_own_account_in_a_note_is_not_handling(run: Run, then: Then) -> None:
    events = then(history_to("investigating"), "add_note", actor="agent:zed")
    assert run(handler_not_complained_about, events) == ()


def test_appointing_them_owner_in_an_imported_history_is_caught(run: Run, then: Then) -> None:
    # The desk refuses this assignment; an import that bypassed it is still checked.
    events = then(history_to("acknowledged"), "assign", assignee="agent:zed")
    (finding,) = run(handler_not_complained_about, events)
    assert "(assigned)" in finding.message


@given(histories(max_events=10))
def test_a_finding_exactly_when_someone_named_acts_other_than_by_note(
    events: tuple[Event, ...],
) -> None:
    complaint = replay(events)
    named = set(complaint.persons_complained_about)
    acted = any(e.actor in named for e in events[1:] if not isinstance(e, NoteAdded))
    findings = handler_not_complained_about(
        complaint, events, CheckContext(at=complaint.last_event_at)
    )
    assert bool(findings) == acted
    assert isinstance(events[0], Received)


# --- objectivity: four eyes on large redress ------------------------------------------------


def test_redress_above_the_limit_needs_a_second_approver(run: Run, then: Then) -> None:
    (finding,) = run(four_eyes_redress, decided(then, "250.00"), four_eyes_above=LIMIT)
    assert finding.message == (
        "redress of GBP 250.00 is above the four-eyes limit of GBP 100.00 but no second "
        "person approved it"
    )
    assert [str(ref) for ref in finding.evidence] == ["event 5 decision_made"]


def test_approval_by_the_decision_maker_is_not_a_second_pair_of_eyes(run: Run, then: Then) -> None:
    events = decided(then, "250.00", approved_by="agent:bo")  # agent:bo decides
    (finding,) = run(four_eyes_redress, events, four_eyes_above=LIMIT)
    assert "approved by agent:bo, who made it" in finding.message


def test_approval_by_someone_else_satisfies_four_eyes(run: Run, then: Then) -> None:
    events = decided(then, "250.00", approved_by="lead:kim")
    assert run(four_eyes_redress, events, four_eyes_above=LIMIT) == ()


def test_redress_at_the_limit_or_in_another_currency_needs_no_approver(
    run: Run, then: Then
) -> None:
    assert run(four_eyes_redress, decided(then, "100.00"), four_eyes_above=LIMIT) == ()
    euros = (Money(Decimal("10"), "EUR"),)
    assert run(four_eyes_redress, decided(then, "250.00"), four_eyes_above=euros) == ()


def test_without_a_limit_there_is_no_four_eyes_rule(run: Run, then: Then) -> None:
    assert run(four_eyes_redress, decided(then, "1000000.00")) == ()


# --- charges -------------------------------------------------------------------------------


def test_a_complaint_handled_free_of_charge_passes(run: Run) -> None:
    assert run(free_of_charge, history_to("closed")) == ()


def test_any_charge_to_the_complainant_is_major(run: Run, then: Then) -> None:  # ISO 10002 4.8
    events = then(history_to("acknowledged"), "record_charge")
    (finding,) = run(free_of_charge, events)
    assert finding.severity is FindingSeverity.MAJOR
    assert "charged (GBP 10.00 for copy of call recordings)" in finding.message
    assert [str(ref) for ref in finding.evidence] == ["event 3 charge_recorded"]
