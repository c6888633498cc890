"""The SQLAlchemy store on PostgreSQL against raw psycopg writing the same rows.

One run, printed as Markdown tables with ratios (never asserted in tests):

1. bulk import of 100,000 complaints in mixed states with their events (about 4.7 each):
   ``SQLAlchemyStore.create_many`` (which validates, folds and seals every history) against
   raw psycopg inserting the rows the store writes, sealed beforehand, with ``executemany``
   and with ``COPY``; target from issue 4: the store at least 50% of the raw rate;
2. single appends per second with durability on (``synchronous_commit = on``, one
   transaction and one fsync each): ``SQLAlchemyStore.append``, each to a complaint the
   store read or wrote last (as the desk does: ``get``, then ``append``), and each to a
   complaint another store object wrote last (so the store reads the row first), against
   raw psycopg single-row transactions (an ``INSERT``; an ``UPDATE`` of the version plus
   the ``INSERT``; and the store's own append statement, run by psycopg with values
   prepared beforehand: no folding, sealing or SQLAlchemy).

Every side writes into the same migrated schema (same indexes and constraints) in a
throwaway database, dropped at the end.

Run: ``python benchmarks/storage_postgres.py`` (``--complaints``, ``--appends``; the server is
``ISO10002_BENCH_POSTGRES_URL``, default ``postgresql://postgres@127.0.0.1:5432/test``).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta

import psycopg
import sqlalchemy as sa

from iso10002.events import Event, NoteAdded
from iso10002.integrity import GENESIS
from iso10002.model import Complaint, ComplaintState
from iso10002.replay import replay
from iso10002.storage._sqlalchemy_write import ROW_COLUMNS, event_values, postgres_append
from iso10002.storage.common import query_columns, seal_all, snapshot_json, to_micros
from iso10002.storage.sqlalchemy import SQLAlchemyStore, upgrade
from iso10002.testing.builders import START, history_to

STATES = [s for s in ComplaintState if s is not ComplaintState.NEW]
COMPLAINT_COLUMNS = (
    "id, version, state, is_open, received_at, assignee, category, product, complaint_type, "
    "next_due, head_digest, snapshot"
)
EVENT_COLUMNS = (
    "complaint_id, version, event_type, at, actor, public, personal, previous, digest, recorded_at"
)
Rows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def build(count: int) -> list[tuple[Event, ...]]:
    return [
        history_to(STATES[n % len(STATES)], f"C-{n:06d}", START + timedelta(minutes=n))
        for n in range(count)
    ]


def sealed_rows(histories: Sequence[tuple[Event, ...]]) -> Rows:
    """The rows the store writes for these histories, for the raw baselines."""
    complaint_rows, event_rows = [], []
    now = to_micros(START)
    for history in histories:
        complaint_id = history[0].complaint_id
        snapshot = replay(history)
        sealed = seal_all(complaint_id, history, 0, GENESIS)
        columns = query_columns(snapshot, None)
        complaint_rows.append(
            (*columns.values(), sealed[-1].digest, snapshot_json(snapshot)),
        )
        event_rows.extend(
            (
                row.complaint_id,
                row.version,
                row.event_type,
                to_micros(row.at),
                row.actor,
                row.public,
                row.personal,
                row.previous,
                row.digest,
                now,
            )
            for row in sealed
        )
    return complaint_rows, event_rows


def timed(work: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def placeholders(columns: str) -> str:
    return ", ".join(["%s"] * len(columns.split(",")))


def raw_executemany(conninfo: str, rows: Rows) -> None:
    complaint_rows, event_rows = rows
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO iso10002_complaints ({COMPLAINT_COLUMNS}) "
            f"VALUES ({placeholders(COMPLAINT_COLUMNS)})",
            complaint_rows,
        )
        cursor.executemany(
            f"INSERT INTO iso10002_events ({EVENT_COLUMNS}) VALUES ({placeholders(EVENT_COLUMNS)})",
            event_rows,
        )


def raw_copy(conninfo: str, rows: Rows) -> None:
    complaint_rows, event_rows = rows
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        for table, columns, data in (
            ("iso10002_complaints", COMPLAINT_COLUMNS, complaint_rows),
            ("iso10002_events", EVENT_COLUMNS, event_rows),
        ):
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)


def empty(conninfo: str) -> None:
    with psycopg.connect(conninfo) as connection:
        connection.execute(
            "TRUNCATE iso10002_events, iso10002_complaint_facts, iso10002_complaints "
            "RESTART IDENTITY"
        )


def analyze(conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute("ANALYZE iso10002_complaints, iso10002_events")


def counted(conninfo: str) -> tuple[int, int]:
    with psycopg.connect(conninfo) as connection:
        complaints = connection.execute("SELECT count(*) FROM iso10002_complaints").fetchone()
        events = connection.execute("SELECT count(*) FROM iso10002_events").fetchone()
    assert complaints is not None
    assert events is not None
    return int(complaints[0]), int(events[0])


def store_appends(
    stores: Sequence[SQLAlchemyStore], versions: dict[str, Complaint], appends: int
) -> None:
    """Notes on each complaint in turn; each pass over them by the next of ``stores``."""
    ids = list(versions)
    for n in range(appends):
        current = versions[ids[n % len(ids)]]
        store = stores[n // len(ids) % len(stores)]
        note = NoteAdded(
            at=current.last_event_at + timedelta(minutes=1), actor="agent:ana", text=f"note {n}"
        )
        versions[current.id] = store.append(current.id, [note], expected_version=current.version)


def raw_single_inserts(
    conninfo: str, ids: Sequence[str], appends: int, how: str, base: int
) -> None:
    """Single-row transactions: ``insert`` an event row only; or ``update`` the complaint's
    version first. Versions start at ``base``, far above the imported ones."""
    template = sealed_rows([history_to("acknowledged", "T-0")])[1][1]
    versions = dict.fromkeys(ids, base)
    with psycopg.connect(conninfo) as connection:
        for n in range(appends):
            complaint_id = ids[n % len(ids)]
            version = versions[complaint_id] + 1
            with connection.transaction():
                if how == "update":
                    connection.execute(
                        "UPDATE iso10002_complaints SET version = %s WHERE id = %s",
                        (version, complaint_id),
                    )
                connection.execute(
                    f"INSERT INTO iso10002_events ({EVENT_COLUMNS}) "
                    f"VALUES ({placeholders(EVENT_COLUMNS)})",
                    (complaint_id, version, *template[2:]),
                )
            versions[complaint_id] = version


def stored_rows(conninfo: str, ids: Sequence[str]) -> dict[str, dict[str, object]]:
    """The complaints' rows as they are now (the columns an append sets)."""
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, {', '.join(ROW_COLUMNS)} FROM iso10002_complaints WHERE id = ANY(%s)",
            (list(ids),),
        )
        names = ["id", *ROW_COLUMNS]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor}


