"""What the SQLAlchemy store's tests share: throwaway PostgreSQL databases and raw SQL access.

Every test session (and xdist worker) works in PostgreSQL databases of its own, named
``iso10002_sqla_<purpose>_<hex>``, dropped at the end: other suites use the same server at
the same time. The raw-access helpers read and rewrite tables with plain SQL, behind the
store's back, for the conformance suite's tamper and fault hooks.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from iso10002.integrity import SealedEvent
from iso10002.storage.common import from_micros, to_micros
from iso10002.storage.sqlalchemy import SQLAlchemyStore
from iso10002.storage.sqlalchemy_schema import complaint_facts, complaints, events
from service_checks import require_service

POSTGRES_URL = os.environ.get(
    "ISO10002_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
EVENTS = events.name
COMPLAINTS = complaints.name
FACTS = complaint_facts.name


def _server_url(database: str | None = None) -> sa.URL:
    url = sa.make_url(POSTGRES_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url if database is None else url.set(database=database)


def postgres_available() -> tuple[bool, str]:
    """Whether the test server answers, and if not why."""
    engine = sa.create_engine(_server_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as exc:
        return False, f"no PostgreSQL at {_server_url().render_as_string()}: {exc}"
    finally:
        engine.dispose()
    return True, ""


def require_postgres(request: pytest.FixtureRequest) -> None:
    """The test server, or a skip here and a failure in CI (``service_checks``)."""
    available, reason = postgres_available()
    require_service(available, reason)


def _admin() -> sa.Engine:
    return sa.create_engine(_server_url(), isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


def create_database(purpose: str) -> str:
    """A new, empty database on the test server; returns its URL."""
    name = f"iso10002_sqla_{purpose}_{uuid.uuid4().hex[:12]}"
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return _server_url(name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    """Drop a database :func:`create_database` made, whoever is still connected to it."""
    name = sa.make_url(url).database
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def terminate_backends(url: str) -> int:
    """End every server process connected to the database of ``url`` (a server restart)."""
    name = sa.make_url(url).database
    admin = _admin()
    try:
        with admin.connect() as connection:
            ended = connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar_one()
    finally:
        admin.dispose()
    return int(ended)


def empty_tables(url: str) -> None:
    """Remove every complaint (a fresh store on an already migrated database)."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                sa.text(f"TRUNCATE {EVENTS}, {FACTS}, {COMPLAINTS} RESTART IDENTITY")
            )
    finally:
        engine.dispose()


# --- raw access, for the conformance suite's hooks ----------------------------------------------


def engine_of(store: object) -> sa.Engine:
    assert isinstance(store, SQLAlchemyStore)
    return store.engine


def raw_rows(store: object, complaint_id: str) -> list[SealedEvent]:
    with engine_of(store).connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT complaint_id, version, event_type, at, actor, public, personal, "
                f"previous, digest FROM {EVENTS} WHERE complaint_id = :id ORDER BY version"
            ),
            {"id": complaint_id},
        ).all()
    return [
        SealedEvent(
            complaint_id=r.complaint_id,
            version=r.version,
            event_type=r.event_type,
            at=from_micros(r.at),
            actor=r.actor,
            public=r.public,
            personal=r.personal,
            previous=r.previous,
            digest=r.digest,
        )
        for r in rows
    ]


def write_raw_rows(store: object, complaint_id: str, rows: Sequence[SealedEvent]) -> None:
    with engine_of(store).begin() as connection:
        connection.execute(
            sa.text(f"DELETE FROM {EVENTS} WHERE complaint_id = :id"), {"id": complaint_id}
        )
        for row in rows:
            connection.execute(
                sa.text(
                    f"INSERT INTO {EVENTS} (complaint_id, version, event_type, at, actor, "
                    "public, personal, previous, digest, recorded_at) VALUES (:complaint_id, "
                    ":version, :event_type, :at, :actor, :public, :personal, :previous, "
                    ":digest, 0)"
                ),
                {
                    "complaint_id": complaint_id,
                    "version": row.version,
                    "event_type": row.event_type,
                    "at": to_micros(row.at),
                    "actor": row.actor,
                    "public": row.public,
                    "personal": row.personal,
                    "previous": row.previous,
                    "digest": row.digest,
                },
            )


def tamper_snapshot(store: object, complaint_id: str) -> None:
    with engine_of(store).begin() as connection:
        text = connection.execute(
            sa.text(f"SELECT snapshot FROM {COMPLAINTS} WHERE id = :id"), {"id": complaint_id}
        ).scalar_one()
        data = json.loads(text)
        data["state"] = "closed"
        connection.execute(
            sa.text(f"UPDATE {COMPLAINTS} SET snapshot = :snapshot WHERE id = :id"),
            {"snapshot": json.dumps(data), "id": complaint_id},
        )


def stored_text(store: object) -> str:
    """Every row of every table in the database, as text."""
    engine = engine_of(store)
    with engine.connect() as connection:
        tables = sa.inspect(connection).get_table_names()
        dump = []
        for table in sorted(tables):
            rows = connection.execute(sa.text(f'SELECT * FROM "{table}"')).all()
            dump.append(f"{table}: {[tuple(row) for row in rows]!r}")
    return "\n".join(dump)


@contextmanager
def failing_writes(store: object, after_rows: int) -> Iterator[None]:
    """A trigger in the database that fails the event insert after ``after_rows`` rows."""
    engine = engine_of(store)
    if engine.dialect.name == "postgresql":
        create = [
            "CREATE FUNCTION iso10002_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE n integer; BEGIN "
            "n := coalesce(nullif(current_setting('iso10002_test.rows', true), ''), '0')"
            "::integer + 1; "
            "PERFORM set_config('iso10002_test.rows', n::text, true); "
            f"IF n > {after_rows} THEN "
            "RAISE EXCEPTION USING MESSAGE = 'injected failure at event row ' || n; "
            "END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER iso10002_test_fail BEFORE INSERT ON {EVENTS} "
            "FOR EACH ROW EXECUTE FUNCTION iso10002_test_fail()",
        ]
        drop = [
            f"DROP TRIGGER iso10002_test_fail ON {EVENTS}",
            "DROP FUNCTION iso10002_test_fail()",
        ]
    else:
        # The counter lives in a table, so the failed transaction's rollback resets it too.
        create = [
            "CREATE TABLE iso10002_test_fault (seen INTEGER NOT NULL)",
            "INSERT INTO iso10002_test_fault VALUES (0)",
            f"CREATE TRIGGER iso10002_test_fail BEFORE INSERT ON {EVENTS} BEGIN "
            "UPDATE iso10002_test_fault SET seen = seen + 1; "
            "SELECT RAISE(ABORT, 'injected failure') "
            f"WHERE (SELECT seen FROM iso10002_test_fault) > {after_rows}; END",
        ]
        drop = ["DROP TRIGGER iso10002_test_fail", "DROP TABLE iso10002_test_fault"]
    with engine.begin() as connection:
        for statement in create:
            connection.exec_driver_sql(statement)
    try:
        yield
    finally:
        with engine.begin() as connection:
            for statement in drop:
                connection.exec_driver_sql(statement)
