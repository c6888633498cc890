"""Importing a file stores every good row as a complaint, reports every bad one, and never
stores a row twice."""

from __future__ import annotations

import csv
import io
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ConfigurationError, ValidationError
from iso10002.metrics.import_cfpb import CFPB_COLUMNS, sample_rows, write_sample
from iso10002.metrics.imports import ImportReport, import_complaints
from iso10002.model import Channel, Classification, ComplaintState
from iso10002.replay import replay
from iso10002.sla import presets
from iso10002.storage import ComplaintQuery, ComplaintStore, InMemoryStore, SQLiteStore

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "cfpb_sample.csv"
CLOCK = ManualClock(datetime(2026, 12, 1, tzinfo=timezone.utc))


def sample_csv(count: int, seed: int = 1, **changes: dict[str, str]) -> bytes:
    """``count`` sample rows as CSV; ``changes`` maps a row index (as ``rN``) to new cells."""
    rows = list(sample_rows(count, seed=seed))
    for key, cells in changes.items():
        rows[int(key[1:])].update(cells)
    out = io.BytesIO()
    write_sample(out, rows)
    return out.getvalue()


def run(store: ComplaintStore, data: bytes, **options: object) -> ImportReport:
    options.setdefault("clock", CLOCK)
    return import_complaints(store, io.BytesIO(data), format="csv", **options)  # type: ignore[arg-type]


@pytest.fixture(params=["sqlite", "memory", "sqlalchemy"])
def store(request: pytest.FixtureRequest) -> Iterator[ComplaintStore]:
    """Each kind of write path: SQLite's bulk import, per-complaint create, create_many."""
    if request.param == "sqlite":
        made: ComplaintStore = SQLiteStore.memory()
    elif request.param == "memory":
        made = InMemoryStore()
    else:
        pytest.importorskip("sqlalchemy")
        from iso10002.storage.sqlalchemy import SQLAlchemyStore

        made = SQLAlchemyStore("sqlite://", migrate=True)
    yield made
    made.close()


def test_the_shipped_sample_imports_completely_and_verifies(store: ComplaintStore) -> None:
    report = import_complaints(store, SAMPLE, clock=CLOCK)
    assert (report.rows, report.imported, report.duplicates, report.refused) == (14, 14, 0, 0)
    assert report.ok
    assert store.count() == 14
    assert store.verify_integrity().ok
    states = {c.external_ref: c.state for c in store.find()}
    assert states["9100001"] is ComplaintState.CLOSED
    assert states["9100004"] is ComplaintState.ACKNOWLEDGED  # In progress
    assert states["9100006"] is ComplaintState.RECEIVED  # Untimely response


def test_each_stored_complaint_is_the_replay_of_its_whole_history(store: ComplaintStore) -> None:
    import_complaints(store, SAMPLE, clock=CLOCK)
    for complaint in store.find():
        assert replay(store.history(complaint.id)) == complaint


def test_importing_the_same_file_again_adds_nothing(store: ComplaintStore) -> None:
    data = sample_csv(120)
    first = run(store, data, batch_size=50)
    again = run(store, data, batch_size=50)
    assert (first.imported, first.duplicates) == (120, 0)
    assert (again.imported, again.duplicates, again.refused) == (0, 120, 0)
    assert store.count() == 120


def test_a_row_repeated_in_the_file_is_stored_once(store: ComplaintStore) -> None:
    rows = list(sample_rows(10, seed=2))
    rows += [rows[3], rows[0]]  # later in the same batch
    out = io.BytesIO()
    write_sample(out, rows)
    report = run(store, out.getvalue(), batch_size=100)
    assert (report.imported, report.duplicates) == (10, 2)
    assert store.count() == 10


def test_a_row_repeated_in_a_later_batch_is_stored_once(store: ComplaintStore) -> None:
    rows = list(sample_rows(10, seed=2))
    rows.insert(7, rows[1])
    out = io.BytesIO()
    write_sample(out, rows)
    report = run(store, out.getvalue(), batch_size=4)
    assert (report.imported, report.duplicates) == (10, 1)


def test_bad_rows_are_reported_and_the_rest_imported(store: ComplaintStore) -> None:
    data = sample_csv(
        40,
        r3={"Date received": "2026-02-30"},
        r17={"Submitted via": "Pigeon", "Product": ""},
        r30={"Complaint ID": "not an id"},
    )
    report = run(store, data, batch_size=10)
    assert (report.rows, report.imported, report.refused) == (40, 37, 3)
    assert [(p.row, p.line, p.field) for p in report.problems] == [
        (4, 5, "Date received"),
        (18, 19, "Submitted via"),
        (18, 19, "Product"),
        (31, 32, "Complaint ID"),
    ]
    assert report.problems[0].value == "2026-02-30"
    assert store.count() == 37
    assert store.verify_integrity().ok


def test_rows_that_cannot_be_read_are_reported_with_their_line() -> None:
    data = sample_csv(3) + b'"unclosed,\n'
    report = run(InMemoryStore(), data)
    assert report.imported == 3
    assert [(p.row, p.field, p.message) for p in report.problems] == [
        (4, None, "malformed CSV: unexpected end of data")
    ]


def test_a_file_without_a_required_column_is_refused_before_anything_is_stored() -> None:
    store = InMemoryStore()
    header_without_id = ",".join(c for c in CFPB_COLUMNS if c != "Complaint ID")
    with pytest.raises(ValidationError) as caught:
        run(store, header_without_id.encode() + b"\n")
    assert caught.value.errors == ("header: no column 'Complaint ID' (nor complaint_id)",)
    assert store.count() == 0