def raw_store_statement(conninfo: str, rows: dict[str, dict[str, object]], appends: int) -> None:
    """The store's append statement (no facts changed), one event each, in autocommit (its
    own transaction, as the store runs it), with the rows' values kept as they are and a
    sealed event made once: what the store sends, without its Python work."""
    sealed = seal_all("T-0", history_to("acknowledged", "T-0"), 0, GENESIS)[1]
    events = event_values([sealed])
    statement = postgres_append(facts=False, several=False)
    ids = list(rows)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        for n in range(appends):
            row = rows[ids[n % len(ids)]]
            version = int(str(row["version"])) + 1
            params = {
                **row,
                **events,
                "key": row["id"],
                "expected": row["version"],
                "previous": row["head_digest"],
                "version": version,
                "head_digest": sealed.digest,
                "e_version": version,
                "recorded_at": 0,
            }
            if connection.execute(statement, params).rowcount != 1:
                raise AssertionError(f"the compare-and-set on {row['id']} missed")
            row["version"], row["head_digest"] = version, sealed.digest


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--appends", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    server = sa.make_url(
        os.environ.get("ISO10002_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    ).set(drivername="postgresql")
    name = f"iso10002_bench_{uuid.uuid4().hex[:12]}"
    admin_info = server.render_as_string(hide_password=False)
    with psycopg.connect(admin_info, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        settings = {
            key: admin.execute(f"SHOW {key}").fetchone()[0]  # type: ignore[index]
            for key in ("server_version", "fsync", "synchronous_commit")
        }
    conninfo = server.set(database=name).render_as_string(hide_password=False)
    bulk: dict[str, float] = {}
    single: dict[str, float] = {}

    def best(results: dict[str, float], key: str, seconds: float) -> None:
        results[key] = min(seconds, results.get(key, seconds))

    try:
        upgrade(conninfo)
        histories = build(args.complaints)
        events = sum(len(h) for h in histories)
        rows = sealed_rows(histories)
        store = SQLAlchemyStore(conninfo)
        for _ in range(args.repeat):
            empty(conninfo)
            best(bulk, "many", timed(lambda: raw_executemany(conninfo, rows)))
            assert counted(conninfo) == (args.complaints, events)
            empty(conninfo)
            best(bulk, "copy", timed(lambda: raw_copy(conninfo, rows)))
            assert counted(conninfo) == (args.complaints, events)
            empty(conninfo)
            best(bulk, "store", timed(lambda: store.create_many(histories)))
            assert counted(conninfo) == (args.complaints, events)

        # Single appends on the store's import, to 500 complaints for the store and 500
        # others for the raw writers.
        analyze(conninfo)  # as after any bulk load: the planner learns the tables' sizes
        step = max(1, len(histories) // 1000)
        sample = [h[0].complaint_id for h in histories[::step]][:1000]
        current = {complaint_id: store.get(complaint_id) for complaint_id in sample[::2]}
        others = sample[1::2]
        for r in range(args.repeat):
            best(single, "store", timed(lambda: store_appends([store], current, args.appends)))
            for k, how in enumerate(("insert", "update")):
                base = (k + 1) * 10_000_000 + r * 1_000_000
                seconds = timed(
                    lambda how=how, base=base: raw_single_inserts(
                        conninfo, others, args.appends, how, base
                    )
                )
                best(single, how, seconds)
            heads = stored_rows(conninfo, others)
            seconds = timed(lambda heads=heads: raw_store_statement(conninfo, heads, args.appends))
            best(single, "statement", seconds)
        # Last, so the runs above start from the heads the store keeps: each pass over the
        # complaints by the other store object, which has no head of theirs to start from.
        other = SQLAlchemyStore(conninfo)
        for _ in range(args.repeat):
            seconds = timed(lambda: store_appends([other, store], current, args.appends))
            best(single, "cold", seconds)
        other.close()
        store.close()
    finally:
        with psycopg.connect(admin_info, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    n = args.complaints
    print(
        f"PostgreSQL {settings['server_version']} (fsync {settings['fsync']}, "
        f"synchronous_commit {settings['synchronous_commit']}), Python "
        f"{platform.python_version()}, SQLAlchemy {sa.__version__}, psycopg "
        f"{psycopg.__version__}\n"
    )
    print(
        f"Bulk import: {n:,} complaints with {events:,} events, one transaction each side, "
        f"best of {args.repeat}\n"
    )
    print("| writer | complaints/s | events/s | store ÷ this |")
    print("|---|---:|---:|---:|")
    for label, seconds in (
        ("`SQLAlchemyStore.create_many` (validates, folds, seals)", bulk["store"]),
        ("raw psycopg `executemany`, rows sealed beforehand", bulk["many"]),
        ("raw psycopg `COPY`, rows sealed beforehand", bulk["copy"]),
    ):
        print(
            f"| {label} | {rate(n, seconds)} | {rate(events, seconds)} | "
            f"{seconds / bulk['store']:.2f} |"
        )
    print(
        f"\nSingle appends with durability on: {args.appends:,} a run, one transaction each, "
        f"best of {args.repeat}\n"
    )
    print("| writer | appends/s | store ÷ this |")
    print("|---|---:|---:|")
    for label, seconds in (
        ("`SQLAlchemyStore.append` (fold, seal, one statement)", single["store"]),
        (
            "`SQLAlchemyStore.append`, another store wrote last (reads the row first)",
            single["cold"],
        ),
        ("raw psycopg: `INSERT` one event row", single["insert"]),
        ("raw psycopg: `UPDATE` version + `INSERT` one event row", single["update"]),
        ("raw psycopg: the store's append statement, no folding or sealing", single["statement"]),
    ):
        print(f"| {label} | {rate(args.appends, seconds)} | {seconds / single['store']:.2f} |")
    print(
        f"\nTarget (issue 4): bulk import at least 0.50 of the raw rate; "
        f"store ÷ executemany = {bulk['many'] / bulk['store']:.2f}, "
        f"store ÷ COPY = {bulk['copy'] / bulk['store']:.2f}."
    )


if __name__ == "__main__":
    main()
