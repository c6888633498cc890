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
import zlib
from collections.abc import Callable, Iterator
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

import attrs

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk, DeskPolicy
from iso10002.errors import TransitionNotAllowed
from iso10002.metrics.period import Period
from iso10002.metrics.stats import DurationStats
from iso10002.metrics.summary import MetricSummary
from iso10002.metrics.summary import summarize as summarize_metrics
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
from iso10002.sla import BusinessCalendar, SlaPolicy, presets
from iso10002.storage.protocol import ComplaintStore

__all__ = ["SimulationResult", "demo_policy", "simulate", "summarize", "summary_data"]

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
DEMO_QUARTER = Period.quarter(2026, 3)
"""The quarter :func:`simulate` runs by default."""
_TEAM = ("agent:amira", "agent:ben", "agent:chloe", "agent:dev", "agent:eve")
_LEADS = ("lead:farah", "lead:george")
_STREETS = ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane")
_TOWNS = ("Leeds", "Bristol", "Norwich", "Exeter", "York", "Cardiff")
_FIRST = ("Alex", "Sam", "Priya", "Tom", "Grace", "Mohammed", "Li", "Olu", "Ines", "Ruth")
_LAST = ("Smith", "Jones", "Khan", "Brown", "Taylor", "Okafor", "Wilson", "Evans", "Chen")


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


