"""The metric summary computed in the database: :func:`summarize_store` and the SQL behind it.

:func:`summarize_store` gives exactly what :func:`~iso10002.metrics.summarize` gives over
``store.find()``, field for field. A store that declares the
:class:`~iso10002.storage.protocol.SupportsMetrics` capability (the SQLite, SQLAlchemy and
Django stores do) computes it in the database; any other store's snapshots are streamed through
the pure function.

In the database, :func:`summarize_facts` reads the metric facts a SQL store keeps beside
each snapshot (:mod:`iso10002.storage.facts`), all in one read transaction:

* **in SQL**, one scan of the facts: received, open at the start, closed, withdrawn, the
  backlog and its age buckets, upheld, reopened, escalated, referred, satisfaction,
  vulnerability; ``GROUP BY`` for the root-cause Pareto, the redress totals (exact
  decimals: equal texts are grouped and multiplied out in Python) and the weekly and
  monthly trends (counted per slice of the period that every trend boundary falls on, then
  added up per week or month).
* **streamed as integers**: the calendar-time durations (one integer per acknowledgement
  or final response in the period: count, mean, median, 90th percentile and maximum are
  worked out in Python, as the pure accumulator does); the closed-within bands and
  first-contact resolution (two integers per complaint), whose deadlines come from the
  business calendar (close of business on the third business day, eight weeks on the local
  wall clock, the end of the 15th day …).
  Each deadline is worked out once per day (or per hour, around midnights and clock
  changes) of receipt, not once per complaint.
* **streamed as snapshots**, only with a ``policy``: the business-time durations and SLA
  compliance need the policy's clock and targets for each complaint, so the snapshots of
  the complaints they cover (received in the period, or acknowledged or answered in it)
  go through the pure function, and those fields are taken from its result.

A breakdown ``by`` one of :data:`PUSHDOWN_DIMENSIONS` is computed the same way: every
query also groups by the complaint's label (``GROUP BY`` a column the store keeps: the
product, category, assignee or complaint type of the complaints table, joined on the
complaint id, or the root cause of the facts, with the missing-value labels of
:mod:`~iso10002.metrics.dimensions`), and the top-level figures are those of the groups
added up, as the pure function adds up its groups' tallies. Any other dimension (channel,
severity, a function …) is not stored in a column, so the snapshots are streamed through
the pure function.

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
    >>> by_product = summarize_store(store, q1, by="product")
    >>> by_product == summarize(store.find(), q1, by="product"), list(by_product.groups)
    (True, ['current account'])
    >>> store.close()
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import Counter
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
from iso10002.metrics.dimensions import NONE, Dimension, dimension
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

__all__ = ["PUSHDOWN_DIMENSIONS", "FactsSource", "summarize_facts", "summarize_store"]

Params = Mapping[str, int]
_DAY = 86_400_000_000
_HOUR = 3_600_000_000

# The group label of each dimension the stores keep a column for, in SQL over the facts row
# ``f`` and its complaint's row ``c`` (storage.common.query_columns): the value
# iso10002.metrics.dimensions gives, missing values included. The model refuses blank
# categories and assignees, and query_columns writes a missing one as NULL; NULLIF also maps
# an empty text to the missing label, as the dimensions' ``or`` does.
_LABELS: Mapping[str, str] = {
    "product": "c.product",
    "category": f"COALESCE(NULLIF(c.category, ''), '{NONE}')",
    "handler": "COALESCE(NULLIF(c.assignee, ''), '(unassigned)')",
    "complaint_type": "c.complaint_type",
    "root_cause": f"COALESCE(f.root_cause, '{NONE}')",  # a RootCause category is never blank
}

_FACT_LABELS = frozenset({"root_cause"})  # in the facts row: no join

PUSHDOWN_DIMENSIONS: frozenset[str] = frozenset(_LABELS)
"""The dimensions (:data:`~iso10002.metrics.dimensions.DIMENSIONS`) a breakdown is computed
by in the database: those whose label is a column the SQL stores keep.

Examples:
    >>> sorted(PUSHDOWN_DIMENSIONS)
    ['category', 'complaint_type', 'handler', 'product', 'root_cause']
