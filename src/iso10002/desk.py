"""The complaints desk: one method per use case of ISO 10002 clause 7.

:class:`ComplaintsDesk` is the application service a host calls. Each method loads the
complaint, builds the event, asks the lifecycle whether it is allowed (one python-statemachine
machine per call, so host listeners see it), appends the event with the version it decided
on, and returns the new snapshot. It is the only place that does I/O; everything it decides
with (lifecycle, SLA policy, clock) is injected.

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.clock import ManualClock
    >>> from iso10002.model import Channel, Classification, Complainant, ContactMethod
    >>> from iso10002.storage import InMemoryStore
    >>> clock = ManualClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
    >>> desk = ComplaintsDesk(InMemoryStore(), clock=clock)
    >>> c = desk.receive(
    ...     actor="agent:ana",
    ...     channel=Channel.EMAIL,
    ...     complainant=Complainant(name="Jo Bloggs"),
    ...     description="Charged twice for the March statement fee.",
    ...     classification=Classification(product="current account", category="fees"),
    ... )
    >>> desk.acknowledge(c.id, actor="agent:ana", method=ContactMethod.EMAIL).state.value
    'acknowledged'
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Protocol

import attrs

from iso10002._checks import instant
from iso10002.access import (
    VIEW,
    AccessPolicy,
    AccessRefusal,
    LoggingRefusalLog,
    RefusalLog,
    allow_all,
)
from iso10002.clock import Clock, system_clock
from iso10002.errors import (
    AccessDenied,
    ConcurrencyConflict,
    TransitionNotAllowed,
    ValidationError,
)
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
from iso10002.lifecycle import TRANSITIONS, LifecycleRules, transition
from iso10002.model import (
    ActionKind,
    Channel,
    Classification,
    Complainant,
    Complaint,
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
)
from iso10002.replay import apply
from iso10002.sla.policy import SlaEvaluation, SlaPolicy, TargetState, TargetStatus
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore

__all__ = ["ComplaintsDesk", "DeskPolicy", "Overdue", "new_complaint_id"]

_log = logging.getLogger(__name__)


class DeskPolicy(Protocol):
    """What the desk asks of a policy; :class:`iso10002.sla.SlaPolicy` provides it."""

    @property
    def lifecycle_rules(self) -> LifecycleRules:
        """The reopen window and whether the SLA clock may pause."""
        ...

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        """The earliest deadline still pending for ``complaint`` at ``at``."""
        ...

    def retain_until(self, complaint: Complaint) -> datetime | None:
        """When the record may be erased at the earliest (``None``: no retention rule)."""
        ...


@attrs.frozen
class Overdue:
    """An open complaint past its next deadline, and what the SLA policy says of it then.

    ``evaluation`` is ``None`` when the desk's policy is not an :class:`~iso10002.sla.SlaPolicy`.
    """

    complaint: Complaint
    evaluation: SlaEvaluation | None

    @property
    def breached(self) -> tuple[TargetStatus, ...]:
        """The targets breached and still not met: what makes the complaint overdue."""
        if self.evaluation is None:
            return ()
        return tuple(
            s
            for s in self.evaluation.targets
            if s.state is TargetState.BREACHED and s.met_at is None
        )


def new_complaint_id() -> str:
    """A fresh, unguessable complaint id such as ``C-3F2A9C0D1B7E4A55`` (64 random bits).

    Examples:
        >>> new_complaint_id().startswith("C-"), len(new_complaint_id())
        (True, 18)
    """
    return f"C-{uuid.uuid4().hex[:16].upper()}"


class ComplaintsDesk:
    """Runs complaints through their lifecycle, one transaction per use case.

    ``store`` keeps the records; ``policy`` (optional) supplies the reopen window, whether
    the SLA clock may pause, deadlines and retention; ``clock`` says what time it is;
    ``listeners`` receive python-statemachine callbacks for every transition
    (``after_transition(event, source, target, change, complaint)`` and the like);
    ``id_factory`` names new complaints; ``access`` is the host's
    :data:`~iso10002.access.AccessPolicy`, asked before every change (and before reads made
    with an ``actor``), and ``refusals`` records what it refused (by default as log warnings).

    Every method takes ``actor`` (who is accountable, ISO 10002 4.12), an optional ``at``
    (when it happened; default now, never in the future, never before the complaint's latest
    event) and an optional ``expected_version`` (the version the caller saw; a stale one
    raises :class:`~iso10002.errors.ConcurrencyConflict` before anything is decided).
    """

    def __init__(
        self,
        store: ComplaintStore,
        policy: DeskPolicy | None = None,
        clock: Clock | None = None,
        *,
        listeners: Sequence[object] = (),
        id_factory: Callable[[], str] = new_complaint_id,
        access: AccessPolicy = allow_all,
        refusals: RefusalLog | None = None,
    ) -> None:
        self.store = store
        self.policy = policy
        self.clock: Clock = clock if clock is not None else system_clock
        self.listeners = tuple(listeners)
        self.id_factory = id_factory
        self.access = access
        self.refusals: RefusalLog = refusals if refusals is not None else LoggingRefusalLog()

    @property
    def rules(self) -> LifecycleRules:
        """The lifecycle rules in force (the policy's, or the defaults)."""
        return self.policy.lifecycle_rules if self.policy is not None else LifecycleRules()

    # --- reading ---------------------------------------------------------------------------

    def get(self, complaint_id: str, *, actor: str | None = None) -> Complaint:
        """The complaint's current snapshot (``NotFound`` if there is none).

        With ``actor``, the access policy is asked whether that actor may ``"view"`` it.

        Examples:
            >>> from iso10002.storage import InMemoryStore
            >>> ComplaintsDesk(InMemoryStore()).get("C-404")
            Traceback (most recent call last):
            ...
            iso10002.errors.NotFound: no complaint with id 'C-404'
        """
        complaint = self.store.get(complaint_id)
        if actor is not None:
            self._authorize(actor, VIEW, complaint)
        return complaint

    def history(self, complaint_id: str, *, actor: str | None = None) -> tuple[Event, ...]:
        """Every event of the complaint, oldest first: its full audit trail (7.3).

        With ``actor``, the access policy is asked whether that actor may ``"view"`` it.

        Examples:
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import history_to
            >>> store = InMemoryStore()
            >>> c = store.create(history_to("assessed"))
            >>> [type(e).__name__ for e in ComplaintsDesk(store).history(c.id)]
            ['Received', 'Acknowledged', 'Assessed']
        """
        if actor is not None:
            self.get(complaint_id, actor=actor)
        return self.store.history(complaint_id)

    def allowed_events(self, complaint_id: str, at: datetime | None = None) -> tuple[str, ...]:
        """The lifecycle events the complaint may take now (guards checked, payloads not).

        Examples:
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import history_to
            >>> store = InMemoryStore()
            >>> c = store.create(history_to("responded"))
            >>> ComplaintsDesk(store).allowed_events(c.id)[:5]
            ('accept', 'reject', 'escalate', 'refer_externally', 'close')
        """
        complaint = self.get(complaint_id)
        return TRANSITIONS.allowed_events(complaint, at or self.clock(), self.rules)

    # --- clause 7.2: receipt ---------------------------------------------------------------

    def receive(
        self,
        *,
        actor: str,
        channel: Channel,
        complainant: Complainant | None,
        description: str,
        classification: Classification,
        remedy_requested: RemedyRequest = RemedyRequest(),
        complaint_type: str = "standard",
        persons_complained_about: Sequence[str] = (),
        external_ref: str | None = None,
        originally_received_at: datetime | None = None,
        complaint_id: str | None = None,
        idempotency_key: str | None = None,
        at: datetime | None = None,
    ) -> Complaint:
        """Record a new complaint (7.2). ``complainant=None`` records an anonymous one.

        With ``idempotency_key``, receiving again with the same key returns the complaint
        first received with it and writes nothing (a form posted twice, a retried import).

        Examples:
            >>> from iso10002.storage import InMemoryStore
            >>> desk = ComplaintsDesk(InMemoryStore())
            >>> kwargs = dict(actor="web-form", channel=Channel.WEB, complainant=None,
            ...               description="Rude reply at the counter.",
            ...               classification=Classification(product="branch service"))
            >>> first = desk.receive(idempotency_key="form-81", **kwargs)
            >>> desk.receive(idempotency_key="form-81", **kwargs).id == first.id
            True
        """
        event = Received(
            at=self._now(at),
            actor=actor,
            complaint_id=complaint_id if complaint_id is not None else self.id_factory(),
            channel=channel,
            complainant=complainant,
            description=description,
            classification=classification,
            remedy_requested=remedy_requested,
            complaint_type=complaint_type,
            persons_complained_about=tuple(persons_complained_about),
            external_ref=external_ref,
            originally_received_at=originally_received_at,
        )
        self._authorize(actor, event.lifecycle_event, None)
        transition(None, event, self.rules, self.listeners)
        snapshot = apply(None, [event], rules=self.rules)
        return self.store.create(
            [event], idempotency_key=idempotency_key, next_due=self._next_due(snapshot)
        )

    # --- 7.4 acknowledgement, 7.5 assessment ----------------------------------------------

    def acknowledge(
        self,
        complaint_id: str,
        *,
        actor: str,
        method: ContactMethod,
        message: str = "",
        response_due: datetime | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Acknowledge receipt to the complainant (7.4); ``response_due`` is what you promised."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: Acknowledged(
                at=now, actor=actor, method=method, message=message, response_due=response_due
            ),
            at,
        )

    def assess(
        self,
        complaint_id: str,
        *,
        actor: str,
        severity: Severity,
        complexity: Complexity,
        impact: Impact,
        urgent: bool = False,
        category: str | None = None,
        complaint_type: str | None = None,
        immediate_action: str | None = None,
        acknowledge_by: ContactMethod | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Initial assessment (7.5), or re-assessment later (SLA targets follow a new type).

        ``acknowledge_by`` acknowledges and assesses in one step, recorded as two events.

        Examples:
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import history_to
            >>> store = InMemoryStore()
            >>> c = store.create(history_to("received"))
            >>> ComplaintsDesk(store).assess(
            ...     c.id, actor="agent:ana", severity=Severity.HIGH, complexity=Complexity.SIMPLE,
            ...     impact=Impact.MEDIUM, acknowledge_by=ContactMethod.PHONE).version
            3
        """

        def events(now: datetime) -> list[Event]:
            assessed = Assessed(
                at=now,
                actor=actor,
                severity=severity,
                complexity=complexity,
                impact=impact,
                urgent=urgent,
                category=category,
                complaint_type=complaint_type,
                immediate_action=immediate_action,
            )
            if acknowledge_by is None:
                return [assessed]
            return [Acknowledged(at=now, actor=actor, method=acknowledge_by), assessed]

        return self._record_many(complaint_id, expected_version, events, at)

    def assign(
        self,
        complaint_id: str,
        *,
        actor: str,
        assignee: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Give the complaint an owner, who must not be complained about (4.7, 4.12)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: Assigned(at=now, actor=actor, assignee=assignee),
            at,
        )

    # --- 7.6 investigation, tracking -------------------------------------------------------

    def start_investigation(
        self,
        complaint_id: str,
        *,
        actor: str,
        investigator: str | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Begin investigating (7.6); the investigator defaults to ``actor``."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: InvestigationStarted(
                at=now, actor=actor, investigator=investigator or actor
            ),
            at,
        )

    def record_progress(
        self,
        complaint_id: str,
        *,
        actor: str,
        method: ContactMethod,
        message: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Tell the complainant how things stand (7.3; 4.4 transparency)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: ProgressUpdate(at=now, actor=actor, method=method, message=message),
            at,
        )

    def send_holding_response(
        self,
        complaint_id: str,
        *,
        actor: str,
        method: ContactMethod,
        reasons: str,
        expected_by: datetime,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Explain why there is no decision yet and when it will come (DISP 1.6.2AR)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: HoldingResponseSent(
                at=now, actor=actor, method=method, reasons=reasons, expected_by=expected_by
            ),
            at,
        )

    def pause_clock(
        self,
        complaint_id: str,
        *,
        actor: str,
        reason: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Stop the internal SLA clock; refused when the policy does not allow pauses."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: ClockPaused(at=now, actor=actor, reason=reason),
            at,
        )

    def resume_clock(
        self,
        complaint_id: str,
        *,
        actor: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Restart the internal SLA clock."""
        return self._record(
            complaint_id, expected_version, lambda now: ClockResumed(at=now, actor=actor), at
        )

    # --- 7.7 decision, 7.8 communicating it ------------------------------------------------

    def decide(
        self,
        complaint_id: str,
        *,
        actor: str,
        outcome: Outcome,
        reasons: str,
        redress: Redress | None = None,
        approved_by: str | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record a decision with its reasons (7.7); ``approved_by`` is the second reviewer."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: DecisionMade(
                at=now,
                actor=actor,
                outcome=outcome,
                reasons=reasons,
                redress=redress,
                approved_by=approved_by,
            ),
            at,
        )

    def communicate_decision(
        self,
        complaint_id: str,
        *,
        actor: str,
        method: ContactMethod,
        recourse_explained: bool,
        message: str = "",
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Send the decision (7.8); say whether internal and external recourse was explained."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: DecisionCommunicated(
                at=now,
                actor=actor,
                method=method,
                recourse_explained=recourse_explained,
                message=message,
            ),
            at,
        )

    # --- 7.9 the complainant's reply, escalation, closing ----------------------------------

    def record_acceptance(
        self,
        complaint_id: str,
        *,
        actor: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The complainant accepted the decision (7.9)."""
        return self._record(
            complaint_id, expected_version, lambda now: ResponseAccepted(at=now, actor=actor), at
        )

    def record_rejection(
        self,
        complaint_id: str,
        *,
        actor: str,
        reason: str = "",
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The complainant rejected the decision (7.9)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: ResponseRejected(at=now, actor=actor, reason=reason),
            at,
        )

    def escalate(
        self,
        complaint_id: str,
        *,
        actor: str,
        reason: str,
        to: str,
        internal: bool = False,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Escalate to ``to`` (a team or level): after a rejection, or internally."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: Escalated(at=now, actor=actor, reason=reason, to=to, internal=internal),
            at,
        )

    def refer_externally(
        self,
        complaint_id: str,
        *,
        actor: str,
        body: str,
        reference: str | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record referral to external dispute resolution (an ombudsman; ISO 10003)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: ReferredExternally(at=now, actor=actor, body=body, reference=reference),
            at,
        )

    def close(
        self,
        complaint_id: str,
        *,
        actor: str,
        summary: str = "",
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Close the complaint (7.9): needs acceptance, or recourse explained."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: Closed(at=now, actor=actor, summary=summary),
            at,
        )

    def reopen(
        self,
        complaint_id: str,
        *,
        actor: str,
        reason: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Reopen a closed complaint within the policy's window."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: Reopened(at=now, actor=actor, reason=reason),
            at,
        )

    def withdraw(
        self,
        complaint_id: str,
        *,
        actor: str,
        reason: str = "",
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """The complainant withdrew the complaint."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: Withdrawn(at=now, actor=actor, reason=reason),
            at,
        )

    # --- 8.2, 8.3, 8.7: learning from the complaint ---------------------------------------

    def record_root_cause(
        self,
        complaint_id: str,
        *,
        actor: str,
        root_cause: RootCause,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record why the complaint arose (8.2; DISP 1.3.3R root-cause analysis)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: RootCauseRecorded(at=now, actor=actor, root_cause=root_cause),
            at,
        )

    def complete_action(
        self,
        complaint_id: str,
        *,
        actor: str,
        description: str,
        kind: ActionKind = ActionKind.REMEDY,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record an action carried out: a remedy, a corrective or a preventive action."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: ActionCompleted(at=now, actor=actor, description=description, kind=kind),
            at,
        )

    def offer_survey(
        self,
        complaint_id: str,
        *,
        actor: str,
        method: ContactMethod,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Offer a survey on the handling of the complaint (8.3)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: SurveyOffered(at=now, actor=actor, method=method),
            at,
        )

    def record_satisfaction(
        self,
        complaint_id: str,
        *,
        actor: str,
        score: int,
        comment: str | None = None,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record satisfaction with the complaints-handling process, 1 to 5 (8.3)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: SatisfactionRecorded(
                at=now, actor=actor, satisfaction=Satisfaction(score=score, comment=comment)
            ),
            at,
        )

    def add_note(
        self,
        complaint_id: str,
        *,
        actor: str,
        text: str,
        internal: bool = True,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Add a note to the file (``internal`` notes are not for the complainant)."""
        return self._record(
            complaint_id,
            expected_version,
            lambda now: NoteAdded(at=now, actor=actor, text=text, internal=internal),
            at,
        )

    def record_charge(
        self,
        complaint_id: str,
        *,
        actor: str,
        amount: Money,
        reason: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Record that the complainant was asked to pay something (ISO 10002 4.8 charges).

        Handling should be free to the complainant; the record keeps the fact so that the
        charges check in :mod:`iso10002.principles` reports it.

        Examples:
            >>> from decimal import Decimal
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import history_to
            >>> store = InMemoryStore()
            >>> c = store.create(history_to("acknowledged"))
            >>> ComplaintsDesk(store).record_charge(
            ...     c.id, actor="billing", amount=Money(Decimal("5.00"), "GBP"),
            ...     reason="postage for returned documents").charges
            (Money(amount=Decimal('5.00'), currency='GBP'),)
        """
        return self._record(
            complaint_id,
            expected_version,
            lambda now: ChargeRecorded(at=now, actor=actor, amount=amount, reason=reason),
            at,
        )

    def redact(
        self,
        complaint_id: str,
        *,
        actor: str,
        reason: str,
        force: bool = False,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Complaint:
        """Erase the complainant's personal data, keeping the record verifiable (4.10).

        Before the policy's retention date this is refused unless ``force=True``; a forced
        erasure is recorded as such, with its reason.

        Examples:
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import history_to
            >>> store = InMemoryStore()
            >>> c = store.create(history_to("closed"))
            >>> desk = ComplaintsDesk(store)
            >>> erased = desk.redact(c.id, actor="dpo:lee", reason="erasure request")
            >>> erased.complainant is None, erased.description
            (True, '[redacted]')
        """
        current = self._load(complaint_id, expected_version)
        self._authorize(actor, Redacted.lifecycle_event, current)
        now = self._now(at)
        retain_until = self.policy.retain_until(current) if self.policy is not None else None
        if retain_until is not None and now < retain_until and not force:
            raise TransitionNotAllowed(
                current.state.value,
                "redact",
                f"the record must be kept until {retain_until:%d %b %Y}; "
                "erase earlier only with force=True and a reason",
            )
        event = Redacted(at=now, actor=actor, reason=reason, forced=force)
        self._check(current, [event])
        return self.store.redact(complaint_id, event, expected_version=current.version)

    def overdue(
        self, at: datetime | None = None, *, query: ComplaintQuery = ComplaintQuery()
    ) -> Iterator[Overdue]:
        """Open complaints past their next deadline at ``at`` (default now), with the policy's view.

        A complaint is overdue when the next deadline the desk recorded for it (from
        ``policy.next_due``) is before ``at``: ``ComplaintQuery(overdue_at=at)``, narrowed by
        ``query``. With an :class:`~iso10002.sla.SlaPolicy`, each comes with its evaluation at
        ``at``, so every breached target can be explained; ``at`` may lie ahead, to see what
        will be overdue. Streamed from the store in receipt order.

        Examples:
            >>> from datetime import timedelta
            >>> from iso10002.sla import presets
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import START
            >>> from iso10002.clock import ManualClock
            >>> clock = ManualClock(START)
            >>> desk = ComplaintsDesk(InMemoryStore(), presets.get("fca.disp.standard"), clock)
            >>> c = desk.receive(actor="agent:ana", channel=Channel.PHONE, complainant=None,
            ...                  description="No answer for a week.",
            ...                  classification=Classification(product="mortgage"))
            >>> [(o.complaint.id == c.id, [t.name for t in o.breached])
            ...  for o in desk.overdue(at=START + timedelta(days=5))]
            [(True, ['acknowledge'])]
        """
        when = self.clock() if at is None else instant(at)  # bad input refused now, not later
        policy = self.policy if isinstance(self.policy, SlaPolicy) else None
        found = self.store.find(attrs.evolve(query, overdue_at=when))
        return (Overdue(c, None if policy is None else policy.evaluate(c, when)) for c in found)

    def past_retention(
        self, at: datetime | None = None, *, query: ComplaintQuery = ComplaintQuery()
    ) -> Iterator[Complaint]:
        """Complaints whose retention period is over at ``at`` (default now), not yet erased.

        The policy's ``retain_until(complaint)`` decides; a complaint it gives no date to is
        never listed, and without a policy nothing is. Each complaint listed may be erased
        with :meth:`redact` without ``force`` (4.10; UK GDPR Art. 5(1)(e), storage
        limitation). ``at`` may lie ahead, to plan erasures. Complaints are streamed from
        ``store.find(query)`` in receipt order, never all loaded at once; narrow ``query``
        (say, ``received_until``) when the policy allows, so fewer are read.

        Examples:
            >>> from datetime import timedelta
            >>> from iso10002.lifecycle import LifecycleRules
            >>> from iso10002.storage import InMemoryStore
            >>> from iso10002.testing.builders import START, history_to
            >>> class ThreeYears:  # a retention rule like the FCA's, from receipt
            ...     lifecycle_rules = LifecycleRules()
            ...     def next_due(self, complaint, at): return None
            ...     def retain_until(self, complaint):
            ...         return complaint.received_at + timedelta(days=3 * 365)
            >>> store = InMemoryStore()
            >>> _ = store.create(history_to("closed", "C-OLD"))
            >>> _ = store.create(history_to("closed", "C-NEW", at=START + timedelta(days=400)))
            >>> desk = ComplaintsDesk(store, ThreeYears())
            >>> [c.id for c in desk.past_retention(at=START + timedelta(days=1100))]
            ['C-OLD']
        """
        when = self.clock() if at is None else instant(at)
        policy = self.policy
        if policy is None:
            return iter(())

        def listing() -> Iterator[Complaint]:
            for complaint in self.store.find(query):
                if complaint.redacted_at is not None:
                    continue
                retain_until = policy.retain_until(complaint)
                if retain_until is not None and retain_until <= when:
                    yield complaint

        return listing()

    # --- the generic path ------------------------------------------------------------------

    def record(
        self, complaint_id: str, event: Event, *, expected_version: int | None = None
    ) -> Complaint:
        """Append a ready-made event (from an API payload or an import), fully validated.

        ``Received`` and ``Redacted`` have their own methods (:meth:`receive`,
        :meth:`redact`), because they create a record and erase data.
        """
        if isinstance(event, (Received, Redacted)):
            raise ValidationError(
                [f"event: use {'receive' if isinstance(event, Received) else 'redact'}()"]
            )
        self._now(event.at)
        current = self._load(complaint_id, expected_version)
        self._authorize(event.actor, event.lifecycle_event, current)
        return self._append(current, [event])

    # --- internals -------------------------------------------------------------------------

    def _now(self, at: datetime | None) -> datetime:
        now = self.clock()
        if at is None:
            return now
        at = instant(at)
        if at > now:
            raise ValidationError(
                [f"at: {at.isoformat()} is in the future (now is {now.isoformat()})"]
            )
        return at

    def _load(self, complaint_id: str, expected_version: int | None) -> Complaint:
        current = self.store.get(complaint_id)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrencyConflict(complaint_id, expected_version, current.version)
        return current

    def _check(self, current: Complaint, events: Sequence[Event]) -> Complaint:
        """Run each event through a lifecycle machine; the snapshot they lead to."""
        snapshot = current
        for event in events:
            transition(snapshot, event, self.rules, self.listeners)
            snapshot = apply(snapshot, [event], rules=self.rules)
        return snapshot

    def _append(self, current: Complaint, events: Sequence[Event]) -> Complaint:
        snapshot = self._check(current, events)
        return self.store.append(
            current.id,
            events,
            expected_version=current.version,
            next_due=self._next_due(snapshot),
        )

    def _next_due(self, snapshot: Complaint) -> datetime | None:
        if self.policy is None:
            return None
        return self.policy.next_due(snapshot, snapshot.last_event_at)

    def _record(
        self,
        complaint_id: str,
        expected_version: int | None,
        build: Callable[[datetime], Event],
        at: datetime | None,
    ) -> Complaint:
        return self._record_many(complaint_id, expected_version, lambda now: [build(now)], at)

    def _record_many(
        self,
        complaint_id: str,
        expected_version: int | None,
        build: Callable[[datetime], Sequence[Event]],
        at: datetime | None,
    ) -> Complaint:
        now = self._now(at)
        current = self._load(complaint_id, expected_version)
        events = build(now)
        for event in events:
            self._authorize(event.actor, event.lifecycle_event, current)
        return self._append(current, events)

    def _authorize(self, actor: str, action: str, complaint: Complaint | None) -> None:
        """Ask the access policy; record and raise a refusal before anything is decided."""
        if self.access(actor, action, complaint):
            return
        complaint_id = None if complaint is None else complaint.id
        try:
            self.refusals.record(AccessRefusal(self.clock(), actor, action, complaint_id))
        except Exception:  # the caller must still hear of the refusal, not of the log's failure
            _log.exception("could not record an access refusal")
        raise AccessDenied(actor, action, complaint_id)
