"""Import complaints from CSV and JSON exports into a store: the Python side of ``iso10002 import``.

:func:`import_complaints` reads a file's rows (:mod:`~iso10002.metrics.import_sources`),
turns each into a complaint's history with an :class:`~.import_mapping.ImportMapping` (by
default :data:`~.import_cfpb.CFPB`), and writes the histories in batches:

* through the store's bulk path when it has one (``SQLiteStore.import_batches``;
  ``SQLAlchemyStore.create_many``): each batch one transaction, all of it or none;
* into SQLite with ``workers``, mapped, validated and sealed in worker processes
  (:mod:`~iso10002.metrics._import_workers`) and written here with
  ``SQLiteStore.import_prepared``, each batch one transaction;
* otherwise, and for a batch the bulk path refused, with ``store.create`` per complaint,
  each atomic, with the idempotency key ``import:<source>:<row id>``.

A row that cannot be read or mapped is *refused*: reported with its row number, the column
and the value (cut short), and skipped, so the rest of the file is imported. A row whose
complaint (``<source>-<row id>``) is already stored, or that repeats an earlier row of the
same batch, is *skipped as a duplicate*: importing the same file twice, or re-running an
import that was interrupted, adds nothing twice. Complaints already stored are not updated
from a later export of the same rows.

A file that cannot be read at all (an encoding it is not in, a CSV header without a required
column, malformed JSON) is refused with :class:`~iso10002.errors.ValidationError` before any
row is stored.

Examples:
    >>> import io, csv
    >>> from datetime import datetime, timezone
    >>> from iso10002.metrics.import_cfpb import CFPB_COLUMNS, sample_rows
    >>> from iso10002.clock import ManualClock
    >>> from iso10002.storage import SQLiteStore
    >>> text = io.StringIO()
    >>> writer = csv.DictWriter(text, CFPB_COLUMNS)
    >>> _ = writer.writeheader()
    >>> writer.writerows(sample_rows(50, seed=1))
    >>> data = text.getvalue().encode()
    >>> clock = ManualClock(datetime(2026, 11, 1, tzinfo=timezone.utc))
    >>> store = SQLiteStore.memory()
    >>> print(import_complaints(store, io.BytesIO(data), format="csv", clock=clock))
    <stream>: 50 rows: 50 imported, 0 skipped as duplicates, 0 refused
    >>> print(import_complaints(store, io.BytesIO(data), format="csv", clock=clock))
    <stream>: 50 rows: 0 imported, 50 skipped as duplicates, 0 refused
    >>> store.close()
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import IO

import attrs

from iso10002.clock import Clock, system_clock
from iso10002.desk import DeskPolicy
from iso10002.errors import (
    ConcurrencyConflict,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.events import Event
from iso10002.metrics._import_workers import (
    Batch,
    Refused,
    RowPreparer,
    WorkerStopped,
    prepared_in_workers,
)
from iso10002.metrics.import_cfpb import CFPB
from iso10002.metrics.import_mapping import ImportMapping, MappedRow, RowRefused
from iso10002.metrics.import_sources import ImportFormat, SourceRecord, open_rows
from iso10002.model import Complaint
from iso10002.replay import replay
from iso10002.storage.protocol import ComplaintStore

__all__ = ["ImportReport", "Progress", "RowProblem", "WorkerStopped", "import_complaints"]

Progress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` after each batch: bytes of the file read and in all."""


@attrs.frozen
class RowProblem:
    """Why one row was refused: its number (1 is the first data row), the line it ends on
    (where the format has lines), the column, the value as read (cut short) and the reason.

    Examples:
        >>> print(RowProblem(7, "Date received", "2026-02-30", "is not a real date", line=8))
        row 7 (line 8), Date received: is not a real date (value '2026-02-30')
    """

    row: int
    field: str | None
    value: str | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" (line {self.line})" if self.line is not None else "")
        field = f", {self.field}" if self.field else ""
        # repr() shows control characters escaped: a hostile value cannot drive a terminal.
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}{field}: {self.message}{value}"


