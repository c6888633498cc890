"""The SQL the SQLite store speaks: statements, rows, query conditions, column checks.

Kept apart from :mod:`iso10002.storage.sqlite` so the store reads as what it does; nothing
here opens a connection.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime

import attrs

from iso10002._checks import instant
from iso10002.errors import Iso10002Error, ValidationError
from iso10002.events import Event
from iso10002.integrity import GENESIS, IntegrityProblem, SealedEvent, seal_parts
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.storage.common import (
    QueryColumns,
    first_received,
    from_micros,
    query_columns,
    snapshot_json,
    to_micros,
)
from iso10002.storage.facts import FACT_COLUMNS, FactRow, metric_facts
from iso10002.storage.protocol import ComplaintQuery

__all__ = [
    "COMPLAINT_COLUMNS",
    "EVENT_COLUMNS",
    "INSERT_COMPLAINT",
    "INSERT_EVENT",
    "MAX_IMPORT_ERRORS",
    "QUERY_COLUMNS",
    "ComplaintPreparer",
    "ImportRefusals",
    "PreparedComplaint",
    "check_columns",
    "chunks",
    "complaint_row",
    "event_rows",
    "page_marker",
    "reasons",
    "sealed_event",
    "sealed_rows",
    "update_statement",
    "where_clause",
    "write_staged",
]

MAX_IMPORT_ERRORS = 1000  # refusals listed one by one in an import's ValidationError

COMPLAINT_COLUMNS = (
    "id",
    "version",
    "head",
    "state",
    "is_open",
    "received_at",
    "assignee",
    "category",
    "product",
    "complaint_type",
    "next_due",
    "snapshot",
)
INSERT_COMPLAINT = (
    f"INSERT INTO complaints ({', '.join(COMPLAINT_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c for c in COMPLAINT_COLUMNS)})"
)
QUERY_COLUMNS = tuple(
    c for c in COMPLAINT_COLUMNS if c not in {"id", "version", "head", "snapshot"}
)


@functools.lru_cache(maxsize=256)
def update_statement(changed: tuple[str, ...]) -> str:
    """The conditional UPDATE that writes the version, head, snapshot and ``changed`` columns."""
    columns = ("version", "head", "snapshot", *changed)
    return (
        f"UPDATE complaints SET {', '.join(f'{c} = :{c}' for c in columns)} "
        "WHERE id = :id AND version = :expected AND head = :previous"
    )


EVENT_COLUMNS = "complaint_id, version, event_type, at, actor, public, personal, previous, digest"
INSERT_EVENT = (
    f"INSERT INTO events ({EVENT_COLUMNS}, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def event_rows(rows: Sequence[SealedEvent], recorded: int) -> list[tuple[str | int | None, ...]]:
    """Parameters of :data:`INSERT_EVENT` for sealed rows stored at ``recorded`` (micros)."""
    return [
        (
            r.complaint_id,
            r.version,
            r.event_type,
            to_micros(r.at),
            r.actor,
            r.public,
            r.personal,
            r.previous,
            r.digest,
            recorded,
        )
        for r in rows
    ]


def sealed_rows(
    complaint_id: str, events: Sequence[Event], recorded: int
) -> tuple[list[tuple[str | int | None, ...]], str]:
    """A new complaint's events sealed from :data:`~iso10002.integrity.GENESIS`, as
    :data:`INSERT_EVENT` parameters stored at ``recorded`` (micros), and the head digest.

    The rows :func:`event_rows` makes of :func:`~iso10002.storage.common.seal_all`'s records,
    without the records: the bulk import's path.
    """
    rows: list[tuple[str | int | None, ...]] = []
    previous = GENESIS
    for version, event in enumerate(events, start=1):
        public, personal, digest = seal_parts(complaint_id, version, event, previous)
        rows.append(
            (
                complaint_id,
                version,
                event.event_type,
                to_micros(event.at),
                event.actor,
                public,
                personal,
                previous,
                digest,
                recorded,
            )
        )
        previous = digest
    return rows, previous


def complaint_row(snapshot: Complaint, head: str, next_due: datetime | None) -> QueryColumns:
    """Parameters of :data:`INSERT_COMPLAINT` for ``snapshot`` with its chain's ``head``."""
    row = query_columns(snapshot, next_due)
    row["head"] = head
    row["snapshot"] = snapshot_json(snapshot)
    return row


