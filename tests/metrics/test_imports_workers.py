"""Importing with worker processes gives what importing in one process gives.

The workers map and seal the rows, the importing process writes them: the report, the
complaints, their query columns, snapshots and facts and the public part of every event
must be the same as without workers (the salts of the personal parts, and so the digests,
are random in each process), the chains must verify, and a worker that dies must stop the
import as a lost database does: with the batches before stored, and nothing half-written.
"""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import sqlite3
import tempfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime, timezone
from pathlib import Path

import pytest

from iso10002.clock import ManualClock
from iso10002.errors import ValidationError
from iso10002.metrics._import_workers import _submit
from iso10002.metrics.import_cfpb import sample_rows, write_sample
from iso10002.metrics.imports import ImportReport, WorkerStopped, import_complaints
from iso10002.model import Complaint
from iso10002.sla import presets
from iso10002.storage import ComplaintQuery, SQLiteStore

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
UNSALTED = (
    "SELECT id, version, state, is_open, received_at, assignee, category, product, "
    "complaint_type, next_due, snapshot FROM complaints ORDER BY id",
    "SELECT * FROM complaint_facts ORDER BY complaint_id",
    "SELECT complaint_id, version, event_type, at, actor, public FROM events "
    "ORDER BY complaint_id, version",
)


def a_file(path: Path, count: int = 240) -> Path:
    """Sample rows with some refused (a bad date, an empty id) and one repeated later."""
    rows = list(sample_rows(count, seed=7))
    rows[3]["Date received"] = "2026-02-30"
    rows[50]["Complaint ID"] = ""
    rows[200] = dict(rows[10])  # the same complaint, in a later batch
    rows[201] = dict(rows[202])  # and twice in the same batch
    with path.open("wb") as out:
        write_sample(out, rows)
    return path


def imported(path: Path, source: Path, **options: object) -> ImportReport:
    with SQLiteStore(path, clock=ManualClock(NOW)) as store:
        report = import_complaints(store, source, clock=ManualClock(NOW), **options)  # type: ignore[arg-type]
        assert store.verify_integrity().ok
    return report


def tables(path: Path) -> list[list[tuple[object, ...]]]:
    """The stored rows but for what the salts change: the commitment to the personal part."""
    db = sqlite3.connect(path)
    try:
        found = [db.execute(query).fetchall() for query in UNSALTED]
    finally:
        db.close()
    events = []
    for *columns, public in found[-1]:
        payload = json.loads(str(public))
        assert len(payload.pop("$personal", "0" * 64)) == 64
        events.append((*columns, payload))
    return [*found[:-1], events]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary folder the import's staging files go in (under ``tempfile``'s own)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_workers_store_what_one_process_stores(tmp_path: Path, scratch: Path) -> None:
    source = a_file(tmp_path / "rows.csv")
    alone = imported(tmp_path / "alone.sqlite3", source, batch_size=25)
    helped = imported(tmp_path / "helped.sqlite3", source, batch_size=25, workers=2)
    assert list(scratch.iterdir()) == []  # the staging files are gone
    assert helped == alone
    assert (alone.imported, alone.duplicates, alone.refused) == (236, 2, 2)
    assert tables(tmp_path / "helped.sqlite3") == tables(tmp_path / "alone.sqlite3")


def test_a_policy_gives_the_same_deadlines_with_workers(tmp_path: Path) -> None:
    source = a_file(tmp_path / "rows.csv")
    policy = presets.get("cfpb.portal")
    imported(tmp_path / "alone.sqlite3", source, policy=policy)
    imported(tmp_path / "helped.sqlite3", source, policy=policy, workers=1)
    assert tables(tmp_path / "helped.sqlite3") == tables(tmp_path / "alone.sqlite3")
    with SQLiteStore(tmp_path / "helped.sqlite3") as store:
        assert store.count(ComplaintQuery(overdue_at=NOW))  # next_due recorded: some are late


def test_a_file_imported_before_is_all_duplicates_and_an_interrupted_one_is_finished(
    tmp_path: Path,
) -> None:
    source = a_file(tmp_path / "rows.csv")
    first_half = tmp_path / "half.csv"
    first_half.write_bytes(b"".join(source.read_bytes().splitlines(keepends=True)[:121]))
    target = tmp_path / "store.sqlite3"
    imported(target, first_half, batch_size=25, workers=1)
    finished = imported(target, source, batch_size=25, workers=1)
    again = imported(target, source, batch_size=25, workers=1)
    assert finished.imported + imported(tmp_path / "x.sqlite3", first_half).imported == 236
    assert (again.imported, again.duplicates, again.refused) == (0, 238, 2)


class _DiesInAWorker:
    """A policy whose deadline kills the worker process that asks it for complaint 120."""

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        if complaint.id.endswith("120") and multiprocessing.parent_process() is not None:
            os._exit(3)
        return None


def test_a_worker_that_dies_stops_the_import_and_running_it_again_finishes_it(
    tmp_path: Path, scratch: Path
) -> None:
    rows = list(sample_rows(300, seed=2))
    for n, row in enumerate(rows):
        row["Complaint ID"] = str(1000 + n)
    data = io.BytesIO()
    write_sample(data, rows)
    source = tmp_path / "rows.csv"
    source.write_bytes(data.getvalue())
    target = tmp_path / "store.sqlite3"
    with SQLiteStore(target) as store:
        with pytest.raises(WorkerStopped, match="worker process stopped"):
            import_complaints(
                store,
                source,
                policy=_DiesInAWorker(),
                batch_size=20,
                workers=1,
                clock=ManualClock(NOW),
            )
        assert list(scratch.iterdir()) == []  # the staging files are gone
        stored = store.count()
        assert stored % 20 == 0  # whole batches, and none from complaint 1120's on
        assert stored <= 120
        assert store.verify_integrity().ok
        rest = import_complaints(store, source, batch_size=20, clock=ManualClock(NOW))
        assert (rest.imported, rest.duplicates) == (300 - stored, stored)
        assert store.count() == 300


@pytest.mark.parametrize("workers", [-1, True, 1.5, "2"])
def test_workers_must_be_a_non_negative_whole_number(workers: object) -> None:
    with SQLiteStore.memory() as store, pytest.raises(ValidationError, match="workers"):
        import_complaints(store, io.BytesIO(b""), format="csv", workers=workers)  # type: ignore[arg-type]


def test_a_batch_sent_after_a_worker_died_stops_the_import_too() -> None:
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 3).result()
        with pytest.raises(WorkerStopped, match="worker process stopped"):
            _submit(pool, ([], "unused.sqlite3"))
    finally:
        pool.shutdown()
