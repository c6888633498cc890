"""The quarter's management review (ISO 10002 8.6), as a host's quarter-end job makes it.

A stand-in for a scheduled job: the complaints are those of an SQLite store (``--db``), or
of the library's seeded demo simulation in a new one; the review of the quarter is written
as a self-contained HTML page for the board, and as JSON and CSV for whoever keeps the
figures, and the key figures are printed. The exit code is 1 when a
guiding principle failed (``--strict``), so the job can raise the alarm.

Run: ``python examples/scripts/management_review.py --out-dir review``
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from iso10002.demo import demo_policy, simulate
from iso10002.metrics import Period, review_store, write_review
from iso10002.storage import Durability, SQLiteStore


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an SQLite store (default: a new demo one)")
    parser.add_argument("--complaints", type=int, default=200, help="for a new demo store")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--period", default="2026Q3", help="the quarter to review")
    parser.add_argument("--out-dir", type=Path, default=Path("."), help="where to write")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a principle fails")
    args = parser.parse_args(argv)

    policy = demo_policy()  # the FCA's deadlines on an England and Wales calendar
    period = Period.parse(args.period)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    db = args.db or Path(tempfile.mkdtemp(prefix="iso10002-")) / "complaints.sqlite3"
    with SQLiteStore(db, durability=Durability.NORMAL) as store:
        if not store.count():  # a new file: fill it with the demo's quarter
            simulate(store, complaints=args.complaints, seed=args.seed, quarter=period)
        # The job runs the morning after the quarter ends.
        review = review_store(
            store, period, policy=policy, generated_at=period.end + timedelta(hours=7)
        )
    written = [write_review(review, args.out_dir / f"review-{period.label}.{suffix}")
               for suffix in ("html", "json", "csv")]  # fmt: skip

    print(f"Management review of {period.label} ({review.policy_name})")
    for figure in review.key_figures:
        note = f"  ({figure.note})" if figure.note else ""
        print(f"  {figure.label:<36} {figure.text}{note}")
    for path in written:
        print(f"wrote {path}")
    return 1 if args.strict and not review.conformance.passed else 0


if __name__ == "__main__":
    sys.exit(main())
