"""Checks on learning from a closed complaint: its root cause (8.2, improvement; DISP 1.3.3R)
and the survey on satisfaction with the handling (8.3, customer-focused approach).

Examples:
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.testing.builders import history_to
    >>> from iso10002.replay import replay
    >>> events = history_to("closed")
    >>> complaint = replay(events)
    >>> [f.message for f in root_cause_before_closure(
    ...     complaint, events, CheckContext(at=complaint.last_event_at))]
    ['the complaint was closed without a root cause being recorded']
"""

from __future__ import annotations

from collections.abc import Sequence

from iso10002.events import Closed, Event, RootCauseRecorded
from iso10002.model import Complaint
from iso10002.principles._words import day, span
from iso10002.principles.checks import complaint_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity, refs

__all__ = ["root_cause_before_closure", "survey_offered"]


@complaint_check(
    "improvement.root_cause_before_closure",
    principle=Principle.IMPROVEMENT,
    clause="8.2",
    checks=(
        "A complaint that was closed had its root cause recorded before it was first "
        "closed, so analysis can find causes common to many complaints (DISP 1.3.3R)."
    ),
)
def root_cause_before_closure(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 8.2: why the complaint arose is known before it is closed.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> root_cause_before_closure(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    if complaint.closed_at is None and not complaint.reopenings:
        return ()
    first_closed = None
    for index, event in enumerate(history):
        kind = type(event)
        if kind is RootCauseRecorded:
            return ()  # recorded before any closure
        if kind is Closed:
            first_closed = index
            break
    if first_closed is None:
        return ()
    if complaint.root_cause is None:
        return (
            root_cause_before_closure.finding(
                FindingSeverity.MAJOR,
                "the complaint was closed without a root cause being recorded",
                complaint.id,
                refs(history, first_closed),
            ),
        )
    recorded = next(i for i, e in enumerate(history) if isinstance(e, RootCauseRecorded))
    if recorded < first_closed:
        return ()
    return (
        root_cause_before_closure.finding(
            FindingSeverity.MINOR,
            "the root cause was recorded only after the complaint was closed",
            complaint.id,
            refs(history, first_closed, recorded),
        ),
    )


@complaint_check(
    "satisfaction.survey_offered",
    principle=Principle.CUSTOMER_FOCUSED_APPROACH,
    clause="8.3",
    checks=(
        "A complaint closed longer ago than the context's survey_within was offered a survey "
        "on the handling, unless the complainant is anonymous, erased, or declined contact."
    ),
)
def survey_offered(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 8.3: complainants are asked how satisfied they are with the handling.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> survey_offered(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    closed_at = complaint.closed_at
    if closed_at is None or complaint.survey_offered_at is not None:
        return ()
    if context.at - closed_at <= context.survey_within:
        return ()
    person = complaint.complainant
    if person is None or not person.consent.contact:
        return ()
    closures = [i for i, e in enumerate(history) if isinstance(e, Closed)]
    return (
        survey_offered.finding(
            FindingSeverity.MINOR,
            f"closed on {day(closed_at)} and no satisfaction survey was offered within "
            f"{span(context.survey_within)}",
            complaint.id,
            refs(history, *closures[-1:]),
        ),
    )
