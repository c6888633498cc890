"""The app's tables: complaints, their sealed events, metric facts, idempotency keys and the
feed's head.

These models are the storage of :class:`~iso10002.contrib.django.store.DjangoStore`; write
to them only through the store (or a :class:`~iso10002.desk.ComplaintsDesk` using it), which
seals, chains and validates every event. Read them freely: the admin does, and so may host
reports.

Columns follow :func:`iso10002.storage.common.query_columns`, so ``find`` here means what
:meth:`~iso10002.storage.protocol.ComplaintQuery.matches` means: instants are whole
microseconds since 1970 UTC (:func:`~iso10002.storage.common.to_micros`), which sort and
compare exactly whatever the host's ``USE_TZ`` and the database's own date types do.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.db import models

from iso10002.storage.common import from_micros

__all__ = ["ComplaintFacts", "ComplaintRecord", "EventRecord", "FeedPosition", "IdempotencyKey"]

_MICROS = "microseconds since 1970 UTC"


class ComplaintRecord(models.Model):
    """One complaint: its snapshot, the head of its chain and the columns queries filter on.

    ``snapshot`` is the JSON of the current :class:`~iso10002.model.Complaint` (the fold of
    its events); ``version`` and ``head_digest`` are the number and digest of its latest
    event, so a deleted tail of the history is detected; ``next_due`` is the next SLA
    deadline the desk recorded (``None``: nothing pending).

    Examples:
        >>> ComplaintRecord._meta.db_table
        'iso10002_complaint'
        >>> [f.name for f in ComplaintRecord._meta.get_fields()][:5]
        ['events', 'facts', 'idempotency_keys', 'id', 'version']
    """

    id: models.TextField[str, str] = models.TextField(primary_key=True)
    version: models.PositiveIntegerField[int, int] = models.PositiveIntegerField()
    state: models.TextField[str, str] = models.TextField()
    is_open: models.BooleanField[bool, bool] = models.BooleanField()
    received_at: models.BigIntegerField[int, int] = models.BigIntegerField(
        help_text="microseconds since 1970 UTC"
    )
    assignee: models.TextField[str | None, str | None] = models.TextField(null=True, blank=True)
    category: models.TextField[str | None, str | None] = models.TextField(null=True, blank=True)
    product: models.TextField[str, str] = models.TextField()
    complaint_type: models.TextField[str, str] = models.TextField()
    next_due: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, blank=True, help_text="microseconds since 1970 UTC"
    )
    snapshot: models.TextField[str, str] = models.TextField(
        help_text="the current snapshot, as JSON"
    )
    head_digest: models.CharField[str, str] = models.CharField(
        max_length=64, help_text="digest of the latest event"
    )

    objects: ClassVar[models.Manager[ComplaintRecord]]

    class Meta:
        db_table = "iso10002_complaint"
        verbose_name = "complaint"
        verbose_name_plural = "complaints"
        indexes: ClassVar[list[models.Index]] = [
            # find() pages by (received_at, id); the other criteria filter.
            models.Index(fields=["received_at", "id"], name="iso10002_received_idx"),
            models.Index(fields=["state"], name="iso10002_state_idx"),
            models.Index(fields=["assignee"], name="iso10002_assignee_idx"),
            models.Index(fields=["category"], name="iso10002_category_idx"),
            models.Index(fields=["product"], name="iso10002_product_idx"),
            models.Index(fields=["is_open", "next_due"], name="iso10002_due_idx"),
        ]

    def __str__(self) -> str:
        # The id only: admin logs and messages show this, and must carry no personal data.
        return str(self.id)

    @property
    def received(self) -> datetime:
        """When the complaint was received, as an aware UTC datetime."""
        return from_micros(self.received_at)

    @property
    def due(self) -> datetime | None:
        """The stored next SLA deadline, as an aware UTC datetime (``None``: none pending)."""
        return None if self.next_due is None else from_micros(self.next_due)


class EventRecord(models.Model):
    """One sealed event (:class:`iso10002.integrity.SealedEvent`) and its place in the feed.

    ``position`` is the event's place in the global feed: it increases with every event
    stored and becomes visible in order (the store claims positions under a lock held to
    commit). ``public`` is the canonical JSON that is hashed; ``personal`` holds the personal
    fields apart, and erasure sets it to ``NULL`` (ISO 10002 4.10). Each
    ``(complaint, version)`` is unique: the database's own backstop against two writers.

    Examples:
        >>> EventRecord._meta.db_table
        'iso10002_event'
        >>> [c.name for c in EventRecord._meta.constraints]
        ['iso10002_event_version_unique']
    """

    position: models.BigIntegerField[int, int] = models.BigIntegerField(primary_key=True)
    complaint: models.ForeignKey[ComplaintRecord, ComplaintRecord] = models.ForeignKey(
        ComplaintRecord, on_delete=models.PROTECT, related_name="events", db_column="complaint_id"
    )
    version: models.PositiveIntegerField[int, int] = models.PositiveIntegerField()
    event_type: models.TextField[str, str] = models.TextField()
    at: models.BigIntegerField[int, int] = models.BigIntegerField(
        help_text="microseconds since 1970 UTC"
    )
    actor: models.TextField[str, str] = models.TextField()
    public: models.TextField[str, str] = models.TextField(help_text="canonical JSON, hashed")
    personal: models.TextField[str | None, str | None] = models.TextField(
        null=True, blank=True, help_text="personal fields, erasable"
    )
    previous: models.CharField[str, str] = models.CharField(max_length=64)
    digest: models.CharField[str, str] = models.CharField(max_length=64)
    recorded_at: models.BigIntegerField[int, int] = models.BigIntegerField(
        help_text="microseconds since 1970 UTC"
    )

    complaint_id: str
    objects: ClassVar[models.Manager[EventRecord]]

    class Meta:
        db_table = "iso10002_event"
        verbose_name = "event"
        verbose_name_plural = "events"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["complaint", "version"], name="iso10002_event_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} event {self.version}"


class ComplaintFacts(models.Model):
    """One complaint's metric facts (:func:`iso10002.storage.facts.metric_facts`).

    What :meth:`~iso10002.contrib.django.store.DjangoStore.summarize` aggregates in SQL, one
    row per complaint with the columns of :data:`~iso10002.storage.facts.FACT_COLUMNS`,
    written in the same transaction as the snapshot and checked against it by
    ``verify_integrity``; the same table as the SQLAlchemy store's. Instants are whole
    microseconds since 1970 UTC; ``reopenings`` and ``escalations`` are JSON arrays of them.

    Examples:
        >>> ComplaintFacts._meta.db_table
        'iso10002_complaint_facts'
        >>> [f.column for f in ComplaintFacts._meta.get_fields()][:3]
        ['complaint_id', 'received_at', 'acknowledged_at']
    """

    complaint: models.OneToOneField[ComplaintRecord, ComplaintRecord] = models.OneToOneField(
        ComplaintRecord,
        on_delete=models.CASCADE,  # derived from the complaint's snapshot, nothing of its own
        primary_key=True,
        related_name="facts",
        db_column="complaint_id",
    )
    received_at: models.BigIntegerField[int, int] = models.BigIntegerField(help_text=_MICROS)
    acknowledged_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, help_text=_MICROS
    )
    final_response_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, help_text=_MICROS
    )
    closed_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, help_text=_MICROS
    )
    withdrawn_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, help_text=_MICROS
    )
    referred_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, help_text=_MICROS
    )
    survey_offered_at: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(
        null=True, help_text=_MICROS
    )
    upheld: models.IntegerField[int, int] = models.IntegerField()
    redress: models.TextField[str | None, str | None] = models.TextField(null=True)
    root_cause: models.TextField[str | None, str | None] = models.TextField(null=True)
    satisfaction: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    vulnerable: models.IntegerField[int | None, int | None] = models.IntegerField(null=True)
    reopenings: models.TextField[str | None, str | None] = models.TextField(null=True)
    escalations: models.TextField[str | None, str | None] = models.TextField(null=True)

    complaint_id: str
    objects: ClassVar[models.Manager[ComplaintFacts]]

    class Meta:
        db_table = "iso10002_complaint_facts"
        verbose_name = "metric facts"
        verbose_name_plural = "metric facts"
        indexes: ClassVar[list[models.Index]] = [
            # As the SQLAlchemy schema: the period bounds of receipt and closure.
            models.Index(fields=["received_at"], name="iso10002_facts_received_idx"),
            models.Index(fields=["closed_at"], name="iso10002_facts_closed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} facts"


class IdempotencyKey(models.Model):
    """A key a host gave with a receipt, and the complaint it created.

    The key is the primary key: two receipts racing with one key cannot both insert it, and
    the loser returns the winner's complaint.

    Examples:
        >>> IdempotencyKey._meta.pk.name
        'key'
    """

    key: models.TextField[str, str] = models.TextField(primary_key=True)
    complaint: models.ForeignKey[ComplaintRecord, ComplaintRecord] = models.ForeignKey(
        ComplaintRecord,
        on_delete=models.PROTECT,
        related_name="idempotency_keys",
        db_column="complaint_id",
    )

    complaint_id: str
    objects: ClassVar[models.Manager[IdempotencyKey]]

    class Meta:
        db_table = "iso10002_idempotency_key"
        verbose_name = "idempotency key"

    def __str__(self) -> str:
        return str(self.key)


class FeedPosition(models.Model):
    """The last feed position handed out: one row, created by the app's migrations.

    Writers lock this row just before they insert events and keep the lock to commit, so
    positions become visible in increasing order and a reader following the feed never skips
    an event that commits late (a plain sequence cannot promise that).

    Examples:
        >>> FeedPosition._meta.db_table
        'iso10002_feed_position'
    """

    id: models.PositiveSmallIntegerField[int, int] = models.PositiveSmallIntegerField(
        primary_key=True
    )
    last: models.BigIntegerField[int, int] = models.BigIntegerField()

    objects: ClassVar[models.Manager[FeedPosition]]

    class Meta:
        db_table = "iso10002_feed_position"
        verbose_name = "feed position"

    def __str__(self) -> str:
        return f"feed at {self.last}"
