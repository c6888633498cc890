"""DjangoStore on PostgreSQL passes the store conformance suite, for real.

Each test process gets its own database (``django_support``); every test starts from empty
tables. The tamper hooks edit rows with raw SQL through Django's connection, and
``failing_writes`` installs a PL/pgSQL trigger that raises on the Nth event row a
transaction inserts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import pytest

from django_support import django_database, empty_tables  # noqa: F401 - a fixture
from iso10002.errors import ConcurrencyConflict, ConfigurationError, ValidationError
from iso10002.events import NoteAdded, Redacted
from iso10002.integrity import SealedEvent
from iso10002.model import Classification
from iso10002.storage import ComplaintQuery, ComplaintStore
from iso10002.storage.common import from_micros, seal_all, to_micros
from iso10002.testing.builders import START, event_for, history_to
from iso10002.testing.store_conformance import StoreConformance

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

    from iso10002.contrib.django.store import DjangoStore

pytest.importorskip("django")

_EVENT_COLUMNS = "complaint_id, version, event_type, at, actor, public, personal, previous, digest"


def _django(store: ComplaintStore) -> DjangoStore:
    from iso10002.contrib.django.store import DjangoStore

    assert isinstance(store, DjangoStore)
    return store


def _cursor(store: ComplaintStore) -> CursorWrapper:
    from django.db import connections

    return connections[_django(store).using].cursor()


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
class TestDjangoStore(StoreConformance):
    def make_store(self) -> ComplaintStore:
        from iso10002.contrib.django.store import DjangoStore

        empty_tables()
        return DjangoStore()

    def thread_finished(self, store: ComplaintStore) -> None:
        from django.db import connections

        # Django opens one connection per thread; a thread that ends closes its own.
        connections.close_all()

    def raw_rows(self, store: ComplaintStore, complaint_id: str) -> list[SealedEvent]:
        with _cursor(store) as cursor:
            cursor.execute(
                f"SELECT {_EVENT_COLUMNS} FROM iso10002_event"
                " WHERE complaint_id = %s ORDER BY version, position",
                [complaint_id],
            )
            rows = cursor.fetchall()
        return [
            SealedEvent(
                complaint_id=cid,
                version=version,
                event_type=event_type,
                at=from_micros(at),
                actor=actor,
                public=public,
                personal=personal,
                previous=previous,
                digest=digest,
            )
            for cid, version, event_type, at, actor, public, personal, previous, digest in rows
        ]

    def write_raw_rows(
        self, store: ComplaintStore, complaint_id: str, rows: Sequence[SealedEvent]
    ) -> None:
        # Every row is written as the complaint's own: a row moved from another complaint
        # keeps the other complaint's content and digest, as a hand-edit would.
        with _cursor(store) as cursor:
            cursor.execute(
                "DELETE FROM iso10002_event WHERE complaint_id = %s RETURNING position",
                [complaint_id],
            )
            positions = sorted(position for (position,) in cursor.fetchall())
            while len(positions) < len(rows):
                cursor.execute("UPDATE iso10002_feed_position SET last = last + 1 RETURNING last")
                positions.append(cursor.fetchone()[0])
            for position, row in zip(positions[: len(rows)], rows, strict=True):
                cursor.execute(
                    f"INSERT INTO iso10002_event (position, {_EVENT_COLUMNS}, recorded_at)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [
                        position,
                        complaint_id,
                        row.version,
                        row.event_type,
                        to_micros(row.at),
                        row.actor,
                        row.public,
                        row.personal,
                        row.previous,
                        row.digest,
                        0,
                    ],
                )

    def tamper_snapshot(self, store: ComplaintStore, complaint_id: str) -> None:
        # The JSON only: the state column stays, as if someone edited the document by hand.
        with _cursor(store) as cursor:
            cursor.execute(
                "UPDATE iso10002_complaint SET snapshot ="
                " jsonb_set(snapshot::jsonb, '{state}', '\"closed\"')::text WHERE id = %s",
                [complaint_id],
            )
            assert cursor.rowcount == 1

    def stored_text(self, store: ComplaintStore) -> str:
        # Every table of the database, Django's own included, row by row as JSON.
        with _cursor(store) as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
                " ORDER BY table_name"
            )
            tables = [name for (name,) in cursor.fetchall()]
            dump = []
            for table in tables:
                cursor.execute(f'SELECT row_to_json(t)::text FROM "{table}" t')
                dump.extend(f"{table}: {text}" for (text,) in cursor.fetchall())
        return "\n".join(dump)

    def failing_writes(
        self, store: ComplaintStore, after_rows: int
    ) -> AbstractContextManager[object]:
        return _trigger_failing_after(store, after_rows)


@contextmanager
def _trigger_failing_after(store: ComplaintStore, after_rows: int) -> Iterator[None]:
    """A trigger that raises when a transaction inserts its event row number after_rows+1.

    The count lives in a transaction-local setting, so each call of the store starts at 0
    and the failure comes from the database, after it has taken the first rows.
    """
    with _cursor(store) as cursor:
        cursor.execute(
            """
            CREATE OR REPLACE FUNCTION iso10002_test_fail_after() RETURNS trigger
            LANGUAGE plpgsql AS $$
            DECLARE
                seen integer := coalesce(
                    nullif(current_setting('iso10002_test.rows', true), ''), '0'
                )::integer + 1;
            BEGIN
                PERFORM set_config('iso10002_test.rows', seen::text, true);
                IF seen > TG_ARGV[0]::integer THEN
                    RAISE EXCEPTION 'injected failure: event row % of this transaction', seen;
                END IF;
                RETURN NEW;
            END $$
            """
        )
        cursor.execute(
            "CREATE TRIGGER iso10002_test_fail AFTER INSERT ON iso10002_event"
            f" FOR EACH ROW EXECUTE FUNCTION iso10002_test_fail_after({int(after_rows)})"
        )
    try:
        yield
    finally:
        with _cursor(store) as cursor:
            cursor.execute("DROP TRIGGER iso10002_test_fail ON iso10002_event")


# --- what only this store does --------------------------------------------------------------


@pytest.fixture
def store(request: pytest.FixtureRequest) -> Iterator[DjangoStore]:
    request.getfixturevalue("django_database")
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    store = DjangoStore()
    yield store
    store.close()


def _stored(store: DjangoStore, complaint_id: str) -> tuple[object, ...]:
    """Snapshot, history and feed: what a call that failed must leave as it was."""
    return store.get(complaint_id), store.history(complaint_id), tuple(store.feed())


@pytest.mark.postgres
def test_find_orders_ids_by_code_point_whatever_the_collation(store: DjangoStore) -> None:
    # The test database sorts text by ICU en-US rules, where "C-a" comes before "C-B";
    # ComplaintQuery orders (received_at, id) as Python compares str.
    for complaint_id in ("C-a", "C-B", "C-b", "C-A"):
        store.create(history_to("received", complaint_id))
    assert [c.id for c in store.find()] == ["C-A", "C-B", "C-a", "C-b"]
    first_page = list(store.find(ComplaintQuery(limit=2)))
    rest = ComplaintQuery(limit=2).next_page(first_page[-1])
    assert [c.id for c in store.find(rest)] == ["C-a", "C-b"]
    assert store.count(rest) == 2


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
def test_find_streams_in_pages_that_join_up() -> None:
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    store = DjangoStore(page_size=3)
    for n in range(8):
        store.create(history_to("received", f"C-{n}"))
    assert [c.id for c in store.find()] == [f"C-{n}" for n in range(8)]
    assert [c.id for c in store.find(ComplaintQuery(limit=7))] == [f"C-{n}" for n in range(7)]
    assert [r.position for r in store.feed(after=2, limit=4)] == [3, 4, 5, 6]
    assert store.verify_integrity().checked == 8


@pytest.mark.postgres
def test_a_writer_that_skipped_the_lock_meets_the_unique_constraint(store: DjangoStore) -> None:
    current = store.create(history_to("received"))
    rogue = seal_all(current.id, [event_for(current, "acknowledge")], 1, "f" * 64)[0]
    with _cursor(store) as cursor:  # version 2, written by hand, row left at version 1
        cursor.execute(
            f"INSERT INTO iso10002_event (position, {_EVENT_COLUMNS}, recorded_at)"
            " VALUES (99, %s, 2, %s, %s, %s, %s, %s, %s, %s, 0)",
            [
                current.id,
                rogue.event_type,
                to_micros(rogue.at),
                rogue.actor,
                rogue.public,
                rogue.personal,
                rogue.previous,
                rogue.digest,
            ],
        )
    feed_before = list(store.feed())
    with pytest.raises(ConcurrencyConflict) as caught:
        store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert (caught.value.expected_version, caught.value.actual_version) == (1, 2)
    assert store.get(current.id) == current
    assert list(store.feed()) == feed_before


@pytest.mark.postgres
def test_calls_inside_a_host_transaction_commit_and_roll_back_with_it(
    store: DjangoStore,
) -> None:
    from django.db import transaction

    class FormFailed(Exception):
        pass

    def receive_then_fail() -> None:
        with transaction.atomic():
            store.create(history_to("acknowledged"))
            assert store.get("C-0001").version == 2  # visible inside the host's transaction
            raise FormFailed

    with pytest.raises(FormFailed):
        receive_then_fail()
    assert store.count() == 0
    assert list(store.feed()) == []
    with transaction.atomic():
        store.create(history_to("acknowledged"))
    assert store.get("C-0001").version == 2


@pytest.mark.postgres
def test_the_feed_row_stays_locked_until_the_writer_commits(store: DjangoStore) -> None:
    # Why the feed never skips: positions are claimed under a row lock held to commit, so
    # no later position can commit before an earlier one.
    import psycopg
    from django.db import transaction

    import django_settings

    other = psycopg.connect(django_settings.POSTGRES_URL, dbname=django_settings.DATABASE_NAME)
    try:
        lock = "SELECT last FROM iso10002_feed_position WHERE id = 1 FOR UPDATE NOWAIT"
        with transaction.atomic():
            store.create(history_to("received"))
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute(lock)
            other.rollback()
        assert other.execute(lock).fetchone() == (1,)
        other.rollback()
    finally:
        other.close()


@pytest.mark.postgres
def test_a_redaction_failing_half_way_erases_nothing(store: DjangoStore) -> None:
    closed = store.create(history_to("closed"))
    before = _stored(store, closed.id)
    redaction = event_for(closed, "redact")
    assert isinstance(redaction, Redacted)
    with _trigger_failing_after(store, 0), pytest.raises(Exception, match="injected failure"):
        store.redact(closed.id, redaction, expected_version=8)
    assert _stored(store, closed.id) == before
    assert store.get(closed.id).complainant is not None


@pytest.mark.postgres
def test_a_lost_connection_fails_the_call_and_the_next_call_reconnects(
    store: DjangoStore,
) -> None:
    import psycopg
    from django.db import DatabaseError

    import django_settings

    current = store.create(history_to("received"))
    before = _stored(store, current.id)
    with _cursor(store) as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with psycopg.connect(django_settings.POSTGRES_URL, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    with pytest.raises(DatabaseError):
        store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert _stored(store, current.id) == before
    after = store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert after.version == 2


@pytest.mark.postgres
def test_missing_tables_are_a_configuration_error_naming_migrate(store: DjangoStore) -> None:
    from django.db import transaction

    def read_without_the_table() -> None:
        # DDL is transactional in PostgreSQL: the table is back when the block rolls back.
        with transaction.atomic():
            with _cursor(store) as cursor:
                cursor.execute("ALTER TABLE iso10002_complaint RENAME TO iso10002_moved_away")
            store.get("C-0001")

    with pytest.raises(ConfigurationError, match="migrate iso10002"):
        read_without_the_table()
    assert store.count() == 0


@pytest.mark.postgres
def test_a_missing_feed_row_is_a_configuration_error(store: DjangoStore) -> None:
    with _cursor(store) as cursor:
        cursor.execute("DELETE FROM iso10002_feed_position")
    try:
        with pytest.raises(ConfigurationError, match="feed position row is missing"):
            store.create(history_to("received"))
        assert store.count() == 0
    finally:
        with _cursor(store) as cursor:
            cursor.execute("INSERT INTO iso10002_feed_position (id, last) VALUES (1, 0)")


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
def test_an_unknown_database_alias_is_a_configuration_error() -> None:
    from iso10002.contrib.django.store import DjangoStore

    with pytest.raises(ConfigurationError, match="no database 'complaints'"):
        DjangoStore(using="complaints")


@pytest.mark.postgres
def test_bad_arguments_are_refused_naming_each_one(store: DjangoStore) -> None:
    with pytest.raises(ValidationError, match="next_due: naive datetime"):
        store.create(history_to("received"), next_due=datetime(2026, 3, 1, 9))
    with pytest.raises(ValidationError, match="idempotency_key: must not be empty"):
        store.create(history_to("received"), idempotency_key="  ")
    with pytest.raises(ValidationError) as caught:
        list(store.feed(after=-1, limit=0))
    assert len(caught.value.errors) == 2
    with pytest.raises(ValidationError, match="after: naive datetime"):
        store.find(ComplaintQuery(after=(datetime(2026, 3, 1), "C-1")))
    with pytest.raises(ValidationError, match="page_size"):
        type(store)(page_size=0)
    with pytest.raises(ValidationError, match="expected a Redacted event"):
        store.redact("C-0001", history_to("received")[0], expected_version=1)  # type: ignore[arg-type]
    assert store.count() == 0


@pytest.mark.postgres
def test_values_too_long_to_index_are_refused_naming_each_field(store: DjangoStore) -> None:
    long = "x" * 2001
    events = history_to("received", classification=Classification(product=long, category=long))
    with pytest.raises(ValidationError) as caught:
        store.create(events)
    assert [e.split(":")[0] for e in caught.value.errors] == [
        "classification.product",
        "classification.category",
    ]
    assert store.count() == 0


@pytest.mark.postgres
def test_an_edited_query_column_is_detected(store: DjangoStore) -> None:
    # Editing the state column would hide a complaint from find(); verification says so.
    store.create(history_to("investigating"))
    with _cursor(store) as cursor:
        cursor.execute("UPDATE iso10002_complaint SET state = 'closed', is_open = false")
    report = store.verify_integrity()
    assert report.broken == ("C-0001",)
    assert "state, is_open" in str(report)


@pytest.mark.postgres
def test_an_unreadable_snapshot_is_reported_not_raised(store: DjangoStore) -> None:
    store.create(history_to("received"))
    with _cursor(store) as cursor:
        cursor.execute("UPDATE iso10002_complaint SET snapshot = 'not json'")
    report = store.verify_integrity()
    assert [p.kind for p in report.problems] == ["corrupt"]


def _child_environment() -> dict[str, str]:
    """For a child Python process using this process's Django settings and database."""
    import os
    import sys
    from pathlib import Path

    import django_settings

    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "django_settings",
        "ISO10002_DJANGO_TEST_DATABASE": django_settings.DATABASE_NAME,
        "PYTHONPATH": os.pathsep.join([str(Path(django_settings.__file__).parent), *sys.path]),
    }


