"""The desk: one method per clause 7 use case, each validated and versioned."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import (
    ConcurrencyConflict,
    Iso10002Error,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.events import Event, NoteAdded
from iso10002.lifecycle import LifecycleRules
from iso10002.model import (
    ActionKind,
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintState,
    Complexity,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RootCause,
    Severity,
)
from iso10002.replay import replay
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import START

ACTOR = "agent:ana"


class Policy:
    """A minimal desk policy: what the desk reads, with settable answers."""

    def __init__(
        self,
        rules: LifecycleRules = LifecycleRules(),
        retain: timedelta | None = None,
        due: timedelta | None = None,
    ) -> None:
        self.lifecycle_rules = rules
        self.retain = retain
        self.due = due

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        return None if self.due is None else complaint.received_at + self.due

    def retain_until(self, complaint: Complaint) -> datetime | None:
        return None if self.retain is None else complaint.received_at + self.retain


@pytest.fixture
def clock(manual_clock: ManualClock) -> ManualClock:
    """The testing kit's clock (iso10002.testing.plugin), at START."""
    return manual_clock


@pytest.fixture
def desk(complaints_desk: ComplaintsDesk) -> ComplaintsDesk:
    """The testing kit's desk on an in-memory store, driven by ``clock``."""
    return complaints_desk


def receive(desk: ComplaintsDesk, **overrides: Any) -> Complaint:
    values: dict[str, Any] = {
        "actor": ACTOR,
        "channel": Channel.PHONE,
        "complainant": Complainant(name="Jo Bloggs"),
        "description": "The engineer never came.",
        "classification": Classification(product="broadband", category="service"),
        "persons_complained_about": ("agent:zed",),
    }
    values.update(overrides)
    return desk.receive(**values)


def walk(desk: ComplaintsDesk, clock: ManualClock, *steps: str) -> Complaint:
    """Receive a complaint and take it through ``steps``, an hour apart."""
    complaint = receive(desk)
    for step in steps:
        clock.advance(timedelta(hours=1))
        complaint = USE_CASES[step](desk, complaint.id)
    return complaint


USE_CASES: dict[str, Callable[[ComplaintsDesk, str], Complaint]] = {
    "acknowledge": lambda d, i: d.acknowledge(i, actor=ACTOR, method=ContactMethod.EMAIL),
    "assess": lambda d, i: d.assess(
        i,
        actor=ACTOR,
        severity=Severity.HIGH,
        complexity=Complexity.SIMPLE,
        impact=Impact.HIGH,
    ),
    "assign": lambda d, i: d.assign(i, actor="lead:kim", assignee="agent:bo"),
    "start_investigation": lambda d, i: d.start_investigation(i, actor="agent:bo"),
    "record_progress": lambda d, i: d.record_progress(
        i, actor="agent:bo", method=ContactMethod.PHONE, message="Booked an engineer."
    ),
    "send_holding_response": lambda d, i: d.send_holding_response(
        i,
        actor="agent:bo",
        method=ContactMethod.LETTER,
        reasons="Waiting for the network operator.",
        expected_by=d.clock() + timedelta(days=20),
    ),
    "pause_clock": lambda d, i: d.pause_clock(i, actor="agent:bo", reason="Awaiting photos"),
    "resume_clock": lambda d, i: d.resume_clock(i, actor="agent:bo"),
    "decide": lambda d, i: d.decide(
        i,
        actor="agent:bo",
        outcome=Outcome.PARTIALLY_UPHELD,
        reasons="The visit was missed; the fault was on the customer's side.",
        redress=Redress(Money(Decimal("30.00"), "GBP")),
        approved_by="lead:kim",
    ),
    "communicate_decision": lambda d, i: d.communicate_decision(
        i, actor="agent:bo", method=ContactMethod.EMAIL, recourse_explained=True
    ),
    "record_acceptance": lambda d, i: d.record_acceptance(i, actor="customer"),
    "record_rejection": lambda d, i: d.record_rejection(i, actor="customer", reason="Too little"),
    "escalate": lambda d, i: d.escalate(i, actor="agent:bo", reason="Rejected", to="team lead"),
    "refer_externally": lambda d, i: d.refer_externally(
        i, actor="agent:bo", body="Ombudsman Services", reference="OS-1"
    ),
    "close": lambda d, i: d.close(i, actor="agent:bo", summary="Credit applied."),
    "reopen": lambda d, i: d.reopen(i, actor="agent:bo", reason="Fault came back"),
    "withdraw": lambda d, i: d.withdraw(i, actor="customer", reason="Fixed itself"),
    "record_root_cause": lambda d, i: d.record_root_cause(
        i, actor="agent:bo", root_cause=RootCause("scheduling", "double-booked engineer")
    ),
    "complete_action": lambda d, i: d.complete_action(
        i, actor="agent:bo", description="Scheduling rules fixed", kind=ActionKind.CORRECTIVE
    ),
    "offer_survey": lambda d, i: d.offer_survey(i, actor="system", method=ContactMethod.SMS),
    "record_satisfaction": lambda d, i: d.record_satisfaction(
        i, actor="customer", score=4, comment="Quick once escalated"
    ),
    "add_note": lambda d, i: d.add_note(i, actor="agent:bo", text="Called back, no answer."),
    "record_charge": lambda d, i: d.record_charge(
        i, actor="billing", amount=Money(Decimal("4.50"), "GBP"), reason="copy of the contract"
    ),
    "redact": lambda d, i: d.redact(i, actor="dpo:lee", reason="Erasure request"),
}

