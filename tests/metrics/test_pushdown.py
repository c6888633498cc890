"""The metric summary computed in SQL equals the pure function's, field by field (issue 6.2)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.demo import demo_policy, simulate
from iso10002.events import Event
from iso10002.metrics import MetricSummary, Period, summarize, summarize_store
from iso10002.sla import presets
from iso10002.storage import InMemoryStore, SQLiteStore, SupportsMetrics
from iso10002.storage.protocol import ComplaintStore
from iso10002.testing.builders import event_for, history_to
from iso10002.testing.strategies import histories

UTC = timezone.utc
Q3 = Period.parse("2026Q3")


def assert_same(pushed: MetricSummary, pure: MetricSummary) -> None:
    """Every field equal, named when one is not."""
    for field in attrs.fields(MetricSummary):
        assert getattr(pushed, field.name) == getattr(pure, field.name), field.name
    assert pushed == pure


def pure_summary(store: ComplaintStore, period: Period, **options: object) -> MetricSummary:
    return summarize(store.find(), period, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def simulated() -> Iterator[SQLiteStore]:
    """A simulated quarter of the demo bank (SLA policy: FCA DISP, England and Wales)."""
    store = SQLiteStore.memory()
    simulate(store, complaints=400, seed=6, quarter=Q3)
    yield store
    store.close()


PERIODS = [
    Q3,
    Period.parse("2026-08"),
    Period.parse("2026-W30"),
    Period.parse("2026Q3", tz="Europe/London"),
    Period.parse("2026-09", tz="Australia/Sydney"),
    Period.parse("2026-07-15..2026-08-20"),
    Period.parse("2026Q4"),  # everything received before: open at the start or nothing
    Period.parse("2026Q2"),  # before anything was received
]


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.label}-{p.tz}")
def test_sql_equals_the_pure_summary_without_a_policy(
    simulated: SQLiteStore, period: Period
) -> None:
    assert_same(summarize_store(simulated, period), pure_summary(simulated, period))


@pytest.mark.parametrize("period", PERIODS[:4], ids=lambda p: f"{p.label}-{p.tz}")
def test_sql_equals_the_pure_summary_with_the_demo_policy(
    simulated: SQLiteStore, period: Period
) -> None:
    policy = demo_policy()
    at = datetime(2026, 9, 15, tzinfo=UTC)
    options = {"policy": policy, "at": at, "customers": 52_000, "first_contact_days": 3}
    pushed = summarize_store(simulated, period, **options)  # type: ignore[arg-type]
    assert pushed.business_time_to_final_response is not None
    assert pushed.sla_compliance
    assert_same(pushed, pure_summary(simulated, period, **options))


def test_the_simulated_quarter_exercises_every_kind_of_figure(simulated: SQLiteStore) -> None:
    s = summarize_store(simulated, Q3, policy=demo_policy())
    counts = (s.closed, s.open_at_end, s.reopened, s.escalated, s.referred, s.upheld, s.vulnerable)
    assert s.received == 400
    assert all(counts), counts
    assert s.redress_total
    assert s.satisfaction.responses
    assert s.root_causes
    assert all(s.closed_within[band] for band in ("within 8 weeks", "within 15 days"))


def test_a_store_without_the_capability_is_streamed() -> None:
    store = InMemoryStore()
    store.create(history_to("closed"))
    assert not isinstance(store, SupportsMetrics)
    period = Period.parse("2026Q1")
    assert summarize_store(store, period) == summarize(store.find(), period)


def test_a_breakdown_streams_through_the_pure_function(simulated: SQLiteStore) -> None:
    pushed = summarize_store(simulated, Q3, by="channel")
    assert pushed == summarize(simulated.find(), Q3, by="channel")
    assert pushed.groups


def test_pushdown_can_be_turned_off(simulated: SQLiteStore) -> None:
    assert summarize_store(simulated, Q3, pushdown=False) == summarize_store(simulated, Q3)


def test_facts_follow_appends_and_erasure() -> None:
    store = SQLiteStore.memory()
    complaint = store.create(history_to("responded"))
    complaint = store.append(
        complaint.id, [event_for(complaint, "reject")], expected_version=complaint.version
    )
    complaint = store.append(
        complaint.id, [event_for(complaint, "escalate")], expected_version=complaint.version
    )
    store.redact(complaint.id, event_for(complaint, "redact"), expected_version=complaint.version)
    period = Period.parse("2026-01")
    pushed = summarize_store(store, period)
    assert (pushed.escalated, pushed.vulnerability_unknown) == (1, 1)
    assert_same(pushed, pure_summary(store, period))
    assert store.verify_integrity().ok


def test_bad_arguments_are_refused_as_the_pure_function_refuses_them() -> None:
    store = SQLiteStore.memory()
    with pytest.raises(Exception, match="customers") as pushed:
        summarize_store(store, Q3, customers=-1)
    with pytest.raises(Exception, match="customers") as pure:
        summarize([], Q3, customers=-1)
    assert type(pushed.value) is type(pure.value)


# --- generated histories ------------------------------------------------------------------

START = datetime(2026, 1, 1, tzinfo=UTC)
instants = st.datetimes(
    min_value=datetime(2025, 10, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
periods = st.sampled_from(
    [
        Period.parse("2026Q1"),
        Period.parse("2026-03", tz="Europe/London"),
        Period.parse("2026"),
        Period.parse("2026-W14", tz="Australia/Sydney"),
        Period.parse("2025-12-20..2026-02-10", tz="America/New_York"),
    ]
)


def with_ids(drawn: Sequence[tuple[Event, ...]]) -> list[tuple[Event, ...]]:
    """The drawn histories with distinct complaint ids."""
    out = []
    for n, events in enumerate(drawn):
        first = attrs.evolve(events[0], complaint_id=f"H-{n:03d}")
        out.append((first, *events[1:]))
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(histories(max_events=14, start=instants), min_size=1, max_size=12),
    periods,
    st.sampled_from([None, "fca.disp.standard", "asic.rg271.standard"]),
    st.integers(0, 5),
)
def test_sql_equals_the_pure_summary_for_any_histories(
    drawn: list[tuple[Event, ...]], period: Period, preset: str | None, days: int
) -> None:
    store = SQLiteStore.memory()
    try:
        store.import_histories(with_ids(drawn))
        policy = None if preset is None else presets.get(preset)
        at = period.start + timedelta(days=20)
        options = {"policy": policy, "at": at, "first_contact_days": days}
        assert_same(
            summarize_store(store, period, **options),  # type: ignore[arg-type]
            pure_summary(store, period, **options),
        )
    finally:
        store.close()


def test_without_a_policy_no_snapshot_is_read(
    simulated: SQLiteStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = pure_summary(simulated, Q3)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a snapshot was read")

    monkeypatch.setattr(simulated, "_snapshot", refuse)
    assert summarize_store(simulated, Q3) == expected
