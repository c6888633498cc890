"""The complaint lifecycle of ISO 10002 clause 7, declared once.

:class:`ComplaintLifecycle` is a python-statemachine ``StateChart`` and the single
declaration of states, transitions and guards. Everything else is derived from it:

* :data:`TRANSITIONS`, a table compiled from the class at import, answers "may this
  complaint take this event now?" in about a microsecond, using the *same* guard functions,
  for bulk paths (replay, listings, metrics) where building a machine per record would cost
  hundreds of microseconds and ~24 KiB each;
* :func:`transition` builds one machine for one interactive change, so host listeners (audit,
  notifications, signals) see it through the state machine's callback pipeline;
* :func:`diagram` renders the class for the docs.

Guards come in two kinds, as in python-statemachine: *conditions* (``cond=``) read the
complaint, the instant and the :class:`LifecycleRules`; *validators* also read the proposed
event and explain a refusal. A refusal is always :class:`~iso10002.errors.TransitionNotAllowed`
naming the state, the event and the reason.

Examples:
    >>> TRANSITIONS.target(ComplaintState.RECEIVED, "acknowledge")
    <ComplaintState.ACKNOWLEDGED: 'acknowledged'>
    >>> "close" in TRANSITIONS.events_from(ComplaintState.RECEIVED)
    False
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs
from statemachine import State, StateChart
from statemachine import exceptions as sm_exceptions
from statemachine.transition_list import TransitionList

from iso10002.errors import TransitionNotAllowed
from iso10002.events import (
    Assigned,
    DecisionMade,
    Event,
    HoldingResponseSent,
    InvestigationStarted,
)
from iso10002.model import ComplaintFacts, ComplaintState, Outcome

__all__ = [
    "TRANSITIONS",
    "ComplaintLifecycle",
    "LifecycleRules",
    "TransitionRule",
    "TransitionTable",
    "diagram",
    "rules_table",
    "state_diagram",
    "transition",
]


@attrs.frozen
class LifecycleRules:
    """The policy settings the lifecycle's guards read.

    ``reopen_window``: how long after closure a complaint may be reopened (``None``: no
    limit). ``clock_pausable``: whether the SLA clock may be paused; regulatory presets say
    no, because their deadlines run without pause.

    Examples:
        >>> LifecycleRules(reopen_window=timedelta(days=28)).clock_pausable
        True
    """

    reopen_window: timedelta | None = None
    clock_pausable: bool = True


class Refused(Exception):
    """Raised by a validator with the reason a person should read."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Condition = Callable[[ComplaintFacts, datetime, LifecycleRules], bool]
Validator = Callable[[ComplaintFacts, Event, LifecycleRules], None]
C = TypeVar("C", bound=Callable[..., Any])


def _refusal(reason: str) -> Callable[[C], C]:
    """Attach the sentence shown when a condition is false."""

    def mark(func: C) -> C:
        func.refusal = reason  # type: ignore[attr-defined]
        return func

    return mark


# --- Conditions: (complaint, at, rules) -> bool ------------------------------------------