"""


class FactsSource(Protocol):
    """A SQL store's facts table, read in one consistent snapshot of the database.

    ``dialect`` is ``"sqlite"`` or ``"postgresql"``; ``table`` names the facts table
    (:data:`~iso10002.storage.facts.FACT_COLUMNS`) and ``complaints`` the complaints table
    (``id`` and the columns of :func:`~iso10002.storage.common.query_columns`; a breakdown
    joins it). ``rows`` runs a ``SELECT`` with ``:name`` parameters; ``snapshots`` gives the
    snapshots of the complaints whose facts row (aliased ``f``) matches the ``where``
    condition.
    """

    dialect: str
    table: str
    complaints: str

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
    (:class:`~iso10002.storage.protocol.SupportsMetrics`), the database computes the
    summary (see the module for which figures go to SQL), and a breakdown ``by`` one of
    :data:`PUSHDOWN_DIMENSIONS` (product, category, handler, complaint type, root cause)
    too; otherwise (another store, another dimension such as channel or severity, a
    function), or with ``pushdown=False``, the store's snapshots received before the period
    end are streamed through the pure function. Either way the result is the same.

    Examples:
        >>> from iso10002.storage import InMemoryStore, SQLiteStore
        >>> from iso10002.testing.builders import history_to
        >>> store = InMemoryStore()
        >>> _ = store.create(history_to("closed"))
        >>> summarize_store(store, Period.parse("2026-01"), by="channel").groups["email"].closed
        1
        >>> sql = SQLiteStore.memory()
        >>> _ = sql.create(history_to("closed"))
        >>> by_handler = summarize_store(sql, Period.parse("2026-01"), by="handler")
        >>> by_handler.groups["(unassigned)"].closed
        1
        >>> sql.close()
    """
    in_sql = by is None or (isinstance(by, str) and by in PUSHDOWN_DIMENSIONS)
    if pushdown and in_sql and isinstance(store, SupportsMetrics):
        return store.summarize(
            period,
            policy=policy,
            at=at,
            customers=customers,
            by=by if isinstance(by, str) else None,
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
    by: str | None = None,
    first_contact_days: int = 1,
) -> MetricSummary:
    """The :class:`~iso10002.metrics.MetricSummary` of a store's facts (see the module).

    SQL stores call this from their ``summarize`` method, inside one read transaction;
    the formulas are :func:`~iso10002.metrics.summarize`'s, and a test compares the two
    field by field. ``by`` a name in :data:`PUSHDOWN_DIMENSIONS` fills ``groups`` in SQL;
    any other dimension name streams the ``source``'s snapshots through the pure function.
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
    params = {"s": to_micros(period.start), "e": to_micros(period.end), "day": _DAY}
    if by is not None and by not in _LABELS:
        dimension(by)  # an unknown name is refused as the pure function refuses it
        return summarize(
            source.snapshots("f.received_at < :e", params),
            period,
            policy=policy,
            at=at,
            customers=customers,
            by=by,
            first_contact_days=first_contact_days,
        )
    sql = _Sql.of(source, by)
    calendar = policy.calendar if policy is not None else BusinessCalendar.weekdays("UTC")
    # One _Figures per group label (None: no breakdown), every complaint received before the
    # end in exactly one: the pure function's groups (see summarize).
    figures = _totals(source, sql, params, len(empty.weekly), len(empty.monthly))
    for milestone in ("acknowledged_at", "final_response_at"):
        _durations(source, sql, params, figures, milestone)
    _root_causes(source, sql, params, figures)
    _redress(source, sql, params, figures)
    _bands(source, sql, params, figures, calendar)
    _first_contact(source, sql, params, figures, calendar, days=first_contact_days)
    _trends(source, sql, params, figures, empty)
    if by is None:
        total = figures[None]
    else:
        total = _Figures(len(empty.weekly), len(empty.monthly))
        for part in figures.values():
            total.merge(part)
    summary = _summary(empty, total)
    groups: dict[str, MetricSummary] = {}
    if by is not None:  # the labels are text: the groups come in the pure function's order
        for label in sorted(str(key) for key in figures):
            groups[label] = _summary(empty, figures[label])
    if policy is not None:
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
            by=by,
            first_contact_days=first_contact_days,
        )
        summary = _with_business_time(summary, covered)
        # A group none of whose complaints is covered keeps the empty figures.
        groups = {
            key: _with_business_time(group, covered.groups.get(key, empty))
            for key, group in groups.items()
        }
    return attrs.evolve(summary, by=by, groups=groups)


def _with_business_time(summary: MetricSummary, covered: MetricSummary) -> MetricSummary:
    return attrs.evolve(
        summary,
        business_time_to_acknowledge=covered.business_time_to_acknowledge,
        business_time_to_final_response=covered.business_time_to_final_response,
        sla_compliance=covered.sla_compliance,
    )


class _Figures:
    """What the queries count for one group (or for the whole period): the additive totals,
    the durations, the root causes, the redress, the bands and the trends."""

    def __init__(self, weeks: int, months: int) -> None:
        self.totals: dict[str, int] = {}
        self.durations: dict[str, array[int]] = {
            "acknowledged_at": array("q"),
            "final_response_at": array("q"),
        }
        self.causes: Counter[str] = Counter()
        self.cause_missing = 0
        self.redress: dict[str, Decimal] = {}
        self.bands = [0] * len(CLOSED_WITHIN)
        self.first_contact = 0
        self.weekly = [[0, 0] for _ in range(weeks)]
        self.monthly = [[0, 0] for _ in range(months)]

    def merge(self, other: _Figures) -> None:
        """Add ``other``'s figures to these (a total is the sum of its groups)."""
        for name, value in other.totals.items():
            self.totals[name] = self.totals.get(name, 0) + value
        for milestone, values in other.durations.items():
            self.durations[milestone].extend(values)
        self.causes.update(other.causes)
        self.cause_missing += other.cause_missing
        for currency, amount in other.redress.items():
            self.redress[currency] = self.redress.get(currency, Decimal(0)) + amount
        self.bands = [a + b for a, b in zip(self.bands, other.bands, strict=True)]
        self.first_contact += other.first_contact
        for rows, more in ((self.weekly, other.weekly), (self.monthly, other.monthly)):
            for row, extra in zip(rows, more, strict=True):
                row[0] += extra[0]
                row[1] += extra[1]


