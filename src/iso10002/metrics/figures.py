"""The small records a :class:`~iso10002.metrics.summary.MetricSummary` is made of.

Each is an immutable ``attrs`` record with a ``to_dict()`` giving JSON-safe values; the
formulas that fill them are documented on :func:`~iso10002.metrics.summary.summarize`.

Examples:
    >>> SlaCompliance.of(met=9, breached=1, pending=2).rate
    0.9
    >>> SlaCompliance.of(met=0, breached=0, pending=3).rate is None
    True
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import attrs

from iso10002.metrics.period import Period

__all__ = [
    "RootCauseShare",
    "SatisfactionSummary",
    "SlaCompliance",
    "TrendPoint",
    "rate",
]


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator``, or ``None`` when the denominator is 0.

    Examples:
        >>> rate(1, 4), rate(0, 0)
        (0.25, None)
    """
    return numerator / denominator if denominator else None


@attrs.frozen
class SlaCompliance:
    """One SLA target's results: ``rate = met / (met + breached)``; pending targets wait.

    ``pending`` counts targets not yet met whose deadline has not passed (at risk ones
    included); ``rate`` is ``None`` while nothing has been met or breached.
    """

    met: int
    breached: int
    pending: int
    rate: float | None

    @classmethod
    def of(cls, *, met: int, breached: int, pending: int) -> SlaCompliance:
        """The compliance of these counts, ``rate`` computed."""
        return cls(met, breached, pending, rate(met, met + breached))

    def to_dict(self) -> dict[str, int | float | None]:
        """JSON-safe fields."""
        return {
            "met": self.met,
            "breached": self.breached,
            "pending": self.pending,
            "rate": self.rate,
        }


@attrs.frozen
class SatisfactionSummary:
    """Satisfaction with the complaints-handling process (ISO 10002 8.3).

    ``surveys_offered``: complaints offered a survey in the period; ``responses``: scores
    recorded for the period's complaints; ``mean_score``: their mean (1 to 5);
    ``satisfied_share``: the share scoring 4 or 5; ``response_rate``: the share of the
    surveys offered that were answered. Each rate is ``None`` when its denominator is 0.

    Examples:
        >>> SatisfactionSummary.of(offered=4, scores=[5, 4, 2]).satisfied_share
        0.6666666666666666
    """

    surveys_offered: int
    responses: int
    mean_score: float | None
    satisfied_share: float | None
    response_rate: float | None

    @property
    def count(self) -> int:
        """The number of scores (``responses``)."""
        return self.responses

    @classmethod
    def of(cls, *, offered: int, scores: list[int]) -> SatisfactionSummary:
        """From the number of surveys offered and the scores they received."""
        return cls.from_totals(
            offered=offered,
            answered=min(offered, len(scores)),
            responses=len(scores),
            score_total=sum(scores),
            satisfied=sum(1 for s in scores if s >= 4),
        )

    @classmethod
    def from_totals(
        cls, *, offered: int, answered: int, responses: int, score_total: int, satisfied: int
    ) -> SatisfactionSummary:
        """From running totals (what a one-pass tally keeps); ``answered`` of ``offered``."""
        return cls(
            surveys_offered=offered,
            responses=responses,
            mean_score=score_total / responses if responses else None,
            satisfied_share=rate(satisfied, responses),
            response_rate=rate(answered, offered),
        )

    def to_dict(self) -> dict[str, int | float | None]:
        """JSON-safe fields."""
        return attrs.asdict(self)


@attrs.frozen
class RootCauseShare:
    """One bar of the root-cause Pareto: a category, its count, the cumulative share so far.

    ``cumulative_share`` is the count of this category and of every category ranked before
    it, divided by the number of complaints with a root cause (the last one is 1.0). It
    unpacks as ``(category, count, cumulative_share)``.

    Examples:
        >>> category, count, share = RootCauseShare("system", 3, 0.75)
        >>> category, count, share
        ('system', 3, 0.75)
    """

    category: str
    count: int
    cumulative_share: float

    def __iter__(self) -> Iterator[str | int | float]:
        return iter((self.category, self.count, self.cumulative_share))

    def to_dict(self) -> dict[str, str | int | float]:
        """JSON-safe fields."""
        return {
            "category": self.category,
            "count": self.count,
            "cumulative_share": self.cumulative_share,
        }


@attrs.frozen
class TrendPoint:
    """Complaints received and closed in one sub-period (a week or a month) of the period.

    It unpacks as ``(period, received, closed)``.
    """

    period: Period
    received: int
    closed: int

    def __iter__(self) -> Iterator[Period | int]:
        return iter((self.period, self.received, self.closed))

    def to_dict(self) -> dict[str, str | int]:
        """JSON-safe fields, the sub-period as its label and ISO 8601 bounds."""
        return {
            "period": self.period.label,
            "start": self.period.start.isoformat(),
            "end": self.period.end.isoformat(),
            "received": self.received,
            "closed": self.closed,
        }


def money_dict(totals: dict[str, Decimal]) -> dict[str, str]:
    """Amounts per currency as decimal strings (JSON has no exact decimal number).

    Examples:
        >>> money_dict({"GBP": Decimal("12.50")})
        {'GBP': '12.50'}
    """
    return {currency: str(amount) for currency, amount in sorted(totals.items())}