def _arrival(rng: random.Random, quarter: Period) -> datetime:
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
    # Some are settled on first contact, answered by the end of the next business day: chosen
    # by their id, so that every other complaint draws what it drew before.
    spot = quick and zlib.crc32(complaint_id.encode()) % 5 < 2
    acknowledge_within = 30 if rng.random() < 0.9 else 120

    script.after(
        0.05 if spot else 0.2,
        0.5 if spot else acknowledge_within,
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
        0.05 if spot else 0.5,
        0.5 if spot else 24,
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
        0.05 if spot else 0.1,
        0.5 if spot else 8,
        "start_investigation",
        lambda d, i: d.start_investigation(i, actor=handler),
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
        0.2 if spot else (2 if quick else 48),
        2 if spot else (30 if quick else (1500 if slow else 600)),
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
        0.05 if spot else 0.5,
        0.5 if spot else 20,
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


def _timeline(rng: random.Random, quarter: Period, complaints: int) -> list[tuple[datetime, int]]:
    """Arrival instants, each with the seed of its complaint's own generator."""
    arrivals = sorted(_arrival(rng, quarter) for _ in range(complaints))
    return [(at, rng.getrandbits(64)) for at in arrivals]


def simulate(
    store: ComplaintStore,
    *,
    complaints: int = 600,
    seed: int = 2026,
    quarter: Period = DEMO_QUARTER,
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
    next_id = (f"CMP-{quarter.start.year}-{n:05d}" for n in range(1, complaints + 1))
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


def _describe(stats: DurationStats | None, unit: timedelta, name: str) -> str:
    if stats is None or stats.median is None:
        return "none yet"
    assert stats.p90 is not None  # set whenever the median is
    assert stats.max is not None
    return (
        f"median {stats.median / unit:.1f} {name}, 90th percentile {stats.p90 / unit:.1f} "
        f"{name}, longest {stats.max / unit:.1f} {name} ({stats.count:,} complaints)"
    )


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _breaches(figures: MetricSummary) -> int:
    """Breached deadlines over every target but early resolution, which is not a deadline."""
    return sum(
        row.breached for name, row in figures.sla_compliance.items() if name != "early_resolution"
    )


def _sla_lines(figures: MetricSummary, policy: SlaPolicy) -> list[str]:
    """SLA results per target for the quarter's complaints, judged at the quarter end."""
    label = policy.calendar.holiday_label
    lines = [
        f"SLA ({policy.name}, {label}) at {policy.calendar.local(figures.at):%d %b %Y %H:%M}, "
        "complaints received in the quarter:",
        f"  {'target':<20}{'met':>7}{'breached':>10}{'pending':>9}{'met rate':>10}",
    ]
    for name, row in figures.sla_compliance.items():
        lines.append(
            f"  {name:<20}{row.met:>7,}{row.breached:>10,}{row.pending:>9,}{_share(row.rate):>10}"
        )
    lines.append(f"  {_breaches(figures):,} breaches in all (early resolution is not a deadline)")
    return lines


def _figure_lines(figures: MetricSummary) -> list[str]:
    """The quarter's key figures (ISO 10002 8.4 monitoring), from :func:`summarize_metrics`."""
    redress = ", ".join(f"{amount:,} {cur}" for cur, amount in figures.redress_total.items())
    ages = ", ".join(f"{label} {n:,}" for label, n in figures.backlog_age_buckets.items())
    bands = ", ".join(f"{label} {n:,}" for label, n in list(figures.closed_within.items())[:3])
    causes = ", ".join(
        f"{r.category} {r.count:,} ({r.cumulative_share:.0%} cumulative)"
        for r in figures.root_causes[:3]
    )
    sat = figures.satisfaction
    mean = "n/a" if sat.mean_score is None else f"{sat.mean_score:.2f} of 5"
    return [
        f"Received {figures.received:,}, closed {figures.closed:,}, withdrawn "
        f"{figures.withdrawn:,}; open at the quarter end {figures.open_at_end:,} ({ages})",
        f"Closed (FCA bands): {bands}",
        f"Upheld {_share(figures.upheld_rate)} of closed; redress {redress or 'none'}",
        f"Reopened {_share(figures.reopen_rate)}, escalated {_share(figures.escalation_rate)}, "
        f"referred to the ombudsman {_share(figures.referral_rate)}; first-contact "
        f"resolution {_share(figures.first_contact_resolution_rate)}",
        f"Satisfaction (8.3): {sat.responses:,} of {sat.surveys_offered:,} surveys answered, "
        f"mean {mean}, {_share(sat.satisfied_share)} satisfied",
        f"Vulnerable complainants {_share(figures.vulnerable_share)}; top root causes: "
        f"{causes or 'none recorded'}",
    ]


def _measure(
    store: ComplaintStore, quarter: Period, policy: SlaPolicy
) -> tuple[dict[str, int], MetricSummary]:
    """Complaints per state (most first) and the quarter's figures, from one read of the store."""
    states: dict[str, int] = {}

    def counted() -> Iterator[Complaint]:
        for c in store.find():
            states[c.state.value] = states.get(c.state.value, 0) + 1
            yield c

    figures = summarize_metrics(counted(), quarter, policy=policy)
    return dict(sorted(states.items(), key=lambda kv: -kv[1])), figures


def summarize(
    store: ComplaintStore,
    result: SimulationResult,
    quarter: Period,
    policy: SlaPolicy | None = None,
) -> str:
    """A readable account of a simulated quarter: states, key figures, times, SLA results
    per target (by ``policy``, default :func:`demo_policy`) and one complaint's path.

    The figures are :func:`iso10002.metrics.summary.summarize`'s for ``quarter``.

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> store = InMemoryStore()
        >>> q3 = Period.quarter(2026, 3)
        >>> text = summarize(store, simulate(store, complaints=10, seed=3), q3)
        >>> "Complaints by state" in text
        True
    """
    sla = policy if policy is not None else demo_policy()
    states, figures = _measure(store, quarter, sla)
    hour, day = timedelta(hours=1), timedelta(days=1)
    lines = [
        f"{result.received:,} complaints received in {quarter}, {result.steps:,} further steps "
        f"recorded, {result.refused} refused by the lifecycle.",
        "",
        "Complaints by state:",
        *(f"  {state:<14}{count:>6,}" for state, count in states.items()),
        "",
        *_figure_lines(figures),
        "",
        f"Acknowledgement: {_describe(figures.time_to_acknowledge, hour, 'hours')}",
        f"  in business hours: {_describe(figures.business_time_to_acknowledge, hour, 'hours')}",
        f"Final response:  {_describe(figures.time_to_final_response, day, 'days')}",
        "",
        *_sla_lines(figures, sla),
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
    quarter: Period,
    policy: SlaPolicy | None = None,
) -> dict[str, object]:
    """What :func:`summarize` tells, as plain data for JSON (``iso10002 demo --json``).

    ``figures`` is :meth:`iso10002.metrics.MetricSummary.to_dict` of the quarter (durations in
    seconds, instants in ISO 8601); ``states`` counts every complaint in the store by state;
    ``example`` is one complaint's steps.

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> store = InMemoryStore()
        >>> q3 = Period.quarter(2026, 3)
        >>> data = summary_data(store, simulate(store, complaints=10, seed=3), q3)
        >>> data["quarter"], data["received"], sum(data["states"].values())
        ('2026Q3', 10, 10)
        >>> data["figures"]["received"]
        10
    """
    sla = policy if policy is not None else demo_policy()
    states, figures = _measure(store, quarter, sla)
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
        "states": states,
        "sla": {
            "policy": sla.name,
            "at": figures.at.isoformat(),
            "targets": {name: row.to_dict() for name, row in figures.sla_compliance.items()},
            "breaches": _breaches(figures),
        },
        "figures": figures.to_dict(),
        "example": example,
    }
