"""How :meth:`SlaPolicy.evaluate <iso10002.sla.policy.SlaPolicy.evaluate>` judges one target.

One :class:`Evaluator` per (complaint, instant): it reads only facts dated at or before the
instant, so evaluating at an earlier instant replays what was known then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from iso10002.errors import Iso10002Error
from iso10002.model import Complaint
from iso10002.sla._engine import DAY_NAMES, MONTH_NAMES, from_micros, to_micros
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.durations import (
    BusinessDays,
    CalendarDays,
    ClockKind,
    Duration,
    LaterOf,
    Months,
    Weeks,
)
from iso10002.sla.policy import (
    Milestone,
    SlaPolicy,
    Stage,
    Target,
    TargetState,
    TargetStatus,
    span_words,
)

__all__ = ["Evaluator", "Plan", "when"]

_UTC = timezone.utc
_MAX_DUES = 1 << 14  # deadlines remembered per target, by local date of the anchor


# Enum members bound once: looking a member up on its class costs about 0.4 µs on Python
# 3.11, and the bulk path would do it a dozen times a complaint.
_PENDING = TargetState.PENDING
_AT_RISK = TargetState.AT_RISK
_MET = TargetState.MET
_BREACHED = TargetState.BREACHED
_NOT_APPLICABLE = TargetState.NOT_APPLICABLE
_EARLY_RESOLUTION = Stage.EARLY_RESOLUTION
_REFERRAL_WINDOW = Stage.REFERRAL_WINDOW
_RETENTION = Stage.RETENTION
_UPDATE = Stage.UPDATE


def when(value: datetime) -> str:
    """``Wed 23 Dec 2026 16:40``: how explanations write an instant (local time).

    Examples:
        >>> when(datetime(2026, 12, 23, 16, 40))
        'Wed 23 Dec 2026 16:40'
    """
    return (
        f"{DAY_NAMES[value.weekday()]} {value.day} {MONTH_NAMES[value.month - 1]} "
        f"{value.year} {value.hour:02d}:{value.minute:02d}"
    )


def _ratio(part: int, whole: int) -> float:
    """The share of a budget used, both in microseconds (as ``timedelta / timedelta``)."""
    if whole <= 0:
        return 1.0 if part >= whole else 0.0
    return max(0.0, part / whole)


def _micros(amount: timedelta) -> int:
    return (amount.days * 86_400 + amount.seconds) * 1_000_000 + amount.microseconds


def _delta(us: int) -> timedelta:
    return timedelta(0, 0, us)


# Where a complaint records each milestone (final_response_at: the first decision sent).
_FACTS = {
    Milestone.ACKNOWLEDGEMENT: "acknowledged_at",
    Milestone.HOLDING_RESPONSE: "holding_response_at",
    Milestone.FINAL_RESPONSE: "final_response_at",
    Milestone.CLOSURE: "closed_at",
}


def _by_date(duration: Duration) -> bool:
    """Whether ``duration``'s deadline depends on the local date of its anchor only."""
    kind = type(duration)
    if kind is BusinessDays:
        return duration.at_close or duration.end_of_day  # type: ignore[attr-defined, no-any-return]
    if kind is CalendarDays or kind is Weeks or kind is Months:
        return duration.end_of_day  # type: ignore[attr-defined, no-any-return]
    if kind is LaterOf:
        return _by_date(duration.first) and _by_date(duration.second)  # type: ignore[attr-defined]
    return False