def _summary(empty: MetricSummary, figures: _Figures) -> MetricSummary:
    """The summary of ``figures``: the formulas of :func:`~iso10002.metrics.summarize` (the
    fields that need a policy are ``empty``'s, filled in from the snapshots)."""
    totals = {name: figures.totals.get(name, 0) for name in _TOTALS}
    received, closed = totals["received"], totals["closed"]
    handled = received + totals["open_at_start"]
    backlog = [totals[f"age{n}"] for n in range(len(AGE_BUCKETS))]
    resolved = figures.first_contact
    customers = empty.customers
    return attrs.evolve(
        empty,
        received=received,
        open_at_start=totals["open_at_start"],
        closed=closed,
        withdrawn=totals["withdrawn"],
        open_at_end=sum(backlog),
        handled=handled,
        backlog_age_buckets=dict(zip(AGE_BUCKETS, backlog, strict=True)),
        time_to_acknowledge=_duration_stats(figures.durations["acknowledged_at"]),
        time_to_final_response=_duration_stats(figures.durations["final_response_at"]),
        closed_within=dict(zip(CLOSED_WITHIN, figures.bands, strict=True)),
        upheld=totals["upheld"],
        upheld_rate=rate(totals["upheld"], closed),
        redress_total=dict(sorted(figures.redress.items())),
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
        root_causes=_pareto(figures.causes),
        root_cause_missing=figures.cause_missing,
        vulnerable=totals["vulnerable"],
        vulnerability_unknown=totals["vulnerability_unknown"],
        vulnerable_share=rate(totals["vulnerable"], received - totals["vulnerability_unknown"]),
        rate_per_1000=received * 1000 / customers if customers else None,
        weekly=tuple(
            TrendPoint(p.period, r, c)
            for p, (r, c) in zip(empty.weekly, figures.weekly, strict=True)
        ),
        monthly=tuple(
            TrendPoint(p.period, r, c)
            for p, (r, c) in zip(empty.monthly, figures.monthly, strict=True)
        ),
    )


