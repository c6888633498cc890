"""Regulatory returns: FCA complaints-return aggregates and ASIC IDR data rows.

Both read the same one-pass figures as :func:`~iso10002.metrics.summary.summarize` and
write CSV through :mod:`iso10002.csvsafe`, so no cell can turn into a spreadsheet formula.
The CFPB-shaped export is :func:`iso10002.metrics.exports.export_cfpb` (one row per
complaint, the columns of the CFPB Consumer Complaint Database); it is not repeated here.

**FCA (DISP 1.10, DISP 1 Annex 1R).** Twice a year a firm reports, per product group:
complaints outstanding at the start of the reporting period, opened, closed, closed within
the bands (within 3 business days; after that but within 8 weeks; after 8 weeks), upheld
(partially upheld counts as upheld) and redress paid. :func:`fca_reporting_period` gives the
six (or, for firms that report yearly, twelve) months ending on a date. The firm's periods
run from its accounting reference date; the current band wording, the period dates of the
PS25/19 consolidated return (from 2027) and its field list are UNCONFIRMED (see the
reference notes), so check them before filing.

**ASIC (RG 271, IDR data reporting instrument 2022/205).** Reporting periods are 1 January
to 30 June and 1 July to 31 December, submitted by the end of February and 31 August; the
data file has one row per complaint received in the period or open at its start.
:func:`asic_idr_rows` gives those rows with the data elements the reference notes list
(unique identifier, brand, complaint type, current status, method received, dates received
and closed, days to resolve, whether a representative acts, product or service, issue,
outcome, financial compensation). The exact element names and codes of ASIC's current data
dictionary are UNCONFIRMED: the column names here are descriptive, map them before filing.
The complainant's gender, age and postcode are not held by the record and are left empty.

Examples:
    >>> from iso10002.testing.builders import complaint_in
    >>> ret = fca_return([complaint_in("closed")], fca_reporting_period(date(2026, 6, 30)))
    >>> ret.period.label, ret.total.opened, ret.total.closed_within_3_business_days
    ('2026-01-01..2026-06-30', 1, 1)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import IO

import attrs

from iso10002.csvsafe import Cell, write_csv
from iso10002.errors import ValidationError
from iso10002.metrics.dimensions import Dimension
from iso10002.metrics.period import Period
from iso10002.metrics.summary import MetricSummary, summarize
from iso10002.model import Complaint
from iso10002.sla import presets
from iso10002.sla.calendar import BusinessCalendar
from iso10002.sla.calendar import _zone as zone_named

__all__ = [
    "ASIC_IDR_COLUMNS",
    "ASIC_ZONE",
    "FCA_PUBLICATION_THRESHOLD",
    "FCA_RETURN_COLUMNS",
    "AsicIdrRow",
    "FcaReturn",
    "FcaReturnRow",
    "asic_idr_rows",
    "asic_reporting_period",
    "asic_submission_window",
    "fca_reporting_period",
    "fca_return",
    "write_asic_idr_csv",
]

FCA_PUBLICATION_THRESHOLD = 500
"""DISP 1.10A: a firm reporting 500 or more complaints in a period publishes a summary
(1,000 for DISP 1.10.1R(2) firms; the current thresholds are to be verified)."""

FCA_RETURN_COLUMNS = (
    "product_group",
    "outstanding_at_start",
    "opened",
    "closed",
    "closed_within_3_business_days",
    "closed_after_3_business_days_within_8_weeks",
    "closed_after_8_weeks",
    "upheld",
    "upheld_rate",
)
"""The fixed columns of :meth:`FcaReturn.write_csv`; one ``redress_<currency>`` column
follows per currency paid."""

ASIC_ZONE = "Australia/Sydney"
"""The zone the ASIC periods and dates are read in by default (the firm's may differ)."""


def fca_reporting_period(
    last_day: date, *, annual: bool = False, tz: str = "Europe/London"
) -> Period:
    """The FCA reporting period ending on ``last_day``: six months, or twelve if ``annual``.

    DISP 1.10.1R: a complete report twice a year (once a year for credit-only firms with
    revenue up to 5 million pounds, CMC-only and funeral-plan-only firms). The half-years
    run from the firm's accounting reference date (UNCONFIRMED in the current Handbook).

    Examples:
        >>> fca_reporting_period(date(2026, 12, 31)).label
        '2026-07-01..2026-12-31'
        >>> fca_reporting_period(date(2026, 3, 31), annual=True).label
        '2025-04-01..2026-03-31'
    """
    months = 12 if annual else 6
    after = last_day + timedelta(days=1)
    index = after.year * 12 + after.month - 1 - months
    year, month = divmod(index, 12)
    try:
        first = after.replace(year=year, month=month + 1)
    except ValueError:  # 31 August less six months: there is no 31 February
        raise ValidationError(
            [f"last_day: {last_day} does not end a whole number of months"]
        ) from None
    return Period.days(first, last_day, tz)


def asic_reporting_period(year: int, half: int, tz: str = ASIC_ZONE) -> Period:
    """ASIC's IDR reporting period: 1 January to 30 June (``half=1``) or 1 July to 31 December.

    Examples:
        >>> asic_reporting_period(2026, 2).start.isoformat()
        '2026-07-01T00:00:00+10:00'
    """
    return Period.half(year, half, tz)


def asic_submission_window(period: Period) -> tuple[date, date]:
    """When the IDR data for an ASIC half-year is due: first and last day of the window.

    "1 July to 31 August" for January to June; "1 January to end of February" for July to
    December.

    Examples:
        >>> asic_submission_window(asic_reporting_period(2026, 2))
        (datetime.date(2027, 1, 1), datetime.date(2027, 2, 28))
    """
    last = (period.end.astimezone(period.tz) - timedelta(microseconds=1)).date()
    if (last.month, last.day) == (6, 30):
        return date(last.year, 7, 1), date(last.year, 8, 31)
    if (last.month, last.day) == (12, 31):
        march = date(last.year + 1, 3, 1)
        return date(last.year + 1, 1, 1), march - timedelta(days=1)
    raise ValidationError([f"period: {period.label} is not an ASIC half-year"])


@attrs.frozen
class FcaReturnRow:
    """The FCA return's figures for one product group (or the total).

    ``closed_within_8_weeks`` counts complaints closed after 3 business days but within 8
    weeks, so the three bands add up to ``closed``. ``redress`` is per currency.
    """

    product_group: str
    outstanding_at_start: int
    opened: int
    closed: int
    closed_within_3_business_days: int
    closed_within_8_weeks: int
    closed_after_8_weeks: int
    upheld: int
    upheld_rate: float | None
    redress: dict[str, Decimal]

    @classmethod
    def of(cls, product_group: str, s: MetricSummary) -> FcaReturnRow:
        """The row of a summary: the same formulas as :func:`summarize`'s fields."""
        bands = s.closed_within
        return cls(
            product_group=product_group,
            outstanding_at_start=s.open_at_start,
            opened=s.received,
            closed=s.closed,
            closed_within_3_business_days=bands["within 3 business days"],
            closed_within_8_weeks=bands["within 8 weeks"],
            closed_after_8_weeks=bands["after 8 weeks"],
            upheld=s.upheld,
            upheld_rate=s.upheld_rate,
            redress=dict(s.redress_total),
        )

    def cells(self, currencies: Iterable[str]) -> list[Cell]:
        """The row's CSV cells, in :data:`FCA_RETURN_COLUMNS` order then per currency."""
        return [
            self.product_group,
            self.outstanding_at_start,
            self.opened,
            self.closed,
            self.closed_within_3_business_days,
            self.closed_within_8_weeks,
            self.closed_after_8_weeks,
            self.upheld,
            None if self.upheld_rate is None else round(self.upheld_rate, 4),
            *(self.redress.get(currency, Decimal(0)) for currency in currencies),
        ]


@attrs.frozen
class FcaReturn:
    """An FCA complaints return: one row per product group and the total.

    ``nil_return`` is true when nothing was outstanding, opened or closed;
    ``publication_required`` when ``opened`` reaches :data:`FCA_PUBLICATION_THRESHOLD`.
    """

    period: Period
    rows: tuple[FcaReturnRow, ...]
    total: FcaReturnRow

    @property
    def nil_return(self) -> bool:
        """Whether the return is a nil return (no complaints to report)."""
        t = self.total
        return t.outstanding_at_start == t.opened == t.closed == 0

    @property
    def publication_required(self) -> bool:
        """Whether the firm must publish a complaints data summary (DISP 1.10A)."""
        return self.total.opened >= FCA_PUBLICATION_THRESHOLD

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies redress was paid in, sorted."""
        return tuple(sorted(self.total.redress))

    def write_csv(self, out: IO[str]) -> int:
        """Write the rows, then a ``total`` row, as CSV; returns the rows written.

        Examples:
            >>> import io
            >>> from iso10002.testing.builders import complaint_in
            >>> ret = fca_return([complaint_in("closed")], fca_reporting_period(date(2026, 6, 30)))
            >>> out = io.StringIO()
            >>> ret.write_csv(out)
            2
            >>> out.getvalue().splitlines()[1]
            'current account,0,1,1,1,0,0,1,1.0,25.00'
        """
        currencies = self.currencies
        header = [*FCA_RETURN_COLUMNS, *(f"redress_{c}" for c in currencies)]
        rows = [row.cells(currencies) for row in (*self.rows, self.total)]
        return write_csv(out, header, rows)


def fca_return(
    complaints: Iterable[Complaint],
    period: Period,
    *,
    product_group: str | Dimension = "product",
    calendar: BusinessCalendar | None = None,
) -> FcaReturn:
    """The FCA return's aggregates for ``period``, per product group, in one pass.

    ``product_group`` maps a complaint to its FCA product group: a dimension name (default
    ``product``, the host's taxonomy) or a function. ``calendar`` counts the business days
    of the first band (default: the FCA DISP preset's England and Wales calendar). Figures
    and edge cases are :func:`~iso10002.metrics.summary.summarize`'s: ``outstanding_at_start``
    is ``open_at_start``, ``opened`` is ``received``; bands, upheld and redress are over
    complaints closed in the period.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> ret = fca_return([], fca_reporting_period(date(2026, 6, 30)))
        >>> ret.nil_return, ret.rows
        (True, ())
    """
    if calendar is None:
        calendar = presets.get("fca.disp.standard", nation="ENG").calendar
    s = summarize(complaints, period, by=product_group, calendar=calendar)
    rows = tuple(FcaReturnRow.of(group, part) for group, part in s.groups.items())
    return FcaReturn(period, rows, FcaReturnRow.of("total", s))


ASIC_IDR_COLUMNS = (
    "complaint_id",
    "brand",
    "complaint_type",
    "complainant_gender",
    "complainant_age",
    "complainant_postcode",
    "status",
    "method_received",
    "date_received",
    "date_closed",
    "days_to_resolve",
    "representative",
    "product_or_service",
    "issue",
    "outcome",
    "financial_compensation",
    "compensation_currency",
)
"""The columns of :func:`write_asic_idr_csv` (descriptive names; ASIC's codes UNCONFIRMED)."""


@attrs.frozen
class AsicIdrRow:
    """One complaint's IDR data row, as at the end of the reporting period.

    ``status`` is ``closed``, ``withdrawn`` or ``open`` at the period end; ``date_closed``,
    ``days_to_resolve`` (local calendar days from the date received to the date closed),
    ``outcome`` and the compensation are set only for a complaint closed by then.
    ``representative`` is ``None`` when the complainant record was erased.
    """

    complaint_id: str
    brand: str
    complaint_type: str
    status: str
    method_received: str
    date_received: date
    date_closed: date | None
    days_to_resolve: int | None
    representative: bool | None
    product_or_service: str
    issue: str | None
    outcome: str | None
    financial_compensation: Decimal | None
    compensation_currency: str | None

    def cells(self) -> list[Cell]:
        """The row's CSV cells, in :data:`ASIC_IDR_COLUMNS` order."""
        return [
            self.complaint_id,
            self.brand,
            self.complaint_type,
            None,  # gender: not held
            None,  # age: not held
            None,  # postcode: not held
            self.status,
            self.method_received,
            self.date_received.isoformat(),
            None if self.date_closed is None else self.date_closed.isoformat(),
            self.days_to_resolve,
            self.representative,
            self.product_or_service,
            self.issue,
            self.outcome,
            self.financial_compensation,
            self.compensation_currency,
        ]


def _compensation(c: Complaint) -> tuple[Decimal | None, str | None]:
    totals: dict[str, Decimal] = {}
    for decision in c.decisions:
        if decision.redress is not None:
            money = decision.redress.amount
            totals[money.currency] = totals.get(money.currency, Decimal(0)) + money.amount
    if not totals:
        return None, None
    if len(totals) > 1:
        raise ValidationError(
            [f"{c.id}: redress in several currencies ({', '.join(sorted(totals))})"]
        )
    ((currency, amount),) = totals.items()
    return amount, currency


def _ended(at: datetime | None, end: datetime) -> bool:
    return at is not None and at < end


def asic_idr_rows(
    complaints: Iterable[Complaint],
    period: Period,
    *,
    brand: str = "",
    tz: str | None = None,
) -> Iterator[AsicIdrRow]:
    """IDR data rows: complaints received in ``period`` or open at its start, one each.

    Streams: each complaint is read once and yielded at once. Dates are local dates in
    ``tz`` (default: the period's zone). A complaint whose redress is in more than one
    currency is refused (the data element is one amount).

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> period = asic_reporting_period(2026, 1)
        >>> [(r.status, r.days_to_resolve, r.outcome)
        ...  for r in asic_idr_rows([complaint_in("closed")], period)]
        [('closed', 1, 'upheld')]
    """
    zone = zone_named(tz) if tz is not None else period.tz
    start, end = period.start, period.end
    for c in complaints:
        received = c.received_at
        if received >= end:
            continue
        if received < start and (_ended(c.closed_at, start) or _ended(c.withdrawn_at, start)):
            continue  # finished before the period: not in its data
        closed = _ended(c.closed_at, end)
        status = "closed" if closed else "withdrawn" if _ended(c.withdrawn_at, end) else "open"
        received_on = received.astimezone(zone).date()
        closed_on = c.closed_at.astimezone(zone).date() if closed and c.closed_at else None
        amount, currency = _compensation(c) if closed else (None, None)
        outcome = c.outcome.value if closed and c.outcome is not None else None
        yield AsicIdrRow(
            complaint_id=c.id,
            brand=brand,
            complaint_type=c.complaint_type,
            status=status,
            method_received=c.channel.value,
            date_received=received_on,
            date_closed=closed_on,
            days_to_resolve=None if closed_on is None else (closed_on - received_on).days,
            representative=(
                None if c.complainant is None else c.complainant.representative is not None
            ),
            product_or_service=c.classification.product,
            issue=c.classification.issue or c.classification.category,
            outcome=outcome,
            financial_compensation=amount,
            compensation_currency=currency,
        )


def write_asic_idr_csv(rows: Iterable[AsicIdrRow], out: IO[str]) -> int:
    """Write IDR data rows as CSV (a header, then one line per row); returns the rows.

    An empty ``rows`` writes the header only: ASIC takes a "nil submission" instead.

    Examples:
        >>> import io
        >>> from iso10002.testing.builders import complaint_in
        >>> out = io.StringIO()
        >>> write_asic_idr_csv(asic_idr_rows([complaint_in("closed")],
        ...                                  asic_reporting_period(2026, 1)), out)
        1
        >>> out.getvalue().splitlines()[1].split(",")[6:11]  # Sydney dates
        ['closed', 'email', '2026-01-05', '2026-01-06', '1']
    """
    return write_csv(out, ASIC_IDR_COLUMNS, (row.cells() for row in rows))
