"""What the SQLite store offers beyond the protocol: bulk import, backups, migrations, memory."""

from __future__ import annotations

import multiprocessing
import pickle
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002 import integrity
from iso10002.clock import ManualClock
from iso10002.errors import ConfigurationError, NotFound, ValidationError
from iso10002.events import Closed, Event
from iso10002.model import ComplaintState
from iso10002.replay import replay
from iso10002.storage import ComplaintQuery, Durability, ImportSummary, SQLiteStore, sqlite_schema
from iso10002.storage._sqlite_sql import write_staged
from iso10002.storage.sqlite_schema import MIGRATIONS, Migration
from iso10002.testing.builders import START, event_for, history_to
from iso10002.testing.strategies import histories

STATES = [s for s in ComplaintState if s is not ComplaintState.NEW]


def varied(count: int, prefix: str = "C") -> list[tuple[Event, ...]]:
    """Histories ending in every state in turn, an hour apart."""
    return [
        history_to(
            STATES[n % len(STATES)], complaint_id=f"{prefix}-{n:04d}", at=START + timedelta(hours=n)
        )
        for n in range(count)
    ]


@pytest.fixture
def store(tmp_path: Path) -> Any:
    with SQLiteStore(tmp_path / "store.sqlite3") as store:
        yield store


def rows(path: Path | None, query: str) -> list[tuple[object, ...]]:
    assert path is not None
    db = sqlite3.connect(path)
    try:
        return db.execute(query).fetchall()
    finally:
        db.close()


# --- bulk import ----------------------------------------------------------------------------


def test_imported_complaints_are_stored_as_create_would_store_them(store: SQLiteStore) -> None:
    histories_ = varied(25)
    summary = store.import_histories(iter(histories_), batch_size=4)
    assert summary == ImportSummary(complaints=25, events=sum(map(len, histories_)))
    for events in histories_:
        complaint_id = events[0].complaint_id  # type: ignore[attr-defined]
        assert store.history(complaint_id) == events
        assert store.get(complaint_id) == replay(events)
    assert [r.event for r in store.feed()] == [e for h in histories_ for e in h]
    assert store.verify_integrity().ok


def test_imported_complaints_take_appends_like_any_other(store: SQLiteStore) -> None:
    store.import_histories([history_to("acknowledged")])
    current = store.get("C-0001")
    after = store.append(current.id, [event_for(current, "assess")], expected_version=2)
    assert after.state is ComplaintState.ASSESSED
    assert store.verify_integrity().ok


def test_import_records_each_next_due_from_the_given_function(store: SQLiteStore) -> None:
    store.import_histories(varied(9), next_due=lambda c: c.received_at + timedelta(days=2))
    overdue = ComplaintQuery(overdue_at=START + timedelta(days=2, hours=2, minutes=30))
    assert [c.id for c in store.find(overdue)] == ["C-0000", "C-0001", "C-0002"]


def test_one_refused_history_imports_nothing_and_names_it(store: SQLiteStore) -> None:
    good = varied(10)
    first = good[6][0]
    bad = (first, Closed(at=first.at + timedelta(hours=1), actor="agent:bo"))
    with pytest.raises(ValidationError) as caught:
        store.import_histories([*good[:6], bad, *good[7:]], batch_size=2)
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith("histories[6]: cannot close")
    assert store.count() == 0
    assert list(store.feed()) == []


def test_every_refused_history_is_listed_in_order(store: SQLiteStore) -> None:
    store.create(history_to("received", "C-0003"))
    good = varied(8)
    listed = [*good, good[1], history_to("acknowledged", "C-X")[1:]]
    with pytest.raises(ValidationError) as caught:
        store.import_histories(listed, batch_size=3)
    # Batches of three: histories[1] was written with the first batch, before its twin came.
    assert caught.value.errors == (
        "histories[3]: complaint 'C-0003' is already stored",
        "histories[8]: complaint 'C-0001' is already stored",
        "histories[9]: events: a new complaint starts with its Received event",
    )
    assert store.count() == 1


def test_a_duplicate_within_one_batch_is_named_with_its_twin(store: SQLiteStore) -> None:
    twice = history_to("received", "C-TWIN")
    with pytest.raises(ValidationError) as caught:
        store.import_histories([twice, twice])
    assert caught.value.errors == ("histories[1]: complaint 'C-TWIN' is also histories[0]",)


