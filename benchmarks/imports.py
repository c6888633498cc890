"""Imports: a 1,000,000-row CFPB-shaped CSV into SQLite, against raw baselines, in one run.

Generates the file (seeded, :func:`iso10002.metrics.import_cfpb.sample_rows`), then runs
each variant in a fresh subprocess that reports its time and peak resident memory:

* **iso10002 import**: :func:`iso10002.metrics.imports.import_complaints` into a new
  ``SQLiteStore`` file (WAL, ``synchronous=FULL``, the defaults ``iso10002 import`` uses),
  batches of 1,000, with the progress bar on standard error. Each row is read, mapped to its
  history (5 to 8 events), validated by the lifecycle, sealed into the hash chain, folded
  into a snapshot and written with it. Target (issue 6): at least 20,000 rows/s.
* **csv.reader only**: the parse floor (rows read, nothing done with them).
* **csv + mapping, no store**: the same reading and mapping to histories, nothing stored.
* **raw sqlite3 insert**: ``csv.reader`` and ``executemany`` of the 18 cells into one
  plain table, same pragmas, same batches: what a hand-written loader costs.

Then, on a sample of the rows, the import's time per row by stage (read, map, fold, seal,
snapshot JSON, SQL insert of the prepared rows), to show where the time goes.

Run: ``python benchmarks/imports.py`` (``--rows``, ``--sample``, ``--dir``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from iso10002.clock import ManualClock
from iso10002.integrity import GENESIS
from iso10002.metrics.import_cfpb import CFPB, CFPB_COLUMNS, sample_rows, write_sample
from iso10002.metrics.import_sources import open_rows
from iso10002.metrics.imports import import_complaints
from iso10002.progress import ProgressBar
from iso10002.replay import replay
from iso10002.storage import SQLiteStore
from iso10002.storage._sqlite_sql import INSERT_COMPLAINT, INSERT_EVENT, event_rows
from iso10002.storage.common import query_columns, seal_all, snapshot_json

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)  # after every sample row
TARGET = 20_000  # rows per second (issue 6)
BATCH = 1000


# --- The variants, each run in its own process ----------------------------------------------


def run_store(source: Path, target: Path) -> int:
    store = SQLiteStore(target)
    try:
        report = import_complaints(
            store,
            source,
            clock=ManualClock(NOW),
            batch_size=BATCH,
            progress=ProgressBar("  importing", sys.stderr),
        )
    finally:
        store.close()
    if not report.ok:
        raise SystemExit(report.details())
    return report.imported


def run_reader(source: Path, target: Path) -> int:
    with source.open(encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        next(reader)
        return sum(1 for _ in reader)


def run_mapping(source: Path, target: Path) -> int:
    count = 0
    with open_rows(source) as rows:
        for record in rows:
            assert record.values is not None
            CFPB.history(record.values, now=NOW)
            count += 1
    return count


def run_raw_sqlite(source: Path, target: Path) -> int:
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    names = ", ".join(f"c{n}" for n in range(len(CFPB_COLUMNS)))
    db.execute(f"CREATE TABLE complaints (id INTEGER PRIMARY KEY, {names})")
    insert = f"INSERT INTO complaints ({names}) VALUES ({', '.join('?' * len(CFPB_COLUMNS))})"
    count = 0
    with source.open(encoding="utf-8", newline="") as text:
        reader = csv.reader(text)
        next(reader)
        while True:
            batch = [row for _, row in zip(range(BATCH), reader, strict=False)]
            if not batch:
                break
            db.execute("BEGIN IMMEDIATE")
            db.executemany(insert, batch)
            db.execute("COMMIT")
            count += len(batch)
    db.close()
    return count


VARIANTS: dict[str, Callable[[Path, Path], int]] = {
    "store": run_store,
    "reader": run_reader,
    "mapping": run_mapping,
    "raw": run_raw_sqlite,
}


def child(variant: str, source: Path, target: Path) -> None:
    gc.collect()
    started = time.perf_counter()
    count = VARIANTS[variant](source, target)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"count": count, "seconds": seconds, "peak_mb": peak_kb / 1024}))


def measured(variant: str, source: Path, folder: Path) -> dict[str, float]:
    target = folder / f"{variant}.sqlite3"
    done = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(source), str(target)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- Where the time goes ----------------------------------------------------------------------


def stages(source: Path, folder: Path, count: int) -> list[tuple[str, float]]:
    """Microseconds per row of each step of the import, on the first ``count`` rows."""
    sample = folder / "sample.csv"
    with source.open(encoding="utf-8", newline="") as text, sample.open("w", newline="") as out:
        for n, line in enumerate(text):
            if n > count:
                break
            out.write(line)
    timings: list[tuple[str, float]] = []

    def step(name: str, work: Callable[[], object]) -> object:
        gc.collect()
        started = time.perf_counter()
        result = work()
        timings.append((name, (time.perf_counter() - started) / count * 1e6))
        return result

    def read() -> list[dict[str, object]]:
        with open_rows(sample) as rows:
            return [dict(r.values or {}) for r in rows]

    values: list[dict[str, object]] = step("read and split the CSV", read)  # type: ignore[assignment]
    histories = step(
        "map each row to its history (events built and validated)",
        lambda: [CFPB.history(v, now=NOW).events for v in values],
    )
    snapshots = step(
        "fold each history, checking the lifecycle (replay)",
        lambda: [replay(h) for h in histories],  # type: ignore[attr-defined]
    )
    sealed = step(
        "seal every event into the hash chain",
        lambda: [
            seal_all(s.id, h, 0, GENESIS)
            for s, h in zip(snapshots, histories, strict=True)  # type: ignore[call-overload]
        ],
    )

    def rows() -> tuple[list[object], list[object]]:
        complaints = []
        for snapshot, chain in zip(snapshots, sealed, strict=True):  # type: ignore[call-overload]
            row = dict(query_columns(snapshot, None))
            row["head"] = chain[-1].digest
            row["snapshot"] = snapshot_json(snapshot)
            complaints.append(row)
        events = [e for chain in sealed for e in event_rows(chain, 0)]  # type: ignore[attr-defined]
        return complaints, events

    complaints, events = step("snapshot JSON and query columns, event rows", rows)  # type: ignore[misc]
    path = folder / "stages.sqlite3"
    SQLiteStore(path).close()  # the store's schema, indexes and triggers

    def insert() -> None:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA synchronous = FULL")
        per_complaint = len(events) / len(complaints)
        for start in range(0, len(complaints), BATCH):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(INSERT_COMPLAINT, complaints[start : start + BATCH])
            first, last = int(start * per_complaint), int((start + BATCH) * per_complaint)
            db.executemany(INSERT_EVENT, events[first:last])
            db.execute("COMMIT")
        db.close()

    step("SQL: insert the prepared rows, 1,000 complaints a transaction", insert)
    return timings


# --- The report -----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the stage profile")
    parser.add_argument("--dir", help="where to write the files (default: a temp folder)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        variant, source, target = args.child
        child(variant, Path(source), Path(target))
        return
    folder = Path(args.dir or tempfile.mkdtemp(prefix="iso10002-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "cfpb.csv"
    started = time.perf_counter()
    write_sample(source, sample_rows(args.rows, seed=2026))
    made = time.perf_counter() - started
    size = source.stat().st_size / 1e6
    print(f"# Import benchmark: {args.rows:,} CFPB-shaped rows ({size:,.0f} MB), one run")
    print()
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, ", end="")
    print(f"{platform.machine()}, {os.cpu_count()} CPUs; file generated in {made:,.1f} s; ", end="")
    print(f"files in {folder}; load average at the start {os.getloadavg()[0]:.1f}")
    print()
    print("iso10002 import:", file=sys.stderr)
    ours = measured("store", source, folder)
    baselines = {name: measured(name, source, folder) for name in ("reader", "mapping", "raw")}
    ours_rate = ours["count"] / ours["seconds"]
    print("| variant | rows | seconds | rows/s | iso10002 ÷ variant | peak memory |")
    print("|---|---:|---:|---:|---:|---:|")
    labels = {
        "store": "**iso10002 import** into SQLite (validated, sealed, snapshots)",
        "reader": "csv.reader only (parse floor)",
        "mapping": "csv + CFPB mapping, no store",
        "raw": "raw sqlite3 insert of the 18 cells",
    }
    for name, figures in {"store": ours, **baselines}.items():
        rate = figures["count"] / figures["seconds"]
        print(
            f"| {labels[name]} | {figures['count']:,.0f} | {figures['seconds']:,.1f} "
            f"| {rate:,.0f} | {ours_rate / rate:.3f} | {figures['peak_mb']:,.0f} MB |"
        )
    met = "met" if ours_rate >= TARGET else "MISSED"
    print()
    print(f"Load average after the runs: {os.getloadavg()[0]:.1f} (other work on the machine")
    print("slows every variant; the ratios are what to compare).")
    print()
    print(f"Target: at least {TARGET:,} rows/s into SQLite — {met} ({ours_rate:,.0f} rows/s).")
    print()
    print(f"## Where the time goes (first {args.sample:,} rows, in this process)")
    print()
    timings = stages(source, folder, args.sample)
    total = sum(t for _, t in timings)
    print("| step | µs per row | share |")
    print("|---|---:|---:|")
    for name, micros in timings:
        print(f"| {name} | {micros:,.1f} | {micros / total:.0%} |")
    print(f"| **sum** | **{total:,.1f}** | |")
    print()
    print(
        f"At {total:,.0f} µs a row the steps allow {1e6 / total:,.0f} rows/s; "
        f"{TARGET:,} rows/s leaves {1e6 / TARGET:,.0f} µs a row for everything."
    )


if __name__ == "__main__":
    main()
