"""Every figure of a period's complaints in one pass: :func:`summarize` and :func:`breakdown`.

:func:`summarize` reads an iterable of :class:`~iso10002.model.Complaint` snapshots once
(a store's ``find()`` streams them) and returns a :class:`MetricSummary`. Memory does not
grow with the number of complaints, except for one 8-byte integer per duration measured
(percentiles need the values; see :mod:`iso10002.metrics.stats`).

The period is half-open, ``P = [start, end)``; "in P" means ``start <= t < end``. Every
figure is computed from the dates a snapshot records, so a summary of a past period taken
today counts what happened *in* that period, with the limits listed under "Edge cases".

Examples:
    >>> from iso10002.metrics.period import Period
    >>> from iso10002.testing.builders import complaint_in
    >>> s = summarize([complaint_in("closed"), complaint_in("received", "C-0002")],
    ...               Period.parse("2026Q1"))
    >>> s.received, s.closed, s.open_at_end, s.upheld_rate
    (2, 1, 1, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Union

import attrs

from iso10002.errors import ValidationError
from iso10002.metrics._tally import AGE_BUCKETS, CLOSED_WITHIN, Settings, Tally
from iso10002.metrics.dimensions import Dimension, dimension
from iso10002.metrics.figures import (
    RootCauseShare,
    SatisfactionSummary,
    SlaCompliance,
    TrendPoint,
    money_dict,
)
from iso10002.metrics.period import Period
from iso10002.metrics.stats import DurationStats
from iso10002.model import Complaint
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.policy import SlaPolicy

__all__ = [
    "AGE_BUCKETS",
    "CLOSED_WITHIN",
    "MetricSummary",
    "breakdown",
    "summarize",
]

JsonValue = Union[str, int, float, bool, None, "list[JsonValue]", "dict[str, JsonValue]"]
"""What :meth:`MetricSummary.to_dict` holds: JSON's own types only."""

RowValue = str | int | float | None
"""A cell of :meth:`MetricSummary.rows`."""


