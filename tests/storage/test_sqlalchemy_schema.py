"""The SQLAlchemy store's schema: shipped Alembic migrations, and databases the store refuses.

The migrations must build exactly the schema the metadata declares (Alembic's autogenerate
finds nothing to change), leave a host's own tables and Alembic history alone, and run from
code, from Alembic's own commands and from several processes at once. A database without
the schema, with a revision newer than this library knows, with tables of our names that
Alembic never made, or that is not a database at all, is refused with a clear
``ConfigurationError`` and left untouched.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import redirect_stdout
from pathlib import Path

import pytest
import sqla_support as db
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from iso10002.errors import ConfigurationError
from iso10002.storage.sqlalchemy import SQLAlchemyStore, upgrade
from iso10002.storage.sqlalchemy_migrations import (
    alembic_config,
    current_revision,
    head_revision,
    include_name,
)
from iso10002.storage.sqlalchemy_schema import VERSION_TABLE, metadata
from iso10002.testing.builders import history_to


@pytest.fixture
def postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    db.require_postgres(request)
    url = db.create_database("schema")
    try:
        yield url
    finally:
        db.drop_database(url)


@pytest.fixture
def sqlite_database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'complaints.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> str:
    """An empty database of each kind the store supports."""
    fixture = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    url = request.getfixturevalue(fixture)
    assert isinstance(url, str)
    return url


def differences(url: str) -> list[object]:
    """What Alembic's autogenerate would change to make the database match the metadata."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={
                    "include_name": include_name,
                    "compare_type": True,
                    "version_table": VERSION_TABLE,
                },
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def run(url: str, statement: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql(statement)
    finally:
        engine.dispose()


# --- the migrations ----------------------------------------------------------------------------


def test_the_migrated_schema_equals_the_metadata(database: str) -> None:
    upgrade(database)
    assert differences(database) == []


def added_tables(url: str) -> set[str]:
    return {d[1].name for d in differences(url) if isinstance(d, tuple) and d[0] == "add_table"}


def test_the_comparison_sees_a_schema_that_drifted(database: str) -> None:
    # The comparison above can fail: it finds a missing index, and every table missing.
    assert added_tables(database) == set(metadata.tables)
    upgrade(database)
    run(database, "DROP INDEX ix_iso10002_complaints_category")
    assert [d[0] for d in differences(database) if isinstance(d, tuple)] == ["add_index"]


def test_migrations_leave_the_hosts_tables_and_alembic_history_alone(database: str) -> None:
    run(database, "CREATE TABLE orders (id INTEGER PRIMARY KEY, total INTEGER)")
    run(database, "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    run(database, "INSERT INTO alembic_version VALUES ('host_rev_7')")
    upgrade(database)
    assert differences(database) == []
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            host_revision = connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).scalar_one()
    finally:
        engine.dispose()
    assert {"orders", "alembic_version", VERSION_TABLE} <= tables
    assert host_revision == "host_rev_7"


def test_upgrading_twice_changes_nothing(database: str) -> None:
    upgrade(database)
    upgrade(database)
    store = SQLAlchemyStore(database)
    try:
        assert store.count() == 0
    finally:
        store.close()


def test_the_head_is_the_newest_shipped_revision(sqlite_database: str) -> None:
    upgrade(sqlite_database)
    engine = sa.create_engine(sqlite_database)
    try:
        with engine.connect() as connection:
            assert current_revision(connection) == head_revision() == "0002"
    finally:
        engine.dispose()


def test_alembics_own_upgrade_command_migrates_a_url(database: str) -> None:
    command.upgrade(alembic_config(database), "head")
    assert differences(database) == []


def test_alembic_prints_the_migration_as_sql_offline(postgres_database: str) -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        command.upgrade(alembic_config(postgres_database), "head", sql=True)
    assert "CREATE TABLE iso10002_events" in out.getvalue()
    assert "GENERATED BY DEFAULT AS IDENTITY" in out.getvalue()
    assert differences(postgres_database) != []  # printed, not run


@pytest.mark.postgres
def test_concurrent_upgrades_build_one_schema(postgres_database: str) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def migrate() -> None:
        barrier.wait()
        try:
            upgrade(postgres_database)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=migrate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert differences(postgres_database) == []


def test_the_store_upgrades_its_own_database(database: str) -> None:
    store = SQLAlchemyStore(database, migrate=True)
    try:
        store.upgrade()
        store.create(history_to("received"))
        assert store.count() == 1
    finally:
        store.close()


# --- databases the store refuses ---------------------------------------------------------------


def test_a_database_without_the_schema_is_refused(database: str) -> None:
    with pytest.raises(ConfigurationError, match=r"no iso10002 schema.*upgrade"):
        SQLAlchemyStore(database)
    assert added_tables(database) == set(metadata.tables)  # nothing was made


def test_a_schema_newer_than_this_library_is_refused(database: str) -> None:
    upgrade(database)
    run(database, f"UPDATE {VERSION_TABLE} SET version_num = '0099'")
    for migrate in (False, True):
        with pytest.raises(ConfigurationError, match=r"revision '0099'.*newer iso10002"):
            SQLAlchemyStore(database, migrate=migrate)


def test_several_recorded_revisions_are_refused(database: str) -> None:
    upgrade(database)
    run(database, f"INSERT INTO {VERSION_TABLE} VALUES ('0099')")
    with pytest.raises(ConfigurationError, match="several schema revisions"):
        SQLAlchemyStore(database)


def test_tables_of_our_names_that_alembic_never_made_are_refused(database: str) -> None:
    run(database, "CREATE TABLE iso10002_complaints (id INTEGER PRIMARY KEY, name TEXT)")
    with pytest.raises(ConfigurationError, match="not a database iso10002 created"):
        SQLAlchemyStore(database, migrate=True)
    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            assert VERSION_TABLE not in sa.inspect(connection).get_table_names()
    finally:
        engine.dispose()


def test_a_schema_whose_tables_were_dropped_is_refused(database: str) -> None:
    upgrade(database)
    run(database, "DROP TABLE iso10002_events")
    with pytest.raises(ConfigurationError, match="iso10002_events are missing"):
        SQLAlchemyStore(database, migrate=True)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    text = "Meeting notes, not a database.\n" * 200
    path.write_text(text)
    with pytest.raises(ConfigurationError, match="not an SQLite database"):
        SQLAlchemyStore(f"sqlite:///{path}", migrate=True)
    assert path.read_text() == text


def test_an_unreachable_server_is_a_storage_error() -> None:
    from iso10002.errors import StorageError

    # Port 9 (discard) on the loopback: nothing listens there, the connection is refused.
    with pytest.raises(StorageError, match="opening the database failed"):
        SQLAlchemyStore("postgresql://postgres@127.0.0.1:9/test?connect_timeout=3")
