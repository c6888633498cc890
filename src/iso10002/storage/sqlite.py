"""The embedded default store: one SQLite file, on the standard library's ``sqlite3``.

:class:`SQLiteStore` keeps each complaint as a row with its snapshot, its query columns and
the head of its hash chain, and every event as a sealed row (:mod:`iso10002.integrity`). The
file is in WAL mode: readers never wait for the writer, and every call that writes is one
``BEGIN IMMEDIATE`` transaction, so it writes everything or nothing, also when the process is
killed half-way. Several threads share one store (each call borrows a connection from a small
pool); several processes may open the same file. The file format is versioned and migrated
forward (:mod:`iso10002.storage.sqlite_schema`).

Examples:
    >>> from iso10002.testing.builders import history_to
    >>> store = SQLiteStore.memory()
    >>> store.create(history_to("acknowledged")).version
    2
    >>> store.verify_integrity().ok
    True
    >>> store.close()
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from iso10002._checks import instant
from iso10002.clock import Clock, system_clock
from iso10002.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    IntegrityViolation,
    Iso10002Error,
    NotFound,
    ValidationError,
)
from iso10002.events import Event, Received, Redacted
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
from iso10002.storage._sqlite_pool import ConnectionPool, RecentSnapshots
from iso10002.storage._sqlite_sql import (
    COMPLAINT_COLUMNS,
    EVENT_COLUMNS,
    INSERT_COMPLAINT,
    INSERT_EVENT,
    QUERY_COLUMNS,
    STAGED_EVENT_COLUMNS,
    ComplaintPreparer,
    ImportRefusals,
    PreparedComplaint,
    check_columns,
    chunks,
    complaint_row,
    event_rows,
    page_marker,
    reasons,
    sealed_event,
    update_statement,
    where_clause,
)
from iso10002.storage.common import (
    check_snapshot,
    first_received,
    from_micros,
    query_columns,
    seal_all,
    snapshot_from_json,
    to_micros,
)
from iso10002.storage.facts import FACT_COLUMNS, FactRow, fact_differences, metric_facts
from iso10002.storage.protocol import ComplaintQuery, RecordedEvent
from iso10002.storage.sqlite_schema import (
    INSERT_FACTS,
    check_file,
    database_errors,
    open_store_file,
)

if TYPE_CHECKING:
    from iso10002.metrics.period import Period
    from iso10002.metrics.summary import MetricSummary
    from iso10002.sla.policy import SlaPolicy

__all__ = ["ComplaintPreparer", "Durability", "ImportSummary", "PreparedComplaint", "SQLiteStore"]

_FIRST_PAGE = 256  # rows per query when streaming; pages grow to _LAST_PAGE on long scans
_LAST_PAGE = 4096
_VERIFY_CHUNK = 256  # complaints verified per read transaction


class Durability(str, Enum):
    """How sure a returned write is to survive: SQLite's ``synchronous`` setting.

    Examples:
        >>> Durability("normal") is Durability.NORMAL
        True
    """

    FULL = "full"
    """Every commit is on disk before the call returns (``synchronous=FULL``): survives a
    power cut. The default, because complaint records are evidence."""

    NORMAL = "normal"
    """Commits survive the process being killed, but a power cut or OS crash may lose the
    latest ones (``synchronous=NORMAL``); far faster for simulations and batch jobs."""


@attrs.frozen
class ImportSummary:
    """What :meth:`SQLiteStore.import_histories` wrote.

    Examples:
        >>> ImportSummary(complaints=2, events=9).events
        9
    """

    complaints: int
    events: int


class SQLiteStore:
    """A :class:`~iso10002.storage.protocol.ComplaintStore` in one SQLite file.

    ``path`` is the database file (created, with its schema, when it does not exist;
    ``":memory:"`` is :meth:`memory`). ``clock`` stamps ``recorded_at`` in the feed.
    ``durability`` is :class:`Durability` (``"full"`` by default). ``busy_timeout`` is how long
    a call waits for another connection's write lock before giving up with
    :class:`~iso10002.errors.ConfigurationError`.

    Opening refuses, with :class:`~iso10002.errors.ConfigurationError` and without writing
    anything, a file that is not SQLite, an SQLite database of another application, a schema
    newer than this library, or a file it cannot write; a damaged file raises
    :class:`~iso10002.errors.IntegrityViolation`.

    Examples:
        >>> import tempfile, pathlib
        >>> from iso10002.testing.builders import history_to
        >>> folder = tempfile.TemporaryDirectory()
        >>> path = pathlib.Path(folder.name) / "complaints.sqlite3"
        >>> with SQLiteStore(path) as store:
        ...     store.create(history_to("closed")).state.value
        'closed'
        >>> with SQLiteStore(path) as store:  # and it is still there
        ...     store.count(), store.schema_version
        (1, 2)
        >>> folder.cleanup()
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        clock: Clock = system_clock,
        durability: Durability | str = Durability.FULL,
        busy_timeout: timedelta = timedelta(seconds=10),
    ) -> None:
        try:
            self._durability = Durability(durability)
        except ValueError:
            choices = ", ".join(repr(d.value) for d in Durability)
            raise ValidationError([f"durability: {durability!r} is not one of {choices}"]) from None
        timeout: object = busy_timeout  # checked at run time: hosts pass configuration values
        if not isinstance(timeout, timedelta) or timeout < timedelta(0):
            raise ValidationError([f"busy_timeout: {busy_timeout!r} is not a duration >= 0"])
        self._clock = clock
        self._busy_timeout = busy_timeout
        memory = os.fspath(path) == ":memory:"
        self._path = None if memory else Path(path).absolute()
        self._name = ":memory:" if self._path is None else str(self._path)
        if self._path is not None:
            check_file(self._path)
        with database_errors(self._name):
            first = self._connect()
            try:
                self._schema_version = open_store_file(
                    first,
                    self._name,
                    wal=not memory,
                    busy_timeout=busy_timeout.total_seconds(),
                )
            except BaseException:
                first.close()
                raise
        self._pool = ConnectionPool(self._connect, first, limit=1 if memory else 1 << 16)
        self._recent = RecentSnapshots()

    @classmethod
    def memory(cls, *, clock: Clock = system_clock) -> SQLiteStore:
        """A store in an in-memory SQLite database: gone when closed; calls run one at a time.

        Examples:
            >>> with SQLiteStore.memory() as store:
            ...     store.path is None
            True
        """
        return cls(":memory:", clock=clock)

    # --- properties --------------------------------------------------------------------------

    @property
    def path(self) -> Path | None:
        """The database file (``None`` in memory)."""
        return self._path

    @property
    def schema_version(self) -> int:
        """The file's schema version: :data:`.sqlite_schema.SCHEMA_VERSION` once opened."""
        return self._schema_version

    @property
    def durability(self) -> Durability:
        """How durable each commit is."""
        return self._durability

    def __repr__(self) -> str:
        return f"SQLiteStore({self._name!r}, durability={self._durability.value!r})"

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- the ComplaintStore protocol -----------------------------------------------------------

    def create(
        self,
        events: Sequence[Event],
        *,
        idempotency_key: str | None = None,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Store a new complaint in one transaction. See :meth:`ComplaintStore.create`.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> first = store.create(history_to("received"), idempotency_key="form-7")
            >>> store.create(history_to("received", "C-2"), idempotency_key="form-7").id
            'C-0001'
            >>> store.close()
        """
        events = tuple(events)
        complaint_id = first_received(events).complaint_id
        due = None if next_due is None else instant(next_due, "next_due")
        with self._errors():
            if idempotency_key is not None:
                with self._pool.use() as db:
                    known = self._keyed(db, idempotency_key)
                if known is not None:
                    return known
            snapshot = replay(events)
            rows = seal_all(complaint_id, events, 0, GENESIS)
            recorded = to_micros(self._clock())
            with self._transaction() as db:
                if idempotency_key is not None:
                    known = self._keyed(db, idempotency_key)
                    if known is not None:  # another writer used the key since we looked
                        return known
                existing = db.execute(
                    "SELECT version FROM complaints WHERE id = ?", (complaint_id,)
                ).fetchone()
                if existing is not None:
                    raise ConcurrencyConflict(complaint_id, 0, existing[0])
                db.execute(INSERT_COMPLAINT, complaint_row(snapshot, rows[-1].digest, due))
                db.execute(INSERT_FACTS, metric_facts(snapshot))
                db.executemany(INSERT_EVENT, event_rows(rows, recorded))
                if idempotency_key is not None:
                    db.execute(
                        "INSERT INTO idempotency_keys (key, complaint_id) VALUES (?, ?)",
                        (idempotency_key, complaint_id),
                    )
        self._recent.put(snapshot)
        return snapshot

    def get(self, complaint_id: str) -> Complaint:
        """The current snapshot. See :meth:`ComplaintStore.get`."""
        with self._errors(), self._pool.use() as db:
            row = db.execute(
                "SELECT version, snapshot FROM complaints WHERE id = ?", (complaint_id,)
            ).fetchone()
        if row is None:
            raise NotFound(complaint_id)
        return self._snapshot(complaint_id, row[1], version=row[0])

    def history(self, complaint_id: str) -> tuple[Event, ...]:
        """Every event, oldest first. See :meth:`ComplaintStore.history`."""
        with self._errors(), self._pool.use() as db:
            rows = db.execute(
                "SELECT public, personal FROM events WHERE complaint_id = ? ORDER BY version",
                (complaint_id,),
            ).fetchall()
            if not rows:
                self._require(db, complaint_id)
        return tuple(self._unseal(complaint_id, public, personal) for public, personal in rows)

    def append(
        self,
        complaint_id: str,
        events: Sequence[Event],
        *,
        expected_version: int,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Add events in one transaction. See :meth:`ComplaintStore.append`.

        The new snapshot is folded and the events sealed before the write lock is taken; the
        write then succeeds only if the complaint is still at ``expected_version``.
        """
        events = tuple(events)
        if not events:
            raise ValidationError(["events: nothing to append"])
        due = None if next_due is None else instant(next_due, "next_due")
        with self._errors():
            stored = self._current(complaint_id, expected_version)
            snapshot = apply(stored.snapshot, events)
            rows = seal_all(complaint_id, events, stored.snapshot.version, stored.head)
            recorded = to_micros(self._clock())
            with self._transaction() as db:
                self._replace(db, stored, snapshot, rows[-1].digest, due)
                db.executemany(INSERT_EVENT, event_rows(rows, recorded))
        self._recent.put(snapshot)
        return snapshot

    def find(self, query: ComplaintQuery = ComplaintQuery()) -> Iterator[Complaint]:
        """Matching snapshots by ``(received_at, id)``, streamed. See :meth:`ComplaintStore.find`.

        Rows are read in pages (keyset pagination on the receipt index), so memory stays flat
        however many complaints match, and no read transaction stays open between pages.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> for n in range(3):
            ...     _ = store.create(history_to("received", f"C-{n}"))
            >>> [c.id for c in store.find(ComplaintQuery(limit=2))]
            ['C-0', 'C-1']
            >>> store.close()
        """
        where, params = where_clause(query, with_after=False)
        after = page_marker(query)
        remaining = query.limit
        page = _FIRST_PAGE
        while remaining is None or remaining > 0:
            size = page if remaining is None else min(page, remaining)
            keyset = "" if after is None else " AND (received_at, id) > (?, ?)"
            sql = (
                f"SELECT received_at, id, snapshot FROM complaints WHERE {where}{keyset} "
                "ORDER BY received_at, id LIMIT ?"
            )
            with self._errors(), self._pool.use() as db:
                rows = db.execute(sql, [*params, *(after or ()), size]).fetchall()
            for _, complaint_id, text in rows:
                yield self._snapshot(complaint_id, text)
            if len(rows) < size:
                return
            after = (rows[-1][0], rows[-1][1])
            if remaining is not None:
                remaining -= len(rows)
            page = min(page * 2, _LAST_PAGE)

    def count(self, query: ComplaintQuery = ComplaintQuery()) -> int:
        """How many match, ignoring ``limit``. See :meth:`ComplaintStore.count`."""
        where, params = where_clause(query, with_after=True)
        with self._errors(), self._pool.use() as db:
            (total,) = db.execute(
                f"SELECT count(*) FROM complaints WHERE {where}", params
            ).fetchone()
        return int(total)

    def stored_ids(self, complaint_ids: Iterable[str]) -> set[str]:
        """Which of ``complaint_ids`` are stored: one indexed lookup per 500, no snapshot read.

        What an importer asks before it writes a batch (a file imported before, an import
        run again after an interruption).

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> _ = store.create(history_to("closed", "C-1"))
            >>> store.stored_ids(["C-1", "C-2"])
            {'C-1'}
            >>> store.close()
        """
        with self._errors(), self._pool.use() as db:
            return set(_stored(db, complaint_ids))

    def feed(self, *, after: int = 0, limit: int | None = None) -> Iterator[RecordedEvent]:
        """Events in commit order after position ``after``. See :meth:`ComplaintStore.feed`.

        Positions only grow and are never reused, and a later commit always has higher
        positions, so a reader that remembers its last position misses nothing.
        """
        remaining = limit
        page = _FIRST_PAGE
        while remaining is None or remaining > 0:
            size = page if remaining is None else min(page, remaining)
            with self._errors(), self._pool.use() as db:
                rows = db.execute(
                    "SELECT position, complaint_id, version, public, personal, recorded_at "
                    "FROM events WHERE position > ? ORDER BY position LIMIT ?",
                    (after, size),
                ).fetchall()
            for position, complaint_id, version, public, personal, recorded_at in rows:
                yield RecordedEvent(
                    position=position,
                    complaint_id=complaint_id,
                    version=version,
                    event=self._unseal(complaint_id, public, personal),
                    recorded_at=from_micros(recorded_at),
                )
            if len(rows) < size:
                return
            after = rows[-1][0]
            if remaining is not None:
                remaining -= len(rows)
            page = min(page * 2, _LAST_PAGE)

    def verify_integrity(self, complaint_ids: Iterable[str] | None = None) -> IntegrityReport:
        """Re-check every chain, commitment, snapshot and query column.

        Verifying everything (no ``complaint_ids``) first asks SQLite to check the file itself
        (``PRAGMA quick_check``) and raises :class:`~iso10002.errors.IntegrityViolation` if
        the file is damaged. Complaints are checked in chunks, each chunk in one read
        transaction, so a concurrent writer never makes a sound complaint look broken.
        See :meth:`ComplaintStore.verify_integrity`.
        """
        problems: list[IntegrityProblem] = []
        checked = 0
        with self._errors():
            if complaint_ids is None:
                self._check_file()
                batches: Iterable[list[str]] = self._all_ids()
            else:
                batches = chunks(list(complaint_ids), _VERIFY_CHUNK)
            for chunk in batches:
                checked += len(chunk)
                problems.extend(self._verify_chunk(chunk))
        return IntegrityReport(checked=checked, problems=tuple(problems))

    def redact(self, complaint_id: str, redaction: Redacted, *, expected_version: int) -> Complaint:
        """Erase personal data and append ``redaction`` in one transaction.

        The personal part of every stored event and the snapshot's personal fields are
        overwritten (SQLite's ``secure_delete`` zeroes the freed bytes), then the WAL is
        checkpointed so no old copy of a page stays in it — unless another connection is
        reading at that moment, in which case the next checkpoint removes them.
        See :meth:`ComplaintStore.redact`.
        """
        with self._errors():
            stored = self._current(complaint_id, expected_version)
            snapshot = apply(stored.snapshot, [redaction])
            rows = seal_all(complaint_id, [redaction], stored.snapshot.version, stored.head)
            recorded = to_micros(self._clock())
            with self._transaction() as db:
                due = None if stored.next_due is None else from_micros(stored.next_due)
                self._replace(db, stored, snapshot, rows[-1].digest, due)
                db.execute(
                    "UPDATE events SET personal = NULL "
                    "WHERE complaint_id = ? AND personal IS NOT NULL",
                    (complaint_id,),
                )
                db.executemany(INSERT_EVENT, event_rows(rows, recorded))
            self.checkpoint()
        self._recent.put(snapshot)
        return snapshot

    def close(self) -> None:
        """Close every connection; later calls raise ``ConfigurationError``. Idempotent."""
        self._pool.close()

    # --- beyond the protocol -------------------------------------------------------------------

    def import_histories(
        self,
        histories: Iterable[Sequence[Event]],
        *,
        next_due: Callable[[Complaint], datetime | None] | None = None,
        batch_size: int = 1000,
    ) -> ImportSummary:
        """Store many new complaints, each from its complete history, in one transaction.

        The bulk path for imports and migrations from another system: every history is
        validated exactly as :meth:`create` validates it (it starts with ``Received``, the
        lifecycle allows each event, events are in time order), sealed, and written in
        batches of ``batch_size`` complaints. It is all or nothing: if any history is refused,
        or its id is already stored (or appears twice), nothing is written and one
        :class:`~iso10002.errors.ValidationError` lists every refused history by its index
        (the first 1,000 of them). ``next_due(snapshot)`` gives each complaint's next SLA
        deadline, as the desk's policy would. ``histories`` may be a generator: it is read
        once, a batch at a time.

        The write lock is held for the whole import, so other writers wait (up to their busy
        timeout); import very large sets in several calls if other writers must get in. An
        exception raised while reading ``histories`` (or by ``next_due``) rolls it all back too.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> histories = (history_to("closed", f"C-{n}") for n in range(3))
            >>> store.import_histories(histories)
            ImportSummary(complaints=3, events=24)
            >>> store.import_histories([history_to("closed", "C-1")])
            Traceback (most recent call last):
            ...
            iso10002.errors.ValidationError: 1 invalid field:
              - histories[0]: complaint 'C-1' is already stored
            >>> store.close()
        """
        size: object = batch_size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValidationError([f"batch_size: {batch_size!r} is not a positive whole number"])
        refusals = ImportRefusals()
        complaints = events = 0
        prepare = self.preparer(next_due)
        with self._errors(), self._transaction() as db:
            batch: dict[int, PreparedComplaint] = {}
            for index, history in enumerate(histories):
                try:
                    batch[index] = prepare(history)
                except Iso10002Error as exc:
                    refusals.add(reasons(f"histories[{index}]", exc))
                if len(batch) >= batch_size:
                    done, rows = self._write_batch(db, batch, refusals)
                    complaints, events = complaints + done, events + rows
                    batch = {}
            done, rows = self._write_batch(db, batch, refusals)
            complaints, events = complaints + done, events + rows
            if refusals.total:  # all or nothing: leaving the block rolls everything back
                raise ValidationError(refusals.listed())
        return ImportSummary(complaints=complaints, events=events)

    def preparer(
        self, next_due: Callable[[Complaint], datetime | None] | None = None
    ) -> ComplaintPreparer:
        """What turns a new complaint's history into the rows this store writes for it.

        A :class:`ComplaintPreparer` stamped with the store clock's "now" as the time stored;
        ``next_due`` as :meth:`import_histories` takes it. It is plain and picklable (when
        ``next_due`` is), so worker processes can prepare batches while this process writes
        them: given back in Python to :meth:`import_prepared`, or staged in files for
        :meth:`import_staged`, as ``iso10002 import --workers`` does.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> prepared = store.preparer()(history_to("closed", "C-1"))
            >>> list(store.import_prepared([[prepared]]))
            [ImportSummary(complaints=1, events=8)]
            >>> store.close()
        """
        return ComplaintPreparer(recorded=to_micros(self._clock()), next_due=next_due)

    def import_batches(
        self,
        batches: Iterable[Sequence[Sequence[Event]]],
        *,
        next_due: Callable[[Complaint], datetime | None] | None = None,
    ) -> Iterator[ImportSummary | ValidationError]:
        """Store batches of new complaints, each batch one transaction; an outcome per batch.

        Each batch is what :meth:`import_histories` takes (complete histories, validated,
        sealed and written exactly as there), and is stored whole or not at all: the outcome
        is its :class:`ImportSummary`, or the :class:`~iso10002.errors.ValidationError`
        listing why nothing of it was stored (a history refused, an id already stored or
        twice in the batch). Outcomes come in the order of the batches, each batch written
        before the next is read: so a caller may store a refused batch's histories one by
        one, in order, before the next batch is written. A batch whose first or last
        complaint is already stored (a file imported before) is refused before it is folded
        and sealed.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> first = [history_to("closed", f"C-{n}") for n in range(2)]
            >>> again = [history_to("closed", "C-9"), history_to("closed", "C-1")]
            >>> for outcome in store.import_batches([first, again]):
            ...     print(outcome)
            ImportSummary(complaints=2, events=16)
            1 invalid field:
              - histories[1]: complaint 'C-1' is already stored
            >>> store.count()
            2
            >>> store.close()
        """
        prepare = self.preparer(next_due)
        for histories in batches:
            prepared, refusals = self._prepare_batch(histories, prepare)
            yield self._outcome(prepared, refusals)

    def import_prepared(
        self, batches: Iterable[Sequence[PreparedComplaint]]
    ) -> Iterator[ImportSummary | ValidationError]:
        """Store batches of complaints prepared by :meth:`preparer` (in this process or
        another), each batch one transaction; an outcome per batch, as :meth:`import_batches`
        gives them.

        The rows are written as they were prepared: only what a preparer of this store made
        belongs here (a row made by hand would be caught by :meth:`verify_integrity`, not
        here). An id already stored, or twice in the batch, refuses the batch.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> prepare = store.preparer()
            >>> batch = [prepare(history_to("closed", f"C-{n}")) for n in range(3)]
            >>> for outcome in store.import_prepared([batch, batch[:1]]):
            ...     print(outcome)
            ImportSummary(complaints=3, events=24)
            1 invalid field:
              - histories[0]: complaint 'C-0' is already stored
            >>> store.close()
        """
        for batch in batches:
            yield self._outcome(dict(enumerate(batch)), ImportRefusals())

    def import_staged(
        self, paths: Iterable[str | os.PathLike[str]]
    ) -> Iterator[ImportSummary | ValidationError]:
        """Store batches written to staging files (``write_staged`` in
        :mod:`iso10002.storage._sqlite_sql`, of what :meth:`preparer` made), each batch one
        transaction; an outcome per batch, as :meth:`import_prepared` gives them.

        The rows are copied by SQLite itself (``INSERT … SELECT`` from the attached file), in
        the order they were staged, with no Python per row: what lets import worker
        processes hand their batches to the writing process cheaply. The files are left as
        they are; their owner deletes them.

        Examples:
            >>> import tempfile, pathlib
            >>> from iso10002.storage._sqlite_sql import write_staged
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> path = pathlib.Path(tempfile.mkdtemp()) / "batch.sqlite3"
            >>> prepare = store.preparer()
            >>> write_staged(path, [prepare(history_to("closed", f"C-{n}")) for n in range(3)])
            >>> for outcome in store.import_staged([path, path]):
            ...     print(outcome)
            ImportSummary(complaints=3, events=24)
            3 invalid fields:
              - histories[0]: complaint 'C-0' is already stored
              - histories[1]: complaint 'C-1' is already stored
              - histories[2]: complaint 'C-2' is already stored
            >>> store.close()
        """
        for path in paths:
            yield self._import_staged(os.fspath(path))

    def _import_staged(self, path: str) -> ImportSummary | ValidationError:
        with self._errors(), self._pool.use() as db:
            db.execute("ATTACH DATABASE ? AS staged", (path,))
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    outcome = self._copy_staged(db)
                finally:
                    if db.in_transaction:
                        db.rollback()
            finally:
                db.execute("DETACH DATABASE staged")
        return outcome

    @staticmethod
    def _copy_staged(db: sqlite3.Connection) -> ImportSummary | ValidationError:
        """Copy the attached ``staged`` batch in, and commit; or refuse it, writing nothing."""
        refusals = ImportRefusals()
        for index, taken in db.execute(
            "SELECT s.rowid - 1, s.id FROM staged.complaints AS s "
            "JOIN main.complaints AS m ON m.id = s.id ORDER BY s.rowid"
        ):
            refusals.add([f"histories[{index}]: complaint {taken!r} is already stored"])
        for index, repeated, first in db.execute(
            "SELECT s.rowid - 1, s.id, min(t.rowid) - 1 FROM staged.complaints AS s "
            "JOIN staged.complaints AS t ON t.id = s.id AND t.rowid < s.rowid "
            "GROUP BY s.rowid ORDER BY s.rowid"
        ):
            refusals.add([f"histories[{index}]: complaint {repeated!r} is also histories[{first}]"])
        if refusals.total:
            return ValidationError(refusals.listed())
        complaints = db.execute(
            f"INSERT INTO main.complaints ({', '.join(COMPLAINT_COLUMNS)}) "
            f"SELECT {', '.join(COMPLAINT_COLUMNS)} FROM staged.complaints ORDER BY rowid"
        ).rowcount
        db.execute(
            f"INSERT INTO main.complaint_facts ({', '.join(FACT_COLUMNS)}) "
            f"SELECT {', '.join(FACT_COLUMNS)} FROM staged.complaint_facts ORDER BY rowid"
        )
        events = db.execute(
            f"INSERT INTO main.events ({STAGED_EVENT_COLUMNS}) "
            f"SELECT {STAGED_EVENT_COLUMNS} FROM staged.events ORDER BY rowid"
        ).rowcount
        db.execute("COMMIT")
        return ImportSummary(complaints=complaints, events=events)

    def _prepare_batch(
        self, histories: Sequence[Sequence[Event]], prepare: ComplaintPreparer
    ) -> tuple[dict[int, PreparedComplaint], ImportRefusals]:
        """Validate, fold and seal a batch; an id already stored refuses it before the work."""
        refusals = ImportRefusals()
        ends = {0: histories[0], len(histories) - 1: histories[-1]} if histories else {}
        with self._errors(), self._pool.use() as db:
            for index, history in ends.items():
                first = history[0] if history else None
                if (
                    isinstance(first, Received)
                    and db.execute(
                        "SELECT 1 FROM complaints WHERE id = ?", (first.complaint_id,)
                    ).fetchone()
                ):
                    refusals.add(
                        [f"histories[{index}]: complaint {first.complaint_id!r} is already stored"]
                    )
        if refusals.total:  # a batch imported before: do not fold and seal it again
            return {}, refusals
        batch: dict[int, PreparedComplaint] = {}
        for index, history in enumerate(histories):
            try:
                batch[index] = prepare(history)
            except Iso10002Error as exc:
                refusals.add(reasons(f"histories[{index}]", exc))
        return batch, refusals

    def _outcome(
        self, batch: dict[int, PreparedComplaint], refusals: ImportRefusals
    ) -> ImportSummary | ValidationError:
        """Write a prepared batch in one transaction, or nothing if anything in it is refused."""
        if refusals.total:
            return ValidationError(refusals.listed())
        try:
            with self._errors(), self._transaction() as db:
                complaints, events = self._write_batch(db, batch, refusals)
                if refusals.total:  # leaving the block rolls the batch back
                    raise ValidationError(refusals.listed())
        except ValidationError as exc:
            return exc
        return ImportSummary(complaints=complaints, events=events)

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
        """The metric summary of every stored complaint, computed in SQLite.

        Equal to :func:`iso10002.metrics.summarize` over :meth:`find` with the same
        arguments; the aggregates run on the metric facts in one read transaction (see
        :mod:`iso10002.metrics.pushdown` for which figures go to SQL and which stream).
        Usually called through :func:`iso10002.metrics.summarize_store`.

        Examples:
            >>> from iso10002.metrics import Period
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> _ = store.create(history_to("closed"))
            >>> s = store.summarize(Period.parse("2026Q1"))
            >>> s.closed, s.redress_total
            (1, {'GBP': Decimal('25.00')})
            >>> store.close()
        """
        from iso10002.metrics.pushdown import summarize_facts

        with self._errors(), self._pool.use() as db:
            db.execute("BEGIN")  # one snapshot of the file for every query
            try:
                return summarize_facts(
                    _Facts(self, db),
                    period,
                    policy=policy,
                    at=at,
                    customers=customers,
                    by=by,
                    first_contact_days=first_contact_days,
                )
            finally:
                db.rollback()

    def backup(self, target: str | os.PathLike[str]) -> Path:
        """Copy the whole database, consistently, to a new file ``target`` while in use.

        Uses SQLite's online backup, so writers may carry on meanwhile; the copy is a store
        file of its own (open it with ``SQLiteStore(target)``). Also the way to keep an
        in-memory store. Refuses a ``target`` that exists.

        Examples:
            >>> import tempfile, pathlib
            >>> from iso10002.testing.builders import history_to
            >>> store = SQLiteStore.memory()
            >>> _ = store.create(history_to("closed"))
            >>> folder = tempfile.TemporaryDirectory()
            >>> copy = store.backup(pathlib.Path(folder.name) / "copy.sqlite3")
            >>> with SQLiteStore(copy) as restored:
            ...     restored.get("C-0001").state.value
            'closed'
            >>> store.close(); folder.cleanup()
        """
        path = Path(target).absolute()
        if path.exists():
            raise ConfigurationError(f"{path} exists already; back up to a new file")
        with self._errors(), self._pool.use() as db, database_errors(str(path)):
            copy = sqlite3.connect(path)
            try:
                db.backup(copy)
            finally:
                copy.close()
        return path

    def checkpoint(self) -> bool:
        """Copy the WAL into the database file and truncate it; ``False`` if readers kept it.

        SQLite checkpoints on its own as the WAL grows; call this after bulk work, before a
        file-level copy, or to be sure erased data has left the WAL.
        """
        if self._path is None:
            return True
        with self._errors(), self._pool.use() as db:
            busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy

    # --- internals -----------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self._name,
            timeout=self._busy_timeout.total_seconds(),
            isolation_level=None,  # we issue BEGIN/COMMIT ourselves
            check_same_thread=False,  # the pool hands a connection to one thread at a time
        )
        try:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute(f"PRAGMA synchronous = {self._durability.value.upper()}")
            # Erased personal data must not linger in freed pages (ISO 10002 4.10).
            db.execute("PRAGMA secure_delete = ON")
        except BaseException:
            db.close()
            raise
        return db

    def _errors(self) -> AbstractContextManager[None]:
        return database_errors(self._name)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._pool.use() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                if db.in_transaction:
                    db.rollback()
                raise
            db.execute("COMMIT")

    def _snapshot(self, complaint_id: str, text: str, *, version: int | None = None) -> Complaint:
        """The snapshot stored as ``text``; with its ``version``, from the cache if it is there."""
        if version is not None:
            cached = self._recent.get(complaint_id, version)
            if cached is not None:
                return cached
        try:
            snapshot = snapshot_from_json(text)
        except (ValidationError, ValueError) as exc:
            raise IntegrityViolation(
                f"{self._name}: the stored snapshot of {complaint_id!r} cannot be read ({exc}); "
                "run verify_integrity()"
            ) from exc
        if version is not None:
            self._recent.put(snapshot)
        return snapshot

    def _unseal(self, complaint_id: str, public: str, personal: str | None) -> Event:
        try:
            return unseal(public, personal)
        except (ValidationError, ValueError, KeyError) as exc:
            raise IntegrityViolation(
                f"{self._name}: a stored event of {complaint_id!r} cannot be read ({exc!r}); "
                "run verify_integrity()"
            ) from exc

    def _keyed(self, db: sqlite3.Connection, key: str) -> Complaint | None:
        row = db.execute(
            "SELECT c.id, c.snapshot FROM idempotency_keys AS k "
            "JOIN complaints AS c ON c.id = k.complaint_id WHERE k.key = ?",
            (key,),
        ).fetchone()
        return None if row is None else self._snapshot(row[0], row[1])

    def _require(self, db: sqlite3.Connection, complaint_id: str) -> int:
        row = db.execute("SELECT version FROM complaints WHERE id = ?", (complaint_id,)).fetchone()
        if row is None:
            raise NotFound(complaint_id)
        return int(row[0])

    def _current(self, complaint_id: str, expected_version: int) -> _Stored:
        with self._pool.use() as db:
            row = db.execute(
                "SELECT version, head, next_due, snapshot FROM complaints WHERE id = ?",
                (complaint_id,),
            ).fetchone()
        if row is None:
            raise NotFound(complaint_id)
        version, head, next_due, text = row
        if version != expected_version:
            raise ConcurrencyConflict(complaint_id, expected_version, version)
        return _Stored(self._snapshot(complaint_id, text, version=version), head, next_due)

    def _replace(
        self,
        db: sqlite3.Connection,
        stored: _Stored,
        snapshot: Complaint,
        head: str,
        next_due: datetime | None,
    ) -> None:
        """Write the new snapshot if the complaint is still as ``stored`` says; else a conflict.

        Only the query columns whose values change are written, so SQLite leaves the other
        indexes alone: fewer pages per commit, and each durable commit is that much cheaper.
        """
        before = query_columns(stored.snapshot, None)
        before["next_due"] = stored.next_due
        row = complaint_row(snapshot, head, next_due)
        changed = tuple(c for c in QUERY_COLUMNS if row[c] != before[c])
        row["expected"] = stored.snapshot.version
        row["previous"] = stored.head
        if db.execute(update_statement(changed), row).rowcount != 1:
            actual = self._require(db, snapshot.id)
            raise ConcurrencyConflict(snapshot.id, stored.snapshot.version, actual)
        facts = metric_facts(snapshot)
        if facts != metric_facts(stored.snapshot):  # most events change no metric fact
            db.execute(INSERT_FACTS, facts)

    def _write_batch(
        self,
        db: sqlite3.Connection,
        batch: dict[int, PreparedComplaint],
        refusals: ImportRefusals,
    ) -> tuple[int, int]:
        """Insert a batch, refusing ids already taken; ``(complaints, events)`` written."""
        first_index: dict[str, int] = {}
        for index, item in list(batch.items()):
            complaint_id = str(item.complaint["id"])
            earlier = first_index.setdefault(complaint_id, index)
            if earlier != index:
                refusals.add(
                    [f"histories[{index}]: complaint {complaint_id!r} is also histories[{earlier}]"]
                )
                del batch[index]
        for taken in _stored(db, first_index):
            index = first_index[taken]
            refusals.add([f"histories[{index}]: complaint {taken!r} is already stored"])
            del batch[index]
        items = list(batch.values())
        db.executemany(INSERT_COMPLAINT, [i.complaint for i in items])
        db.executemany(INSERT_FACTS, [i.facts for i in items])
        written = [row for i in items for row in i.events]
        db.executemany(INSERT_EVENT, written)
        return len(items), len(written)

    def _check_file(self) -> None:
        with self._pool.use() as db:
            found = [row[0] for row in db.execute("PRAGMA quick_check(20)")]
        if found != ["ok"]:
            raise IntegrityViolation(
                f"{self._name} is damaged, SQLite's quick_check reports: "
                + "; ".join(found)
                + ". Restore it from a backup."
            )

    def _all_ids(self) -> Iterator[list[str]]:
        """Every complaint id in chunks, then ids that have events but no complaint row."""
        last = ""
        while True:
            with self._pool.use() as db:
                chunk = [
                    row[0]
                    for row in db.execute(
                        "SELECT id FROM complaints WHERE id > ? ORDER BY id LIMIT ?",
                        (last, _VERIFY_CHUNK),
                    )
                ]
            if not chunk:
                break
            yield chunk
            last = chunk[-1]
        with self._pool.use() as db:
            orphans = [
                row[0]
                for row in db.execute(
                    "SELECT DISTINCT complaint_id FROM events "
                    "WHERE complaint_id NOT IN (SELECT id FROM complaints) ORDER BY complaint_id"
                )
            ]
        yield from chunks(orphans, _VERIFY_CHUNK)

    def _verify_chunk(self, ids: list[str]) -> list[IntegrityProblem]:
        marks = ", ".join("?" * len(ids))
        with self._pool.use() as db:
            db.execute("BEGIN")  # one snapshot of the chunk: rows and heads agree
            complaints = {
                row[0]: row
                for row in db.execute(
                    f"SELECT {', '.join(COMPLAINT_COLUMNS)} FROM complaints WHERE id IN ({marks})",
                    ids,
                )
            }
            stored: dict[str, list[SealedEvent]] = {}
            for row in db.execute(
                f"SELECT {EVENT_COLUMNS} FROM events WHERE complaint_id IN ({marks}) "
                "ORDER BY complaint_id, version",
                ids,
            ):
                stored.setdefault(row[0], []).append(sealed_event(row))
            facts: dict[str, FactRow] = {
                row[0]: dict(zip(FACT_COLUMNS, row, strict=True))
                for row in db.execute(
                    f"SELECT {', '.join(FACT_COLUMNS)} FROM complaint_facts "
                    f"WHERE complaint_id IN ({marks})",
                    ids,
                )
            }
            db.execute("COMMIT")
        problems: list[IntegrityProblem] = []
        for complaint_id in ids:
            rows = stored.get(complaint_id, [])
            record = complaints.get(complaint_id)
            problems.extend(self._verify_one(complaint_id, rows, record, facts.get(complaint_id)))
        return problems

    def _verify_one(
        self,
        complaint_id: str,
        rows: list[SealedEvent],
        record: tuple[str | int | None, ...] | None,
        facts: FactRow | None,
    ) -> list[IntegrityProblem]:
        if record is None:
            if not rows:
                return verify_chain(complaint_id, rows)
            found = verify_chain(complaint_id, rows)
            return found or [
                IntegrityProblem(
                    complaint_id, None, "missing", "events are stored but the complaint is not"
                )
            ]
        columns = dict(zip(COMPLAINT_COLUMNS, record, strict=True))
        head = (int(str(columns["version"])), str(columns["head"])) if rows else None
        found = verify_chain(complaint_id, rows, head=head)
        if found:
            return found
        try:
            snapshot = snapshot_from_json(str(columns["snapshot"]))
        except (ValidationError, ValueError) as exc:
            return [IntegrityProblem(complaint_id, None, "corrupt", f"snapshot unreadable: {exc}")]
        found = check_snapshot(complaint_id, rows, snapshot)
        if found:
            return found
        return check_columns(complaint_id, rows, columns, snapshot) or _check_facts(
            complaint_id, facts, snapshot
        )


