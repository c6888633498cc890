"""The metric summary computed by PostgreSQL (and SQLite through SQLAlchemy) equals the pure
function's, field by field (issue 6.2)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.demo import demo_policy, simulate
from iso10002.events import Event
from iso10002.metrics import Period, summarize, summarize_store
from iso10002.sla import presets
from iso10002.storage import SQLiteStore
from iso10002.storage.sqlalchemy import SQLAlchemyStore, upgrade
from metrics.test_pushdown import (
    PERIODS,
    PUSHED_DOWN,
    Q3,
    assert_same,
    assert_same_breakdown,
    labelled_histories,
    periods,
    with_ids,
)
from storage import sqla_support as db  # tests/storage, on the path as the tests folder is


@pytest.fixture(scope="module")
def simulated() -> Iterator[SQLiteStore]:
    store = SQLiteStore.memory()
    simulate(store, complaints=300, seed=11, quarter=Q3)
    yield store
    store.close()


def copy_into(target: SQLAlchemyStore, source: SQLiteStore) -> SQLAlchemyStore:
    target.create_many(source.history(c.id) for c in source.find())
    return target


@pytest.fixture(scope="module")
def postgres(request: pytest.FixtureRequest, simulated: SQLiteStore) -> Iterator[SQLAlchemyStore]:
    """The simulated quarter in a PostgreSQL database of this module's own."""
    db.require_postgres(request)
    url = db.create_database("pushdown")
    try:
        upgrade(url)
        store = copy_into(SQLAlchemyStore(url), simulated)
        yield store
        store.close()
    finally:
        db.drop_database(url)


@pytest.fixture(scope="module")
def sqlite_via_sqlalchemy(simulated: SQLiteStore) -> Iterator[SQLAlchemyStore]:
    store = copy_into(SQLAlchemyStore("sqlite://", migrate=True), simulated)
    yield store
    store.close()


@pytest.mark.postgres
@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.label}-{p.tz}")
def test_postgresql_equals_the_pure_summary(postgres: SQLAlchemyStore, period: Period) -> None:
    assert_same(summarize_store(postgres, period), summarize(postgres.find(), period))


@pytest.mark.postgres
def test_postgresql_equals_the_pure_summary_with_a_policy(postgres: SQLAlchemyStore) -> None:
    options = {"policy": demo_policy(), "customers": 10_000, "first_contact_days": 2}
    pushed = summarize_store(postgres, Q3, **options)  # type: ignore[arg-type]
    assert pushed.sla_compliance
    assert_same(pushed, summarize(postgres.find(), Q3, **options))  # type: ignore[arg-type]


@pytest.mark.postgres
def test_postgresql_and_sqlite_agree(postgres: SQLAlchemyStore, simulated: SQLiteStore) -> None:
    assert summarize_store(postgres, Q3) == summarize_store(simulated, Q3)


@pytest.mark.postgres
def test_the_facts_migration_fills_in_existing_complaints(
    request: pytest.FixtureRequest, simulated: SQLiteStore
) -> None:
    db.require_postgres(request)
    url = db.create_database("pushdown_migration")
    try:
        upgrade(url, "0001")
        engine = db.sa.create_engine(url)
        try:
            with engine.begin() as connection:  # complaints written before revision 0002
                for complaint in list(simulated.find())[:50]:
                    connection.execute(
                        db.complaints.insert().values(**_row_of(complaint), idempotency_key=None)
                    )
        finally:
            engine.dispose()
        store = SQLAlchemyStore(url, migrate=True)
        try:
            assert store.count() == 50
            assert_same(summarize_store(store, Q3), summarize(store.find(), Q3))
        finally:
            store.close()
    finally:
        db.drop_database(url)


def _row_of(complaint: object) -> dict[str, object]:
    from iso10002.storage._sqlalchemy_bulk import complaint_values

    return complaint_values(complaint, "0" * 64, None)  # type: ignore[arg-type]


@pytest.mark.parametrize("period", PERIODS[:3], ids=lambda p: f"{p.label}-{p.tz}")
def test_sqlite_through_sqlalchemy_equals_the_pure_summary(
    sqlite_via_sqlalchemy: SQLAlchemyStore, period: Period
) -> None:
    store = sqlite_via_sqlalchemy
    policy = demo_policy()
    assert_same(
        summarize_store(store, period, policy=policy),
        summarize(store.find(), period, policy=policy),
    )


