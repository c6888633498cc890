"""Complaint snapshots with exactly the dates a metrics test needs (imported as
``metric_records``: the test directory is on the path, as for the other tests here).

Snapshots are built directly rather than replayed from events, so a fixture states the
facts it is about and nothing else; the hypothesis laws use replayed histories instead.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintState,
    Decision,
    Money,
    Outcome,
    Redress,
    RemedyRequest,
    RootCause,
    Satisfaction,
    Vulnerability,
)


def utc(*args: int) -> datetime:
    """A UTC instant, e.g. ``utc(2026, 1, 5, 9)``."""
    return datetime(*args, tzinfo=timezone.utc)  # type: ignore[misc]


def decision(
    outcome: Outcome,
    communicated_at: datetime,
    redress: tuple[str, str] | None = None,
) -> Decision:
    """A decision communicated at ``communicated_at`` with optional ``(amount, currency)``."""
    paid = None if redress is None else Redress(Money(Decimal(redress[0]), redress[1]))
    return Decision(
        outcome=outcome,
        reasons="because",
        decided_at=communicated_at,
        decided_by="agent:ana",
        redress=paid,
        communicated_at=communicated_at,
    )


def make(
    complaint_id: str,
    received_at: datetime,
    *,
    vulnerable: bool = False,
    product: str = "current account",
    category: str | None = "fees",
    score: int | None = None,
    cause: str | None = None,
    **fields: Any,
) -> Complaint:
    """A snapshot received at ``received_at``; ``fields`` set any other Complaint field.

    The state follows the dates given: closed, withdrawn, responded (a decision
    communicated) or investigating.
    """
    if "state" not in fields:
        if fields.get("closed_at") is not None:
            fields["state"] = ComplaintState.CLOSED
        elif fields.get("withdrawn_at") is not None:
            fields["state"] = ComplaintState.WITHDRAWN
        elif fields.get("decisions"):
            fields["state"] = ComplaintState.RESPONDED
        else:
            fields["state"] = ComplaintState.INVESTIGATING
    values: dict[str, Any] = {
        "id": complaint_id,
        "version": 1,
        "received_at": received_at,
        "received_by": "agent:ana",
        "channel": Channel.EMAIL,
        "complainant": Complainant(
            name="Jo Bloggs", vulnerability=Vulnerability(identified=vulnerable)
        ),
        "description": "Charged twice.",
        "classification": Classification(product=product, category=category),
        "remedy_requested": RemedyRequest(),
        "complaint_type": "standard",
        "last_event_at": received_at,
        "satisfaction": None if score is None else Satisfaction(score),
        "root_cause": None if cause is None else RootCause(cause),
    }
    values.update(fields)
    return Complaint(**values)
