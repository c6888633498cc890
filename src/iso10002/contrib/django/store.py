"""``DjangoStore``: the :class:`~iso10002.storage.protocol.ComplaintStore` on the Django ORM.

Every call runs in ``transaction.atomic()`` on the store's database alias, so inside a
host's own ``atomic()`` block it becomes a savepoint and commits (or rolls back) with the
host's transaction. Writes lock the complaint's row (``select_for_update()``), check the
version the caller decided on, and append sealed events; a unique ``(complaint, version)``
constraint is the database's own backstop against a writer that skipped the lock.

PostgreSQL is the server it is built and tested for (the whole store conformance suite runs
on it); the migrations are portable, and single-process use on SQLite works, for a host's
development settings and tests.

Beside each snapshot the store keeps its metric facts (:mod:`iso10002.storage.facts`, the
``ComplaintFacts`` model), written in the same transaction, so
:func:`iso10002.metrics.summarize_store` computes the summary in the database
(:meth:`DjangoStore.summarize`).

Examples:
    >>> from iso10002.desk import ComplaintsDesk
    >>> from iso10002.model import Channel, Classification, Complainant
    >>> desk = ComplaintsDesk(DjangoStore())
    >>> c = desk.receive(
    ...     actor="agent:ana",
    ...     channel=Channel.EMAIL,
    ...     complainant=Complainant(name="Jo Bloggs"),
    ...     description="Charged twice for the March statement fee.",
    ...     classification=Classification(product="current account", category="fees"),
    ... )
    >>> desk.store.get(c.id) == c, desk.store.verify_integrity().ok
    (True, True)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Collate

from iso10002._checks import instant
from iso10002.clock import Clock, system_clock
from iso10002.contrib.django.models import (
    ComplaintFacts,
    ComplaintRecord,
    EventRecord,
    FeedPosition,
    IdempotencyKey,
)
from iso10002.contrib.django.signals import send_on_commit
from iso10002.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    Iso10002Error,
    NotFound,
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
from iso10002.storage.common import (
    check_snapshot,
    first_received,
    from_micros,
    query_columns,
    seal_all,
    snapshot_from_json,
    snapshot_json,
    to_micros,
)
from iso10002.storage.facts import FACT_COLUMNS, FactRow, fact_differences, metric_facts
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore, RecordedEvent, SupportsMetrics

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models import QuerySet

    from iso10002.metrics.period import Period
    from iso10002.metrics.summary import MetricSummary
    from iso10002.sla.policy import SlaPolicy

__all__ = ["MAX_INDEXED_BYTES", "DjangoStore"]

MAX_INDEXED_BYTES = 2000
"""The longest text (UTF-8 bytes) the store accepts in an indexed column: complaint id,
assignee, product, category, idempotency key. PostgreSQL refuses btree entries over about
2,700 bytes; longer values get a :class:`~iso10002.errors.ValidationError` naming the field
instead of a database error."""

_CREATE_ATTEMPTS = 3
# PostgreSQL's SQLSTATEs for a missing table or column: the app's migrations were not run.
_SCHEMA_MISSING = frozenset({"42P01", "42703"})
# Columns query_columns() gives that the stored snapshot determines (next_due is the desk's).
_DERIVED = ("version", "state", "is_open", "received_at", "assignee", "category", "product")
# The databases whose SQL iso10002.metrics.pushdown writes; others stream (see summarize).
_PUSHDOWN_VENDORS = frozenset({"postgresql", "sqlite"})
# Rows of integers a pushdown query fetches at a time (a few bytes each).
_FETCH = 10_000
# A ``:name`` parameter, as the pushdown's SQL writes them; not the ``::`` of a cast.
_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


class DjangoStore:
    """A :class:`~iso10002.storage.protocol.ComplaintStore` in a Django project's database.

    ``using`` is the alias in ``settings.DATABASES`` whose database holds the app's tables
    (``manage.py migrate iso10002 --database <alias>``); ``clock`` stamps ``recorded_at``
    in the feed; ``page_size`` is how many rows ``find``, ``feed`` and
    ``verify_integrity`` read per query while they stream (``summarize`` fetches the
    snapshots it reads as many at a time); ``signals`` (default on) sends
    :data:`~iso10002.contrib.django.signals.complaint_event` for every event stored, once
    its transaction commits.

    Django gives each thread its own connection: a thread of the host's that uses the store
    closes it when it ends (``django.db.connections.close_all()``), as for any ORM use.

    Examples:
        >>> store = DjangoStore(using="default")
        >>> store.using, store.count()
        ('default', 0)
        >>> DjangoStore(using="reports")
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: no database 'reports' in settings.DATABASES ...
    """

    def __init__(
        self,
        using: str = "default",
        *,
        clock: Clock = system_clock,
        page_size: int = 500,
        signals: bool = True,
    ) -> None:
        if using not in connections.settings:
            known = ", ".join(repr(alias) for alias in connections.settings)
            raise ConfigurationError(
                f"no database {using!r} in settings.DATABASES (it has {known})"
            )
        if not _whole(page_size, minimum=1):
            raise ValidationError([f"page_size: {page_size!r} is not a positive whole number"])
        self.using = using
        self._clock = clock
        self._page = page_size
        self._signals = signals
        self._closed = False

    # --- writes -------------------------------------------------------------------------------

    def create(
        self,
        events: Sequence[Event],
        *,
        idempotency_key: str | None = None,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Store a new complaint. See :meth:`ComplaintStore.create`.

        Two receipts racing with one idempotency key both try to insert the key; the
        database lets one commit and the other, retried, returns the complaint the first
        created.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = DjangoStore()
            >>> store.create(history_to("acknowledged"), idempotency_key="form-7").version
            2
            >>> store.create(history_to("received", "C-0002"), idempotency_key="form-7").id
            'C-0001'
        """
        complaint_id = first_received(events).complaint_id
        due = _optional_instant(next_due, "next_due")
        _check_indexable({"idempotency_key": idempotency_key})
        if idempotency_key is not None and not idempotency_key.strip():
            raise ValidationError(["idempotency_key: must not be empty"])
        refused: IntegrityError | None = None
        for _ in range(_CREATE_ATTEMPTS):
            try:
                with self._database(), transaction.atomic(using=self.using):
                    return self._create(complaint_id, events, idempotency_key, due)
            except IntegrityError as exc:
                # Another receipt inserted the same key or id and committed first: the next
                # round finds it (READ COMMITTED sees it) and answers accordingly.
                refused = exc
        actual = self._actual_version(complaint_id)
        if actual == 0 and refused is not None:
            raise refused  # not a competing receipt: a constraint of the host's own, say
        raise ConcurrencyConflict(complaint_id, 0, actual)

    def append(
        self,
        complaint_id: str,
        events: Sequence[Event],
        *,
        expected_version: int,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Add events atomically. See :meth:`ComplaintStore.append`.

        Examples:
            >>> from iso10002.testing.builders import event_for, history_to
            >>> store = DjangoStore()
            >>> current = store.create(history_to("received"))
            >>> ack = event_for(current, "acknowledge")
            >>> store.append(current.id, [ack], expected_version=1).state.value
            'acknowledged'
            >>> store.append(current.id, [ack], expected_version=1)
            Traceback (most recent call last):
            ...
            iso10002.errors.ConcurrencyConflict: complaint 'C-0001' is at version 2, not 1: ...
        """
        if not events:
            raise ValidationError(["events: nothing to append"])
        due = _optional_instant(next_due, "next_due")
        try:
            with self._database(), transaction.atomic(using=self.using):
                record = self._locked(complaint_id, expected_version)
                previous = snapshot_from_json(record.snapshot)
                snapshot = apply(previous, events)
                sealed = seal_all(complaint_id, events, record.version, record.head_digest)
                self._write(complaint_id, sealed, previous, snapshot, due)
                self._announce(previous, events, snapshot)
                return snapshot
        except IntegrityError:
            # The unique (complaint, version) constraint: someone stored these versions
            # without taking the row lock. This call wrote nothing.
            raise ConcurrencyConflict(
                complaint_id, expected_version, self._actual_version(complaint_id)
            ) from None

    def redact(self, complaint_id: str, redaction: Redacted, *, expected_version: int) -> Complaint:
        """Erase personal data and record it, in one transaction. See :meth:`ComplaintStore.redact`.

        The personal part of every event row is set to ``NULL`` and the snapshot is rewritten
        without personal data (ISO 10002 4.10, the right to erasure); the public parts, and so
        the chain, are untouched. PostgreSQL keeps superseded row versions until ``VACUUM``
        reclaims them: run it after erasures when the files themselves must hold no trace.

        Examples:
            >>> from iso10002.testing.builders import event_for, history_to
            >>> store = DjangoStore()
            >>> closed = store.create(history_to("closed"))
            >>> erased = store.redact(
            ...     closed.id, event_for(closed, "redact"), expected_version=closed.version
            ... )
            >>> erased.complainant, store.verify_integrity().ok
            (None, True)
        """
        if not isinstance(redaction, Redacted):
            raise ValidationError(
                [f"redaction: expected a Redacted event, got {type(redaction).__name__}"]
            )
        with self._database(), transaction.atomic(using=self.using):
            record = self._locked(complaint_id, expected_version)
            previous = snapshot_from_json(record.snapshot)
            snapshot = apply(previous, [redaction])
            self._events().filter(complaint_id=complaint_id).update(personal=None)
            sealed = seal_all(complaint_id, [redaction], record.version, record.head_digest)
            self._write(complaint_id, sealed, previous, snapshot, record.due)
            self._announce(previous, [redaction], snapshot)
            return snapshot

    # --- reads --------------------------------------------------------------------------------

    def get(self, complaint_id: str) -> Complaint:
        """The current snapshot. See :meth:`ComplaintStore.get`.

        Examples:
            >>> DjangoStore().get("C-404")
            Traceback (most recent call last):
            ...
            iso10002.errors.NotFound: no complaint with id 'C-404'
        """
        with self._database(), transaction.atomic(using=self.using):
            text = self._records().filter(pk=complaint_id).values_list("snapshot", flat=True)
            found = text.first()
        if found is None:
            raise NotFound(complaint_id)
        return snapshot_from_json(found)

    def history(self, complaint_id: str) -> tuple[Event, ...]:
        """Every event, oldest first. See :meth:`ComplaintStore.history`.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = DjangoStore()
            >>> events = history_to("assessed")
            >>> _ = store.create(events)
            >>> store.history("C-0001") == events
            True
        """
        with self._database(), transaction.atomic(using=self.using):
            rows = list(
                self._events()
                .filter(complaint_id=complaint_id)
                .order_by("version")
                .values_list("public", "personal")
            )
            if not rows and not self._records().filter(pk=complaint_id).exists():
                raise NotFound(complaint_id)
        return tuple(unseal(public, personal) for public, personal in rows)

    def find(self, query: ComplaintQuery = ComplaintQuery()) -> Iterator[Complaint]:
        """Matching snapshots by ``(received_at, id)``, streamed. See :meth:`ComplaintStore.find`.

        Rows are read ``page_size`` at a time, each page its own short query continuing after
        the last row of the one before, so no cursor or transaction stays open while the
        caller works through the results.

        Examples:
            >>> from iso10002.model import ComplaintState
            >>> from iso10002.testing.builders import history_to
            >>> store = DjangoStore()
            >>> _ = store.create(history_to("received", "C-1"))
            >>> _ = store.create(history_to("closed", "C-2"))
            >>> open_ones = ComplaintQuery(states=frozenset({ComplaintState.RECEIVED}))
            >>> [c.id for c in store.find(open_ones)]
            ['C-1']
        """
        self._check_open()
        filtered = self._filtered(query)
        after = None if query.after is None else _keyset(query.after)
        return self._pages(filtered, after, query.limit)

    def count(self, query: ComplaintQuery = ComplaintQuery()) -> int:
        """How many match, ignoring ``limit``. See :meth:`ComplaintStore.count`.

        Examples:
            >>> DjangoStore().count(ComplaintQuery(category="fees"))
            0
        """
        self._check_open()
        filtered = self._filtered(query)
        if query.after is not None:
            filtered = self._continuing(filtered, _keyset(query.after))
        with self._database(), transaction.atomic(using=self.using):
            return filtered.count()

    def feed(self, *, after: int = 0, limit: int | None = None) -> Iterator[RecordedEvent]:
        """Events in stored order after position ``after``. See :meth:`ComplaintStore.feed`.

        Positions are claimed under a lock held to commit, so they become visible in
        increasing order: a reader that continues after the last position it saw never
        misses an event that was still being written.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = DjangoStore()
            >>> _ = store.create(history_to("acknowledged"))
            >>> [(r.position, r.event.event_type) for r in store.feed()]
            [(1, 'received'), (2, 'acknowledged')]
        """
        self._check_open()
        problems: list[str] = []
        if not _whole(after, minimum=0):
            problems.append(f"after: {after!r} is not a position (a whole number from 0)")
        if limit is not None and not _whole(limit, minimum=1):
            problems.append(f"limit: {limit!r} is not a positive whole number")
        if problems:
            raise ValidationError(problems)
        return self._feed_pages(after, limit)

    def verify_integrity(self, complaint_ids: Iterable[str] | None = None) -> IntegrityReport:
        """Re-check chains, heads, snapshots and query columns. See
        :meth:`ComplaintStore.verify_integrity`.

        Besides the chain (:func:`~iso10002.integrity.verify_chain`, with the stored head) and
        the snapshot (:func:`~iso10002.storage.common.check_snapshot`), the columns ``find``
        filters on must agree with the snapshot, so a complaint cannot be hidden from a
        query by editing its ``state`` column, and so must its metric facts (a missing row
        is reported too), so that :meth:`summarize` counts what the snapshots say.

        Examples:
            >>> from iso10002.testing.builders import history_to
            >>> store = DjangoStore()
            >>> _ = store.create(history_to("closed"))
            >>> print(store.verify_integrity())
            1 complaints verified, no problems
            >>> store.verify_integrity(["C-404"]).broken
            ('C-404',)
        """
        self._check_open()
        problems: list[IntegrityProblem] = []
        checked = 0
        for chunk in self._id_chunks(complaint_ids):
            problems.extend(self._verify_chunk(chunk))
            checked += len(chunk)
        return IntegrityReport(checked=checked, problems=tuple(problems))

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
        arguments (see :mod:`iso10002.metrics.pushdown` for which figures go to SQL). Every
        query reads one snapshot of the database: a transaction of its own at ``REPEATABLE
        READ`` on PostgreSQL, a read transaction on SQLite. Called inside a host's
        ``atomic()`` block, it reads within the host's transaction (its uncommitted writes
        included) at the host's isolation level. On a database other than PostgreSQL or
        SQLite the snapshots are streamed through the pure function, with the same result.

        Examples:
            >>> from iso10002.metrics import Period, summarize
            >>> from iso10002.testing.builders import history_to
            >>> store = DjangoStore()
            >>> _ = store.create(history_to("closed"))
            >>> q1 = Period.parse("2026Q1")
            >>> store.summarize(q1).upheld_rate, store.summarize(q1) == summarize(store.find(), q1)
            (1.0, True)
        """
        from iso10002.metrics.pushdown import summarize_facts, summarize_store

        with self._database():
            connection = connections[self.using]
            if connection.vendor not in _PUSHDOWN_VENDORS:  # stream the snapshots
                return summarize_store(
                    self,
                    period,
                    pushdown=False,
                    policy=policy,
                    at=at,
                    customers=customers,
                    by=by,
                    first_contact_days=first_contact_days,
                )
            with self._one_snapshot(connection):
                return summarize_facts(
                    _Facts(connection, self._page),
                    period,
                    policy=policy,
                    at=at,
                    customers=customers,
                    by=by,
                    first_contact_days=first_contact_days,
                )

    def close(self) -> None:
        """Refuse further calls and close this thread's connection to the database.

        Examples:
            >>> store = DjangoStore()
            >>> store.close()
            >>> store.get("C-0001")
            Traceback (most recent call last):
            ...
            iso10002.errors.ConfigurationError: this store has been closed
        """
        self._closed = True
        connection = connections[self.using]
        if not connection.in_atomic_block:
            connection.close()

    # --- internals: writing -------------------------------------------------------------------

    def _create(
        self,
        complaint_id: str,
        events: Sequence[Event],
        idempotency_key: str | None,
        due: datetime | None,
    ) -> Complaint:
        if idempotency_key is not None:
            first = (
                IdempotencyKey.objects.using(self.using)
                .filter(key=idempotency_key)
                .values_list("complaint__snapshot", flat=True)
                .first()
            )
            if first is not None:
                return snapshot_from_json(first)
        existing = self._records().filter(pk=complaint_id).values_list("version", flat=True)
        version = existing.first()
        if version is not None:
            raise ConcurrencyConflict(complaint_id, 0, version)
        snapshot = replay(events)
        sealed = seal_all(complaint_id, events, 0, GENESIS)
        record = ComplaintRecord(
            **self._columns(snapshot, due),
            snapshot=snapshot_json(snapshot),
            head_digest=sealed[-1].digest,
        )
        record.save(using=self.using, force_insert=True)
        ComplaintFacts(**metric_facts(snapshot)).save(using=self.using, force_insert=True)
        if idempotency_key is not None:
            IdempotencyKey(key=idempotency_key, complaint_id=complaint_id).save(
                using=self.using, force_insert=True
            )
        self._insert_events(complaint_id, sealed)
        self._announce(None, events, snapshot)
        return snapshot

    def _locked(self, complaint_id: str, expected_version: int) -> ComplaintRecord:
        """The complaint's row, locked to the end of the transaction, at the expected version."""
        record = self._records().select_for_update().filter(pk=complaint_id).first()
        if record is None:
            raise NotFound(complaint_id)
        if record.version != expected_version:
            raise ConcurrencyConflict(complaint_id, expected_version, record.version)
        return record

    def _write(
        self,
        complaint_id: str,
        sealed: Sequence[SealedEvent],
        previous: Complaint,
        snapshot: Complaint,
        due: datetime | None,
    ) -> None:
        """The new events, row and facts of a locked complaint (the feed's lock comes last)."""
        columns = self._columns(snapshot, due)
        del columns["id"]
        self._records().filter(pk=complaint_id).update(
            **columns, snapshot=snapshot_json(snapshot), head_digest=sealed[-1].digest
        )
        self._write_facts(previous, snapshot)
        self._insert_events(complaint_id, sealed)

    def _write_facts(self, previous: Complaint, snapshot: Complaint) -> None:
        """Rewrite the complaint's metric facts, when the new events changed any of them."""
        facts = metric_facts(snapshot)
        if facts == metric_facts(previous):
            return
        complaint_id = facts.pop("complaint_id")
        updated = ComplaintFacts.objects.using(self.using).filter(pk=complaint_id).update(**facts)
        if updated == 0:  # a row lost behind the store's back: write it again
            ComplaintFacts(complaint_id=complaint_id, **facts).save(
                using=self.using, force_insert=True
            )

    def _announce(
        self, previous: Complaint | None, events: Sequence[Event], snapshot: Complaint
    ) -> None:
        """Queue the ``complaint_event`` signals, sent if this transaction commits."""
        if self._signals:
            send_on_commit(self.using, previous, events, snapshot)

    def _insert_events(self, complaint_id: str, sealed: Sequence[SealedEvent]) -> None:
        recorded_at = to_micros(instant(self._clock(), "clock()"))
        first = self._claim_positions(len(sealed))
        self._events().bulk_create(
            [
                EventRecord(
                    position=first + offset,
                    complaint_id=complaint_id,
                    version=row.version,
                    event_type=row.event_type,
                    at=to_micros(row.at),
                    actor=row.actor,
                    public=row.public,
                    personal=row.personal,
                    previous=row.previous,
                    digest=row.digest,
                    recorded_at=recorded_at,
                )
                for offset, row in enumerate(sealed)
            ]
        )

    def _claim_positions(self, count: int) -> int:
        """Reserve ``count`` feed positions; the lock on the feed row is held to commit.

        Taken last in every write, after the complaint's own row, so writers never wait on
        each other in a cycle; it serialises only the final inserts and the commit. On
        PostgreSQL and SQLite one ``UPDATE … RETURNING`` locks, moves and reads the row (one
        round trip); elsewhere the row is locked and read, then moved.
        """
        connection = connections[self.using]
        last: int | None
        if connection.vendor in ("postgresql", "sqlite"):
            table, column = map(connection.ops.quote_name, (FeedPosition._meta.db_table, "last"))
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET {column} = {column} + %s WHERE id = 1 RETURNING {column}",
                    [count],
                )
                moved = cursor.fetchone()
            last = None if moved is None else int(moved[0]) - count
        else:
            feed = FeedPosition.objects.using(self.using)
            last = feed.select_for_update().filter(pk=1).values_list("last", flat=True).first()
            if last is not None:
                feed.filter(pk=1).update(last=F("last") + count)
        if last is None:
            raise ConfigurationError(
                f"the feed position row is missing in database {self.using!r}: "
                "run `manage.py migrate iso10002`"
            )
        return last + 1

    def _columns(self, snapshot: Complaint, due: datetime | None) -> dict[str, object]:
        columns = query_columns(snapshot, due)
        _check_indexable(
            {
                "complaint_id": snapshot.id,
                "assignee": snapshot.assignee,
                "classification.product": snapshot.classification.product,
                "classification.category": snapshot.classification.category,
            }
        )
        return {**columns, "is_open": bool(columns["is_open"])}

    def _actual_version(self, complaint_id: str) -> int:
        """The highest version stored for the complaint, in its row or its events (0: none)."""
        with self._database(), transaction.atomic(using=self.using):
            row = self._records().filter(pk=complaint_id).values_list("version", flat=True)
            stored = self._events().filter(complaint_id=complaint_id).aggregate(top=Max("version"))
            top: int | None = stored["top"]
            return max(row.first() or 0, top or 0)

    # --- internals: reading -------------------------------------------------------------------

    def _records(self) -> QuerySet[ComplaintRecord]:
        return ComplaintRecord.objects.using(self.using)

    def _events(self) -> QuerySet[EventRecord]:
        return EventRecord.objects.using(self.using)

    def _ordered_id(self) -> Collate | F:
        """The id as ``ComplaintQuery`` orders it: by code point, whatever the collation.

        PostgreSQL databases often sort text by a language's rules ("C-a" before "C-B");
        the "C" collation compares code points, as Python compares ``str``. SQLite's
        default already does.
        """
        if connections[self.using].vendor == "postgresql":
            return Collate(F("id"), "C")
        return F("id")

    def _filtered(self, query: ComplaintQuery) -> QuerySet[ComplaintRecord]:
        """The rows meeting every criterion of ``query`` but ``after`` and ``limit``."""
        rows = self._records().alias(ordered_id=self._ordered_id())
        if query.states is not None:
            rows = rows.filter(state__in=sorted(state.value for state in query.states))
        if query.received_from is not None:
            rows = rows.filter(received_at__gte=to_micros(query.received_from))
        if query.received_until is not None:
            rows = rows.filter(received_at__lt=to_micros(query.received_until))
        if query.assignee is not None:
            rows = rows.filter(assignee=query.assignee)
        if query.category is not None:
            rows = rows.filter(category=query.category)
        if query.product is not None:
            rows = rows.filter(product=query.product)
        if query.complaint_type is not None:
            rows = rows.filter(complaint_type=query.complaint_type)
        if query.overdue_at is not None:
            # Only open complaints are overdue; a NULL next_due is never "< x" in SQL.
            rows = rows.filter(is_open=True, next_due__lt=to_micros(query.overdue_at))
        return rows

    @staticmethod
    def _continuing(
        rows: QuerySet[ComplaintRecord], after: tuple[int, str]
    ) -> QuerySet[ComplaintRecord]:
        received_at, complaint_id = after
        return rows.filter(
            Q(received_at__gt=received_at) | Q(received_at=received_at, ordered_id__gt=complaint_id)
        )

    def _pages(
        self,
        rows: QuerySet[ComplaintRecord],
        after: tuple[int, str] | None,
        limit: int | None,
    ) -> Iterator[Complaint]:
        remaining = limit
        ordered = rows.order_by("received_at", "ordered_id")
        while remaining is None or remaining > 0:
            size = self._page if remaining is None else min(self._page, remaining)
            page = ordered if after is None else self._continuing(ordered, after)
            with self._database(), transaction.atomic(using=self.using):
                found = list(page.values_list("received_at", "id", "snapshot")[:size])
            for _, _, text in found:
                yield snapshot_from_json(text)
            if len(found) < size:
                return
            if remaining is not None:
                remaining -= len(found)
            after = (found[-1][0], found[-1][1])

    def _feed_pages(self, after: int, limit: int | None) -> Iterator[RecordedEvent]:
        remaining = limit
        while remaining is None or remaining > 0:
            size = self._page if remaining is None else min(self._page, remaining)
            with self._database(), transaction.atomic(using=self.using):
                found = list(
                    self._events()
                    .filter(position__gt=after)
                    .order_by("position")
                    .values_list(
                        "position", "complaint_id", "version", "public", "personal", "recorded_at"
                    )[:size]
                )
            for position, complaint_id, version, public, personal, recorded_at in found:
                yield RecordedEvent(
                    position=position,
                    complaint_id=complaint_id,
                    version=version,
                    event=unseal(public, personal),
                    recorded_at=from_micros(recorded_at),
                )
            if len(found) < size:
                return
            if remaining is not None:
                remaining -= len(found)
            after = found[-1][0]

    def _id_chunks(self, complaint_ids: Iterable[str] | None) -> Iterator[list[str]]:
        """The complaints to verify, a page at a time: the given ones, or every stored one."""
        if complaint_ids is not None:
            ids = list(complaint_ids)
            for start in range(0, len(ids), self._page):
                yield ids[start : start + self._page]
            return
        last: str | None = None
        while True:
            rows = self._records().order_by("id")
            if last is not None:
                rows = rows.filter(id__gt=last)
            with self._database(), transaction.atomic(using=self.using):
                chunk = list(rows.values_list("id", flat=True)[: self._page])
            if chunk:
                yield chunk
            if len(chunk) < self._page:
                return
            last = chunk[-1]

    def _verify_chunk(self, chunk: Sequence[str]) -> list[IntegrityProblem]:
        with self._database(), transaction.atomic(using=self.using):
            records = {r.id: r for r in self._records().filter(pk__in=set(chunk))}
            rows: dict[str, list[SealedEvent]] = {}
            for event in (
                self._events()
                .filter(complaint_id__in=set(chunk))
                .order_by("complaint_id", "version", "position")
            ):
                rows.setdefault(event.complaint_id, []).append(_sealed(event))
            facts: dict[str, FactRow] = {
                row["complaint_id"]: row
                for row in ComplaintFacts.objects.using(self.using)
                .filter(pk__in=set(chunk))
                .values(*FACT_COLUMNS)
            }
        problems: list[IntegrityProblem] = []
        for complaint_id in chunk:
            chain = rows.get(complaint_id, [])
            record = records.get(complaint_id)
            head = None if record is None or not chain else (record.version, record.head_digest)
            found = verify_chain(complaint_id, chain, head=head)
            if not found and record is not None:
                found = _check_record(complaint_id, chain, record, facts.get(complaint_id))
            problems.extend(found)
        return problems

    # --- internals: the connection ------------------------------------------------------------

    @contextmanager
    def _one_snapshot(self, connection: BaseDatabaseWrapper) -> Iterator[None]:
        """A transaction whose statements all read the same snapshot of the database.

        On PostgreSQL a transaction of the store's own is set to ``REPEATABLE READ`` (its
        first statement, as PostgreSQL requires); one of the host's is joined as it is. On
        SQLite a transaction reads one snapshot from its first read on.
        """
        own = connection.get_autocommit()  # not inside anyone's transaction yet
        with transaction.atomic(using=self.using):
            if own and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def _check_open(self) -> None:
        if self._closed:
            raise ConfigurationError("this store has been closed")

    @contextmanager
    def _database(self) -> Iterator[None]:
        """Run database work: refuse when closed, name a missing schema, drop a dead link."""
        self._check_open()
        try:
            yield
        except DatabaseError as exc:
            connection = connections[self.using]
            if not connection.in_atomic_block:
                # A lost connection stays broken until it is closed; closing it here lets
                # the next call reconnect. (Inside a host's transaction, the host decides.)
                connection.close_if_unusable_or_obsolete()
            if _schema_missing(exc):
                raise ConfigurationError(
                    f"the iso10002 tables are missing or out of date in database "
                    f"{self.using!r}: run `manage.py migrate iso10002` ({exc})"
                ) from exc
            raise


