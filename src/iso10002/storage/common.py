"""Pieces every store shares: the checks and sealing steps around a write.

Stores import these so that the rules of the storage contract live in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from iso10002._record_json import SNAPSHOT, writer
from iso10002.errors import ValidationError
from iso10002.events import Event, Received
from iso10002.integrity import IntegrityProblem, SealedEvent, seal, unseal
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.serialization import from_json, to_json

__all__ = [
    "QueryColumns",
    "check_snapshot",
    "first_received",
    "from_micros",
    "query_columns",
    "seal_all",
    "snapshot_from_json",
    "snapshot_json",
    "to_micros",
]

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def first_received(events: Sequence[Event]) -> Received:
    """The ``Received`` event a new complaint must start with; ``ValidationError`` otherwise."""
    if not events or not isinstance(events[0], Received):
        raise ValidationError(["events: a new complaint starts with its Received event"])
    return events[0]


def seal_all(
    complaint_id: str, events: Sequence[Event], version: int, previous: str
) -> list[SealedEvent]:
    """Seal ``events`` as versions ``version+1…``, chained after digest ``previous``."""
    sealed = []
    for offset, event in enumerate(events, start=1):
        row = seal(complaint_id, version + offset, event, previous)
        sealed.append(row)
        previous = row.digest
    return sealed


def check_snapshot(
    complaint_id: str, rows: Sequence[SealedEvent], stored: Complaint | None
) -> list[IntegrityProblem]:
    """Compare a stored snapshot with the replay of the stored rows."""
    try:
        rebuilt = replay([unseal(row.public, row.personal) for row in rows], check=False)
    except Exception as exc:
        return [IntegrityProblem(complaint_id, None, "corrupt", f"history does not replay: {exc}")]
    if stored is not None and rebuilt != stored:
        return [
            IntegrityProblem(
                complaint_id, None, "snapshot", "the stored snapshot differs from its history"
            )
        ]
    return []


def to_micros(at: datetime) -> int:
    """An aware instant as whole microseconds since 1970 UTC: how SQL stores keep instants.

    Integers sort and compare exactly, whatever the database's own date types do with zones.

    Examples:
        >>> to_micros(datetime(1970, 1, 1, 0, 0, 1, tzinfo=timezone.utc))
        1000000
        >>> from_micros(to_micros(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))).isoformat()
        '2026-03-02T09:30:00+00:00'
    """
    delta = at - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(micros: int) -> datetime:
    """The instant :func:`to_micros` encoded, in UTC."""
    seconds, rest = divmod(micros, 1_000_000)
    return datetime.fromtimestamp(seconds, timezone.utc).replace(microsecond=rest)


QueryColumns = dict[str, "str | int | None"]
"""Column name to value, as :func:`query_columns` gives them."""


def query_columns(complaint: Complaint, next_due: datetime | None) -> QueryColumns:
    """The indexed columns a SQL store keeps beside each snapshot, for ``find`` and ``count``.

    One definition for every SQL store, so their queries mean what
    :meth:`ComplaintQuery.matches` means. Instants are :func:`to_micros` integers; ``is_open``
    is 0 or 1.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> columns = query_columns(complaint_in("received"), None)
        >>> columns["state"], columns["category"], columns["is_open"]
        ('received', 'fees', 1)
    """
    return {
        "id": complaint.id,
        "version": complaint.version,
        "state": complaint.state.value,
        "is_open": int(complaint.is_open),
        "received_at": to_micros(complaint.received_at),
        "assignee": complaint.assignee,
        "category": complaint.classification.category,
        "product": complaint.classification.product,
        "complaint_type": complaint.complaint_type,
        "next_due": None if next_due is None else to_micros(next_due),
    }


def snapshot_json(complaint: Complaint) -> str:
    """The snapshot as JSON text, for stores that keep snapshots beside the events.

    A snapshot is derived data (the replay of the events): ``verify_integrity`` compares it
    with that replay, and erasure rewrites it.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("closed")
        >>> snapshot_from_json(snapshot_json(c)) == c
        True
    """
    written = _SNAPSHOT_WRITER
    if written is not None:
        try:
            return written(complaint)
        except (TypeError, AttributeError, ValueError, LookupError):
            pass  # a value the compiled writer does not promise: the converter writes it
    return to_json(complaint)


# The same text as to_json, compiled for the snapshot's fields (iso10002._record_json).
_SNAPSHOT_WRITER = writer(Complaint, SNAPSHOT)


def snapshot_from_json(text: str) -> Complaint:
    """The snapshot :func:`snapshot_json` wrote."""
    return from_json(text, Complaint)