def test_a_duplicate_across_batches_is_named(store: SQLiteStore) -> None:
    twice = history_to("received", "C-TWIN")
    with pytest.raises(ValidationError) as caught:
        store.import_histories([twice, twice], batch_size=1)
    assert caught.value.errors == ("histories[1]: complaint 'C-TWIN' is already stored",)


def test_a_flood_of_refusals_is_listed_up_to_a_limit(store: SQLiteStore) -> None:
    headless = history_to("acknowledged")[1:]
    with pytest.raises(ValidationError) as caught:
        store.import_histories([headless] * 1005)
    assert len(caught.value.errors) == 1001
    assert caught.value.errors[-1] == "… and 5 more; nothing was imported"


def test_importing_nothing_writes_nothing(store: SQLiteStore) -> None:
    assert store.import_histories([]) == ImportSummary(complaints=0, events=0)


@pytest.mark.parametrize("size", [0, -1, True, 2.5])
def test_a_batch_size_must_be_a_positive_whole_number(store: SQLiteStore, size: object) -> None:
    with pytest.raises(ValidationError, match="batch_size"):
        store.import_histories([], batch_size=size)  # type: ignore[arg-type]


# --- batches, and batches prepared elsewhere ---------------------------------------------------


def test_batches_are_stored_as_import_histories_stores_them(store: SQLiteStore) -> None:
    histories_ = varied(10)
    batches = [histories_[:4], histories_[4:8], histories_[8:]]
    outcomes = list(store.import_batches(iter(batches)))
    assert outcomes == [ImportSummary(complaints=len(b), events=sum(map(len, b))) for b in batches]
    for events in histories_:
        complaint_id = events[0].complaint_id  # type: ignore[attr-defined]
        assert store.history(complaint_id) == events
        assert store.get(complaint_id) == replay(events)
    assert [r.event for r in store.feed()] == [e for h in histories_ for e in h]
    assert store.verify_integrity().ok


def test_a_refused_batch_stores_nothing_and_the_others_are_stored(store: SQLiteStore) -> None:
    good = varied(6)
    headless = history_to("acknowledged", "C-HEADLESS")[1:]
    outcomes = list(store.import_batches([good[:3], [good[3], headless], good[4:]]))
    assert isinstance(outcomes[0], ImportSummary)
    assert isinstance(outcomes[2], ImportSummary)
    assert isinstance(outcomes[1], ValidationError)
    assert outcomes[1].errors == (
        "histories[1]: events: a new complaint starts with its Received event",
    )
    assert store.count() == 5  # good[3] went with its batch
    with pytest.raises(NotFound):
        store.get(good[3][0].complaint_id)  # type: ignore[attr-defined]


def test_a_batch_already_imported_is_refused_by_its_ends(store: SQLiteStore) -> None:
    histories_ = varied(4)
    store.import_histories(histories_[:1])
    (outcome,) = store.import_batches([histories_])
    assert isinstance(outcome, ValidationError)
    assert outcome.errors == ("histories[0]: complaint 'C-0000' is already stored",)
    assert store.count() == 1


def test_the_next_batch_is_written_only_after_the_caller_took_the_outcome(
    store: SQLiteStore,
) -> None:
    histories_ = varied(6)
    first, refused, last = histories_[:2], [histories_[2], histories_[0]], histories_[4:]
    seen = []
    for outcome in store.import_batches([first, refused, last]):
        seen.append(outcome)
        if isinstance(outcome, ValidationError):  # stored one by one, as an importer would
            store.create(histories_[2])
    assert [type(o) for o in seen] == [ImportSummary, ValidationError, ImportSummary]
    order = [r.complaint_id for r in store.feed()]
    assert order == sorted(order, key=lambda c: int(c[2:]))  # C-0002 before C-0004's batch


def test_a_failure_while_reading_keeps_the_batches_written_whole(store: SQLiteStore) -> None:
    histories_ = varied(9)

    def batches() -> Iterator[list[tuple[Event, ...]]]:
        yield histories_[:3]
        yield histories_[3:6]
        raise KeyboardInterrupt  # after the second batch was written

    with pytest.raises(KeyboardInterrupt):
        for _ in store.import_batches(batches()):
            pass
    assert store.count() == 6  # the first two batches, whole
    assert store.verify_integrity().ok


