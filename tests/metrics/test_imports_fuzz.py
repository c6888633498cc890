"""Whatever bytes an import is given, it refuses them clearly or imports what is sound:
never another exception, never a half-stored complaint (issue 8, item 4)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002.clock import ManualClock
from iso10002.errors import ValidationError
from iso10002.metrics.import_cfpb import CFPB, CFPB_COLUMNS, sample_rows, write_sample
from iso10002.metrics.import_mapping import RowRefused
from iso10002.metrics.imports import import_complaints
from iso10002.replay import replay
from iso10002.storage import InMemoryStore, SQLiteStore

CLOCK = ManualClock(datetime(2026, 12, 1, tzinfo=timezone.utc))
GOOD = list(sample_rows(5, seed=11))

hostile_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "=cmd|' /C calc'!A0",
            "+1+1",
            "@SUM(A1)",
            "<script>alert(1)</script>",
            "\x00",
            "\x1b[2J",
            "\ud800",
            "2026-02-30",
            "9999-12-31",
            "0001-01-01",
            "2026-03-03T09:00:00",
            "x" * 2_000,
            '"',
            "\r\n",
        ]
    ),
)
cells = st.one_of(hostile_text, st.integers(), st.none(), st.booleans(), st.floats())


def mutated_rows(draw: st.DrawFn) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [dict(r) for r in GOOD]
    for _ in range(draw(st.integers(0, 8))):
        row = draw(st.sampled_from(rows))
        row[draw(st.sampled_from(CFPB_COLUMNS))] = draw(cells)
    return rows


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    rows = mutated_rows(draw)
    out = io.BytesIO()
    text_rows = [{k: "" if v is None else str(v) for k, v in r.items()} for r in rows]
    try:
        write_sample(out, text_rows)
    except UnicodeEncodeError:  # a lone surrogate cannot be written as UTF-8 at all
        return b""
    data = out.getvalue()
    # Then break some bytes: cut the file, insert stray quotes, NULs or invalid UTF-8.
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(data)))
        junk = draw(st.sampled_from([b'"', b"\x00", b"\xff", b"\n", b",", b"\r", b""]))
        data = data[:at] + junk + data[at + draw(st.integers(0, 3)) :]
    return data


@st.composite
def json_files(draw: st.DrawFn) -> tuple[bytes, str]:
    rows = mutated_rows(draw)
    lines = draw(st.booleans())
    try:
        if lines:
            data = "\n".join(json.dumps(r) for r in rows).encode()
        else:
            data = json.dumps(rows).encode()
    except ValueError:
        data = b"[]"
    if draw(st.booleans()):
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"{", b"]", b"\xff", b"nul", b"1e999"]))
    return data, "jsonl" if lines else "json"


def check_import(data: bytes, form: str, store: InMemoryStore | SQLiteStore) -> None:
    try:
        report = import_complaints(store, io.BytesIO(data), format=form, clock=CLOCK)
    except ValidationError:
        assert store.count() == 0  # a refused file stores nothing
        return
    assert report.imported + report.duplicates + report.refused == report.rows
    assert store.count() == report.imported
    assert store.verify_integrity().ok
    for complaint in store.find():
        assert replay(store.history(complaint.id)) == complaint  # whole, never half


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_any_csv_is_refused_clearly_or_imported_soundly(data: bytes) -> None:
    check_import(data, "csv", InMemoryStore())


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=25)
@given(csv_files())
def test_any_csv_is_refused_clearly_or_imported_soundly_into_sqlite(data: bytes) -> None:
    store = SQLiteStore.memory()
    try:
        check_import(data, "csv", store)
    finally:
        store.close()


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_files())
def test_any_json_is_refused_clearly_or_imported_soundly(file: tuple[bytes, str]) -> None:
    data, form = file
    check_import(data, form, InMemoryStore())


@given(st.binary(max_size=300), st.sampled_from(["csv", "json", "jsonl"]))
def test_random_bytes_are_refused_or_read(data: bytes, form: str) -> None:
    check_import(data, form, InMemoryStore())


@given(st.dictionaries(st.sampled_from(CFPB_COLUMNS), cells))
def test_the_mapping_refuses_any_row_it_cannot_map_with_a_row_refusal(
    row: dict[str, object],
) -> None:
    try:
        mapped = CFPB.history(row, now=CLOCK())
    except RowRefused as refusal:
        problems = refusal.problems
    else:
        replay(mapped.events)  # what it maps, the lifecycle accepts
        return
    assert problems  # a refusal always names what is wrong
