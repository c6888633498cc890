"""The built-in mapping for the public CFPB Consumer Complaint Database, and sample rows.

:data:`CFPB` reads the database's CSV download (its column headers) and its JSON (the API's
field names, as aliases). What each column becomes, and what cannot be recovered from the
public data, is in the docs (*Import from the CFPB database*) and in :data:`CFPB_NOTES`.

Dates: the database gives calendar dates without a zone. They are read as the start of the
day in **America/New_York** (:data:`CFPB_ZONE`: the CFPB is in Washington, D.C.; that the
dates are Eastern dates is an assumption, UNCONFIRMED), and exported back on the same dates.
*Date sent to company* is the company's receipt (the clock the CFPB's 15 and 60 days run
from); *Date received* (by the CFPB) is ``originally_received_at``.

:func:`sample_rows` makes seeded, realistic rows in the database's shape, for trials, the
docs and the import benchmark.

Examples:
    >>> from datetime import datetime, timezone
    >>> row = next(sample_rows(1, seed=4))
    >>> mapped = CFPB.history(row, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    >>> mapped.complaint_id == "cfpb-" + row["Complaint ID"]
    True
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from iso10002._checks import MAX_TEXT
from iso10002.errors import ValidationError
from iso10002.metrics.import_mapping import (
    Choice,
    Column,
    DateColumn,
    ImportMapping,
    Resolution,
    Response,
    Text,
)
from iso10002.model import Channel, Outcome, RedressKind

__all__ = [
    "CFPB",
    "CFPB_COLUMNS",
    "CFPB_NOTES",
    "CFPB_RESPONSES",
    "CFPB_ZONE",
    "SUBMITTED_VIA",
    "sample_rows",
    "write_sample",
]

CFPB_ZONE = "America/New_York"
"""Where the CFPB's calendar dates are placed (an assumption, UNCONFIRMED)."""

CFPB_COLUMNS = (
    "Date received",
    "Product",
    "Sub-product",
    "Issue",
    "Sub-issue",
    "Consumer complaint narrative",
    "Company public response",
    "Company",
    "State",
    "ZIP code",
    "Tags",
    "Consumer consent provided?",
    "Submitted via",
    "Date sent to company",
    "Company response to consumer",
    "Timely response?",
    "Consumer disputed?",
    "Complaint ID",
)
"""The database's columns, in the order of its CSV download (cfpb.github.io/api/ccdb)."""

SUBMITTED_VIA: Mapping[str, Channel | None] = {
    "Web": Channel.WEB,
    "Web Referral": Channel.REFERRAL,
    "Referral": Channel.REFERRAL,
    "Phone": Channel.PHONE,
    "Email": Channel.EMAIL,
    "Postal mail": Channel.LETTER,
    "Fax": Channel.OTHER,
}
"""*Submitted via* to :class:`~iso10002.model.Channel` (how the consumer reached the CFPB)."""

CFPB_RESPONSES: Mapping[str, Resolution | None] = {
    "Closed with explanation": Resolution(Outcome.NOT_UPHELD),
    "Closed with monetary relief": Resolution(Outcome.UPHELD),
    "Closed with non-monetary relief": Resolution(Outcome.UPHELD, redress=RedressKind.NON_MONETARY),
    "Closed with relief": Resolution(Outcome.UPHELD),
    "Closed without relief": Resolution(Outcome.NOT_UPHELD),
    "Closed": Resolution(Outcome.NOT_UPHELD),
    "In progress": Resolution(holding=True),
    "Untimely response": None,
    "": None,
}
"""*Company response to consumer* to what the history records (``None``: no response)."""

_YES_NO: Mapping[str, bool | None] = {"Yes": True, "No": False, "N/A": None}


def _column(name: str, api: str) -> Column:
    return Column(name, (api,))