def _duration_stats(values: array[int]) -> DurationStats:
    """The formulas of :mod:`iso10002.metrics.stats`, over durations in microseconds: count,
    mean (rounded half up), its ``percentile`` for the median and 90th percentile, maximum."""
    n = len(values)
    if n == 0:
        return DurationStats(0, None, None, None, None)
    # Sorted here: sorting 8-byte integers in Python beats SQLite's sorter, which spills to
    # temporary files beyond its small cache. Python's integers never overflow the sum.
    ordered = array("q", sorted(values))
    quotient, remainder = divmod(sum(ordered), n)
    mean = quotient + (1 if 2 * remainder >= n else 0)
    return DurationStats(
        count=n,
        mean=timedelta(microseconds=mean),
        median=timedelta(microseconds=percentile_of(ordered, Fraction(1, 2))),
        p90=timedelta(microseconds=percentile_of(ordered, Fraction(9, 10))),
        max=timedelta(microseconds=ordered[-1]),
    )


def _pareto(counts: Counter[str]) -> tuple[RootCauseShare, ...]:
    with_cause = sum(counts.values())
    pareto: list[RootCauseShare] = []
    running = 0
    for category, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        running += count
        pareto.append(RootCauseShare(category, count, running / with_cause))
    return tuple(pareto)


# --- SQL ----------------------------------------------------------------------------------


@attrs.frozen
class _Sql:
    """The few expressions whose SQL differs by dialect, the common conditions, and what
    every query reads: ``source`` (the facts, or with a breakdown the facts with the label of
    their group as ``grp``)."""

    dialect: str
    source: str
    grouped: bool = False

    @classmethod
    def of(cls, facts: FactsSource, by: str | None) -> _Sql:
        """The SQL of ``facts``, grouped by the label of dimension ``by`` (if any)."""
        if by is None:
            return cls(facts.dialect, facts.table)
        label = _LABELS[by]
        join = (
            "" if by in _FACT_LABELS else f" JOIN {facts.complaints} AS c ON c.id = f.complaint_id"
        )
        source = f"(SELECT f.*, {label} AS grp FROM {facts.table} AS f{join}) AS f"
        return cls(facts.dialect, source, grouped=True)

    def select(self, columns: str, where: str) -> str:
        """``SELECT`` the group label (NULL without a breakdown), then ``columns``, of each
        fact received before the end that meets ``where``."""
        return (
            f"SELECT {'grp' if self.grouped else 'NULL'}, {columns} FROM {self.source} "
            f"WHERE {self.c('received_at')} < :e AND {where}"
        )

    def count(self, columns: str, where: str, *keys: str) -> str:
        """:meth:`select` with aggregate ``columns``, per group and value of ``keys``."""
        keys = ("grp", *keys) if self.grouped else keys
        grouped = f" GROUP BY {', '.join(keys)}" if keys else ""
        return self.select(columns, where) + grouped

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


_Groups = dict[str | None, _Figures]
"""The figures of each group label (``None``: the only one, without a breakdown)."""


def _count(condition: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN 1 ELSE 0 END), 0)"


def _sum(condition: str, value: str) -> str:
    return f"COALESCE(SUM(CASE WHEN {condition} THEN {value} ELSE 0 END), 0)"


_TOTALS = (
    "received",
    "open_at_start",
    "closed",
    "withdrawn",
    "age0",
    "age1",
    "age2",
    "age3",
    "upheld",
    "reopened",
    "closed_or_reopened",
    "escalated",
    "referred",
    "offered",
    "responses",
    "answered",
    "score_total",
    "satisfied",
    "vulnerable",
    "vulnerability_unknown",
)


def _totals(source: FactsSource, sql: _Sql, params: Params, weeks: int, months: int) -> _Groups:
    """Every count and sum of one scan of the facts received before the period end, per
    group: the groups themselves (the labels of every complaint received before the end)."""
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
    assert tuple(columns) == _TOTALS
    select = ", ".join(f"{expression} AS {name}" for name, expression in columns.items())
    groups: _Groups = {}
    for key, *values in source.rows(sql.count(select, "1 = 1"), params):
        figures = groups[cast("str | None", key)] = _Figures(weeks, months)
        figures.totals = {
            name: (0 if value is None else int(str(value)))
            for name, value in zip(columns, values, strict=True)
        }
    return groups


def _durations(
    source: FactsSource, sql: _Sql, params: Params, groups: _Groups, milestone: str
) -> None:
    """Calendar time from receipt to ``milestone``, for milestones in the period: the
    values, read as integers (percentiles need them, as the pure accumulator keeps them)."""
    rows = source.rows(sql.select(f"{milestone} - received_at", sql.within(milestone)), params)
    for key, spent in cast("Iterable[tuple[str | None, int]]", rows):
        groups[key].durations[milestone].append(spent)


