"""SLA policies: target selection, states, explanations and the desk's use of them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk, DeskPolicy
from iso10002.errors import ConfigurationError, TransitionNotAllowed, ValidationError
from iso10002.events import Event
from iso10002.lifecycle import LifecycleRules
from iso10002.model import (
    Classification,
    Complaint,
    Complexity,
    ContactMethod,
    Impact,
    Severity,
)
from iso10002.replay import apply, replay
from iso10002.sla import (
    Applies,
    BusinessTime,
    ClockKind,
    CloseOfBusinessDay,
    Milestone,
    SlaPolicy,
    Stage,
    Target,
    TargetState,
    Years,
    presets,
)
from iso10002.sla.policy import span_words
from iso10002.storage import ComplaintQuery, InMemoryStore
from iso10002.testing.builders import event_for, received
from iso10002.testing.strategies import histories
from sla.support import ENGLAND, PLAIN_LONDON, london

H = timedelta(hours=1)
RECEIVED = london(2026, 1, 5, 10)  # a Monday
FCA = presets.get("fca.disp.standard")


def complaint(*steps: tuple[str, datetime], **fields: object) -> Complaint:
    """A complaint received at RECEIVED, then the named lifecycle events at the instants."""
    c = replay([received(at=RECEIVED, **fields)])
    for name, at in steps:
        extra = {"expected_by": at + timedelta(days=14)} if name == "send_holding_response" else {}
        c = apply(c, [event_for(c, name, at=at, **extra)])
    return c


def internal(**kwargs: object) -> SlaPolicy:
    return SlaPolicy(
        "internal",
        PLAIN_LONDON,
        (
            Target("acknowledge", Stage.ACKNOWLEDGE, BusinessTime(hours=8)),
            Target("final_response", Stage.FINAL_RESPONSE, CloseOfBusinessDay(10)),
        ),
        **kwargs,  # type: ignore[arg-type]
    )


# --- states ------------------------------------------------------------------------------


def test_a_target_not_yet_due_is_pending_with_the_time_left() -> None:
    status = internal().evaluate(complaint(), RECEIVED + 2 * H).get("acknowledge")
    assert status is not None
    assert status.state is TargetState.PENDING
    assert status.due == london(2026, 1, 6, 10)
    assert status.remaining == 6 * H
    assert status.share_used == pytest.approx(0.25)


def test_a_target_is_at_risk_once_most_of_its_budget_is_used() -> None:
    status = internal().evaluate(complaint(), london(2026, 1, 6, 9)).get("acknowledge")
    assert status is not None
    assert status.state is TargetState.AT_RISK
    assert "at risk: 88% of the time used, 1 business hour left" in status.explanation


def test_the_at_risk_share_is_configurable() -> None:
    status = (
        internal(at_risk_share=0.2).evaluate(complaint(), RECEIVED + 2 * H).get(Stage.ACKNOWLEDGE)
    )
    assert status is not None
    assert status.state is TargetState.AT_RISK


def test_a_target_met_in_time_is_met() -> None:
    c = complaint(("acknowledge", RECEIVED + 3 * H))
    status = internal().evaluate(c, RECEIVED + 5 * H).get("acknowledge")
    assert status is not None
    assert (status.state, status.met_at, status.remaining) == (
        TargetState.MET,
        RECEIVED + 3 * H,
        None,
    )


def test_a_target_met_late_is_breached() -> None:
    c = complaint(("acknowledge", london(2026, 1, 6, 12)))
    status = internal().evaluate(c, london(2026, 1, 7)).get("acknowledge")
    assert status is not None
    assert status.state is TargetState.BREACHED
    assert status.met_at == london(2026, 1, 6, 12)
    assert (
        "met late, Tue 6 Jan 2026 12:00, 2 business hours after the deadline" in status.explanation
    )


def test_a_missed_target_is_breached_with_negative_time_left() -> None:
    ev = internal().evaluate(complaint(), london(2026, 1, 6, 12))
    status = ev.get("acknowledge")
    assert status is not None
    assert status.state is TargetState.BREACHED
    assert status.remaining == -2 * H
    assert ev.breached == (status,)


def test_facts_after_the_instant_are_not_known_yet() -> None:
    c = complaint(("acknowledge", RECEIVED + 3 * H))
    status = internal().evaluate(c, RECEIVED + H).get("acknowledge")
    assert status is not None
    assert status.state is TargetState.PENDING


def test_a_withdrawn_complaint_no_longer_needs_its_response() -> None:
    c = complaint(("acknowledge", RECEIVED + H), ("withdraw", RECEIVED + 2 * H))
    status = internal().evaluate(c, london(2026, 3, 1)).get("final_response")
    assert status is not None
    assert status.state is TargetState.NOT_APPLICABLE


def test_next_due_is_the_earliest_unmet_deadline_overdue_included() -> None:
    policy = internal()
    assert policy.next_due(complaint(), RECEIVED) == london(2026, 1, 6, 10)
    assert policy.next_due(complaint(), london(2026, 1, 9)) == london(2026, 1, 6, 10)
    acknowledged = complaint(("acknowledge", RECEIVED + H))
    assert policy.next_due(acknowledged, RECEIVED + 2 * H) == london(2026, 1, 19, 17)


def test_without_explanations_the_text_is_empty() -> None:
    ev = FCA.evaluate(complaint(), RECEIVED, explain=False)
    assert all(s.explanation == "" for s in ev.targets)


def test_a_naive_instant_is_refused() -> None:
    with pytest.raises(ValidationError, match="naive"):
        FCA.evaluate(complaint(), datetime(2026, 1, 5))


# --- selection by type, severity, category -----------------------------------------------


def test_reassessing_the_severity_recalculates_the_targets() -> None:
    policy = presets.get("iso10002.default", calendar=PLAIN_LONDON)
    c = complaint(("acknowledge", RECEIVED + H), ("assess", RECEIVED + 2 * H))
    first = policy.evaluate(c, RECEIVED + 3 * H).get("final_response")
    assert first is not None
    assert first.due == london(2026, 2, 2, 17)  # 20th business day
    critical = apply(
        c,
        [
            event_for(
                c,
                "assess",
                at=RECEIVED + 4 * H,
                severity=Severity.CRITICAL,
                complexity=Complexity.COMPLEX,
                impact=Impact.HIGH,
            )
        ],
    )
    again = policy.evaluate(critical, RECEIVED + 5 * H).get("final_response")
    assert again is not None
    assert again.due == london(2026, 1, 12, 17)  # 5th business day, same history


def test_a_new_complaint_type_switches_regime() -> None:
    policy = presets.get("fca.disp")
    c = complaint(("acknowledge", RECEIVED + H), ("assess", RECEIVED + 2 * H))
    assert policy.evaluate(c, RECEIVED).get("final_response").due == london(2026, 3, 2, 10)  # type: ignore[union-attr]
    psd = apply(c, [event_for(c, "assess", at=RECEIVED + 3 * H, complaint_type="psd_emd")])
    status = policy.evaluate(psd, RECEIVED + 4 * H).get("final_response")
    assert status is not None
    assert status.due == london(2026, 1, 26, 23, 59, 59, 999999)  # 15 business days


def test_targets_can_be_chosen_by_category() -> None:
    fast = Target(
        "final_response",
        Stage.FINAL_RESPONSE,
        CloseOfBusinessDay(2),
        Applies(categories=("fraud",)),
    )
    slow = Target("final_response", Stage.FINAL_RESPONSE, CloseOfBusinessDay(10))
    policy = SlaPolicy("by category", PLAIN_LONDON, (fast, slow))
    fraud = complaint(classification=Classification(product="card", category="fraud"))
    fees = complaint(classification=Classification(product="card", category="fees"))
    assert policy.targets_for(fraud) == (fast,)
    assert policy.targets_for(fees) == (slow,)


def test_targets_sharing_a_name_must_share_a_stage() -> None:
    with pytest.raises(ConfigurationError, match="share one stage"):
        SlaPolicy(
            "bad",
            PLAIN_LONDON,
            (
                Target("x", Stage.ACKNOWLEDGE, CloseOfBusinessDay(1)),
                Target("x", Stage.FINAL_RESPONSE, CloseOfBusinessDay(1)),
            ),
        )


def test_the_at_risk_share_must_be_a_share() -> None:
    with pytest.raises(ConfigurationError, match="at_risk_share"):
        internal(at_risk_share=1.5)


# --- milestones --------------------------------------------------------------------------


def test_a_holding_response_meets_the_fca_eight_weeks() -> None:
    # DISP 1.6.2R(2): a written response explaining the delay and the ombudsman rights.
    c = complaint(
        ("acknowledge", RECEIVED + H),
        ("assess", RECEIVED + 2 * H),
        ("send_holding_response", london(2026, 2, 20)),
    )
    status = FCA.evaluate(c, london(2026, 3, 10)).get("final_response")
    assert status is not None
    assert (status.state, status.met_at) == (TargetState.MET, london(2026, 2, 20))


def test_custom_milestones_meet_a_target() -> None:
    target = Target(
        "closed", Stage.FINAL_RESPONSE, CloseOfBusinessDay(1), met_by=(Milestone.ACKNOWLEDGEMENT,)
    )
    policy = SlaPolicy("custom", PLAIN_LONDON, (target,))
    c = complaint(("acknowledge", RECEIVED + H))
    assert policy.evaluate(c, RECEIVED + 2 * H).targets[0].state is TargetState.MET


def test_an_early_resolution_waives_the_final_response_time_limit() -> None:
    # DISP 1.5.1R: resolved by close of the third business day after receipt.
    c = complaint(
        ("acknowledge", RECEIVED + H),
        ("assess", RECEIVED + 2 * H),
        ("start_investigation", RECEIVED + 3 * H),
        ("decide", RECEIVED + 4 * H),
        ("communicate_decision", RECEIVED + 5 * H),
        ("accept", RECEIVED + 6 * H),
        ("close", london(2026, 1, 7, 12)),
    )
    ev = FCA.evaluate(c, london(2026, 1, 9))
    assert ev.get("early_resolution").state is TargetState.MET  # type: ignore[union-attr]
    assert ev.get("final_response").state is TargetState.NOT_APPLICABLE  # type: ignore[union-attr]
    assert ev.next_due is None


def test_an_unresolved_early_window_hands_over_to_the_standard_limits() -> None:
    status = FCA.evaluate(complaint(("acknowledge", RECEIVED + H)), london(2026, 1, 9)).get(
        "early_resolution"
    )
    assert status is not None
    assert status.state is TargetState.NOT_APPLICABLE
    assert status.explanation.endswith("not resolved by then: the standard time limits apply")


def test_the_referral_window_opens_with_the_final_response() -> None:
    c = complaint(
        ("acknowledge", RECEIVED + H),
        ("assess", RECEIVED + 2 * H),
        ("start_investigation", RECEIVED + 3 * H),
        ("decide", RECEIVED + 4 * H),
        ("communicate_decision", london(2026, 1, 30, 12)),
    )
    before = FCA.evaluate(c, london(2026, 1, 20)).get("referral_window")
    after = FCA.evaluate(c, london(2026, 2, 2)).get("referral_window")
    assert before is not None
    assert after is not None
    assert before.state is TargetState.NOT_APPLICABLE
    assert (after.state, after.due) == (TargetState.PENDING, london(2026, 7, 30, 12))
    referred = apply(c, [event_for(c, "refer_externally", at=london(2026, 3, 1))])
    status = FCA.evaluate(referred, london(2026, 3, 2)).get("referral_window")
    assert status is not None
    assert status.state is TargetState.MET


def test_updates_must_come_at_the_interval() -> None:
    cpc = presets.get("ie.cbi.cpc")
    c = complaint(("acknowledge", RECEIVED + H), ("record_progress", london(2026, 1, 20, 10)))
    pending = cpc.evaluate(c, london(2026, 1, 21)).get("update")
    assert pending is not None
    assert pending.state is TargetState.PENDING
    assert pending.due is not None
    # 20 Irish business days, skipping St Brigid's Day (Mon 2 Feb).
    assert pending.due.date().isoformat() == "2026-02-18"
    late = cpc.evaluate(c, london(2026, 2, 19, 12)).get("update")
    assert late is not None
    assert late.state is TargetState.BREACHED


def test_a_missed_update_stays_a_breach_after_a_later_update() -> None:
    cpc = presets.get("ie.cbi.cpc")
    c = complaint(("acknowledge", RECEIVED + H), ("record_progress", london(2026, 3, 2)))
    status = cpc.evaluate(c, london(2026, 3, 3)).get("update")
    assert status is not None
    assert status.state is TargetState.BREACHED
    assert "an update was due Tue 3 Feb 2026" in status.explanation


def test_retention_is_breached_by_an_early_forced_erasure() -> None:
    c = complaint(("acknowledge", RECEIVED + H), ("redact", RECEIVED + 2 * H))
    status = FCA.evaluate(c, RECEIVED + 3 * H).get("retention")
    assert status is not None
    assert status.state is TargetState.BREACHED
    assert FCA.retain_until(c) == london(2029, 1, 5, 10)


# --- the explanation ---------------------------------------------------------------------


def test_the_explanation_reads_like_the_rule() -> None:
    c = replay([received(at=london(2026, 12, 23, 16, 40))])
    status = FCA.evaluate(c, london(2026, 12, 24, 10)).get("early_resolution")
    assert status is not None
    assert status.explanation.startswith(
        "received Wed 23 Dec 2026 16:40; close of business on the 3rd business day after the "
        "day of receipt, skipping Fri 25 Dec and Mon 28 Dec (bank holidays in England) -> "
        "due Wed 30 Dec 2026 17:00 Europe/London"
    )


def test_time_left_is_told_in_whole_seconds() -> None:
    left = timedelta(minutes=22, seconds=2, microseconds=852_820)
    assert span_words(left, ClockKind.BUSINESS) == "22 business minutes 3 seconds"
    assert span_words(-left, ClockKind.ELAPSED) == "minus 22 minutes 3 seconds"
    assert span_words(timedelta(hours=1, microseconds=400_000), ClockKind.BUSINESS) == (
        "1 business hour"
    )
    assert span_words(timedelta(microseconds=-1), ClockKind.BUSINESS) == "0 business seconds"


def test_an_explanation_in_time_left_has_no_fraction_of_a_second() -> None:
    c = complaint()
    at = RECEIVED + timedelta(hours=2, seconds=7.25)  # 5 h 59 min 52.75 s of the 8 hours left
    status = internal().evaluate(c, at).get("acknowledge")
    assert status is not None
    assert status.explanation.endswith("pending, 5 business hours 59 minutes 53 seconds left")


# --- pauses and the desk -----------------------------------------------------------------


def test_a_preset_is_a_desk_policy() -> None:
    policy: DeskPolicy = FCA
    assert policy.lifecycle_rules.clock_pausable is False


def test_the_desk_refuses_to_pause_a_regulatory_clock() -> None:
    clock = ManualClock(RECEIVED)
    desk = ComplaintsDesk(InMemoryStore(), FCA, clock)
    c = desk.receive(
        actor="agent:ana",
        channel=received().channel,
        complainant=None,
        description="x",
        classification=Classification(product="card"),
    )
    clock.advance(H)
    with pytest.raises(TransitionNotAllowed, match="does not allow its clock to be paused"):
        desk.pause_clock(c.id, actor="agent:ana", reason="waiting")


def test_an_internal_policy_pushes_deadlines_out_while_paused() -> None:
    policy = internal(lifecycle_rules=LifecycleRules(clock_pausable=True))
    clock = ManualClock(RECEIVED)
    desk = ComplaintsDesk(InMemoryStore(), policy, clock)
    c = desk.receive(
        actor="agent:ana",
        channel=received().channel,
        complainant=None,
        description="x",
        classification=Classification(product="card"),
    )
    clock.advance(H)
    desk.pause_clock(c.id, actor="agent:ana", reason="waiting for documents")
    clock.advance(3 * H)
    desk.resume_clock(c.id, actor="agent:ana")
    status = policy.evaluate(desk.get(c.id), clock()).get("acknowledge")
    assert status is not None
    assert status.due == london(2026, 1, 6, 13)
    assert "extended by 3 business hours of pauses" in status.explanation


def test_pauses_recorded_earlier_do_not_count_under_a_regulatory_policy() -> None:
    c = complaint(("pause_clock", RECEIVED + H), ("resume_clock", RECEIVED + 4 * H))
    status = FCA.evaluate(c, RECEIVED + 5 * H).get("acknowledge")
    assert status is not None
    assert status.due == london(2026, 1, 8, 17)
    assert "the 1 recorded pause do not count" in status.explanation


def test_the_overdue_query_finds_complaints_past_their_preset_deadline() -> None:
    clock = ManualClock(RECEIVED)
    store = InMemoryStore()
    desk = ComplaintsDesk(store, FCA, clock)
    c = desk.receive(
        actor="agent:ana",
        channel=received().channel,
        complainant=None,
        description="x",
        classification=Classification(product="card"),
    )
    assert [x.id for x in store.find(ComplaintQuery(overdue_at=london(2026, 1, 9)))] == [c.id]
    clock.advance(H)
    desk.acknowledge(c.id, actor="agent:ana", method=ContactMethod.EMAIL)
    assert list(store.find(ComplaintQuery(overdue_at=london(2026, 1, 9)))) == []
    assert [x.id for x in store.find(ComplaintQuery(overdue_at=london(2026, 3, 3)))] == [c.id]


def test_the_desk_keeps_records_for_the_retention_period() -> None:
    clock = ManualClock(RECEIVED)
    desk = ComplaintsDesk(InMemoryStore(), FCA, clock)
    c = desk.receive(
        actor="agent:ana",
        channel=received().channel,
        complainant=None,
        description="x",
        classification=Classification(product="card"),
    )
    clock.advance(H)
    with pytest.raises(TransitionNotAllowed, match="must be kept until 05 Jan 2029"):
        desk.redact(c.id, actor="dpo:lee", reason="erasure request")


# --- evaluation never raises -------------------------------------------------------------

POLICIES = [presets.get(pid) for pid in presets.ids()] + [
    internal(retention=Years(1)),
    SlaPolicy("outcome-agnostic", ENGLAND, (Target("u", Stage.UPDATE, BusinessTime(hours=4)),)),
]


@given(st.sampled_from(POLICIES), histories(max_events=12))
def test_a_policy_evaluates_every_step_of_every_history(
    policy: SlaPolicy, events: tuple[Event, ...]
) -> None:
    complaint_ = None
    for event in events:
        complaint_ = apply(complaint_, [event])
        for at in (event.at, event.at + timedelta(days=40)):
            ev = policy.evaluate(complaint_, at)
            assert all(s.state in TargetState for s in ev.targets)
            assert all(s.explanation for s in ev.targets)
            due = ev.next_due
            assert due is None or due.tzinfo is not None
            assert policy.next_due(complaint_, at) == due
    assert complaint_ is not None


@given(histories(max_events=12))
def test_every_preset_evaluates_a_finished_history(events: tuple[Event, ...]) -> None:
    complaint_ = replay(events)
    for policy in POLICIES:
        ev = policy.evaluate(complaint_, complaint_.last_event_at)
        assert {s.name for s in ev.targets} == {t.name for t in policy.targets_for(complaint_)} | (
            {"retention"} if policy.retention is not None else set()
        )


def test_an_evaluation_round_trips_through_json() -> None:
    # Host integrations store SLA status columns; remaining time travels as seconds.
    from iso10002.serialization import from_json, to_json
    from iso10002.sla import SlaEvaluation

    c = complaint(("acknowledge", RECEIVED + H))
    ev = FCA.evaluate(c, RECEIVED + 2 * H)
    again = from_json(to_json(ev), SlaEvaluation)
    assert again == ev
    assert again.get("final_response").remaining == ev.get("final_response").remaining  # type: ignore[union-attr]
