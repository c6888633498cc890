"""Worker processes for :func:`~iso10002.metrics.imports.import_complaints`: rows in, rows out.

With ``workers=N`` the importer hands batches of rows, as read, to ``N`` processes. Each maps
its rows to histories (:meth:`~iso10002.metrics.import_mapping.ImportMapping.history`),
prepares them as the store writes them (a :class:`~iso10002.storage.sqlite.ComplaintPreparer`:
validated, folded, sealed) and writes the rows to a staging file of the batch's own, while
the importing process reads the next rows and copies staged batches into the store
(``SQLiteStore.import_staged``: SQLite copies the rows, no Python runs per row there). Python
runs one thread at a time in a process, so processes are what let mapping and sealing use
the other cores: a writer thread would wait for the interpreter lock at every row it binds.

Workers are started with the ``spawn`` method (never ``fork``, which is unsafe in a process
that runs threads, as web servers and desktop programs do): each is a fresh interpreter
that imports iso10002 and, as :mod:`multiprocessing` does, the caller's ``__main__``
module; a script that imports with workers must guard its top level with
``if __name__ == "__main__":``. Batches come back in the order they were sent.

Examples:
    >>> import pathlib, tempfile
    >>> from datetime import datetime, timezone
    >>> from iso10002.metrics.import_cfpb import CFPB, sample_rows
    >>> from iso10002.storage.sqlite import ComplaintPreparer
    >>> prepare = RowPreparer(CFPB, datetime(2026, 12, 1, tzinfo=timezone.utc),
    ...                       ComplaintPreparer(recorded=0))
    >>> row = next(iter(sample_rows(1, seed=1)))
    >>> staging = pathlib.Path(tempfile.mkdtemp()) / "batch-0.sqlite3"
    >>> staged, refused, repeated = prepare([row, {"Complaint ID": "x y"}, row], staging)
    >>> staged.startswith("cfpb-"), refused.problems[0][0], repeated
    (True, 'Complaint ID', None)
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from typing import TypeAlias

import attrs

from iso10002.errors import Iso10002Error, TransitionNotAllowed, ValidationError
from iso10002.metrics.import_mapping import ImportMapping, RowRefused
from iso10002.storage._sqlite_sql import write_staged
from iso10002.storage.sqlite import ComplaintPreparer, PreparedComplaint

__all__ = ["Batch", "Outcome", "Refused", "RowPreparer", "WorkerStopped", "prepared_in_workers"]

Problem = tuple["str | None", "str | None", str]
"""A refused row's problem: the column, the value as read (cut short), the reason."""


@attrs.frozen
class Refused:
    """A row that cannot be imported, and every reason why."""

    problems: tuple[Problem, ...]


Outcome: TypeAlias = "str | Refused | None"
"""A row's fate in a worker: its complaint id (staged), :class:`Refused`, or ``None`` when
an earlier row of the same batch has the same complaint."""


@attrs.frozen
class RowPreparer:
    """Maps rows with ``mapping`` (``now`` is the import's instant), prepares each history
    with ``prepare`` and writes the prepared rows to a staging file (``write_staged``, for
    ``SQLiteStore.import_staged``); per row, in order, its :data:`Outcome`.

    A history the lifecycle or the validation refuses is :class:`Refused` with the reasons
    ``store.create`` would give, as is a row the mapping refuses; of rows with the same
    complaint, the first is staged.
    """

    mapping: ImportMapping
    now: datetime
    prepare: ComplaintPreparer

    def __call__(
        self, rows: Sequence[Mapping[str, object]], staging: str | os.PathLike[str]
    ) -> list[Outcome]:
        outcomes: list[Outcome] = []
        staged: dict[str, PreparedComplaint] = {}
        for row in rows:
            try:
                mapped = self.mapping.history(row, now=self.now)
                if mapped.complaint_id in staged:
                    outcomes.append(None)
                    continue
                prepared = self.prepare(mapped.events)
            except RowRefused as exc:
                outcomes.append(Refused(tuple((p.field, p.value, p.message) for p in exc.problems)))
            except ValidationError as exc:
                outcomes.append(Refused(tuple((None, None, m) for m in exc.errors)))
            except TransitionNotAllowed as exc:
                outcomes.append(Refused(((None, None, str(exc)),)))
            else:
                staged[prepared.complaint_id] = prepared
                outcomes.append(prepared.complaint_id)
        write_staged(staging, list(staged.values()))
        return outcomes


class WorkerStopped(Iso10002Error):
    """An import worker process ended before it gave back its batch (killed, or out of
    memory). The batches before it are stored; run the import again to finish it."""


_worker: dict[str, RowPreparer] = {}  # a worker's own preparer, set once when it starts


def _start(preparer: RowPreparer) -> None:
    _worker["preparer"] = preparer


def _prepare(rows: Sequence[Mapping[str, object]], staging: str) -> list[Outcome]:
    return _worker["preparer"](rows, staging)


Batch = tuple[Sequence[Mapping[str, object]], str]
"""A batch of rows for a worker, and the staging file to write what it prepares to."""


def prepared_in_workers(
    preparer: RowPreparer, batches: Iterable[Batch | None], workers: int
) -> Iterator[list[Outcome] | None]:
    """Each batch of rows through ``preparer`` in ``workers`` processes, in order: the
    outcomes of its rows once its staging file is written; a ``None`` batch is not sent, and
    comes back as ``None`` in its turn.

    At most two batches per worker are in flight, so memory and staging files stay bounded
    however long ``batches`` is. Closing the iterator early (or an exception in the caller)
    stops the workers without waiting for batches nobody will read.
    """
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(preparer,),
    )
    pending: deque[Future[list[Outcome]] | None] = deque()
    try:
        for batch in batches:
            pending.append(None if batch is None else _submit(pool, batch))
            if len(pending) > 2 * workers:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        for future in pending:
            if future is not None:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, batch: Batch) -> Future[list[Outcome]]:
    try:
        return pool.submit(_prepare, *batch)
    except BrokenProcessPool as exc:  # a worker died before this batch was sent
        raise _stopped(exc) from exc


def _stopped(exc: BrokenProcessPool) -> WorkerStopped:
    return WorkerStopped(f"an import worker process stopped: {exc}")


def _result(
    future: Future[list[Outcome]] | None,
) -> list[Outcome] | None:
    if future is None:
        return None
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise _stopped(exc) from exc
