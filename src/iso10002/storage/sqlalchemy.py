"""A complaint store on SQLAlchemy 2 Core: PostgreSQL for servers, SQLite for tests and tools.

Install the ``sqlalchemy`` extra (SQLAlchemy, Alembic and psycopg 3). The schema is declared
once in :mod:`iso10002.storage.sqlalchemy_schema` and built by the Alembic migrations shipped
in the package (:func:`upgrade`); the store refuses a database whose schema is missing, older
(unless opened with ``migrate=True``), newer than it knows, or not one iso10002 made.

Every write is one transaction. An append starts from the complaint's snapshot and chain
head at ``expected_version`` (kept from the store's last read or write of it, else read from
its row), folds the new events with the lifecycle and seals them, and only then writes: a
compare-and-set ``UPDATE … WHERE version = expected AND head_digest = previous``, the metric
facts when they changed, and the insert of the sealed rows. A writer that lost the race
updates no row, writes nothing and gets :class:`~iso10002.errors.ConcurrencyConflict`; the
unique ``(complaint_id, version)`` constraint is the backstop, and its violation is reported
as the same conflict, never as a raw ``IntegrityError``. On PostgreSQL an append is a
single statement, so it costs one round trip to the server (see
:mod:`iso10002.storage._sqlalchemy_write`). Receipts with an idempotency key rely on a
unique column: the loser of a race re-reads and returns the winner's complaint.

The event feed's positions come from an identity column. On PostgreSQL a writer takes the
transaction-level advisory lock :data:`FEED_LOCK` after it has locked the complaint's row and
before positions are given to its rows, and holds it to the commit, so positions become
visible in increasing order: a feed reader that has seen position *p* never later finds a
new event at or below *p* (positions may have gaps, from rolled-back writes). Writers to
different complaints take turns only for that last step; readers never wait. SQLite has one
writer at a time, which gives the same guarantee.

A lost connection, a failing server or a lock that could not be had raises
:class:`~iso10002.errors.StorageError` after the transaction was rolled back; the engine's
pool (``pool_pre_ping``) replaces dead connections, so the next call works again.

Examples:
    >>> from iso10002.testing.builders import event_for, history_to
    >>> store = SQLAlchemyStore("sqlite://", migrate=True)
    >>> c = store.create(history_to("received"))
    >>> store.append(c.id, [event_for(c, "acknowledge")], expected_version=1).version
    2
    >>> store.verify_integrity().ok
    True
    >>> store.close()
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.pool import StaticPool

from iso10002._checks import instant
from iso10002.clock import Clock, system_clock
from iso10002.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    NotFound,
    StorageError,
    ValidationError,
)
from iso10002.events import Event, Redacted
from iso10002.integrity import (
    GENESIS,
    IntegrityProblem,
    IntegrityReport,
    SealedEvent,
    unseal,
    verify_chain,
)
from iso10002.model import Complaint
from iso10002.replay import apply, replay
from iso10002.storage import _sqlalchemy_bulk as bulk
from iso10002.storage import _sqlalchemy_sql as sql
from iso10002.storage import _sqlalchemy_write as writes
from iso10002.storage.common import (
    first_received,
    from_micros,
    seal_all,
    snapshot_from_json,
    to_micros,
)
from iso10002.storage.facts import FactRow, metric_facts
from iso10002.storage.protocol import (
    ComplaintQuery,
    ComplaintStore,
    RecordedEvent,
    SupportsMetrics,
)
from iso10002.storage.sqlalchemy_migrations import check_revision, upgrade
from iso10002.storage.sqlalchemy_schema import complaint_facts, complaints, events

if TYPE_CHECKING:
    from iso10002.metrics.period import Period
    from iso10002.metrics.summary import MetricSummary
    from iso10002.sla.policy import SlaPolicy

__all__ = ["FEED_LOCK", "SQLAlchemyStore", "engine_for", "upgrade"]

FEED_LOCK = writes.FEED_LOCK
"""The PostgreSQL advisory lock ``pg_advisory_xact_lock(10002, 1)`` event writers take in turn.

