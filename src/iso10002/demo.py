"""A simulated quarter of complaints, end to end through the desk.

:func:`simulate` drives a :class:`~iso10002.desk.ComplaintsDesk` with a seeded generator:
complaints arrive on weekdays and weekends at plausible hours, are acknowledged, assessed,
investigated, decided and closed (or withdrawn, escalated, referred to an ombudsman,
reopened) by a small team working business hours, with every step dated on a shared manual
clock. The desk runs the FCA DISP standard SLA preset on an England and Wales calendar (the
simulated firm is a UK bank), so the summary can report SLA breaches per target. The same
seed always gives the same quarter.

Examples:
    >>> from iso10002.storage import InMemoryStore
    >>> store = InMemoryStore()
    >>> result = simulate(store, complaints=20, seed=7)
    >>> result.received, store.count()
    (20, 20)
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import attrs

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk, DeskPolicy
from iso10002.errors import TransitionNotAllowed
from iso10002.model import (
    ActionKind,
    Channel,
    Classification,
    Complainant,
    Complaint,
    Complexity,
    ContactDetails,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RedressKind,
    RemedyKind,
    RemedyRequest,
    RootCause,
    Severity,
    Vulnerability,
)
from iso10002.sla import BusinessCalendar, SlaPolicy, TargetState, presets
from iso10002.storage.protocol import ComplaintStore

__all__ = [
    "Quarter",
    "SimulationResult",
    "demo_policy",
    "simulate",
    "summarize",
    "summary_data",
]

_PRODUCTS = {
    "current account": ("fees", "overdraft", "account closure"),
    "credit card": ("interest", "fraud", "statement"),
    "mortgage": ("arrears", "rate switch", "payment"),
    "savings": ("interest", "access"),
    "insurance": ("claim handling", "renewal price"),
}
_ROOT_CAUSES = (
    ("process", "step skipped in the procedure"),
    ("system", "batch job failure"),
    ("people", "wrong information given"),
    ("communication", "letter unclear"),
    ("third party", "supplier delay"),
)
_TEAM = ("agent:amira", "agent:ben", "agent:chloe", "agent:dev", "agent:eve")
_LEADS = ("lead:farah", "lead:george")
_STREETS = ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane")
_TOWNS = ("Leeds", "Bristol", "Norwich", "Exeter", "York", "Cardiff")
_FIRST = ("Alex", "Sam", "Priya", "Tom", "Grace", "Mohammed", "Li", "Olu", "Ines", "Ruth")
_LAST = ("Smith", "Jones", "Khan", "Brown", "Taylor", "Okafor", "Wilson", "Evans", "Chen")


@attrs.frozen
class Quarter:
    """A calendar quarter, such as 2026 Q3.

    Examples:
        >>> Quarter.parse("2026Q3").start.isoformat()
        '2026-07-01T00:00:00+00:00'
    """

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``"2026Q3"`` (or ``"2026-Q3"``)."""
        year, _, number = text.upper().replace("-", "").partition("Q")
        if not (year.isdigit() and number in {"1", "2", "3", "4"}):
            raise ValueError(f"{text!r} is not a quarter such as 2026Q3")
        return cls(int(year), int(number))

    @property
    def start(self) -> datetime:
        """Midnight UTC on the quarter's first day."""
        return datetime(self.year, 3 * self.number - 2, 1, tzinfo=timezone.utc)

    @property
    def end(self) -> datetime:
        """Midnight UTC on the day after the quarter's last day."""
        if self.number == 4:
            return datetime(self.year + 1, 1, 1, tzinfo=timezone.utc)
        return datetime(self.year, 3 * self.number + 1, 1, tzinfo=timezone.utc)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"


@attrs.frozen
class SimulationResult:
    """What :func:`simulate` did: how many complaints and steps, and which were refused."""

    received: int
    steps: int
    refused: int
    example_id: str | None


Step = Callable[[ComplaintsDesk, str], object]