def _root_causes(source: FactsSource, sql: _Sql, params: Params, groups: _Groups) -> None:
    rows = source.rows(
        sql.count("root_cause, COUNT(*)", sql.within("closed_at"), "root_cause"), params
    )
    for key, category, count in rows:
        figures = groups[cast("str | None", key)]
        if category is None:
            figures.cause_missing = int(str(count))
        else:
            figures.causes[str(category)] = int(str(count))


def _redress(source: FactsSource, sql: _Sql, params: Params, groups: _Groups) -> None:
    rows = source.rows(
        sql.count(
            "redress, COUNT(*)", f"{sql.within('closed_at')} AND redress IS NOT NULL", "redress"
        ),
        params,
    )
    for key, text, count in rows:
        totals = groups[cast("str | None", key)].redress
        for currency, amount in parse_redress(str(text)).items():
            totals[currency] = totals.get(currency, Decimal(0)) + amount * int(str(count))


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
    source: FactsSource, sql: _Sql, params: Params, groups: _Groups, calendar: BusinessCalendar
) -> None:
    """The closed-within bands (see ``summarize``) of the complaints closed in the period."""
    early = _Deadlines(_FCA_EARLY, calendar)
    eight_weeks = _Deadlines(_FCA_EIGHT_WEEKS, calendar)
    first = _Deadlines(_CFPB_FIRST, calendar)
    final = _Deadlines(_CFPB_FINAL, calendar)
    rows = source.rows(
        sql.select("received_at, closed_at, final_response_at", sql.within("closed_at")), params
    )
    typed = cast("Iterable[tuple[str | None, int, int, int | None]]", rows)  # BIGINT columns
    for key, received, closed_at, final_response in typed:
        bands = groups[key].bands
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


def _first_contact(
    source: FactsSource,
    sql: _Sql,
    params: Params,
    groups: _Groups,
    calendar: BusinessCalendar,
    *,
    days: int,
) -> None:
    """Received in the period and answered by close of business on the ``days``-th
    business day, with no escalation, reopening or referral before the end, not withdrawn."""
    due = _Deadlines(CloseOfBusinessDay(days), calendar).due
    rows = source.rows(
        sql.select(
            "received_at, final_response_at",
            f"{sql.c('received_at')} >= :s "
            "AND final_response_at IS NOT NULL AND final_response_at < :e "
            "AND withdrawn_at IS NULL AND NOT (referred_at IS NOT NULL AND referred_at < :e) "
            f"AND NOT {sql.any_instant('escalations', 'x.v < :e')} "
            f"AND NOT {sql.any_instant('reopenings', 'x.v < :e')}",
        ),
        params,
    )
    for key, received, final in cast("Iterable[tuple[str | None, int, int]]", rows):
        if final <= due(received):
            groups[key].first_contact += 1


def _trends(
    source: FactsSource, sql: _Sql, params: Params, groups: _Groups, empty: MetricSummary
) -> None:
    """Received and closed per week and per month of the period.

    Counted in SQL per slice of the period, a slice being the largest span (at most an hour)
    that every week and month boundary is a whole number of slices from the start of, then
    the slices are added up per week and per month.
    """
    start = params["s"]
    bounds = [to_micros(p.period.start) - start for p in (*empty.weekly, *empty.monthly)]
    slice_ = gcd(_HOUR, params["e"] - start, *bounds)
    week_starts = [to_micros(p.period.start) for p in empty.weekly]
    month_starts = [to_micros(p.period.start) for p in empty.monthly]
    for column, milestone in ((0, "received_at"), (1, "closed_at")):
        rows = source.rows(
            sql.count(f"({milestone} - :s) / :g AS part, COUNT(*)", sql.within(milestone), "part"),
            {**params, "g": slice_},
        )
        for key, part, count in rows:
            figures = groups[cast("str | None", key)]
            at = start + int(str(part)) * slice_
            figures.weekly[bisect_right(week_starts, at) - 1][column] += int(str(count))
            figures.monthly[bisect_right(month_starts, at) - 1][column] += int(str(count))
