"""What the SQLAlchemy store adds to the contract: the bulk import, and conflicts told as such.

Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqla_support as db
import sqlalchemy as sa

from iso10002.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    StorageError,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.events import Closed, Event, NoteAdded
from iso10002.integrity import seal
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.storage import ComplaintQuery
from iso10002.storage import _sqlalchemy_write as writes
from iso10002.storage.sqlalchemy import SQLAlchemyStore, engine_for, upgrade
from iso10002.testing.builders import START, event_for, history_to, received


@pytest.fixture(scope="module")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    db.require_postgres(request)
    url = db.create_database("writes")
    try:
        upgrade(url)
        yield url
    finally:
        db.drop_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'complaints.sqlite3'}"
    postgres = request.getfixturevalue("postgres_url")
    assert isinstance(postgres, str)
    db.empty_tables(postgres)
    return postgres


@pytest.fixture
def store(url: str) -> Iterator[SQLAlchemyStore]:
    store = SQLAlchemyStore(url, migrate=True)
    try:
        yield store
    finally:
        store.close()


def histories(count: int, prefix: str = "C") -> list[tuple[Event, ...]]:
    states = ("received", "acknowledged", "investigating", "closed")
    return [
        history_to(states[n % 4], f"{prefix}-{n:03d}", START + timedelta(hours=n))
        for n in range(count)
    ]


# --- create_many ---------------------------------------------------------------------------


def test_create_many_stores_every_history_as_create_would(store: SQLAlchemyStore) -> None:
    imported = histories(7)
    assert store.create_many(imported, batch_size=3) == 7
    for history in imported:
        complaint_id = history[0].complaint_id
        assert store.history(complaint_id) == history
        assert store.get(complaint_id) == replay(history)
    feed = list(store.feed())
    assert [(r.complaint_id, r.version) for r in feed] == [
        (h[0].complaint_id, v) for h in imported for v in range(1, len(h) + 1)
    ]
    assert store.verify_integrity().ok


def test_create_many_records_each_next_due(store: SQLAlchemyStore) -> None:
    def due(complaint: Complaint) -> datetime | None:
        return START + timedelta(days=1) if complaint.is_open else None

    store.create_many(histories(4), next_due=due)
    overdue = store.find(ComplaintQuery(overdue_at=START + timedelta(days=2)))
    assert [c.id for c in overdue] == ["C-000", "C-001", "C-002"]


def test_create_many_of_nothing_stores_nothing(store: SQLAlchemyStore) -> None:
    assert store.create_many([]) == 0
    assert store.count() == 0


@pytest.mark.parametrize("bad", [0, -5])
def test_create_many_refuses_a_batch_size_below_one(store: SQLAlchemyStore, bad: int) -> None:
    with pytest.raises(ValidationError, match="batch_size"):
        store.create_many(histories(1), batch_size=bad)


def test_an_import_clashing_with_a_stored_id_stores_nothing(store: SQLAlchemyStore) -> None:
    store.create(history_to("acknowledged", "C-004"))
    with pytest.raises(ConcurrencyConflict) as caught:
        store.create_many(histories(6), batch_size=2)
    assert (caught.value.complaint_id, caught.value.actual_version) == ("C-004", 2)
    assert store.count() == 1  # the two batches before the clash were rolled back too
    assert len(list(store.feed())) == 2


def test_an_import_naming_an_id_twice_stores_nothing(store: SQLAlchemyStore) -> None:
    twice = [*histories(3), history_to("received", "C-001")]
    with pytest.raises(ConcurrencyConflict):
        store.create_many(twice, batch_size=2)
    assert store.count() == 0


def test_an_import_with_a_history_the_lifecycle_refuses_stores_nothing(
    store: SQLAlchemyStore,
) -> None:
    first = received("C-BAD")
    refused = [first, Closed(at=first.at + timedelta(hours=1), actor="agent:bo")]
    with pytest.raises(TransitionNotAllowed):
        store.create_many([*histories(3), refused], batch_size=2)
    assert store.count() == 0


def test_an_import_failing_in_the_database_half_way_stores_nothing(
    store: SQLAlchemyStore,
) -> None:
    with db.failing_writes(store, after_rows=5), pytest.raises(StorageError, match="injected"):
        store.create_many(histories(6), batch_size=10)
    assert store.count() == 0
    assert list(store.feed()) == []


# --- conflicts are conflicts -----------------------------------------------------------------


def test_an_event_row_written_behind_the_stores_back_makes_a_conflict_not_an_integrity_error(
    store: SQLAlchemyStore,
) -> None:
    current = store.create(history_to("received"))
    ack = event_for(current, "acknowledge")
    # Another program wrote version 2 without moving the complaint row on: the unique
    # (complaint_id, version) constraint is what stops the store from writing a second one.
    forged = db.raw_rows(store, current.id)
    db.write_raw_rows(store, current.id, [*forged, seal(current.id, 2, ack, forged[0].digest)])
    with pytest.raises(ConcurrencyConflict) as caught:
        store.append(current.id, [ack], expected_version=1)
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    assert store.get(current.id).version == 1


@pytest.mark.postgres
def test_conflicts_under_repeatable_read_are_conflicts(postgres_url: str) -> None:
    # A host may run PostgreSQL at a stricter isolation level: a lost race then surfaces as
    # a serialization failure in the database, which the store reports as a conflict.
    db.empty_tables(postgres_url)
    engine = engine_for(postgres_url).execution_options(isolation_level="REPEATABLE READ")
    store = SQLAlchemyStore(engine, migrate=True)
    current = store.create(history_to("acknowledged"))
    errors: list[BaseException] = []
    written: list[int] = []
    conflicts: list[ConcurrencyConflict] = []
    barrier = threading.Barrier(6)

    def write(n: int) -> None:
        barrier.wait()
        for i in range(8):
            seen = store.get(current.id)
            note = NoteAdded(at=seen.last_event_at, actor=f"agent:{n}", text=f"{n}-{i}")
            try:
                store.append(current.id, [note], expected_version=seen.version)
                written.append(n)
            except ConcurrencyConflict as conflict:
                conflicts.append(conflict)
            except BaseException as exc:  # reported below
                errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    try:
        assert errors == []
        assert len(written) + len(conflicts) == 48
        assert store.get(current.id).version == 2 + len(written)
        assert store.verify_integrity().ok
    finally:
        store.close()
        engine.dispose()


def test_a_head_kept_by_another_store_object_that_went_stale_is_a_conflict(url: str) -> None:
    first, second = SQLAlchemyStore(url, migrate=True), SQLAlchemyStore(url)
    try:
        current = first.create(history_to("received"))  # first keeps its head, version 1
        ack = event_for(current, "acknowledge")
        second.append(current.id, [ack], expected_version=1)
        feed = list(first.feed())
        with pytest.raises(ConcurrencyConflict) as caught:
            first.append(current.id, [ack], expected_version=1)
        assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
        assert first.history(current.id) == (*history_to("received"), ack)
        assert list(first.feed()) == feed  # nothing written
        assert first.verify_integrity().ok
    finally:
        first.close()
        second.close()


def test_a_kept_head_whose_digest_is_no_longer_stored_is_read_again(
    store: SQLAlchemyStore, url: str
) -> None:
    current = store.create(history_to("received"))  # the store keeps this head
    kept = db.raw_rows(store, current.id)[0].digest
    # The complaint is made again behind the store's back, at the same version: its chain
    # differs (each personal part has a salt of its own).
    with store.engine.begin() as connection:
        for table, column in ((db.EVENTS, "complaint_id"), (db.FACTS, "complaint_id")):
            connection.execute(
                sa.text(f"DELETE FROM {table} WHERE {column} = :id"), {"id": current.id}
            )
        connection.execute(
            sa.text(f"DELETE FROM {db.COMPLAINTS} WHERE id = :id"), {"id": current.id}
        )
    other = SQLAlchemyStore(url)
    try:
        other.create(history_to("received"))
    finally:
        other.close()
    digest = db.raw_rows(store, current.id)[0].digest
    assert digest != kept
    after = store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert after.version == 2
    assert db.raw_rows(store, current.id)[1].previous == digest
    assert store.verify_integrity().ok


def test_several_events_appended_together_take_feed_positions_in_their_order(
    store: SQLAlchemyStore,
) -> None:
    current = store.create(history_to("received"))
    notes = [
        NoteAdded(at=current.last_event_at + timedelta(minutes=n), actor="agent:ana", text=str(n))
        for n in range(1, 6)
    ]
    store.append(current.id, notes, expected_version=1)
    feed = list(store.feed())
    assert [r.version for r in feed] == [1, 2, 3, 4, 5, 6]
    assert [r.event for r in feed[1:]] == notes
    assert [r.position for r in feed] == sorted(r.position for r in feed)


def test_an_append_writes_again_a_facts_row_lost_behind_the_stores_back(
    store: SQLAlchemyStore,
) -> None:
    current = store.create(history_to("received"))
    with store.engine.begin() as connection:
        connection.execute(sa.text(f"DELETE FROM {db.FACTS} WHERE complaint_id = 'C-0001'"))
    assert not store.verify_integrity().ok
    store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert store.verify_integrity().ok  # acknowledging changed the facts: written again


def _prepared(text: str) -> tuple[str, int]:
    """A statement with psycopg's ``%(name)s`` parameters as ``$n``, and how many."""
    names: dict[str, int] = {}
    numbered = re.sub(r"%\((\w+)\)s", lambda m: f"${names.setdefault(m[1], len(names) + 1)}", text)
    return numbered, len(names)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "name", ["READ_HEAD", "UPDATE_ROW", "ERASE_PERSONAL", "append", "append with facts"]
)
def test_the_write_statements_find_their_rows_by_index_under_generic_plans(
    postgres_url: str, name: str
) -> None:
    # psycopg prepares a statement run five times, and PostgreSQL may then plan it once
    # for any values: an id bound with a cast the index cannot serve would scan the table.
    engine = engine_for(postgres_url)
    if name.startswith("append"):
        text = writes.postgres_append(facts=name.endswith("facts"), several=False)
    else:
        keys = ["version"] if name == "UPDATE_ROW" else None
        text = str(getattr(writes, name).compile(dialect=engine.dialect, column_keys=keys))
    statement, count = _prepared(text)
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
            connection.exec_driver_sql("SET enable_seqscan = off")
            connection.exec_driver_sql(f"PREPARE probe AS {statement}")
            nulls = ", ".join(["NULL"] * count)
            plan = "\n".join(
                row[0] for row in connection.exec_driver_sql(f"EXPLAIN EXECUTE probe({nulls})")
            )
            connection.rollback()
    finally:
        engine.dispose()
    assert "Seq Scan" not in plan, plan


