"""A complaint is the fold of its events: :func:`replay` and :func:`apply`.

The fold works on a mutable draft and builds the immutable :class:`~iso10002.model.Complaint`
once at the end, so replaying a long history costs one snapshot, not one per event. The state
after each event comes from the lifecycle's compiled table; with ``check=True`` (the default)
every event is also validated against the lifecycle's guards, exactly as the desk validates
it, and events must be in time order.

The law, checked by a property test: ``replay(events) == apply(replay(events[:k]), events[k:])``
for every ``k``, and the desk's snapshot always equals the replay of its stored history.

Examples:
    >>> from iso10002.testing.builders import history_to
    >>> events = history_to("closed")
    >>> complaint = replay(events)
    >>> complaint.state.value, complaint.version == len(events)
    ('closed', True)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from operator import attrgetter
from typing import Any

import attrs

from iso10002.errors import TransitionNotAllowed, ValidationError
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
from iso10002.lifecycle import TRANSITIONS, LifecycleRules
from iso10002.model import (
    REDACTED,
    Complaint,
    ComplaintFacts,
    ComplaintState,
    Decision,
    Pause,
)

__all__ = ["apply", "replay"]

_FIELDS: tuple[str, ...] = tuple(field.name for field in attrs.fields(Complaint))
_VALUES = attrgetter(*_FIELDS)  # every field's value at once, in field order
# A new complaint's defaults, taken once: each is an immutable value. A default made by a
# factory is left out, so a draft without it fails at once (_Draft.__init__) rather than
# sharing one value between complaints.
_DEFAULTS: dict[str, Any] = {
    f.name: f.default
    for f in attrs.fields(Complaint)
    if f.default is not attrs.NOTHING and not isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
}
_PERMISSIVE = LifecycleRules()


class _Draft(ComplaintFacts):
    """A complaint being folded: the same fields as :class:`Complaint`, but mutable.

    Its slots are generated from :class:`Complaint`'s fields, so a handler that names a field
    the snapshot lacks fails at once; handlers take the draft as ``Any`` because a type
    checker cannot see generated slots, and the fold's tests exercise every handler.
    """

    __slots__ = _FIELDS
    version: int
    last_event_at: datetime

    def __init__(self, values: dict[str, Any]) -> None:
        for name in _FIELDS:
            setattr(self, name, values[name])

    @classmethod
    def of(cls, complaint: Complaint) -> _Draft:
        return cls({name: getattr(complaint, name) for name in _FIELDS})

    def freeze(self) -> Complaint:
        return Complaint(**dict(zip(_FIELDS, _VALUES(self), strict=True)))

    def with_latest_decision(self, **changes: Any) -> None:
        self.decisions = (*self.decisions[:-1], attrs.evolve(self.decisions[-1], **changes))

    def end_pause(self, at: Any) -> None:
        if self.pauses and self.pauses[-1].end is None:
            self.pauses = (*self.pauses[:-1], attrs.evolve(self.pauses[-1], end=at))


def _received(draft: _Draft | None, e: Received) -> _Draft:
    return _Draft(
        {
            **_DEFAULTS,
            "id": e.complaint_id,
            "version": 0,
            "state": ComplaintState.RECEIVED,
            "received_at": e.at,
            "received_by": e.actor,
            "channel": e.channel,
            "complainant": e.complainant,
            "description": e.description,
            "classification": e.classification,
            "remedy_requested": e.remedy_requested,
            "complaint_type": e.complaint_type,
            "persons_complained_about": e.persons_complained_about,
            "external_ref": e.external_ref,
            "originally_received_at": e.originally_received_at,
            "last_event_at": e.at,
        }
    )


def _acknowledged(d: Any, e: Acknowledged) -> None:
    if d.acknowledged_at is None:
        d.acknowledged_at = e.at
    d.communications = (*d.communications, e.at)


def _assessed(d: Any, e: Assessed) -> None:
    d.assessed_at = e.at
    d.severity = e.severity
    d.complexity = e.complexity
    d.impact = e.impact
    d.urgent = e.urgent
    if e.category is not None:
        d.classification = attrs.evolve(d.classification, category=e.category)
    if e.complaint_type is not None:
        d.complaint_type = e.complaint_type


def _assigned(d: Any, e: Assigned) -> None:
    d.assignee = e.assignee


def _investigation_started(d: Any, e: InvestigationStarted) -> None:
    d.investigator = e.investigator
    d.investigation_started_at = e.at


def _communicated(d: Any, e: ProgressUpdate) -> None:
    d.communications = (*d.communications, e.at)


def _holding_response(d: Any, e: HoldingResponseSent) -> None:
    d.holding_response_at = e.at
    d.communications = (*d.communications, e.at)


def _decision_made(d: Any, e: DecisionMade) -> None:
    decision = Decision(
        outcome=e.outcome,
        reasons=e.reasons,
        decided_at=e.at,
        decided_by=e.actor,
        redress=e.redress,
        approved_by=e.approved_by,
    )
    d.decisions = (*d.decisions, decision)


def _decision_communicated(d: Any, e: DecisionCommunicated) -> None:
    d.with_latest_decision(communicated_at=e.at, recourse_explained=e.recourse_explained)
    d.communications = (*d.communications, e.at)


def _accepted(d: Any, e: ResponseAccepted) -> None:
    d.with_latest_decision(accepted_at=e.at)


def _rejected(d: Any, e: ResponseRejected) -> None:
    d.with_latest_decision(rejected_at=e.at)


def _escalated(d: Any, e: Escalated) -> None:
    d.escalations = (*d.escalations, e.at)


def _referred(d: Any, e: ReferredExternally) -> None:
    d.referred_to = e.body
    d.referred_at = e.at


def _action_completed(d: Any, e: ActionCompleted) -> None:
    d.actions_completed += 1


def _root_cause(d: Any, e: RootCauseRecorded) -> None:
    d.root_cause = e.root_cause


def _closed(d: Any, e: Closed) -> None:
    d.closed_at = e.at
    d.end_pause(e.at)


def _reopened(d: Any, e: Reopened) -> None:
    d.reopenings = (*d.reopenings, e.at)
    d.closed_at = None


def _withdrawn(d: Any, e: Withdrawn) -> None:
    d.withdrawn_at = e.at
    d.end_pause(e.at)


def _paused(d: Any, e: ClockPaused) -> None:
    d.pauses = (*d.pauses, Pause(start=e.at, reason=e.reason))


def _resumed(d: Any, e: ClockResumed) -> None:
    d.end_pause(e.at)


def _note(d: Any, e: NoteAdded) -> None:
    d.notes += 1


def _survey_offered(d: Any, e: SurveyOffered) -> None:
    if d.survey_offered_at is None:
        d.survey_offered_at = e.at


def _satisfaction(d: Any, e: SatisfactionRecorded) -> None:
    d.satisfaction = e.satisfaction


def _charged(d: Any, e: ChargeRecorded) -> None:
    d.charges = (*d.charges, e.amount)


def _redacted(d: Any, e: Redacted) -> None:
    # The same values the stores give erased personal fields of earlier events, so the
    # replay of a redacted history equals the snapshot taken before and after erasure.
    d.redacted_at = e.at
    d.complainant = None
    d.description = REDACTED
    if d.satisfaction is not None:
        d.satisfaction = attrs.evolve(d.satisfaction, comment=None)


_HANDLERS: dict[type[Event], Callable[[Any, Any], None]] = {
    Acknowledged: _acknowledged,
    Assessed: _assessed,
    Assigned: _assigned,
    InvestigationStarted: _investigation_started,
    ProgressUpdate: _communicated,
    HoldingResponseSent: _holding_response,
    DecisionMade: _decision_made,
    DecisionCommunicated: _decision_communicated,
    ResponseAccepted: _accepted,
    ResponseRejected: _rejected,
    Escalated: _escalated,
    ReferredExternally: _referred,
    ActionCompleted: _action_completed,
    RootCauseRecorded: _root_cause,
    Closed: _closed,
    Reopened: _reopened,
    Withdrawn: _withdrawn,
    ClockPaused: _paused,
    ClockResumed: _resumed,
    NoteAdded: _note,
    SurveyOffered: _survey_offered,
    SatisfactionRecorded: _satisfaction,
    Redacted: _redacted,
    ChargeRecorded: _charged,
}


def _fold(
    draft: _Draft | None, events: Iterable[Event], rules: LifecycleRules, check: bool
) -> _Draft:
    rule_for = TRANSITIONS.rule
    validate = TRANSITIONS.check
    for event in events:
        if draft is None:
            if not isinstance(event, Received):
                raise TransitionNotAllowed(
                    ComplaintState.NEW.value,
                    event.lifecycle_event,
                    "a complaint's history must start with its receipt",
                )
            draft = _received(None, event)
            draft.version = 1
            continue
        if check:
            if event.at < draft.last_event_at:
                raise ValidationError(
                    [
                        f"at: {event.at.isoformat()} is earlier than the complaint's latest "
                        f"event at {draft.last_event_at.isoformat()}; events must be in time order"
                    ]
                )
            target = validate(draft, event, rules)
        else:
            target = rule_for(draft.state, event.lifecycle_event).target
        _HANDLERS[type(event)](draft, event)
        draft.state = target
        draft.last_event_at = event.at
        draft.version += 1
    if draft is None:
        raise ValidationError(["events: a complaint needs at least its Received event"])
    return draft


def replay(
    events: Iterable[Event], *, rules: LifecycleRules = _PERMISSIVE, check: bool = True
) -> Complaint:
    """Fold a complete history, starting with :class:`~iso10002.events.Received`, into a snapshot.

    ``check=True`` validates every event against the lifecycle (guards read ``rules``) and
    the time order; stores replaying their own, already validated rows pass ``check=False``.

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> replay(history_to("acknowledged")).acknowledged_at is not None
        True
    """
    return _fold(None, events, rules, check).freeze()


def apply(
    complaint: Complaint | None,
    events: Iterable[Event],
    *,
    rules: LifecycleRules = _PERMISSIVE,
    check: bool = True,
) -> Complaint:
    """Fold further events onto a snapshot (``None`` starts a new complaint).

    Examples:
        >>> from iso10002.testing.builders import complaint_in, event_for
        >>> c = complaint_in("received")
        >>> apply(c, [event_for(c, "acknowledge")]).state.value
        'acknowledged'
    """
    draft = None if complaint is None else _Draft.of(complaint)
    return _fold(draft, events, rules, check).freeze()