def demo_policy() -> SlaPolicy:
    """The simulated UK bank's SLA policy: FCA DISP, standard complaints, England and Wales.

    Examples:
        >>> demo_policy().calendar.holiday_label
        'bank holidays in England'
    """
    return presets.get("fca.disp.standard", nation="ENG")


# Who works business hours: the complaints team does, complainants and the survey robot
# do not.
_OUT_OF_HOURS = frozenset(
    {"withdraw", "record_rejection", "record_acceptance", "offer_survey", "record_satisfaction"}
)


class _Script:
    """The planned life of one complaint: steps at instants, drawn from one RNG."""

    def __init__(
        self, rng: random.Random, received_at: datetime, calendar: BusinessCalendar
    ) -> None:
        self.rng = rng
        self.at = received_at
        self.calendar = calendar
        self.steps: list[tuple[datetime, str, Step]] = []
        self.handler = rng.choice(_TEAM)

    def after(self, low_hours: float, high_hours: float, name: str, step: Step) -> None:
        self.at += timedelta(hours=self.rng.uniform(low_hours, high_hours))
        if name not in _OUT_OF_HOURS and not self.calendar.is_open(self.at):
            # The team picks the work up some time after it next opens, not at 02:11.
            opening = self.calendar.next_open(self.at)
            self.at = self.calendar.add(opening, timedelta(minutes=self.rng.uniform(5, 150)))
        self.steps.append((self.at, name, step))


def _complainant(rng: random.Random) -> Complainant:
    name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    vulnerable = rng.random() < 0.12
    return Complainant(
        name=name,
        contact=ContactDetails(
            email=f"{name.lower().replace(' ', '.')}@example.org",
            phone=f"07700 900{rng.randrange(1000):03d}",  # Ofcom's range for drama
            postal_address=f"{rng.randrange(1, 200)} {rng.choice(_STREETS)}, {rng.choice(_TOWNS)}",
        ),
        preferred_contact=rng.choice((ContactMethod.EMAIL, ContactMethod.PHONE)),
        vulnerability=Vulnerability(
            identified=vulnerable, caused_by_failure=vulnerable and rng.random() < 0.3
        ),
    )


def _arrival(rng: random.Random, quarter: Quarter) -> datetime:
    days = (quarter.end - quarter.start).days
    day = quarter.start.date() + timedelta(days=rng.randrange(days))
    weekend = day.weekday() >= 5
    if weekend and rng.random() < 0.6:  # fewer complaints at weekends
        day += timedelta(days=7 - day.weekday())
        if day >= quarter.end.date():
            day -= timedelta(days=7)
    hour = rng.choices(
        range(24),
        weights=[1, 1, 1, 1, 1, 1, 2, 4, 8, 10, 10, 9, 8, 9, 10, 10, 9, 7, 5, 4, 3, 3, 2, 1],
    )[0]
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=timezone.utc)


