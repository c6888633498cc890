"""A CFPB-shaped CSV of a store's complaints: the Python side of ``iso10002 export``.

:func:`export_cfpb` writes one row per complaint with the columns of the CFPB Consumer
Complaint Database (:data:`CFPB_EXPORT_COLUMNS`), streamed from ``store.find(query)`` (memory
does not grow with the store) and written through :mod:`iso10002.csvsafe`, so no cell can
become a spreadsheet formula. :func:`cfpb_row` gives one complaint's row;
:data:`CFPB_EXPORT_NOTES` says how each column is derived, and which are left empty because
the record does not hold them. :func:`period_bounds` reads ``--period`` values.

Dates are calendar dates in ``zone`` (default America/New_York, as the import reads them).
"Timely" follows the CFPB Company Portal Manual 8.1 (a response within 15 calendar days of
the date sent to the company); that the database's *Timely response?* means exactly this is
an inference, UNCONFIRMED.

Examples:
    >>> import io
    >>> from iso10002.storage import InMemoryStore
    >>> from iso10002.testing.builders import history_to
    >>> store = InMemoryStore()
    >>> _ = store.create(history_to("closed"))
    >>> out = io.StringIO()
    >>> export_cfpb(store, out, company="Acme Bank")
    1
    >>> import csv
    >>> row = next(csv.DictReader(io.StringIO(out.getvalue())))
    >>> row["Date sent to company"], row["Company response to consumer"], row["Timely response?"]
    ('2026-01-05', 'Closed with monetary relief', 'Yes')
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import IO

from iso10002.clock import Clock, system_clock
from iso10002.csvsafe import Cell, write_csv
from iso10002.metrics.import_cfpb import CFPB, CFPB_COLUMNS, CFPB_RESPONSES, CFPB_ZONE
from iso10002.metrics.period import Period
from iso10002.model import Channel, Complaint, ComplaintState, Decision, RedressKind
from iso10002.sla.calendar import _zone as zone_named
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore

__all__ = [
    "CFPB_EXPORT_COLUMNS",
    "CFPB_EXPORT_NOTES",
    "cfpb_row",
    "export_cfpb",
    "period_bounds",
]

CFPB_EXPORT_COLUMNS = CFPB_COLUMNS
"""The columns written, in the CFPB database's order."""

_VIA: Mapping[Channel, str] = {
    Channel.WEB: "Web",
    Channel.REFERRAL: "Referral",
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.LETTER: "Postal mail",
}
_RESPONSE_SPELLING = {key.casefold(): key for key in CFPB_RESPONSES if key}
_WINDOW_DAYS = 15  # CFPB Company Portal Manual 8.1

CFPB_EXPORT_NOTES: Mapping[str, str] = {
    "Date received": "`originally_received_at` (else `received_at`), as a date in the zone",
    "Product": "`classification.product`",
    "Sub-product": "`classification.sub_product`",
    "Issue": "`classification.issue`",
    "Sub-issue": "`classification.sub_issue`",
    "Consumer complaint narrative": "empty, unless `narratives=True` (`--narratives`): then "
    "the description, except an erased one or the import's placeholder. It is personal data: "
    "the CFPB publishes narratives only with consent and scrubbed",
    "Company public response": "empty (not recorded)",
    "Company": "the `company` given (`--company`), else empty",
    "State": "empty (not recorded)",
    "ZIP code": "empty (not recorded)",
    "Tags": "empty (not recorded)",
    "Consumer consent provided?": "empty (not recorded)",
    "Submitted via": "`channel`: web → Web, referral → Referral, phone → Phone, email → "
    "Email, letter → Postal mail; other channels (chat, app, social media, in person, other) "
    "have no CFPB value and are left empty",
    "Date sent to company": "`received_at` (the organisation's receipt), as a date in the zone",
    "Company response to consumer": "the latest communicated decision: its reasons when they "
    "are a CFPB response (as an import records them); else upheld with money paid → Closed "
    "with monetary relief, upheld otherwise → Closed with non-monetary relief, not upheld or "
    "resolved informally → Closed with explanation. Without one: Closed (closed or withdrawn), "
    "In progress (a holding response sent, or not yet 15 days old), Untimely response",
    "Timely response?": "Yes when the first response (holding or final) came within 15 calendar "
    "days of the date sent, No when later or still missing after them, else empty",
    "Consumer disputed?": "Yes when the complainant rejected the communicated decision, No when "
    "they accepted it, else N/A",
    "Complaint ID": "`external_ref` (the source's id, as an import records it), else the id",
}
"""How each exported column is derived, for the reference docs."""


def _day(instant: datetime, zone: str) -> date:
    return instant.astimezone(zone_named(zone)).date()


def _communicated(complaint: Complaint) -> Decision | None:
    for decision in reversed(complaint.decisions):
        if decision.communicated_at is not None:
            return decision
    return None


