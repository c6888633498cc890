"""The SQLAlchemy store passes the store conformance suite, on PostgreSQL and on SQLite.

PostgreSQL runs in a database of this session's own (one per xdist worker), emptied before
each test; SQLite in a new file per test. The tamper hooks edit the tables with plain SQL and
``failing_writes`` installs a real trigger (PL/pgSQL, or an SQLite trigger) that fails the
event insert half-way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import sqla_support as db

from iso10002.integrity import SealedEvent
from iso10002.storage import ComplaintStore
from iso10002.storage.sqlalchemy import SQLAlchemyStore, upgrade
from iso10002.testing.store_conformance import StoreConformance


@pytest.fixture(scope="session")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database of this session's own on the test server."""
    db.require_postgres(request)
    url = db.create_database("conformance")
    try:
        upgrade(url)
        yield url
    finally:
        db.drop_database(url)


class _RawSQL(StoreConformance):
    """The hooks, in plain SQL, for both databases."""

    def raw_rows(self, store: ComplaintStore, complaint_id: str) -> list[SealedEvent]:
        return db.raw_rows(store, complaint_id)

    def write_raw_rows(
        self, store: ComplaintStore, complaint_id: str, rows: Sequence[SealedEvent]
    ) -> None:
        db.write_raw_rows(store, complaint_id, rows)

    def tamper_snapshot(self, store: ComplaintStore, complaint_id: str) -> None:
        db.tamper_snapshot(store, complaint_id)

    def stored_text(self, store: ComplaintStore) -> str:
        return db.stored_text(store)

    def failing_writes(
        self, store: ComplaintStore, after_rows: int
    ) -> AbstractContextManager[object]:
        return db.failing_writes(store, after_rows)


@pytest.mark.postgres
class TestSQLAlchemyStoreOnPostgres(_RawSQL):
    url: str

    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> None:
        self.url = postgres_url

    def make_store(self) -> ComplaintStore:
        db.empty_tables(self.url)
        return SQLAlchemyStore(self.url)


class TestSQLAlchemyStoreOnSQLite(_RawSQL):
    path: Path

    @pytest.fixture(autouse=True)
    def _database(self, tmp_path: Path) -> None:
        self.path = tmp_path / "complaints.sqlite3"

    def make_store(self) -> ComplaintStore:
        self.path.unlink(missing_ok=True)
        return SQLAlchemyStore(f"sqlite:///{self.path}", migrate=True)