@attrs.frozen
class PreparedComplaint:
    """A new complaint validated, folded and sealed, ready to be written: the parameters of
    its complaint row, its event rows and its metric facts row. Plain data, so it can be
    made in another process (:class:`ComplaintPreparer`) and sent back.

    Examples:
        >>> import pickle
        >>> from iso10002.testing.builders import history_to
        >>> prepared = ComplaintPreparer(recorded=0)(history_to("acknowledged", "C-7"))
        >>> pickle.loads(pickle.dumps(prepared)) == prepared, prepared.complaint["state"]
        (True, 'acknowledged')
    """

    complaint: QueryColumns
    events: list[tuple[str | int | None, ...]]
    facts: FactRow

    @property
    def complaint_id(self) -> str:
        """The complaint's id."""
        return str(self.complaint["id"])

    def __reduce__(self) -> tuple[type[PreparedComplaint], tuple[object, ...]]:
        # Plain constructor arguments: cheaper to pickle than attrs' per-attribute state.
        return PreparedComplaint, (self.complaint, self.events, self.facts)


@attrs.frozen
class ComplaintPreparer:
    """Turns a new complaint's complete history into its :class:`PreparedComplaint`.

    Validates it as ``create`` does (it starts with ``Received``, the lifecycle allows each
    event, events are in time order), folds it, seals it from
    :data:`~iso10002.integrity.GENESIS` with ``recorded`` (micros) as the time stored, and
    asks ``next_due(snapshot)`` for the next SLA deadline. Raises what ``create`` raises for
    a refused history. Pure and picklable (when ``next_due`` is): import worker processes
    use it.

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> prepared = ComplaintPreparer(recorded=0)(history_to("closed", "C-1"))
        >>> prepared.complaint_id, len(prepared.events), prepared.facts["upheld"]
        ('C-1', 8, 1)
    """

    recorded: int
    next_due: Callable[[Complaint], datetime | None] | None = None

    def __call__(self, history: Sequence[Event]) -> PreparedComplaint:
        events = tuple(history)
        complaint_id = first_received(events).complaint_id
        snapshot = replay(events)
        due = None if self.next_due is None else self.next_due(snapshot)
        due = None if due is None else instant(due, "next_due")
        rows, head = sealed_rows(complaint_id, events, self.recorded)
        return PreparedComplaint(complaint_row(snapshot, head, due), rows, metric_facts(snapshot))


STAGED_EVENT_COLUMNS = f"{EVENT_COLUMNS}, recorded_at"
"""The columns of a staging file's ``events`` table (see :func:`write_staged`)."""


def write_staged(path: str | os.PathLike[str], batch: Sequence[PreparedComplaint]) -> None:
    """Write a prepared batch to a new staging file, for ``SQLiteStore.import_staged``.

    The batch's complaint, facts and event rows, in order, in plain tables of the store's
    column names: no index, no journal, nothing synced (a scratch file; the store's own
    transaction is what makes the import durable). Import worker processes write them, so
    the importing process copies the rows in SQLite's own code, with no Python per row.

    Examples:
        >>> import sqlite3, tempfile, pathlib
        >>> from iso10002.testing.builders import history_to
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "batch.sqlite3"
        >>> write_staged(path, [ComplaintPreparer(recorded=0)(history_to("closed", "C-1"))])
        >>> sqlite3.connect(path).execute("SELECT count(*) FROM events").fetchone()
        (8,)
    """
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute(f"CREATE TABLE complaints ({', '.join(COMPLAINT_COLUMNS)})")
        db.execute(f"CREATE TABLE complaint_facts ({', '.join(FACT_COLUMNS)})")
        db.execute(f"CREATE TABLE events ({STAGED_EVENT_COLUMNS})")
        db.execute("BEGIN")
        db.executemany(INSERT_COMPLAINT, [p.complaint for p in batch])
        db.executemany(
            f"INSERT INTO complaint_facts VALUES ({', '.join(':' + c for c in FACT_COLUMNS)})",
            [p.facts for p in batch],
        )
        db.executemany(INSERT_EVENT, [row for p in batch for row in p.events])
        db.execute("COMMIT")
    finally:
        db.close()


