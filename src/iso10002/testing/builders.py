"""Ready-made histories and events for tests, docs and examples.

:func:`history_to` gives the shortest ordinary history that brings a complaint to a state,
:func:`complaint_in` its snapshot, and :func:`event_for` a valid event for any lifecycle
event, dated after the complaint's latest event. They need nothing but the core library.

Examples:
    >>> [type(e).__name__ for e in history_to("investigating")]
    ['Received', 'Acknowledged', 'Assessed', 'InvestigationStarted']
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import attrs

from iso10002.events import (
    Acknowledged,
    ActionCompleted,
    Assessed,
    Assigned,
    ChargeRecorded,
    ClockPaused,
    ClockResumed,
    Closed,
    DecisionCommunicated,
    DecisionMade,
    Escalated,
    Event,
    HoldingResponseSent,
    InvestigationStarted,
    NoteAdded,
    ProgressUpdate,
    Received,
    Redacted,
    ReferredExternally,
    Reopened,
    ResponseAccepted,
    ResponseRejected,
    RootCauseRecorded,
    SatisfactionRecorded,
    SurveyOffered,
    Withdrawn,
)
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintState,
    Complexity,
    ContactDetails,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RemedyKind,
    RemedyRequest,
    RootCause,
    Satisfaction,
    Severity,
)
from iso10002.principles.profile import (
    AuditRecord,
    Authority,
    ChannelOffer,
    CorrectiveAction,
    ManagementReview,
    ProcessProfile,
    PublishedPolicy,
    ResourcePlan,
    TrainingRecord,
)
from iso10002.replay import apply, replay

__all__ = [
    "START",
    "complaint_in",
    "conforming_history",
    "conforming_profile",
    "event_for",
    "history_to",
    "received",
]

START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
"""When the ready-made histories begin: Monday 5 January 2026, 09:00 UTC."""
STEP = timedelta(hours=1)


def received(
    complaint_id: str = "C-0001",
    at: datetime = START,
    actor: str = "agent:ana",
    **overrides: Any,
) -> Received:
    """An ordinary :class:`Received` event; keyword arguments replace its fields.

    Examples:
        >>> received(channel=Channel.PHONE).channel.value
        'phone'
    """
    values: dict[str, Any] = {
        "complaint_id": complaint_id,
        "at": at,
        "actor": actor,
        "channel": Channel.EMAIL,
        "complainant": Complainant(
            name="Jo Bloggs",
            contact=ContactDetails(email="jo@example.org"),
            preferred_contact=ContactMethod.EMAIL,
        ),
        "description": "Charged twice for the March statement fee.",
        "classification": Classification(product="current account", category="fees"),
        "remedy_requested": RemedyRequest(kinds=(RemedyKind.REFUND,), details="refund the fee"),
        "persons_complained_about": ("agent:zed",),
    }
    values.update(overrides)
    return Received(**values)


def _payload(event: str, complaint: Complaint) -> tuple[type[Event], dict[str, Any]]:
    payloads: dict[str, Callable[[], tuple[type[Event], dict[str, Any]]]] = {
        "acknowledge": lambda: (Acknowledged, {"method": ContactMethod.EMAIL}),
        "assess": lambda: (
            Assessed,
            {
                "severity": Severity.MEDIUM,
                "complexity": Complexity.MODERATE,
                "impact": Impact.MEDIUM,
                "category": complaint.classification.category or "general",
            },
        ),
        "assign": lambda: (Assigned, {"assignee": "agent:bo"}),
        "start_investigation": lambda: (InvestigationStarted, {"investigator": "agent:bo"}),
        "record_progress": lambda: (
            ProgressUpdate,
            {"method": ContactMethod.EMAIL, "message": "We are looking into it."},
        ),
        "send_holding_response": lambda: (
            HoldingResponseSent,
            {
                "method": ContactMethod.EMAIL,
                "reasons": "We are waiting for the card scheme's records.",
                "expected_by": complaint.last_event_at + timedelta(days=14),
            },
        ),
        "decide": lambda: (
            DecisionMade,
            {
                "outcome": Outcome.UPHELD,
                "reasons": "The fee was applied twice in error.",
                "redress": Redress(Money(Decimal("25.00"), "GBP")),
            },
        ),
        "communicate_decision": lambda: (
            DecisionCommunicated,
            {"method": ContactMethod.EMAIL, "recourse_explained": True},
        ),
        "accept": lambda: (ResponseAccepted, {}),
        "reject": lambda: (ResponseRejected, {"reason": "The refund is too small."}),
        "escalate": lambda: (Escalated, {"reason": "Complainant disagrees.", "to": "team lead"}),
        "refer_externally": lambda: (ReferredExternally, {"body": "Financial Ombudsman Service"}),
        "close": lambda: (Closed, {}),
        "reopen": lambda: (Reopened, {"reason": "The refund never arrived."}),
        "withdraw": lambda: (Withdrawn, {"reason": "Sorted out with the branch."}),
        "pause_clock": lambda: (ClockPaused, {"reason": "Waiting for the complainant's documents"}),
        "resume_clock": lambda: (ClockResumed, {}),
        "record_root_cause": lambda: (
            RootCauseRecorded,
            {"root_cause": RootCause("system", "batch job ran twice")},
        ),
        "complete_action": lambda: (ActionCompleted, {"description": "Refund paid."}),
        "offer_survey": lambda: (SurveyOffered, {"method": ContactMethod.EMAIL}),
        "record_satisfaction": lambda: (SatisfactionRecorded, {"satisfaction": Satisfaction(4)}),
        "add_note": lambda: (NoteAdded, {"text": "Called the complainant back."}),
        "redact": lambda: (Redacted, {"reason": "Erasure request under UK GDPR Art. 17"}),
        "record_charge": lambda: (
            ChargeRecorded,
            {"amount": Money(Decimal("10.00"), "GBP"), "reason": "copy of call recordings"},
        ),
    }
    try:
        return payloads[event]()
    except KeyError:
        raise ValueError(f"no lifecycle event {event!r}") from None


def event_for(complaint: Complaint, event: str, **overrides: Any) -> Event:
    """A valid event for lifecycle event ``event``, an hour after ``complaint``'s latest.

    Keyword arguments replace fields (``at``, ``actor`` or the payload).

    Examples:
        >>> c = complaint_in("investigating")
        >>> event_for(c, "decide", outcome=Outcome.NOT_UPHELD).outcome.value
        'not_upheld'
    """
    cls, values = _payload(event, complaint)
    values = {"at": complaint.last_event_at + STEP, "actor": "agent:bo", **values, **overrides}
    return cls(**values)


_PATHS: dict[ComplaintState, tuple[str, ...]] = {
    ComplaintState.RECEIVED: (),
    ComplaintState.ACKNOWLEDGED: ("acknowledge",),
    ComplaintState.ASSESSED: ("acknowledge", "assess"),
    ComplaintState.INVESTIGATING: ("acknowledge", "assess", "start_investigation"),
    ComplaintState.RESPONDED: (
        "acknowledge",
        "assess",
        "start_investigation",
        "decide",
        "communicate_decision",
    ),
}
_PATHS[ComplaintState.ESCALATED] = (*_PATHS[ComplaintState.RESPONDED], "reject", "escalate")
_PATHS[ComplaintState.REFERRED] = (*_PATHS[ComplaintState.RESPONDED], "refer_externally")
_PATHS[ComplaintState.CLOSED] = (*_PATHS[ComplaintState.RESPONDED], "accept", "close")
_PATHS[ComplaintState.WITHDRAWN] = ("acknowledge", "withdraw")


def history_to(
    state: ComplaintState | str,
    complaint_id: str = "C-0001",
    at: datetime = START,
    **received_fields: Any,
) -> tuple[Event, ...]:
    """The shortest ordinary history that leaves a complaint in ``state``.

    ``received_fields`` replace fields of its :func:`received` event; later events follow
    them (an assessment keeps the category received).

    Examples:
        >>> len(history_to("closed", complaint_id="C-7"))
        8
        >>> fraud = Classification(product="card", category="fraud")
        >>> history_to("assessed", classification=fraud)[-1].category
        'fraud'
    """
    target = ComplaintState(state)
    if target is ComplaintState.NEW:
        return ()
    first = received(complaint_id, at, **received_fields)
    complaint = replay([first])
    events: list[Event] = [first]
    for name in _PATHS[target]:
        event = event_for(complaint, name)
        complaint = apply(complaint, [event])
        events.append(event)
    return tuple(events)


def complaint_in(state: ComplaintState | str, complaint_id: str = "C-0001") -> Complaint:
    """The snapshot of :func:`history_to` ``(state)``.

    Examples:
        >>> complaint_in("escalated").state.value
        'escalated'
    """
    return replay(history_to(state, complaint_id))


_CONFORMING: tuple[tuple[str, dict[str, Any]], ...] = (
    ("acknowledge", {}),  # with the response due date, set below
    ("assess", {}),
    ("assign", {"actor": "lead:kim", "assignee": "agent:bo"}),
    ("start_investigation", {}),
    ("decide", {"approved_by": "lead:kim"}),
    ("communicate_decision", {}),
    ("record_root_cause", {}),
    ("accept", {}),
    ("close", {}),
    ("offer_survey", {"actor": "system"}),
)


def conforming_history(complaint_id: str = "C-0001", at: datetime = START) -> tuple[Event, ...]:
    """A closed complaint's history that passes every built-in complaint check.

    Acknowledged with a due date, assessed, owned, investigated by someone not complained
    about, decided with reasons and a second approver, communicated with recourse, its root
    cause recorded before closure, accepted, closed, and a survey offered.

    Examples:
        >>> from iso10002.principles import CheckContext, check_complaint
        >>> events = conforming_history()
        >>> check_complaint(replay(events), events, CheckContext(at=events[-1].at))
        ()
    """
    complaint = replay([received(complaint_id, at)])
    events: list[Event] = [received(complaint_id, at)]
    for name, overrides in _CONFORMING:
        if name == "acknowledge":  # DISP 1.6.1R(1)(b): say when the response is due
            event = event_for(complaint, name, response_due=at + timedelta(weeks=8))
        else:
            event = event_for(complaint, name, **overrides)
        complaint = apply(complaint, [event])
        events.append(event)
    return tuple(events)


def conforming_profile(at: datetime = START) -> ProcessProfile:
    """A process profile that passes every built-in process check at ``at`` (and for months).

    Examples:
        >>> from iso10002.principles import CheckContext, check_process
        >>> check_process(conforming_profile(), CheckContext(at=START))
        ()
    """
    days = timedelta(days=1)
    return ProcessProfile(
        organization="Example Bank plc",
        country="GB",
        channels=(
            ChannelOffer(Channel.PHONE, "0800 123 4567", accessibility=("text relay",)),
            ChannelOffer(Channel.EMAIL, "complaints@example.org"),
            ChannelOffer(
                Channel.LETTER,
                "Complaints, 1 High Street, Leeds",
                accessibility=("large print replies",),
            ),
        ),
        policy=PublishedPolicy(
            version="2026.1",
            published_at=at - 30 * days,
            location="https://example.org/complaints",
            approved_by="board:chair",
        ),
        owner="head-of-complaints:kim",
        authorities=(
            Authority("lead:kim", "decide complaints and approve redress"),
            Authority("agent:bo", "decide complaints", Money(Decimal("500"), "GBP")),
        ),
        handlers=("agent:ana", "agent:bo"),
        training=(
            TrainingRecord("agent:ana", "Complaints handling (ISO 10002)", at - 60 * days),
            TrainingRecord("agent:bo", "Complaints handling (ISO 10002)", at - 45 * days),
        ),
        resources=ResourcePlan(
            handlers=2, monthly_capacity=400, expected_monthly_volume=250, planned_at=at - 30 * days
        ),
        audits=(AuditRecord(at - 90 * days, auditor="internal-audit:lee", scope="whole process"),),
        reviews=(ManagementReview(at - 60 * days, chaired_by="board:chair"),),
        corrective_actions=(
            CorrectiveAction(
                reference="CA-1",
                description="Stop the statement job running twice",
                opened_at=at - 80 * days,
                root_cause="system",
                due=at - 50 * days,
                completed_at=at - 55 * days,
                verified_at=at - 40 * days,
            ),
        ),
    )


def with_fields(event: Event, **changes: Any) -> Event:
    """A copy of ``event`` with some fields changed (validators run again)."""
    return attrs.evolve(event, **changes)