@attrs.frozen
class MetricSummary:
    """The figures of one period (ISO 10002 8.2 analysis, 8.4 monitoring, 8.6 review).

    Counts are ``int``; rates are ``float`` from 0 to 1, or ``None`` when their
    denominator is 0; money is a ``dict`` of currency code to ``Decimal``; durations are
    :class:`~iso10002.metrics.stats.DurationStats`. The formula of every field is listed
    on :func:`summarize`. ``groups`` holds one summary per group when the summary was made
    ``by`` a dimension (each group's own ``groups`` is empty).
    """

    period: Period
    at: datetime
    received: int
    open_at_start: int
    closed: int
    withdrawn: int
    open_at_end: int
    handled: int
    backlog_age_buckets: dict[str, int]
    time_to_acknowledge: DurationStats
    time_to_final_response: DurationStats
    business_time_to_acknowledge: DurationStats | None
    business_time_to_final_response: DurationStats | None
    sla_compliance: dict[str, SlaCompliance]
    closed_within: dict[str, int]
    upheld: int
    upheld_rate: float | None
    redress_total: dict[str, Decimal]
    reopened: int
    reopen_rate: float | None
    escalated: int
    escalation_rate: float | None
    referred: int
    referral_rate: float | None
    first_contact_resolved: int
    first_contact_resolution_rate: float | None
    satisfaction: SatisfactionSummary
    root_causes: tuple[RootCauseShare, ...]
    root_cause_missing: int
    vulnerable: int
    vulnerability_unknown: int
    vulnerable_share: float | None
    customers: int | None
    rate_per_1000: float | None
    weekly: tuple[TrendPoint, ...]
    monthly: tuple[TrendPoint, ...]
    by: str | None = None
    groups: dict[str, MetricSummary] = attrs.field(factory=dict)

    @property
    def backlog(self) -> int:
        """The complaints open at the period end (``open_at_end``)."""
        return self.open_at_end

    def to_dict(self) -> dict[str, JsonValue]:
        """Every figure as JSON-safe values (what the JSON and CSV outputs write).

        Instants are ISO 8601 strings, durations seconds, money decimal strings per
        currency, the period its label and bounds.

        Examples:
            >>> import json
            >>> from iso10002.testing.builders import complaint_in
            >>> d = summarize([complaint_in("closed")], Period.parse("2026Q1")).to_dict()
            >>> d["period"]["label"], d["redress_total"], json.loads(json.dumps(d)) == d
            ('2026Q1', {'GBP': '25.00'}, True)
        """
        return {
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "at": self.at.isoformat(),
            "received": self.received,
            "open_at_start": self.open_at_start,
            "closed": self.closed,
            "withdrawn": self.withdrawn,
            "open_at_end": self.open_at_end,
            "handled": self.handled,
            "backlog_age_buckets": dict(self.backlog_age_buckets),
            "time_to_acknowledge": _stats(self.time_to_acknowledge),
            "time_to_final_response": _stats(self.time_to_final_response),
            "business_time_to_acknowledge": _stats(self.business_time_to_acknowledge),
            "business_time_to_final_response": _stats(self.business_time_to_final_response),
            "sla_compliance": {k: dict(v.to_dict()) for k, v in self.sla_compliance.items()},
            "closed_within": dict(self.closed_within),
            "upheld": self.upheld,
            "upheld_rate": self.upheld_rate,
            "redress_total": dict(money_dict(self.redress_total)),
            "reopened": self.reopened,
            "reopen_rate": self.reopen_rate,
            "escalated": self.escalated,
            "escalation_rate": self.escalation_rate,
            "referred": self.referred,
            "referral_rate": self.referral_rate,
            "first_contact_resolved": self.first_contact_resolved,
            "first_contact_resolution_rate": self.first_contact_resolution_rate,
            "satisfaction": dict(self.satisfaction.to_dict()),
            "root_causes": [dict(r.to_dict()) for r in self.root_causes],
            "root_cause_missing": self.root_cause_missing,
            "vulnerable": self.vulnerable,
            "vulnerability_unknown": self.vulnerability_unknown,
            "vulnerable_share": self.vulnerable_share,
            "customers": self.customers,
            "rate_per_1000": self.rate_per_1000,
            "weekly": [dict(p.to_dict()) for p in self.weekly],
            "monthly": [dict(p.to_dict()) for p in self.monthly],
            "by": self.by,
            "groups": {k: v.to_dict() for k, v in self.groups.items()},
        }

    def rows(self) -> list[tuple[str, RowValue]]:
        """Every figure as ``(name, value)`` pairs, nested names joined with dots (for CSV).

        Lists are numbered from 1 (``root_causes.1.category``); groups come last, as
        ``groups.<label>.<figure>``.

        Examples:
            >>> from iso10002.testing.builders import complaint_in
            >>> rows = dict(summarize([complaint_in("closed")], Period.parse("2026Q1")).rows())
            >>> rows["period.label"], rows["closed_within.within 3 business days"]
            ('2026Q1', 1)
        """
        out: list[tuple[str, RowValue]] = []
        _flatten("", self.to_dict(), out)
        return out


def _stats(value: DurationStats | None) -> JsonValue:
    return None if value is None else dict(value.to_dict())


def _flatten(prefix: str, value: JsonValue, out: list[tuple[str, RowValue]]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}{key}.", item, out)
    elif isinstance(value, list):
        for n, item in enumerate(value, 1):
            _flatten(f"{prefix}{n}.", item, out)
    else:
        out.append((prefix[:-1], value))


def _check(period: object, at: object, customers: object, first_contact_days: object) -> None:
    errors = []
    if not isinstance(period, Period):
        errors.append("period: expected a Period (Period.parse('2026Q3'))")
    if not isinstance(at, datetime) or at.utcoffset() is None:
        errors.append("at: expected a timezone-aware datetime")
    if customers is not None and (
        isinstance(customers, bool) or not isinstance(customers, int) or customers < 0
    ):
        errors.append(f"customers: expected a whole number of customers, got {customers!r}")
    if isinstance(first_contact_days, bool) or not isinstance(first_contact_days, int):
        errors.append(f"first_contact_days: expected a whole number, got {first_contact_days!r}")
    elif first_contact_days < 0:
        errors.append(f"first_contact_days: {first_contact_days} is negative")
    if errors:
        raise ValidationError(errors)


