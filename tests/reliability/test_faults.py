"""Faults: a writer killed mid-write, a full disk, a database connection dropped mid-transaction.

Every writer here goes through the desk, whose use cases write one complaint's events in one
transaction: a receipt (version 1), an assessment recorded with its acknowledgement (two
events: version 3), an investigation (4) and an erasure (5, which also rewrites the earlier
rows), and bulk imports of 40 closed complaints at once. So a complaint at version 2, or an
import with fewer than 40 complaints, is a half-written one.

* SIGKILL at a random moment (SQLiteStore, and SQLAlchemyStore on SQLite; the SQLite store's
  own store-level kill test is in ``tests/storage/test_sqlite_reliability.py``);
* a full disk: a 1 MiB tmpfs when the tests may mount one (root), and everywhere a file
  size limit (``RLIMIT_FSIZE``) in a subprocess: a ``StorageError`` that says so, nothing
  half-written, the file verifies, and writes work again once there is room;
* a PostgreSQL connection terminated (``pg_terminate_backend`` from another connection)
  before each statement of a write in turn (an append from the head the store kept, and
  one that reads the row first): ``StorageError``, nothing written, and the next call works
  (the SQLAlchemy store's own tests kill specific statements; the Django store's are in
  ``tests/storage/test_django_store.py``).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_support import soak_int

from iso10002.errors import StorageError
from iso10002.replay import replay
from iso10002.storage import ComplaintStore, SQLiteStore

WHOLE_VERSIONS = {1, 3, 4, 5}
"""The versions a complaint of the writer can be at between two of its use cases."""
IMPORT_SIZE = 40

WRITER = textwrap.dedent(
    """
    import os, resource, signal, sys
    from iso10002.clock import system_clock
    from iso10002.desk import ComplaintsDesk
    from iso10002.model import Channel, Classification, Complexity, ContactMethod, Impact
    from iso10002.model import Severity
    from iso10002.testing.builders import history_to

    kind, path, round_, limit = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if kind == "sqlite":
        from iso10002.storage import SQLiteStore
        store = SQLiteStore(path)  # durability FULL: what a commit returns is on disk
        bulk = store.import_histories
    else:
        from iso10002.storage.sqlalchemy import SQLAlchemyStore
        store = SQLAlchemyStore(f"sqlite:///{path}", migrate=True)
        bulk = store.create_many
    if limit:  # a file size limit: writes past it fail (EFBIG) instead of killing us
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    desk = ComplaintsDesk(store)
    padding = "x" * int(os.environ.get("PADDING", "0"))
    n = 0
    try:
        while True:
            n += 1
            prefix = f"R{round_}-{n:05d}"
            if n % 4 == 0:
                ids = [f"{prefix}-{k:02d}" for k in range(40)]
                bulk(history_to("closed", i, description="Bulk." + padding) for i in ids)
                for i in ids:
                    print("complaint", i, 8, flush=True)
                continue
            c = desk.receive(
                actor="agent:ana", channel=Channel.EMAIL, complainant=None,
                description="Charged twice." + padding, complaint_id=prefix,
                classification=Classification(product="card", category="fees"),
            )
            print("complaint", c.id, c.version, flush=True)
            c = desk.assess(
                c.id, actor="agent:ana", severity=Severity.LOW, complexity=Complexity.SIMPLE,
                impact=Impact.LOW, acknowledge_by=ContactMethod.EMAIL,
                expected_version=c.version,
            )
            print("complaint", c.id, c.version, flush=True)
            c = desk.start_investigation(c.id, actor="agent:bo", expected_version=c.version)
            print("complaint", c.id, c.version, flush=True)
            c = desk.redact(c.id, actor="dpo:lee", reason="erasure", expected_version=c.version)
            print("complaint", c.id, c.version, flush=True)
    except Exception as exc:
        print("error", type(exc).__module__ + "." + type(exc).__name__, str(exc), flush=True)
    """
)


def writer(kind: str, path: Path, round_: int, limit: int = 0, padding: int = 0) -> Any:
    """The writer above, in a subprocess, printing every commit it was told of."""
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, kind, str(path), str(round_), str(limit)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PADDING": str(padding)},
    )


def open_store(kind: str, path: Path) -> ComplaintStore:
    if kind == "sqlite":
        return SQLiteStore(path)
    from iso10002.storage.sqlalchemy import SQLAlchemyStore

    return SQLAlchemyStore(f"sqlite:///{path}", migrate=True)


def check_whole(kind: str, path: Path, reported: dict[str, int]) -> None:
    """The file verifies, holds every reported commit, and no complaint is half-written."""
    with open_store(kind, path) as store:
        report = store.verify_integrity()
        assert report.ok, str(report)
        imports: Counter[str] = Counter()
        for complaint in store.find():
            history = store.history(complaint.id)
            assert complaint == replay(history)
            if complaint.id.count("-") == 2:  # one of an import's
                imports[complaint.id.rsplit("-", 1)[0]] += 1
                assert complaint.version == 8
            else:
                assert complaint.version in WHOLE_VERSIONS, (complaint.id, complaint.version)
        for complaint_id, version in reported.items():  # nothing committed was lost
            assert store.get(complaint_id).version >= version
        assert set(imports.values()) <= {IMPORT_SIZE}, imports


def read_reports(lines: Iterator[str], count: int | None) -> tuple[dict[str, int], list[str]]:
    """Up to ``count`` commits the writer reported (all, with ``None``), and its error lines."""
    reported: dict[str, int] = {}
    errors: list[str] = []
    for n, line in enumerate(lines):
        if line.startswith("error"):
            errors.append(line.strip())
            break
        _, complaint_id, version = line.split()
        reported[complaint_id] = int(version)
        if count is not None and n + 1 >= count:
            break
    return reported, errors


KINDS = ["sqlite", "sqlalchemy-sqlite"]


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_a_desk_writer_killed_at_random_leaves_whole_complaints(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "killed.sqlite3"
    rng = random.Random(kind)
    reported: dict[str, int] = {}
    for round_ in range(soak_int("ISO10002_KILL_ROUNDS", 2, 30)):
        with writer(kind, path, round_) as process:
            assert process.stdout is not None
            seen, errors = read_reports(iter(process.stdout), rng.randrange(3, 60))
            assert errors == []
            reported |= seen
            process.send_signal(signal.SIGKILL)  # somewhere in its next write, or between
            _, stderr = process.communicate(timeout=60)
        assert process.returncode == -signal.SIGKILL, stderr
        check_whole(kind, path, reported)


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_a_file_size_limit_fails_the_write_clearly_and_leaves_whole_complaints(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "limited.sqlite3"
    with open_store(kind, path):
        pass  # created, with its schema, before the limit
    limit = path.stat().st_size + 96 * 1024
    with writer(kind, path, 0, limit=limit, padding=1500) as process:
        assert process.stdout is not None
        reported, errors = read_reports(iter(process.stdout), None)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    assert reported, "the limit left no room for a single write"
    assert len(errors) == 1, errors
    assert errors[0].startswith("error iso10002.errors.StorageError"), errors
    assert "rolled back" in errors[0] or "failed" in errors[0], errors
    check_whole(kind, path, reported)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, mounted for the test (root only; skipped elsewhere): room for the schema,
    its write-ahead log and some complaints, and little more."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the file size limit test covers the rest")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.mark.parametrize("kind", KINDS)
def test_a_full_disk_fails_the_write_clearly_and_writes_work_again_with_room(
    tiny_disk: Path, kind: str
) -> None:
    from iso10002.desk import ComplaintsDesk
    from iso10002.model import Channel, Classification

    path = tiny_disk / "complaints.sqlite3"
    ballast = tiny_disk / "ballast"
    with open_store(kind, path) as store:
        desk = ComplaintsDesk(store)

        def receive(n: int) -> None:
            desk.receive(
                actor="agent:ana",
                channel=Channel.EMAIL,
                complainant=None,
                description=f"Complaint {n}: " + "x" * 3000,
                classification=Classification(product="card"),
                complaint_id=f"C-{n:04d}",
            )

        receive(0)
        # Leave a little room, then fill it.
        ballast.write_bytes(b"\0" * (os.statvfs(tiny_disk).f_bavail * 4096 - 40 * 1024))
        stored, failure = 1, None
        for n in range(1, 1000):
            try:
                receive(n)
            except StorageError as error:
                failure = error
                break
            stored += 1
        assert failure is not None, "the disk never filled up"
        assert re.search(r"disk is full|could not be written", str(failure)), failure
        assert store.count() == stored  # the failed receipt left nothing behind
        with pytest.raises(StorageError):  # still full: the next write fails as clearly
            receive(5000)
        ballast.unlink()
        receive(5001)  # room again: the same store object writes again
        assert store.count() == stored + 1
        report = store.verify_integrity()
        assert report.ok, str(report)
        for complaint in store.find():
            assert complaint.version == 1
            assert complaint == replay(store.history(complaint.id))


# --- PostgreSQL: a connection terminated before each statement of a write --------------------


@pytest.mark.postgres
@pytest.mark.parametrize("operation", ["create", "append", "append, row read", "redact"])
def test_a_connection_terminated_before_any_statement_of_a_write_leaves_nothing(
    sqlalchemy_postgres_url: str, operation: str
) -> None:
    import sqla_support as db
    import sqlalchemy as sa

    from iso10002.desk import ComplaintsDesk
    from iso10002.model import Complexity, ContactMethod, Impact, Severity
    from iso10002.storage.sqlalchemy import SQLAlchemyStore
    from iso10002.testing.builders import event_for, history_to

    def write(desk: ComplaintsDesk, n: int) -> None:
        if operation == "create":
            desk.store.create(history_to("closed", f"C-NEW-{n}"), idempotency_key=f"k-{n}")
        elif operation == "append, row read":
            # As when another process wrote last: the store keeps no head of C-A (the
            # desk's read would give it one), so the append reads the row first.
            store._recent.discard("C-A")
            acknowledge = event_for(replay(history_to("received", "C-A")), "acknowledge")
            store.append("C-A", [acknowledge], expected_version=1)
        elif operation == "append":
            desk.assess(
                "C-A",
                actor="agent:ana",
                severity=Severity.LOW,
                complexity=Complexity.SIMPLE,
                impact=Impact.LOW,
                acknowledge_by=ContactMethod.EMAIL,
                expected_version=1,
            )
        else:
            desk.redact("C-Z", actor="dpo:lee", reason="erasure", expected_version=8)

    def prepare() -> tuple[dict[str, Any], list[Any]]:
        db.empty_tables(sqlalchemy_postgres_url)
        store.create(history_to("received", "C-A"))
        store.create(history_to("closed", "C-Z"))
        return {c: (store.get(c), store.history(c)) for c in ("C-A", "C-Z")}, list(store.feed())

    store = SQLAlchemyStore(sqlalchemy_postgres_url)
    desk = ComplaintsDesk(store)
    statements: list[str] = []

    def count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    try:
        prepare()  # a dry run counts the statements of the write, reads included
        sa.event.listen(store.engine, "before_cursor_execute", count)
        write(desk, -1)
        sa.event.remove(store.engine, "before_cursor_execute", count)
        assert len(statements) >= 2
        for target in range(len(statements)):
            before, feed = prepare()
            seen = 0

            def terminate(connection: sa.Connection, *_: Any, target: int = target) -> None:
                nonlocal seen
                seen += 1
                if seen - 1 == target:
                    driver = connection.connection.driver_connection
                    _terminate(driver.info.backend_pid)  # type: ignore[union-attr]

            sa.event.listen(store.engine, "before_cursor_execute", terminate)
            try:
                with pytest.raises(StorageError, match="connection to the database was lost"):
                    write(desk, target)
            finally:
                sa.event.remove(store.engine, "before_cursor_execute", terminate)
            where = f"killed before {statements[target][:60]!r}"
            assert store.count() == 2, where
            assert {c: (store.get(c), store.history(c)) for c in before} == before, where
            assert list(store.feed()) == feed, where
            assert store.verify_integrity().ok, where
            write(desk, target)  # the store carries on: the same write now works
    finally:
        store.close()


def _terminate(pid: int) -> None:
    """End server process ``pid`` from a connection of its own, waiting until it is gone."""
    import sqla_support as db
    import sqlalchemy as sa

    admin = sa.create_engine(db.POSTGRES_URL, poolclass=sa.NullPool)
    try:
        with admin.connect() as other:
            ended = other.execute(
                sa.text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid}
            ).scalar_one()
        assert ended
    finally:
        admin.dispose()
