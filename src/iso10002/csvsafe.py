"""CSV that a spreadsheet cannot turn into a formula: every export the library writes uses it.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection"); complaint text comes from
outside, so an export must never hand such a cell over as it is. :func:`safe_cell` prefixes
those cells with an apostrophe, which spreadsheets show as text and do not evaluate (the
OWASP recommendation), and :func:`write_csv` applies it to every cell.

Numbers the library itself writes (counts, amounts such as ``-12.50``) are passed as numbers,
not text, and are left alone: only strings are neutralised.

Examples:
    >>> safe_cell("=HYPERLINK(\\"http://evil\\")")
    '\\'=HYPERLINK("http://evil")'
    >>> safe_cell("Charged twice"), safe_cell(-12.5)
    ('Charged twice', '-12.5')
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import IO

__all__ = ["FORMULA_STARTS", "Cell", "safe_cell", "write_csv"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula."""

Cell = str | int | float | Decimal | datetime | bool | None
"""What a row may hold: text is neutralised, numbers and instants are written as they are."""


def safe_cell(value: Cell) -> str:
    """The CSV text of ``value``, with text that could be a formula made inert.

    ``None`` is an empty cell; instants are ISO 8601; booleans are ``true``/``false``.

    Examples:
        >>> safe_cell("+44 20 7946 0000"), safe_cell(None), safe_cell(True)
        ("'+44 20 7946 0000", '', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write ``header`` and ``rows`` to ``out`` as CSV, every cell through :func:`safe_cell`.

    Returns the number of rows written (the header not counted). Open ``out`` with
    ``newline=""``, as the :mod:`csv` module asks.

    Examples:
        >>> import io
        >>> out = io.StringIO()
        >>> write_csv(out, ["id", "text"], [["C-1", "@SUM(A1:A9)"]])
        1
        >>> out.getvalue().splitlines()
        ['id,text', "C-1,'@SUM(A1:A9)"]
    """
    # RFC 4180's CRLF line ends: with them the writer also quotes a bare CR inside a cell,
    # which a reader would otherwise take for the end of the row.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        count += 1
    return count