def summarize(
    complaints: Iterable[Complaint],
    period: Period,
    *,
    policy: SlaPolicy | None = None,
    at: datetime | None = None,
    customers: int | None = None,
    by: str | Dimension | None = None,
    first_contact_days: int = 1,
    calendar: BusinessCalendar | None = None,
) -> MetricSummary:
    """Every figure of ``complaints`` for ``period``, in one pass.

    ``policy`` adds business-time durations and SLA compliance. ``calendar`` is the business
    calendar of the business-day figures (the FCA 3-business-day band, first-contact
    resolution); it defaults to the policy's, else Monday to Friday 09:00-17:00 UTC with no
    holidays. ``at`` is the
    instant SLA targets are judged at (default: the period end). ``customers`` (customers
    or transactions in the period) gives ``rate_per_1000``. ``by`` (a name from
    :data:`~iso10002.metrics.dimensions.DIMENSIONS` or a function of a complaint) fills
    ``groups`` with one summary per group, in the same pass.

    Formulas, with ``P = [start, end)`` and "in P" meaning ``start <= t < end``:

    - ``received``: ``received_at`` in P.
    - ``open_at_start``: received before ``start`` and neither closed nor withdrawn before
      ``start``.
    - ``closed``: ``closed_at`` in P. ``withdrawn``: ``withdrawn_at`` in P (withdrawals are
      not closures).
    - ``open_at_end`` (the backlog): received before ``end`` and neither closed nor
      withdrawn before ``end``. So ``open_at_end = open_at_start + received - closed -
      withdrawn`` always.
    - ``handled``: ``open_at_start + received`` (the population FCA and ASIC returns
      cover).
    - ``backlog_age_buckets``: the backlog by whole days from receipt to ``end``: 0-7,
      8-28, 29-56, over 56 ("over 8 weeks").
    - ``time_to_acknowledge``: ``acknowledged_at - received_at`` for acknowledgements in P.
      ``time_to_final_response``: ``final_response_at - received_at`` (the first decision
      communicated) for final responses in P. Calendar time, pauses not deducted. The
      ``business_time_*`` versions (only with a policy) are business time on the policy's
      calendar, pauses deducted when the policy lets the clock pause.
    - ``sla_compliance``: per target of the policy's handling stages (acknowledge, early
      resolution, holding and final response, updates; not the referral window or
      retention), over complaints received in P, judged at ``at``: ``met``, ``breached``,
      ``pending`` (pending or at risk); ``rate = met / (met + breached)``. Targets that do
      not apply to a complaint (or are waived) are left out. An early-resolution target is
      an opportunity, not a deadline: its "breached" means the complaint was not resolved
      that early.
    - ``closed_within``: complaints closed in P, by ``closed_at`` against receipt. FCA:
      "within 3 business days" (by close of business on the 3rd business day after the day
      of receipt, DISP 1.5.1R), "within 8 weeks" (later, but within 8 weeks, DISP 1.6.2R),
      "after 8 weeks". CFPB: "within 15 days" (by the end of the 15th calendar day after
      receipt), "within 60 days" (later, by the end of the 60th), "after 60 days". Each
      trio adds up to ``closed``. (The current FCA band wording is UNCONFIRMED; the CFPB
      clock starts when the CFPB sends the complaint, which is ``received_at`` here.)
    - ``upheld``: complaints closed in P whose latest outcome is upheld or partially
      upheld (as the FCA counts); ``upheld_rate = upheld / closed``.
    - ``redress_total``: per currency, the redress of *every* decision of the complaints
      closed in P (a decision after an escalation or a reopening adds to what an earlier
      one paid; goodwill and interest count, as the FCA defines redress).
    - ``reopened``: complaints reopened in P; ``reopen_rate = reopened / (complaints closed
      in P or reopened in P)`` (a reopening implies a closure before it).
    - ``escalated``: complaints with an escalation in P; ``referred``: referred to external
      dispute resolution in P; both rates are over ``handled``.
    - ``first_contact_resolved``: complaints received in P whose first decision was
      communicated before ``end`` and by close of business on the ``first_contact_days``-th
      business day after receipt (default 1), with no escalation, reopening or referral
      before ``end`` and not withdrawn; the rate is over ``received``.
    - ``satisfaction`` (ISO 10002 8.3): ``surveys_offered``: surveys offered in P;
      ``responses``: scores of those complaints (or, with no survey date, of complaints
      closed in P); ``mean_score``; ``satisfied_share`` (4 or 5 of 5); ``response_rate``
      (scores of surveys offered in P / ``surveys_offered``).
    - ``root_causes``: complaints closed in P by root-cause category, most frequent first
      (ties by name), with the cumulative share of those with a root cause;
      ``root_cause_missing``: closed in P without one.
    - ``vulnerable``: received in P with the complainant identified as vulnerable;
      ``vulnerable_share = vulnerable / (received - vulnerability_unknown)``, where
      ``vulnerability_unknown`` counts complaints whose complainant record was erased.
    - ``rate_per_1000 = received * 1000 / customers`` (``None`` without customers or with 0).
    - ``weekly`` / ``monthly``: received and closed per ISO week / month of P, clipped to P.

    A period still running: the backlog ages are measured to ``end`` and SLA targets judged
    at ``end`` by default, so pass ``at=now`` (and read ages as "by the period end") to judge
    targets as they stand; better, summarize up to today with :meth:`Period.days
    <iso10002.metrics.period.Period.days>`.

    Edge cases: complaints received at or after ``end`` are ignored; a complaint received
    before ``start`` counts only in the figures whose date falls in P. A snapshot keeps only
    its latest closure: a complaint closed, then reopened, counts as not closed at that
    earlier time (``open_at_start``/``open_at_end`` may count it open, and its earlier
    closure is not in ``closed``). Withdrawn complaints are never closed, upheld or first-
    contact resolved. Redacted complaints keep every figure but vulnerability (unknown).

    Examples:
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import complaint_in
        >>> s = summarize([complaint_in("closed")], Period.parse("2026Q1"),
        ...               policy=presets.get("fca.disp.standard"), by="channel")
        >>> s.sla_compliance["acknowledge"].rate, list(s.groups)
        (1.0, ['email'])
    """
    at = period.end if at is None and isinstance(period, Period) else at
    _check(period, at, customers, first_contact_days)
    assert at is not None
    settings = Settings.make(
        period,
        at,
        policy=policy,
        first_contact_days=first_contact_days,
        customers=customers,
        calendar=calendar,
    )
    total = Tally(settings)
    if by is None:
        for complaint in complaints:
            total.add(complaint)
        return total.summary(None, {})
    group_of = dimension(by)
    tallies: dict[str, Tally] = {}
    end = period.end
    for complaint in complaints:
        if complaint.received_at >= end:
            continue  # not in the period: no group of its own
        key = group_of(complaint)
        tally = tallies.get(key)
        if tally is None:
            tally = tallies[key] = Tally(settings)
        tally.add(complaint)
    label = by if isinstance(by, str) else getattr(by, "__name__", "custom")
    for key in sorted(tallies):  # the groups partition the complaints: their sum is the total
        total.merge(tallies[key])
    groups = {key: tallies[key].summary(None, {}) for key in sorted(tallies)}
    return total.summary(label, groups)


def breakdown(
    complaints: Iterable[Complaint],
    period: Period,
    by: str | Dimension,
    *,
    policy: SlaPolicy | None = None,
    at: datetime | None = None,
    first_contact_days: int = 1,
    calendar: BusinessCalendar | None = None,
) -> dict[str, MetricSummary]:
    """One :class:`MetricSummary` per group of ``by`` (a dimension name or a function).

    The groups partition the complaints, so additive counts over the groups add up to the
    total's. Groups appear in label order.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> parts = breakdown([complaint_in("closed")], Period.parse("2026Q1"), by="product")
        >>> {name: s.received for name, s in parts.items()}
        {'current account': 1}
    """
    return summarize(
        complaints,
        period,
        policy=policy,
        at=at,
        by=by,
        first_contact_days=first_contact_days,
        calendar=calendar,
    ).groups
