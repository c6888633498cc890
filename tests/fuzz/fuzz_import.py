"""Atheris harness: ``import_complaints`` on arbitrary bytes as CSV, JSON or JSON lines.

Run with ``nox -s fuzz`` (or ``python tests/fuzz/fuzz_import.py -max_total_time=60``). The
first input byte picks the format; the rest is the file. The import may refuse the file only
with ``ValidationError`` (and then store nothing); otherwise its report must account for
every row, and the store must hold exactly the complaints it says it imported.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone

from iso10002.clock import ManualClock
from iso10002.errors import ValidationError
from iso10002.metrics.imports import import_complaints
from iso10002.storage import InMemoryStore

FORMATS = ("csv", "json", "jsonl")
NOW = ManualClock(datetime(2030, 1, 1, tzinfo=timezone.utc))


def one_input(data: bytes) -> None:
    """Import ``data[1:]`` in the format ``data[0]`` picks; check what was stored."""
    if not data:
        return
    store = InMemoryStore()
    try:
        report = import_complaints(
            store, io.BytesIO(data[1:]), format=FORMATS[data[0] % len(FORMATS)], clock=NOW
        )
    except ValidationError as error:
        if not error.errors or store.count():
            raise AssertionError("a refused file must say why and store nothing") from error
        return
    if report.imported + report.duplicates + report.refused != report.rows:
        raise AssertionError(f"the report does not add up: {report}")
    if store.count() != report.imported:
        raise AssertionError(f"{store.count()} stored, {report.imported} reported")


def seeds() -> list[bytes]:
    """Valid inputs to start from: a small CFPB export as CSV, JSON and JSON lines."""
    import csv
    import json

    from iso10002.metrics.import_cfpb import CFPB_COLUMNS, sample_rows

    rows = list(sample_rows(3, seed=1))
    text = io.StringIO()
    writer = csv.DictWriter(text, CFPB_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    lines = "\n".join(json.dumps(r) for r in rows)
    return [
        b"\0" + text.getvalue().encode(),
        b"\1" + json.dumps(rows).encode(),
        b"\2" + lines.encode(),
    ]


def main() -> None:
    """Fuzz from the seeds until stopped (see ``_fuzzing.fuzz_main``)."""
    from _fuzzing import fuzz_main  # beside this script, on sys.path when run as one

    fuzz_main(one_input, seeds())


if __name__ == "__main__":
    main()
