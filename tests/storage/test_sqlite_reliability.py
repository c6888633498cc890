"""Reliability of the SQLite store: many writers at once, and a writer killed mid-write.

Threads (each with its own store object on one file) and processes (multiprocessing with
spawn) take the same complaints through the lifecycle at once: in the end no event is lost,
none is written twice, and every refused write was reported as a ConcurrencyConflict. A
process killed with SIGKILL while it writes leaves a file that opens, verifies, and holds
every write it reported as committed.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest

from iso10002.errors import ConcurrencyConflict
from iso10002.events import Event, NoteAdded
from iso10002.model import Complaint, ComplaintState
from iso10002.replay import replay
from iso10002.storage import SQLiteStore
from iso10002.testing.builders import event_for, history_to

COMPLAINTS = ("C-A", "C-B", "C-C")
ROUNDS = 12

Written = tuple[str, str, str, str]  # complaint, event type, actor, note text
Conflict = tuple[str, int, int]  # complaint, expected version, actual version


def next_event(seen: Complaint, writer: int, attempt: int) -> Event:
    """The step a writer takes next: move the complaint on, or add a note once it's under way."""
    actor = f"agent:w{writer}"
    steps = {
        ComplaintState.RECEIVED: "acknowledge",
        ComplaintState.ACKNOWLEDGED: "assess",
        ComplaintState.ASSESSED: "start_investigation",
    }
    if seen.state in steps:
        return event_for(seen, steps[seen.state], actor=actor)
    return NoteAdded(at=seen.last_event_at, actor=actor, text=f"note {writer}-{attempt}")


def write_concurrently(
    path: str, writer: int, start: Any
) -> tuple[int, list[Written], list[Conflict]]:
    """One writer's work: ROUNDS attempts on every complaint, each reported."""
    written: list[Written] = []
    conflicts: list[Conflict] = []
    with SQLiteStore(path, durability="normal") as store:
        start.wait()
        for attempt in range(ROUNDS):
            for complaint_id in COMPLAINTS:
                seen = store.get(complaint_id)
                event = next_event(seen, writer, attempt)
                try:
                    store.append(complaint_id, [event], expected_version=seen.version)
                except ConcurrencyConflict as conflict:
                    conflicts.append(
                        (complaint_id, conflict.expected_version, conflict.actual_version)
                    )
                else:
                    text = event.text if isinstance(event, NoteAdded) else ""
                    written.append((complaint_id, event.event_type, event.actor, text))
    return writer, written, conflicts


def process_writer(path: str, writer: int, start: Barrier, results: Any) -> None:
    results.put(write_concurrently(path, writer, start))


def prepared_store(path: Path) -> None:
    with SQLiteStore(path) as store:
        for complaint_id in COMPLAINTS:
            store.create(history_to("received", complaint_id))


def check_outcome(
    path: Path, writers: int, results: list[tuple[int, list[Written], list[Conflict]]]
) -> None:
    """Nothing lost, nothing twice, every conflict reported, and the file verifies."""
    assert sorted(r[0] for r in results) == list(range(writers))
    written = [w for r in results for w in r[1]]
    conflicts = [c for r in results for c in r[2]]
    assert len(written) + len(conflicts) == writers * ROUNDS * len(COMPLAINTS)
    assert all(actual > expected for _, expected, actual in conflicts)
    with SQLiteStore(path) as store:
        for complaint_id in COMPLAINTS:
            history = store.history(complaint_id)
            stored = Counter(
                (complaint_id, e.event_type, e.actor, e.text if isinstance(e, NoteAdded) else "")
                for e in history[1:]
            )
            assert stored == Counter(w for w in written if w[0] == complaint_id)
            assert store.get(complaint_id) == replay(history)
            assert store.get(complaint_id).state is ComplaintState.INVESTIGATING
        positions = [r.position for r in store.feed()]
        assert positions == sorted(set(positions))
        assert len(positions) == len(COMPLAINTS) + len(written)
        report = store.verify_integrity()
        assert report.ok, str(report)
    assert conflicts, "the writers never collided: the test did not test anything"


def test_threads_with_their_own_stores_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    path = tmp_path / "threads.sqlite3"
    prepared_store(path)
    writers = 6
    start = threading.Barrier(writers)
    results: list[tuple[int, list[Written], list[Conflict]]] = []
    failures: list[BaseException] = []

    def run(writer: int) -> None:
        try:
            results.append(write_concurrently(str(path), writer, start))
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    check_outcome(path, writers, results)


def test_processes_lose_and_duplicate_nothing(tmp_path: Path) -> None:
    path = tmp_path / "processes.sqlite3"
    prepared_store(path)
    writers = 4
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Barrier(writers)
    queue = spawn.Queue()
    processes = [
        spawn.Process(target=process_writer, args=(str(path), n, start, queue))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    try:
        results = [queue.get(timeout=120) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():  # pragma: no cover - only when a writer hangs
                process.kill()
    assert [p.exitcode for p in processes] == [0] * writers
    check_outcome(path, writers, results)


# --- SIGKILL during writes -------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from iso10002.storage import SQLiteStore
    from iso10002.testing.builders import event_for, history_to

    path, round_ = sys.argv[1], int(sys.argv[2])
    store = SQLiteStore(path)  # durability FULL: what a commit returns is on disk
    n = 0
    while True:
        n += 1
        prefix = f"R{round_}-{n:05d}"
        if n % 3 == 0:  # a bulk import: one long transaction
            ids = [f"{prefix}-{k:02d}" for k in range(40)]
            store.import_histories(history_to("closed", i) for i in ids)
            for i in ids:
                print("complaint", i, 8, flush=True)
        elif n % 3 == 1:  # a complaint created, then several events at once
            c = store.create(history_to("assessed", prefix))
            print("complaint", c.id, c.version, flush=True)
            first = event_for(c, "start_investigation")
            second = event_for(c, "add_note", at=first.at)
            c = store.append(c.id, [first, second], expected_version=c.version)
            print("complaint", c.id, c.version, flush=True)
        else:  # an erasure: rewrites earlier rows and appends one
            c = store.create(history_to("closed", prefix))
            c = store.redact(c.id, event_for(c, "redact"), expected_version=c.version)
            print("complaint", c.id, c.version, flush=True)
    """
)


def committed_writes(lines: Iterator[str], count: int) -> dict[str, int]:
    """The first ``count`` commits the writer reported: complaint id to version."""
    reported: dict[str, int] = {}
    for _ in range(count):
        _, complaint_id, version = next(lines).split()
        reported[complaint_id] = int(version)
    return reported


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_writer_killed_mid_write_leaves_a_consistent_file(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "killed.sqlite3"
    rng = random.Random(seed)
    reported: dict[str, int] = {}
    for round_ in range(3):  # three kills on the same file, each at a random commit count
        with subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(round_)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as writer:
            try:
                assert writer.stdout is not None
                reported |= committed_writes(iter(writer.stdout), rng.randrange(5, 150))
            finally:
                writer.send_signal(signal.SIGKILL)
                _, errors = writer.communicate(timeout=60)
        assert writer.returncode == -signal.SIGKILL, errors

        with SQLiteStore(path) as store:
            report = store.verify_integrity()
            assert report.ok, str(report)
            for complaint in store.find():
                assert complaint == replay(store.history(complaint.id))
            for complaint_id, version in reported.items():  # nothing committed was lost
                assert store.get(complaint_id).version >= version
            # An import killed half-way left none of its complaints: all 40 or nothing.
            imports = Counter(c.id.rsplit("-", 1)[0] for c in store.find() if c.id.count("-") == 2)
            assert set(imports.values()) <= {40}, imports
