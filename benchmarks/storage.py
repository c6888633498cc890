"""Storage: the stores against raw database drivers writing the same rows, in one run.

Printed as one Markdown table with ratios (never asserted in tests). For SQLite:

1. **Bulk import** of 100,000 complaints with their events (histories ending in every state,
   about 4.7 events each) through ``SQLiteStore.import_histories`` — validated by the
   lifecycle, sealed into the hash chain, snapshots written — against two ``sqlite3``
   ``executemany`` baselines into an identical fresh store file, one transaction each:

   * *raw importer*: what a hand-written importer does to get the same histories into the
     same tables — each event as JSON (the library's converter), each complaint's snapshot
     as JSON with its query columns — with no validation, no sealing, no chain. The
     issue's target (at least 50% of the raw rate) is measured against this one.
   * *pre-built rows*: the identical rows the store wrote (digests and all), built before the
     clock starts: the cost of the inserts alone, to show where the time goes.

2. **Single appends** with durability on (``synchronous=FULL``, WAL): one event per call and
   per transaction, against raw single-row ``INSERT`` transactions on the same file, the two
   taking turns in rounds because a disk's sync latency drifts.

3. **Streaming** ``find()`` and ``feed()`` over a file holding 1,000,000 events, each in a
   fresh subprocess that reports its peak resident memory (target: under 200 MB), against a
   raw ``sqlite3`` cursor reading the same column and parsing its JSON.

Rows for other stores join the same table: add a function from :class:`Options` to a list
of :class:`Row` to ``STORES`` (the PostgreSQL benchmark is written separately).

Run: ``python benchmarks/storage.py`` (``--complaints``, ``--appends``, ``--events``, ``--dir``).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import attrs

from iso10002.events import Event, NoteAdded
from iso10002.integrity import GENESIS, SealedEvent
from iso10002.model import ComplaintState
from iso10002.replay import replay
from iso10002.serialization import to_json
from iso10002.storage import SQLiteStore
from iso10002.storage.common import (
    QueryColumns,
    query_columns,
    seal_all,
    snapshot_json,
    to_micros,
)
from iso10002.testing.builders import START, history_to

STATES = [s for s in ComplaintState if s is not ComplaintState.NEW]
COMPLAINT_COLUMNS = (
    "id, version, head, state, is_open, received_at, assignee, category, product, "
    "complaint_type, next_due, snapshot"
)
EVENT_COLUMNS = (
    "complaint_id, version, event_type, at, actor, public, personal, previous, digest, recorded_at"
)
INSERT_COMPLAINT = f"INSERT INTO complaints ({COMPLAINT_COLUMNS}) VALUES ({', '.join('?' * 12)})"
INSERT_EVENT = f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({', '.join('?' * 10)})"
Rows = list[tuple[object, ...]]
UNSEALED = (None, "", "", 0)  # personal, previous, digest, recorded_at of the raw importer


@dataclass(frozen=True)
class Options:
    """What every store's benchmark is given."""

    complaints: int
    appends: int
    events: int
    folder: Path


@dataclass(frozen=True)
class Row:
    """One line of the table: a store's figure, a baseline's, and how they compare."""

    store: str
    operation: str
    ours: str
    baseline: str
    theirs: str
    ratio: str
    target: str


def rate(count: int, seconds: float, unit: str) -> str:
    return f"{count / seconds:,.0f} {unit}/s"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


# --- SQLite ---------------------------------------------------------------------------------


def varied_histories(count: int) -> list[tuple[Event, ...]]:
    """Histories ending in every state in turn, a minute apart."""
    return [
        history_to(STATES[n % len(STATES)], f"C-{n:07d}", START + timedelta(minutes=n))
        for n in range(count)
    ]