def _response(complaint: Complaint, decision: Decision | None, overdue: bool) -> str:
    if decision is not None:
        known = _RESPONSE_SPELLING.get(decision.reasons.strip().casefold())
        if known is not None and CFPB_RESPONSES[known] is not None:
            return known
        if decision.outcome.is_upheld:
            redress = decision.redress
            paid = (
                redress is not None
                and redress.kind is not RedressKind.NON_MONETARY
                and redress.amount.amount > 0
            )
            return "Closed with monetary relief" if paid else "Closed with non-monetary relief"
        return "Closed with explanation"
    if complaint.state in (ComplaintState.CLOSED, ComplaintState.WITHDRAWN):
        return "Closed"
    if complaint.holding_response_at is not None or not overdue:
        return "In progress"
    return "Untimely response"


def _narrative(complaint: Complaint) -> str | None:
    if complaint.redacted_at is not None:
        return None
    labels = {
        "source": CFPB.source,
        "row_id": complaint.external_ref or "",
        "product": complaint.classification.product,
        "sub_product": complaint.classification.sub_product,
        "issue": complaint.classification.issue,
        "sub_issue": complaint.classification.sub_issue,
        "category": complaint.classification.category,
    }
    template = CFPB.description.fallback or ""
    placeholder = re.sub(r"\{([a-z_]+)\}", lambda m: labels.get(m.group(1)) or "", template)
    return None if complaint.description == placeholder.strip() else complaint.description


def cfpb_row(
    complaint: Complaint,
    *,
    at: datetime,
    zone: str = CFPB_ZONE,
    company: str | None = None,
    narratives: bool = False,
) -> tuple[Cell, ...]:
    """One complaint as a row of :data:`CFPB_EXPORT_COLUMNS`, judged at ``at`` (for the
    untimely ones); see :data:`CFPB_EXPORT_NOTES`.

    Examples:
        >>> from datetime import timedelta
        >>> from iso10002.testing.builders import START, complaint_in
        >>> row = cfpb_row(complaint_in("acknowledged"), at=START + timedelta(days=30))
        >>> row[CFPB_EXPORT_COLUMNS.index("Company response to consumer")]
        'Untimely response'
    """
    sent = _day(complaint.received_at, zone)
    # The end of the 15th calendar day after the date sent (CFPB Company Portal Manual 8.1).
    deadline = datetime.combine(
        sent + timedelta(days=_WINDOW_DAYS + 1), time(0), tzinfo=zone_named(zone)
    )
    decision = _communicated(complaint)
    answers = [t for t in (complaint.holding_response_at, complaint.final_response_at) if t]
    first = min(answers) if answers else None
    if first is not None:
        timely = "Yes" if first < deadline else "No"
    else:
        timely = "No" if at >= deadline else ""
    disputed = "N/A"
    if decision is not None and decision.rejected_at is not None:
        disputed = "Yes"
    elif decision is not None and decision.accepted_at is not None:
        disputed = "No"
    c = complaint.classification
    original = complaint.originally_received_at or complaint.received_at
    return (
        _day(original, zone).isoformat(),
        c.product,
        c.sub_product,
        c.issue,
        c.sub_issue,
        _narrative(complaint) if narratives else None,
        None,
        company,
        None,
        None,
        None,
        None,
        _VIA.get(complaint.channel),
        sent.isoformat(),
        _response(complaint, decision, overdue=at >= deadline),
        timely,
        disputed,
        complaint.external_ref or complaint.id,
    )


def export_cfpb(
    store: ComplaintStore,
    out: IO[str],
    *,
    query: ComplaintQuery = ComplaintQuery(),
    zone: str = CFPB_ZONE,
    company: str | None = None,
    narratives: bool = False,
    at: datetime | None = None,
    clock: Clock = system_clock,
) -> int:
    """Write the complaints ``query`` finds to ``out`` as CFPB-shaped CSV; the rows written.

    Open ``out`` with ``newline=""``. Rows stream from the store in receipt order.
    ``at`` (default ``clock()``) is the instant unanswered complaints are judged at.
    """
    zone_named(zone)
    when = clock() if at is None else at
    rows: Iterator[tuple[Cell, ...]] = (
        cfpb_row(c, at=when, zone=zone, company=company, narratives=narratives)
        for c in store.find(query)
    )
    return write_csv(out, CFPB_EXPORT_COLUMNS, rows)


def period_bounds(text: str, zone: str = CFPB_ZONE) -> tuple[datetime, datetime]:
    """The half-open range ``[start, end)`` a period names, its days read in ``zone``.

    Any label :meth:`iso10002.metrics.Period.parse` reads: ``2026`` (a year), ``2026Q3`` (a
    quarter), ``2026H1`` (a half-year), ``2026-07`` (a month), ``2026-W27`` (an ISO week), or
    ``2026-07-01..2026-09-30`` (from one date to another, both included).

    Examples:
        >>> [t.isoformat() for t in period_bounds("2026Q3", "UTC")]
        ['2026-07-01T00:00:00+00:00', '2026-10-01T00:00:00+00:00']
        >>> period_bounds("2026-07-01..2026-07-31", "UTC")[1].isoformat()
        '2026-08-01T00:00:00+00:00'
    """
    period = Period.parse(text, tz=zone_named(zone))
    return period.start, period.end
