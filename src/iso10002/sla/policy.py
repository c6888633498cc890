"""SLA policies: named targets per stage, chosen per complaint, evaluated at an instant.

An :class:`SlaPolicy` holds a calendar, an ordered list of :class:`Target` s and the
lifecycle rules the desk needs (it satisfies :class:`iso10002.desk.DeskPolicy`). For each
target *name*, the first target whose :class:`Applies` selector matches the complaint's
type, severity, category or urgency is the one used, so a later re-assessment (a new
severity or type, an ``Assessed`` event) recalculates every target from the same history.

:meth:`SlaPolicy.evaluate` is a pure function of the snapshot and the instant: it reads the
complaint's dated facts (``acknowledged_at``, ``holding_response_at``, the first
communicated decision, ``communications``, ``closed_at``, ``pauses`` …), considers only
those at or before the instant, and never raises for a valid complaint.

Examples:
    >>> from datetime import timedelta
    >>> from iso10002.sla import presets
    >>> from iso10002.testing.builders import complaint_in
    >>> policy = presets.get("fca.disp.standard")
    >>> c = complaint_in("acknowledged")
    >>> ev = policy.evaluate(c, c.received_at + timedelta(days=2))
    >>> ev.get("final_response").state.value, ev.get("acknowledge").state.value
    ('pending', 'met')
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import Enum

import attrs

from iso10002._checks import instant
from iso10002.errors import ConfigurationError, Iso10002Error
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Complaint, Severity
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.clock import SlaClock
from iso10002.sla.durations import ClockKind, Duration, words_for

__all__ = [
    "Applies",
    "Confidence",
    "Milestone",
    "PolicySource",
    "SlaEvaluation",
    "SlaPolicy",
    "Stage",
    "Target",
    "TargetState",
    "TargetStatus",
]


class Stage(str, Enum):
    """The stage of handling a target is about."""

    ACKNOWLEDGE = "acknowledge"  # ISO 10002 7.4
    EARLY_RESOLUTION = "early_resolution"  # DISP 1.5, RG 271 5-business-day closure
    HOLDING_RESPONSE = "holding_response"  # DISP 1.6.2R(2), PSD2 Art. 101(2)
    FINAL_RESPONSE = "final_response"  # ISO 10002 7.7-7.8
    UPDATE = "update"  # ISO 10002 7.3; CPC updates at intervals
    REFERRAL_WINDOW = "referral_window"  # the complainant's window for an ombudsman
    RETENTION = "retention"  # how long the record must be kept


class TargetState(str, Enum):
    """Where a target stands at the instant of evaluation."""

    PENDING = "pending"
    AT_RISK = "at_risk"
    MET = "met"
    BREACHED = "breached"
    NOT_APPLICABLE = "not_applicable"


class Milestone(str, Enum):
    """A dated fact of a complaint that can meet a target."""

    ACKNOWLEDGEMENT = "acknowledgement"
    HOLDING_RESPONSE = "holding_response"
    FINAL_RESPONSE = "final_response"
    CLOSURE = "closure"


class Confidence(str, Enum):
    """How well a preset's figures are sourced (as the reference notes grade them)."""

    CONFIRMED = "confirmed"  # the regulator's own text
    SECONDARY = "secondary"  # a law firm's, trade body's or firm's paraphrase
    UNCONFIRMED = "unconfirmed"  # not verified in public material: check before relying


_DEFAULT_MET_BY = {
    Stage.ACKNOWLEDGE: (Milestone.ACKNOWLEDGEMENT,),
    Stage.EARLY_RESOLUTION: (Milestone.CLOSURE, Milestone.FINAL_RESPONSE),
    Stage.HOLDING_RESPONSE: (Milestone.HOLDING_RESPONSE, Milestone.FINAL_RESPONSE),
    Stage.FINAL_RESPONSE: (Milestone.FINAL_RESPONSE,),
}
# Stages that are deadlines on the organization: the others are windows or opportunities.
_DEADLINES = (Stage.ACKNOWLEDGE, Stage.HOLDING_RESPONSE, Stage.FINAL_RESPONSE, Stage.UPDATE)


def _tuple(value: Iterable[object] | None) -> tuple[object, ...]:
    return () if value is None else tuple(value)