def _plan(
    rng: random.Random, complaint_id: str, received_at: datetime, calendar: BusinessCalendar
) -> _Script:
    script = _Script(rng, received_at, calendar)
    handler = script.handler
    lead = rng.choice(_LEADS)
    product = rng.choice(sorted(_PRODUCTS))
    category = rng.choice(_PRODUCTS[product])
    quick = rng.random() < 0.35  # resolved within a few days

    script.after(
        0.2,
        30 if rng.random() < 0.9 else 120,
        "acknowledge",
        lambda d, i: d.acknowledge(
            i, actor=handler, method=ContactMethod.EMAIL, message="We have your complaint."
        ),
    )
    # Triage names an owner at once (ISO 10002 4.12: every complaint has someone accountable).
    script.after(0.1, 2, "assign", lambda d, i: d.assign(i, actor=lead, assignee=handler))
    if rng.random() < 0.04:
        script.after(
            24,
            200,
            "withdraw",
            lambda d, i: d.withdraw(i, actor="complainant", reason="No longer needed"),
        )
        return script
    severity = rng.choices(list(Severity), weights=(40, 40, 15, 5))[0]
    script.after(
        0.5,
        24,
        "assess",
        lambda d, i: d.assess(
            i,
            actor=handler,
            severity=severity,
            complexity=Complexity.SIMPLE if quick else rng.choice(list(Complexity)),
            impact=rng.choice(list(Impact)),
            category=category,
        ),
    )
    script.after(
        0.1, 8, "start_investigation", lambda d, i: d.start_investigation(i, actor=handler)
    )
    for _ in range(0 if quick else rng.choice((0, 1, 1, 2, 3))):
        script.after(
            72,
            300,
            "record_progress",
            lambda d, i: d.record_progress(
                i,
                actor=handler,
                method=ContactMethod.EMAIL,
                message="Still looking into this; next update soon.",
            ),
        )
    outcome = rng.choices(list(Outcome)[:4], weights=(35, 20, 35, 10))[0]
    redress = None
    if outcome.is_upheld:
        amount = Decimal(rng.choice((10, 25, 50, 75, 100, 150, 250, 500)))
        redress = Redress(
            Money(amount, "GBP"), rng.choice((RedressKind.COMPENSATION, RedressKind.REFUND))
        )
    slow = rng.random() < 0.08  # a few run past the regulator's deadline
    script.after(
        2 if quick else 48,
        30 if quick else (1500 if slow else 600),
        "decide",
        lambda d, i: d.decide(
            i,
            actor=handler,
            outcome=outcome,
            reasons="Findings of the investigation, explained in full.",
            redress=redress,
            approved_by=lead if redress and redress.amount.amount >= 250 else None,
        ),
    )
    script.after(
        0.5,
        20,
        "communicate_decision",
        lambda d, i: d.communicate_decision(
            i, actor=handler, method=ContactMethod.EMAIL, recourse_explained=True
        ),
    )
    cause = RootCause(*rng.choice(_ROOT_CAUSES))
    script.after(
        1,
        48,
        "record_root_cause",
        lambda d, i: d.record_root_cause(i, actor=handler, root_cause=cause),
    )
    reply = rng.random()
    if reply < 0.12:
        script.after(
            24,
            200,
            "record_rejection",
            lambda d, i: d.record_rejection(i, actor="complainant", reason="Not enough"),
        )
        if rng.random() < 0.5:
            script.after(
                2,
                48,
                "refer_externally",
                lambda d, i: d.refer_externally(
                    i, actor=handler, body="Financial Ombudsman Service"
                ),
            )
            script.after(
                500,
                2000,
                "close",
                lambda d, i: d.close(i, actor=lead, summary="Ombudsman decided."),
            )
            return script
        script.after(
            1,
            24,
            "escalate",
            lambda d, i: d.escalate(i, actor=handler, reason="Complainant rejected", to=lead),
        )
        script.after(
            24,
            240,
            "decide",
            lambda d, i: d.decide(
                i,
                actor=lead,
                outcome=Outcome.PARTIALLY_UPHELD,
                reasons="On review, part of the complaint stands.",
                redress=Redress(Money(Decimal(50), "GBP"), RedressKind.GOODWILL),
            ),
        )
        script.after(
            0.5,
            20,
            "communicate_decision",
            lambda d, i: d.communicate_decision(
                i, actor=lead, method=ContactMethod.LETTER, recourse_explained=True
            ),
        )
    elif reply < 0.75:
        script.after(
            2, 120, "record_acceptance", lambda d, i: d.record_acceptance(i, actor="complainant")
        )
    if redress is not None:
        script.after(
            1,
            72,
            "complete_action",
            lambda d, i: d.complete_action(
                i, actor=handler, description="Redress paid", kind=ActionKind.REMEDY
            ),
        )
    script.after(1, 72, "close", lambda d, i: d.close(i, actor=handler))
    script.after(
        0.1,
        24,
        "offer_survey",
        lambda d, i: d.offer_survey(i, actor="system", method=ContactMethod.EMAIL),
    )
    if rng.random() < 0.45:
        score = rng.choices((1, 2, 3, 4, 5), weights=(8, 10, 20, 35, 27))[0]
        script.after(
            12,
            200,
            "record_satisfaction",
            lambda d, i: d.record_satisfaction(i, actor="complainant", score=score),
        )
    if rng.random() < 0.03:
        script.after(
            48,
            400,
            "reopen",
            lambda d, i: d.reopen(i, actor=handler, reason="Redress not received"),
        )
        script.after(
            2,
            48,
            "decide",
            lambda d, i: d.decide(
                i,
                actor=handler,
                outcome=Outcome.UPHELD,
                reasons="Payment failed; now made.",
                redress=Redress(Money(Decimal(30), "GBP"), RedressKind.INTEREST),
            ),
        )
        script.after(
            0.5,
            10,
            "communicate_decision",
            lambda d, i: d.communicate_decision(
                i, actor=handler, method=ContactMethod.PHONE, recourse_explained=True
            ),
        )
        script.after(1, 48, "close", lambda d, i: d.close(i, actor=handler))
    return script