# --- breakdowns -----------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("by", PUSHED_DOWN)
@pytest.mark.parametrize("period", PERIODS[:4], ids=lambda p: f"{p.label}-{p.tz}")
def test_a_postgresql_breakdown_equals_the_pure_breakdown(
    postgres: SQLAlchemyStore, period: Period, by: str
) -> None:
    assert_same_breakdown(
        summarize_store(postgres, period, by=by), summarize(postgres.find(), period, by=by)
    )


@pytest.mark.postgres
@pytest.mark.parametrize("by", PUSHED_DOWN)
def test_a_postgresql_breakdown_equals_the_pure_breakdown_with_a_policy(
    postgres: SQLAlchemyStore, by: str
) -> None:
    options = {"policy": demo_policy(), "customers": 10_000, "first_contact_days": 2, "by": by}
    pushed = summarize_store(postgres, Q3, **options)  # type: ignore[arg-type]
    assert any(g.sla_compliance for g in pushed.groups.values())
    assert_same_breakdown(pushed, summarize(postgres.find(), Q3, **options))  # type: ignore[arg-type]


@pytest.mark.postgres
def test_a_postgresql_breakdown_reads_no_snapshot_without_a_policy(
    postgres: SQLAlchemyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from iso10002.storage import sqlalchemy as sqlalchemy_store

    expected = {by: summarize(postgres.find(), Q3, by=by) for by in PUSHED_DOWN}

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("a snapshot was read")

    monkeypatch.setattr(sqlalchemy_store, "snapshot_from_json", refuse)
    assert {by: summarize_store(postgres, Q3, by=by) for by in PUSHED_DOWN} == expected


@pytest.mark.postgres
def test_a_postgresql_breakdown_by_an_unstored_dimension_streams(
    postgres: SQLAlchemyStore,
) -> None:
    assert_same_breakdown(
        summarize_store(postgres, Q3, by="severity"), summarize(postgres.find(), Q3, by="severity")
    )
    assert_same_breakdown(
        postgres.summarize(Q3, by="channel"), summarize(postgres.find(), Q3, by="channel")
    )


@pytest.fixture(scope="module")
def scratch(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty PostgreSQL database of this module's own, for generated complaints."""
    db.require_postgres(request)
    url = db.create_database("pushdown_scratch")
    try:
        upgrade(url)
        yield url
    finally:
        db.drop_database(url)


@pytest.mark.postgres
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(labelled_histories(), min_size=1, max_size=10),
    periods,
    st.sampled_from([None, "fca.disp.standard"]),
    st.sampled_from(PUSHED_DOWN),
)
def test_a_postgresql_breakdown_equals_the_pure_breakdown_for_any_histories(
    scratch: str, drawn: list[tuple[Event, ...]], period: Period, preset: str | None, by: str
) -> None:
    db.empty_tables(scratch)
    store = SQLAlchemyStore(scratch)
    breakdowns_agree(store, drawn, period, preset, by)


def breakdowns_agree(
    store: SQLAlchemyStore,
    drawn: list[tuple[Event, ...]],
    period: Period,
    preset: str | None,
    by: str,
) -> None:
    """Store ``drawn`` in ``store`` (then close it): its pushed-down breakdown is the pure one."""
    try:
        store.create_many(with_ids(drawn))
        policy = None if preset is None else presets.get(preset)
        options = {"policy": policy, "at": period.start + timedelta(days=20), "by": by}
        assert_same_breakdown(
            summarize_store(store, period, **options),  # type: ignore[arg-type]
            summarize(store.find(), period, **options),  # type: ignore[arg-type]
        )
    finally:
        store.close()


@pytest.mark.parametrize("by", PUSHED_DOWN)
def test_a_breakdown_through_sqlalchemy_on_sqlite_equals_the_pure_breakdown(
    sqlite_via_sqlalchemy: SQLAlchemyStore, by: str
) -> None:
    store = sqlite_via_sqlalchemy
    for policy in (None, demo_policy()):
        assert_same_breakdown(
            summarize_store(store, Q3, policy=policy, by=by),
            summarize(store.find(), Q3, policy=policy, by=by),
        )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(labelled_histories(), min_size=1, max_size=10),
    periods,
    st.sampled_from([None, "asic.rg271.standard"]),
    st.sampled_from(PUSHED_DOWN),
)
def test_a_breakdown_through_sqlalchemy_on_sqlite_equals_the_pure_breakdown_for_any_histories(
    drawn: list[tuple[Event, ...]], period: Period, preset: str | None, by: str
) -> None:
    store = SQLAlchemyStore("sqlite://", migrate=True)
    breakdowns_agree(store, drawn, period, preset, by)
