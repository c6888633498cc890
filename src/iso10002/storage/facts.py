"""The metric facts SQL stores keep beside each snapshot, for metrics computed in the database.

:func:`metric_facts` reduces a :class:`~iso10002.model.Complaint` to the few values
:func:`iso10002.metrics.summarize` reads from it: the instants of its milestones (integer
microseconds since 1970 UTC, as every SQL store keeps instants), whether its outcome is
upheld, its redress per currency, its root cause, satisfaction score and vulnerability, and
its reopenings and escalations. A SQL store writes them in the same transaction as the
snapshot, so they always say what the snapshot says, and ``verify_integrity`` checks that
they do. :mod:`iso10002.metrics.pushdown` aggregates them in SQL.

One definition for every SQL store: the SQLite store keeps them in ``complaint_facts``, the
SQLAlchemy and Django stores in ``iso10002_complaint_facts``, with the columns of
:data:`FACT_COLUMNS`.

Examples:
    >>> from iso10002.testing.builders import complaint_in
    >>> facts = metric_facts(complaint_in("closed"))
    >>> facts["upheld"], facts["redress"], facts["vulnerable"], facts["reopenings"]
    (1, 'GBP 25.00', 0, None)
    >>> parse_redress(facts["redress"])
    {'GBP': Decimal('25.00')}
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from iso10002.model import Complaint
from iso10002.storage.common import to_micros

__all__ = [
    "FACT_COLUMNS",
    "FactRow",
    "fact_differences",
    "metric_facts",
    "parse_redress",
]

FactRow = dict[str, "str | int | None"]
"""Column name to value, as :func:`metric_facts` gives them."""

FACT_COLUMNS = (
    "complaint_id",
    "received_at",
    "acknowledged_at",
    "final_response_at",
    "closed_at",
    "withdrawn_at",
    "referred_at",
    "survey_offered_at",
    "upheld",
    "redress",
    "root_cause",
    "satisfaction",
    "vulnerable",
    "reopenings",
    "escalations",
)
"""The columns of a facts row, in table order."""


def _micros(at: datetime | None) -> int | None:
    return None if at is None else to_micros(at)


def _instants(values: tuple[datetime, ...]) -> str | None:
    """Several instants as a JSON array of microseconds (``None`` for none): SQL reads them
    with ``json_each`` (SQLite) or ``json_array_elements_text`` (PostgreSQL)."""
    return json.dumps([to_micros(v) for v in values]) if values else None


def _redress(complaint: Complaint) -> str | None:
    """The redress of every decision, summed per currency: ``"EUR 10.00;GBP 75.00"``.

    Text, so the sums stay exact decimals; a database groups equal texts and Python adds
    them up (:func:`parse_redress`).
    """
    totals: dict[str, Decimal] = {}
    for decision in complaint.decisions:
        if decision.redress is not None:
            money = decision.redress.amount
            totals[money.currency] = totals.get(money.currency, Decimal(0)) + money.amount
    if not totals:
        return None
    return ";".join(f"{currency} {amount}" for currency, amount in sorted(totals.items()))


def parse_redress(text: str) -> dict[str, Decimal]:
    """The per-currency amounts a ``redress`` fact holds.

    Examples:
        >>> parse_redress("EUR 10.5;GBP 25.00")
        {'EUR': Decimal('10.5'), 'GBP': Decimal('25.00')}
    """
    amounts: dict[str, Decimal] = {}
    for part in text.split(";"):
        currency, _, amount = part.partition(" ")
        amounts[currency] = Decimal(amount)
    return amounts


def metric_facts(complaint: Complaint) -> FactRow:
    """The facts row of ``complaint`` (see the module): what SQL aggregates read.

    ``vulnerable`` is 1 or 0, or ``None`` when the complainant record was erased (unknown);
    ``upheld`` is 1 when the latest outcome is upheld or partially upheld (as the FCA
    counts), else 0.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> metric_facts(complaint_in("withdrawn"))["withdrawn_at"] is not None
        True
    """
    c = complaint
    outcome = c.outcome
    return {
        "complaint_id": c.id,
        "received_at": to_micros(c.received_at),
        "acknowledged_at": _micros(c.acknowledged_at),
        "final_response_at": _micros(c.final_response_at),
        "closed_at": _micros(c.closed_at),
        "withdrawn_at": _micros(c.withdrawn_at),
        "referred_at": _micros(c.referred_at),
        "survey_offered_at": _micros(c.survey_offered_at),
        "upheld": int(outcome is not None and outcome.is_upheld),
        "redress": _redress(c),
        "root_cause": None if c.root_cause is None else c.root_cause.category,
        "satisfaction": None if c.satisfaction is None else c.satisfaction.score,
        "vulnerable": (
            None if c.complainant is None else int(c.complainant.vulnerability.identified)
        ),
        "reopenings": _instants(c.reopenings),
        "escalations": _instants(c.escalations),
    }


def fact_differences(stored: FactRow | None, complaint: Complaint) -> list[str]:
    """The names of the facts columns that differ from what ``complaint`` says (all when the
    row is missing), for ``verify_integrity``.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("closed")
        >>> fact_differences(metric_facts(c), c), fact_differences(None, c)[:1]
        ([], ['complaint_id'])
    """
    expected = metric_facts(complaint)
    if stored is None:
        return list(FACT_COLUMNS)
    return sorted(name for name, value in expected.items() if stored.get(name) != value)
