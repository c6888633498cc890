"""The SQLite store's file format: its schema, its forward migrations, and opening a file safely.

A file belongs to :class:`~iso10002.storage.sqlite.SQLiteStore` when its header carries
:data:`APPLICATION_ID` (``PRAGMA application_id``); ``PRAGMA user_version`` is the schema
version it is at. :func:`open_store_file` refuses anything else *before writing a byte*: a file
that is not SQLite, an SQLite database that belongs to some other program, a schema newer than
this version of the library knows. An older schema is brought forward one :class:`Migration`
at a time, each in its own ``BEGIN IMMEDIATE`` transaction that re-reads the version first, so
several processes opening one file at once migrate it exactly once.

Adding a column or a table later is a new :class:`Migration` appended to :data:`MIGRATIONS`;
nothing else changes. Version 2 added the metric facts (:mod:`iso10002.storage.facts`) that
metrics computed in SQL read, and filled them in from the stored snapshots.

Examples:
    >>> SCHEMA_VERSION == MIGRATIONS[-1].version
    True
    >>> [m.version for m in MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    True
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from iso10002.errors import (
    ConfigurationError,
    IntegrityViolation,
    Iso10002Error,
    StorageError,
)
from iso10002.storage.common import snapshot_from_json
from iso10002.storage.facts import FACT_COLUMNS, metric_facts

__all__ = [
    "APPLICATION_ID",
    "INSERT_FACTS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SQLITE_HEADER",
    "Migration",
    "database_errors",
    "migrate",
    "open_store_file",
    "translate_error",
]

APPLICATION_ID = int.from_bytes(b"i10k", "big")
"""The ``PRAGMA application_id`` that marks a file as an iso10002 complaint store."""

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite 3 database file."""


@attrs.frozen
class Migration:
    """One forward step of the schema: run ``statements``, then ``populate`` (if any), and
    the file is at ``version``. ``populate`` fills new tables or columns from the data
    already stored, in the same transaction."""

    version: int
    summary: str
    statements: tuple[str, ...]
    populate: Callable[[sqlite3.Connection], None] | None = None


INSERT_FACTS = (
    f"INSERT OR REPLACE INTO complaint_facts ({', '.join(FACT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in FACT_COLUMNS)})"
)
"""Write (or rewrite) one complaint's :func:`~iso10002.storage.facts.metric_facts` row."""


def _populate_facts(db: sqlite3.Connection) -> None:
    """The facts of every stored complaint, from its snapshot, a thousand at a time."""
    last = ""
    while True:
        rows = db.execute(
            "SELECT id, snapshot FROM complaints WHERE id > ? ORDER BY id LIMIT 1000", (last,)
        ).fetchall()
        if not rows:
            return
        db.executemany(INSERT_FACTS, [metric_facts(snapshot_from_json(text)) for _, text in rows])
        last = rows[-1][0]