def raw_connection(path: Path) -> sqlite3.Connection:
    """A plain connection with the store's settings, so only the work differs."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA secure_delete = ON")
    return db


def fresh_store_file(folder: Path, name: str) -> Path:
    path = folder / f"{name}.sqlite3"
    SQLiteStore(path).close()  # the same schema, indexes and triggers as the store's
    return path


def complaint_tuple(c: QueryColumns, head: str, snapshot: str) -> tuple[object, ...]:
    return (
        *(c["id"], c["version"], head, c["state"], c["is_open"], c["received_at"]),
        *(c["assignee"], c["category"], c["product"], c["complaint_type"], None, snapshot),
    )


def event_tuple(r: SealedEvent, version: int | None = None) -> tuple[object, ...]:
    return (
        *(r.complaint_id, version or r.version, r.event_type, to_micros(r.at), r.actor),
        *(r.public, r.personal, r.previous, r.digest, 0),
    )


def raw_importer(path: Path, histories: Sequence[tuple[Event, ...]]) -> None:
    """The same histories into the same tables by hand: JSON and executemany, nothing else."""
    db = raw_connection(path)
    db.execute("BEGIN IMMEDIATE")
    for start in range(0, len(histories), 1000):
        complaints: Rows = []
        events: Rows = []
        for history in histories[start : start + 1000]:
            snapshot = replay(history, check=False)
            columns = query_columns(snapshot, None)
            complaints.append(complaint_tuple(columns, "", snapshot_json(snapshot)))
            events.extend(
                (snapshot.id, n, e.event_type, to_micros(e.at), e.actor, to_json(e), *UNSEALED)
                for n, e in enumerate(history, start=1)
            )
        db.executemany(INSERT_COMPLAINT, complaints)
        db.executemany(INSERT_EVENT, events)
    db.execute("COMMIT")
    db.close()


def prebuilt_rows(histories: Sequence[tuple[Event, ...]]) -> tuple[Rows, Rows]:
    """The rows the store writes for ``histories``, sealed and all."""
    complaints: Rows = []
    events: Rows = []
    for history in histories:
        snapshot = replay(history)
        sealed = seal_all(snapshot.id, history, 0, GENESIS)
        columns = query_columns(snapshot, None)
        complaints.append(complaint_tuple(columns, sealed[-1].digest, snapshot_json(snapshot)))
        events.extend(event_tuple(r) for r in sealed)
    return complaints, events


def raw_insert(path: Path, complaints: Rows, events: Rows) -> None:
    db = raw_connection(path)
    db.execute("BEGIN IMMEDIATE")
    db.executemany(INSERT_COMPLAINT, complaints)
    db.executemany(INSERT_EVENT, events)
    db.execute("COMMIT")
    db.close()


def bulk_import_rows(options: Options) -> list[Row]:
    """The three importers take turns, a tenth of the histories each time, on their own files.

    Each file grows alike, and a passing load on the machine hits all three alike.
    """
    histories = varied_histories(options.complaints)
    events = sum(map(len, histories))
    store = SQLiteStore(fresh_store_file(options.folder, "import-store"))
    importer_file = fresh_store_file(options.folder, "raw-importer")
    rows_file = fresh_store_file(options.folder, "raw-rows")
    gc.freeze()  # the histories held for the benchmark are not the importers' garbage
    ours = importer = inserts = 0.0
    step = -(-len(histories) // 10)
    for start in range(0, len(histories), step):
        part = histories[start : start + step]
        ours += timed(lambda: store.import_histories(part))  # noqa: B023 - run at once
        importer += timed(lambda: raw_importer(importer_file, part))  # noqa: B023
        complaints, event_rows = prebuilt_rows(part)
        inserts += timed(lambda: raw_insert(rows_file, complaints, event_rows))  # noqa: B023
    store.close()
    gc.unfreeze()
    title = f"bulk import, {options.complaints:,} complaints / {events:,} events"
    ours_rate = rate(options.complaints, ours, "complaints")
    return [
        Row(
            "SQLite",
            title,
            ours_rate,
            "raw importer (JSON + executemany)",
            rate(options.complaints, importer, "complaints"),
            f"{importer / ours:.0%}",
            f"≥50% {verdict(importer / ours >= 0.5)}",
        ),
        Row(
            "SQLite",
            title,
            ours_rate,
            "executemany of the same pre-built rows",
            rate(options.complaints, inserts, "complaints"),
            f"{inserts / ours:.0%}",
            "(inserts only: for scale)",
        ),
    ]


def single_append_rows(options: Options) -> list[Row]:
    path = options.folder / "appends.sqlite3"
    store = SQLiteStore(path)  # durability FULL, the default
    ids = [f"A-{n:03d}" for n in range(100)]
    store.import_histories(history_to("investigating", i) for i in ids)
    versions = dict.fromkeys(ids, 4)
    at = START + timedelta(days=1)
    note = seal_all("A-000", [NoteAdded(at=at, actor="agent:ana", text="x")], 99, GENESIS)[0]
    db = raw_connection(path)
    rounds = 10
    per_round = max(1, options.appends // rounds)

    def appends(first: int) -> None:
        for n in range(first, first + per_round):
            complaint_id = ids[n % len(ids)]
            event = NoteAdded(at=at, actor="agent:ana", text=f"call back {n}")
            versions[complaint_id] = store.append(
                complaint_id, [event], expected_version=versions[complaint_id]
            ).version

    def raw_appends(first: int) -> None:
        for n in range(first, first + per_round):
            row = event_tuple(attrs.evolve(note, complaint_id=ids[n % len(ids)]), 10_000 + n)
            db.execute("BEGIN IMMEDIATE")
            db.execute(INSERT_EVENT, row)
            db.execute("COMMIT")

    ours = theirs = 0.0
    for turn in range(rounds):
        first = turn * per_round
        ours += timed(lambda: appends(first))  # noqa: B023 - run at once, in this turn
        theirs += timed(lambda: raw_appends(first))  # noqa: B023
    store.close()
    db.close()
    calls = rounds * per_round
    return [
        Row(
            "SQLite",
            f"single appends, synchronous=FULL, {calls:,} calls",
            rate(calls, ours, "appends"),
            "raw one-row INSERT transactions",
            rate(calls, theirs, "commits"),
            f"{theirs / ours:.0%}",
            "(no target)",
        )
    ]


STREAM = textwrap.dedent(
    """
    import json, resource, sqlite3, sys, time
    path, how = sys.argv[1], sys.argv[2]
    from iso10002.storage import SQLiteStore
    store = SQLiteStore(path)
    started = time.perf_counter()
    count = 0  # peak memory is measured from the start: the interpreter and library count
    if how == "find":
        for complaint in store.find():
            count += 1
    elif how == "feed":
        for recorded in store.feed():
            count += 1
    else:
        db = sqlite3.connect(path)
        column = "snapshot FROM complaints" if how == "raw-find" else "public FROM events"
        for (text,) in db.execute(f"SELECT {column} ORDER BY rowid"):
            json.loads(text)
            count += 1
    seconds = time.perf_counter() - started
    try:  # this process's own high-water mark; ru_maxrss would include the parent's, on Linux
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"count": count, "seconds": seconds, "peak_mb": peak / 1024}))
    """
)


def stream(path: Path, how: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", STREAM, str(path), how], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def streaming_rows(options: Options) -> list[Row]:
    path = options.folder / "million.sqlite3"
    per = 8  # closed complaints: eight events each
    complaints = -(-options.events // per)
    with SQLiteStore(path, durability="normal") as store:
        for start in range(0, complaints, 20_000):  # in slices: the builder's memory stays small
            store.import_histories(
                history_to("closed", f"M-{n:07d}", START + timedelta(minutes=n))
                for n in range(start, min(complaints, start + 20_000))
            )
    rows = []
    for how, items, unit, what in (
        ("find", complaints, "complaints", "snapshot"),
        ("feed", complaints * per, "events", "event"),
    ):
        ours, raw = stream(path, how), stream(path, f"raw-{how}")
        assert ours["count"] == raw["count"] == items, (ours, raw, items)
        rows.append(
            Row(
                "SQLite",
                f"streaming {how}() over {complaints * per:,} events: peak memory",
                f"{ours['peak_mb']:,.0f} MB ({rate(items, ours['seconds'], unit)})",
                f"raw cursor + json.loads of each {what}",
                f"{raw['peak_mb']:,.0f} MB ({rate(items, raw['seconds'], unit)})",
                f"{ours['peak_mb'] / raw['peak_mb']:.1f}x the memory",
                f"<200 MB {verdict(ours['peak_mb'] < 200)}",
            )
        )
    return rows


def sqlite_rows(options: Options) -> list[Row]:
    return [*bulk_import_rows(options), *single_append_rows(options), *streaming_rows(options)]


STORES: dict[str, Callable[[Options], list[Row]]] = {"SQLite": sqlite_rows}
"""Each store's benchmark: a function from the options to its rows of the table."""


def print_table(rows: Sequence[Row]) -> None:
    print("| store | operation | iso10002 | baseline | baseline figure | ratio | target |")
    print("|---|---|---:|---|---:|---:|---|")
    for r in rows:
        cells = (r.store, r.operation, r.ours, r.baseline, r.theirs, r.ratio, r.target)
        print("| " + " | ".join(cells) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=1_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dir", help="where the database files go (default: a temp folder)")
    parser.add_argument("--stores", nargs="*", default=sorted(STORES), choices=sorted(STORES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iso10002-bench-", dir=args.dir) as folder:
        options = Options(args.complaints, args.appends, args.events, Path(folder))
        rows = [row for name in args.stores for row in STORES[name](options)]
    print(
        f"iso10002 storage benchmark: SQLite {sqlite3.sqlite_version}, Python "
        f"{platform.python_version()}, {platform.machine()}. Ratio: baseline time / iso10002 "
        "time, the share of the baseline's speed iso10002 reaches."
    )
    print()
    print_table(rows)


if __name__ == "__main__":
    main()
