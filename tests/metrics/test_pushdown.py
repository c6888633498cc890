"""The metric summary computed in SQL equals the pure function's, field by field (issue 6.2)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.demo import demo_policy, simulate
from iso10002.errors import ValidationError
from iso10002.events import Assessed, Assigned, Event, Received, RootCauseRecorded
from iso10002.metrics import (
    DIMENSIONS,
    PUSHDOWN_DIMENSIONS,
    MetricSummary,
    Period,
    summarize,
    summarize_store,
)
from iso10002.model import Classification, Complaint
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


# --- breakdowns -----------------------------------------------------------------------------

PUSHED_DOWN = sorted(PUSHDOWN_DIMENSIONS)
STREAMED = sorted(set(DIMENSIONS) - PUSHDOWN_DIMENSIONS)


def assert_same_breakdown(pushed: MetricSummary, pure: MetricSummary) -> None:
    """The top-level summary and every group's equal, field by field, the labels included."""
    assert list(pushed.groups) == list(pure.groups)
    for label, group in pure.groups.items():
        assert_same(pushed.groups[label], group)
    assert_same(pushed, pure)


def test_the_pushed_down_dimensions_are_those_the_stores_keep_a_column_for() -> None:
    names = {"product", "category", "handler", "complaint_type", "root_cause"}
    assert names == PUSHDOWN_DIMENSIONS
    assert set(DIMENSIONS) >= names


@pytest.mark.parametrize("by", PUSHED_DOWN)
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.label}-{p.tz}")
def test_a_breakdown_in_sql_equals_the_pure_breakdown(
    simulated: SQLiteStore, period: Period, by: str
) -> None:
    assert_same_breakdown(
        summarize_store(simulated, period, by=by), pure_summary(simulated, period, by=by)
    )


@pytest.mark.parametrize("by", PUSHED_DOWN)
def test_a_breakdown_in_sql_equals_the_pure_breakdown_with_the_demo_policy(
    simulated: SQLiteStore, by: str
) -> None:
    options = {
        "policy": demo_policy(),
        "at": datetime(2026, 9, 15, tzinfo=UTC),
        "customers": 52_000,
        "first_contact_days": 3,
        "by": by,
    }
    for period in (Q3, Period.parse("2026-09", tz="Europe/London")):
        pushed = summarize_store(simulated, period, **options)  # type: ignore[arg-type]
        assert any(g.sla_compliance for g in pushed.groups.values())
        assert_same_breakdown(pushed, pure_summary(simulated, period, **options))


def test_the_simulated_quarter_has_several_groups_and_missing_values(
    simulated: SQLiteStore,
) -> None:
    groups = {by: summarize_store(simulated, Q3, by=by).groups for by in PUSHED_DOWN}
    assert all(len(groups[by]) > 1 for by in ("product", "category", "handler", "root_cause"))
    assert "(none)" in groups["category"]  # withdrawn before assessment
    assert "(none)" in groups["root_cause"]


@pytest.mark.parametrize("by", PUSHED_DOWN)
def test_a_breakdown_in_sql_reads_no_snapshot_without_a_policy(
    simulated: SQLiteStore, monkeypatch: pytest.MonkeyPatch, by: str
) -> None:
    expected = pure_summary(simulated, Q3, by=by)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a snapshot was read")

    monkeypatch.setattr(simulated, "_snapshot", refuse)
    assert summarize_store(simulated, Q3, by=by) == expected


@pytest.mark.parametrize("by", STREAMED)
def test_a_breakdown_by_an_unstored_dimension_streams_through_the_pure_function(
    simulated: SQLiteStore, by: str
) -> None:
    pushed = summarize_store(simulated, Q3, by=by)
    assert pushed == summarize(simulated.find(), Q3, by=by)
    assert pushed.groups


def test_a_breakdown_by_a_function_streams_through_the_pure_function(
    simulated: SQLiteStore,
) -> None:
    def urgent(c: Complaint) -> str:
        return "urgent" if c.urgent else "not urgent"

    pushed = summarize_store(simulated, Q3, by=urgent)
    assert pushed == summarize(simulated.find(), Q3, by=urgent)
    assert pushed.by == "urgent"


def test_the_store_itself_streams_a_breakdown_it_cannot_compute_in_sql(
    simulated: SQLiteStore,
) -> None:
    policy = demo_policy()
    assert_same_breakdown(
        simulated.summarize(Q3, policy=policy, by="channel"),
        pure_summary(simulated, Q3, policy=policy, by="channel"),
    )
    with pytest.raises(ValidationError, match="colour"):
        simulated.summarize(Q3, by="colour")