_WRITER = """
import json, os, sys
from datetime import datetime

import django

django.setup()
from django.db import connections

from iso10002.contrib.django.store import DjangoStore
from iso10002.errors import ConcurrencyConflict
from iso10002.events import NoteAdded

complaint_id, writer, attempts, at = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
store = DjangoStore()
store.get(complaint_id)  # connected and warm before the start
print("ready", flush=True)
sys.stdin.readline()  # the parent starts every writer at once
written, conflicts = [], 0
for attempt in range(attempts):
    text = f"note {writer}-{attempt}"
    seen = store.get(complaint_id)
    note = NoteAdded(at=datetime.fromisoformat(at), actor=f"proc:{writer}", text=text)
    try:
        store.append(complaint_id, [note], expected_version=seen.version)
    except ConcurrencyConflict:
        conflicts += 1
    else:
        written.append(text)
connections.close_all()
print(json.dumps({"written": written, "conflicts": conflicts}), flush=True)
"""


@pytest.mark.postgres
def test_writer_processes_lose_nothing_and_duplicate_nothing(store: DjangoStore) -> None:
    import json
    import subprocess
    import sys

    current = store.create(history_to("acknowledged"))
    at = (current.last_event_at + timedelta(hours=1)).isoformat()
    processes, attempts = 3, 25
    env = _child_environment()
    writers = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", _WRITER, current.id, str(n), str(attempts), at],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(processes)
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stdout.readline().strip() == "ready", writer.communicate()[1]
        for writer in writers:  # all of them, before waiting for any
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        results = []
        for writer in writers:
            out, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
            results.append(json.loads(out.splitlines()[-1]))
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.communicate()
    written = [text for result in results for text in result["written"]]
    conflicts = sum(result["conflicts"] for result in results)
    assert len(written) + conflicts == processes * attempts
    notes = [e.text for e in store.history(current.id) if isinstance(e, NoteAdded)]
    assert sorted(notes) == sorted(written)  # nothing lost, nothing twice
    assert store.get(current.id).version == 2 + len(written)
    assert store.verify_integrity().ok


