"""Load: eight workers send desk commands to the same 200 complaints at once.

Each worker (a thread sharing one store object, or a process with its own) picks a complaint
at random (half the time one of four hot ones), reads it, and moves it one step along its
lifecycle (or adds a note) with the version it read, so that workers collide. Afterwards,
whatever the interleaving:

* every command a worker sent either succeeded, at a version it was told, or raised
  ``ConcurrencyConflict`` to that worker: nothing else, nothing silent;
* every success is in the store, at that version, as that worker's event (nothing lost),
  and the store holds no other event (nothing duplicated, nothing invented);
* every snapshot is the replay of its history and every hash chain verifies.

Throughput and conflict rate are printed (``pytest -s``, and in ``nox -s soak``, which runs
8 x 5,000 commands; CI runs a few dozen per worker). No timing is asserted.
"""

from __future__ import annotations

import multiprocessing
import random
import threading
import time
from collections import Counter
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import attrs
import pytest
from reliability_support import SOAK, soak_int

from iso10002.clock import system_clock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ConcurrencyConflict
from iso10002.lifecycle import TRANSITIONS
from iso10002.replay import replay
from iso10002.storage import ComplaintStore, SQLiteStore
from iso10002.testing.builders import event_for, history_to

WORKERS = 8
COMPLAINTS = tuple(f"C-{n:03d}" for n in range(200))
HOT = COMPLAINTS[:4]
"""Half the commands go to these few (a complaint in the news), so that workers collide."""
COMMANDS = soak_int("ISO10002_LOAD_COMMANDS", 30, 5_000)
"""Commands per worker: a few dozen in CI, 5,000 in the soak run."""
PATH = (
    "acknowledge",
    "assess",
    "start_investigation",
    "decide",
    "communicate_decision",
    "accept",
    "close",
    "reopen",
)
"""The steps a worker prefers, in order; with none allowed it adds a note."""


@attrs.frozen
class WorkerReport:
    """What one worker did: its successes (complaint, version, event type) and conflicts."""

    worker: int
    written: tuple[tuple[str, int, str], ...]
    conflicts: int
    seconds: float


def open_store(spec: str) -> ComplaintStore:
    """The store behind ``spec``: a PostgreSQL URL, or the path of an SQLite file."""
    if spec.startswith("postgresql"):
        from iso10002.storage.sqlalchemy import SQLAlchemyStore

        return SQLAlchemyStore(spec)
    return SQLiteStore(spec, durability="normal")


def send_commands(store: ComplaintStore, worker: int, start: Any) -> WorkerReport:
    """One worker's ``COMMANDS`` commands, each either written or a reported conflict."""
    rng = random.Random(worker)
    desk = ComplaintsDesk(store)
    actor = f"agent:w{worker}"
    written: list[tuple[str, int, str]] = []
    stale: list[tuple[int, int]] = []  # (expected, actual) of each conflict
    start.wait()
    began = time.perf_counter()
    for n in range(COMMANDS):
        complaint_id = rng.choice(HOT if rng.random() < 0.5 else COMPLAINTS)
        seen = desk.get(complaint_id)
        now = system_clock()
        allowed = TRANSITIONS.allowed_events(seen, now, desk.rules)
        step = next((s for s in PATH if s in allowed), "add_note")
        event = event_for(seen, step, at=now, actor=actor)
        if step == "add_note":
            event = attrs.evolve(event, text=f"note {worker}-{n}")
        try:
            after = desk.record(complaint_id, event, expected_version=seen.version)
        except ConcurrencyConflict as conflict:
            stale.append((conflict.expected_version, conflict.actual_version))
        else:
            assert after.version == seen.version + 1
            written.append((complaint_id, after.version, event.event_type))
    assert all(actual > expected for expected, actual in stale)
    return WorkerReport(worker, tuple(written), len(stale), time.perf_counter() - began)


def process_worker(spec: str, worker: int, start: Any) -> WorkerReport:
    """A worker in a process of its own, with a store of its own."""
    store = open_store(spec)
    try:
        return send_commands(store, worker, start)
    finally:
        store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_spec(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store holding the 200 complaints, as a spec ``open_store`` understands."""
    if request.param == "sqlite":
        spec = str(tmp_path / "load.sqlite3")
    else:
        import sqla_support as db

        spec = request.getfixturevalue("sqlalchemy_postgres_url")
        db.empty_tables(spec)
    store = open_store(spec)
    try:
        for complaint_id in COMPLAINTS:
            store.create(history_to("received", complaint_id))
    finally:
        store.close()
    return spec


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["threads", "processes"])
def test_eight_workers_lose_nothing_duplicate_nothing_and_hear_of_every_conflict(
    store_spec: str, workers: str
) -> None:
    spawn = multiprocessing.get_context("spawn")
    began = time.perf_counter()
    with ExitStack() as stack:
        if workers == "processes":
            pool: Executor = ProcessPoolExecutor(WORKERS, mp_context=spawn)
            start: Any = stack.enter_context(spawn.Manager()).Barrier(WORKERS)
            jobs = [pool.submit(process_worker, store_spec, n, start) for n in range(WORKERS)]
        else:
            shared = stack.enter_context(open_store(store_spec))  # one store, many threads
            pool, start = ThreadPoolExecutor(WORKERS), threading.Barrier(WORKERS)
            jobs = [pool.submit(send_commands, shared, n, start) for n in range(WORKERS)]
        with pool:
            reports = [job.result(timeout=None if SOAK else 600) for job in jobs]
    elapsed = time.perf_counter() - began

    written = [w for r in reports for w in r.written]
    conflicts = sum(r.conflicts for r in reports)
    for report in reports:  # every command accounted for, to the worker that sent it
        assert len(report.written) + report.conflicts == COMMANDS
    assert len({(c, v) for c, v, _ in written}) == len(written)  # no version given twice
    with open_store(store_spec) as store:
        histories = {c: store.history(c) for c in COMPLAINTS}
        for report in reports:
            for complaint_id, version, event_type in report.written:
                event = histories[complaint_id][version - 1]
                assert (event.event_type, event.actor) == (event_type, f"agent:w{report.worker}")
        stored = sum(len(h) for h in histories.values())
        assert stored == len(COMPLAINTS) + len(written)  # nothing more than was reported
        assert Counter(e.actor for h in histories.values() for e in h[1:]) == Counter(
            {f"agent:w{r.worker}": len(r.written) for r in reports if r.written}
        )
        for complaint_id, history in histories.items():
            assert store.get(complaint_id) == replay(history)
        report = store.verify_integrity()
        assert report.ok, str(report)

    total = WORKERS * COMMANDS
    busy = max(r.seconds for r in reports)  # from the start barrier to the last command
    database = "postgresql" if store_spec.startswith("postgresql") else "sqlite"
    print(
        f"\nload {database} {workers}: {WORKERS} workers x {COMMANDS} commands on "
        f"{len(COMPLAINTS)} complaints: {total / busy:,.0f} commands/s over {busy:.2f} s "
        f"({elapsed:.2f} s with start-up), {len(written)} written, "
        f"{conflicts} conflicts ({conflicts / total:.1%})"
    )
    assert conflicts, "the workers never collided: nothing was tested"
