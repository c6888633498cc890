"""Opening SQLite files that are not fit to be a store: each refused clearly, nothing written.

A file that is not SQLite, another application's database, a schema from a newer iso10002, a
damaged file, a read-only or locked file: each gets a ConfigurationError or IntegrityViolation
that names the file and says what is wrong, and the file is left exactly as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from iso10002.errors import ConfigurationError, IntegrityViolation, ValidationError
from iso10002.storage import ComplaintQuery, SQLiteStore
from iso10002.storage.sqlite_schema import APPLICATION_ID, SCHEMA_VERSION
from iso10002.testing.builders import event_for, history_to

FAST = timedelta(milliseconds=50)  # how long the lock tests let the store wait


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store_file(tmp_path: Path) -> Path:
    """A store file with a few complaints, closed, everything checkpointed into the file."""
    path = tmp_path / "complaints.sqlite3"
    with SQLiteStore(path, durability="normal") as store:
        store.import_histories(history_to("closed", f"C-{n:04d}") for n in range(200))
    return path


@pytest.fixture
def foreign_file(tmp_path: Path) -> Path:
    path = tmp_path / "crm.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    db.execute("INSERT INTO customers (name) VALUES ('Jo Bloggs')")
    db.commit()
    db.close()
    return path


# --- what the file is ----------------------------------------------------------------------


def test_a_new_file_is_created_with_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with SQLiteStore(path) as store:
        assert store.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    with SQLiteStore(path) as store:
        assert store.count() == 0


def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("complaints, to do: call Jo back\n")
    before = digest(path)
    with pytest.raises(ConfigurationError, match="is not an SQLite database") as caught:
        SQLiteStore(path)
    assert str(path) in str(caught.value)
    assert digest(path) == before


def test_a_damaged_header_is_refused(store_file: Path) -> None:
    data = bytearray(store_file.read_bytes())
    data[:16] = b"garbage garbage!"
    store_file.write_bytes(bytes(data))
    with pytest.raises(ConfigurationError, match="is not an SQLite database"):
        SQLiteStore(store_file)


def test_another_applications_database_is_refused_untouched(foreign_file: Path) -> None:
    before = digest(foreign_file)
    with pytest.raises(ConfigurationError, match="some other application") as caught:
        SQLiteStore(foreign_file)
    assert str(foreign_file) in str(caught.value)
    assert "customers" in str(caught.value)
    assert digest(foreign_file) == before
    db = sqlite3.connect(foreign_file)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    db.close()


def test_an_empty_database_marked_by_another_application_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "marked.sqlite3"
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 42")
    db.close()
    with pytest.raises(ConfigurationError, match="application_id 42"):
        SQLiteStore(path)


def test_a_schema_from_a_newer_version_is_refused_untouched(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = digest(store_file)
    with pytest.raises(ConfigurationError, match="newer iso10002") as caught:
        SQLiteStore(store_file)
    assert str(store_file) in str(caught.value)
    assert f"schema version {SCHEMA_VERSION + 1}" in str(caught.value)
    assert digest(store_file) == before


def test_a_store_with_a_missing_table_is_reported(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    db.execute("DROP TABLE idempotency_keys")
    db.close()
    with pytest.raises(IntegrityViolation, match="idempotency_keys"):
        SQLiteStore(store_file)


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="is a folder"):
        SQLiteStore(tmp_path)


def test_a_missing_folder_is_reported_and_nothing_created(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "store.sqlite3"
    with pytest.raises(ConfigurationError, match="does not exist"):
        SQLiteStore(path)
    assert not (tmp_path / "no").exists()


# --- damage ---------------------------------------------------------------------------------


def scribble(path: Path, first_page: int, pages: int) -> None:
    """Overwrite whole pages in the middle of the file, as a failing disk might."""
    data = bytearray(path.read_bytes())
    size = 4096
    for offset in range(first_page * size, (first_page + pages) * size):
        data[offset] = (offset * 31 + 7) % 256
    path.write_bytes(bytes(data))


def test_a_damaged_file_fails_verification_with_a_clear_error(store_file: Path) -> None:
    # Past the first 20 pages: the schema (sqlite_master spills beyond page 1) stays readable.
    scribble(store_file, first_page=30, pages=10)
    with SQLiteStore(store_file) as store, pytest.raises(IntegrityViolation) as caught:
        store.verify_integrity()
    assert str(store_file) in str(caught.value)
    assert "backup" in str(caught.value)


def test_reading_a_damaged_page_is_an_integrity_violation(store_file: Path) -> None:
    scribble(store_file, first_page=20, pages=200)  # past the schema's pages
    with SQLiteStore(store_file) as store, pytest.raises(IntegrityViolation, match="corrupt"):
        list(store.find())


def test_a_truncated_file_is_refused_as_corrupt(store_file: Path) -> None:
    data = store_file.read_bytes()
    store_file.write_bytes(data[: len(data) // 2])
    with pytest.raises(IntegrityViolation, match="corrupt") as caught:
        SQLiteStore(store_file)
    assert str(store_file) in str(caught.value)


def test_a_snapshot_that_is_not_json_is_an_integrity_violation(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    db.execute("UPDATE complaints SET snapshot = '{broken' WHERE id = 'C-0003'")
    db.commit()
    db.close()
    with SQLiteStore(store_file) as store:
        with pytest.raises(IntegrityViolation, match="C-0003"):
            store.get("C-0003")
        assert store.verify_integrity().broken == ("C-0003",)


def test_a_query_column_edited_behind_the_store_is_detected(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    db.execute("UPDATE complaints SET state = 'received' WHERE id = 'C-0005'")
    db.commit()
    db.close()
    with SQLiteStore(store_file) as store:
        report = store.verify_integrity()
    assert report.broken == ("C-0005",)
    assert "state" in str(report)


def test_an_event_column_edited_behind_the_store_is_detected(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    db.execute("DROP TRIGGER events_change_only_by_erasure")
    db.execute("UPDATE events SET actor = 'agent:mallory' WHERE complaint_id = 'C-0007'")
    db.commit()
    db.close()
    with SQLiteStore(store_file) as store:
        assert store.verify_integrity().broken == ("C-0007",)


# --- the events table is append-only in the database itself (ISO 10002 4.9) ----------------


def test_the_database_refuses_to_delete_events(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        db.execute("DELETE FROM events WHERE complaint_id = 'C-0001'")
    db.close()


def test_the_database_refuses_to_edit_events(store_file: Path) -> None:
    db = sqlite3.connect(store_file)
    with pytest.raises(sqlite3.IntegrityError, match="only by erasing"):
        db.execute("UPDATE events SET public = '{}' WHERE complaint_id = 'C-0001'")
    db.execute("UPDATE events SET personal = NULL WHERE complaint_id = 'C-0001'")  # erasure
    db.close()


# --- permissions and locks ------------------------------------------------------------------


# Root is not bound by file permissions; a child process that gives up the capabilities that
# bypass them (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) sees them as anyone would.
DROP_PRIVILEGES = """
import ctypes, os
if os.geteuid() == 0:
    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]
    class Data(ctypes.Structure):
        _fields_ = [(name, ctypes.c_uint32) for name in ("effective", "permitted", "inheritable")]
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = Header(0x20080522, 0), (Data * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise SystemExit("cannot read capabilities")
    keep = ~((1 << 1) | (1 << 2) | (1 << 3)) & 0xFFFFFFFF
    for name in ("effective", "permitted", "inheritable"):
        setattr(data[0], name, getattr(data[0], name) & keep)
    if libc.capset(ctypes.byref(header), data) != 0:
        raise SystemExit("cannot drop capabilities")
"""


def open_without_privileges(path: Path) -> str:
    """What opening ``path`` says in a fresh interpreter that file permissions bind."""
    code = DROP_PRIVILEGES + textwrap.dedent(
        f"""
        from iso10002.errors import ConfigurationError
        from iso10002.storage import SQLiteStore
        try:
            SQLiteStore({str(path)!r})
        except ConfigurationError as exc:
            print("refused:", exc)
        else:
            print("opened")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "shared"
    folder.mkdir()
    try:
        yield folder
    finally:
        folder.chmod(0o755)


def test_a_read_only_file_is_refused_untouched(read_only_folder: Path) -> None:
    path = read_only_folder / "complaints.sqlite3"
    with SQLiteStore(path) as store:
        store.create(history_to("received"))
    path.chmod(0o444)
    before = digest(path)
    said = open_without_privileges(path)
    assert said.startswith("refused:"), said
    assert "read-only" in said
    assert str(path) in said
    assert digest(path) == before


def test_a_file_in_a_read_only_folder_is_refused(read_only_folder: Path) -> None:
    path = read_only_folder / "complaints.sqlite3"
    with SQLiteStore(path) as store:
        store.create(history_to("received"))
    read_only_folder.chmod(0o555)
    said = open_without_privileges(path)
    assert said.startswith("refused:"), said
    assert "read-only folder" in said


def test_a_new_file_in_a_read_only_folder_is_refused(read_only_folder: Path) -> None:
    read_only_folder.chmod(0o555)
    said = open_without_privileges(read_only_folder / "new.sqlite3")
    assert said.startswith("refused:"), said
    assert "read-only" in said


def test_a_file_locked_by_another_program_is_refused(store_file: Path) -> None:
    holder = sqlite3.connect(store_file, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ConfigurationError, match="is locked") as caught:
            SQLiteStore(store_file, busy_timeout=FAST)
        assert str(store_file) in str(caught.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_write_that_cannot_get_the_lock_writes_nothing(store_file: Path) -> None:
    store = SQLiteStore(store_file, busy_timeout=FAST)
    current = store.get("C-0001")
    holder = sqlite3.connect(store_file, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer, holding the write lock
    try:
        with pytest.raises(ConfigurationError, match="locked"):
            store.append(current.id, [event_for(current, "add_note")], expected_version=8)
        assert store.get("C-0001") == current  # readers are not blocked in WAL mode
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.history("C-0001")[-1].event_type == "closed"
    assert store.append(current.id, [event_for(current, "add_note")], expected_version=8)
    store.close()


# --- bad arguments ----------------------------------------------------------------------------


def test_an_unknown_durability_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="durability"):
        SQLiteStore(tmp_path / "x.sqlite3", durability="sometimes")
    assert not (tmp_path / "x.sqlite3").exists()


def test_a_negative_busy_timeout_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="busy_timeout"):
        SQLiteStore(tmp_path / "x.sqlite3", busy_timeout=timedelta(seconds=-1))


def test_a_naive_next_due_is_refused_and_nothing_written(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "x.sqlite3") as store:
        with pytest.raises(ValidationError, match="next_due"):
            store.create(history_to("received"), next_due=datetime(2026, 3, 1))
        assert store.count() == 0


def test_a_naive_page_marker_is_refused(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "x.sqlite3") as store:
        query = ComplaintQuery(after=(datetime(2026, 3, 1), "C-1"))
        with pytest.raises(ValidationError, match="after"):
            list(store.find(query))
