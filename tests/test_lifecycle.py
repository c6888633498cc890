"""The lifecycle of ISO 10002 clause 7: transitions, guards, refusals, and the two paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import TransitionNotAllowed
from iso10002.events import Event
from iso10002.lifecycle import (
    TRANSITIONS,
    ComplaintLifecycle,
    LifecycleRules,
    _Slot,
    diagram,
    transition,
)
from iso10002.model import Classification, ComplaintState, Outcome
from iso10002.replay import apply, replay
from iso10002.testing.builders import complaint_in, event_for, received
from iso10002.testing.strategies import events_for, histories

RULES = st.builds(
    LifecycleRules,
    reopen_window=st.none() | st.timedeltas(timedelta(0), timedelta(days=60)),
    clock_pausable=st.booleans(),
)


def refusal(complaint_state: str, event: str, **overrides: object) -> TransitionNotAllowed:
    complaint = complaint_in(complaint_state)
    with pytest.raises(TransitionNotAllowed) as caught:
        transition(complaint, event_for(complaint, event, **overrides))
    return caught.value


def test_the_main_path_follows_clause_7() -> None:
    states = [
        complaint_in(s).state.value
        for s in ("received", "acknowledged", "assessed", "investigating", "responded", "closed")
    ]
    assert states == [
        "received",
        "acknowledged",
        "assessed",
        "investigating",
        "responded",
        "closed",
    ]


def test_refusal_names_the_state_the_event_and_the_reason() -> None:
    error = refusal("received", "close")
    assert (error.state, error.event) == ("received", "close")
    assert "not allowed from this state" in error.reason
    assert str(error).startswith("cannot close while the complaint is 'received'")


def test_acknowledge_comes_before_assess() -> None:  # ISO 10002 7.4, 7.5
    assert refusal("received", "assess").event == "assess"


def test_investigation_needs_a_category() -> None:  # ISO 10002 7.5
    uncategorised = replay([received(classification=Classification(product="loan"))])
    for name in ("acknowledge", "assess"):
        uncategorised = apply(uncategorised, [event_for(uncategorised, name, **_no_category(name))])
    assert uncategorised.classification.category is None
    with pytest.raises(TransitionNotAllowed, match="no category"):
        transition(uncategorised, event_for(uncategorised, "start_investigation"))


def _no_category(event: str) -> dict[str, object]:
    return {"category": None} if event == "assess" else {}


def test_investigator_must_not_be_complained_about() -> None:  # ISO 10002 4.7
    error = refusal("assessed", "start_investigation", investigator="agent:zed")
    assert "objectivity" in error.reason
    assert "agent:zed" in error.reason


def test_owner_must_not_be_complained_about() -> None:  # ISO 10002 4.7
    assert "objectivity" in refusal("investigating", "assign", assignee="agent:zed").reason


def test_decision_needs_reasons() -> None:  # ISO 10002 7.8
    assert "reasons" in refusal("investigating", "decide", reasons="  ").reason


def test_decision_maker_must_not_be_complained_about() -> None:  # ISO 10002 4.7
    assert "decision maker" in refusal("investigating", "decide", actor="agent:zed").reason


def test_withdrawal_is_not_a_decision() -> None:
    assert "withdraw" in refusal("investigating", "decide", outcome=Outcome.WITHDRAWN).reason


def test_a_decision_must_exist_before_it_is_communicated() -> None:  # ISO 10002 7.8
    assert "make a decision first" in refusal("investigating", "communicate_decision").reason


def test_closing_needs_acceptance_or_recourse_explained() -> None:  # ISO 10002 7.9
    complaint = complaint_in("investigating")
    for name, overrides in (
        ("decide", {}),
        ("communicate_decision", {"recourse_explained": False}),
    ):
        complaint = apply(complaint, [event_for(complaint, name, **overrides)])
    with pytest.raises(TransitionNotAllowed, match=r"7\.9"):
        transition(complaint, event_for(complaint, "close"))
    accepted = apply(complaint, [event_for(complaint, "accept")])
    assert transition(accepted, event_for(accepted, "close")) is ComplaintState.CLOSED


def test_reopening_only_within_the_policy_window() -> None:
    closed = complaint_in("closed")
    rules = LifecycleRules(reopen_window=timedelta(days=30))
    late = event_for(closed, "reopen", at=closed.last_event_at + timedelta(days=31))
    with pytest.raises(TransitionNotAllowed, match="reopen window"):
        transition(closed, late, rules)
    soon = event_for(closed, "reopen", at=closed.last_event_at + timedelta(days=30))
    assert transition(closed, soon, rules) is ComplaintState.INVESTIGATING


def test_regulatory_policies_refuse_to_pause_the_clock() -> None:
    complaint = complaint_in("investigating")
    with pytest.raises(TransitionNotAllowed, match="does not allow its clock to be paused"):
        transition(
            complaint, event_for(complaint, "pause_clock"), LifecycleRules(clock_pausable=False)
        )


def test_clock_cannot_pause_twice_or_resume_when_running() -> None:
    complaint = complaint_in("investigating")
    assert "not paused" in refusal("investigating", "resume_clock").reason
    paused = apply(complaint, [event_for(complaint, "pause_clock")])
    with pytest.raises(TransitionNotAllowed, match="already paused"):
        transition(paused, event_for(paused, "pause_clock"))


def test_personal_data_is_erased_once() -> None:
    complaint = complaint_in("closed")
    redacted = apply(complaint, [event_for(complaint, "redact")])
    with pytest.raises(TransitionNotAllowed, match="already been erased"):
        transition(redacted, event_for(redacted, "redact"))


def test_withdrawn_complaints_still_take_notes_erasure_and_charges() -> None:
    complaint = complaint_in("withdrawn")
    allowed = TRANSITIONS.allowed_events(complaint, complaint.last_event_at)
    assert allowed == ("offer_survey", "record_satisfaction", "add_note", "redact", "record_charge")


def test_a_charge_is_recorded_in_every_state_after_receipt() -> None:  # ISO 10002 4.8
    for state in ComplaintState:
        if state is not ComplaintState.NEW:
            assert "record_charge" in TRANSITIONS.events_from(state), state


def test_every_state_can_be_reached_and_left() -> None:
    for state in ComplaintState:
        assert TRANSITIONS.events_from(state), state


def test_table_is_compiled_from_the_class_and_only_from_it() -> None:
    events_in_class = {event.id for event in ComplaintLifecycle.events}
    assert set(TRANSITIONS.events) == events_in_class
    rule = TRANSITIONS.rule(ComplaintState.ASSESSED, "start_investigation")
    assert [c.__name__ for c in rule.conditions] == ["severity_assessed", "category_known"]
    assert [v.__name__ for v in rule.validators] == ["objective_investigator"]


def test_every_event_class_names_a_lifecycle_event() -> None:
    from iso10002.events import EVENT_TYPES

    assert {cls.lifecycle_event for cls in EVENT_TYPES.values()} == set(TRANSITIONS.events)


@given(histories(max_events=15), RULES, st.timedeltas(timedelta(0), timedelta(days=90)))
def test_table_and_machine_agree_on_the_events_allowed(
    events: tuple[Event, ...], rules: LifecycleRules, later: timedelta
) -> None:
    complaint = replay(events)
    at = complaint.last_event_at + later
    machine = ComplaintLifecycle(model=_Slot(complaint.state.value))
    enabled = machine.enabled_events(complaint=complaint, at=at, rules=rules, change=None)
    assert [e.id for e in enabled] == list(TRANSITIONS.allowed_events(complaint, at, rules))


@given(histories(max_events=15), RULES, st.data())
def test_table_and_machine_agree_on_every_proposed_change(
    events: tuple[Event, ...], rules: LifecycleRules, data: st.DataObject
) -> None:
    complaint = replay(events)
    at = complaint.last_event_at + data.draw(st.timedeltas(timedelta(0), timedelta(days=60)))
    name = data.draw(st.sampled_from(TRANSITIONS.events[1:]))  # every event but receive
    change = data.draw(events_for(complaint, name, at))
    outcomes = []
    for path in (TRANSITIONS.check, transition):
        try:
            outcomes.append(path(complaint, change, rules))
        except TransitionNotAllowed as refused:
            outcomes.append((refused.state, refused.event, refused.reason))
    assert outcomes[0] == outcomes[1]


def test_machine_listeners_see_each_interactive_transition() -> None:
    seen: list[tuple[str, str]] = []

    class Audit:
        def after_transition(self, event: str, source: object, target: object) -> None:
            seen.append((event, target.id))  # type: ignore[attr-defined]

    complaint = complaint_in("received")
    transition(complaint, event_for(complaint, "acknowledge"), listeners=[Audit()])
    assert seen == [("acknowledge", "acknowledged")]


def test_diagram_is_generated_from_the_class() -> None:
    mermaid = diagram("mermaid")
    assert mermaid.startswith("stateDiagram-v2")
    assert "closed --> investigating : Reopen [within_reopen_window]" in mermaid
    assert "| Responded     | Close" in diagram("md")
    with pytest.raises(ValueError, match="unknown diagram kind"):
        diagram("png")