@attrs.frozen
class ImportReport:
    """What an import did: rows read, complaints imported, rows skipped and refused.

    ``problems`` lists the refused rows' problems, the first ``max_problems`` of them;
    ``problems_omitted`` counts the rest. ``ok`` is true when no row was refused.

    Examples:
        >>> report = ImportReport("x.csv", rows=3, imported=2, duplicates=0, refused=1,
        ...                       problems=(RowProblem(2, "Product", None, "is empty"),))
        >>> report.ok, report.to_data()["refused"]
        (False, 1)
    """

    source: str
    rows: int
    imported: int
    duplicates: int
    refused: int
    problems: tuple[RowProblem, ...] = ()
    problems_omitted: int = 0

    @property
    def ok(self) -> bool:
        """No row was refused."""
        return self.refused == 0

    def to_data(self) -> dict[str, object]:
        """The report as JSON-ready data (what ``iso10002 import --json`` prints)."""
        return {
            "source": self.source,
            "rows": self.rows,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "refused": self.refused,
            "problems": [attrs.asdict(p) for p in self.problems],
            "problems_omitted": self.problems_omitted,
        }

    def to_json(self, indent: int | None = None) -> str:
        """:meth:`to_data` as JSON text."""
        return json.dumps(self.to_data(), indent=indent, ensure_ascii=False)

    def __str__(self) -> str:
        return (
            f"{self.source}: {self.rows:,} rows: {self.imported:,} imported, "
            f"{self.duplicates:,} skipped as duplicates, {self.refused:,} refused"
        )

    def details(self, limit: int = 20) -> str:
        """The summary and the first ``limit`` problems, one a line, for people to read."""
        lines = [str(self)]
        lines += [f"  - {p}" for p in self.problems[:limit]]
        more = len(self.problems) - limit + self.problems_omitted
        if more > 0:
            lines.append(f"  … and {more:,} more")
        return "\n".join(lines)


@attrs.frozen
class _Pending:
    record: SourceRecord
    mapped: MappedRow


class _Tally:
    """The counts and problems of an import as it goes."""

    def __init__(self, max_problems: int) -> None:
        self.rows = self.imported = self.duplicates = self.refused = 0
        self.problems: list[RowProblem] = []
        self.omitted = 0
        self._max = max_problems

    def refuse(
        self, record: SourceRecord, problems: Sequence[tuple[str | None, str | None, str]]
    ) -> None:
        self.refused += 1
        for field, value, message in problems:
            if len(self.problems) < self._max:
                self.problems.append(RowProblem(record.number, field, value, message, record.line))
            else:
                self.omitted += 1

    def report(self, source: str) -> ImportReport:
        return ImportReport(
            source,
            self.rows,
            self.imported,
            self.duplicates,
            self.refused,
            tuple(self.problems),
            self.omitted,
        )


NextDue = Callable[[Complaint], "datetime | None"]

# What a store answers about the histories themselves; anything else (a lost connection, a
# closed store, a lock not had in time) stops the import.
_REFUSALS = (ValidationError, TransitionNotAllowed, ConcurrencyConflict)