def test_batches_prepared_in_another_process_store_what_import_batches_stores(
    tmp_path: Path,
) -> None:
    histories_ = varied(7)
    clock = ManualClock(datetime(2026, 12, 1, tzinfo=timezone.utc))
    with (
        mock.patch.object(integrity.secrets, "token_hex", return_value="ab" * 16),
        SQLiteStore(tmp_path / "batches.sqlite3", clock=clock) as one,
        SQLiteStore(tmp_path / "prepared.sqlite3", clock=clock) as other,
    ):
        list(one.import_batches([histories_[:4], histories_[4:]]))
        prepare = pickle.loads(pickle.dumps(other.preparer()))  # as a worker receives it
        batches = [[prepare(h) for h in histories_[:4]], [prepare(h) for h in histories_[4:]]]
        sent = pickle.loads(pickle.dumps(batches))  # and as it sends them back
        outcomes = list(other.import_prepared(sent))
    assert outcomes == [
        ImportSummary(len(b), sum(map(len, b))) for b in (histories_[:4], histories_[4:])
    ]
    tables = "SELECT * FROM complaints ORDER BY id", "SELECT * FROM events ORDER BY position"
    for query in tables:
        assert rows(one.path, query) == rows(other.path, query)


def test_a_staged_batch_stores_what_import_batches_stores(tmp_path: Path) -> None:
    histories_ = varied(7)
    clock = ManualClock(datetime(2026, 12, 1, tzinfo=timezone.utc))
    staged = [tmp_path / "first.sqlite3", tmp_path / "second.sqlite3"]
    with (
        mock.patch.object(integrity.secrets, "token_hex", return_value="ab" * 16),
        SQLiteStore(tmp_path / "batches.sqlite3", clock=clock) as one,
        SQLiteStore(tmp_path / "staged.sqlite3", clock=clock) as other,
    ):
        list(one.import_batches([histories_[:4], histories_[4:]]))
        prepare = other.preparer()
        write_staged(staged[0], [prepare(h) for h in histories_[:4]])
        write_staged(staged[1], [prepare(h) for h in histories_[4:]])
        outcomes = list(other.import_staged(staged))
        assert other.verify_integrity().ok
    assert outcomes == [
        ImportSummary(len(b), sum(map(len, b))) for b in (histories_[:4], histories_[4:])
    ]
    for query in ("SELECT * FROM complaints ORDER BY id", "SELECT * FROM events ORDER BY position"):
        assert rows(one.path, query) == rows(other.path, query)
    assert all(path.exists() for path in staged)  # left to their owner


def test_a_staged_batch_with_an_id_taken_or_repeated_stores_nothing(
    store: SQLiteStore, tmp_path: Path
) -> None:
    prepare = store.preparer()
    histories_ = varied(3)
    store.import_histories(histories_[2:])
    path = tmp_path / "batch.sqlite3"
    write_staged(path, [prepare(histories_[0]), prepare(histories_[2]), prepare(histories_[0])])
    (outcome,) = store.import_staged([path])
    assert isinstance(outcome, ValidationError)
    assert outcome.errors == (
        "histories[1]: complaint 'C-0002' is already stored",
        "histories[2]: complaint 'C-0000' is also histories[0]",
    )
    assert store.count() == 1
    (again,) = store.import_staged([path])  # the store is still usable, the file attachable
    assert isinstance(again, ValidationError)


def test_a_prepared_batch_with_an_id_already_stored_is_refused_whole(store: SQLiteStore) -> None:
    prepare = store.preparer()
    histories_ = varied(3)
    list(store.import_prepared([[prepare(histories_[1])]]))
    (outcome,) = store.import_prepared([[prepare(h) for h in histories_]])
    assert isinstance(outcome, ValidationError)
    assert outcome.errors == ("histories[1]: complaint 'C-0001' is already stored",)
    assert store.count() == 1


