"""How :meth:`SlaPolicy.evaluate <iso10002.sla.policy.SlaPolicy.evaluate>` judges one target.

One :class:`Evaluator` per (complaint, instant): it reads only facts dated at or before the
instant, so evaluating at an earlier instant replays what was known then.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from iso10002.errors import Iso10002Error
from iso10002.model import Complaint
from iso10002.sla._engine import DAY_NAMES, MONTH_NAMES
from iso10002.sla.durations import ClockKind, Duration
from iso10002.sla.policy import (
    Milestone,
    SlaPolicy,
    Stage,
    Target,
    TargetState,
    TargetStatus,
    span_words,
)

__all__ = ["Evaluator", "when"]


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


def _ratio(part: timedelta, whole: timedelta) -> float:
    if whole <= timedelta(0):
        return 1.0 if part >= whole else 0.0
    return max(0.0, part / whole)


class Evaluator:
    """Judges the targets of one complaint at one instant."""

    def __init__(
        self,
        policy: SlaPolicy,
        complaint: Complaint,
        at: datetime,
        explain: bool,
        targets: tuple[Target, ...] = (),
    ):
        self.policy = policy
        self.targets = targets
        self.complaint = complaint
        self.at = at
        self.explain = explain
        self.calendar = policy.calendar
        self.clock = policy.clock_for(complaint)
        self.ignored_pauses = 0 if self.clock.pausable else len(complaint.pauses)
        self._early: TargetStatus | None = None
        self._early_done = False

    def _local(self, value: datetime) -> datetime:
        return value if value.tzinfo is self.calendar.tz else self.calendar.local(value)

    # --- facts as known at the instant ----------------------------------------------------

    def _known(self, value: datetime | None) -> datetime | None:
        return value if value is not None and value <= self.at else None

    def milestone(self, milestone: Milestone) -> datetime | None:
        """When ``milestone`` happened, if it had by the instant."""
        c = self.complaint
        if milestone is Milestone.ACKNOWLEDGEMENT:
            return self._known(c.acknowledged_at)
        if milestone is Milestone.HOLDING_RESPONSE:
            return self._known(c.holding_response_at)
        if milestone is Milestone.FINAL_RESPONSE:
            return self._known(c.final_response_at)
        return self._known(c.closed_at)

    def _met(self, target: Target) -> datetime | None:
        first = None
        for milestone in target.milestones:
            met = self.milestone(milestone)
            if met is not None and (first is None or met < first):
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
        text = f"{anchor_word} {when(cal.local(anchor))}; {target.duration.describe(noun)}"
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
        return f"{text} -> due {when(cal.local(due))} {cal.zone}"

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
        return TargetStatus(
            name=target.name,
            stage=target.stage,
            state=state,
            due=None if due is None else self._local(due),
            met_at=met_at,
            remaining=remaining,
            share_used=share,
            explanation=explanation,
            deadline=target.deadline,
            anchor=anchor,
            rule=target.rule,
        )

    def _not_applicable(
        self, target: Target, why: str | Callable[[], str], **kwargs: datetime | None
    ) -> TargetStatus:
        return self._status(
            target,
            TargetState.NOT_APPLICABLE,
            due=kwargs.get("due"),
            met_at=None,
            head="",
            tail=lambda: f"not applicable: {why() if callable(why) else why}",
        )

    # --- the kinds of target --------------------------------------------------------------

    def status(self, target: Target) -> TargetStatus:
        """Judge ``target``; a computation the calendar cannot do is reported, not raised."""
        try:
            if target.stage is Stage.UPDATE:
                return self._update(target)
            if target.stage is Stage.REFERRAL_WINDOW:
                return self._referral(target)
            if target.stage is Stage.EARLY_RESOLUTION:
                status = self._early_resolution(target)
                self._early_done = True
                self._early = status if status.state is TargetState.MET else None
                return status
            return self._deadline(target)
        except Iso10002Error as exc:
            return self._not_applicable(target, f"could not be evaluated ({exc})")

    def _early_resolution(self, target: Target) -> TargetStatus:
        anchor = self.complaint.received_at
        due = self.clock.due(anchor, target.duration, self.at)
        head = self._head(target, "received", "receipt", anchor, due)
        met = self._met(target)
        if met is not None and met <= due:
            return self._status(
                target,
                TargetState.MET,
                due=due,
                met_at=met,
                head=head,
                tail=lambda: f"resolved {when(self.calendar.local(met))}",
                anchor=anchor,
            )
        if met is not None or self.at > due:
            return self._status(
                target,
                TargetState.NOT_APPLICABLE,
                due=due,
                met_at=None,
                head=head,
                tail="not resolved by then: the standard time limits apply",
                anchor=anchor,
            )
        remaining = self.clock.elapsed(self.at, due, target.duration.clock)
        return self._status(
            target,
            TargetState.PENDING,
            due=due,
            met_at=None,
            head=head,
            tail=lambda: f"open, {span_words(remaining, target.duration.clock)} left",
            remaining=remaining,
            anchor=anchor,
        )

    def resolved_early(self) -> TargetStatus | None:
        """The early-resolution status when that target was met, else ``None``."""
        if not self._early_done:
            self._early_done = True
            for target in self.targets:
                if target.stage is Stage.EARLY_RESOLUTION:
                    status = self._early_resolution(target)
                    if status.state is TargetState.MET:
                        self._early = status
                    break
        return self._early

    def _deadline(self, target: Target) -> TargetStatus:
        if target.after_holding_response and self.milestone(Milestone.HOLDING_RESPONSE) is None:
            return self._not_applicable(target, "applies once a holding response has been sent")
        if target.waived_by_early_resolution:
            early = self.resolved_early()
            if early is not None and early.met_at is not None:
                resolved: datetime = early.met_at
                return self._not_applicable(
                    target,
                    lambda: (
                        f"resolved early, {when(self.calendar.local(resolved))}, so its "
                        "time limit does not apply"
                    ),
                )
        anchor = self.complaint.received_at
        kind = target.duration.clock
        due = self.clock.due(anchor, target.duration, self.at)
        head = self._head(target, "received", "receipt", anchor, due)
        budget = self.clock.elapsed(anchor, due, kind)
        met = self._met(target)
        if met is not None:
            share = _ratio(self.clock.elapsed(anchor, met, kind), budget)
            if met <= due:
                return self._status(
                    target,
                    TargetState.MET,
                    due=due,
                    met_at=met,
                    head=head,
                    tail=lambda: f"met {when(self.calendar.local(met))}",
                    share=share,
                    anchor=anchor,
                )
            met_late: datetime = met

            def late() -> str:
                over = span_words(self.clock.elapsed(due, met_late, kind), kind)
                return f"met late, {when(self.calendar.local(met_late))}, {over} after the deadline"

            return self._status(
                target,
                TargetState.BREACHED,
                due=due,
                met_at=met,
                head=head,
                tail=late,
                share=share,
                anchor=anchor,
            )
        stopped = self._stopped()
        if stopped is not None and stopped <= due:
            return self._status(
                target,
                TargetState.NOT_APPLICABLE,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: (
                    f"not applicable: the complaint ended {when(self.calendar.local(stopped))} "
                    "before it was due"
                ),
                anchor=anchor,
            )
        share = _ratio(self.clock.elapsed(anchor, self.at, kind), budget)
        if self.at > due:
            over = self.clock.elapsed(due, self.at, kind)
            return self._status(
                target,
                TargetState.BREACHED,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"breached: not done, {span_words(over, kind)} overdue",
                remaining=-over,
                share=share,
                anchor=anchor,
            )
        remaining = self.clock.elapsed(self.at, due, kind)
        if share >= self.policy.at_risk_share:
            return self._status(
                target,
                TargetState.AT_RISK,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: (
                    f"at risk: {share:.0%} of the time used, {span_words(remaining, kind)} left"
                ),
                remaining=remaining,
                share=share,
                anchor=anchor,
            )
        return self._status(
            target,
            TargetState.PENDING,
            due=due,
            met_at=None,
            head=head,
            tail=lambda: f"pending, {span_words(remaining, kind)} left",
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
                    TargetState.BREACHED,
                    due=missed,
                    met_at=None,
                    head=intro,
                    tail=lambda: f"breached: an update was due {when(self.calendar.local(missed))}",
                    anchor=previous,
                )
            return self._status(
                target,
                TargetState.MET,
                due=None,
                met_at=stop,
                head=intro,
                tail=lambda: f"kept informed until {when(self.calendar.local(stop))}",
                anchor=previous,
            )
        due = self.clock.due(previous, target.duration, self.at)
        head = (
            self._head(target, "last contact", "the last contact", previous, due)
            if self.explain
            else ""
        )
        budget = self.clock.elapsed(previous, due, kind)
        share = _ratio(self.clock.elapsed(previous, self.at, kind), budget)
        remaining = self.clock.elapsed(self.at, due, kind)
        if missed is not None or self.at > due:
            first = missed if missed is not None else due
            return self._status(
                target,
                TargetState.BREACHED,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"breached: an update was due {when(self.calendar.local(first))}",
                remaining=remaining,
                share=share,
                anchor=previous,
            )
        state = TargetState.AT_RISK if share >= self.policy.at_risk_share else TargetState.PENDING
        word = "at risk" if state is TargetState.AT_RISK else "pending"
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
                    TargetState.MET,
                    due=due,
                    met_at=referred,
                    head=head,
                    tail=lambda: f"referred {when(self.calendar.local(referred))}",
                    anchor=final,
                )
            return self._status(
                target,
                TargetState.NOT_APPLICABLE,
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
                TargetState.PENDING,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: f"open, {span_words(remaining, kind)} left",
                remaining=remaining,
                anchor=final,
            )
        return self._status(
            target,
            TargetState.NOT_APPLICABLE,
            due=due,
            met_at=None,
            head=head,
            tail="the window closed without a referral",
            anchor=final,
        )

    def retention(self, duration: Duration) -> TargetStatus:
        """The record-retention status (never a deadline on handling)."""
        target = Target("retention", Stage.RETENTION, duration)
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
                TargetState.BREACHED,
                due=due,
                met_at=None,
                head=head,
                tail=lambda: (
                    f"breached: personal data erased early, {when(self.calendar.local(erased))}"
                ),
                anchor=anchor,
            )
        if self.at >= due:
            return self._status(
                target,
                TargetState.MET,
                due=due,
                met_at=due,
                head=head,
                tail="kept for the whole period; it may now be erased",
                anchor=anchor,
            )
        remaining = due - self.at
        return self._status(
            target,
            TargetState.PENDING,
            due=due,
            met_at=None,
            head=head,
            tail=lambda: f"keep for {span_words(remaining, ClockKind.ELAPSED)} more",
            remaining=remaining,
            anchor=anchor,
        )
