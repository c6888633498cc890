"""The fast import path stores exactly what complaint-by-complaint creation stores.

SQLite's pipelined bulk path (compiled JSON writers, rows built from the sealed parts, a
writer thread) must give every complaint the same snapshot, the same query columns and the
same sealed chain, byte for byte, as ``store.create`` of the same events (the desk's path):
with the personal parts' salts fixed, the digests themselves are equal (ISO 10002 4.9).
"""

from __future__ import annotations

import io
import sqlite3
from datetime import datetime, timezone
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002 import integrity
from iso10002.clock import ManualClock
from iso10002.errors import NotFound
from iso10002.metrics.import_cfpb import CFPB, SUBMITTED_VIA, sample_rows, write_sample
from iso10002.metrics.import_mapping import RowRefused
from iso10002.metrics.imports import import_complaints
from iso10002.storage import SQLiteStore

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
SALT = "0123456789abcdef0123456789abcdef"
EVENTS = "SELECT complaint_id, version, event_type, at, actor, public, personal, previous, digest"
COMPLAINTS = (
    "SELECT id, version, head, state, is_open, received_at, assignee, category, product, "
    "complaint_type, next_due, snapshot FROM complaints ORDER BY id"
)

narratives = st.sampled_from(["", "My card was charged twice.", 'A "quoted" \\ line\n\u2028 ✓'])
responses = st.sampled_from(["Closed with explanation", "In progress", "Untimely response", ""])


@st.composite
def cfpb_rows(draw: st.DrawFn) -> list[dict[str, str]]:
    """Sample rows with their cells varied: responses, timeliness, disputes, narratives."""
    rows = list(sample_rows(draw(st.integers(1, 25)), seed=draw(st.integers(0, 2**16))))
    for row in rows:
        if draw(st.booleans()):
            row["Company response to consumer"] = draw(responses)
            row["Timely response?"] = draw(st.sampled_from(["Yes", "No", ""]))
            row["Consumer disputed?"] = draw(st.sampled_from(["Yes", "No", "N/A"]))
            row["Consumer complaint narrative"] = draw(narratives)
            row["Submitted via"] = draw(st.sampled_from(sorted(SUBMITTED_VIA)))
    return rows


def stored(store: SQLiteStore) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    assert store.path is not None
    db = sqlite3.connect(store.path)
    try:
        events = db.execute(f"{EVENTS} FROM events ORDER BY complaint_id, version").fetchall()
        return db.execute(COMPLAINTS).fetchall(), events
    finally:
        db.close()


@settings(max_examples=25, deadline=None)
@given(cfpb_rows(), st.integers(1, 7))
def test_the_bulk_import_stores_what_create_stores(
    tmp_path_factory: object, rows: list[dict[str, str]], batch_size: int
) -> None:
    folder = tmp_path_factory.mktemp("fast")  # type: ignore[attr-defined]
    data = io.BytesIO()
    write_sample(data, rows)
    with (
        mock.patch.object(integrity.secrets, "token_hex", return_value=SALT),
        SQLiteStore(folder / "bulk.sqlite3") as bulk,
        SQLiteStore(folder / "one.sqlite3") as one,
    ):
        report = import_complaints(
            bulk,
            io.BytesIO(data.getvalue()),
            format="csv",
            batch_size=batch_size,
            clock=ManualClock(NOW),
        )
        created = refused = 0
        for row in rows:
            try:
                mapped = CFPB.history(row, now=NOW)
            except RowRefused:
                refused += 1
                continue
            try:
                one.get(mapped.complaint_id)
            except NotFound:
                one.create(mapped.events)
                created += 1
        assert (report.imported, report.refused) == (created, refused)
        assert stored(bulk) == stored(one)
        assert bulk.verify_integrity().ok
