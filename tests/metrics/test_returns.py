"""FCA return aggregates and ASIC IDR rows: period rules, bands, CSV through csvsafe."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from metric_records import decision, make, utc

from iso10002.errors import ValidationError
from iso10002.metrics import (
    ASIC_IDR_COLUMNS,
    asic_idr_rows,
    asic_reporting_period,
    asic_submission_window,
    fca_reporting_period,
    fca_return,
    write_asic_idr_csv,
)
from iso10002.model import Outcome

H1 = fca_reporting_period(date(2026, 6, 30))

COMPLAINTS = [
    # Outstanding at the start (received in 2025), closed within 8 weeks of receipt.
    make(
        "old",
        utc(2025, 12, 22, 10),
        product="mortgage",
        decisions=(decision(Outcome.NOT_UPHELD, utc(2026, 1, 20, 10)),),
        closed_at=utc(2026, 1, 21, 10),
    ),
    # Received Thu 2 April, closed Thu 9 April 15:00 BST: within 3 business days, Easter
    # bank holidays skipped; partially upheld with redress.
    make(
        "quick",
        utc(2026, 4, 2, 10),
        product="credit card",
        decisions=(decision(Outcome.PARTIALLY_UPHELD, utc(2026, 4, 9, 13), ("40.00", "GBP")),),
        closed_at=utc(2026, 4, 9, 14),
    ),
    # Opened in the period, still open.
    make("open", utc(2026, 5, 1, 10), product="credit card"),
    # Closed after 8 weeks, upheld.
    make(
        "slow",
        utc(2026, 1, 5, 10),
        product="credit card",
        decisions=(decision(Outcome.UPHELD, utc(2026, 3, 20, 10), ("100", "GBP")),),
        closed_at=utc(2026, 3, 23, 10),
    ),
    # Closed before the period: outside it.
    make("gone", utc(2025, 10, 1, 10), product="mortgage", closed_at=utc(2025, 11, 1, 10)),
]


def test_fca_reporting_periods_are_six_or_twelve_months_to_a_date() -> None:
    assert H1.label == "2026-01-01..2026-06-30"
    assert H1.start == utc(2026, 1, 1)  # midnight in London is midnight UTC in winter
    assert fca_reporting_period(date(2026, 3, 31), annual=True).label == "2025-04-01..2026-03-31"
    with pytest.raises(ValidationError, match="whole number of months"):
        fca_reporting_period(date(2026, 8, 30))


def test_fca_return_rows_per_product_group() -> None:
    ret = fca_return(COMPLAINTS, H1)
    rows = {r.product_group: r for r in ret.rows}
    assert list(rows) == ["credit card", "mortgage"]
    card, mortgage = rows["credit card"], rows["mortgage"]
    assert (card.outstanding_at_start, card.opened, card.closed) == (0, 3, 2)
    assert (
        card.closed_within_3_business_days,
        card.closed_within_8_weeks,
        card.closed_after_8_weeks,
    ) == (1, 0, 1)
    assert (card.upheld, card.upheld_rate) == (2, 1.0)
    assert card.redress == {"GBP": Decimal("140.00")}
    assert (mortgage.outstanding_at_start, mortgage.opened, mortgage.closed) == (1, 0, 1)
    assert mortgage.closed_within_8_weeks == 1
    assert (mortgage.upheld, mortgage.upheld_rate, mortgage.redress) == (0, 0.0, {})


def test_fca_return_total_and_flags() -> None:
    ret = fca_return(COMPLAINTS, H1)
    assert (ret.total.product_group, ret.total.opened, ret.total.closed) == ("total", 3, 3)
    assert not ret.nil_return
    assert not ret.publication_required
    assert fca_return([], H1).nil_return


def test_fca_return_groups_by_a_function() -> None:
    ret = fca_return(COMPLAINTS, H1, product_group=lambda c: "Banking and credit cards")
    assert [r.product_group for r in ret.rows] == ["Banking and credit cards"]


def test_fca_return_csv_has_a_row_per_group_and_a_total() -> None:
    out = io.StringIO()
    assert fca_return(COMPLAINTS, H1).write_csv(out) == 3
    table = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["product_group"] for r in table] == ["credit card", "mortgage", "total"]
    assert table[0]["redress_GBP"] == "140.00"
    assert table[1]["redress_GBP"] == "0"
    assert table[2]["closed_after_8_weeks"] == "1"


def test_a_product_group_cannot_become_a_formula() -> None:
    hostile = make("x", utc(2026, 2, 2, 10), product="=HYPERLINK(1)")
    out = io.StringIO()
    fca_return([hostile], H1).write_csv(out)
    assert "\n'=HYPERLINK(1)," in out.getvalue()


def test_asic_periods_and_submission_windows() -> None:
    h1, h2 = asic_reporting_period(2026, 1), asic_reporting_period(2026, 2)
    assert (h1.label, h2.label) == ("2026H1", "2026H2")
    assert asic_submission_window(h1) == (date(2026, 7, 1), date(2026, 8, 31))
    assert asic_submission_window(asic_reporting_period(2027, 2)) == (
        date(2028, 1, 1),
        date(2028, 2, 29),  # a leap year
    )
    with pytest.raises(ValidationError, match="not an ASIC half-year"):
        asic_submission_window(fca_reporting_period(date(2026, 3, 31)))


def test_asic_rows_cover_received_and_open_at_start() -> None:
    rows = {r.complaint_id: r for r in asic_idr_rows(COMPLAINTS, asic_reporting_period(2026, 1))}
    assert sorted(rows) == ["old", "open", "quick", "slow"]  # "gone" closed before
    quick = rows["quick"]
    assert (quick.status, quick.date_received, quick.date_closed) == (
        "closed",
        date(2026, 4, 2),
        date(2026, 4, 10),  # 14:00 UTC is midnight in Sydney
    )
    assert (quick.days_to_resolve, quick.outcome) == (8, "partially_upheld")
    assert (quick.financial_compensation, quick.compensation_currency) == (Decimal("40.00"), "GBP")
    assert quick.representative is False
    opened = rows["open"]
    assert (opened.status, opened.date_closed, opened.days_to_resolve, opened.outcome) == (
        "open",
        None,
        None,
        None,
    )


def test_asic_rows_judge_status_at_the_period_end() -> None:
    late = make("late", utc(2026, 6, 1, 10), closed_at=utc(2026, 7, 15, 10))
    (row,) = asic_idr_rows([late], asic_reporting_period(2026, 1))
    assert (row.status, row.date_closed) == ("open", None)


def test_asic_rows_refuse_redress_in_two_currencies() -> None:
    mixed = make(
        "mixed",
        utc(2026, 2, 1, 10),
        decisions=(
            decision(Outcome.UPHELD, utc(2026, 2, 2, 10), ("1", "AUD")),
            decision(Outcome.UPHELD, utc(2026, 2, 3, 10), ("1", "USD")),
        ),
        closed_at=utc(2026, 2, 4, 10),
    )
    with pytest.raises(ValidationError, match="several currencies"):
        list(asic_idr_rows([mixed], asic_reporting_period(2026, 1)))


def test_asic_csv_and_nil_submission() -> None:
    out = io.StringIO()
    written = write_asic_idr_csv(asic_idr_rows(COMPLAINTS, asic_reporting_period(2026, 1)), out)
    lines = out.getvalue().splitlines()
    assert written == 4
    assert lines[0].split(",") == list(ASIC_IDR_COLUMNS)
    empty = io.StringIO()
    assert write_asic_idr_csv([], empty) == 0
    assert empty.getvalue().splitlines() == [",".join(ASIC_IDR_COLUMNS)]