FULL_PATH = (
    "acknowledge",
    "assess",
    "assign",
    "start_investigation",
    "record_progress",
    "pause_clock",
    "resume_clock",
    "send_holding_response",
    "decide",
    "communicate_decision",
    "record_rejection",
    "escalate",
    "decide",
    "communicate_decision",
    "record_acceptance",
    "record_root_cause",
    "complete_action",
    "close",
    "offer_survey",
    "record_satisfaction",
    "add_note",
    "record_charge",
    "reopen",
    "withdraw",
    "redact",
)


def test_a_complaint_goes_through_every_use_case(desk: ComplaintsDesk, clock: ManualClock) -> None:
    complaint = walk(desk, clock, *FULL_PATH)
    assert complaint.state is ComplaintState.WITHDRAWN
    assert complaint.version == len(FULL_PATH) + 1
    history = desk.history(complaint.id)
    assert [e.lifecycle_event for e in history] == ["receive", *[_event(s) for s in FULL_PATH]]
    assert desk.store.verify_integrity().ok


def test_a_charge_is_kept_on_the_snapshot(desk: ComplaintsDesk, clock: ManualClock) -> None:
    complaint = walk(desk, clock, "acknowledge", "record_charge")  # ISO 10002 4.8
    assert complaint.charges == (Money(Decimal("4.50"), "GBP"),)


def _event(step: str) -> str:
    return {"record_acceptance": "accept", "record_rejection": "reject"}.get(step, step)


def test_each_use_case_returns_the_new_snapshot_equal_to_the_stored_one(
    desk: ComplaintsDesk, clock: ManualClock
) -> None:
    complaint = receive(desk)
    for step in FULL_PATH:
        clock.advance(timedelta(minutes=5))
        complaint = USE_CASES[step](desk, complaint.id)
        assert complaint == desk.get(complaint.id)
        assert complaint == replay(desk.history(complaint.id))


def test_receive_is_idempotent_with_a_key(desk: ComplaintsDesk) -> None:
    first = receive(desk, idempotency_key="web-form-123")
    again = receive(desk, idempotency_key="web-form-123", description="Posted twice")
    assert again == first
    assert desk.store.count() == 1


def test_receive_assigns_ids_from_the_factory(clock: ManualClock) -> None:
    ids = iter(["CMP-1", "CMP-2"])
    desk = ComplaintsDesk(InMemoryStore(), clock=clock, id_factory=lambda: next(ids))
    assert [receive(desk).id, receive(desk).id] == ["CMP-1", "CMP-2"]


def test_acknowledge_and_assess_in_one_step_records_two_events(desk: ComplaintsDesk) -> None:
    complaint = receive(desk)
    assessed = desk.assess(
        complaint.id,
        actor=ACTOR,
        severity=Severity.LOW,
        complexity=Complexity.SIMPLE,
        impact=Impact.LOW,
        acknowledge_by=ContactMethod.PHONE,
    )
    assert assessed.state is ComplaintState.ASSESSED
    assert [e.event_type for e in desk.history(complaint.id)] == [
        "received",
        "acknowledged",
        "assessed",
    ]