def test_the_groups_are_those_of_the_complaints_received_before_the_end() -> None:
    """A complaint only open at the start makes a group; one received after the end does not."""
    store = SQLiteStore.memory()
    try:
        # Received in January, so open at the start of Q2; and one received after Q2.
        for complaint_id, category, later in (("C-OLD", "old", 0), ("C-NEW", "new", 200)):
            store.create(
                [
                    attrs.evolve(
                        e,
                        at=e.at + timedelta(days=later),
                        **({"category": category} if isinstance(e, Assessed) else {}),
                    )
                    for e in history_to("assessed", complaint_id)
                ]
            )
        q2 = Period.parse("2026Q2")
        pushed = summarize_store(store, q2, by="category")
        assert list(pushed.groups) == ["old"]
        assert (pushed.groups["old"].open_at_start, pushed.groups["old"].received) == (1, 0)
        assert_same_breakdown(pushed, pure_summary(store, q2, by="category"))
    finally:
        store.close()


def test_a_missing_value_and_its_label_spelt_out_are_one_group() -> None:
    """``"(none)"`` as a category is the group of complaints without one, as in the pure
    function; so is ``"(unassigned)"`` as an assignee."""
    store = SQLiteStore.memory()
    try:
        for n, (category, assignee) in enumerate(
            [(None, None), ("(none)", "(unassigned)"), ("fees", "agent:bo")]
        ):
            kind = Classification(product="card", category=category)
            complaint = store.create(history_to("acknowledged", f"C-{n}", classification=kind))
            if assignee is not None:
                assign = event_for(complaint, "assign", assignee=assignee)
                store.append(complaint.id, [assign], expected_version=complaint.version)
        q1 = Period.parse("2026Q1")
        for by, labels in (
            ("category", {"(none)", "fees"}),
            ("handler", {"(unassigned)", "agent:bo"}),
        ):
            pushed = summarize_store(store, q1, by=by)
            assert set(pushed.groups) == labels
            assert_same_breakdown(pushed, pure_summary(store, q1, by=by))
        assert summarize_store(store, q1, by="category").groups["(none)"].received == 2
    finally:
        store.close()


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


# --- generated histories with few labels, missing ones included --------------------------------

PRODUCTS = ("card", "Card", "loan ", "prêt")
CATEGORIES = ("fees", "service", "(none)")
PEOPLE = ("agent:ana", "agent:bo", "(unassigned)")
CAUSES = ("process", "people")
TYPES = ("standard", "express")


def relabelled(event: Event, draw: st.DrawFn) -> Event:
    """``event`` with its labels drawn from a few values; a missing category stays missing
    (the lifecycle asks for one before investigation), a present one may be spelt like the
    missing label."""
    if isinstance(event, Received):
        old = event.classification
        category = None if old.category is None else draw(st.sampled_from(CATEGORIES))
        kind = attrs.evolve(old, product=draw(st.sampled_from(PRODUCTS)), category=category)
        return attrs.evolve(event, classification=kind, complaint_type=draw(st.sampled_from(TYPES)))
    if isinstance(event, Assessed):
        category = None if event.category is None else draw(st.sampled_from(CATEGORIES))
        kind_of = None if event.complaint_type is None else draw(st.sampled_from(TYPES))
        return attrs.evolve(event, category=category, complaint_type=kind_of)
    if isinstance(event, Assigned):
        return attrs.evolve(event, assignee=draw(st.sampled_from(PEOPLE)))
    if isinstance(event, RootCauseRecorded):
        cause = attrs.evolve(event.root_cause, category=draw(st.sampled_from(CAUSES)))
        return attrs.evolve(event, root_cause=cause)
    return event


@st.composite
def labelled_histories(draw: st.DrawFn) -> tuple[Event, ...]:
    """Histories whose labels come from a few values, so groups hold several complaints,
    and complaints without a category, an assignee or a root cause among them."""
    return tuple(relabelled(e, draw) for e in draw(histories(max_events=14, start=instants)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(labelled_histories(), min_size=1, max_size=12),
    periods,
    st.sampled_from([None, "fca.disp.standard"]),
    st.sampled_from(PUSHED_DOWN),
)
def test_a_breakdown_in_sql_equals_the_pure_breakdown_for_any_histories(
    drawn: list[tuple[Event, ...]], period: Period, preset: str | None, by: str
) -> None:
    store = SQLiteStore.memory()
    try:
        store.import_histories(with_ids(drawn))
        policy = None if preset is None else presets.get(preset)
        options = {"policy": policy, "at": period.start + timedelta(days=20), "by": by}
        assert_same_breakdown(
            summarize_store(store, period, **options),  # type: ignore[arg-type]
            pure_summary(store, period, **options),
        )
    finally:
        store.close()
