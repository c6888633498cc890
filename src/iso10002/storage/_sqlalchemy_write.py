"""The statements behind :meth:`SQLAlchemyStore.append` and ``redact``, and where they start.

A write starts from a :class:`Head`: the snapshot, chain digest and deadline of the version
the caller expects. :class:`RecentHeads` keeps the heads the store wrote or read lately, so
an append after a ``get`` or another append reads and parses nothing; otherwise
:data:`READ_HEAD` reads the row. Either way the new snapshot is folded and the events
sealed before anything is written, and the write is a compare-and-set on the version *and*
the digest it started from: a head that is no longer the stored one (another writer moved
on, or a cached head went stale) updates no row and writes nothing.

On PostgreSQL an append is one statement (:func:`postgres_append`), run on its own
(autocommit: its own transaction, one round trip): the compare-and-set ``UPDATE`` of the
complaint's row, returning the feed lock taken once the row is locked; the upsert of its
metric facts when they changed; and the insert of the sealed rows, joined to the updated
row, so it inserts nothing when the compare-and-set missed, and gives out positions only
after the feed lock is held (the identity's ``nextval`` is computed on the joined rows).
Elsewhere, and for erasure, the same steps run as separate statements in one transaction.

Examples:
    >>> from iso10002.testing.builders import complaint_in
    >>> recent = RecentHeads(size=1)
    >>> c = complaint_in("received")
    >>> recent.put(Head(c, "ab" * 32, None))
    >>> recent.get(c.id, c.version).digest == "ab" * 32, recent.get(c.id, c.version + 1)
    (True, None)
    >>> print(postgres_append(facts=False, several=False)[:44])
    WITH moved AS (UPDATE iso10002_complaints SE
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from iso10002.integrity import SealedEvent
from iso10002.model import Complaint
from iso10002.storage.common import query_columns, snapshot_json, to_micros
from iso10002.storage.facts import FACT_COLUMNS, FactRow
from iso10002.storage.sqlalchemy_schema import complaint_facts, complaints, events

__all__ = [
    "ERASE_PERSONAL",
    "EVENT_FIELDS",
    "FEED_LOCK",
    "INSERT_EVENT",
    "READ_HEAD",
    "ROW_COLUMNS",
    "UPDATE_ROW",
    "Head",
    "RecentHeads",
    "event_values",
    "fact_values",
    "postgres_append",
    "row_values",
]

FEED_LOCK = (10002, 1)
"""The feed's advisory lock (documented as :data:`iso10002.storage.sqlalchemy.FEED_LOCK`)."""


@attrs.frozen
class Head:
    """What a write to a complaint starts from: its snapshot, the digest of its latest
    event and its ``next_due`` column (integer microseconds, or ``None``)."""

    snapshot: Complaint
    digest: str
    next_due: int | None


class RecentHeads:
    """The heads a store wrote or read lately, by complaint id, at most ``size`` of them.

    A head is only a starting point: the compare-and-set of the write checks it against
    the stored row, so a stale one costs a retry, never a wrong write.
    """

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._items: OrderedDict[str, Head] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, complaint_id: str, version: int) -> Head | None:
        """The head of ``complaint_id`` at ``version``, if it is the one kept."""
        with self._lock:
            found = self._items.get(complaint_id)
            if found is None or found.snapshot.version != version:
                return None
            self._items.move_to_end(complaint_id)
            return found

    def put(self, head: Head) -> None:
        """Keep ``head`` (unless a newer one of its complaint is kept already)."""
        complaint_id = head.snapshot.id
        with self._lock:
            known = self._items.get(complaint_id)
            if known is not None and known.snapshot.version > head.snapshot.version:
                return  # a slower thread must not replace a newer head
            self._items[complaint_id] = head
            self._items.move_to_end(complaint_id)
            if len(self._items) > self._size:
                self._items.popitem(last=False)

    def discard(self, complaint_id: str) -> None:
        """Forget the head of ``complaint_id`` (it was not the stored one)."""
        with self._lock:
            self._items.pop(complaint_id, None)


_c = complaints.c
# Bound as plain text: a bind cast with the id column's COLLATE "C" would make PostgreSQL's
# generic plans of the prepared statement scan the table (see ComplaintId).
_KEY = sa.bindparam("key", type_=sa.String())

READ_HEAD = sa.select(_c.version, _c.head_digest, _c.next_due, _c.snapshot).where(_c.id == _KEY)
"""A complaint's row as a write starts from it (parameter ``key``: the id)."""

ROW_COLUMNS = tuple(
    column.name for column in complaints.columns if column.name not in ("id", "idempotency_key")
)
"""The columns of a complaint row a write sets (``id`` is the key and never changes)."""

UPDATE_ROW = complaints.update().where(
    _c.id == _KEY,
    _c.version == sa.bindparam("expected"),
    _c.head_digest == sa.bindparam("previous"),
)
"""The compare-and-set of a complaint's row: executed with :func:`row_values` and ``key``,
``expected`` (the version written after) and ``previous`` (that version's digest)."""

INSERT_EVENT = events.insert()
"""The insert of sealed rows (the database numbers ``position``)."""

