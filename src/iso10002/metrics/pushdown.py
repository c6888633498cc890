"""The metric summary computed in the database: :func:`summarize_store` and the SQL behind it.

:func:`summarize_store` gives exactly what :func:`~iso10002.metrics.summarize` gives over
``store.find()``, field for field. A store that declares the
:class:`~iso10002.storage.protocol.SupportsMetrics` capability (the SQLite, SQLAlchemy and
Django stores do) computes it in the database; any other store's snapshots are streamed through
the pure function.

In the database, :func:`summarize_facts` reads the metric facts a SQL store keeps beside
each snapshot (:mod:`iso10002.storage.facts`), all in one read transaction:

* **in SQL**, one scan of the facts: received, open at the start, closed, withdrawn, the
  backlog and its age buckets, count, mean and maximum of the calendar-time durations,
  upheld, reopened, escalated, referred, satisfaction, vulnerability; ``GROUP BY`` for the
  root-cause Pareto, the redress totals (exact decimals: equal texts are grouped and
  multiplied out in Python) and the weekly and monthly trends (counted per slice of the
  period that every trend boundary falls on, then added up per week or month).
* **streamed as integers**: the durations for the median and 90th percentile (one integer
  per acknowledgement or final response in the period, sorted in Python, as the pure
  accumulator keeps them); the closed-within bands and first-contact resolution (two
  integers per complaint), whose deadlines come from the business calendar (close of
  business on the third business day, eight weeks on the local wall clock, the end of the
  15th day …).
  Each deadline is worked out once per day (or per hour, around midnights and clock
  changes) of receipt, not once per complaint.
* **streamed as snapshots**, only with a ``policy``: the business-time durations and SLA
  compliance need the policy's clock and targets for each complaint, so the snapshots of
  the complaints they cover (received in the period, or acknowledged or answered in it)
  go through the pure function, and those fields are taken from its result.

Examples:
    >>> from iso10002.storage import SQLiteStore
    >>> from iso10002.testing.builders import history_to
    >>> store = SQLiteStore.memory()
    >>> for n in range(3):
    ...     _ = store.create(history_to("closed", f"C-{n}"))
    >>> q1 = Period.parse("2026Q1")
    >>> summarize_store(store, q1) == summarize(store.find(), q1)
    True
    >>> summarize_store(store, q1).closed_within["within 3 business days"]
    3
    >>> store.close()
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from math import gcd
from typing import Protocol, cast

import attrs

from iso10002.metrics._tally import (
    _CFPB_FINAL,
    _CFPB_FIRST,
    _FCA_EARLY,
    _FCA_EIGHT_WEEKS,
    AGE_BUCKETS,
    CLOSED_WITHIN,
    resolved_at,
)
from iso10002.metrics.dimensions import Dimension
from iso10002.metrics.figures import RootCauseShare, SatisfactionSummary, TrendPoint, rate
from iso10002.metrics.period import Period
from iso10002.metrics.stats import DurationStats
from iso10002.metrics.stats import percentile as percentile_of
from iso10002.metrics.summary import MetricSummary, summarize
from iso10002.model import Complaint
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.durations import CloseOfBusinessDay, Duration
from iso10002.sla.policy import SlaPolicy
from iso10002.storage.common import from_micros, to_micros
from iso10002.storage.facts import parse_redress
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore, SupportsMetrics

__all__ = ["FactsSource", "summarize_facts", "summarize_store"]

Params = Mapping[str, int]
_DAY = 86_400_000_000
_HOUR = 3_600_000_000


class FactsSource(Protocol):
    """A SQL store's facts table, read in one consistent snapshot of the database.

    ``dialect`` is ``"sqlite"`` or ``"postgresql"``; ``table`` names the facts table
    (:data:`~iso10002.storage.facts.FACT_COLUMNS`). ``rows`` runs a ``SELECT`` with
    ``:name`` parameters; ``snapshots`` gives the snapshots of the complaints whose facts
    row (aliased ``f``) matches the ``where`` condition.
    """

    dialect: str
    table: str

    def rows(self, sql: str, params: Params) -> Iterable[Sequence[object]]:
        """The rows of a ``SELECT``."""
        ...

    def snapshots(self, where: str, params: Params) -> Iterable[Complaint]:
        """The snapshots of the complaints whose facts row ``f`` matches ``where``."""
        ...


def summarize_store(
    store: ComplaintStore,
    period: Period,
    *,
    policy: SlaPolicy | None = None,
    at: datetime | None = None,
    customers: int | None = None,
    by: str | Dimension | None = None,
    first_contact_days: int = 1,
    pushdown: bool = True,
) -> MetricSummary:
    """:func:`~iso10002.metrics.summarize` of every complaint in ``store``, for ``period``.

    The arguments mean what they mean there. When the store supports it
    (:class:`~iso10002.storage.protocol.SupportsMetrics`) and no ``by`` breakdown is asked
    for, the database computes the summary (see the module for which figures go to SQL);
    otherwise, or with ``pushdown=False``, the store's snapshots received before the period
    end are streamed through the pure function. Either way the result is the same.

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> from iso10002.testing.builders import history_to
        >>> store = InMemoryStore()
        >>> _ = store.create(history_to("closed"))
        >>> summarize_store(store, Period.parse("2026-01"), by="channel").groups["email"].closed
        1
    """
    if pushdown and by is None and isinstance(store, SupportsMetrics):
        return store.summarize(
            period,
            policy=policy,
            at=at,
            customers=customers,
            first_contact_days=first_contact_days,
        )
    # Nothing received at or after the end counts anywhere (see summarize), so it is not read.
    snapshots = store.find(ComplaintQuery(received_until=period.end))
    return summarize(
        snapshots,
        period,
        policy=policy,
        at=at,
        customers=customers,
        by=by,
        first_contact_days=first_contact_days,
    )


def summarize_facts(
    source: FactsSource,
    period: Period,
    *,
    policy: SlaPolicy | None = None,
    at: datetime | None = None,
    customers: int | None = None,
    first_contact_days: int = 1,
) -> MetricSummary:
    """The :class:`~iso10002.metrics.MetricSummary` of a store's facts (see the module).

    SQL stores call this from their ``summarize`` method, inside one read transaction;
    the formulas are :func:`~iso10002.metrics.summarize`'s, and a test compares the two
    field by field.
    """
    # The pure function checks the arguments and lays out what needs no data (the period,
    # ``at``, the trend buckets); the database fills in the rest.
    empty = summarize(
        (),
        period,
        policy=policy,
        at=at,
        customers=customers,
        first_contact_days=first_contact_days,
    )
    sql = _Sql(source.dialect, source.table)
    params = {"s": to_micros(period.start), "e": to_micros(period.end), "day": _DAY}
    totals = _totals(source, sql, params)
    calendar = policy.calendar if policy is not None else BusinessCalendar.weekdays("UTC")
    received, closed = totals["received"], totals["closed"]
    handled = received + totals["open_at_start"]
    backlog = [totals[f"age{n}"] for n in range(len(AGE_BUCKETS))]
    causes, missing = _root_causes(source, sql, params)
    resolved = _first_contact(source, sql, params, calendar, first_contact_days)
    weekly, monthly = _trends(source, sql, params, empty)
    summary = attrs.evolve(
        empty,
        received=received,
        open_at_start=totals["open_at_start"],
        closed=closed,
        withdrawn=totals["withdrawn"],
        open_at_end=sum(backlog),
        handled=handled,
        backlog_age_buckets=dict(zip(AGE_BUCKETS, backlog, strict=True)),
        time_to_acknowledge=_durations(source, sql, params, totals, "acknowledged_at"),
        time_to_final_response=_durations(source, sql, params, totals, "final_response_at"),
        closed_within=_bands(source, sql, params, calendar),
        upheld=totals["upheld"],
        upheld_rate=rate(totals["upheld"], closed),
        redress_total=_redress(source, sql, params),
        reopened=totals["reopened"],
        reopen_rate=rate(totals["reopened"], totals["closed_or_reopened"]),
        escalated=totals["escalated"],
        escalation_rate=rate(totals["escalated"], handled),
        referred=totals["referred"],
        referral_rate=rate(totals["referred"], handled),
        first_contact_resolved=resolved,
        first_contact_resolution_rate=rate(resolved, received),
        satisfaction=SatisfactionSummary.from_totals(
            offered=totals["offered"],
            answered=totals["answered"],
            responses=totals["responses"],
            score_total=totals["score_total"],
            satisfied=totals["satisfied"],
        ),
        root_causes=causes,
        root_cause_missing=missing,
        vulnerable=totals["vulnerable"],
        vulnerability_unknown=totals["vulnerability_unknown"],
        vulnerable_share=rate(totals["vulnerable"], received - totals["vulnerability_unknown"]),
        rate_per_1000=received * 1000 / customers if customers else None,
        weekly=weekly,
        monthly=monthly,
    )
    if policy is None:
        return summary
    # Business time and SLA targets need the policy's clock for each complaint: only the
    # complaints those figures cover are read, and the pure function does the rest.
    covered = summarize(
        source.snapshots(
            f"{sql.c('f.received_at')} < :e AND ({sql.c('f.received_at')} >= :s"
            f" OR {sql.within('f.acknowledged_at')}"
            f" OR {sql.within('f.final_response_at')})",
            params,
        ),
        period,
        policy=policy,
        at=at,
        customers=customers,
        first_contact_days=first_contact_days,
    )
    return attrs.evolve(
        summary,
        business_time_to_acknowledge=covered.business_time_to_acknowledge,
        business_time_to_final_response=covered.business_time_to_final_response,
        sla_compliance=covered.sla_compliance,
    )


# --- SQL ----------------------------------------------------------------------------------


@attrs.frozen
class _Sql:
    """The few expressions whose SQL differs by dialect, and the common conditions."""

    dialect: str
    table: str

    def c(self, column: str) -> str:
        """``column`` for a ``WHERE`` clause. On SQLite with a unary ``+``, which keeps the
        planner off the indexes: a summary reads most rows, and a scan in table order is
        twenty times faster than as many lookups from an index (SQLite has no statistics
        unless ``ANALYZE`` ran; PostgreSQL has them and chooses well itself)."""
        return f"+{column}" if self.dialect == "sqlite" else column

    def within(self, column: str) -> str:
        """``column`` in the period ``[:s, :e)`` (false when NULL)."""
        c = self.c(column)
        return f"({c} IS NOT NULL AND {c} >= :s AND {c} < :e)"

    @staticmethod
    def ended_before(bound: str) -> str:
        """Closed or withdrawn before ``bound`` (as last recorded); never NULL."""
        return (
            f"((closed_at IS NOT NULL AND closed_at < {bound}) "
            f"OR (withdrawn_at IS NOT NULL AND withdrawn_at < {bound}))"
        )

    def any_instant(self, column: str, condition: str) -> str:
        """Some instant of the JSON array ``column`` meets ``condition`` (on ``v``)."""
        if self.dialect == "postgresql":
            elements = (
                f"(SELECT CAST(j.value AS BIGINT) AS v "
                f"FROM json_array_elements_text(CAST({column} AS JSON)) AS j)"
            )
        else:
            elements = f"(SELECT value AS v FROM json_each({column}))"
        return (
            f"({column} IS NOT NULL AND EXISTS (SELECT 1 FROM {elements} AS x WHERE {condition}))"
        )


def _count(condition: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


def _sum(condition: str, value: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN {value} ELSE 0 END), 0)"


def _totals(source: FactsSource, sql: _Sql, params: Params) -> dict[str, int]:
    """Every count and sum of one scan of the facts received before the period end."""
    closed_in = sql.within("closed_at")
    reopened_in = sql.any_instant("reopenings", "x.v >= :s AND x.v < :e")
    offered_in = sql.within("survey_offered_at")
    answered = (
        f"satisfaction IS NOT NULL AND ({offered_in} OR "
        f"(survey_offered_at IS NULL AND {closed_in}))"
    )
    open_at_end = f"NOT {sql.ended_before(':e')}"
    age = "(:e - received_at) / :day"
    columns: dict[str, str] = {
        "received": _count("received_at >= :s"),
        "open_at_start": _count(f"received_at < :s AND NOT {sql.ended_before(':s')}"),
        "closed": _count(closed_in),
        "withdrawn": _count(sql.within("withdrawn_at")),
        "age0": _count(f"{open_at_end} AND {age} <= 7"),
        "age1": _count(f"{open_at_end} AND {age} > 7 AND {age} <= 28"),
        "age2": _count(f"{open_at_end} AND {age} > 28 AND {age} <= 56"),
        "age3": _count(f"{open_at_end} AND {age} > 56"),
        "upheld": _count(f"{closed_in} AND upheld = 1"),
        "reopened": _count(reopened_in),
        "closed_or_reopened": _count(f"({closed_in} OR {reopened_in})"),
        "escalated": _count(sql.any_instant("escalations", "x.v >= :s AND x.v < :e")),
        "referred": _count(sql.within("referred_at")),
        "offered": _count(offered_in),
        "responses": _count(answered),
        "answered": _count(f"satisfaction IS NOT NULL AND {offered_in}"),
        "score_total": _sum(answered, "satisfaction"),
        "satisfied": _count(f"{answered} AND satisfaction >= 4"),
        "vulnerable": _count("received_at >= :s AND vulnerable = 1"),
        "vulnerability_unknown": _count("received_at >= :s AND vulnerable IS NULL"),
    }
    for milestone in ("acknowledged_at", "final_response_at"):
        measured = sql.within(milestone)
        spent = f"({milestone} - received_at)"
        columns[f"{milestone}_n"] = _count(measured)
        # Whole seconds and the rest apart: a sum of a million durations in microseconds
        # could pass SQLite's 64-bit integers. Both dialects truncate both parts toward 0,
        # so seconds * 1e6 + rest is the exact total.
        columns[f"{milestone}_seconds"] = _sum(measured, f"{spent} / 1000000")
        columns[f"{milestone}_rest"] = _sum(measured, f"{spent} % 1000000")
        columns[f"{milestone}_max"] = f"MAX(CASE WHEN {measured} THEN {spent} END)"
    select = ", ".join(f"{expression} AS {name}" for name, expression in columns.items())
    query = f"SELECT {select} FROM {sql.table} WHERE {sql.c('received_at')} < :e"
    (row,) = list(source.rows(query, params))
    return {
        name: (0 if value is None else int(str(value)))
        for name, value in zip(columns, row, strict=True)
    }


def _durations(
    source: FactsSource, sql: _Sql, params: Params, totals: dict[str, int], milestone: str
) -> DurationStats:
    """Calendar time from receipt to ``milestone``, for milestones in the period.

    The formulas of :mod:`iso10002.metrics.stats`: count, mean (rounded half up) and
    maximum from the SQL totals, the median and 90th percentile by its ``percentile`` over
    the durations, read as integers and sorted.
    """
    n = totals[f"{milestone}_n"]
    if n == 0:
        return DurationStats(0, None, None, None, None)
    total = totals[f"{milestone}_seconds"] * 1_000_000 + totals[f"{milestone}_rest"]
    quotient, remainder = divmod(total, n)
    mean = quotient + (1 if 2 * remainder >= n else 0)
    # The values themselves, sorted here: percentiles need them (as the pure accumulator
    # keeps them), and sorting 8-byte integers in Python beats SQLite's sorter, which spills
    # to temporary files beyond its small cache.
    spent = array(
        "q",
        sorted(
            cast("int", row[0])
            for row in source.rows(
                f"SELECT {milestone} - received_at FROM {sql.table} "
                f"WHERE {sql.c('received_at')} < :e AND {sql.within(milestone)}",
                params,
            )
        ),
    )

    def percentile(p: Fraction) -> int:
        return percentile_of(spent, p)

    return DurationStats(
        count=n,
        mean=timedelta(microseconds=mean),
        median=timedelta(microseconds=percentile(Fraction(1, 2))),
        p90=timedelta(microseconds=percentile(Fraction(9, 10))),
        max=timedelta(microseconds=totals[f"{milestone}_max"]),
    )


def _root_causes(
    source: FactsSource, sql: _Sql, params: Params
) -> tuple[tuple[RootCauseShare, ...], int]:
    rows = source.rows(
        f"SELECT root_cause, COUNT(*) FROM {sql.table} "
        f"WHERE {sql.c('received_at')} < :e AND {sql.within('closed_at')} GROUP BY root_cause",
        params,
    )
    counts: dict[str, int] = {}
    missing = 0
    for category, count in rows:
        if category is None:
            missing = int(str(count))
        else:
            counts[str(category)] = int(str(count))
    with_cause = sum(counts.values())
    pareto: list[RootCauseShare] = []
    running = 0
    for category, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        pareto.append(RootCauseShare(category, count, running / with_cause))
    return tuple(pareto), missing


def _redress(source: FactsSource, sql: _Sql, params: Params) -> dict[str, Decimal]:
    rows = source.rows(
        f"SELECT redress, COUNT(*) FROM {sql.table} WHERE {sql.c('received_at')} < :e "
        f"AND {sql.within('closed_at')} AND redress IS NOT NULL GROUP BY redress",
        params,
    )
    totals: dict[str, Decimal] = {}
    for text, count in rows:
        for currency, amount in parse_redress(str(text)).items():
            totals[currency] = totals.get(currency, Decimal(0)) + amount * int(str(count))
    return dict(sorted(totals.items()))


class _Deadlines:
    """``rule.due(calendar, receipt)`` in microseconds, worked out once per day or hour.

    Over a day (UTC), and failing that over an hour, the deadline is either the same
    instant for every receipt in it (close of business on the 3rd business day, the end of
    the 15th day) or the receipt plus the same span (8 weeks on the local wall clock); both
    are recognised from the deadlines of the first and last microsecond, as deadlines never
    move backwards when receipt moves forwards. An hour that is neither (a clock change
    falls in it) is worked out per receipt.
    """

    def __init__(self, rule: Duration, calendar: BusinessCalendar) -> None:
        self.rule = rule
        self.calendar = calendar
        # (0, due) constant, (1, shift) receipt + shift, (2, 0) see the hours (or receipt).
        self.days: dict[int, tuple[int, int]] = {}
        self.hours: dict[int, tuple[int, int]] = {}

    def _due(self, micros: int) -> int:
        return to_micros(self.rule.due(self.calendar, from_micros(micros)))

    def _piece(self, first: int, size: int) -> tuple[int, int]:
        """``(0, due)`` if constant over ``[first, first + size)``, ``(1, shift)`` if a
        constant shift, ``(2, 0)`` if neither."""
        last = first + size - 1
        early, late = self._due(first), self._due(last)
        if early == late:
            return (0, early)
        if late - last == early - first:
            return (1, early - first)
        return (2, 0)

    def due(self, received: int) -> int:
        """The deadline of a complaint received at ``received`` (microseconds)."""
        day = received // _DAY
        piece = self.days.get(day)
        if piece is None:
            piece = self.days[day] = self._piece(day * _DAY, _DAY)
        kind, value = piece
        if kind == 0:
            return value
        if kind == 1:
            return received + value
        hour = received // _HOUR
        piece = self.hours.get(hour)
        if piece is None:
            piece = self.hours[hour] = self._piece(hour * _HOUR, _HOUR)
        kind, value = piece
        if kind == 0:
            return value
        if kind == 1:
            return received + value
        return self._due(received)


def _bands(
    source: FactsSource, sql: _Sql, params: Params, calendar: BusinessCalendar
) -> dict[str, int]:
    """The closed-within bands (see ``summarize``) of the complaints closed in the period."""
    early = _Deadlines(_FCA_EARLY, calendar)
    eight_weeks = _Deadlines(_FCA_EIGHT_WEEKS, calendar)
    first = _Deadlines(_CFPB_FIRST, calendar)
    final = _Deadlines(_CFPB_FINAL, calendar)
    bands = [0] * len(CLOSED_WITHIN)
    rows = source.rows(
        f"SELECT received_at, closed_at, final_response_at FROM {sql.table} "
        f"WHERE {sql.c('received_at')} < :e AND {sql.within('closed_at')}",
        params,
    )
    typed = cast("Iterable[tuple[int, int, int | None]]", rows)  # BIGINT columns
    for received, closed_at, final_response in typed:
        closed = resolved_at(final_response, closed_at)
        if closed <= early.due(received):
            bands[0] += 1
        elif closed <= eight_weeks.due(received):
            bands[1] += 1
        else:
            bands[2] += 1
        if closed <= first.due(received):
            bands[3] += 1
        elif closed <= final.due(received):
            bands[4] += 1
        else:
            bands[5] += 1
    return dict(zip(CLOSED_WITHIN, bands, strict=True))


def _first_contact(
    source: FactsSource,
    sql: _Sql,
    params: Params,
    calendar: BusinessCalendar,
    days: int,
) -> int:
    """Received in the period and answered by close of business on the ``days``-th
    business day, with no escalation, reopening or referral before the end, not withdrawn."""
    deadline = _Deadlines(CloseOfBusinessDay(days), calendar)
    rows = source.rows(
        f"SELECT received_at, final_response_at FROM {sql.table} "
        f"WHERE {sql.c('received_at')} >= :s AND {sql.c('received_at')} < :e "
        "AND final_response_at IS NOT NULL AND final_response_at < :e "
        "AND withdrawn_at IS NULL AND NOT (referred_at IS NOT NULL AND referred_at < :e) "
        f"AND NOT {sql.any_instant('escalations', 'x.v < :e')} "
        f"AND NOT {sql.any_instant('reopenings', 'x.v < :e')}",
        params,
    )
    due = deadline.due
    return sum(
        final <= due(received) for received, final in cast("Iterable[tuple[int, int]]", rows)
    )


def _trends(
    source: FactsSource, sql: _Sql, params: Params, empty: MetricSummary
) -> tuple[tuple[TrendPoint, ...], tuple[TrendPoint, ...]]:
    """Received and closed per week and per month of the period.

    Counted in SQL per slice of the period, a slice being the largest span (at most an hour)
    that every week and month boundary is a whole number of slices from the start of, then
    the slices are added up per week and per month.
    """
    start = params["s"]
    bounds = [to_micros(p.period.start) - start for p in (*empty.weekly, *empty.monthly)]
    slice_ = gcd(_HOUR, params["e"] - start, *bounds)
    weekly = [[0, 0] for _ in empty.weekly]
    monthly = [[0, 0] for _ in empty.monthly]
    week_starts = [to_micros(p.period.start) for p in empty.weekly]
    month_starts = [to_micros(p.period.start) for p in empty.monthly]
    for column, milestone in ((0, "received_at"), (1, "closed_at")):
        rows = source.rows(
            f"SELECT ({milestone} - :s) / :g AS part, COUNT(*) FROM {sql.table} "
            f"WHERE {sql.c('received_at')} < :e AND {sql.within(milestone)} GROUP BY part",
            {**params, "g": slice_},
        )
        for part, count in rows:
            at = start + int(str(part)) * slice_
            weekly[bisect_right(week_starts, at) - 1][column] += int(str(count))
            monthly[bisect_right(month_starts, at) - 1][column] += int(str(count))
    return (
        tuple(TrendPoint(p.period, r, c) for p, (r, c) in zip(empty.weekly, weekly, strict=True)),
        tuple(TrendPoint(p.period, r, c) for p, (r, c) in zip(empty.monthly, monthly, strict=True)),
    )