class _Facts:
    """The facts table on one connection, for the metrics pushdown (a ``FactsSource``)."""

    table = ComplaintFacts._meta.db_table
    complaints = ComplaintRecord._meta.db_table

    def __init__(self, connection: BaseDatabaseWrapper, page: int) -> None:
        self._connection = connection
        self._page = page
        self.dialect: str = connection.vendor

    def rows(self, sql: str, params: Mapping[str, int]) -> Iterator[Sequence[object]]:
        """The rows of a ``SELECT`` with ``:name`` parameters."""
        return self._fetch(sql, params, _FETCH)

    def snapshots(self, where: str, params: Mapping[str, int]) -> Iterator[Complaint]:
        """The snapshots of the complaints whose facts row ``f`` matches ``where``."""
        statement = (
            f"SELECT c.snapshot FROM {self.table} AS f "
            f"JOIN {ComplaintRecord._meta.db_table} AS c ON c.id = f.complaint_id WHERE {where}"
        )
        for (text,) in self._fetch(statement, params, self._page):
            yield snapshot_from_json(str(text))

    def _fetch(self, sql: str, params: Mapping[str, int], size: int) -> Iterator[Sequence[object]]:
        # Streamed: a server-side cursor on PostgreSQL (unless the host's settings turn
        # them off), as a band query reads a row per closure.
        with self._connection.chunked_cursor() as cursor:
            cursor.execute(_pyformat(sql), dict(params))
            while batch := cursor.fetchmany(size):
                yield from batch