A lock of the database, not of a table, so it never waits for ``VACUUM`` (as a table lock
would); a host using advisory locks itself keeps clear of the key ``(10002, 1)``.
"""

_DIALECTS = ("postgresql", "sqlite")
_PAGE = 500
# PostgreSQL SQLSTATEs of a transaction that lost to another one: serialization failure
# (under REPEATABLE READ or SERIALIZABLE) and deadlock.
_LOST_RACE = ("40001", "40P01")
_LOCK_FEED = sa.text(f"SELECT pg_advisory_xact_lock({FEED_LOCK[0]}, {FEED_LOCK[1]})")


def engine_for(url: str) -> sa.Engine:
    """The engine :class:`SQLAlchemyStore` makes from a URL, with the settings it relies on.

    ``postgresql://`` URLs use psycopg 3; the pool checks connections before use
    (``pool_pre_ping``), so one dropped by the server or the network is replaced instead of
    failing the next call. SQLite files get WAL, a 30 s lock wait, foreign keys and
    ``secure_delete`` (erased personal data is overwritten on disk, not just unlinked);
    ``sqlite://`` (in memory) is one connection shared by the store's calls in turn.

    Examples:
        >>> engine_for("postgresql://postgres@127.0.0.1/test").dialect.driver
        'psycopg'
    """
    parsed = sa.make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database in (None, "", ":memory:"):
        engine = sa.create_engine(
            parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
    else:
        engine = sa.create_engine(parsed, pool_pre_ping=True, connect_args={"timeout": 30})
    sa_event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(connection: object, _record: object) -> None:
    cursor = connection.cursor()  # type: ignore[attr-defined]
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA secure_delete = ON")  # ISO 10002 4.10: erasure means erased
        cursor.execute("PRAGMA journal_mode = WAL")
    finally:
        cursor.close()


class SQLAlchemyStore:
    """A :class:`~iso10002.storage.protocol.ComplaintStore` in a SQL database, via SQLAlchemy.

    ``engine_or_url`` is a URL (``postgresql+psycopg://user@host/db``, ``sqlite:///file``),
    turned into an engine by :func:`engine_for` and disposed of by :meth:`close`, or an
    :class:`~sqlalchemy.Engine` the host owns (give it ``pool_pre_ping=True``). PostgreSQL
    and SQLite are supported. ``migrate=True`` upgrades the schema to this version's head
    on opening; otherwise a schema that is not at the head is refused. ``clock`` stamps
    ``recorded_at`` in the feed.

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> store = SQLAlchemyStore("sqlite://", migrate=True)
        >>> store.create_many([history_to("closed", f"C-{n}") for n in range(3)])
        3
        >>> store.count()
        3
        >>> store.close()
    """

    def __init__(
        self,
        engine_or_url: sa.Engine | str,
        *,
        migrate: bool = False,
        clock: Clock = system_clock,
    ) -> None:
        self._owns_engine = isinstance(engine_or_url, str)
        engine = engine_for(engine_or_url) if isinstance(engine_or_url, str) else engine_or_url
        self._engine = engine
        self._clock = clock
        self._closed = False
        self._dialect = engine.dialect.name
        self._recent = writes.RecentHeads()
        # One shared connection (SQLite in memory) serves one call at a time.
        self._serial: AbstractContextManager[object] = (
            threading.RLock() if isinstance(engine.pool, StaticPool) else nullcontext()
        )
        try:
            if self._dialect not in _DIALECTS:
                raise ConfigurationError(
                    f"SQLAlchemyStore supports PostgreSQL and SQLite, not {self._dialect!r}"
                )
            self._open(migrate)
        except BaseException:
            if self._owns_engine:
                engine.dispose()
            raise

    def _open(self, migrate: bool) -> None:
        try:
            with self._engine.connect() as connection:
                current = check_revision(connection, upgrading=migrate)
            if current is None:
                upgrade(self._engine)
        except sa.exc.DBAPIError as exc:
            if self._dialect == "sqlite" and "not a database" in str(exc.orig):
                raise ConfigurationError(
                    f"{self._engine.url.database} is not an SQLite database: "
                    "it is not one iso10002 can use"
                ) from exc
            raise _storage_error("opening the database", exc) from exc

    # --- writes -------------------------------------------------------------------------------

    def create(
        self,
        events: Sequence[Event],
        *,
        idempotency_key: str | None = None,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Store a new complaint. See :meth:`ComplaintStore.create`."""
        complaint_id = first_received(events).complaint_id
        next_due = _due(next_due)
        self._check_open()
        if idempotency_key is not None:
            earlier = self._by_key(idempotency_key)
            if earlier is not None:
                return earlier
        snapshot = replay(events)
        rows = seal_all(complaint_id, events, 0, GENESIS)
        try:
            with self._begin() as connection:
                values = bulk.complaint_values(snapshot, rows[-1].digest, next_due)
                connection.execute(
                    complaints.insert().values(**values, idempotency_key=idempotency_key)
                )
                connection.execute(complaint_facts.insert().values(**metric_facts(snapshot)))
                self._insert_events(connection, rows)
        except sa.exc.IntegrityError as exc:
            return self._after_create_clash(complaint_id, idempotency_key, exc)
        except sa.exc.DBAPIError as exc:
            raise _storage_error(f"creating complaint {complaint_id!r}", exc) from exc
        self._recent.put(writes.Head(snapshot, rows[-1].digest, _micros(next_due)))
        return snapshot

    def create_many(
        self,
        histories: Iterable[Sequence[Event]],
        *,
        next_due: Callable[[Complaint], datetime | None] | None = None,
        batch_size: int = 2_000,
    ) -> int:
        """Store many new complaints at once, in one transaction; returns how many.

        The bulk path for imports and migrations from another system: every history is
        validated and sealed as :meth:`create` would, rows go to the database in batches of
        ``batch_size`` complaints (memory stays bounded for any number), and either every
        complaint is stored or, when one is refused or the database fails, none is.
        ``next_due`` gives each complaint's next SLA deadline from its snapshot. An id that
        exists already (or twice in the import) raises ``ConcurrencyConflict``.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLAlchemyStore("sqlite://", migrate=True)
            >>> store.create_many(history_to("acknowledged", f"C-{n}") for n in range(5))
            5
            >>> store.close()
        """
        self._check_open()
        if batch_size < 1:
            raise ValidationError([f"batch_size: {batch_size!r} is not a positive whole number"])
        seen: dict[str, int] = {}
        stored = 0
        histories = iter(histories)
        failed: list[str] = []
        try:
            with self._begin() as connection:
                self._lock_feed(connection)
                recorded_at = to_micros(self._clock())
                with bulk.BatchWriter(connection) as writer:
                    try:
                        while chunk := list(islice(histories, batch_size)):
                            writer.put(bulk.prepare(chunk, seen, next_due, recorded_at))
                            stored += len(chunk)
                    finally:
                        failed = writer.failed_ids
        except sa.exc.IntegrityError as exc:
            # Another writer created one of these ids between our check and our insert.
            self._raise_if_created(failed)
            raise _storage_error("importing complaints", exc) from exc
        except sa.exc.DBAPIError as exc:
            raise _storage_error("importing complaints", exc) from exc
        return stored

    def append(
        self,
        complaint_id: str,
        events: Sequence[Event],
        *,
        expected_version: int,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Add events atomically. See :meth:`ComplaintStore.append`."""
        if not events:
            raise ValidationError(["events: nothing to append"])
        self._check_open()
        return self._write(complaint_id, events, expected_version, {"next_due": _due(next_due)})

    def redact(self, complaint_id: str, redaction: Redacted, *, expected_version: int) -> Complaint:
        """Erase personal data and record it, atomically. See :meth:`ComplaintStore.redact`.

        The personal part of every stored event is set to NULL and the snapshot rewritten in
        the same transaction as the ``Redacted`` event (ISO 10002 4.10). On PostgreSQL the
        old row versions remain in the table files until ``VACUUM`` reclaims them; run it
        (autovacuum does, eventually) when erasure must reach the disk.
        """
        self._check_open()
        return self._write(complaint_id, [redaction], expected_version, None)

    def _write(
        self,
        complaint_id: str,
        new: Sequence[Event],
        expected_version: int,
        due: Mapping[str, datetime | None] | None,
    ) -> Complaint:
        """Append ``new``; ``due`` is ``{"next_due": …}`` for appends, ``None`` for erasure.

        The write starts from the head kept from the last read or write of the complaint,
        else from its row; the snapshot is folded and the events sealed before anything is
        written; and the write is a compare-and-set on the version and digest it started
        from (see :mod:`~iso10002.storage._sqlalchemy_write`). When the version is right but
        the digest was not (a kept head gone stale), the row is read again, once.
        """
        erasure = due is None
        start = self._recent.get(complaint_id, expected_version)
        try:
            for _ in range(2):
                with self._writing(erasure) as connection:
                    if start is None:
                        start = self._head(connection, complaint_id, expected_version)
                    snapshot = apply(start.snapshot, new)
                    sealed = seal_all(complaint_id, new, expected_version, start.digest)
                    # Erasure changes no deadline.
                    next_due = start.next_due if due is None else _micros(due["next_due"])
                    head = writes.Head(snapshot, sealed[-1].digest, next_due)
                    moved = self._put(
                        connection, expected_version, start, head, sealed, erasure=erasure
                    )
                    if not moved:  # nothing was written
                        actual = self._version_in(connection, complaint_id)
                        if actual != expected_version:
                            raise ConcurrencyConflict(complaint_id, expected_version, actual)
                if moved:
                    self._recent.put(head)
                    return snapshot
                self._recent.discard(complaint_id)
                start = None
        except sa.exc.IntegrityError as exc:
            self._recent.discard(complaint_id)
            self._raise_if_moved(complaint_id, expected_version)
            raise _storage_error(f"writing to complaint {complaint_id!r}", exc) from exc
        except sa.exc.DBAPIError as exc:
            self._recent.discard(complaint_id)
            if _sqlstate(exc) in _LOST_RACE:
                self._raise_if_moved(complaint_id, expected_version)
            raise _storage_error(f"writing to complaint {complaint_id!r}", exc) from exc
        # Twice the version was right and the digest not: the row changed behind the
        # store's back without a new version. Like any changed row: a conflict.
        raise ConcurrencyConflict(complaint_id, expected_version, expected_version)

    @contextmanager
    def _writing(self, erasure: bool) -> Iterator[sa.Connection]:
        """A connection for one write: a transaction, except for an append on PostgreSQL,
        which is one statement, run on its own (autocommit: its own transaction)."""
        if self._dialect == "postgresql" and not erasure:
            with self._connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT")
                yield connection
        else:
            with self._begin() as connection:
                yield connection

    @staticmethod
    def _head(connection: sa.Connection, complaint_id: str, expected_version: int) -> writes.Head:
        """The complaint's row as a write starts from it; ``ConcurrencyConflict`` if stale."""
        row = connection.execute(writes.READ_HEAD, {"key": complaint_id}).one_or_none()
        if row is None:
            raise NotFound(complaint_id)
        if row.version != expected_version:
            raise ConcurrencyConflict(complaint_id, expected_version, row.version)
        return writes.Head(snapshot_from_json(row.snapshot), row.head_digest, row.next_due)

    def _put(
        self,
        connection: sa.Connection,
        expected_version: int,
        start: writes.Head,
        head: writes.Head,
        sealed: Sequence[SealedEvent],
        *,
        erasure: bool,
    ) -> bool:
        """Write ``head`` and ``sealed`` if the row is still at ``start``; whether it was.

        Compare-and-set: of two writers that started from the same head, one updates the
        row and the other updates nothing (PostgreSQL re-checks the ``WHERE`` after waiting
        for the first writer's commit), and so writes nothing.
        """
        complaint_id = head.snapshot.id
        params: dict[str, object] = writes.row_values(head.snapshot, head.digest, head.next_due)
        params.update(key=complaint_id, expected=expected_version, previous=start.digest)
        facts = metric_facts(head.snapshot)
        facts_changed = facts != metric_facts(start.snapshot)  # most events change none
        recorded_at = to_micros(self._clock())
        if self._dialect == "postgresql" and not erasure:  # one statement (see _writing)
            params.update(writes.event_values(sealed), recorded_at=recorded_at)
            if facts_changed:
                params.update(writes.fact_values(facts))
            statement = writes.postgres_append(facts=facts_changed, several=len(sealed) > 1)
            return bool(connection.exec_driver_sql(statement, params).rowcount == len(sealed))
        if connection.execute(writes.UPDATE_ROW, params).rowcount != 1:
            return False
        if facts_changed:
            _write_facts(connection, facts)
        self._lock_feed(connection)
        if erasure:  # ISO 10002 4.10: erase every personal part, same transaction
            connection.execute(writes.ERASE_PERSONAL, {"key": complaint_id})
        rows = [
            dict(zip(bulk.EVENT_COLUMNS, bulk.event_row(row, recorded_at), strict=True))
            for row in sealed
        ]
        connection.execute(writes.INSERT_EVENT, rows if len(rows) > 1 else rows[0])
        return True

    def _insert_events(self, connection: sa.Connection, rows: Sequence[SealedEvent]) -> None:
        self._lock_feed(connection)
        now = to_micros(self._clock())
        columns = bulk.EVENT_COLUMNS
        connection.execute(
            writes.INSERT_EVENT,
            [dict(zip(columns, bulk.event_row(row, now), strict=True)) for row in rows],
        )

    def _lock_feed(self, connection: sa.Connection) -> None:
        """Make feed positions visible in the order they were given (see the module doc)."""
        if self._dialect == "postgresql":
            connection.execute(_LOCK_FEED)

    def _after_create_clash(
        self, complaint_id: str, idempotency_key: str | None, exc: sa.exc.IntegrityError
    ) -> Complaint:
        """A unique constraint refused the new complaint: say which, from what is there now."""
        if idempotency_key is not None:
            earlier = self._by_key(idempotency_key)
            if earlier is not None:  # a concurrent receipt with the same key won the race
                return earlier
        self._raise_if_created([complaint_id])
        raise _storage_error(f"creating complaint {complaint_id!r}", exc) from exc

    def _raise_if_created(self, complaint_ids: Sequence[str]) -> None:
        if not complaint_ids:
            return
        with self._reading("reading complaints") as connection:
            clash = connection.execute(
                sa.select(complaints.c.id, complaints.c.version)
                .where(complaints.c.id.in_(complaint_ids))
                .limit(1)
            ).first()
        if clash is not None:
            raise ConcurrencyConflict(clash.id, 0, clash.version)

    def _raise_if_moved(self, complaint_id: str, expected_version: int) -> None:
        """After a refused write: a conflict if another writer moved the complaint on.

        Its version is the higher of the complaint row's and its latest event's: a writer
        that bypassed the row (the unique ``(complaint_id, version)`` backstop caught it)
        moved the complaint on as surely as one that went through it.
        """
        with self._reading(f"reading complaint {complaint_id!r}", consistent=True) as connection:
            actual = self._version_in(connection, complaint_id)
            latest = connection.execute(
                sa.select(sa.func.max(events.c.version)).where(
                    events.c.complaint_id == complaint_id
                )
            ).scalar_one()
        actual = max(actual, latest or 0)
        if actual != expected_version:
            raise ConcurrencyConflict(complaint_id, expected_version, actual)

    @staticmethod
    def _version_in(connection: sa.Connection, complaint_id: str) -> int:
        version = connection.execute(
            sa.select(complaints.c.version).where(complaints.c.id == complaint_id)
        ).scalar_one_or_none()
        if version is None:
            raise NotFound(complaint_id)
        return int(version)

    # --- reads --------------------------------------------------------------------------------

    def get(self, complaint_id: str) -> Complaint:
        """The current snapshot. See :meth:`ComplaintStore.get`."""
        self._check_open()
        with self._reading(f"reading complaint {complaint_id!r}") as connection:
            row = connection.execute(writes.READ_HEAD, {"key": complaint_id}).one_or_none()
        if row is None:
            raise NotFound(complaint_id)
        snapshot = snapshot_from_json(row.snapshot)
        if snapshot.version == row.version:  # where the next append starts (if it is)
            self._recent.put(writes.Head(snapshot, row.head_digest, row.next_due))
        return snapshot

    def history(self, complaint_id: str) -> tuple[Event, ...]:
        """Every event, oldest first. See :meth:`ComplaintStore.history`."""
        self._check_open()
        with self._reading(f"reading complaint {complaint_id!r}") as connection:
            rows = connection.execute(
                sa.select(events.c.public, events.c.personal)
                .where(events.c.complaint_id == complaint_id)
                .order_by(events.c.version)
            ).all()
            if not rows:
                self._version_in(connection, complaint_id)
        return tuple(unseal(row.public, row.personal) for row in rows)

    def _by_key(self, idempotency_key: str) -> Complaint | None:
        with self._reading("reading an idempotency key") as connection:
            text = connection.execute(
                sa.select(complaints.c.snapshot).where(
                    complaints.c.idempotency_key == idempotency_key
                )
            ).scalar_one_or_none()
        return None if text is None else snapshot_from_json(text)

    def find(self, query: ComplaintQuery = ComplaintQuery()) -> Iterator[Complaint]:
        """Matching snapshots by ``(received_at, id)``, fetched page by page.

        See :meth:`ComplaintStore.find`. Pages are read with keyset pagination in short
        transactions, so a long iteration holds no connection while the caller works.
        """
        self._check_open()
        conditions = sql.conditions(query)
        after = sql.after(query)
        remaining = query.limit
        while remaining is None or remaining > 0:
            size = _PAGE if remaining is None else min(_PAGE, remaining)
            statement = (
                sa.select(complaints.c.id, complaints.c.received_at, complaints.c.snapshot)
                .where(*conditions, *sql.keyset(after))
                .order_by(complaints.c.received_at, complaints.c.id)
                .limit(size)
            )
            with self._reading("finding complaints") as connection:
                rows = connection.execute(statement).all()
            for row in rows:
                yield snapshot_from_json(row.snapshot)
            if len(rows) < size:
                return
            after = (rows[-1].received_at, rows[-1].id)
            if remaining is not None:
                remaining -= len(rows)

    def count(self, query: ComplaintQuery = ComplaintQuery()) -> int:
        """How many match, ignoring ``limit``. See :meth:`ComplaintStore.count`."""
        self._check_open()
        statement = (
            sa.select(sa.func.count())
            .select_from(complaints)
            .where(*sql.conditions(query), *sql.keyset(sql.after(query)))
        )
        with self._reading("counting complaints") as connection:
            return int(connection.execute(statement).scalar_one())

    def feed(self, *, after: int = 0, limit: int | None = None) -> Iterator[RecordedEvent]:
        """Events in stored order after ``after``. See :meth:`ComplaintStore.feed`.

        Positions grow with commit order (see the module doc), so a reader that remembers
        the last position it handled and asks for what comes after misses nothing.
        """
        self._check_open()
        remaining = limit
        while remaining is None or remaining > 0:
            size = _PAGE if remaining is None else min(_PAGE, remaining)
            statement = (
                sa.select(
                    events.c.position,
                    events.c.complaint_id,
                    events.c.version,
                    events.c.public,
                    events.c.personal,
                    events.c.recorded_at,
                )
                .where(events.c.position > after)
                .order_by(events.c.position)
                .limit(size)
            )
            with self._reading("reading the event feed") as connection:
                rows = connection.execute(statement).all()
            for row in rows:
                yield RecordedEvent(
                    position=row.position,
                    complaint_id=row.complaint_id,
                    version=row.version,
                    event=unseal(row.public, row.personal),
                    recorded_at=from_micros(row.recorded_at),
                )
            if len(rows) < size:
                return
            after = rows[-1].position
            if remaining is not None:
                remaining -= len(rows)

    # --- metrics ------------------------------------------------------------------------------

    def summarize(
        self,
        period: Period,
        *,
        policy: SlaPolicy | None = None,
        at: datetime | None = None,
        customers: int | None = None,
        by: str | None = None,
        first_contact_days: int = 1,
    ) -> MetricSummary:
        """The metric summary of every stored complaint, computed in the database.

        Equal to :func:`iso10002.metrics.summarize` over :meth:`find` with the same
        arguments; every query reads one snapshot of the database (``REPEATABLE READ`` on
        PostgreSQL). See :mod:`iso10002.metrics.pushdown` for which figures go to SQL.

        Examples:
            >>> from iso10002.metrics import Period
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLAlchemyStore("sqlite://", migrate=True)
            >>> _ = store.create(history_to("closed"))
            >>> store.summarize(Period.parse("2026Q1")).upheld_rate
            1.0
            >>> store.close()
        """
        from iso10002.metrics.pushdown import summarize_facts

        self._check_open()
        with self._reading("summarizing complaints", consistent=True) as connection:
            return summarize_facts(
                _Facts(connection),
                period,
                policy=policy,
                at=at,
                customers=customers,
                by=by,
                first_contact_days=first_contact_days,
            )

    # --- integrity ----------------------------------------------------------------------------

    def verify_integrity(self, complaint_ids: Iterable[str] | None = None) -> IntegrityReport:
        """Re-check chains, heads, snapshots and query columns.

        See :meth:`ComplaintStore.verify_integrity`. Besides what every store checks, the
        indexed query columns must agree with the snapshot, or ``find`` would answer wrongly.
        """
        self._check_open()
        problems: list[IntegrityProblem] = []
        checked = 0
        for chunk in self._id_chunks(complaint_ids):
            checked += len(chunk)
            problems.extend(self._verify_chunk(chunk))
        return IntegrityReport(checked=checked, problems=tuple(problems))

    def _id_chunks(self, complaint_ids: Iterable[str] | None) -> Iterator[list[str]]:
        if complaint_ids is not None:
            ids = iter(complaint_ids)
            while chunk := list(islice(ids, _PAGE)):
                yield chunk
            return
        last: str | None = None
        while True:
            statement = sa.select(complaints.c.id).order_by(complaints.c.id).limit(_PAGE)
            if last is not None:
                statement = statement.where(complaints.c.id > last)
            with self._reading("listing complaints") as connection:
                chunk = list(connection.execute(statement).scalars())
            if chunk:
                yield chunk
            if len(chunk) < _PAGE:
                return
            last = chunk[-1]

    def _verify_chunk(self, chunk: list[str]) -> list[IntegrityProblem]:
        with self._reading("verifying complaints", consistent=True) as connection:
            heads = {
                row.id: row
                for row in connection.execute(
                    sa.select(complaints).where(complaints.c.id.in_(chunk))
                )
            }
            rows: dict[str, list[SealedEvent]] = {}
            for row in connection.execute(
                sa.select(events)
                .where(events.c.complaint_id.in_(chunk))
                .order_by(events.c.complaint_id, events.c.version)
            ):
                rows.setdefault(row.complaint_id, []).append(sql.sealed(row))
            facts: dict[str, FactRow] = {
                row.complaint_id: dict(row._mapping)
                for row in connection.execute(
                    sa.select(complaint_facts).where(complaint_facts.c.complaint_id.in_(chunk))
                )
            }
        problems: list[IntegrityProblem] = []
        for complaint_id in chunk:
            head = heads.get(complaint_id)
            stored = rows.get(complaint_id, [])
            found = verify_chain(
                complaint_id,
                stored,
                head=None if head is None or not stored else (head.version, head.head_digest),
            )
            found = found or sql.check_row(complaint_id, stored, head)
            if not found and head is not None:
                found = sql.check_facts(complaint_id, facts.get(complaint_id), head)
            problems.extend(found)
        return problems

    # --- lifecycle of the store ---------------------------------------------------------------

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine the store works through."""
        return self._engine

    def upgrade(self, revision: str = "head") -> None:
        """Migrate this store's database to ``revision`` (see :func:`upgrade`)."""
        self._check_open()
        upgrade(self._engine, revision)

    def close(self) -> None:
        """Release the connections (of an engine made from a URL); later calls are refused."""
        self._closed = True
        if self._owns_engine:
            self._engine.dispose()

    def __enter__(self) -> SQLAlchemyStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- internals ----------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise ConfigurationError("this store has been closed")

    @contextmanager
    def _begin(self) -> Iterator[sa.Connection]:
        with self._serial, self._engine.begin() as connection:
            yield connection

    @contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        with self._serial, self._engine.connect() as connection:
            yield connection

    @contextmanager
    def _reading(self, action: str, *, consistent: bool = False) -> Iterator[sa.Connection]:
        """A connection for reads; ``consistent``: every statement sees the same snapshot.

        Reads of one statement need no transaction (on PostgreSQL they run in autocommit,
        saving the ``BEGIN`` and ``ROLLBACK`` round trips). Several statements that must
        agree (a complaint's head and its events, for verification) share one snapshot:
        ``REPEATABLE READ`` on PostgreSQL, a read transaction on SQLite.
        """
        try:
            with self._connect() as connection:
                if self._dialect == "postgresql":
                    level = "REPEATABLE READ" if consistent else "AUTOCOMMIT"
                    connection.execution_options(isolation_level=level)  # this connection only
                elif consistent:
                    connection.exec_driver_sql("BEGIN")
                yield connection
        except sa.exc.DBAPIError as exc:
            raise _storage_error(action, exc) from exc


class _Facts:
    """The facts table on one connection, for the metrics pushdown."""

    table = complaint_facts.name
    complaints = complaints.name

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self.dialect = connection.dialect.name

    def rows(self, sql: str, params: Mapping[str, int]) -> Iterator[Sequence[object]]:
        """The rows of a ``SELECT`` with ``:name`` parameters."""
        # Streamed (a server-side cursor on PostgreSQL): a band query reads a row per closure.
        statement = sa.text(sql).execution_options(yield_per=10_000)
        yield from self._connection.execute(statement, dict(params))

    def snapshots(self, where: str, params: Mapping[str, int]) -> Iterator[Complaint]:
        """The snapshots of the complaints whose facts row ``f`` matches ``where``."""
        statement = sa.text(
            f"SELECT c.snapshot FROM {complaint_facts.name} AS f "
            f"JOIN {complaints.name} AS c ON c.id = f.complaint_id WHERE {where}"
        ).execution_options(yield_per=1_000)  # streamed, as a breakdown may read them all
        for (text,) in self._connection.execute(statement, dict(params)):
            yield snapshot_from_json(text)


def _write_facts(connection: sa.Connection, facts: FactRow) -> None:
    """Rewrite a complaint's metric facts row (write it again if it was lost)."""
    complaint_id = facts["complaint_id"]
    updated = connection.execute(
        complaint_facts.update()
        .where(complaint_facts.c.complaint_id == complaint_id)
        .values({k: v for k, v in facts.items() if k != "complaint_id"})
    )
    if updated.rowcount == 0:  # a row lost behind the store's back: write it again
        connection.execute(complaint_facts.insert().values(**facts))


def _micros(at: datetime | None) -> int | None:
    return None if at is None else to_micros(at)


def _due(next_due: datetime | None) -> datetime | None:
    """A deadline from the caller, refused when naive (which instant would it mean?)."""
    return None if next_due is None else instant(next_due, "next_due")


def _sqlstate(exc: sa.exc.DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _storage_error(action: str, exc: sa.exc.DBAPIError) -> StorageError:
    """A driver error as the library's own, saying what failed and why."""
    if exc.connection_invalidated:
        reason = "the connection to the database was lost"
    else:
        text = str(exc.orig).strip() if exc.orig is not None else ""
        reason = text.splitlines()[0] if text else type(exc.orig or exc).__name__
    return StorageError(f"{action} failed: {reason}")


if TYPE_CHECKING:  # mypy checks that the store satisfies the Protocols
    _conforms: ComplaintStore = SQLAlchemyStore("sqlite://")
    _counts: SupportsMetrics = SQLAlchemyStore("sqlite://")
