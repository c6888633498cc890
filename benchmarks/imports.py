"""Imports: a 1,000,000-row CFPB-shaped CSV into SQLite, against raw baselines, in one run.

Generates the file (seeded, :func:`iso10002.metrics.import_cfpb.sample_rows`), then runs
each variant in a fresh subprocess that reports its time and peak resident memory:

* **iso10002 import**: :func:`iso10002.metrics.imports.import_complaints` into a new
  ``SQLiteStore`` file (WAL, ``synchronous=FULL``, the defaults ``iso10002 import`` uses),
  batches of 1,000, with the progress bar on standard error. Each row is read, mapped to its
  history (5 to 8 events), validated by the lifecycle, sealed into the hash chain, folded
  into a snapshot and written with it, all in one process. Target (issue 6): at least
  20,000 rows/s.
* **iso10002 import, 1 and 2 workers**: the same with ``workers=1`` and ``workers=2``:
  worker processes map, validate, fold and seal batches while the importing process reads
  the file and copies the batches they stage into the store (``INSERT … SELECT``).
* **csv.reader only**: the parse floor (rows read, nothing done with them).
* **csv + mapping, no store**: the same reading and mapping to histories, nothing stored.
* **raw sqlite3 insert of the 18 cells**: ``csv.reader`` and ``executemany`` of the cells
  into one plain table, same pragmas, same batches: what a hand-written loader costs.
* **raw sqlite3 executemany of the same rows**: the complaint and event rows the import
  wrote (read back from its file), inserted with ``executemany`` into a new file with the
  store's schema, indexes and pragmas, 1,000 complaints a transaction: the cost of writing
  these bytes at all, with nothing computed. Its time counts the inserts and commits only.

Each variant reports wall time and CPU time (all its threads and worker processes), since
the machine may be shared: under load the ratios, and the CPU figures, are what to compare.

Then, on a sample of the rows, the import's time per row by stage (read, map, fold, seal,
complaint row and snapshot JSON, SQL insert of the prepared rows), to show where it goes.

Run: ``python benchmarks/imports.py`` (``--rows``, default 1,000,000; ``--sample``,
``--dir``).
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
from iso10002.metrics.import_cfpb import CFPB, CFPB_COLUMNS, sample_rows, write_sample
from iso10002.metrics.import_sources import open_rows
from iso10002.metrics.imports import import_complaints
from iso10002.progress import ProgressBar
from iso10002.replay import replay
from iso10002.storage import SQLiteStore
from iso10002.storage._sqlite_sql import (
    COMPLAINT_COLUMNS,
    EVENT_COLUMNS,
    INSERT_COMPLAINT,
    INSERT_EVENT,
    sealed_rows,
)
from iso10002.storage.common import query_columns, snapshot_json

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)  # after every sample row
TARGET = 20_000  # rows per second (issue 6)
BATCH = 1000


# --- The variants, each run in its own process ----------------------------------------------


def run_store(source: Path, target: Path, workers: int = 0) -> int:
    store = SQLiteStore(target)
    try:
        report = import_complaints(
            store,
            source,
            clock=ManualClock(NOW),
            batch_size=BATCH,
            progress=ProgressBar(f"  importing, {workers} workers", sys.stderr),
            workers=workers,
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


def run_same_rows(source: Path, target: Path) -> float:
    """Insert the rows the import stored (``source`` is its file); the seconds inserting."""
    SQLiteStore(target).close()  # the store's schema, indexes and triggers
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    read = sqlite3.connect(source)
    insert_complaint = (
        f"INSERT INTO complaints ({', '.join(COMPLAINT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(COMPLAINT_COLUMNS))})"
    )
    complaints = read.execute(f"SELECT {', '.join(COMPLAINT_COLUMNS)} FROM complaints ORDER BY id")
    events = read.cursor().execute(
        f"SELECT {EVENT_COLUMNS}, recorded_at FROM events ORDER BY complaint_id, version"
    )
    inserting = 0.0
    pending_event = events.fetchone()
    count = 0
    while True:
        batch = complaints.fetchmany(BATCH)
        if not batch:
            break
        last = batch[-1][0]
        rows = []
        while pending_event is not None and pending_event[0] <= last:
            rows.append(pending_event)
            pending_event = events.fetchone()
        started = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(insert_complaint, batch)
        db.executemany(INSERT_EVENT, rows)
        db.execute("COMMIT")
        inserting += time.perf_counter() - started
        count += len(batch)
    read.close()
    db.close()
    SAME_ROWS[0] = count
    return inserting


SAME_ROWS = [0]

VARIANTS: dict[str, Callable[[Path, Path], int]] = {
    "store": run_store,
    "store-1": lambda source, target: run_store(source, target, workers=1),
    "store-2": lambda source, target: run_store(source, target, workers=2),
    "reader": run_reader,
    "mapping": run_mapping,
    "raw": run_raw_sqlite,
}


def child(variant: str, source: Path, target: Path) -> None:
    gc.collect()
    started = time.perf_counter()
    cpu = time.process_time()
    if variant == "same":
        seconds = run_same_rows(source, target)
        count = SAME_ROWS[0]
    else:
        count = VARIANTS[variant](source, target)
        seconds = time.perf_counter() - started
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker processes, ended
    own = time.process_time() - cpu
    cpu = own + workers.ru_utime + workers.ru_stime
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    figures = {"count": count, "seconds": seconds, "cpu": cpu, "peak_mb": peak_kb / 1024}
    figures["worker_peak_mb"] = workers.ru_maxrss / 1024
    figures["own_cpu"] = own
    print(json.dumps(figures))


def measured(
    variant: str, source: Path, folder: Path, target: Path | None = None
) -> dict[str, float]:
    target = target or folder / f"{variant}.sqlite3"
    for old in folder.glob(f"{target.name}*"):
        old.unlink()
    done = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(source), str(target)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- Where the time goes ----------------------------------------------------------------------


def stages(source: Path, folder: Path, count: int) -> list[tuple[str, float, float]]:
    """Microseconds per row of each step of the import, wall and CPU, on the first ``count``
    rows, done one step at a time over all of them (no pipelining)."""
    sample = folder / "sample.csv"
    with source.open(encoding="utf-8", newline="") as text, sample.open("w", newline="") as out:
        for n, line in enumerate(text):
            if n > count:
                break
            out.write(line)
    timings: list[tuple[str, float, float]] = []

    def step(name: str, work: Callable[[], object]) -> object:
        gc.collect()
        started, cpu = time.perf_counter(), time.process_time()
        result = work()
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        timings.append((name, wall / count * 1e6, cpu / count * 1e6))
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
        "seal every event into the hash chain (event rows)",
        lambda: [
            sealed_rows(s.id, h, 0)
            for s, h in zip(snapshots, histories, strict=True)  # type: ignore[call-overload]
        ],
    )

    def rows() -> list[object]:
        complaints = []
        for snapshot, (_, head) in zip(snapshots, sealed, strict=True):  # type: ignore[call-overload]
            row = dict(query_columns(snapshot, None))
            row["head"] = head
            row["snapshot"] = snapshot_json(snapshot)
            complaints.append(row)
        return complaints

    complaints: list[object] = step("complaint rows: query columns, snapshot JSON", rows)  # type: ignore[assignment]
    path = folder / "stages.sqlite3"
    for old in folder.glob("stages.sqlite3*"):
        old.unlink()
    SQLiteStore(path).close()  # the store's schema, indexes and triggers

    def insert() -> None:
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        for start in range(0, len(complaints), BATCH):
            db.execute("BEGIN IMMEDIATE")
            db.executemany(INSERT_COMPLAINT, complaints[start : start + BATCH])
            events = [e for chain, _ in sealed[start : start + BATCH] for e in chain]  # type: ignore[index]
            db.executemany(INSERT_EVENT, events)
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
    results = {"store": ours}
    names = ("store-1", "store-2", "reader", "mapping", "raw")
    results.update({name: measured(name, source, folder) for name in names})
    results["same"] = measured("same", folder / "store.sqlite3", folder, folder / "same.sqlite3")
    ours_rate = ours["count"] / ours["seconds"]
    print(
        "| variant | rows | seconds | rows/s | ÷ 20k target | iso10002 ÷ variant "
        "| CPU µs/row | peak memory |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    labels = {
        "store": "**iso10002 import** into SQLite (validated, sealed, snapshots)",
        "store-1": "**iso10002 import**, 1 worker process",
        "store-2": "**iso10002 import**, 2 worker processes",
        "reader": "csv.reader only (parse floor)",
        "mapping": "csv + CFPB mapping, no store",
        "raw": "raw sqlite3 insert of the 18 cells",
        "same": "raw sqlite3 executemany of the same rows (inserts and commits only)",
    }
    for name, figures in results.items():
        rate = figures["count"] / figures["seconds"]
        memory = f"{figures['peak_mb']:,.0f} MB"
        if name.startswith("store-"):
            memory += f" + {figures['worker_peak_mb']:,.0f} MB a worker"
        print(
            f"| {labels[name]} | {figures['count']:,.0f} | {figures['seconds']:,.1f} "
            f"| {rate:,.0f} | {rate / TARGET:.2f} | {ours_rate / rate:.3f} "
            f"| {figures['cpu'] / figures['count'] * 1e6:,.0f} | {memory} |"
        )
    best, best_rate = max(
        ((name, results[name]["count"] / results[name]["seconds"]) for name in results),
        key=lambda found: found[1] if found[0].startswith("store") else 0,
    )
    met = "met" if best_rate >= TARGET else "MISSED"
    print()
    print("The importing process's own CPU per row with workers (it reads the file and copies")
    print("the staged batches in; the workers do the rest), and the rate that allows when the")
    print("workers have cores enough to keep up:")
    print()
    for name in ("store-1", "store-2"):
        own = results[name]["own_cpu"] / results[name]["count"] * 1e6
        print(f"- {labels[name].replace('**', '')}: {own:,.0f} µs a row, {1e6 / own:,.0f} rows/s")
    print()
    print(f"Load average after the runs: {os.getloadavg()[0]:.1f} (other work on the machine")
    print("slows every variant; the ratios and CPU figures are what to compare).")
    print()
    print(
        f"Target: at least {TARGET:,} rows/s into SQLite — {met} ({best_rate:,.0f} rows/s, "
        f"{labels[best].replace('**', '')})."
    )
    print()
    print(
        f"## Where the time goes (first {args.sample:,} rows, one step at a time, in this process)"
    )
    print()
    timings = stages(source, folder, args.sample)
    total = sum(t for _, t, _ in timings)
    cpu_total = sum(c for _, _, c in timings)
    print("| step | µs per row | CPU µs per row | share of CPU |")
    print("|---|---:|---:|---:|")
    for name, micros, cpu in timings:
        print(f"| {name} | {micros:,.1f} | {cpu:,.1f} | {cpu / cpu_total:.0%} |")
    print(f"| **sum** | **{total:,.1f}** | **{cpu_total:,.1f}** | |")
    print()
    print(
        f"At {cpu_total:,.0f} CPU µs a row the steps, done one after another on one free core, "
        f"allow {1e6 / cpu_total:,.0f} rows/s; {TARGET:,} rows/s leaves {1e6 / TARGET:,.0f} µs a "
        "row for everything. With workers, the SQL step runs in the importing process and the "
        "steps before it in the workers."
    )


if __name__ == "__main__":
    main()
