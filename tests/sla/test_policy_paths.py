"""SLA evaluation gives the same answers on every path (hypothesis).

Bulk checks evaluate without words (``explain=False``), for some stages only, on a policy
whose compiled plans and per-date deadlines are already warm from other complaints; a
finding's message comes from an explained evaluation. Whatever the path, each target's due
instant, met instant, state, remaining time and share must be the same, and the same as a
plain restatement of the rules on the calendar's public arithmetic. Policies are drawn from
the presets and from a seeded pool of internal policies on random calendars (DST zones,
England's holidays, night shifts), pausable or not.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import attrs
from hypothesis import given
from hypothesis import strategies as st

from iso10002.events import Event
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.sla import (
    BusinessDays,
    BusinessTime,
    CalendarDays,
    ClockKind,
    CloseOfBusinessDay,
    ElapsedTime,
    LaterOf,
    Milestone,
    Months,
    SlaPolicy,
    Stage,
    Target,
    TargetState,
    TargetStatus,
    Weeks,
    Years,
    presets,
)
from iso10002.sla.durations import Duration
from iso10002.testing.strategies import histories, instants
from sla.support import pool

ZONES = ("Europe/London", "Australia/Sydney", "America/New_York", "UTC")


def _duration(rng: random.Random, business_only: bool = False) -> Duration:
    choices: list[Duration] = [
        BusinessTime(hours=rng.randrange(1, 120), minutes=rng.randrange(60)),
        CloseOfBusinessDay(rng.randrange(0, 10)),
        BusinessDays(rng.randrange(1, 40), end_of_day=True),
        BusinessDays(rng.randrange(1, 20)),
    ]
    if not business_only:
        choices += [
            ElapsedTime(hours=rng.randrange(1, 200)),
            Weeks(rng.randrange(1, 9)),
            CalendarDays(rng.randrange(1, 60), end_of_day=rng.random() < 0.5),
            LaterOf(ElapsedTime(hours=24), CloseOfBusinessDay(1)),
        ]
    return rng.choice(choices)


def _internal_policies(count: int, seed: int) -> list[SlaPolicy]:
    rng = random.Random(seed)
    made = []
    for i, calendar in enumerate(pool(ZONES, count, seed=seed, holidays=True)):
        final_met_by = rng.choice([None, (Milestone.FINAL_RESPONSE, Milestone.HOLDING_RESPONSE)])
        targets = [
            Target("acknowledge", Stage.ACKNOWLEDGE, _duration(rng)),
            Target("early_resolution", Stage.EARLY_RESOLUTION, CloseOfBusinessDay(3)),
            Target(
                "final_response",
                Stage.FINAL_RESPONSE,
                _duration(rng),
                met_by=final_met_by,
                waived_by_early_resolution=rng.random() < 0.5,
            ),
            Target(
                "final_response_exceptional",
                Stage.FINAL_RESPONSE,
                BusinessDays(35, end_of_day=True),
                after_holding_response=True,
            ),
            Target("holding_response", Stage.HOLDING_RESPONSE, _duration(rng)),
            Target("update", Stage.UPDATE, _duration(rng, business_only=True)),
            Target("referral_window", Stage.REFERRAL_WINDOW, Months(6)),
        ]
        made.append(
            SlaPolicy(
                f"internal-{i}",
                calendar,
                tuple(t for t in targets if rng.random() < 0.85),
                at_risk_share=rng.choice((0.5, 0.8, 1.0)),
                lifecycle_rules=LifecycleRules(clock_pausable=rng.random() < 0.5),
                retention=Years(3),
            )
        )
    return made


POLICIES = [presets.get(pid) for pid in presets.ids()] + _internal_policies(12, seed=5)
# Received over 2024-2026: DST changes, bank holidays, Christmas and Easter all come up.
RECEIVED = instants(
    datetime(2024, 1, 1, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc)
)


def _facts(status: TargetStatus) -> tuple[object, ...]:
    """Everything of a status but its words."""
    return (
        status.name,
        status.stage,
        status.state,
        status.due,
        None if status.due is None else status.due.utcoffset(),
        status.met_at,
        status.remaining,
        status.share_used,
        status.deadline,
        status.anchor,
        status.rule,
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[SlaPolicy, Complaint, datetime]:
    policy = draw(st.sampled_from(POLICIES))
    events: tuple[Event, ...] = draw(
        histories(max_events=10, rules=policy.lifecycle_rules, start=RECEIVED)
    )
    complaint = replay(events, rules=policy.lifecycle_rules)
    span = complaint.last_event_at - complaint.received_at + timedelta(days=90)
    at = complaint.received_at + draw(st.timedeltas(timedelta(0), span))
    return policy, complaint, at


@given(cases())
def test_evaluating_without_words_gives_the_explained_facts(
    case: tuple[SlaPolicy, Complaint, datetime],
) -> None:
    policy, complaint, at = case
    fast = policy.evaluate(complaint, at, explain=False)
    explained = policy.evaluate(complaint, at)
    assert [_facts(s) for s in fast.targets] == [_facts(s) for s in explained.targets]
    assert all(s.explanation == "" for s in fast.targets)
    assert all(s.explanation for s in explained.targets)


@given(cases())
def test_a_policy_warm_from_other_complaints_answers_as_a_fresh_one(
    case: tuple[SlaPolicy, Complaint, datetime],
) -> None:
    policy, complaint, at = case
    fresh = attrs.evolve(policy)  # new plans: nothing remembered yet
    warm = policy.evaluate(complaint, at, explain=False)
    assert [_facts(s) for s in fresh.evaluate(complaint, at).targets] == [
        _facts(s) for s in warm.targets
    ]


@given(cases())
def test_evaluating_some_stages_gives_those_targets_of_the_whole(
    case: tuple[SlaPolicy, Complaint, datetime],
) -> None:
    policy, complaint, at = case
    whole = {s.name: _facts(s) for s in policy.evaluate(complaint, at).targets}
    for stage in Stage:
        part = policy.evaluate(complaint, at, explain=False, stages=[stage]).targets
        assert all(s.stage is stage for s in part)
        assert {s.name: _facts(s) for s in part} == {
            name: facts for name, facts in whole.items() if facts[1] is stage
        }


def _known(value: datetime | None, at: datetime) -> datetime | None:
    return value if value is not None and value <= at else None


def _restated(policy: SlaPolicy, target: Target, complaint: Complaint, at: datetime) -> tuple:
    """A deadline target judged by the rules written out on the calendar's public API."""
    calendar, duration = policy.calendar, target.duration
    received = complaint.received_at
    due = duration.due(calendar, received)

    def measure(a: datetime, b: datetime) -> timedelta:
        return calendar.between(a, b) if duration.clock is ClockKind.BUSINESS else b - a

    def share(until: datetime) -> float:
        budget = measure(received, due)
        if budget <= timedelta(0):
            return 1.0 if measure(received, until) >= budget else 0.0
        return max(0.0, measure(received, until) / budget)

    facts = {
        Milestone.ACKNOWLEDGEMENT: complaint.acknowledged_at,
        Milestone.HOLDING_RESPONSE: complaint.holding_response_at,
        Milestone.FINAL_RESPONSE: complaint.final_response_at,
        Milestone.CLOSURE: complaint.closed_at,
    }
    met_all = [_known(facts[m], at) for m in target.milestones]
    met = min((m for m in met_all if m is not None), default=None)
    if met is not None:
        state = TargetState.MET if met <= due else TargetState.BREACHED
        return state, due, met, None, share(met)
    ended = [_known(t, at) for t in (complaint.withdrawn_at, complaint.closed_at)]
    stopped = min((t for t in ended if t is not None), default=None)
    if stopped is not None and stopped <= due:
        return TargetState.NOT_APPLICABLE, due, None, None, None
    if at > due:
        return TargetState.BREACHED, due, None, -measure(due, at), share(at)
    used = share(at)
    state = TargetState.AT_RISK if used >= policy.at_risk_share else TargetState.PENDING
    return state, due, None, measure(at, due), used


@given(cases())
def test_deadlines_are_the_rules_restated_on_the_calendar(
    case: tuple[SlaPolicy, Complaint, datetime],
) -> None:
    policy, complaint, at = case
    if complaint.pauses and policy.lifecycle_rules.clock_pausable:
        return  # pauses push deadlines out: the clock's own tests cover them
    evaluation = policy.evaluate(complaint, at, explain=False)
    for target in policy.targets_for(complaint):
        plain = not (target.after_holding_response or target.waived_by_early_resolution)
        deadline = (Stage.ACKNOWLEDGE, Stage.HOLDING_RESPONSE, Stage.FINAL_RESPONSE)
        if target.stage not in deadline or not plain:
            continue
        status = evaluation.get(target.name)
        assert status is not None
        got = (status.state, status.due, status.met_at, status.remaining, status.share_used)
        assert got == _restated(policy, target, complaint, at)