class _Writer:
    """Writes batches of new histories to a store, by its bulk path where it has one."""

    def __init__(self, store: ComplaintStore, next_due: NextDue | None, tally: _Tally) -> None:
        self.store = store
        self.next_due = next_due
        self.tally = tally
        self._bulk = self._bulk_path(store)

    def _bulk_path(self, store: ComplaintStore) -> Callable[[list[Sequence[Event]]], object] | None:
        create_many = getattr(store, "create_many", None)
        if callable(create_many):  # SQLAlchemyStore, or a host's store with the same method
            return lambda histories: create_many(
                histories, next_due=self.next_due, batch_size=max(len(histories), 1)
            )
        return None

    def write_all(self, batches: Iterable[list[_Pending]]) -> Iterator[None]:
        """Write every batch; yields once each batch is written (for the progress bar)."""
        from iso10002.storage.sqlite import SQLiteStore

        if not isinstance(self.store, SQLiteStore):
            for batch in batches:
                self.write(batch)
                yield
            return
        taken: deque[list[_Pending]] = deque()

        def histories() -> Iterator[list[tuple[Event, ...]]]:
            for batch in batches:
                taken.append(batch)
                yield [p.mapped.events for p in batch]

        for outcome in self.store.import_batches(histories(), next_due=self.next_due):
            batch = taken.popleft()
            if isinstance(outcome, ValidationError):
                self._write_unknown(batch)
            else:
                self.tally.imported += len(batch)
            yield

    def write_prepared(
        self,
        batches: Iterable[list[SourceRecord]],
        mapping: ImportMapping,
        now: datetime,
        workers: int,
    ) -> Iterator[None]:
        """Write every batch of rows, mapped and prepared by ``workers`` processes into
        staging files in a folder of the import's own; yields once each batch is written. A
        batch whose first or last complaint is already stored (a file imported before) is
        not sent to the workers but sorted out here, row by row.
        """
        from iso10002.storage.sqlite import SQLiteStore

        store = self.store
        assert isinstance(store, SQLiteStore)
        preparer = RowPreparer(mapping, now, store.preparer(self.next_due))
        sent: deque[tuple[list[SourceRecord], str]] = deque()
        folder = tempfile.mkdtemp(prefix="iso10002-import-")

        def to_prepare() -> Iterator[Batch | None]:
            for number, records in enumerate(batches):
                staging = os.path.join(folder, f"batch-{number}.sqlite3")
                sent.append((records, staging))
                if self._imported_before(records, mapping):
                    yield None  # sorted out here, in its turn
                else:  # every record of a batch has its values (_read_batches)
                    yield [r.values for r in records if r.values is not None], staging

        try:
            for outcomes in prepared_in_workers(preparer, to_prepare(), workers):
                records, staging = sent.popleft()
                if outcomes is None:
                    self._write_unknown(_mapped(records, mapping, now, self.tally))
                    yield
                    continue
                staged: list[SourceRecord] = []
                for record, outcome in zip(records, outcomes, strict=True):
                    if isinstance(outcome, Refused):
                        self.tally.refuse(record, outcome.problems)
                    elif outcome is None:  # repeats an earlier row of the batch
                        self.tally.duplicates += 1
                    else:
                        staged.append(record)
                if staged:
                    (written,) = store.import_staged([staging])
                    if isinstance(written, ValidationError):  # some stored since we looked
                        self._write_unknown(_mapped(staged, mapping, now, self.tally))
                    else:
                        self.tally.imported += len(staged)
                os.remove(staging)
                yield
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _imported_before(self, records: list[SourceRecord], mapping: ImportMapping) -> bool:
        for record in (records[0], records[-1]) if records else ():
            complaint_id = None if record.values is None else mapping.complaint_id(record.values)
            if complaint_id is not None and self._known_id(complaint_id):
                return True
        return False

    def _write_unknown(self, batch: list[_Pending]) -> None:
        """Into SQLite: the batch's complaints that are not stored yet, written in bulk; the
        others are duplicates (a file imported before, or an import run again)."""
        from iso10002.storage.sqlite import SQLiteStore

        store = self.store
        assert isinstance(store, SQLiteStore)
        known = store.stored_ids(p.mapped.complaint_id for p in batch)
        fresh = [p for p in batch if p.mapped.complaint_id not in known]
        self.tally.duplicates += len(batch) - len(fresh)
        if fresh:
            histories = [[p.mapped.events for p in fresh]]
            (outcome,) = store.import_batches(histories, next_due=self.next_due)
            self._settle(fresh, outcome)

    def _settle(self, batch: list[_Pending], outcome: object) -> None:
        """Count a batch the bulk path wrote, or write it one by one if it was refused."""
        if not isinstance(outcome, ValidationError):
            self.tally.imported += len(batch)
            return
        # a duplicate or a refusal somewhere in the batch: sort it out one by one
        for pending in batch:
            self._write_one(pending)

    def write(self, batch: list[_Pending]) -> None:
        if not batch:
            return
        if self._bulk is not None and not self._known(batch[0]) and not self._known(batch[-1]):
            try:
                self._bulk([p.mapped.events for p in batch])
            except _REFUSALS:
                pass  # a duplicate or a refusal somewhere in the batch: sort it out one by one
            else:
                self.tally.imported += len(batch)
                return
        for pending in batch:
            self._write_one(pending)

    def _known(self, pending: _Pending) -> bool:
        return self._known_id(pending.mapped.complaint_id)

    def _known_id(self, complaint_id: str) -> bool:
        try:
            self.store.get(complaint_id)
        except NotFound:
            return False
        return True

    def _write_one(self, pending: _Pending) -> None:
        if self._known(pending):
            self.tally.duplicates += 1
            return
        mapped = pending.mapped
        due = None
        try:
            if self.next_due is not None:
                due = self.next_due(replay(mapped.events))
            self.store.create(mapped.events, idempotency_key=mapped.idempotency_key, next_due=due)
        except ConcurrencyConflict:  # another writer stored it since we looked
            self.tally.duplicates += 1
        except ValidationError as exc:
            self.tally.refuse(pending.record, [(None, None, m) for m in exc.errors])
        except TransitionNotAllowed as exc:
            self.tally.refuse(pending.record, [(None, None, str(exc))])
        else:
            self.tally.imported += 1