def test_stale_expected_version_is_a_conflict_and_writes_nothing(desk: ComplaintsDesk) -> None:
    complaint = receive(desk)
    desk.add_note(complaint.id, actor=ACTOR, text="first")
    with pytest.raises(ConcurrencyConflict) as caught:
        desk.acknowledge(complaint.id, actor=ACTOR, method=ContactMethod.EMAIL, expected_version=1)
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    assert desk.get(complaint.id).version == 2


def test_events_cannot_be_dated_in_the_future(desk: ComplaintsDesk, clock: ManualClock) -> None:
    complaint = receive(desk)
    with pytest.raises(ValidationError, match="in the future"):
        desk.add_note(complaint.id, actor=ACTOR, text="x", at=clock() + timedelta(seconds=1))


def test_events_may_be_backdated_but_not_before_the_last_one(
    desk: ComplaintsDesk, clock: ManualClock
) -> None:
    clock.advance(timedelta(days=1))
    complaint = receive(desk, at=START)  # keyed in a day after the letter arrived
    assert complaint.received_at == START
    with pytest.raises(ValidationError, match="earlier than"):
        desk.add_note(complaint.id, actor=ACTOR, text="x", at=START - timedelta(minutes=1))


def test_reopen_window_comes_from_the_policy(clock: ManualClock) -> None:
    policy = Policy(rules=LifecycleRules(reopen_window=timedelta(days=7)))
    desk = ComplaintsDesk(InMemoryStore(), policy, clock)
    complaint = walk(
        desk,
        clock,
        "acknowledge",
        "assess",
        "start_investigation",
        "decide",
        "communicate_decision",
        "close",
    )
    clock.advance(timedelta(days=8))
    with pytest.raises(TransitionNotAllowed, match="reopen window"):
        desk.reopen(complaint.id, actor=ACTOR, reason="late")


def test_policy_that_forbids_pauses_refuses_them(clock: ManualClock) -> None:
    desk = ComplaintsDesk(InMemoryStore(), Policy(LifecycleRules(clock_pausable=False)), clock)
    complaint = receive(desk)
    with pytest.raises(TransitionNotAllowed, match="paused"):
        desk.pause_clock(complaint.id, actor=ACTOR, reason="waiting")


def test_erasure_before_retention_needs_force_and_is_recorded_as_forced(
    clock: ManualClock,
) -> None:
    desk = ComplaintsDesk(InMemoryStore(), Policy(retain=timedelta(days=3 * 365)), clock)
    complaint = receive(desk)
    with pytest.raises(TransitionNotAllowed, match="must be kept until"):
        desk.redact(complaint.id, actor="dpo", reason="request")
    erased = desk.redact(complaint.id, actor="dpo", reason="court order", force=True)
    assert erased.complainant is None
    last = desk.history(complaint.id)[-1]
    assert last.event_type == "redacted"
    assert last.forced


def test_next_due_from_the_policy_feeds_the_overdue_query(clock: ManualClock) -> None:
    from iso10002.storage import ComplaintQuery

    store = InMemoryStore()
    desk = ComplaintsDesk(store, Policy(due=timedelta(days=5)), clock)
    complaint = receive(desk)
    overdue = ComplaintQuery(overdue_at=START + timedelta(days=6))
    assert [c.id for c in store.find(overdue)] == [complaint.id]
    assert not list(store.find(ComplaintQuery(overdue_at=START + timedelta(days=4))))


def test_listeners_are_called_for_every_transition(clock: ManualClock) -> None:
    seen: list[str] = []

    class Listener:
        def after_transition(self, event: str, change: Event) -> None:
            seen.append(f"{event}:{change.actor}")

    desk = ComplaintsDesk(InMemoryStore(), clock=clock, listeners=[Listener()])
    walk(desk, clock, "acknowledge")
    assert seen == [f"receive:{ACTOR}", f"acknowledge:{ACTOR}"]


def test_allowed_events_reflect_guards(desk: ComplaintsDesk, clock: ManualClock) -> None:
    complaint = walk(desk, clock, "acknowledge", "assess", "start_investigation")
    assert "communicate_decision" not in desk.allowed_events(complaint.id)
    complaint = USE_CASES["decide"](desk, complaint.id)
    assert "communicate_decision" in desk.allowed_events(complaint.id)