@attrs.frozen
class Applies:
    """Which complaints a target applies to; an empty field matches anything.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("assessed")  # severity medium, type "standard"
        >>> Applies(severities=(Severity.HIGH, Severity.CRITICAL)).matches(c)
        False
        >>> Applies(complaint_types=("standard",)).matches(c)
        True
    """

    complaint_types: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    severities: tuple[Severity, ...] = attrs.field(default=(), converter=_tuple)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    urgent: bool | None = None

    def matches(self, complaint: Complaint) -> bool:
        """Whether ``complaint`` (as it stands now) is one of these."""
        if self.complaint_types and complaint.complaint_type not in self.complaint_types:
            return False
        if self.severities and complaint.severity not in self.severities:
            return False
        if self.categories and complaint.classification.category not in self.categories:
            return False
        return self.urgent is None or complaint.urgent is self.urgent

    def describe(self) -> str:
        """The selector in words ("" when it matches everything)."""
        parts = []
        if self.complaint_types:
            parts.append("type " + " or ".join(self.complaint_types))
        if self.severities:
            parts.append("severity " + " or ".join(s.value for s in self.severities))
        if self.categories:
            parts.append("category " + " or ".join(self.categories))
        if self.urgent is not None:
            parts.append("urgent" if self.urgent else "not urgent")
        return ", ".join(parts)


@attrs.frozen
class Target:
    """One named SLA target: a stage, a duration, and which complaints it applies to.

    ``met_by`` lists the milestones that meet it (default by stage: acknowledge by the
    acknowledgement; a holding response by a holding or final response; a final response
    by the first communicated decision; early resolution by closure or a final response).
    ``after_holding_response``: applies only once a holding response was sent (the 35
    business days of PSD2 Art. 101). ``waived_by_early_resolution``: not required when the
    early-resolution target was met (DISP 1.5.1R). ``rule`` cites the source clause.

    Examples:
        >>> from iso10002.sla.durations import Weeks
        >>> t = Target("final_response", Stage.FINAL_RESPONSE, Weeks(8), rule="DISP 1.6.2R")
        >>> t.deadline, [m.value for m in t.milestones]
        (True, ['final_response'])
    """

    name: str
    stage: Stage
    duration: Duration
    applies: Applies = Applies()
    met_by: tuple[Milestone, ...] | None = None
    after_holding_response: bool = False
    waived_by_early_resolution: bool = False
    rule: str = ""
    confidence: Confidence | None = None
    note: str = ""

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.stage, Stage):
            raise ConfigurationError(f"target {self.name!r}: stage must be a Stage")
        if not self.name.strip():
            raise ConfigurationError("a target needs a name")

    @property
    def milestones(self) -> tuple[Milestone, ...]:
        """The milestones that meet this target."""
        if self.met_by is not None:
            return self.met_by
        return _DEFAULT_MET_BY.get(self.stage, ())

    @property
    def deadline(self) -> bool:
        """Whether this is a deadline on the organization (it can be at risk or overdue)."""
        return self.stage in _DEADLINES  # a tuple: no Enum hash, which runs in Python


@attrs.frozen
class PolicySource:
    """Where a policy's figures come from, so a host can audit them.

    Examples:
        >>> PolicySource("custom", "Our service standard", (), None, Confidence.CONFIRMED).id
        'custom'
    """

    id: str
    title: str
    urls: tuple[str, ...]
    effective: date | None
    confidence: Confidence
    notes: tuple[str, ...] = ()


@attrs.frozen
class TargetStatus:
    """One target of one complaint at one instant.

    ``remaining`` is measured on the target's own clock (business time for business-day
    and business-hour targets, elapsed time otherwise) and is negative once overdue;
    ``share_used`` is the share of the budget used (above 1 once late).
    """

    name: str
    stage: Stage
    state: TargetState
    due: datetime | None
    met_at: datetime | None
    remaining: timedelta | None
    share_used: float | None
    explanation: str
    deadline: bool = True
    anchor: datetime | None = None
    rule: str = ""


@attrs.frozen
class SlaEvaluation:
    """Every applicable target of a complaint at an instant.

    Examples:
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("received")
        >>> ev = presets.get("fca.disp.standard").evaluate(c, c.received_at)
        >>> ev.get(Stage.FINAL_RESPONSE).name, ev.breached
        ('final_response', ())
    """

    complaint_id: str
    at: datetime
    policy: str
    targets: tuple[TargetStatus, ...]

    def get(self, key: str | Stage) -> TargetStatus | None:
        """The target named ``key``, or the first applicable one of stage ``key``."""
        for status in self.targets:
            if status.name == key:
                return status
        try:
            stage = Stage(key)
        except ValueError:
            return None
        of_stage = [s for s in self.targets if s.stage is stage]
        live = [s for s in of_stage if s.state is not TargetState.NOT_APPLICABLE]
        chosen = live or of_stage
        return chosen[0] if chosen else None

    @property
    def breached(self) -> tuple[TargetStatus, ...]:
        """The targets breached (missed, or met late)."""
        return tuple(s for s in self.targets if s.state is TargetState.BREACHED)

    @property
    def at_risk(self) -> tuple[TargetStatus, ...]:
        """The targets pending with most of their budget used."""
        return tuple(s for s in self.targets if s.state is TargetState.AT_RISK)

    @property
    def next_due(self) -> datetime | None:
        """The earliest unmet deadline (overdue ones included), or ``None``."""
        dues = [
            s.due
            for s in self.targets
            if s.deadline
            and s.due is not None
            and s.state in (TargetState.PENDING, TargetState.AT_RISK, TargetState.BREACHED)
            and s.met_at is None
        ]
        return min(dues) if dues else None


