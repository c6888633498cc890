"""What the admin says about a complaint's SLA, from the deadline the desk stored.

The store keeps ``next_due``, the next deadline the desk's policy computed when it last wrote
the complaint (see :meth:`~iso10002.storage.protocol.ComplaintStore.append`). These
functions only read that: they decide nothing about deadlines, which stay in
:mod:`iso10002.sla`. They need no Django, so a host's own views can use them too.
"""

from __future__ import annotations

from datetime import datetime

from iso10002._checks import instant

__all__ = ["NOTHING_DUE", "sla_status"]

NOTHING_DUE = "—"
"""Shown for a closed complaint, or an open one with nothing pending."""


def sla_status(next_due: datetime | None, *, is_open: bool, now: datetime) -> str:
    """``"overdue since …"``, ``"due …"`` or ``"—"``, the deadline shown in its own time zone.

    Only open complaints can be overdue, as in ``ComplaintQuery(overdue_at=...)``; a
    deadline exactly at ``now`` is due, not yet overdue.

    Examples:
        >>> from datetime import timezone
        >>> now = datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc)
        >>> sla_status(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc), is_open=True, now=now)
        'overdue since 2026-03-02 09:30 UTC'
        >>> sla_status(datetime(2026, 3, 9, 17, 0, tzinfo=timezone.utc), is_open=True, now=now)
        'due 2026-03-09 17:00 UTC'
        >>> sla_status(None, is_open=True, now=now), sla_status(now, is_open=False, now=now)
        ('—', '—')
    """
    current = instant(now, "now")
    if next_due is None or not is_open:
        return NOTHING_DUE
    due = instant(next_due, "next_due").astimezone(next_due.tzinfo)
    shown = f"{due:%Y-%m-%d %H:%M %Z}"
    return f"overdue since {shown}" if due < current else f"due {shown}"
