"""Worker processes for :func:`~iso10002.metrics.imports.import_complaints`: rows in, rows out.

With ``workers=N`` the importer hands batches of rows, as read, to ``N`` processes. Each maps
its rows to histories (:meth:`~iso10002.metrics.import_mapping.ImportMapping.history`) and
prepares them as the store writes them (a :class:`~iso10002.storage.sqlite.ComplaintPreparer`:
validated, folded, sealed), while the importing process reads the next rows and writes
the prepared ones. Python runs one thread at a time in a process, so processes are what
let mapping and sealing use the other cores: a writer thread would wait for the
interpreter lock at every row it binds.

Workers are started with the ``spawn`` method (never ``fork``, which is unsafe in a process
that runs threads, as web servers and desktop programs do): each is a fresh interpreter
that imports iso10002 and, as :mod:`multiprocessing` does, the caller's ``__main__``
module; a script that imports with workers must guard its top level with
``if __name__ == "__main__":``. Batches come back in the order they were sent.

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.metrics.import_cfpb import CFPB, sample_rows
    >>> from iso10002.storage.sqlite import ComplaintPreparer
    >>> prepare = RowPreparer(CFPB, datetime(2026, 12, 1, tzinfo=timezone.utc),
    ...                       ComplaintPreparer(recorded=0))
    >>> ready, refused = prepare([next(iter(sample_rows(1, seed=1))), {"Complaint ID": "x y"}])
    >>> ready.complaint_id.startswith("cfpb-"), refused.problems[0][0]
    (True, 'Complaint ID')
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

import attrs

from iso10002.errors import Iso10002Error, TransitionNotAllowed, ValidationError
from iso10002.metrics.import_mapping import ImportMapping, RowRefused
from iso10002.storage.sqlite import ComplaintPreparer, PreparedComplaint

__all__ = ["Refused", "RowPreparer", "WorkerStopped", "prepared_in_workers"]

Problem = tuple["str | None", "str | None", str]
"""A refused row's problem: the column, the value as read (cut short), the reason."""


@attrs.frozen
class Refused:
    """A row that cannot be imported, and every reason why."""

    problems: tuple[Problem, ...]


@attrs.frozen
class RowPreparer:
    """Maps rows with ``mapping`` (``now`` is the import's instant) and prepares each history
    with ``prepare``; per row, in order, its prepared rows or why it is :class:`Refused`.

    A history the lifecycle or the validation refuses is :class:`Refused` with the reasons
    ``store.create`` would give, as is a row the mapping refuses.
    """

    mapping: ImportMapping
    now: datetime
    prepare: ComplaintPreparer

    def __call__(self, rows: Sequence[Mapping[str, object]]) -> list[PreparedComplaint | Refused]:
        outcomes: list[PreparedComplaint | Refused] = []
        for row in rows:
            try:
                mapped = self.mapping.history(row, now=self.now)
                outcomes.append(self.prepare(mapped.events))
            except RowRefused as exc:
                outcomes.append(Refused(tuple((p.field, p.value, p.message) for p in exc.problems)))
            except ValidationError as exc:
                outcomes.append(Refused(tuple((None, None, m) for m in exc.errors)))
            except TransitionNotAllowed as exc:
                outcomes.append(Refused(((None, None, str(exc)),)))
        return outcomes


class WorkerStopped(Iso10002Error):
    """An import worker process ended before it gave back its batch (killed, or out of
    memory). The batches before it are stored; run the import again to finish it."""


_worker: dict[str, RowPreparer] = {}  # a worker's own preparer, set once when it starts


def _start(preparer: RowPreparer) -> None:
    _worker["preparer"] = preparer


def _prepare(rows: Sequence[Mapping[str, object]]) -> list[PreparedComplaint | Refused]:
    return _worker["preparer"](rows)


def prepared_in_workers(
    preparer: RowPreparer,
    batches: Iterable[Sequence[Mapping[str, object]] | None],
    workers: int,
) -> Iterator[list[PreparedComplaint | Refused] | None]:
    """Each batch of rows through ``preparer`` in ``workers`` processes, in order; a ``None``
    batch is not sent, and comes back as ``None`` in its turn.

    At most two batches per worker are in flight, so memory stays bounded however long
    ``batches`` is. Closing the iterator early (or an exception in the caller) stops the
    workers without waiting for batches nobody will read.
    """
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(preparer,),
    )
    pending: deque[Future[list[PreparedComplaint | Refused]] | None] = deque()
    try:
        for rows in batches:
            pending.append(None if rows is None else pool.submit(_prepare, rows))
            if len(pending) > 2 * workers:
                yield _result(pending.popleft())
        while pending:
            yield _result(pending.popleft())
    finally:
        for future in pending:
            if future is not None:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _result(
    future: Future[list[PreparedComplaint | Refused]] | None,
) -> list[PreparedComplaint | Refused] | None:
    if future is None:
        return None
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerStopped(f"an import worker process stopped: {exc}") from exc