_MAX_CHOICES = 4096  # cached target selections per policy


def _share(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ConfigurationError(f"at_risk_share: expected a share in (0, 1], got {value!r}")
    return float(value)


def _targets(value: Iterable[Target]) -> tuple[Target, ...]:
    targets = tuple(value)
    stages: dict[str, Stage] = {}
    for target in targets:
        if not isinstance(target, Target):
            raise ConfigurationError(f"targets: expected Target records, got {target!r}")
        if stages.setdefault(target.name, target.stage) is not target.stage:
            raise ConfigurationError(f"targets named {target.name!r} must share one stage")
    return targets


@attrs.frozen
class SlaPolicy:
    """Named SLA targets on a calendar, with the lifecycle rules and retention that go with them.

    Satisfies :class:`iso10002.desk.DeskPolicy` (``lifecycle_rules``, ``next_due``,
    ``retain_until``). ``at_risk_share``: a pending deadline is *at risk* once this share of
    its budget is used (default 0.8). ``retention``: how long after receipt the record must
    be kept. ``source``: where the figures come from (presets fill it in).

    Examples:
        >>> from iso10002.sla.durations import BusinessDays, Years
        >>> policy = SlaPolicy(
        ...     "internal",
        ...     BusinessCalendar.weekdays("Europe/London"),
        ...     (Target("acknowledge", Stage.ACKNOWLEDGE, BusinessDays(1, at_close=True)),),
        ...     retention=Years(6),
        ... )
        >>> policy.lifecycle_rules.clock_pausable
        True
    """

    name: str
    calendar: BusinessCalendar
    targets: tuple[Target, ...] = attrs.field(converter=_targets)
    at_risk_share: float = attrs.field(default=0.8, converter=_share)
    lifecycle_rules: LifecycleRules = LifecycleRules()
    retention: Duration | None = None
    source: PolicySource | None = None
    # Prepared once per policy, for bulk evaluation: the clock of a complaint without
    # pauses (every complaint under a regulatory preset), and the targets chosen per
    # (type, severity, category, urgency), which is all a plain Applies selector reads.
    # Each target is compiled into a Plan (its deadlines in microseconds, remembered per
    # date where only the date matters), and the stages asked for are filtered once per
    # (plans, stages).
    _steady_clock: SlaClock = attrs.field(init=False, eq=False, hash=False, repr=False)
    _plans: tuple[Plan, ...] = attrs.field(init=False, eq=False, hash=False, repr=False)
    _chosen: dict[tuple[object, ...], tuple[Plan, ...]] | None = attrs.field(
        init=False, eq=False, hash=False, repr=False
    )
    _selected: dict[
        tuple[tuple[Plan, ...], frozenset[Stage] | None], tuple[tuple[Plan, ...], bool]
    ] = attrs.field(init=False, eq=False, hash=False, repr=False, factory=dict)

    @_steady_clock.default
    def _prepare_clock(self) -> SlaClock:
        return SlaClock(self.calendar, (), self.lifecycle_rules.clock_pausable)

    @_plans.default
    def _prepare_plans(self) -> tuple[Plan, ...]:
        return tuple(Plan(target) for target in self.targets)

    @_chosen.default
    def _prepare_choices(self) -> dict[tuple[object, ...], tuple[Plan, ...]] | None:
        # A host's own Applies subclass may read other fields: choose afresh every time.
        plain = all(type(target.applies) is Applies for target in self.targets)
        return {} if plain else None

    def targets_for(self, complaint: Complaint) -> tuple[Target, ...]:
        """For each target name, the first target whose selector matches ``complaint``.

        Examples:
            >>> from iso10002.sla import presets
            >>> from iso10002.testing.builders import complaint_in
            >>> policy = presets.get("fca.disp.standard")
            >>> [t.name for t in policy.targets_for(complaint_in("received"))]
            ['acknowledge', 'early_resolution', 'final_response', 'referral_window']
        """
        return tuple(plan.target for plan in self._plans_for(complaint))

    def _plans_for(self, complaint: Complaint) -> tuple[Plan, ...]:
        memo = self._chosen
        if memo is None:
            return self._choose(complaint)
        key = (
            complaint.complaint_type,
            complaint.severity,
            complaint.classification.category,
            complaint.urgent,
        )
        found = memo.get(key)
        if found is None:
            if len(memo) >= _MAX_CHOICES:  # a host with endless categories: start again
                memo.clear()
            found = memo[key] = self._choose(complaint)
        return found

    def _choose(self, complaint: Complaint) -> tuple[Plan, ...]:
        chosen: dict[str, Plan] = {}
        for plan in self._plans:
            target = plan.target
            if target.name not in chosen and target.applies.matches(complaint):
                chosen[target.name] = plan
        return tuple(chosen.values())

    def _select(
        self, plans: tuple[Plan, ...], wanted: frozenset[Stage] | None
    ) -> tuple[tuple[Plan, ...], bool]:
        """The plans of the ``wanted`` stages, and whether retention is wanted too."""
        key = (plans, wanted)
        found = self._selected.get(key)
        if found is None:
            found = (
                tuple(p for p in plans if wanted is None or p.stage in wanted),
                self.retention is not None and (wanted is None or Stage.RETENTION in wanted),
            )
            if len(self._selected) >= _MAX_CHOICES:
                self._selected.clear()
            self._selected[key] = found
        return found

    def clock_for(self, complaint: Complaint) -> SlaClock:
        """The complaint's SLA clock: its pauses when the policy allows pauses, else none."""
        if not complaint.pauses or not self._steady_clock.pausable:
            return self._steady_clock
        return SlaClock.for_complaint(self.calendar, complaint, pausable=True)

    def evaluate(
        self,
        complaint: Complaint,
        at: datetime,
        *,
        explain: bool = True,
        stages: Iterable[Stage] | None = None,
    ) -> SlaEvaluation:
        """Every applicable target of ``complaint`` at ``at`` (``explain=False``: no words).

        ``stages`` limits the evaluation to targets of those stages, for bulk checks that
        need one (the other targets still inform it: a met early resolution waives a
        final response all the same).

        Examples:
            >>> from datetime import timedelta
            >>> from iso10002.sla import presets
            >>> from iso10002.testing.builders import complaint_in
            >>> c = complaint_in("received")
            >>> policy = presets.get("fca.disp.standard")
            >>> ev = policy.evaluate(c, c.received_at + timedelta(days=60))
            >>> [s.name for s in ev.breached]
            ['acknowledge', 'final_response']
            >>> later = c.received_at + timedelta(days=60)
            >>> [s.name for s in policy.evaluate(c, later, stages=[Stage.ACKNOWLEDGE]).targets]
            ['acknowledge']
        """
        at = instant(at)
        plans = self._plans_for(complaint)
        selected, retention = self._select(plans, None if stages is None else frozenset(stages))
        evaluator = Evaluator(self, complaint, at, explain, plans)
        statuses = [evaluator.status(plan) for plan in selected]
        if retention and self.retention is not None:
            statuses.append(evaluator.retention(self.retention))
        return SlaEvaluation(complaint.id, at, self.name, tuple(statuses))

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        """The earliest unmet deadline of ``complaint`` at ``at``, overdue ones included.

        The stores index it, so "overdue at T" is ``next_due < T``.
        """
        return self.evaluate(complaint, at, explain=False).next_due

    def retain_until(self, complaint: Complaint) -> datetime | None:
        """When the record may be erased at the earliest (``None``: no retention rule).

        Examples:
            >>> from iso10002.sla import presets
            >>> from iso10002.testing.builders import complaint_in
            >>> presets.get("fca.disp.standard").retain_until(complaint_in("closed")).date()
            datetime.date(2029, 1, 5)
        """
        if self.retention is None:
            return None
        try:
            return self.retention.due(self.calendar, complaint.received_at)
        except Iso10002Error:
            return None


def span_words(amount: timedelta, clock: ClockKind) -> str:
    """A remaining or overdue span in words, on the target's clock.

    Examples:
        >>> span_words(timedelta(hours=3, minutes=20), ClockKind.BUSINESS)
        '3 business hours 20 minutes'
        >>> span_words(timedelta(days=12, hours=3), ClockKind.ELAPSED)
        '12 days 3 hours'
    """
    if clock is ClockKind.BUSINESS:
        return words_for(amount, "business")
    if abs(amount) < timedelta(days=2):
        return words_for(amount)
    days = abs(amount).days
    hours = abs(amount).seconds // 3600
    sign = "minus " if amount < timedelta(0) else ""
    return f"{sign}{days} days" + (f" {hours} hour{'s' if hours != 1 else ''}" if hours else "")


# The evaluator reads the names above; importing it last lets both modules see each other.
from iso10002.sla._evaluate import Evaluator, Plan  # noqa: E402