def test_a_memory_store_imports_batches_too() -> None:
    with SQLiteStore.memory() as store:
        outcomes = list(store.import_batches([varied(3), varied(2, "D")]))
        assert outcomes == [ImportSummary(3, 6), ImportSummary(2, 3)]
        assert store.count() == 5


def test_histories_may_read_a_file_store_while_it_imports(store: SQLiteStore) -> None:
    store.create(history_to("closed", "C-KNOWN"))

    def unknown_only() -> Iterator[tuple[Event, ...]]:  # skips what is stored already
        for events in [*varied(3, "NEW"), history_to("closed", "C-KNOWN")]:
            try:
                store.get(events[0].complaint_id)  # type: ignore[attr-defined]
            except NotFound:
                yield events

    assert store.import_histories(unknown_only()).complaints == 3
    assert store.count() == 4


def test_an_in_memory_store_refuses_to_be_read_from_inside_its_own_import() -> None:
    with SQLiteStore.memory() as store:

        def reading() -> Iterator[tuple[Event, ...]]:
            store.count()
            yield history_to("received")

        with pytest.raises(ConfigurationError, match="one call at a time"):
            store.import_histories(reading())
        assert store.count() == 0


unique_histories = st.lists(
    histories(max_events=8), max_size=6, unique_by=lambda h: h[0].complaint_id
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
@given(unique_histories)
def test_import_is_the_same_as_creating_one_by_one(batch: list[tuple[Event, ...]]) -> None:
    with SQLiteStore.memory() as imported, SQLiteStore.memory() as created:
        imported.import_histories(batch, batch_size=2)
        for events in batch:
            created.create(events)
        assert list(imported.find()) == list(created.find())
        assert [r.event for r in imported.feed()] == [r.event for r in created.feed()]
        assert imported.verify_integrity().ok


# --- find in SQL means ComplaintQuery.matches ----------------------------------------------


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(unique_histories, st.data())
def test_find_and_count_mean_what_matches_means(
    batch: list[tuple[Event, ...]], data: st.DataObject
) -> None:
    snapshots = [replay(events) for events in batch]
    due = {
        c.id: data.draw(st.none() | st.just(c.received_at + timedelta(days=3))) for c in snapshots
    }
    instants = [c.received_at for c in snapshots] or [START]
    categories = [c.classification.category for c in snapshots if c.classification.category]
    query = ComplaintQuery(
        states=data.draw(st.none() | st.frozensets(st.sampled_from(STATES), max_size=3)),
        received_from=data.draw(st.none() | st.sampled_from(instants)),
        received_until=data.draw(st.none() | st.sampled_from(instants)),
        category=data.draw(st.none() | st.sampled_from(categories or ["fees"])),
        overdue_at=data.draw(st.none() | st.sampled_from(instants).map(lambda t: t + timedelta(4))),
        limit=data.draw(st.none() | st.integers(1, 4)),
    )
    with SQLiteStore.memory() as store:
        for events in batch:
            store.create(events, next_due=due[events[0].complaint_id])  # type: ignore[attr-defined]
        expected = sorted(
            (c for c in snapshots if query.matches(c, due[c.id])),
            key=lambda c: (c.received_at, c.id),
        )
        assert [c.id for c in store.find(query)] == [c.id for c in expected[: query.limit]]
        assert store.count(query) == len(expected)


def test_find_streams_in_pages_and_misses_nothing(store: SQLiteStore) -> None:
    store.import_histories(varied(700))  # more than the first pages hold
    found = [c.id for c in store.find()]
    assert found == [f"C-{n:04d}" for n in range(700)]
    assert len(list(store.find(ComplaintQuery(limit=300)))) == 300
    assert len(list(store.feed(limit=1000))) == 1000


# --- backups --------------------------------------------------------------------------------


def test_a_backup_is_a_store_of_its_own_with_the_same_records(
    store: SQLiteStore, tmp_path: Path
) -> None:
    store.import_histories(varied(12))
    copy = store.backup(tmp_path / "backup.sqlite3")
    with SQLiteStore(copy) as restored:
        assert list(restored.find()) == list(store.find())
        assert list(restored.feed()) == list(store.feed())
        assert restored.verify_integrity().ok


def test_a_backup_never_overwrites_a_file(store: SQLiteStore, tmp_path: Path) -> None:
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    with pytest.raises(ConfigurationError, match="exists already"):
        store.backup(target)
    assert target.read_text() == "keep me"


def test_a_memory_store_is_kept_by_backing_it_up(tmp_path: Path) -> None:
    with SQLiteStore.memory() as memory:
        memory.create(history_to("closed"))
        memory.backup(tmp_path / "kept.sqlite3")
    with SQLiteStore(tmp_path / "kept.sqlite3") as kept:
        assert kept.get("C-0001").state is ComplaintState.CLOSED


def test_a_checkpoint_empties_the_wal(store: SQLiteStore) -> None:
    store.import_histories(varied(20))
    assert store.checkpoint() is True
    assert store.path is not None
    assert store.path.with_name(store.path.name + "-wal").stat().st_size == 0


# --- migrations -----------------------------------------------------------------------------


def with_extra_migration(monkeypatch: pytest.MonkeyPatch, *statements: str) -> None:
    """Pretend this version of the library ships one more schema step."""
    step = Migration(len(MIGRATIONS) + 1, "a later step", statements)
    monkeypatch.setattr(sqlite_schema, "MIGRATIONS", (*MIGRATIONS, step))
    monkeypatch.setattr(sqlite_schema, "SCHEMA_VERSION", step.version)


def test_an_older_file_is_migrated_forward_keeping_its_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    with SQLiteStore(path) as old:
        old.import_histories(varied(5))
    with_extra_migration(monkeypatch, "ALTER TABLE complaints ADD COLUMN region TEXT")
    with SQLiteStore(path) as new:
        assert new.schema_version == len(MIGRATIONS) + 1
        assert new.count() == 5
        assert new.verify_integrity().ok
    db = sqlite3.connect(path)
    assert "region" in [row[1] for row in db.execute("PRAGMA table_info(complaints)")]
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    db.close()


def test_a_failing_migration_step_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.sqlite3"
    with SQLiteStore(path) as old:
        old.create(history_to("received"))
    with_extra_migration(
        monkeypatch, "ALTER TABLE complaints ADD COLUMN region TEXT", "THIS IS NOT SQL"
    )
    with pytest.raises(ConfigurationError, match="syntax error"):
        SQLiteStore(path)
    db = sqlite3.connect(path)
    assert "region" not in [row[1] for row in db.execute("PRAGMA table_info(complaints)")]
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    db.close()


def open_and_count(path: str, start: Any) -> int:
    start.wait()
    with SQLiteStore(path) as store:
        return store.count()


def test_processes_opening_a_new_file_at_once_all_get_one_schema(tmp_path: Path) -> None:
    spawn = multiprocessing.get_context("spawn")
    paths = [tmp_path / f"raced-{n}.sqlite3" for n in range(5)]
    with spawn.Manager() as manager, spawn.Pool(4) as pool:
        for path in paths:  # several races: a lost one shows as an error or a wrong schema
            start = manager.Barrier(4)
            assert pool.starmap(open_and_count, [(str(path), start)] * 4) == [0, 0, 0, 0]
    for path in paths:
        with SQLiteStore(path) as store:
            assert store.schema_version == len(MIGRATIONS)
            store.create(history_to("received"))


# --- memory, durability, closing --------------------------------------------------------------


def test_memory_stores_are_separate() -> None:
    with SQLiteStore.memory() as one, SQLiteStore(":memory:") as two:
        one.create(history_to("received"))
        assert (one.count(), two.count()) == (1, 0)
        assert one.path is None


@pytest.mark.parametrize(("durability", "level"), [("full", 2), (Durability.NORMAL, 1)])
def test_durability_sets_how_sqlite_syncs(tmp_path: Path, durability: str, level: int) -> None:
    with SQLiteStore(tmp_path / "x.sqlite3", durability=durability) as store:
        with store._pool.use() as db:
            assert db.execute("PRAGMA synchronous").fetchone()[0] == level
        assert store.durability is Durability(durability)


def test_closing_twice_is_harmless_and_streams_stop(store: SQLiteStore) -> None:
    store.create(history_to("received"))
    store.close()
    store.close()
    with pytest.raises(ConfigurationError, match="closed"):
        list(store.find())
    with pytest.raises(ConfigurationError, match="closed"):
        list(store.feed())