CFPB = ImportMapping(
    source="cfpb",
    row_id=Text(_column("Complaint ID", "complaint_id"), required=True),
    received_at=DateColumn(
        _column("Date sent to company", "date_sent_to_company"),
        formats=("date", "us-date", "datetime"),
        zone=CFPB_ZONE,
    ),
    channel=Choice(_column("Submitted via", "submitted_via"), SUBMITTED_VIA, required=True),
    product=Text(_column("Product", "product"), required=True),
    description=Text(
        _column("Consumer complaint narrative", "complaint_what_happened"),
        fallback="CFPB complaint {row_id} (no narrative published): {product}; {issue}",
        max_length=MAX_TEXT,
    ),
    originally_received_at=DateColumn(
        _column("Date received", "date_received"),
        formats=("date", "us-date", "datetime"),
        zone=CFPB_ZONE,
    ),
    sub_product=Text(_column("Sub-product", "sub_product")),
    # The lifecycle routes by category (7.5): the CFPB's issue is the nearest thing to one.
    category=Text(_column("Issue", "issue"), default="unspecified"),
    issue=Text(_column("Issue", "issue")),
    sub_issue=Text(_column("Sub-issue", "sub_issue")),
    external_ref=Text(_column("Complaint ID", "complaint_id")),
    actor="import:cfpb",
    response=Response(
        column=_column("Company response to consumer", "company_response"),
        values=CFPB_RESPONSES,
        timely=Choice(_column("Timely response?", "timely"), _YES_NO),
        disputed=Choice(_column("Consumer disputed?", "consumer_disputed"), _YES_NO),
        # CFPB Company Portal Manual 8.1: a response within 15 calendar days of the date sent,
        # a final one within 60.
        window_days=15,
        final_days=60,
        disputed_reason="the consumer disputed the company's response (CFPB)",
    ),
    ignored=(
        "Company",
        "State",
        "ZIP code",
        "Tags",
        "Consumer consent provided?",
        "Company public response",
    ),
)
"""The mapping for the CFPB Consumer Complaint Database (CSV headers; API names as aliases)."""

CFPB_NOTES: Mapping[str, str] = {
    "Date received": "`originally_received_at`: the CFPB's receipt, start of the day "
    "(America/New_York)",
    "Product": "`classification.product` (required)",
    "Sub-product": "`classification.sub_product`",
    "Issue": "`classification.issue`, and `classification.category` (`unspecified` when "
    "empty), which the lifecycle needs before an investigation (7.5)",
    "Sub-issue": "`classification.sub_issue`",
    "Consumer complaint narrative": "`description` (personal data). Without one: "
    "`CFPB complaint <id> (no narrative published): <product>; <issue>`",
    "Company public response": "not kept",
    "Company": "not kept (the store is one organisation's; the export takes `company`)",
    "State": "not kept (the consumer's location; the record has no field for it)",
    "ZIP code": "not kept (as State)",
    "Tags": "not kept",
    "Consumer consent provided?": "not kept",
    "Submitted via": "`channel`: Web → web, Web Referral and Referral → referral, Phone → "
    "phone, Email → email, Postal mail → letter, Fax → other; anything else refuses the row",
    "Date sent to company": "`received_at`: the company's receipt, the origin of the CFPB's 15 "
    "and 60 days (required)",
    "Company response to consumer": "the history after receipt; see the table of responses",
    "Timely response?": "dates the response: Yes (or empty) at the receipt instant; No at the "
    "start of the 16th day after the receipt date",
    "Consumer disputed?": "Yes: `ResponseRejected` after the decision is communicated; No, "
    "N/A or empty: nothing",
    "Complaint ID": "the complaint id `cfpb-<Complaint ID>`, `external_ref`, and the "
    "idempotency key `import:cfpb:<Complaint ID>` (required)",
}
"""What the mapping does with each column of the database, for the reference docs."""


# --- Sample rows ------------------------------------------------------------------------

_PRODUCTS = (
    (
        "Credit reporting, credit repair services, or other personal consumer reports",
        ("Credit reporting", "Other personal consumer report"),
        (
            ("Incorrect information on your report", ("Information belongs to someone else",)),
            (
                "Problem with a credit reporting company's investigation into an existing problem",
                ("Their investigation did not fix an error on your report",),
            ),
        ),
    ),
    (
        "Debt collection",
        ("Credit card debt", "Medical debt", "I do not know"),
        (
            ("Attempts to collect debt not owed", ("Debt is not yours", "Debt was paid")),
            ("Written notification about debt", ("Didn't receive enough information",)),
        ),
    ),
    (
        "Checking or savings account",
        ("Checking account", "Savings account"),
        (
            ("Managing an account", ("Deposits and withdrawals", "Banking errors")),
            ("Closing an account", ("Company closed your account",)),
        ),
    ),
    (
        "Mortgage",
        ("Conventional home mortgage", "FHA mortgage"),
        (("Trouble during payment process", ("",)), ("Struggling to pay mortgage", ("",))),
    ),
    (
        "Credit card or prepaid card",
        ("General-purpose credit card or charge card", "Store credit card"),
        (
            (
                "Problem with a purchase shown on your statement",
                (
                    "Credit card company isn't resolving a dispute about a purchase on your "
                    "statement",
                ),
            ),
            ("Fees or interest", ("Problem with fees",)),
        ),
    ),
)
_VIA = (("Web", 70), ("Referral", 12), ("Phone", 9), ("Postal mail", 4), ("Email", 3), ("Fax", 2))
_RESPONSES = (
    ("Closed with explanation", 72),
    ("Closed with non-monetary relief", 12),
    ("Closed with monetary relief", 6),
    ("In progress", 5),
    ("Untimely response", 1),
    ("Closed without relief", 2),
    ("Closed", 2),
)
_STATES = ("CA", "FL", "TX", "NY", "GA", "IL", "PA", "NC", "OH", "NJ")
_COMPANIES = ("EQUIFAX, INC.", "Experian Information Solutions Inc.", "BANK OF AMERICA, N.A.")
_NARRATIVES = (
    "I disputed an account on my report that is not mine and it is still there.",
    "The collector keeps calling about a debt I paid in full last year.",
    "My deposit was held for ten days without any explanation.",
    "",
    "",
    "",
)


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    values, weights = zip(*choices, strict=True)
    return str(rng.choices(values, weights)[0])


