"""The events of a complaint's history: immutable facts, each with its own payload.

Every event carries an aware ``at`` (when it happened, kept in UTC) and the ``actor`` who is
accountable for it (ISO 10002 4.12). Each event class names the :class:`ComplaintLifecycle`
event it stands for (``lifecycle_event``) and the tag it is serialized under
(``event_type``). A complaint's snapshot is the fold of these events
(:func:`iso10002.replay.replay`).

Examples:
    >>> from datetime import datetime, timezone
    >>> event = Acknowledged(
    ...     at=datetime(2026, 1, 5, 9, 30, tzinfo=timezone.utc),
    ...     actor="agent:ana",
    ...     method=ContactMethod.EMAIL,
    ... )
    >>> event.lifecycle_event, event.event_type
    ('acknowledge', 'acknowledged')
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import ClassVar, Union, get_args

import attrs

from iso10002 import _checks as check
from iso10002.model import (
    REDACTED,
    ActionKind,
    Channel,
    Classification,
    Complainant,
    Complexity,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RemedyRequest,
    RootCause,
    Satisfaction,
    Severity,
    personal,
)

__all__ = [
    "EVENT_TYPES",
    "Acknowledged",
    "ActionCompleted",
    "AnyEvent",
    "Assessed",
    "Assigned",
    "ChargeRecorded",
    "ClockPaused",
    "ClockResumed",
    "Closed",
    "DecisionCommunicated",
    "DecisionMade",
    "Escalated",
    "Event",
    "HoldingResponseSent",
    "InvestigationStarted",
    "NoteAdded",
    "ProgressUpdate",
    "Received",
    "Redacted",
    "ReferredExternally",
    "Reopened",
    "ResponseAccepted",
    "ResponseRejected",
    "RootCauseRecorded",
    "SatisfactionRecorded",
    "SurveyOffered",
    "Withdrawn",
]


@attrs.frozen(kw_only=True)
class Event:
    """What every event has: when it happened and who is accountable for it."""

    event_type: ClassVar[str]
    lifecycle_event: ClassVar[str]

    at: datetime = attrs.field(converter=check.to_utc, validator=check.aware)
    actor: str = attrs.field(validator=check.required_text)


@attrs.frozen(kw_only=True)
class Received(Event):
    """The complaint was received and recorded (ISO 10002 7.2). Starts the history.

    ``at`` is the receipt instant, the origin of every SLA clock. ``originally_received_at``
    records when a third party (another firm, the CFPB portal) first received it.
    """

    event_type: ClassVar[str] = "received"
    lifecycle_event: ClassVar[str] = "receive"

    complaint_id: str = attrs.field(validator=check.required_text)
    channel: Channel = attrs.field(validator=check.instance_of(Channel))
    complainant: Complainant | None = personal(
        erased=None, validator=check.optional_instance_of(Complainant)
    )
    description: str = personal(erased=REDACTED, validator=check.required_text)
    classification: Classification = attrs.field(validator=check.instance_of(Classification))
    remedy_requested: RemedyRequest = attrs.field(
        factory=RemedyRequest, validator=check.instance_of(RemedyRequest)
    )
    complaint_type: str = attrs.field(default="standard", validator=check.required_text)
    persons_complained_about: tuple[str, ...] = attrs.field(default=(), validator=check.texts)
    external_ref: str | None = attrs.field(default=None, validator=check.required_text_optional)
    originally_received_at: datetime | None = attrs.field(
        default=None, converter=check.to_utc_optional, validator=check.aware_optional
    )


@attrs.frozen(kw_only=True)
class Acknowledged(Event):
    """Receipt was acknowledged to the complainant (7.4).

    ``response_due`` is the date the acknowledgement promised (DISP 1.6.1R(1)(b)).
    """

    event_type: ClassVar[str] = "acknowledged"
    lifecycle_event: ClassVar[str] = "acknowledge"

    method: ContactMethod = attrs.field(validator=check.instance_of(ContactMethod))
    message: str = attrs.field(default="", validator=check.text)
    response_due: datetime | None = attrs.field(
        default=None, converter=check.to_utc_optional, validator=check.aware_optional
    )


@attrs.frozen(kw_only=True)
class Assessed(Event):
    """Initial assessment (7.5): severity, complexity, impact, urgency.

    Assessing again later re-classifies the complaint; ``category`` and ``complaint_type``,
    when given, replace the earlier values and SLA targets follow them.
    """

    event_type: ClassVar[str] = "assessed"
    lifecycle_event: ClassVar[str] = "assess"

    severity: Severity = attrs.field(validator=check.instance_of(Severity))
    complexity: Complexity = attrs.field(validator=check.instance_of(Complexity))
    impact: Impact = attrs.field(validator=check.instance_of(Impact))
    urgent: bool = attrs.field(default=False, validator=check.instance_of(bool))
    category: str | None = attrs.field(default=None, validator=check.required_text_optional)
    complaint_type: str | None = attrs.field(default=None, validator=check.required_text_optional)
    immediate_action: str | None = attrs.field(default=None, validator=check.text_optional)


@attrs.frozen(kw_only=True)
class Assigned(Event):
    """The complaint has a new owner (4.12 accountability)."""

    event_type: ClassVar[str] = "assigned"
    lifecycle_event: ClassVar[str] = "assign"

    assignee: str = attrs.field(validator=check.required_text)


@attrs.frozen(kw_only=True)
class InvestigationStarted(Event):
    """Investigation began (7.6), led by ``investigator``."""

    event_type: ClassVar[str] = "investigation_started"
    lifecycle_event: ClassVar[str] = "start_investigation"

    investigator: str = attrs.field(validator=check.required_text)


@attrs.frozen(kw_only=True)
class ProgressUpdate(Event):
    """The complainant was told how things stand (7.3 tracking; 4.4 transparency)."""

    event_type: ClassVar[str] = "progress_update"
    lifecycle_event: ClassVar[str] = "record_progress"

    method: ContactMethod = attrs.field(validator=check.instance_of(ContactMethod))
    message: str = attrs.field(validator=check.required_text)


@attrs.frozen(kw_only=True)
class HoldingResponseSent(Event):
    """A written holding response: why there is no decision yet, and when it will come.

    The PSD2/EMD "exceptional" route (DISP 1.6.2AR) and ASIC's delay notification.
    """

    event_type: ClassVar[str] = "holding_response_sent"
    lifecycle_event: ClassVar[str] = "send_holding_response"

    method: ContactMethod = attrs.field(validator=check.instance_of(ContactMethod))
    reasons: str = attrs.field(validator=check.required_text)
    expected_by: datetime = attrs.field(converter=check.to_utc, validator=check.aware)


@attrs.frozen(kw_only=True)
class DecisionMade(Event):
    """A decision was reached (7.7). ``approved_by`` is the second pair of eyes, if any."""

    event_type: ClassVar[str] = "decision_made"
    lifecycle_event: ClassVar[str] = "decide"

    outcome: Outcome = attrs.field(validator=check.instance_of(Outcome))
    reasons: str = attrs.field(validator=check.text)
    redress: Redress | None = attrs.field(
        default=None, validator=check.optional_instance_of(Redress)
    )
    approved_by: str | None = attrs.field(default=None, validator=check.required_text_optional)


@attrs.frozen(kw_only=True)
class DecisionCommunicated(Event):
    """The decision and its reasons were sent to the complainant (7.8).

    ``recourse_explained``: the response told the complainant how to take it further,
    internally and externally (7.9; DISP 1.6.2R, the ombudsman's details).
    """

    event_type: ClassVar[str] = "decision_communicated"
    lifecycle_event: ClassVar[str] = "communicate_decision"

    method: ContactMethod = attrs.field(validator=check.instance_of(ContactMethod))
    recourse_explained: bool = attrs.field(validator=check.instance_of(bool))
    message: str = attrs.field(default="", validator=check.text)


@attrs.frozen(kw_only=True)
class ResponseAccepted(Event):
    """The complainant accepted the decision (7.9)."""

    event_type: ClassVar[str] = "response_accepted"
    lifecycle_event: ClassVar[str] = "accept"


@attrs.frozen(kw_only=True)
class ResponseRejected(Event):
    """The complainant rejected the decision (7.9)."""

    event_type: ClassVar[str] = "response_rejected"
    lifecycle_event: ClassVar[str] = "reject"

    reason: str = attrs.field(default="", validator=check.text)


@attrs.frozen(kw_only=True)
class Escalated(Event):
    """The complaint went up a level: rejected by the complainant, or internal (7.9)."""

    event_type: ClassVar[str] = "escalated"
    lifecycle_event: ClassVar[str] = "escalate"

    reason: str = attrs.field(validator=check.text)
    to: str = attrs.field(validator=check.required_text)
    internal: bool = attrs.field(default=False, validator=check.instance_of(bool))


@attrs.frozen(kw_only=True)
class ReferredExternally(Event):
    """The complainant took the complaint to external dispute resolution (ISO 10003)."""

    event_type: ClassVar[str] = "referred_externally"
    lifecycle_event: ClassVar[str] = "refer_externally"

    body: str = attrs.field(validator=check.required_text)
    reference: str | None = attrs.field(default=None, validator=check.required_text_optional)


@attrs.frozen(kw_only=True)
class ActionCompleted(Event):
    """An action arising from the complaint was carried out (7.9; 8.7)."""

    event_type: ClassVar[str] = "action_completed"
    lifecycle_event: ClassVar[str] = "complete_action"

    description: str = attrs.field(validator=check.required_text)
    kind: ActionKind = attrs.field(
        default=ActionKind.REMEDY, validator=check.instance_of(ActionKind)
    )


@attrs.frozen(kw_only=True)
class RootCauseRecorded(Event):
    """Why the complaint arose, for analysis (8.2) and improvement (8.7)."""

    event_type: ClassVar[str] = "root_cause_recorded"
    lifecycle_event: ClassVar[str] = "record_root_cause"

    root_cause: RootCause = attrs.field(validator=check.instance_of(RootCause))


@attrs.frozen(kw_only=True)
class Closed(Event):
    """The complaint was closed (7.9)."""

    event_type: ClassVar[str] = "closed"
    lifecycle_event: ClassVar[str] = "close"

    summary: str = attrs.field(default="", validator=check.text)


@attrs.frozen(kw_only=True)
class Reopened(Event):
    """A closed complaint was reopened, within the policy's window."""

    event_type: ClassVar[str] = "reopened"
    lifecycle_event: ClassVar[str] = "reopen"

    reason: str = attrs.field(validator=check.required_text)


@attrs.frozen(kw_only=True)
class Withdrawn(Event):
    """The complainant withdrew the complaint."""

    event_type: ClassVar[str] = "withdrawn"
    lifecycle_event: ClassVar[str] = "withdraw"

    reason: str = attrs.field(default="", validator=check.text)


@attrs.frozen(kw_only=True)
class ClockPaused(Event):
    """The internal SLA clock stopped (for example, waiting on the complainant)."""

    event_type: ClassVar[str] = "clock_paused"
    lifecycle_event: ClassVar[str] = "pause_clock"

    reason: str = attrs.field(validator=check.required_text)


@attrs.frozen(kw_only=True)
class ClockResumed(Event):
    """The internal SLA clock runs again."""

    event_type: ClassVar[str] = "clock_resumed"
    lifecycle_event: ClassVar[str] = "resume_clock"


@attrs.frozen(kw_only=True)
class NoteAdded(Event):
    """A note on the file; ``internal`` notes are not shown to the complainant."""

    event_type: ClassVar[str] = "note_added"
    lifecycle_event: ClassVar[str] = "add_note"

    text: str = personal(erased=REDACTED, validator=check.required_text)
    internal: bool = attrs.field(default=True, validator=check.instance_of(bool))


@attrs.frozen(kw_only=True)
class SurveyOffered(Event):
    """A satisfaction survey on the handling was offered (8.3)."""

    event_type: ClassVar[str] = "survey_offered"
    lifecycle_event: ClassVar[str] = "offer_survey"

    method: ContactMethod = attrs.field(validator=check.instance_of(ContactMethod))


@attrs.frozen(kw_only=True)
class SatisfactionRecorded(Event):
    """The complainant's satisfaction with the complaints-handling process (8.3)."""

    event_type: ClassVar[str] = "satisfaction_recorded"
    lifecycle_event: ClassVar[str] = "record_satisfaction"

    satisfaction: Satisfaction = attrs.field(validator=check.instance_of(Satisfaction))


@attrs.frozen(kw_only=True)
class Redacted(Event):
    """The complainant's personal data was erased (right to erasure; 4.10).

    The event stays in the chain; the erased fields of earlier events read as their
    erased values from then on. ``forced`` records an erasure before the retention date.
    """

    event_type: ClassVar[str] = "redacted"
    lifecycle_event: ClassVar[str] = "redact"

    reason: str = attrs.field(validator=check.required_text)
    forced: bool = attrs.field(default=False, validator=check.instance_of(bool))


@attrs.frozen(kw_only=True)
class ChargeRecorded(Event):
    """The complainant was asked to pay something in connection with the complaint.

    Handling a complaint should be free of charge to the complainant (ISO 10002 4.8;
    DISP 1.3.1AR). Recording a charge is allowed in every state, because it is a fact the
    record must not hide; the charges check reports it. ``amount`` is what was asked for
    (more than zero); ``reason`` says what for (a copy of call recordings, a dispute fee…).

    Examples:
        >>> from datetime import datetime, timezone
        >>> from decimal import Decimal
        >>> ChargeRecorded(
        ...     at=datetime(2026, 1, 6, tzinfo=timezone.utc), actor="billing",
        ...     amount=Money(Decimal("10.00"), "GBP"), reason="copy of call recordings",
        ... ).lifecycle_event
        'record_charge'
    """

    event_type: ClassVar[str] = "charge_recorded"
    lifecycle_event: ClassVar[str] = "record_charge"

    amount: Money = attrs.field(validator=check.instance_of(Money))
    reason: str = attrs.field(validator=check.required_text)

    @amount.validator
    def _more_than_zero(self, attribute: attrs.Attribute[Money], value: Money) -> None:
        if value.amount <= 0:
            raise check.ValidationError(
                [f"{attribute.name}: {value.amount} is not a charge; give an amount above zero"]
            )


AnyEvent = Union[  # noqa: UP007 - a runtime union that cattrs reads
    Received,
    Acknowledged,
    Assessed,
    Assigned,
    InvestigationStarted,
    ProgressUpdate,
    HoldingResponseSent,
    DecisionMade,
    DecisionCommunicated,
    ResponseAccepted,
    ResponseRejected,
    Escalated,
    ReferredExternally,
    ActionCompleted,
    RootCauseRecorded,
    Closed,
    Reopened,
    Withdrawn,
    ClockPaused,
    ClockResumed,
    NoteAdded,
    SurveyOffered,
    SatisfactionRecorded,
    Redacted,
    ChargeRecorded,
]
"""Every concrete event class, for serialization and exhaustive matching."""

EVENT_TYPES: Mapping[str, type[Event]] = MappingProxyType(
    {cls.event_type: cls for cls in get_args(AnyEvent)}
)
"""Event classes by their serialized tag."""
