"""CSV exports cannot carry a formula into a spreadsheet (CSV injection)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.csvsafe import FORMULA_STARTS, safe_cell, write_csv


@pytest.mark.parametrize(
    "payload",
    ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")'],
)
def test_formula_payloads_are_made_text(payload: str) -> None:
    assert safe_cell(payload) == "'" + payload


def test_ordinary_text_numbers_and_instants_are_left_alone() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    assert [safe_cell(v) for v in ("Fee", 3, -1.5, Decimal("-12.50"), at, None, False)] == [
        "Fee",
        "3",
        "-1.5",
        "-12.50",
        "2026-03-02T09:00:00+00:00",
        "",
        "false",
    ]


@given(st.lists(st.lists(st.text(), min_size=1, max_size=4), max_size=5))
def test_no_written_text_cell_reads_back_as_a_formula(rows: list[list[str]]) -> None:
    out = io.StringIO(newline="")
    width = max((len(r) for r in rows), default=1)
    written = write_csv(out, [f"c{i}" for i in range(width)], rows)
    assert written == len(rows)
    back = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert len(back) == len(rows) + 1
    for original, read in zip(rows, back[1:], strict=True):
        for cell, value in zip(read, original, strict=True):
            assert not cell.startswith(FORMULA_STARTS)
            assert cell in (value, "'" + value)