ERASE_PERSONAL = events.update().where(events.c.complaint_id == _KEY).values(personal=None)
"""Erasure of every personal part of a complaint's events (ISO 10002 4.10)."""

EVENT_FIELDS = (
    "version",
    "event_type",
    "at",
    "actor",
    "public",
    "personal",
    "previous",
    "digest",
)
"""The columns of an event row that differ from row to row of one write."""


def row_values(snapshot: Complaint, head_digest: str, next_due: int | None) -> dict[str, object]:
    """The new values of a complaint's row (without ``id``), by column name."""
    values: dict[str, object] = dict(query_columns(snapshot, None))
    del values["id"]
    values["next_due"] = next_due
    values["head_digest"] = head_digest
    values["snapshot"] = snapshot_json(snapshot)
    return values


def event_values(rows: Sequence[SealedEvent]) -> dict[str, object]:
    """The sealed rows as the parameters of :func:`postgres_append` (``e_<column>``): the
    values of one row, or for several a list per column of :data:`EVENT_FIELDS`."""
    if len(rows) == 1:
        row = rows[0]
        return {
            "e_version": row.version,
            "e_event_type": row.event_type,
            "e_at": to_micros(row.at),
            "e_actor": row.actor,
            "e_public": row.public,
            "e_personal": row.personal,
            "e_previous": row.previous,
            "e_digest": row.digest,
        }
    return {
        "e_version": [row.version for row in rows],
        "e_event_type": [row.event_type for row in rows],
        "e_at": [to_micros(row.at) for row in rows],
        "e_actor": [row.actor for row in rows],
        "e_public": [row.public for row in rows],
        "e_personal": [row.personal for row in rows],
        "e_previous": [row.previous for row in rows],
        "e_digest": [row.digest for row in rows],
    }


def fact_values(facts: FactRow) -> dict[str, object]:
    """A facts row as the parameters of :func:`postgres_append` (``f_<column>``)."""
    return {f"f_{name}": facts[name] for name in FACT_COLUMNS if name != "complaint_id"}


def _sql_type(column: sa.Column[object]) -> str:
    """A column's PostgreSQL type, for casts (without any collation: see ``ComplaintId``)."""
    kind = column.type.dialect_impl(postgresql.dialect())  # type: ignore[no-untyped-call]
    if isinstance(kind, sa.String):
        return "text"
    return str(kind.compile(dialect=postgresql.dialect()))  # type: ignore[no-untyped-call]


@cache
def postgres_append(*, facts: bool, several: bool) -> str:
    """The one statement of an append on PostgreSQL (psycopg's ``%(name)s`` parameters).

    Parameters: :func:`row_values`, ``key``, ``expected`` and ``previous`` as for
    :data:`UPDATE_ROW`; :func:`event_values` of one event, or with ``several`` of more;
    ``recorded_at``; and with ``facts``, :func:`fact_values`. Inserts as many rows as there
    are events, or none when the compare-and-set missed.
    """
    sets = ", ".join(f"{name} = %({name})s" for name in ROW_COLUMNS)
    parts = [
        f"WITH moved AS (UPDATE {complaints.name} SET {sets}\n"
        "WHERE id = %(key)s AND version = %(expected)s AND head_digest = %(previous)s\n"
        # RETURNING runs once the row is updated (and locked): the feed lock comes second,
        # as on every other write path, so two writers never wait for each other in turn.
        f"RETURNING id, pg_advisory_xact_lock({FEED_LOCK[0]}, {FEED_LOCK[1]}) AS feed_lock)"
    ]
    if facts:
        names = [name for name in FACT_COLUMNS if name != "complaint_id"]
        values = ", ".join(
            f"CAST(%(f_{name})s AS {_sql_type(complaint_facts.c[name])})" for name in names
        )
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in names)
        # An upsert: a facts row lost behind the store's back is written again.
        parts.append(
            f",\nfacts AS (INSERT INTO {complaint_facts.name} (complaint_id, {', '.join(names)})\n"
            f"SELECT moved.id, {values} FROM moved\n"
            f"ON CONFLICT (complaint_id) DO UPDATE SET {updates})"
        )
    if several:
        arrays = ", ".join(
            f"CAST(%(e_{name})s AS {_sql_type(events.c[name])}[])" for name in EVENT_FIELDS
        )
        rows = f"unnest({arrays}) AS e({', '.join(EVENT_FIELDS)})"
    else:
        values = ", ".join(
            f"CAST(%(e_{name})s AS {_sql_type(events.c[name])})" for name in EVENT_FIELDS
        )
        rows = f"(VALUES ({values})) AS e({', '.join(EVENT_FIELDS)})"
    parts.append(
        f"\nINSERT INTO {events.name} (complaint_id, {', '.join(EVENT_FIELDS)}, recorded_at)\n"
        f"SELECT moved.id, {', '.join(f'e.{name}' for name in EVENT_FIELDS)}, "
        "CAST(%(recorded_at)s AS bigint)\n"
        # Joined to the updated row: positions (nextval, computed on the joined rows) are
        # given out with the feed lock held, in the order of the events.
        f"FROM moved, {rows}"
    )
    return "".join(parts)
