"""Laws of summarize() over replayed histories drawn by iso10002.testing.strategies.

Additive counts of a union are the sums of the parts; a breakdown's groups add up to the
total; the order complaints arrive in changes nothing; the backlog identity always holds.
"""

from __future__ import annotations

from datetime import datetime, timezone

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.metrics import MetricSummary, Period, breakdown, summarize
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.sla import presets
from iso10002.testing.strategies import histories, instants

# Histories start in 2026 and run up to a few months: a quarter catches many of their steps.
START = datetime(2026, 1, 1, tzinfo=timezone.utc)
snapshots = st.lists(
    histories(max_events=10, start=instants(START, datetime(2026, 9, 30, tzinfo=timezone.utc))).map(
        replay
    ),
    max_size=8,
)
periods = st.sampled_from(
    [
        Period.parse("2026Q2"),
        Period.parse("2026-05", tz="Europe/London"),
        Period.parse("2026H1", tz="Australia/Sydney"),
        Period.parse("2026-03-15..2026-06-20", tz="America/New_York"),
    ]
)
FCA = presets.get("fca.disp.standard", nation="ENG")
LAW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ADDITIVE = (
    "received",
    "open_at_start",
    "closed",
    "withdrawn",
    "open_at_end",
    "handled",
    "upheld",
    "reopened",
    "escalated",
    "referred",
    "first_contact_resolved",
    "root_cause_missing",
    "vulnerable",
    "vulnerability_unknown",
)


def additive(s: MetricSummary) -> dict[str, object]:
    figures: dict[str, object] = {name: getattr(s, name) for name in ADDITIVE}
    figures["backlog_age_buckets"] = s.backlog_age_buckets
    figures["closed_within"] = s.closed_within
    figures["acknowledged"] = s.time_to_acknowledge.count
    figures["responded"] = s.time_to_final_response.count
    figures["responses"] = s.satisfaction.responses
    figures["monthly"] = [(p.received, p.closed) for p in s.monthly]
    return figures


def added(a: dict[str, object], b: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in a.items():
        other = b[key]
        if isinstance(value, int):
            assert isinstance(other, int)
            out[key] = value + other
        elif isinstance(value, dict):
            assert isinstance(other, dict)
            out[key] = {k: value[k] + other[k] for k in value}
        else:
            assert isinstance(value, list)
            assert isinstance(other, list)
            out[key] = [(x[0] + y[0], x[1] + y[1]) for x, y in zip(value, other, strict=True)]
    return out


@LAW
@given(snapshots, snapshots, periods)
def test_counts_of_a_union_are_the_sums_of_the_parts(
    a: list[Complaint], b: list[Complaint], period: Period
) -> None:
    whole = additive(summarize(a + b, period))
    assert whole == added(additive(summarize(a, period)), additive(summarize(b, period)))


@LAW
@given(snapshots, periods, st.sampled_from(["product", "channel", "category", "handler"]))
def test_a_breakdown_adds_up_to_the_total(
    complaints: list[Complaint], period: Period, by: str
) -> None:
    total = additive(summarize(complaints, period))
    parts = list(breakdown(complaints, period, by=by).values())
    summed = {key: 0 if isinstance(v, int) else v for key, v in total.items()}
    if parts:
        summed = additive(parts[0])
        for part in parts[1:]:
            summed = added(summed, additive(part))
        assert summed == total
    else:
        assert total["received"] == total["open_at_start"] == total["closed"] == 0


@LAW
@given(snapshots, periods, st.randoms(use_true_random=False))
def test_order_does_not_change_the_summary(
    complaints: list[Complaint], period: Period, rng: object
) -> None:
    shuffled = list(complaints)
    rng.shuffle(shuffled)  # type: ignore[attr-defined]
    assert summarize(shuffled, period, policy=FCA, by="product") == summarize(
        complaints, period, policy=FCA, by="product"
    )


@LAW
@given(snapshots, periods)
def test_the_backlog_identity_holds(complaints: list[Complaint], period: Period) -> None:
    s = summarize(complaints, period)
    assert s.open_at_end == s.open_at_start + s.received - s.closed - s.withdrawn
    assert sum(s.backlog_age_buckets.values()) == s.open_at_end
    fca, cfpb = list(s.closed_within.values())[:3], list(s.closed_within.values())[3:]
    assert sum(fca) == sum(cfpb) == s.closed
    for value in (s.upheld_rate, s.reopen_rate, s.escalation_rate, s.vulnerable_share):
        assert value is None or 0 <= value <= 1


@LAW
@given(snapshots, periods)
def test_a_summary_by_a_dimension_has_the_same_totals(
    complaints: list[Complaint], period: Period
) -> None:
    plain = summarize(complaints, period)
    grouped = summarize(complaints, period, by="channel")
    assert attrs.evolve(grouped, by=None, groups={}) == plain