def sealed_event(row: tuple[str | int | None, ...]) -> SealedEvent:
    """The :class:`SealedEvent` of a row selected as :data:`EVENT_COLUMNS`."""
    complaint_id, version, event_type, at, actor, public, personal, previous, digest = row
    return SealedEvent(
        complaint_id=str(complaint_id),
        version=int(str(version)),
        event_type=str(event_type),
        at=from_micros(int(str(at))),
        actor=str(actor),
        public=str(public),
        personal=None if personal is None else str(personal),
        previous=str(previous),
        digest=str(digest),
    )


def check_columns(
    complaint_id: str,
    rows: list[SealedEvent],
    columns: dict[str, str | int | None],
    snapshot: Complaint,
) -> list[IntegrityProblem]:
    """The columns SQL reads (for ``find`` and, later, aggregates) must say what the data says."""
    problems: list[IntegrityProblem] = []
    expected = query_columns(snapshot, None)
    changed = sorted(
        name for name, value in expected.items() if name != "next_due" and columns[name] != value
    )
    if changed:
        problems.append(
            IntegrityProblem(
                complaint_id,
                None,
                "snapshot",
                f"query column(s) {', '.join(changed)} differ from the stored snapshot",
            )
        )
    for row in rows:
        public = json.loads(row.public)
        if (row.event_type, row.actor) != (public.get("type"), public.get("actor")) or (
            row.at != datetime.fromisoformat(str(public.get("at")))
        ):
            problems.append(
                IntegrityProblem(
                    complaint_id,
                    row.version,
                    "edited",
                    "the type, time or actor column differs from the sealed event",
                )
            )
    return problems


def reasons(where: str, exc: Iso10002Error) -> list[str]:
    """Each thing ``exc`` refuses, prefixed with ``where`` (``histories[3]: …``)."""
    if isinstance(exc, ValidationError):
        return [f"{where}: {reason}" for reason in exc.errors]
    return [f"{where}: {exc}"]


def chunks(items: list[str], size: int) -> Iterator[list[str]]:
    """``items`` in slices of ``size``: SQL parameter lists of a bounded length."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def page_marker(query: ComplaintQuery) -> tuple[int, str] | None:
    """The query's ``after`` as column values; a naive instant is refused."""
    if query.after is None:
        return None
    at, complaint_id = query.after
    return to_micros(instant(at, "after")), str(complaint_id)


def where_clause(query: ComplaintQuery, *, with_after: bool) -> tuple[str, list[str | int]]:
    """The SQL condition meaning :meth:`ComplaintQuery.matches`, over ``query_columns``."""
    clauses: list[str] = ["1"]
    params: list[str | int] = []
    if query.states is not None:
        # One state: its index gives the rows in order. Several: the unary + keeps SQLite on
        # the receipt index, which streams in order, instead of sorting every match per page.
        column = "state" if len(query.states) == 1 else "+state"
        clauses.append(f"{column} IN ({', '.join('?' * len(query.states))})")
        params.extend(sorted(state.value for state in query.states))
    if query.received_from is not None:
        clauses.append("received_at >= ?")
        params.append(to_micros(query.received_from))
    if query.received_until is not None:
        clauses.append("received_at < ?")
        params.append(to_micros(query.received_until))
    for column in ("assignee", "category", "product", "complaint_type"):
        value = getattr(query, column)
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    if query.overdue_at is not None:
        # NULL < x is not true: a complaint with nothing pending is never overdue.
        clauses.append("is_open = 1 AND next_due < ?")
        params.append(to_micros(query.overdue_at))
    after = page_marker(query) if with_after else None
    if after is not None:
        clauses.append("(received_at, id) > (?, ?)")
        params.extend(after)
    return " AND ".join(clauses), params


class ImportRefusals:
    """An import's refusals: all counted, the first ones kept, listed in input order."""

    def __init__(self) -> None:
        self.total = 0
        self._kept: list[str] = []

    def add(self, found: list[str]) -> None:
        self.total += len(found)
        self._kept.extend(found[: max(0, MAX_IMPORT_ERRORS - len(self._kept))])

    def listed(self) -> list[str]:
        shown = sorted(self._kept, key=_history_index)
        if self.total > len(shown):
            shown.append(f"… and {self.total - len(shown)} more; nothing was imported")
        return shown


def _history_index(reason: str) -> int:
    """The ``n`` of a refusal that starts ``histories[n]``."""
    return int(reason[len("histories[") : reason.index("]")])