def _check_facts(
    complaint_id: str, stored: FactRow | None, snapshot: Complaint
) -> list[IntegrityProblem]:
    """The metric facts must say what the (already verified) snapshot says."""
    differing = fact_differences(stored, snapshot)
    if not differing:
        return []
    detail = (
        "its metric facts row is missing"
        if stored is None
        else f"metric fact(s) {', '.join(differing)} differ from the stored snapshot"
    )
    return [IntegrityProblem(complaint_id, None, "snapshot", detail)]


class _Facts:
    """The ``complaint_facts`` table on one connection, for the metrics pushdown."""

    dialect = "sqlite"
    table = "complaint_facts"
    complaints = "complaints"

    def __init__(self, store: SQLiteStore, db: sqlite3.Connection) -> None:
        self._store = store
        self._db = db

    def rows(self, sql: str, params: Mapping[str, int]) -> Iterator[tuple[object, ...]]:
        """The rows of a ``SELECT`` with ``:name`` parameters."""
        yield from self._db.execute(sql, dict(params))

    def snapshots(self, where: str, params: Mapping[str, int]) -> Iterator[Complaint]:
        """The snapshots of the complaints whose facts row ``f`` matches ``where``."""
        rows = self._db.execute(
            "SELECT c.id, c.snapshot FROM complaint_facts AS f "
            f"JOIN complaints AS c ON c.id = f.complaint_id WHERE {where}",
            dict(params),
        )
        for complaint_id, text in rows:
            yield self._store._snapshot(complaint_id, text)


def _stored(db: sqlite3.Connection, complaint_ids: Iterable[str]) -> Iterator[str]:
    """The ids of ``complaint_ids`` the complaints table holds (500 per lookup)."""
    for ids in chunks(list(complaint_ids), 500):
        marks = ", ".join("?" * len(ids))
        for (taken,) in db.execute(f"SELECT id FROM complaints WHERE id IN ({marks})", ids):
            yield str(taken)


@attrs.frozen
class _Stored:
    """A complaint as read before a write: the write succeeds only if it is still so."""

    snapshot: Complaint
    head: str
    next_due: int | None
