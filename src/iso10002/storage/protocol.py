"""The storage contract: what every complaint store does, whatever it keeps data in.

A store keeps, per complaint, an append-only, hash-chained history of events
(:mod:`iso10002.integrity`) and the snapshot folded from it. It does not know the lifecycle's
policy or the SLA rules: the desk decides, the store records atomically.

Every implementation passes the conformance suite in ``iso10002.testing.store_conformance``;
write your own store against this Protocol and run that suite on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import attrs

from iso10002._checks import aware_optional, to_utc_optional
from iso10002.errors import ValidationError
from iso10002.events import Event, Redacted
from iso10002.integrity import IntegrityReport
from iso10002.model import Complaint, ComplaintState

if TYPE_CHECKING:
    from iso10002.metrics.period import Period
    from iso10002.metrics.summary import MetricSummary
    from iso10002.sla.policy import SlaPolicy

__all__ = ["ComplaintQuery", "ComplaintStore", "RecordedEvent", "SupportsMetrics"]


def _positive_or_none(_: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValidationError([f"{attribute.name}: {value!r} is not a positive whole number"])


@attrs.frozen(kw_only=True)
class ComplaintQuery:
    """Which complaints :meth:`ComplaintStore.find` returns, oldest receipt first.

    Every criterion given must hold. ``received_from``/``received_until`` are a half-open
    range ``[from, until)`` on the receipt instant. ``overdue_at`` keeps open complaints whose
    next SLA deadline (as the desk recorded it) is before that instant. ``after`` is the
    ``(received_at, id)`` of the last complaint of the previous page (keyset pagination:
    stable while new complaints arrive).

    Examples:
        >>> from datetime import datetime, timezone
        >>> q = ComplaintQuery(states=frozenset({ComplaintState.RECEIVED}), limit=50)
        >>> q.limit
        50
    """

    states: frozenset[ComplaintState] | None = None
    received_from: datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=aware_optional
    )
    received_until: datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=aware_optional
    )
    assignee: str | None = None
    category: str | None = None
    product: str | None = None
    complaint_type: str | None = None
    overdue_at: datetime | None = attrs.field(
        default=None, converter=to_utc_optional, validator=aware_optional
    )
    after: tuple[datetime, str] | None = None
    limit: int | None = attrs.field(default=None, validator=_positive_or_none)

    def matches(self, complaint: Complaint, next_due: datetime | None = None) -> bool:
        """Whether ``complaint`` meets every criterion (the reference semantics for stores).

        Examples:
            >>> from iso10002.testing.builders import complaint_in
            >>> ComplaintQuery(category="fees").matches(complaint_in("received"))
            True
        """
        c = complaint
        return (
            (self.states is None or c.state in self.states)
            and (self.received_from is None or c.received_at >= self.received_from)
            and (self.received_until is None or c.received_at < self.received_until)
            and (self.assignee is None or c.assignee == self.assignee)
            and (self.category is None or c.classification.category == self.category)
            and (self.product is None or c.classification.product == self.product)
            and (self.complaint_type is None or c.complaint_type == self.complaint_type)
            and (
                self.overdue_at is None
                or (c.is_open and next_due is not None and next_due < self.overdue_at)
            )
            and (self.after is None or (c.received_at, c.id) > self.after)
        )

    def next_page(self, last: Complaint) -> ComplaintQuery:
        """The same query, continuing after ``last``.

        Examples:
            >>> from iso10002.testing.builders import complaint_in
            >>> ComplaintQuery(limit=10).next_page(complaint_in("received")).after[1]
            'C-0001'
        """
        return attrs.evolve(self, after=(last.received_at, last.id))


@attrs.frozen
class RecordedEvent:
    """An event as the store's feed gives it: where it sits, globally and in its complaint."""

    position: int
    complaint_id: str
    version: int
    event: Event
    recorded_at: datetime