# The events table is append-only at the database level: the only change SQLite accepts to a
# stored event is erasing its personal part (ISO 10002 4.9 integrity, 4.10 confidentiality).
APPEND_ONLY_TRIGGERS = (
    """
    CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
    BEGIN
        SELECT RAISE(ABORT, 'iso10002: stored events are never deleted');
    END
    """,
    """
    CREATE TRIGGER events_change_only_by_erasure BEFORE UPDATE ON events
    WHEN NEW.personal IS NOT NULL
      OR NEW.position IS NOT OLD.position
      OR NEW.complaint_id IS NOT OLD.complaint_id
      OR NEW.version IS NOT OLD.version
      OR NEW.event_type IS NOT OLD.event_type
      OR NEW.at IS NOT OLD.at
      OR NEW.actor IS NOT OLD.actor
      OR NEW.public IS NOT OLD.public
      OR NEW.previous IS NOT OLD.previous
      OR NEW.digest IS NOT OLD.digest
      OR NEW.recorded_at IS NOT OLD.recorded_at
    BEGIN
        SELECT RAISE(ABORT, 'iso10002: a stored event changes only by erasing its personal part');
    END
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "complaints with their query columns and snapshot, the hash-chained events, "
        "idempotency keys",
        (
            # One row per complaint: the columns `find` filters on (storage.common.query_columns,
            # instants as integer microseconds), the head of its chain, and its snapshot.
            """
            CREATE TABLE complaints (
                id TEXT PRIMARY KEY NOT NULL,
                version INTEGER NOT NULL CHECK (version >= 1),
                head TEXT NOT NULL,
                state TEXT NOT NULL,
                is_open INTEGER NOT NULL CHECK (is_open IN (0, 1)),
                received_at INTEGER NOT NULL,
                assignee TEXT,
                category TEXT,
                product TEXT,
                complaint_type TEXT NOT NULL,
                next_due INTEGER,
                snapshot TEXT NOT NULL
            )
            """,
            "CREATE INDEX complaints_by_receipt ON complaints (received_at, id)",
            "CREATE INDEX complaints_by_state ON complaints (state, received_at, id)",
            "CREATE INDEX complaints_by_assignee ON complaints (assignee, received_at, id)",
            "CREATE INDEX complaints_by_category ON complaints (category, received_at, id)",
            "CREATE INDEX complaints_by_due ON complaints (next_due) WHERE is_open = 1",
            # Every event as integrity.SealedEvent describes it; `position` is the global feed
            # order (AUTOINCREMENT: never reused, and writers are serialised, so it grows in
            # commit order).
            """
            CREATE TABLE events (
                position INTEGER PRIMARY KEY AUTOINCREMENT,
                complaint_id TEXT NOT NULL REFERENCES complaints (id),
                version INTEGER NOT NULL CHECK (version >= 1),
                event_type TEXT NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                public TEXT NOT NULL,
                personal TEXT,
                previous TEXT NOT NULL,
                digest TEXT NOT NULL,
                recorded_at INTEGER NOT NULL,
                UNIQUE (complaint_id, version)
            )
            """,
            """
            CREATE TABLE idempotency_keys (
                key TEXT PRIMARY KEY NOT NULL,
                complaint_id TEXT NOT NULL REFERENCES complaints (id)
            )
            """,
            *APPEND_ONLY_TRIGGERS,
        ),
    ),
    Migration(
        2,
        "metric facts per complaint, for metrics computed in SQL",
        (
            # storage.facts.metric_facts of each complaint's snapshot, written with it;
            # instants are integer microseconds, like every other instant in the file.
            """
            CREATE TABLE complaint_facts (
                complaint_id TEXT PRIMARY KEY NOT NULL REFERENCES complaints (id),
                received_at INTEGER NOT NULL,
                acknowledged_at INTEGER,
                final_response_at INTEGER,
                closed_at INTEGER,
                withdrawn_at INTEGER,
                referred_at INTEGER,
                survey_offered_at INTEGER,
                upheld INTEGER NOT NULL CHECK (upheld IN (0, 1)),
                redress TEXT,
                root_cause TEXT,
                satisfaction INTEGER,
                vulnerable INTEGER CHECK (vulnerable IN (0, 1)),
                reopenings TEXT,
                escalations TEXT
            )
            """,
            "CREATE INDEX complaint_facts_by_receipt ON complaint_facts (received_at)",
            "CREATE INDEX complaint_facts_by_closure ON complaint_facts (closed_at)",
        ),
        populate=_populate_facts,
    ),
)
"""Every schema step, oldest first; a file at version ``n`` has run the first ``n``."""

SCHEMA_VERSION = MIGRATIONS[-1].version
"""The schema version this version of the library writes."""

_TABLES = frozenset({"complaints", "events", "idempotency_keys", "complaint_facts"})


def translate_error(exc: sqlite3.Error, path: str) -> Iso10002Error:
    """The library's error for an ``sqlite3`` error on the file ``path``, saying what to do.

    Examples:
        >>> print(translate_error(sqlite3.DatabaseError("file is not a database"), "x.db"))
        x.db is not an SQLite database (or its header is damaged): file is not a database
        >>> type(translate_error(sqlite3.OperationalError("database or disk is full"), "x.db"))
        <class 'iso10002.errors.StorageError'>
    """
    message = str(exc)
    name = getattr(exc, "sqlite_errorname", "")
    lowered = message.lower()
    if "not a database" in lowered or name == "SQLITE_NOTADB":
        return ConfigurationError(
            f"{path} is not an SQLite database (or its header is damaged): {message}"
        )
    if "malformed" in lowered or name.startswith("SQLITE_CORRUPT"):
        return IntegrityViolation(
            f"{path} is corrupt ({message}); restore it from a backup "
            "(see SQLiteStore.backup) rather than writing to it"
        )
    if "locked" in lowered or name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return ConfigurationError(
            f"{path} is locked by another connection and stayed locked for longer than the "
            f"store's busy timeout ({message}); nothing was written"
        )
    if "readonly" in lowered or name.startswith("SQLITE_READONLY"):
        return ConfigurationError(
            f"{path} is read-only ({message}): the store must be able to write the file "
            "and create its -wal and -shm files beside it"
        )
    if "unable to open" in lowered or name.startswith("SQLITE_CANTOPEN"):
        return ConfigurationError(f"cannot open {path}: {message}")
    if "disk is full" in lowered or name == "SQLITE_FULL":
        return StorageError(
            f"{path}: the disk is full ({message}); the write was rolled back, nothing of it "
            "was stored: free some space and retry"
        )
    if "disk i/o error" in lowered or name.startswith("SQLITE_IOERR"):
        return StorageError(
            f"{path}: the file could not be written ({message}: a full disk, a file size "
            "limit or a failing device); the write was rolled back, nothing of it was stored"
        )
    if isinstance(exc, sqlite3.IntegrityError):
        return IntegrityViolation(f"{path}: the database refused the write ({message})")
    return ConfigurationError(f"{path}: SQLite failed ({message})")


@contextmanager
def database_errors(path: str) -> Iterator[None]:
    """Turn ``sqlite3`` errors raised inside into the library's errors for ``path``.

    Examples:
        >>> with database_errors("x.db"):
        ...     raise sqlite3.OperationalError("database is locked")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: x.db is locked by another connection ...
    """
    try:
        yield
    except sqlite3.Error as exc:
        raise translate_error(exc, path) from exc


def _tables(db: sqlite3.Connection) -> set[str]:
    return {
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }


def _pragma(db: sqlite3.Connection, name: str) -> int:
    row = db.execute(f"PRAGMA {name}").fetchone()
    return int(row[0])


def check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a path that cannot be a store file we may write."""
    if path.is_dir():
        raise ConfigurationError(f"{path} is a folder, not a database file")
    if not path.exists():
        if not path.parent.is_dir():
            raise ConfigurationError(
                f"cannot create {path}: the folder {path.parent} does not exist"
            )
        if not os.access(path.parent, os.W_OK):
            raise ConfigurationError(f"cannot create {path}: the folder is read-only")
        return
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise ConfigurationError(
            f"{path} is not an SQLite database (its first bytes are {header[:16]!r}); "
            "refusing to touch it"
        )
    if not os.access(path, os.W_OK):
        raise ConfigurationError(
            f"{path} is read-only (no write permission): the store writes to it"
        )
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ConfigurationError(
            f"{path} is in a read-only folder: the store creates {path.name}-wal and "
            f"{path.name}-shm beside it"
        )


def inspect(db: sqlite3.Connection, path: str) -> int:
    """The schema version of an iso10002 file, ``0`` for an empty one; refuse anything else."""
    application_id = _pragma(db, "application_id")
    version = _pragma(db, "user_version")
    tables = _tables(db)
    if application_id != APPLICATION_ID:
        if application_id == 0 and version == 0 and not tables:
            return 0
        listed = ", ".join(sorted(tables)) or "none"
        raise ConfigurationError(
            f"{path} is an SQLite database of some other application (application_id "
            f"{application_id}, user_version {version}, tables: {listed}), not an iso10002 "
            "complaint store; refusing to change it"
        )
    if version > SCHEMA_VERSION:
        raise ConfigurationError(
            f"{path} has schema version {version}, written by a newer iso10002; this version "
            f"reads schema versions up to {SCHEMA_VERSION}. Upgrade iso10002 to open it."
        )
    if version == SCHEMA_VERSION and not tables >= _TABLES:
        missing = ", ".join(sorted(_TABLES - tables))
        raise IntegrityViolation(
            f"{path} is an iso10002 store at schema version {version} but its table(s) "
            f"{missing} are missing; restore it from a backup"
        )
    return version


def migrate(db: sqlite3.Connection, path: str) -> int:
    """Bring the schema forward to :data:`SCHEMA_VERSION`, one transaction per step.

    Each step re-reads the version after taking the write lock, so a concurrent opener that
    migrated first is not migrated again. Returns the version the file is at afterwards.
    """
    for step in MIGRATIONS:
        db.execute("BEGIN IMMEDIATE")
        try:
            current = inspect(db, path)
            if current < step.version:
                for statement in step.statements:
                    db.execute(statement)
                if step.populate is not None:
                    step.populate(db)
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {step.version}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.rollback()
            raise
    return SCHEMA_VERSION


def _inspect_consistently(db: sqlite3.Connection, path: str) -> int:
    """:func:`inspect` inside one read transaction: another opener's migration is all or nothing."""
    db.execute("BEGIN")
    try:
        return inspect(db, path)
    finally:
        db.rollback()


def _switch_to_wal(db: sqlite3.Connection, path: str, timeout: float) -> None:
    """Put the file in WAL mode, waiting up to ``timeout`` seconds for other openers.

    Changing the journal mode needs the file to itself for an instant, and SQLite reports a
    concurrent opener as "locked" at once instead of waiting, so this waits itself.
    """
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
            continue
        if str(mode).lower() != "wal":
            raise ConfigurationError(f"{path}: SQLite could not switch the file to WAL mode")
        return


def open_store_file(
    db: sqlite3.Connection, path: str, *, wal: bool = True, busy_timeout: float = 10.0
) -> int:
    """Check an opened file, switch it to WAL and migrate it; the schema version it is at.

    Nothing is written to a file that is not (or not yet allowed to become) an iso10002 store.
    ``wal=False`` is for in-memory databases, which have no journal file. Several processes
    may open a new or old file at once: one of them migrates it, the others see it done.
    """
    version = _inspect_consistently(db, path)
    if wal and str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
        # WAL lets readers work while one writer writes. It is a property of the file, set
        # once, and only on a file that is ours (or empty).
        _switch_to_wal(db, path, busy_timeout)
    if version < SCHEMA_VERSION:
        return migrate(db, path)
    return version
