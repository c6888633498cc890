"""The SQLite store passes the store conformance suite, on a file and in memory.

The tamper hooks reach behind the store with plain SQL on their own connection (for the
in-memory database, on the store's only connection), exactly as someone editing the file by
hand would: they even drop the triggers that keep the events table append-only.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import ClassVar

import pytest

from iso10002.integrity import SealedEvent
from iso10002.storage import ComplaintStore, SQLiteStore
from iso10002.storage.common import from_micros, to_micros
from iso10002.storage.sqlite_schema import APPEND_ONLY_TRIGGERS
from iso10002.testing.store_conformance import StoreConformance


def sqlite_store(store: ComplaintStore) -> SQLiteStore:
    assert isinstance(store, SQLiteStore)
    return store


@contextmanager
def raw_connection(store: ComplaintStore) -> Iterator[sqlite3.Connection]:
    """A connection that bypasses the store: a new one to the file, or the memory database's."""
    sqlite = sqlite_store(store)
    if sqlite.path is None:
        with sqlite._pool.use() as db:
            yield db
        return
    db = sqlite3.connect(sqlite.path, isolation_level=None)
    try:
        yield db
    finally:
        db.close()


class SQLiteHooks(StoreConformance):
    """Raw access to an SQLite store, by direct SQL."""

    def raw_rows(self, store: ComplaintStore, complaint_id: str) -> list[SealedEvent]:
        with raw_connection(store) as db:
            rows = db.execute(
                "SELECT complaint_id, version, event_type, at, actor, public, personal, previous,"
                " digest FROM events WHERE complaint_id = ? ORDER BY version",
                (complaint_id,),
            ).fetchall()
        return [
            SealedEvent(
                complaint_id=row[0],
                version=row[1],
                event_type=row[2],
                at=from_micros(row[3]),
                actor=row[4],
                public=row[5],
                personal=row[6],
                previous=row[7],
                digest=row[8],
            )
            for row in rows
        ]

    def write_raw_rows(
        self, store: ComplaintStore, complaint_id: str, rows: Sequence[SealedEvent]
    ) -> None:
        with raw_connection(store) as db:
            db.execute("BEGIN IMMEDIATE")
            # Someone with write access can drop the append-only triggers; verification must
            # still catch what they do.
            db.execute("DROP TRIGGER events_are_never_deleted")
            db.execute("DROP TRIGGER events_change_only_by_erasure")
            db.execute("DELETE FROM events WHERE complaint_id = ?", (complaint_id,))
            db.executemany(
                "INSERT INTO events (complaint_id, version, event_type, at, actor, public,"
                " personal, previous, digest, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                [
                    (
                        complaint_id,
                        r.version,
                        r.event_type,
                        to_micros(r.at),
                        r.actor,
                        r.public,
                        r.personal,
                        r.previous,
                        r.digest,
                    )
                    for r in rows
                ],
            )
            for trigger in APPEND_ONLY_TRIGGERS:
                db.execute(trigger)
            db.execute("COMMIT")

    def tamper_snapshot(self, store: ComplaintStore, complaint_id: str) -> None:
        with raw_connection(store) as db:
            changed = db.execute(
                "UPDATE complaints SET snapshot = json_set(snapshot, '$.state', 'closed') "
                "WHERE id = ?",
                (complaint_id,),
            ).rowcount
        assert changed == 1

    def stored_text(self, store: ComplaintStore) -> str:
        """A dump of every table, plus the raw bytes of the file and its WAL."""
        sqlite = sqlite_store(store)
        with raw_connection(store) as db:
            dump = "\n".join(db.iterdump())
        if sqlite.path is None:
            return dump
        files = [sqlite.path, sqlite.path.with_name(sqlite.path.name + "-wal")]
        raw = [f.read_bytes().decode("latin-1") for f in files if f.exists()]
        return "\n".join([dump, *raw])

    def failing_writes(
        self, store: ComplaintStore, after_rows: int
    ) -> AbstractContextManager[object]:
        return failing_event_inserts(store, after_rows)


@contextmanager
def failing_event_inserts(store: ComplaintStore, after_rows: int) -> Iterator[None]:
    """A trigger in the database that aborts the insert of event row ``after_rows + 1``.

    The counter lives in a table, so the store's own rollback resets it with the rest.
    """
    with raw_connection(store) as db:
        db.execute("CREATE TABLE fault (seen INTEGER NOT NULL)")
        db.execute("INSERT INTO fault VALUES (0)")
        db.execute(
            f"""
            CREATE TRIGGER fault_injection BEFORE INSERT ON events
            BEGIN
                SELECT RAISE(ABORT, 'injected failure')
                WHERE (SELECT seen FROM fault) >= {int(after_rows)};
                UPDATE fault SET seen = seen + 1;
            END
            """
        )
    try:
        yield
    finally:
        with raw_connection(store) as db:
            db.execute("DROP TRIGGER fault_injection")
            db.execute("DROP TABLE fault")


class TestSQLiteFileStore(SQLiteHooks):
    @pytest.fixture(autouse=True)
    def _folder(self, tmp_path: Path) -> None:
        self.folder = tmp_path

    def make_store(self) -> ComplaintStore:
        return SQLiteStore(self.folder / f"store-{uuid.uuid4().hex}.sqlite3")


class TestSQLiteMemoryStore(SQLiteHooks):
    threads: ClassVar[int] = 8

    def make_store(self) -> ComplaintStore:
        return SQLiteStore.memory()
