"""The metric summary computed by PostgreSQL through the Django store equals the pure
function's, field by field (issue 6.2), as the SQLite and SQLAlchemy stores' do.

The database is the Django tests' own (``django_support``). The simulated quarter is copied
in once and kept while the tests that only read it run; a test that writes starts from
empty tables, and the quarter is stored again for the next reader that finds it gone.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta, timezone
from random import Random
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from django_support import django_database, empty_tables  # noqa: F401 - a fixture
from iso10002.demo import demo_policy, simulate
from iso10002.events import Event
from iso10002.metrics import Period, summarize, summarize_store
from iso10002.sla import presets
from iso10002.storage import SQLiteStore, SupportsMetrics
from iso10002.testing.builders import event_for, history_to
from iso10002.testing.strategies import histories
from metrics.test_pushdown import (
    PERIODS,
    PUSHED_DOWN,
    Q3,
    assert_same,
    assert_same_breakdown,
    instants,
    labelled_histories,
    periods,
    with_ids,
)

if TYPE_CHECKING:
    from iso10002.contrib.django.store import DjangoStore

pytest.importorskip("django")
pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("django_database")]

UTC = timezone.utc


@pytest.fixture(scope="module")
def simulated() -> Iterator[SQLiteStore]:
    store = SQLiteStore.memory()
    simulate(store, complaints=300, seed=11, quarter=Q3)
    yield store
    store.close()


def _fresh_store() -> DjangoStore:
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    return DjangoStore(signals=False)


def _fingerprint(store: DjangoStore) -> tuple[int, int]:
    """How many complaints, and the last feed position: what a writing test changes."""
    return store.count(), max((r.position for r in store.feed()), default=0)


_copied: dict[str, tuple[int, int]] = {}


@pytest.fixture
def quarter(simulated: SQLiteStore) -> DjangoStore:
    """The simulated quarter in the Django store, copied in when it is not there already."""
    from iso10002.contrib.django.store import DjangoStore

    store = DjangoStore(signals=False)
    if _copied.get("quarter") != _fingerprint(store):
        store = _fresh_store()
        for complaint in simulated.find():
            store.create(simulated.history(complaint.id))
        _copied["quarter"] = _fingerprint(store)
    return store


def test_the_django_store_supports_metrics() -> None:
    from iso10002.contrib.django.store import DjangoStore

    assert isinstance(DjangoStore(), SupportsMetrics)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.label}-{p.tz}")
def test_postgresql_through_django_equals_the_pure_summary(
    quarter: DjangoStore, period: Period
) -> None:
    assert_same(summarize_store(quarter, period), summarize(quarter.find(), period))


@pytest.mark.parametrize("period", PERIODS[:4], ids=lambda p: f"{p.label}-{p.tz}")
def test_postgresql_through_django_equals_the_pure_summary_with_a_policy(
    quarter: DjangoStore, period: Period
) -> None:
    options = {
        "policy": demo_policy(),
        "at": datetime(2026, 9, 15, tzinfo=UTC),
        "customers": 10_000,
        "first_contact_days": 2,
    }
    pushed = summarize_store(quarter, period, **options)  # type: ignore[arg-type]
    assert pushed.sla_compliance
    assert pushed.business_time_to_final_response is not None
    assert_same(pushed, summarize(quarter.find(), period, **options))  # type: ignore[arg-type]


def test_django_and_sqlite_agree(quarter: DjangoStore, simulated: SQLiteStore) -> None:
    assert summarize_store(quarter, Q3) == summarize_store(simulated, Q3)
    assert summarize_store(quarter, Q3).closed > 0


def test_every_facts_row_is_the_metric_facts_of_its_snapshot(quarter: DjangoStore) -> None:
    from iso10002.contrib.django.models import ComplaintFacts
    from iso10002.storage.facts import FACT_COLUMNS, metric_facts

    stored = {row["complaint_id"]: row for row in ComplaintFacts.objects.values(*FACT_COLUMNS)}
    assert stored == {c.id: metric_facts(c) for c in quarter.find()}
    assert quarter.verify_integrity().ok


def test_without_a_policy_no_snapshot_is_read(
    quarter: DjangoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iso10002.contrib.django import store as django_store

    expected = summarize(quarter.find(), Q3)

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a snapshot was read")

    monkeypatch.setattr(django_store, "snapshot_from_json", refuse)
    assert summarize_store(quarter, Q3) == expected


@pytest.mark.parametrize("by", PUSHED_DOWN)
def test_a_breakdown_through_django_equals_the_pure_breakdown(
    quarter: DjangoStore, by: str
) -> None:
    for period in PERIODS[:4]:
        assert_same_breakdown(
            summarize_store(quarter, period, by=by), summarize(quarter.find(), period, by=by)
        )


@pytest.mark.parametrize("by", PUSHED_DOWN)
def test_a_breakdown_through_django_equals_the_pure_breakdown_with_a_policy(
    quarter: DjangoStore, by: str
) -> None:
    options = {
        "policy": demo_policy(),
        "at": datetime(2026, 9, 15, tzinfo=UTC),
        "customers": 10_000,
        "first_contact_days": 2,
        "by": by,
    }
    pushed = summarize_store(quarter, Q3, **options)  # type: ignore[arg-type]
    assert any(g.sla_compliance for g in pushed.groups.values())
    assert_same_breakdown(pushed, summarize(quarter.find(), Q3, **options))  # type: ignore[arg-type]


def test_a_breakdown_through_django_reads_no_snapshot_without_a_policy(
    quarter: DjangoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iso10002.contrib.django import store as django_store

    expected = {by: summarize(quarter.find(), Q3, by=by) for by in PUSHED_DOWN}

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a snapshot was read")

    monkeypatch.setattr(django_store, "snapshot_from_json", refuse)
    assert {by: summarize_store(quarter, Q3, by=by) for by in PUSHED_DOWN} == expected


def test_a_breakdown_through_django_by_an_unstored_dimension_streams(
    quarter: DjangoStore,
) -> None:
    for by in ("channel", "issue"):
        assert_same_breakdown(
            summarize_store(quarter, Q3, by=by), summarize(quarter.find(), Q3, by=by)
        )
    assert_same_breakdown(
        quarter.summarize(Q3, by="sub_product"), summarize(quarter.find(), Q3, by="sub_product")
    )


# --- tests that write -----------------------------------------------------------------------


def test_facts_follow_appends_and_erasure() -> None:
    store = _fresh_store()
    complaint = store.create(history_to("responded"))
    for action in ("reject", "escalate"):
        complaint = store.append(
            complaint.id, [event_for(complaint, action)], expected_version=complaint.version
        )
    store.redact(complaint.id, event_for(complaint, "redact"), expected_version=complaint.version)
    period = Period.parse("2026-01")
    pushed = summarize_store(store, period)
    assert (pushed.escalated, pushed.vulnerability_unknown) == (1, 1)
    assert_same(pushed, summarize(store.find(), period))
    assert store.verify_integrity().ok


def test_inside_a_host_transaction_the_summary_sees_its_writes() -> None:
    from django.db import transaction

    store = _fresh_store()
    period = Period.parse("2026Q1")
    with transaction.atomic():
        store.create(history_to("closed"))
        assert summarize_store(store, period).closed == 1
        assert_same(summarize_store(store, period), summarize(store.find(), period))


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(histories(max_events=14, start=instants), min_size=1, max_size=10),
    periods,
    st.sampled_from([None, "fca.disp.standard", "asic.rg271.standard"]),
    st.integers(0, 5),
    st.randoms(use_true_random=False),
)
def test_postgresql_through_django_equals_the_pure_summary_for_any_histories(
    drawn: list[tuple[Event, ...]], period: Period, preset: str | None, days: int, rng: Random
) -> None:
    store = _fresh_store()
    for events in with_ids(drawn):
        # Created with some events and appended the rest, so both writes keep the facts.
        split = rng.randint(1, len(events))
        complaint = store.create(events[:split])
        if split < len(events):
            store.append(complaint.id, events[split:], expected_version=complaint.version)
    policy = None if preset is None else presets.get(preset)
    at = period.start + timedelta(days=20)
    options = {"policy": policy, "at": at, "first_contact_days": days}
    assert_same(
        summarize_store(store, period, **options),  # type: ignore[arg-type]
        summarize(store.find(), period, **options),  # type: ignore[arg-type]
    )
    assert store.verify_integrity().ok


def test_the_summary_reads_one_snapshot_at_repeatable_read(
    quarter: DjangoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iso10002.metrics import pushdown

    seen: list[Sequence[object]] = []
    real = pushdown.summarize_facts

    def observed(source: pushdown.FactsSource, *args: object, **kwargs: object) -> object:
        seen.extend(
            source.rows(
                "SELECT current_setting('transaction_isolation'),"
                " current_setting('transaction_read_only')",
                {},
            )
        )
        return real(source, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pushdown, "summarize_facts", observed)
    assert summarize_store(quarter, Q3) == summarize(quarter.find(), Q3)
    assert [tuple(row) for row in seen] == [("repeatable read", "on")]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(labelled_histories(), min_size=1, max_size=10),
    periods,
    st.sampled_from([None, "fca.disp.standard"]),
    st.sampled_from(PUSHED_DOWN),
)
def test_a_breakdown_through_django_equals_the_pure_breakdown_for_any_histories(
    drawn: list[tuple[Event, ...]], period: Period, preset: str | None, by: str
) -> None:
    store = _fresh_store()
    for events in with_ids(drawn):
        store.create(events)
    policy = None if preset is None else presets.get(preset)
    options = {"policy": policy, "at": period.start + timedelta(days=20), "by": by}
    assert_same_breakdown(
        summarize_store(store, period, **options),  # type: ignore[arg-type]
        summarize(store.find(), period, **options),  # type: ignore[arg-type]
    )
