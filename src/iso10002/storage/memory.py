"""A complete store in process memory: for tests, demos and short-lived jobs.

It seals and chains events exactly as the database stores do, so everything that holds
for them (integrity, erasure, concurrency) holds here too. Thread-safe: one lock guards each
operation.

Examples:
    >>> from iso10002.testing.builders import history_to
    >>> store = InMemoryStore()
    >>> store.create(history_to("acknowledged")).version
    2
    >>> store.verify_integrity().ok
    True
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

import attrs

from iso10002.clock import Clock, system_clock
from iso10002.errors import ConcurrencyConflict, ConfigurationError, NotFound, ValidationError
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
from iso10002.storage.common import check_snapshot, first_received, seal_all
from iso10002.storage.protocol import ComplaintQuery, RecordedEvent

__all__ = ["InMemoryStore"]


class InMemoryStore:
    """A :class:`~iso10002.storage.protocol.ComplaintStore` in memory.

    ``clock`` stamps ``recorded_at`` in the feed (injectable, like the desk's).
    """

    def __init__(self, *, clock: Clock = system_clock) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._rows: dict[str, list[SealedEvent]] = {}
        self._snapshots: dict[str, Complaint] = {}
        self._next_due: dict[str, datetime | None] = {}
        self._keys: dict[str, str] = {}
        self._feed: list[tuple[str, int, datetime]] = []
        self._closed = False

    def create(
        self,
        events: Sequence[Event],
        *,
        idempotency_key: str | None = None,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Store a new complaint. See :meth:`ComplaintStore.create`."""
        complaint_id = first_received(events).complaint_id
        with self._lock:
            self._check_open()
            if idempotency_key is not None and idempotency_key in self._keys:
                return self._snapshots[self._keys[idempotency_key]]
            if complaint_id in self._snapshots:
                raise ConcurrencyConflict(complaint_id, 0, self._snapshots[complaint_id].version)
            snapshot = replay(events)
            self._write(complaint_id, seal_all(complaint_id, events, 0, GENESIS), snapshot)
            self._next_due[complaint_id] = next_due
            if idempotency_key is not None:
                self._keys[idempotency_key] = complaint_id
            return snapshot

    def get(self, complaint_id: str) -> Complaint:
        """The current snapshot. See :meth:`ComplaintStore.get`."""
        with self._lock:
            self._check_open()
            try:
                return self._snapshots[complaint_id]
            except KeyError:
                raise NotFound(complaint_id) from None

    def history(self, complaint_id: str) -> tuple[Event, ...]:
        """Every event, oldest first. See :meth:`ComplaintStore.history`."""
        with self._lock:
            self.get(complaint_id)
            rows = list(self._rows[complaint_id])
        return tuple(unseal(row.public, row.personal) for row in rows)

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
        with self._lock:
            current = self._current(complaint_id, expected_version)
            snapshot = apply(current, events)
            rows = seal_all(complaint_id, events, current.version, self._head(complaint_id))
            self._write(complaint_id, rows, snapshot)
            self._next_due[complaint_id] = next_due
            return snapshot

    def find(self, query: ComplaintQuery = ComplaintQuery()) -> Iterator[Complaint]:
        """Matching snapshots by ``(received_at, id)``. See :meth:`ComplaintStore.find`."""
        with self._lock:
            self._check_open()
            matching = [
                c for c in self._snapshots.values() if query.matches(c, self._next_due[c.id])
            ]
        matching.sort(key=lambda c: (c.received_at, c.id))
        yield from matching[: query.limit]

    def count(self, query: ComplaintQuery = ComplaintQuery()) -> int:
        """How many match, ignoring ``limit``. See :meth:`ComplaintStore.count`."""
        return sum(1 for _ in self.find(attrs.evolve(query, limit=None)))

    def feed(self, *, after: int = 0, limit: int | None = None) -> Iterator[RecordedEvent]:
        """Events in stored order after ``after``. See :meth:`ComplaintStore.feed`."""
        with self._lock:
            self._check_open()
            end = len(self._feed) if limit is None else min(len(self._feed), after + limit)
            chosen = [
                (position, *self._feed[position - 1]) for position in range(after + 1, end + 1)
            ]
            rows = [(p, cid, v, at, self._rows[cid][v - 1]) for p, cid, v, at in chosen]
        for position, complaint_id, version, recorded_at, row in rows:
            yield RecordedEvent(
                position=position,
                complaint_id=complaint_id,
                version=version,
                event=unseal(row.public, row.personal),
                recorded_at=recorded_at,
            )

    def verify_integrity(self, complaint_ids: Iterable[str] | None = None) -> IntegrityReport:
        """Re-check every chain and snapshot. See :meth:`ComplaintStore.verify_integrity`."""
        with self._lock:
            self._check_open()
            ids = list(self._rows) if complaint_ids is None else list(complaint_ids)
            work = [(cid, list(self._rows.get(cid, [])), self._snapshots.get(cid)) for cid in ids]
        problems: list[IntegrityProblem] = []
        for complaint_id, rows, snapshot in work:
            head = None if snapshot is None or not rows else (snapshot.version, rows[-1].digest)
            found = verify_chain(complaint_id, rows, head=head)
            problems.extend(found or check_snapshot(complaint_id, rows, snapshot))
        return IntegrityReport(checked=len(work), problems=tuple(problems))

    def redact(self, complaint_id: str, redaction: Redacted, *, expected_version: int) -> Complaint:
        """Erase personal data and record it. See :meth:`ComplaintStore.redact`."""
        with self._lock:
            current = self._current(complaint_id, expected_version)
            snapshot = apply(current, [redaction])
            erased = [attrs.evolve(row, personal=None) for row in self._rows[complaint_id]]
            self._rows[complaint_id] = erased
            rows = seal_all(complaint_id, [redaction], current.version, erased[-1].digest)
            self._write(complaint_id, rows, snapshot)
            return snapshot

    def __enter__(self) -> InMemoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop everything; later calls raise ``ConfigurationError``."""
        with self._lock:
            self._closed = True
            self._rows.clear()
            self._snapshots.clear()

    # --- internals ---------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            raise ConfigurationError("this store has been closed")

    def _current(self, complaint_id: str, expected_version: int) -> Complaint:
        current = self.get(complaint_id)
        if current.version != expected_version:
            raise ConcurrencyConflict(complaint_id, expected_version, current.version)
        return current

    def _head(self, complaint_id: str) -> str:
        rows = self._rows.get(complaint_id)
        return rows[-1].digest if rows else GENESIS

    def _write(self, complaint_id: str, rows: list[SealedEvent], snapshot: Complaint) -> None:
        now = self._clock()
        self._rows.setdefault(complaint_id, []).extend(rows)
        self._snapshots[complaint_id] = snapshot
        self._feed.extend((complaint_id, row.version, now) for row in rows)
