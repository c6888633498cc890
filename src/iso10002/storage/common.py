"""Pieces every store shares: the checks and sealing steps around a write.

Stores import these so that the rules of the storage contract live in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from iso10002.errors import ValidationError
from iso10002.events import Event, Received
from iso10002.integrity import IntegrityProblem, SealedEvent, seal, unseal
from iso10002.model import Complaint
from iso10002.replay import replay

__all__ = ["check_snapshot", "first_received", "seal_all"]


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