def test_generic_record_validates_a_ready_made_event(
    desk: ComplaintsDesk, clock: ManualClock
) -> None:
    complaint = receive(desk)
    note = NoteAdded(at=clock(), actor=ACTOR, text="from the API")
    assert desk.record(complaint.id, note).notes == 1
    with pytest.raises(ValidationError, match="use receive"):
        desk.record(complaint.id, desk.history(complaint.id)[0])


def test_unknown_complaint_is_not_found(desk: ComplaintsDesk) -> None:
    with pytest.raises(NotFound):
        desk.acknowledge("C-404", actor=ACTOR, method=ContactMethod.EMAIL)


# --- Bad input: every use case refuses with an Iso10002Error and changes nothing -----------

BAD_INPUT: dict[str, Callable[[ComplaintsDesk, str], object]] = {
    "acknowledge": lambda d, i: d.acknowledge(i, actor="", method=ContactMethod.EMAIL),
    "assess": lambda d, i: d.assess(
        i,
        actor=ACTOR,
        severity="high",
        complexity=Complexity.SIMPLE,
        impact=Impact.LOW,  # type: ignore[arg-type]
    ),
    "assign": lambda d, i: d.assign(i, actor=ACTOR, assignee="agent:zed"),
    "start_investigation": lambda d, i: d.start_investigation(i, actor=ACTOR),
    "record_progress": lambda d, i: d.record_progress(
        i, actor=ACTOR, method=ContactMethod.EMAIL, message=" "
    ),
    "send_holding_response": lambda d, i: d.send_holding_response(
        i,
        actor=ACTOR,
        method=ContactMethod.EMAIL,
        reasons="x",
        expected_by=datetime(2026, 1, 1),  # naive
    ),
    "pause_clock": lambda d, i: d.pause_clock(i, actor=ACTOR, reason=""),
    "resume_clock": lambda d, i: d.resume_clock(i, actor=ACTOR),
    "decide": lambda d, i: d.decide(i, actor=ACTOR, outcome=Outcome.UPHELD, reasons="why"),
    "communicate_decision": lambda d, i: d.communicate_decision(
        i, actor=ACTOR, method=ContactMethod.EMAIL, recourse_explained=True
    ),
    "record_acceptance": lambda d, i: d.record_acceptance(i, actor=ACTOR),
    "record_rejection": lambda d, i: d.record_rejection(i, actor=ACTOR),
    "escalate": lambda d, i: d.escalate(i, actor=ACTOR, reason="x", to=""),
    "refer_externally": lambda d, i: d.refer_externally(i, actor=ACTOR, body=""),
    "close": lambda d, i: d.close(i, actor=ACTOR),
    "reopen": lambda d, i: d.reopen(i, actor=ACTOR, reason="again"),
    "withdraw": lambda d, i: d.withdraw(i, actor=ACTOR, at=datetime(2026, 1, 5)),  # naive
    "record_root_cause": lambda d, i: d.record_root_cause(
        i, actor=ACTOR, root_cause=RootCause("x")
    ),
    "complete_action": lambda d, i: d.complete_action(i, actor=ACTOR, description="done"),
    "offer_survey": lambda d, i: d.offer_survey(i, actor=ACTOR, method=ContactMethod.EMAIL),
    "record_satisfaction": lambda d, i: d.record_satisfaction(i, actor=ACTOR, score=9),
    "add_note": lambda d, i: d.add_note(i, actor=ACTOR, text="x" * 100_001),
    "redact": lambda d, i: d.redact(i, actor=ACTOR, reason=""),
    "record_charge": lambda d, i: d.record_charge(
        i, actor=ACTOR, amount=Money(Decimal("0.00"), "GBP"), reason="nothing"
    ),
    "receive": lambda d, i: receive(d, description=""),
}


@pytest.mark.parametrize("use_case", sorted(BAD_INPUT))
def test_bad_input_is_refused_and_leaves_the_store_unchanged(
    desk: ComplaintsDesk, use_case: str
) -> None:
    complaint = receive(desk)
    before = (desk.store.count(), desk.get(complaint.id), desk.history(complaint.id))
    with pytest.raises(Iso10002Error):
        BAD_INPUT[use_case](desk, complaint.id)
    assert (desk.store.count(), desk.get(complaint.id), desk.history(complaint.id)) == before