def _timeline(rng: random.Random, quarter: Quarter, complaints: int) -> list[tuple[datetime, int]]:
    """Arrival instants, each with the seed of its complaint's own generator."""
    arrivals = sorted(_arrival(rng, quarter) for _ in range(complaints))
    return [(at, rng.getrandbits(64)) for at in arrivals]


def simulate(
    store: ComplaintStore,
    *,
    complaints: int = 600,
    seed: int = 2026,
    quarter: Quarter = Quarter(2026, 3),
    policy: DeskPolicy | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Run ``complaints`` complaints received during ``quarter`` through a desk on ``store``.

    Work stops at the end of the quarter, so complaints received late are still open, as
    in any real backlog. ``policy`` defaults to :func:`demo_policy`; the team works the
    business hours of its calendar (of the demo policy's, when ``policy`` has none).
    ``progress(done, total)`` is called as receipts are processed.

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> simulate(InMemoryStore(), complaints=5, seed=1).refused
        0
    """
    if complaints < 1:
        raise ValueError("simulate at least one complaint")
    rng = random.Random(seed)
    if policy is None:
        policy = demo_policy()
    calendar = policy.calendar if isinstance(policy, SlaPolicy) else demo_policy().calendar
    clock = ManualClock(quarter.start)
    next_id = (f"CMP-{quarter.year}-{n:05d}" for n in range(1, complaints + 1))
    desk = ComplaintsDesk(store, policy, clock, id_factory=lambda: next(next_id))
    # (when, tie-breaker, complaint id or receipt seed, step or None for a receipt)
    queue: list[tuple[datetime, int, str, Step | None]] = [
        (at, order, str(child_seed), None)
        for order, (at, child_seed) in enumerate(_timeline(rng, quarter, complaints))
    ]
    order = len(queue)
    received = steps = refused = 0
    example: str | None = None
    while queue:
        at, _, key, step = heapq.heappop(queue)
        if at >= quarter.end:
            break
        clock.set(at)
        if step is None:
            child = random.Random(int(key))
            complaint = _receive(desk, child)
            received += 1
            example = example or complaint.id
            for when, _name, planned in _plan(child, complaint.id, at, calendar).steps:
                heapq.heappush(queue, (when, order, complaint.id, planned))
                order += 1
            if progress is not None:
                progress(received, complaints)
            continue
        try:
            step(desk, key)
            steps += 1
        except TransitionNotAllowed:
            refused += 1
    return SimulationResult(received=received, steps=steps, refused=refused, example_id=example)


def _receive(desk: ComplaintsDesk, rng: random.Random) -> Complaint:
    product = rng.choice(sorted(_PRODUCTS))
    remedy = rng.choice(list(RemedyKind))
    return desk.receive(
        actor=rng.choice(_TEAM),
        channel=rng.choices(list(Channel), weights=(30, 30, 25, 5, 3, 4, 2, 1, 0, 0))[0],
        complainant=_complainant(rng),
        description=f"Problem with my {product}: {rng.choice(_PRODUCTS[product])}.",
        classification=Classification(product=product),
        remedy_requested=RemedyRequest(kinds=(remedy,)),
    )


def _hours(delta: timedelta) -> float:
    return delta.total_seconds() / 3600


def _spread(values: list[float]) -> dict[str, float] | None:
    """Median, 90th percentile and longest of ``values`` (``None`` when there are none)."""
    if not values:
        return None
    ordered = sorted(values)
    return {
        "median": ordered[len(ordered) // 2],
        "p90": ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))],
        "longest": ordered[-1],
    }


def _rounded(spread: dict[str, float] | None) -> dict[str, float] | None:
    return None if spread is None else {k: round(v, 2) for k, v in spread.items()}


def _describe(spread: dict[str, float] | None, unit: str) -> str:
    if spread is None:
        return "none yet"
    return (
        f"median {spread['median']:.1f} {unit}, 90th percentile {spread['p90']:.1f} {unit}, "
        f"longest {spread['longest']:.1f} {unit}"
    )


def _sla_counts(
    complaints: list[Complaint], policy: SlaPolicy, at: datetime
) -> dict[str, dict[TargetState, int]]:
    """SLA states per target at ``at``: how many met, breached, at risk, pending, n/a."""
    counts: dict[str, dict[TargetState, int]] = {}
    for c in complaints:
        for status in policy.evaluate(c, at, explain=False).targets:
            row = counts.setdefault(status.name, dict.fromkeys(TargetState, 0))
            row[status.state] += 1
    return counts


def _sla_lines(
    counts: dict[str, dict[TargetState, int]], policy: SlaPolicy, at: datetime
) -> list[str]:
    label = policy.calendar.holiday_label
    lines = [
        f"SLA ({policy.name}, {label}) at {policy.calendar.local(at):%d %b %Y %H:%M}:",
        f"  {'target':<20}{'met':>7}{'breached':>10}{'at risk':>9}{'pending':>9}{'n/a':>7}",
    ]
    for name, row in counts.items():
        lines.append(
            f"  {name:<20}{row[TargetState.MET]:>7,}{row[TargetState.BREACHED]:>10,}"
            f"{row[TargetState.AT_RISK]:>9,}{row[TargetState.PENDING]:>9,}"
            f"{row[TargetState.NOT_APPLICABLE]:>7,}"
        )
    breached = sum(r[TargetState.BREACHED] for r in counts.values())
    lines.append(f"  {breached:,} breaches in all")
    return lines


@attrs.frozen
class _Tally:
    """What the summary counts, computed once for the text and the JSON forms."""

    complaints: list[Complaint]
    states: dict[str, int]
    outcomes: dict[str, int]
    acknowledgement_hours: dict[str, float] | None
    acknowledgement_business_hours: dict[str, float] | None
    final_response_days: dict[str, float] | None
    sla: dict[str, dict[TargetState, int]]


def _tally(store: ComplaintStore, policy: SlaPolicy, quarter: Quarter) -> _Tally:
    complaints = list(store.find())
    states: dict[str, int] = {}
    outcomes: dict[str, int] = {}
    ack_hours: list[float] = []
    ack_business: list[float] = []
    response_days: list[float] = []
    for c in complaints:
        states[c.state.value] = states.get(c.state.value, 0) + 1
        if c.acknowledged_at is not None:
            ack_hours.append(_hours(c.acknowledged_at - c.received_at))
            ack_business.append(_hours(policy.calendar.between(c.received_at, c.acknowledged_at)))
        if c.final_response_at is not None:
            response_days.append(_hours(c.final_response_at - c.received_at) / 24)
        if c.outcome is not None:
            outcomes[c.outcome.value] = outcomes.get(c.outcome.value, 0) + 1
    return _Tally(
        complaints=complaints,
        states=dict(sorted(states.items(), key=lambda kv: -kv[1])),
        outcomes=dict(sorted(outcomes.items())),
        acknowledgement_hours=_spread(ack_hours),
        acknowledgement_business_hours=_spread(ack_business),
        final_response_days=_spread(response_days),
        sla=_sla_counts(complaints, policy, quarter.end),
    )


def summarize(
    store: ComplaintStore,
    result: SimulationResult,
    quarter: Quarter,
    policy: SlaPolicy | None = None,
) -> str:
    """A readable account of a simulated quarter: states, times, outcomes, SLA breaches per
    target (by ``policy``, default :func:`demo_policy`) and one complaint's path.

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> store = InMemoryStore()
        >>> text = summarize(store, simulate(store, complaints=10, seed=3), Quarter(2026, 3))
        >>> "Complaints by state" in text
        True
    """
    sla = policy if policy is not None else demo_policy()
    tally = _tally(store, sla, quarter)
    lines = [
        f"{result.received:,} complaints received in {quarter}, {result.steps:,} further steps "
        f"recorded, {result.refused} refused by the lifecycle.",
        "",
        "Complaints by state:",
        *(f"  {state:<14}{count:>6,}" for state, count in tally.states.items()),
        "",
        f"Acknowledgement: {_describe(tally.acknowledgement_hours, 'hours')}",
        f"  in business hours: {_describe(tally.acknowledgement_business_hours, 'hours')}",
        f"Final response:  {_describe(tally.final_response_days, 'days')}",
        "Outcomes: " + ", ".join(f"{name} {count:,}" for name, count in tally.outcomes.items()),
        "",
        *_sla_lines(tally.sla, sla, quarter.end),
    ]
    if result.example_id is not None:
        zone = sla.calendar.zone
        lines += ["", f"One complaint, step by step ({result.example_id}; {zone} time):"]
        for event in store.history(result.example_id):
            local = sla.calendar.local(event.at)
            lines.append(f"  {local:%a %d %b %Y %H:%M}  {event.event_type:<22} by {event.actor}")
    return "\n".join(lines)


def summary_data(
    store: ComplaintStore,
    result: SimulationResult,
    quarter: Quarter,
    policy: SlaPolicy | None = None,
) -> dict[str, object]:
    """What :func:`summarize` tells, as plain data for JSON (``iso10002 demo --json``).

    Times are spreads (``median``, ``p90``, ``longest``; ``None`` when nothing to measure),
    SLA counts are per target and state at the end of the quarter, instants are ISO 8601.

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> store = InMemoryStore()
        >>> data = summary_data(store, simulate(store, complaints=10, seed=3), Quarter(2026, 3))
        >>> data["quarter"], data["received"], sum(data["states"].values())
        ('2026Q3', 10, 10)
        >>> sorted(data["sla"]["targets"]["acknowledge"])
        ['at_risk', 'breached', 'met', 'not_applicable', 'pending']
    """
    sla = policy if policy is not None else demo_policy()
    tally = _tally(store, sla, quarter)
    example: dict[str, object] | None = None
    if result.example_id is not None:
        example = {
            "id": result.example_id,
            "steps": [
                {"at": e.at.isoformat(), "event": e.event_type, "actor": e.actor}
                for e in store.history(result.example_id)
            ],
        }
    return {
        "quarter": str(quarter),
        "received": result.received,
        "steps": result.steps,
        "refused": result.refused,
        "states": tally.states,
        "outcomes": tally.outcomes,
        "acknowledgement_hours": _rounded(tally.acknowledgement_hours),
        "acknowledgement_business_hours": _rounded(tally.acknowledgement_business_hours),
        "final_response_days": _rounded(tally.final_response_days),
        "sla": {
            "policy": sla.name,
            "at": quarter.end.isoformat(),
            "targets": {
                name: {state.value: count for state, count in row.items()}
                for name, row in tally.sla.items()
            },
            "breaches": sum(r[TargetState.BREACHED] for r in tally.sla.values()),
        },
        "example": example,
    }