def _pyformat(sql: str) -> str:
    """SQL with ``:name`` parameters as Django's cursors take it: ``%(name)s``, and every
    literal ``%`` (the modulo operator) doubled.

    Examples:
        >>> _pyformat("SELECT (x - :s) % 1000000, y::text FROM t WHERE x < :e")
        'SELECT (x - %(s)s) %% 1000000, y::text FROM t WHERE x < %(e)s'
    """
    return _PARAMETER.sub(r"%(\1)s", sql.replace("%", "%%"))


def _keyset(after: tuple[datetime, str]) -> tuple[int, str]:
    """``ComplaintQuery.after`` as stored values, or ``ValidationError``."""
    try:
        at, complaint_id = after
    except (TypeError, ValueError):
        raise ValidationError(
            [f"after: {after!r} is not a (received_at, complaint id) pair"]
        ) from None
    if not isinstance(complaint_id, str):
        raise ValidationError([f"after: the complaint id {complaint_id!r} is not text"])
    return to_micros(instant(at, "after")), complaint_id


def _whole(value: object, *, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _optional_instant(value: datetime | None, name: str) -> datetime | None:
    return None if value is None else instant(value, name)


def _check_indexable(values: dict[str, str | None]) -> None:
    too_long = [
        f"{name}: {len(value.encode())} bytes; this store indexes at most {MAX_INDEXED_BYTES}"
        for name, value in values.items()
        if isinstance(value, str) and len(value.encode()) > MAX_INDEXED_BYTES
    ]
    if too_long:
        raise ValidationError(too_long)


def _schema_missing(exc: DatabaseError) -> bool:
    state = getattr(exc.__cause__, "sqlstate", None)
    if isinstance(state, str):
        return state in _SCHEMA_MISSING
    text = str(exc).lower()
    return "no such table" in text or "no such column" in text


def _sealed(event: EventRecord) -> SealedEvent:
    return SealedEvent(
        complaint_id=event.complaint_id,
        version=event.version,
        event_type=event.event_type,
        at=from_micros(event.at),
        actor=event.actor,
        public=event.public,
        personal=event.personal,
        previous=event.previous,
        digest=event.digest,
    )


def _check_record(
    complaint_id: str,
    chain: Sequence[SealedEvent],
    record: ComplaintRecord,
    facts: FactRow | None,
) -> list[IntegrityProblem]:
    """The stored snapshot against the replayed chain, and the query columns and the metric
    facts against both."""
    try:
        snapshot = snapshot_from_json(record.snapshot)
    except (Iso10002Error, ValueError) as exc:
        return [IntegrityProblem(complaint_id, None, "corrupt", f"unreadable snapshot: {exc}")]
    problems = check_snapshot(complaint_id, chain, snapshot)
    if problems:
        return problems
    expected = query_columns(snapshot, None)
    expected["is_open"] = bool(expected["is_open"])
    differing = [name for name in _DERIVED if getattr(record, name) != expected[name]]
    if differing:
        return [
            IntegrityProblem(
                complaint_id,
                None,
                "snapshot",
                f"stored columns differ from the snapshot: {', '.join(differing)}",
            )
        ]
    differing = fact_differences(facts, snapshot)
    if differing:
        detail = (
            "its metric facts row is missing"
            if facts is None
            else f"the metric facts {', '.join(differing)} differ from the snapshot"
        )
        return [IntegrityProblem(complaint_id, None, "snapshot", detail)]
    return []


if TYPE_CHECKING:  # mypy checks that the store satisfies the Protocols
    _conforms: ComplaintStore = DjangoStore()
    _counts: SupportsMetrics = DjangoStore()
