"""A nightly batch job: import the day's CFPB-shaped download into SQLite, with workers.

A stand-in for a host's scheduled import: the file is ``--file`` (default: a generated
sample of ``--rows`` rows), the store is ``--db`` (default: a new file), and ``--workers``
processes map, validate and seal the rows while this one writes them. The job prints the
report, runs the import a second time to show that nothing is stored twice, and verifies
the hash chains. The exit code is 1 when any row was refused, so the scheduler notices.

The ``if __name__ == "__main__":`` guard at the bottom is what worker processes need: each
starts a fresh interpreter (``spawn``) that imports this file again, and must not run the
job itself.

Run: ``python examples/scripts/nightly_import.py --rows 20000 --workers 2``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from iso10002.metrics.import_cfpb import sample_rows, write_sample
from iso10002.metrics.imports import import_complaints
from iso10002.progress import ProgressBar
from iso10002.sla import presets
from iso10002.storage import SQLiteStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, help="a CFPB-shaped CSV (default: a sample)")
    parser.add_argument("--rows", type=int, default=5000, help="rows of the generated sample")
    parser.add_argument("--db", type=Path, help="the SQLite store (default: a new file)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="iso10002-import-"))
    source = args.file
    if source is None:
        source = folder / "complaints.csv"
        with source.open("wb") as out:
            write_sample(out, sample_rows(args.rows, seed=2026))
    db = args.db or folder / "complaints.sqlite3"

    with SQLiteStore(db) as store:
        started = time.perf_counter()
        report = import_complaints(
            store,
            source,
            policy=presets.get("cfpb.portal"),  # each complaint's next deadline, recorded
            workers=args.workers,
            progress=ProgressBar("importing", sys.stderr),
        )
        seconds = time.perf_counter() - started
        print(report.details(limit=5))
        print(f"{report.imported / seconds:,.0f} rows/s with {args.workers} workers")
        again = import_complaints(store, source, workers=args.workers)
        print(f"again: {again}")
        integrity = store.verify_integrity()
        print(f"{integrity.checked:,} complaints verified: {'ok' if integrity.ok else 'BROKEN'}")
        if not integrity.ok or again.imported:
            return 2
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