class Plan:
    """A target prepared once per policy for evaluation in bulk.

    It keeps what each evaluation reads (stage, clock, milestones) and computes its
    deadlines in microseconds too. A deadline that depends on the anchor's local date only
    (close of business on the 3rd business day after it, the end of the 15th business day)
    is remembered per date: complaints arrive many a day.
    """

    __slots__ = (
        "_dues",
        "business",
        "by_date",
        "duration",
        "facts",
        "kind",
        "milestones",
        "stage",
        "target",
    )

    def __init__(self, target: Target) -> None:
        self.target = target
        self.stage = target.stage
        self.duration = target.duration
        self.kind = target.duration.clock
        self.business = self.kind is ClockKind.BUSINESS
        self.milestones = target.milestones
        self.facts = tuple(_FACTS[m] for m in target.milestones)  # the complaint's fields
        self.by_date = _by_date(target.duration)
        self._dues: dict[int, tuple[datetime, int]] = {}

    def due(self, calendar: BusinessCalendar, anchor: datetime) -> tuple[datetime, int]:
        """The duration's deadline from ``anchor`` (no pauses), and it in microseconds."""
        if not self.by_date:
            due = self.duration.due(calendar, anchor)
            return due, to_micros(due)
        day = anchor.astimezone(calendar.tz).toordinal()
        found = self._dues.get(day)
        if found is None:
            due = self.duration.due(calendar, anchor)
            found = (due, to_micros(due))
            if len(self._dues) >= _MAX_DUES:
                self._dues.clear()
            self._dues[day] = found
        return found


