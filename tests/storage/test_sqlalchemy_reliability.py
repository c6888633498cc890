"""The SQLAlchemy store on PostgreSQL under stress: processes, lost connections, feed order.

* N processes (or threads) racing to transition and annotate the same complaints end with no
  lost and no duplicated event, and every loser told so with ``ConcurrencyConflict``.
* A connection killed by the server in the middle of a write (``pg_terminate_backend``)
  raises ``StorageError``, leaves nothing half-written, and the store carries on.
* While a write is in flight, no other writer can give out a later feed position first.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from datetime import timedelta
from typing import Any

import pytest
import sqla_support as db
import sqlalchemy as sa

from iso10002.errors import ConcurrencyConflict, StorageError
from iso10002.events import Acknowledged, Assessed, InvestigationStarted, NoteAdded
from iso10002.model import Complaint
from iso10002.storage.sqlalchemy import FEED_LOCK, SQLAlchemyStore, upgrade
from iso10002.testing.builders import event_for, history_to

pytestmark = pytest.mark.postgres

PROCESSES = 4
ATTEMPTS = 15
COMPLAINTS = ("C-A", "C-B", "C-C")
NEXT = {"received": "acknowledge", "acknowledged": "assess", "assessed": "start_investigation"}


@pytest.fixture(scope="module")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    db.require_postgres(request)
    url = db.create_database("reliability")
    try:
        upgrade(url)
        yield url
    finally:
        db.drop_database(url)


@pytest.fixture
def store(postgres_url: str) -> Iterator[SQLAlchemyStore]:
    db.empty_tables(postgres_url)
    store = SQLAlchemyStore(postgres_url)
    try:
        yield store
    finally:
        store.close()


def state_of(store: SQLAlchemyStore, complaint_id: str) -> tuple[Complaint, tuple[Any, ...]]:
    return store.get(complaint_id), store.history(complaint_id)


# --- processes -----------------------------------------------------------------------------


def race(url: str, worker: int, start: Any) -> tuple[list[str], list[tuple[int, int]]]:
    """One worker's part: move each complaint on, or note on it, ATTEMPTS times.

    ``start`` is a barrier all workers pass together. Returns what this one wrote (event
    descriptions) and the conflicts it was told of.
    """
    store = SQLAlchemyStore(url)
    start.wait()
    written: list[str] = []
    conflicts: list[tuple[int, int]] = []
    try:
        for attempt in range(ATTEMPTS):
            for complaint_id in COMPLAINTS:
                current = store.get(complaint_id)
                action = NEXT.get(current.state.value)
                if action is None:
                    text = f"{complaint_id} note {worker}-{attempt}"
                    event: Any = NoteAdded(
                        at=current.last_event_at + timedelta(minutes=1),
                        actor=f"agent:{worker}",
                        text=text,
                    )
                else:
                    text = f"{complaint_id} {action}"
                    event = event_for(current, action)
                try:
                    store.append(complaint_id, [event], expected_version=current.version)
                except ConcurrencyConflict as conflict:
                    conflicts.append((conflict.expected_version, conflict.actual_version))
                else:
                    written.append(text)
    finally:
        store.close()
    return written, conflicts


@pytest.mark.parametrize("workers", ["processes", "threads"])
def test_writers_racing_on_the_same_complaints_lose_and_duplicate_nothing(
    store: SQLAlchemyStore, postgres_url: str, workers: str
) -> None:
    for complaint_id in COMPLAINTS:
        store.create(history_to("received", complaint_id))
    spawn = multiprocessing.get_context("spawn")
    with ExitStack() as stack:
        if workers == "processes":
            pool: Executor = ProcessPoolExecutor(PROCESSES, mp_context=spawn)
            start: Any = stack.enter_context(spawn.Manager()).Barrier(PROCESSES)
        else:
            pool, start = ThreadPoolExecutor(PROCESSES), threading.Barrier(PROCESSES)
        with pool:
            results = list(
                pool.map(race, [postgres_url] * PROCESSES, range(PROCESSES), [start] * PROCESSES)
            )
    written = [text for done, _ in results for text in done]
    conflicts = [conflict for _, seen in results for conflict in seen]
    assert len(written) + len(conflicts) == PROCESSES * ATTEMPTS * len(COMPLAINTS)
    assert conflicts, "the workers never raced: nothing was tested"
    assert all(actual > expected for expected, actual in conflicts)
    for complaint_id in COMPLAINTS:
        history = store.history(complaint_id)
        kinds = Counter(type(event) for event in history)
        # Each transition happened exactly once, whoever won it (ISO 10002 4.9 integrity).
        assert kinds[Acknowledged] == kinds[Assessed] == kinds[InvestigationStarted] == 1
        notes = sorted(e.text for e in history if isinstance(e, NoteAdded))
        mine = sorted(t for t in written if t.startswith(f"{complaint_id} note"))
        assert notes == mine  # nothing lost, nothing twice
        assert store.get(complaint_id).version == len(history) == 4 + len(notes)
        assert f"{complaint_id} start_investigation" in written
    feed = list(store.feed())
    assert len(feed) == sum(len(store.history(c)) for c in COMPLAINTS)
    assert store.verify_integrity().ok


# --- lost connections ----------------------------------------------------------------------


def kill_own_connection_before(
    store: SQLAlchemyStore, part: str, when: str = "before_cursor_execute"
) -> Any:
    """Terminate the store's server process just before (or after) it runs a statement
    containing ``part``."""

    def terminate(connection: sa.Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if part in statement:
            pid = connection.connection.driver_connection.info.backend_pid  # type: ignore[union-attr]
            admin = sa.create_engine(db.POSTGRES_URL, poolclass=sa.NullPool)
            try:
                with admin.connect() as other:
                    # The 5 s timeout makes it wait until the process has really gone.
                    ended = other.execute(
                        sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
                    ).scalar_one()
                assert ended
            finally:
                admin.dispose()

    sa.event.listen(store.engine, when, terminate)
    return terminate


def test_a_connection_lost_mid_append_writes_nothing_and_the_store_recovers(
    store: SQLAlchemyStore,
) -> None:
    current = store.create(history_to("received"))
    before = state_of(store, current.id)
    feed_before = list(store.feed())
    event = event_for(current, "acknowledge")
    hook = kill_own_connection_before(store, "INSERT INTO iso10002_events")
    try:
        with pytest.raises(StorageError, match="connection to the database was lost"):
            store.append(current.id, [event], expected_version=1)
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", hook)
    assert state_of(store, current.id) == before  # the row was not updated either
    assert list(store.feed()) == feed_before
    assert store.verify_integrity().ok
    assert store.append(current.id, [event], expected_version=1).version == 2


def test_a_connection_lost_mid_create_leaves_no_complaint(store: SQLAlchemyStore) -> None:
    hook = kill_own_connection_before(store, "INSERT INTO iso10002_events")
    try:
        with pytest.raises(StorageError, match="connection to the database was lost"):
            store.create(history_to("acknowledged"), idempotency_key="form-9")
    finally:
        sa.event.remove(store.engine, "before_cursor_execute", hook)
    assert store.count() == 0
    assert list(store.feed()) == []
    # Retrying with the same key is safe, and works.
    assert store.create(history_to("acknowledged"), idempotency_key="form-9").version == 2


def test_a_connection_lost_mid_import_stores_nothing(store: SQLAlchemyStore) -> None:
    # Killed right after the import's first statement of a batch: the COPY that follows
    # finds the connection gone.
    clash_check = "SELECT iso10002_complaints.id"
    hook = kill_own_connection_before(store, clash_check, when="after_cursor_execute")
    histories = [history_to("closed", f"C-{n}") for n in range(5)]
    try:
        with pytest.raises(StorageError, match="connection to the database was lost"):
            store.create_many(histories)
    finally:
        sa.event.remove(store.engine, "after_cursor_execute", hook)
    assert store.count() == 0
    assert store.create_many(histories) == 5


def test_connections_dropped_while_idle_are_replaced(
    store: SQLAlchemyStore, postgres_url: str
) -> None:
    current = store.create(history_to("received"))
    assert store.get(current.id) == current  # a pooled connection now exists
    assert db.terminate_backends(postgres_url) >= 1  # as a server restart would
    assert store.get(current.id) == current  # pre-ping found it dead and reconnected
    assert store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)


# --- feed order ----------------------------------------------------------------------------


def try_feed_lock(url: str) -> bool:
    """Whether another connection could take the feed lock now, without waiting."""
    other = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with other.connect() as connection:
            return bool(
                connection.execute(
                    sa.text("SELECT pg_try_advisory_xact_lock(:a, :b)"),
                    {"a": FEED_LOCK[0], "b": FEED_LOCK[1]},
                ).scalar_one()
            )
    finally:
        other.dispose()


def waiting_for_a_lock(url: str) -> bool:
    """Whether a statement on the database of ``url`` is waiting for a lock now."""
    other = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with other.connect() as connection:
            return bool(
                connection.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                        " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
    finally:
        other.dispose()


def test_no_writer_gives_out_feed_positions_while_another_write_is_uncommitted(
    store: SQLAlchemyStore, postgres_url: str
) -> None:
    a = store.create(history_to("received", "C-A"))
    store.create(history_to("received", "C-B"))
    errors: list[BaseException] = []

    def append_a() -> None:
        try:
            store.append(a.id, [event_for(a, "acknowledge")], expected_version=1)
        except BaseException as exc:  # reported below
            errors.append(exc)

    # Another transaction holds an uncommitted event row at C-A's next version, so the
    # append's insert waits for it: after the append has locked C-A's row, taken the feed
    # lock and been given its position, before it commits.
    blocker = sa.create_engine(postgres_url, poolclass=sa.NullPool)
    thread = threading.Thread(target=append_a)
    try:
        with blocker.connect() as other:
            other.execute(
                sa.text(
                    f"INSERT INTO {db.EVENTS} (complaint_id, version, event_type, at, actor, "
                    "public, previous, digest, recorded_at) "
                    "VALUES ('C-A', 2, 'blocker', 0, 'test', '{}', '', '', 0)"
                )
            )
            thread.start()
            for _ in range(600):
                if waiting_for_a_lock(postgres_url) or not thread.is_alive():
                    break
                thread.join(timeout=0.1)
            assert thread.is_alive(), errors  # the append is in flight
            # Every event writer takes the feed lock before positions are given out: now it
            # would wait for the uncommitted append ...
            assert not try_feed_lock(postgres_url)
            # ... while readers are not held up, and do not see the uncommitted event.
            assert [r.complaint_id for r in store.feed()] == ["C-A", "C-B"]
            other.rollback()  # the append goes on
    finally:
        blocker.dispose()
        if thread.ident is not None:
            thread.join(timeout=60)
    assert errors == []
    assert try_feed_lock(postgres_url)
    positions = [r.position for r in store.feed()]
    assert [r.complaint_id for r in store.feed()] == ["C-A", "C-B", "C-A"]
    assert positions == sorted(positions)