def sample_rows(
    count: int, *, seed: int = 2026, first_id: int = 5_000_000, until: date = date(2026, 9, 30)
) -> Iterator[dict[str, str]]:
    """``count`` seeded rows shaped like the CFPB's CSV download (all its columns).

    Rows are received over the 24 months up to ``until``, newest first; products,
    responses, timeliness and disputes follow plausible shares (invented, not measured from
    the real database). The same ``seed`` gives the same rows.

    Examples:
        >>> row = next(sample_rows(1))
        >>> list(row) == list(CFPB_COLUMNS), row["Complaint ID"]
        (True, '5000000')
    """
    rng = random.Random(seed)
    span = 730
    for n in range(count):
        product, sub_products, issues = rng.choice(_PRODUCTS)
        issue, sub_issues = rng.choice(issues)
        received = until - timedelta(days=n * span // max(count, 1))
        sent = min(received + timedelta(days=rng.choice((0, 0, 0, 1, 2, 5))), until)
        response = _weighted(rng, _RESPONSES)
        timely = "No" if response == "Untimely response" or rng.random() < 0.02 else "Yes"
        if (until - sent).days <= 16:  # too recent to have been answered late
            response = "In progress" if response == "Untimely response" else response
            timely = "Yes"
        closed = response.startswith("Closed")
        disputed = "N/A"
        if received < date(2017, 4, 24):
            disputed = rng.choice(("Yes", "No", "No", "No")) if closed else "No"
        yield {
            "Date received": received.isoformat(),
            "Product": product,
            "Sub-product": rng.choice(sub_products),
            "Issue": issue,
            "Sub-issue": rng.choice(sub_issues),
            "Consumer complaint narrative": rng.choice(_NARRATIVES),
            "Company public response": rng.choice(
                (
                    "",
                    "",
                    "Company has responded to the consumer and the CFPB and chooses not to "
                    "provide a public response",
                )
            ),
            "Company": rng.choice(_COMPANIES),
            "State": rng.choice(_STATES),
            "ZIP code": f"{rng.randrange(100, 999)}XX",
            "Tags": rng.choice(("", "", "", "Older American", "Servicemember")),
            "Consumer consent provided?": rng.choice(
                ("Consent provided", "Consent not provided", "Other", "N/A")
            ),
            "Submitted via": _weighted(rng, _VIA),
            "Date sent to company": sent.isoformat(),
            "Company response to consumer": response,
            "Timely response?": timely,
            "Consumer disputed?": disputed,
            "Complaint ID": str(first_id + n),
        }


def write_sample(
    target: str | os.PathLike[str] | IO[bytes],
    rows: Iterable[Mapping[str, str]],
    *,
    format: str = "csv",
) -> int:
    """Write CFPB-shaped ``rows`` (from :func:`sample_rows`, say) as UTF-8 ``csv``, ``json``
    (one array) or ``jsonl``, to a path or a binary file; the number of rows written.

    Examples:
        >>> import io
        >>> out = io.BytesIO()
        >>> write_sample(out, sample_rows(2), format="jsonl")
        2
        >>> out.getvalue().count(b"\\n")
        2
    """
    if isinstance(target, (str, os.PathLike)):
        with Path(target).open("wb") as binary:
            return write_sample(binary, rows, format=format)
    text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
    count = 0
    try:
        if format == "csv":
            writer = csv.DictWriter(text, CFPB_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        elif format in ("json", "jsonl"):
            between = ",\n" if format == "json" else "\n"
            text.write("[\n" if format == "json" else "")
            for row in rows:
                text.write((between if count else "") + json.dumps(row, ensure_ascii=False))
                count += 1
            text.write("\n]\n" if format == "json" else "\n" if count else "")
        else:
            raise ValidationError([f"format: {format!r} is not csv, json or jsonl"])
    finally:
        text.detach()  # leave the caller's file open
    return count
