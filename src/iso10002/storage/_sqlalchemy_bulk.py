"""The bulk import behind :meth:`SQLAlchemyStore.create_many`: prepare batches, write them.

Preparing a batch is Python work (fold, seal, serialise every history); writing it is the
database's (``COPY`` on psycopg, executemany elsewhere). On PostgreSQL the two overlap: a
writer thread sends batch *n* while the caller prepares batch *n + 1*, and the server
works in its own process, so an import costs about the larger of the two, not their sum.
At most two prepared batches wait for the writer, so memory stays bounded.

Examples:
    >>> import sqlalchemy as sa
    >>> from iso10002.storage.sqlalchemy_migrations import upgrade
    >>> from iso10002.testing.builders import history_to
    >>> engine = sa.create_engine("sqlite://")
    >>> upgrade(engine)
    >>> batch = prepare([history_to("received", "C-1")], {}, None, 0)
    >>> with engine.begin() as connection:
    ...     with BatchWriter(connection) as writer:
    ...         writer.put(batch)
    >>> batch.ids
    ['C-1']
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType

import attrs
import sqlalchemy as sa

from iso10002._checks import instant
from iso10002.errors import ConcurrencyConflict
from iso10002.events import Event
from iso10002.integrity import GENESIS, SealedEvent
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.storage.common import (
    first_received,
    query_columns,
    seal_all,
    snapshot_json,
    to_micros,
)
from iso10002.storage.facts import FACT_COLUMNS, metric_facts
from iso10002.storage.sqlalchemy_schema import complaint_facts, complaints, events

__all__ = [
    "COMPLAINT_COLUMNS",
    "EVENT_COLUMNS",
    "Batch",
    "BatchWriter",
    "bulk_insert",
    "complaint_values",
    "event_row",
    "prepare",
]

COMPLAINT_COLUMNS = tuple(column.name for column in complaints.columns)
"""The columns of a complaint row, in table order."""
EVENT_COLUMNS = tuple(column.name for column in events.columns if column.name != "position")
"""The columns of an event row the store writes (the database numbers ``position``)."""


@attrs.frozen
class Batch:
    """Complaints ready to insert: their ids and their rows in column order."""

    ids: list[str]
    complaint_rows: list[tuple[object, ...]]
    event_rows: list[tuple[object, ...]]
    fact_rows: list[tuple[object, ...]] = attrs.field(factory=list)


def complaint_values(
    snapshot: Complaint, head_digest: str, next_due: datetime | None
) -> dict[str, object]:
    """A complaint row (without its idempotency key) as column name to value."""
    values: dict[str, object] = dict(query_columns(snapshot, next_due))
    values["head_digest"] = head_digest
    values["snapshot"] = snapshot_json(snapshot)
    return values


def event_row(row: SealedEvent, recorded_at: int) -> tuple[object, ...]:
    """A sealed event as the values of :data:`EVENT_COLUMNS`."""
    return (
        row.complaint_id,
        row.version,
        row.event_type,
        to_micros(row.at),
        row.actor,
        row.public,
        row.personal,
        row.previous,
        row.digest,
        recorded_at,
    )


def prepare(
    histories: Sequence[Sequence[Event]],
    seen: dict[str, int],
    next_due: Callable[[Complaint], datetime | None] | None,
    recorded_at: int,
) -> Batch:
    """Validate, fold and seal new complaints as ``create`` would.

    ``seen`` maps the ids prepared so far to their versions: an id met twice is a conflict.
    """
    batch = Batch([], [], [])
    for history in histories:
        complaint_id = first_received(history).complaint_id
        if complaint_id in seen:
            raise ConcurrencyConflict(complaint_id, 0, seen[complaint_id])
        snapshot = replay(history)
        sealed = seal_all(complaint_id, history, 0, GENESIS)
        due = None if next_due is None else next_due(snapshot)
        if due is not None:
            due = instant(due, f"next_due of {complaint_id}")
        values = complaint_values(snapshot, sealed[-1].digest, due)
        batch.complaint_rows.append(tuple(values.get(c) for c in COMPLAINT_COLUMNS))
        batch.event_rows.extend(event_row(row, recorded_at) for row in sealed)
        facts = metric_facts(snapshot)
        batch.fact_rows.append(tuple(facts[c] for c in FACT_COLUMNS))
        seen[complaint_id] = snapshot.version
        batch.ids.append(complaint_id)
    return batch


def write(connection: sa.Connection, batch: Batch) -> None:
    """Insert a prepared batch; ``ConcurrencyConflict`` if one of its ids is stored already."""
    clash = connection.execute(
        sa.select(complaints.c.id, complaints.c.version)
        .where(complaints.c.id.in_(batch.ids))
        .limit(1)
    ).first()
    if clash is not None:
        raise ConcurrencyConflict(clash.id, 0, clash.version)
    bulk_insert(connection, complaints, COMPLAINT_COLUMNS, batch.complaint_rows)
    bulk_insert(connection, complaint_facts, FACT_COLUMNS, batch.fact_rows)
    bulk_insert(connection, events, EVENT_COLUMNS, batch.event_rows)


def bulk_insert(
    connection: sa.Connection,
    table: sa.Table,
    columns: Sequence[str],
    rows: Sequence[tuple[object, ...]],
) -> None:
    """Insert many rows: with ``COPY`` on psycopg (several times faster), else executemany."""
    if connection.dialect.driver != "psycopg":
        connection.execute(table.insert(), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    driver = connection.connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for row in rows:
                copy.write_row(row)
    except driver.Error as exc:  # type: ignore[union-attr]
        # COPY runs on the driver's connection directly: give its error the shape every
        # other statement's error has, so the callers' handling applies to it too.
        lost = connection.dialect.is_disconnect(exc, driver, None)
        if lost:
            connection.invalidate(exc)
        raise sa.exc.DBAPIError.instance(
            statement,
            None,
            exc,
            type(driver).Error,  # type: ignore[union-attr]
            connection_invalidated=lost,
            dialect=connection.dialect,
        ) from exc


class BatchWriter:
    """Writes batches on ``connection``: on a thread of its own for psycopg, else in turn.

    Use it as a context manager; leaving the block normally waits for every batch and
    raises the first error the writer met; leaving it with an error stops the writer and
    lets that error through. Nothing else may use ``connection`` inside the block.
    """

    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._threaded = connection.dialect.driver == "psycopg"
        self._batches: queue.Queue[Batch | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self.failed_ids: list[str] = []
        """The ids of the batch being written when the writer failed."""
        self._thread = threading.Thread(target=self._run, name="iso10002-import", daemon=True)

    def __enter__(self) -> BatchWriter:
        if self._threaded:
            self._thread.start()
        return self

    def put(self, batch: Batch) -> None:
        """Write ``batch`` (or queue it); raises the writer's error once it has one."""
        self._raise_error()
        if not self._threaded:
            self._write(batch)
            self._raise_error()
            return
        self._batches.put(batch)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        if self._threaded:
            self._batches.put(None)
            self._thread.join()
        if kind is None:
            self._raise_error()

    def _run(self) -> None:
        while (batch := self._batches.get()) is not None:
            if self._error is None:  # after an error, drain the queue so put() never blocks
                self._write(batch)

    def _write(self, batch: Batch) -> None:
        try:
            write(self._connection, batch)
        except BaseException as exc:  # handed to the caller's thread by _raise_error
            self._error = exc
            self.failed_ids = batch.ids

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error