class ComplaintStore(Protocol):
    """Persistence for complaints: atomic, versioned, append-only, verifiable.

    Contract, for every method:

    * *Atomic*: a call either writes everything it was given or nothing.
    * *Versioned*: ``expected_version`` is the complaint's version the caller decided on
      (its number of events). If the stored version differs, the call raises
      :class:`~iso10002.errors.ConcurrencyConflict` and writes nothing.
    * *Validated*: events are folded with the lifecycle's table; an event the lifecycle does
      not allow raises :class:`~iso10002.errors.TransitionNotAllowed`, and nothing is written.
    * *Hash-chained*: every event is sealed with :func:`iso10002.integrity.seal`.
    """

    def create(
        self,
        events: Sequence[Event],
        *,
        idempotency_key: str | None = None,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Store a new complaint from its first events (the first is ``Received``).

        The complaint id is ``events[0].complaint_id``; an existing id raises
        ``ConcurrencyConflict``. When ``idempotency_key`` was used before, nothing is written
        and the complaint first created with that key is returned.
        """
        ...

    def get(self, complaint_id: str) -> Complaint:
        """The current snapshot; ``NotFound`` if there is no such complaint."""
        ...

    def history(self, complaint_id: str) -> tuple[Event, ...]:
        """Every event of the complaint, oldest first; ``NotFound`` if there is none."""
        ...

    def append(
        self,
        complaint_id: str,
        events: Sequence[Event],
        *,
        expected_version: int,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Add events to an existing complaint and return the new snapshot.

        ``next_due`` is the next SLA deadline after these events (``None``: nothing pending),
        which ``ComplaintQuery.overdue_at`` reads.
        """
        ...

    def find(self, query: ComplaintQuery = ComplaintQuery()) -> Iterator[Complaint]:
        """Snapshots matching ``query``, ordered by ``(received_at, id)``, streamed."""
        ...

    def count(self, query: ComplaintQuery = ComplaintQuery()) -> int:
        """How many complaints match ``query`` (ignoring its ``limit``)."""
        ...

    def feed(self, *, after: int = 0, limit: int | None = None) -> Iterator[RecordedEvent]:
        """Every event of every complaint in the order stored, after position ``after``."""
        ...

    def verify_integrity(self, complaint_ids: Iterable[str] | None = None) -> IntegrityReport:
        """Re-check chains, commitments and snapshots of the given (or all) complaints."""
        ...

    def redact(self, complaint_id: str, redaction: Redacted, *, expected_version: int) -> Complaint:
        """Erase the complaint's personal data and append ``redaction``, atomically.

        The chain still verifies afterwards; personal fields read as their erased values.
        Retention rules are the desk's business, not the store's.
        """
        ...

    def close(self) -> None:
        """Release connections and files. The store is unusable afterwards."""
        ...


@runtime_checkable
class SupportsMetrics(Protocol):
    """An optional capability: the store computes the metric summary itself, in its database.

    :func:`iso10002.metrics.summarize_store` uses it when a store has it (the SQLite,
    SQLAlchemy and Django stores do) and otherwise streams ``find()`` through
    :func:`iso10002.metrics.summarize`. The contract: the result equals
    ``summarize(store.find(), period, ...)`` with the same arguments, field for field.

    Examples:
        >>> from iso10002.storage import InMemoryStore, SQLiteStore
        >>> isinstance(SQLiteStore.memory(), SupportsMetrics)
        True
        >>> isinstance(InMemoryStore(), SupportsMetrics)
        False
    """

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
        """:func:`iso10002.metrics.summarize` of every stored complaint, for ``period``.

        ``by`` is a dimension name (:data:`~iso10002.metrics.dimensions.DIMENSIONS`): the
        SQL stores compute a breakdown by one of
        :data:`~iso10002.metrics.pushdown.PUSHDOWN_DIMENSIONS` in the database, and stream
        their snapshots through the pure function for any other.
        """
        ...