class Evaluator:
    """Judges the targets of one complaint at one instant."""

    def __init__(
        self,
        policy: SlaPolicy,
        complaint: Complaint,
        at: datetime,
        explain: bool,
        plans: tuple[Plan, ...] = (),
    ):
        self.policy = policy
        self.plans = plans
        self.complaint = complaint
        self.at = at
        self.explain = explain
        self.calendar = policy.calendar
        self.clock = policy.clock_for(complaint)
        self.ignored_pauses = 0 if self.clock.pausable else len(complaint.pauses)
        self._early: datetime | None = None  # when the early-resolution target was met
        self._early_done = False
        # Deadline arithmetic runs on microseconds since 1970 UTC: no time zone on the way.
        self._engine = policy.calendar._engine
        self._zone = self._engine.zone
        self._steady = not self.clock.pauses
        self._at = to_micros(at)
        self._received = to_micros(complaint.received_at)

    def _due(self, plan: Plan, anchor: datetime) -> tuple[datetime, int]:
        """``plan``'s deadline from ``anchor``, pushed out by the clock's pauses."""
        if self._steady:
            return plan.due(self.calendar, anchor)
        due = self.clock.due(anchor, plan.duration, self.at)
        return due, to_micros(due)

    def _span(self, a: int, b: int, business: bool) -> int:
        """SLA time from ``a`` to ``b`` (microseconds, signed), pauses excluded."""
        if self._steady:
            return self._engine.between(a, b) if business else b - a
        kind = ClockKind.BUSINESS if business else ClockKind.ELAPSED
        return _micros(self.clock.elapsed(from_micros(a, _UTC), from_micros(b, _UTC), kind))

    def _local(self, value: datetime) -> datetime:
        return value if value.tzinfo is self._zone else value.astimezone(self._zone)

    # --- facts as known at the instant ----------------------------------------------------

    def _known(self, value: datetime | None) -> datetime | None:
        return value if value is not None and value <= self.at else None

    def milestone(self, milestone: Milestone) -> datetime | None:
        """When ``milestone`` happened, if it had by the instant."""
        c = self.complaint
        if milestone is Milestone.ACKNOWLEDGEMENT:
            value = c.acknowledged_at
        elif milestone is Milestone.HOLDING_RESPONSE:
            value = c.holding_response_at
        elif milestone is Milestone.FINAL_RESPONSE:
            value = c.final_response_at
        else:
            value = c.closed_at
        return value if value is not None and value <= self.at else None

    def _met(self, plan: Plan) -> datetime | None:
        """The earliest of ``plan``'s milestones known at the instant."""
        first, at, complaint = None, self.at, self.complaint
        for fact in plan.facts:
            met = getattr(complaint, fact)
            if met is not None and met <= at and (first is None or met < first):
                first = met
        return first

    def _stopped(self) -> datetime | None:
        withdrawn = self._known(self.complaint.withdrawn_at)
        closed = self._known(self.complaint.closed_at)
        if withdrawn is None or closed is None:
            return closed if withdrawn is None else withdrawn
        return min(withdrawn, closed)

    # --- words ----------------------------------------------------------------------------

    def _head(
        self, target: Target, anchor_word: str, noun: str, anchor: datetime, due: datetime
    ) -> str:
        if not self.explain:
            return ""
        cal = self.calendar
        text = f"{anchor_word} {when(self._local(anchor))}; {target.duration.describe(noun)}"
        if target.duration.clock is ClockKind.BUSINESS:
            skipped = cal.describe_skipped(anchor, due)
            if skipped:
                text += f", skipping {skipped}"
        if self.clock.pauses:
            paused = self.clock.paused_time(anchor, max(due, anchor), target.duration.clock)
            if paused > timedelta(0):
                text += f", extended by {span_words(paused, target.duration.clock)} of pauses"
        if self.ignored_pauses:
            plural = "s" if self.ignored_pauses > 1 else ""
            text += (
                f" (the {self.ignored_pauses} recorded pause{plural} "
                "do not count: these deadlines run without pause)"
            )
        return f"{text} -> due {when(self._local(due))} {cal.zone}"

    def _status(
        self,
        target: Target,
        state: TargetState,
        *,
        due: datetime | None,
        met_at: datetime | None,
        head: str,
        tail: str | Callable[[], str],
        remaining: timedelta | None = None,
        share: float | None = None,
        anchor: datetime | None = None,
    ) -> TargetStatus:
        explanation = ""
        if self.explain:
            words = tail() if callable(tail) else tail
            explanation = f"{head}; {words}" if head and words else head or words
        return TargetStatus(  # by position, in field order: the bulk path's most made record
            target.name,
            target.stage,
            state,
            None if due is None else self._local(due),
            met_at,
            remaining,
            share,
            explanation,
            target.deadline,
            anchor,
            target.rule,
        )

    def _not_applicable(
        self, target: Target, why: str | Callable[[], str], **kwargs: datetime | None
    ) -> TargetStatus:
        return self._status(
            target,
            _NOT_APPLICABLE,
            due=kwargs.get("due"),
            met_at=None,
            head="",
            tail=lambda: f"not applicable: {why() if callable(why) else why}",
        )

    # --- the kinds of target --------------------------------------------------------------

    def status(self, plan: Plan) -> TargetStatus:
        """Judge ``plan``'s target; a computation the calendar cannot do is reported."""
        stage = plan.stage
        try:
            if stage is _UPDATE:
                return self._update(plan.target)
            if stage is _REFERRAL_WINDOW:
                return self._referral(plan.target)
            if stage is _EARLY_RESOLUTION:
                status = self._early_resolution(plan)
                self._early_done = True
                self._early = status.met_at if status.state is _MET else None
                return status
            return self._deadline(plan)
        except Iso10002Error as exc:
            return self._not_applicable(plan.target, f"could not be evaluated ({exc})")

    def _early_resolution(self, plan: Plan) -> TargetStatus:
        target = plan.target
        anchor = self.complaint.received_at
        due, due_us = self._due(plan, anchor)
        head = self._head(target, "received", "receipt", anchor, due)
        met = self._met(plan)
        if met is not None and to_micros(met) <= due_us:
            return self._status(
                target,
                _MET,
                due=due,
                met_at=met,
                head=head,
                tail=lambda: f"resolved {when(self._local(met))}",
                anchor=anchor,
            )
        if met is not None or self._at > due_us:
            return self._status(
                target,
                _NOT_APPLICABLE,
                due=due,
                met_at=None,
                head=head,
                tail="not resolved by then: the standard time limits apply",
                anchor=anchor,
            )
        remaining = _delta(self._span(self._at, due_us, plan.business))
        return self._status(
            target,
            _PENDING,
            due=due,
            met_at=None,
            head=head,
            tail=lambda: f"open, {span_words(remaining, target.duration.clock)} left",
            remaining=remaining,
            anchor=anchor,
        )

    def resolved_early(self) -> datetime | None:
        """When the early-resolution target was met (resolved in time), else ``None``."""
        if not self._early_done:
            self._early_done = True
            for plan in self.plans:
                if plan.stage is _EARLY_RESOLUTION:
                    # As _early_resolution judges it, without building its status.
                    due_us = self._due(plan, self.complaint.received_at)[1]
                    met = self._met(plan)
                    if met is not None and to_micros(met) <= due_us:
                        self._early = met
                    break
        return self._early

    def _deadline(self, plan: Plan) -> TargetStatus:
        target = plan.target
        if target.after_holding_response and self.milestone(Milestone.HOLDING_RESPONSE) is None:
            return self._not_applicable(target, "applies once a holding response has been sent")
        if target.waived_by_early_resolution:
            resolved = self.resolved_early()
            if resolved is not None:
                return self._not_applicable(
                    target,
                    lambda: (
                        f"resolved early, {when(self._local(resolved))}, so its "
                        "time limit does not apply"
                    ),
                )
        anchor = self.complaint.received_at
        business = plan.business
        due, due_us = self._due(plan, anchor)
        head = self._head(target, "received", "receipt", anchor, due)
        start, at = self._received, self._at
        budget = self._span(start, due_us, business)
        met = self._met(plan)
        if met is not None:
            met_us = to_micros(met)
            share = _ratio(self._span(start, met_us, business), budget)
            if met_us <= due_us:
                return self._status(
                    target,
                    _MET,
                    due=due,
                    met_at=met,
                    head=head,
                    tail=lambda: f"met {when(self._local(met))}",
                    share=share,
                    anchor=anchor,
                )
            met_late: datetime = met

            def late() -> str:
                over = span_words(_delta(self._span(due_us, met_us, business)), plan.kind)
                return f"met late, {when(self._local(met_late))}, {over} after the deadline"

            return self._status(
                target,
                _BREACHED,
                due=due,
                met_at=met,
                head=head,
                tail=late,
                share=share,
                anchor=anchor,
            )
        stopped = self._stopped()
        if stopped is not None and to_micros(stopped) <= due_us:
            return self._status(
                target,
                _NOT_APPLICABLE,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: (
                    f"not applicable: the complaint ended {when(self._local(stopped))} "
                    "before it was due"
                ),
                anchor=anchor,
            )
        share = _ratio(self._span(start, at, business), budget)
        if at > due_us:
            over = _delta(self._span(due_us, at, business))
            return self._status(
                target,
                _BREACHED,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"breached: not done, {span_words(over, plan.kind)} overdue",
                remaining=-over,
                share=share,
                anchor=anchor,
            )
        remaining = _delta(self._span(at, due_us, business))
        if share >= self.policy.at_risk_share:
            return self._status(
                target,
                _AT_RISK,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: (
                    f"at risk: {share:.0%} of the time used, "
                    f"{span_words(remaining, plan.kind)} left"
                ),
                remaining=remaining,
                share=share,
                anchor=anchor,
            )
        return self._status(
            target,
            _PENDING,
            due=due,
            met_at=None,
            head=head,
            tail=lambda: f"pending, {span_words(remaining, plan.kind)} left",
            remaining=remaining,
            share=share,
            anchor=anchor,
        )

    def _update(self, target: Target) -> TargetStatus:
        c = self.complaint
        kind = target.duration.clock
        ends = [
            t for t in (self.milestone(Milestone.FINAL_RESPONSE), self._stopped()) if t is not None
        ]
        stop = min(ends) if ends else None
        previous = c.received_at
        missed: datetime | None = None
        for contact in sorted(c.communications):
            if contact > self.at or (stop is not None and contact > stop):
                break
            gap_due = self.clock.due(previous, target.duration, self.at)
            if contact > gap_due and missed is None:
                missed = gap_due
            previous = contact
        words = target.duration.describe("the last contact")
        intro = f"an update at least every interval: {words}" if self.explain else ""
        if stop is not None:
            if previous < stop:
                gap_due = self.clock.due(previous, target.duration, self.at)
                if stop > gap_due and missed is None:
                    missed = gap_due
            if missed is not None:
                return self._status(
                    target,
                    _BREACHED,
                    due=missed,
                    met_at=None,
                    head=intro,
                    tail=lambda: f"breached: an update was due {when(self._local(missed))}",
                    anchor=previous,
                )
            return self._status(
                target,
                _MET,
                due=None,
                met_at=stop,
                head=intro,
                tail=lambda: f"kept informed until {when(self._local(stop))}",
                anchor=previous,
            )
        due = self.clock.due(previous, target.duration, self.at)
        head = (
            self._head(target, "last contact", "the last contact", previous, due)
            if self.explain
            else ""
        )
        budget = _micros(self.clock.elapsed(previous, due, kind))
        share = _ratio(_micros(self.clock.elapsed(previous, self.at, kind)), budget)
        remaining = self.clock.elapsed(self.at, due, kind)
        if missed is not None or self.at > due:
            first = missed if missed is not None else due
            return self._status(
                target,
                _BREACHED,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"breached: an update was due {when(self._local(first))}",
                remaining=remaining,
                share=share,
                anchor=previous,
            )
        state = _AT_RISK if share >= self.policy.at_risk_share else _PENDING
        word = "at risk" if state is _AT_RISK else "pending"
        tail = lambda: f"{word}, {span_words(remaining, kind)} left"  # noqa: E731
        return self._status(
            target,
            state,
            due=due,
            met_at=None,
            head=head,
            tail=tail,
            remaining=remaining,
            share=share,
            anchor=previous,
        )

    def _referral(self, target: Target) -> TargetStatus:
        final = self.milestone(Milestone.FINAL_RESPONSE)
        if final is None:
            return self._not_applicable(target, "the window opens with the final response")
        due = target.duration.due(self.calendar, final)
        head = self._head(target, "final response sent", "the final response", final, due)
        referred = self._known(self.complaint.referred_at)
        kind = target.duration.clock
        if referred is not None and referred >= final:
            if referred <= due:
                return self._status(
                    target,
                    _MET,
                    due=due,
                    met_at=referred,
                    head=head,
                    tail=lambda: f"referred {when(self._local(referred))}",
                    anchor=final,
                )
            return self._status(
                target,
                _NOT_APPLICABLE,
                due=due,
                met_at=None,
                head=head,
                tail="referred after the window had closed",
                anchor=final,
            )
        if self.at <= due:
            remaining = (
                self.clock.elapsed(self.at, due, kind)
                if kind is ClockKind.BUSINESS
                else due - self.at
            )
            return self._status(
                target,
                _PENDING,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"open, {span_words(remaining, kind)} left",
                remaining=remaining,
                anchor=final,
            )
        return self._status(
            target,
            _NOT_APPLICABLE,
            due=due,
            met_at=None,
            head=head,
            tail="the window closed without a referral",
            anchor=final,
        )

    def retention(self, duration: Duration) -> TargetStatus:
        """The record-retention status (never a deadline on handling)."""
        target = Target("retention", _RETENTION, duration)
        try:
            anchor = self.complaint.received_at
            due = duration.due(self.calendar, anchor)
        except Iso10002Error as exc:
            return self._not_applicable(target, f"could not be evaluated ({exc})")
        head = self._head(target, "received", "receipt", anchor, due) if self.explain else ""
        erased = self._known(self.complaint.redacted_at)
        if erased is not None and erased < due:
            return self._status(
                target,
                _BREACHED,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"breached: personal data erased early, {when(self._local(erased))}",
                anchor=anchor,
            )
        if self.at >= due:
            return self._status(
                target,
                _MET,
                due=due,
                met_at=due,
                head=head,
                tail="kept for the whole period; it may now be erased",
                anchor=anchor,
            )
        remaining = due - self.at
        return self._status(
            target,
            _PENDING,
            due=due,
            met_at=None,
            head=head,
            tail=lambda: f"keep for {span_words(remaining, ClockKind.ELAPSED)} more",
            remaining=remaining,
            anchor=anchor,
        )