def test_a_file_in_another_encoding_is_refused_before_anything_is_stored() -> None:
    rows = list(sample_rows(500, seed=3))
    rows[-1]["Consumer complaint narrative"] = "Le conseiller était très impoli."
    text = io.StringIO()
    writer = csv.DictWriter(text, CFPB_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    data = text.getvalue().encode("cp1252")
    store = InMemoryStore()
    with pytest.raises(ValidationError, match="not UTF-8 text"):
        run(store, data, batch_size=10)
    assert store.count() == 0
    assert run(store, data, encoding="cp1252").imported == 500


def test_a_batch_the_bulk_path_refuses_is_sorted_out_complaint_by_complaint() -> None:
    store = SQLiteStore.memory()
    rows = list(sample_rows(30, seed=4))
    middle = io.BytesIO()
    write_sample(middle, [rows[12]])
    run(store, middle.getvalue())  # one complaint of the coming batch is already stored
    everything = io.BytesIO()
    write_sample(everything, rows)
    report = run(store, everything.getvalue(), batch_size=30)
    assert (report.imported, report.duplicates, report.refused) == (29, 1, 0)
    assert store.count() == 30
    assert store.verify_integrity().ok


def test_an_interrupted_import_is_finished_by_running_it_again(store: ComplaintStore) -> None:
    data = sample_csv(100)

    def stop_after_the_first_batch(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run(store, data, batch_size=30, progress=stop_after_the_first_batch)
    assert store.count() == 30  # the first batch, whole; nothing of the second
    report = run(store, data, batch_size=30)
    assert (report.imported, report.duplicates) == (70, 30)
    assert store.count() == 100
    assert store.verify_integrity().ok


def test_a_store_that_cannot_write_stops_the_import_rather_than_refusing_rows(
    tmp_path: Path,
) -> None:
    path = tmp_path / "locked.sqlite3"
    store = SQLiteStore(path, busy_timeout=timedelta(0))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock; reading still works
    try:
        with pytest.raises(ConfigurationError):
            run(store, sample_csv(3))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert run(store, sample_csv(3)).imported == 3  # once the lock is free, a re-run imports
    store.close()


def test_complaints_imported_one_by_one_carry_their_idempotency_key() -> None:
    store = InMemoryStore()
    run(store, sample_csv(1, seed=5))
    (imported,) = store.find()
    desk = ComplaintsDesk(store, clock=CLOCK)
    again = desk.receive(
        actor="import:cfpb",
        channel=Channel.WEB,
        complainant=None,
        description="the same row, posted again",
        classification=Classification(product="x"),
        idempotency_key=f"import:cfpb:{imported.external_ref}",
    )
    assert again.id == imported.id
    assert store.count() == 1


def test_a_policy_records_each_complaints_next_deadline(store: ComplaintStore) -> None:
    import_complaints(store, SAMPLE, clock=CLOCK, policy=presets.get("cfpb.portal"))
    overdue = {c.external_ref for c in store.find(ComplaintQuery(overdue_at=CLOCK()))}
    assert overdue == {"9100004", "9100006"}  # In progress past 60 days; never answered


def test_another_source_name_makes_other_ids() -> None:
    store = InMemoryStore()
    run(store, sample_csv(5, seed=6), source="cfpb-2026")
    assert all(c.id.startswith("cfpb-2026-") for c in store.find())


def test_json_and_json_lines_import_the_same_complaints_as_csv(tmp_path: Path) -> None:
    rows = list(sample_rows(60, seed=7))
    stores = []
    for form in ("csv", "json", "jsonl"):
        path = tmp_path / f"rows.{form}"
        write_sample(path, rows, format=form)
        store = InMemoryStore()
        assert import_complaints(store, path, clock=CLOCK, batch_size=25).imported == 60
        stores.append(store)
    first, *others = [list(s.find()) for s in stores]
    assert all(other == first for other in others)


def test_the_problems_listed_are_capped_and_the_rest_counted() -> None:
    bad = {f"r{n}": {"Submitted via": "Pigeon"} for n in range(12)}
    report = run(InMemoryStore(), sample_csv(12, **bad), max_problems=5)
    assert report.refused == 12
    assert len(report.problems) == 5
    assert report.problems_omitted == 7
    assert report.details(limit=2).endswith("… and 10 more")


def test_progress_is_told_the_bytes_read_after_each_batch() -> None:
    data = sample_csv(200)
    seen: list[tuple[int, int]] = []
    run(
        InMemoryStore(),
        data,
        batch_size=50,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert len(seen) == 5
    assert all(total == len(data) for _, total in seen)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (len(data), len(data))


@pytest.mark.parametrize("size", [0, -1, True, 2.5])
def test_the_batch_size_must_be_a_positive_whole_number(size: object) -> None:
    with pytest.raises(ValidationError, match="batch_size"):
        run(InMemoryStore(), sample_csv(1), batch_size=size)


def test_the_report_reads_as_a_summary_and_as_json() -> None:
    report = run(InMemoryStore(), sample_csv(3, r1={"Product": ""}))
    assert str(report) == "<stream>: 3 rows: 2 imported, 0 skipped as duplicates, 1 refused"
    data = report.to_data()
    assert data["problems"] == [
        {
            "row": 2,
            "field": "Product",
            "value": None,
            "message": "is empty; a value is required",
            "line": 3,
        }
    ]
    assert '"refused": 1' in report.to_json()