@_refusal("severity is not assessed yet (ISO 10002 7.5)")
def severity_assessed(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """The initial assessment gave a severity (7.5)."""
    return complaint.severity is not None


@_refusal("the complaint has no category yet; assess it first (ISO 10002 7.5)")
def category_known(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """The complaint is categorised, so it can be routed and analysed (7.5, 8.2)."""
    return complaint.classification.category is not None


@_refusal("no decision awaits communication; make a decision first (ISO 10002 7.7)")
def decision_pending(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """A decision has been made and not yet communicated."""
    decision = complaint.decision
    return decision is not None and decision.communicated_at is None


@_refusal("no communicated decision awaits the complainant's reply")
def awaiting_reply(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """The latest decision was communicated and neither accepted nor rejected yet."""
    decision = complaint.decision
    return decision is not None and decision.awaiting_reply


@_refusal(
    "closing needs the decision communicated and either the complainant's acceptance "
    "or an explanation of internal and external recourse (ISO 10002 7.9)"
)
def may_close(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """The decision was communicated, and accepted or its recourse explained (7.9)."""
    decision = complaint.decision
    return (
        decision is not None
        and decision.communicated_at is not None
        and (decision.accepted_at is not None or decision.recourse_explained)
    )


@_refusal("the policy's reopen window has passed since the complaint was closed")
def within_reopen_window(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """Closed recently enough to reopen, by the policy's window."""
    if rules.reopen_window is None or complaint.closed_at is None:
        return True
    return at - complaint.closed_at <= rules.reopen_window


@_refusal("the SLA policy does not allow its clock to be paused (regulatory deadlines run on)")
def clock_pausable(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """The policy allows pauses (internal policies only)."""
    return rules.clock_pausable


@_refusal("the SLA clock is already paused")
def clock_running(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """No pause is in progress."""
    return not complaint.clock_paused


@_refusal("the SLA clock is not paused")
def clock_paused(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """A pause is in progress."""
    return complaint.clock_paused


@_refusal("the personal data has already been erased")
def not_redacted(complaint: ComplaintFacts, at: datetime, rules: LifecycleRules) -> bool:
    """Personal data is still held."""
    return complaint.redacted_at is None


# --- Validators: (complaint, event, rules) -> None, raising Refused ------------------------


def _objective(person: str, complaint: ComplaintFacts, role: str) -> None:
    if person in complaint.persons_complained_about:
        raise Refused(
            f"{person!r} is named in the complaint and cannot be its {role} "
            "(objectivity, ISO 10002 4.7)"
        )


def objective_investigator(complaint: ComplaintFacts, change: Event, rules: LifecycleRules) -> None:
    """The investigator is not a person the complaint is about (4.7)."""
    if isinstance(change, InvestigationStarted):
        _objective(change.investigator, complaint, "investigator")


def objective_assignee(complaint: ComplaintFacts, change: Event, rules: LifecycleRules) -> None:
    """The new owner is not a person the complaint is about (4.7)."""
    if isinstance(change, Assigned):
        _objective(change.assignee, complaint, "handler")


def reasoned_decision(complaint: ComplaintFacts, change: Event, rules: LifecycleRules) -> None:
    """A decision states its reasons (7.8) and is made by someone objective (4.7)."""
    if isinstance(change, DecisionMade):
        if not change.reasons.strip():
            raise Refused("a decision needs its reasons (ISO 10002 7.8)")
        if change.outcome is Outcome.WITHDRAWN:
            raise Refused("a withdrawal is recorded with withdraw, not as a decision")
        _objective(change.actor, complaint, "decision maker")
        if change.approved_by is not None:
            _objective(change.approved_by, complaint, "approver")


def credible_holding_response(
    complaint: ComplaintFacts, change: Event, rules: LifecycleRules
) -> None:
    """A holding response promises a date after it is sent."""
    if isinstance(change, HoldingResponseSent) and change.expected_by <= change.at:
        raise Refused("a holding response must promise a date after it is sent")


# --- The declaration ----------------------------------------------------------------------


def _stay(*states: State, **kwargs: Any) -> TransitionList:
    """Self-transitions on each state: the event is recorded and the state stays."""
    transitions: TransitionList = states[0].to.itself(**kwargs)  # type: ignore[no-untyped-call]
    for state in states[1:]:
        transitions = transitions | state.to.itself(**kwargs)  # type: ignore[no-untyped-call]
    return transitions


def _to(target: State, *sources: State, **kwargs: Any) -> TransitionList:
    """Transitions from each source to ``target``."""
    transitions: TransitionList = sources[0].to(target, **kwargs)
    for source in sources[1:]:
        transitions = transitions | source.to(target, **kwargs)
    return transitions


class ComplaintLifecycle(StateChart["_Slot"]):
    """States, transitions and guards of a complaint (ISO 10002 clause 7).

    Events carry keyword arguments ``complaint`` (the snapshot before the event), ``at``,
    ``rules`` (:class:`LifecycleRules`) and ``change`` (the proposed event). Guards read only
    these, never the bound model, so the compiled :data:`TRANSITIONS` table and a machine
    instance always agree.

    Examples:
        >>> sorted(s.id for s in ComplaintLifecycle.states_map.values())[:3]
        ['acknowledged', 'assessed', 'closed']
    """

    allow_event_without_transition = False
    catch_errors_as_events = False
    atomic_configuration_update = True
    enable_self_transition_entries = False

    new = State("New", value="new", initial=True)
    received = State("Received", value="received")
    acknowledged = State("Acknowledged", value="acknowledged")
    assessed = State("Assessed", value="assessed")
    investigating = State("Investigating", value="investigating")
    responded = State("Responded", value="responded")
    escalated = State("Escalated", value="escalated")
    referred = State("Referred", value="referred")
    closed = State("Closed", value="closed")
    withdrawn = State("Withdrawn", value="withdrawn")

    # 7.2 receipt, 7.4 acknowledgement, 7.5 initial assessment (and re-assessment later).
    receive = new.to(received)
    acknowledge = received.to(acknowledged)
    assess = acknowledged.to(assessed) | _stay(assessed, investigating, escalated)
    # 7.6 investigation: assessed and categorised, by someone not complained about (4.7).
    start_investigation = _to(
        investigating,
        assessed,
        escalated,
        cond=[severity_assessed, category_known],
        validators=[objective_investigator],
    )
    # 7.7 decision with reasons; 7.8 communicating it.
    decide = _stay(investigating, escalated, validators=[reasoned_decision])
    communicate_decision = _to(responded, investigating, escalated, cond=[decision_pending])
    # 7.9 the complainant's reply, escalation, external referral, closing.
    accept = _stay(responded, cond=[awaiting_reply])
    reject = _stay(responded, cond=[awaiting_reply])
    escalate = _to(escalated, assessed, investigating, responded)
    refer_externally = _to(
        referred, received, acknowledged, assessed, investigating, responded, escalated, closed
    )
    close = responded.to(closed, cond=[may_close]) | referred.to(closed)
    reopen = closed.to(investigating, cond=[within_reopen_window])
    withdraw = _to(
        withdrawn, received, acknowledged, assessed, investigating, responded, escalated, referred
    )
    # Tracking and communication (7.1, 7.3), ownership (4.12), internal SLA pauses.
    assign = _stay(
        received,
        acknowledged,
        assessed,
        investigating,
        responded,
        escalated,
        referred,
        validators=[objective_assignee],
    )
    record_progress = _stay(
        received, acknowledged, assessed, investigating, responded, escalated, referred
    )
    send_holding_response = _stay(
        acknowledged, assessed, investigating, escalated, validators=[credible_holding_response]
    )
    pause_clock = _stay(
        received,
        acknowledged,
        assessed,
        investigating,
        escalated,
        cond=[clock_pausable, clock_running],
    )
    resume_clock = _stay(
        received, acknowledged, assessed, investigating, escalated, cond=[clock_paused]
    )
    # Learning from the complaint (8.2, 8.3, 8.7) and the record itself (4.9, 4.10).
    record_root_cause = _stay(investigating, responded, escalated, referred, closed)
    complete_action = _stay(investigating, responded, escalated, referred, closed)
    offer_survey = _stay(closed, withdrawn)
    record_satisfaction = _stay(closed, withdrawn)
    add_note = _stay(
        received,
        acknowledged,
        assessed,
        investigating,
        responded,
        escalated,
        referred,
        closed,
        withdrawn,
    )
    redact = _stay(
        received,
        acknowledged,
        assessed,
        investigating,
        responded,
        escalated,
        referred,
        closed,
        withdrawn,
        cond=[not_redacted],
    )
    # A charge to the complainant is recorded whenever it happens, so the charges check
    # (ISO 10002 4.8) can see it; refusing the fact would only hide it.
    record_charge = _stay(
        received,
        acknowledged,
        assessed,
        investigating,
        responded,
        escalated,
        referred,
        closed,
        withdrawn,
    )


# --- The compiled table -------------------------------------------------------------------


@attrs.frozen
class TransitionRule:
    """One transition of :class:`ComplaintLifecycle`, read from the class."""

    source: ComplaintState
    event: str
    target: ComplaintState
    conditions: tuple[Condition, ...]
    validators: tuple[Validator, ...]


class TransitionTable:
    """The lifecycle as a lookup table compiled from :class:`ComplaintLifecycle`.

    Holds no state of its own: one instance (:data:`TRANSITIONS`) serves every complaint.

    Examples:
        >>> rule = TRANSITIONS.rule(ComplaintState.RESPONDED, "close")
        >>> rule.target.value, [c.__name__ for c in rule.conditions]
        ('closed', ['may_close'])
    """

    def __init__(self, rules: Iterable[TransitionRule]) -> None:
        self._rules: dict[tuple[ComplaintState, str], TransitionRule] = {}
        by_state: dict[ComplaintState, list[TransitionRule]] = {}
        for rule in rules:
            key = (rule.source, rule.event)
            if key in self._rules:
                raise ValueError(f"two transitions for {rule.event!r} from {rule.source.value!r}")
            self._rules[key] = rule
            by_state.setdefault(rule.source, []).append(rule)
        self._by_state = {state: tuple(rules) for state, rules in by_state.items()}
        # Per state, (event, conditions) pairs: the hot loop of allowed_events.
        self._plans = {
            state: tuple((rule.event, rule.conditions) for rule in rules)
            for state, rules in self._by_state.items()
        }
        self.events: tuple[str, ...] = tuple(
            dict.fromkeys(rule.event for rule in self._rules.values())
        )

    @classmethod
    def from_class(cls, chart: type[StateChart[Any]]) -> TransitionTable:
        """Compile the table from a python-statemachine class.

        Reads each transition's events, target, ``cond``/``unless`` callables and
        validators. Only callables are accepted as guards, so the table calls exactly the
        functions the machine calls.
        """
        rules: list[TransitionRule] = []
        for state in chart.states_map.values():
            for t in state.transitions:
                conditions: list[Condition] = []
                for spec in t.cond:
                    if not callable(spec.func) or spec.expected_value is not True:
                        raise TypeError(
                            f"guard {spec.func!r} on {state.id}: declare guards as functions "
                            "in cond=, so the compiled table can call them"
                        )
                    conditions.append(spec.func)
                validators: list[Validator] = [spec.func for spec in t.validators]
                if not all(callable(validator) for validator in validators):
                    raise TypeError(f"validators on {state.id} must be functions")
                rules.extend(
                    TransitionRule(
                        source=ComplaintState(state.value),
                        event=event.id,
                        target=ComplaintState(t.target.value),
                        conditions=tuple(conditions),
                        validators=tuple(validators),
                    )
                    for event in t.events
                )
        return cls(rules)

    def rule(self, state: ComplaintState, event: str) -> TransitionRule:
        """The transition for ``event`` from ``state``; raises if there is none."""
        try:
            return self._rules[(state, event)]
        except KeyError:
            reason = self._no_transition(self.events_from(state))
            raise TransitionNotAllowed(state.value, event, reason) from None

    def target(self, state: ComplaintState, event: str) -> ComplaintState:
        """Where ``event`` leads from ``state``, without checking guards."""
        return self.rule(state, event).target

    def events_from(self, state: ComplaintState) -> tuple[str, ...]:
        """Events declared from ``state``, whatever their guards say."""
        return tuple(rule.event for rule in self._by_state.get(state, ()))

    def allowed_events(
        self, complaint: ComplaintFacts, at: datetime, rules: LifecycleRules = LifecycleRules()
    ) -> tuple[str, ...]:
        """Events whose conditions hold for ``complaint`` at ``at``.

        Validators depend on the proposed event, so they are not consulted here: an event
        listed may still be refused for its payload (an investigator named in the complaint).

        Examples:
            >>> from iso10002.testing.builders import complaint_in
            >>> c = complaint_in("closed")
            >>> TRANSITIONS.allowed_events(c, c.last_event_at)[:4]
            ('refer_externally', 'reopen', 'record_root_cause', 'complete_action')
        """
        allowed = []
        for event, conditions in self._plans.get(complaint.state, ()):
            for condition in conditions:
                if not condition(complaint, at, rules):
                    break
            else:
                allowed.append(event)
        return tuple(allowed)

    def check(
        self,
        complaint: ComplaintFacts | None,
        change: Event,
        rules: LifecycleRules = LifecycleRules(),
    ) -> ComplaintState:
        """The state after ``change``, or :class:`TransitionNotAllowed` with the reason.

        Validators run before conditions, as in python-statemachine, so both paths report
        the same reason.
        """
        state = ComplaintState.NEW if complaint is None else complaint.state
        rule = self._rules.get((state, change.lifecycle_event))
        if rule is None:
            reason = self.refusal(complaint, change.lifecycle_event, change.at, rules)
            raise TransitionNotAllowed(state.value, change.lifecycle_event, reason)
        if complaint is not None:
            try:
                for validator in rule.validators:
                    validator(complaint, change, rules)
            except Refused as refused:
                raise TransitionNotAllowed(state.value, rule.event, refused.reason) from None
            for condition in rule.conditions:
                if not condition(complaint, change.at, rules):
                    raise TransitionNotAllowed(state.value, rule.event, _reason(condition))
        return rule.target

    def refusal(
        self, complaint: ComplaintFacts | None, event: str, at: datetime, rules: LifecycleRules
    ) -> str:
        """Why ``event`` cannot happen to ``complaint`` at ``at`` (ignoring validators).

        Examples:
            >>> from iso10002.testing.builders import complaint_in
            >>> c = complaint_in("received")
            >>> TRANSITIONS.refusal(c, "close", c.last_event_at, LifecycleRules())[:34]
            'it is not allowed from this state '
        """
        state = ComplaintState.NEW if complaint is None else complaint.state
        rule = self._rules.get((state, event))
        if rule is None or complaint is None:
            possible = (
                self.events_from(state)
                if complaint is None
                else self.allowed_events(complaint, at, rules)
            )
            return self._no_transition(possible)
        for condition in rule.conditions:
            if not condition(complaint, at, rules):
                return _reason(condition)
        return "a guard refused it"

    @staticmethod
    def _no_transition(possible: Iterable[str]) -> str:
        listed = ", ".join(possible) or "nothing"
        return f"it is not allowed from this state (possible now: {listed})"


def _reason(condition: Callable[..., Any]) -> str:
    return str(getattr(condition, "refusal", condition.__name__.replace("_", " ")))


TRANSITIONS = TransitionTable.from_class(ComplaintLifecycle)
"""The compiled lifecycle, shared by every bulk path."""


# --- The interactive path -----------------------------------------------------------------


class _Slot:
    """What a machine is bound to for one transition: only the state value."""

    def __init__(self, state: str) -> None:
        self.state = state


def transition(
    complaint: ComplaintFacts | None,
    change: Event,
    rules: LifecycleRules = LifecycleRules(),
    listeners: Sequence[object] = (),
) -> ComplaintState:
    """Run one change through a :class:`ComplaintLifecycle` machine; return the new state.

    Builds a machine for this one transition (never for bulk work), so ``listeners`` get
    python-statemachine's callbacks (``after_transition``, ``on_enter_<state>`` …) with the
    keyword arguments ``complaint``, ``change``, ``at`` and ``rules``.

    Examples:
        >>> from iso10002.testing.builders import complaint_in, event_for
        >>> c = complaint_in("received")
        >>> transition(c, event_for(c, "acknowledge")).value
        'acknowledged'
    """
    state = ComplaintState.NEW if complaint is None else complaint.state
    slot = _Slot(state.value)
    machine = ComplaintLifecycle(model=slot, listeners=list(listeners))
    event = change.lifecycle_event
    try:
        machine.send(event, complaint=complaint, change=change, at=change.at, rules=rules)
    except Refused as refused:
        raise TransitionNotAllowed(state.value, event, refused.reason) from None
    except sm_exceptions.TransitionNotAllowed:
        reason = TRANSITIONS.refusal(complaint, event, change.at, rules)
        raise TransitionNotAllowed(state.value, event, reason) from None
    return ComplaintState(slot.state)


def diagram(kind: str = "mermaid") -> str:
    """Render the lifecycle from the class: ``"mermaid"`` (a state diagram) or ``"md"`` (a table).

    Examples:
        >>> diagram("mermaid").splitlines()[0]
        'stateDiagram-v2'
    """
    if kind not in ("mermaid", "md", "rst"):
        raise ValueError(f"unknown diagram kind {kind!r}; use 'mermaid', 'md' or 'rst'")
    return format(ComplaintLifecycle, kind)


def state_diagram() -> str:
    """A Mermaid state diagram of the transitions that change state, with their guards.

    Self-transitions (notes, assignment, progress updates…) are left out for legibility;
    :func:`rules_table` lists every transition.

    Examples:
        >>> print(state_diagram().splitlines()[2])
            [*] --> received : receive
    """
    lines = ["stateDiagram-v2", "    direction LR", "    [*] --> received : receive"]
    for state in ComplaintState:
        for event in TRANSITIONS.events_from(state):
            rule = TRANSITIONS.rule(state, event)
            if state is ComplaintState.NEW or rule.target is state:
                continue
            guards = ", ".join(c.__name__ for c in rule.conditions)
            label = f"{event} [{guards}]" if guards else event
            lines.append(f"    {state.value} --> {rule.target.value} : {label}")
    return "\n".join(lines)


def rules_table() -> str:
    """A Markdown table of every transition: event, source, target, conditions, validators.

    Examples:
        >>> rules_table().splitlines()[0]
        '| Event | From | To | Conditions | Validators |'
    """
    rows = ["| Event | From | To | Conditions | Validators |", "|---|---|---|---|---|"]
    for event in TRANSITIONS.events:
        for state in ComplaintState:
            if event not in TRANSITIONS.events_from(state):
                continue
            rule = TRANSITIONS.rule(state, event)
            conditions = ", ".join(f"`{c.__name__}`" for c in rule.conditions)
            validators = ", ".join(f"`{v.__name__}`" for v in rule.validators)
            target = "(stays)" if rule.target is state else rule.target.value
            rows.append(f"| `{event}` | {state.value} | {target} | {conditions} | {validators} |")
    return "\n".join(rows)