_KILLED_MID_WRITE = """
import sys

import django

django.setup()
from django.db import transaction

from iso10002.contrib.django.store import DjangoStore
from iso10002.testing.builders import event_for

store = DjangoStore()
current = store.get(sys.argv[1])
with transaction.atomic():  # the host's transaction, still open when the process dies
    store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    print("appended", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.postgres
def test_a_writer_killed_before_its_commit_leaves_nothing(store: DjangoStore) -> None:
    import signal
    import subprocess
    import sys

    current = store.create(history_to("received"))
    before = _stored(store, current.id)
    env = _child_environment()
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_WRITE, current.id],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "appended", writer.communicate()[1]
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.communicate(timeout=60)
    assert writer.returncode == -signal.SIGKILL
    assert _stored(store, current.id) == before
    after = store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert after.version == 2
    assert store.verify_integrity().ok


@pytest.mark.postgres
def test_concurrent_receipts_of_one_id_create_it_once_and_the_rest_conflict(
    store: DjangoStore,
) -> None:
    import threading

    from django.db import connections

    threads = 6
    barrier = threading.Barrier(threads)
    created: list[str] = []
    conflicts: list[ConcurrencyConflict] = []
    errors: list[BaseException] = []

    def receive(n: int) -> None:
        try:
            barrier.wait()
            created.append(store.create(history_to("received", at=START + timedelta(n))).id)
        except ConcurrencyConflict as conflict:
            conflicts.append(conflict)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=receive, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert errors == []
    assert created == ["C-0001"]
    assert [(c.expected_version, c.actual_version) for c in conflicts] == [(0, 1)] * (threads - 1)
    assert store.count() == 1
    assert store.verify_integrity().ok


@pytest.mark.postgres
def test_verification_reports_facts_that_differ_or_are_missing(store: DjangoStore) -> None:
    for n in range(4):
        store.create(history_to("closed", f"C-{n}"))
    with _cursor(store) as cursor:
        cursor.execute(
            "UPDATE iso10002_complaint_facts SET closed_at = 0 WHERE complaint_id = 'C-1'"
        )
        cursor.execute("DELETE FROM iso10002_complaint_facts WHERE complaint_id = 'C-2'")
    report = store.verify_integrity()
    assert report.broken == ("C-1", "C-2")
    assert [p.kind for p in report.problems] == ["snapshot", "snapshot"]
    assert "closed_at" in report.problems[0].detail
    assert "missing" in report.problems[1].detail


@pytest.mark.postgres
def test_an_append_writes_a_lost_facts_row_again(store: DjangoStore) -> None:
    current = store.create(history_to("received"))
    with _cursor(store) as cursor:
        cursor.execute("DELETE FROM iso10002_complaint_facts")
    assert not store.verify_integrity().ok
    store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
    assert store.verify_integrity().ok