# --- the engine ----------------------------------------------------------------------------


def test_a_hosts_engine_stays_open_after_the_store_closes(url: str) -> None:
    engine = engine_for(url)
    store = SQLAlchemyStore(engine, migrate=True)
    store.close()
    with pytest.raises(ConfigurationError, match="closed"):
        store.count()
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_tampered_query_columns_are_detected(store: SQLAlchemyStore) -> None:
    store.create(history_to("closed", "C-SAFE"))
    store.create(history_to("investigating"))
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE iso10002_complaints SET state = 'closed', is_open = 0 WHERE id = :id"),
            {"id": "C-0001"},
        )
    report = store.verify_integrity()
    assert report.broken == ("C-0001",)
    assert "is_open, state" in str(report)


def test_an_in_memory_database_serves_threads_in_turn() -> None:
    store = SQLAlchemyStore("sqlite://", migrate=True)
    errors: list[BaseException] = []

    def create(n: int) -> None:
        try:
            for i in range(5):
                store.create(history_to("acknowledged", f"C-{n}-{i}"))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert store.count() == 20
    store.close()


def test_verification_sees_each_complaint_as_of_one_instant(store: SQLAlchemyStore) -> None:
    # A complaint's head and its events are read in one snapshot: an append committing
    # between the two reads must not look like a missing or an extra event.
    current = store.create(history_to("acknowledged"))
    done = threading.Event()
    errors: list[BaseException] = []

    def keep_appending() -> None:
        try:
            latest = current
            for n in range(60):
                note = NoteAdded(at=latest.last_event_at, actor="agent:ana", text=f"n{n}")
                latest = store.append(latest.id, [note], expected_version=latest.version)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            done.set()

    writer = threading.Thread(target=keep_appending)
    writer.start()
    reports = []
    while not done.is_set():
        reports.append(store.verify_integrity())
    writer.join(timeout=60)
    assert errors == []
    assert [str(r) for r in reports if not r.ok] == []
    assert len(reports) >= 1


def test_naive_deadlines_are_refused_and_nothing_is_written(store: SQLAlchemyStore) -> None:
    naive = datetime(2026, 3, 9, 17, 0)
    with pytest.raises(ValidationError, match="next_due"):
        store.create(history_to("received"), next_due=naive)
    assert store.count() == 0
    current = store.create(history_to("received"))
    ack = event_for(current, "acknowledge")
    with pytest.raises(ValidationError, match="next_due"):
        store.append(current.id, [ack], expected_version=1, next_due=naive)
    with pytest.raises(ValidationError, match="next_due of C-000"):
        store.create_many(histories(2), next_due=lambda complaint: naive)
    assert store.count() == 1
    assert store.get(current.id).version == 1
