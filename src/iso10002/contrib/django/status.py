"""What the admin says about a complaint's SLA: from the stored deadline, or the policy's view.

The store keeps ``next_due``, the next deadline the desk's policy computed when it last wrote
the complaint (see :meth:`~iso10002.storage.protocol.ComplaintStore.append`);
:func:`sla_status` words that. With an SLA policy configured, the admin asks the policy
(:meth:`~iso10002.sla.SlaPolicy.evaluate`) and :func:`evaluation_status` words its answer.
These functions decide nothing about deadlines, which stay in :mod:`iso10002.sla`. They need
no Django, so a host's own views can use them too.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone, tzinfo

from iso10002._checks import instant
from iso10002.sla.policy import SlaEvaluation, TargetState, TargetStatus

__all__ = ["NOTHING_DUE", "evaluation_status", "sla_status"]

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


def evaluation_status(
    evaluation: SlaEvaluation, *, is_open: bool, zone: tzinfo = timezone.utc
) -> str:
    """The most pressing deadline of an :class:`~iso10002.sla.SlaEvaluation`, in words.

    An unmet deadline already passed comes first (``"overdue since … (target)"``), then one
    at risk (``"at risk: due … (target)"``), then the next one pending (``"due … (target)"``);
    ``"—"`` when none is left, or the complaint is no longer open. Deadlines show in ``zone``.
    Windows that are not deadlines (the complainant's referral window, retention) are not
    shown.

    Examples:
        >>> from datetime import timedelta
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import complaint_in
        >>> policy, c = presets.get("fca.disp.standard"), complaint_in("acknowledged")
        >>> evaluation_status(policy.evaluate(c, c.last_event_at), is_open=True)
        'due 2026-03-02 09:00 UTC (final_response)'
        >>> evaluation_status(policy.evaluate(c, c.received_at + timedelta(weeks=7)), is_open=True)
        'at risk: due 2026-03-02 09:00 UTC (final_response)'
        >>> late = policy.evaluate(c, c.received_at + timedelta(weeks=9))
        >>> evaluation_status(late, is_open=True)
        'overdue since 2026-03-02 09:00 UTC (final_response)'
        >>> evaluation_status(late, is_open=False)
        '—'
    """
    if not is_open:
        return NOTHING_DUE
    unmet = [
        status
        for status in evaluation.targets
        if status.deadline and status.due is not None and status.met_at is None
    ]
    for state, words in (
        (TargetState.BREACHED, "overdue since {due} ({name})"),
        (TargetState.AT_RISK, "at risk: due {due} ({name})"),
        (TargetState.PENDING, "due {due} ({name})"),
    ):
        first = _earliest(s for s in unmet if s.state is state)
        if first is not None and first.due is not None:
            return words.format(
                due=f"{first.due.astimezone(zone):%Y-%m-%d %H:%M %Z}", name=first.name
            )
    return NOTHING_DUE


def _earliest(statuses: Iterable[TargetStatus]) -> TargetStatus | None:
    return min(statuses, key=lambda s: (s.due, s.name), default=None)