def import_complaints(
    store: ComplaintStore,
    data: str | os.PathLike[str] | IO[bytes],
    *,
    mapping: ImportMapping = CFPB,
    format: ImportFormat | str | None = None,
    encoding: str | None = None,
    source: str | None = None,
    policy: DeskPolicy | None = None,
    batch_size: int = 1000,
    progress: Progress | None = None,
    clock: Clock = system_clock,
    max_problems: int = 1000,
    workers: int = 0,
) -> ImportReport:
    """Import every row of ``data`` (a path, or a binary file) into ``store``; the report.

    ``format`` is ``csv``, ``json`` (an array of objects) or ``jsonl`` (default: from the
    file name). ``encoding`` defaults to UTF-8 (with or without a byte-order mark).
    ``source`` replaces the mapping's source name (complaint ids are
    ``<source>-<row id>``). ``policy`` (an SLA preset, say) records each complaint's next
    deadline, as the desk would. ``batch_size`` complaints are written per transaction;
    ``progress(done, total)`` is called after each batch with the bytes read. ``clock`` is
    "now": no imported event may lie after it. Refuses the file with
    :class:`~iso10002.errors.ValidationError` before storing anything when it cannot be
    read; a database failure (:class:`~iso10002.errors.StorageError`, or a
    :class:`~iso10002.errors.ConfigurationError` such as a lock not had in time) stops the
    import with the batches before it stored (run it again to finish: nothing is imported
    twice).

    ``workers`` (into a :class:`~iso10002.storage.SQLiteStore`): that many processes map,
    validate and seal the rows while this one reads and writes, for large files on a
    machine with cores to spare; the report is the same. They are started with ``spawn``:
    a script that uses them guards its top level with ``if __name__ == "__main__":``, and
    ``mapping`` and ``policy`` must be picklable (the built-in ones are). 0, the default,
    does everything in this process. Other stores ignore it.
    """
    given: tuple[tuple[str, object, int], ...] = (
        ("batch_size", batch_size, 1),
        ("workers", workers, 0),
    )
    for name, value, least in given:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            kind = "positive" if least else "non-negative"
            raise ValidationError([f"{name}: {value!r} is not a {kind} whole number"])
    if source is not None:
        mapping = attrs.evolve(mapping, source=source)
    next_due = None if policy is None else _NextDue(policy)
    tally = _Tally(max_problems)
    writer = _Writer(store, next_due, tally)
    now = clock()
    with open_rows(data, format, encoding=encoding) as rows:
        if rows.header is not None:
            mapping.check_header(rows.header)
        total = rows.size or 0
        batches = _read_batches(rows, tally, batch_size)
        from iso10002.storage.sqlite import SQLiteStore

        if workers and isinstance(store, SQLiteStore):
            written = writer.write_prepared(batches, mapping, now, workers)
        else:
            written = writer.write_all(_mapped(b, mapping, now, tally) for b in batches)
        for _ in written:
            if progress is not None and total:
                progress(min(rows.position(), total), total)
        if progress is not None and total:
            progress(total, total)
        name = rows.name
    return tally.report(name)


@attrs.frozen
class _NextDue:
    """A policy's next deadline for a snapshot, from its last event (picklable, for workers)."""

    policy: DeskPolicy

    def __call__(self, snapshot: Complaint) -> datetime | None:
        return self.policy.next_due(snapshot, snapshot.last_event_at)


def _read_batches(
    rows: Iterable[SourceRecord], tally: _Tally, batch_size: int
) -> Iterator[list[SourceRecord]]:
    """The readable rows in batches of ``batch_size``; unreadable ones are refused on the way."""
    batch: list[SourceRecord] = []
    for record in rows:
        tally.rows += 1
        if record.values is None:
            tally.refuse(record, [(None, None, record.problem or "the row cannot be read")])
            continue
        batch.append(record)
        if len(batch) >= batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _mapped(
    records: list[SourceRecord], mapping: ImportMapping, now: datetime, tally: _Tally
) -> list[_Pending]:
    """A batch of rows mapped to histories; refused rows and repeats are counted."""
    batch: list[_Pending] = []
    ids: set[str] = set()
    for record in records:
        assert record.values is not None
        try:
            mapped = mapping.history(record.values, now=now)
        except RowRefused as exc:
            tally.refuse(record, [(p.field, p.value, p.message) for p in exc.problems])
            continue
        if _admitted(mapped.complaint_id, ids, tally):
            batch.append(_Pending(record, mapped))
    return batch


def _admitted(complaint_id: str, ids: set[str], tally: _Tally) -> bool:
    """Whether a batch takes ``complaint_id``: not if an earlier row of it has the same."""
    if complaint_id in ids:
        tally.duplicates += 1
        return False
    ids.add(complaint_id)
    return True
