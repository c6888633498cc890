"""The one-pass tally behind :func:`~iso10002.metrics.summary.summarize`.

A :class:`Tally` reads each complaint once and keeps counters, money totals per currency,
bounded dictionaries (root-cause categories, SLA target names, trend buckets) and, for the
duration statistics only, one integer per measured value. Nothing else grows with the number
of complaints. The formulas are documented on ``summarize``; this module only applies them.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

import attrs

from iso10002.metrics.figures import (
    RootCauseShare,
    SatisfactionSummary,
    SlaCompliance,
    TrendPoint,
    rate,
)
from iso10002.metrics.period import Period
from iso10002.metrics.stats import DurationAccumulator
from iso10002.model import Complaint
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.durations import CalendarDays, ClockKind, CloseOfBusinessDay, Weeks
from iso10002.sla.policy import SlaPolicy, Stage, TargetState

if TYPE_CHECKING:
    from iso10002.metrics.summary import MetricSummary

__all__ = ["AGE_BUCKETS", "CLOSED_WITHIN", "Settings", "Tally"]

AGE_BUCKETS = ("0-7 days", "8-28 days", "29-56 days", "over 8 weeks")
"""Backlog age buckets, by whole days since receipt at the period end."""

CLOSED_WITHIN = (
    "within 3 business days",  # FCA: by close of business on the 3rd business day after receipt
    "within 8 weeks",  # FCA: after that, but within 8 weeks of receipt
    "after 8 weeks",  # FCA
    "within 15 days",  # CFPB: by the end of the 15th calendar day after receipt
    "within 60 days",  # CFPB: after that, but by the end of the 60th day
    "after 60 days",  # CFPB
)
"""The closed-within bands: three FCA bands, then three CFPB bands; each trio partitions
the complaints closed in the period."""

_FCA_EARLY = CloseOfBusinessDay(3)  # DISP 1.5.1R's "third business day following"
_FCA_EIGHT_WEEKS = Weeks(8)  # DISP 1.6.2R
_CFPB_FIRST = CalendarDays(15, end_of_day=True)  # CFPB Company Portal Manual 8.1
_CFPB_FINAL = CalendarDays(60, end_of_day=True)
# The stages of handling; the referral window and retention are the complainant's and the
# record's clocks, not the organization's performance.
_SLA_STAGES = frozenset(
    {
        Stage.ACKNOWLEDGE,
        Stage.EARLY_RESOLUTION,
        Stage.HOLDING_RESPONSE,
        Stage.FINAL_RESPONSE,
        Stage.UPDATE,
    }
)
_DAY = timedelta(days=1)
_EIGHT_WEEKS = timedelta(weeks=8)
# No zone moves its clocks by more than this: an elapsed time farther than it from 8 weeks
# is on the same side of the wall-clock deadline as it is of 56 times 24 hours.
_DST_SLACK = timedelta(hours=3)
_WEEKDAYS = BusinessCalendar.weekdays("UTC")
_PENDING = frozenset({TargetState.PENDING, TargetState.AT_RISK})


class Deadlines:
    """The date-only deadlines of a receipt, worked out once per local receipt date.

    Close of business on the 3rd business day (FCA band), the end of the 15th and 60th
    calendar days (CFPB bands) and the first-contact deadline depend only on the local date
    of receipt, so they are memoised by date: the memo grows with the days the complaints
    span, never with their number. Deadlines are kept in UTC, as the snapshots' instants are.
    """

    def __init__(self, calendar: BusinessCalendar, first_contact_days: int) -> None:
        self.calendar = calendar
        self.zone = calendar.tz
        self.first_contact = CloseOfBusinessDay(first_contact_days)
        self._memo: dict[date, tuple[datetime, datetime, datetime, datetime]] = {}

    def of(self, received_at: datetime) -> tuple[datetime, datetime, datetime, datetime]:
        """``(fca_3_business_days, cfpb_15_days, cfpb_60_days, first_contact)`` for a receipt."""
        day = received_at.astimezone(self.zone).date()
        found = self._memo.get(day)
        if found is None:
            cal = self.calendar
            found = self._memo[day] = (
                _FCA_EARLY.due(cal, received_at).astimezone(timezone.utc),
                _CFPB_FIRST.due(cal, received_at).astimezone(timezone.utc),
                _CFPB_FINAL.due(cal, received_at).astimezone(timezone.utc),
                self.first_contact.due(cal, received_at).astimezone(timezone.utc),
            )
        return found


@attrs.frozen
class Settings:
    """What every tally of one summary shares: the period, the policy and the cut-offs."""

    period: Period
    start: datetime  # the period's bounds in UTC: fast to compare, exact to subtract
    end: datetime
    at: datetime
    policy: SlaPolicy | None
    calendar: BusinessCalendar
    deadlines: Deadlines
    first_contact_days: int
    customers: int | None
    weeks: tuple[Period, ...]
    months: tuple[Period, ...]
    week_starts: tuple[datetime, ...]
    month_starts: tuple[datetime, ...]

    @classmethod
    def make(
        cls,
        period: Period,
        at: datetime,
        *,
        policy: SlaPolicy | None,
        first_contact_days: int,
        customers: int | None,
        calendar: BusinessCalendar | None = None,
    ) -> Settings:
        """Settings with the calendar and trend buckets worked out once."""
        if calendar is None:
            calendar = policy.calendar if policy is not None else _WEEKDAYS
        weeks = tuple(period.weeks())
        months = tuple(period.months())
        return cls(
            period,
            period.start.astimezone(timezone.utc),
            period.end.astimezone(timezone.utc),
            at,
            policy,
            calendar,
            Deadlines(calendar, first_contact_days),
            first_contact_days,
            customers,
            weeks,
            months,
            tuple(p.start.astimezone(timezone.utc) for p in weeks),
            tuple(p.start.astimezone(timezone.utc) for p in months),
        )


_COUNTERS = (
    "received",
    "open_at_start",
    "closed",
    "withdrawn",
    "open_at_end",
    "upheld",
    "reopened",
    "closed_or_reopened",
    "escalated",
    "referred",
    "first_contact",
    "offered",
    "answered",
    "responses",
    "score_total",
    "satisfied",
    "cause_missing",
    "vulnerable",
    "vulnerability_unknown",
)


class Tally:
    """Running totals of one summary (or of one group of a breakdown)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.received = self.open_at_start = self.closed = self.withdrawn = 0
        self.open_at_end = 0
        self.backlog = [0] * len(AGE_BUCKETS)
        self.ack = DurationAccumulator()
        self.final = DurationAccumulator()
        self.ack_business = DurationAccumulator()
        self.final_business = DurationAccumulator()
        self.sla: dict[str, list[int]] = {}
        self.bands = [0] * len(CLOSED_WITHIN)
        self.upheld = 0
        self.redress: dict[str, Decimal] = {}
        self.reopened = self.closed_or_reopened = 0
        self.escalated = self.referred = 0
        self.first_contact = 0
        self.offered = self.answered = self.responses = self.score_total = self.satisfied = 0
        self.causes: Counter[str] = Counter()
        self.cause_missing = 0
        self.vulnerable = self.vulnerability_unknown = 0
        self.weekly = [[0, 0] for _ in settings.weeks]
        self.monthly = [[0, 0] for _ in settings.months]

    def add(self, c: Complaint) -> None:
        """Count one complaint into every figure it belongs to."""
        s = self.settings
        start, end = s.start, s.end
        received_at = c.received_at
        if received_at >= end:
            return  # nothing of it can fall in the period: every fact follows receipt
        closed_at, withdrawn_at = c.closed_at, c.withdrawn_at
        received_in = received_at >= start
        closed_in = closed_at is not None and start <= closed_at < end
        if received_in:
            self.received += 1
            self._trend(received_at, 0)
        elif not (
            (closed_at is not None and closed_at < start)
            or (withdrawn_at is not None and withdrawn_at < start)
        ):
            self.open_at_start += 1
        if closed_in:
            assert closed_at is not None
            self.closed += 1
            self._trend(closed_at, 1)
            self._closed(c, closed_at)
        if withdrawn_at is not None and start <= withdrawn_at < end:
            self.withdrawn += 1
        if not (
            (closed_at is not None and closed_at < end)
            or (withdrawn_at is not None and withdrawn_at < end)
        ):
            self.open_at_end += 1
            age = (end - received_at) // _DAY
            self.backlog[0 if age <= 7 else 1 if age <= 28 else 2 if age <= 56 else 3] += 1
        ack = c.acknowledged_at
        if ack is not None and start <= ack < end:
            self._duration(c, ack, self.ack, self.ack_business)
        final = c.final_response_at
        if final is not None and start <= final < end:
            self._duration(c, final, self.final, self.final_business)
        self._follow_ups(c, start, end, closed_in)
        if received_in:
            self._received(c, final, end)

    def _follow_ups(self, c: Complaint, start: datetime, end: datetime, closed_in: bool) -> None:
        """Reopenings, escalations, referrals and surveys in the period."""
        reopened_in = bool(c.reopenings) and any(start <= r < end for r in c.reopenings)
        if reopened_in:
            self.reopened += 1
        if reopened_in or closed_in:
            self.closed_or_reopened += 1
        if c.escalations and any(start <= x < end for x in c.escalations):
            self.escalated += 1
        referred_at = c.referred_at
        if referred_at is not None and start <= referred_at < end:
            self.referred += 1
        offered_at = c.survey_offered_at
        offered_in = offered_at is not None and start <= offered_at < end
        if offered_in:
            self.offered += 1
        satisfaction = c.satisfaction
        if satisfaction is not None and (offered_in or (offered_at is None and closed_in)):
            self.responses += 1
            self.answered += offered_in
            self.score_total += satisfaction.score
            self.satisfied += satisfaction.score >= 4

    def merge(self, other: Tally) -> None:
        """Add ``other``'s totals to these (a total is the merge of its groups' tallies)."""
        for name in _COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in ((self.backlog, other.backlog), (self.bands, other.bands)):
            for i, value in enumerate(theirs):
                mine[i] += value
        for rows, more in ((self.weekly, other.weekly), (self.monthly, other.monthly)):
            for row, extra in zip(rows, more, strict=True):
                row[0] += extra[0]
                row[1] += extra[1]
        for acc, extra_acc in (
            (self.ack, other.ack),
            (self.final, other.final),
            (self.ack_business, other.ack_business),
            (self.final_business, other.final_business),
        ):
            acc.merge(extra_acc)
        for name, (met, breached, pending) in other.sla.items():
            row = self.sla.setdefault(name, [0, 0, 0])
            row[0] += met
            row[1] += breached
            row[2] += pending
        for currency, amount in other.redress.items():
            self.redress[currency] = self.redress.get(currency, Decimal(0)) + amount
        self.causes.update(other.causes)

    def _trend(self, instant: datetime, column: int) -> None:
        s = self.settings
        self.weekly[bisect_right(s.week_starts, instant) - 1][column] += 1
        self.monthly[bisect_right(s.month_starts, instant) - 1][column] += 1

    def _duration(
        self,
        c: Complaint,
        milestone: datetime,
        calendar_time: DurationAccumulator,
        business_time: DurationAccumulator,
    ) -> None:
        calendar_time.add(milestone - c.received_at)
        policy = self.settings.policy
        if policy is None:
            return
        if c.pauses and policy.lifecycle_rules.clock_pausable:
            spent = policy.clock_for(c).elapsed(c.received_at, milestone, ClockKind.BUSINESS)
        else:
            spent = policy.calendar.between(c.received_at, milestone)
        business_time.add(spent)

    def _closed(self, c: Complaint, closed_at: datetime) -> None:
        received_at = c.received_at
        fca_early, cfpb_first, cfpb_final, _ = self.settings.deadlines.of(received_at)
        bands = self.bands
        if closed_at <= fca_early:
            bands[0] += 1
        elif self._within_eight_weeks(received_at, closed_at):
            bands[1] += 1
        else:
            bands[2] += 1
        if closed_at <= cfpb_first:
            bands[3] += 1
        elif closed_at <= cfpb_final:
            bands[4] += 1
        else:
            bands[5] += 1
        outcome = c.outcome
        if outcome is not None and outcome.is_upheld:
            self.upheld += 1
        for decision in c.decisions:
            if decision.redress is not None:
                money = decision.redress.amount
                self.redress[money.currency] = (
                    self.redress.get(money.currency, Decimal(0)) + money.amount
                )
        if c.root_cause is not None:
            self.causes[c.root_cause.category] += 1
        else:
            self.cause_missing += 1

    def _within_eight_weeks(self, received_at: datetime, closed_at: datetime) -> bool:
        """``closed_at`` by the wall-clock deadline 8 weeks after receipt (DISP 1.6.2R)."""
        elapsed = closed_at - received_at
        if elapsed <= _EIGHT_WEEKS - _DST_SLACK:
            return True
        if elapsed > _EIGHT_WEEKS + _DST_SLACK:
            return False
        return closed_at <= _FCA_EIGHT_WEEKS.due(self.settings.calendar, received_at)

    def _received(self, c: Complaint, final: datetime | None, end: datetime) -> None:
        s = self.settings
        if c.complainant is None:
            self.vulnerability_unknown += 1
        elif c.complainant.vulnerability.identified:
            self.vulnerable += 1
        if (
            final is not None
            and final < end
            and c.withdrawn_at is None
            and not any(x < end for x in c.escalations)
            and not any(r < end for r in c.reopenings)
            and not (c.referred_at is not None and c.referred_at < end)
            and final <= s.deadlines.of(c.received_at)[3]
        ):
            self.first_contact += 1
        if s.policy is not None:
            evaluation = s.policy.evaluate(c, s.at, explain=False, stages=_SLA_STAGES)
            for status in evaluation.targets:
                if status.state is TargetState.NOT_APPLICABLE:
                    continue
                row = self.sla.setdefault(status.name, [0, 0, 0])
                if status.state is TargetState.MET:
                    row[0] += 1
                elif status.state is TargetState.BREACHED:
                    row[1] += 1
                elif status.state in _PENDING:
                    row[2] += 1

    def _rank(self, item: tuple[str, list[int]]) -> tuple[int, str]:
        """The policy's order of its targets (acknowledge before final response)."""
        policy = self.settings.policy
        names = [t.name for t in policy.targets] if policy is not None else []
        name = item[0]
        return (names.index(name) if name in names else len(names), name)

    def summary(self, by: str | None, groups: dict[str, MetricSummary]) -> MetricSummary:
        """The figures counted so far."""
        from iso10002.metrics.summary import MetricSummary

        s = self.settings
        business = s.policy is not None
        with_cause = sum(self.causes.values())
        pareto: list[RootCauseShare] = []
        running = 0
        for category, count in sorted(self.causes.items(), key=lambda kv: (-kv[1], kv[0])):
            running += count
            pareto.append(RootCauseShare(category, count, running / with_cause))
        handled = self.received + self.open_at_start
        known = self.received - self.vulnerability_unknown
        return MetricSummary(
            period=s.period,
            at=s.at,
            received=self.received,
            open_at_start=self.open_at_start,
            closed=self.closed,
            withdrawn=self.withdrawn,
            open_at_end=self.open_at_end,
            handled=handled,
            backlog_age_buckets=dict(zip(AGE_BUCKETS, self.backlog, strict=True)),
            time_to_acknowledge=self.ack.stats(),
            time_to_final_response=self.final.stats(),
            business_time_to_acknowledge=self.ack_business.stats() if business else None,
            business_time_to_final_response=self.final_business.stats() if business else None,
            sla_compliance={
                name: SlaCompliance.of(met=met, breached=breached, pending=pending)
                for name, (met, breached, pending) in sorted(self.sla.items(), key=self._rank)
            },
            closed_within=dict(zip(CLOSED_WITHIN, self.bands, strict=True)),
            upheld=self.upheld,
            upheld_rate=rate(self.upheld, self.closed),
            redress_total=dict(sorted(self.redress.items())),
            reopened=self.reopened,
            reopen_rate=rate(self.reopened, self.closed_or_reopened),
            escalated=self.escalated,
            escalation_rate=rate(self.escalated, handled),
            referred=self.referred,
            referral_rate=rate(self.referred, handled),
            first_contact_resolved=self.first_contact,
            first_contact_resolution_rate=rate(self.first_contact, self.received),
            satisfaction=SatisfactionSummary.from_totals(
                offered=self.offered,
                answered=self.answered,
                responses=self.responses,
                score_total=self.score_total,
                satisfied=self.satisfied,
            ),
            root_causes=tuple(pareto),
            root_cause_missing=self.cause_missing,
            vulnerable=self.vulnerable,
            vulnerability_unknown=self.vulnerability_unknown,
            vulnerable_share=rate(self.vulnerable, known),
            customers=s.customers,
            rate_per_1000=(self.received * 1000 / s.customers if s.customers else None),
            weekly=tuple(
                TrendPoint(p, r, c) for p, (r, c) in zip(s.weeks, self.weekly, strict=True)
            ),
            monthly=tuple(
                TrendPoint(p, r, c) for p, (r, c) in zip(s.months, self.monthly, strict=True)
            ),
            by=by,
            groups=groups,
        )
